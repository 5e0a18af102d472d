// linux.date: `date` (C, en_US and localised forms such as `Fr 27. Nov 06:13:31 CET 2026`),
// `date -u`, `date -R`, `date -I[seconds]`, `date --rfc-3339`, and timedatectl's
// `Local time:` line, and the localised forms of ja_JP/zh_CN (`2026年 11月 27日 金曜日
// 06:13:31 UTC`, `%c`'s `2026年11月27日 06時13分31秒`), ru_RU (`Пт 27 ноя 2026 06:13:31 UTC`),
// ko_KR, fr_FR, es_ES.  One record with jc's fields (year, month, month_num, day, weekday,
// weekday_num, hour, hour_24, minute, second, period, timezone, utc_offset, day_of_year,
// week_of_year, iso, epoch_utc, timezone_aware); jc's `epoch` (the time read in the parsing
// machine's zone) is left out because it depends on where the parser runs.  @timestamp is
// the output's instant in UTC when the zone is known, else the wall time read as UTC
// (timezone_aware: false).  Feeds the collection facts through gather_facts().
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;

using linux_cmd::days_from_civil;
using linux_cmd::format_utc;
using linux_cmd::LineNumbers;
using linux_cmd::month_number;
using linux_cmd::whole_lines;
using linux_cmd::zone_offset;

struct DateTime {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    std::string_view month_text, weekday_text, period, zone;
    std::optional<int> offset;
    bool twelve_hour = false;
};

bool parse_hms(std::string_view t, DateTime& d) {
    auto parts = std::vector<std::string_view>{};
    size_t start = 0;
    while (start <= t.size()) {
        size_t c = t.find(':', start);
        if (c == std::string_view::npos) {
            c = t.size();
        }
        parts.push_back(t.substr(start, c - start));
        start = c + 1;
    }
    if (parts.size() != 3) {
        return false;
    }
    const auto h = to_int(parts[0]);
    const auto m = to_int(parts[1]);
    const auto s = to_int(parts[2].substr(0, parts[2].find_first_of(".,")));
    if (!h || !m || !s || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *s < 0 || *s > 60) {
        return false;
    }
    d.hour = static_cast<int>(*h);
    d.minute = static_cast<int>(*m);
    d.second = static_cast<int>(*s);
    return true;
}

// "YYYY-MM-DD[T ]HH:MM:SS[.fff][±HH:MM|Z]" (date -I, --rfc-3339, timedatectl).
bool parse_iso(std::string_view line, DateTime& d) {
    const auto w = split_ws(trim(line));
    size_t i = 0;
    // timedatectl: "Local time: Fri 2026-11-27 06:13:31 UTC"
    if (w.size() >= 2 && w[0] == "Local" && w[1] == "time:") {
        i = 2;
        if (i < w.size() && w[i].size() == 3) {
            d.weekday_text = w[i++];
        }
    }
    if (i >= w.size() || w[i].size() < 10 || w[i][4] != '-' || w[i][7] != '-') {
        return false;
    }
    const std::string_view ymd = w[i].substr(0, 10);
    const auto y = to_int(ymd.substr(0, 4));
    const auto mo = to_int(ymd.substr(5, 2));
    const auto da = to_int(ymd.substr(8, 2));
    if (!y || !mo || !da || *mo < 1 || *mo > 12 || *da < 1 || *da > 31) {
        return false;
    }
    d.year = static_cast<int>(*y);
    d.month = static_cast<int>(*mo);
    d.day = static_cast<int>(*da);
    std::string_view rest;
    if (w[i].size() > 10 && (w[i][10] == 'T' || w[i][10] == 't')) {
        rest = w[i].substr(11);
    } else if (i + 1 < w.size()) {
        rest = w[++i];
    } else {
        return true;  // date -I: date only
    }
    const size_t z = rest.find_first_of("+-Zz", 5);
    const std::string_view hms = rest.substr(0, z);
    if (!parse_hms(hms.size() == 5 ? std::string_view() : hms, d)) {
        if (hms.size() == 5) {
            // HH:MM (date -Iminutes)
            const auto h = to_int(hms.substr(0, 2));
            const auto m = to_int(hms.substr(3, 2));
            if (!h || !m) {
                return false;
            }
            d.hour = static_cast<int>(*h);
            d.minute = static_cast<int>(*m);
        } else {
            return false;
        }
    }
    if (z != std::string_view::npos) {
        d.zone = rest.substr(z);
        d.offset = zone_offset(d.zone == "Z" || d.zone == "z" ? "UTC" : d.zone);
    } else if (i + 1 < w.size()) {
        d.zone = w[i + 1];
        d.offset = zone_offset(d.zone);
    }
    return true;
}

