#include "daemon/intake/watcher.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/intake/layout.hpp"
#include "daemon/intake/names.hpp"

namespace evidenced::intake {
namespace {

constexpr size_t kBufSize = 256 * 1024;
constexpr uint32_t kDirMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                              IN_DELETE | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW |
                              IN_EXCL_UNLINK;

}  // namespace

InboxWatcher::InboxWatcher(boost::asio::io_context& io, std::string inbox, Handler handler)
    : io_(io), inbox_(std::move(inbox)), handler_(std::move(handler)) {}

InboxWatcher::~InboxWatcher() {
    stop();
}

bool InboxWatcher::start() {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) {
        spdlog::warn("inotify unavailable ({}); relying on periodic rescans", std::strerror(errno));
        return false;
    }
    stream_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd_);
    buf_ = std::make_unique<char[]>(kBufSize);
    add_tree("", 0);
    read_more();
    return true;
}

void InboxWatcher::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (stream_) {
        boost::system::error_code ec;
        stream_->cancel(ec);
        stream_->close(ec);  // closes fd_
        stream_.reset();
        fd_ = -1;
    }
    by_wd_.clear();
}

void InboxWatcher::add_tree(const std::string& rel_dir, int depth) {
    const std::string path = rel_dir.empty() ? inbox_ : inbox_ + "/" + rel_dir;
    const int wd = ::inotify_add_watch(fd_, path.c_str(), kDirMask);
    if (wd < 0) {
        if (errno == ENOSPC && !enospc_logged_) {
            enospc_logged_ = true;
            spdlog::error(
                "inotify watch limit reached at {} ({} watches); new uploads there are seen "
                "only by the periodic rescan: raise sysctl fs.inotify.max_user_watches",
                path, by_wd_.size());
        }
        return;
    }
    by_wd_[wd] = rel_dir;
    if (depth >= kMaxInboxDepth) {
        return;
    }
    const int dfd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        return;
    }
    DIR* d = ::fdopendir(dfd);
    if (d == nullptr) {
        ::close(dfd);
        return;
    }
    std::vector<std::string> subdirs;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == ".." || !is_scanned_dir_name(name)) {
            continue;
        }
        struct stat st {};
        if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            subdirs.emplace_back(name);
        }
    }
    ::closedir(d);
    for (const auto& sub : subdirs) {
        add_tree(rel_dir.empty() ? sub : rel_dir + "/" + sub, depth + 1);
    }
}

void InboxWatcher::rebuild() {
    for (const auto& [wd, rel] : by_wd_) {
        ::inotify_rm_watch(fd_, wd);
    }
    by_wd_.clear();
    add_tree("", 0);
}

void InboxWatcher::read_more() {
    if (stopped_ || !stream_) {
        return;
    }
    stream_->async_read_some(boost::asio::buffer(buf_.get(), kBufSize),
                             [this](const boost::system::error_code& ec, size_t n) {
                                 if (ec) {
                                     if (ec != boost::asio::error::operation_aborted && !stopped_) {
                                         spdlog::error(
                                             "inotify read failed: {}; relying on periodic rescans",
                                             ec.message());
                                     }
                                     return;
                                 }
                                 handle(buf_.get(), n);
                                 read_more();
                             });
}

void InboxWatcher::handle(const char* buf, size_t n) {
    bool resync = false;
    std::vector<Event> events;
    for (size_t off = 0; off + sizeof(inotify_event) <= n;) {
        inotify_event ev;
        std::memcpy(&ev, buf + off, sizeof ev);
        const char* name_ptr = buf + off + sizeof(inotify_event);
        off += sizeof(inotify_event) + ev.len;
        if (ev.mask & IN_Q_OVERFLOW) {
            resync = true;
            continue;
        }
        if (ev.mask & IN_IGNORED) {
            by_wd_.erase(ev.wd);
            continue;
        }
        const auto it = by_wd_.find(ev.wd);
        if (it == by_wd_.end()) {
            continue;
        }
        if (ev.mask & IN_MOVE_SELF) {
            // A watched folder moved: every path under it is stale.
            resync = true;
            continue;
        }
        const std::string name = ev.len > 0 ? std::string(name_ptr) : std::string();
        if (name.empty()) {
            continue;
        }
        const std::string rel = it->second.empty() ? name : it->second + "/" + name;
        if (ev.mask & IN_ISDIR) {
            if (!is_scanned_dir_name(name)) {
                continue;
            }
            if (ev.mask & (IN_CREATE | IN_MOVED_TO)) {
                const int depth = 1 + static_cast<int>(std::count(rel.begin(), rel.end(), '/'));
                add_tree(rel, depth);
                events.push_back({Event::Kind::kDirAdded, rel, false});
            } else if (ev.mask & IN_MOVED_FROM) {
                resync = true;
            }
            continue;
        }
        if (it->second.empty()) {
            continue;  // files directly in the inbox are not uploads
        }
        const bool sidecar = is_sidecar_name(name) && !is_dot_name(name);
        if (!sidecar && !is_upload_name(name)) {
            continue;
        }
        if (ev.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
            events.push_back({Event::Kind::kClosed, rel, sidecar});
        } else if (ev.mask & (IN_CREATE | IN_MODIFY)) {
            events.push_back({Event::Kind::kWrite, rel, sidecar});
        } else if (ev.mask & (IN_DELETE | IN_MOVED_FROM)) {
            events.push_back({Event::Kind::kGone, rel, sidecar});
        }
    }
    if (resync) {
        rebuild();
    }
    for (const auto& e : events) {
        handler_(e);
    }
    if (resync) {
        handler_({Event::Kind::kResync, "", false});
    }
}

}  // namespace evidenced::intake
