#include "daemon/unpack/unpack.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/common/sha256.hpp"
#include "daemon/store/names.hpp"
#include "parsers/parser.hpp"

namespace evidenced::unpack {

namespace {

constexpr size_t kBuf = 256 * 1024;
// Small reads from the upload keep "input consumed" close to what libarchive really used,
// which is what the output:input ratio is judged against.
constexpr size_t kReadBlock = 64 * 1024;
constexpr size_t kHead = parsers::kProbeBytes;
constexpr uint64_t kFreeCheckEvery = 64ULL << 20;
// gzip members up to these sizes are inflated in one call by libdeflate (about 2.5x zlib's
// speed here); larger or odd ones (multi-member, size lies) stream through libarchive.
constexpr size_t kFastMaxCompressed = 4 << 20;
constexpr size_t kFastMaxInflated = 24 << 20;

// A member-level limit: refuse this member, go on with the others.
struct MemberRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// An upload-level limit: stop extracting this upload.
struct UploadStopped : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ArchiveDeleter {
    void operator()(archive* a) const {
        archive_read_free(a);
    }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// Starts the kernel's writeback of staged files on a helper thread, so the one syncfs at
// commit has little left to do and the unpacking thread never waits for the disk.
class Flusher {
public:
    Flusher() : thread_([this] { run(); }) {}
    ~Flusher() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            done_ = true;
        }
        cv_.notify_one();
        thread_.join();
        for (int fd : queue_) {
            ::close(fd);
        }
    }
    Flusher(const Flusher&) = delete;
    Flusher& operator=(const Flusher&) = delete;

    void push(int fd) {
        const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0) {
            return;  // only an optimisation: syncfs at commit still makes it durable
        }
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (queue_.size() >= 64) {
                ::close(copy);
                return;
            }
            queue_.push_back(copy);
        }
        cv_.notify_one();
    }

private:
    void run() {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;
            }
            const int fd = queue_.front();
            queue_.pop_front();
            lock.unlock();
            ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
            ::close(fd);
            lock.lock();
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<int> queue_;
    bool done_ = false;
    std::thread thread_;
};

// Per-upload state shared by every layer.
struct Ctx {
    Ctx(int dir, const UnpackOptions& o, UnpackResult& r) : work_dir(dir), opt(o), res(r) {}
    int work_dir;
    const UnpackOptions& opt;
    UnpackResult& res;
    uint64_t input_consumed = 0;  // raw bytes read from the upload and from spool files
    uint64_t entries_seen = 0;
    uint64_t next_work_id = 0;
    uint64_t since_free_check = 0;
    // "container-key/sanitised path" → index in res.members, for in-archive hardlinks.
    std::map<std::string, size_t> staged_by_key;
    Flusher flusher;

    std::string new_work_name(const char* prefix) {
        return prefix + std::to_string(next_work_id++);
    }
};

// A readable byte stream: the upload, a spool file, or one entry of an open archive.
class Source {
public:
    virtual ~Source() = default;
    // Bytes read, 0 at end, -1 on error (error() says why).
    virtual ssize_t read(char* buf, size_t n) = 0;
    // The remaining bytes when the whole stream is already in memory (no copy needed).
    virtual const std::string_view* memory() {
        return nullptr;
    }
    const std::string& error() const {
        return error_;
    }

protected:
    std::string error_;
};

class FdSource final : public Source {
public:
    FdSource(int fd, Ctx& ctx) : fd_(fd), ctx_(ctx) {}
    ssize_t read(char* buf, size_t n) override {
        for (;;) {
            const ssize_t k = ::read(fd_, buf, n);
            if (k >= 0) {
                ctx_.input_consumed += static_cast<uint64_t>(k);
                return k;
            }
            if (errno != EINTR) {
                error_ = std::strerror(errno);
                return -1;
            }
        }
    }

private:
    int fd_;
    Ctx& ctx_;
};

class ArchiveSource final : public Source {
public:
    explicit ArchiveSource(archive* a) : a_(a) {}
    ssize_t read(char* buf, size_t n) override {
        const la_ssize_t k = archive_read_data(a_, buf, n);
        if (k < 0) {
            const char* e = archive_error_string(a_);
            error_ = e != nullptr ? e : "archive read error";
            return -1;
        }
        return static_cast<ssize_t>(k);
    }

private:
    archive* a_;
};

// Replays the bytes already peeked for detection, then continues with the inner stream.
class PrefixSource final : public Source {
public:
    PrefixSource(std::string_view prefix, Source& inner) : prefix_(prefix), inner_(inner) {}
    ssize_t read(char* buf, size_t n) override {
        if (!prefix_.empty()) {
            const size_t k = std::min(n, prefix_.size());
            std::memcpy(buf, prefix_.data(), k);
            prefix_.remove_prefix(k);
            return static_cast<ssize_t>(k);
        }
        const ssize_t k = inner_.read(buf, n);
        if (k < 0) {
            error_ = inner_.error();
        }
        return k;
    }

private:
    std::string_view prefix_;
    Source& inner_;
};

