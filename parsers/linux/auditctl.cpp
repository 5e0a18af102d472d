// linux.auditctl: `auditctl -l` (the loaded audit rules) and `auditctl -s` (the audit
// system's status), UAC system/auditctl_-l.txt and auditctl_-s.txt.  An attacker who wants
// to stay unseen deletes rules (`auditctl -D`), disables auditing (`-e 0`) or kills auditd:
// the rule list, `enabled 0`, `pid 0` and `lost` say so.
//
// -l: one record per rule: `rule` (the text), `type` (watch, syscall), for syscall
// rules `list` and `action` (from -a "always,exit"), `syscalls` (the -S names), `fields`
// (the -F expressions), for watches `path` and `permissions`; `key` from -k or -F key=.
// "No rules" gives one record with `rules: 0`.
// -s: one record with every key (numbers as numbers; "loginuid_immutable 0 unlocked" keeps
// the words after the number as `<key>_text`), also the old one-line "AUDIT_STATUS: enabled=1
// flag=1 ..." form.  `notable` when auditing is off, auditd is not running, or events were
// lost.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// auditctl -l prints every rule as -a (syscall) or -w (watch); "-A" is iptables -S's.
bool rule_line(std::string_view t) {
    return (t.starts_with("-a ") || t.starts_with("-w ")) && t.size() > 4;
}

// The status keys auditctl -s prints (audit-userspace lib/... audit_status fields).
bool status_key(std::string_view k) {
    for (std::string_view s : {"enabled", "failure", "pid", "rate_limit", "backlog_limit", "lost",
                               "backlog", "backlog_wait_time", "backlog_wait_time_actual",
                               "loginuid_immutable", "flag", "features", "feature_bitmap"}) {
        if (k == s) {
            return true;
        }
    }
    return false;
}

enum class Kind { kNone, kRules, kStatus };

// Status pairs of a line: "enabled 1" or "AUDIT_STATUS: enabled=1 flag=1 ...".
std::vector<std::pair<std::string_view, std::string_view>> status_pairs(std::string_view t) {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    if (t.starts_with("AUDIT_STATUS:")) {
        for (auto w : split_ws(t.substr(13))) {
            const size_t eq = w.find('=');
            if (eq != std::string_view::npos && status_key(w.substr(0, eq))) {
                out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
            }
        }
        return out;
    }
    const size_t sp = t.find(' ');
    if (sp != std::string_view::npos && status_key(t.substr(0, sp))) {
        out.emplace_back(t.substr(0, sp), trim(t.substr(sp)));
    }
    return out;
}

Kind sniff(const std::vector<std::string_view>& lines, size_t* good_out = nullptr) {
    size_t rules = 0;
    size_t status = 0;
    size_t other = 0;
    for (size_t i = 0; i < lines.size() && i < 60; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        if (t == "No rules") {
            ++rules;
        } else if (rule_line(t)) {
            ++rules;
        } else if (!status_pairs(t).empty()) {
            ++status;
        } else {
            ++other;
        }
    }
    if (good_out != nullptr) {
        *good_out = rules + status;
    }
    if (other > 0) {
        return Kind::kNone;
    }
    if (rules > 0 && status == 0) {
        return Kind::kRules;
    }
    if (status > 0 && rules == 0) {
        return Kind::kStatus;
    }
    return Kind::kNone;
}

