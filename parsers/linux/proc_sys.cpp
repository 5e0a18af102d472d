// linux.proc_sys: single kernel settings read from /proc/sys by path (UAC
// system/core_pattern.txt = `cat /proc/sys/kernel/core_pattern`,
// system/cat_proc_sys_kernel_tainted.txt, copies under `[root]/proc/sys/...`).
//
// One record per file with the sysctl name (`kernel.core_pattern`), the path and the value
// as printed (the same name/value pair linux.sysctl gives for `sysctl -a`, so both can be
// searched alike).  Two values carry meaning an analyst needs spelled out:
// - kernel.core_pattern starting with `|` pipes every core dump to a program run as root, a
//   known persistence trick: pipe_program names the program and `notable` says so unless it
//   is a distribution's crash handler (systemd-coredump, apport, abrt);
// - kernel.tainted is a bit mask: taint_flags[] lists the kernel's letters and reasons
//   (P proprietary module, O out-of-tree module, E unsigned module, ...); O or E mean a module
//   that is not the distribution's was loaded, as rootkits are: `notable` says so.
// These files have no signature: they are claimed only by their name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::read_all;
using linux_cmd::trim;

struct Taint {
    char letter;
    std::string_view reason;
};
constexpr Taint kTaints[] = {{'P', "proprietary module loaded"},
                             {'F', "module force loaded"},
                             {'S', "SMP with CPUs not designed for SMP"},
                             {'R', "module force unloaded"},
                             {'M', "machine check exception"},
                             {'B', "bad page referenced"},
                             {'U', "taint requested by user"},
                             {'D', "kernel died recently (OOPS or BUG)"},
                             {'A', "ACPI table overridden"},
                             {'W', "kernel issued warning"},
                             {'C', "staging driver loaded"},
                             {'I', "platform firmware bug workaround"},
                             {'O', "out-of-tree module loaded"},
                             {'E', "unsigned module loaded"},
                             {'L', "soft lockup occurred"},
                             {'K', "kernel live patched"},
                             {'X', "auxiliary taint"},
                             {'T', "built with struct randomization plugin"},
                             {'N', "in-kernel test run"}};

// The sysctl name a member path names ("kernel.core_pattern"); "" when none.
std::string sysctl_name(std::string_view member) {
    const std::string lower = linux_cmd::ascii_lower(member);
    std::string_view p = lower;
    if (const size_t at = p.find("proc/sys/"); at != std::string_view::npos) {
        std::string out(p.substr(at + 9));
        if (const size_t dot = out.rfind(".txt");
            dot != std::string::npos && dot + 4 == out.size()) {
            out.resize(dot);
        }
        for (char& c : out) {
            c = c == '/' ? '.' : c;
        }
        return out;
    }
    std::string_view base = linux_cmd::path_basename(p);
    if (const size_t dot = base.find('.'); dot != std::string_view::npos) {
        base = base.substr(0, dot);
    }
    if (base == "core_pattern" || base == "core_pipe_limit" || base == "tainted" ||
        base == "modules_disabled" || base == "kptr_restrict" || base == "randomize_va_space") {
        return "kernel." + std::string(base);
    }
    // "cat_proc_sys_kernel_tainted": a top directory whose leaves do not nest.
    if (const size_t at = base.find("proc_sys_"); at != std::string_view::npos) {
        const std::string_view rest = base.substr(at + 9);
        for (std::string_view dir : {"kernel_", "vm_", "fs_"}) {
            if (rest.starts_with(dir) && rest.size() > dir.size()) {
                return std::string(dir.substr(0, dir.size() - 1)) + "." +
                       std::string(rest.substr(dir.size()));
            }
        }
    }
    return {};
}

class ProcSysParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_sys";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (sysctl_name(probe.path).empty() || probe.size > 4096 || probe.head.empty()) {
            return 0;
        }
        size_t lines = 0;
        for (char c : trim(probe.head)) {
            lines += c == '\n' ? 1 : 0;
            if (c == '\0') {
                return 0;
            }
        }
        return lines < 4 ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 10, &cut);
        const std::string name = sysctl_name(ctx.member);
        std::string_view value = text;
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.remove_suffix(1);
        }
        Record r;
        r.dataset = "linux.proc_sys";
        r.position = 1;
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("proc_sys");
        if (name.empty()) {
            w.null("name");
        } else {
            w.str("name", name);
            std::string path = "/proc/sys/" + name;
            for (char& c : path) {
                c = c == '.' ? '/' : c;
            }
            w.str("path", path);
        }
        w.str("value", value);
        std::vector<std::string_view> notable;
        if (name == "kernel.core_pattern" && trim(value).starts_with('|')) {
            std::string_view prog = trim(trim(value).substr(1));
            prog = prog.substr(0, prog.find(' '));
            w.str("pipe_program", prog);
            // The distributions' own crash handlers are expected there.
            const bool stock = prog == "/usr/lib/systemd/systemd-coredump" ||
                               prog == "/lib/systemd/systemd-coredump" ||
                               prog == "/usr/share/apport/apport" ||
                               prog == "/usr/libexec/abrt-hook-ccpp";
            if (!stock) {
                notable.push_back("core dumps piped to a program");
            }
        }
        if (name == "kernel.tainted") {
            if (auto mask = linux_cmd::to_int(trim(value)); mask && *mask >= 0) {
                w.begin_array("taint_flags");
                for (size_t bit = 0; bit < std::size(kTaints); ++bit) {
                    if ((*mask >> bit) & 1) {
                        w.begin_object()
                            .str("letter", std::string_view(&kTaints[bit].letter, 1))
                            .str("reason", kTaints[bit].reason)
                            .end_object();
                        if (kTaints[bit].letter == 'O' || kTaints[bit].letter == 'E') {
                            notable.push_back(kTaints[bit].reason);
                        }
                    }
                }
                w.end_array();
            }
        }
        if (!notable.empty()) {
            w.begin_array("notable");
            for (auto n : notable) {
                w.value_str(n);
            }
            w.end_array();
        }
        w.end_object().end_object();
        sink.emit(r);
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_sys: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_sys_parser() {
    static const ProcSysParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