// A stream held in memory (a gzip member inflated in one go).
class MemorySource final : public Source {
public:
    explicit MemorySource(std::string_view data) : data_(data) {}
    const std::string_view* memory() override {
        return &data_;
    }
    ssize_t read(char* buf, size_t n) override {
        const size_t k = std::min(n, data_.size());
        std::memcpy(buf, data_.data(), k);
        data_.remove_prefix(k);
        return static_cast<ssize_t>(k);
    }

private:
    std::string_view data_;
};

// libarchive client over a Source (streaming formats and filters).
struct StreamClient {
    Source* src;
    RawBuffer buf = RawBuffer(kReadBlock);
};

la_ssize_t stream_read_cb(archive* a, void* data, const void** out) {
    auto* c = static_cast<StreamClient*>(data);
    const ssize_t k = c->src->read(c->buf.data(), c->buf.size());
    if (k < 0) {
        archive_set_error(a, EIO, "%s", c->src->error().c_str());
        return -1;
    }
    *out = c->buf.data();
    return k;
}

// libarchive client over a seekable fd (zip central directory, 7z).
struct SeekClient {
    int fd;
    int64_t pos = 0;
    int64_t size = 0;
    Ctx* ctx;
    RawBuffer buf = RawBuffer(kReadBlock);
};

la_ssize_t seek_read_cb(archive* a, void* data, const void** out) {
    auto* c = static_cast<SeekClient*>(data);
    for (;;) {
        const ssize_t k = ::pread(c->fd, c->buf.data(), c->buf.size(), c->pos);
        if (k >= 0) {
            c->pos += k;
            c->ctx->input_consumed += static_cast<uint64_t>(k);
            *out = c->buf.data();
            return k;
        }
        if (errno != EINTR) {
            archive_set_error(a, errno, "read: %s", std::strerror(errno));
            return -1;
        }
    }
}

la_int64_t seek_skip_cb(archive*, void* data, la_int64_t request) {
    auto* c = static_cast<SeekClient*>(data);
    const int64_t n = std::max<int64_t>(0, std::min<int64_t>(request, c->size - c->pos));
    c->pos += n;
    return n;
}

la_int64_t seek_seek_cb(archive*, void* data, la_int64_t offset, int whence) {
    auto* c = static_cast<SeekClient*>(data);
    int64_t base = 0;
    if (whence == SEEK_CUR) {
        base = c->pos;
    } else if (whence == SEEK_END) {
        base = c->size;
    }
    const int64_t np = base + offset;
    if (np < 0) {
        return ARCHIVE_FATAL;
    }
    c->pos = np;
    return np;
}

std::string archive_err(archive* a) {
    const char* e = archive_error_string(a);
    return e != nullptr ? e : "unknown error";
}

// ---------------------------------------------------------------------------------------
// Zip central-directory pre-scan: overlapping entries (Fifield bombs) and local/central name
// mismatches are refused.  libarchive checks neither.

