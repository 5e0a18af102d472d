#include "daemon/app/daemon.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "daemon/app/metrics.hpp"
#include "daemon/app/notify.hpp"
#include "daemon/intake/claims.hpp"
#include "daemon/intake/layout.hpp"
#include "daemon/intake/names.hpp"
#include "daemon/intake/receipt.hpp"
#include "daemon/intake/settle.hpp"
#include "daemon/intake/watcher.hpp"
#include "daemon/pipeline/ingest.hpp"

namespace evidenced::app {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using intake::Claim;
using intake::ClaimStatus;
using intake::DropLocation;
using intake::FileFacts;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitConfig = 78;
constexpr int kMaxAttempts = 3;          // ingest attempts per claim and run (I/O errors)
constexpr double kRetrySeconds = 30;     // between such attempts
constexpr double kStatusSeconds = 2;     // STATUS= refresh
constexpr double kDiskCheckSeconds = 5;  // free-space probe while not paused

double mono_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const time_t secs = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    ::gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms % 1000));
    return buf;
}

// logfmt value: bare when safe, else double-quoted with \" and \\ escaped.
std::string kv(std::string_view v) {
    const bool bare = !v.empty() && v.find_first_of(" \t\"\\=\n\r") == std::string_view::npos;
    if (bare) {
        return std::string(v);
    }
    std::string out = "\"";
    for (const char c : v) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

auto to_duration(double seconds) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(std::max(seconds, 0.001)));
}

// What a ledger says about an upload a previous run finished (or started) for a claim.
struct LedgerHit {
    std::string outcome;
    std::string reason;
    std::string sha256;
    std::string host;
    uint64_t size = 0;
    uint64_t members = 0;
};

// The last ledger line (any instance) for `drop_path` received at or after `since`.
std::optional<LedgerHit> find_in_ledgers(const std::string& root,
                                         const std::string& drop_path,
                                         const std::string& since) {
    std::optional<LedgerHit> hit;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root + "/custody", ec)) {
        const auto name = e.path().filename().string();
        if (name.rfind("ledger-", 0) != 0 || e.path().extension() != ".jsonl") {
            continue;
        }
        std::ifstream in(e.path());
        std::string line;
        while (std::getline(in, line)) {
            if (line.find(drop_path) == std::string::npos) {
                continue;  // cheap filter before parsing
            }
            try {
                const auto j = nlohmann::json::parse(line);
                const auto& up = j.at("upload");
                if (up.value("drop_path", std::string()) != drop_path ||
                    j.value("received", std::string()) < since) {
                    continue;
                }
                LedgerHit h;
                h.outcome = j.value("outcome", std::string());
                h.reason = j["reason"].is_string() ? j["reason"].get<std::string>() : "";
                h.sha256 = up.value("sha256", std::string());
                h.size = up.value("size", uint64_t{0});
                h.host = j["host"].is_string() ? j["host"].get<std::string>() : "";
                h.members =
                    j.contains("members") && j["members"].is_array() ? j["members"].size() : 0;
                hit = h;
            } catch (const std::exception&) {
                continue;  // a torn last line of a crashed writer
            }
        }
    }
    return hit;
}

// The custody (or quarantine) copy of a claimed upload the pipeline took before a crash:
// the same inode when it was linked in (one file system), else the same name and size.
std::optional<std::string> find_kept_original(const std::string& root,
                                              const FileFacts& facts,
                                              const std::string& name) {
    std::optional<std::string> by_name;
    for (const char* area : {"/custody/originals", "/quarantine"}) {
        std::error_code ec;
        for (const auto& d : fs::directory_iterator(root + area, ec)) {
            std::error_code ec2;
            for (const auto& f : fs::directory_iterator(d.path(), ec2)) {
                struct stat st {};
                if (::lstat(f.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
                    continue;
                }
                if (static_cast<uint64_t>(st.st_ino) == facts.ino &&
                    static_cast<uint64_t>(st.st_dev) == facts.dev) {
                    return f.path().string();
                }
                if (!by_name && f.path().filename() == name &&
                    static_cast<uint64_t>(st.st_size) == facts.size) {
                    by_name = f.path().string();
                }
            }
        }
    }
    return by_name;
}

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// spdlog flag %* : the syslog priority journald reads from a "<N>" line prefix.
class PriorityFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg,
                const std::tm&,
                spdlog::memory_buf_t& dest) override {
        int prio = 6;
        switch (msg.level) {
            case spdlog::level::trace:
            case spdlog::level::debug: prio = 7; break;
            case spdlog::level::info: prio = 6; break;
            case spdlog::level::warn: prio = 4; break;
            case spdlog::level::err: prio = 3; break;
            case spdlog::level::critical: prio = 2; break;
            default: break;
        }
        const char text[4] = {'<', static_cast<char>('0' + prio), '>', '\0'};
        dest.append(text, text + 3);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<PriorityFlag>();
    }
};

