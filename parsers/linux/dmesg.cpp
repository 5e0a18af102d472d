// linux.dmesg: the kernel ring buffer as `dmesg` prints it (UAC hardware/dmesg.txt,
// system/modules_tainting_the_kernel_dmesg.txt):
//   `[    1.234567] text`                       monotonic seconds since boot (default)
//   `[Fri Nov 27 12:00:00 2026] text`           -T, also localised (`[Fr, 27. Nov 2026, 06:05:46]`,
//                                               `[金 11月 27 06:05:46 2026]`)
//   `2026-11-27T06:05:46,000000+00:00 text`     --time-format=iso
//   `kern  :info  : [...] text`                 -x (facility and level)
//   `<6>[    1.234567] text`                    -r (raw priority)
//   `[  +0.000123]`, `[<    0.000123>]`,        delta / reltime forms (time kept raw)
//   `[Nov27 06:05]`, `[    1.2 <    0.0>]`
//   no prefix at all (-t), only when the file name says dmesg and a boot line shows;
//   `Nov 27 06:05:46 web01 kernel: text`       journalctl -k (short, short-precise,
//                                               short-iso), only when the name says journalctl;
//                                               the host goes to hostname, the year comes
//                                               from the collection (resolve_year).
//
// One record per message; a line without a prefix continues the message before it (a
// multi-line message) and is attached with "\n"; the rest of a line a terminal wrapped
// (copy-paste of a COLUMNS=80 screen: it follows a line of the longest length) is joined
// without one and the record says wrapped.  Fields
// under linux.dmesg (jc has no dmesg parser): message, time_raw (the bracket text),
// monotonic_seconds (the number exactly as printed), facility, level (from -x, or -r's
// priority).  @timestamp, in this order: the ISO form's own time; a -T time, a host wall
// time read with the collection's `date` zone (time_zone_unknown when the collection does
// not say it: read as UTC); the collection's boot time (UploadFacts linux.boot_time, from
// `uptime -s` or `date` minus `uptime`) plus the monotonic seconds; else none, and the
// envelope uses the collection time.  timestamp_source says which.  Like dmesg -T itself,
// boot time + seconds drifts after a suspend (the monotonic clock stops while suspended).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

constexpr std::string_view kLevels[] = {"emerg", "alert",  "crit", "err",
                                        "warn",  "notice", "info", "debug"};
constexpr std::string_view kFacilities[] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "res0",   "res1",   "res2",   "res3",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

enum class TimeKind { kNone, kMonotonic, kWall, kIso, kRelative, kJournal };

struct Line {
    std::string_view facility;
    std::string_view level;
    int priority = -1;  // -r
    TimeKind kind = TimeKind::kNone;
    std::string_view time_raw;   // inside the brackets (or the ISO token)
    std::string_view monotonic;  // "1.234567"
    std::string_view message;
    std::string_view hostname;  // journalctl -k
};

// "  1.234567" → "1.234567" when it is seconds.micro; empty otherwise.
std::string_view monotonic_of(std::string_view s) {
    s = trim(s);
    const size_t dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size() || s.size() > 24) {
        return {};
    }
    for (size_t i = 0; i < s.size(); ++i) {
        if (i != dot && !is_digit(s[i])) {
            return {};
        }
    }
    // A valid JSON number: no leading zeros before the integer part ("0012.5" → "12.5").
    while (s.size() > 1 && s[0] == '0' && s[1] != '.') {
        s.remove_prefix(1);
    }
    return s;
}

// "2026-11-27T06:05:46,000000+00:00"
bool is_iso_token(std::string_view s) {
    return s.size() >= 25 && is_digit(s[0]) && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
           s[13] == ':' && s[16] == ':' && s[19] == ',' && (s.back() != ',') &&
           (s.find('+', 19) != std::string_view::npos || s.find('-', 19) != std::string_view::npos);
}

