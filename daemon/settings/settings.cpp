// Settings loader: embedded defaults, a strict JSON-with-comments file, then --set overrides.
//
// Every key is applied through one function (assign) so the file, --set and --root/--inbox
// share the same type and range checks and the same error wording:
//   "<origin>: key '<dotted.key>' must be ... (got ...)".
#include "daemon/settings/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace evidenced::settings {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A config file is a few KiB; the cap keeps `--config /dev/zero` from eating memory.
constexpr size_t kMaxConfigBytes = 1 << 20;
// 2^53: the largest range in which a JSON float (e.g. 1e12) still names an exact integer.
constexpr double kMaxExactDouble = 9007199254740992.0;
// Settle/rescan waits beyond a year are typos; the cap also keeps chrono conversions in range.
constexpr double kMaxSeconds = 365.0 * 24 * 3600;
constexpr uint64_t kMaxWorkers = 1024;
constexpr uint64_t kMinSegmentBytes = 4096;

const std::vector<std::string> kKeyNames = {
    "root",
    "inbox",
    "instance",
    "workers",
    "parse",
    "limits.max_total_bytes",
    "limits.max_member_bytes",
    "limits.max_members",
    "limits.max_depth",
    "limits.max_ratio",
    "limits.ratio_floor_bytes",
    "limits.min_free_bytes",
    "intake.settle_seconds",
    "intake.rescan_seconds",
    "output.segment_bytes",
    "output.unparsed_text",
    "output.group",
    "vpcflow.formats",
    "metrics.listen",
};

// Keys whose value is a plain string: a --set scalar is kept as its literal text for these.
constexpr std::array<std::string_view, 6> kStringKeys = {
    "root", "inbox", "instance", "output.unparsed_text", "output.group", "metrics.listen"};

bool is_key(std::string_view name) {
    return std::find(kKeyNames.begin(), kKeyNames.end(), name) != kKeyNames.end();
}

bool is_string_key(std::string_view name) {
    return std::find(kStringKeys.begin(), kStringKeys.end(), name) != kStringKeys.end();
}

// "limits" is a section when some key starts with "limits.".
bool is_section(std::string_view name) {
    for (const auto& k : kKeyNames) {
        if (k.size() > name.size() && k.compare(0, name.size(), name) == 0 &&
            k[name.size()] == '.') {
            return true;
        }
    }
    return false;
}

[[noreturn]] void fail(const std::string& origin, const std::string& message) {
    throw ConfigError(origin + ": " + message);
}

[[noreturn]] void fail_key(const std::string& origin,
                           std::string_view key,
                           const std::string& message) {
    fail(origin, "key '" + std::string(key) + "' " + message);
}

std::string format_number(double d) {
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= kMaxExactDouble) {
        return std::to_string(static_cast<int64_t>(d));  // 30, not 30.0
    }
    json j = d;
    return j.dump();
}

// What the user gave, for "(got ...)": the JSON type, and the value where it is a number.
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::string: return "string";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        case json::value_t::number_unsigned: return "integer " + v.dump();
        case json::value_t::number_integer:
            return (v.get<int64_t>() < 0 ? "negative integer " : "integer ") + v.dump();
        case json::value_t::number_float: return "number " + format_number(v.get<double>());
        default: return v.type_name();
    }
}

uint64_t get_uint(
    const json& v, const std::string& origin, std::string_view key, uint64_t min, uint64_t max) {
    uint64_t n = 0;
    if (v.is_number_unsigned()) {
        n = v.get<uint64_t>();
    } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        n = static_cast<uint64_t>(v.get<int64_t>());
    } else if (v.is_number_float()) {
        // 1e12 is an exact integer and reads naturally for byte sizes; 1.5 is not.
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < 0 || d != std::floor(d) || d > kMaxExactDouble) {
            fail_key(origin, key, "must be a non-negative integer (got " + describe(v) + ")");
        }
        n = static_cast<uint64_t>(d);
    } else {
        fail_key(origin, key, "must be a non-negative integer (got " + describe(v) + ")");
    }
    if (n < min) {
        fail_key(origin, key,
                 "must be at least " + std::to_string(min) + " (got " + std::to_string(n) + ")");
    }
    if (n > max) {
        fail_key(origin, key,
                 "must be at most " + std::to_string(max) + " (got " + std::to_string(n) + ")");
    }
    return n;
}

double get_seconds(const json& v, const std::string& origin, std::string_view key) {
    if (!v.is_number()) {
        fail_key(origin, key, "must be a number of seconds (got " + describe(v) + ")");
    }
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0) {
        fail_key(origin, key, "must be at least 0 (got " + format_number(d) + ")");
    }
    if (d > kMaxSeconds) {
        fail_key(origin, key,
                 "must be at most " + format_number(kMaxSeconds) + " (one year) (got " +
                     format_number(d) + ")");
    }
    return d;
}