// Under systemd stderr is the journal ($JOURNAL_STREAM): it timestamps lines itself and reads
// the priority from a "<N>" prefix.
void setup_journal_logging() {
    if (std::getenv("JOURNAL_STREAM") == nullptr) {
        return;
    }
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<PriorityFlag>('*').set_pattern("%*%v");
    spdlog::set_formatter(std::move(f));
}

class WorkerPool {
public:
    explicit WorkerPool(size_t n) {
        for (size_t i = 0; i < n; ++i) {
            threads_.emplace_back([this] { loop(); });
        }
    }
    ~WorkerPool() {
        stop();
        for (auto& t : threads_) {
            if (t.joinable()) {
                t.join();
            }
        }
    }
    void post(std::function<void()> job) {
        {
            std::lock_guard lock(mu_);
            queue_.push_back(std::move(job));
        }
        cv_.notify_one();
    }
    // Stops taking jobs; returns how many queued jobs were dropped.
    size_t stop() {
        size_t dropped = 0;
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
            dropped = queue_.size();
            queue_.clear();
        }
        cv_.notify_all();
        return dropped;
    }
    // Leaves running jobs to the process exit (the abandon path).
    void detach() {
        for (auto& t : threads_) {
            if (t.joinable()) {
                t.detach();
            }
        }
    }

private:
    void loop() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (stopping_) {
                    return;
                }
                job = std::move(queue_.front());
                queue_.pop_front();
            }
            job();
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

struct Job {
    bool resumed = false;
    Claim claim;       // resumed
    DropLocation loc;  // new
    FileFacts facts;   // new: the settled facts
    int attempt = 1;
};

struct JobResult {
    enum class Kind { kDone, kGone, kChanged, kRetry, kKept } kind = Kind::kDone;
    std::string rel;
    bool resumed = false;
    std::string outcome;
    Claim claim;  // kRetry
    int attempt = 1;
};

class Daemon {
public:
    Daemon(settings::Settings s, std::function<settings::Settings()> reload)
        : s_(std::move(s)),
          reload_(std::move(reload)),
          inbox_(s_.effective_inbox()),
          instance_(s_.effective_instance()),
          workers_(std::max<uint64_t>(1, s_.effective_workers())),
          tracker_(s_.intake.settle_seconds),
          signals_(io_),
          tick_timer_(io_),
          rescan_timer_(io_),
          watchdog_timer_(io_),
          drain_timer_(io_),
          server_(io_, metrics_) {}

    int run();

private:
    // event loop
    void on_signal(int sig);
    void arm_signals();
    void wait_signal();
    void arm_tick();
    void arm_rescan();
    void arm_watchdog();
    void on_watch(const intake::InboxWatcher::Event& e);
    void full_rescan(const char* reason);
    void restat();
    void check_disk(bool force);
    void dispatch();
    void post_job(Job job);
    void on_done(const JobResult& r);
    void update_status();
    void begin_shutdown(int sig);
    void check_drained();
    void handle_reload();
    void maybe_swap_ingestor();

    // workers
    JobResult work(Job job, std::shared_ptr<pipeline::Ingestor> ingestor);
    JobResult process_claim(Claim& c, pipeline::Ingestor& ingestor, int attempt);
    pipeline::UploadRequest request_for(const Claim& c) const;
    void finish_claim(const Claim& c,
                      const pipeline::UploadResult* res,
                      const std::optional<LedgerHit>& hit,
                      double seconds);

    settings::Settings s_;
    std::function<settings::Settings()> reload_;
    std::string inbox_;
    std::string instance_;
    size_t workers_;

