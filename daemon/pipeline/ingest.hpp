// Ingestor: the whole pipeline for one upload — custody, unpack, store, parse, commit.
//
// Promises
// - The upload is hashed and kept byte-identical under custody/originals/<sha256>/ (copied
//   for `ingest`, renamed in for the daemon's claimed files), or under quarantine/ when it
//   cannot be read at all.  The caller's file is never changed when copy_original is true.
// - Members are staged under work/, routed to (incident, host, source) and renamed into
//   evidence/ without ever overwriting (same bytes at the same place = already stored).
// - Records of the upload reach normalized/ segments exactly once, even across a crash:
//   constructing an Ingestor first completes any commit a crashed process left (journal).
// - One hash-chained, fsynced ledger line per upload in custody/ledger-<instance>.jsonl.
// - Thread-safe: several threads may call ingest() at once (daemon workers); commits are
//   serialised in-process and across processes (flock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/settings/settings.hpp"

namespace evidenced::pipeline {

struct UploadRequest {
    std::string path;           // the file to ingest (absolute or relative to the cwd)
    std::string original_name;  // upload name for custody and the ledger ("" = basename(path))
    std::string drop_path;      // where the user put it (ledger upload.drop_path)
    std::string incident;       // required
    std::optional<std::string> host;    // explicit host (CLI, drop folder, sidecar)
    std::optional<std::string> source;  // explicit source for every member
    std::optional<std::string> note;    // sidecar note, kept in the ledger
    std::string path_prefix;            // deeper inbox folders, prefixed to member paths
    bool copy_original = true;          // false: rename `path` into custody (daemon claim)
    // A claim found after a restart: when the ledger already holds this upload for this
    // incident, report that and write nothing (no second "duplicate" line).
    bool resume = false;
    // Called right before this upload's commit (ledger line, segments) and right after it,
    // also when the commit fails.  Lets a caller that runs several ingests at once keep the
    // commit order (`ingest FILE...` commits in command-line order).
    std::function<void()> before_commit;
    std::function<void()> after_commit;
};

enum class Outcome { kIngested, kPartial, kDuplicate, kQuarantined };
const char* to_string(Outcome o);

struct UploadResult {
    Outcome outcome = Outcome::kIngested;
    std::string reason;  // why partial / quarantined
    std::string sha256;
    uint64_t size = 0;
    uint64_t members = 0;        // members recorded in the ledger
    uint64_t refused = 0;        // members refused
    uint64_t records = 0;        // normalized records written
    uint64_t error_records = 0;  // of which evidenced.error
    uint64_t bytes_out = 0;      // bytes stored in evidence/
    std::string host;            // the host most members went to
    // Whether something needs a look (exit code 3 for `ingest`).
    bool needs_look() const;
};

class Ingestor {
public:
    // Opens (creating if needed) the data root.  Throws std::runtime_error on I/O failure.
    explicit Ingestor(settings::Settings s);
    ~Ingestor();
    Ingestor(const Ingestor&) = delete;
    Ingestor& operator=(const Ingestor&) = delete;

    // Runs the pipeline on one upload.  Throws only on internal or I/O failure of the data
    // root itself; anything wrong with the upload is reported in the result.
    UploadResult ingest(const UploadRequest& req);

    // Re-parses an incident's (or every incident's) stored evidence into new segments.
    // Returns the number of records written.
    uint64_t reparse(const std::optional<std::string>& incident);

    // Whether (sha256, incident) was already ingested (outcome ingested or duplicate) by any
    // instance's ledger under this root.
    bool already_ingested(const std::string& sha256, const std::string& incident);

    // Makes the output of deferred commits durable now and drops their plans (an idle
    // daemon calls it, so work/intents/ does not keep plans while nothing happens).
    void checkpoint();

    const settings::Settings& config() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace evidenced::pipeline
