// evidenced: argv → settings → one of the subcommands.  Exit codes are DESIGN.md's.
#include <cstdio>
#include <iostream>

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
    int rc = app::kExitOk;
    for (const auto& f : cmd.files) {
        pipeline::UploadRequest req;
        req.path = f;
        req.drop_path = f;
        req.incident = *cmd.incident;
        req.host = cmd.host;
        req.source = cmd.source;
        req.copy_original = true;
        try {
            const auto r = ing.ingest(req);
            std::printf("%s\t%s\t%s\thost=%s members=%llu refused=%llu records=%llu%s%s\n",
                        pipeline::to_string(r.outcome), r.sha256.c_str(), f.c_str(), r.host.c_str(),
                        static_cast<unsigned long long>(r.members),
                        static_cast<unsigned long long>(r.refused),
                        static_cast<unsigned long long>(r.records),
                        r.reason.empty() ? "" : "\treason=", r.reason.c_str());
            if (r.needs_look()) {
                // Exit 3 always comes with a line on stderr saying why (details: the ledger).
                std::string why = r.reason;
                if (r.refused > 0) {
                    why += (why.empty() ? "" : "; ") + std::to_string(r.refused) +
                           " member(s) refused (see the warnings above and the ledger)";
                }
                if (r.error_records > 0) {
                    why += (why.empty() ? "" : "; ") + std::to_string(r.error_records) +
                           " evidenced.error record(s) written";
                }
                std::fprintf(stderr, "evidenced: %s: %s: %s\n", f.c_str(),
                             pipeline::to_string(r.outcome), why.c_str());
                if (rc == app::kExitOk) {
                    rc = app::kExitAttention;
                }
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "evidenced: %s: %s\n", f.c_str(), e.what());
            rc = app::kExitFailure;
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
