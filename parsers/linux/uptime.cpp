// linux.uptime: `uptime` (also localised, with decimal commas), `uptime -p`, `uptime -s`.
// One record with jc's fields (time, uptime, users, load_1m/5m/15m, time_hour/minute/second,
// uptime_days/hours/minutes, uptime_total_seconds); `uptime -s` gives `since` (the boot
// wall time).  Feeds the collection facts (boot time) through gather_facts().
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

using linux_cmd::LineNumbers;
using linux_cmd::to_double;
using linux_cmd::whole_lines;

struct Up {
    std::string_view time;
    int hh = -1, mm = -1, ss = -1;
    std::string_view uptime;
    int64_t days = 0, hours = 0, minutes = 0;
    std::optional<int64_t> users;
    std::optional<double> load[3];
    std::string_view since;
};

bool parse_clock(std::string_view t, Up& u) {
    if (t.size() < 4 || t.size() > 8) {
        return false;
    }
    const size_t c1 = t.find(':');
    const size_t c2 = t.find(':', c1 + 1);
    const auto h = to_int(t.substr(0, c1));
    const auto m = to_int(t.substr(c1 + 1, c2 == std::string_view::npos ? t.npos : c2 - c1 - 1));
    const auto s =
        c2 == std::string_view::npos ? std::optional<int64_t>(0) : to_int(t.substr(c2 + 1));
    if (c1 == std::string_view::npos || !h || !m || !s || *h > 23 || *m > 59 || *s > 60 || *h < 0 ||
        *m < 0 || *s < 0) {
        return false;
    }
    u.hh = static_cast<int>(*h);
    u.mm = static_cast<int>(*m);
    u.ss = static_cast<int>(*s);
    return true;
}

// Adds "2 days", "19:32", "3 min", "1 week", "7 minutes", "5 hours" to the duration.
bool add_duration(std::string_view seg, Up& u) {
    seg = trim(seg);
    if (seg.empty()) {
        return true;
    }
    const auto w = split_ws(seg);
    if (w.size() == 1) {
        const size_t c = seg.find(':');
        if (c == std::string_view::npos) {
            return false;
        }
        const auto h = to_int(seg.substr(0, c));
        const auto m = to_int(seg.substr(c + 1));
        if (!h || !m) {
            return false;
        }
        u.hours += *h;
        u.minutes += *m;
        return true;
    }
    if (w.size() != 2) {
        return false;
    }
    const auto n = to_int(w[0]);
    if (!n) {
        return false;
    }
    const std::string_view unit = w[1];
    if (unit.starts_with("week")) {
        u.days += *n * 7;
    } else if (unit.starts_with("day") || unit.starts_with("Tag")) {
        u.days += *n;
    } else if (unit.starts_with("hour") || unit.starts_with("Stunde")) {
        u.hours += *n;
    } else if (unit.starts_with("min")) {
        u.minutes += *n;
    } else if (unit.starts_with("year")) {
        u.days += *n * 365;
    } else {
        return false;
    }
    return true;
}