    asio::io_context io_;
    intake::SettleTracker tracker_;
    asio::signal_set signals_;
    asio::steady_timer tick_timer_;
    asio::steady_timer rescan_timer_;
    asio::steady_timer watchdog_timer_;
    asio::steady_timer drain_timer_;
    Metrics metrics_;
    MetricsServer server_;
    Notifier notifier_;
    std::unique_ptr<intake::InboxWatcher> watcher_;
    std::unique_ptr<intake::ClaimStore> store_;
    std::shared_ptr<pipeline::Ingestor> ingestor_;  // swapped on reload, only while idle
    std::unique_ptr<WorkerPool> pool_;

    std::deque<Job> resume_queue_;
    size_t in_flight_ = 0;
    bool stopping_ = false;
    bool abandon_ = false;
    double drain_deadline_ = 0;
    bool paused_ = false;
    bool ingestor_reload_pending_ = false;
    std::optional<settings::Settings> pending_settings_;
    double last_disk_check_ = -1e300;
    double last_status_ = -1e300;
    uint64_t done_ = 0;
    std::string last_upload_;
    std::mutex last_mu_;
};

int Daemon::run() {
    if (instance_.empty() || instance_ == "." || instance_ == ".." ||
        instance_.find('/') != std::string::npos || intake::is_dot_name(instance_)) {
        spdlog::error("instance name '{}' cannot name a folder; set instance", instance_);
        return kExitConfig;
    }
    setup_journal_logging();
    try {
        intake::make_dirs(inbox_);
        store_ = std::make_unique<intake::ClaimStore>(inbox_, instance_);
    } catch (const std::exception& e) {
        spdlog::error("cannot prepare the inbox {}: {}", inbox_, e.what());
        return kExitFailure;
    }
    try {
        // The constructor completes any segment commit a crashed run left.
        ingestor_ = std::make_shared<pipeline::Ingestor>(s_);
    } catch (const std::exception& e) {
        spdlog::error("cannot open the data root {}: {}", s_.root, e.what());
        return kExitFailure;
    }

    for (auto& c : store_->pending()) {
        Job j;
        j.resumed = true;
        j.claim = std::move(c);
        resume_queue_.push_back(std::move(j));
    }

    arm_signals();
    watcher_ = std::make_unique<intake::InboxWatcher>(
        io_, inbox_, [this](const intake::InboxWatcher::Event& e) { on_watch(e); });
    const bool inotify = watcher_->start();
    full_rescan("startup");
    server_.start(s_.metrics_listen);
    pool_ = std::make_unique<WorkerPool>(workers_);

    spdlog::info(
        "daemon started instance={} root={} inbox={} workers={} settle_seconds={} "
        "rescan_seconds={} inotify={} watches={} resumed_claims={} metrics={}",
        kv(instance_), kv(s_.root), kv(inbox_), workers_, s_.intake.settle_seconds,
        s_.intake.rescan_seconds, inotify ? "yes" : "no", watcher_->watch_count(),
        resume_queue_.size(), kv(server_.bound().empty() ? "off" : server_.bound()));

    check_disk(true);
    dispatch();
    notifier_.ready();
    update_status();
    arm_tick();
    arm_rescan();
    arm_watchdog();

    io_.run();

    if (abandon_) {
        spdlog::warn(
            "stopping: abandoning {} in-flight ingest(s); their claims stay in {} and "
            "resume at the next start",
            in_flight_, store_->base_dir());
        spdlog::default_logger()->flush();
        pool_->detach();
        // Workers still run inside the pipeline: returning would destroy what they use.
        std::fflush(nullptr);
        ::_exit(0);
    }
    pool_.reset();  // joins idle workers
    watcher_.reset();
    spdlog::info("daemon stopped instance={} uploads_done={}", kv(instance_), done_);
    spdlog::default_logger()->flush();
    return 0;
}

void Daemon::arm_signals() {
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    wait_signal();
}

void Daemon::wait_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) {
            return;
        }
        on_signal(sig);
        wait_signal();
    });
}

void Daemon::on_signal(int sig) {
    if (sig == SIGHUP) {
        handle_reload();
        return;
    }
    if (stopping_) {
        spdlog::warn("second stop signal: exiting now");
        abandon_ = in_flight_ > 0;
        io_.stop();
        return;
    }
    begin_shutdown(sig);
}