uint16_t le16(const unsigned char* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t le32(const unsigned char* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t le64(const unsigned char* p) {
    return static_cast<uint64_t>(le32(p)) | (static_cast<uint64_t>(le32(p + 4)) << 32);
}

struct ZipScan {
    bool scanned = false;
    bool has_overlap = false;
    std::set<std::string> bad;   // names of entries to refuse
    std::set<std::string> good;  // names of entries that passed
};

ZipScan zip_prescan(int fd, uint64_t size) {
    ZipScan scan;
    if (size < 22) {
        return scan;
    }
    const uint64_t tail_len = std::min<uint64_t>(size, 65535 + 22);
    std::vector<unsigned char> tail(tail_len);
    if (pread_full(fd, tail.data(), tail_len, static_cast<off_t>(size - tail_len)) != tail_len) {
        return scan;
    }
    int64_t eocd = -1;
    for (int64_t i = static_cast<int64_t>(tail_len) - 22; i >= 0; --i) {
        if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) {
        return scan;
    }
    const unsigned char* e = tail.data() + eocd;
    uint64_t entries = le16(e + 10);
    uint64_t cd_size = le32(e + 12);
    uint64_t cd_off = le32(e + 16);
    const uint64_t eocd_abs = size - tail_len + static_cast<uint64_t>(eocd);
    if ((entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF) && eocd_abs >= 20) {
        unsigned char loc[20];
        if (pread_full(fd, loc, 20, static_cast<off_t>(eocd_abs - 20)) == 20 && loc[0] == 'P' &&
            loc[1] == 'K' && loc[2] == 6 && loc[3] == 7) {
            const uint64_t z64 = le64(loc + 8);
            unsigned char rec[56];
            if (z64 + 56 <= size && pread_full(fd, rec, 56, static_cast<off_t>(z64)) == 56 &&
                rec[0] == 'P' && rec[1] == 'K' && rec[2] == 6 && rec[3] == 6) {
                entries = le64(rec + 32);
                cd_size = le64(rec + 40);
                cd_off = le64(rec + 48);
            }
        }
    }
    if (cd_off > size || cd_size > size - cd_off || cd_size > (64ULL << 20)) {
        return scan;
    }
    std::vector<unsigned char> cd(cd_size);
    if (pread_full(fd, cd.data(), cd_size, static_cast<off_t>(cd_off)) != cd_size) {
        return scan;
    }
    struct Span {
        uint64_t start;
        uint64_t end;
        std::string name;
    };
    std::vector<Span> spans;
    size_t p = 0;
    while (p + 46 <= cd.size() && spans.size() < entries + 1) {
        const unsigned char* h = cd.data() + p;
        if (!(h[0] == 'P' && h[1] == 'K' && h[2] == 1 && h[3] == 2)) {
            break;
        }
        uint64_t comp = le32(h + 20);
        uint64_t uncomp = le32(h + 24);
        const size_t nlen = le16(h + 28);
        const size_t xlen = le16(h + 30);
        const size_t clen = le16(h + 32);
        uint64_t lho = le32(h + 42);
        if (p + 46 + nlen + xlen + clen > cd.size()) {
            break;
        }
        std::string name(reinterpret_cast<const char*>(h + 46), nlen);
        // Zip64 extra field: only the values that are 0xFFFFFFFF in the header, in order.
        const unsigned char* x = h + 46 + nlen;
        for (size_t q = 0; q + 4 <= xlen;) {
            const uint16_t id = le16(x + q);
            const uint16_t len = le16(x + q + 2);
            if (q + 4 + len > xlen) {
                break;
            }
            if (id == 0x0001) {
                size_t r = q + 4;
                if (uncomp == 0xFFFFFFFF && r + 8 <= q + 4 + len) {
                    uncomp = le64(x + r);
                    r += 8;
                }
                if (comp == 0xFFFFFFFF && r + 8 <= q + 4 + len) {
                    comp = le64(x + r);
                    r += 8;
                }
                if (lho == 0xFFFFFFFF && r + 8 <= q + 4 + len) {
                    lho = le64(x + r);
                }
            }
            q += 4 + len;
        }
        p += 46 + nlen + xlen + clen;
        unsigned char lfh[30];
        if (lho + 30 > size || pread_full(fd, lfh, 30, static_cast<off_t>(lho)) != 30 ||
            !(lfh[0] == 'P' && lfh[1] == 'K' && lfh[2] == 3 && lfh[3] == 4)) {
            scan.bad.insert(name);
            continue;
        }
        const size_t lnlen = le16(lfh + 26);
        const size_t lxlen = le16(lfh + 28);
        std::string lname(lnlen, '\0');
        if (pread_full(fd, lname.data(), lnlen, static_cast<off_t>(lho + 30)) != lnlen ||
            lname != name) {
            scan.bad.insert(name);
            scan.bad.insert(lname);
            continue;
        }
        spans.push_back({lho, lho + 30 + lnlen + lxlen + comp, name});
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.start < b.start; });
    uint64_t max_end = 0;
    size_t max_idx = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
        if (i > 0 && spans[i].start < max_end) {
            scan.has_overlap = true;
            scan.bad.insert(spans[i].name);
            scan.bad.insert(spans[max_idx].name);
        }
        if (spans[i].end > cd_off) {
            scan.has_overlap = true;
            scan.bad.insert(spans[i].name);
        }
        if (spans[i].end > max_end) {
            max_end = spans[i].end;
            max_idx = i;
        }
    }
    for (const auto& s : spans) {
        if (!scan.bad.count(s.name)) {
            scan.good.insert(s.name);
        }
    }
    scan.scanned = true;
    return scan;
}

// ---------------------------------------------------------------------------------------

class Unpacker {
public:
    explicit Unpacker(Ctx& ctx) : ctx_(ctx) {}

    // Detects what `src` is and stages it or descends into it.
    //   display: path inside the upload (for the ledger)
    //   dir/name: where a plain stream is stored (sanitised components)
    //   depth: container layers above this stream
    //   top: the upload itself or only compression layers of it (its members go to `dir`)
    //   seek_fd: the upload's fd when `src` is the untouched upload (zip/7z read it directly)
    void process(Source& src,
                 const std::string& display,
                 const std::vector<std::string>& dir,
                 const std::string& name,
                 uint64_t depth,
                 bool top,
                 int64_t mtime,
                 int seek_fd) {
        if (const std::string_view* mem = src.memory();
            mem != nullptr && detect_magic(mem->substr(0, kHead)) == Magic::kPlain) {
            stage_memory(*mem, display, dir, name, mtime);
            return;
        }
        std::string head;
        head.resize(kHead);
        size_t got = 0;
        bool read_error = false;
        while (got < kHead) {
            const ssize_t k = src.read(head.data() + got, kHead - got);
            if (k < 0) {
                read_error = true;
                break;
            }
            if (k == 0) {
                break;
            }
            got += static_cast<size_t>(k);
        }
        head.resize(got);
        if (read_error && got == 0) {
            fail(display, "cannot read: " + src.error(), top);
            return;
        }
        PrefixSource body(head, src);
        const Magic magic = detect_magic(head);
        switch (magic) {
            case Magic::kPlain:
                stage(body, display, dir, name, mtime, read_error ? src.error() : "");
                return;
            case Magic::kGzip:
            case Magic::kBzip2:
            case Magic::kXz:
            case Magic::kZstd:
                if (depth + 1 > ctx_.opt.limits.max_depth) {
                    refuse(display, "max_depth: nesting deeper than " +
                                        std::to_string(ctx_.opt.limits.max_depth));
                    return;
                }
                if (magic == Magic::kGzip) {
                    gunzip(body, display, dir, name, depth, top, mtime);
                } else {
                    decompress(body, display, dir, name, depth, top, mtime);
                }
                return;
            case Magic::kTar:
                if (depth + 1 > ctx_.opt.limits.max_depth) {
                    refuse(display, "max_depth: nesting deeper than " +
                                        std::to_string(ctx_.opt.limits.max_depth));
                    return;
                }
                untar(body, display, top ? dir : append(dir, name), depth + 1, top);
                return;
            case Magic::kZip:
            case Magic::kSevenZip:
                if (depth + 1 > ctx_.opt.limits.max_depth) {
                    refuse(display, "max_depth: nesting deeper than " +
                                        std::to_string(ctx_.opt.limits.max_depth));
                    return;
                }
                seekable(body, magic, display, dir, name, depth, top, mtime, seek_fd);
                return;
        }
    }

private:
    static std::vector<std::string> append(std::vector<std::string> v, const std::string& s) {
        v.push_back(s);
        return v;
    }

