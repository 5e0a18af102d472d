// Custody: originals, quarantine and the hash-chained ledger.
//
// Promises
// - custody/originals/<sha256>/<name>: the upload byte-identical, 0440; kept once whatever
//   name or incident it arrives under.
// - quarantine/<sha256>/<name> + reason.json for uploads that cannot be read at all.
// - custody/ledger-<instance>.jsonl: one line per upload, appended and fsynced; each line's
//   "prev" is the sha256 of the previous line's bytes (64 zeros for the first) and "seq"
//   counts from 1.  Callers serialise appends (Ingestor's commit lock).
// - already_ingested() sees every instance's ledger under the root, re-reading only what
//   was appended since the last call.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace evidenced::store {

class Custody {
public:
    Custody(int root_fd, std::string instance, gid_t group);

    // Moves work/<work_name> (already hashed to sha256) to custody/originals/<sha>/<name>,
    // unless that folder already keeps these bytes (then the work file is removed).
    // Returns the kept path relative to the root.  Not fsynced: the caller makes the file
    // and its directory entry durable (Ingestor::sync_evidence) before the ledger line.
    std::string keep_original(int work_dir,
                              const std::string& work_name,
                              const std::string& sha256,
                              const std::string& name);

    // Moves the kept original (path from keep_original) to quarantine/<sha>/<name> and
    // writes reason.json.  Returns the quarantine path.
    std::string quarantine(const std::string& kept,
                           const std::string& sha256,
                           const std::string& name,
                           const std::string& reason,
                           const std::string& detail,
                           const std::string& time);

    // Appends one ledger line; fills "seq" and "prev" (they must be the first two keys of
    // `entry`, set to anything).  Returns the line as written (without '\n').
    std::string append(nlohmann::ordered_json entry);
    // append() for several entries in order, with one write and one fsync.
    std::vector<std::string> append_all(std::vector<nlohmann::ordered_json> entries);

    bool already_ingested(const std::string& sha256, const std::string& incident);
    // Whether this instance's ledger holds a line with "ingest_id": id.
    bool has_ingest_id(const std::string& id);
    // That line itself (recovery renders its records again), or nullopt.
    std::optional<std::string> ingest_line(const std::string& id);

    const std::string& ledger_path() const {
        return ledger_;
    }

private:
    void refresh();

    int root_fd_;
    std::string instance_;
    gid_t group_;
    std::string ledger_;  // relative to root
    std::mutex mu_;
    std::map<std::string, uint64_t> read_offsets_;            // ledger file → bytes indexed
    std::set<std::pair<std::string, std::string>> ingested_;  // (sha256, incident)
};

}  // namespace evidenced::store