void Daemon::begin_shutdown(int sig) {
    stopping_ = true;
    notifier_.stopping();
    server_.set_healthy(false);
    spdlog::info(
        "stop requested by {}: no new claims; waiting up to {:.0f}s for {} in-flight "
        "ingest(s)",
        sig == SIGINT ? "SIGINT" : "SIGTERM", kDrainSeconds, in_flight_);
    if (watcher_) {
        watcher_->stop();
    }
    tick_timer_.cancel();
    rescan_timer_.cancel();
    const size_t dropped = pool_ ? pool_->stop() : 0;
    in_flight_ -= std::min(in_flight_, dropped);
    drain_deadline_ = mono_now() + kDrainSeconds;
    notifier_.status("stopping: " + std::to_string(in_flight_) + " in flight");
    check_drained();
}

void Daemon::check_drained() {
    if (in_flight_ == 0) {
        server_.stop();
        watchdog_timer_.cancel();
        io_.stop();
        return;
    }
    if (mono_now() >= drain_deadline_) {
        abandon_ = true;
        io_.stop();
        return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(100));
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            check_drained();
        }
    });
}

void Daemon::arm_tick() {
    // Re-stat pending uploads often enough that a settled upload waits at most a quarter of
    // the settle time beyond it (and at most 1 s).
    const double period = std::clamp(s_.intake.settle_seconds / 4, 0.05, 1.0);
    tick_timer_.expires_after(to_duration(period));
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) {
            return;
        }
        restat();
        check_disk(false);
        dispatch();
        if (mono_now() - last_status_ >= kStatusSeconds) {
            update_status();
        }
        arm_tick();
    });
}

void Daemon::arm_rescan() {
    rescan_timer_.expires_after(to_duration(std::max(s_.intake.rescan_seconds, 0.1)));
    rescan_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) {
            return;
        }
        full_rescan("timer");
        dispatch();
        if (in_flight_ == 0 && ingestor_) {
            // Idle: make the deferred commits' output durable and drop their plans.
            try {
                ingestor_->checkpoint();
            } catch (const std::exception& e) {
                spdlog::warn("Checkpoint of the normalized output failed: {}", e.what());
            }
        }
        arm_rescan();
    });
}

void Daemon::arm_watchdog() {
    const auto interval = notifier_.watchdog_interval();
    if (!interval) {
        return;
    }
    notifier_.watchdog();
    watchdog_timer_.expires_after(*interval);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            arm_watchdog();
        }
    });
}

void Daemon::on_watch(const intake::InboxWatcher::Event& e) {
    using Kind = intake::InboxWatcher::Event::Kind;
    const double now = mono_now();
    switch (e.kind) {
        case Kind::kWrite: tracker_.on_write(e.rel, e.sidecar, now); break;
        case Kind::kClosed: {
            tracker_.on_closed(e.rel, e.sidecar, now);
            if (const auto f = intake::stat_regular(inbox_ + "/" + e.rel)) {
                tracker_.observe(e.rel, *f, e.sidecar, now);
            }
            break;
        }
        case Kind::kGone: tracker_.forget(e.rel); break;
        case Kind::kDirAdded: {
            metrics_.rescan("folder");
            for (const auto& entry : intake::scan_inbox_dir(inbox_, e.rel)) {
                tracker_.observe(entry.rel, entry.facts, entry.sidecar, now);
            }
            break;
        }
        case Kind::kResync: {
            spdlog::warn("inotify events lost (queue overflow or a moved folder): full rescan");
            tracker_.reset_write_state();
            full_rescan("overflow");
            break;
        }
    }
}

void Daemon::full_rescan(const char* reason) {
    metrics_.rescan(reason);
    tracker_.sync(intake::scan_inbox(inbox_), mono_now());
    if (watcher_) {
        metrics_.set_watches(watcher_->watch_count());
    }
}

void Daemon::restat() {
    const double now = mono_now();
    for (const auto& rel : tracker_.tracked()) {
        const auto f = intake::stat_regular(inbox_ + "/" + rel);
        if (!f) {
            tracker_.forget(rel);
            continue;
        }
        const bool sidecar = intake::is_sidecar_name(rel.substr(rel.rfind('/') + 1));
        tracker_.observe(rel, *f, sidecar, now);
    }
}

