// Command line: every subcommand, every usage error, load_settings' precedence, the help text.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "daemon/app/cli.hpp"

using evidenced::app::Command;
using evidenced::app::load_settings;
using evidenced::app::parse_args;
using evidenced::app::usage_text;
using evidenced::app::UsageError;
using Kind = Command::Kind;
using Args = std::vector<std::string>;

namespace {

std::string usage_error(const Args& args) {
    try {
        parse_args(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

std::string config_error(const Command& cmd) {
    try {
        load_settings(cmd);
    } catch (const evidenced::settings::ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("cli: ingest with every option", "[cli]") {
    const Command c =
        parse_args(Args{"ingest", "--config", "/etc/e.json", "--root=/srv/ev", "--set",
                        "limits.max_depth=3", "--set=parse=false", "--incident", "IR-1",
                        "--host=web01", "--source", "vpcflow", "a.tar.gz", "b.log"});
    CHECK(c.kind == Kind::kIngest);
    CHECK(c.config == "/etc/e.json");
    CHECK(c.root == "/srv/ev");
    CHECK(c.sets == Args{"limits.max_depth=3", "parse=false"});
    CHECK(c.incident == "IR-1");
    CHECK(c.host == "web01");
    CHECK(c.source == "vpcflow");
    CHECK(c.files == Args{"a.tar.gz", "b.log"});
    CHECK_FALSE(c.inbox);
}

TEST_CASE("cli: ingest files may come before, between and after options", "[cli]") {
    const Command c = parse_args(Args{"ingest", "x", "--incident", "I", "y", "--", "--z", "-"});
    CHECK(c.files == Args{"x", "y", "--z", "-"});
    CHECK(c.incident == "I");
    CHECK_FALSE(c.host);
    CHECK_FALSE(c.source);
    CHECK(c.sets.empty());
}

TEST_CASE("cli: daemon, reparse, verify, check-config", "[cli]") {
    const Command d =
        parse_args(Args{"daemon", "--inbox", "/drop", "--root", "/r", "--set", "workers=2"});
    CHECK(d.kind == Kind::kDaemon);
    CHECK(d.inbox == "/drop");
    CHECK(d.root == "/r");
    CHECK(d.sets == Args{"workers=2"});
    CHECK(d.files.empty());

    const Command bare = parse_args(Args{"daemon"});
    CHECK(bare.kind == Kind::kDaemon);
    CHECK_FALSE(bare.config);
    CHECK_FALSE(bare.root);

    const Command r = parse_args(Args{"reparse", "--incident=IR-7", "--config=c.json"});
    CHECK(r.kind == Kind::kReparse);
    CHECK(r.incident == "IR-7");
    CHECK(r.config == "c.json");
    CHECK(parse_args(Args{"reparse"}).incident == std::nullopt);

    const Command v = parse_args(Args{"verify", "--root", "/r", "--incident", "IR-7"});
    CHECK(v.kind == Kind::kVerify);
    CHECK(v.root == "/r");
    CHECK(v.incident == "IR-7");

    const Command k = parse_args(Args{"check-config", "--set", "a=1", "--set", "b=2"});
    CHECK(k.kind == Kind::kCheckConfig);
    CHECK(k.sets == Args{"a=1", "b=2"});
}

TEST_CASE("cli: --help and --version", "[cli]") {
    CHECK(parse_args(Args{"--help"}).kind == Kind::kHelp);
    CHECK(parse_args(Args{"-h"}).kind == Kind::kHelp);
    CHECK(parse_args(Args{"help"}).kind == Kind::kHelp);
    CHECK(parse_args(Args{"--version"}).kind == Kind::kVersion);
    // Help inside a subcommand wins over what is missing around it.
    CHECK(parse_args(Args{"ingest", "--help"}).kind == Kind::kHelp);
    CHECK(parse_args(Args{"daemon", "--version"}).kind == Kind::kVersion);
    // After "--" it is a file name.
    CHECK(parse_args(Args{"ingest", "--incident", "I", "--", "--help"}).files == Args{"--help"});
}

TEST_CASE("cli: parse_args(argc, argv) skips the program name", "[cli]") {
    std::string a0 = "evidenced", a1 = "verify", a2 = "--incident", a3 = "X";
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};
    const Command c = parse_args(4, argv);
    CHECK(c.kind == Kind::kVerify);
    CHECK(c.incident == "X");
    char* none[] = {a0.data(), nullptr};
    CHECK_THROWS_AS(parse_args(1, none), UsageError);
}

TEST_CASE("cli: every usage error says what is wrong", "[cli]") {
    struct Row {
        Args args;
        const char* message;
    };
    const Row rows[] = {
        {{}, "no subcommand given (ingest, daemon, reparse, verify, check-config)"},
        {{"ingestt"},
         "unknown subcommand 'ingestt' (ingest, daemon, reparse, verify, "
         "check-config)"},
        {{"--config", "x", "daemon"},
         "expected a subcommand before option '--config' (ingest, "
         "daemon, reparse, verify, check-config)"},
        {{"daemon", "--verbose"}, "unknown option '--verbose'"},
        {{"daemon", "--verbose=1"}, "unknown option '--verbose'"},
        {{"daemon", "-v"}, "unknown option '-v'"},
        {{"daemon", "--inbox"}, "option '--inbox' needs a value"},
        {{"daemon", "--root", "--inbox", "x"}, "option '--root' needs a value"},
        {{"daemon", "--root="}, "option '--root' needs a non-empty value"},
        {{"daemon", "--set", ""}, "option '--set' needs a non-empty value"},
        {{"daemon", "--root", "a", "--root", "b"}, "option '--root' given more than once"},
        {{"daemon", "--incident", "I"}, "option '--incident' is not valid for 'daemon'"},
        {{"daemon", "stray"}, "unexpected argument 'stray' for 'daemon'"},
        {{"ingest", "--inbox", "x", "--incident", "I", "f"},
         "option '--inbox' is not valid for 'ingest'"},
        {{"ingest", "f"}, "'ingest' needs --incident ID"},
        {{"ingest", "--incident", "I"}, "'ingest' needs at least one FILE"},
        {{"ingest", "--incident", "I", "--"}, "'ingest' needs at least one FILE"},
        {{"ingest", "--incident", "I", "--incident", "J", "f"},
         "option '--incident' given more than once"},
        {{"ingest", "--incident"}, "option '--incident' needs a value"},
        {{"reparse", "--inbox", "x"}, "option '--inbox' is not valid for 'reparse'"},
        {{"reparse", "--host", "h"}, "option '--host' is not valid for 'reparse'"},
        {{"reparse", "f"}, "unexpected argument 'f' for 'reparse'"},
        {{"verify", "--set", "a=1"}, "option '--set' is not valid for 'verify'"},
        {{"verify", "--source", "x"}, "option '--source' is not valid for 'verify'"},
        {{"check-config", "--root", "/r"}, "option '--root' is not valid for 'check-config'"},
        {{"check-config", "--incident", "I"},
         "option '--incident' is not valid for "
         "'check-config'"},
        {{"check-config", "--", "x"}, "unexpected argument 'x' for 'check-config'"},
    };
    for (const auto& row : rows) {
        std::string joined;
        for (const auto& a : row.args) {
            joined += " " + a;
        }
        INFO("evidenced" << joined);
        CHECK(usage_error(row.args) == row.message);
    }
}

TEST_CASE("cli: load_settings applies --config, then --set, then --root/--inbox", "[cli]") {
    char path[] = "/tmp/evidenced-cli-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string text =
        R"({"root": "/from-file", "instance": "file", "limits": {"max_depth": 4}})";
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);

    const Command c = parse_args(Args{"daemon", "--config", path, "--set", "root=/from-set",
                                      "--set", "instance=set", "--root", "/from-flag"});
    const auto s = load_settings(c);
    CHECK(s.root == "/from-flag");  // the flag wins over --set and the file
    CHECK(s.instance == "set");     // --set wins over the file
    CHECK(s.limits.max_depth == 4);
    CHECK(s.effective_inbox() == "/from-flag/inbox");  // inbox "" follows --root

    const auto t = load_settings(
        parse_args(Args{"daemon", "--config", path, "--set", "inbox=/x", "--inbox", "/drop"}));
    CHECK(t.root == "/from-file");
    CHECK(t.effective_inbox() == "/drop");

    // --root takes DIR literally, where --set would read JSON.
    CHECK(load_settings(parse_args(Args{"verify", "--root", "[1]"})).root == "[1]");

    // Config errors surface as ConfigError (exit 78), naming file or origin and key.
    CHECK(config_error(parse_args(Args{"daemon", "--config", path, "--set", "workerz=1"})) ==
          "--set: unknown key 'workerz'");
    CHECK(config_error(parse_args(Args{"check-config", "--set", "limits.max_depth"})) ==
          "--set: 'limits.max_depth' is not KEY=VALUE");
    CHECK(config_error(parse_args(Args{"daemon", "--config", "/nonexistent/e.json"})) ==
          "/nonexistent/e.json: cannot read config file: No such file or directory");
    ::unlink(path);

    // No --config: the embedded defaults.
    CHECK(load_settings(parse_args(Args{"check-config"})) == evidenced::settings::defaults());
}

TEST_CASE("cli: the help names every subcommand, option and exit code", "[cli]") {
    const std::string help = usage_text();
    for (const char* word :
         {"ingest", "daemon", "reparse", "verify", "check-config", "--help", "--version",
          "--config FILE", "--root DIR", "--inbox DIR", "--set KEY=VALUE", "--incident ID",
          "--host NAME", "--source NAME", "FILE...", "--opt=VALUE", "Example"}) {
        INFO(word);
        CHECK(help.find(word) != std::string::npos);
    }
    for (const char* code : {"\n  0   ", "\n  1   ", "\n  2   ", "\n  3   ", "\n  78  "}) {
        INFO(code);
        CHECK(help.find(code) != std::string::npos);
    }
    for (const auto& key : evidenced::settings::key_names()) {
        INFO(key);
        CHECK(help.find(key) != std::string::npos);
    }
    // Fits a terminal.
    size_t start = 0;
    while (start < help.size()) {
        const size_t nl = help.find('\n', start);
        const size_t end = nl == std::string::npos ? help.size() : nl;
        INFO(help.substr(start, end - start));
        CHECK(end - start <= 100);
        start = end + 1;
    }
}

TEST_CASE("cli: kind_name spells each subcommand as typed", "[cli]") {
    CHECK(std::string(evidenced::app::kind_name(Kind::kIngest)) == "ingest");
    CHECK(std::string(evidenced::app::kind_name(Kind::kCheckConfig)) == "check-config");
    CHECK(std::string(evidenced::app::kind_name(Kind::kVersion)) == "--version");
}
