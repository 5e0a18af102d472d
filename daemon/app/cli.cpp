// Command-line parsing: one table says which option each subcommand takes, so "not valid for"
// errors and the help text cannot drift apart from what the parser accepts.
#include "daemon/app/cli.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace evidenced::app {
namespace {

using Kind = Command::Kind;

enum class Opt { kConfig, kRoot, kInbox, kSet, kIncident, kHost, kSource };

struct OptionDef {
    Opt opt;
    std::string_view name;  // without the leading "--"
};

constexpr std::array<OptionDef, 7> kOptions = {{
    {Opt::kConfig, "config"},
    {Opt::kRoot, "root"},
    {Opt::kInbox, "inbox"},
    {Opt::kSet, "set"},
    {Opt::kIncident, "incident"},
    {Opt::kHost, "host"},
    {Opt::kSource, "source"},
}};

struct SubcommandDef {
    Kind kind;
    std::string_view name;
    std::vector<Opt> options;
};

const std::vector<SubcommandDef>& subcommands() {
    static const std::vector<SubcommandDef> kSubcommands = {
        {Kind::kIngest,
         "ingest",
         {Opt::kConfig, Opt::kRoot, Opt::kSet, Opt::kIncident, Opt::kHost, Opt::kSource}},
        {Kind::kDaemon, "daemon", {Opt::kConfig, Opt::kRoot, Opt::kInbox, Opt::kSet}},
        {Kind::kReparse, "reparse", {Opt::kConfig, Opt::kRoot, Opt::kSet, Opt::kIncident}},
        {Kind::kVerify, "verify", {Opt::kConfig, Opt::kRoot, Opt::kIncident}},
        {Kind::kCheckConfig, "check-config", {Opt::kConfig, Opt::kSet}},
    };
    return kSubcommands;
}

const OptionDef* find_option(std::string_view name) {
    for (const auto& o : kOptions) {
        if (o.name == name) {
            return &o;
        }
    }
    return nullptr;
}

bool is_help(std::string_view a) {
    return a == "--help" || a == "-h";
}

std::optional<std::string>* single_slot(Command& cmd, Opt opt) {
    switch (opt) {
        case Opt::kConfig: return &cmd.config;
        case Opt::kRoot: return &cmd.root;
        case Opt::kInbox: return &cmd.inbox;
        case Opt::kIncident: return &cmd.incident;
        case Opt::kHost: return &cmd.host;
        case Opt::kSource: return &cmd.source;
        case Opt::kSet: return nullptr;
    }
    return nullptr;
}

}  // namespace

const char* kind_name(Command::Kind kind) {
    switch (kind) {
        case Kind::kIngest: return "ingest";
        case Kind::kDaemon: return "daemon";
        case Kind::kReparse: return "reparse";
        case Kind::kVerify: return "verify";
        case Kind::kCheckConfig: return "check-config";
        case Kind::kHelp: return "--help";
        case Kind::kVersion: return "--version";
    }
    return "?";
}

Command parse_args(const std::vector<std::string>& args) {
    Command cmd;
    if (args.empty()) {
        throw UsageError("no subcommand given (ingest, daemon, reparse, verify, check-config)");
    }
    const std::string& first = args[0];
    if (is_help(first) || first == "help") {
        cmd.kind = Kind::kHelp;
        return cmd;
    }
    if (first == "--version") {
        cmd.kind = Kind::kVersion;
        return cmd;
    }
    const auto& subs = subcommands();
    const auto sub = std::find_if(subs.begin(), subs.end(),
                                  [&](const SubcommandDef& d) { return d.name == first; });
    if (sub == subs.end()) {
        if (first.size() > 1 && first[0] == '-') {
            throw UsageError("expected a subcommand before option '" + first +
                             "' (ingest, daemon, reparse, verify, check-config)");
        }
        throw UsageError("unknown subcommand '" + first +
                         "' (ingest, daemon, reparse, verify, check-config)");
    }
    cmd.kind = sub->kind;
    const std::string sub_name(sub->name);

    bool options_done = false;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool looks_like_option = a.size() > 1 && a[0] == '-';
        if (options_done || !looks_like_option) {
            if (cmd.kind != Kind::kIngest) {
                throw UsageError("unexpected argument '" + a + "' for '" + sub_name + "'");
            }
            cmd.files.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        if (is_help(a) || a == "--version") {
            Command only;
            only.kind = is_help(a) ? Kind::kHelp : Kind::kVersion;
            return only;
        }
        if (a.rfind("--", 0) != 0) {
            throw UsageError("unknown option '" + a + "'");
        }
        const size_t eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const OptionDef* def = find_option(name);
        if (def == nullptr) {
            throw UsageError("unknown option '--" + name + "'");
        }
        if (std::find(sub->options.begin(), sub->options.end(), def->opt) == sub->options.end()) {
            throw UsageError("option '--" + name + "' is not valid for '" + sub_name + "'");
        }
        std::string value;
        if (eq != std::string::npos) {
            value = a.substr(eq + 1);
        } else {
            // `--incident --host h` is a forgotten value, not an incident named "--host";
            // a value that really starts with "--" can still be given as --opt=VALUE.
            if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
                throw UsageError("option '--" + name + "' needs a value");
            }
            value = args[++i];
        }
        if (value.empty()) {
            throw UsageError("option '--" + name + "' needs a non-empty value");
        }
        if (def->opt == Opt::kSet) {
            cmd.sets.push_back(std::move(value));
            continue;
        }
        std::optional<std::string>* slot = single_slot(cmd, def->opt);
        if (slot->has_value()) {
            throw UsageError("option '--" + name + "' given more than once");
        }
        *slot = std::move(value);
    }

    if (cmd.kind == Kind::kIngest) {
        if (!cmd.incident) {
            throw UsageError("'ingest' needs --incident ID");
        }
        if (cmd.files.empty()) {
            throw UsageError("'ingest' needs at least one FILE");
        }
    }
    return cmd;
}

