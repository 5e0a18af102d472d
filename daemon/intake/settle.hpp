// SettleTracker: decides when an upload has finished arriving.
//
// Promises: an upload is ready only when
//   - its size, mtime and inode were observed unchanged for `settle_seconds`,
//   - no inotify write event (IN_CREATE/IN_MODIFY) arrived for it in that time, and
//   - every write-open seen through inotify was matched by IN_CLOSE_WRITE or IN_MOVED_TO
//     (a writer still holding the file open is never taken, however long it stalls),
//   - its sidecar, if one is being tracked, satisfies the same rules;
// so a file that is still growing is never handed out.  Where inotify sees nothing
// (NFS/SMB written by other hosts) the stat rule alone decides.  Time is passed in (seconds
// of a monotonic clock), so the tracker is pure logic.  Not thread-safe (the event loop owns it).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/intake/layout.hpp"

namespace evidenced::intake {

class SettleTracker {
public:
    explicit SettleTracker(double settle_seconds) : settle_(settle_seconds) {}
    void set_settle_seconds(double s) {
        settle_ = s;
    }
    double settle_seconds() const {
        return settle_;
    }

    // A stat of the file (rescan or re-check).  Changed facts restart the settle clock.
    void observe(const std::string& rel, const FileFacts& facts, bool sidecar, double now);
    // inotify: the file was created or written (it is open for writing).
    void on_write(const std::string& rel, bool sidecar, double now);
    // inotify: IN_CLOSE_WRITE or IN_MOVED_TO.
    void on_closed(const std::string& rel, bool sidecar, double now);
    // The file is gone (deleted, moved away, claimed).
    void forget(const std::string& rel);
    // inotify events were lost (IN_Q_OVERFLOW, watcher restart): forget write-open state
    // and fall back on the stat rule.
    void reset_write_state();
    // A full rescan: entries absent from `entries` are dropped (except those in flight),
    // the rest observed.
    void sync(const std::vector<ScanEntry>& entries, double now);

    // Uploads handed to a worker are not offered again until released.
    void set_in_flight(const std::string& rel, bool in_flight);

    // Settled uploads, in the order they were first seen.
    std::vector<std::string> ready(double now) const;
    // Every tracked path (uploads and sidecars), to re-stat.
    std::vector<std::string> tracked() const;
    std::optional<FileFacts> facts(const std::string& rel) const;
    // Uploads waiting (tracked, not in flight).
    size_t pending_uploads() const;

private:
    struct Entry {
        std::optional<FileFacts> facts;
        double changed_at = 0;
        double last_write = -1e300;
        double first_seen = 0;
        unsigned long long order = 0;
        bool write_open = false;
        bool sidecar = false;
        bool in_flight = false;
    };
    Entry& entry(const std::string& rel, bool sidecar, double now);
    bool settled(const Entry& e, double now) const;

    double settle_;
    unsigned long long next_order_ = 0;
    std::map<std::string, Entry> entries_;
};

}  // namespace evidenced::intake
