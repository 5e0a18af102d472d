// linux.dnf_history: `dnf history list` / `yum history list` (UAC packages/
// dnf_history_list.txt).  Which transaction installed the intruder's packages, when, and with
// what command line ("install -y ./x.rpm").
//
// One record per transaction from dnf 4's "ID | Command line | Date and time | Action(s) |
// Altered" table (yum 3: "Login user" instead of the command line): id, command_line or
// login_user, date (as printed, the host's wall time), actions (as printed, "I, U"),
// altered (package count) and altered_flags (the marks after the count: "E"/"EE" scriptlet
// output or errors, "P" problems, "s" skipped, "<"/">" rpmdb changed outside yum, "*" aborted,
// "#" return code).  @timestamp = the date, read in the host's zone from the collection's
// `date` (as UTC without one).  The table is unmistakable, so content alone claims it.
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

std::vector<std::string_view> pipe_cells(std::string_view line) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (true) {
        const size_t bar = line.find('|', pos);
        out.push_back(trim(line.substr(pos, bar == std::string_view::npos ? bar : bar - pos)));
        if (bar == std::string_view::npos) {
            return out;
        }
        pos = bar + 1;
    }
}

// 0 = no header, 1 = "Command line" (dnf), 2 = "Login user" (yum).
int header_kind(std::string_view line) {
    const auto c = pipe_cells(line);
    if (c.size() != 5 || c[0] != "ID" || c[2] != "Date and time" || c[3] != "Action(s)" ||
        c[4] != "Altered") {
        return 0;
    }
    return c[1] == "Command line" ? 1 : c[1] == "Login user" ? 2 : 0;
}

bool is_rule(std::string_view t) {
    return t.size() >= 10 && t.find_first_not_of('-') == std::string_view::npos;
}

// "2026-11-27 03:12" -> fields; false unless that shape.
bool parse_date(std::string_view s, int& y, int& mo, int& d, int& h, int& mi) {
    if (s.size() != 16 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':') {
        return false;
    }
    const auto num = [&](size_t at, size_t n, int& out) {
        const auto v = to_int(s.substr(at, n));
        out = v ? static_cast<int>(*v) : -1;
        return v.has_value() && *v >= 0;
    };
    return num(0, 4, y) && num(5, 2, mo) && num(8, 2, d) && num(11, 2, h) && num(14, 2, mi) &&
           mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59;
}

class DnfHistoryParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.dnf_history";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        // yum prints "Loaded plugins: ..." (and its wrapped continuation) before the table.
        size_t seen = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            if (header_kind(line) != 0) {
                return 95;
            }
            if (++seen > 12) {
                break;
            }
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const linux_cmd::TimeAnchor anchor = linux_cmd::time_anchor(ctx);
        LineNumbers ln(text);
        Record r;
        int kind = 0;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            // yum 3 ends the table with "history list".
            if (t.empty() || is_rule(t) || t == "history list") {
                continue;
            }
            if (const int k = header_kind(line); k != 0) {
                kind = k;
                continue;
            }
            if (kind == 0) {
                continue;  // "Loaded plugins: ..." preamble
            }
            auto c = pipe_cells(line);
            // A command line may hold '|': the first cell is the id, the last three are fixed.
            if (c.size() > 5) {
                const size_t first = line.find('|');
                size_t last = line.size();
                for (int n = 0; n < 3; ++n) {
                    last = line.rfind('|', last - 1);
                }
                c = {c[0], trim(line.substr(first + 1, last - first - 1)), c[c.size() - 3],
                     c[c.size() - 2], c[c.size() - 1]};
            }
            const auto id = c.size() == 5 ? to_int(c[0]) : std::nullopt;
            int y = 0, mo = 0, d = 0, h = 0, mi = 0;
            if (!id || !parse_date(c[2], y, mo, d, h, mi)) {
                sink.emit(
                    make_error_record(ln.of(line), true, "dnf_history: row does not parse", line));
                continue;
            }
            // "   34 EE": the count, then flags.
            const std::string_view altered = c[4];
            const size_t sp = altered.find_first_of(" \t");
            const auto count = to_int(altered.substr(0, sp));
            const std::string_view flags =
                sp == std::string_view::npos ? std::string_view{} : trim(altered.substr(sp));
            r.clear();
            r.dataset = "linux.dnf_history";
            r.position = ln.of(line);
            // The offset (and DST rule) of the collection's `date`; 0 (UTC) without one.
            r.timestamp = linux_cmd::format_utc(linux_cmd::wall_to_utc(anchor, y, mo, d, h, mi, 0));
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("dnf_history");
            j.num("id", *id);
            j.str(kind == 1 ? "command_line" : "login_user", c[1]);
            j.str("date", c[2]).str("actions", c[3]);
            if (count) {
                j.num("altered", *count);
            } else {
                j.str("altered", altered);
            }
            j.opt_str("altered_flags", flags);
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "dnf_history: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_dnf_history_parser() {
    static const DnfHistoryParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
