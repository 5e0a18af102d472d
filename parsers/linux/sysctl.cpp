// linux.sysctl: `sysctl -a` (UAC system/sysctl_-a.txt, modifiers/sysctl_-a.txt), `sysctl KEY`,
// and /etc/sysctl.conf, /etc/sysctl.d/*.conf files.
//
// jc's sysctl parser returns one flat object {key: value}; here each key is its own record
// (name, value) so that every setting can be searched and compared across hosts.  The value
// stays the text printed (tab-separated triples such as fs.file-nr kept as they are).
// `sysctl: permission denied on key 'kernel.cad_pid'` (stderr mixed in) and `sysctl: reading
// key "..."` become records with the name and `error`, so a key an unprivileged collection
// could not read is visible, not lost.  Config files: comments and blank lines are skipped,
// a leading `-` (ignore errors) is recorded as ignore_errors, a key written with slashes
// (`net/ipv4/ip_forward`) gets its dotted name with the raw one in name_raw.  A value a
// terminal wrapped (a copy-paste of a COLUMNS=80 screen) is joined again and says wrapped.
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

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == '*' || c == ':' || c == '@';
}

// The sysctl tree's top-level directories: content alone claims only keys under these.
bool known_root(std::string_view key) {
    const size_t dot = key.find_first_of("./");
    const std::string_view root = key.substr(0, dot);
    for (std::string_view r : {"abi", "crypto", "debug", "dev", "fs", "kernel", "net", "sunrpc",
                               "user", "vm", "fscache"}) {
        if (root == r) {
            return true;
        }
    }
    return false;
}

struct Setting {
    std::string_view key;
    std::string_view value;
    bool ignore_errors = false;
    bool spaced = false;  // "key = value" as sysctl prints it
};

// "net.ipv4.ip_forward = 1", "-net.ipv4.ip_forward=1"; false when the line is not a setting.
bool parse_setting(std::string_view line, Setting& s) {
    std::string_view t = trim(line);
    s = Setting{};
    if (t.starts_with("-")) {
        s.ignore_errors = true;
        t.remove_prefix(1);
    }
    size_t i = 0;
    while (i < t.size() && key_char(t[i])) {
        ++i;
    }
    if (i == 0 || t.substr(0, i).find_first_of("./") == std::string_view::npos) {
        return false;
    }
    s.key = t.substr(0, i);
    std::string_view rest = t.substr(i);
    const bool space_before = rest.starts_with(" ") || rest.starts_with("\t");
    rest = trim(rest);
    if (!rest.starts_with("=")) {
        return false;
    }
    s.spaced = space_before && rest.size() > 1 && (rest[1] == ' ' || rest[1] == '\t');
    // The value keeps inner tabs (fs.file-nr = 131\t0\t2466174); one separator is dropped.
    rest.remove_prefix(1);
    if (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) {
        rest.remove_prefix(1);
    }
    s.value = rest;
    while (!s.value.empty() && (s.value.back() == ' ' || s.value.back() == '\r')) {
        s.value.remove_suffix(1);
    }
    return true;
}

// `sysctl: permission denied on key 'kernel.cad_pid'` → key and reason.
bool parse_error_line(std::string_view line, std::string_view& key, std::string_view& reason) {
    std::string_view t = trim(line);
    if (!t.starts_with("sysctl: ")) {
        return false;
    }
    t.remove_prefix(8);
    reason = t;
    key = {};
    const size_t q = t.find_first_of("'\"");
    if (q != std::string_view::npos) {
        const size_t e = t.find(t[q], q + 1);
        if (e != std::string_view::npos) {
            key = t.substr(q + 1, e - q - 1);
            reason = trim(t.substr(0, q));
            for (std::string_view suffix : {" on key", " key"}) {
                if (reason.ends_with(suffix)) {
                    reason.remove_suffix(suffix.size());
                }
            }
        }
    }
    return true;
}

