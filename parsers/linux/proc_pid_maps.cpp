// linux.proc_pid_maps: copies of /proc/<pid>/maps (UAC process/proc/<pid>/maps.txt).
//
// One record per mapping with jc 1.25.5's proc_pid_maps names: start, end (hex as printed),
// perms[] (read, write, execute, private|shared), offset, maj, min, inode (number), pathname
// (absent for anonymous memory; "[heap]", "[stack]", "/x (deleted)" kept as printed).  ECS
// file.path for file-backed mappings, process.pid from the member path (`proc/<pid>/`).
// Injected code shows here, so `notable` names: a writable and executable mapping, an
// executable anonymous one, code from a deleted file, from memfd (fileless malware) or from
// /tmp, /dev/shm, /var/tmp.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::FieldCursor;
using linux_cmd::is_digits;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_hex(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

struct Map {
    std::string_view start, end, perms, offset, maj, min, inode, pathname;
};

// "55a9e753c000-55a9e7570000 r--p 00000000 fd:00 798126      /usr/lib/systemd/systemd"
bool parse_map(std::string_view line, Map& m) {
    FieldCursor cur(trim(line));
    const std::string_view range = cur.next();
    m.perms = cur.next();
    m.offset = cur.next();
    const std::string_view dev = cur.next();
    m.inode = cur.next();
    m.pathname = trim(cur.remainder());
    const size_t dash = range.find('-');
    const size_t colon = dev.find(':');
    if (dash == std::string_view::npos || colon == std::string_view::npos || m.perms.size() != 4) {
        return false;
    }
    m.start = range.substr(0, dash);
    m.end = range.substr(dash + 1);
    m.maj = dev.substr(0, colon);
    m.min = dev.substr(colon + 1);
    const std::string_view p = m.perms;
    return is_hex(m.start) && is_hex(m.end) && is_hex(m.offset) && is_hex(m.maj) && is_hex(m.min) &&
           is_digits(m.inode) && (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
           (p[2] == 'x' || p[2] == '-') && (p[3] == 'p' || p[3] == 's');
}

// The pid of a member path ".../proc/<pid>/maps.txt"; "" when none.
std::string_view pid_of(std::string_view member) {
    size_t pos = 0;
    while ((pos = member.find("proc/", pos)) != std::string_view::npos) {
        pos += 5;
        const size_t slash = member.find('/', pos);
        if (slash != std::string_view::npos && is_digits(member.substr(pos, slash - pos))) {
            return member.substr(pos, slash - pos);
        }
    }
    return {};
}

class ProcPidMapsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_pid_maps";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t good = 0, bad = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            if (trim(line).empty()) {
                continue;
            }
            Map m;
            (parse_map(line, m) ? good : bad) += 1;
        }
        if (good == 0 || bad * 5 > good) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "proc_pid_maps") ? 95 : 88;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        const std::string_view pid = pid_of(ctx.member);
        Record r;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            Map m;
            if (!parse_map(line, m)) {
                sink.emit(make_error_record(ln.of(line), true, "proc_pid_maps: line does not parse",
                                            line));
                continue;
            }
            r.clear();
            r.dataset = "linux.proc_pid_maps";
            r.position = ln.of(line);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("proc_pid_maps");
            w.str("start", m.start).str("end", m.end);
            w.begin_array("perms");
            if (m.perms[0] == 'r') {
                w.value_str("read");
            }
            if (m.perms[1] == 'w') {
                w.value_str("write");
            }
            if (m.perms[2] == 'x') {
                w.value_str("execute");
            }
            w.value_str(m.perms[3] == 'p' ? "private" : "shared");
            w.end_array();
            w.str("offset", m.offset).str("maj", m.maj).str("min", m.min);
            w.num("inode", to_int(m.inode).value_or(0));
            w.opt_str("pathname", m.pathname);
            const bool exec = m.perms[2] == 'x';
            const std::string_view pn = m.pathname;
            std::vector<std::string_view> notable;
            if (exec && m.perms[1] == 'w') {
                notable.push_back("writable and executable");
            }
            if (exec && (pn.empty() || (pn[0] == '[' && pn != "[vdso]" && pn != "[vsyscall]"))) {
                notable.push_back("executable anonymous memory");
            }
            if (exec && pn.ends_with(" (deleted)")) {
                notable.push_back("code from a deleted file");
            }
            if (pn.starts_with("/memfd:")) {
                notable.push_back("memfd mapping");
            }
            if (exec && (pn.starts_with("/tmp/") || pn.starts_with("/dev/shm/") ||
                         pn.starts_with("/var/tmp/"))) {
                notable.push_back("code from a temporary directory");
            }
            if (!notable.empty()) {
                w.begin_array("notable");
                for (auto n : notable) {
                    w.value_str(n);
                }
                w.end_array();
            }
            w.end_object().end_object();
            if (!pn.empty() && pn[0] == '/') {
                std::string_view path = pn;
                if (path.ends_with(" (deleted)")) {
                    path.remove_suffix(10);
                }
                w.begin_object("file").str("path", path).end_object();
            }
            if (auto n = to_int(pid)) {
                w.begin_object("process").num("pid", *n).end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_pid_maps: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_pid_maps_parser() {
    static const ProcPidMapsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
