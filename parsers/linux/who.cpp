// linux.who: `who`, `who -a`, `who -H`, `who -T`, `who -u` (coreutils), any locale.
//
// One record per utmp row, jc's field names (user, event, writeable_tty, tty, time, epoch,
// idle, pid, from, comment).  The time is found by its shape (`2026-11-27 06:41`, or
// `Nov 27 06:41` in the C locale), so translated words (`Systemstart`, `システム起動`) and
// an empty NAME column do not shift the other fields; boot and run-level rows get jc's
// events (`reboot`, `run-level 5`) in every language.  epoch is real UTC (the host offset
// from the collection's `date` when known; year-less C-locale times take the year from
// the collection time); @timestamp = that time; user.name, process.pid, source.ip.
#include <algorithm>
#include <array>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

using Tokens = Fields<32>;

bool clock_hm(std::string_view s, int& h, int& m) {
    if (s.size() != 5 || s[2] != ':' || !is_digits(s.substr(0, 2)) || !is_digits(s.substr(3))) {
        return false;
    }
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60;
}

struct When {
    size_t tokens = 0;
    int year = 0;
    int month = 0;
    int day = 0;
    int hh = 0;
    int mm = 0;
};

bool read_when(const Tokens& tk, size_t i, When& w) {
    w = When{};
    if (i + 1 < tk.n && tk.t[i].size() == 10 && tk.t[i][4] == '-' && tk.t[i][7] == '-' &&
        is_digits(tk.t[i].substr(0, 4)) && is_digits(tk.t[i].substr(5, 2)) &&
        is_digits(tk.t[i].substr(8, 2)) && clock_hm(tk.t[i + 1], w.hh, w.mm)) {
        w.year = static_cast<int>(*to_int(tk.t[i].substr(0, 4)));
        w.month = static_cast<int>(*to_int(tk.t[i].substr(5, 2)));
        w.day = static_cast<int>(*to_int(tk.t[i].substr(8, 2)));
        w.tokens = 2;
        return w.month >= 1 && w.month <= 12 && w.day >= 1 && w.day <= 31;
    }
    if (i + 2 < tk.n && month_number(tk.t[i]) != 0 && tk.t[i].size() <= 5 &&
        is_digits(tk.t[i + 1]) && tk.t[i + 1].size() <= 2 && clock_hm(tk.t[i + 2], w.hh, w.mm)) {
        w.month = month_number(tk.t[i]);
        w.day = static_cast<int>(*to_int(tk.t[i + 1]));
        w.tokens = 3;
        return w.day >= 1 && w.day <= 31;
    }
    return false;
}

std::string_view span(const Tokens& tk, size_t a, size_t b) {
    const char* s = tk.t[a].data();
    const char* e = tk.t[b].data() + tk.t[b].size();
    return std::string_view(s, static_cast<size_t>(e - s));
}

bool is_device(std::string_view t) {
    return t.find('/') != std::string_view::npos || t.starts_with("tty") || t.starts_with(":") ||
           t.starts_with("console") || t.starts_with("seat");
}

struct Row {
    std::string_view user;
    std::string_view mesg;
    std::string_view line;  // tty, or the "system boot" / "run-level 5" text
    std::string_view time;
    std::string_view idle;
    std::string_view pid;
    std::string_view from;
    std::string_view comment;
    When when;
};

bool parse_row(std::string_view line, Tokens& tk, Row& row) {
    tokenize(line, tk);
    size_t k = 1;
    for (; k < tk.n && k <= 5; ++k) {
        if (read_when(tk, k, row.when)) {
            break;
        }
    }
    if (k >= tk.n || k > 5 || row.when.tokens == 0) {
        return false;
    }
    row.time = span(tk, k, k + row.when.tokens - 1);
    size_t i = 0;
    const bool no_user = line[0] == ' ' || line[0] == '\t';
    if (!no_user) {
        row.user = tk.t[i++];
    }
    if (i < k && tk.t[i].size() == 1 && (tk.t[i] == "+" || tk.t[i] == "-" || tk.t[i] == "?")) {
        row.mesg = tk.t[i++];
    }
    if (i >= k) {
        return false;
    }
    row.line = span(tk, i, k - 1);
    size_t s = k + row.when.tokens;
    int h = 0;
    int m = 0;
    if (s < tk.n &&
        (tk.t[s] == "." || tk.t[s] == "old" || tk.t[s] == "?" || clock_hm(tk.t[s], h, m))) {
        row.idle = tk.t[s++];
    }
    if (s < tk.n && is_digits(tk.t[s])) {
        row.pid = tk.t[s++];
    }
    if (s < tk.n && tk.t[s].starts_with("(")) {
        size_t e = s;
        while (e + 1 < tk.n && !tk.t[e].ends_with(")")) {
            ++e;
        }
        std::string_view f = span(tk, s, e);
        f.remove_prefix(1);
        if (f.ends_with(")")) {
            f.remove_suffix(1);
        }
        row.from = f;
        s = e + 1;
    }
    if (s < tk.n) {
        row.comment = span(tk, s, tk.n - 1);
    }
    return true;
}