// Token soup: "Fri Nov 27 06:13:31 UTC 2026", "Fri 27 Nov 2026 06:13:31 AM UTC",
// "Fr 27. Nov 06:13:31 CET 2026", "Пт 27 ноя 2026 06:13:31 UTC",
// "2026年 11月 27日 金曜日 06:13:31 UTC" (ja_JP, zh_CN: "星期五"), "2026年11月27日 06時13分31秒"
// (ja_JP %c), "2026. 11. 27. (금) 06:13:31 UTC" (ko_KR), "Fri, 27 Nov 2026 06:13:31 +0000".
bool parse_words(std::string_view line, DateTime& d) {
    const auto w = split_ws(trim(line));
    if (w.size() < 2 || w.size() > 9) {
        return false;
    }
    bool have_time = false;
    for (size_t i = 0; i < w.size(); ++i) {
        std::string_view t = w[i];
        const bool dotted = !t.empty() && t.back() == '.';
        while (!t.empty() && (t.back() == ',' || t.back() == '.')) {
            t.remove_suffix(1);
        }
        if (t.empty()) {
            continue;
        }
        if (!have_time && t.find(':') != std::string_view::npos && parse_hms(t, d)) {
            have_time = true;
            continue;
        }
        if (linux_cmd::CjkDateParts cjk;
            t[0] >= '0' && t[0] <= '9' && linux_cmd::parse_cjk_units(t, cjk)) {
            if (cjk.year >= 0) {
                d.year = cjk.year;
            }
            if (cjk.month >= 1 && cjk.month <= 12 && d.month == 0) {
                d.month = cjk.month;
                if (cjk.year < 0 && cjk.day < 0) {
                    d.month_text = t;
                }
            }
            if (cjk.day >= 1 && cjk.day <= 31) {
                d.day = cjk.day;
            }
            if (!have_time && cjk.hour >= 0 && cjk.hour <= 23 && cjk.minute >= 0 &&
                cjk.minute <= 59 && cjk.second <= 60) {
                d.hour = cjk.hour;
                d.minute = cjk.minute;
                d.second = std::max(cjk.second, 0);
                have_time = true;
            }
            continue;
        }
        const auto n = to_int(t);
        if (n && t.size() == 4 && *n >= 1900 && *n <= 2200) {
            d.year = static_cast<int>(*n);
            continue;
        }
        if (n && dotted && d.year != 0 && d.month == 0 && d.day == 0 && *n >= 1 && *n <= 12) {
            d.month = static_cast<int>(*n);  // ko_KR: year first, "2026. 11. 27."
            continue;
        }
        if (n && t.size() <= 2 && *n >= 1 && *n <= 31 && d.day == 0) {
            d.day = static_cast<int>(*n);
            continue;
        }
        if (t == "AM" || t == "PM" || t == "am" || t == "pm") {
            d.period = t;
            d.twelve_hour = true;
            continue;
        }
        if (d.month == 0) {
            const int m = month_number(t);
            if (m > 0) {
                d.month = m;
                d.month_text = t;
                continue;
            }
        }
        if (t[0] == '+' || t[0] == '-') {
            d.zone = t;
            d.offset = zone_offset(t);
            continue;
        }
        if (d.weekday_text.empty() && (i == 0 || linux_cmd::weekday_index(w[i]) >= 0)) {
            d.weekday_text = w[i].back() == ',' ? t : w[i];
            continue;
        }
        if (d.zone.empty() && have_time) {
            d.zone = t;
            d.offset = zone_offset(t);
            continue;
        }
        return false;
    }
    if (!have_time || d.year == 0 || d.month == 0 || d.day == 0) {
        return false;
    }
    if (d.twelve_hour) {
        if (d.hour > 12 || d.hour == 0) {
            return false;
        }
        const bool pm = d.period == "PM" || d.period == "pm";
        d.hour = d.hour % 12 + (pm ? 12 : 0);
    }
    // Asia/Shanghai prints "CST" too; a zh_CN line ("星期五") is China's, not US Central
    // (gather_collection_facts() reads it the same way).
    if (d.zone == "CST" && d.weekday_text.starts_with("星期")) {
        d.offset = 8 * 3600;
    }
    return true;
}

// The weekday printed matches the date (a localised line proves itself this way).
bool weekday_matches(const DateTime& d) {
    const int wd = linux_cmd::weekday_index(d.weekday_text);
    if (wd < 0) {
        return false;
    }
    const int64_t days =
        days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
    return ((days + 4) % 7 + 7) % 7 == wd;  // 1970-01-01 was a Thursday
}

