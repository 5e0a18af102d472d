// Settings: defaults, strict file validation, --set overrides, to_json, the shipped example.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "daemon/settings/settings.hpp"

namespace settings = evidenced::settings;
using nlohmann::json;

namespace {

// A config file in the temp dir, removed at scope exit.
class TempConfig {
public:
    explicit TempConfig(const std::string& text) {
        std::string tmpl = "/tmp/evidenced-settings-XXXXXX";
        const int fd = ::mkstemp(tmpl.data());
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
        path_ = tmpl;
    }
    ~TempConfig() {
        ::unlink(path_.c_str());
    }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;
    const std::string& path() const {
        return path_;
    }

private:
    std::string path_;
};

// The ConfigError message of `f`, or "" when it did not throw.
template <typename F>
std::string config_error(F&& f) {
    try {
        f();
    } catch (const settings::ConfigError& e) {
        return e.what();
    }
    return "";
}

// {"limits": {"max_depth": v}} for "limits.max_depth".
json nest(const std::string& dotted, const json& v) {
    const size_t dot = dotted.find('.');
    if (dot == std::string::npos) {
        return json{{dotted, v}};
    }
    return json{{dotted.substr(0, dot), nest(dotted.substr(dot + 1), v)}};
}

// The JSON value of a key in to_json()'s output.
json lookup(const json& doc, const std::string& dotted) {
    return doc.at(json::json_pointer("/" + [&] {
        std::string p = dotted;
        for (auto& c : p) {
            if (c == '.') {
                c = '/';
            }
        }
        return p;
    }()));
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("settings: every key has its documented default", "[settings]") {
    const settings::Settings s = settings::defaults();
    CHECK(s.root == "./evidenced-data");
    CHECK(s.inbox.empty());
    CHECK(s.effective_inbox() == "./evidenced-data/inbox");
    CHECK(s.instance.empty());
    CHECK_FALSE(s.effective_instance().empty());
    CHECK(s.workers == 0);
    CHECK(s.effective_workers() >= 1);
    CHECK(s.parse);

    const json doc = json::parse(settings::to_json(s));
    struct Row {
        const char* key;
        json value;
    };
    const Row rows[] = {
        {"root", "./evidenced-data"},
        {"inbox", "./evidenced-data/inbox"},
        {"parse", true},
        {"limits.max_total_bytes", 1099511627776ULL},
        {"limits.max_member_bytes", 274877906944ULL},
        {"limits.max_members", 1000000},
        {"limits.max_depth", 8},
        {"limits.max_ratio", 1000},
        {"limits.ratio_floor_bytes", 67108864},
        {"limits.min_free_bytes", 5368709120ULL},
        {"intake.settle_seconds", 10},
        {"intake.rescan_seconds", 30},
        {"output.segment_bytes", 134217728},
        {"output.unparsed_text", "lines"},
        {"output.group", ""},
        {"vpcflow.formats", settings::default_vpcflow_formats()},
        {"metrics.listen", "127.0.0.1:9464"},
    };
    for (const auto& row : rows) {
        INFO(row.key);
        CHECK(lookup(doc, row.key) == row.value);
    }
    // Machine-dependent keys print their resolved value, never the "" / 0 placeholder.
    CHECK(lookup(doc, "instance") == s.effective_instance());
    CHECK(lookup(doc, "workers") == s.effective_workers());
}

TEST_CASE("settings: to_json names every key, in nested objects", "[settings]") {
    const json doc = json::parse(settings::to_json(settings::defaults()));
    CHECK(settings::key_names().size() == 19);
    for (const auto& key : settings::key_names()) {
        INFO(key);
        CHECK_NOTHROW(lookup(doc, key));
    }
    CHECK(doc.at("limits").is_object());
    CHECK(doc.size() == 10);  // 5 top-level keys + limits, intake, output, vpcflow, metrics
}

TEST_CASE("settings: to_json loads back to the same effective config", "[settings]") {
    settings::Settings s = settings::defaults();
    s.intake.settle_seconds = 2.5;
    s.output.unparsed_text_lines = false;
    s.vpcflow_formats = {"version srcaddr"};
    TempConfig f(settings::to_json(s));
    const settings::Settings back = settings::load(f.path(), {});
    settings::Settings expect = s;
    expect.inbox = s.effective_inbox();
    expect.instance = s.effective_instance();
    expect.workers = s.effective_workers();
    CHECK(back == expect);
}

TEST_CASE("settings: Elastic's 29/39/40-field VPC layouts", "[settings]") {
    const auto& formats = settings::default_vpcflow_formats();
    REQUIRE(formats.size() == 3);
    auto fields = [](const std::string& s) {
        std::vector<std::string> out;
        std::istringstream in(s);
        for (std::string w; in >> w;) {
            out.push_back(w);
        }
        return out;
    };
    const auto f29 = fields(formats[0]);
    const auto f39 = fields(formats[1]);
    const auto f40 = fields(formats[2]);
    CHECK(f29.size() == 29);
    CHECK(f39.size() == 39);
    CHECK(f40.size() == 40);
    // The v2 default's 14 fields come first, in AWS order.
    CHECK(formats[0].rfind("version account-id interface-id srcaddr dstaddr srcport dstport "
                           "protocol packets bytes start end action log-status vpc-id ",
                           0) == 0);
    CHECK(f29[21] == "region");
    CHECK(f29[28] == "traffic-path");
    CHECK(std::equal(f29.begin(), f29.end(), f39.begin()));
    CHECK(std::equal(f39.begin(), f39.end(), f40.begin()));
    CHECK(f39[29] == "ecs-cluster-arn");
    CHECK(f39[38] == "ecs-task-id");
    CHECK(f40[39] == "reject-reason");
    CHECK(formats[0].find("  ") == std::string::npos);
}

TEST_CASE("settings: no file and no overrides give the defaults", "[settings]") {
    CHECK(settings::load(std::nullopt, {}) == settings::defaults());
}

TEST_CASE("settings: comments are accepted in the file", "[settings]") {
    TempConfig f(R"(// leading comment
{
    /* block
       comment */ "instance": "alpha", // trailing
    "limits": { "max_depth": 3 /* inline */ }
}
)");
    const settings::Settings s = settings::load(f.path(), {});
    CHECK(s.instance == "alpha");
    CHECK(s.limits.max_depth == 3);
    CHECK(s.limits.max_ratio == 1000);  // untouched keys keep their defaults
}

TEST_CASE("settings: every key is settable from the file", "[settings]") {
    TempConfig f(R"({
        "root": "/srv/ev", "inbox": "/srv/drop", "instance": "node-2.a_b", "workers": 3,
        "parse": false,
        "limits": {"max_total_bytes": 18446744073709551615, "max_member_bytes": 5,
                   "max_members": 6, "max_depth": 1, "max_ratio": 1,
                   "ratio_floor_bytes": 0, "min_free_bytes": 1e12},
        "intake": {"settle_seconds": 0.5, "rescan_seconds": 0},
        "output": {"segment_bytes": 4096, "unparsed_text": "none", "group": "evidence"},
        "vpcflow": {"formats": []},
        "metrics": {"listen": ""}
    })");
    const settings::Settings s = settings::load(f.path(), {});
    CHECK(s.root == "/srv/ev");
    CHECK(s.inbox == "/srv/drop");
    CHECK(s.effective_inbox() == "/srv/drop");
    CHECK(s.instance == "node-2.a_b");
    CHECK(s.workers == 3);
    CHECK_FALSE(s.parse);
    CHECK(s.limits.max_total_bytes == UINT64_MAX);
    CHECK(s.limits.max_member_bytes == 5);
    CHECK(s.limits.max_members == 6);
    CHECK(s.limits.max_depth == 1);
    CHECK(s.limits.max_ratio == 1);
    CHECK(s.limits.ratio_floor_bytes == 0);
    CHECK(s.limits.min_free_bytes == 1000000000000ULL);
    CHECK(s.intake.settle_seconds == 0.5);
    CHECK(s.intake.rescan_seconds == 0);
    CHECK(s.output.segment_bytes == 4096);
    CHECK_FALSE(s.output.unparsed_text_lines);
    CHECK(s.output.group == "evidence");
    CHECK(s.vpcflow_formats.empty());
    CHECK(s.metrics_listen.empty());
}

TEST_CASE("settings: a wrong type names the file and the key", "[settings]") {
    struct Row {
        const char* key;
        json value;
        const char* message;  // after "FILE: key 'KEY' "
    };
    const Row rows[] = {
        {"root", 5, "must be a string (got integer 5)"},
        {"root", "", "must be a non-empty path"},
        {"inbox", json::array(), "must be a string (got array)"},
        {"instance", true, "must be a string (got boolean)"},
        {"instance", "../x", "must match"},
        {"instance", "a b", "must match"},
        {"workers", "4", "must be a non-negative integer (got string)"},
        {"workers", 1025, "must be at most 1024 (got 1025)"},
        {"workers", -1, "must be a non-negative integer (got negative integer -1)"},
        {"parse", "false", "must be true or false (got string)"},
        {"parse", 0, "must be true or false (got integer 0)"},
        {"limits.max_total_bytes", 1.5, "must be a non-negative integer (got number 1.5)"},
        {"limits.max_member_bytes", nullptr, "must be a non-negative integer (got null)"},
        {"limits.max_members", json::object(), "must be a non-negative integer (got object)"},
        {"limits.max_depth", "8", "must be a non-negative integer (got string)"},
        {"limits.max_depth", 0, "must be at least 1 (got 0)"},
        {"limits.max_ratio", 0, "must be at least 1 (got 0)"},
        {"limits.ratio_floor_bytes", -5, "must be a non-negative integer (got negative"},
        {"limits.min_free_bytes", 1e300, "must be a non-negative integer (got number"},
        {"intake.settle_seconds", "10", "must be a number of seconds (got string)"},
        {"intake.settle_seconds", -1, "must be at least 0"},
        {"intake.rescan_seconds", 1e9, "must be at most"},
        {"output.segment_bytes", 4095, "must be at least 4096 (got 4095)"},
        {"output.unparsed_text", "all", "must be \"lines\" or \"none\" (got \"all\")"},
        {"output.unparsed_text", true, "must be a string (got boolean)"},
        {"output.group", 1000, "must be a string (got integer 1000)"},
        {"vpcflow.formats", "version srcaddr", "must be an array of strings (got string)"},
        {"metrics.listen", 9464, "must be a string (got integer 9464)"},
        {"metrics.listen", "9464", "must be \"\" (off) or host:port"},
    };
    for (const auto& row : rows) {
        INFO(row.key << " = " << row.value.dump());
        TempConfig f(nest(row.key, row.value).dump());
        const std::string msg = config_error([&] { settings::load(f.path(), {}); });
        CHECK(msg.rfind(f.path() + ": key '" + row.key + "' " + row.message, 0) == 0);
    }
}

TEST_CASE("settings: bad vpcflow.formats entries name the index", "[settings]") {
    TempConfig f(R"({"vpcflow": {"formats": ["version srcaddr", 7]}})");
    CHECK(config_error([&] { settings::load(f.path(), {}); }) ==
          f.path() + ": key 'vpcflow.formats[1]' must be a string of field names (got integer 7)");
    TempConfig g(R"({"vpcflow": {"formats": ["   "]}})");
    CHECK(config_error([&] { settings::load(g.path(), {}); }) ==
          g.path() + ": key 'vpcflow.formats[0]' must name at least one field");
}

TEST_CASE("settings: metrics.listen takes '' or host:port", "[settings]") {
    const char* good[] = {"",
                          "127.0.0.1:9464",
                          "[::1]:9464",
                          "localhost:1",
                          "0.0.0.0:65535",
                          "[fe80::1%eth0]:80",
                          "metrics.example-host:9464"};
    for (const char* v : good) {
        INFO(v);
        CHECK(settings::load(std::nullopt, {std::string("metrics.listen=") + v}).metrics_listen ==
              v);
    }
    const char* bad[] = {
        "9464",     ":9464",     "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
        "::1:9464", "[::1]9464", "[]:80",     "host:port",  "a b:80",      "[::1]:99999",
        "[abc]:80"};
    for (const char* v : bad) {
        INFO(v);
        CHECK(config_error([&] {
                  settings::load(std::nullopt, {std::string("metrics.listen=") + v});
              }).rfind("--set: key 'metrics.listen' must be", 0) == 0);
    }
}

TEST_CASE("settings: an unknown key names the key and the file", "[settings]") {
    TempConfig f(R"({"limits": {"max_bytez": 5}})");
    CHECK(config_error([&] { settings::load(f.path(), {}); }) ==
          f.path() + ": unknown key 'limits.max_bytez'");
    TempConfig g(R"({"workerz": 5})");
    CHECK(config_error([&] { settings::load(g.path(), {}); }) ==
          g.path() + ": unknown key 'workerz'");
    // A dotted name is a --set spelling, not a file key.
    TempConfig h(R"({"limits.max_depth": 5})");
    CHECK(config_error([&] { settings::load(h.path(), {}); }) ==
          h.path() +
              ": unknown key 'limits.max_depth' (in a file, write {\"limits\": "
              "{\"max_depth\": ...}})");
    // A section given a scalar.
    TempConfig i(R"({"limits": 5})");
    CHECK(config_error([&] { settings::load(i.path(), {}); }) ==
          i.path() + ": key 'limits' must be an object (got integer 5)");
    // A key nested one level too deep.
    TempConfig j(R"({"limits": {"max_depth": {"value": 3}}})");
    CHECK(config_error([&] { settings::load(j.path(), {}); }) ==
          j.path() + ": key 'limits.max_depth' must be a non-negative integer (got object)");
}

TEST_CASE("settings: unreadable, malformed and non-object files are errors", "[settings]") {
    const std::string missing = "/tmp/evidenced-no-such-config-file.json";
    CHECK(config_error([&] { settings::load(missing, {}); }) ==
          missing + ": cannot read config file: No such file or directory");
    CHECK(config_error([&] { settings::load(std::string("/tmp"), {}); }) ==
          "/tmp: cannot read config file: not a regular file");

    TempConfig bad(R"({"workers": 2,})");
    const std::string msg = config_error([&] { settings::load(bad.path(), {}); });
    CHECK(msg.rfind(bad.path() + ": invalid JSON: ", 0) == 0);
    CHECK(msg.find("line 1") != std::string::npos);

    TempConfig empty("");
    CHECK(config_error([&] {
              settings::load(empty.path(), {});
          }).rfind(empty.path() + ": invalid JSON: ", 0) == 0);
    TempConfig array("[1, 2]");
    CHECK(config_error([&] { settings::load(array.path(), {}); }) ==
          array.path() + ": the config must be a JSON object (got array)");
    TempConfig dup(R"({"limits": {"max_depth": 3, "max_depth": 4}})");
    CHECK(config_error([&] { settings::load(dup.path(), {}); }) ==
          dup.path() + ": duplicate key 'limits.max_depth'");
}

TEST_CASE("settings: --set reads JSON, else a bare word as a string", "[settings]") {
    struct Row {
        const char* assignment;
        std::function<bool(const settings::Settings&)> check;
    };
    const Row rows[] = {
        {"instance=alpha", [](auto& s) { return s.instance == "alpha"; }},
        {"instance=\"beta\"", [](auto& s) { return s.instance == "beta"; }},
        {"instance=007", [](auto& s) { return s.instance == "007"; }},
        {"output.group=evidence", [](auto& s) { return s.output.group == "evidence"; }},
        {"output.group=1000", [](auto& s) { return s.output.group == "1000"; }},
        {"output.group=", [](auto& s) { return s.output.group.empty(); }},
        {"root=/srv/a b", [](auto& s) { return s.root == "/srv/a b"; }},
        {"root=true", [](auto& s) { return s.root == "true"; }},
        {"limits.max_depth=12", [](auto& s) { return s.limits.max_depth == 12; }},
        {"limits.max_total_bytes=18446744073709551615",
         [](auto& s) { return s.limits.max_total_bytes == UINT64_MAX; }},
        {"parse=false", [](auto& s) { return !s.parse; }},
        {"intake.settle_seconds=0.25", [](auto& s) { return s.intake.settle_seconds == 0.25; }},
        {"output.unparsed_text=none", [](auto& s) { return !s.output.unparsed_text_lines; }},
        {"metrics.listen=", [](auto& s) { return s.metrics_listen.empty(); }},
        {"vpcflow.formats=[\"version account-id\"]",
         [](auto& s) {
             return s.vpcflow_formats == std::vector<std::string>{"version account-id"};
         }},
        {"limits={\"max_depth\": 2, \"max_ratio\": 50}",
         [](auto& s) {
             return s.limits.max_depth == 2 && s.limits.max_ratio == 50 &&
                    s.limits.max_members == 1000000;
         }},
    };
    for (const auto& row : rows) {
        INFO(row.assignment);
        CHECK(row.check(settings::load(std::nullopt, {row.assignment})));
    }
    // Only the first '=' splits: the rest belongs to the value.
    CHECK(settings::load(std::nullopt, {"output.group=a=b"}).output.group == "a=b");
}

TEST_CASE("settings: bad --set names --set and the key", "[settings]") {
    struct Row {
        const char* assignment;
        const char* message;
    };
    const Row rows[] = {
        {"limits.max_bytez=5", "--set: unknown key 'limits.max_bytez'"},
        {"limits.max_depth", "--set: 'limits.max_depth' is not KEY=VALUE"},
        {"=5", "--set: '=5' has no key before '='"},
        {"limits.max_depth=eight",
         "--set: key 'limits.max_depth' must be a non-negative integer (got string)"},
        {"limits.max_depth=",
         "--set: key 'limits.max_depth' must be a non-negative integer "
         "(got string)"},
        {"parse=no", "--set: key 'parse' must be true or false (got string)"},
        {"limits=5", "--set: key 'limits' must be an object (got integer 5)"},
        {"limits={\"max_dept\": 1}", "--set: unknown key 'limits.max_dept'"},
        {"instance=[1]", "--set: key 'instance' must be a string (got array)"},
        {"vpcflow.formats=version",
         "--set: key 'vpcflow.formats' must be an array of strings "
         "(got string)"},
    };
    for (const auto& row : rows) {
        INFO(row.assignment);
        CHECK(config_error([&] { settings::load(std::nullopt, {row.assignment}); }) == row.message);
    }
}

TEST_CASE("settings: overrides apply after the file, in order", "[settings]") {
    TempConfig f(R"({"instance": "from-file", "workers": 2, "limits": {"max_depth": 4}})");
    const settings::Settings s =
        settings::load(f.path(), {"limits.max_depth=5", "instance=first", "instance=second"});
    CHECK(s.instance == "second");
    CHECK(s.limits.max_depth == 5);
    CHECK(s.workers == 2);  // the file's value stands where no --set touches it
    // A bad override fails even when the file is fine.
    CHECK(config_error([&] { settings::load(f.path(), {"workers=-2"}); }) ==
          "--set: key 'workers' must be a non-negative integer (got negative integer -2)");
}

TEST_CASE("settings: set_string takes the value literally", "[settings]") {
    settings::Settings s = settings::defaults();
    settings::set_string(s, "root", "123", "--root");
    CHECK(s.root == "123");
    CHECK(s.effective_inbox() == "123/inbox");
    settings::set_string(s, "root", "/data/", "--root");
    CHECK(s.effective_inbox() == "/data/inbox");
    CHECK(config_error([&] { settings::set_string(s, "root", "", "--root"); }) ==
          "--root: key 'root' must be a non-empty path");
    CHECK(config_error([&] { settings::set_string(s, "rooot", "/x", "--root"); }) ==
          "--root: unknown key 'rooot'");
    CHECK(config_error([&] { settings::set_string(s, "workers", "3", "x"); }) ==
          "x: key 'workers' must be a non-negative integer (got string)");
}

TEST_CASE("settings: the shipped config/evidenced.json loads to the defaults", "[settings]") {
    const std::string path = EVIDENCED_SOURCE_DIR "/config/evidenced.json";
    const settings::Settings s = settings::load(path, {});
    // instance ("" = hostname) and workers (0 = cores) are machine-dependent only once
    // resolved; the file carries the placeholders, so it equals the defaults exactly.
    CHECK(s == settings::defaults());
    // It shows every key, each with a comment giving its default.
    const std::string text = slurp(path);
    CHECK(text.find("//") != std::string::npos);
    for (const auto& key : settings::key_names()) {
        const std::string leaf =
            key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
        INFO(key);
        CHECK(text.find("\"" + leaf + "\":") != std::string::npos);
    }
    // A changed default in the code must be changed in the shipped file too: the file
    // written out from defaults() is what the test compares against, key by key.
    const json expect = json::parse(settings::to_json(settings::defaults()));
    const json shipped = json::parse(text, nullptr, true, true);
    for (const auto& key : settings::key_names()) {
        if (key == "inbox" || key == "instance" || key == "workers") {
            continue;  // the file keeps the unresolved "" / 0 placeholders
        }
        INFO(key);
        CHECK(lookup(shipped, key) == lookup(expect, key));
    }
    CHECK(lookup(shipped, "inbox") == "");
    CHECK(lookup(shipped, "instance") == "");
    CHECK(lookup(shipped, "workers") == 0);
}
