// linux.systemctl: `systemctl list-units` (also --all, --type=service and bare `systemctl`),
// `list-unit-files`, `list-timers`, `list-sockets`, `list-jobs`, and `service --status-all`.
//
// One record per unit / unit file / timer / socket / job / service.  Field names follow jc's
// systemctl, systemctl-luf, systemctl-ls and systemctl-lj parsers (unit, load, active, sub,
// description; unit_file, state, vendor_preset; listen, unit, activates; job, unit, type,
// state); timers (no jc parser) use next, left, last, passed, unit, activates; `service
// --status-all` gives service and status (+, -, ?).  The failed-unit marker (● or *) becomes
// `failed_marker: true` instead of shifting the columns.  Legends and counts are skipped.
#include <algorithm>
#include <cctype>
#include <cstdint>
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
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

enum class Kind { kNone, kUnits, kUnitFiles, kTimers, kSockets, kJobs, kServiceStatus };

bool has_word(const std::vector<std::string_view>& w, std::string_view x) {
    for (auto t : w) {
        if (t == x) {
            return true;
        }
    }
    return false;
}

Kind header_kind(std::string_view line) {
    const auto w = split_ws(trim(line));
    if (w.size() < 2) {
        return Kind::kNone;
    }
    if (w[0] == "UNIT" && w[1] == "FILE" && has_word(w, "STATE")) {
        return Kind::kUnitFiles;
    }
    if (w[0] == "UNIT" && has_word(w, "LOAD") && has_word(w, "ACTIVE") && has_word(w, "SUB")) {
        return Kind::kUnits;
    }
    if (w[0] == "NEXT" && has_word(w, "LEFT") && has_word(w, "UNIT") && has_word(w, "ACTIVATES")) {
        return Kind::kTimers;
    }
    if (w[0] == "LISTEN" && w.size() >= 3 && w[1] == "UNIT" && w[2] == "ACTIVATES") {
        return Kind::kSockets;
    }
    if (w[0] == "JOB" && w.size() >= 4 && w[1] == "UNIT" && w[2] == "TYPE" && w[3] == "STATE") {
        return Kind::kJobs;
    }
    return Kind::kNone;
}

// " [ + ]  apache2" (sysvinit's service --status-all)
bool service_status_line(std::string_view line,
                         std::string_view& status,
                         std::string_view& service) {
    const std::string_view t = trim(line);
    if (t.size() < 7 || t[0] != '[' || t[1] != ' ' || t[3] != ' ' || t[4] != ']') {
        return false;
    }
    if (t[2] != '+' && t[2] != '-' && t[2] != '?') {
        return false;
    }
    status = t.substr(2, 1);
    service = trim(t.substr(5));
    return !service.empty() && service.find(' ') == std::string_view::npos;
}

std::string_view strip_marker(std::string_view line, bool& marked) {
    std::string_view t = line;
    while (!t.empty() && t[0] == ' ') {
        t.remove_prefix(1);
    }
    marked = false;
    if (t.starts_with("\xE2\x97\x8F")) {  // ●
        marked = true;
        t.remove_prefix(3);
    } else if (t.starts_with("* ")) {
        marked = true;
        t.remove_prefix(1);
    }
    return trim(t);
}

// Timer rows: slice by the header's column starts (dates hold spaces; systemctl pads).
std::vector<std::string_view> slice(std::string_view line, const std::vector<size_t>& starts) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < starts.size(); ++i) {
        const size_t b = starts[i];
        const size_t e = i + 1 < starts.size() ? starts[i + 1] : line.size();
        if (b >= line.size()) {
            out.emplace_back();
        } else {
            out.push_back(trim(line.substr(b, std::min(e, line.size()) - b)));
        }
    }
    return out;
}

std::vector<size_t> column_starts(std::string_view header) {
    std::vector<size_t> starts;
    for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] != ' ' && (i == 0 || header[i - 1] == ' ')) {
            starts.push_back(i);
        }
    }
    return starts;
}

Kind sniff(const std::vector<std::string_view>& lines, size_t* header_at) {
    size_t status_lines = 0;
    for (size_t i = 0; i < lines.size() && i < 40; ++i) {
        const Kind k = header_kind(lines[i]);
        if (k != Kind::kNone) {
            *header_at = i;
            return k;
        }
        std::string_view s;
        std::string_view n;
        if (service_status_line(lines[i], s, n)) {
            ++status_lines;
        } else if (!trim(lines[i]).empty()) {
            return Kind::kNone;
        }
    }
    *header_at = 0;
    return status_lines > 0 ? Kind::kServiceStatus : Kind::kNone;
}

class SystemctlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.systemctl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "systemctl");
        size_t at = 0;
        const Kind k = sniff(output_lines(whole_lines(probe)), &at);
        if (k == Kind::kNone) {
            return 0;
        }
        if (k == Kind::kServiceStatus) {
            return hinted ? 80 : 60;
        }
        return hinted ? 90 : 75;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        size_t at = 0;
        const Kind kind = sniff(lines, &at);
        if (kind == Kind::kNone) {
            sink.emit(make_error_record(1, true, "systemctl: no known header found"));
            return;
        }
        std::vector<size_t> starts;
        bool preset = false;
        if (kind != Kind::kServiceStatus) {
            starts = column_starts(lines[at]);
            const auto hw = split_ws(lines[at]);
            preset = has_word(hw, "PRESET");
            ++at;
        }
        Record r;
        for (size_t i = at; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            if (trim(line).empty()) {
                if (kind == Kind::kServiceStatus) {
                    continue;
                }
                break;  // the legend and counts follow the first blank line
            }
            r.clear();
            r.dataset = "linux.systemctl";
            r.position = ln.of(line);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("systemctl");
            bool marked = false;
            const std::string_view row = strip_marker(line, marked);
            bool ok = true;
            switch (kind) {
                case Kind::kUnits: {
                    const auto f = split_ws(row, 5);
                    ok = f.size() >= 4;
                    if (ok) {
                        w.str("unit", f[0]).str("load", f[1]).str("active", f[2]).str("sub", f[3]);
                        w.str("description", f.size() > 4 ? f[4] : std::string_view());
                    }
                    break;
                }
                case Kind::kUnitFiles: {
                    const auto f = split_ws(row, 3);
                    ok = f.size() >= 2;
                    if (ok) {
                        w.str("unit_file", f[0]).str("state", f[1]);
                        if (preset && f.size() > 2) {
                            w.str("vendor_preset", f[2]);
                        }
                    }
                    break;
                }
                case Kind::kSockets: {
                    // LISTEN may hold a space ("kobject-uevent 1"): slice by the header.
                    const auto f = slice(line, starts);
                    ok = f.size() >= 3 && !f[1].empty();
                    if (ok) {
                        w.str("listen", f[0]).str("unit", f[1]);
                        if (f[2].empty()) {
                            w.null("activates");
                        } else {
                            w.str("activates", f[2]);
                        }
                    }
                    break;
                }
                case Kind::kJobs: {
                    const auto f = split_ws(row, 4);
                    ok = f.size() == 4 && to_int(f[0]).has_value();
                    if (ok) {
                        w.num("job", *to_int(f[0]))
                            .str("unit", f[1])
                            .str("type", f[2])
                            .str("state", f[3]);
                    }
                    break;
                }
                case Kind::kTimers: {
                    const auto f = slice(line, starts);
                    ok = f.size() >= 6 && !f[f.size() - 2].empty();
                    if (ok) {
                        auto na = [&](std::string_view k, std::string_view v) {
                            if (v.empty() || v == "n/a" || v == "-") {
                                w.null(k);
                            } else {
                                w.str(k, v);
                            }
                        };
                        na("next", f[0]);
                        na("left", f[1]);
                        na("last", f[2]);
                        na("passed", f[3]);
                        w.str("unit", f[4]).str("activates", f[5]);
                    }
                    break;
                }
                case Kind::kServiceStatus: {
                    std::string_view st;
                    std::string_view svc;
                    ok = service_status_line(line, st, svc);
                    if (ok) {
                        w.str("service", svc).str("status", st);
                        w.str("active", st == "+" ? "running" : st == "-" ? "stopped" : "unknown");
                    }
                    break;
                }
                case Kind::kNone: ok = false; break;
            }
            if (!ok) {
                sink.emit(make_error_record(r.position, true,
                                            "systemctl: row does not fit the header", line));
                continue;
            }
            if (marked) {
                w.boolean("failed_marker", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "systemctl: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_systemctl_parser() {
    static const SystemctlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
