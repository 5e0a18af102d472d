// linux.timedatectl: `timedatectl` / `timedatectl status` (UAC system/timedatectl_status.txt)
// and `timedatectl timesync-status`: the host's clock, zone, RTC and NTP state.
//
// One record for the output under linux.timedatectl with jc 1.25.5's names: the label
// lower-cased with spaces turned into "_" (local_time, universal_time, rtc_time, time_zone,
// ntp_enabled, ntp_synchronized, system_clock_synchronized, ntp_service, rtc_in_local_tz,
// dst_active, "systemd-timesyncd.service_active"); the yes/no fields are booleans, and
// epoch_utc is the universal time in seconds, which is also the record's @timestamp (the
// examined host's clock at collection).  The multi-line "Last DST change"/"Next DST change"
// (older systemd) are kept as one line each (jc drops them).  timesync-status fields:
// server, poll_interval, leap, version, stratum, reference, precision, root_distance,
// offset/delay/jitter/frequency as numbers with their unit in <field>_unit, packet_count.
// The trailing "Warning: ..." paragraph is not a field.
//
// The file name token "timedatectl" also hints linux.date (which reads the Local time line
// for the collection facts): this parser claims the whole output above it.
#include <optional>
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
using linux_cmd::trim;
using linux_cmd::whole_lines;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

struct Field {
    std::string key;
    std::string_view label;
    std::string value;
    std::string_view line;
};

// "   Label: value" -> field; continuation lines (indented, no label) extend the previous
// field; a blank line ends the fields (what follows is the Warning paragraph).
std::vector<Field> read_fields(std::string_view text, size_t* other) {
    std::vector<Field> out;
    *other = 0;
    bool started = false;
    for (std::string_view line : output_lines(text)) {
        const std::string_view t = trim(line);
        if (t.empty()) {
            if (started) {
                break;
            }
            continue;
        }
        const size_t colon = line.find(':');
        const std::string_view label =
            colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
        // A label has no leading run that the value column would have ("  Sun 2020-03-08
        // 01:59:59 PST" is a continuation: its text before ':' holds a digit-dash date).
        bool label_ok = !label.empty() && label.size() <= 40;
        for (char c : label) {
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' ||
                            c == '-' || c == '.' || c == '_';
            label_ok = label_ok && ok;
        }
        if (!label_ok) {
            if (!out.empty() && (line[0] == ' ' || line[0] == '\t')) {
                out.back().value += ' ';
                out.back().value += t;
            } else {
                ++*other;
            }
            continue;
        }
        started = true;
        Field f;
        for (char c : label) {
            f.key.push_back(c == ' ' ? '_' : lower(c));
        }
        f.label = label;
        f.value = std::string(trim(line.substr(colon + 1)));
        f.line = line;
        out.push_back(std::move(f));
    }
    return out;
}

bool has(const std::vector<Field>& fs, std::string_view key) {
    for (const auto& f : fs) {
        if (f.key == key) {
            return true;
        }
    }
    return false;
}

bool is_bool_key(std::string_view k) {
    return k == "ntp_enabled" || k == "ntp_synchronized" || k == "rtc_in_local_tz" ||
           k == "dst_active" || k == "system_clock_synchronized" ||
           k == "systemd-timesyncd.service_active" || k == "network_time_on";
}

// "Wed 2020-03-11 00:53:21 UTC" -> epoch seconds.
std::optional<int64_t> universal_epoch(std::string_view v) {
    const auto w = linux_cmd::split_ws(v);
    for (size_t i = 0; i + 1 < w.size(); ++i) {
        if (w[i].size() == 10 && w[i][4] == '-' && w[i][7] == '-' && w[i + 1].size() == 8) {
            return linux_cmd::parse_iso_time(std::string(w[i]) + "T" + std::string(w[i + 1]) + "Z");
        }
    }
    return std::nullopt;
}

// "-5.224ms" -> (-5.224, "ms"); "+27.071ppm" -> (27.071, "ppm").
bool number_with_unit(std::string_view v, double& num, std::string_view& unit) {
    size_t end = 0;
    while (end < v.size() &&
           ((v[end] >= '0' && v[end] <= '9') || v[end] == '.' || v[end] == '-' || v[end] == '+')) {
        ++end;
    }
    std::string_view n = v.substr(0, end);
    if (!n.empty() && n[0] == '+') {
        n.remove_prefix(1);
    }
    const auto d = linux_cmd::to_double(n);
    if (!d || end == v.size()) {
        return false;
    }
    num = *d;
    unit = v.substr(end);
    return true;
}

class TimedatectlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.timedatectl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (probe.size > 65536) {
            return 0;
        }
        size_t other = 0;
        const auto fs = read_fields(whole_lines(probe), &other);
        if (fs.empty() || other > 0) {
            return 0;
        }
        const bool status = has(fs, "local_time") && has(fs, "universal_time") &&
                            (has(fs, "time_zone") || has(fs, "rtc_time"));
        const bool timesync = has(fs, "server") && has(fs, "poll_interval") &&
                              (has(fs, "stratum") || has(fs, "root_distance"));
        if (!status && !timesync) {
            return 0;
        }
        // Above linux.date (85 with its name hint), which reads only the Local time line.
        return linux_cmd::basename_has(probe.path, "timedatectl") ? 95 : 90;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 1u << 20, &cut);
        size_t other = 0;
        const auto fs = read_fields(text, &other);
        if (fs.empty()) {
            sink.emit(make_error_record(1, true, "timedatectl: no \"Label: value\" lines",
                                        trim(text.substr(0, 60))));
            return;
        }
        LineNumbers ln(text);
        Record r;
        r.dataset = "linux.timedatectl";
        r.position = ln.of(fs.front().line);
        JsonWriter j(r.body);
        j.resume_object(false).begin_object("linux").begin_object("timedatectl");
        std::vector<std::string> seen;
        std::optional<int64_t> epoch;
        for (const auto& f : fs) {
            bool dup = false;
            for (const auto& s : seen) {
                dup = dup || s == f.key;
            }
            if (dup) {
                continue;
            }
            seen.push_back(f.key);
            if (is_bool_key(f.key) && (f.value == "yes" || f.value == "no")) {
                j.boolean(f.key, f.value == "yes");
                continue;
            }
            if (f.key == "version" || f.key == "stratum" || f.key == "packet_count") {
                if (const auto n = linux_cmd::to_int(f.value)) {
                    j.num(f.key, *n);
                    continue;
                }
            }
            if (f.key == "offset" || f.key == "delay" || f.key == "jitter" ||
                f.key == "frequency") {
                double d = 0;
                std::string_view unit;
                if (number_with_unit(f.value, d, unit)) {
                    j.dbl(f.key, d);
                    j.str(f.key + "_unit", unit);
                    continue;
                }
            }
            j.str(f.key, f.value);
            if (f.key == "universal_time") {
                epoch = universal_epoch(f.value);
            }
        }
        if (epoch) {
            j.num("epoch_utc", *epoch);
            r.timestamp = linux_cmd::format_utc(*epoch);
        }
        j.end_object().end_object();
        sink.emit(r);
        if (other > 0) {
            sink.emit(make_error_record(r.position, true,
                                        "timedatectl: lines without a label were skipped"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "timedatectl: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_timedatectl_parser() {
    static const TimedatectlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
