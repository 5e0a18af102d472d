// linux.package_verify: package integrity checks, the "tampered package" evidence.
// - `rpm -Va` / `rpm -V PKG` (UAC packages/rpm_-V_-a.txt, Cat-Scale rpm-package-verify.txt) and
//   `dpkg -V` / `dpkg --verify` (UAC packages/dpkg_-V.txt, Cat-Scale deb-package-verify.txt),
//   which share rpm's layout: `SM5DLUGTP` test letters (`.` passed, `?` not tested; rpm before
//   4.6 prints 8), an optional file attribute (c config, d doc, g ghost, l license, r readme,
//   a artifact) and the path; `missing   c /etc/x` for a deleted file.  rpm's "Unsatisfied
//   dependencies for PKG:" block (a tab-indented requirement per line) and `error:` lines are
//   kept too.
// - `debsums -c` / `debsums -s` (changed files as bare paths; stderr lines `debsums: missing
//   file /x (from P package)`, `debsums: changed file /x (from P package)`).
//
// One record per file with flags (as printed), changes[] (size, mode, digest, device, link,
// user, group, mtime, capabilities: the letters present), unchecked[] (the `?` tests),
// missing, attribute / config, tool (rpm, dpkg or debsums, from the file name or content)
// and the ECS file.path, package.name (debsums names it).  jc has no parser for these.
// A bare path list is claimed only under a debsums-like name or with debsums' own lines.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

enum class Kind { kNone, kVerify, kDepHeader, kDepLine, kError, kPath, kDebsums };

struct Row {
    Kind kind = Kind::kNone;
    std::string_view flags;  // "SM5....T." or "missing"
    bool missing = false;
    char attribute = 0;
    std::string_view path;
    std::string_view package;  // dependency header / debsums "(from P package)"
    std::string_view text;     // requirement, error text, debsums verb
};

constexpr std::string_view kTests = "SM5DLUGTP";
constexpr std::string_view kTestNames[] = {"size", "mode",  "digest", "device",      "link",
                                           "user", "group", "mtime",  "capabilities"};

bool is_flags(std::string_view f) {
    if (f.size() != 8 && f.size() != 9) {
        return false;
    }
    for (size_t i = 0; i < f.size(); ++i) {
        // Each column holds its own letter, '.' or '?'; rpm 4.4's 8 columns lack P.
        if (f[i] != '.' && f[i] != '?' && f[i] != kTests[i]) {
            return false;
        }
    }
    return true;
}

std::string_view attribute_name(char a) {
    switch (a) {
        case 'c': return "config";
        case 'd': return "doc";
        case 'g': return "ghost";
        case 'l': return "license";
        case 'r': return "readme";
        case 'a': return "artifact";
        default: return {};
    }
}

Row classify(std::string_view line) {
    Row r;
    const std::string_view t = trim(line);
    if (t.empty()) {
        return r;
    }
    if (!line.empty() && line[0] == '\t' && !t.empty()) {
        r.kind = Kind::kDepLine;
        r.text = t;
        return r;
    }
    if (t.starts_with("Unsatisfied dependencies for ") && t.back() == ':') {
        r.kind = Kind::kDepHeader;
        r.package = t.substr(29, t.size() - 30);
        return r;
    }
    if (t.starts_with("error: ") || t.starts_with("warning: ") || t.starts_with("dpkg: ")) {
        r.kind = Kind::kError;
        r.text = t;
        return r;
    }
    if (t.starts_with("debsums: ")) {
        r.kind = Kind::kDebsums;
        std::string_view rest = t.substr(9);
        r.text = rest;
        // "missing file /x (from P package)", "changed file /x (from P package)"
        for (std::string_view verb : {"missing file ", "changed file "}) {
            if (rest.starts_with(verb)) {
                std::string_view p = rest.substr(verb.size());
                const size_t from = p.rfind(" (from ");
                if (from != std::string_view::npos && p.ends_with(" package)")) {
                    r.package = p.substr(from + 7, p.size() - from - 7 - 9);
                    p = p.substr(0, from);
                }
                r.path = p;
                r.missing = verb == "missing file ";
                r.text = verb.substr(0, 7);
            }
        }
        return r;
    }
    if (t[0] == '/') {
        r.kind = Kind::kPath;
        r.path = t;
        return r;
    }
    const size_t sp = t.find(' ');
    if (sp == std::string_view::npos) {
        return r;
    }
    const std::string_view first = t.substr(0, sp);
    const bool missing = first == "missing";
    if (!missing && !is_flags(first)) {
        return r;
    }
    std::string_view rest = t.substr(sp);
    while (!rest.empty() && rest[0] == ' ') {
        rest.remove_prefix(1);
    }
    if (rest.size() > 2 && rest[1] == ' ' && !attribute_name(rest[0]).empty()) {
        r.attribute = rest[0];
        rest.remove_prefix(2);
        while (!rest.empty() && rest[0] == ' ') {
            rest.remove_prefix(1);
        }
    }
    if (rest.empty() || rest[0] != '/') {
        return r;
    }
    r.kind = Kind::kVerify;
    r.flags = first;
    r.missing = missing;
    r.path = rest;
    return r;
}