void Daemon::check_disk(bool force) {
    const double now = mono_now();
    // Probe every tick while paused (resume promptly), else every few seconds.
    if (!force && !paused_ && now - last_disk_check_ < kDiskCheckSeconds) {
        return;
    }
    last_disk_check_ = now;
    struct statvfs sv {};
    if (::statvfs(s_.root.c_str(), &sv) != 0) {
        return;
    }
    const uint64_t free_bytes = static_cast<uint64_t>(sv.f_bavail) * sv.f_frsize;
    metrics_.set_free_bytes(free_bytes);
    const bool low = free_bytes < s_.limits.min_free_bytes;
    if (low != paused_) {
        paused_ = low;
        metrics_.set_paused(paused_);
        if (paused_) {
            spdlog::warn("intake paused: {} bytes free on {} < limits.min_free_bytes {}",
                         free_bytes, kv(s_.root), s_.limits.min_free_bytes);
        } else {
            spdlog::info("intake resumed: {} bytes free on {}", free_bytes, kv(s_.root));
        }
        update_status();
    }
}

// Whether some local process holds `path` open for writing: a read lease is refused
// (EAGAIN) exactly then.  Unknown (not our file without CAP_LEASE, NFS...) counts as no:
// the stat rule has already settled it.
static bool open_for_writing(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        return false;
    }
    bool writing = false;
    if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
        ::fcntl(fd, F_SETLEASE, F_UNLCK);
    } else {
        writing = errno == EAGAIN;
    }
    ::close(fd);
    return writing;
}

void Daemon::dispatch() {
    if (stopping_ || paused_ || ingestor_reload_pending_) {
        metrics_.set_queue_depth(tracker_.pending_uploads() + resume_queue_.size());
        return;
    }
    while (in_flight_ < workers_ && !resume_queue_.empty()) {
        Job j = std::move(resume_queue_.front());
        resume_queue_.pop_front();
        post_job(std::move(j));
    }
    if (in_flight_ < workers_ && resume_queue_.empty()) {
        for (const auto& rel : tracker_.ready(mono_now())) {
            if (in_flight_ >= workers_) {
                break;
            }
            const auto loc = intake::classify(rel);
            const auto facts = tracker_.facts(rel);
            if (!loc || !facts) {
                tracker_.forget(rel);
                continue;
            }
            if (open_for_writing(inbox_ + "/" + rel)) {
                // A writer created it before its folder was watched, so inotify never saw
                // the open: wait for its IN_CLOSE_WRITE like any other write-open upload.
                tracker_.on_write(rel, false, mono_now());
                continue;
            }
            Job j;
            j.loc = *loc;
            j.facts = *facts;
            tracker_.set_in_flight(rel, true);
            post_job(std::move(j));
        }
    }
    metrics_.set_queue_depth(tracker_.pending_uploads() + resume_queue_.size());
}

void Daemon::post_job(Job job) {
    ++in_flight_;
    metrics_.set_in_flight(in_flight_);
    auto ingestor = ingestor_;
    pool_->post([this, job = std::move(job), ingestor]() mutable {
        JobResult r;
        try {
            r = work(std::move(job), ingestor);
        } catch (const std::exception& e) {
            spdlog::error("worker: unexpected failure: {}", e.what());
            r.kind = JobResult::Kind::kKept;
        }
        asio::post(io_, [this, r = std::move(r)] { on_done(r); });
    });
}

JobResult Daemon::work(Job job, std::shared_ptr<pipeline::Ingestor> ingestor) {
    JobResult r;
    r.resumed = job.resumed;
    if (job.resumed) {
        r.rel = job.claim.meta.loc.rel;
        return process_claim(job.claim, *ingestor, job.attempt);
    }
    r.rel = job.loc.rel;
    Claim c;
    ClaimStatus st;
    try {
        st = store_->claim(job.loc, job.facts, c);
    } catch (const std::exception& e) {
        spdlog::error("claim failed drop={} error={}", kv(job.loc.rel), kv(e.what()));
        r.kind = JobResult::Kind::kChanged;  // try again after it settles anew
        return r;
    }
    if (st == ClaimStatus::kGone) {
        metrics_.claim_lost();
        spdlog::debug("claim lost drop={} (another daemon took it, or it was removed)",
                      kv(job.loc.rel));
        r.kind = JobResult::Kind::kGone;
        return r;
    }
    if (st == ClaimStatus::kChanged) {
        r.kind = JobResult::Kind::kChanged;
        return r;
    }
    if (!c.meta.sidecar_error.empty()) {
        spdlog::warn("sidecar ignored drop={} reason={}", kv(c.meta.loc.rel),
                     kv(c.meta.sidecar_error));
    }
    JobResult pr = process_claim(c, *ingestor, 1);
    pr.rel = job.loc.rel;
    pr.resumed = false;
    return pr;
}

