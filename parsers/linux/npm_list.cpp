// linux.npm_list: `npm list --depth=0` / `npm list -g --depth=0` (UAC packages/
// npm_list_--depth_0.txt, npm_list_-g_--depth_0.txt).  A global package the intruder added
// (a backdoored CLI, a miner), or a project's dependency linked to a local folder, shows here.
//
// The output is the root (a folder, or "name@version /folder" for a project) and a tree of
// name@version rows ("├── ", "└─┬ ", "│ " with UTF-8; "+-- ", "`-- ", "| " in npm's ASCII mode).
// One record per package row: name (scoped names keep their "@scope/"), version, depth (0 =
// a direct dependency), location (the root folder), root_package (the project's
// name@version), global (the file name says -g), link_target ("-> ./path"), the marks npm
// prints: extraneous, deduped, invalid (its text), overridden; unmet (an "UNMET DEPENDENCY"
// row: `wanted` is then the range package.json asks for, and no version) and optional.  "(empty)"
// gives no record.  ECS package.name, package.version, package.type "npm".
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// Length in bytes of the tree prefix of a row and its width in columns; 0 when the line does
// not start with a branch ("├", "└", "+", "`" after the "│ " / "| " / "  " indents).
size_t tree_prefix(std::string_view line, size_t& cols) {
    size_t i = 0;
    cols = 0;
    bool branch = false;
    while (i < line.size()) {
        const std::string_view rest = line.substr(i);
        if (rest.starts_with("\xE2\x94\x9C") || rest.starts_with("\xE2\x94\x94")) {  // ├ └
            branch = true;
            i += 3;
        } else if (rest.starts_with("\xE2\x94\x82") || rest.starts_with("\xE2\x94\x80") ||
                   rest.starts_with("\xE2\x94\xAC")) {  // │ ─ ┬
            i += 3;
        } else if (!branch && (rest[0] == '+' || rest[0] == '`')) {
            branch = true;
            i += 1;
        } else if (rest[0] == ' ' || rest[0] == '|' || (branch && rest[0] == '-')) {
            i += 1;
            if (branch && rest[0] == ' ') {
                ++cols;
                break;  // the space after the branch ends the prefix
            }
        } else {
            break;
        }
        ++cols;
    }
    // The branch ends in a space ("├── x"); "+foo" is no row.
    return branch && i > 0 && line[i - 1] == ' ' ? i : 0;
}

struct Spec {
    std::string_view name, version;
};

// "name@1.2.3", "@scope/name@1.2.3", "name" (no version).
bool split_spec(std::string_view s, Spec& out) {
    if (s.empty() || s.find_first_of(" \t") != std::string_view::npos) {
        return false;
    }
    const size_t at = s.rfind('@');
    if (at == std::string_view::npos || at == 0) {
        out.name = s;
        out.version = {};
    } else {
        out.name = s.substr(0, at);
        out.version = s.substr(at + 1);
    }
    if (out.name.front() == '@' && out.name.find('/') == std::string_view::npos) {
        return false;
    }
    for (char c : out.name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '@' || c == '/' || c == '~')) {
            return false;
        }
    }
    return true;
}

struct Row {
    size_t depth = 0;
    Spec spec;
    bool unmet = false, optional = false, empty = false;
    bool extraneous = false, deduped = false, overridden = false;
    std::string_view invalid, link_target;
};

