// linux.top: procps-ng `top -b` (batch) output: -n1 or -n N (several snapshots, each from
// its `top - ` line), -c (command lines), -w WIDTH, -H (Threads: line), custom field sets
// (jc's all-fields fixture), old procps 3.2 lines ("Mem: ...k total"), KiB/MiB/GiB... unit
// lines, and translated output (de: BEFEHL, ZEIT+, MiB Spch; fr: Tâches, UTIL., COM.;
// decimal commas) where the header row's words are mapped back to the English ones.
//
// Records (all fields under linux.top, jc 1.25.5's top names):
// - one summary record per snapshot (record_type "summary", at the `top - ` line): snapshot
//   (1-based), time, uptime (the text as printed: "8:01", "2 min", "3 days,  4:05") with
//   uptime_total_seconds, users, load_1m/5m/15m, tasks_total/running/sleeping/stopped/
//   zombie (tasks_are_threads for `top -H`), cpu_user/sys/nice/idle/wait/hardware/software/
//   steal, mem_total/free/used/buff_cache/available and swap_total/free/used in the unit top
//   printed, named by mem_unit ("KiB", "MiB", "GiB"...).  jc puts an integer "uptime" made
//   of the digits of "1:18" (118); we keep the text and compute the seconds.
// - one record per process row (record_type "process"): snapshot and snapshot_time (the `top - `
// time),
//   then the columns with jc's keys (pid, user, priority, nice, virtual_mem, resident_mem,
//   shared_mem, status, percent_cpu, percent_mem, time_hundredths, command, parent_pid,
//   uid, ...).  Memory columns are in KiB whatever suffix top used ("158.1m" -> 161894.4;
//   jc drops the suffix, mixing units) with the printed text in <key>_text when it had one;
//   status is jc's word ("sleeping"), status_code the letter; "-" is null; a number column
//   that is not a number ("rt" priority) is null with its text in <key>_text.
//   user_truncated / command_truncated flag top's `+` cut (a user over 8 characters; a
//   command cut at the output width: only on rows as wide as the widest row, so "g++" stays).
//   ECS: process.pid, process.parent.pid, process.name (COMMAND) or, with -c,
//   process.command_line and the name from its first word; user.name, user.id, group.name.
// @timestamp is the collection time: top prints only the time of day.
#include <algorithm>
#include <array>
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

using linux_cmd::FieldCursor;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_double;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string_view strip_punct(std::string_view s) {
    while (!s.empty() && (s.back() == ',' || s.back() == '.' || s.back() == ';')) {
        s.remove_suffix(1);
    }
    return s;
}

// "top - 14:07:27 up  8:01,  0 user,  load average: 0.94, 1.43, 1.63"
bool is_top_line(std::string_view t) {
    return t.starts_with("top - ") && t.size() >= 14 && is_digit(t[6]) &&
           t.find(" up ") != std::string_view::npos;
}

enum class Type { kInt, kFloat, kMem, kStr, kStatus, kIntList, kStrList, kEnv };

struct ColumnDef {
    std::string_view header;
    std::string_view key;
    Type type;
    bool left;  // left-aligned text column
};

