// linux.utmpdump: `utmpdump /var/log/wtmp`, `/var/run/utmp`, `/var/log/btmp` (util-linux and
// sysvinit), UAC `system/utmpdump_var_log_wtmp.txt`, Cat-Scale `last-utmpdump.txt`.
//
// One record per utmp entry:
//   [type] [pid] [id  ] [user    ] [line        ] [host                ] [addr           ] [time]
// Fields are printf-padded (`%-8s`, `%-12s`, `%-20s`, `%-15s`): trailing spaces are padding
// and trimmed; a wider value (a 16-char user, an IPv6 address) widens its column.  Time forms:
// - util-linux >= 2.29: ISO 8601 in UTC with microseconds, `2026-11-01T12:00:00,123456+00:00`;
// - util-linux <= 2.28 and sysvinit: ctime-like local time with a zone,
//   `Wed Nov 01 12:00:00 2026 CET`, cut to 28 characters (a 4-letter zone shows 3: `CES`),
//   blank for a zero time;
// - glibc's old login/utmpdump: `[Nov  1 12:00:00] [123456]` (no year, no zone, no address).
// The entry's own time gives @timestamp (UTC, microseconds kept in the raw `time`); where the
// text names no usable zone the collection's `date` offset is used and `timezone_inferred`
// says so (without one the wall time is read as UTC and `timezone_aware` is false).
// Fields under linux.utmpdump: type, type_name (EMPTY, RUN_LVL, BOOT_TIME, NEW_TIME,
// OLD_TIME, INIT_PROCESS, LOGIN_PROCESS, USER_PROCESS, DEAD_PROCESS, ACCOUNTING), pid, id,
// user, line, host, addr, time, epoch, runlevel/previous_runlevel (RUN_LVL), btmp, file.
// ECS: user.name (sessions and failed logins, not the `reboot`/`runlevel`/`LOGIN`
// pseudo-users), process.pid (process entries), source.address (host) and source.ip (addr,
// only a valid non-zero address), event.action/category/outcome.  Entries of a btmp dump
// (the file name, the prompt or utmpdump's `Utmp dump of …` line says so) are failed logins:
// event.outcome failure.  utmpdump turns brackets and unprintable bytes into `?`; an edited
// or foreign dump may still hold brackets inside a field: the fixed-width id and the
// right-hand address and time still anchor the split, and a middle that does not split into
// user/line/host cleanly is kept with `fields_ambiguous` and the raw line.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "daemon/common/utf8.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"
#include "parsers/linux/net_addr.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

constexpr std::array<std::string_view, 10> kTypeNames = {
    "EMPTY",        "RUN_LVL",       "BOOT_TIME",    "NEW_TIME",     "OLD_TIME",
    "INIT_PROCESS", "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS", "ACCOUNTING"};

constexpr std::string_view kSep = "] [";

