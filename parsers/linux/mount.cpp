// linux.mount: `mount` (Linux `src on /mp type fs (opts)` and BSD/macOS `src on /mp (opts)`),
// /proc/mounts and /etc/mtab copies, `findmnt` (tree, --ascii, -l) and `findmnt -J` (JSON,
// UAC storage/findmnt_-J.txt; children flattened in document order, positions are record
// ordinals).
//
// One record per mount with jc's mount fields (filesystem, mount_point, type, options[]);
// findmnt's TARGET/SOURCE/FSTYPE/OPTIONS are given the same names so one dataset reads one
// way.  Sources and mount points may hold spaces and parentheses (kept whole); /proc/mounts
// octal escapes (\040) are decoded.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Mount {
    std::string filesystem;
    std::string mount_point;
    std::string type;
    std::vector<std::string> options;
};

std::vector<std::string> split_opts(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t c = s.find(',', start);
        if (c == std::string_view::npos) {
            c = s.size();
        }
        const std::string_view o = trim(s.substr(start, c - start));
        if (!o.empty()) {
            out.emplace_back(o);
        }
        start = c + 1;
    }
    return out;
}

// "src on /mp type fs (opts)" / "src on /mp (opts)"
bool parse_on_line(std::string_view line, Mount& m) {
    line = trim(line);
    const size_t on = line.find(" on ");
    if (on == std::string_view::npos || on == 0) {
        return false;
    }
    std::string_view rest = line.substr(on + 4);
    std::string_view opts;
    if (!rest.empty() && rest.back() == ')') {
        const size_t lp = rest.rfind(" (");
        if (lp == std::string_view::npos) {
            return false;
        }
        opts = rest.substr(lp + 2, rest.size() - lp - 3);
        rest = rest.substr(0, lp);
    }
    const size_t ty = rest.rfind(" type ");
    if (ty != std::string_view::npos) {
        m.type = std::string(trim(rest.substr(ty + 6)));
        rest = rest.substr(0, ty);
    } else if (opts.empty()) {
        return false;
    }
    m.filesystem = std::string(line.substr(0, on));
    m.mount_point = std::string(trim(rest));
    m.options = split_opts(opts);
    return !m.mount_point.empty();
}

std::string unescape_octal(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out.push_back(
                static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// /proc/mounts: "sysfs /sys sysfs rw,nosuid 0 0"
bool parse_proc_line(std::string_view line, Mount& m) {
    const auto w = split_ws(trim(line));
    if (w.size() != 6 || w[4].find_first_not_of("0123456789") != std::string_view::npos ||
        w[5].find_first_not_of("0123456789") != std::string_view::npos ||
        (w[1].empty() || (w[1][0] != '/' && w[1] != "none"))) {
        return false;
    }
    m.filesystem = unescape_octal(w[0]);
    m.mount_point = unescape_octal(w[1]);
    m.type = std::string(w[2]);
    m.options = split_opts(w[3]);
    return true;
}

bool findmnt_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 4 && w[0] == "TARGET" && w[1] == "SOURCE" && w[2] == "FSTYPE" &&
           w[3] == "OPTIONS";
}

// Drops findmnt's tree art (├─ │ └─ in UTF-8, |- ` in --ascii) before the target.
std::string_view strip_tree(std::string_view s) {
    while (!s.empty()) {
        if (s[0] == ' ' || s[0] == '|' || s[0] == '`' || s[0] == '-') {
            s.remove_prefix(1);
        } else if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xE2 &&
                   static_cast<unsigned char>(s[1]) == 0x94) {
            s.remove_prefix(3);
        } else {
            break;
        }
    }
    return s;
}

bool parse_findmnt_line(std::string_view line, Mount& m) {
    std::string_view t = trim(strip_tree(line));
    // From the right: OPTIONS, FSTYPE, SOURCE; the target keeps any spaces.
    std::string_view parts[3];
    for (auto& part : parts) {
        const size_t sp = t.find_last_of(" \t");
        if (sp == std::string_view::npos) {
            return false;
        }
        part = t.substr(sp + 1);
        t = trim(t.substr(0, sp));
    }
    if (t.empty()) {
        return false;
    }
    m.mount_point = std::string(t);
    m.filesystem = std::string(parts[2]);
    m.type = std::string(parts[1]);
    m.options = split_opts(parts[0]);
    return true;
}

// `findmnt -J`: `{"filesystems": [...]}`.
bool findmnt_json_head(std::string_view head) {
    const std::string_view t = trim(head.substr(0, 256));
    const size_t at = t.find("\"filesystems\"");
    return t.starts_with("{") && at != std::string_view::npos && at < 64;
}