constexpr std::array<ColumnDef, 48> kColumns = {{
    {"PID", "pid", Type::kInt, false},
    {"USER", "user", Type::kStr, true},
    {"PR", "priority", Type::kInt, false},
    {"NI", "nice", Type::kInt, false},
    {"VIRT", "virtual_mem", Type::kMem, false},
    {"RES", "resident_mem", Type::kMem, false},
    {"SHR", "shared_mem", Type::kMem, false},
    {"S", "status", Type::kStatus, false},
    {"%CPU", "percent_cpu", Type::kFloat, false},
    {"%MEM", "percent_mem", Type::kFloat, false},
    {"TIME+", "time_hundredths", Type::kStr, false},
    {"COMMAND", "command", Type::kStr, true},
    {"PPID", "parent_pid", Type::kInt, false},
    {"UID", "uid", Type::kInt, false},
    {"RUID", "real_uid", Type::kInt, false},
    {"RUSER", "real_user", Type::kStr, true},
    {"SUID", "saved_uid", Type::kInt, false},
    {"SUSER", "saved_user", Type::kStr, true},
    {"GID", "gid", Type::kInt, false},
    {"GROUP", "group", Type::kStr, true},
    {"PGRP", "pgrp", Type::kInt, false},
    {"TTY", "tty", Type::kStr, true},
    {"TPGID", "tty_process_gid", Type::kInt, false},
    {"SID", "session_id", Type::kInt, false},
    {"nTH", "thread_count", Type::kInt, false},
    {"P", "last_used_processor", Type::kInt, false},
    {"TIME", "time", Type::kStr, false},
    {"SWAP", "swap", Type::kMem, false},
    {"CODE", "code", Type::kMem, false},
    {"DATA", "data", Type::kMem, false},
    {"nMaj", "major_page_fault_count", Type::kInt, false},
    {"nMin", "minor_page_fault_count", Type::kInt, false},
    {"nDRT", "dirty_pages_count", Type::kInt, false},
    {"WCHAN", "sleeping_in_function", Type::kStr, true},
    {"Flags", "flags", Type::kStr, true},
    {"CGROUPS", "cgroups", Type::kStr, true},
    {"SUPGIDS", "supplementary_gids", Type::kIntList, true},
    {"SUPGRPS", "supplementary_groups", Type::kStrList, true},
    {"TGID", "thread_gid", Type::kInt, false},
    {"ENVIRON", "environment_variables", Type::kEnv, true},
    {"vMj", "major_page_fault_count_delta", Type::kInt, false},
    {"vMn", "minor_page_fault_count_delta", Type::kInt, false},
    {"USED", "used", Type::kMem, false},
    {"nsIPC", "ipc_namespace_inode", Type::kInt, false},
    {"nsMNT", "mount_namespace_inode", Type::kInt, false},
    {"nsNET", "net_namespace_inode", Type::kInt, false},
    {"nsPID", "pid_namespace_inode", Type::kInt, false},
    {"nsUSER", "user_namespace_inode", Type::kInt, false},
}};
constexpr ColumnDef kUts = {"nsUTS", "nts_namespace_inode", Type::kInt, false};

// Translated header words (procps-ng .po files) -> the English header.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTranslated = {{
    {"BEFEHL", "COMMAND"},
    {"ZEIT+", "TIME+"},
    {"ZEIT", "TIME"},
    {"BENUTZER", "USER"},
    {"COM.", "COMMAND"},
    {"UTIL.", "USER"},
    {"TEMPS+", "TIME+"},
    {"TEMPS", "TIME"},
    {"COMANDO", "COMMAND"},
    {"USUARIO", "USER"},
}};

struct Column {
    std::string header;  // English header
    std::string key;
    Type type = Type::kStr;
    bool left = true;
    size_t start = 0;  // byte offset of the header word in the header row
    size_t end = 0;
};

