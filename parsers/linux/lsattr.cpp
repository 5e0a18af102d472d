// linux.lsattr: `lsattr FILE...`, `lsattr -R DIR` (with its `/dir:` headers), `lsattr -a`,
// `lsattr / -R 2>/dev/null | grep "\----i"` (the immutable files an attacker pinned), and
// lsattr's own error lines.
//
// One record per file with jc 1.25.5's lsattr fields: `file` plus one `true` per attribute
// letter set (immutable, append_only, extents, ...; letters jc does not name: dax,
// dont_compress), the printed attribute string as `attributes`, and ECS file.path.  A `-R`
// header gives `parent`.  Names holding a newline continue on the next line and are kept
// whole.  `lsattr: Operation not supported While reading flags on /x` lines become records
// with `error` and event.outcome failure.
//
// The line reader is this file's own: the shared output_lines() takes a first line that
// starts with a run of dashes for a `----- title -----` banner, and lsattr rows do.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::basename_contains;
using linux_cmd::begin_failure_record;
using linux_cmd::is_prompt_line;
using linux_cmd::read_all;
using linux_cmd::strip_escapes;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Attr {
    char letter;
    std::string_view name;
};
// e2fsprogs' letters, jc's names (busybox e2fs_lib.c); x and m are newer than jc's table.
constexpr Attr kAttrs[] = {
    {'B', "compressed_file"},
    {'Z', "compressed_dirty_file"},
    {'X', "compression_raw_access"},
    {'s', "secure_deletion"},
    {'u', "undelete"},
    {'S', "synchronous_updates"},
    {'D', "synchronous_directory_updates"},
    {'i', "immutable"},
    {'a', "append_only"},
    {'d', "no_dump"},
    {'A', "no_atime"},
    {'c', "compression_requested"},
    {'E', "encrypted"},
    {'j', "journaled_data"},
    {'I', "indexed_directory"},
    {'t', "no_tailmerging"},
    {'T', "top_of_directory_hierarchies"},
    {'e', "extents"},
    {'C', "no_cow"},
    {'F', "casefold"},
    {'N', "inline_data"},
    {'P', "project_hierarchy"},
    {'V', "verity"},
    {'x', "dax"},
    {'m', "dont_compress"},
    {'h', "huge_file"},
};

std::string_view attr_name(char c) {
    for (const Attr& a : kAttrs) {
        if (a.letter == c) {
            return a.name;
        }
    }
    return {};
}

bool name_hint(std::string_view path) {
    return basename_contains(path, "lsattr") || basename_contains(path, "immutable") ||
           basename_contains(path, "chattr");
}

// `----i---------e------- /path`: the attribute column and the name after one space.
bool parse_row(std::string_view l, std::string_view& attrs, std::string_view& name) {
    const size_t sp = l.find(' ');
    // e2fsprogs prints 16 to 22 attribute columns (more letters over the years).
    if (sp == std::string_view::npos || sp < 16 || sp > 32 || sp + 1 >= l.size()) {
        return false;
    }
    attrs = l.substr(0, sp);
    size_t dashes = 0;
    for (char c : attrs) {
        if (c == '-') {
            ++dashes;
        } else if (attr_name(c).empty()) {
            return false;
        }
    }
    if (dashes * 2 < attrs.size()) {
        return false;  // lsattr prints mostly dashes
    }
    name = l.substr(sp + 1);
    // `---------------- uname -a ----------------` is a banner.
    return !name.ends_with("---");
}

bool is_error(std::string_view t) {
    return t.starts_with("lsattr: ") || t.starts_with("/usr/bin/lsattr: ") ||
           t.starts_with("/bin/lsattr: ");
}

// A `-R` directory header: `/etc/ssl:` (on a line of its own, after a blank line).
bool is_header(std::string_view t) {
    return t.size() > 1 && t.back() == ':' && !is_error(t);
}

// Lines with CR and terminal escapes removed, prompt and script(1) lines dropped.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
    size_t pos = 0;
    uint64_t no = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++no;
        while (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        line = strip_escapes(line);
        if (is_prompt_line(line) || line.starts_with("Script started") ||
            line.starts_with("Script done")) {
            continue;
        }
        if (!f(line, no)) {
            return;
        }
    }
}

// A row with no attribute set is all dashes, as a banner rule is ("------------ uname -a"):
// it counts as a row for detection only when a path follows (lsattr prints the path it was
// given: /etc/x, ./x, dir/x).
bool banner_like(std::string_view attrs, std::string_view name) {
    if (attrs.find_first_not_of('-') != std::string_view::npos) {
        return false;
    }
    const std::string_view word = name.substr(0, name.find(' '));
    return !(word.starts_with('/') || word.starts_with('.') ||
             word.find('/') != std::string_view::npos);
}

class LsattrParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lsattr";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t rows = 0;
        size_t errors = 0;
        size_t other = 0;
        bool after_row = false;
        bool first = true;
        for_each_line(whole_lines(probe), [&](std::string_view line, uint64_t) {
            const std::string_view t = trim(line);
            std::string_view a;
            std::string_view n;
            const bool at_top = first && !t.empty();
            first = first && t.empty();
            if (t.empty()) {
                after_row = false;
            } else if (parse_row(line, a, n) && !banner_like(a, n)) {
                ++rows;
                after_row = true;
            } else if (is_error(t)) {
                ++errors;
                after_row = false;
            } else if (is_header(t)) {
                after_row = false;
            } else if (after_row) {
                after_row = false;  // the rest of a name holding a newline
            } else if (at_top && std::string_view("#=*>").find(t[0]) != std::string_view::npos) {
                // a banner or the command above the output
            } else {
                ++other;
            }
            return rows + errors + other < 400;
        });
        if (rows == 0) {
            return errors > 0 && other == 0 && name_hint(probe.path) ? 60 : 0;
        }
        if (other == 0) {
            return rows >= 2 || name_hint(probe.path) ? 90 : 85;
        }
        return other * 10 <= rows ? 70 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        std::string parent;
        size_t in_section = 0;  // rows since the last -R header
        bool first = true;
        // The pending row: emitted when the next line shows its name is complete.
        bool pending = false;
        uint64_t pending_line = 0;
        std::string pending_attrs;
        std::string pending_name;
        Record r;
        auto flush = [&] {
            if (!pending) {
                return;
            }
            pending = false;
            r.clear();
            r.dataset = "linux.lsattr";
            r.position = pending_line;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("file").str("path", pending_name).end_object();
            w.begin_object("linux").begin_object("lsattr").str("file", pending_name);
            w.str("attributes", pending_attrs);
            // jc's order: its table's, one key per letter set.
            for (const Attr& a : kAttrs) {
                if (pending_attrs.find(a.letter) != std::string::npos) {
                    w.boolean(a.name, true);
                }
            }
            if (!parent.empty()) {
                w.str("parent", parent);
            }
            w.end_object().end_object();
            sink.emit(r);
        };
        for_each_line(text, [&](std::string_view line, uint64_t no) {
            const std::string_view t = trim(line);
            std::string_view attrs;
            std::string_view name;
            if (t.empty()) {
                flush();
                // A section ends at its blank line; what follows is the level above again.
                if (in_section > 0) {
                    parent.clear();
                    in_section = 0;
                }
                return true;
            }
            const bool at_top = first;  // the first non-empty line
            first = false;
            if (parse_row(line, attrs, name)) {
                flush();
                in_section += parent.empty() ? 0 : 1;
                pending = true;
                pending_line = no;
                pending_attrs = std::string(attrs);
                pending_name = std::string(name);
                return true;
            }
            if (is_error(t)) {
                flush();
                error(t, no, sink);
                return true;
            }
            if (pending && pending_name.size() + line.size() < 4096) {
                pending_name.push_back('\n');
                pending_name.append(line);
                return true;
            }
            if (is_header(t)) {
                flush();
                parent = std::string(t.substr(0, t.size() - 1));
                in_section = 0;
                return true;
            }
            // A banner or the command above the output (`# lsattr / -R | grep ...`).
            if (at_top && std::string_view("#=*>$").find(t[0]) != std::string_view::npos) {
                return true;
            }
            flush();
            sink.emit(make_error_record(no, true, "lsattr: not an lsattr line", t));
            return true;
        });
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "lsattr: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void error(std::string_view t, uint64_t pos, RecordSink& sink) {
        Record r;
        begin_failure_record(r, "linux.lsattr", pos);
        JsonWriter w(r.body);
        w.resume_object(false);
        // "... While reading flags on /x", "... while trying to stat /x"
        std::string_view path;
        for (std::string_view k : {std::string_view(" flags on "), std::string_view(" to stat "),
                                   std::string_view(" while trying to open ")}) {
            const size_t at = t.rfind(k);
            if (at != std::string_view::npos) {
                path = t.substr(at + k.size());
                break;
            }
        }
        if (!path.empty()) {
            w.begin_object("file").str("path", path).end_object();
        }
        w.begin_object("linux").begin_object("lsattr");
        if (!path.empty()) {
            w.str("file", path);
        }
        w.str("error", t).end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_lsattr_parser() {
    static const LsattrParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
