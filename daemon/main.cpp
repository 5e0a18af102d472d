// evidenced: argv → settings → one of the subcommands.  Exit codes are DESIGN.md's.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/app/cli.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/pipeline/ingest.hpp"
#include "daemon/pipeline/verify.hpp"

namespace {

using evidenced::app::Command;
namespace app = evidenced::app;
namespace pipeline = evidenced::pipeline;

void setup_logging() {
    auto logger = spdlog::stderr_color_mt("evidenced");
    // Under systemd the journal stamps each line; elsewhere a timestamp helps.
    if (std::getenv("JOURNAL_STREAM") != nullptr || std::getenv("INVOCATION_ID") != nullptr) {
        logger->set_pattern("%l %v");
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    }
    spdlog::set_default_logger(logger);
    if (const char* lvl = std::getenv("EVIDENCED_LOG_LEVEL")) {
        spdlog::set_level(spdlog::level::from_str(lvl));
    }
}

int run_ingest(const Command& cmd, const evidenced::settings::Settings& s) {
    // Every FILE must exist before anything is ingested: a typo is a command-line error.
    for (const auto& f : cmd.files) {
        struct stat st {};
        if (::stat(f.c_str(), &st) != 0) {
            std::fprintf(stderr, "evidenced: %s: %s\n", f.c_str(), std::strerror(errno));
            return app::kExitUsage;
        }
        if (!S_ISREG(st.st_mode)) {
            std::fprintf(stderr, "evidenced: %s: not a regular file\n", f.c_str());
            return app::kExitUsage;
        }
    }
    pipeline::Ingestor ing(s);
    // Several FILEs run on 2 x `workers` threads so one upload's fsyncs overlap another's
    // unpacking; commits (and the printed lines) keep command-line order, so the segments
    // are the same bytes as a one-at-a-time run.
    struct Turnstile {
        std::mutex mu;
        std::condition_variable cv;
        size_t next = 0;
        void wait(size_t i) {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] { return next >= i; });
        }
        void finish(size_t i) {
            {
                std::lock_guard<std::mutex> lock(mu);
                if (next == i) {
                    ++next;
                }
            }
            cv.notify_all();
        }
    } turns;
    struct Outcome {
        std::string line;  // stdout
        std::string err;   // stderr
        int rc = app::kExitOk;
    };
    std::vector<Outcome> outcomes(cmd.files.size());
    std::atomic<size_t> next_job{0};
    auto worker = [&] {
        for (size_t i; (i = next_job.fetch_add(1)) < cmd.files.size();) {
            const std::string& f = cmd.files[i];
            Outcome& o = outcomes[i];
            pipeline::UploadRequest req;
            req.path = f;
            req.drop_path = f;
            req.incident = *cmd.incident;
            req.host = cmd.host;
            req.source = cmd.source;
            req.copy_original = true;
            req.before_commit = [&turns, i] { turns.wait(i); };
            req.after_commit = [&turns, i] { turns.finish(i); };
            try {
                const auto r = ing.ingest(req);
                o.line = std::string(pipeline::to_string(r.outcome)) + "\t" + r.sha256 + "\t" + f +
                         "\thost=" + r.host + " members=" + std::to_string(r.members) +
                         " refused=" + std::to_string(r.refused) +
                         " records=" + std::to_string(r.records) +
                         (r.reason.empty() ? "" : "\treason=" + r.reason) + "\n";
                if (r.needs_look()) {
                    // Exit 3 always comes with a line on stderr saying why (details: ledger).
                    std::string why = r.reason;
                    if (r.refused > 0) {
                        why += (why.empty() ? "" : "; ") + std::to_string(r.refused) +
                               " member(s) refused (see the warnings above and the ledger)";
                    }
                    if (r.error_records > 0) {
                        why += (why.empty() ? "" : "; ") + std::to_string(r.error_records) +
                               " evidenced.error record(s) written";
                    }
                    o.err = "evidenced: " + f + ": " + pipeline::to_string(r.outcome) + ": " + why +
                            "\n";
                    o.rc = app::kExitAttention;
                }
            } catch (const std::exception& e) {
                o.err = "evidenced: " + f + ": " + e.what() + "\n";
                o.rc = app::kExitFailure;
            }
            // A failure before the commit never took its turn: pass it on.
            turns.wait(i);
            turns.finish(i);
        }
    };
    {
        std::vector<std::jthread> pool;
        // Twice the workers: an upload spends most of its time waiting for fsyncs, and
        // concurrent fsyncs share journal commits; parsing inside an upload still uses
        // `workers` threads at most.
        const size_t n = std::min<size_t>(2 * s.effective_workers(), cmd.files.size());
        for (size_t t = 1; t < n; ++t) {
            pool.emplace_back(worker);
        }
        worker();
    }
    int rc = app::kExitOk;
    for (const auto& o : outcomes) {
        std::fputs(o.line.c_str(), stdout);
        std::fputs(o.err.c_str(), stderr);
        if (o.rc == app::kExitFailure || (o.rc == app::kExitAttention && rc == app::kExitOk)) {
            rc = o.rc;
        }
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    // No setlocale(): the "C" locale keeps archive member names byte-exact (unpack.cpp).
    ::umask(027);
    Command cmd;
    try {
        cmd = app::parse_args(argc, argv);
    } catch (const app::UsageError& e) {
        std::fprintf(stderr, "evidenced: %s\n(see evidenced --help)\n", e.what());
        return app::kExitUsage;
    }
    if (cmd.kind == Command::Kind::kHelp) {
        std::fputs(app::usage_text().c_str(), stdout);
        return app::kExitOk;
    }
    if (cmd.kind == Command::Kind::kVersion) {
        std::printf("evidenced %s\n", EVIDENCED_VERSION);
        return app::kExitOk;
    }
    setup_logging();
    evidenced::settings::Settings s;
    try {
        s = app::load_settings(cmd);
    } catch (const evidenced::settings::ConfigError& e) {
        std::fprintf(stderr, "evidenced: invalid config: %s\n", e.what());
        return app::kExitConfig;
    }
    try {
        switch (cmd.kind) {
            case Command::Kind::kCheckConfig:
                std::fputs(evidenced::settings::to_json(s).c_str(), stdout);
                std::fputs("\n", stdout);
                return app::kExitOk;
            case Command::Kind::kIngest: return run_ingest(cmd, s);
            case Command::Kind::kVerify:
                return pipeline::verify(s.root, cmd.incident, std::cout) ? app::kExitOk
                                                                         : app::kExitAttention;
            case Command::Kind::kReparse: {
                pipeline::Ingestor ing(s);
                const uint64_t n = ing.reparse(cmd.incident);
                std::printf("reparsed: %llu records\n", static_cast<unsigned long long>(n));
                return app::kExitOk;
            }
            case Command::Kind::kDaemon:
                return app::run_daemon(s, [cmd] { return app::load_settings(cmd); });
            default: return app::kExitUsage;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "evidenced: %s\n", e.what());
        return app::kExitFailure;
    }
}