std::string generic_key(std::string_view h) {
    std::string k;
    for (char c : h) {
        if (c == '%') {
            k += "percent_";
        } else if (c == '+') {
            k += "_plus";
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            k.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            k.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (!k.empty() && k.back() != '_') {
            k.push_back('_');
        }
    }
    return k.empty() ? "column" : k;
}

// The process table's header row: "PID" among upper-case words, no digits.
bool is_table_header(std::string_view t) {
    const auto w = split_ws(t, 200);
    if (w.size() < 2 || std::find(w.begin(), w.end(), std::string_view("PID")) == w.end()) {
        return false;
    }
    for (auto x : w) {
        if (std::all_of(x.begin(), x.end(), is_digit)) {
            return false;
        }
    }
    return true;
}

std::vector<Column> header_columns(std::string_view line) {
    std::vector<Column> cols;
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
        Column c;
        std::string_view h = line.substr(i, j - i);
        for (const auto& [from, to] : kTranslated) {
            if (h == from) {
                h = to;
            }
        }
        c.header = std::string(h);
        c.start = i;
        c.end = j;
        const ColumnDef* def = nullptr;
        for (const ColumnDef& d : kColumns) {
            if (d.header == h) {
                def = &d;
            }
        }
        if (h == kUts.header) {
            def = &kUts;
        }
        if (def != nullptr) {
            c.key = std::string(def->key);
            c.type = def->type;
            c.left = def->left;
        } else {
            c.key = generic_key(h);
        }
        cols.push_back(std::move(c));
        i = j;
    }
    // The default layout with a translated last word (COMMAND) not in the table above.
    if (cols.size() == 12 && cols[0].header == "PID" && cols[2].header == "PR" &&
        cols[11].key != "command") {
        cols[11].header = "COMMAND";
        cols[11].key = "command";
        cols[11].type = Type::kStr;
        cols[11].left = true;
    }
    if (cols.size() == 12 && cols[0].header == "PID" && cols[1].key != "user" &&
        cols[2].header == "PR") {
        cols[1].header = "USER";
        cols[1].key = "user";
    }
    if (cols.size() == 12 && cols[0].header == "PID" && cols[10].key != "time_hundredths" &&
        cols[2].header == "PR") {
        cols[10].header = "TIME+";
        cols[10].key = "time_hundredths";
    }
    return cols;
}

// Splits a process row into one value per column.  Most columns are single words; the
// free-text ones (COMMAND, ENVIRON) may hold spaces: the last column is the rest of the
// line, another one ends where the next column's value starts (a left-aligned column starts
// at its header; a right-aligned one is the last word before its header's end).  Returns
// false when the row is short.
bool split_row(std::string_view row,
               const std::vector<Column>& cols,
               std::vector<std::string_view>& out) {
    out.assign(cols.size(), std::string_view{});
    size_t p = 0;
    for (size_t k = 0; k < cols.size(); ++k) {
        while (p < row.size() && (row[p] == ' ' || row[p] == '\t')) {
            ++p;
        }
        if (p >= row.size()) {
            return k > 0 && cols[k - 1].key == "command" ? true : k == cols.size();
        }
        if (k + 1 == cols.size()) {
            out[k] = rtrim(row.substr(p));
            return true;
        }
        const bool spaced = cols[k].key == "command" || cols[k].key == "environment_variables";
        size_t end = p;
        if (spaced) {
            const Column& next = cols[k + 1];
            if (next.left) {
                end = std::max(p, std::min(next.start, row.size()));
            } else {
                const size_t e = std::min(next.end, row.size());
                size_t sp = e;
                while (sp > p && row[sp - 1] != ' ') {
                    --sp;
                }
                end = std::max(p, sp);
            }
            // A value wider than its field pushes the next one right: never cut a word.
            while (end < row.size() && end > p && row[end - 1] != ' ' && row[end] != ' ') {
                ++end;
            }
        } else {
            while (end < row.size() && row[end] != ' ' && row[end] != '\t') {
                ++end;
            }
        }
        out[k] = rtrim(row.substr(p, end - p));
        p = end;
    }
    return true;
}

std::string_view status_word(std::string_view s) {
    if (s.size() != 1) {
        return {};
    }
    switch (s[0]) {
        case 'D': return "uninterruptible sleep";
        case 'R': return "running";
        case 'S': return "sleeping";
        case 'T': return "stopped by job control signal";
        case 't': return "stopped by debugger during trace";
        case 'Z': return "zombie";
        case 'I': return "idle";
        case 'X': return "dead";
        default: return {};
    }
}