bool get_bool(const json& v, const std::string& origin, std::string_view key) {
    if (!v.is_boolean()) {
        fail_key(origin, key, "must be true or false (got " + describe(v) + ")");
    }
    return v.get<bool>();
}

std::string get_string(const json& v, const std::string& origin, std::string_view key) {
    if (!v.is_string()) {
        fail_key(origin, key, "must be a string (got " + describe(v) + ")");
    }
    std::string s = v.get<std::string>();
    // Paths and names go to the kernel as C strings: an embedded NUL would silently cut them.
    if (s.find('\0') != std::string::npos) {
        fail_key(origin, key, "must not contain a NUL character");
    }
    return s;
}

// DESIGN.md's name rule: the instance names claim directories, segments and the ledger.
bool is_safe_name(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    auto alnum = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (!alnum(s[0])) {
        return false;
    }
    return std::all_of(s.begin() + 1, s.end(),
                       [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "" (off) or host:port, host a name, an IPv4 address or a bracketed IPv6 address.
bool is_listen_address(std::string_view s) {
    std::string_view host;
    std::string_view port;
    if (!s.empty() && s.front() == '[') {
        const size_t close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            return false;
        }
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
        // An IPv6 literal, possibly with a zone (fe80::1%eth0).
        if (host.find(':') == std::string_view::npos ||
            !std::all_of(host.begin(), host.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.' ||
                       c == '%' || c == '-' || c == '_';
            })) {
            return false;
        }
    } else {
        const size_t colon = s.rfind(':');
        if (colon == std::string_view::npos) {
            return false;
        }
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
        if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                       c == '_';
            })) {
            return false;
        }
    }
    if (!all_digits(port) || port.size() > 5) {
        return false;
    }
    const int p = std::stoi(std::string(port));
    return p >= 1 && p <= 65535;
}

std::vector<std::string> get_formats(const json& v,
                                     const std::string& origin,
                                     std::string_view key) {
    if (!v.is_array()) {
        fail_key(origin, key, "must be an array of strings (got " + describe(v) + ")");
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
        const json& e = v[i];
        const std::string where = "[" + std::to_string(i) + "]";
        if (!e.is_string()) {
            fail_key(origin, std::string(key) + where,
                     "must be a string of field names (got " + describe(e) + ")");
        }
        const std::string s = e.get<std::string>();
        if (s.find_first_not_of(" \t") == std::string::npos) {
            fail_key(origin, std::string(key) + where, "must name at least one field");
        }
        if (std::any_of(s.begin(), s.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; })) {
            fail_key(origin, std::string(key) + where, "must not contain control characters");
        }
        out.push_back(s);
    }
    return out;
}

// The one place a value meets a key: type check, range check, store.
void assign(Settings& s, std::string_view key, const json& v, const std::string& origin) {
    if (key == "root") {
        std::string p = get_string(v, origin, key);
        if (p.empty()) {
            fail_key(origin, key, "must be a non-empty path");
        }
        s.root = std::move(p);
    } else if (key == "inbox") {
        s.inbox = get_string(v, origin, key);
    } else if (key == "instance") {
        std::string name = get_string(v, origin, key);
        if (!name.empty() && !is_safe_name(name)) {
            fail_key(origin, key,
                     "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ or be \"\" for the hostname "
                     "(got \"" +
                         name + "\")");
        }
        s.instance = std::move(name);
    } else if (key == "workers") {
        s.workers = get_uint(v, origin, key, 0, kMaxWorkers);
    } else if (key == "parse") {
        s.parse = get_bool(v, origin, key);
    } else if (key == "limits.max_total_bytes") {
        s.limits.max_total_bytes = get_uint(v, origin, key, 0, UINT64_MAX);
    } else if (key == "limits.max_member_bytes") {
        s.limits.max_member_bytes = get_uint(v, origin, key, 0, UINT64_MAX);
    } else if (key == "limits.max_members") {
        s.limits.max_members = get_uint(v, origin, key, 0, UINT64_MAX);
    } else if (key == "limits.max_depth") {
        s.limits.max_depth = get_uint(v, origin, key, 1, UINT64_MAX);
    } else if (key == "limits.max_ratio") {
        s.limits.max_ratio = get_uint(v, origin, key, 1, UINT64_MAX);
    } else if (key == "limits.ratio_floor_bytes") {
        s.limits.ratio_floor_bytes = get_uint(v, origin, key, 0, UINT64_MAX);
    } else if (key == "limits.min_free_bytes") {
        s.limits.min_free_bytes = get_uint(v, origin, key, 0, UINT64_MAX);
    } else if (key == "intake.settle_seconds") {
        s.intake.settle_seconds = get_seconds(v, origin, key);
    } else if (key == "intake.rescan_seconds") {
        s.intake.rescan_seconds = get_seconds(v, origin, key);
    } else if (key == "output.segment_bytes") {
        s.output.segment_bytes = get_uint(v, origin, key, kMinSegmentBytes, UINT64_MAX);
    } else if (key == "output.unparsed_text") {
        const std::string mode = get_string(v, origin, key);
        if (mode != "lines" && mode != "none") {
            fail_key(origin, key, "must be \"lines\" or \"none\" (got \"" + mode + "\")");
        }
        s.output.unparsed_text_lines = mode == "lines";
    } else if (key == "output.group") {
        s.output.group = get_string(v, origin, key);
    } else if (key == "vpcflow.formats") {
        s.vpcflow_formats = get_formats(v, origin, key);
    } else if (key == "metrics.listen") {
        std::string listen = get_string(v, origin, key);
        if (!listen.empty() && !is_listen_address(listen)) {
            fail_key(origin, key,
                     "must be \"\" (off) or host:port, e.g. 127.0.0.1:9464 or [::1]:9464 (got \"" +
                         listen + "\")");
        }
        s.metrics_listen = std::move(listen);
    } else {
        fail(origin, "unknown key '" + std::string(key) + "'");
    }
}