    static std::string join(const std::vector<std::string>& dir, const std::string& name) {
        std::string s;
        for (const auto& c : dir) {
            s += c;
            s += '/';
        }
        return s + name;
    }

    static std::string child_display(const std::string& container, const std::string& raw) {
        return container.empty() ? raw : container + "/" + raw;
    }

    void fail(const std::string& display, const std::string& why, bool top) {
        if (top && ctx_.res.members.empty()) {
            ctx_.res.unreadable = true;
            ctx_.res.unreadable_reason = why;
            return;
        }
        refuse(display, why);
    }

    void refuse(const std::string& display, const std::string& why) {
        StagedMember m;
        m.path = display;
        m.refused = why;
        ctx_.res.members.push_back(std::move(m));
    }

    void damaged(const std::string& display, const std::string& why) {
        if (!ctx_.res.damaged) {
            ctx_.res.damaged = display.empty() ? why : display + ": " + why;
        }
    }

    // Byte accounting for every byte produced; throws at a limit.
    void charge(uint64_t& member_bytes, uint64_t n, uint64_t input_start, bool is_member) {
        const auto& lim = ctx_.opt.limits;
        member_bytes += n;
        ctx_.res.bytes_produced += n;
        if (is_member && member_bytes > lim.max_member_bytes) {
            throw MemberRefused("max_member_bytes: member larger than " +
                                std::to_string(lim.max_member_bytes) + " bytes");
        }
        if (ctx_.res.bytes_produced > lim.max_total_bytes) {
            throw UploadStopped("max_total_bytes: upload produced more than " +
                                std::to_string(lim.max_total_bytes) + " bytes");
        }
        if (is_member && member_bytes > lim.ratio_floor_bytes) {
            // Output : input over the upload so far.  Per-member input deltas are useless:
            // libarchive reads ahead, so a small compressed upload is consumed before its
            // first member starts.
            (void)input_start;
            const uint64_t input = std::max<uint64_t>(1, ctx_.input_consumed);
            if (ctx_.res.bytes_produced / input > lim.max_ratio) {
                throw MemberRefused("max_ratio: member expands more than " +
                                    std::to_string(lim.max_ratio) + ":1");
            }
        }
        ctx_.since_free_check += n;
        if (ctx_.since_free_check >= kFreeCheckEvery) {
            ctx_.since_free_check = 0;
            check_free();
        }
    }

    void check_free() {
        if (ctx_.opt.free_bytes && ctx_.opt.free_bytes() < ctx_.opt.limits.min_free_bytes) {
            throw UploadStopped("min_free_bytes: free space under " +
                                std::to_string(ctx_.opt.limits.min_free_bytes) + " bytes");
        }
    }

    // A member being written to a new file in work/.
    struct Staging {
        UniqueFd fd;
        StagedMember m;
    };

