// linux.pstree: psmisc `pstree` in its common forms: plain, -p, -n, -u, -c, -g, -l, -a and
// their combinations (-aup, -pn...), ASCII art (`-+-`, `---`, `|-`, `` `- ``) or UTF-8 art
// (`─┬─`, `───`, `├─`, `└─`, `│`), compacted groups (`4*[agetty]`, `2*[sshd---bash]`, groups
// spanning several lines) and thread groups (`3*[{python3}]`), several trees (one per line
// that starts in column 0) and several runs appended to one file.  No jc parser exists.
//
// One record per node of the tree, in file order; all fields under linux.pstree:
//   name         the process name (comm) as printed, without `{}` or `N*[`
//   pid          the id pstree printed (-p): a pid, or a thread id for a thread
//   ppid         the pid of the node's parent in the tree (when both are printed)
//   parent_name  the parent node's name
//   depth        0 for a root, parent's depth + 1
//   thread       true for a `{name}` node (a thread of its parent)
//   count        how many processes the node stands for (>= 2) inside `N*[...]`, nested
//                groups multiplied (`2*[sshd---2*[bash]]`: bash counts 4)
//   user         the user pstree -u printed (only where the uid changes from the parent's;
//                not carried down to the children, which share it)
//   pgid         the process group id (-g)
//   arguments    -a: the arguments as printed (argv[1..], non-printable bytes as \ooo)
//   arguments_truncated  -a: pstree cut the arguments and printed "..."
//   arguments_maybe_truncated  -a without -l: pstree keeps only the first 132 bytes (its
//                output width) of a command line, argv[0] included, and marks nothing (it
//                may even drop the space before the cut argument); set when the printed
//                name and arguments reach 90 characters and no line of the file is longer
//                than 132 (which only -l prints).  Narrower widths (COLUMNS) cut unseen.
//   truncated    plain mode: the line was cut at the terminal width, pstree's trailing `+`
//                on the line's last node (its name or pid may be incomplete)
//   parent_unknown  the tree art did not lead to a parent (damaged or cut input)
//   label        the node's text as printed (raw)
// ECS: process.name, process.pid, process.parent.pid/name, process.command_line (-a: the
// name followed by the printed arguments, as pstree shows them: argv[0] is not printed),
// user.name where -u printed one.  A thread sets process.thread.id to its id, and
// process.pid/parent.pid to its process's.  Several nodes on one line share the line
// number; their event.id adds their index on the line.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "daemon/common/sha256.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// UTF-8 box drawing characters.
constexpr std::string_view kH = "\xe2\x94\x80";       // ─
constexpr std::string_view kV = "\xe2\x94\x82";       // │
constexpr std::string_view kTee = "\xe2\x94\x9c";     // ├
constexpr std::string_view kCorner = "\xe2\x94\x94";  // └
constexpr std::string_view kDown = "\xe2\x94\xac";    // ┬

constexpr size_t kMaxGroups = 64;
// pstree's output width when it does not write to a terminal; a printed command line this
// long or close to it (argv[0] is not printed but counts) may have been cut.
constexpr size_t kPstreeWidth = 132;
constexpr size_t kArgsSuspect = 90;
constexpr int64_t kMaxCount = int64_t{1} << 40;

size_t display_width(std::string_view s) {
    size_t w = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++w;
        }
    }
    return w;
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// A branch at the start of a line: the prefix of spaces and `|`/`│` continuations, then
// `|-`, `` `- ``, `├─` or `└─`.
struct Prefix {
    bool branch = false;
    bool last = false;
    size_t branch_col = 0;  // display column of the branch's first character
    size_t label_at = 0;    // byte offset where the label starts
    size_t label_col = 0;   // its display column
};

Prefix scan_prefix(std::string_view line) {
    Prefix p;
    size_t i = 0;
    size_t col = 0;
    while (i < line.size()) {
        const std::string_view rest = line.substr(i);
        if (rest[0] == ' ') {
            ++i;
            ++col;
        } else if (rest.starts_with("|-") || rest.starts_with("`-")) {
            p.branch = true;
            p.last = rest[0] == '`';
            p.branch_col = col;
            i += 2;
            col += 2;
            break;
        } else if (rest[0] == '|') {
            ++i;
            ++col;
        } else if ((rest.starts_with(kTee) || rest.starts_with(kCorner)) &&
                   rest.substr(3).starts_with(kH)) {
            p.branch = true;
            p.last = rest.starts_with(kCorner);
            p.branch_col = col;
            i += 6;
            col += 2;
            break;
        } else if (rest.starts_with(kV)) {
            i += 3;
            ++col;
        } else {
            break;
        }
    }
    p.label_at = i;
    p.label_col = col;
    return p;
}

