#include "daemon/common/fd.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace evidenced {

UniqueFd::~UniqueFd() {
    reset();
}

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
        reset(o.release());
    }
    return *this;
}

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = fd;
}

void throw_errno(int err, const std::string& what) {
    throw std::system_error(err, std::generic_category(), what);
}

void throw_errno(const std::string& what) {
    throw_errno(errno, what);
}

void write_all(int fd, const void* data, size_t n, const char* what) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t k = ::write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(what);
        }
        p += k;
        n -= static_cast<size_t>(k);
    }
}

size_t read_full(int fd, void* data, size_t n) {
    char* p = static_cast<char*>(data);
    size_t got = 0;
    while (got < n) {
        const ssize_t k = ::read(fd, p + got, n - got);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("read");
        }
        if (k == 0) {
            break;
        }
        got += static_cast<size_t>(k);
    }
    return got;
}

size_t pread_full(int fd, void* data, size_t n, off_t off) {
    char* p = static_cast<char*>(data);
    size_t got = 0;
    while (got < n) {
        const ssize_t k = ::pread(fd, p + got, n - got, off + static_cast<off_t>(got));
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("pread");
        }
        if (k == 0) {
            break;
        }
        got += static_cast<size_t>(k);
    }
    return got;
}

uint64_t copy_range(int in, uint64_t off, uint64_t len, int out, const char* what) {
    uint64_t done = 0;
    // copy_file_range refuses O_APPEND outputs; those take the read/write path.
    const int fl = ::fcntl(out, F_GETFL);
    bool kernel = fl >= 0 && (fl & O_APPEND) == 0;
    std::vector<char> buf(kernel ? 0 : 1 << 20);
    while (done < len) {
        if (kernel) {
            auto from = static_cast<loff_t>(off + done);
            const ssize_t k =
                ::copy_file_range(in, &from, out, nullptr,
                                  static_cast<size_t>(std::min<uint64_t>(len - done, 1 << 30)), 0);
            if (k > 0) {
                done += static_cast<uint64_t>(k);
                continue;
            }
            if (k == 0) {
                break;  // end of input
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
                throw_errno(what);
            }
            kernel = false;  // a file system without it: read and write
            buf.resize(1 << 20);
        }
        const size_t want = static_cast<size_t>(std::min<uint64_t>(len - done, buf.size()));
        const size_t k = pread_full(in, buf.data(), want, static_cast<off_t>(off + done));
        if (k == 0) {
            break;
        }
        write_all(out, buf.data(), k, what);
        done += k;
    }
    return done;
}

void copy_all(int in, int out, const char* what) {
    struct stat st {};
    if (::fstat(in, &st) != 0) {
        throw_errno(what);
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (copy_range(in, 0, size, out, what) != size) {
        throw std::runtime_error(std::string(what) + ": input ended early");
    }
}

namespace {

int openat2_beneath(int dirfd, const std::string& name, int flags, mode_t mode) {
    // Single components only: a '/' would let a caller skip the per-component walk.
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        errno = EINVAL;
        return -1;
    }
    static bool have_openat2 = true;
    if (have_openat2) {
        open_how how{};
        how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
        how.mode = (flags & O_CREAT) ? mode : 0;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        for (;;) {
            const long fd = ::syscall(SYS_openat2, dirfd, name.c_str(), &how, sizeof how);
            if (fd >= 0) {
                return static_cast<int>(fd);
            }
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            if (errno == ENOSYS) {
                have_openat2 = false;
                break;
            }
            return -1;
        }
    }
    return ::openat(dirfd, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);
}

// The whole of `relpath` in one openat2 when the kernel has it: RESOLVE_BENEATH with
// RESOLVE_NO_SYMLINKS refuses a symlink or a way out in every component, which is what the
// per-component walk checks, for one path lookup instead of one open (plus dup and close)
// per component.  Returns -2 when the walk must decide (no openat2, or an odd component).
int open_whole_path(int dirfd, std::string_view relpath, int flags) {
    if (relpath.empty()) {
        return -2;
    }
    for (size_t pos = 0; pos <= relpath.size();) {
        const size_t slash = std::min(relpath.find('/', pos), relpath.size());
        const std::string_view comp = relpath.substr(pos, slash - pos);
        if (comp.empty() || comp == "." || comp == "..") {
            return -2;
        }
        pos = slash + 1;
    }
    if (relpath.find('/') == std::string_view::npos) {
        return -2;  // one component: the walk is one open anyway
    }
    static std::atomic<bool> have_openat2{true};
    if (!have_openat2.load(std::memory_order_relaxed)) {
        return -2;
    }
    const std::string path(relpath);
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        const long fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
        if (fd >= 0) {
            return static_cast<int>(fd);
        }
        if (errno == EINTR || errno == EAGAIN) {
            continue;
        }
        if (errno == ENOSYS) {
            have_openat2.store(false, std::memory_order_relaxed);
            return -2;
        }
        return -1;
    }
}

}  // namespace

