// linux.ps: `ps` in its common forms (aux/auxww, auxf/axjf/--forest/-ejH with tree art or
// indentation, -ef/-efl/-eF, plain `ps`, -eo/-axo with custom columns incl. lstart/etime).
//
// One record per process.  Fields under linux.ps use jc's names (lower-cased headers,
// %cpu -> cpu_percent, %mem -> mem_percent; pid/ppid/c/vsz/rss integers, tty "?" -> null);
// the command is stored without tree art, the art's depth as tree_depth, and the parent pid
// recovered from the tree when no PPID column exists.  A user cut by ps (`svc_bac+`) is kept
// as printed and flagged user_truncated.  START/STIME/lstart/etime resolve to @timestamp
// using the collection's `date` (or the collection time) for the year.
#include <algorithm>
#include <array>
#include <deque>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

enum class Col {
    kOther,
    kUser,  // USER, RUSER, EUSER (name, maybe truncated)
    kUid,   // UID (name in -f, number in j)
    kPid,
    kPpid,
    kTty,
    kStart,    // START / STIME (bsd_start / stime)
    kStarted,  // STARTED (start or lstart, 1, 2 or 5 tokens)
    kElapsed,  // ELAPSED (etime or etimes)
    kComm,     // COMMAND/COMM/UCMD not in last place (fixed-width, may hold spaces)
    kCommand,  // last column: COMMAND/CMD/ARGS (rest of the line)
};

struct Column {
    std::string key;  // jc key
    Col kind = Col::kOther;
    size_t pos = 0;  // header start offset
    bool int_value = false;
    bool float_value = false;
};

constexpr std::array<std::string_view, 52> kKnownHeaders = {
    "USER",  "UID",    "PID",     "PPID",    "PGID",   "SID",     "TPGID",  "TTY",  "TT",
    "STAT",  "S",      "F",       "C",       "PRI",    "NI",      "ADDR",   "SZ",   "WCHAN",
    "STIME", "START",  "STARTED", "TIME",    "CMD",    "COMMAND", "ARGS",   "%CPU", "%MEM",
    "VSZ",   "RSS",    "RSZ",     "ELAPSED", "CGROUP", "PSR",     "LWP",    "NLWP", "LABEL",
    "RUSER", "EUSER",  "RUID",    "EUID",    "GID",    "GROUP",   "EGROUP", "SESS", "PGRP",
    "CLS",   "RTPRIO", "UNIT",    "MNTNS",   "PIDNS",  "COMM",    "TID"};

bool known_header(std::string_view h) {
    return std::find(kKnownHeaders.begin(), kKnownHeaders.end(), h) != kKnownHeaders.end();
}

// Header columns, or empty when `line` is no ps header.
std::vector<Column> parse_header(std::string_view line) {
    std::vector<Column> cols;
    size_t known = 0;
    bool has_pid = false;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        if (i >= line.size()) {
            break;
        }
        size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') {
            ++j;
        }
        std::string_view h = line.substr(i, j - i);
        Column c;
        c.pos = i;
        if (known_header(h)) {
            ++known;
        }
        has_pid = has_pid || h == "PID";
        std::string key;
        for (char ch : h) {
            key.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
        }
        if (key == "%cpu") {
            key = "cpu_percent";
            c.float_value = true;
        } else if (key == "%mem") {
            key = "mem_percent";
            c.float_value = true;
        }
        if (h == "USER" || h == "RUSER" || h == "EUSER") {
            c.kind = Col::kUser;
        } else if (h == "UID") {
            c.kind = Col::kUid;
        } else if (h == "PID") {
            c.kind = Col::kPid;
        } else if (h == "PPID") {
            c.kind = Col::kPpid;
        } else if (h == "TTY" || h == "TT") {
            c.kind = Col::kTty;
        } else if (h == "START" || h == "STIME") {
            c.kind = Col::kStart;
        } else if (h == "STARTED") {
            c.kind = Col::kStarted;
        } else if (h == "ELAPSED") {
            c.kind = Col::kElapsed;
        } else if (h == "COMMAND" || h == "CMD" || h == "ARGS" || h == "COMM" || h == "UCMD") {
            c.kind = Col::kCommand;
        }
        c.int_value = key == "pid" || key == "ppid" || key == "c" || key == "vsz" || key == "rss";
        c.key = std::move(key);
        cols.push_back(std::move(c));
        i = j;
        if (cols.size() > 64) {
            return {};
        }
    }
    if (!has_pid || cols.size() < 3 || known * 10 < cols.size() * 7) {
        return {};
    }
    // Every command column but the last is a fixed-width comm column.
    for (size_t k = 0; k + 1 < cols.size(); ++k) {
        if (cols[k].kind == Col::kCommand) {
            cols[k].kind = Col::kComm;
            cols[k].key = "comm";
        }
    }
    return cols;
}

