// linux.w: `w`, `w -i`, `w -f` (no FROM), `w -h` (no header), `w -o`, any locale.
//
// One record per session row, jc's field names (user, tty, from, login_at, idle, jcpu, pcpu,
// what).  WHAT is the rest of the line, spaces kept.  The FROM column is taken from the
// header by position (its title may be translated: `VON`), or without a header from the
// shape of the row.  Beyond jc: LOGIN@ (`06:41`, `Thu22`, `21Oct19`) resolves to
// @timestamp against the collection's `date` / archive time (login_at_precision says
// minute or day); user.name, source.ip (FROM when an address), process.command_line =
// WHAT; an 8-character USER or 16-character FROM is flagged *_may_be_truncated (w cuts
// them silently).
#include <algorithm>
#include <array>
#include <utility>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

// LOGIN@ forms (procps prints %a and %b in the user's locale): "HH:MM" (today), weekday +
// hour this week ("Thu22", de "Mi22", ru "Ср22", ja "水22"), day + month + 2-digit year
// ("21Oct19", "05Mär26", "12ноя26", "1211月26"; ja pads one-digit months: "05 3月26").
// The weekday-hour split: (weekday, hour) or (-1, -1).
std::pair<int, int> weekday_hour(std::string_view s) {
    if (s.size() < 3 || !is_digits(s.substr(s.size() - 2))) {
        return {-1, -1};
    }
    const int wd = weekday_index(s.substr(0, s.size() - 2));
    const int hh = (s[s.size() - 2] - '0') * 10 + (s.back() - '0');
    return wd >= 0 && hh < 24 ? std::pair{wd, hh} : std::pair{-1, -1};
}

// Day, month and year of "21Oct19" / "05 3月26": the month text sits between two digit pairs.
bool day_month_year(std::string_view s, int& day, int& month, int& yy) {
    if (s.size() < 7 || !is_digits(s.substr(0, 2)) || !is_digits(s.substr(s.size() - 2))) {
        return false;
    }
    month = month_number(trim(s.substr(2, s.size() - 4)));
    day = (s[0] - '0') * 10 + (s[1] - '0');
    yy = (s[s.size() - 2] - '0') * 10 + (s.back() - '0');
    return month != 0 && day >= 1 && day <= 31;
}

bool is_login_at(std::string_view s) {
    if (s.size() == 5 && s[2] == ':' && is_digits(s.substr(0, 2)) && is_digits(s.substr(3))) {
        return true;
    }
    if (weekday_hour(s).first >= 0) {
        return true;
    }
    int d = 0;
    int m = 0;
    int y = 0;
    return day_month_year(s, d, m, y);
}

// The LOGIN@ cell at the cursor: one field, or two when ja_JP's padded month splits it
// ("05" "3月26"); empty when the next field(s) are not a LOGIN@ value.
std::string_view take_login(FieldCursor& cur) {
    const std::string_view a = cur.next();
    if (a.size() == 2 && is_digits(a)) {
        FieldCursor peek = cur;
        const std::string_view b = peek.next();
        if (!b.empty()) {
            const std::string_view both(a.data(),
                                        static_cast<size_t>(b.data() + b.size() - a.data()));
            if (b.size() >= 3 && both.size() <= 16 && is_login_at(both)) {
                cur = peek;
                return both;
            }
        }
    }
    return is_login_at(a) ? a : std::string_view{};
}

bool is_header(std::string_view t) {
    return t.starts_with("USER") && t.find("TTY") != std::string_view::npos &&
           t.find("LOGIN@") != std::string_view::npos;
}

bool is_uptime_line(std::string_view t) {
    // " 07:25:33 up  1:19,  3 users,  load average: ..." in any language.
    const size_t up = t.find(" up ");
    return t.size() > 8 && t[2] == ':' && t[5] == ':' && up != std::string_view::npos && up <= 12;
}