bool digit(char c) {
    return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), digit);
}
// A decimal integer as utmpdump prints `%d` / `%05d` (a negative pid is `-0001`).
bool int_field(std::string_view s) {
    if (!s.empty() && s[0] == '-') {
        s.remove_prefix(1);
    }
    return all_digits(s) && s.size() <= 11;
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// "Nov 20 09:15:33" / "Nov  1 09:15:33" (ctime + 4, cut to 15 characters).
bool ctime15(std::string_view s) {
    return s.size() == 15 && month_number(s.substr(0, 3)) != 0 && s[3] == ' ' &&
           (s[4] == ' ' || digit(s[4])) && digit(s[5]) && s[6] == ' ' && digit(s[7]) &&
           digit(s[8]) && s[9] == ':' && s[12] == ':';
}

struct Entry {
    std::string_view type;
    std::string_view pid;
    std::string_view id;
    std::string_view user;
    std::string_view line;
    std::string_view host;
    std::string_view addr;
    std::string_view time;
    std::string_view usec;  // glibc form only
    bool has_addr = true;
    bool has_host = true;
    bool ambiguous = false;
};

bool parse_entry(std::string_view l, Entry& e) {
    e = Entry{};
    l = rtrim(l);
    if (l.size() < 16 || l.front() != '[' || l.back() != ']') {
        return false;
    }
    size_t c = l.find(kSep, 1);
    if (c == std::string_view::npos) {
        return false;
    }
    e.type = l.substr(1, c - 1);
    size_t p = c + kSep.size();
    c = l.find(kSep, p);
    if (c == std::string_view::npos || !int_field(e.type)) {
        return false;
    }
    e.pid = l.substr(p, c - p);
    if (!int_field(e.pid)) {
        return false;
    }
    p = c + kSep.size();
    // The id is `%-4.4s`: four characters, whatever they are.
    if (p + 4 + kSep.size() <= l.size() && l.substr(p + 4, kSep.size()) == kSep) {
        e.id = l.substr(p, 4);
        p += 4 + kSep.size();
    } else {
        c = l.find(kSep, p);
        if (c == std::string_view::npos || c - p > 4) {
            return false;
        }
        e.id = l.substr(p, c - p);
        p = c + kSep.size();
    }
    // From the right: the time, then the address (neither can hold a bracket).
    const size_t end = l.size() - 1;
    if (end < p + 1) {
        return false;
    }
    const size_t tb = l.rfind(kSep, end - 1);
    if (tb == std::string_view::npos || tb + 1 < p) {
        return false;
    }
    const std::string_view last = l.substr(tb + kSep.size(), end - tb - kSep.size());
    size_t mid_end = 0;
    if (all_digits(last) && tb >= p + kSep.size()) {
        // glibc: ... [Nov 20 09:15:33] [908172]
        const size_t t2 = l.rfind(kSep, tb - 1);
        if (t2 == std::string_view::npos || t2 + kSep.size() < p) {
            return false;
        }
        const std::string_view t = l.substr(t2 + kSep.size(), tb - t2 - kSep.size());
        if (!ctime15(t) || t2 < p) {
            return false;
        }
        e.time = t;
        e.usec = last;
        e.has_addr = false;
        mid_end = t2;
    } else {
        e.time = last;
        if (tb < p + kSep.size() - 1) {
            return false;
        }
        const size_t ab = l.rfind(kSep, tb - 1);
        if (ab == std::string_view::npos || ab < p) {
            return false;
        }
        e.addr = rtrim(l.substr(ab + kSep.size(), tb - ab - kSep.size()));
        mid_end = ab;
    }
    if (mid_end < p) {
        return false;
    }
    // The middle: user] [line] [host  (glibc without ut_host: user] [line).
    const std::string_view mid = l.substr(p, mid_end - p);
    const size_t s1 = mid.find(kSep);
    if (s1 == std::string_view::npos) {
        return false;
    }
    e.user = rtrim(mid.substr(0, s1));
    const std::string_view rest = mid.substr(s1 + kSep.size());
    const size_t s2 = rest.find(kSep);
    if (s2 == std::string_view::npos) {
        if (e.has_addr) {
            return false;
        }
        e.line = rtrim(rest);
        e.has_host = false;
        return true;
    }
    e.line = rtrim(rest.substr(0, s2));
    e.host = rtrim(rest.substr(s2 + kSep.size()));
    e.ambiguous = e.host.find(kSep) != std::string_view::npos;
    return true;
}

bool utmpdump_banner(std::string_view t, std::string_view* file) {
    // utmpdump's stderr line, when 2>&1 kept it: "Utmp dump of /var/log/wtmp".
    constexpr std::string_view kDump = "Utmp dump of ";
    if (!t.starts_with(kDump)) {
        return false;
    }
    if (file != nullptr) {
        *file = trim(t.substr(kDump.size()));
    }
    return true;
}

bool name_hint(std::string_view path) {
    return basename_contains(path, "utmp") || basename_contains(path, "wtmp") ||
           basename_contains(path, "btmp");
}

// Reads the entry at lines[i]; a line a terminal wrapped (an entry copied from a narrow
// screen: `[7] ... [192.0.2.7      ] [2026-11-20T09:` + `15:33,908172+00:00]`) is joined
// with up to three continuation lines in `joined`.  Returns the number of lines used (0: no
// entry; `e` views `t` or `joined`).
size_t read_entry(const std::vector<std::string_view>& lines,
                  size_t i,
                  std::string& joined,
                  Entry& e,
                  std::string_view& text) {
    text = trim(lines[i]);
    if (parse_entry(text, e)) {
        return 1;
    }
    if (!text.starts_with('[') || text.size() > 4096) {
        return 0;
    }
    joined.assign(text);
    Entry next;
    for (size_t k = i + 1; k < lines.size() && k <= i + 3; ++k) {
        const std::string_view c = trim(lines[k]);
        if (c.empty() || parse_entry(c, next) || utmpdump_banner(c, nullptr)) {
            return 0;
        }
        // Copying from the screen drops the blank at a wrap point between "]" and "[".
        if (joined.back() == ']' && c.front() == '[') {
            joined.push_back(' ');
        }
        joined.append(c);
        if (parse_entry(joined, e)) {
            text = joined;
            return k - i + 1;
        }
    }
    return 0;
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    Entry e;
    std::string joined;
    std::string_view text;
    int rows = 0;
    int other = 0;
    for (size_t i = 0; i < lines.size() && rows + other < 24; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty() || utmpdump_banner(t, nullptr)) {
            continue;
        }
        if (const size_t used = read_entry(lines, i, joined, e, text); used > 0) {
            ++rows;
            i += used - 1;
        } else {
            ++other;
        }
    }
    // A utmpdump error or a cut last line among the entries is fine; prose is not.
    return rows > 0 && other * 3 <= rows ? 88 : 0;
}

