// linux.last: `last` and `lastb` (plain, -F, -i, -a, -x, -w, --time-format iso), several
// runs appended into one file (UAC `last -f` loops, Cat-Scale last-wtmp.txt).
//
// One record per session row, jc's field names (user, tty, hostname, login, logout,
// duration, login_epoch, logout_epoch, duration_seconds) plus `failed` (lastb), and
// `login_year_inferred` when the year came from outside the row.  Beyond jc:
// - an empty user (lastb of an empty login name) does not shift the columns;
// - the host is found before the time or, with -a, after the duration;
// - year-less times (no -F) are resolved: the `wtmp begins … YYYY` footer gives the oldest
//   row's year and rows run forwards from it; without a footer rows run newest first from
//   the collection's `date` or archive time (time_anchor()), each row's year the latest
//   one not after the row before; the weekday printed confirms the year either way.  Epochs are
//   real UTC seconds (host offset from the `date` output when known), not jc's machine-local naive
//   ones;
// - @timestamp = login time; user.name (not for reboot/shutdown/runlevel rows),
//   source.ip when the host is an address; event.action user_login|reboot|shutdown|runlevel,
//   lastb rows event.outcome failure.  The raw texts stay in login/logout/duration.
#include <algorithm>
#include <array>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

int weekday_number(std::string_view s) {
    static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                              "Thu", "Fri", "Sat"};
    for (size_t i = 0; i < kDays.size(); ++i) {
        if (s == kDays[i]) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

int weekday_of(int64_t days) {
    // 1970-01-01 was a Thursday (4).
    const int64_t w = (days + 4) % 7;
    return static_cast<int>(w < 0 ? w + 7 : w);
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool parse_clock(std::string_view s, int& h, int& m, int& sec, bool& has_sec) {
    has_sec = false;
    if (s.size() != 5 && s.size() != 8) {
        return false;
    }
    if (!all_digits(s.substr(0, 2)) || s[2] != ':' || !all_digits(s.substr(3, 2))) {
        return false;
    }
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    sec = 0;
    if (s.size() == 8) {
        if (s[5] != ':' || !all_digits(s.substr(6, 2))) {
            return false;
        }
        sec = (s[6] - '0') * 10 + (s[7] - '0');
        has_sec = true;
    }
    return h < 24 && m < 60 && sec < 61;
}

bool is_iso(std::string_view t) {
    return t.size() >= 19 && all_digits(t.substr(0, 4)) && t[4] == '-' && t[7] == '-' &&
           t[10] == 'T';
}

// A time as last prints it: "Fri Nov 27 06:41" (4 tokens), "Fri Nov 27 06:41:10 2026" (5),
// or an ISO token.
struct When {
    int wday = -1;
    int month = 0;
    int day = 0;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    int year = 0;  // 0: not printed
    bool iso = false;
    int64_t iso_epoch = 0;
    size_t tokens = 0;
};

using Tokens = Fields<40>;

bool read_when(const Tokens& tk, size_t i, When& w) {
    w = When{};
    if (i >= tk.n) {
        return false;
    }
    if (is_iso(tk.t[i])) {
        const auto e = parse_iso_time(tk.t[i]);
        if (!e) {
            return false;
        }
        w.iso = true;
        w.iso_epoch = *e;
        w.tokens = 1;
        return true;
    }
    if (i + 3 >= tk.n) {
        return false;
    }
    w.wday = weekday_number(tk.t[i]);
    w.month = month_number(tk.t[i + 1]);
    if (w.wday < 0 || w.month == 0 || tk.t[i + 1].size() != 3 || !all_digits(tk.t[i + 2]) ||
        tk.t[i + 2].size() > 2) {
        return false;
    }
    w.day =
        (tk.t[i + 2].size() == 2 ? (tk.t[i + 2][0] - '0') * 10 : 0) + (tk.t[i + 2].back() - '0');
    bool has_sec = false;
    if (w.day < 1 || w.day > 31 || !parse_clock(tk.t[i + 3], w.hh, w.mm, w.ss, has_sec)) {
        return false;
    }
    w.tokens = 4;
    if (has_sec && i + 4 < tk.n && tk.t[i + 4].size() == 4 && all_digits(tk.t[i + 4])) {
        w.year = (tk.t[i + 4][0] - '0') * 1000 + (tk.t[i + 4][1] - '0') * 100 +
                 (tk.t[i + 4][2] - '0') * 10 + (tk.t[i + 4][3] - '0');
        w.tokens = 5;
    }
    return true;
}

struct Row {
    uint64_t line_no = 0;
    std::string_view line;
    std::string_view user;
    std::string_view tty;
    std::string_view host;
    std::string_view login;  // raw text span (tokens joined later)
    std::string_view logout;
    std::string_view duration;
    When in;
    When out;                // full logout time (-F / iso)
    bool out_clock = false;  // logout is "HH:MM"
    int out_hh = 0;
    int out_mm = 0;
    bool system = false;  // reboot / shutdown / runlevel
    int64_t login_epoch = 0;
    bool has_login_epoch = false;
    bool year_inferred = false;
};

// Span of the text from token a to token b (inclusive) within the line.
std::string_view span(const Tokens& tk, size_t a, size_t b) {
    const char* s = tk.t[a].data();
    const char* e = tk.t[b].data() + tk.t[b].size();
    return std::string_view(s, static_cast<size_t>(e - s));
}

bool parse_row(std::string_view line, Tokens& tk, Row& row) {
    tokenize(line, tk);
    if (tk.n > 0 && tk.t[0].starts_with('#')) {
        return false;  // a comment line of some other file, never a user
    }
    size_t k = 0;
    When w;
    for (k = 1; k < tk.n; ++k) {
        if (read_when(tk, k, w)) {
            break;
        }
    }
    if (k >= tk.n) {
        return false;
    }
    row.line = line;
    row.in = w;
    row.login = span(tk, k, k + w.tokens - 1);
    // Prefix: [user] tty [host].
    size_t i = 0;
    const bool no_user = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!no_user) {
        row.user = tk.t[i++];
    }
    if (i < k) {
        size_t j = i;
        if (tk.t[i] == "system" && i + 1 < k && (tk.t[i + 1] == "boot" || tk.t[i + 1] == "down")) {
            j = i + 1;
            row.system = true;
        } else if (tk.t[i].starts_with("(")) {
            while (j + 1 < k && !tk.t[j].ends_with(")")) {
                ++j;
            }
            row.system = true;
        }
        row.tty = span(tk, i, j);
        i = j + 1;
    }
    if (i < k) {
        row.host = span(tk, i, k - 1);
    }
    if (row.user == "reboot" || row.user == "shutdown" || row.user == "runlevel") {
        row.system = row.system || row.tty.empty() || row.tty == "~";
    }
    // Suffix: "- logout" | "still logged in" | "gone - no logout" | "still running", then
    // "(duration)", then (with -a) the host.
    size_t s = k + w.tokens;
    if (s < tk.n && tk.t[s] == "-" && s + 1 < tk.n) {
        ++s;
        When o;
        int h = 0;
        int m = 0;
        int sec = 0;
        bool has_sec = false;
        if (read_when(tk, s, o)) {
            row.out = o;
            row.logout = span(tk, s, s + o.tokens - 1);
            s += o.tokens;
        } else if (parse_clock(tk.t[s], h, m, sec, has_sec)) {
            row.out_clock = true;
            row.out_hh = h;
            row.out_mm = m;
            row.logout = tk.t[s];
            ++s;
        } else if (!tk.t[s].starts_with("(")) {
            row.logout = tk.t[s];  // crash, down
            ++s;
        }
    } else if (s + 2 < tk.n && tk.t[s] == "still" && tk.t[s + 1] == "logged" &&
               tk.t[s + 2] == "in") {
        row.logout = span(tk, s, s + 2);
        s += 3;
    } else if (s + 3 < tk.n && tk.t[s] == "gone" && tk.t[s + 1] == "-" && tk.t[s + 2] == "no" &&
               tk.t[s + 3] == "logout") {
        row.logout = span(tk, s, s + 3);
        s += 4;
    } else if (s + 1 < tk.n && tk.t[s] == "still" && tk.t[s + 1] == "running") {
        row.logout = span(tk, s, s + 1);
        s += 2;
    } else if (s + 1 < tk.n && tk.t[s] == "no" && tk.t[s + 1] == "logout") {
        row.logout = span(tk, s, s + 1);
        s += 2;
    }
    if (s < tk.n && tk.t[s].starts_with("(") && tk.t[s].ends_with(")") && tk.t[s].size() >= 2) {
        row.duration = tk.t[s].substr(1, tk.t[s].size() - 2);
        ++s;
    }
    if (s < tk.n && row.host.empty()) {
        row.host = span(tk, s, tk.n - 1);
    }
    return true;
}

// "1+02:03" -> seconds; "00:30" -> seconds; "-2:-24" (clock went back) -> negative.
std::optional<int64_t> duration_seconds(std::string_view d) {
    int64_t days = 0;
    const size_t plus = d.find('+');
    if (plus != std::string_view::npos) {
        const auto v = to_int(d.substr(0, plus));
        if (!v) {
            return std::nullopt;
        }
        days = *v;
        d = d.substr(plus + 1);
    }
    const size_t colon = d.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto h = to_int(d.substr(0, colon));
    const auto m = to_int(d.substr(colon + 1));
    if (!h || !m) {
        return std::nullopt;
    }
    return days * 86400 + *h * 3600 + *m * 60;
}

int64_t local_days(int year, int month, int day) {
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

int64_t floor_days(int64_t secs) {
    return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

int year_of_days(int64_t days) {
    // Year of a day number: step from an estimate.
    int y = static_cast<int>(1970 + days / 365);
    while (local_days(y, 1, 1) > days) {
        --y;
    }
    while (local_days(y + 1, 1, 1) <= days) {
        ++y;
    }
    return y;
}

// The year for month/day not after `limit_days` (local day number), preferring one whose
// weekday matches; `later` searches forward from `limit_days` instead.
int pick_year(const When& w, int64_t limit_days, bool later) {
    const int base_year = year_of_days(limit_days);
    int y = base_year;
    if (!later) {
        if (local_days(y, w.month, w.day) > limit_days) {
            --y;
        }
    } else if (local_days(y, w.month, w.day) < limit_days) {
        ++y;
    }
    if (w.wday < 0) {
        return y;
    }
    for (int k = 0; k < 12; ++k) {
        const int cand = later ? y + k : y - k;
        // Feb 29 of a non-leap year normalises to Mar 1; the weekday check rejects it.
        if (weekday_of(local_days(cand, w.month, w.day)) == w.wday) {
            return cand;
        }
    }
    return y;
}

int64_t when_wall(const When& w, int year) {
    return local_days(year, w.month, w.day) * 86400 + w.hh * 3600 + w.mm * 60 + w.ss;
}

bool is_footer(std::string_view t, When& begins, Tokens& tk) {
    // "wtmp begins Wed Dec 31 23:40:02 2025", "btmp begins ...", "wtmp.1 begins ...", and
    // translated (util-linux-locales): de "wtmp beginnt …", ja "wtmp は … から始まっています",
    // fr "wtmp commence le …".  The date itself stays English (ctime).
    tokenize(t, tk);
    // A comment ("# Completed on Fri Nov 27 06:32:29 2026", iptables-save) names no file.
    if (tk.n < 2 || tk.t[0].starts_with('#')) {
        return false;
    }
    if (tk.t[1] == "begins") {
        if (!read_when(tk, 2, begins)) {
            begins = When{};
        }
        return true;
    }
    // Translated: the file name, one or two words without digits or tty marks, the full date
    // (with seconds and year, which rows only have with -F), then at most two words that are
    // none of a row's logout/duration forms.
    for (size_t k = 2; k <= 3 && k < tk.n; ++k) {
        const std::string_view word = tk.t[k - 1];
        if (word.find_first_of("/:0123456789()") != std::string_view::npos) {
            return false;
        }
        if (!read_when(tk, k, begins) || begins.year == 0) {
            continue;
        }
        const size_t after = k + begins.tokens;
        if (tk.n - after > 2) {
            return false;
        }
        for (size_t i = after; i < tk.n; ++i) {
            if (tk.t[i] == "-" || tk.t[i].starts_with("(") || tk.t[i] == "still" ||
                tk.t[i] == "gone" || tk.t[i] == "no") {
                return false;
            }
        }
        return true;
    }
    begins = When{};
    return false;
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    Tokens tk;
    Row row;
    When begins;
    int rows = 0;
    int other = 0;
    bool footer = false;
    for (size_t i = 0; i < lines.size() && i < 30; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        if (is_footer(t, begins, tk)) {
            footer = true;
            continue;
        }
        row = Row{};
        if (parse_row(lines[i], tk, row) &&
            (!row.logout.empty() || !row.duration.empty() || row.in.year != 0 || row.in.iso)) {
            ++rows;
        } else {
            ++other;
        }
    }
    if (rows == 0) {
        return footer && other == 0 ? 60 : 0;
    }
    if (footer) {
        return 85;
    }
    return rows >= other * 2 ? 70 : 0;
}

class LastParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.last";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "last") ? std::min(90, score + 10) : score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        const std::string cmd =
            command_line_hint(ctx.member, std::string_view(text).substr(0, 4096));
        const bool name_says_lastb = cmd.starts_with("lastb") ||
                                     std::string_view(cmd).find("btmp") != std::string_view::npos;
        const TimeAnchor anchor = time_anchor(ctx);
        LineCounter lc(text);
        Tokens tk;
        std::vector<Row> block;
        Emitter em{anchor, sink, Record{}, std::string(), std::string()};
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t line_no = lc.line_of(line);
            When begins;
            if (is_footer(t, begins, tk)) {
                const bool btmp = t.starts_with("btmp") || name_says_lastb;
                em.flush(block, begins, btmp);
                continue;
            }
            Row row;
            if (!parse_row(line, tk, row)) {
                sink.emit(make_error_record(line_no, true, "linux.last: not a last row", t));
                continue;
            }
            row.line_no = line_no;
            block.push_back(row);
        }
        em.flush(block, When{}, name_says_lastb);
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true,
                                        "linux.last: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    struct Emitter {
        const TimeAnchor& anchor;
        RecordSink& sink;
        Record r;
        std::string login_buf;
        std::string logout_buf;

        void resolve(std::vector<Row>& rows, const When& begins) {
            const bool footer = begins.month != 0 && begins.year != 0;
            if (!footer && anchor.valid) {
                // Newest first: each row is not after the one before it (a day of slack).
                int64_t limit = floor_days(anchor.now_local()) + 1;
                for (Row& row : rows) {
                    if (row.in.iso) {
                        row.login_epoch = row.in.iso_epoch;
                        row.has_login_epoch = true;
                        continue;
                    }
                    int y = row.in.year;
                    if (y == 0) {
                        y = pick_year(row.in, limit, false);
                        row.year_inferred = true;
                    }
                    const int64_t wall = when_wall(row.in, y);
                    row.in.year = y;
                    row.login_epoch = wall - anchor.offset_at_wall(wall);
                    row.has_login_epoch = true;
                    limit = floor_days(wall) + 1;
                }
                return;
            }
            // The file's own `begins` footer (or no anchor at all): year-less rows from the
            // footer forwards, oldest first.
            int64_t floor_limit = begins.month != 0 && begins.year != 0
                                      ? local_days(begins.year, begins.month, begins.day)
                                      : INT64_MIN;
            for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
                Row& row = *it;
                if (row.in.iso) {
                    row.login_epoch = row.in.iso_epoch;
                    row.has_login_epoch = true;
                    continue;
                }
                int y = row.in.year;
                if (y == 0) {
                    if (floor_limit == INT64_MIN) {
                        continue;
                    }
                    y = pick_year(row.in, floor_limit, true);
                    row.year_inferred = true;
                }
                const int64_t wall = when_wall(row.in, y);
                row.in.year = y;
                row.login_epoch = wall - anchor.offset_at_wall(wall);
                row.has_login_epoch = true;
                floor_limit = floor_days(wall);
            }
        }

        void flush(std::vector<Row>& rows, const When& begins, bool btmp) {
            resolve(rows, begins);
            for (const Row& row : rows) {
                emit(row, btmp);
            }
            rows.clear();
        }

        void emit(const Row& row, bool btmp) {
            std::optional<int64_t> logout_epoch;
            if (row.out.iso) {
                logout_epoch = row.out.iso_epoch;
            } else if (row.out.month != 0 && row.out.year != 0) {
                const int64_t out_wall = when_wall(row.out, row.out.year);
                logout_epoch = out_wall - anchor.offset_at_wall(out_wall);
            } else if (row.out_clock && row.has_login_epoch) {
                // Same day as the login, or the day the duration says; past midnight +1.
                const int64_t login_wall = row.login_epoch + anchor.offset_at_utc(row.login_epoch);
                int64_t days = floor_days(login_wall);
                if (auto d = duration_seconds(row.duration); d && *d > 0) {
                    days = floor_days(login_wall + *d);
                }
                int64_t wall = days * 86400 + row.out_hh * 3600 + row.out_mm * 60;
                if (wall < login_wall - 60) {
                    wall += 86400;
                }
                logout_epoch = wall - anchor.offset_at_wall(wall);
            }
            const bool failed = btmp;
            r.clear();
            r.dataset = "linux.last";
            r.position = row.line_no;
            if (row.has_login_epoch) {
                r.timestamp = format_utc(row.login_epoch);
            }
            {
                JsonWriter ev(r.event_fields);
                ev.resume_object(false);
                std::string_view action = "user_login";
                if (row.system) {
                    action = row.user == "reboot"     ? "reboot"
                             : row.user == "shutdown" ? "shutdown"
                             : row.user == "runlevel" ? "runlevel"
                                                      : "system";
                }
                ev.str("action", action);
                if (!row.system) {
                    ev.str("category", "authentication");
                }
                if (failed) {
                    ev.str("outcome", "failure");
                } else if (!row.system) {
                    ev.str("outcome", "success");
                }
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            if (!row.system && !row.user.empty()) {
                w.begin_object("user").str("name", row.user).end_object();
            }
            if (!row.system && is_ip_literal(row.host) && row.host != "0.0.0.0" &&
                row.host != "::") {
                w.begin_object("source").str("ip", row.host).end_object();
            } else if (!row.system && !row.host.empty() && row.host != "0.0.0.0") {
                w.begin_object("source").str("address", row.host).end_object();
            }
            w.begin_object("linux").begin_object("last");
            if (row.user.empty()) {
                w.null("user");
            } else {
                w.str("user", row.user);
            }
            if (row.tty.empty() || row.tty == "~") {
                w.null("tty");
            } else {
                w.str("tty", row.tty);
            }
            if (row.host.empty() || row.host == "-") {
                w.null("hostname");
            } else {
                w.str("hostname", row.host);
            }
            w.str("login", collapse_spaces(row.login, login_buf));
            if (!row.logout.empty()) {
                w.str("logout", collapse_spaces(row.logout, logout_buf));
            }
            if (!row.duration.empty()) {
                // jc's form: "1+02:03" -> "26:03".
                const size_t plus = row.duration.find('+');
                const auto days = plus == std::string_view::npos
                                      ? std::optional<int64_t>{}
                                      : to_int(row.duration.substr(0, plus));
                if (days) {
                    const std::string_view rest = row.duration.substr(plus + 1);
                    const size_t colon = rest.find(':');
                    const auto hours = to_int(rest.substr(0, colon));
                    if (hours && colon != std::string_view::npos) {
                        std::string d = std::to_string(*days * 24 + *hours);
                        d.append(rest.substr(colon));
                        w.str("duration", d);
                    } else {
                        w.str("duration", row.duration);
                    }
                } else {
                    w.str("duration", row.duration);
                }
            }
            if (row.has_login_epoch) {
                w.num("login_epoch", row.login_epoch);
            }
            if (logout_epoch) {
                w.num("logout_epoch", *logout_epoch);
            }
            if (row.has_login_epoch && logout_epoch) {
                w.num("duration_seconds", *logout_epoch - row.login_epoch);
            }
            if (row.year_inferred) {
                w.boolean("login_year_inferred", true);
            }
            if (failed) {
                w.boolean("failed", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
    };
};

}  // namespace

const Parser& linux_last_parser() {
    static const LastParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