Command parse_args(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        args.emplace_back(argv[i] != nullptr ? argv[i] : "");
    }
    return parse_args(args);
}

std::string usage_text() {
    return R"(evidenced - evidence intake: custody, unpacking, normalized records

Usage:
  evidenced ingest  [--config FILE] [--root DIR] [--set K=V]... --incident ID
                    [--host NAME] [--source NAME] FILE...
  evidenced daemon  [--config FILE] [--root DIR] [--inbox DIR] [--set K=V]...
  evidenced reparse [--config FILE] [--root DIR] [--set K=V]... [--incident ID]
  evidenced verify  [--config FILE] [--root DIR] [--incident ID]
  evidenced check-config [--config FILE] [--set K=V]...
  evidenced --help | --version

Subcommands:
  ingest        Run the pipeline once on each FILE: copy it into custody (the FILE itself is
                never moved or changed), unpack, store under evidence/, parse into normalized/.
  daemon        Watch the inbox (<root>/inbox/<incident>/<host>/...), claim settled uploads
                and ingest them; runs until SIGTERM/SIGINT.
  reparse       Parse stored evidence again (all incidents, or --incident ID) into new
                segments; existing segments are left alone.
  verify        Re-hash originals and evidence files against the ledgers and check each
                ledger's hash chain; print what differs.  Exit 0 only when all matches.
  check-config  Validate the configuration and print the effective settings as JSON.

Options:
  --config FILE     JSON config file (// and /* */ comments allowed); without it the
                    embedded defaults serve.  Unknown keys and wrong types are errors.
  --set KEY=VALUE   Override one config key (repeatable, applied in order after --config).
                    VALUE is read as JSON, a bare word as a string, e.g.
                    --set limits.max_depth=12  --set parse=false  --set instance=alpha
  --root DIR        Data root (same as --set root=DIR; wins over --config and --set).
  --inbox DIR       Watched drop zone, daemon only (default <root>/inbox).
  --incident ID     Incident the files belong to (ingest: required; reparse, verify: limit
                    the work to this incident).
  --host NAME       Host the files came from (ingest; default: derived from the content).
  --source NAME     Source type (cloudtrail, vpcflow, linux-commands, linux-logs, other;
                    ingest; default: detected).
  --                End of options: every later word is a FILE.
  -h, --help        Show this help.
  --version         Show the version.
  Options take "--opt VALUE" or "--opt=VALUE".

Config keys (see config/evidenced.json for every key with its default):
  root inbox instance workers parse limits.max_total_bytes limits.max_member_bytes
  limits.max_members limits.max_depth limits.max_ratio limits.ratio_floor_bytes
  limits.min_free_bytes intake.settle_seconds intake.rescan_seconds output.segment_bytes
  output.unparsed_text output.group vpcflow.formats metrics.listen

Exit codes:
  0   everything ingested or already there (duplicate)
  1   internal or I/O failure
  2   bad command line
  3   done, but something needs a look (a member refused, a limit stopped an upload, an
      upload quarantined, an evidenced.error record written); stderr and the ledger say what
  78  invalid config (the message names the file and the key)

Example:
  evidenced ingest --root /srv/evidenced --incident IR-2024-017 --host web01 \
      uac-web01-linux-20240301120000.tar.gz
  evidenced daemon --config /etc/evidenced/evidenced.json --set limits.max_depth=12
)";
}

settings::Settings load_settings(const Command& cmd) {
    settings::Settings s = settings::load(cmd.config, cmd.sets);
    if (cmd.root) {
        settings::set_string(s, "root", *cmd.root, "--root");
    }
    if (cmd.inbox) {
        settings::set_string(s, "inbox", *cmd.inbox, "--inbox");
    }
    return s;
}

}  // namespace evidenced::app