// ---- time -------------------------------------------------------------------------------

struct When {
    bool ok = false;
    int64_t epoch = 0;
    int millis = 0;
    bool zero = false;           // utmpdump's "no time" (blank, or the epoch itself)
    bool zone_inferred = false;  // offset from the collection's `date`
    bool zone_unknown = false;   // read as UTC, nothing better known
    bool year_inferred = false;  // glibc form
    std::string_view zone_text;  // the zone as printed (ctime forms)
};

bool two(std::string_view s, size_t i, int& v) {
    if (i + 2 > s.size() || !digit(s[i]) || !digit(s[i + 1])) {
        return false;
    }
    v = (s[i] - '0') * 10 + (s[i + 1] - '0');
    return true;
}

// "+00:00", "+0000", "+05", "-0330", "Z".
std::optional<int> numeric_offset(std::string_view z) {
    if (z == "Z") {
        return 0;
    }
    if (z.size() < 3 || (z[0] != '+' && z[0] != '-')) {
        return std::nullopt;
    }
    int h = 0;
    int m = 0;
    if (!two(z, 1, h)) {
        return std::nullopt;
    }
    std::string_view rest = z.substr(3);
    if (!rest.empty() && rest[0] == ':') {
        rest.remove_prefix(1);
    }
    if (!rest.empty() && (rest.size() != 2 || !two(rest, 0, m))) {
        return std::nullopt;
    }
    if (h > 23 || m > 59) {
        return std::nullopt;
    }
    const int off = h * 3600 + m * 60;
    return z[0] == '-' ? -off : off;
}

bool valid_civil(int y, int mo, int d, int h, int mi, int s) {
    return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 &&
           mi < 60 && s < 61;
}