// Wall time inside -T brackets in any locale: HH:MM:SS, a 4-digit year, a month name, a day.
struct Wall {
    int year = 0, month = 0, day = 0, hh = 0, mm = 0, ss = 0;
};
std::optional<Wall> parse_wall(std::string_view s) {
    Wall w;
    bool have_time = false;
    std::vector<std::string_view> toks;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == ',')) {
            ++i;
        }
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != ',') {
            ++j;
        }
        if (j > i) {
            toks.push_back(s.substr(i, j - i));
        }
        i = j;
    }
    std::vector<int> numbers;
    for (std::string_view t : toks) {
        if (t.size() == 8 && t[2] == ':' && t[5] == ':') {
            auto h = to_int(t.substr(0, 2));
            auto m = to_int(t.substr(3, 2));
            auto sec = to_int(t.substr(6, 2));
            if (!h || !m || !sec) {
                return std::nullopt;
            }
            w.hh = static_cast<int>(*h);
            w.mm = static_cast<int>(*m);
            w.ss = static_cast<int>(*sec);
            have_time = true;
            continue;
        }
        std::string_view n = t;
        if (n.ends_with(".")) {
            n.remove_suffix(1);
        }
        if (auto v = to_int(n)) {
            if (n.size() == 4) {
                w.year = static_cast<int>(*v);
            } else if (*v >= 1 && *v <= 31) {
                w.day = static_cast<int>(*v);
            }
            continue;
        }
        if (const int m = linux_cmd::month_number(t); m != 0) {
            w.month = m;
            continue;
        }
        linux_cmd::CjkDateParts cjk;
        if (linux_cmd::parse_cjk_units(t, cjk)) {
            if (cjk.month > 0) {
                w.month = cjk.month;
            }
            if (cjk.day > 0) {
                w.day = cjk.day;
            }
            if (cjk.year > 0) {
                w.year = cjk.year;
            }
        }
    }
    if (!have_time || w.year == 0 || w.month == 0 || w.day == 0) {
        return std::nullopt;
    }
    return w;
}

// Splits a dmesg line into its prefixes; false when it has none (a continuation).
bool parse_line(std::string_view line, Line& out) {
    out = Line{};
    std::string_view t = line;
    // -x: "kern  :info  : "
    if (const size_t c1 = t.find(':'); c1 != std::string_view::npos && c1 <= 8 && c1 > 0) {
        const std::string_view fac = trim(t.substr(0, c1));
        const size_t c2 = t.find(':', c1 + 1);
        if (c2 != std::string_view::npos && c2 <= c1 + 8) {
            const std::string_view lvl = trim(t.substr(c1 + 1, c2 - c1 - 1));
            bool fok = false;
            bool lok = false;
            for (auto f : kFacilities) {
                fok = fok || f == fac;
            }
            for (auto l : kLevels) {
                lok = lok || l == lvl;
            }
            if (fok && lok && c2 + 1 < t.size() && t[c2 + 1] == ' ') {
                out.facility = fac;
                out.level = lvl;
                t = t.substr(c2 + 2);
            }
        }
    }
    // -r: "<6>"
    if (out.facility.empty() && t.size() > 3 && t[0] == '<') {
        const size_t gt = t.find('>');
        if (gt != std::string_view::npos && gt <= 5) {
            if (auto p = to_int(t.substr(1, gt - 1)); p && *p >= 0 && *p < 192) {
                out.priority = static_cast<int>(*p);
                out.level = kLevels[*p % 8];
                out.facility = kFacilities[*p / 8];
                t = t.substr(gt + 1);
            }
        }
    }
    if (t.starts_with("[")) {
        const size_t close = t.find(']');
        if (close == std::string_view::npos || close > 64) {
            return false;
        }
        const std::string_view in = t.substr(1, close - 1);
        out.time_raw = in;
        std::string_view rest = t.substr(close + 1);
        if (rest.starts_with(" ")) {
            rest.remove_prefix(1);
        }
        out.message = rest;
        // "    1.234567", "    1.2 <    0.0>" (-d), "  +0.000123", "<    0.000123>"
        std::string_view mono = in;
        if (const size_t lt = in.find('<'); lt != std::string_view::npos && lt > 0) {
            mono = in.substr(0, lt);
        }
        out.monotonic = monotonic_of(mono);
        if (!out.monotonic.empty()) {
            out.kind = TimeKind::kMonotonic;
            return true;
        }
        if (parse_wall(in)) {
            out.kind = TimeKind::kWall;
            return true;
        }
        const std::string_view ti = trim(in);
        if ((ti.starts_with("+") && !monotonic_of(ti.substr(1)).empty()) ||
            (ti.starts_with("<") && ti.ends_with(">") &&
             !monotonic_of(ti.substr(1, ti.size() - 2)).empty())) {
            out.kind = TimeKind::kRelative;
            return true;
        }
        // reltime "[Nov27 06:05]"
        if (ti.size() >= 10 && ti.size() <= 14 && ti[ti.size() - 3] == ':' &&
            linux_cmd::month_number(ti.substr(0, 3)) != 0) {
            out.kind = TimeKind::kRelative;
            return true;
        }
        return false;
    }
    const size_t sp = t.find(' ');
    if (sp != std::string_view::npos && is_iso_token(t.substr(0, sp))) {
        out.time_raw = t.substr(0, sp);
        out.kind = TimeKind::kIso;
        out.message = t.substr(sp + 1);
        return true;
    }
    if (!out.facility.empty()) {
        // -x -t: a facility prefix without a time.
        out.message = t;
        return true;
    }
    return false;
}