bool parse_up(std::string_view line, Up& u) {
    line = trim(line);
    // uptime -s: "2026-11-27 06:06:00"
    if (line.size() == 19 && line[4] == '-' && line[7] == '-' && line[10] == ' ' &&
        line[13] == ':' && line[16] == ':') {
        u.since = line;
        return true;
    }
    std::string_view rest;
    if (line.starts_with("up ")) {  // uptime -p
        rest = line.substr(3);
        size_t start = 0;
        while (start <= rest.size()) {
            size_t c = rest.find(',', start);
            if (c == std::string_view::npos) {
                c = rest.size();
            }
            if (!add_duration(rest.substr(start, c - start), u)) {
                return false;
            }
            start = c + 1;
        }
        u.uptime = rest;
        return true;
    }
    const size_t up = line.find(" up ");
    if (up == std::string_view::npos || !parse_clock(line.substr(0, up), u)) {
        return false;
    }
    u.time = line.substr(0, up);
    rest = line.substr(up + 4);
    // The load averages follow the last ':' ("load average:", "Durchschnittslast:"),
    // separated by ", " (decimal commas stay inside a number).
    const size_t colon = rest.rfind(':');
    std::string_view head = rest;
    if (colon != std::string_view::npos && colon + 1 < rest.size() &&
        rest.substr(colon + 1).find(':') == std::string_view::npos) {
        std::string_view loads = trim(rest.substr(colon + 1));
        // Only a load list if the part before the ':' is not an H:MM uptime.
        const std::string_view before = rest.substr(0, colon);
        const size_t comma = before.rfind(',');
        if (comma != std::string_view::npos) {
            head = rest.substr(0, comma);
            int i = 0;
            size_t start = 0;
            while (start <= loads.size() && i < 3) {
                size_t c = loads.find(", ", start);
                if (c == std::string_view::npos) {
                    c = loads.size();
                }
                std::string_view v = trim(loads.substr(start, c - start));
                if (i < 2 && c == loads.size() && v.find(',') != std::string_view::npos &&
                    v.find('.') != std::string_view::npos) {
                    // "0.07,0.13,0.08" (no spaces)
                    break;
                }
                u.load[i++] = to_double(v);
                start = c + 2;
            }
        }
    }
    // head: "2 days, 19:32,  2 users" / "7 min,  0 user" / "16:03, 2 users"
    std::vector<std::string_view> segs;
    size_t start = 0;
    while (start <= head.size()) {
        size_t c = head.find(',', start);
        if (c == std::string_view::npos) {
            c = head.size();
        }
        segs.push_back(trim(head.substr(start, c - start)));
        start = c + 1;
    }
    size_t up_end = segs.size();
    if (!segs.empty()) {
        const auto w = split_ws(segs.back());
        if (w.size() == 2 && to_int(w[0]) && !w[1].starts_with("min") && !w[1].starts_with("day") &&
            !w[1].starts_with("hour") && !w[1].starts_with("Tag")) {
            u.users = to_int(w[0]);
            up_end = segs.size() - 1;
        }
    }
    for (size_t i = 0; i < up_end; ++i) {
        if (!add_duration(segs[i], u)) {
            return false;
        }
    }
    if (up_end > 0) {
        const char* b = segs[0].data();
        const char* e = segs[up_end - 1].data() + segs[up_end - 1].size();
        u.uptime = std::string_view(b, static_cast<size_t>(e - b));
    }
    return true;
}

bool find_up(std::string_view text, Up& u, std::string_view* at) {
    for (auto line : output_lines(text)) {
        if (trim(line).empty()) {
            continue;
        }
        *at = line;
        return parse_up(line, u);
    }
    return false;
}

class UptimeParser final : public linux_cmd::CollectionFactsParser {
public:
    std::string_view name() const override {
        return "linux.uptime";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "uptime");
        if (probe.size > 65536) {
            return 0;
        }
        Up u;
        std::string_view line;
        if (!find_up(whole_lines(probe), u, &line)) {
            return 0;
        }
        size_t nonempty = 0;
        for (auto l : output_lines(whole_lines(probe))) {
            nonempty += trim(l).empty() ? 0 : 1;
        }
        if (nonempty != 1) {
            return 0;
        }
        if (hinted) {
            return 85;
        }
        return !u.time.empty() && u.load[2].has_value() ? 65 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        const std::string text = read_all(in, 1u << 20);
        Up u;
        std::string_view line;
        if (!find_up(text, u, &line)) {
            sink.emit(make_error_record(1, true, "uptime: not an uptime line",
                                        trim(std::string_view(text).substr(0, 60))));
            return;
        }
        LineNumbers ln(text);
        Record r;
        r.dataset = "linux.uptime";
        r.position = ln.of(line);
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("uptime");
        if (!u.since.empty()) {
            w.str("since", u.since);
        } else {
            const int64_t total_min = u.days * 1440 + u.hours * 60 + u.minutes;
            if (!u.time.empty()) {
                w.str("time", u.time);
            }
            w.str("uptime", u.uptime);
            if (u.users) {
                w.num("users", *u.users);
            }
            static constexpr std::string_view kLoad[] = {"load_1m", "load_5m", "load_15m"};
            for (int i = 0; i < 3; ++i) {
                if (u.load[i]) {
                    w.dbl(kLoad[i], *u.load[i]);
                }
            }
            if (u.hh >= 0) {
                w.num("time_hour", u.hh).num("time_minute", u.mm).num("time_second", u.ss);
            }
            w.num("uptime_days", total_min / 1440)
                .num("uptime_hours", total_min / 60 % 24)
                .num("uptime_minutes", total_min % 60)
                .num("uptime_total_seconds", total_min * 60);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_uptime_parser() {
    static const UptimeParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