// A connector between a node and its first child on the same line.
struct Connector {
    size_t at = std::string_view::npos;  // byte offset
    size_t len = 0;                      // bytes
    bool fork = false;                   // -+- / ─┬─ : more children follow on other lines
};

Connector find_connector(std::string_view line, size_t from) {
    Connector c;
    for (size_t i = from; i < line.size(); ++i) {
        const char ch = line[i];
        if (ch == '-' && i + 2 < line.size() && i > from) {
            if (line[i + 1] == '+' && line[i + 2] == '-') {
                c.at = i;
                c.len = 3;
                c.fork = true;
                return c;
            }
            if (line[i + 1] == '-' && line[i + 2] == '-') {
                // A name ending in '-' ("foo----bar"): the connector is the run's last three.
                size_t j = i;
                while (j + 3 < line.size() && line[j + 3] == '-') {
                    ++j;
                }
                c.at = j;
                c.len = 3;
                return c;
            }
        } else if (ch == '\xe2' && i > from) {
            const std::string_view rest = line.substr(i);
            if (rest.starts_with(kH) && rest.size() >= 9) {
                const std::string_view mid = rest.substr(3, 3);
                if ((mid == kDown || mid == kH) && rest.substr(6, 3) == kH) {
                    c.at = i;
                    c.len = 9;
                    c.fork = mid == kDown;
                    return c;
                }
            }
        }
    }
    return c;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool user_like(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '$' ||
                        c == '@';
        if (!ok) {
            return false;
        }
    }
    return true;
}

struct Label {
    std::string_view raw;
    std::string_view name;
    std::string_view user;
    std::string_view arguments;
    int64_t pid = -1;
    int64_t pgid = -1;
    int64_t multiplier = 1;
    bool thread = false;
    bool truncated = false;
    bool args_maybe_cut = false;
};

// The "(pid,user)" / ",pid,user" annotations: numbers are the pid then the pgid (-g), a word
// is the user (-u).  False when the text is not such a list.
bool parse_annotations(std::string_view s, Label& l) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= s.size()) {
        size_t c = s.find(',', start);
        if (c == std::string_view::npos) {
            c = s.size();
        }
        parts.push_back(s.substr(start, c - start));
        start = c + 1;
        if (parts.size() > 4) {
            return false;
        }
    }
    int64_t pid = -1;
    int64_t pgid = -1;
    std::string_view user;
    for (std::string_view p : parts) {
        if (all_digits(p) && p.size() <= 10) {
            if (pid < 0) {
                pid = *to_int(p);
            } else if (pgid < 0) {
                pgid = *to_int(p);
            } else {
                return false;
            }
        } else if (user.empty() && user_like(p) && !all_digits(p)) {
            user = p;
        } else {
            return false;
        }
    }
    l.pid = pid;
    l.pgid = pgid;
    l.user = user;
    return true;
}

// The name part of a label (group prefixes and closing brackets already removed).
void parse_name(std::string_view s, bool a_mode, Label& l) {
    if (!s.empty() && s.front() == '{') {
        const size_t close = s.rfind('}');
        if (close != std::string_view::npos && close > 0) {
            l.thread = true;
            l.name = s.substr(1, close - 1);
            std::string_view rest = s.substr(close + 1);
            if (a_mode && rest.starts_with(",")) {
                parse_annotations(rest.substr(1), l);
            } else if (!a_mode && rest.size() >= 2 && rest.front() == '(' && rest.back() == ')') {
                parse_annotations(rest.substr(1, rest.size() - 2), l);
            }
            // A cut "{python3}(116" keeps no id: the number may be partial.
            return;
        }
    }
    if (a_mode) {
        const size_t comma = s.find(',');
        if (comma != std::string_view::npos && comma > 0) {
            Label probe = l;
            if (parse_annotations(s.substr(comma + 1), probe)) {
                l = probe;
                l.name = s.substr(0, comma);
                return;
            }
        }
        l.name = s;
        return;
    }
    if (l.truncated) {
        // "python3(116": keep the name before an unclosed annotation.
        const size_t open = s.rfind('(');
        if (open != std::string_view::npos && open > 0 &&
            s.find(')', open) == std::string_view::npos) {
            l.name = s.substr(0, open);
            return;
        }
        l.name = s;
        return;
    }
    if (s.size() >= 3 && s.back() == ')') {
        const size_t open = s.rfind('(');
        if (open != std::string_view::npos && open > 0) {
            Label probe = l;
            if (parse_annotations(s.substr(open + 1, s.size() - open - 2), probe)) {
                l = probe;
                l.name = s.substr(0, open);
                return;
            }
        }
    }
    l.name = s;
}

