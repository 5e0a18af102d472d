// linux.proc_pid_cmdline: copies of /proc/<pid>/cmdline and /proc/<pid>/comm (UAC
// process/proc/<pid>/cmdline.txt and comm.txt, hand-saved `strings /proc/<pid>/cmdline`).
//
// A cmdline file is argv with NUL separators (`cat`), one argument per line (`strings`,
// `tr '\0' '\n'`) or spaces (`tr '\0' ' '`: the split is lost, args holds the one string).
// One record per file: args[], command_line (args joined with spaces), pid from the member
// path; a comm file gives name.  ECS process.pid, process.args, process.command_line,
// process.name (comm, else the last path component of args[0]).  An empty cmdline is a kernel
// thread or a zombie, and an argv[0] that differs from comm may be a disguised process
// (`[kworker/0:1]` set by prctl): both are kept as printed.  These files have no signature,
// so they are claimed only by their name (`proc/<pid>/cmdline`, `proc_<pid>_cmdline`, ...).
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::is_digits;
using linux_cmd::read_all;
using linux_cmd::trim;

// "cmdline" or "comm" when the path names such a proc file; "" otherwise.
std::string_view kind_of(std::string_view path) {
    const std::string lower = linux_cmd::ascii_lower(linux_cmd::path_basename(path));
    std::string_view stem = lower;
    if (const size_t dot = stem.find('.'); dot != std::string_view::npos) {
        stem = stem.substr(0, dot);
    }
    if (stem.ends_with("cmdline")) {
        return "cmdline";
    }
    if (stem == "comm" || (stem.ends_with("comm") &&
                           (stem[stem.size() - 5] == '_' || stem[stem.size() - 5] == '-'))) {
        return "comm";
    }
    return {};
}

// The pid in ".../proc/<pid>/cmdline.txt" or "proc_<pid>_cmdline"; "" when none.
std::string_view pid_of(std::string_view member) {
    for (size_t pos = member.find("proc"); pos != std::string_view::npos;
         pos = member.find("proc", pos + 1)) {
        size_t start = pos + 4;
        if (start >= member.size() ||
            (member[start] != '/' && member[start] != '_' && member[start] != '-')) {
            continue;
        }
        ++start;
        size_t end = start;
        while (end < member.size() && member[end] >= '0' && member[end] <= '9') {
            ++end;
        }
        if (end > start && end < member.size() &&
            (member[end] == '/' || member[end] == '_' || member[end] == '-')) {
            return member.substr(start, end - start);
        }
    }
    return {};
}

bool mostly_text(std::string_view s) {
    size_t bad = 0;
    for (unsigned char c : s) {
        bad += (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0) || c == 0x7f ? 1 : 0;
    }
    return bad * 20 <= s.size();
}

class ProcPidCmdlineParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_pid_cmdline";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const std::string_view kind = kind_of(probe.path);
        if (kind.empty() || !linux_cmd::name_hints(probe, "proc_pid_cmdline") ||
            probe.head.empty() || !mostly_text(probe.head)) {
            return 0;
        }
        if (kind == "comm") {
            // One short line: the kernel keeps 15 bytes (64 for kernel threads' full names).
            const std::string_view t = trim(probe.head);
            return t.size() <= 64 && t.find('\n') == std::string_view::npos ? 90 : 0;
        }
        return 90;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 1u << 20, &cut);
        const std::string_view kind = kind_of(ctx.member);
        const std::string_view pid = pid_of(ctx.member);
        std::vector<std::string_view> args;
        const char sep = text.find('\0') != std::string::npos ? '\0' : '\n';
        std::string_view rest = text;
        while (!rest.empty()) {
            const size_t at = rest.find(sep);
            std::string_view a = rest.substr(0, at);
            while (!a.empty() && (a.back() == '\r' || (sep == '\0' && a.back() == '\n'))) {
                a.remove_suffix(1);
            }
            if (!a.empty()) {
                args.push_back(a);
            }
            rest = at == std::string_view::npos ? std::string_view{} : rest.substr(at + 1);
        }
        Record r;
        r.dataset = "linux.proc_pid_cmdline";
        r.position = 1;
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("proc_pid_cmdline");
        std::string joined;
        std::string_view name;
        if (kind == "comm") {
            name = args.empty() ? std::string_view{} : trim(args.front());
            w.str("name", name);
        } else {
            w.begin_array("args");
            for (auto a : args) {
                w.value_str(a);
                if (!joined.empty()) {
                    joined.push_back(' ');
                }
                joined.append(a);
            }
            w.end_array();
            w.str("command_line", joined);
            if (!args.empty()) {
                name = args.front().substr(0, args.front().find(' '));
                if (const size_t slash = name.rfind('/');
                    slash != std::string_view::npos && name.front() != '[') {
                    name = name.substr(slash + 1);
                }
            }
            if (args.empty()) {
                w.boolean("empty", true);
            }
        }
        w.end_object().end_object();
        w.begin_object("process");
        if (is_digits(pid)) {
            w.num("pid", linux_cmd::to_int(pid).value_or(0));
        }
        w.opt_str("name", name);
        if (kind != "comm") {
            w.begin_array("args");
            for (auto a : args) {
                w.value_str(a);
            }
            w.end_array();
            w.str("command_line", joined);
        }
        w.end_object();
        sink.emit(r);
        if (cut) {
            sink.emit(
                make_error_record(0, true, "proc_pid_cmdline: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_pid_cmdline_parser() {
    static const ProcPidCmdlineParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
