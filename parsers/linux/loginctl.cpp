// linux.loginctl: `loginctl` / `loginctl list-sessions`, `loginctl list-users` and `loginctl
// user-status <user>` (UAC system/loginctl_user-status_<user>.txt).  Who is logged in, from
// which seat or tty, and whether a user lingers (their user services run at boot without a
// login: a persistence spot).
//
// Tables: one record per row, the header's columns as keys (session, uid, user, seat, tty,
// state, idle, since, linger), numbers as numbers, empty cells left out.  user-status: one
// record per user block: user, uid, since, state, sessions (the list, the "*" of the current
// one dropped and flagged as `current_session`), linger, unit and the unit tree's processes
// ({pid, command}); `notable` when linger is on or a process runs from /tmp, /var/tmp,
// /dev/shm, /home or /root.  The "N sessions listed." footer is skipped.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/header_table.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

enum class Kind { kNone, kTable, kUserStatus };

bool table_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    if (w.size() >= 3 && w[0] == "SESSION" && w[1] == "UID" && w[2] == "USER") {
        return true;
    }
    return w.size() >= 2 && w[0] == "UID" && w[1] == "USER" &&
           (w.size() == 2 || w[2] == "LINGER" || w[2] == "STATE");
}

// "alice (1000)"
bool user_line(std::string_view t, std::string_view& user, int64_t& uid) {
    const size_t open = t.rfind(" (");
    if (open == std::string_view::npos || !t.ends_with(")") || open == 0) {
        return false;
    }
    const auto n = to_int(t.substr(open + 2, t.size() - open - 3));
    user = t.substr(0, open);
    if (!n || user.find(' ') != std::string_view::npos) {
        return false;
    }
    uid = *n;
    return true;
}

// "           State: active"
bool prop(std::string_view line, std::string_view& k, std::string_view& v) {
    const std::string_view t = trim(line);
    const size_t c = t.find(": ");
    const size_t c2 = t.ends_with(":") ? t.size() - 1 : std::string_view::npos;
    const size_t at = c != std::string_view::npos ? c : c2;
    if (at == std::string_view::npos || at == 0 || line.empty() || line[0] != ' ') {
        return false;
    }
    k = t.substr(0, at);
    for (char ch : k) {
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
            return false;
        }
    }
    v = at + 1 < t.size() ? trim(t.substr(at + 1)) : std::string_view();
    return true;
}

Kind sniff(const std::vector<std::string_view>& lines) {
    const size_t i = linux_cmd::first_nonblank(lines);
    if (i >= lines.size()) {
        return Kind::kNone;
    }
    if (table_header(lines[i])) {
        return Kind::kTable;
    }
    std::string_view u;
    int64_t uid = 0;
    std::string_view k;
    std::string_view v;
    if (user_line(trim(lines[i]), u, uid) && i + 1 < lines.size() && prop(lines[i + 1], k, v) &&
        (k == "Since" || k == "State")) {
        return Kind::kUserStatus;
    }
    return Kind::kNone;
}

std::string_view strip_tree(std::string_view t) {
    for (;;) {
        if (t.starts_with(" ")) {
            t.remove_prefix(1);
        } else if (t.starts_with("\xE2\x94\x82")) {
            t.remove_prefix(3);
        } else if (t.starts_with("\xE2\x94\x9C\xE2\x94\x80") ||
                   t.starts_with("\xE2\x94\x94\xE2\x94\x80")) {
            t.remove_prefix(6);
        } else if (t.starts_with("|-") || t.starts_with("`-") || t.starts_with("| ")) {
            t.remove_prefix(2);
        } else {
            return t;
        }
    }
}

class LoginctlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.loginctl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Kind k = sniff(output_lines(whole_lines(probe)));
        if (k == Kind::kNone) {
            return 0;
        }
        if (name_hints(probe, "loginctl")) {
            return 95;
        }
        // "SESSION UID USER" is loginctl's alone; a bare "UID USER" table is not.
        const auto lines = output_lines(whole_lines(probe));
        const auto w = split_ws(trim(lines[linux_cmd::first_nonblank(lines)]));
        return (k == Kind::kTable && w[0] == "SESSION") || k == Kind::kUserStatus ? 75 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        linux_cmd::LineNumbers ln(text);
        const Kind kind = sniff(lines);
        if (kind == Kind::kNone) {
            sink.emit(make_error_record(1, true, "loginctl: no known layout"));
        } else if (kind == Kind::kTable) {
            parse_table(lines, ln, sink);
        } else {
            parse_user_status(lines, ln, sink);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "loginctl: file too large, rest not parsed"));
        }
    }

