// linux.pip_list: the Python packages pip sees (UAC packages/pip_list.txt, pip3_list.txt,
// pip_freeze.txt; also `pip list -v` and the pre-pip-10 "name (version)" list).
//
// One record per package with jc 1.22.5's pip_list names (package, version, location) plus
// installer and editable_project_location when `pip list -v` / `-e` print them, and ECS
// package.name / package.version.  `pip freeze` lines: "name==version" (also === pins),
// "name @ <url>" (source: the url, no version) and "-e <vcs url>#egg=name" (editable).
// Comment lines ("# Editable install with no version control ...") are skipped.  Not claimed:
// `pip show` ("Name: x" blocks), dpkg/rpm lists, and files named requirements*.txt, whose
// pins say what an application wants, not what is installed.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Pkg {
    std::string_view name;
    std::string_view version;
    std::string_view location;
    std::string_view installer;
    std::string_view editable_location;
    std::string_view source;
    bool editable = false;
};

// PEP 508 distribution names: letters, digits, ".", "_", "-".
bool dist_name(std::string_view s) {
    if (s.empty() || s.size() > 200) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

bool version_like(std::string_view s) {
    if (s.empty() || s.size() > 100 || !(s[0] >= '0' && s[0] <= '9')) {
        return false;
    }
    return s.find_first_of(" \t,()=") == std::string_view::npos;
}

// The `pip list` column header, e.g. "Package Version Location Installer".
bool is_columns_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 2 && w[0] == "Package" && w[1] == "Version";
}

bool is_dash_rule(std::string_view line) {
    const std::string_view t = trim(line);
    return !t.empty() && t.find_first_not_of("- ") == std::string_view::npos;
}

bool parse_freeze(std::string_view t, Pkg& p) {
    if (t.substr(0, 3) == "-e ") {
        p.source = trim(t.substr(3));
        p.editable = true;
        const size_t egg = p.source.find("#egg=");
        p.name = egg == std::string_view::npos ? std::string_view{} : p.source.substr(egg + 5);
        if (const size_t amp = p.name.find('&'); amp != std::string_view::npos) {
            p.name = p.name.substr(0, amp);
        }
        return !p.source.empty() && p.source.find(' ') == std::string_view::npos &&
               (p.name.empty() || dist_name(p.name));
    }
    if (const size_t at = t.find(" @ "); at != std::string_view::npos) {
        p.name = t.substr(0, at);
        p.source = trim(t.substr(at + 3));
        return dist_name(p.name) && !p.source.empty() &&
               p.source.find(' ') == std::string_view::npos;
    }
    const size_t eq = t.find("==");
    if (eq == std::string_view::npos) {
        return false;
    }
    p.name = t.substr(0, eq);
    p.version = t.substr(eq + 2);
    if (!p.version.empty() && p.version[0] == '=') {
        p.version.remove_prefix(1);  // === arbitrary-equality pin
    }
    return dist_name(p.name) && !p.version.empty() &&
           p.version.find_first_of(" \t") == std::string_view::npos;
}

// Pre-pip-10 legacy format: "name (version)" or "name (version, /location)".
bool parse_legacy(std::string_view t, Pkg& p) {
    const size_t open = t.find(" (");
    if (open == std::string_view::npos || t.back() != ')') {
        return false;
    }
    p.name = t.substr(0, open);
    std::string_view in = t.substr(open + 2, t.size() - open - 3);
    if (const size_t comma = in.find(", "); comma != std::string_view::npos) {
        p.location = trim(in.substr(comma + 2));
        in = in.substr(0, comma);
    }
    p.version = in;
    return dist_name(p.name) && version_like(p.version);
}

enum class Form { kNone, kColumns, kFreeze, kLegacy };

bool requirements_file(const FileProbe& probe) {
    std::string lower;
    for (char c : probe.path) {
        lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const size_t slash = lower.find_last_of('/');
    return lower.find("requirements", slash == std::string::npos ? 0 : slash) != std::string::npos;
}

class PipListParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.pip_list";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (requirements_file(probe)) {
            return 0;
        }
        const bool hinted = name_hints(probe, "pip_list");
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        if (is_columns_header(lines[i])) {
            return i + 1 < lines.size() && is_dash_rule(lines[i + 1]) ? (hinted ? 95 : 92) : 0;
        }
        size_t freeze = 0;
        size_t legacy = 0;
        size_t bad = 0;
        // The last line of a probe may be cut short.
        const size_t end = lines.size() > i + 1 ? lines.size() - 1 : lines.size();
        for (; i < end; ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            Pkg p;
            if (parse_freeze(t, p)) {
                ++freeze;
            } else if (parse_legacy(t, p)) {
                ++legacy;
            } else {
                ++bad;
            }
        }
        if (bad != 0 || (freeze != 0 && legacy != 0)) {
            return 0;
        }
        if (freeze != 0) {
            return hinted ? 90 : 60;
        }
        // "word (1.2)" lines are common prose; only with the file name.
        return legacy != 0 && hinted ? 85 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        const auto lines = output_lines(text);
        Form form = Form::kNone;
        std::vector<std::string_view> cols;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            if (form == Form::kNone && is_columns_header(line)) {
                form = Form::kColumns;
                // "Editable project location" is one column of three words.
                for (std::string_view w : split_ws(t)) {
                    if (w == "project" || w == "location") {
                        continue;
                    }
                    cols.push_back(w);
                }
                continue;
            }
            if (form == Form::kColumns && is_dash_rule(line)) {
                continue;
            }
            Pkg p;
            bool ok = false;
            if (form == Form::kColumns) {
                // The last column may hold spaces (a location path): split to the column count.
                const auto w = split_ws(t, cols.size());
                ok = w.size() >= 2 && w.size() <= cols.size() && dist_name(w[0]);
                for (size_t c = 0; ok && c < w.size(); ++c) {
                    const std::string_view h = cols[c];
                    if (h == "Package") {
                        p.name = w[c];
                    } else if (h == "Version") {
                        p.version = w[c];
                    } else if (h == "Location") {
                        p.location = w[c];
                    } else if (h == "Installer") {
                        p.installer = w[c];
                    } else if (h == "Editable") {
                        p.editable_location = w[c];
                    }
                }
            } else {
                ok = parse_freeze(t, p) || (p = Pkg{}, parse_legacy(t, p));
            }
            if (!ok) {
                sink.emit(
                    make_error_record(ln.of(line), true, "pip_list: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.pip_list";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("pip_list");
            j.opt_str("package", p.name);
            j.opt_str("version", p.version);
            j.opt_str("location", p.location);
            j.opt_str("installer", p.installer);
            j.opt_str("editable_project_location", p.editable_location);
            j.opt_str("source", p.source);
            if (p.editable || !p.editable_location.empty()) {
                j.boolean("editable", true);
            }
            j.end_object().end_object();
            if (!p.name.empty()) {
                j.begin_object("package").str("name", p.name);
                j.opt_str("version", p.version);
                j.opt_str("path", p.location);
                j.end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "pip_list: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_pip_list_parser() {
    static const PipListParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