// `journalctl -k` (short, short-precise, short-iso): "Nov 27 06:05:46 web01 kernel: text",
// "Nov 27 06:05:46.123456 web01 kernel: text", "2026-11-27T06:05:46+0000 web01 kernel: text".
bool parse_journal_line(std::string_view line, Line& out) {
    out = Line{};
    linux_cmd::FieldCursor fc(line);
    const std::string_view first = fc.next();
    std::string_view host;
    if (first.size() >= 19 && is_digit(first[0]) && first[4] == '-' && first[10] == 'T') {
        out.kind = TimeKind::kIso;
        out.time_raw = first;
        host = fc.next();
    } else {
        const std::string_view day = fc.next();
        const std::string_view hms = fc.next();
        if (linux_cmd::month_number(first) == 0 || !to_int(day) || hms.size() < 8 ||
            hms[2] != ':' || hms[5] != ':') {
            return false;
        }
        out.kind = TimeKind::kJournal;
        out.time_raw = line.substr(0, static_cast<size_t>(hms.data() + hms.size() - line.data()));
        host = fc.next();
    }
    if (host.empty() || fc.next() != "kernel:") {
        return false;
    }
    out.hostname = host;
    out.message = fc.remainder();
    return true;
}

// journalctl's own lines: "-- Logs begin at ... --", "-- Boot 3f2c... --", "-- No entries --".
bool journal_marker(std::string_view t) {
    return t.starts_with("-- ") && t.ends_with(" --");
}

bool name_says_dmesg(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"dmesg", "kmsg"});
}

bool name_says_journal(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"journalctl"});
}

bool first_journal_line(const std::vector<std::string_view>& lines) {
    for (size_t i = 0; i < lines.size() && i < 20; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty() || journal_marker(t)) {
            continue;
        }
        Line l;
        return parse_journal_line(t, l);
    }
    return false;
}

bool boot_line(std::string_view t) {
    return t.find("Linux version ") != std::string_view::npos ||
           t.find("Command line: ") != std::string_view::npos;
}

// Seconds and microseconds of "1.234567" (digits after the dot beyond 6 are dropped).
bool split_monotonic(std::string_view m, int64_t& sec, int64_t& micros) {
    const size_t dot = m.find('.');
    auto s = to_int(m.substr(0, dot));
    if (!s || m.size() - dot - 1 > 9 || dot > 12) {
        return false;
    }
    std::string frac(m.substr(dot + 1));
    frac.resize(6, '0');
    auto f = to_int(frac);
    if (!f) {
        return false;
    }
    sec = *s;
    micros = *f;
    return true;
}

class DmesgParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.dmesg";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t good = 0;
        size_t bad = 0;
        size_t seen = 0;
        bool first_good = false;
        bool boot = false;
        const auto lines = output_lines(whole_lines(probe));
        size_t width = 0;
        for (auto l : lines) {
            width = std::max(width, l.size());
        }
        size_t prev_len = 0;
        for (auto line : lines) {
            const std::string_view t = line;
            const bool after_full = width >= 60 && prev_len == width;
            prev_len = t.size();
            if (trim(t).empty()) {
                continue;
            }
            if (++seen > 50) {
                break;
            }
            Line l;
            if (parse_line(t, l)) {
                first_good = first_good || seen == 1;
                ++good;
            } else if (t[0] != ' ' && t[0] != '\t' && !after_full) {
                ++bad;  // an indented or wrapped line continues a message
            }
            boot = boot || boot_line(t);
        }
        const bool hinted = name_says_dmesg(probe);
        // journalctl -k: only with its name (its lines are syslog's).
        if (name_says_journal(probe) && first_journal_line(lines)) {
            return 85;
        }
        if (good > 0 && first_good && bad * 4 <= good) {
            return hinted ? 90 : 78;
        }
        // -t output (no prefixes): only the name and a boot line can tell.
        if (hinted && good == 0 && boot) {
            return 70;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const linux_cmd::TimeAnchor anchor = linux_cmd::time_anchor(ctx);
        std::optional<int64_t> boot;
        if (ctx.facts != nullptr) {
            const auto b = ctx.facts->find(std::string(linux_cmd::kFactBootTime));
            if (b != ctx.facts->end()) {
                boot = linux_cmd::parse_iso_time(b->second);
            }
        }
        const bool journal = [&] {
            FileProbe p;
            p.path = ctx.member;
            p.head = std::string_view(text).substr(0, 4096);
            return name_says_journal(p) && first_journal_line(lines);
        }();
        // Without any prefix on any line this is -t output: every line is a message.
        bool any_prefix = journal;
        {
            Line l;
            for (size_t i = 0; i < lines.size() && i < 50 && !any_prefix; ++i) {
                any_prefix = parse_line(lines[i], l);
            }
        }
        // A copy-pasted terminal wraps long lines at its width: a line that follows a line of
        // exactly the longest length (>= 60) is that line's rest, joined without a newline.
        size_t width = 0;
        for (auto l : lines) {
            width = std::max(width, l.size());
        }
        if (width < 60) {
            width = 0;
        }
        Record r;
        Line cur;
        std::string message;
        uint64_t pos = 0;
        bool open = false;
        bool wrapped = false;
        size_t prev_len = 0;
        auto flush = [&]() {
            if (!open) {
                return;
            }
            open = false;
            r.clear();
            r.dataset = "linux.dmesg";
            r.position = pos;
            std::string_view source;
            bool zone_unknown = false;
            if (cur.kind == TimeKind::kIso && !cur.hostname.empty()) {
                // journalctl -o short-iso: "2026-11-27T06:05:46+0000" (maybe with a fraction).
                if (auto e = linux_cmd::parse_iso_time(cur.time_raw)) {
                    r.timestamp = linux_cmd::format_utc(*e);
                    source = "printed";
                }
            } else if (cur.kind == TimeKind::kJournal) {
                // "Nov 27 06:05:46[.123456]": a year-less host wall time.
                linux_cmd::FieldCursor fc(cur.time_raw);
                const int month = linux_cmd::month_number(fc.next());
                const auto day = to_int(fc.next());
                const std::string_view hms = fc.next();
                const auto hh = to_int(hms.substr(0, 2));
                const auto mm = to_int(hms.substr(3, 2));
                const auto ss = to_int(hms.substr(6, 2));
                int millis = 0;
                if (hms.size() > 9 && hms[8] == '.') {
                    std::string frac(hms.substr(9, 3));
                    frac.resize(3, '0');
                    millis = static_cast<int>(to_int(frac).value_or(0));
                }
                const int year =
                    day ? linux_cmd::resolve_year(anchor, month, static_cast<int>(*day)) : 0;
                if (year != 0 && hh && mm && ss) {
                    const int64_t utc = linux_cmd::wall_to_utc(
                        anchor, year, month, static_cast<int>(*day), static_cast<int>(*hh),
                        static_cast<int>(*mm), static_cast<int>(*ss));
                    r.timestamp = linux_cmd::format_utc(utc, millis);
                    zone_unknown = !anchor.offset_known;
                    source = "printed";
                }
            } else if (cur.kind == TimeKind::kIso) {
                // "2026-11-27T06:05:46,000000+00:00": a comma before the fraction.
                std::string iso(cur.time_raw);
                const size_t comma = iso.find(',');
                int millis = 0;
                if (comma != std::string::npos) {
                    size_t z = comma + 1;
                    while (z < iso.size() && is_digit(iso[z])) {
                        ++z;
                    }
                    std::string frac = iso.substr(comma + 1, z - comma - 1);
                    frac.resize(3, '0');
                    millis = static_cast<int>(to_int(frac).value_or(0));
                    iso.erase(comma, z - comma);
                }
                if (auto e = linux_cmd::parse_iso_time(iso)) {
                    r.timestamp = linux_cmd::format_utc(*e, millis);
                    source = "printed";
                }
            } else if (cur.kind == TimeKind::kWall) {
                if (auto w = parse_wall(cur.time_raw)) {
                    const int64_t wall =
                        linux_cmd::days_from_civil(w->year, static_cast<unsigned>(w->month),
                                                   static_cast<unsigned>(w->day)) *
                            86400 +
                        w->hh * 3600 + w->mm * 60 + w->ss;
                    const int64_t utc =
                        anchor.offset_known ? wall - anchor.offset_at_wall(wall) : wall;
                    zone_unknown = !anchor.offset_known;
                    r.timestamp = linux_cmd::format_utc(utc);
                    source = "printed";
                }
            } else if (cur.kind == TimeKind::kMonotonic && boot) {
                int64_t sec = 0;
                int64_t micros = 0;
                if (split_monotonic(cur.monotonic, sec, micros)) {
                    const int64_t total_ms = *boot * 1000 + sec * 1000 + micros / 1000;
                    r.timestamp =
                        linux_cmd::format_utc(total_ms / 1000, static_cast<int>(total_ms % 1000));
                    source = "boot_time";
                }
            }
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("dmesg");
            jw.str("message", message);
            if (!cur.time_raw.empty()) {
                jw.str("time_raw", cur.time_raw);
            }
            if (!cur.monotonic.empty()) {
                jw.raw("monotonic_seconds", cur.monotonic);
            }
            if (!cur.hostname.empty()) {
                jw.str("hostname", cur.hostname);
            }
            if (!cur.facility.empty()) {
                jw.str("facility", cur.facility);
            }
            if (!cur.level.empty()) {
                jw.str("level", cur.level);
            }
            if (cur.priority >= 0) {
                jw.num("priority", cur.priority);
            }
            if (!source.empty()) {
                jw.str("timestamp_source", source);
            }
            if (zone_unknown) {
                jw.boolean("time_zone_unknown", true);
            }
            if (wrapped) {
                jw.boolean("wrapped", true);
            }
            jw.end_object().end_object();
            if (!cur.level.empty()) {
                jw.begin_object("log").str("level", cur.level);
                if (!cur.facility.empty()) {
                    jw.begin_object("syslog").begin_object("facility").str("name", cur.facility);
                    jw.end_object().end_object();
                }
                jw.end_object();
            }
            sink.emit(r);
        };
        for (auto line : lines) {
            Line l;
            if (journal && journal_marker(trim(line))) {
                continue;
            }
            const bool starts = journal      ? parse_journal_line(line, l)
                                : any_prefix ? parse_line(line, l)
                                             : !trim(line).empty();
            if (!any_prefix) {
                l = Line{};
                l.message = line;
            }
            if (!starts) {
                if (trim(line).empty()) {
                    continue;
                }
                if (open) {
                    // dmesg indents its own continuation lines; a wrap's rest is not.
                    if (width != 0 && prev_len == width && line[0] != ' ' && line[0] != '\t') {
                        wrapped = true;
                    } else {
                        message.push_back('\n');
                    }
                    message.append(line);
                    prev_len = line.size();
                } else {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "linux.dmesg: line without a dmesg prefix", line));
                }
                continue;
            }
            flush();
            cur = l;
            message.assign(l.message);
            pos = ln.of(line);
            open = true;
            wrapped = false;
            prev_len = line.size();
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.dmesg: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_dmesg_parser() {
    static const DmesgParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
