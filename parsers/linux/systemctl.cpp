// linux.systemctl: `systemctl list-units` (also --all, --type=service and bare `systemctl`),
// `list-unit-files`, `list-timers`, `list-sockets`, `list-jobs`, and `service --status-all`.
//
// One record per unit / unit file / timer / socket / job / service.  Field names follow jc's
// systemctl, systemctl-luf, systemctl-ls and systemctl-lj parsers (unit, load, active, sub,
// description; unit_file, state, vendor_preset; listen, unit, activates; job, unit, type,
// state); timers (no jc parser) use next, left, last, passed, unit, activates; `service
// --status-all` gives service and status (+, -, ?).  The failed-unit marker (● or *) becomes
// `failed_marker: true` instead of shifting the columns.  Legends and counts are skipped.
//
// `systemctl status <unit>...` (UAC system/systemctl_status_timer.txt: every timer) gives one
// record per unit block: unit, description, load (+ unit_file, enabled, preset), active, sub,
// since, main_pid, cgroup with its `processes` ({pid, command}), drop_ins, the other
// properties (Trigger, Triggers, Docs, Process, Tasks, Memory...) and the journal excerpt as
// `log`.  `notable` names what a persistence hunt looks at: a unit file or drop-in outside
// /usr/lib and /lib, a process or Exec line running from /tmp, /var/tmp, /dev/shm, /run/user,
// /root or /home.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

enum class Kind { kNone, kUnits, kUnitFiles, kTimers, kSockets, kJobs, kServiceStatus, kStatus };

bool has_word(const std::vector<std::string_view>& w, std::string_view x) {
    for (auto t : w) {
        if (t == x) {
            return true;
        }
    }
    return false;
}

Kind header_kind(std::string_view line) {
    const auto w = split_ws(trim(line));
    if (w.size() < 2) {
        return Kind::kNone;
    }
    if (w[0] == "UNIT" && w[1] == "FILE" && has_word(w, "STATE")) {
        return Kind::kUnitFiles;
    }
    if (w[0] == "UNIT" && has_word(w, "LOAD") && has_word(w, "ACTIVE") && has_word(w, "SUB")) {
        return Kind::kUnits;
    }
    if (w[0] == "NEXT" && has_word(w, "LEFT") && has_word(w, "UNIT") && has_word(w, "ACTIVATES")) {
        return Kind::kTimers;
    }
    if (w[0] == "LISTEN" && w.size() >= 3 && w[1] == "UNIT" && w[2] == "ACTIVATES") {
        return Kind::kSockets;
    }
    if (w[0] == "JOB" && w.size() >= 4 && w[1] == "UNIT" && w[2] == "TYPE" && w[3] == "STATE") {
        return Kind::kJobs;
    }
    return Kind::kNone;
}

// " [ + ]  apache2" (sysvinit's service --status-all)
bool service_status_line(std::string_view line,
                         std::string_view& status,
                         std::string_view& service) {
    const std::string_view t = trim(line);
    if (t.size() < 7 || t[0] != '[' || t[1] != ' ' || t[3] != ' ' || t[4] != ']') {
        return false;
    }
    if (t[2] != '+' && t[2] != '-' && t[2] != '?') {
        return false;
    }
    status = t.substr(2, 1);
    service = trim(t.substr(5));
    return !service.empty() && service.find(' ') == std::string_view::npos;
}

std::string_view strip_marker(std::string_view line, bool& marked) {
    std::string_view t = line;
    while (!t.empty() && t[0] == ' ') {
        t.remove_prefix(1);
    }
    marked = false;
    if (t.starts_with("\xE2\x97\x8F")) {  // ●
        marked = true;
        t.remove_prefix(3);
    } else if (t.starts_with("* ")) {
        marked = true;
        t.remove_prefix(1);
    }
    return trim(t);
}