When parse_iso(std::string_view t) {
    // 2026-11-20T09:15:33,908172+00:00
    When w;
    int mo = 0;
    int d = 0;
    int h = 0;
    int mi = 0;
    int s = 0;
    if (t.size() < 19 || !all_digits(t.substr(0, 4)) || t[4] != '-' || !two(t, 5, mo) ||
        t[7] != '-' || !two(t, 8, d) || (t[10] != 'T' && t[10] != ' ') || !two(t, 11, h) ||
        t[13] != ':' || !two(t, 14, mi) || t[16] != ':' || !two(t, 17, s)) {
        return w;
    }
    const int y = static_cast<int>(*to_int(t.substr(0, 4)));
    if (!valid_civil(y, mo, d, h, mi, s)) {
        return w;
    }
    size_t i = 19;
    int millis = 0;
    if (i < t.size() && (t[i] == ',' || t[i] == '.')) {
        ++i;
        size_t n = 0;
        while (i < t.size() && digit(t[i])) {
            if (n < 3) {
                millis = millis * 10 + (t[i] - '0');
            }
            ++n;
            ++i;
        }
        if (n == 0 || n > 9) {
            return w;
        }
        for (; n < 3; ++n) {
            millis *= 10;
        }
    }
    const std::string_view zone = t.substr(i);
    std::optional<int> off = 0;
    if (!zone.empty()) {
        off = numeric_offset(zone);
        if (!off) {
            return w;
        }
    } else {
        w.zone_unknown = true;
    }
    const int64_t wall =
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
        mi * 60 + s;
    w.epoch = wall - *off;
    w.millis = millis;
    w.ok = true;
    w.zero = w.epoch == 0 && millis == 0;
    return w;
}

// The offset a printed zone abbreviation names; utmpdump's 28-character cut leaves three
// letters of a four-letter one ("CES" of CEST), which is unambiguous once a 'T' is added.
std::optional<int> printed_zone(std::string_view z) {
    if (z.empty()) {
        return std::nullopt;
    }
    if (z[0] == '+' || z[0] == '-') {
        return numeric_offset(z);
    }
    if (zone_is_ambiguous(z)) {
        return std::nullopt;
    }
    if (auto off = zone_offset(z)) {
        return off;
    }
    if (z.size() == 3) {
        std::string full(z);
        full.push_back('T');
        if (!zone_is_ambiguous(full)) {
            return zone_offset(full);
        }
    }
    return std::nullopt;
}

When parse_ctime(std::string_view t, const TimeAnchor& anchor) {
    // Www Mmm DD HH:MM:SS YYYY [ZONE]
    When w;
    FieldCursor cur(t);
    const std::string_view wd = cur.next();
    const std::string_view mon = cur.next();
    const std::string_view day = cur.next();
    const std::string_view hms = cur.next();
    const std::string_view year = cur.next();
    const std::string_view zone = cur.next();
    if (!cur.next().empty() || month_number(mon) == 0 || !all_digits(day) || day.size() > 2 ||
        hms.size() != 8 || !all_digits(year) || year.size() != 4 || weekday_index(wd) < 0) {
        return w;
    }
    int h = 0;
    int mi = 0;
    int s = 0;
    if (!two(hms, 0, h) || hms[2] != ':' || !two(hms, 3, mi) || hms[5] != ':' || !two(hms, 6, s)) {
        return w;
    }
    const int y = static_cast<int>(*to_int(year));
    const int mo = month_number(mon);
    const int d = static_cast<int>(*to_int(day));
    if (!valid_civil(y, mo, d, h, mi, s)) {
        return w;
    }
    const int64_t wall =
        days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
        mi * 60 + s;
    w.zone_text = zone;
    if (const auto off = printed_zone(zone)) {
        w.epoch = wall - *off;
    } else if (anchor.offset_known) {
        w.epoch = wall - anchor.offset_at_wall(wall);
        w.zone_inferred = true;
    } else {
        w.epoch = wall;
        w.zone_unknown = true;
    }
    w.ok = true;
    return w;
}

