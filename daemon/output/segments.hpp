// Segments: the append-only JSON Lines files forwarders tail.
//
// normalized/<incident>/<source>-<instance>-<NNNNNN>.jsonl, never renamed, truncated or
// rewritten; a new NNNNNN once the active one reaches output.segment_bytes.  Every write(2)
// ends on '\n'.
//
// Exactly once: an upload's records are first spooled to work/ files.  commit() then
// (1) plans which bytes of which spool go to which segment at which offset and journals
// that plan (work/intents/<id>.json, fsynced), (2) runs the caller's commit point (the
// ledger line), (3) appends.  A durable commit then fdatasyncs and drops the plan; a
// deferred one (ingest) keeps the plan until checkpoint() has fdatasynced its segments,
// so the output is not flushed twice per upload and nobody waits for it: the evidence
// and the ledger line are what must be on disk, and the records can be rebuilt from them.
// recover() finishes every plan whose commit point was reached -- appending only the
// missing tail of each part, from the spool or, when a crash lost the spool, from spools
// `regenerate` renders again (deterministically, byte for byte) -- and discards the
// others (their upload is re-ingested from its claim).
// commit_batch() does the same for several uploads at once (group commit): one intent file
// holds every plan, the commit point runs once (one ledger fsync for all), so concurrent
// uploads share the device flushes instead of queueing for three each.
// Callers hold the instance's commit lock around commit(), checkpoint() and recover().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace evidenced::output {

struct Spool {
    Spool(std::string source_, std::string relpath_, std::shared_ptr<const std::string> mem_ = {})
        : source(std::move(source_)), relpath(std::move(relpath_)), mem(std::move(mem_)) {}
    std::string source;   // segment family: cloudtrail, vpcflow, linux-commands, ...
    std::string relpath;  // spool file relative to the root (under work/), or ""
    // The records themselves when they were small enough to stay in memory (relpath ""):
    // then they are written once, into the segment, and recovery renders them again.
    std::shared_ptr<const std::string> mem;
};

class SegmentStore {
public:
    SegmentStore(int root_fd, std::string instance, uint64_t segment_bytes, gid_t group);

    // force_new: start new segment files for these sources (reparse).
    // durable: fdatasync before returning; else the plan stays until checkpoint().
    void commit(const std::string& id,
                const std::string& incident,
                const std::vector<Spool>& spools,
                const std::function<void()>& commit_point,
                bool force_new = false,
                bool durable = true);

    // One upload of a batch: its plans go to the segments in batch order.
    struct Commit {
        std::string id;
        std::string incident;
        const std::vector<Spool>* spools = nullptr;
    };
    // commit() for several uploads: all plans journalled in one intent (named after the
    // first id that has parts; none when nothing is appended), then `commit_point` once,
    // then every append.  A failure before the commit point fails the whole batch.
    void commit_batch(const std::vector<Commit>& batch,
                      const std::function<void()>& commit_point,
                      bool durable = true);

    // Makes deferred commits durable (fdatasync their segments) and drops their plans.
    void checkpoint();
    size_t pending() const {
        return pending_.size();
    }

    // committed(id): whether the plan's commit point was reached.  regenerate(id): the
    // upload's spools rendered again (nullopt if it cannot be); called only when a spool
    // is missing or short.
    using Regenerate = std::function<std::optional<std::vector<Spool>>(const std::string& id)>;
    void recover(const std::function<bool(const std::string&)>& committed,
                 const Regenerate& regenerate = {});

private:
    struct Part {
        std::string source;  // segment family (to find a regenerated spool)
        std::string spool;   // relpath
        uint64_t from = 0;   // spool byte range [from, to)
        uint64_t to = 0;
        std::string segment;               // relpath
        uint64_t offset = 0;               // segment size before this part
        const std::string* mem = nullptr;  // the spool's bytes when in memory (not journalled)
    };
    std::vector<Part> plan(const std::string& incident, const Spool& spool, bool force_new);
    // Within a batch, where each (incident dir, source) family's next part goes: the plans
    // are made before anything is appended, so the files cannot tell.
    struct Cursor {
        uint64_t seg = 0;
        uint64_t size = 0;
    };
    std::map<std::string, Cursor>* cursors_ = nullptr;
    // Journals `plans` (id, parts) in one intent, runs commit_point, appends.  With no plan
    // the intent is skipped unless always_journal (commit() keeps its one-intent contract).
    void journal_and_apply(const std::vector<std::pair<std::string, std::vector<Part>>>& plans,
                           const std::function<void()>& commit_point,
                           bool durable,
                           bool always_journal);
    // Appends what the segment lacks of p; returns false when the spool cannot supply it.
    bool apply(const Part& p);
    void sync_segments(const std::vector<std::string>& segments);
    // The segments the deferred commits appended to, each once.
    std::vector<std::string> pending_segments() const;
    bool adopt_spool(const Part& p, int seg_dir, const std::string& name);

    int root_fd_;
    std::string instance_;
    uint64_t segment_bytes_;
    gid_t group_;
    struct Pending {
        std::string intent;                 // file name in work/intents
        std::vector<std::string> segments;  // relpaths it appended to
    };
    std::vector<Pending> pending_;
};

}  // namespace evidenced::output
