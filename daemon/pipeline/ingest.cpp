#include "daemon/pipeline/ingest.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/common/sha256.hpp"
#include "daemon/output/envelope.hpp"
#include "daemon/output/segments.hpp"
#include "daemon/pipeline/route.hpp"
#include "daemon/store/custody.hpp"
#include "daemon/store/names.hpp"
#include "daemon/store/tree.hpp"
#include "daemon/unpack/unpack.hpp"
#include "parsers/input.hpp"
#include "parsers/registry.hpp"

namespace evidenced::pipeline {

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::kIngested: return "ingested";
        case Outcome::kPartial: return "partial";
        case Outcome::kDuplicate: return "duplicate";
        case Outcome::kQuarantined: return "quarantined";
    }
    return "ingested";
}

bool UploadResult::needs_look() const {
    return outcome == Outcome::kPartial || outcome == Outcome::kQuarantined || refused > 0 ||
           error_records > 0;
}

namespace {

constexpr size_t kSpoolFlush = 1 << 20;
// A parse job's records stay in memory up to this size; an upload keeps at most
// kUploadPieceMem of them in memory at once (the rest are piece files).
constexpr size_t kPieceMem = 8 << 20;
constexpr uint64_t kUploadPieceMem = 16 << 20;
// Deferred (not yet fdatasynced) commits before a checkpoint makes their output durable:
// bounds what a power loss leaves for recovery to render again.
constexpr size_t kMaxDeferredCommits = 256;
// Uploads that stored at most this many files fdatasync them one by one; more, one syncfs.
constexpr size_t kMaxFileSyncs = 64;
// fsyncs in flight at once for one upload (they wait on the device, not on a core).
constexpr size_t kMaxParallelSyncs = 8;

std::string random_id() {
    std::random_device rd;
    std::string s;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) {
        s.push_back(kHex[rd() & 0xF]);
    }
    return s;
}