std::string json_text(const nlohmann::json& j, const char* key) {
    if (!j.contains(key)) {
        return {};
    }
    const nlohmann::json& v = j[key];
    return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// Flattens one filesystem and its children into mounts, in document order.
void collect_json(const nlohmann::json& fs, std::vector<Mount>& out, int depth) {
    if (!fs.is_object() || depth > 64) {
        return;
    }
    Mount m;
    m.mount_point = json_text(fs, "target");
    m.filesystem = json_text(fs, "source");
    m.type = json_text(fs, "fstype");
    m.options = split_opts(json_text(fs, "options"));
    out.push_back(std::move(m));
    if (fs.contains("children") && fs["children"].is_array()) {
        for (const auto& c : fs["children"]) {
            collect_json(c, out, depth + 1);
        }
    }
}

enum class Format { kNone, kOn, kProc, kFindmnt };

Format sniff(const std::vector<std::string_view>& lines) {
    for (size_t i = 0; i < lines.size() && i < 10; ++i) {
        if (trim(lines[i]).empty()) {
            continue;
        }
        Mount m;
        if (findmnt_header(lines[i])) {
            return Format::kFindmnt;
        }
        if (parse_on_line(lines[i], m)) {
            return Format::kOn;
        }
        if (parse_proc_line(lines[i], m)) {
            return Format::kProc;
        }
        return Format::kNone;
    }
    return Format::kNone;
}

bool parse_as(Format f, std::string_view line, Mount& m) {
    switch (f) {
        case Format::kOn: return parse_on_line(line, m);
        case Format::kProc: return parse_proc_line(line, m);
        case Format::kFindmnt: return parse_findmnt_line(line, m);
        case Format::kNone: return false;
    }
    return false;
}

class MountParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.mount";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "mount");
        if (findmnt_json_head(probe.head)) {
            return hinted ? 95 : 90;
        }
        const auto lines = output_lines(whole_lines(probe));
        const Format f = sniff(lines);
        if (f == Format::kNone) {
            return 0;
        }
        size_t good = 0;
        size_t bad = 0;
        bool header = f == Format::kFindmnt;
        for (auto l : lines) {
            if (trim(l).empty()) {
                continue;
            }
            if (header) {
                header = !findmnt_header(l);
                continue;
            }
            Mount m;
            (parse_as(f, l, m) ? good : bad) += 1;
        }
        if (good == 0 || bad * 10 > good) {
            return 0;
        }
        if (hinted) {
            return 90;
        }
        if (f == Format::kFindmnt) {
            return 75;
        }
        // "x on /y type z (...)" is distinctive once there are a few lines of it.
        return f == Format::kOn && good >= 3 && bad == 0     ? 70
               : f == Format::kProc && good >= 3 && bad == 0 ? 60
                                                             : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        if (findmnt_json_head(text)) {
            parse_json(text, sink);
            return;
        }
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const Format f = sniff(lines);
        if (f == Format::kNone) {
            sink.emit(make_error_record(1, true, "mount: unknown mount listing"));
            return;
        }
        Record r;
        bool header = f == Format::kFindmnt;
        for (auto line : lines) {
            if (trim(line).empty()) {
                continue;
            }
            if (header) {
                header = !findmnt_header(line);
                continue;
            }
            Mount m;
            if (!parse_as(f, line, m)) {
                sink.emit(make_error_record(ln.of(line), true, "mount: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.mount";
            r.position = ln.of(line);
            emit(m, r, sink);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "mount: file too large, rest not parsed"));
        }
    }

private:
    static void emit(const Mount& m, Record& r, RecordSink& sink) {
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("mount");
        w.str("filesystem", m.filesystem).str("mount_point", m.mount_point).opt_str("type", m.type);
        w.begin_array("options");
        for (const auto& o : m.options) {
            w.value_str(o);
        }
        w.end_array().end_object().end_object();
        sink.emit(r);
    }

    static void parse_json(const std::string& text, RecordSink& sink) {
        const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("filesystems") ||
            !doc["filesystems"].is_array()) {
            sink.emit(make_error_record(1, true, "mount: findmnt JSON does not parse"));
            return;
        }
        std::vector<Mount> mounts;
        for (const auto& fs : doc["filesystems"]) {
            collect_json(fs, mounts, 0);
        }
        Record r;
        uint64_t ordinal = 0;
        for (const Mount& m : mounts) {
            r.clear();
            r.dataset = "linux.mount";
            r.position = ++ordinal;
            r.by_line = false;
            if (m.mount_point.empty()) {
                sink.emit(make_error_record(ordinal, false, "mount: findmnt entry without target"));
                continue;
            }
            emit(m, r, sink);
        }
    }
};

}  // namespace

const Parser& linux_mount_parser() {
    static const MountParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