// "158.1m" -> KiB; a bare number is KiB already.
std::optional<double> mem_kib(std::string_view v, bool* suffixed) {
    *suffixed = false;
    if (v.empty()) {
        return std::nullopt;
    }
    double mult = 1;
    const char last = v.back();
    if (!is_digit(last)) {
        *suffixed = true;
        switch (last) {
            case 'k':
            case 'K': mult = 1; break;
            case 'm':
            case 'M': mult = 1024.0; break;
            case 'g':
            case 'G': mult = 1024.0 * 1024; break;
            case 't':
            case 'T': mult = 1024.0 * 1024 * 1024; break;
            case 'p':
            case 'P': mult = 1024.0 * 1024 * 1024 * 1024; break;
            case 'e':
            case 'E': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
            default: return std::nullopt;
        }
        v.remove_suffix(1);
    }
    const auto d = to_double(v);
    if (!d) {
        return std::nullopt;
    }
    return *d * mult;
}

// "3 days,  4:05" / "8:01" / "2 min" / "1 day, 20 min" -> seconds.
std::optional<int64_t> uptime_seconds(std::string_view s) {
    int64_t total = 0;
    bool any = false;
    const auto w = split_ws(s, 16);
    for (size_t i = 0; i < w.size(); ++i) {
        const std::string_view tok = strip_punct(w[i]);
        const size_t colon = tok.find(':');
        if (colon != std::string_view::npos) {
            const auto h = to_int(tok.substr(0, colon));
            const auto m = to_int(tok.substr(colon + 1));
            if (!h || !m) {
                return std::nullopt;
            }
            total += *h * 3600 + *m * 60;
            any = true;
            continue;
        }
        const auto n = to_int(tok);
        if (!n || i + 1 >= w.size()) {
            return std::nullopt;
        }
        const std::string_view unit = strip_punct(w[++i]);
        if (unit.starts_with("day")) {
            total += *n * 86400;
        } else if (unit.starts_with("min")) {
            total += *n * 60;
        } else if (unit.starts_with("sec")) {
            total += *n;
        } else if (unit.starts_with("hour") || unit == "h") {
            total += *n * 3600;
        } else {
            return std::nullopt;
        }
        any = true;
    }
    return any ? std::optional<int64_t>(total) : std::nullopt;
}

struct Summary {
    uint64_t line = 0;
    int snapshot = 0;
    std::string_view time;
    std::string uptime;
    std::optional<int64_t> uptime_secs;
    std::optional<int64_t> users;
    std::array<std::optional<double>, 3> load{};
    std::vector<int64_t> tasks;
    bool threads = false;
    std::vector<double> cpu;
    std::string_view mem_unit;
    std::vector<std::pair<std::string, double>> mem;  // key -> value
    bool emitted = false;
};

void parse_top_line(std::string_view t, Summary& s) {
    FieldCursor c(t.substr(6));
    s.time = c.next();
    const size_t up = t.find(" up ");
    const size_t la = t.find("load average");
    std::string_view middle =
        t.substr(up + 4, (la == std::string_view::npos ? t.size() : la) - (up + 4));
    // "8:01,  0 user,  " -> uptime "8:01", users 0; the users part is the last one with a
    // number followed by a word.
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start < middle.size()) {
        size_t comma = middle.find(',', start);
        if (comma == std::string_view::npos) {
            comma = middle.size();
        }
        const std::string_view p = trim(middle.substr(start, comma - start));
        if (!p.empty()) {
            parts.push_back(p);
        }
        start = comma + 1;
    }
    if (!parts.empty() && parts.back().find("user") != std::string_view::npos) {
        s.users = to_int(split_ws(parts.back(), 2)[0]);
        parts.pop_back();
    }
    for (auto p : parts) {
        if (!s.uptime.empty()) {
            s.uptime += ", ";
        }
        s.uptime.append(p);
    }
    s.uptime_secs = uptime_seconds(s.uptime);
    if (la != std::string_view::npos) {
        std::string_view l = t.substr(la);
        l = l.substr(l.find(':') == std::string_view::npos ? l.size() : l.find(':') + 1);
        // "0.94, 1.43, 1.63" or with decimal commas "2,71, 3,66, 3,00": split on ", ".
        size_t k = 0;
        size_t pos = 0;
        while (k < 3 && pos < l.size()) {
            size_t sep = l.find(", ", pos);
            if (sep == std::string_view::npos) {
                sep = l.size();
            }
            s.load[k++] = to_double(trim(l.substr(pos, sep - pos)));
            pos = sep + 2;
        }
    }
}