// Timer rows: slice by the header's column starts (dates hold spaces; systemctl pads).
std::vector<std::string_view> slice(std::string_view line, const std::vector<size_t>& starts) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < starts.size(); ++i) {
        const size_t b = starts[i];
        const size_t e = i + 1 < starts.size() ? starts[i + 1] : line.size();
        if (b >= line.size()) {
            out.emplace_back();
        } else {
            out.push_back(trim(line.substr(b, std::min(e, line.size()) - b)));
        }
    }
    return out;
}

std::vector<size_t> column_starts(std::string_view header) {
    std::vector<size_t> starts;
    for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] != ' ' && (i == 0 || header[i - 1] == ' ')) {
            starts.push_back(i);
        }
    }
    return starts;
}

// ---- systemctl status ------------------------------------------------------------------------

bool has_unit_suffix(std::string_view u) {
    for (std::string_view suf : {".service", ".timer", ".socket", ".mount", ".automount", ".path",
                                 ".target", ".scope", ".slice", ".device", ".swap"}) {
        if (u.size() > suf.size() && u.ends_with(suf)) {
            return true;
        }
    }
    return false;
}

// "● cron.service - Regular background ..." (○ inactive, × failed, * without UTF-8; the
// marker may be missing when a unit was cut out of a longer copy).
bool status_header(std::string_view line,
                   std::string_view& unit,
                   std::string_view& desc,
                   bool& failed) {
    std::string_view t = trim(line);
    failed = false;
    if (t.starts_with("\xE2\x97\x8F") || t.starts_with("\xE2\x97\x8B")) {  // ● ○
        t.remove_prefix(3);
    } else if (t.starts_with("\xC3\x97")) {  // ×
        failed = true;
        t.remove_prefix(2);
    } else if (t.starts_with("* ")) {
        t.remove_prefix(1);
    }
    t = trim(t);
    const size_t dash = t.find(" - ");
    unit = t.substr(0, dash);
    desc = dash == std::string_view::npos ? std::string_view() : trim(t.substr(dash + 3));
    return !unit.empty() && unit.find(' ') == std::string_view::npos && has_unit_suffix(unit);
}

bool loaded_line(std::string_view line) {
    return trim(line).starts_with("Loaded: ");
}

bool status_start(const std::vector<std::string_view>& lines, size_t i) {
    std::string_view u;
    std::string_view d;
    bool f = false;
    return i + 1 < lines.size() && status_header(lines[i], u, d, f) && loaded_line(lines[i + 1]);
}

// "   Main PID: 512 (cron)": the key right-aligned so that every colon is at `col`.
bool property_line(std::string_view line,
                   size_t col,
                   std::string_view& key,
                   std::string_view& value) {
    if (line.size() <= col || line[col] != ':' || (line.size() > col + 1 && line[col + 1] != ' ')) {
        return false;
    }
    key = trim(line.substr(0, col));
    if (key.empty() || !std::isupper(static_cast<unsigned char>(key[0]))) {
        return false;
    }
    for (char c : key) {
        if (!std::isalpha(static_cast<unsigned char>(c)) && c != ' ' && c != '-') {
            return false;
        }
    }
    value = trim(line.substr(col + 1));
    return true;
}

// The tree drawing in front of a CGroup or Drop-In line ("│ ├─", "`-", "| ").
std::string_view strip_tree(std::string_view t) {
    for (;;) {
        if (t.starts_with(" ")) {
            t.remove_prefix(1);
        } else if (t.starts_with("\xE2\x94\x82")) {  // │
            t.remove_prefix(3);
        } else if (t.starts_with("\xE2\x94\x9C\xE2\x94\x80") ||  // ├─
                   t.starts_with("\xE2\x94\x94\xE2\x94\x80")) {  // └─
            t.remove_prefix(6);
        } else if (t.starts_with("|-") || t.starts_with("`-") || t.starts_with("| ")) {
            t.remove_prefix(2);
        } else {
            return t;
        }
    }
}