void write_rule(JsonWriter& j, std::string_view t) {
    const auto w = split_ws(t);
    j.str("rule", t);
    std::string_view key;
    std::vector<std::string_view> syscalls;
    std::vector<std::string_view> fields;
    std::string_view path;
    std::string_view perm;
    std::string_view list;
    std::string_view action;
    for (size_t i = 0; i + 1 < w.size(); ++i) {
        const std::string_view o = w[i];
        const std::string_view v = w[i + 1];
        if (o == "-a") {
            const size_t comma = v.find(',');
            // auditctl accepts both "always,exit" and "exit,always".
            std::string_view a = v.substr(0, comma);
            std::string_view b = comma == std::string_view::npos ? "" : v.substr(comma + 1);
            if (a != "always" && a != "never") {
                std::swap(a, b);
            }
            action = a;
            list = b;
        } else if (o == "-w") {
            path = v;
        } else if (o == "-p") {
            perm = v;
        } else if (o == "-k") {
            key = v;
        } else if (o == "-S") {
            size_t p = 0;
            while (p <= v.size()) {
                const size_t c = v.find(',', p);
                const std::string_view s =
                    v.substr(p, c == std::string_view::npos ? std::string_view::npos : c - p);
                if (!s.empty()) {
                    syscalls.push_back(s);
                }
                if (c == std::string_view::npos) {
                    break;
                }
                p = c + 1;
            }
        } else if (o == "-F") {
            if (v.starts_with("key=")) {
                key = v.substr(4);
            } else {
                fields.push_back(v);
            }
        } else {
            continue;
        }
        ++i;
    }
    const bool watch = t.starts_with("-w");
    j.str("type", watch ? "watch" : "syscall");
    if (watch) {
        j.str("path", path).opt_str("permissions", perm);
    } else {
        j.opt_str("list", list).opt_str("action", action);
        j.begin_array("syscalls");
        for (auto s : syscalls) {
            j.value_str(s);
        }
        j.end_array();
        j.begin_array("fields");
        for (auto f : fields) {
            j.value_str(f);
        }
        j.end_array();
    }
    j.opt_str("key", key);
    if (action == "never") {
        j.begin_array("notable").value_str("suppresses auditing").end_array();
    }
}

class AuditctlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.auditctl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t good = 0;
        const Kind k = sniff(lines, &good);
        if (k == Kind::kNone || good == 0) {
            return 0;
        }
        if (name_hints(probe, "auditctl")) {
            return 95;
        }
        // Content alone: several rules, or a status with its first two keys.
        if (k == Kind::kRules && good >= 2) {
            return 70;
        }
        if (k == Kind::kStatus && good >= 4) {
            return 70;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        linux_cmd::LineNumbers ln(text);
        const Kind kind = sniff(lines);
        if (kind == Kind::kStatus) {
            parse_status(lines, ln, sink);
        } else {
            for (std::string_view line : lines) {
                const std::string_view t = trim(line);
                if (t.empty()) {
                    continue;
                }
                const uint64_t n = ln.of(line);
                Record r;
                r.dataset = "linux.auditctl";
                r.position = n;
                JsonWriter j(r.body);
                if (t == "No rules") {
                    j.resume_object(false).begin_object("linux").begin_object("auditctl");
                    j.num("rules", 0).begin_array("notable").value_str("no audit rules loaded");
                    j.end_array().end_object().end_object();
                    sink.emit(r);
                    continue;
                }
                if (!rule_line(t)) {
                    sink.emit(make_error_record(n, true, "auditctl -l: not a rule", line));
                    continue;
                }
                j.resume_object(false).begin_object("linux").begin_object("auditctl");
                write_rule(j, t);
                j.end_object().end_object();
                sink.emit(r);
            }
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "auditctl: file too large, rest not parsed"));
        }
    }

private:
    static void parse_status(const std::vector<std::string_view>& lines,
                             linux_cmd::LineNumbers& ln,
                             RecordSink& sink) {
        Record r;
        r.dataset = "linux.auditctl";
        JsonWriter j(r.body);
        j.resume_object(false).begin_object("linux").begin_object("auditctl");
        std::vector<std::string> notable;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t n = ln.of(line);
            const auto pairs = status_pairs(t);
            if (pairs.empty()) {
                sink.emit(make_error_record(n, true, "auditctl -s: not a status line", line));
                continue;
            }
            if (r.position == 0) {
                r.position = n;
            }
            for (const auto& [k, v] : pairs) {
                const size_t sp = v.find(' ');
                const std::string_view num = v.substr(0, sp);
                if (const auto x = to_int(num)) {
                    j.num(k, *x);
                    if (sp != std::string_view::npos) {
                        j.str(std::string(k) + "_text", trim(v.substr(sp)));
                    }
                    if (k == "enabled" && *x == 0) {
                        notable.emplace_back("auditing disabled (enabled 0)");
                    } else if (k == "pid" && *x == 0) {
                        notable.emplace_back("auditd not running (pid 0)");
                    } else if (k == "lost" && *x > 0) {
                        notable.push_back("audit events lost: " + std::to_string(*x));
                    }
                } else {
                    j.str(k, v);
                }
            }
        }
        if (!notable.empty()) {
            j.begin_array("notable");
            for (const auto& s : notable) {
                j.value_str(s);
            }
            j.end_array();
        }
        j.end_object().end_object();
        if (r.position != 0) {
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_auditctl_parser() {
    static const AuditctlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