// The numbers of a summary line after its label ("Tasks:  65 total,   1 running, ...").
std::vector<std::pair<double, std::string>> labelled_numbers(std::string_view t) {
    std::vector<std::pair<double, std::string>> out;
    const size_t colon = t.find(':');
    if (colon == std::string_view::npos) {
        return out;
    }
    // Tokens, with a number glued to the label before it split off ("us,100.0": top leaves
    // no space when the number fills its field).
    std::vector<std::string_view> toks;
    FieldCursor c(t.substr(colon + 1));
    for (auto tok = c.next(); !tok.empty(); tok = c.next()) {
        const size_t comma = tok.find(',');
        if (comma != std::string_view::npos && comma > 0 && comma + 1 < tok.size() &&
            !is_digit(tok[0]) && is_digit(tok[comma + 1])) {
            toks.push_back(tok.substr(0, comma + 1));
            toks.push_back(tok.substr(comma + 1));
        } else {
            toks.push_back(tok);
        }
    }
    for (std::string_view tok : toks) {
        std::string_view v = tok;
        while (!v.empty() && (v.back() == ',' || v.back() == ';')) {
            v.remove_suffix(1);
        }
        std::string_view num = v;
        if (const size_t pct = num.find('%'); pct != std::string_view::npos && pct > 0) {
            num = num.substr(0, pct);  // procps 3.2: "1.2%us"
        }
        if (!num.empty() && (num.back() == 'k' || num.back() == 'K')) {
            num.remove_suffix(1);  // procps 3.2: "3922928k total"
        }
        if (const auto d = to_double(num)) {
            out.emplace_back(*d, std::string());
            continue;
        }
        if (!out.empty()) {
            std::string& label = out.back().second;
            if (!label.empty()) {
                label.push_back(' ');
            }
            label.append(strip_punct(v));
        }
    }
    return out;
}

bool is_mem_line(std::string_view t, std::string_view* unit) {
    const size_t sp = t.find_first_of(" :");
    if (sp == std::string_view::npos) {
        return false;
    }
    const std::string_view first = t.substr(0, sp);
    if (first.size() == 3 && first.substr(1) == "iB" &&
        std::string_view("KMGTPE").find(first[0]) != std::string_view::npos) {
        *unit = first;
        return t.find(':') != std::string_view::npos;
    }
    if (t.starts_with("Mem:") || t.starts_with("Swap:")) {
        *unit = "KiB";
        return true;
    }
    return false;
}

void parse_mem_line(std::string_view t, bool swap, Summary& s) {
    const auto nums = labelled_numbers(t);
    static constexpr std::array<std::string_view, 4> kMemPos = {"mem_total", "mem_free", "mem_used",
                                                                "mem_buff_cache"};
    static constexpr std::array<std::string_view, 4> kSwapPos = {"swap_total", "swap_free",
                                                                 "swap_used", "mem_available"};
    for (size_t i = 0; i < nums.size(); ++i) {
        const std::string& label = nums[i].second;
        std::string key;
        if (label == "total") {
            key = swap ? "swap_total" : "mem_total";
        } else if (label == "free") {
            key = swap ? "swap_free" : "mem_free";
        } else if (label == "used") {
            key = swap ? "swap_used" : "mem_used";
        } else if (label == "buff/cache") {
            key = "mem_buff_cache";
        } else if (label == "avail Mem") {
            key = "mem_available";
        } else if (label == "buffers") {
            key = "mem_buffers";
        } else if (label == "cached") {
            key = "swap_cached";
        } else if (i < 4) {
            // Translated labels: procps-ng's fixed order.
            key = swap ? kSwapPos[i] : kMemPos[i];
        } else {
            continue;
        }
        s.mem.emplace_back(std::move(key), nums[i].first);
    }
}

