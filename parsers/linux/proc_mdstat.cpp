// linux.proc_mdstat: `cat /proc/mdstat` (UAC storage/cat_proc_mdstat.txt).  A degraded or
// rebuilding array, a disk marked failed or a new array assembled from a foreign disk.
//
// One record per array ("md0 : active raid5 sdd1[3] sdc1[1] sdb1[0](F)" and its indented
// lines): device, state ("active", "inactive"), read_only ("read-only", "auto-read-only"),
// level ("raid5"; absent on an inactive array), devices (name, role number and the marks:
// failed "(F)", spare "(S)", write_mostly "(W)", journal "(J)", replacement "(R)"), blocks,
// super (metadata version), raid_disks and active_disks ("[3/2]"), status ("UU_", one letter
// per disk, "_" = missing), chunk and algorithm (raid4/5/6), the bitmap line, and a running
// resync/recovery/reshape/check: sync_action, sync_progress ("12.6%"), sync_finish,
// sync_speed.  personalities (the first line) is repeated on every array.
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "md0 : active raid1 ..." -> true; name = "md0", rest = "active raid1 ...".
bool array_line(std::string_view line, std::string_view& name, std::string_view& rest) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    const size_t colon = line.find(" : ");
    if (colon == std::string_view::npos) {
        return false;
    }
    name = trim(line.substr(0, colon));
    rest = trim(line.substr(colon + 3));
    return name.starts_with("md") && name.find(' ') == std::string_view::npos;
}

struct Member {
    std::string_view name;
    std::string_view role;
    bool failed = false, spare = false, write_mostly = false, journal = false, replacement = false;
};

// "sdb1[0](F)" -> name sdb1, role 0, failed.
bool parse_member(std::string_view tok, Member& m) {
    const size_t open = tok.find('[');
    const size_t close = open == std::string_view::npos ? open : tok.find(']', open);
    if (open == std::string_view::npos || open == 0 || close == std::string_view::npos) {
        return false;
    }
    m.name = tok.substr(0, open);
    m.role = tok.substr(open + 1, close - open - 1);
    std::string_view marks = tok.substr(close + 1);
    while (marks.size() >= 3 && marks[0] == '(' && marks[2] == ')') {
        switch (marks[1]) {
            case 'F': m.failed = true; break;
            case 'S': m.spare = true; break;
            case 'W': m.write_mostly = true; break;
            case 'J': m.journal = true; break;
            case 'R': m.replacement = true; break;
            default: return false;
        }
        marks.remove_prefix(3);
    }
    return marks.empty() && to_int(m.role).has_value();
}

class ProcMdstatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_mdstat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        // "Personalities :" opens every /proc/mdstat: content alone is enough.
        for (std::string_view line : linux_cmd::prompt_free_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            // The kernel's first line.
            return t.starts_with("Personalities :") ? 95 : 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        const auto lines = linux_cmd::prompt_free_lines(text);
        std::vector<std::string_view> personalities;
        Record r;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty() || t.starts_with("unused devices:")) {
                continue;
            }
            if (t.starts_with("Personalities :")) {
                personalities.clear();
                for (std::string_view p : split_ws(t.substr(15))) {
                    if (p.size() > 2 && p.front() == '[' && p.back() == ']') {
                        personalities.push_back(p.substr(1, p.size() - 2));
                    }
                }
                continue;
            }
            std::string_view dev;
            std::string_view rest;
            if (!array_line(lines[i], dev, rest)) {
                sink.emit(make_error_record(ln.of(lines[i]), true,
                                            "proc_mdstat: line outside an array", lines[i]));
                continue;
            }
            const uint64_t at = ln.of(lines[i]);
            auto w = split_ws(rest);
            size_t k = 0;
            std::string_view state = k < w.size() ? w[k++] : std::string_view{};
            std::string_view ro;
            if (k < w.size() && w[k].starts_with("(") && w[k].ends_with(")")) {
                ro = w[k].substr(1, w[k].size() - 2);
                ++k;
            }
            std::string_view level;
            if (k < w.size() && w[k].find('[') == std::string_view::npos) {
                level = w[k++];
            }
            std::vector<Member> members;
            bool bad = state.empty();
            for (; k < w.size(); ++k) {
                Member m;
                if (!parse_member(w[k], m)) {
                    bad = true;
                    break;
                }
                members.push_back(m);
            }
            if (bad) {
                sink.emit(make_error_record(at, true, "proc_mdstat: array line does not parse",
                                            lines[i]));
                continue;
            }
            r.clear();
            r.dataset = "linux.proc_mdstat";
            r.position = at;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("proc_mdstat");
            j.str("device", dev).str("state", state).opt_str("read_only", ro);
            j.opt_str("level", level);
            j.begin_array("devices");
            for (const Member& m : members) {
                j.begin_object().str("name", m.name).num("role", *to_int(m.role));
                j.boolean("failed", m.failed).boolean("spare", m.spare);
                if (m.write_mostly) {
                    j.boolean("write_mostly", true);
                }
                if (m.journal) {
                    j.boolean("journal", true);
                }
                if (m.replacement) {
                    j.boolean("replacement", true);
                }
                j.end_object();
            }
            j.end_array();
            // The indented lines that follow belong to this array.
            while (i + 1 < lines.size() && !lines[i + 1].empty() &&
                   (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
                const std::string_view d = trim(lines[++i]);
                if (d.empty()) {
                    continue;
                }
                const auto dw = split_ws(d);
                if (dw.size() >= 2 && dw[1] == "blocks") {
                    if (const auto b = to_int(dw[0])) {
                        j.num("blocks", *b);
                    }
                    for (size_t x = 2; x < dw.size(); ++x) {
                        const std::string_view tok = dw[x];
                        if (tok == "super" && x + 1 < dw.size()) {
                            j.str("super", dw[++x]);
                        } else if (x + 1 < dw.size() && dw[x + 1].starts_with("chunk")) {
                            j.str("chunk", tok);  // "512k chunk," / "512k chunks"
                            ++x;
                        } else if (tok == "algorithm" && x + 1 < dw.size()) {
                            if (const auto n = to_int(dw[++x])) {
                                j.num("algorithm", *n);
                            }
                        } else if (tok.size() > 2 && tok.front() == '[' && tok.back() == ']') {
                            const std::string_view in = tok.substr(1, tok.size() - 2);
                            const size_t slash = in.find('/');
                            if (slash != std::string_view::npos) {
                                const auto n = to_int(in.substr(0, slash));
                                const auto a = to_int(in.substr(slash + 1));
                                if (n && a) {
                                    j.num("raid_disks", *n).num("active_disks", *a);
                                }
                            } else if (in.find_first_not_of("U_") == std::string_view::npos) {
                                j.str("status", in);
                            }
                        }
                    }
                } else if (d.starts_with("bitmap:")) {
                    j.str("bitmap", trim(d.substr(7)));
                } else if (d.starts_with("[") || d.find(" = ") != std::string_view::npos) {
                    // "[==>....]  recovery = 12.6% (66112/523264) finish=0.3min speed=..."
                    // or "resync=DELAYED" / "resync=PENDING".
                    const size_t eq = d.find(" = ");
                    if (eq != std::string_view::npos) {
                        const auto before = split_ws(d.substr(0, eq));
                        if (!before.empty()) {
                            j.str("sync_action", before.back());
                        }
                        const auto after = split_ws(d.substr(eq + 3));
                        for (size_t x = 0; x < after.size(); ++x) {
                            if (x == 0) {
                                j.str("sync_progress", after[0]);
                            } else if (after[x].starts_with("finish=")) {
                                j.str("sync_finish", after[x].substr(7));
                            } else if (after[x].starts_with("speed=")) {
                                j.str("sync_speed", after[x].substr(6));
                            }
                        }
                    }
                } else if (const size_t eq = d.find('='); eq != std::string_view::npos) {
                    j.str("sync_action", d.substr(0, eq)).str("sync_progress", d.substr(eq + 1));
                }
            }
            if (!personalities.empty()) {
                j.begin_array("personalities");
                for (std::string_view p : personalities) {
                    j.value_str(p);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_mdstat: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_mdstat_parser() {
    static const ProcMdstatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