pipeline::UploadRequest Daemon::request_for(const Claim& c) const {
    const auto& m = c.meta;
    pipeline::UploadRequest req;
    req.path = c.upload_path;
    req.original_name = m.loc.name;
    req.drop_path = inbox_ + "/" + m.loc.rel;
    req.incident = m.loc.incident;
    req.host = m.loc.host;
    req.path_prefix = m.loc.path_prefix;
    req.copy_original = false;
    if (m.sidecar) {
        if (m.sidecar->incident) {
            req.incident = *m.sidecar->incident;
        }
        if (m.sidecar->host) {
            req.host = m.sidecar->host;
        }
        req.source = m.sidecar->source;
        req.note = m.sidecar->note;
    }
    if (!m.sidecar_error.empty()) {
        req.note = "sidecar ignored: " + m.sidecar_error;
    }
    return req;
}

JobResult Daemon::process_claim(Claim& c, pipeline::Ingestor& ingestor, int attempt) {
    JobResult r;
    r.rel = c.meta.loc.rel;
    const double t0 = mono_now();
    const std::string drop_path = inbox_ + "/" + c.meta.loc.rel;

    if (c.meta.loc.rel.empty()) {
        spdlog::warn("claim {} holds no upload (crash while claiming): removed", kv(c.dir));
        store_->finish(c);
        r.kind = JobResult::Kind::kGone;
        return r;
    }
    auto req = request_for(c);
    if (!intake::stat_regular(c.upload_path)) {
        // A crash between writing .claim.json and the rename: the upload never left the
        // inbox (same inode there), so there is nothing to resume; it is claimed anew.
        const auto here = intake::stat_regular(inbox_ + "/" + c.meta.loc.rel);
        if (here && here->ino == c.meta.facts.ino && here->dev == c.meta.facts.dev) {
            spdlog::debug("claim {} was interrupted before its rename: removed", kv(c.dir));
            store_->finish(c);
            r.kind = JobResult::Kind::kGone;
            return r;
        }
        // The pipeline already moved it into custody.  If its ledger line was written, that
        // line is the outcome; if the crash came before it, ingest the kept original again
        // (a copy, since custody must keep it) with `resume` so nothing is written twice.
        if (const auto hit = find_in_ledgers(s_.root, drop_path, c.meta.claimed_at)) {
            finish_claim(c, nullptr, hit, mono_now() - t0);
            r.outcome = hit->outcome;
            return r;
        }
        const auto kept = find_kept_original(s_.root, c.meta.facts, c.meta.loc.name);
        if (!kept) {
            spdlog::warn(
                "claim {} drop={} holds no upload and no ledger or custody copy "
                "records it (it was moved away, or the claim was interrupted): removed",
                kv(c.dir), kv(c.meta.loc.rel));
            store_->finish(c);
            r.kind = JobResult::Kind::kGone;
            return r;
        }
        spdlog::info("resuming drop={} from its custody copy {}", kv(c.meta.loc.rel), kv(*kept));
        req.path = *kept;
        req.copy_original = true;
        req.resume = true;
    } else if (c.started) {
        // A previous run began this ingest and died: if it reached the ledger, the pipeline
        // reports that instead of adding a second (`duplicate`) line.
        req.resume = true;
    } else {
        store_->mark_started(c);
    }

    pipeline::UploadResult res;
    try {
        res = ingestor.ingest(req);
    } catch (const std::exception& e) {
        spdlog::error("ingest failed drop={} claim={} attempt={} error={}", kv(c.meta.loc.rel),
                      kv(c.meta.id), attempt, kv(e.what()));
        metrics_.upload({"failed", 0, 0, 0, 0, 0, {}, mono_now() - t0});
        r.kind = attempt < kMaxAttempts ? JobResult::Kind::kRetry : JobResult::Kind::kKept;
        r.claim = c;
        r.attempt = attempt;
        return r;
    }
    if (req.resume && res.outcome == pipeline::Outcome::kDuplicate) {
        // Finished before the crash: the ledger line says how.
        if (auto hit = find_in_ledgers(s_.root, drop_path, c.meta.claimed_at)) {
            if (intake::stat_regular(c.upload_path) &&
                is_dir(s_.root + "/custody/originals/" + res.sha256)) {
                ::unlink(c.upload_path.c_str());
            }
            finish_claim(c, nullptr, hit, mono_now() - t0);
            r.outcome = hit->outcome;
            return r;
        }
    }
    if (intake::stat_regular(c.upload_path)) {
        // The pipeline leaves the claimed file only when its bytes are already kept (a
        // duplicate) or on a path we did not foresee: remove it only in the first case.
        if (is_dir(s_.root + "/custody/originals/" + res.sha256) ||
            is_dir(s_.root + "/quarantine/" + res.sha256)) {
            ::unlink(c.upload_path.c_str());
        } else {
            spdlog::error(
                "ingest left the upload in its claim and no custody copy exists "
                "drop={} claim={}: claim kept",
                kv(c.meta.loc.rel), kv(c.dir));
            r.kind = JobResult::Kind::kKept;
            return r;
        }
    }
    finish_claim(c, &res, std::nullopt, mono_now() - t0);
    r.outcome = pipeline::to_string(res.outcome);
    return r;
}