struct NodeInfo {
    std::string_view name;
    int64_t pid = -1;   // printed id (tid for a thread)
    int64_t proc = -1;  // the process's pid (a thread: its owner's)
    int64_t proc_parent = -1;
    size_t depth = 0;
};

struct Branch {
    size_t col;
    size_t node;
};

bool is_branch_start(std::string_view line, size_t* col) {
    const Prefix p = scan_prefix(line);
    if (col != nullptr) {
        *col = p.branch_col;
    }
    return p.branch && p.branch_col > 0 && p.label_at < line.size();
}

// Whether the text before the first connector of a root line is one label (no double
// spaces, no tabs), so `-+-` in a sentence is not taken for tree art.
bool root_with_connector(std::string_view line) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '-' || line[0] == '|') {
        return false;
    }
    const Connector c = find_connector(line, 0);
    if (c.at == std::string_view::npos) {
        return false;
    }
    const std::string_view label = line.substr(0, c.at);
    return label.find("  ") == std::string_view::npos &&
           label.find('\t') == std::string_view::npos && label.size() <= 256;
}

// -a output: the second line is a branch at column 2 and the root line has no connector
// before its first space.
bool looks_a_mode(const std::vector<std::string_view>& lines) {
    if (lines.empty()) {
        return false;
    }
    const std::string_view first = lines[0];
    size_t second_col = 0;
    const bool second_branch = lines.size() > 1 && is_branch_start(lines[1], &second_col);
    const Connector c = find_connector(first, 0);
    const size_t space = first.find(' ');
    if (c.at == std::string_view::npos) {
        return second_branch || space != std::string_view::npos;
    }
    return second_branch && second_col == 2 && space != std::string_view::npos && space < c.at;
}

bool name_hinted(std::string_view path) {
    const std::string base = linux_cmd::ascii_lower(linux_cmd::path_basename(path));
    const size_t at = base.find("pstree");
    if (at == std::string::npos) {
        return false;
    }
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return (at == 0 || !alnum(base[at - 1])) && (at + 6 >= base.size() || !alnum(base[at + 6]));
}

class PstreeParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.pstree";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = name_hinted(probe.path);
        std::vector<std::string_view> lines;
        for (auto l : output_lines(whole_lines(probe))) {
            if (!trim(l).empty()) {
                lines.push_back(rtrim(l));
            }
            if (lines.size() >= 8) {
                break;
            }
        }
        if (lines.empty()) {
            return 0;
        }
        const std::string_view first = lines[0];
        if (first[0] == ' ' || first[0] == '\t' || is_branch_start(first, nullptr)) {
            return 0;
        }
        // Every following line must be tree art (a branch, or continuation bars before one);
        // under a pstree name one damaged line in three is tolerated.
        size_t branches = 0;
        size_t bad = 0;
        for (size_t i = 1; i < lines.size(); ++i) {
            if (lines[i][0] != ' ' && lines[i][0] != '|' && !lines[i].starts_with(kV)) {
                // A second tree (pstree USER) starts in column 0 again.
                if (root_with_connector(lines[i]) ||
                    (hinted && lines[i].find(' ') == std::string_view::npos)) {
                    continue;
                }
                ++bad;
            } else if (!is_branch_start(lines[i], nullptr)) {
                ++bad;
            } else {
                ++branches;
            }
        }
        if (bad > 0 && (!hinted || bad * 3 > lines.size())) {
            return 0;
        }
        const bool connector = root_with_connector(first);
        if (branches > 0 && (connector || looks_a_mode(lines))) {
            return hinted ? 95 : 80;
        }
        if (branches == 0 && connector) {
            return hinted ? 90 : 50;
        }
        if (hinted && lines.size() == 1 && first.size() <= 256) {
            return 60;  // a lone process ("init")
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        std::vector<std::string_view> lines;
        for (auto l : output_lines(text)) {
            lines.push_back(l);
        }
        std::vector<std::string_view> content;
        for (auto l : lines) {
            if (!trim(l).empty()) {
                content.push_back(rtrim(l));
                if (content.size() >= 8) {
                    break;
                }
            }
        }
        const bool a_mode = looks_a_mode(content);
        // The widest line: plain mode marks a cut at the terminal width with a '+' there.
        // -a without -l keeps only the first output-width bytes (132 when not writing to a
        // terminal) of each command line, unmarked; with -l some line is longer than that.
        size_t max_width = 0;
        size_t longest_label = 0;
        for (auto l : lines) {
            const std::string_view r = rtrim(l);
            max_width = std::max(max_width, display_width(r));
            longest_label = std::max(longest_label, r.size() - scan_prefix(r).label_at);
        }
        const bool args_capped = a_mode && longest_label <= kPstreeWidth;

        LineNumbers ln(text);
        Sha256 id_hash;
        std::vector<NodeInfo> nodes;
        std::vector<Branch> branches;
        std::vector<int64_t> groups;  // multipliers of the open N*[ groups
        Record r;

        for (auto raw_line : lines) {
            const std::string_view line = rtrim(raw_line);
            if (trim(line).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(raw_line);
            const size_t width = display_width(line);
            const Prefix pre = scan_prefix(line);
            size_t parent = SIZE_MAX;
            bool parent_unknown = false;
            if (pre.branch) {
                while (!branches.empty() && branches.back().col > pre.branch_col) {
                    branches.pop_back();
                }
                if (!branches.empty() && branches.back().col == pre.branch_col) {
                    parent = branches.back().node;
                    if (pre.last) {
                        branches.pop_back();
                    }
                } else {
                    parent_unknown = true;
                }
            } else if (pre.label_at == 0) {
                branches.clear();
                groups.clear();
            } else {
                sink.emit(make_error_record(pos, true, "pstree: line without tree art", line));
                continue;
            }
            if (pre.label_at >= line.size()) {
                sink.emit(make_error_record(pos, true, "pstree: branch without a process", line));
                continue;
            }
            const bool cut_plain = !a_mode && line.back() == '+' && width == max_width;

            size_t at = pre.label_at;
            size_t col = pre.label_col;
            size_t index_on_line = 0;
            while (at < line.size()) {
                Label lab;
                std::string_view rest = line.substr(at);
                Connector con;
                std::string_view text_label;
                if (a_mode) {
                    text_label = rest;
                } else {
                    con = find_connector(line, at);
                    text_label =
                        con.at == std::string_view::npos ? rest : line.substr(at, con.at - at);
                }
                lab.raw = text_label;
                // Group openings: "2*[".
                std::string_view s = text_label;
                for (;;) {
                    size_t d = 0;
                    while (d < s.size() && s[d] >= '0' && s[d] <= '9') {
                        ++d;
                    }
                    if (d == 0 || d > 9 || s.substr(d, 2) != "*[") {
                        break;
                    }
                    const int64_t m = *to_int(s.substr(0, d));
                    if (groups.size() < kMaxGroups) {
                        groups.push_back(std::max<int64_t>(m, 1));
                    }
                    s.remove_prefix(d + 2);
                }
                int64_t count = 1;
                for (int64_t g : groups) {
                    count = std::min(kMaxCount, count * g);
                }
                const bool last_on_line = a_mode || con.at == std::string_view::npos;
                lab.truncated = last_on_line && cut_plain;
                if (lab.truncated && cut_plain) {
                    s.remove_suffix(1);  // the '+' pstree put at the cut
                }
                // Closings of groups after a leaf: "...sleep]]".
                size_t closes = 0;
                std::string_view args;
                std::string_view label_part = s;
                if (a_mode) {
                    const size_t space = s.find(' ');
                    if (space != std::string_view::npos) {
                        label_part = s.substr(0, space);
                        args = s.substr(space + 1);
                    }
                    std::string_view& tail = args.empty() ? label_part : args;
                    while (!groups.empty() && closes < groups.size() && tail.size() > 1 &&
                           tail.back() == ']') {
                        tail.remove_suffix(1);
                        ++closes;
                    }
                } else if (last_on_line) {
                    while (closes < groups.size() && label_part.size() > 1 &&
                           label_part.back() == ']') {
                        label_part.remove_suffix(1);
                        ++closes;
                    }
                }
                parse_name(label_part, a_mode, lab);
                lab.arguments = args;
                lab.multiplier = count;
                lab.args_maybe_cut = args_capped && !args.ends_with("...") &&
                                     lab.name.size() + 1 + args.size() >= kArgsSuspect;

                NodeInfo node;
                node.name = lab.name;
                node.pid = lab.pid;
                size_t depth = 0;
                const NodeInfo* par = parent == SIZE_MAX ? nullptr : &nodes[parent];
                if (par != nullptr) {
                    depth = par->depth + 1;
                } else if (parent_unknown && !branches.empty()) {
                    depth = nodes[branches.back().node].depth + 1;
                } else if (parent_unknown) {
                    depth = 1;
                }
                node.depth = depth;
                if (lab.thread) {
                    node.proc = par != nullptr ? par->proc : -1;
                    node.proc_parent = par != nullptr ? par->proc_parent : -1;
                } else {
                    node.proc = lab.pid;
                    node.proc_parent = par != nullptr ? par->proc : -1;
                }
                emit_node(sink, ctx, r, id_hash, pos, index_on_line, lab, node, par, parent_unknown,
                          a_mode);
                ++index_on_line;
                nodes.push_back(node);
                const size_t me = nodes.size() - 1;
                for (size_t k = 0; k < closes && !groups.empty(); ++k) {
                    groups.pop_back();
                }

                if (a_mode) {
                    // Children come on the next lines, their branch two columns right of
                    // this label.
                    branches.push_back({col + 2, me});
                    break;
                }
                if (con.at == std::string_view::npos) {
                    break;
                }
                const size_t label_end_col = col + display_width(line.substr(at, con.at - at));
                if (con.fork) {
                    branches.push_back({label_end_col + 1, me});
                }
                parent = me;
                parent_unknown = false;
                at = con.at + con.len;
                col = label_end_col + 3;
            }
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "pstree: file too large, rest not parsed"));
        }
    }

