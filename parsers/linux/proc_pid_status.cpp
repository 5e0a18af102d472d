// linux.proc_pid_status: copies of /proc/<pid>/status (UAC process/proc/<pid>/status.txt) and
// concatenations of them (Cat-Scale process-details.txt: a new process at each `Name:`).
// `head /proc/*/status` with its `==> /proc/N/status <==` headers is split by linux.sections,
// which hands each part to this parser.
//
// One record per process with jc 1.25.5's proc_pid_status names: the kernel's keys as printed
// (Name, Umask, State, Tgid, Pid, PPid, TracerPid, Uid, Gid, FDSize, VmRSS, Threads, CapEff,
// Seccomp, ...); decimal values and `N kB` sizes become numbers, Uid/Gid lists of four numbers
// (real, effective, saved, filesystem), Cpus_allowed/Mems_allowed lists, State the letter
// with State_pretty the word, SigQ also SigQ_current/SigQ_limit.  Hex masks (Cap*, Sig*) and
// Umask stay strings.  ECS process.pid, process.parent.pid, process.name, user.id (real) and
// user.effective.id.  What an analyst looks for is flagged in `notable`: a tracer
// (TracerPid != 0: debugger or injection), an effective uid that differs from the real one.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::is_digits;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "Key:\tvalue"; the key is letters, digits and '_' (no spaces).
bool split_kv(std::string_view line, std::string_view& key, std::string_view& value) {
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 32) {
        return false;
    }
    key = line.substr(0, colon);
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return false;
        }
    }
    value = trim(line.substr(colon + 1));
    return true;
}

bool is_header(std::string_view line) {
    const std::string_view t = trim(line);
    return t.starts_with("==>") && t.ends_with("<==");
}

struct Survey {
    size_t name = 0, pid = 0, ppid = 0, kv = 0, other = 0;
};

Survey survey(const std::vector<std::string_view>& lines) {
    Survey s;
    for (std::string_view line : lines) {
        std::string_view k, v;
        if (trim(line).empty() || is_header(line)) {
            continue;
        }
        if (!split_kv(line, k, v)) {
            ++s.other;
            continue;
        }
        ++s.kv;
        s.name += k == "Name" ? 1 : 0;
        s.pid += k == "Pid" ? 1 : 0;
        s.ppid += k == "PPid" ? 1 : 0;
    }
    return s;
}

void write_value(JsonWriter& w, std::string_view k, std::string_view v) {
    if (k == "Uid" || k == "Gid") {
        w.begin_array(k);
        for (std::string_view t : split_ws(v)) {
            if (auto n = to_int(t)) {
                w.value_int(*n);
            } else {
                w.value_str(t);
            }
        }
        w.end_array();
        return;
    }
    if (k == "Cpus_allowed" || k == "Mems_allowed") {
        w.begin_array(k);
        size_t pos = 0;
        while (pos <= v.size()) {
            const size_t comma = std::min(v.find(',', pos), v.size());
            w.value_str(v.substr(pos, comma - pos));
            pos = comma + 1;
        }
        w.end_array();
        return;
    }
    if (k == "State") {
        w.str(k, v.substr(0, v.find(' ')));
        return;
    }
    // Hex masks and the octal umask look decimal too ("0000000000000000").
    const bool hex_key =
        k == "Umask" || k.starts_with("Sig") || k.starts_with("ShdPnd") || k.starts_with("Cap");
    if (!hex_key && is_digits(v) && (v.size() == 1 || v[0] != '0')) {
        w.num(k, *to_int(v));
        return;
    }
    if (v.ends_with(" kB") && is_digits(trim(v.substr(0, v.size() - 3)))) {
        w.num(k, *to_int(trim(v.substr(0, v.size() - 3))));
        return;
    }
    w.str(k, v);
}

struct Proc {
    std::vector<std::pair<std::string_view, std::string_view>> kv;
    std::string_view first_line;
};