void Daemon::finish_claim(const Claim& c,
                          const pipeline::UploadResult* res,
                          const std::optional<LedgerHit>& hit,
                          double seconds) {
    intake::Receipt rc;
    rc.upload = c.meta.loc.name;
    rc.drop_path = c.meta.loc.rel;
    rc.incident = c.meta.sidecar && c.meta.sidecar->incident ? *c.meta.sidecar->incident
                                                             : c.meta.loc.incident;
    rc.time = utc_now();
    rc.instance = instance_;
    rc.claim = c.meta.id;
    rc.sidecar_error = c.meta.sidecar_error;
    UploadStats st;
    st.seconds = seconds;
    if (res) {
        rc.sha256 = res->sha256;
        rc.size = res->size;
        rc.outcome = pipeline::to_string(res->outcome);
        rc.reason = res->reason;
        rc.host = res->host;
        rc.members = res->members;
        rc.refused = res->refused;
        rc.records = res->records;
        st.outcome = rc.outcome;
        st.bytes_in = res->size;
        st.bytes_out = res->bytes_out;
        st.records = res->records;
        st.error_records = res->error_records;
        st.refused = res->refused;
    } else if (hit) {
        rc.sha256 = hit->sha256;
        rc.size = hit->size;
        rc.outcome = hit->outcome;
        rc.reason = hit->reason;
        rc.host = hit->host;
        rc.members = hit->members;
        st.outcome = rc.outcome;
        st.bytes_in = hit->size;
    }
    metrics_.upload(st);

    const bool attention =
        res ? res->needs_look() : (rc.outcome == "partial" || rc.outcome == "quarantined");
    const auto level = attention ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level,
                "upload outcome={} drop={} incident={} host={} sha256={} size={} members={} "
                "refused={} records={} error_records={} bytes_out={} seconds={:.3f} claim={}{}{}",
                rc.outcome, kv(rc.drop_path), kv(rc.incident), kv(rc.host.empty() ? "-" : rc.host),
                rc.sha256.empty() ? "-" : rc.sha256, rc.size, rc.members, rc.refused, rc.records,
                res ? res->error_records : 0, res ? res->bytes_out : 0, seconds, kv(rc.claim),
                rc.reason.empty() ? "" : " reason=" + kv(rc.reason),
                res ? "" : " resumed=finished-before-crash");
    {
        std::lock_guard lock(last_mu_);
        last_upload_ = rc.drop_path + " " + rc.outcome;
    }
    // The receipt comes last: whoever sees it also sees the log line and the metrics.
    try {
        if (!intake::write_receipt(inbox_, rc)) {
            spdlog::warn("no receipt for drop={}: its folder is gone", kv(rc.drop_path));
        }
    } catch (const std::exception& e) {
        spdlog::warn("receipt not written drop={} error={}", kv(rc.drop_path), kv(e.what()));
    }
    store_->finish(c);
}