private:
    static void emit_node(RecordSink& sink,
                          const ParseContext& ctx,
                          Record& r,
                          Sha256& id_hash,
                          uint64_t pos,
                          size_t index_on_line,
                          const Label& lab,
                          const NodeInfo& node,
                          const NodeInfo* par,
                          bool parent_unknown,
                          bool a_mode) {
        r.clear();
        r.dataset = "linux.pstree";
        r.position = pos;
        if (index_on_line > 0) {
            // The envelope derives ids from the line; a second node on it needs its own.
            id_hash.update(ctx.upload_sha256);
            id_hash.update("\n");
            id_hash.update(ctx.file);
            id_hash.update("\n");
            id_hash.update(std::to_string(pos) + "." + std::to_string(index_on_line));
            r.id = id_hash.hex().substr(0, 32);
        }
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("process");
        if (!lab.name.empty()) {
            w.str("name", lab.name);
        }
        if (node.proc >= 0) {
            w.num("pid", node.proc);
        }
        if (lab.thread && lab.pid >= 0) {
            w.begin_object("thread").num("id", lab.pid).end_object();
        }
        if (!lab.thread && par != nullptr && (par->proc >= 0 || !par->name.empty())) {
            w.begin_object("parent");
            if (par->proc >= 0) {
                w.num("pid", par->proc);
            }
            if (!par->name.empty()) {
                w.str("name", par->name);
            }
            w.end_object();
        } else if (lab.thread && node.proc_parent >= 0) {
            w.begin_object("parent").num("pid", node.proc_parent).end_object();
        }
        if (a_mode && !lab.thread) {
            std::string cmd(lab.name);
            if (!lab.arguments.empty()) {
                cmd.push_back(' ');
                cmd.append(lab.arguments);
            }
            w.str("command_line", cmd);
        }
        w.end_object();
        if (!lab.user.empty()) {
            w.begin_object("user").str("name", lab.user).end_object();
        }
        w.begin_object("linux").begin_object("pstree");
        w.str("name", lab.name);
        if (lab.pid >= 0) {
            w.num("pid", lab.pid);
        }
        if (par != nullptr && par->pid >= 0) {
            w.num("ppid", par->pid);
        }
        if (par != nullptr && !par->name.empty()) {
            w.str("parent_name", par->name);
        }
        w.num("depth", static_cast<int64_t>(node.depth));
        if (lab.thread) {
            w.boolean("thread", true);
        }
        if (lab.multiplier > 1) {
            w.num("count", lab.multiplier);
        }
        if (!lab.user.empty()) {
            w.str("user", lab.user);
        }
        if (lab.pgid >= 0) {
            w.num("pgid", lab.pgid);
        }
        if (a_mode && !lab.arguments.empty()) {
            w.str("arguments", lab.arguments);
            if (lab.arguments.ends_with("...")) {
                w.boolean("arguments_truncated", true);
            } else if (lab.args_maybe_cut) {
                w.boolean("arguments_maybe_truncated", true);
            }
        }
        if (lab.truncated) {
            w.boolean("truncated", true);
        }
        if (parent_unknown) {
            w.boolean("parent_unknown", true);
        }
        w.str("label", lab.raw);
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_pstree_parser() {
    static const PstreeParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
