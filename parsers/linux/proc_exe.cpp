// linux.proc_exe: `ls -l /proc/*/exe` and `/proc/*/cwd` listings (UAC
// running_processes_full_paths.txt, ls_-l_proc_pid_cwd.txt, Cat-Scale process-exe-links).
//
// One record per link: jc's ls names (filename, flags, links, owner, group, size, date,
// link_to) plus pid, link (exe|cwd|...), and deleted=true when the target ends in
// " (deleted)"; ECS process.pid, process.executable / process.working_directory and
// file.path carry the target without the " (deleted)" suffix.  Links ls could not read
// (kernel threads, exited pids) are kept with their pid and no target.
#include <algorithm>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

bool is_mode(std::string_view t) {
    if (t.size() < 10 || t.size() > 11) {
        return false;
    }
    if (std::string_view("-dlcbps").find(t[0]) == std::string_view::npos) {
        return false;
    }
    for (size_t i = 1; i < 10; ++i) {
        if (std::string_view("rwxsStT-").find(t[i]) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// "/proc/<pid>/<link>" -> pid, link.
bool proc_link(std::string_view name, int64_t& pid, std::string_view& link) {
    if (!name.starts_with("/proc/")) {
        return false;
    }
    std::string_view rest = name.substr(6);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    auto p = to_int(rest.substr(0, slash));
    if (!p) {
        return false;
    }
    pid = *p;
    link = rest.substr(slash + 1);
    return !link.empty();
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    int hits = 0;
    int other = 0;
    // 20 listing rows, however many `ls: cannot read symbolic link` lines come first (with
    // 2>&1 stderr often lands ahead of the rows: one per kernel thread or exited pid).
    for (size_t i = 0; i < lines.size() && hits + other < 20; ++i) {
        std::string_view t = trim(lines[i]);
        if (t.empty() || t.starts_with("ls:") || t.starts_with("total ")) {
            continue;
        }
        FieldCursor c(t);
        if (is_mode(c.next()) && t.find(" /proc/") != std::string_view::npos &&
            (t.find("/exe") != std::string_view::npos || t.find("/cwd") != std::string_view::npos ||
             t.find("/root") != std::string_view::npos)) {
            ++hits;
        } else {
            ++other;
        }
    }
    if (hits == 0) {
        return 0;
    }
    return hits >= other ? 85 : 50;
}

class ProcExeParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_exe";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        const std::string_view hint = command_hint(probe.path);
        if (hint == "proc_exe" || hint == "ls") {
            return std::min(90, score + 5);
        }
        return score >= 60 ? score : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        Record r;
        std::string joined;
        for (size_t li = 0; li < lines.size(); ++li) {
            std::string_view t = trim(lines[li]);
            if (t.empty() || t.starts_with("total ") || t.ends_with(":")) {
                continue;
            }
            const uint64_t line_no = lc.line_of(lines[li]);
            if (t.starts_with("ls:")) {
                // stderr: "ls: cannot read symbolic link '/proc/2/exe': No such file..."
                continue;
            }
            // A hard-wrapped copy: the link target, "(deleted)" included, may be on the
            // next line.
            if (is_mode(FieldCursor(t).next())) {
                t = trim(join_wrapped(lines, li, joined, at_wrap_margin, [](std::string_view n) {
                    const std::string_view nt = trim(n);
                    return !is_mode(FieldCursor(nt).next()) && !nt.starts_with("ls:") &&
                           !nt.starts_with("total ") && !nt.ends_with(":");
                }));
            }
            FieldCursor cur(t);
            const std::string_view flags = cur.next();
            if (!is_mode(flags)) {
                sink.emit(make_error_record(line_no, true, "linux.proc_exe: not an ls -l line", t));
                continue;
            }
            const std::string_view links = cur.next();
            const std::string_view owner = cur.next();
            const std::string_view group = cur.next();
            const std::string_view size = cur.next();
            std::string_view rest = cur.remainder();
            // The date runs up to the file name; the name starts at " /proc/" (or the first
            // '/' for other listings).
            size_t name_at = rest.find(" /proc/");
            if (name_at == std::string_view::npos) {
                name_at = rest.find(" /");
            }
            if (name_at == std::string_view::npos || size.empty()) {
                sink.emit(make_error_record(line_no, true, "linux.proc_exe: no file name", t));
                continue;
            }
            const std::string_view date = trim(rest.substr(0, name_at));
            std::string_view name_part = rest.substr(name_at + 1);
            std::string_view filename = name_part;
            std::string_view target;
            const size_t arrow = name_part.find(" -> ");
            bool has_target = false;
            if (arrow != std::string_view::npos) {
                filename = name_part.substr(0, arrow);
                target = name_part.substr(arrow + 4);
                has_target = true;
            }
            bool deleted = false;
            std::string_view path = target;
            if (path.ends_with(" (deleted)")) {
                deleted = true;
                path.remove_suffix(10);
            }
            int64_t pid = 0;
            std::string_view link;
            const bool is_proc = proc_link(filename, pid, link);

            r.clear();
            r.dataset = "linux.proc_exe";
            r.position = line_no;
            JsonWriter w(r.body);
            w.resume_object(false);
            if (is_proc) {
                w.begin_object("process").num("pid", pid);
                if (has_target && link == "exe") {
                    w.str("executable", path);
                    const size_t s = path.find_last_of('/');
                    w.str("name", s == std::string_view::npos ? path : path.substr(s + 1));
                } else if (has_target && link == "cwd") {
                    w.str("working_directory", path);
                }
                w.end_object();
            }
            if (has_target && !path.empty()) {
                w.begin_object("file").str("path", path).end_object();
            }
            w.begin_object("user").str("name", owner).end_object();
            w.begin_object("linux").begin_object("proc_exe");
            w.str("filename", filename);
            w.str("flags", flags);
            if (auto n = to_int(links)) {
                w.num("links", *n);
            } else {
                w.str("links", links);
            }
            w.str("owner", owner);
            w.str("group", group);
            if (auto n = to_int(size)) {
                w.num("size", *n);
            } else {
                w.str("size", size);
            }
            w.str("date", date);
            if (has_target) {
                w.str("link_to", target);
            }
            if (is_proc) {
                w.num("pid", pid);
                w.str("link", link);
            }
            if (deleted) {
                w.boolean("deleted", true);
            }
            if (!has_target) {
                w.boolean("unreadable", true);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true,
                                        "linux.proc_exe: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_proc_exe_parser() {
    static const ProcExeParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