struct Row {
    std::string_view user;
    std::string_view tty;
    std::string_view from;
    std::string_view login_at;
    std::string_view idle;
    std::string_view jcpu;
    std::string_view pcpu;
    std::string_view what;
};

// Column starts from the header (w prints USER, TTY and FROM at fixed widths).
struct Layout {
    size_t tty = 0;
    size_t from = 0;
    size_t login = 0;
};

// With FROM in the header, an empty FROM cell is blanks: cut by position.
bool parse_row_at(std::string_view line, const Layout& l, Row& row) {
    if (l.from == 0 || l.login <= l.from || line.size() <= l.login || line[l.tty - 1] != ' ' ||
        line[l.from - 1] != ' ' || line[l.login - 1] != ' ') {
        return false;
    }
    row.user = trim(line.substr(0, l.tty));
    row.tty = trim(line.substr(l.tty, l.from - l.tty));
    row.from = trim(line.substr(l.from, l.login - l.from));
    if (row.user.empty() || row.tty.empty() || row.user.find(' ') != std::string_view::npos ||
        row.tty.find(' ') != std::string_view::npos ||
        row.from.find(' ') != std::string_view::npos) {
        return false;
    }
    FieldCursor cur(line.substr(l.login));
    row.login_at = take_login(cur);
    row.idle = cur.next();
    row.jcpu = cur.next();
    row.pcpu = cur.next();
    row.what = cur.remainder();
    while (!row.what.empty() && (row.what.back() == ' ' || row.what.back() == '\t')) {
        row.what.remove_suffix(1);
    }
    return !row.pcpu.empty() && !row.login_at.empty();
}

// has_from: 1 yes, 0 no, -1 decide from the row.
bool parse_row(std::string_view t, int has_from, Row& row) {
    FieldCursor cur(t);
    row.user = cur.next();
    row.tty = cur.next();
    bool from = has_from == 1;
    if (has_from < 0) {
        // Without a header: FROM is there unless LOGIN@ follows TTY directly.
        FieldCursor peek = cur;
        const bool login_next = !take_login(peek).empty();
        const std::string_view after = peek.next();
        from = !(login_next && !is_login_at(after));
    }
    if (from) {
        row.from = cur.next();
    }
    row.login_at = take_login(cur);
    row.idle = cur.next();
    row.jcpu = cur.next();
    row.pcpu = cur.next();
    row.what = cur.remainder();
    while (!row.what.empty() && (row.what.back() == ' ' || row.what.back() == '\t')) {
        row.what.remove_suffix(1);
    }
    return !row.pcpu.empty() && !row.login_at.empty();
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    bool header = false;
    int rows = 0;
    int other = 0;
    for (size_t i = 0; i < lines.size() && i < 30; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        if (is_header(t)) {
            header = true;
            continue;
        }
        if (i == 0 && is_uptime_line(t)) {
            continue;
        }
        Row row;
        if (parse_row(t, -1, row)) {
            ++rows;
        } else {
            ++other;
        }
    }
    if (header) {
        return rows >= other ? 85 : 0;
    }
    return rows > 0 && other == 0 ? 40 : 0;
}

class WParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.w";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "w") ? std::min(90, score + 45) : score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        const TimeAnchor anchor = time_anchor(ctx);
        LineCounter lc(text);
        Record r;
        int has_from = -1;
        Layout layout;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (is_header(t)) {
                // USER TTY [FROM] LOGIN@ IDLE JCPU PCPU WHAT: FROM (or its translation) is
                // the word between TTY and LOGIN@.
                const size_t tty = t.find("TTY");
                const size_t login = t.find("LOGIN@");
                has_from =
                    trim(t.substr(tty + 3, login > tty + 3 ? login - tty - 3 : 0)).empty() ? 0 : 1;
                layout = Layout{};
                if (has_from == 1 && t.data() == line.data() && tty > 0) {
                    FieldCursor hc(t.substr(tty + 3));
                    const std::string_view from_word = hc.next();
                    layout.tty = tty;
                    layout.from = static_cast<size_t>(from_word.data() - t.data());
                    layout.login = login;
                }
                continue;
            }
            if (is_uptime_line(t)) {
                continue;  // " 07:25:33 up  1:19,  3 users,  load average: ..."
            }
            const uint64_t line_no = lc.line_of(line);
            Row row;
            if (!parse_row_at(line, layout, row) && !parse_row(t, has_from, row)) {
                sink.emit(make_error_record(line_no, true, "linux.w: not a w row", t));
                continue;
            }
            std::optional<int64_t> epoch;
            std::string_view precision;
            resolve_login(anchor, row.login_at, epoch, precision);

            r.clear();
            r.dataset = "linux.w";
            r.position = line_no;
            if (epoch) {
                r.timestamp = format_utc(*epoch);
            }
            {
                JsonWriter ev(r.event_fields);
                ev.resume_object(false).str("action", "user_session");
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("user").str("name", row.user).end_object();
            if (is_ip_literal(row.from)) {
                w.begin_object("source").str("ip", row.from).end_object();
            }
            if (!row.what.empty() && row.what != "-") {
                w.begin_object("process").str("command_line", row.what).end_object();
            }
            w.begin_object("linux").begin_object("w");
            w.str("user", row.user);
            w.str("tty", row.tty);
            if (has_from != 0 && !(has_from < 0 && row.from.empty())) {
                if (row.from.empty() || row.from == "-") {
                    w.null("from");
                } else {
                    w.str("from", row.from);
                }
            }
            w.str("login_at", row.login_at);
            w.str("idle", row.idle);
            w.str("jcpu", row.jcpu);
            w.str("pcpu", row.pcpu);
            w.str("what", row.what);
            if (epoch) {
                w.num("login_at_epoch", *epoch);
                w.str("login_at_precision", precision);
            }
            if (row.user.size() == 8) {
                w.boolean("user_may_be_truncated", true);
            }
            if (row.from.size() == 16) {
                w.boolean("from_may_be_truncated", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true, "linux.w: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void resolve_login(const TimeAnchor& a,
                              std::string_view s,
                              std::optional<int64_t>& epoch,
                              std::string_view& precision) {
        if (!a.valid) {
            return;
        }
        const int64_t now_local = a.now_local();
        const int64_t today = now_local >= 0 ? now_local / 86400 : (now_local - 86399) / 86400;
        if (s.size() == 5 && s[2] == ':') {
            const int64_t hh = *to_int(s.substr(0, 2));
            const int64_t mm = *to_int(s.substr(3));
            int64_t wall = today * 86400 + hh * 3600 + mm * 60;
            if (wall > now_local + 60) {
                wall -= 86400;  // w shows HH:MM for logins within the last 24 hours
            }
            epoch = wall - a.offset_at_wall(wall);
            precision = "minute";
            return;
        }
        if (const auto [wd, hh] = weekday_hour(s); wd >= 0) {
            // "Thu22": weekday and hour, within the last week.
            for (int back = 0; back < 8; ++back) {
                const int64_t d = today - back;
                const int64_t w = ((d + 4) % 7 + 7) % 7;
                if (w == wd && d * 86400 + hh * 3600 <= now_local + 60) {
                    const int64_t wall = d * 86400 + hh * 3600;
                    epoch = wall - a.offset_at_wall(wall);
                    precision = "hour";
                    return;
                }
            }
            return;
        }
        // "21Oct19": day, month, two-digit year.
        int day = 0;
        int month = 0;
        int yy = 0;
        if (!day_month_year(s, day, month, yy)) {
            return;
        }
        const int64_t wall =
            days_from_civil(yy >= 70 ? 1900 + yy : 2000 + yy, static_cast<unsigned>(month),
                            static_cast<unsigned>(day)) *
            86400;
        epoch = wall - a.offset_at_wall(wall);
        precision = "day";
    }
};

}  // namespace

const Parser& linux_w_parser() {
    static const WParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
