// linux.journalctl_boots: `journalctl --list-boots` (UAC system/journalctl_--list-boots.txt):
// the boots the journal remembers.  A gap between one boot's last entry and the next one's
// first, or a journal that starts late, is what an analyst looks for after log tampering.
//
// One record per boot: index (0 = the collection's boot, -1 the one before...), boot_id, and
// first_entry / last_entry as printed; first_entry_utc / last_entry_utc (RFC 3339) when the
// zone is known, and @timestamp = the first entry.  Both layouts: systemd >= 251's table
// ("IDX BOOT ID FIRST ENTRY LAST ENTRY") and the older "-1 <id> <first>—<last>".
// Claimed by content alone (a 32-hex boot id between an index and two dated times is
// unmistakable) or by name with content.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_boot_id(std::string_view s) {
    if (s.size() != 32) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool is_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 6 && w[0] == "IDX" && w[1] == "BOOT" && w[2] == "ID" && w[3] == "FIRST";
}

struct Boot {
    int64_t index = 0;
    std::string_view id;
    std::string_view first;
    std::string_view last;
};

// "Wed 2026-11-25 08:01:12 UTC" -> UTC RFC 3339; "" when the zone is unknown.
std::string to_utc(std::string_view t) {
    const auto w = split_ws(t);
    if (w.size() < 3) {
        return {};
    }
    const std::string iso = std::string(w[1]) + "T" + std::string(w[2]);
    auto epoch = linux_cmd::parse_iso_time(iso);
    if (!epoch) {
        return {};
    }
    if (w.size() >= 4) {
        const auto off = linux_cmd::zone_offset(w[3]);
        if (!off) {
            return {};
        }
        *epoch -= *off;
    } else {
        return {};
    }
    return linux_cmd::format_utc(*epoch);
}

bool parse_row(std::string_view line, Boot& b) {
    const std::string_view t = trim(line);
    const size_t s1 = t.find(' ');
    if (s1 == std::string_view::npos) {
        return false;
    }
    const auto idx = to_int(t.substr(0, s1));
    std::string_view rest = trim(t.substr(s1));
    const size_t s2 = rest.find(' ');
    if (!idx || s2 == std::string_view::npos || !is_boot_id(rest.substr(0, s2))) {
        return false;
    }
    b.index = *idx;
    b.id = rest.substr(0, s2);
    rest = trim(rest.substr(s2));
    const size_t dash = rest.find("\xE2\x80\x94");  // — (systemd < 251)
    if (dash != std::string_view::npos) {
        b.first = trim(rest.substr(0, dash));
        b.last = trim(rest.substr(dash + 3));
        return !b.first.empty();
    }
    // "Wed 2026-11-25 08:01:12 UTC Wed 2026-11-25 22:14:03 UTC": the second time starts
    // where the weekday comes again, i.e. at the middle word.
    const auto w = split_ws(rest);
    if (w.size() < 2 || w.size() % 2 != 0) {
        return false;
    }
    const std::string_view second = w[w.size() / 2];
    b.first = trim(rest.substr(0, static_cast<size_t>(second.data() - rest.data())));
    b.last = trim(rest.substr(static_cast<size_t>(second.data() - rest.data())));
    return true;
}

class JournalctlBootsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.journalctl_boots";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        const bool header = is_header(lines[i]);
        if (header) {
            i = linux_cmd::first_nonblank(lines, i + 1);
        }
        Boot b;
        if (i >= lines.size() || !parse_row(lines[i], b)) {
            return 0;
        }
        const bool named = linux_cmd::command_line_says(probe, {"journalctl", "boots"});
        return named ? 95 : (header ? 90 : 80);
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        linux_cmd::LineNumbers ln(text);
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty() || is_header(line)) {
                continue;
            }
            const uint64_t n = ln.of(line);
            Boot b;
            if (!parse_row(line, b)) {
                sink.emit(
                    make_error_record(n, true, "journalctl --list-boots: not a boot row", line));
                continue;
            }
            Record r;
            r.dataset = "linux.journalctl_boots";
            r.position = n;
            const std::string first_utc = to_utc(b.first);
            const std::string last_utc = to_utc(b.last);
            r.timestamp = first_utc;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("journalctl_boots");
            j.num("index", b.index).str("boot_id", b.id);
            j.str("first_entry", b.first).str("last_entry", b.last);
            j.opt_str("first_entry_utc", first_utc).opt_str("last_entry_utc", last_utc);
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "journalctl --list-boots: file too large"));
        }
    }
};

}  // namespace

const Parser& linux_journalctl_boots_parser() {
    static const JournalctlBootsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
