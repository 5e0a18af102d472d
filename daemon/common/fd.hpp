// File-descriptor helpers.  Every evidence-tree operation goes through directory fds
// (openat family), never through path strings built from archive names.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <sys/types.h>

namespace evidenced {

// An I/O buffer that is not zero-filled: a std::vector<char>(1 MiB) memsets its megabyte
// on every upload, and a growing std::string memsets and copies; both showed up at a few
// percent of the CloudTrail row.  grow() keeps the first `keep` bytes.
class RawBuffer {
public:
    RawBuffer() = default;
    explicit RawBuffer(size_t n) : p_(new char[n]), n_(n) {}
    char* data() {
        return p_.get();
    }
    const char* data() const {
        return p_.get();
    }
    size_t size() const {
        return n_;
    }
    char& operator[](size_t i) {
        return p_[i];
    }
    char operator[](size_t i) const {
        return p_[i];
    }
    void grow(size_t n, size_t keep) {
        std::unique_ptr<char[]> q(new char[n]);
        if (keep > 0) {
            std::memcpy(q.get(), p_.get(), keep);
        }
        p_ = std::move(q);
        n_ = n;
    }

private:
    std::unique_ptr<char[]> p_;
    size_t n_ = 0;
};

// Owns one file descriptor.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const {
        return fd_;
    }
    explicit operator bool() const {
        return fd_ >= 0;
    }
    int release() {
        const int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what);
[[noreturn]] void throw_errno(int err, const std::string& what);

// write(2) until done (EINTR-safe); throws on failure.
void write_all(int fd, const void* data, size_t n, const char* what = "write");
inline void write_all(int fd, std::string_view s, const char* what = "write") {
    write_all(fd, s.data(), s.size(), what);
}
// read(2) until n bytes or EOF; returns bytes read; throws on failure.
size_t read_full(int fd, void* data, size_t n);
size_t pread_full(int fd, void* data, size_t n, off_t off);
// Appends bytes [off, off+len) of `in` to `out` (at out's file offset) in the kernel
// (copy_file_range; read/write where the file system lacks it).  Returns bytes copied
// (fewer only when `in` is shorter).  Throws on failure.
uint64_t copy_range(int in, uint64_t off, uint64_t len, int out, const char* what);
// Appends the whole of `in` to `out`.  Throws on failure or a short copy.
void copy_all(int in, int out, const char* what);

// Opens one existing path component below dirfd as a directory, refusing symlinks and
// anything that would leave dirfd (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, falling
// back to O_NOFOLLOW on old kernels).  Returns -1 with errno set on failure.
int open_dir_beneath(int dirfd, const std::string& name);
// Opens an existing regular file below dirfd for reading, same rules.
int open_file_beneath(int dirfd, const std::string& name);
// Opens a relative '/'-separated path of components below dirfd (each step beneath).
int open_path_beneath(int dirfd, std::string_view relpath, bool directory);

// mkdirat + open_dir_beneath; existing directories are fine.  Returns -1/errno on failure
// (ENOTDIR when the name is held by something that is not a directory).
int make_dir_beneath(int dirfd, const std::string& name, mode_t mode);

// Creates every component of relpath below dirfd (mode 0750 unless given).  Throws.
UniqueFd make_dirs(int dirfd, std::string_view relpath, mode_t mode = 0750);

// Atomically moves work/<from> to dirfd/<to> without replacing anything: renameat2
// RENAME_NOREPLACE, or link+unlink where that is unsupported.  Returns false (and leaves
// the source in place) when the target exists.  Throws on other errors.
bool move_noreplace(int from_dir, const std::string& from, int to_dir, const std::string& to);

// RFC 3339 UTC with milliseconds from seconds (+ nanoseconds).
std::string format_time_utc(int64_t seconds, int64_t nanos = 0);
std::string now_utc();

}  // namespace evidenced