private:
    static void parse_table(const std::vector<std::string_view>& lines,
                            linux_cmd::LineNumbers& ln,
                            RecordSink& sink) {
        size_t i = linux_cmd::first_nonblank(lines);
        const auto cols = linux_cmd::header_columns(lines[i]);
        std::vector<std::string_view> cells;
        for (++i; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty()) {
                continue;
            }
            // "2 sessions listed." / "No sessions."
            if (t.ends_with(" listed.") || t == "No sessions." || t == "No users.") {
                continue;
            }
            const uint64_t n = ln.of(lines[i]);
            if (!linux_cmd::header_cells(lines[i], cols, cells) || cells[0].empty()) {
                sink.emit(
                    make_error_record(n, true, "loginctl: row does not fit the header", lines[i]));
                continue;
            }
            Record r;
            r.dataset = "linux.loginctl";
            r.position = n;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("loginctl");
            for (size_t c = 0; c < cols.size(); ++c) {
                if (cells[c].empty() || cells[c] == "-") {
                    continue;
                }
                const std::string key = linux_cmd::column_key(cols[c].name);
                if (key == "uid") {
                    if (const auto x = to_int(cells[c])) {
                        j.num(key, *x);
                        continue;
                    }
                }
                j.str(key, cells[c]);
                if (key == "linger" && cells[c] == "yes") {
                    j.begin_array("notable").value_str("linger: user services start at boot");
                    j.end_array();
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
    }

    static void parse_user_status(const std::vector<std::string_view>& lines,
                                  linux_cmd::LineNumbers& ln,
                                  RecordSink& sink) {
        size_t i = 0;
        while (i < lines.size()) {
            const std::string_view t = trim(lines[i]);
            std::string_view user;
            int64_t uid = 0;
            if (t.empty()) {
                ++i;
                continue;
            }
            if (!user_line(t, user, uid) || (lines[i].size() > 0 && lines[i][0] == ' ')) {
                // The journal excerpt after a user block.
                ++i;
                continue;
            }
            Record r;
            r.dataset = "linux.loginctl";
            r.position = ln.of(lines[i]);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("loginctl");
            j.str("user", user).num("uid", uid);
            std::vector<std::string> notable;
            bool in_unit = false;
            std::vector<std::string_view> groups;
            bool procs_open = false;
            for (++i; i < lines.size() && !trim(lines[i]).empty(); ++i) {
                std::string_view k;
                std::string_view v;
                if (prop(lines[i], k, v)) {
                    if (procs_open) {
                        j.end_array();
                        procs_open = false;
                    }
                    in_unit = k == "Unit";
                    if (k == "Sessions") {
                        j.begin_array("sessions");
                        std::string_view current;
                        for (auto s : split_ws(v)) {
                            if (s.starts_with("*")) {
                                s.remove_prefix(1);
                                current = s;
                            }
                            j.value_str(s);
                        }
                        j.end_array();
                        j.opt_str("current_session", current);
                    } else if (k == "Since") {
                        const size_t semi = v.find("; ");
                        j.str("since", v.substr(0, semi));
                        if (semi != std::string_view::npos) {
                            j.str("since_ago", v.substr(semi + 2));
                        }
                    } else {
                        std::string key;
                        for (char ch : k) {
                            key.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
                        }
                        j.str(key, v);
                        if (k == "Linger" && v == "yes") {
                            notable.emplace_back("linger: user services start at boot");
                        }
                    }
                    continue;
                }
                if (!in_unit) {
                    continue;  // a continuation of another key (none is known to wrap)
                }
                const std::string_view s = strip_tree(lines[i]);
                const size_t sp = s.find(' ');
                const auto pid = to_int(s.substr(0, sp));
                if (!pid || sp == std::string_view::npos) {
                    groups.push_back(s);
                    continue;
                }
                if (!procs_open) {
                    j.begin_array("processes");
                    procs_open = true;
                }
                const std::string_view cmd = trim(s.substr(sp));
                j.begin_object().num("pid", *pid).str("command", cmd).end_object();
                std::string_view c = cmd;
                if (c.starts_with("\"")) {
                    c.remove_prefix(1);
                }
                for (std::string_view d : {"/tmp/", "/var/tmp/", "/dev/shm/", "/home/", "/root/"}) {
                    if (c.starts_with(d)) {
                        notable.push_back("process " + std::to_string(*pid) + " runs from " +
                                          std::string(d) + ": " + std::string(cmd));
                        break;
                    }
                }
            }
            if (procs_open) {
                j.end_array();
            }
            if (!groups.empty()) {
                j.begin_array("units");
                for (auto g : groups) {
                    j.value_str(g);
                }
                j.end_array();
            }
            if (!notable.empty()) {
                j.begin_array("notable");
                for (const auto& s : notable) {
                    j.value_str(s);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_loginctl_parser() {
    static const LoginctlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
