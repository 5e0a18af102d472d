// InboxWatcher: inotify on every folder of the inbox, driven by a Boost.Asio event loop.
//
// Promises
// - One watch per folder below the inbox (not dot-folders, so never `.evidenced/`), added
//   recursively at start and for every folder that appears later; the handler is told about
//   a new folder (kDirAdded) only after its watch exists, so a scan of it then misses nothing.
// - For uploads and sidecars (names.hpp): kWrite on IN_CREATE/IN_MODIFY, kClosed on
//   IN_CLOSE_WRITE/IN_MOVED_TO, kGone on IN_DELETE/IN_MOVED_FROM.  Temp names and dot-files
//   are not reported (their rename to the final name is).
// - kResync when events were lost (IN_Q_OVERFLOW) or a folder moved (its watches' paths
//   are stale): the watches are rebuilt before the handler runs; the caller rescans.
// - Inotify is a hint: start() returns false (and logs) when inotify is unavailable, and
//   a full watch table (ENOSPC) is logged once; the caller's periodic rescan covers both.
// - Runs entirely on the io_context's thread; stop() cancels the pending read.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace evidenced::intake {

class InboxWatcher {
public:
    struct Event {
        enum class Kind { kWrite, kClosed, kGone, kDirAdded, kResync };
        Kind kind;
        std::string rel;  // file or folder below the inbox ("" for kResync)
        bool sidecar = false;
    };
    using Handler = std::function<void(const Event&)>;

    InboxWatcher(boost::asio::io_context& io, std::string inbox, Handler handler);
    ~InboxWatcher();
    InboxWatcher(const InboxWatcher&) = delete;
    InboxWatcher& operator=(const InboxWatcher&) = delete;

    bool start();
    void stop();
    size_t watch_count() const {
        return by_wd_.size();
    }

private:
    void add_tree(const std::string& rel_dir, int depth);
    void rebuild();
    void read_more();
    void handle(const char* buf, size_t n);

    boost::asio::io_context& io_;
    std::string inbox_;
    Handler handler_;
    int fd_ = -1;
    std::unique_ptr<boost::asio::posix::stream_descriptor> stream_;
    std::map<int, std::string> by_wd_;
    std::unique_ptr<char[]> buf_;
    bool enospc_logged_ = false;
    bool stopped_ = false;
};

}  // namespace evidenced::intake