int detect_top(const FileProbe& probe) {
    // "top_-b_-n1.txt", "web01_top.log", "27-top-bn1.out": the word top on its own.
    const bool hinted = linux_cmd::basename_has_word(probe.path, "top");
    for (auto line : output_lines(whole_lines(probe))) {
        const std::string_view t = trim(line);
        if (t.empty()) {
            continue;
        }
        if (is_top_line(t) && t.find("load average") != std::string_view::npos) {
            return hinted ? 95 : 90;
        }
        return 0;
    }
    return 0;
}

class TopParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.top";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        return detect_top(probe);
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        // -c: the name or the first prompt line says so; else kernel threads in brackets.
        const std::string cmd_hint = linux_cmd::command_line_hint(ctx.member, text.substr(0, 4096));
        bool command_lines = false;
        for (auto tok : split_ws(cmd_hint, 32)) {
            if (tok.starts_with("-") && !tok.starts_with("--") &&
                tok.find('c') != std::string_view::npos &&
                tok.find_first_not_of("-bcHiSs1n0123456789") == std::string_view::npos) {
                command_lines = true;
            }
        }
        size_t max_row = 0;
        for (auto l : lines) {
            const std::string_view r = rtrim(l);
            const std::string_view t = trim(r);
            if (!t.empty() && is_digit(t[0])) {
                const size_t first_sp = t.find(' ');
                if (first_sp != std::string_view::npos &&
                    std::all_of(t.begin(), t.begin() + static_cast<ptrdiff_t>(first_sp),
                                is_digit)) {
                    max_row = std::max(max_row, r.size());
                }
            }
        }
        if (!command_lines) {
            for (auto l : lines) {
                const std::string_view t = rtrim(l);
                if (t.ends_with("[kthreadd]") || t.ends_with("[ksoftirqd/0]") ||
                    t.ends_with("[rcu_sched]")) {
                    command_lines = true;
                    break;
                }
            }
        }

        LineNumbers ln(text);
        Record r;
        Summary sum;
        int snapshot = 0;
        int summary_line = 0;  // lines since "top - "
        std::vector<Column> cols;
        bool in_table = false;
        std::vector<std::string_view> values;

        auto emit_summary = [&]() {
            if (sum.snapshot == 0 || sum.emitted) {
                return;
            }
            sum.emitted = true;
            r.clear();
            r.dataset = "linux.top";
            r.position = sum.line;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("linux").begin_object("top");
            w.str("record_type", "summary").num("snapshot", sum.snapshot);
            if (!sum.time.empty()) {
                w.str("time", sum.time);
            }
            if (!sum.uptime.empty()) {
                w.str("uptime", sum.uptime);
            }
            if (sum.uptime_secs) {
                w.num("uptime_total_seconds", *sum.uptime_secs);
            }
            if (sum.users) {
                w.num("users", *sum.users);
            }
            static constexpr std::array<std::string_view, 3> kLoad = {"load_1m", "load_5m",
                                                                      "load_15m"};
            for (size_t i = 0; i < 3; ++i) {
                if (sum.load[i]) {
                    w.dbl(kLoad[i], *sum.load[i]);
                }
            }
            static constexpr std::array<std::string_view, 5> kTasks = {
                "tasks_total", "tasks_running", "tasks_sleeping", "tasks_stopped", "tasks_zombie"};
            for (size_t i = 0; i < sum.tasks.size() && i < kTasks.size(); ++i) {
                w.num(kTasks[i], sum.tasks[i]);
            }
            if (sum.threads) {
                w.boolean("tasks_are_threads", true);
            }
            static constexpr std::array<std::string_view, 8> kCpu = {
                "cpu_user", "cpu_sys",      "cpu_nice",     "cpu_idle",
                "cpu_wait", "cpu_hardware", "cpu_software", "cpu_steal"};
            for (size_t i = 0; i < sum.cpu.size() && i < kCpu.size(); ++i) {
                w.dbl(kCpu[i], sum.cpu[i]);
            }
            for (const auto& [k, v] : sum.mem) {
                w.dbl(k, v);
            }
            if (!sum.mem_unit.empty()) {
                w.str("mem_unit", sum.mem_unit);
            }
            w.end_object().end_object();
            sink.emit(r);
        };

        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (is_top_line(t)) {
                emit_summary();
                sum = Summary{};
                sum.snapshot = ++snapshot;
                sum.line = ln.of(line);
                parse_top_line(t, sum);
                summary_line = 1;
                cols.clear();
                in_table = false;
                continue;
            }
            if (t.empty()) {
                if (in_table) {
                    in_table = false;  // a table ends at a blank line
                }
                continue;
            }
            if (!in_table && is_table_header(t)) {
                cols = header_columns(rtrim(line));
                in_table = true;
                emit_summary();
                continue;
            }
            if (!in_table) {
                if (snapshot == 0) {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "top: text before the first `top - ` line", line));
                    continue;
                }
                std::string_view unit;
                if (t.starts_with("%Cpu(s)") || t.starts_with("%CPU(s)") ||
                    t.starts_with("Cpu(s)")) {
                    for (const auto& [v, label] : labelled_numbers(t)) {
                        sum.cpu.push_back(v);
                    }
                } else if (t.starts_with("%Cpu") || t.starts_with("%CPU") ||
                           t.starts_with("%Node")) {
                    // per-CPU / per-node lines (top -1): not kept
                } else if (is_mem_line(t, &unit)) {
                    const bool swap = sum.mem_unit.empty() ? t.starts_with("Swap:") : true;
                    if (sum.mem_unit.empty()) {
                        sum.mem_unit = unit;
                    }
                    parse_mem_line(t, swap, sum);
                } else if (summary_line == 1 && sum.tasks.empty()) {
                    for (const auto& [v, label] : labelled_numbers(t)) {
                        sum.tasks.push_back(static_cast<int64_t>(v));
                    }
                    sum.threads = t.starts_with("Threads");
                }
                ++summary_line;
                continue;
            }
            // A process row.
            const uint64_t pos = ln.of(line);
            const std::string_view row = rtrim(line);
            if (!split_row(row, cols, values)) {
                sink.emit(make_error_record(pos, true, "top: short process row", line));
                continue;
            }
            emit_row(sink, r, pos, sum, cols, values, command_lines,
                     max_row > 0 && row.size() >= max_row);
        }
        emit_summary();
        if (cut) {
            sink.emit(make_error_record(0, true, "top: file too large, rest not parsed"));
        }
    }