struct Survey {
    size_t verify = 0, paths = 0, debsums = 0, deps = 0, other = 0;
};

Survey survey(const std::vector<std::string_view>& lines) {
    Survey s;
    for (std::string_view line : lines) {
        switch (classify(line).kind) {
            case Kind::kVerify: ++s.verify; break;
            case Kind::kPath: ++s.paths; break;
            case Kind::kDebsums: ++s.debsums; break;
            case Kind::kDepHeader:
            case Kind::kDepLine:
            case Kind::kError: ++s.deps; break;
            case Kind::kNone:
                if (!trim(line).empty()) {
                    ++s.other;
                }
                break;
        }
    }
    return s;
}

// "rpm", "dpkg", "debsums" from the file name; "" when it names none.
std::string_view tool_from_name(std::string_view path) {
    for (const std::string& w : linux_cmd::name_words(linux_cmd::path_basename(path))) {
        if (w == "rpm" || w == "dpkg" || w == "debsums") {
            return w == "rpm" ? "rpm" : w == "dpkg" ? "dpkg" : "debsums";
        }
        if (w == "deb") {
            return "dpkg";  // Cat-Scale deb-package-verify.txt
        }
    }
    return {};
}

class PackageVerifyParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.package_verify";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "package_verify");
        const Survey s = survey(output_lines(whole_lines(probe)));
        if (s.other > 0 && s.other * 5 > s.verify + s.paths + s.debsums) {
            return 0;
        }
        if (s.verify > 0 && s.paths == 0) {
            return hinted ? 92 : 80;
        }
        if (s.verify == 0 && s.paths + s.debsums > 0) {
            // A path list is anyone's (find): only debsums' name or its own lines claim it.
            const bool debsums = tool_from_name(probe.path) == "debsums";
            if (hinted && (debsums || s.debsums > 0)) {
                return 90;
            }
            return s.debsums > 0 ? 70 : 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        std::string_view tool = tool_from_name(ctx.member);
        const Survey s = survey(lines);
        if (tool.empty() && s.verify == 0) {
            tool = "debsums";
        }
        std::string_view dep_package;
        Record r;
        for (std::string_view line : lines) {
            const Row row = classify(line);
            if (row.kind == Kind::kNone) {
                if (!trim(line).empty()) {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "package_verify: line does not parse", line));
                }
                continue;
            }
            if (row.kind == Kind::kDepHeader) {
                dep_package = row.package;
                continue;
            }
            r.clear();
            r.dataset = "linux.package_verify";
            r.position = ln.of(line);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("package_verify");
            std::string_view package = row.package;
            if (row.kind == Kind::kDepLine) {
                w.str("unsatisfied_dependency", row.text);
                package = dep_package;
            } else if (row.kind == Kind::kError) {
                w.str("error", row.text);
            } else if (row.kind == Kind::kDebsums && row.path.empty()) {
                w.str("error", row.text);
            } else {
                if (!row.flags.empty() && !row.missing) {
                    w.str("flags", row.flags);
                }
                w.str("path", row.path);
                w.boolean("missing", row.missing);
                w.begin_array("changes");
                if (row.kind == Kind::kPath || (row.kind == Kind::kDebsums && !row.missing)) {
                    w.value_str("digest");  // debsums compares md5sums only
                } else if (!row.missing) {
                    for (size_t i = 0; i < row.flags.size(); ++i) {
                        if (row.flags[i] == kTests[i]) {
                            w.value_str(kTestNames[i]);
                        }
                    }
                }
                w.end_array();
                bool any_unchecked = false;
                for (char c : row.flags) {
                    any_unchecked = any_unchecked || c == '?';
                }
                if (any_unchecked && !row.missing) {
                    w.begin_array("unchecked");
                    for (size_t i = 0; i < row.flags.size(); ++i) {
                        if (row.flags[i] == '?') {
                            w.value_str(kTestNames[i]);
                        }
                    }
                    w.end_array();
                }
                if (row.attribute != 0) {
                    w.str("attribute", attribute_name(row.attribute));
                }
                w.boolean("config", row.attribute == 'c');
            }
            w.opt_str("package", package);
            w.opt_str("tool", tool);
            w.end_object().end_object();
            if (!row.path.empty()) {
                w.begin_object("file").str("path", row.path).end_object();
            }
            // rpm names the package as name-version-release.arch, debsums by name.
            if (!package.empty() && row.kind == Kind::kDebsums) {
                w.begin_object("package").str("name", package).end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(
                make_error_record(0, true, "package_verify: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_package_verify_parser() {
    static const PackageVerifyParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
