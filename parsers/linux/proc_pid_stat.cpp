// linux.proc_pid_stat: copies of /proc/<pid>/stat (UAC process/proc/<pid>/stat.txt), one or
// several lines (`cat /proc/[0-9]*/stat`).
//
// One record per process with jc 1.25.5's proc_pid_stat names, in the kernel's order (pid,
// comm, state, ppid, pgrp, session, tty_nr, tpg_id, flags, minflt ... env_end, exit_code)
// and state_pretty.  comm is what lies between the first '(' and the last ')' before the
// state letter, so a name with spaces, ')' or a newline stays whole.  Values are numbers
// (rsslim's 2^64-1 too).  ECS process.pid, process.parent.pid, process.name and, when the
// collection told its boot time, process.start = boot + starttime / 100 (USER_HZ is 100 on
// every mainstream Linux) with start_time_utc beside it: an analyst can order processes by
// start even when ps' START column only shows a day.
#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kFields[] = {
    "state",       "ppid",        "pgrp",        "session",     "tty_nr",
    "tpg_id",      "flags",       "minflt",      "cminflt",     "majflt",
    "cmajflt",     "utime",       "stime",       "cutime",      "cstime",
    "priority",    "nice",        "num_threads", "itrealvalue", "starttime",
    "vsize",       "rss",         "rsslim",      "startcode",   "endcode",
    "startstack",  "kstkeep",     "kstkeip",     "signal",      "blocked",
    "sigignore",   "sigcatch",    "wchan",       "nswap",       "cnswap",
    "exit_signal", "processor",   "rt_priority", "policy",      "delayacct_blkio_ticks",
    "guest_time",  "cguest_time", "start_data",  "end_data",    "start_brk",
    "arg_start",   "arg_end",     "env_start",   "env_end",     "exit_code"};

std::string_view state_pretty(std::string_view s) {
    switch (s.empty() ? ' ' : s[0]) {
        case 'R': return "Running";
        case 'S': return "Sleeping in an interruptible wait";
        case 'D': return "Waiting in uninterruptible disk sleep";
        case 'Z': return "Zombie";
        case 'T': return "Stopped (on a signal) or (before Linux 2.6.33) trace stopped";
        case 't': return "Tracing stop (Linux 2.6.33 onward)";
        case 'W': return "Paging (only before Linux 2.6.0)";
        case 'X': return "Dead (from Linux 2.6.0 onward)";
        case 'x': return "Dead (Linux 2.6.33 to 3.13 only)";
        case 'K': return "Wakekill (Linux 2.6.33 to 3.13 only)";
        case 'P': return "Parked (Linux 3.9 to 3.13 only)";
        case 'I': return "Idle (Linux 4.14 onward)";
        default: return {};
    }
}

bool number(std::string_view s) {
    if (!s.empty() && s[0] == '-') {
        s.remove_prefix(1);
    }
    return linux_cmd::is_digits(s);
}

struct Stat {
    std::string_view pid, comm, line_start;
    std::vector<std::string_view> rest;  // state and the numbers after it
};

// Reads one stat entry starting at text[pos]; advances pos past its line.
bool read_stat(std::string_view text, size_t& pos, Stat& st) {
    const size_t open = text.find(" (", pos);
    if (open == std::string_view::npos || open == pos || open - pos > 10 ||
        !linux_cmd::is_digits(text.substr(pos, open - pos))) {
        return false;
    }
    st.line_start = text.substr(pos, 0);
    st.pid = text.substr(pos, open - pos);
    // comm is at most 64 bytes (TASK_COMM_LEN 16 on most kernels); try each ") " in reach.
    for (size_t close = text.find(") ", open + 2);
         close != std::string_view::npos && close - open <= 80;
         close = text.find(") ", close + 1)) {
        size_t eol = text.find('\n', close);
        if (eol == std::string_view::npos) {
            eol = text.size();
        }
        std::string_view tail = text.substr(close + 2, eol - close - 2);
        while (!tail.empty() && tail.back() == '\r') {
            tail.remove_suffix(1);  // saved on Windows
        }
        const auto w = split_ws(tail);
        if (w.size() >= 20 && w.size() <= std::size(kFields) + 4 && w[0].size() == 1 &&
            !state_pretty(w[0]).empty()) {
            bool ok = true;
            for (size_t i = 1; i < w.size() && ok; ++i) {
                ok = number(w[i]);
            }
            if (ok) {
                st.comm = text.substr(open + 2, close - open - 2);
                st.rest = w;
                pos = eol < text.size() ? eol + 1 : eol;
                return true;
            }
        }
    }
    return false;
}