bool is_header(std::string_view t) {
    // NAME LINE TIME [IDLE PID COMMENT EXIT] (or a translation: all upper-case words).
    Tokens tk;
    tokenize(t, tk);
    if (tk.n < 3) {
        return false;
    }
    for (size_t i = 0; i < tk.n; ++i) {
        for (unsigned char c : tk.t[i]) {
            if (c >= 'a' && c <= 'z') {
                return false;
            }
            if (c >= '0' && c <= '9') {
                return false;
            }
        }
    }
    return true;
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    Tokens tk;
    int rows = 0;
    int other = 0;
    for (size_t i = 0; i < lines.size() && i < 30; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty() || (i == 0 && is_header(t))) {
            continue;
        }
        Row row;
        if (parse_row(lines[i], tk, row) && row.comment.size() < 80) {
            ++rows;
        } else {
            ++other;
        }
    }
    if (rows == 0 || rows < other * 3) {
        return 0;
    }
    return 65;
}

class WhoParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.who";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "who") ? 88 : score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        const TimeAnchor anchor = time_anchor(ctx);
        LineCounter lc(text);
        Tokens tk;
        Record r;
        std::string time_buf;
        std::string comment_buf;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t line_no = lc.line_of(line);
            Row row;
            if (!parse_row(line, tk, row)) {
                if (!is_header(t)) {
                    sink.emit(make_error_record(line_no, true, "linux.who: not a who row", t));
                }
                continue;
            }
            // Which kind of row.
            std::string_view event;
            std::string runlevel_buf;
            const bool device = is_device(row.line);
            std::string_view user = row.user;
            if (row.user.empty() && !device && row.pid.empty()) {
                const char last = row.line.back();
                if (last >= '0' && last <= '9') {
                    runlevel_buf = "run-level ";
                    runlevel_buf.push_back(last);
                    event = runlevel_buf;
                } else if (last == 'S' || last == 's') {
                    event = "run-level S";
                } else {
                    event = "reboot";
                }
            } else if (row.user == "LOGIN") {
                event = "login";
                user = {};
            }
            int64_t epoch = 0;
            bool has_epoch = false;
            int year = row.when.year;
            if (year == 0) {
                year = resolve_year(anchor, row.when.month, row.when.day);
            }
            if (year != 0) {
                epoch = wall_to_utc(anchor, year, row.when.month, row.when.day, row.when.hh,
                                    row.when.mm, 0);
                has_epoch = true;
            }
            const auto pid = to_int(row.pid);

            r.clear();
            r.dataset = "linux.who";
            r.position = line_no;
            if (has_epoch) {
                r.timestamp = format_utc(epoch);
            }
            {
                JsonWriter ev(r.event_fields);
                ev.resume_object(false);
                if (event == "reboot") {
                    ev.str("action", "reboot");
                } else if (event.starts_with("run-level")) {
                    ev.str("action", "runlevel");
                } else if (event == "login") {
                    ev.str("action", "login_prompt");
                } else if (!user.empty()) {
                    ev.str("action", "user_session");
                } else {
                    ev.str("action", "dead_process");
                }
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            if (!user.empty()) {
                w.begin_object("user").str("name", user).end_object();
            }
            if (pid) {
                w.begin_object("process").num("pid", *pid).end_object();
            }
            if (is_ip_literal(row.from)) {
                w.begin_object("source").str("ip", row.from).end_object();
            }
            w.begin_object("linux").begin_object("who");
            if (!user.empty()) {
                w.str("user", user);
            }
            if (!event.empty()) {
                w.str("event", event);
            }
            if (!row.mesg.empty()) {
                w.str("writeable_tty", row.mesg);
            }
            if (event.empty() || event == "login") {
                w.str("tty", row.line);
            }
            w.str("time", collapse_spaces(row.time, time_buf));
            if (has_epoch) {
                w.num("epoch", epoch);
            }
            if (!row.idle.empty()) {
                w.str("idle", row.idle);
            }
            if (pid) {
                w.num("pid", *pid);
            }
            if (!row.from.empty()) {
                w.str("from", row.from);
            }
            if (!row.comment.empty()) {
                w.str("comment", collapse_spaces(row.comment, comment_buf));
            }
            if (!event.empty() && event != "login" && row.line != "system boot" &&
                !row.line.starts_with("run-level")) {
                w.str("event_text", row.line);  // the localized words as printed
            }
            if (row.when.year == 0 && has_epoch) {
                w.boolean("year_inferred", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true, "linux.who: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_who_parser() {
    static const WhoParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
