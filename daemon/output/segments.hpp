// Segments: the append-only JSON Lines files forwarders tail.
//
// normalized/<incident>/<source>-<instance>-<NNNNNN>.jsonl, never renamed, truncated or
// rewritten; a new NNNNNN once the active one reaches output.segment_bytes.  Every write(2)
// ends on '\n'.
//
// Exactly once: an upload's records are first spooled to work/ files.  commit() then
// (1) plans which bytes of which spool go to which segment at which offset and journals
// that plan (work/intents/<id>.json, fsynced), (2) runs the caller's commit point (the
// ledger line), (3) appends, fdatasyncs, and drops the plan.  recover() finishes any plan
// whose commit point was reached — appending only the missing tail of each part — and
// discards the others (their upload is re-ingested from its claim).
// Callers hold the instance's commit lock around commit() and recover().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace evidenced::output {

struct Spool {
    std::string source;   // segment family: cloudtrail, vpcflow, linux-commands, ...
    std::string relpath;  // spool file relative to the root (under work/)
};

class SegmentStore {
public:
    SegmentStore(int root_fd, std::string instance, uint64_t segment_bytes, gid_t group);

    // force_new: start new segment files for these sources (reparse).
    void commit(const std::string& id,
                const std::string& incident,
                const std::vector<Spool>& spools,
                const std::function<void()>& commit_point,
                bool force_new = false);

    // committed(id): whether the plan's commit point was reached.
    void recover(const std::function<bool(const std::string&)>& committed);

private:
    struct Part {
        std::string spool;  // relpath
        uint64_t from = 0;  // spool byte range [from, to)
        uint64_t to = 0;
        std::string segment;  // relpath
        uint64_t offset = 0;  // segment size before this part
    };
    std::vector<Part> plan(const std::string& incident, const Spool& spool, bool force_new);
    void apply(const Part& p);

    int root_fd_;
    std::string instance_;
    uint64_t segment_bytes_;
    gid_t group_;
};

}  // namespace evidenced::output