When parse_glibc(std::string_view t, std::string_view usec, const TimeAnchor& anchor) {
    // "Nov  1 12:00:00" + "[123456]": no year, no zone.
    When w;
    const int mo = month_number(t.substr(0, 3));
    const auto d = to_int(trim(t.substr(4, 2)));
    int h = 0;
    int mi = 0;
    int s = 0;
    if (!d || !two(t, 7, h) || !two(t, 10, mi) || !two(t, 13, s)) {
        return w;
    }
    const int y = resolve_year(anchor, mo, static_cast<int>(*d));
    if (y == 0 || !valid_civil(y, mo, static_cast<int>(*d), h, mi, s)) {
        return w;
    }
    w.epoch = wall_to_utc(anchor, y, mo, static_cast<int>(*d), h, mi, s);
    w.zone_inferred = anchor.offset_known;
    w.zone_unknown = !anchor.offset_known;
    w.year_inferred = true;
    if (usec.size() <= 6) {
        const int64_t us = *to_int(usec);
        w.millis = static_cast<int>(us / 1000);
    }
    w.ok = true;
    return w;
}

When parse_time(const Entry& e, const TimeAnchor& anchor) {
    const std::string_view t = rtrim(e.time);
    if (!e.has_addr) {
        return parse_glibc(t, e.usec, anchor);
    }
    if (t.empty()) {
        When w;
        w.ok = true;
        w.zero = true;
        return w;
    }
    if (digit(t[0])) {
        return parse_iso(t);
    }
    return parse_ctime(t, anchor);
}

bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8_sequence_length(s, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

bool printable_runlevel(int c) {
    return c > 0x20 && c < 0x7f;
}

class UtmpdumpParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.utmpdump";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(whole_lines(probe));
        if (score == 0) {
            return 0;
        }
        return name_hint(probe.path) ? 95 : score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        const TimeAnchor anchor = time_anchor(ctx);
        const std::string cmd =
            command_line_hint(ctx.member, std::string_view(text).substr(0, 4096));
        bool btmp = cmd.find("btmp") != std::string::npos;
        std::string_view file;
        LineNumbers ln(text);
        Record r;
        Entry e;
        std::string joined;
        std::string_view entry_text;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(lines[i]);
            if (std::string_view f; utmpdump_banner(t, &f)) {
                file = f;
                btmp = f.find("btmp") != std::string_view::npos;
                continue;
            }
            const size_t used = read_entry(lines, i, joined, e, entry_text);
            if (used == 0) {
                sink.emit(make_error_record(pos, true, "linux.utmpdump: not a utmpdump entry", t));
                continue;
            }
            emit(e, entry_text, pos, btmp, file, anchor, r, sink);
            if (used > 1) {
                i += used - 1;
                // The record sits on the entry's first line; the pieces' lines are consumed.
            }
        }
        if (cut) {
            sink.emit(make_error_record(ln.of(std::string_view(text).substr(text.size())), true,
                                        "linux.utmpdump: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void emit(const Entry& e,
                     std::string_view raw,
                     uint64_t pos,
                     bool btmp,
                     std::string_view file,
                     const TimeAnchor& anchor,
                     Record& r,
                     RecordSink& sink) {
        const int64_t type = *to_int(e.type);
        const auto pid = to_int(e.pid);
        const bool known_type = type >= 0 && type < static_cast<int64_t>(kTypeNames.size());
        const When when = parse_time(e, anchor);
        const bool process_entry = type >= 5 && type <= 8;
        const bool session = type == 6 || type == 7 || type == 8;
        // Pseudo-users: the boot/run-level/shutdown markers and getty's "LOGIN" prompt.
        const bool real_user =
            !e.user.empty() && (type == 7 || type == 8 || btmp || (type == 6 && e.user != "LOGIN"));
        bool addr_zero = false;
        const bool addr_ok = e.has_addr && is_ip_address(e.addr, false, &addr_zero);
        const bool utf8 = valid_utf8(raw);

        r.clear();
        r.dataset = "linux.utmpdump";
        r.position = pos;
        // An EMPTY slot's time is whatever was left in it (often the epoch itself).
        const bool has_time = when.ok && !when.zero && type != 0;
        if (has_time) {
            r.timestamp = format_utc(when.epoch, when.millis);
        }
        {
            JsonWriter ev(r.event_fields);
            ev.resume_object(false);
            std::string_view action = "unknown";
            switch (type) {
                case 0: action = "empty"; break;
                case 1: action = e.user == "shutdown" ? "shutdown" : "runlevel"; break;
                case 2: action = "reboot"; break;
                case 3:
                case 4: action = "clock_change"; break;
                case 5: action = "init_process"; break;
                case 6: action = btmp ? "user_login" : "login_prompt"; break;
                case 7: action = "user_login"; break;
                case 8: action = "user_logout"; break;
                case 9: action = "accounting"; break;
                default: break;
            }
            ev.str("action", action);
            if (btmp || type == 7 || type == 8) {
                ev.str("category", "authentication");
            }
            if (btmp) {
                ev.str("outcome", "failure");
            } else if (type == 7) {
                ev.str("outcome", "success");
            }
        }
        JsonWriter w(r.body);
        w.resume_object(false);
        // A middle that did not split cleanly may have put part of the line into user or
        // host: those stay under linux.utmpdump only.
        if (real_user && !e.ambiguous) {
            w.begin_object("user").str("name", e.user).end_object();
        }
        if (process_entry && pid && *pid > 0) {
            w.begin_object("process").num("pid", *pid).end_object();
        }
        const bool want_address = (session || btmp) && !e.host.empty() && !e.ambiguous;
        bool host_zero = false;
        // glibc's dump has no address column: an address in host is the address.
        const bool host_ip = !e.has_addr && is_ip_address(e.host, false, &host_zero) && !host_zero;
        const bool want_ip = (session || btmp) && ((addr_ok && !addr_zero) || host_ip);
        if (want_address || want_ip) {
            w.begin_object("source");
            if (want_address) {
                w.str("address", e.host);
            }
            if (want_ip) {
                w.str("ip", e.has_addr ? e.addr : e.host);
            }
            w.end_object();
        }
        w.begin_object("linux").begin_object("utmpdump");
        w.num("type", type);
        if (known_type) {
            w.str("type_name", kTypeNames[static_cast<size_t>(type)]);
        }
        if (pid) {
            w.num("pid", *pid);
        } else {
            w.str("pid", e.pid);
        }
        auto opt = [&](std::string_view k, std::string_view v) {
            if (v.empty()) {
                w.null(k);
            } else {
                w.str(k, v);
            }
        };
        opt("id", rtrim(e.id));
        opt("user", e.user);
        opt("line", e.line);
        if (e.has_host) {
            opt("host", e.host);
        }
        if (e.has_addr) {
            opt("addr", e.addr);
        }
        const std::string_view time_text = rtrim(e.time);
        if (time_text.empty()) {
            w.null("time");
        } else {
            w.str("time", time_text);
        }
        if (!e.usec.empty()) {
            w.str("usec", e.usec);
        }
        if (has_time) {
            w.num("epoch", when.epoch);
        }
        if (type == 1 && pid && *pid > 0) {
            const int now = static_cast<int>(*pid & 0xff);
            const int before = static_cast<int>((*pid >> 8) & 0xff);
            if (printable_runlevel(now)) {
                w.str("runlevel", std::string(1, static_cast<char>(now)));
            }
            if (printable_runlevel(before)) {
                w.str("previous_runlevel", std::string(1, static_cast<char>(before)));
            }
        }
        if (btmp) {
            w.boolean("btmp", true);
        }
        if (!file.empty()) {
            w.str("file", file);
        }
        if (!when.ok) {
            w.boolean("time_unparsed", true);
        } else if (when.zone_inferred && has_time) {
            w.boolean("timezone_inferred", true);
        } else if (when.zone_unknown && has_time) {
            w.boolean("timezone_aware", false);
        }
        if (when.year_inferred && has_time) {
            w.boolean("year_inferred", true);
        }
        if (e.has_addr && !e.addr.empty() && !addr_ok) {
            w.boolean("addr_invalid", true);
        }
        if (e.ambiguous) {
            w.boolean("fields_ambiguous", true);
        }
        if (e.ambiguous || !utf8) {
            w.str("raw", raw);
        }
        if (!utf8) {
            w.boolean("invalid_utf8", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_utmpdump_parser() {
    static const UtmpdumpParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
