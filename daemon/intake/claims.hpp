// ClaimStore: takes ownership of a settled upload, exactly once across any number of daemons.
//
// Layout (on the inbox's own file system, so a rename is atomic even on NFS/SMB shares):
//
//   inbox/.evidenced/claimed/<instance>/<claim-id>/.claim.json       what was claimed, from where
//   inbox/.evidenced/claimed/<instance>/<claim-id>/.started          an ingest was begun
//   inbox/.evidenced/claimed/<instance>/<claim-id>/<incident>/<host>/<rest>   the upload itself
//   inbox/.evidenced/claimed/<instance>/<claim-id>/<...>/<name>.evidenced.json  its sidecar
//
// Promises
// - claim() moves the upload with one rename(2) into a claim directory that this process just
//   created with mkdir(2) (EEXIST-checked, which NFS honours), so the rename can never replace
//   anything and no RENAME_NOREPLACE is needed; the inbox entry exists once, so exactly one
//   daemon's rename succeeds.  A rename reported as failed but found done (NFS retransmit) is
//   recognised as won.  `.claim.json` is written and fsynced before the rename, so a restart
//   always knows where a claim came from (the path below the claim id says it too).
// - The upload is claimed only if its size, mtime and inode still equal the settled facts.
// - pending() lists this instance's claims in claim order; finish() removes a claim directory.
// - Never follows symlinks; never touches other instances' claims.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/intake/layout.hpp"
#include "daemon/intake/sidecar.hpp"

namespace evidenced::intake {

struct ClaimMeta {
    std::string id;
    std::string instance;
    DropLocation loc;        // where the upload lay below the inbox
    FileFacts facts;         // at claim time
    std::string claimed_at;  // RFC 3339 UTC
    std::optional<Sidecar> sidecar;
    std::string sidecar_error;  // why a sidecar present beside the upload was ignored
};

struct Claim {
    ClaimMeta meta;
    std::string dir;          // the claim directory
    std::string upload_path;  // dir + "/" + meta.loc.rel
    bool started = false;     // an ingest was begun before (found by pending())
};

enum class ClaimStatus { kClaimed, kGone, kChanged };

class ClaimStore {
public:
    // Creates inbox/.evidenced/claimed/<instance>/ if needed.  Throws std::runtime_error.
    ClaimStore(std::string inbox, std::string instance);

    // Claims inbox/<loc.rel> if it still has `expected` facts.  Throws std::runtime_error on
    // I/O failures other than losing the race.
    ClaimStatus claim(const DropLocation& loc, const FileFacts& expected, Claim& out);

    // Records (durably) that an ingest of this claim was begun.
    void mark_started(Claim& c);

    // Claims left by this instance (a previous run), oldest first.
    std::vector<Claim> pending() const;

    // Removes the claim directory and everything in it.
    void finish(const Claim& c);

    const std::string& base_dir() const {
        return base_;
    }

private:
    std::string new_id();

    std::string inbox_;
    std::string instance_;
    std::string base_;
    std::atomic<uint64_t> seq_{0};  // workers claim concurrently
};

// The JSON form of .claim.json (exposed for tests).
std::string claim_meta_to_json(const ClaimMeta& m);
ClaimMeta claim_meta_from_json(const std::string& text);

// Creates every missing directory of `path` (mode 0750 subject to the umask).  Throws.
void make_dirs(const std::string& path);
// Writes `data` to dir/name through a hidden temp file, fsync, rename, fsync(dir).  Throws.
void write_file_atomic(const std::string& dir,
                       const std::string& name,
                       const std::string& data,
                       unsigned mode = 0644);

}  // namespace evidenced::intake