    Staging open_staged(const std::string& display,
                        const std::vector<std::string>& dir,
                        const std::string& name,
                        int64_t mtime) {
        Staging st;
        st.m.work_name = ctx_.new_work_name("m");
        st.fd = UniqueFd(::openat(ctx_.work_dir, st.m.work_name.c_str(),
                                  O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!st.fd) {
            throw_errno("create staged member in work/");
        }
        st.m.path = display;
        st.m.stored_path = join(dir, name);
        st.m.mtime = mtime;
        return st;
    }

    // A member refused or failed half-way leaves no file behind.
    void drop_staged(Staging& st) {
        st.fd.reset();
        ::unlinkat(ctx_.work_dir, st.m.work_name.c_str(), 0);
    }

    // Records the member; its bytes start on their way to the disk now.
    void keep_staged(Staging& st) {
        start_writeback(st.fd.get());
        ctx_.res.members.push_back(std::move(st.m));
    }

    // Writes `src` to a new staged file, hashing it; records the member.
    void stage(Source& src,
               const std::string& display,
               const std::vector<std::string>& dir,
               const std::string& name,
               int64_t mtime,
               const std::string& early_error,
               bool raw_container = false,
               const std::string& note = {}) {
        Staging st = open_staged(display, dir, name, mtime);
        StagedMember& m = st.m;
        m.raw_container = raw_container;
        if (!note.empty()) {
            m.note = note;
        }
        Sha256 h;
        RawBuffer buf(kBuf);
        uint64_t bytes = 0;
        const uint64_t input_start = ctx_.input_consumed;
        std::string error = early_error;
        try {
            for (;;) {
                const ssize_t k = src.read(buf.data(), buf.size());
                if (k < 0) {
                    error = src.error();
                    break;
                }
                if (k == 0) {
                    break;
                }
                const auto n = static_cast<size_t>(k);
                charge(bytes, n, input_start, true);
                write_all(st.fd.get(), buf.data(), n, "write staged member");
                h.update(buf.data(), n);
            }
        } catch (const MemberRefused& e) {
            drop_staged(st);
            refuse(display, e.what());
            return;
        } catch (...) {
            drop_staged(st);
            throw;
        }
        m.size = bytes;
        m.sha256 = h.hex();
        if (!error.empty()) {
            // Keep what was produced: a truncated log is still evidence.
            m.note = "truncated: " + error;
            damaged(display, error);
        }
        keep_staged(st);
    }

    // Starts writing the staged file to disk now, so the one syncfs at commit has little
    // left to do (durability per upload without an fsync per member).
    void start_writeback(int fd) {
        ctx_.flusher.push(fd);
    }

    // Stages a stream already in memory (a gzip member inflated whole): no copy, and the
    // hash runs on another core while the bytes are written.
    void stage_memory(std::string_view all,
                      const std::string& display,
                      const std::vector<std::string>& dir,
                      const std::string& name,
                      int64_t mtime) {
        Staging st = open_staged(display, dir, name, mtime);
        std::future<std::string> hashed = std::async(
            all.size() >= (1u << 20) ? std::launch::async : std::launch::deferred, [all] {
                Sha256 h;
                h.update(all.data(), all.size());
                return h.hex();
            });
        uint64_t bytes = 0;
        try {
            for (size_t off = 0; off < all.size();) {
                const size_t n = std::min<size_t>(kBuf * 4, all.size() - off);
                charge(bytes, n, ctx_.input_consumed, true);
                write_all(st.fd.get(), all.data() + off, n, "write staged member");
                off += n;
            }
        } catch (const MemberRefused& e) {
            hashed.wait();
            drop_staged(st);
            refuse(display, e.what());
            return;
        } catch (...) {
            hashed.wait();
            drop_staged(st);
            throw;
        }
        st.m.size = bytes;
        st.m.sha256 = hashed.get();
        keep_staged(st);
    }

    // gzip: small single-member streams are inflated whole with libdeflate; everything else
    // (and anything libdeflate rejects) goes to libarchive with the bytes read so far.
    void gunzip(Source& body,
                const std::string& display,
                const std::vector<std::string>& dir,
                const std::string& name,
                uint64_t depth,
                bool top,
                int64_t mtime) {
        std::string comp;
        comp.resize(64 * 1024);
        size_t got = 0;
        bool eof = false;
        while (got <= kFastMaxCompressed) {
            if (got == comp.size()) {
                comp.resize(std::min(comp.size() * 2, kFastMaxCompressed + 1));
            }
            const ssize_t k = body.read(comp.data() + got, comp.size() - got);
            if (k < 0) {
                break;  // libarchive will report the error with what was read
            }
            if (k == 0) {
                eof = true;
                break;
            }
            got += static_cast<size_t>(k);
        }
        comp.resize(got);
        if (eof && got >= 18) {
            const auto* t = reinterpret_cast<const unsigned char*>(comp.data() + got - 4);
            const size_t isize = static_cast<size_t>(t[0]) | (static_cast<size_t>(t[1]) << 8) |
                                 (static_cast<size_t>(t[2]) << 16) |
                                 (static_cast<size_t>(t[3]) << 24);
            if (isize <= kFastMaxInflated) {
                // Uninitialised on purpose: libdeflate writes every byte it reports.
                std::unique_ptr<char[]> out_buf(new char[std::max<size_t>(isize, 1)]);
                char* const out_data = out_buf.get();
                libdeflate_decompressor* d = libdeflate_alloc_decompressor();
                size_t in_used = 0;
                size_t out_len = 0;
                const auto rc = libdeflate_gzip_decompress_ex(d, comp.data(), comp.size(), out_data,
                                                              isize, &in_used, &out_len);
                libdeflate_free_decompressor(d);
                if (rc == LIBDEFLATE_SUCCESS && in_used == comp.size() && out_len == isize) {
                    comp = std::string();  // free the input before staging
                    MemorySource inflated(std::string_view(out_data, out_len));
                    process(inflated, display, dir, store::strip_compression_suffix(name),
                            depth + 1, top, mtime, -1);
                    return;
                }
            }
        }
        if (eof) {
            MemorySource rest(comp);
            decompress(rest, display, dir, name, depth, top, mtime);
        } else {
            PrefixSource rest(comp, body);
            decompress(rest, display, dir, name, depth, top, mtime);
        }
    }

    void decompress(Source& body,
                    const std::string& display,
                    const std::vector<std::string>& dir,
                    const std::string& name,
                    uint64_t depth,
                    bool top,
                    int64_t mtime) {
        ArchivePtr a(archive_read_new());
        archive_read_support_filter_gzip(a.get());
        archive_read_support_filter_bzip2(a.get());
        archive_read_support_filter_xz(a.get());
        archive_read_support_filter_zstd(a.get());
        archive_read_support_format_raw(a.get());
        StreamClient client{&body};
        archive_entry* entry = nullptr;
        if (archive_read_open(a.get(), &client, nullptr, stream_read_cb, nullptr) != ARCHIVE_OK ||
            archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
            fail(display, "unreadable compressed stream: " + archive_err(a.get()), top);
            return;
        }
        ArchiveSource inner(a.get());
        if (archive_filter_count(a.get()) <= 1) {
            // The magic matched but the decompressor did not take it: keep the bytes as-is.
            stage(inner, display, dir, name, mtime, {});
            return;
        }
        // libarchive stacks filters by itself (gz inside gz inside xz...): each one is a
        // layer for max_depth.
        const auto layers = static_cast<uint64_t>(archive_filter_count(a.get()) - 1);
        if (depth + layers > ctx_.opt.limits.max_depth) {
            refuse(display,
                   "max_depth: nesting deeper than " + std::to_string(ctx_.opt.limits.max_depth));
            return;
        }
        std::string inner_name = name;
        for (uint64_t i = 0; i < layers; ++i) {
            inner_name = store::strip_compression_suffix(inner_name);
        }
        process(inner, display, dir, inner_name, depth + layers, top, mtime, -1);
        if (!inner.error().empty()) {
            damaged(display, inner.error());
        }
    }

    void untar(Source& body,
               const std::string& display,
               const std::vector<std::string>& dir,
               uint64_t depth,
               bool top) {
        ArchivePtr a(archive_read_new());
        archive_read_support_format_tar(a.get());
        StreamClient client{&body};
        if (archive_read_open(a.get(), &client, nullptr, stream_read_cb, nullptr) != ARCHIVE_OK) {
            fail(display, "unreadable tar: " + archive_err(a.get()), top);
            return;
        }
        if (!entries(a.get(), display, dir, depth, false, nullptr)) {
            fail(display, "unreadable tar: " + last_open_error_, top);
        }
    }

    // zip and 7z need random access: the upload's own fd, or a spool copy of a nested one.
    void seekable(Source& body,
                  Magic magic,
                  const std::string& display,
                  const std::vector<std::string>& dir,
                  const std::string& name,
                  uint64_t depth,
                  bool top,
                  int64_t mtime,
                  int seek_fd) {
        UniqueFd spool;
        std::string spool_name;
        int fd = seek_fd;
        if (fd < 0) {
            spool_name = ctx_.new_work_name("s");
            spool.reset(::openat(ctx_.work_dir, spool_name.c_str(),
                                 O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!spool) {
                throw_errno("create spool file in work/");
            }
            RawBuffer buf(kBuf);
            uint64_t bytes = 0;
            try {
                for (;;) {
                    const ssize_t k = body.read(buf.data(), buf.size());
                    if (k < 0) {
                        damaged(display, body.error());
                        break;
                    }
                    if (k == 0) {
                        break;
                    }
                    charge(bytes, static_cast<uint64_t>(k), ctx_.input_consumed, false);
                    write_all(spool.get(), buf.data(), static_cast<size_t>(k), "write spool");
                }
            } catch (...) {
                spool.reset();
                ::unlinkat(ctx_.work_dir, spool_name.c_str(), 0);
                throw;
            }
            fd = spool.get();
        }
        struct SpoolCleanup {
            int dir;
            std::string name;
            ~SpoolCleanup() {
                if (!name.empty()) {
                    ::unlinkat(dir, name.c_str(), 0);
                }
            }
        } cleanup{ctx_.work_dir, spool_name};

        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            throw_errno("fstat container");
        }
        const auto size = static_cast<uint64_t>(st.st_size);
        const std::vector<std::string> member_dir = top ? dir : append(dir, name);
        ZipScan scan;
        if (magic == Magic::kZip) {
            scan = zip_prescan(fd, size);
        }
        const size_t members_before = ctx_.res.members.size();
        bool encrypted = false;
        bool opened = open_seekable(fd, size, magic, false, display, member_dir, depth + 1,
                                    scan.scanned ? &scan : nullptr, encrypted);
        if (!opened && magic == Magic::kZip && ctx_.res.members.size() == members_before) {
            // No usable central directory (truncated zip): the local headers still work.
            opened = open_seekable(fd, size, magic, true, display, member_dir, depth + 1, nullptr,
                                   encrypted);
        }
        if (!opened || encrypted) {
            if (top && ctx_.res.members.size() == members_before && !encrypted && !opened) {
                ctx_.res.unreadable = true;
                ctx_.res.unreadable_reason = "unreadable container: " + last_open_error_;
                return;
            }
            // Keep the container itself so nothing is lost; the ledger says why.
            FdSource raw(fd, ctx_);
            if (::lseek(fd, 0, SEEK_SET) != 0) {
                throw_errno("seek container");
            }
            stage(raw, display, dir, name, mtime, {}, true,
                  encrypted ? "encrypted container stored raw"
                            : "unsupported or damaged container stored raw: " + last_open_error_);
        }
    }

    bool open_seekable(int fd,
                       uint64_t size,
                       Magic magic,
                       bool streaming,
                       const std::string& display,
                       const std::vector<std::string>& dir,
                       uint64_t depth,
                       const ZipScan* scan,
                       bool& encrypted) {
        // zip and 7z names are UTF-8 (or flagged as such); in the "C" locale libarchive
        // cannot hand them out at all, so this thread reads them under C.UTF-8.
        static const locale_t kUtf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
        struct LocaleScope {
            locale_t old;
            ~LocaleScope() {
                if (old != locale_t{}) {
                    ::uselocale(old);
                }
            }
        } scope{kUtf8 != locale_t{} ? ::uselocale(kUtf8) : locale_t{}};
        ArchivePtr a(archive_read_new());
        if (magic == Magic::kSevenZip) {
            archive_read_support_format_7zip(a.get());
        } else if (streaming) {
            archive_read_support_format_zip_streamable(a.get());
        } else {
            archive_read_support_format_zip_seekable(a.get());
        }
        SeekClient client{fd, 0, 0, &ctx_};
        client.size = static_cast<int64_t>(size);
        archive_read_set_read_callback(a.get(), seek_read_cb);
        archive_read_set_skip_callback(a.get(), seek_skip_cb);
        archive_read_set_seek_callback(a.get(), seek_seek_cb);
        archive_read_set_callback_data(a.get(), &client);
        if (archive_read_open1(a.get()) != ARCHIVE_OK) {
            last_open_error_ = archive_err(a.get());
            return false;
        }
        return entries(a.get(), display, dir, depth, magic == Magic::kZip, scan, &encrypted);
    }

    // Walks the entries of an open archive.  Returns false when not even one header could
    // be read (the caller may try another way or keep the container raw).
    bool entries(archive* a,
                 const std::string& container,
                 const std::vector<std::string>& dir,
                 uint64_t depth,
                 bool is_zip,
                 const ZipScan* scan,
                 bool* encrypted = nullptr) {
        size_t seen = 0;
        const std::string key_prefix = container + "\n";
        for (;;) {
            archive_entry* e = nullptr;
            const int r = archive_read_next_header(a, &e);
            if (r == ARCHIVE_EOF) {
                break;
            }
            if (r < ARCHIVE_WARN) {
                last_open_error_ = archive_err(a);
                if (seen > 0) {
                    damaged(container, last_open_error_);
                }
                return seen > 0;
            }
            ++seen;
            if (++ctx_.entries_seen > ctx_.opt.limits.max_members) {
                throw UploadStopped("max_members: more than " +
                                    std::to_string(ctx_.opt.limits.max_members) + " members");
            }
            // The name's own bytes (tar has no charset); invalid UTF-8 is escaped later.
            const char* pr = archive_entry_pathname(e);
            const char* p8 = pr == nullptr ? archive_entry_pathname_utf8(e) : nullptr;
            const std::string raw = pr != nullptr ? pr : (p8 != nullptr ? p8 : "");
            const std::string display = child_display(container, raw);
            const int64_t mtime = archive_entry_mtime_is_set(e) ? archive_entry_mtime(e) : 0;

            if (archive_entry_is_encrypted(e) != 0) {
                if (encrypted != nullptr) {
                    *encrypted = true;
                }
                refuse(display, "encrypted member (container kept raw)");
                continue;
            }
            if (scan != nullptr &&
                (scan->bad.count(raw) != 0 || (pr != nullptr && scan->bad.count(pr) != 0) ||
                 (scan->has_overlap && scan->good.count(raw) == 0 &&
                  (pr == nullptr || scan->good.count(pr) == 0)))) {
                refuse(display,
                       "zip entry overlaps another or its local and central names differ "
                       "(possible zip bomb)");
                continue;
            }
            if (const char* link = archive_entry_hardlink(e)) {
                hardlink(display, raw, link, key_prefix, dir, is_zip, mtime);
                continue;
            }
            const mode_t type = archive_entry_filetype(e);
            if (type == AE_IFDIR) {
                continue;
            }
            if (type == AE_IFLNK) {
                StagedMember m;
                m.path = display;
                const char* t8 = archive_entry_symlink_utf8(e);
                const char* t = archive_entry_symlink(e);
                m.link_target = t8 != nullptr ? t8 : (t != nullptr ? t : "");
                ctx_.res.members.push_back(std::move(m));
                continue;
            }
            if (type == AE_IFCHR || type == AE_IFBLK) {
                refuse(display, "device node");
                continue;
            }
            if (type == AE_IFIFO) {
                refuse(display, "FIFO");
                continue;
            }
            if (type == AE_IFSOCK) {
                refuse(display, "socket");
                continue;
            }
            if (type != AE_IFREG && type != 0) {
                refuse(display, "unsupported entry type");
                continue;
            }
            const auto sp = store::sanitize_member_path(raw, is_zip);
            if (!sp.refused.empty()) {
                refuse(display, sp.refused);
                continue;
            }
            std::vector<std::string> mdir = dir;
            mdir.insert(mdir.end(), sp.components.begin(), sp.components.end() - 1);
            ArchiveSource src(a);
            const size_t before = ctx_.res.members.size();
            process(src, display, mdir, sp.components.back(), depth, false, mtime, -1);
            if (ctx_.res.members.size() == before + 1 && !ctx_.res.members.back().refused &&
                !ctx_.res.members.back().work_name.empty()) {
                ctx_.staged_by_key[key_prefix + sp.joined()] = before;
            }
        }
        return true;
    }

    void hardlink(const std::string& display,
                  const std::string& raw,
                  const std::string& target,
                  const std::string& key_prefix,
                  const std::vector<std::string>& dir,
                  bool is_zip,
                  int64_t mtime) {
        const auto tp = store::sanitize_member_path(target, is_zip);
        const auto it = tp.refused.empty() ? ctx_.staged_by_key.find(key_prefix + tp.joined())
                                           : ctx_.staged_by_key.end();
        if (it == ctx_.staged_by_key.end()) {
            refuse(display, "hardlink to a file not stored from this upload: " + target);
            return;
        }
        const auto lp = store::sanitize_member_path(raw, is_zip);
        if (!lp.refused.empty()) {
            refuse(display, lp.refused);
            return;
        }
        const StagedMember& src_member = ctx_.res.members[it->second];
        UniqueFd in(::openat(ctx_.work_dir, src_member.work_name.c_str(),
                             O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!in) {
            refuse(display, "hardlink target vanished from work/");
            return;
        }
        FdSource src(in.get(), ctx_);
        std::vector<std::string> mdir = dir;
        mdir.insert(mdir.end(), lp.components.begin(), lp.components.end() - 1);
        stage(src, display, mdir, lp.components.back(), mtime, {});
        ctx_.res.members.back().note = "hardlink to " + target + ": stored as a copy";
    }

    Ctx& ctx_;
    std::string last_open_error_;
};

bool valid_tar_header(std::string_view h) {
    if (h.size() < 512) {
        return false;
    }
    const auto* b = reinterpret_cast<const unsigned char*>(h.data());
    bool all_zero = true;
    for (size_t i = 0; i < 512; ++i) {
        if (b[i] != 0) {
            all_zero = false;
            break;
        }
    }
    if (all_zero) {
        return false;  // libarchive would call this an empty tar and drop the content
    }
    // Checksum: octal at 148..155, computed with that field as spaces.
    uint64_t stored = 0;
    bool digits = false;
    for (size_t i = 148; i < 156; ++i) {
        const unsigned char c = b[i];
        if (c >= '0' && c <= '7') {
            stored = stored * 8 + (c - '0');
            digits = true;
        } else if (c == ' ' || c == 0) {
            if (digits) {
                break;
            }
        } else {
            return false;
        }
    }
    if (!digits) {
        return false;
    }
    uint64_t sum = 0;
    int64_t ssum = 0;
    for (size_t i = 0; i < 512; ++i) {
        const unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
        sum += c;
        ssum += static_cast<signed char>(c);
    }
    if (sum != stored && static_cast<uint64_t>(ssum) != stored) {
        return false;
    }
    const bool ustar = std::memcmp(b + 257, "ustar", 5) == 0;
    return ustar || b[0] != 0;
}

}  // namespace

Magic detect_magic(std::string_view h) {
    auto starts = [&](std::string_view m) { return h.substr(0, m.size()) == m; };
    if (h.size() >= 3 && starts("\x1f\x8b\x08")) {
        return Magic::kGzip;
    }
    if (h.size() >= 4 && starts("BZh") && h[3] >= '1' && h[3] <= '9') {
        return Magic::kBzip2;
    }
    if (starts(std::string_view("\xFD"
                                "7zXZ\0",
                                6))) {
        return Magic::kXz;
    }
    if (starts("\x28\xB5\x2F\xFD")) {
        return Magic::kZstd;
    }
    if (starts("PK\x03\x04") || starts("PK\x07\x08PK\x03\x04")) {
        return Magic::kZip;
    }
    if (starts("7z\xBC\xAF\x27\x1C")) {
        return Magic::kSevenZip;
    }
    if (valid_tar_header(h)) {
        return Magic::kTar;
    }
    return Magic::kPlain;
}

UnpackResult unpack_upload(int upload_fd,
                           const std::string& upload_name,
                           const std::string& path_prefix,
                           int work_dir,
                           const UnpackOptions& options) {
    // Names keep their own bytes only in the "C" locale: under a UTF-8 locale libarchive
    // converts pax/zip UTF-8 names and normalises them to NFC, merging NFC/NFD twins.
    // evidenced never calls setlocale(), so the process stays in "C".
    UnpackResult res;
    Ctx ctx{work_dir, options, res};
    Unpacker u(ctx);
    std::vector<std::string> dir;
    if (!path_prefix.empty()) {
        const auto sp = store::sanitize_member_path(path_prefix, false);
        dir = sp.components;
    }
    std::string name = store::sanitize_component(upload_name);
    if (name.empty() || name == "." || name == "..") {
        name = "upload";
    }
    if (::lseek(upload_fd, 0, SEEK_SET) != 0) {
        throw_errno("seek upload");
    }
    try {
        if (options.free_bytes && options.free_bytes() < options.limits.min_free_bytes) {
            throw UploadStopped("min_free_bytes: free space under " +
                                std::to_string(options.limits.min_free_bytes) + " bytes");
        }
        FdSource src(upload_fd, ctx);
        u.process(src, "", dir, name, 0, true, 0, upload_fd);
    } catch (const UploadStopped& e) {
        res.stopped = e.what();
    }
    // A plain upload's only member is named after the upload.
    for (auto& m : res.members) {
        if (m.path.empty()) {
            m.path = upload_name;
        }
    }
    return res;
}

}  // namespace evidenced::unpack