// Applies a JSON object at `prefix` (the file's top level, or a section given whole to --set).
void apply_tree(Settings& s,
                const json& obj,
                const std::string& prefix,
                const std::string& origin) {
    for (const auto& [k, v] : obj.items()) {
        const std::string name = prefix.empty() ? k : prefix + "." + k;
        if (k.find('.') != std::string::npos) {
            // "limits.max_depth" is the --set spelling; a file nests it, so say how.
            const size_t dot = name.rfind('.');
            fail(origin, "unknown key '" + name + "' (in a file, write {\"" + name.substr(0, dot) +
                             "\": {\"" + name.substr(dot + 1) + "\": ...}})");
        }
        if (is_key(name)) {
            assign(s, name, v, origin);
        } else if (is_section(name)) {
            if (!v.is_object()) {
                fail_key(origin, name, "must be an object (got " + describe(v) + ")");
            }
            apply_tree(s, v, name, origin);
        } else {
            fail(origin, "unknown key '" + name + "'");
        }
    }
}

std::string read_config_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(path, std::string("cannot read config file: ") + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() {
            ::close(fd);
        }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        fail(path, std::string("cannot read config file: ") + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        fail(path, "cannot read config file: not a regular file");
    }
    std::string text;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail(path, std::string("cannot read config file: ") + std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxConfigBytes) {
            fail(path, "config file is larger than 1 MiB");
        }
    }
    return text;
}

// nlohmann keeps the last of two equal keys silently; a config where `max_depth` appears twice
// is almost always an editing mistake, so the parse callback reports it.
json parse_config_text(const std::string& text, const std::string& origin) {
    struct Frame {
        std::set<std::string> seen;
        std::string last_key;
    };
    std::vector<Frame> frames;
    std::string duplicate;
    auto callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start: frames.emplace_back(); break;
            case json::parse_event_t::object_end:
                if (!frames.empty()) {
                    frames.pop_back();
                }
                break;
            case json::parse_event_t::key:
                if (!frames.empty() && parsed.is_string()) {
                    const std::string k = parsed.get<std::string>();
                    frames.back().last_key = k;
                    if (!frames.back().seen.insert(k).second && duplicate.empty()) {
                        for (const auto& f : frames) {
                            duplicate += (duplicate.empty() ? "" : ".") + f.last_key;
                        }
                    }
                }
                break;
            default: break;
        }
        return true;
    };
    json doc;
    try {
        doc = json::parse(text, callback, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const json::exception& e) {
        // nlohmann's message already says where: "... at line 3, column 5: ...".
        std::string what = e.what();
        const size_t bracket = what.find("] ");
        if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
            what = what.substr(bracket + 2);
        }
        fail(origin, "invalid JSON: " + what);
    }
    if (!duplicate.empty()) {
        fail(origin, "duplicate key '" + duplicate + "'");
    }
    if (!doc.is_object()) {
        fail(origin, "the config must be a JSON object (got " + describe(doc) + ")");
    }
    return doc;
}