bool parse_date(std::string_view text, DateTime& d, std::string_view* line_out) {
    for (std::string_view line : output_lines(text)) {
        if (trim(line).empty()) {
            continue;
        }
        DateTime tmp;
        if (parse_iso(line, tmp) || (tmp = DateTime{}, parse_words(line, tmp))) {
            d = tmp;
            *line_out = line;
            return true;
        }
        if (!trim(line).starts_with("Local time") &&
            trim(line).find(':') != std::string_view::npos && split_ws(trim(line)).size() >= 2 &&
            split_ws(trim(line))[1] == "time:") {
            continue;  // other timedatectl lines before "Local time"
        }
        if (trim(line).find("time:") != std::string_view::npos) {
            continue;
        }
        return false;
    }
    return false;
}

std::string two(int v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
}

class DateParser final : public linux_cmd::CollectionFactsParser {
public:
    std::string_view name() const override {
        return "linux.date";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "date");
        if (probe.size > 65536) {
            return 0;
        }
        DateTime d;
        std::string_view line;
        if (!parse_date(whole_lines(probe), d, &line)) {
            return 0;
        }
        size_t nonempty = 0;
        for (auto l : output_lines(whole_lines(probe))) {
            nonempty += trim(l).empty() ? 0 : 1;
        }
        if (hinted) {
            return 85;
        }
        // A lone `date` line whose weekday (in any language we know) matches its date is
        // distinctive enough.
        return nonempty == 1 && weekday_matches(d) && !d.zone.empty() ? 65 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        const std::string text = read_all(in, 1u << 20);
        DateTime d;
        std::string_view line;
        if (!parse_date(text, d, &line)) {
            sink.emit(make_error_record(1, true, "date: no date found",
                                        trim(std::string_view(text).substr(0, 60))));
            return;
        }
        LineNumbers ln(text);
        Record r;
        r.dataset = "linux.date";
        r.position = ln.of(line);
        const int64_t days =
            days_from_civil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
        const int64_t wall = days * 86400 + d.hour * 3600 + d.minute * 60 + d.second;
        const int64_t utc = wall - (d.offset ? *d.offset : 0);
        r.timestamp = format_utc(utc);
        // 1970-01-01 was a Thursday: ISO weekday 1 = Monday.
        const int weekday_num = static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
        const int64_t jan1 = days_from_civil(d.year, 1, 1);
        const int yday0 = static_cast<int>(days - jan1);
        const int week_of_year = (yday0 + 7 - (weekday_num - 1)) / 7;  // strftime %W
        std::string iso = std::to_string(d.year) + "-" + two(d.month) + "-" + two(d.day) + "T" +
                          two(d.hour) + ":" + two(d.minute) + ":" + two(d.second);
        std::string utc_offset;
        if (d.offset) {
            const int off = *d.offset;
            const int a = off < 0 ? -off : off;
            utc_offset = std::string(off < 0 ? "-" : "+") + two(a / 3600) + two(a / 60 % 60);
            iso += utc_offset.substr(0, 3) + ":" + utc_offset.substr(3);
        }
        static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                                     "Fri", "Sat", "Sun"};
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("date");
        w.num("year", d.year);
        w.str("month", d.month_text.empty() ? kMonths[d.month - 1] : d.month_text);
        w.num("month_num", d.month).num("day", d.day);
        w.str("weekday", d.weekday_text.empty() ? kDays[weekday_num - 1] : d.weekday_text);
        w.num("weekday_num", weekday_num);
        w.num("hour", d.hour % 12 == 0 ? 12 : d.hour % 12).num("hour_24", d.hour);
        w.num("minute", d.minute).num("second", d.second);
        w.str("period", d.hour < 12 ? "AM" : "PM");
        if (d.zone.empty()) {
            w.null("timezone");
        } else {
            w.str("timezone", d.zone);
        }
        if (d.offset) {
            w.str("utc_offset", utc_offset);
        } else {
            w.null("utc_offset");
        }
        w.num("day_of_year", yday0 + 1).num("week_of_year", week_of_year);
        w.str("iso", iso);
        if (d.offset) {
            w.num("epoch_utc", utc);
        } else {
            w.null("epoch_utc");
        }
        w.boolean("timezone_aware", d.offset.has_value());
        if (!d.offset && linux_cmd::zone_is_ambiguous(d.zone)) {
            w.boolean("timezone_ambiguous", true);  // "IST": India, Ireland or Israel
        }
        w.str("raw", trim(line));
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_date_parser() {
    static const DateParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