// Moves pos past blank lines and shell prompt lines (a hand-saved `cat /proc/1/stat`).
void skip_noise(std::string_view text, size_t& pos) {
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        eol = eol == std::string_view::npos ? text.size() : eol;
        std::string_view line = text.substr(pos, eol - pos);
        while (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (!trim(line).empty() && !linux_cmd::is_prompt_line(line)) {
            return;
        }
        pos = eol < text.size() ? eol + 1 : eol;
    }
}

void write_number(JsonWriter& w, std::string_view key, std::string_view v) {
    if (!v.empty() && v[0] == '-') {
        w.num(key, linux_cmd::to_int(v).value_or(0));
        return;
    }
    uint64_t u = 0;
    const auto res = std::from_chars(v.data(), v.data() + v.size(), u);
    if (res.ec == std::errc() && res.ptr == v.data() + v.size()) {
        w.unum(key, u);
    } else {
        w.str(key, v);
    }
}

class ProcPidStatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_pid_stat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const std::string_view text = whole_lines(probe);
        size_t pos = 0;
        skip_noise(text, pos);
        Stat st;
        if (!read_stat(text, pos, st) || st.rest.size() < 40) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "proc_pid_stat") ? 95 : 85;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        std::optional<int64_t> boot;
        if (ctx.facts != nullptr) {
            const auto it = ctx.facts->find(std::string(linux_cmd::kFactBootTime));
            if (it != ctx.facts->end()) {
                boot = linux_cmd::parse_iso_time(it->second);
            }
        }
        std::string_view view = text;
        size_t pos = 0;
        Record r;
        size_t emitted = 0;
        while (pos < view.size()) {
            const size_t before = pos;
            skip_noise(view, pos);
            if (pos >= view.size()) {
                break;
            }
            if (pos != before) {
                continue;
            }
            Stat st;
            const size_t at = pos;
            if (!read_stat(view, pos, st)) {
                size_t eol = view.find('\n', at);
                eol = eol == std::string_view::npos ? view.size() : eol;
                const std::string_view bad = view.substr(at, eol - at);
                sink.emit(
                    make_error_record(ln.of(bad), true, "proc_pid_stat: line does not parse", bad));
                pos = eol + 1;
                continue;
            }
            r.clear();
            r.dataset = "linux.proc_pid_stat";
            r.position = ln.of(view.substr(at, 0));
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("proc_pid_stat");
            write_number(w, "pid", st.pid);
            w.str("comm", st.comm);
            w.str("state", st.rest[0]);
            std::string_view ppid, starttime;
            for (size_t i = 1; i < st.rest.size() && i < std::size(kFields); ++i) {
                write_number(w, kFields[i], st.rest[i]);
                ppid = i == 1 ? st.rest[i] : ppid;
                starttime = i == 19 ? st.rest[i] : starttime;
            }
            w.str("state_pretty", state_pretty(st.rest[0]));
            std::string start;
            if (boot && !starttime.empty()) {
                if (auto ticks = linux_cmd::to_int(starttime)) {
                    start = linux_cmd::format_utc(*boot + *ticks / 100,
                                                  static_cast<int>(*ticks % 100) * 10);
                    w.str("start_time_utc", start);
                }
            }
            w.end_object().end_object();
            w.begin_object("process");
            if (auto n = linux_cmd::to_int(st.pid)) {
                w.num("pid", *n);
            }
            w.str("name", st.comm);
            if (auto n = linux_cmd::to_int(ppid)) {
                w.begin_object("parent").num("pid", *n).end_object();
            }
            w.opt_str("start", start);
            w.end_object();
            sink.emit(r);
            ++emitted;
        }
        if (emitted == 0 && !trim(view).empty()) {
            sink.emit(make_error_record(1, true, "proc_pid_stat: no stat line found"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_pid_stat: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_pid_stat_parser() {
    static const ProcPidStatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