void Daemon::on_done(const JobResult& r) {
    if (in_flight_ > 0) {
        --in_flight_;
    }
    metrics_.set_in_flight(in_flight_);
    if (!r.resumed) {
        switch (r.kind) {
            case JobResult::Kind::kChanged:
                // Still changing: settle again from scratch.
                tracker_.set_in_flight(r.rel, false);
                if (const auto f = intake::stat_regular(inbox_ + "/" + r.rel)) {
                    tracker_.forget(r.rel);
                    tracker_.observe(r.rel, *f, false, mono_now());
                }
                break;
            default: tracker_.forget(r.rel); break;
        }
    }
    if (r.kind == JobResult::Kind::kDone) {
        ++done_;
    }
    if (r.kind == JobResult::Kind::kRetry && !stopping_) {
        auto timer = std::make_shared<asio::steady_timer>(io_, to_duration(kRetrySeconds));
        Job j;
        j.resumed = true;
        j.claim = r.claim;
        j.claim.started = true;  // the failed attempt may have got as far as the ledger
        j.attempt = r.attempt + 1;
        timer->async_wait([this, timer, j](const boost::system::error_code& ec) mutable {
            if (!ec && !stopping_) {
                resume_queue_.push_back(std::move(j));
                dispatch();
            }
        });
    }
    if (stopping_) {
        return;  // check_drained() polls
    }
    maybe_swap_ingestor();
    dispatch();
    update_status();
}

void Daemon::update_status() {
    last_status_ = mono_now();
    std::string st;
    if (stopping_) {
        st = "stopping: " + std::to_string(in_flight_) + " in flight";
    } else {
        st = paused_ ? "paused: free space under limits.min_free_bytes" : "watching";
        st += "; queue " + std::to_string(tracker_.pending_uploads() + resume_queue_.size());
        st += "; in flight " + std::to_string(in_flight_) + "/" + std::to_string(workers_);
        st += "; done " + std::to_string(done_);
        std::lock_guard lock(last_mu_);
        if (!last_upload_.empty()) {
            st += "; last " + last_upload_;
        }
    }
    notifier_.status(st);
}

void Daemon::handle_reload() {
    notifier_.reloading();
    settings::Settings n;
    try {
        n = reload_();
    } catch (const std::exception& e) {
        metrics_.reload(false);
        spdlog::error("config reload failed, keeping the running config: {}", e.what());
        notifier_.status(std::string("reload failed, running the previous config: ") + e.what());
        notifier_.ready();
        return;
    }
    metrics_.reload(true);
    auto restart_only = [&](const char* key, const std::string& a, const std::string& b) {
        if (a != b) {
            spdlog::warn("config reload: {} changed ({} -> {}); takes effect at restart", key,
                         kv(a), kv(b));
        }
    };
    restart_only("root", s_.root, n.root);
    restart_only("inbox", inbox_, n.effective_inbox());
    restart_only("instance", instance_, n.effective_instance());
    restart_only("workers", std::to_string(workers_), std::to_string(n.effective_workers()));
    restart_only("metrics.listen", s_.metrics_listen, n.metrics_listen);

    // Intake timings and the disk guard apply now; the rest of what the pipeline sees
    // (everything but the restart-only keys) once no ingest runs.
    s_.intake = n.intake;
    s_.limits.min_free_bytes = n.limits.min_free_bytes;
    settings::Settings pipeline_new = n;
    pipeline_new.root = s_.root;
    pipeline_new.inbox = s_.inbox;
    pipeline_new.instance = s_.instance;
    pipeline_new.workers = s_.workers;
    pipeline_new.metrics_listen = s_.metrics_listen;
    const bool pipeline_changed = settings::to_json(pipeline_new) != settings::to_json(s_);
    tracker_.set_settle_seconds(n.intake.settle_seconds);
    rescan_timer_.cancel();
    if (!stopping_) {
        arm_rescan();
    }
    if (pipeline_changed) {
        pending_settings_ = pipeline_new;
        ingestor_reload_pending_ = true;
        spdlog::info("config reloaded; pipeline settings apply once {} in-flight ingest(s) end",
                     in_flight_);
        maybe_swap_ingestor();
    } else {
        spdlog::info("config reloaded");
    }
    check_disk(true);
    notifier_.ready();
    update_status();
}

void Daemon::maybe_swap_ingestor() {
    if (!ingestor_reload_pending_ || in_flight_ > 0 || !pending_settings_) {
        return;
    }
    try {
        auto next = std::make_shared<pipeline::Ingestor>(*pending_settings_);
        ingestor_ = std::move(next);
        s_ = *pending_settings_;
        spdlog::info("pipeline now runs the reloaded config");
    } catch (const std::exception& e) {
        spdlog::error("reloaded config not applied to the pipeline: {}", e.what());
    }
    pending_settings_.reset();
    ingestor_reload_pending_ = false;
    dispatch();
}

}  // namespace

int run_daemon(const settings::Settings& s, std::function<settings::Settings()> reload) {
    Daemon d(s, std::move(reload));
    return d.run();
}

}  // namespace evidenced::app