private:
    static void emit_row(RecordSink& sink,
                         Record& r,
                         uint64_t pos,
                         const Summary& sum,
                         const std::vector<Column>& cols,
                         const std::vector<std::string_view>& values,
                         bool command_lines,
                         bool widest) {
        std::optional<int64_t> pid;
        std::optional<int64_t> ppid;
        std::string_view user;
        std::string_view uid;
        std::string_view group;
        std::string_view command;
        for (size_t k = 0; k < cols.size(); ++k) {
            const std::string& key = cols[k].key;
            const std::string_view v = values[k];
            if (key == "pid") {
                pid = to_int(v);
            } else if (key == "parent_pid") {
                ppid = to_int(v);
            } else if (key == "user") {
                user = v;
            } else if (key == "uid") {
                uid = v;
            } else if (key == "group") {
                group = v;
            } else if (key == "command") {
                command = v;
            }
        }
        if (!pid) {
            sink.emit(make_error_record(pos, true, "top: row without a pid",
                                        values.empty() ? std::string_view{} : values[0]));
            return;
        }
        const bool cmd_cut = widest && command.size() > 1 && command.back() == '+';
        r.clear();
        r.dataset = "linux.top";
        r.position = pos;
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("process").num("pid", *pid);
        if (ppid) {
            w.begin_object("parent").num("pid", *ppid).end_object();
        }
        if (!command.empty()) {
            if (command_lines) {
                // A first word cut by top ("/usr/lib/+") names nothing.
                const bool first_cut = cmd_cut && command.find(' ') == std::string_view::npos;
                std::string_view first = command.substr(0, command.find(' '));
                if (first.size() > 2 && first.front() == '[' && first.back() == ']') {
                    first = first.substr(1, first.size() - 2);
                } else if (const size_t slash = first.rfind('/');
                           slash != std::string_view::npos && first.front() == '/') {
                    first = first.substr(slash + 1);
                }
                if (!first.empty() && !first_cut) {
                    w.str("name", first);
                }
                w.str("command_line", command);
            } else {
                w.str("name", command);
            }
        }
        w.end_object();
        if ((!user.empty() && user != "-") || (!uid.empty() && to_int(uid))) {
            w.begin_object("user");
            if (!uid.empty() && to_int(uid)) {
                w.str("id", uid);
            }
            if (!user.empty() && user != "-") {
                w.str("name", user);
            }
            w.end_object();
        }
        if (!group.empty() && group != "-") {
            w.begin_object("group").str("name", group).end_object();
        }
        w.begin_object("linux").begin_object("top");
        w.str("record_type", "process").num("snapshot", sum.snapshot);
        if (!sum.time.empty()) {
            w.str("snapshot_time", sum.time);  // "time" is top's TIME column
        }
        for (size_t k = 0; k < cols.size(); ++k) {
            const Column& c = cols[k];
            const std::string_view v = values[k];
            if (v.data() == nullptr) {
                continue;
            }
            if (v == "-" || v.empty()) {
                w.null(c.key);
                continue;
            }
            switch (c.type) {
                case Type::kInt:
                    if (const auto i = to_int(v)) {
                        w.num(c.key, *i);
                    } else {
                        w.null(c.key).str(c.key + "_text", v);
                    }
                    break;
                case Type::kFloat:
                    if (const auto d = to_double(v)) {
                        w.dbl(c.key, *d);
                    } else {
                        w.null(c.key).str(c.key + "_text", v);
                    }
                    break;
                case Type::kMem: {
                    bool suffixed = false;
                    if (const auto d = mem_kib(v, &suffixed)) {
                        w.dbl(c.key, *d);
                        if (suffixed) {
                            w.str(c.key + "_text", v);
                        }
                    } else {
                        w.null(c.key).str(c.key + "_text", v);
                    }
                    break;
                }
                case Type::kStatus: {
                    const std::string_view word = status_word(v);
                    if (!word.empty()) {
                        w.str(c.key, word);
                    } else {
                        w.null(c.key);
                    }
                    w.str("status_code", v);
                    break;
                }
                case Type::kIntList:
                case Type::kStrList:
                case Type::kEnv: {
                    const char sep = c.type == Type::kEnv ? ' ' : ',';
                    w.begin_array(c.key);
                    size_t start = 0;
                    while (start < v.size()) {
                        size_t e = v.find(sep, start);
                        if (e == std::string_view::npos) {
                            e = v.size();
                        }
                        const std::string_view item = v.substr(start, e - start);
                        start = e + 1;
                        if (item.empty()) {
                            continue;
                        }
                        const auto i = c.type == Type::kIntList ? to_int(item) : std::nullopt;
                        if (i) {
                            w.value_int(*i);
                        } else {
                            w.value_str(item);
                        }
                    }
                    w.end_array();
                    if (v.back() == '+') {
                        w.boolean(c.key + "_truncated", true);
                    }
                    break;
                }
                case Type::kStr: w.str(c.key, v); break;
            }
        }
        if (user.size() > 1 && user.back() == '+') {
            w.boolean("user_truncated", true);
        }
        if (cmd_cut) {
            w.boolean("command_truncated", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_top_parser() {
    static const TopParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
