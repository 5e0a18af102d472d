// Command line: DESIGN.md's "Command line" section as a pure argv parser.
//
//   evidenced ingest  [--config FILE] [--root DIR] [--set K=V]... --incident ID [--host NAME]
//                     [--source NAME] FILE...
//   evidenced daemon  [--config FILE] [--root DIR] [--inbox DIR] [--set K=V]...
//   evidenced reparse [--config FILE] [--root DIR] [--set K=V]... [--incident ID]
//   evidenced verify  [--config FILE] [--root DIR] [--incident ID]
//   evidenced check-config [--config FILE] [--set K=V]...
//   evidenced --help | --version
//
// Promises: parse_args() reads argv only (no files, no environment) and either returns a
// complete Command or throws UsageError whose what() is one line saying what is wrong (main
// prints it after "evidenced: " and exits kExitUsage).  Options take `--opt VALUE` or
// `--opt=VALUE`; single-valued options may appear once; `--` ends options (later words are
// FILEs).  `--help`/`-h` anywhere before `--` gives Kind::kHelp, `--version` gives kVersion.
// Option values are not validated beyond being non-empty: names are sanitised by the
// pipeline, config values by settings (load_settings).
//
// Typical main():
//   try { cmd = parse_args(argc, argv); } catch (const UsageError& e) { ... return kExitUsage; }
//   if (cmd.kind == Kind::kHelp) { fputs(usage_text().c_str(), stdout); return kExitOk; }
//   try { s = load_settings(cmd); } catch (const settings::ConfigError& e) { ... kExitConfig; }
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/settings/settings.hpp"

namespace evidenced::app {

// Exit codes (DESIGN.md "Command line").
inline constexpr int kExitOk = 0;         // everything ingested or already there
inline constexpr int kExitFailure = 1;    // internal or I/O failure
inline constexpr int kExitUsage = 2;      // bad command line (UsageError)
inline constexpr int kExitAttention = 3;  // done, but something needs a look
inline constexpr int kExitConfig = 78;    // invalid config (settings::ConfigError)

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Command {
    enum class Kind { kIngest, kDaemon, kReparse, kVerify, kCheckConfig, kHelp, kVersion };
    Kind kind = Kind::kHelp;
    std::optional<std::string> config;    // --config FILE
    std::optional<std::string> root;      // --root DIR
    std::optional<std::string> inbox;     // --inbox DIR (daemon)
    std::optional<std::string> incident;  // --incident ID (ingest: required)
    std::optional<std::string> host;      // --host NAME (ingest)
    std::optional<std::string> source;    // --source NAME (ingest)
    std::vector<std::string> sets;        // each --set K=V, in command-line order
    std::vector<std::string> files;       // ingest: FILE... (at least one)
};

// Parses argv (argv[0] is the program name and ignored).  Throws UsageError.
Command parse_args(int argc, char** argv);

// Convenience for tests and tools: same as parse_args on {"evidenced", args...}.
Command parse_args(const std::vector<std::string>& args);

// The subcommand's name as typed ("ingest", "check-config"; "--help"/"--version").
const char* kind_name(Command::Kind kind);

// The --help text: every subcommand and option, the config keys' home, exit codes, an example.
std::string usage_text();

// The settings this command runs with: embedded defaults, then --config, then each --set in
// order, then --root and --inbox (they win, and equal --set root=DIR / inbox=DIR but take DIR
// literally).  With inbox left "" the effective inbox follows --root.  Throws
// settings::ConfigError (exit kExitConfig).
settings::Settings load_settings(const Command& cmd);

}  // namespace evidenced::app