int open_dir_beneath(int dirfd, const std::string& name) {
    return openat2_beneath(dirfd, name, O_RDONLY | O_DIRECTORY, 0);
}

int open_file_beneath(int dirfd, const std::string& name) {
    const int fd = openat2_beneath(dirfd, name, O_RDONLY, 0);
    if (fd < 0) {
        return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        errno = EISDIR;
        return -1;
    }
    return fd;
}

int open_path_beneath(int dirfd, std::string_view relpath, bool directory) {
    const int whole = open_whole_path(dirfd, relpath, O_RDONLY | (directory ? O_DIRECTORY : 0));
    if (whole >= 0) {
        struct stat st {};
        if (!directory && (::fstat(whole, &st) != 0 || !S_ISREG(st.st_mode))) {
            ::close(whole);
            errno = EISDIR;
            return -1;
        }
        return whole;
    }
    if (whole == -1) {
        return -1;
    }
    UniqueFd cur(::dup(dirfd));
    if (!cur) {
        return -1;
    }
    while (!relpath.empty()) {
        const size_t slash = relpath.find('/');
        const std::string comp(relpath.substr(0, slash));
        relpath = slash == std::string_view::npos ? std::string_view{} : relpath.substr(slash + 1);
        if (comp.empty()) {
            continue;
        }
        const bool last = relpath.empty();
        const int fd = (last && !directory) ? open_file_beneath(cur.get(), comp)
                                            : open_dir_beneath(cur.get(), comp);
        if (fd < 0) {
            return -1;
        }
        cur.reset(fd);
    }
    return cur.release();
}

int make_dir_beneath(int dirfd, const std::string& name, mode_t mode) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        errno = EINVAL;
        return -1;
    }
    // Open first: the directory is usually there, and mkdirat would only say EEXIST.
    int fd = open_dir_beneath(dirfd, name);
    if (fd >= 0 || errno != ENOENT) {
        if (fd < 0 && (errno == ELOOP || errno == EXDEV)) {
            errno = ENOTDIR;  // a symlink holds the name: treat like a file in the way
        }
        return fd;
    }
    if (::mkdirat(dirfd, name.c_str(), mode) != 0 && errno != EEXIST) {
        return -1;
    }
    fd = open_dir_beneath(dirfd, name);
    if (fd < 0 && (errno == ELOOP || errno == EXDEV)) {
        errno = ENOTDIR;  // a symlink holds the name: treat like a file in the way
    }
    return fd;
}

UniqueFd make_dirs(int dirfd, std::string_view relpath, mode_t mode) {
    // Usually every directory exists already: one lookup, no mkdirat per component.
    const int whole = open_whole_path(dirfd, relpath, O_RDONLY | O_DIRECTORY);
    if (whole >= 0) {
        return UniqueFd(whole);
    }
    UniqueFd cur(::dup(dirfd));
    if (!cur) {
        throw_errno("dup");
    }
    while (!relpath.empty()) {
        const size_t slash = relpath.find('/');
        const std::string comp(relpath.substr(0, slash));
        relpath = slash == std::string_view::npos ? std::string_view{} : relpath.substr(slash + 1);
        if (comp.empty()) {
            continue;
        }
        const int fd = make_dir_beneath(cur.get(), comp, mode);
        if (fd < 0) {
            throw_errno("create directory " + comp);
        }
        cur.reset(fd);
    }
    return cur;
}

bool move_noreplace(int from_dir, const std::string& from, int to_dir, const std::string& to) {
    static bool have_renameat2 = true;
    if (have_renameat2) {
        if (::renameat2(from_dir, from.c_str(), to_dir, to.c_str(), RENAME_NOREPLACE) == 0) {
            return true;
        }
        if (errno == EEXIST) {
            return false;
        }
        if (errno != EINVAL && errno != ENOSYS) {
            throw_errno("rename " + from + " to " + to);
        }
        have_renameat2 = false;
    }
    // link(2) never replaces: the classic no-replace move that NFS supports too.
    if (::linkat(from_dir, from.c_str(), to_dir, to.c_str(), 0) != 0) {
        if (errno == EEXIST) {
            return false;
        }
        throw_errno("link " + from + " to " + to);
    }
    ::unlinkat(from_dir, from.c_str(), 0);
    return true;
}

std::string format_time_utc(int64_t seconds, int64_t nanos) {
    const time_t t = static_cast<time_t>(seconds);
    tm tmv{};
    gmtime_r(&t, &tmv);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmv.tm_year + 1900,
                  tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec,
                  static_cast<int>(nanos / 1000000));
    return buf;
}

std::string now_utc() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
    return format_time_utc(ns / 1000000000, ns % 1000000000);
}

}  // namespace evidenced
