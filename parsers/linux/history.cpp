// linux.history: raw ~/.bash_history files (with HISTTIMEFORMAT `#1700000000` stamp lines),
// zsh extended history (`: 1700000000:0;cmd`), and the `history` builtin's output
// (`  65  cmd`, optionally `  65  2026-11-27 06:00:00 cmd` with HISTTIMEFORMAT="%F %T ").
//
// One record per command with jc's fields (line, command) plus `epoch` and @timestamp when a
// stamp exists, and ECS process.command_line.  In a stamped bash file the lines between two
// stamps are one (multi-line) command, as bash reads them back.  Files are only claimed with
// a history file name or with stamp lines (content alone is not a signature otherwise).
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

using linux_cmd::format_utc;
using linux_cmd::LineNumbers;
using linux_cmd::whole_lines;

// "#1700000000" (bash writes seconds since the epoch, 9–11 digits).
std::optional<int64_t> bash_stamp(std::string_view line) {
    if (line.size() < 10 || line.size() > 12 || line[0] != '#') {
        return std::nullopt;
    }
    const auto v = to_int(line.substr(1));
    if (!v || *v < 0) {
        return std::nullopt;
    }
    return v;
}

// ": 1700000000:0;command"
bool zsh_line(std::string_view line, int64_t& epoch, std::string_view& cmd) {
    if (!line.starts_with(": ")) {
        return false;
    }
    const size_t colon = line.find(':', 2);
    const size_t semi = line.find(';', 2);
    if (colon == std::string_view::npos || semi == std::string_view::npos || semi < colon) {
        return false;
    }
    const auto v = to_int(line.substr(2, colon - 2));
    if (!v || !to_int(line.substr(colon + 1, semi - colon - 1))) {
        return false;
    }
    epoch = *v;
    cmd = line.substr(semi + 1);
    return true;
}

// "  65  sudo ls" → 65, "sudo ls"; with "%F %T " stamps the date is split off.
bool builtin_line(std::string_view line,
                  int64_t& num,
                  std::string_view& stamp,
                  std::string_view& cmd) {
    // Left-trim only: a command's trailing blanks are part of what was typed.
    std::string_view t = line;
    while (!t.empty() && (t[0] == ' ' || t[0] == '\t')) {
        t.remove_prefix(1);
    }
    size_t i = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        ++i;
    }
    if (i == 0 || i > 9 || line.empty() || line[0] != ' ') {
        return false;
    }
    size_t j = i;
    if (j < t.size() && t[j] == '*') {
        ++j;  // modified entry
    }
    if (j + 2 > t.size() || t[j] != ' ' || t[j + 1] != ' ') {
        return false;
    }
    num = *to_int(t.substr(0, i));
    cmd = t.substr(j + 2);
    // "2026-11-27 06:00:00 cmd"
    if (cmd.size() >= 20 && cmd[4] == '-' && cmd[7] == '-' && cmd[10] == ' ' && cmd[13] == ':' &&
        cmd[16] == ':' && (cmd.size() == 19 || cmd[19] == ' ')) {
        stamp = cmd.substr(0, 19);
        cmd = cmd.substr(std::min<size_t>(20, cmd.size()));
    }
    return true;
}

enum class Format { kRaw, kBuiltin, kZsh };

Format sniff(const std::vector<std::string_view>& lines, size_t* stamps) {
    size_t builtin = 0;
    size_t zsh = 0;
    size_t other = 0;
    *stamps = 0;
    for (size_t i = 0; i < lines.size() && i < 200; ++i) {
        if (lines[i].empty()) {
            continue;
        }
        int64_t n = 0;
        std::string_view s;
        std::string_view c;
        if (bash_stamp(lines[i])) {
            ++*stamps;
        } else if (zsh_line(lines[i], n, c)) {
            ++zsh;
        } else if (builtin_line(lines[i], n, s, c)) {
            ++builtin;
        } else {
            ++other;
        }
    }
    if (zsh > 0 && zsh >= other) {
        return Format::kZsh;
    }
    if (builtin > 0 && other == 0 && *stamps == 0) {
        return Format::kBuiltin;
    }
    return Format::kRaw;
}

class HistoryParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.history";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        std::string_view base = probe.path.substr(probe.path.rfind('/') + 1);
        const bool hinted = linux_cmd::name_hints(probe, "history") || base.ends_with("_history") ||
                            base.ends_with(".history");
        const auto lines = output_lines(whole_lines(probe));
        size_t stamps = 0;
        const Format f = sniff(lines, &stamps);
        if (hinted) {
            return 80;
        }
        if (f == Format::kZsh) {
            return 65;
        }
        // Content alone: bash stamp lines each followed by a command.
        size_t paired = 0;
        for (size_t i = 0; i + 1 < lines.size(); ++i) {
            if (bash_stamp(lines[i]) && !lines[i + 1].empty() && !bash_stamp(lines[i + 1])) {
                ++paired;
            }
        }
        return paired >= 3 && paired * 2 >= stamps ? 65 : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        size_t stamps = 0;
        const Format f = sniff(lines, &stamps);
        Record r;
        uint64_t ordinal = 0;
        auto emit = [&](uint64_t pos, int64_t line_no, std::string_view cmd,
                        std::optional<int64_t> epoch, std::string_view stamp_text) {
            r.clear();
            r.dataset = "linux.history";
            r.position = pos;
            if (epoch) {
                r.timestamp = format_utc(*epoch);
            }
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("history");
            jw.num("line", line_no).str("command", cmd);
            if (epoch) {
                jw.num("epoch", *epoch);
            }
            if (!stamp_text.empty()) {
                jw.str("timestamp", stamp_text);
            }
            jw.end_object().end_object();
            jw.begin_object("process").str("command_line", cmd).end_object();
            sink.emit(r);
        };
        if (f == Format::kBuiltin) {
            const linux_cmd::TimeAnchor anchor = linux_cmd::time_anchor(ctx);
            for (auto line : lines) {
                int64_t n = 0;
                std::string_view stamp;
                std::string_view cmd;
                if (line.empty()) {
                    continue;
                }
                if (!builtin_line(line, n, stamp, cmd)) {
                    sink.emit(
                        make_error_record(ln.of(line), true, "history: not a history row", line));
                    continue;
                }
                std::optional<int64_t> epoch;
                if (!stamp.empty()) {
                    // A host wall time: the collection's own `date` zone says how to read it.
                    epoch = linux_cmd::parse_iso_time(stamp);
                    if (epoch && anchor.offset_known) {
                        *epoch -= anchor.offset_at_wall(*epoch);
                    }
                }
                emit(ln.of(line), n, cmd, epoch, stamp);
            }
        } else if (f == Format::kZsh) {
            for (auto line : lines) {
                if (line.empty()) {
                    continue;
                }
                int64_t epoch = 0;
                std::string_view cmd;
                ++ordinal;
                if (zsh_line(line, epoch, cmd)) {
                    emit(ln.of(line), static_cast<int64_t>(ordinal), cmd, epoch, {});
                } else {
                    emit(ln.of(line), static_cast<int64_t>(ordinal), line, std::nullopt, {});
                }
            }
        } else {
            // Raw bash history: a stamp applies to the lines up to the next stamp.
            std::optional<int64_t> epoch;
            std::string multi;
            uint64_t multi_pos = 0;
            bool pending = false;
            auto flush = [&]() {
                if (pending) {
                    emit(multi_pos, static_cast<int64_t>(++ordinal), multi, epoch, {});
                    pending = false;
                    multi.clear();
                }
            };
            for (auto line : lines) {
                if (const auto s = bash_stamp(line)) {
                    flush();
                    epoch = s;
                    continue;
                }
                if (line.empty() && !pending) {
                    continue;
                }
                if (epoch) {
                    if (pending) {
                        multi.push_back('\n');
                        multi.append(line);
                    } else {
                        multi.assign(line);
                        multi_pos = ln.of(line);
                        pending = true;
                    }
                } else {
                    emit(ln.of(line), static_cast<int64_t>(++ordinal), line, std::nullopt, {});
                }
            }
            flush();
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "history: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_history_parser() {
    static const HistoryParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