// The terminal width a copy-pasted output was wrapped at: its longest line, when that is wide
// enough to be one (0 otherwise).  A line that follows a line of exactly this length and
// does not parse is the rest of that line.
size_t wrap_width(const std::vector<std::string_view>& lines) {
    size_t w = 0;
    for (auto l : lines) {
        w = std::max(w, l.size());
    }
    return w >= 60 ? w : 0;
}

bool is_conf_name(std::string_view path) {
    const std::string l = linux_cmd::ascii_lower(path);
    return l.find("sysctl.conf") != std::string::npos || l.find("sysctl.d/") != std::string::npos;
}

bool name_says_sysctl(const FileProbe& probe) {
    if (is_conf_name(probe.path)) {
        return true;
    }
    return linux_cmd::command_line_says(probe, {"sysctl"});
}

class SysctlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.sysctl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t settings = 0;
        size_t spaced = 0;
        size_t known = 0;
        size_t errors = 0;
        size_t other = 0;
        size_t comments = 0;
        size_t seen = 0;
        const auto lines = output_lines(whole_lines(probe));
        const size_t width = wrap_width(lines);
        size_t prev_len = 0;
        for (auto line : lines) {
            const size_t before = prev_len;
            prev_len = line.size();
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (++seen > 400) {
                break;
            }
            if (t[0] == '#' || t[0] == ';') {
                ++comments;
                continue;
            }
            Setting s;
            std::string_view key;
            std::string_view reason;
            if (parse_setting(t, s)) {
                ++settings;
                spaced += s.spaced ? 1 : 0;
                known += known_root(s.key) ? 1 : 0;
            } else if (parse_error_line(t, key, reason)) {
                ++errors;
            } else if (width == 0 || before != width) {
                ++other;
            }
        }
        if (settings == 0 || other > 0 || known * 10 < settings * 9) {
            return 0;
        }
        if (name_says_sysctl(probe)) {
            return 90;
        }
        // `sysctl -a` alone: many spaced settings under the kernel's own roots, no comments.
        if (comments == 0 && settings >= 5 && spaced == settings) {
            return 75;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::string dotted;
        std::string value;
        const auto lines = output_lines(text);
        const size_t width = wrap_width(lines);
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#' || t[0] == ';') {
                continue;
            }
            const uint64_t pos = ln.of(line);
            Setting s;
            std::string_view key;
            std::string_view reason;
            r.clear();
            r.dataset = "linux.sysctl";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("sysctl");
            if (parse_setting(t, s)) {
                // sysctl.conf allows '/' as the separator; a key with dots in a component
                // (net/ipv4/conf/eth0.100/...) keeps them, as sysctl(8) does.
                if (s.key.find('/') != std::string_view::npos) {
                    dotted.clear();
                    for (char c : s.key) {
                        dotted.push_back(c == '/' ? '.' : (c == '.' ? '/' : c));
                    }
                    jw.str("name", dotted).str("name_raw", s.key);
                } else {
                    jw.str("name", s.key);
                }
                // A value a terminal wrapped: the following lines up to a short one.
                value.assign(s.value);
                bool wrapped = false;
                while (width != 0 && lines[i].size() == width && i + 1 < lines.size()) {
                    const std::string_view next = lines[i + 1];
                    Setting n;
                    std::string_view k2;
                    std::string_view r2;
                    if (trim(next).empty() || parse_setting(next, n) ||
                        parse_error_line(next, k2, r2)) {
                        break;
                    }
                    value.append(next);
                    wrapped = true;
                    ++i;
                }
                jw.str("value", value);
                if (wrapped) {
                    jw.boolean("wrapped", true);
                }
                if (s.ignore_errors) {
                    jw.boolean("ignore_errors", true);
                }
            } else if (parse_error_line(t, key, reason)) {
                if (!key.empty()) {
                    jw.str("name", key);
                }
                jw.str("error", reason);
            } else {
                sink.emit(
                    make_error_record(pos, true, "linux.sysctl: not a key = value line", line));
                continue;
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.sysctl: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_sysctl_parser() {
    static const SysctlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