std::string lower_key(std::string_view k) {
    if (k == "TriggeredBy") {
        return "triggered_by";
    }
    std::string out;
    for (char c : k) {
        out.push_back(c == ' ' || c == '-'
                          ? '_'
                          : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

bool vendor_path(std::string_view p) {
    return p.starts_with("/usr/lib/systemd/") || p.starts_with("/lib/systemd/") ||
           p.starts_with("/run/systemd/generator");
}

// The directory a command or Exec= path runs from when it is one attackers write to.
std::string_view writable_dir(std::string_view cmd) {
    while (!cmd.empty() && (cmd[0] == '"' || cmd[0] == '\'' || cmd[0] == '@' || cmd[0] == '-' ||
                            cmd[0] == '+' || cmd[0] == '!' || cmd[0] == ':')) {
        cmd.remove_prefix(1);
    }
    for (std::string_view d :
         {"/tmp/", "/var/tmp/", "/dev/shm/", "/run/user/", "/root/", "/home/"}) {
        if (cmd.starts_with(d)) {
            return d;
        }
    }
    return {};
}

struct Property {
    std::string_view key;
    std::vector<std::string_view> values;  // the first line's value, then continuations
};

void write_loaded(JsonWriter& w, std::string_view v, std::vector<std::string>& notable) {
    const size_t open = v.find(" (");
    w.str("load", trim(v.substr(0, open)));
    if (open == std::string_view::npos) {
        return;
    }
    std::string_view in = v.substr(open + 2);
    if (in.ends_with(")")) {
        in.remove_suffix(1);
    }
    size_t n = 0;
    while (!in.empty()) {
        const size_t semi = in.find("; ");
        const std::string_view part = trim(in.substr(0, semi));
        in = semi == std::string_view::npos ? std::string_view() : in.substr(semi + 2);
        if (part.starts_with("Reason: ")) {
            w.str("reason", part.substr(8));
        } else if (part.starts_with("vendor preset: ")) {
            w.str("preset", part.substr(15));
        } else if (part.starts_with("preset: ")) {
            w.str("preset", part.substr(8));
        } else if (n == 0 && part.starts_with("/")) {
            w.str("unit_file", part);
            if (!vendor_path(part)) {
                notable.push_back("unit file outside /usr/lib and /lib: " + std::string(part));
            }
        } else if (n <= 1) {
            w.str("enabled", part);
        }
        ++n;
    }
}

void write_active(JsonWriter& w, std::string_view v) {
    const size_t sp = v.find(' ');
    w.str("active", v.substr(0, sp));
    std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(v.substr(sp));
    bool sub = false;
    while (rest.starts_with("(")) {
        const size_t close = rest.find(')');
        if (close == std::string_view::npos) {
            break;
        }
        const std::string_view in = rest.substr(1, close - 1);
        if (in.starts_with("Result: ")) {
            w.str("result", in.substr(8));
        } else if (!sub) {
            w.str("sub", in);
            sub = true;
        }
        rest = trim(rest.substr(close + 1));
    }
    if (rest.starts_with("since ")) {
        rest.remove_prefix(6);
        const size_t semi = rest.find("; ");
        w.str("since", trim(rest.substr(0, semi)));
        if (semi != std::string_view::npos) {
            w.str("since_ago", trim(rest.substr(semi + 2)));
        }
    }
}

void write_status_unit(JsonWriter& w,
                       std::string_view unit,
                       std::string_view desc,
                       bool failed,
                       const std::vector<Property>& props,
                       const std::vector<std::string_view>& log) {
    std::vector<std::string> notable;
    w.str("unit", unit).opt_str("description", desc);
    for (const Property& p : props) {
        const std::string_view v = p.values.empty() ? std::string_view() : p.values[0];
        if (p.key == "Loaded") {
            write_loaded(w, v, notable);
        } else if (p.key == "Active") {
            write_active(w, v);
        } else if (p.key == "Main PID") {
            const size_t sp = v.find(' ');
            if (const auto pid = to_int(v.substr(0, sp))) {
                w.num("main_pid", *pid);
                std::string_view what = sp == std::string_view::npos ? "" : trim(v.substr(sp));
                if (what.starts_with("(") && what.ends_with(")")) {
                    what = what.substr(1, what.size() - 2);
                }
                w.opt_str("main_process", what);
            } else {
                w.str("main_pid_text", v);
            }
        } else if (p.key == "CGroup") {
            w.str("cgroup", v);
            std::vector<std::string_view> groups;
            w.begin_array("processes");
            for (size_t i = 1; i < p.values.size(); ++i) {
                const std::string_view t = strip_tree(p.values[i]);
                const size_t sp = t.find(' ');
                const auto pid = to_int(t.substr(0, sp));
                if (!pid || sp == std::string_view::npos) {
                    groups.push_back(t);
                    continue;
                }
                const std::string_view cmd = trim(t.substr(sp));
                w.begin_object().num("pid", *pid).str("command", cmd).end_object();
                if (const std::string_view d = writable_dir(cmd); !d.empty()) {
                    notable.push_back("process " + std::to_string(*pid) + " runs from " +
                                      std::string(d) + ": " + std::string(cmd));
                }
            }
            w.end_array();
            if (!groups.empty()) {
                w.begin_array("cgroups");
                for (auto g : groups) {
                    w.value_str(g);
                }
                w.end_array();
            }
        } else if (p.key == "Drop-In") {
            w.begin_array("drop_ins");
            std::string_view dir;
            for (std::string_view line : p.values) {
                const std::string_view t = strip_tree(line);
                if (t.starts_with("/")) {
                    dir = t;
                    continue;
                }
                std::string_view files = t;
                while (!files.empty()) {
                    const size_t comma = files.find(", ");
                    const std::string_view f = trim(files.substr(0, comma));
                    files = comma == std::string_view::npos ? std::string_view()
                                                            : files.substr(comma + 2);
                    if (f.empty()) {
                        continue;
                    }
                    std::string path(dir);
                    if (!path.empty()) {
                        path += '/';
                    }
                    path += f;
                    w.value_str(path);
                    if (!vendor_path(path)) {
                        notable.push_back("drop-in outside /usr/lib and /lib: " + path);
                    }
                }
            }
            w.end_array();
        } else if (p.key == "Process" || p.key == "Docs" || p.key == "Triggers" ||
                   p.key == "TriggeredBy" || p.key == "Listen") {
            // Repeated keys (Process:) come as one property each; gathered below.
            continue;
        } else if (p.values.size() == 1) {
            w.str(lower_key(p.key), v);
        } else {
            w.begin_array(lower_key(p.key));
            for (auto x : p.values) {
                w.value_str(trim(x));
            }
            w.end_array();
        }
    }
    // List-valued properties, each once, in a fixed order.
    for (std::string_view key : {"Triggers", "TriggeredBy", "Listen", "Docs", "Process"}) {
        bool open = false;
        for (const Property& p : props) {
            if (p.key != key) {
                continue;
            }
            if (!open) {
                w.begin_array(key == "Process" ? std::string("exec") : lower_key(key));
                open = true;
            }
            for (auto x : p.values) {
                std::string_view t = strip_tree(trim(x));
                if (t.starts_with("\xE2\x97\x8F ") || t.starts_with("\xE2\x97\x8B ")) {
                    t = trim(t.substr(3));
                } else if (t.starts_with("\xC3\x97 ")) {
                    t = trim(t.substr(2));
                }
                w.value_str(t);
                if (key == "Process") {
                    const size_t eq = t.find('=');
                    if (eq != std::string_view::npos) {
                        if (const std::string_view d = writable_dir(t.substr(eq + 1)); !d.empty()) {
                            notable.push_back("exec runs from " + std::string(d) + ": " +
                                              std::string(t));
                        }
                    }
                }
            }
        }
        if (open) {
            w.end_array();
        }
    }
    if (failed) {
        w.boolean("failed_marker", true);
    }
    if (!log.empty()) {
        w.begin_array("log");
        for (auto l : log) {
            w.value_str(l);
        }
        w.end_array();
    }
    if (!notable.empty()) {
        w.begin_array("notable");
        for (const auto& n : notable) {
            w.value_str(n);
        }
        w.end_array();
    }
}

bool unit_not_found(std::string_view t);

void parse_status(const std::vector<std::string_view>& lines, LineNumbers& ln, RecordSink& sink) {
    Record r;
    size_t i = 0;
    while (i < lines.size()) {
        if (trim(lines[i]).empty()) {
            ++i;
            continue;
        }
        if (!status_start(lines, i)) {
            const std::string_view t = trim(lines[i]);
            const uint64_t pos = ln.of(lines[i]);
            // "Unit foo.service could not be found." (systemctl status of a missing unit)
            if (unit_not_found(t)) {
                r.clear();
                r.dataset = "linux.systemctl";
                r.position = pos;
                JsonWriter w(r.body);
                w.resume_object(false).begin_object("linux").begin_object("systemctl");
                w.str("unit", t.substr(5, t.size() - 5 - 20)).str("load", "not-found");
                w.end_object().end_object();
                sink.emit(r);
            } else {
                sink.emit(make_error_record(pos, true, "systemctl status: line outside a unit",
                                            lines[i]));
            }
            ++i;
            continue;
        }
        std::string_view unit;
        std::string_view desc;
        bool failed = false;
        status_header(lines[i], unit, desc, failed);
        r.clear();
        r.dataset = "linux.systemctl";
        r.position = ln.of(lines[i]);
        const size_t col = lines[i + 1].find(':');
        std::vector<Property> props;
        size_t j = i + 1;
        for (; j < lines.size() && !trim(lines[j]).empty(); ++j) {
            if (status_start(lines, j)) {
                break;
            }
            std::string_view k;
            std::string_view v;
            if (property_line(lines[j], col, k, v)) {
                props.push_back(Property{k, {v}});
            } else if (!props.empty()) {
                props.back().values.push_back(trim(lines[j]));
            }
        }
        // The journal excerpt after a blank line, up to the next unit.
        std::vector<std::string_view> log;
        for (; j < lines.size() && !status_start(lines, j); ++j) {
            if (!trim(lines[j]).empty()) {
                log.push_back(trim(lines[j]));
            }
        }
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("systemctl");
        write_status_unit(w, unit, desc, failed, props, log);
        w.end_object().end_object();
        sink.emit(r);
        i = j;
    }
}

bool unit_not_found(std::string_view t) {
    return t.starts_with("Unit ") && t.ends_with(" could not be found.");
}

bool looks_like_status(const std::vector<std::string_view>& lines) {
    for (size_t i = 0; i < lines.size() && i < 40; ++i) {
        // A missing unit's message (stderr copied along) may come first.
        if (trim(lines[i]).empty() || unit_not_found(trim(lines[i]))) {
            continue;
        }
        return status_start(lines, i);
    }
    return false;
}

Kind sniff(const std::vector<std::string_view>& lines, size_t* header_at) {
    if (looks_like_status(lines)) {
        *header_at = 0;
        return Kind::kStatus;
    }
    size_t status_lines = 0;
    for (size_t i = 0; i < lines.size() && i < 40; ++i) {
        const Kind k = header_kind(lines[i]);
        if (k != Kind::kNone) {
            *header_at = i;
            return k;
        }
        std::string_view s;
        std::string_view n;
        if (service_status_line(lines[i], s, n)) {
            ++status_lines;
        } else if (!trim(lines[i]).empty()) {
            return Kind::kNone;
        }
    }
    *header_at = 0;
    return status_lines > 0 ? Kind::kServiceStatus : Kind::kNone;
}

class SystemctlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.systemctl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "systemctl");
        size_t at = 0;
        const Kind k = sniff(output_lines(whole_lines(probe)), &at);
        if (k == Kind::kNone) {
            return 0;
        }
        if (k == Kind::kServiceStatus) {
            return hinted ? 80 : 60;
        }
        if (k == Kind::kStatus) {
            return hinted ? 90 : 80;  // "● x.service - ..." then "Loaded: loaded (": unmistakable
        }
        return hinted ? 90 : 75;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        size_t at = 0;
        const Kind kind = sniff(lines, &at);
        if (kind == Kind::kNone) {
            sink.emit(make_error_record(1, true, "systemctl: no known header found"));
            return;
        }
        if (kind == Kind::kStatus) {
            parse_status(lines, ln, sink);
            if (cut) {
                sink.emit(make_error_record(0, true, "systemctl: file too large, rest not parsed"));
            }
            return;
        }
        std::vector<size_t> starts;
        bool preset = false;
        if (kind != Kind::kServiceStatus) {
            starts = column_starts(lines[at]);
            const auto hw = split_ws(lines[at]);
            preset = has_word(hw, "PRESET");
            ++at;
        }
        Record r;
        for (size_t i = at; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            if (trim(line).empty()) {
                if (kind == Kind::kServiceStatus) {
                    continue;
                }
                break;  // the legend and counts follow the first blank line
            }
            r.clear();
            r.dataset = "linux.systemctl";
            r.position = ln.of(line);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("systemctl");
            bool marked = false;
            const std::string_view row = strip_marker(line, marked);
            bool ok = true;
            switch (kind) {
                case Kind::kUnits: {
                    const auto f = split_ws(row, 5);
                    ok = f.size() >= 4;
                    if (ok) {
                        w.str("unit", f[0]).str("load", f[1]).str("active", f[2]).str("sub", f[3]);
                        w.str("description", f.size() > 4 ? f[4] : std::string_view());
                    }
                    break;
                }
                case Kind::kUnitFiles: {
                    const auto f = split_ws(row, 3);
                    ok = f.size() >= 2;
                    if (ok) {
                        w.str("unit_file", f[0]).str("state", f[1]);
                        if (preset && f.size() > 2) {
                            w.str("vendor_preset", f[2]);
                        }
                    }
                    break;
                }
                case Kind::kSockets: {
                    // LISTEN may hold a space ("kobject-uevent 1"): slice by the header.
                    const auto f = slice(line, starts);
                    ok = f.size() >= 3 && !f[1].empty();
                    if (ok) {
                        w.str("listen", f[0]).str("unit", f[1]);
                        if (f[2].empty()) {
                            w.null("activates");
                        } else {
                            w.str("activates", f[2]);
                        }
                    }
                    break;
                }
                case Kind::kJobs: {
                    const auto f = split_ws(row, 4);
                    ok = f.size() == 4 && to_int(f[0]).has_value();
                    if (ok) {
                        w.num("job", *to_int(f[0]))
                            .str("unit", f[1])
                            .str("type", f[2])
                            .str("state", f[3]);
                    }
                    break;
                }
                case Kind::kTimers: {
                    const auto f = slice(line, starts);
                    ok = f.size() >= 6 && !f[f.size() - 2].empty();
                    if (ok) {
                        auto na = [&](std::string_view k, std::string_view v) {
                            if (v.empty() || v == "n/a" || v == "-") {
                                w.null(k);
                            } else {
                                w.str(k, v);
                            }
                        };
                        na("next", f[0]);
                        na("left", f[1]);
                        na("last", f[2]);
                        na("passed", f[3]);
                        w.str("unit", f[4]).str("activates", f[5]);
                    }
                    break;
                }
                case Kind::kServiceStatus: {
                    std::string_view st;
                    std::string_view svc;
                    ok = service_status_line(line, st, svc);
                    if (ok) {
                        w.str("service", svc).str("status", st);
                        w.str("active", st == "+" ? "running" : st == "-" ? "stopped" : "unknown");
                    }
                    break;
                }
                case Kind::kStatus:
                case Kind::kNone: ok = false; break;
            }
            if (!ok) {
                sink.emit(make_error_record(r.position, true,
                                            "systemctl: row does not fit the header", line));
                continue;
            }
            if (marked) {
                w.boolean("failed_marker", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "systemctl: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_systemctl_parser() {
    static const SystemctlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