bool is_weekday(std::string_view t) {
    static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                              "Fri", "Sat", "Sun"};
    return std::find(kDays.begin(), kDays.end(), t) != kDays.end();
}

// Where the probe's header is, and how confident we are that this is ps output.
int header_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    for (size_t i = 0; i < lines.size() && i < 3; ++i) {
        std::string_view l = lines[i];
        std::vector<Column> cols = parse_header(l);
        if (cols.empty()) {
            continue;
        }
        const std::string_view t = trim(l);
        if (t.starts_with("USER") && t.find("%CPU") != std::string_view::npos &&
            t.find("VSZ") != std::string_view::npos) {
            return 85;  // ps aux
        }
        if (t.starts_with("UID") && t.find("PPID") != std::string_view::npos &&
            t.find("STIME") != std::string_view::npos) {
            return 85;  // ps -ef
        }
        if (t.starts_with("F S UID") || t.starts_with("PPID") ||
            (t.starts_with("PID") && cols.back().kind == Col::kCommand)) {
            return 75;  // -efl, axjf, -ejH, plain ps, -o pid,...
        }
        if (cols.back().kind == Col::kCommand) {
            return 65;
        }
        return 40;  // a custom -o table without a command column: needs the name hint
    }
    return 0;
}

int64_t day_of(int64_t t) {
    return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

struct StartTime {
    int64_t utc = 0;
    std::string_view precision;  // "second" | "minute" | "day"
    bool ok = false;
};

// START/STIME: "HH:MM" (last 24 h), "MmmDD" (this year), "YYYY" (year only: unresolved).
StartTime resolve_bsd_start(std::string_view v, const TimeAnchor& a) {
    StartTime st;
    if (!a.valid) {
        return st;
    }
    if (v.size() == 5 && v[2] == ':') {
        auto h = to_int(v.substr(0, 2));
        auto m = to_int(v.substr(3, 2));
        if (!h || !m || *h > 23 || *m > 59) {
            return st;
        }
        const int64_t today = day_of(a.now_local());
        int64_t local = today * 86400 + *h * 3600 + *m * 60;
        if (local > a.now_local() + 60) {
            local -= 86400;  // started yesterday, less than 24 h ago
        }
        st.utc = local - a.offset_at_wall(local);
        st.precision = "minute";
        st.ok = true;
        return st;
    }
    if (v.size() >= 4 && v.size() <= 5) {
        const int mo = month_number(v.substr(0, 3));
        auto d = to_int(v.substr(3));
        if (mo != 0 && d && *d >= 1 && *d <= 31) {
            const int y = resolve_year(a, mo, static_cast<int>(*d));
            st.utc = wall_to_utc(a, y, mo, static_cast<int>(*d), 0, 0, 0);
            st.precision = "day";
            st.ok = true;
        }
    }
    return st;
}

// STARTED: lstart "Fri Nov 27 06:17:01 2026", start "06:17:01" or "Nov 26".
StartTime resolve_started(const std::vector<std::string_view>& toks, const TimeAnchor& a) {
    StartTime st;
    if (toks.size() == 5) {
        const int mo = month_number(toks[1]);
        auto d = to_int(toks[2]);
        auto y = to_int(toks[4]);
        std::string_view t = toks[3];
        if (mo != 0 && d && y && t.size() == 8 && t[2] == ':' && t[5] == ':') {
            auto hh = to_int(t.substr(0, 2));
            auto mm = to_int(t.substr(3, 2));
            auto ss = to_int(t.substr(6, 2));
            if (hh && mm && ss) {
                TimeAnchor z = a;  // lstart carries its year; only the offset matters
                st.utc = wall_to_utc(z, static_cast<int>(*y), mo, static_cast<int>(*d),
                                     static_cast<int>(*hh), static_cast<int>(*mm),
                                     static_cast<int>(*ss));
                st.precision = "second";
                st.ok = true;
            }
        }
        return st;
    }
    if (!a.valid) {
        return st;
    }
    if (toks.size() == 1 && toks[0].size() == 8 && toks[0][2] == ':') {
        auto hh = to_int(toks[0].substr(0, 2));
        auto mm = to_int(toks[0].substr(3, 2));
        auto ss = to_int(toks[0].substr(6, 2));
        if (hh && mm && ss) {
            int64_t local = day_of(a.now_local()) * 86400 + *hh * 3600 + *mm * 60 + *ss;
            if (local > a.now_local() + 60) {
                local -= 86400;
            }
            st.utc = local - a.offset_at_wall(local);
            st.precision = "second";
            st.ok = true;
        }
        return st;
    }
    if (toks.size() == 2) {
        const int mo = month_number(toks[0]);
        auto d = to_int(toks[1]);
        if (mo != 0 && d) {
            const int y = resolve_year(a, mo, static_cast<int>(*d));
            st.utc = wall_to_utc(a, y, mo, static_cast<int>(*d), 0, 0, 0);
            st.precision = "day";
            st.ok = true;
        }
    }
    return st;
}

// ELAPSED: "[[dd-]hh:]mm:ss" or plain seconds (etimes).
std::optional<int64_t> elapsed_seconds(std::string_view v) {
    if (auto s = to_int(v)) {
        return *s;
    }
    int64_t days = 0;
    const size_t dash = v.find('-');
    if (dash != std::string_view::npos) {
        auto d = to_int(v.substr(0, dash));
        if (!d) {
            return std::nullopt;
        }
        days = *d;
        v = v.substr(dash + 1);
    }
    int64_t total = 0;
    int parts = 0;
    while (!v.empty()) {
        const size_t c = v.find(':');
        auto n = to_int(v.substr(0, c));
        if (!n || ++parts > 3) {
            return std::nullopt;
        }
        total = total * 60 + *n;
        if (c == std::string_view::npos) {
            break;
        }
        v = v.substr(c + 1);
    }
    if (parts < 2) {
        return std::nullopt;
    }
    return days * 86400 + total;
}

// Tree art at the start of the command column: `\_ ` after `|`/space runs (f, --forest),
// or pure indentation (-H, two spaces per level).
struct Art {
    std::string_view command;
    int depth = 0;
    bool has_art = false;
};
Art strip_art(std::string_view col, bool indent_mode) {
    Art a;
    size_t i = 0;
    while (i < col.size() && (col[i] == ' ' || col[i] == '|')) {
        ++i;
    }
    if (i + 1 < col.size() && col[i] == '\\' && col[i + 1] == '_') {
        a.has_art = true;
        a.depth = static_cast<int>(i / 4) + 1;
        size_t k = i + 2;
        if (k < col.size() && col[k] == ' ') {
            ++k;
        }
        a.command = col.substr(k);
        return a;
    }
    if (indent_mode) {
        size_t s = 0;
        while (s < col.size() && col[s] == ' ') {
            ++s;
        }
        a.depth = static_cast<int>(s / 2);
        a.command = col.substr(s);
        return a;
    }
    a.command = col;
    return a;
}

std::string_view basename_of(std::string_view p) {
    const size_t s = p.find_last_of('/');
    return s == std::string_view::npos ? p : p.substr(s + 1);
}

// process.name from the command: kernel threads "[kworker/0:1]" keep their inner name,
// otherwise argv[0]'s base name without a trailing ':' ("sshd: alice" -> "sshd").
std::string_view name_from_command(std::string_view cmd) {
    cmd = trim(cmd);
    if (cmd.size() > 2 && cmd.front() == '[') {
        const size_t close = cmd.find(']');
        if (close != std::string_view::npos) {
            return cmd.substr(1, close - 1);
        }
        // Cut by the terminal width ("[kworker/R-"): the name so far, not a base name
        // made of its tail ("R-"); the row says line_truncated.
        return cmd.substr(1, cmd.find(' ') == std::string_view::npos ? std::string_view::npos
                                                                     : cmd.find(' ') - 1);
    }
    std::string_view argv0 = cmd.substr(0, cmd.find(' '));
    std::string_view n = basename_of(argv0);
    while (!n.empty() && n.back() == ':') {
        n.remove_suffix(1);
    }
    return n;
}

struct Row {
    std::string_view line;
    uint64_t line_no = 0;
};

// Whether `line` can be a process row of this header: where the header has a numeric
// column (PID, %CPU, VSZ...) the line has a number.  Layouts with a fixed-width comm or a
// multi-token STARTED column are not judged (always true).
bool plausible_row(std::string_view line, const std::vector<Column>& cols) {
    FieldCursor cur(line);
    for (const Column& c : cols) {
        if (c.kind == Col::kComm || c.kind == Col::kStarted) {
            return true;
        }
        if (c.kind == Col::kCommand) {
            break;
        }
        const std::string_view t = cur.next();
        if (t.empty()) {
            return false;
        }
        if ((c.int_value || c.float_value || c.kind == Col::kPid || c.kind == Col::kPpid) &&
            t != "-" && !to_double(t)) {
            return false;
        }
    }
    return true;
}

class PsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ps";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = header_score(probe.head);
        if (score == 0) {
            return 0;
        }
        const bool hinted = name_hints(probe, "ps");
        if (hinted) {
            return std::min(90, score + 10);
        }
        return score >= 60 ? score : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        const TimeAnchor anchor = time_anchor(ctx);

        std::vector<Column> cols;
        size_t first_row = 0;
        for (size_t i = 0; i < lines.size() && i < 8; ++i) {
            cols = parse_header(lines[i]);
            if (!cols.empty()) {
                first_row = i + 1;
                break;
            }
        }
        // A header a narrow terminal wrapped ("... TIME C" / "MD"): the next line ends it.
        std::string header_buf;
        const auto no_digit = [](std::string_view l) {
            return std::none_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        if (!cols.empty() && first_row < lines.size() &&
            lines[first_row - 1].size() >= kMinWrapWidth &&
            std::all_of(
                lines.begin() + static_cast<std::ptrdiff_t>(first_row), lines.end(),
                [&](std::string_view l) { return l.size() <= lines[first_row - 1].size(); }) &&
            no_digit(lines[first_row]) && split_ws(trim(lines[first_row])).size() <= 3 &&
            !plausible_row(lines[first_row], cols)) {
            header_buf.assign(lines[first_row - 1]).append(lines[first_row]);
            std::vector<Column> whole = parse_header(header_buf);
            if (!whole.empty() && whole.size() >= cols.size()) {
                cols = std::move(whole);
                ++first_row;
            }
        }
        Record r;
        if (cols.empty()) {
            sink.emit(make_error_record(lines.empty() ? 1 : lc.line_of(lines[0]), true,
                                        "linux.ps: no ps header found",
                                        lines.empty() ? std::string_view{} : lines[0]));
            return;
        }
        const bool has_comm_col = std::any_of(cols.begin(), cols.end(),
                                              [](const Column& c) { return c.kind == Col::kComm; });
        const bool last_is_command = cols.back().kind == Col::kCommand;
        // Without -f (no STIME/C columns) a CMD column is the 15-char comm, not the argv:
        // `ps`, `ps -ejH`, `ps -e`.  Then the whole value is the process name.
        const bool cmd_is_comm = last_is_command && cols.back().key == "cmd" &&
                                 std::none_of(cols.begin(), cols.end(), [](const Column& c) {
                                     return c.key == "stime" || c.key == "c";
                                 });

        // Rows, and whether the command column uses art or indentation, and the longest line
        // (lines cut at the terminal width share one maximal length).
        std::vector<Row> rows;
        rows.reserve(lines.size());
        bool any_art = false;
        size_t max_len = 0;
        // A hard-wrapped copy (a narrow terminal's screen copied, a ticket): a row cut at
        // the margin goes on on the next line, which is no row of its own (its numeric
        // columns are not numbers).  Those tails are joined back to their rows first.
        size_t wrap_at = 0;
        for (size_t i = first_row; i < lines.size(); ++i) {
            wrap_at = std::max(wrap_at, lines[i].size());
        }
        std::deque<std::string> joined;
        size_t last_physical = 0;
        for (size_t i = first_row; i < lines.size(); ++i) {
            std::string_view l = lines[i];
            if (trim(l).empty()) {
                last_physical = 0;
                continue;
            }
            if (!rows.empty() && wrap_at >= kMinWrapWidth && last_physical == wrap_at &&
                !plausible_row(l, cols)) {
                Row& prev = rows.back();
                if (!joined.empty() && prev.line.data() == joined.back().data()) {
                    joined.back().append(l);
                } else {
                    joined.emplace_back(prev.line).append(l);
                }
                prev.line = joined.back();
                last_physical = l.size();
                continue;
            }
            rows.push_back({l, lc.line_of(l)});
            last_physical = l.size();
        }
        for (const Row& row : rows) {
            max_len = std::max(max_len, row.line.size());
            if (!any_art && row.line.find("\\_ ") != std::string_view::npos) {
                any_art = true;
            }
        }
        size_t at_max = 0;
        for (const Row& row : rows) {
            at_max += row.line.size() == max_len ? 1 : 0;
        }
        const bool width_cut = at_max >= 3 && max_len >= 60;
        const std::string cmd_hint = command_line_hint(ctx.member, text.substr(0, 4096));
        bool indent_mode = false;
        if (!any_art && last_is_command) {
            // -H / -ejH / -efH: indentation; recognised from the hint or from the data.
            const size_t sp = cmd_hint.find(' ');
            const std::string_view flags = sp == std::string::npos
                                               ? std::string_view{}
                                               : std::string_view(cmd_hint).substr(sp);
            indent_mode = flags.find('h') != std::string_view::npos &&
                          flags.find("--help") == std::string_view::npos;
        }

        std::vector<int64_t> stack;  // pid per tree depth
        std::string last_ts;
        int64_t last_ts_utc = 0;
        std::vector<std::string_view> started;
        std::vector<std::string_view> all;
        std::vector<std::string_view> values;
        for (Row& row : rows) {
            const std::string_view line = row.line;
            const uint64_t line_no = row.line_no;
            // Split: every column but the last takes one token (STARTED 1/2/5, comm absorbs
            // the surplus); the last column is the rest after one separator.
            std::string_view prefix = line;
            std::string_view last_col;
            bool have_last = false;
            if (has_comm_col && last_is_command) {
                const size_t p = cols.back().pos;
                if (p > 0 && p < line.size() && line[p - 1] == ' ') {
                    prefix = line.substr(0, p - 1);
                    last_col = line.substr(p);
                    have_last = true;
                }
            }
            FieldCursor cur(prefix);
            const size_t ntok_cols = cols.size() - (last_is_command ? 1 : 0);
            all.clear();
            if (has_comm_col) {
                for (std::string_view t = cur.next(); !t.empty(); t = cur.next()) {
                    all.push_back(t);
                }
            }
            size_t consumed = 0;
            bool ok = true;
            values.assign(cols.size(), std::string_view{});
            for (size_t c = 0; c < ntok_cols; ++c) {
                if (has_comm_col) {
                    if (consumed >= all.size()) {
                        ok = false;
                        break;
                    }
                    if (cols[c].kind == Col::kComm) {
                        // Tokens left for the columns after comm (one each; STARTED may
                        // take more, estimated from its first token).
                        size_t after = 0;
                        for (size_t k = c + 1; k < ntok_cols; ++k) {
                            after += 1;
                        }
                        size_t take =
                            all.size() > consumed + after ? all.size() - consumed - after : 1;
                        // STARTED after comm with 2/5 tokens: shrink comm accordingly.
                        for (size_t k = c + 1; k < ntok_cols; ++k) {
                            if (cols[k].kind == Col::kStarted) {
                                const size_t back = all.size() - (ntok_cols - k);
                                for (size_t extra : {4u, 1u}) {
                                    if (back >= extra && back - extra > consumed &&
                                        (extra == 4 ? is_weekday(all[back - extra])
                                                    : month_number(all[back - extra]) != 0 &&
                                                          all[back - extra].size() == 3)) {
                                        take = std::min(take, back - extra - consumed);
                                        break;
                                    }
                                }
                            }
                        }
                        take = std::max<size_t>(take, 1);
                        const char* b = all[consumed].data();
                        const char* e =
                            all[consumed + take - 1].data() + all[consumed + take - 1].size();
                        values[c] = std::string_view(b, static_cast<size_t>(e - b));
                        consumed += take;
                        continue;
                    }
                    if (cols[c].kind == Col::kStarted) {
                        size_t take = 1;
                        if (is_weekday(all[consumed]) && consumed + 5 <= all.size()) {
                            take = 5;
                        } else if (all[consumed].size() == 3 && month_number(all[consumed]) != 0 &&
                                   consumed + 2 <= all.size()) {
                            take = 2;
                        }
                        const char* b = all[consumed].data();
                        const char* e =
                            all[consumed + take - 1].data() + all[consumed + take - 1].size();
                        values[c] = std::string_view(b, static_cast<size_t>(e - b));
                        consumed += take;
                        continue;
                    }
                    values[c] = all[consumed++];
                    continue;
                }
                std::string_view t = cur.next();
                if (t.empty()) {
                    ok = false;
                    break;
                }
                if (cols[c].kind == Col::kStarted) {
                    // lstart (5 tokens) or "Nov 26" (2 tokens).
                    int extra = 0;
                    if (is_weekday(t)) {
                        extra = 4;
                    } else if (t.size() == 3 && month_number(t) != 0) {
                        extra = 1;
                    }
                    const char* b = t.data();
                    std::string_view lastt = t;
                    for (int k = 0; k < extra; ++k) {
                        std::string_view n = cur.next();
                        if (n.empty()) {
                            break;
                        }
                        lastt = n;
                    }
                    t = std::string_view(b, static_cast<size_t>(lastt.data() + lastt.size() - b));
                }
                values[c] = t;
            }
            if (last_is_command) {
                if (!have_last) {
                    std::string_view rest = has_comm_col ? std::string_view{} : cur.rest;
                    if (has_comm_col && consumed < all.size()) {
                        rest = line.substr(static_cast<size_t>(all[consumed].data() - line.data()));
                        values.back() = rest;
                    } else if (!rest.empty()) {
                        // Drop exactly one separator: the rest keeps tree art/indentation.
                        if (rest.front() == ' ' || rest.front() == '\t') {
                            rest.remove_prefix(1);
                        }
                        values.back() = rest;
                    }
                } else {
                    values.back() = last_col;
                }
            }
            // The pid must be a number, else this is not a process row (stderr, junk).
            std::optional<int64_t> pid;
            for (size_t c = 0; c < cols.size(); ++c) {
                if (cols[c].kind == Col::kPid) {
                    pid = to_int(values[c]);
                }
            }
            if (!pid) {
                sink.emit(
                    make_error_record(line_no, true, "linux.ps: row without a numeric PID", line));
                continue;
            }
            (void)ok;  // rows cut short (terminal width) still give the columns they have

            Art art;
            std::string_view command;
            std::optional<int64_t> ppid;
            std::string_view user;
            std::optional<int64_t> uid_num;
            std::string_view comm;
            std::optional<StartTime> start;
            for (size_t c = 0; c < cols.size(); ++c) {
                const std::string_view v = values[c];
                switch (cols[c].kind) {
                    case Col::kCommand:
                        art = strip_art(v, indent_mode);
                        command = art.command;
                        break;
                    case Col::kPpid: ppid = to_int(v); break;
                    case Col::kUser:
                        if (user.empty()) {
                            user = v;
                        }
                        break;
                    case Col::kUid:
                        if (auto n = to_int(v)) {
                            uid_num = n;
                        } else if (user.empty()) {
                            user = v;
                        }
                        break;
                    case Col::kComm: comm = v; break;
                    case Col::kStart:
                        if (!v.empty()) {
                            start = resolve_bsd_start(v, anchor);
                        }
                        break;
                    case Col::kStarted: {
                        started.clear();
                        FieldCursor sc(v);
                        for (std::string_view t = sc.next(); !t.empty(); t = sc.next()) {
                            started.push_back(t);
                        }
                        start = resolve_started(started, anchor);
                        break;
                    }
                    case Col::kElapsed:
                        if (auto e = elapsed_seconds(v); e && anchor.valid) {
                            StartTime st;
                            st.utc = anchor.now_utc - *e;
                            st.precision = "second";
                            st.ok = true;
                            start = st;
                        }
                        break;
                    default: break;
                }
            }
            // Parent from the tree when there is no PPID column.
            const int depth = art.depth;
            if (any_art || indent_mode) {
                if (static_cast<int>(stack.size()) > depth) {
                    stack.resize(static_cast<size_t>(depth));
                }
                while (static_cast<int>(stack.size()) < depth) {
                    stack.push_back(-1);  // a gap: a level without a visible parent
                }
                if (!ppid && depth > 0 && stack[static_cast<size_t>(depth - 1)] >= 0) {
                    ppid = stack[static_cast<size_t>(depth - 1)];
                }
                stack.push_back(*pid);
            }

            r.clear();
            r.dataset = "linux.ps";
            r.position = line_no;
            if (start && start->ok) {
                // Many rows share a start minute: reuse the last formatted value.
                if (start->utc != last_ts_utc || last_ts.empty()) {
                    last_ts = format_utc(start->utc);
                    last_ts_utc = start->utc;
                }
                r.timestamp = last_ts;
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("process");
            w.num("pid", *pid);
            if (ppid) {
                w.begin_object("parent").num("pid", *ppid).end_object();
            }
            std::string_view pname = !comm.empty() ? trim(comm)
                                     : cmd_is_comm ? trim(command)
                                                   : name_from_command(command);
            if (!pname.empty()) {
                w.str("name", pname);
            }
            if (!command.empty() && !cmd_is_comm) {
                const std::string_view argv0 = command.substr(0, command.find(' '));
                if (argv0.size() > 1 && argv0.front() == '/' && argv0.back() != ':') {
                    // With a comm column, a path with spaces can be completed ("/tmp/evil
                    // proc x" for comm "evil proc x").
                    std::string_view exe = argv0;
                    const std::string_view tc = trim(comm);
                    if (!tc.empty() && tc.find(' ') != std::string_view::npos) {
                        const size_t at = command.find(tc);
                        if (at != std::string_view::npos && at > 0 && command[at - 1] == '/') {
                            exe = command.substr(0, at + tc.size());
                        }
                    }
                    w.str("executable", exe);
                }
                w.str("command_line", command);
            }
            if (start && start->ok) {
                w.str("start", r.timestamp);
            }
            w.end_object();
            if (!user.empty() || uid_num) {
                w.begin_object("user");
                if (uid_num) {
                    w.str("id", std::to_string(*uid_num));
                }
                if (!user.empty()) {
                    w.str("name", user);
                }
                w.end_object();
            }
            w.begin_object("linux").begin_object("ps");
            for (size_t c = 0; c < cols.size(); ++c) {
                const Column& col = cols[c];
                const std::string_view v = col.kind == Col::kCommand ? command : values[c];
                if (v.data() == nullptr && col.kind != Col::kCommand) {
                    continue;  // row cut short
                }
                if (col.int_value) {
                    if (auto n = to_int(v)) {
                        w.num(col.key, *n);
                    } else {
                        w.null(col.key);
                    }
                } else if (col.float_value) {
                    if (auto d = to_double(v)) {
                        w.dbl(col.key, *d);
                    } else {
                        w.null(col.key);
                    }
                } else if (col.kind == Col::kTty && (v == "?" || v == "??")) {
                    w.null(col.key);
                } else if (col.kind == Col::kComm) {
                    w.str(col.key, trim(v));
                } else {
                    w.str(col.key, v);
                }
            }
            if (any_art || indent_mode) {
                w.num("tree_depth", depth);
            }
            if (!user.empty() && user.back() == '+') {
                w.boolean("user_truncated", true);
            }
            if (start && start->ok) {
                w.str("start_precision", start->precision);
            }
            if (width_cut && line.size() == max_len) {
                w.boolean("line_truncated", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true, "linux.ps: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_ps_parser() {
    static const PsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