bool parse_row(std::string_view line, Row& r) {
    size_t cols = 0;
    const size_t n = tree_prefix(line, cols);
    if (n == 0) {
        return false;
    }
    r.depth = cols >= 4 ? (cols - 4) / 2 : 0;
    std::string_view t = trim(line.substr(n));
    if (t == "(empty)") {
        r.empty = true;
        return true;
    }
    if (t.starts_with("UNMET OPTIONAL DEPENDENCY ")) {
        r.unmet = r.optional = true;
        t.remove_prefix(26);
    } else if (t.starts_with("UNMET DEPENDENCY ")) {
        r.unmet = true;
        t.remove_prefix(17);
    }
    const size_t sp = t.find(' ');
    if (!split_spec(t.substr(0, sp), r.spec)) {
        return false;
    }
    std::string_view rest = sp == std::string_view::npos ? std::string_view{} : trim(t.substr(sp));
    while (!rest.empty()) {
        if (rest.starts_with("-> ")) {
            r.link_target = trim(rest.substr(3));
            break;
        }
        if (rest.starts_with("invalid")) {
            r.invalid = rest;
            break;
        }
        const size_t e = rest.find(' ');
        const std::string_view word = rest.substr(0, e);
        if (word == "extraneous") {
            r.extraneous = true;
        } else if (word == "deduped") {
            r.deduped = true;
        } else if (word == "overridden") {
            r.overridden = true;
        } else if (word == "OPTIONAL" || word == "peer" || word == "dev") {
            // npm 6 prints "(OPTIONAL)"-style words on some rows; nothing to keep.
        } else {
            return false;
        }
        rest = e == std::string_view::npos ? std::string_view{} : trim(rest.substr(e));
    }
    return true;
}

// The root line: "/usr/lib", "app@1.0.0 /opt/app", "app /opt/app".
bool parse_root(std::string_view t, std::string_view& pkg, std::string_view& folder) {
    if (t.starts_with("/")) {
        folder = t;
        pkg = {};
        return true;
    }
    const size_t sp = t.find(" /");
    if (sp == std::string_view::npos) {
        return false;
    }
    Spec s;
    pkg = t.substr(0, sp);
    folder = trim(t.substr(sp + 1));
    return split_spec(pkg, s);
}

bool is_noise(std::string_view t) {
    return t.starts_with("npm ERR!") || t.starts_with("npm WARN") || t.starts_with("npm error") ||
           t.starts_with("npm warn");
}

class NpmListParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.npm_list";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "npm_list");
        auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        std::string_view pkg, folder;
        if (!parse_root(trim(lines[i]), pkg, folder)) {
            return 0;
        }
        size_t good = 0;
        size_t versioned = 0;
        for (++i; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            Row r;
            if (!parse_row(lines[i], r)) {
                return 0;
            }
            ++good;
            versioned += !r.spec.version.empty() || r.empty ? 1 : 0;
        }
        if (good == 0) {
            return 0;
        }
        if (hinted) {
            return 92;
        }
        // `tree` draws the same branches: content alone only when every row is name@version.
        return versioned == good ? 78 : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const std::string cmd =
            linux_cmd::command_line_hint(ctx.member, std::string_view(text).substr(0, 4096));
        const bool global = (" " + cmd + " ").find(" g ") != std::string::npos ||
                            (" " + cmd + " ").find(" -g ") != std::string::npos ||
                            cmd.find("global") != std::string::npos;
        LineNumbers ln(text);
        Record r;
        std::string_view root_pkg, folder;
        bool have_root = false;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            Row row;
            if (!parse_row(line, row)) {
                if (!have_root && parse_root(t, root_pkg, folder)) {
                    have_root = true;
                    continue;
                }
                sink.emit(
                    make_error_record(ln.of(line), true, "npm_list: row does not parse", line));
                continue;
            }
            if (row.empty) {
                continue;
            }
            r.clear();
            r.dataset = "linux.npm_list";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("npm_list");
            j.str("name", row.spec.name);
            // An unmet row names the range package.json wants, not an installed version.
            j.opt_str(row.unmet ? "wanted" : "version", row.spec.version);
            j.num("depth", static_cast<int64_t>(row.depth));
            j.opt_str("location", folder).opt_str("root_package", root_pkg);
            j.boolean("global", global);
            j.opt_str("link_target", row.link_target);
            if (row.unmet) {
                j.boolean("unmet", true);
            }
            if (row.optional) {
                j.boolean("optional", true);
            }
            if (row.extraneous) {
                j.boolean("extraneous", true);
            }
            if (row.deduped) {
                j.boolean("deduped", true);
            }
            if (row.overridden) {
                j.boolean("overridden", true);
            }
            j.opt_str("invalid", row.invalid);
            j.end_object().end_object();
            j.begin_object("package").str("name", row.spec.name);
            if (!row.unmet) {
                j.opt_str("version", row.spec.version);
            }
            j.str("type", "npm").end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "npm_list: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_npm_list_parser() {
    static const NpmListParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