ordered_json seconds_json(double d) {
    // 10 prints as 10, not 10.0, so check-config output reads like the shipped file.
    if (d == std::floor(d) && d >= 0 && d <= kMaxExactDouble) {
        return static_cast<uint64_t>(d);
    }
    return d;
}

}  // namespace

const std::vector<std::string>& default_vpcflow_formats() {
    // Elastic's aws.vpcflow token-count layouts beyond the 14-field v2 default: the AWS field
    // table in version order v2..v5 (29 fields), then the ten ecs-* fields (v7, 39), then
    // reject-reason (v8, 40); see research/aws/SPEC.md and the integration's test-v8 sample.
    static const std::vector<std::string> kFormats = [] {
        const std::string v2_v5 =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
            "bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type "
            "pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id "
            "pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";
        const std::string ecs =
            " ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn "
            "ecs-container-instance-id ecs-container-id ecs-second-container-id "
            "ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id";
        return std::vector<std::string>{v2_v5, v2_v5 + ecs, v2_v5 + ecs + " reject-reason"};
    }();
    return kFormats;
}

const std::vector<std::string>& key_names() {
    return kKeyNames;
}

Settings defaults() {
    Settings s;
    s.vpcflow_formats = default_vpcflow_formats();
    return s;
}

std::string Settings::effective_inbox() const {
    if (!inbox.empty()) {
        return inbox;
    }
    return (!root.empty() && root.back() == '/') ? root + "inbox" : root + "/inbox";
}

std::string Settings::effective_instance() const {
    if (!instance.empty()) {
        return instance;
    }
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
        return "localhost";
    }
    return buf;
}

uint64_t Settings::effective_workers() const {
    if (workers > 0) {
        return workers;
    }
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

void apply_override(Settings& s, const std::string& assignment, const std::string& origin) {
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos) {
        fail(origin, "'" + assignment + "' is not KEY=VALUE");
    }
    const std::string key = assignment.substr(0, eq);
    const std::string raw = assignment.substr(eq + 1);
    if (key.empty()) {
        fail(origin, "'" + assignment + "' has no key before '='");
    }
    if (!is_key(key) && !is_section(key)) {
        fail(origin, "unknown key '" + key + "'");
    }
    json value = json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
        value = raw;  // a bare word: `instance=alpha`, `output.group=evidence`
    } else if (is_string_key(key) && !value.is_string() && !value.is_structured()) {
        value = raw;  // `output.group=1000`, `instance=007`: the user meant the text
    }
    if (is_section(key)) {
        if (!value.is_object()) {
            fail_key(origin, key, "must be an object (got " + describe(value) + ")");
        }
        apply_tree(s, value, key, origin);
        return;
    }
    assign(s, key, value, origin);
}

void set_string(Settings& s,
                const std::string& key,
                const std::string& value,
                const std::string& origin) {
    if (!is_key(key)) {
        fail(origin, "unknown key '" + key + "'");
    }
    assign(s, key, json(value), origin);
}

Settings load(const std::optional<std::string>& config_file,
              const std::vector<std::string>& overrides) {
    Settings s = defaults();
    if (config_file) {
        const std::string text = read_config_file(*config_file);
        apply_tree(s, parse_config_text(text, *config_file), "", *config_file);
    }
    for (const auto& o : overrides) {
        apply_override(s, o, "--set");
    }
    return s;
}

std::string to_json(const Settings& s) {
    ordered_json j;
    j["root"] = s.root;
    j["inbox"] = s.effective_inbox();
    j["instance"] = s.effective_instance();
    j["workers"] = s.effective_workers();
    j["parse"] = s.parse;
    j["limits"]["max_total_bytes"] = s.limits.max_total_bytes;
    j["limits"]["max_member_bytes"] = s.limits.max_member_bytes;
    j["limits"]["max_members"] = s.limits.max_members;
    j["limits"]["max_depth"] = s.limits.max_depth;
    j["limits"]["max_ratio"] = s.limits.max_ratio;
    j["limits"]["ratio_floor_bytes"] = s.limits.ratio_floor_bytes;
    j["limits"]["min_free_bytes"] = s.limits.min_free_bytes;
    j["intake"]["settle_seconds"] = seconds_json(s.intake.settle_seconds);
    j["intake"]["rescan_seconds"] = seconds_json(s.intake.rescan_seconds);
    j["output"]["segment_bytes"] = s.output.segment_bytes;
    j["output"]["unparsed_text"] = s.output.unparsed_text_lines ? "lines" : "none";
    j["output"]["group"] = s.output.group;
    j["vpcflow"]["formats"] = s.vpcflow_formats;
    j["metrics"]["listen"] = s.metrics_listen;
    // Replace rather than throw on invalid UTF-8 in a path: check-config must still print.
    return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace evidenced::settings