void emit(const Proc& p, LineNumbers& ln, RecordSink& sink) {
    Record r;
    r.dataset = "linux.proc_pid_status";
    r.position = ln.of(p.first_line);
    std::string_view name, pid, ppid, uid, state, sigq, tracer;
    for (const auto& [k, v] : p.kv) {
        name = k == "Name" ? v : name;
        pid = k == "Pid" ? v : pid;
        ppid = k == "PPid" ? v : ppid;
        uid = k == "Uid" ? v : uid;
        state = k == "State" ? v : state;
        sigq = k == "SigQ" ? v : sigq;
        tracer = k == "TracerPid" ? v : tracer;
    }
    JsonWriter w(r.body);
    w.resume_object(false).begin_object("linux").begin_object("proc_pid_status");
    for (const auto& [k, v] : p.kv) {
        write_value(w, k, v);
    }
    if (const size_t open = state.find('('); open != std::string_view::npos) {
        const size_t close = state.find(')', open);
        w.str("State_pretty",
              state.substr(open + 1, close == std::string_view::npos ? std::string_view::npos
                                                                     : close - open - 1));
    }
    if (const size_t slash = sigq.find('/'); slash != std::string_view::npos) {
        const auto cur = to_int(sigq.substr(0, slash));
        const auto lim = to_int(sigq.substr(slash + 1));
        if (cur && lim) {
            w.num("SigQ_current", *cur).num("SigQ_limit", *lim);
        }
    }
    const auto ids = split_ws(uid);
    std::vector<std::string_view> notable;
    if (!tracer.empty() && tracer != "0") {
        notable.push_back("traced");
    }
    if (ids.size() >= 2 && ids[0] != ids[1]) {
        notable.push_back("effective uid differs from real uid");
    }
    if (!notable.empty()) {
        w.begin_array("notable");
        for (auto n : notable) {
            w.value_str(n);
        }
        w.end_array();
    }
    w.end_object().end_object();
    w.begin_object("process");
    if (auto n = to_int(pid)) {
        w.num("pid", *n);
    }
    w.opt_str("name", name);
    if (auto n = to_int(ppid)) {
        w.begin_object("parent").num("pid", *n).end_object();
    }
    w.end_object();
    if (!ids.empty()) {
        w.begin_object("user").str("id", ids[0]);
        if (ids.size() >= 2) {
            w.begin_object("effective").str("id", ids[1]).end_object();
        }
        w.end_object();
    }
    sink.emit(r);
}

class ProcPidStatusParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_pid_status";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Survey s = survey(output_lines(whole_lines(probe)));
        // Name, Pid and PPid in every block: no other "Key: value" file has all three.
        if (s.name == 0 || s.pid == 0 || s.ppid == 0 || s.other * 10 > s.kv) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "proc_pid_status") ? 95 : 88;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Proc cur;
        size_t emitted = 0;
        for (std::string_view line : output_lines(text)) {
            std::string_view k, v;
            if (trim(line).empty()) {
                continue;
            }
            if (is_header(line)) {
                if (!cur.kv.empty()) {
                    emit(cur, ln, sink);
                    ++emitted;
                }
                cur = Proc{};
                continue;
            }
            if (!split_kv(line, k, v)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "proc_pid_status: line does not parse", line));
                continue;
            }
            if (k == "Name" && !cur.kv.empty()) {
                emit(cur, ln, sink);
                ++emitted;
                cur = Proc{};
            }
            if (cur.kv.empty()) {
                cur.first_line = line;
            }
            cur.kv.emplace_back(k, v);
        }
        if (!cur.kv.empty()) {
            emit(cur, ln, sink);
            ++emitted;
        }
        if (emitted == 0) {
            sink.emit(make_error_record(1, true, "proc_pid_status: no process found"));
        }
        if (cut) {
            sink.emit(
                make_error_record(0, true, "proc_pid_status: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_pid_status_parser() {
    static const ProcPidStatusParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
