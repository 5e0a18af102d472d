// linux.vmstat: `vmstat` and `vmstat <delay> <count>` output (UAC system/vmstat.txt), with
// or without -a (inact/active instead of buff/cache), -w (wide) and -t (a timestamp column).
//
// One record per sample row with jc 1.22.5's vmstat names: runnable_procs,
// uninterruptible_sleeping_procs, virtual_mem_used, free_mem, buffer_mem, cache_mem,
// inactive_mem, active_mem, swap_in, swap_out, blocks_in, blocks_out, interrupts,
// context_switches, user_time, system_time, idle_time, io_wait_time, stolen_time, timestamp,
// timezone (plus timestamp_utc when the zone is UTC, where jc
// has epoch_utc); a column the output lacks is null, as in jc.  procps 4's guest column `gu` is
// guest_time.  The columns are read from the header, so their order and set may vary; a
// repeated header (vmstat on a terminal) is skipped.  The first sample is the average since
// boot, the others cover one interval each.  vmstat -d / -s / -m print other tables: not
// claimed.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Column {
    std::string_view header;
    std::string_view key;
};

// In jc's output order.
constexpr std::array<Column, 20> kColumns = {{
    {"r", "runnable_procs"},
    {"b", "uninterruptible_sleeping_procs"},
    {"swpd", "virtual_mem_used"},
    {"free", "free_mem"},
    {"buff", "buffer_mem"},
    {"cache", "cache_mem"},
    {"inact", "inactive_mem"},
    {"active", "active_mem"},
    {"si", "swap_in"},
    {"so", "swap_out"},
    {"bi", "blocks_in"},
    {"bo", "blocks_out"},
    {"in", "interrupts"},
    {"cs", "context_switches"},
    {"us", "user_time"},
    {"sy", "system_time"},
    {"id", "idle_time"},
    {"wa", "io_wait_time"},
    {"st", "stolen_time"},
    {"gu", "guest_time"},
}};

bool is_group_line(std::string_view line) {
    const auto w = split_ws(trim(line));
    // -w prints "--procs--".
    return w.size() >= 3 && w[0].find("procs") != std::string_view::npos &&
           trim(line).find("memory") != std::string_view::npos &&
           trim(line).find("cpu") != std::string_view::npos;
}

// Column header: every word a known column, except a trailing time zone when -t was given.
struct Header {
    std::vector<int> column;  // index into kColumns per numeric field
    std::string zone;         // -t: the zone name heading the timestamp
    bool ok = false;
};

Header read_header(std::string_view line, bool group_has_timestamp) {
    Header h;
    const auto w = split_ws(trim(line));
    if (w.size() < 2 || w[0] != "r" || w[1] != "b") {
        return h;
    }
    for (size_t i = 0; i < w.size(); ++i) {
        int found = -1;
        for (size_t c = 0; c < kColumns.size(); ++c) {
            if (kColumns[c].header == w[i]) {
                found = static_cast<int>(c);
            }
        }
        if (found < 0) {
            if (i + 1 == w.size() && group_has_timestamp) {
                h.zone = std::string(w[i]);
                break;
            }
            return h;
        }
        h.column.push_back(found);
    }
    h.ok = true;
    return h;
}

class VmstatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.vmstat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i + 1 >= lines.size() || !is_group_line(lines[i])) {
            return 0;
        }
        const bool ts = lines[i].find("timestamp") != std::string_view::npos;
        if (!read_header(lines[i + 1], ts).ok) {
            return 0;
        }
        return name_hints(probe, "vmstat") ? 95 : 92;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Header h;
        bool ts = false;
        Record r;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            if (is_group_line(line)) {
                ts = line.find("timestamp") != std::string_view::npos;
                continue;
            }
            if (Header nh = read_header(line, ts); nh.ok) {
                h = std::move(nh);
                continue;
            }
            const auto w = split_ws(trim(line));
            const size_t n = h.column.size();
            const size_t extra = h.zone.empty() ? 0 : 2;
            std::vector<std::optional<int64_t>> v(kColumns.size());
            bool good = h.ok && w.size() == n + extra;
            for (size_t k = 0; good && k < n; ++k) {
                const auto x = to_int(w[k]);
                good = x.has_value() && *x >= 0;
                v[static_cast<size_t>(h.column[k])] = x;
            }
            if (!good) {
                sink.emit(
                    make_error_record(ln.of(line), true, "vmstat: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.vmstat";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("vmstat");
            for (size_t c = 0; c < kColumns.size(); ++c) {
                if (v[c]) {
                    j.num(kColumns[c].key, *v[c]);
                } else if (kColumns[c].header != "gu") {
                    j.null(kColumns[c].key);
                }
            }
            if (extra != 0) {
                j.str("timestamp", std::string(w[n]) + " " + std::string(w[n + 1]));
                j.str("timezone", h.zone);
                // Only a UTC stamp is a point in time without knowing the host's zone rules.
                if (h.zone == "UTC") {
                    const auto t = linux_cmd::parse_iso_time(std::string(w[n]) + "T" +
                                                             std::string(w[n + 1]) + "Z");
                    if (t) {
                        j.str("timestamp_utc", linux_cmd::format_utc(*t));
                    }
                }
            } else {
                j.null("timestamp").null("timezone");
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "vmstat: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_vmstat_parser() {
    static const VmstatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