// The probe bytes of a staged member (read back: members do not keep them in memory, so
// memory does not grow with the number of members).
std::string read_head(int work_fd, const std::string& name) {
    std::string head(parsers::kProbeBytes, '\0');
    UniqueFd f(::openat(work_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!f) {
        throw_errno("open staged member " + name);
    }
    head.resize(pread_full(f.get(), head.data(), head.size(), 0));
    return head;
}

std::string basename_of(const std::string& p) {
    const size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Removes a work directory we created (flat: staged files, spools, a lock).
void remove_work_dir(int work_parent, const std::string& name) {
    UniqueFd d(open_dir_beneath(work_parent, name));
    if (d) {
        if (DIR* dir = ::fdopendir(::dup(d.get()))) {
            while (dirent* de = ::readdir(dir)) {
                const std::string n = de->d_name;
                if (n != "." && n != "..") {
                    ::unlinkat(d.get(), n.c_str(), 0);
                }
            }
            ::closedir(dir);
        }
    }
    ::unlinkat(work_parent, name.c_str(), AT_REMOVEDIR);
}

// Where one parse job's rendered records go: memory while they are small (most members
// and most single-file uploads), a piece file in the work dir once they are not.  Small
// outputs then reach the spool with one write instead of write + read + write.
struct Piece {
    std::string mem;   // the records, unless spilled
    std::string file;  // piece file name in the work dir once spilled ("" = in memory)
    uint64_t records = 0;
    uint64_t errors = 0;
    std::map<std::string, uint64_t> by_dataset;
};

// Renders records into a Piece: kept in memory up to kPieceMem, then written to its file.
class SpoolSink final : public parsers::RecordSink {
public:
    SpoolSink(int work_fd,
              std::string file_name,
              const parsers::ParseContext& ctx,
              Piece& piece,
              std::atomic<uint64_t>& mem_budget)
        : work_fd_(work_fd),
          file_name_(std::move(file_name)),
          env_(ctx),
          piece_(piece),
          mem_budget_(mem_budget) {}
    ~SpoolSink() override = default;
    SpoolSink(const SpoolSink&) = delete;
    SpoolSink& operator=(const SpoolSink&) = delete;

    void emit(const parsers::Record& r) override {
        if (buf_.capacity() < kPieceMem) {
            // Reserved once, whole: growing by doubling copied and page-faulted the
            // records again at every step (a third of a 6000-process ps run).  Pages
            // untouched by records cost nothing.
            buf_.reserve(kPieceMem + (64 << 10));
        }
        env_.render(buf_, r);
        ++piece_.records;
        ++member_records_;
        if (r.dataset == "evidenced.error") {
            ++piece_.errors;
        }
        if (last_dataset_ != r.dataset) {
            last_dataset_ = std::string(r.dataset);
            counter_ = &piece_.by_dataset[last_dataset_];
        }
        ++*counter_;
        if (buf_.size() >= (fd_ ? kSpoolFlush : kPieceMem)) {
            spill();
        }
    }
    // The job is done: its records stay in memory if the upload's budget allows.
    void finish() {
        if (!fd_ && take_budget(buf_.size())) {
            piece_.mem = std::move(buf_);
            buf_.clear();
            return;
        }
        spill();
        fd_.reset();
    }
    uint64_t member_records() const {
        return member_records_;
    }

private:
    bool take_budget(uint64_t n) {
        uint64_t have = mem_budget_.load();
        while (have >= n) {
            if (mem_budget_.compare_exchange_weak(have, have - n)) {
                return true;
            }
        }
        return false;
    }
    void spill() {
        if (!fd_) {
            fd_.reset(::openat(work_fd_, file_name_.c_str(),
                               O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!fd_) {
                throw_errno("create spool piece");
            }
            piece_.file = file_name_;
        }
        write_all(fd_.get(), buf_, "write spool");
        buf_.clear();
    }

    int work_fd_;
    std::string file_name_;
    output::Envelope env_;
    Piece& piece_;
    std::atomic<uint64_t>& mem_budget_;
    UniqueFd fd_;
    std::string buf_;
    std::string last_dataset_;
    uint64_t* counter_ = nullptr;
    uint64_t member_records_ = 0;
};

// Brackets a commit with the request's before/after hooks (after runs on every path).
class CommitTurn {
public:
    explicit CommitTurn(const UploadRequest& req) : req_(req) {
        if (req_.before_commit) {
            req_.before_commit();
        }
    }
    ~CommitTurn() {
        if (req_.after_commit) {
            req_.after_commit();
        }
    }
    CommitTurn(const CommitTurn&) = delete;
    CommitTurn& operator=(const CommitTurn&) = delete;

private:
    const UploadRequest& req_;
};

struct ParseJob {
    const parsers::Parser* parser;
    std::string host;
    std::string source;
    std::string stored;
    std::string member;
    std::string collection_time;
    uint64_t* records;  // where to count this member's records
};

struct Routed {
    const parsers::Parser* parser = nullptr;  // for parsing (nullptr: no records)
    std::string parser_name;                  // detected, for the ledger
    std::string host;
    std::string source;
    std::string stored;
    bool deduplicated = false;
    uint64_t records = 0;
};

}  // namespace

// Marks a work dir as in use for as long as `dir_fd` is open: cleanup_stale_work removes
// only dirs nobody holds.  The lock is on the directory itself, not on a lock file in it:
// one inode less per upload, and inode allocation is slow on a busy ext4.
void lock_work_dir(int dir_fd) {
    while (::flock(dir_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            throw_errno("lock work dir");
        }
    }
}

struct Ingestor::Impl {
    settings::Settings cfg;
    std::string instance;
    UniqueFd root;
    gid_t group = static_cast<gid_t>(-1);
    std::unique_ptr<store::Custody> custody;
    std::unique_ptr<store::Tree> tree;
    std::unique_ptr<output::SegmentStore> segments;
    std::mutex commit_mu;
    std::string lock_name;
    // Root-relative directories whose own entry (in their parent) this process has fsynced;
    // the evidence tree is never removed under a running instance.
    std::mutex durable_mu;
    std::set<std::string> durable_entries;

    // The instance's commit lock: in-process mutex + flock across processes.
    class CommitLock {
    public:
        explicit CommitLock(Impl& impl) : guard_(impl.commit_mu) {
            UniqueFd w = make_dirs(impl.root.get(), "work", 0700);
            fd_.reset(::openat(w.get(), impl.lock_name.c_str(),
                               O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!fd_) {
                throw_errno("open commit lock");
            }
            while (::flock(fd_.get(), LOCK_EX) != 0) {
                if (errno != EINTR) {
                    throw_errno("lock commit");
                }
            }
        }

    private:
        std::lock_guard<std::mutex> guard_;
        UniqueFd fd_;
    };

    // Group commit (SegmentStore::commit_batch): an upload whose commit comes while another
    // batch is being made durable waits in `queue`; the next leader commits all that are
    // queued with one intent and one ledger fsync.  On this VM each fsync is a device cache
    // flush (~1 ms), and three of them per upload under the commit lock kept the other
    // workers waiting.  Queue order is commit order (the CLI's turnstile orders enqueues).
    struct PendingCommit {
        std::string id;
        std::string incident;
        const std::vector<output::Spool>* spools = nullptr;  // nullptr: a ledger line only
        nlohmann::ordered_json entry;
        bool done = false;
        std::exception_ptr error;
    };
    std::mutex queue_mu;
    std::condition_variable queue_cv;
    std::vector<PendingCommit*> queue;
    bool leader_busy = false;

    void enqueue(PendingCommit& c) {
        std::lock_guard<std::mutex> lock(queue_mu);
        queue.push_back(&c);
    }

    // Returns once c is committed (its ledger line fsynced), rethrowing its batch's error.
    void await(PendingCommit& c) {
        std::unique_lock<std::mutex> lock(queue_mu);
        while (!c.done) {
            if (leader_busy) {
                queue_cv.wait(lock);
                continue;
            }
            leader_busy = true;
            std::vector<PendingCommit*> batch;
            batch.swap(queue);
            lock.unlock();
            std::exception_ptr err;
            try {
                commit_batch(batch);
            } catch (...) {
                err = std::current_exception();
            }
            lock.lock();
            for (PendingCommit* b : batch) {
                b->error = err;
                b->done = true;
            }
            leader_busy = false;
            queue_cv.notify_all();
        }
        if (c.error) {
            std::rethrow_exception(c.error);
        }
    }

    void commit_batch(const std::vector<PendingCommit*>& batch) {
        std::vector<output::SegmentStore::Commit> commits;
        std::vector<nlohmann::ordered_json> entries;
        for (const PendingCommit* b : batch) {
            commits.push_back({b->id, b->incident, b->spools});
            entries.push_back(b->entry);
        }
        CommitLock lock(*this);
        segments->commit_batch(
            commits, [&] { custody->append_all(std::move(entries)); }, /*durable=*/false);
        if (segments->pending() >= kMaxDeferredCommits) {
            segments->checkpoint();
        }
    }

    // Queues the commit in the request's turn, then waits for it (see PendingCommit).
    void commit(const UploadRequest& req, PendingCommit& c) {
        {
            CommitTurn turn(req);
            enqueue(c);
        }
        await(c);
    }

    uint64_t free_bytes() const {
        struct statvfs sv {};
        if (::fstatvfs(root.get(), &sv) != 0) {
            return UINT64_MAX;
        }
        return static_cast<uint64_t>(sv.f_bavail) * sv.f_frsize;
    }

    // Parses one job into `piece`.
    void parse_one(const ParseJob& job,
                   int work_fd,
                   const std::string& piece_file,
                   const std::string& incident,
                   const std::string& upload_sha,
                   const parsers::UploadFacts& facts,
                   Piece& piece,
                   std::atomic<uint64_t>& mem_budget) const {
        parsers::ParseContext ctx;
        ctx.incident = incident;
        ctx.host = job.host;
        ctx.source = job.source;
        ctx.file = job.stored;
        ctx.member = job.member;
        ctx.upload_sha256 = upload_sha;
        ctx.collection_time = job.collection_time;
        ctx.facts = &facts;
        ctx.settings = &cfg;
        SpoolSink sink(work_fd, piece_file, ctx, piece, mem_budget);
        UniqueFd ef(open_path_beneath(root.get(), job.stored, false));
        if (!ef) {
            throw_errno("open stored evidence " + job.stored);
        }
        parsers::FdInput fin(ef.get());
        try {
            job.parser->parse(fin, ctx, sink);
        } catch (const std::exception& ex) {
            sink.emit(parsers::make_error_record(
                fin.line_number(), true,
                "parser " + std::string(job.parser->name()) + " failed: " + ex.what()));
        }
        sink.finish();
        *job.records = sink.member_records();
    }

    // Parses each job's stored file into one spool per source, in job order, using up to
    // `workers` threads: each job renders into its own piece, and the pieces are joined in
    // order, so the output does not depend on scheduling.  A source whose records come from
    // one spilled piece gets that file renamed into place instead of copied.  A stored file
    // that appears twice (same bytes deduplicated within one upload) is parsed once.
    std::vector<output::Spool> parse_into_spools(int work_fd,
                                                 const std::string& work_rel,
                                                 const std::vector<ParseJob>& all_jobs,
                                                 const std::string& incident,
                                                 const std::string& upload_sha,
                                                 const parsers::UploadFacts& facts,
                                                 uint64_t& records,
                                                 uint64_t& errors,
                                                 std::map<std::string, uint64_t>& by_dataset) {
        std::vector<const ParseJob*> jobs;
        std::set<std::string> parsed;
        for (const auto& job : all_jobs) {
            if (parsed.insert(job.stored).second) {
                jobs.push_back(&job);
            }
        }
        std::vector<Piece> pieces(jobs.size());
        auto piece_name = [](size_t i) { return "piece-" + std::to_string(i) + ".jsonl"; };
        std::atomic<uint64_t> mem_budget{kUploadPieceMem};
        std::atomic<size_t> next{0};
        std::mutex err_mu;
        std::exception_ptr failure;
        auto worker = [&] {
            for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
                try {
                    parse_one(*jobs[i], work_fd, piece_name(i), incident, upload_sha, facts,
                              pieces[i], mem_budget);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(err_mu);
                    if (!failure) {
                        failure = std::current_exception();
                    }
                    next.store(jobs.size());
                }
            }
        };
        const size_t threads =
            std::min<size_t>(std::max<uint64_t>(1, cfg.effective_workers()), jobs.size());
        {
            std::vector<std::jthread> pool;
            for (size_t t = 1; t < threads; ++t) {
                pool.emplace_back(worker);
            }
            worker();
        }
        if (failure) {
            std::rethrow_exception(failure);
        }
        // Sources in order of first appearance; each one's pieces in job order.
        std::vector<std::pair<std::string, std::vector<size_t>>> by_source;
        for (size_t i = 0; i < jobs.size(); ++i) {
            auto it = std::find_if(by_source.begin(), by_source.end(),
                                   [&](const auto& e) { return e.first == jobs[i]->source; });
            if (it == by_source.end()) {
                by_source.push_back({jobs[i]->source, {}});
                it = std::prev(by_source.end());
            }
            it->second.push_back(i);
        }
        std::vector<output::Spool> spools;
        for (const auto& [source, idx] : by_source) {
            const bool in_memory = std::all_of(idx.begin(), idx.end(),
                                               [&](size_t i) { return pieces[i].file.empty(); });
            if (in_memory) {
                // Small output: straight into the segment at commit, no spool file at all.
                auto mem = std::make_shared<std::string>(std::move(pieces[idx[0]].mem));
                for (size_t k = 1; k < idx.size(); ++k) {
                    mem->append(pieces[idx[k]].mem);
                    std::string().swap(pieces[idx[k]].mem);
                }
                spools.push_back({source, "", std::move(mem)});
                continue;
            }
            const std::string sp = "spool-" + source + ".jsonl";
            spools.push_back({source, work_rel + "/" + sp, nullptr});
            if (idx.size() == 1 && !pieces[idx[0]].file.empty()) {
                if (::renameat(work_fd, pieces[idx[0]].file.c_str(), work_fd, sp.c_str()) != 0) {
                    throw_errno("rename spool piece");
                }
                continue;
            }
            UniqueFd out(::openat(work_fd, sp.c_str(),
                                  O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!out) {
                throw_errno("create spool");
            }
            for (const size_t i : idx) {
                Piece& pc = pieces[i];
                if (pc.file.empty()) {
                    write_all(out.get(), pc.mem, "write spool");
                    std::string().swap(pc.mem);
                    continue;
                }
                UniqueFd in(::openat(work_fd, pc.file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
                if (!in) {
                    throw_errno("open spool piece");
                }
                copy_all(in.get(), out.get(), "write spool");
                in.reset();
                ::unlinkat(work_fd, pc.file.c_str(), 0);
            }
        }
        for (const Piece& pc : pieces) {
            records += pc.records;
            errors += pc.errors;
            for (const auto& [k, v] : pc.by_dataset) {
                by_dataset[k] += v;
            }
        }
        return spools;
    }

    // The parse jobs of one ledger entry, as its ingest ran them (reparse, recovery), and
    // the facts its stored members give.  counts[i] receives member i's record count.
    std::vector<ParseJob> jobs_for_entry(const nlohmann::json& up,
                                         parsers::UploadFacts& facts,
                                         std::vector<uint64_t>& counts) const {
        const std::string upload_mtime = up.at("upload").value("mtime", "");
        std::vector<ParseJob> jobs;
        counts.assign(up.value("members", nlohmann::json::array()).size(), 0);
        size_t idx = 0;
        for (const auto& m : up.value("members", nlohmann::json::array())) {
            const size_t my = idx++;
            if (!m.contains("stored") || !m["stored"].is_string()) {
                continue;
            }
            const std::string stored = m["stored"];
            // evidence/<incident>/<host>/<source>/<path>
            std::vector<std::string> parts;
            for (size_t a = 0, b; a <= stored.size(); a = b + 1) {
                b = stored.find('/', a);
                if (b == std::string::npos) {
                    b = stored.size();
                }
                parts.push_back(stored.substr(a, b - a));
                if (parts.size() == 4) {
                    break;
                }
            }
            if (parts.size() < 4) {
                continue;
            }
            const std::string rel = stored.substr(parts[0].size() + parts[1].size() +
                                                  parts[2].size() + parts[3].size() + 4);
            UniqueFd ef(open_path_beneath(root.get(), stored, false));
            if (!ef) {
                spdlog::warn("Reparse: stored evidence missing. file={}", stored);
                continue;
            }
            std::string head(parsers::kProbeBytes, '\0');
            head.resize(pread_full(ef.get(), head.data(), head.size(), 0));
            struct stat st {};
            ::fstat(ef.get(), &st);
            const parsers::FileProbe probe{rel, head, static_cast<uint64_t>(st.st_size)};
            const parsers::Parser* parser = nullptr;
            if (m.contains("parser") && m["parser"].is_string()) {
                parser = parsers::find(m["parser"].get<std::string>());
            }
            for (const parsers::Parser* p : parsers::all()) {
                if (p->wants_facts(probe)) {
                    UniqueFd ff(open_path_beneath(root.get(), stored, false));
                    parsers::FdInput fin(ff.get());
                    try {
                        p->gather_facts(probe, fin, facts);
                    } catch (const std::exception&) {
                    }
                }
            }
            if (parser == nullptr ||
                (parser->name() == "text.lines" && !cfg.output.unparsed_text_lines)) {
                continue;
            }
            std::string collection = upload_mtime;
            if (m.contains("mtime") && m["mtime"].is_string()) {
                collection = m["mtime"].get<std::string>();
            }
            jobs.push_back(
                {parser, parts[2], parts[3], stored, m.value("path", ""), collection, &counts[my]});
        }
        return jobs;
    }

    // Makes stored files (root-relative) durable with their directories.  Many files: one
    // syncfs (one journal commit instead of thousands; it also flushes whatever else is
    // dirty on the file system, which is why it is not used for a handful).
    //
    // A file's own directory is always fsynced (its entry is new).  An ancestor is fsynced
    // only until a directory whose own entry this process already made durable: every
    // fsync is a device cache flush (1-3 ms on the bench VM, where 9 of an upload's 13
    // fsyncs went to directories that had not changed).
    void sync_evidence(const std::vector<std::string>& files) {
        if (files.size() > kMaxFileSyncs) {
            ::syncfs(root.get());
            return;
        }
        std::set<std::string> dirs;        // to fsync
        std::vector<std::string> entries;  // dirs whose entry those fsyncs make durable
        {
            std::lock_guard<std::mutex> lock(durable_mu);
            for (const auto& f : files) {
                const size_t slash = f.find_last_of('/');
                if (slash == std::string::npos || slash == 0) {
                    dirs.insert("");
                    continue;
                }
                std::string dir = f.substr(0, slash);
                dirs.insert(dir);
                // dir's entry lives in its parent: walk up until an entry already durable.
                while (!dir.empty() && durable_entries.count(dir) == 0 &&
                       std::find(entries.begin(), entries.end(), dir) == entries.end()) {
                    entries.push_back(dir);
                    const size_t up = dir.find_last_of('/');
                    dir = up == std::string::npos ? std::string() : dir.substr(0, up);
                    dirs.insert(dir);
                }
            }
        }
        // All of them at once: flushes that wait together are merged by the block layer
        // into fewer device cache flushes than the same calls one after another.
        struct Job {
            UniqueFd fd;
            std::string what;  // a file (its failure is fatal); "" for a directory
            int err = 0;
        };
        std::vector<Job> jobs;
        for (const auto& f : files) {
            UniqueFd fd(open_path_beneath(root.get(), f, false));
            if (fd) {  // else a dedup race or a member removed by policy: nothing to sync
                jobs.push_back({std::move(fd), f});
            }
        }
        for (const auto& d : dirs) {
            UniqueFd fd(d.empty() ? ::dup(root.get()) : open_path_beneath(root.get(), d, true));
            if (fd) {
                jobs.push_back({std::move(fd), ""});
            }
        }
        auto run = [](Job& j) {
            // Directory fsyncs stay best effort, as before: some file systems refuse them.
            const int rc = j.what.empty() ? ::fsync(j.fd.get()) : ::fdatasync(j.fd.get());
            j.err = rc != 0 ? errno : 0;
        };
        {
            std::atomic<size_t> next{0};
            auto worker = [&] {
                for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
                    run(jobs[i]);
                }
            };
            std::vector<std::jthread> helpers;
            for (size_t t = 1; t < std::min<size_t>(jobs.size(), kMaxParallelSyncs); ++t) {
                helpers.emplace_back(worker);
            }
            worker();
        }
        for (const Job& j : jobs) {
            if (!j.what.empty() && j.err != 0) {
                errno = j.err;
                throw_errno("fdatasync " + j.what);
            }
        }
        std::lock_guard<std::mutex> lock(durable_mu);
        durable_entries.insert(entries.begin(), entries.end());
    }

    // Renders a committed upload's records again from its ledger line and stored evidence
    // (recovery, when a crash took spools that were never fsynced).  The spools go to a
    // work dir the caller removes.
    std::optional<std::vector<output::Spool>> regenerate(const std::string& id,
                                                         std::vector<std::string>& work_dirs) {
        const auto line = custody->ingest_line(id);
        if (!line) {
            return std::nullopt;
        }
        nlohmann::json up;
        try {
            up = nlohmann::json::parse(*line);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        const std::string name = "ingest-regen-" + store::safe_name(id, "id");
        const std::string work_rel = "work/" + name;
        UniqueFd work_parent = make_dirs(root.get(), "work", 0700);
        remove_work_dir(work_parent.get(), name);
        UniqueFd work = make_dirs(root.get(), work_rel, 0700);
        work_dirs.push_back(name);
        parsers::UploadFacts facts;
        std::vector<uint64_t> counts;
        const std::vector<ParseJob> jobs = jobs_for_entry(up, facts, counts);
        uint64_t records = 0;
        uint64_t errors = 0;
        std::map<std::string, uint64_t> by_dataset;
        auto spools = parse_into_spools(work.get(), work_rel, jobs, up.value("incident", ""),
                                        up.at("upload").value("sha256", ""), facts, records, errors,
                                        by_dataset);
        spdlog::warn("Rendered a committed upload's records again for recovery. id={} records={}",
                     id, records);
        return spools;
    }

    bool committed(const std::string& id) {
        UniqueFd marker(open_path_beneath(root.get(), "work/intents/" + id + ".committed", false));
        if (marker) {
            return true;  // a reparse reached its commit point
        }
        return custody->has_ingest_id(id);
    }

    void drop_stale_markers() {
        UniqueFd idir(open_path_beneath(root.get(), "work/intents", true));
        if (!idir) {
            return;
        }
        std::vector<std::string> drop;
        if (DIR* d = ::fdopendir(::dup(idir.get()))) {
            while (dirent* de = ::readdir(d)) {
                const std::string n = de->d_name;
                const std::string suffix = ".committed";
                if (n.size() > suffix.size() && n.substr(n.size() - suffix.size()) == suffix) {
                    const std::string intent = n.substr(0, n.size() - suffix.size()) + ".json";
                    if (::faccessat(idir.get(), intent.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) != 0) {
                        drop.push_back(n);
                    }
                }
            }
            ::closedir(d);
        }
        for (const auto& n : drop) {
            ::unlinkat(idir.get(), n.c_str(), 0);
        }
    }

    void cleanup_stale_work() {
        UniqueFd w = make_dirs(root.get(), "work", 0700);
        DIR* d = ::fdopendir(::dup(w.get()));
        if (d == nullptr) {
            return;
        }
        std::vector<std::string> stale;
        while (dirent* de = ::readdir(d)) {
            const std::string n = de->d_name;
            if (n.rfind("ingest-", 0) != 0) {
                continue;
            }
            UniqueFd dir(open_dir_beneath(w.get(), n));
            if (!dir) {
                continue;
            }
            if (::flock(dir.get(), LOCK_EX | LOCK_NB) == 0) {
                stale.push_back(n);  // nobody holds it: a crashed run's leftovers
            }
        }
        ::closedir(d);
        for (const auto& n : stale) {
            remove_work_dir(w.get(), n);
        }
    }

    nlohmann::ordered_json ledger_head(const UploadRequest& req,
                                       const std::string& name,
                                       uint64_t size,
                                       const std::string& sha,
                                       int64_t mtime,
                                       const std::string& incident,
                                       const std::string& host,
                                       const std::string& received) const {
        nlohmann::ordered_json e;
        e["seq"] = 0;
        e["prev"] = "";
        e["upload"] = {{"name", name},
                       {"drop_path", req.drop_path.empty() ? req.path : req.drop_path},
                       {"size", size},
                       {"sha256", sha},
                       {"mtime", format_time_utc(mtime)}};
        e["incident"] = incident;
        e["host"] = host;
        e["received"] = received;
        return e;
    }
};

Ingestor::Ingestor(settings::Settings s) : impl_(std::make_unique<Impl>()) {
    impl_->cfg = std::move(s);
    impl_->instance = store::safe_name(impl_->cfg.effective_instance(), "evidenced");
    impl_->lock_name = "commit-" + impl_->instance + ".lock";
    ::umask(027);
    if (::mkdir(impl_->cfg.root.c_str(), 0750) != 0 && errno != EEXIST) {
        throw_errno("create data root " + impl_->cfg.root);
    }
    impl_->root.reset(::open(impl_->cfg.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!impl_->root) {
        throw_errno("open data root " + impl_->cfg.root);
    }
    if (!impl_->cfg.output.group.empty()) {
        group buf{};
        group* g = nullptr;
        std::vector<char> mem(16384);
        if (::getgrnam_r(impl_->cfg.output.group.c_str(), &buf, mem.data(), mem.size(), &g) != 0 ||
            g == nullptr) {
            throw std::runtime_error("output.group: no group named '" + impl_->cfg.output.group +
                                     "'");
        }
        impl_->group = g->gr_gid;
    }
    for (const char* d : {"evidence", "normalized", "custody", "quarantine"}) {
        make_dirs(impl_->root.get(), d);
    }
    impl_->custody =
        std::make_unique<store::Custody>(impl_->root.get(), impl_->instance, impl_->group);
    impl_->tree = std::make_unique<store::Tree>(impl_->root.get(), impl_->group);
    impl_->segments = std::make_unique<output::SegmentStore>(
        impl_->root.get(), impl_->instance, impl_->cfg.output.segment_bytes, impl_->group);
    {
        Impl::CommitLock lock(*impl_);
        std::vector<std::string> regen_dirs;
        impl_->segments->recover([this](const std::string& id) { return impl_->committed(id); },
                                 [this, &regen_dirs](const std::string& id) {
                                     return impl_->regenerate(id, regen_dirs);
                                 });
        UniqueFd work_parent = make_dirs(impl_->root.get(), "work", 0700);
        for (const auto& d : regen_dirs) {
            remove_work_dir(work_parent.get(), d);
        }
        impl_->drop_stale_markers();
        impl_->cleanup_stale_work();
    }
}

// Deferred commits stay journalled until a checkpoint or the next start.  Their writeback
// is left to the kernel: starting it here made `ingest` wait for the disk to take the
// records (2.3 s of the VPC row's 6.4 s), which the contract does not ask for.
Ingestor::~Ingestor() = default;

void Ingestor::checkpoint() {
    Impl::CommitLock lock(*impl_);
    impl_->segments->checkpoint();
}

const settings::Settings& Ingestor::config() const {
    return impl_->cfg;
}

bool Ingestor::already_ingested(const std::string& sha256, const std::string& incident) {
    return impl_->custody->already_ingested(sha256, store::safe_name(incident));
}

UploadResult Ingestor::ingest(const UploadRequest& req) {
    Impl& im = *impl_;
    UploadResult result;
    const std::string received = now_utc();
    const std::string incident = store::safe_name(req.incident);
    const std::optional<std::string> explicit_host =
        req.host ? std::optional<std::string>(store::safe_name(*req.host, "unknown-host"))
                 : std::nullopt;
    const std::optional<std::string> explicit_source =
        req.source ? std::optional<std::string>(store::safe_name(*req.source, "other"))
                   : std::nullopt;
    const std::string name = req.original_name.empty() ? basename_of(req.path) : req.original_name;

    // Work area for this attempt, locked so a concurrent cleanup leaves it alone.
    const std::string id = random_id();
    const std::string work_rel = "work/ingest-" + id;
    UniqueFd work = make_dirs(im.root.get(), work_rel, 0700);
    lock_work_dir(work.get());
    UniqueFd work_parent(open_dir_beneath(im.root.get(), "work"));
    struct WorkCleanup {
        int parent;
        std::string name;
        ~WorkCleanup() {
            remove_work_dir(parent, name);
        }
    } cleanup{work_parent.get(), "ingest-" + id};

    // 1. Hash the upload (copying it into work/ when the caller's file must stay put).
    UniqueFd in(
        ::open(req.path.c_str(), O_RDONLY | O_CLOEXEC | (req.copy_original ? 0 : O_NOFOLLOW)));
    if (!in) {
        throw_errno("open upload " + req.path);
    }
    struct stat st {};
    if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw std::runtime_error("upload " + req.path + " is not a regular file");
    }
    const int64_t upload_mtime = st.st_mtim.tv_sec;
    Sha256 h;
    uint64_t size = 0;
    {
        UniqueFd copy;
        if (req.copy_original) {
            copy.reset(::openat(work.get(), "original",
                                O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!copy) {
                throw_errno("create work copy of upload");
            }
        }
        RawBuffer buf(1 << 20);
        for (;;) {
            const size_t k = read_full(in.get(), buf.data(), buf.size());
            if (k == 0) {
                break;
            }
            h.update(buf.data(), k);
            size += k;
            if (copy) {
                write_all(copy.get(), buf.data(), k, "copy upload");
            }
        }
    }
    result.sha256 = h.hex();
    result.size = size;

    auto finish_ledger = [&](nlohmann::ordered_json& e, Outcome o, const std::string& reason) {
        e["finished"] = now_utc();
        e["outcome"] = to_string(o);
        e["reason"] =
            reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(reason);
        e["instance"] = im.instance;
        if (req.note) {
            e["note"] = *req.note;
        }
        e["ingest_id"] = id;
    };

    // 2. Same bytes already in this incident: record the duplicate, write nothing else.
    if (im.custody->already_ingested(result.sha256, incident)) {
        result.outcome = Outcome::kDuplicate;
        if (!req.copy_original) {
            const std::string kept_dir = "custody/originals/" + result.sha256;
            UniqueFd kd(open_path_beneath(im.root.get(), kept_dir, true));
            if (kd) {
                ::unlink(req.path.c_str());  // its bytes are in custody already
            }
        }
        if (req.resume) {
            return result;
        }
        auto e = im.ledger_head(req, name, size, result.sha256, upload_mtime, incident,
                                explicit_host.value_or(""), received);
        e["members"] = nlohmann::ordered_json::array();
        finish_ledger(e, Outcome::kDuplicate, "");
        Impl::PendingCommit pc;
        pc.entry = std::move(e);
        im.commit(req, pc);
        spdlog::debug("Upload is a duplicate. incident={} upload={} sha256={}", incident, name,
                      result.sha256);
        return result;
    }

    // 3. Custody: the original, byte-identical, before anything reads it for parsing.
    std::string kept;
    if (req.copy_original) {
        kept = im.custody->keep_original(work.get(), "original", result.sha256, name);
    } else {
        // The claimed file moves in: rename on one file system, else copy + fsync + unlink.
        UniqueFd odir = make_dirs(im.root.get(), "custody/originals/" + result.sha256);
        const std::string safe = store::sanitize_component(name);
        if (::linkat(AT_FDCWD, req.path.c_str(), work.get(), "original", 0) != 0) {
            if (errno != EXDEV && errno != EPERM) {
                throw_errno("take claimed upload " + req.path);
            }
            UniqueFd copy(
                ::openat(work.get(), "original", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
            if (!copy) {
                throw_errno("copy claimed upload");
            }
            RawBuffer buf(1 << 20);
            off_t off = 0;
            for (;;) {
                const size_t k = pread_full(in.get(), buf.data(), buf.size(), off);
                if (k == 0) {
                    break;
                }
                write_all(copy.get(), buf.data(), k);
                off += static_cast<off_t>(k);
            }
            if (::fsync(copy.get()) != 0) {
                throw_errno("fsync claimed upload copy");
            }
        }
        kept = im.custody->keep_original(work.get(), "original", result.sha256, safe);
        // The claimed file stays until the ledger line is written: a crash before that
        // leaves a claim the daemon simply resumes.
    }
    auto release_claim = [&] {
        if (!req.copy_original) {
            ::unlink(req.path.c_str());
        }
    };

    // 4. Unpack into work/.
    UniqueFd orig(open_path_beneath(im.root.get(), kept, false));
    if (!orig) {
        throw_errno("open custody original " + kept);
    }
    unpack::UnpackOptions uo;
    uo.limits = im.cfg.limits;
    uo.free_bytes = [&im] { return im.free_bytes(); };
    unpack::UnpackResult ur =
        unpack::unpack_upload(orig.get(), name, req.path_prefix, work.get(), uo);
    result.bytes_out = ur.bytes_produced;

    if (ur.unreadable) {
        result.outcome = Outcome::kQuarantined;
        result.reason = ur.unreadable_reason;
        orig.reset();
        im.custody->quarantine(kept, result.sha256, name, "unreadable", ur.unreadable_reason,
                               now_utc());
        auto e = im.ledger_head(req, name, size, result.sha256, upload_mtime, incident,
                                explicit_host.value_or(""), received);
        e["members"] = nlohmann::ordered_json::array();
        finish_ledger(e, Outcome::kQuarantined, ur.unreadable_reason);
        Impl::PendingCommit pc;
        pc.entry = std::move(e);
        im.commit(req, pc);
        release_claim();
        spdlog::warn("Upload quarantined. incident={} upload={} reason={}", incident, name,
                     ur.unreadable_reason);
        return result;
    }

    // 5. Route every staged member to (host, source) and pick its parser.
    std::vector<Routed> routed(ur.members.size());
    parsers::UploadFacts facts;
    std::optional<std::string> upload_host = explicit_host;
    if (!upload_host) {
        upload_host = collector_host(name);
    }
    std::optional<std::string> log_host;  // weakest upload-level hint: a syslog line's host
    for (size_t i = 0; i < ur.members.size(); ++i) {
        const auto& m = ur.members[i];
        if (m.work_name.empty()) {
            continue;
        }
        const std::string head = read_head(work.get(), m.work_name);
        const parsers::FileProbe probe{m.stored_path, head, m.size};
        const parsers::Choice c = m.raw_container ? parsers::Choice{} : parsers::choose(probe);
        routed[i].parser = c.parser;
        routed[i].parser_name = c.parser != nullptr ? std::string(c.parser->name()) : "";
        if (!log_host && c.parser != nullptr && c.parser->name() == "text.lines") {
            log_host = syslog_host(head);
        }
        if (!upload_host) {
            const size_t slash = m.path.find('/');
            if (slash != std::string::npos) {
                upload_host = collector_host(m.path.substr(0, slash));
            }
        }
        for (const parsers::Parser* p : parsers::all()) {
            if (p->wants_facts(probe)) {
                UniqueFd f(
                    ::openat(work.get(), m.work_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
                if (f) {
                    parsers::FdInput fin(f.get());
                    try {
                        p->gather_facts(probe, fin, facts);
                    } catch (const std::exception& ex) {
                        spdlog::debug("Fact gathering failed. member={} error={}", m.path,
                                      ex.what());
                    }
                }
            }
        }
    }
    // A collector archive (uac-<host>-…, catscale_<host>-…) is one host's collection: its
    // command outputs stay with that host even when one of them (a hostname or uname output)
    // names another, so one collection never splits across host folders.
    const bool collector_named = !explicit_host && upload_host.has_value();
    // Then a hostname output, then the host a shell prompt names (hand-saved outputs).
    for (const char* fact : {"linux.hostname", "linux.prompt_host"}) {
        if (auto it = facts.find(fact); !upload_host && it != facts.end() && !it->second.empty()) {
            upload_host = it->second;
        }
    }
    if (!upload_host) {
        upload_host = log_host;
    }
    std::map<std::string, uint64_t> host_votes;
    for (size_t i = 0; i < ur.members.size(); ++i) {
        auto& m = ur.members[i];
        Routed& r = routed[i];
        if (m.work_name.empty()) {
            continue;
        }
        const std::string head = read_head(work.get(), m.work_name);
        const parsers::FileProbe probe{m.stored_path, head, m.size};
        std::optional<std::string> host = explicit_host;
        if (!host && collector_named && r.parser != nullptr &&
            r.parser->source() == "linux-commands") {
            host = upload_host;
        }
        if (!host && r.parser != nullptr) {
            host = r.parser->infer_host(probe);
        }
        if (!host) {
            host = upload_host;
        }
        r.host = store::safe_name(host.value_or("unknown-host"), "unknown-host");
        r.source = explicit_source ? *explicit_source
                                   : source_for(r.parser, m.stored_path, m.raw_container);
        ++host_votes[r.host];
        if (r.parser != nullptr && r.parser->name() == "text.lines" &&
            !im.cfg.output.unparsed_text_lines) {
            r.parser = nullptr;  // output.unparsed_text = none
        }
    }
    for (const auto& [hname, votes] : host_votes) {
        if (result.host.empty() || votes > host_votes[result.host]) {
            result.host = hname;
        }
    }
    if (result.host.empty()) {
        result.host = explicit_host.value_or(upload_host.value_or("unknown-host"));
    }

    // 6. Place into the evidence tree (no overwrite; same bytes = already stored).
    for (size_t i = 0; i < ur.members.size(); ++i) {
        auto& m = ur.members[i];
        if (m.work_name.empty()) {
            continue;
        }
        std::vector<std::string> comps;
        std::string_view rest = m.stored_path;
        while (!rest.empty()) {
            const size_t slash = rest.find('/');
            comps.emplace_back(rest.substr(0, slash));
            rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        }
        const auto placed = im.tree->place(work.get(), m.work_name, m.sha256, m.size, incident,
                                           routed[i].host, routed[i].source, comps);
        routed[i].stored = placed.stored;
        routed[i].deduplicated = placed.deduplicated;
    }

    // The evidence must be on disk before the ledger line names it; the records need not
    // be (recovery renders them again from the evidence), so this comes before parsing.
    {
        std::vector<std::string> written{kept};
        for (const Routed& r : routed) {
            if (!r.stored.empty() && !r.deduplicated) {
                written.push_back(r.stored);
            }
        }
        im.sync_evidence(written);
    }

    // 7. Parse each stored member into its source's spool, in archive order.
    std::vector<output::Spool> spools;
    std::map<std::string, uint64_t> by_dataset;
    if (im.cfg.parse) {
        std::vector<ParseJob> jobs;
        for (size_t i = 0; i < ur.members.size(); ++i) {
            const auto& m = ur.members[i];
            Routed& r = routed[i];
            if (r.stored.empty() || r.parser == nullptr) {
                continue;
            }
            jobs.push_back({r.parser, r.host, r.source, r.stored, m.path,
                            format_time_utc(m.mtime != 0 ? m.mtime : upload_mtime), &r.records});
        }
        spools = im.parse_into_spools(work.get(), work_rel, jobs, incident, result.sha256, facts,
                                      result.records, result.error_records, by_dataset);
    }

    // 8. Outcome and the ledger line.
    if (ur.stopped) {
        result.outcome = Outcome::kPartial;
        result.reason = *ur.stopped;
    } else if (ur.damaged) {
        result.outcome = Outcome::kPartial;
        result.reason = "damaged: " + *ur.damaged;
    }
    auto e = im.ledger_head(req, name, size, result.sha256, upload_mtime, incident, result.host,
                            received);
    auto& members = e["members"] = nlohmann::ordered_json::array();
    for (size_t i = 0; i < ur.members.size(); ++i) {
        const auto& m = ur.members[i];
        const Routed& r = routed[i];
        nlohmann::ordered_json j;
        j["path"] = m.path;
        j["size"] = m.size;
        j["sha256"] =
            m.sha256.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.sha256);
        j["stored"] =
            r.stored.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.stored);
        j["parser"] = r.parser_name.empty() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(r.parser_name);
        j["records"] = r.records;
        j["refused"] =
            m.refused ? nlohmann::ordered_json(*m.refused) : nlohmann::ordered_json(nullptr);
        j["link_target"] = m.link_target ? nlohmann::ordered_json(*m.link_target)
                                         : nlohmann::ordered_json(nullptr);
        if (!r.stored.empty()) {
            j["host"] = r.host;
            j["source"] = r.source;
            j["deduplicated"] = r.deduplicated;
            j["mtime"] = m.mtime != 0 ? nlohmann::ordered_json(format_time_utc(m.mtime))
                                      : nlohmann::ordered_json(nullptr);
        }
        if (m.note) {
            j["note"] = *m.note;
        }
        if (m.refused) {
            ++result.refused;
            spdlog::warn("Member refused. incident={} upload={} member={} reason={}", incident,
                         name, m.path, *m.refused);
        }
        members.push_back(std::move(j));
    }
    result.members = ur.members.size();
    finish_ledger(e, result.outcome, result.reason);
    e["original"] = kept;

    {
        Impl::PendingCommit pc;
        pc.id = id;
        pc.incident = incident;
        pc.spools = &spools;
        pc.entry = std::move(e);
        im.commit(req, pc);
    }
    release_claim();
    spdlog::debug(
        "Upload ingested. incident={} host={} upload={} outcome={} members={} refused={} "
        "records={} bytes_out={}{}",
        incident, result.host, name, to_string(result.outcome), result.members, result.refused,
        result.records, result.bytes_out, result.reason.empty() ? "" : " reason=" + result.reason);
    return result;
}

uint64_t Ingestor::reparse(const std::optional<std::string>& incident_filter) {
    Impl& im = *impl_;
    const std::optional<std::string> want =
        incident_filter ? std::optional<std::string>(store::safe_name(*incident_filter))
                        : std::nullopt;
    // The last ledger line per (incident, upload) wins: a re-ingest with higher limits
    // supersedes a partial one.  Order: ledger files by name, lines in order.
    std::map<std::string, std::vector<nlohmann::json>> by_incident;
    std::map<std::pair<std::string, std::string>, std::pair<std::string, size_t>> latest;
    UniqueFd custody(open_dir_beneath(im.root.get(), "custody"));
    if (!custody) {
        return 0;
    }
    std::vector<std::string> ledgers;
    if (DIR* d = ::fdopendir(::dup(custody.get()))) {
        while (dirent* de = ::readdir(d)) {
            const std::string n = de->d_name;
            if (n.rfind("ledger-", 0) == 0) {
                ledgers.push_back(n);
            }
        }
        ::closedir(d);
    }
    std::sort(ledgers.begin(), ledgers.end());
    for (const auto& n : ledgers) {
        UniqueFd f(open_file_beneath(custody.get(), n));
        if (!f) {
            continue;
        }
        std::string text;
        RawBuffer buf(1 << 20);
        for (size_t k; (k = read_full(f.get(), buf.data(), buf.size())) > 0;) {
            text.append(buf.data(), k);
        }
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string::npos) {
                nl = text.size();
            }
            try {
                auto j = nlohmann::json::parse(text.substr(start, nl - start));
                const std::string outcome = j.value("outcome", "");
                const std::string inc = j.value("incident", "");
                if ((outcome == "ingested" || outcome == "partial") && (!want || inc == *want)) {
                    const std::string sha = j.at("upload").value("sha256", "");
                    auto& list = by_incident[inc];
                    const auto key = std::make_pair(inc, sha);
                    auto it = latest.find(key);
                    if (it != latest.end()) {
                        list[it->second.second] = nlohmann::json();  // superseded
                    }
                    latest[key] = {inc, list.size()};
                    list.push_back(std::move(j));
                }
            } catch (const std::exception& e) {
                spdlog::warn("Reparse skips a damaged ledger line. ledger={} error={}", n,
                             e.what());
            }
            start = nl + 1;
        }
    }

    uint64_t total = 0;
    for (auto& [incident, uploads] : by_incident) {
        const std::string id = random_id();
        const std::string work_rel = "work/ingest-" + id;
        UniqueFd work = make_dirs(im.root.get(), work_rel, 0700);
        lock_work_dir(work.get());
        UniqueFd work_parent(open_dir_beneath(im.root.get(), "work"));
        struct WorkCleanup {
            int parent;
            std::string name;
            ~WorkCleanup() {
                remove_work_dir(parent, name);
            }
        } cleanup{work_parent.get(), "ingest-" + id};

        // One spool per source for the whole incident: uploads in ledger order.
        std::map<std::string, UniqueFd> spool_fds;
        std::vector<output::Spool> spools;
        std::map<std::string, uint64_t> by_dataset;
        uint64_t records = 0;
        uint64_t errors = 0;
        for (const auto& up : uploads) {
            if (up.is_null()) {
                continue;
            }
            const std::string sha = up.at("upload").value("sha256", "");
            parsers::UploadFacts facts;
            std::vector<uint64_t> counts;
            const std::vector<ParseJob> jobs = im.jobs_for_entry(up, facts, counts);
            // Per upload, spools are appended to the incident's spools in order.
            const std::string sub = "u" + std::to_string(&up - &uploads[0]);
            UniqueFd uw = make_dirs(work.get(), sub, 0700);
            auto part = im.parse_into_spools(uw.get(), work_rel + "/" + sub, jobs, incident, sha,
                                             facts, records, errors, by_dataset);
            for (const auto& sp : part) {
                auto it = spool_fds.find(sp.source);
                if (it == spool_fds.end()) {
                    const std::string name = "spool-" + sp.source + ".jsonl";
                    UniqueFd f(::openat(work.get(), name.c_str(),
                                        O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                                        0600));
                    if (!f) {
                        throw_errno("create spool");
                    }
                    spools.push_back({sp.source, work_rel + "/" + name});
                    it = spool_fds.emplace(sp.source, std::move(f)).first;
                }
                if (sp.mem) {
                    write_all(it->second.get(), *sp.mem, "write spool");
                    continue;
                }
                UniqueFd in(open_path_beneath(im.root.get(), sp.relpath, false));
                if (!in) {
                    throw_errno("open spool " + sp.relpath);
                }
                copy_all(in.get(), it->second.get(), "write spool");
                in.reset();
                ::unlinkat(uw.get(), sp.relpath.substr(sp.relpath.find_last_of('/') + 1).c_str(),
                           0);
            }
            uw.reset();
            ::unlinkat(work.get(), sub.c_str(), AT_REMOVEDIR);
        }
        spool_fds.clear();
        ::syncfs(im.root.get());
        {
            Impl::CommitLock lock(im);
            im.segments->commit(
                id, incident, spools,
                [&] {
                    UniqueFd idir = make_dirs(im.root.get(), "work/intents", 0700);
                    const std::string marker = id + ".committed";
                    UniqueFd mf(::openat(idir.get(), marker.c_str(),
                                         O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
                    if (!mf || ::fsync(mf.get()) != 0) {
                        throw_errno("write reparse commit marker");
                    }
                    ::fsync(idir.get());
                },
                /*force_new=*/true);
            UniqueFd idir(open_path_beneath(im.root.get(), "work/intents", true));
            if (idir) {
                ::unlinkat(idir.get(), (id + ".committed").c_str(), 0);
            }
        }
        spdlog::info("Incident reparsed. incident={} records={} errors={}", incident, records,
                     errors);
        total += records;
    }
    return total;
}

}  // namespace evidenced::pipeline
