// linux.sudo_l: `sudo -l` / `sudo -l -U USER` (what a user may run as whom), English output of
// sudo 1.8/1.9.  jc has no parser.
//
// Records: one `defaults` record per "Matching Defaults entries for U on H:" block
// (settings[], the indented lines split at top-level commas, a `\,`-free value kept whole),
// one `rule` record per indented line of "User U may run the following commands on H:"
// (runas as printed inside the parentheses, tags[] such as NOPASSWD/SETENV, commands[]),
// and a `denied` record for "User U is not allowed to run sudo on H.".  Every record names
// user and host; ECS user.name, host.hostname is left to the collection.  `notable` marks
// NOPASSWD and a grant of ALL commands to a user other than root: the first things an
// analyst checks after a privilege escalation.  `sudo -ll`'s long form ("Sudoers entry:")
// keeps its lines as `rule_text` records.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/sudo_spec.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

enum class Head { kNone, kDefaults, kRunasDefaults, kRules, kDenied };

struct Header {
    Head kind = Head::kNone;
    std::string_view user, host;
};

// "Matching Defaults entries for U on H:", "Runas and Command-specific defaults for U:",
// "User U may run the following commands on H:", "User U is not allowed to run sudo on H."
Header header(std::string_view line) {
    Header h;
    const std::string_view t = trim(line);
    auto between = [&](std::string_view a, std::string_view b, std::string_view end) {
        if (!t.starts_with(a) || !t.ends_with(end)) {
            return false;
        }
        const std::string_view mid = t.substr(a.size(), t.size() - a.size() - end.size());
        const size_t at = mid.find(b);
        if (at == std::string_view::npos) {
            return false;
        }
        h.user = mid.substr(0, at);
        h.host = mid.substr(at + b.size());
        return !h.user.empty() && h.user.find(' ') == std::string_view::npos;
    };
    if (between("Matching Defaults entries for ", " on ", ":")) {
        h.kind = Head::kDefaults;
    } else if (between("User ", " may run the following commands on ", ":")) {
        h.kind = Head::kRules;
    } else if (between("User ", " is not allowed to run sudo on ", ".")) {
        h.kind = Head::kDenied;
    } else if (t.starts_with("Runas and Command-specific defaults for ") && t.ends_with(":")) {
        h.kind = Head::kRunasDefaults;
        h.user = t.substr(40, t.size() - 41);
    }
    return h;
}

std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        const bool escaped = i > 0 && i < s.size() && s[i - 1] == '\\';
        if (i == s.size() || (s[i] == ',' && !escaped)) {
            const std::string_view p = trim(s.substr(start, i - start));
            if (!p.empty()) {
                out.push_back(p);
            }
            start = i + 1;
        }
    }
    return out;
}

void list(JsonWriter& w, std::string_view key, const std::vector<std::string_view>& v) {
    w.begin_array(key);
    for (auto x : v) {
        w.value_str(x);
    }
    w.end_array();
}

class SudoLParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.sudo_l";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        for (std::string_view line : output_lines(whole_lines(probe))) {
            if (!trim(line).empty()) {
                // The first content line must be one of sudo's headers.
                return header(line).kind != Head::kNone ? 95 : 0;
            }
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        Header cur;
        std::string defaults;  // the indented lines of a defaults block, joined
        std::string_view defaults_first;
        Record r;
        auto begin = [&](std::string_view at, std::string_view type) -> JsonWriter {
            r.clear();
            r.dataset = "linux.sudo_l";
            r.position = ln.of(at);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("sudo_l");
            w.str("type", type).str("user", cur.user).opt_str("host", cur.host);
            return w;
        };
        auto end = [&](JsonWriter& w) {
            w.end_object().end_object();
            w.begin_object("user").str("name", cur.user).end_object();
            sink.emit(r);
        };
        auto flush_defaults = [&] {
            if (defaults_first.empty()) {
                return;
            }
            JsonWriter w = begin(defaults_first,
                                 cur.kind == Head::kRunasDefaults ? "runas_defaults" : "defaults");
            list(w, "settings", split_commas(defaults));
            end(w);
            defaults.clear();
            defaults_first = {};
        };
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const Header h = header(line);
            if (h.kind != Head::kNone) {
                flush_defaults();
                cur = h;
                if (h.kind == Head::kDenied) {
                    JsonWriter w = begin(line, "denied");
                    end(w);
                }
                continue;
            }
            const bool indented = line[0] == ' ' || line[0] == '\t';
            if (!indented || cur.kind == Head::kNone || cur.kind == Head::kDenied) {
                sink.emit(
                    make_error_record(ln.of(line), true, "sudo_l: line does not parse", line));
                continue;
            }
            if (cur.kind == Head::kDefaults || cur.kind == Head::kRunasDefaults) {
                if (defaults_first.empty()) {
                    defaults_first = line;
                }
                defaults.append(" ").append(t);
                continue;
            }
            // "(ALL : ALL) NOPASSWD: ALL" / "Sudoers entry:" (sudo -ll)
            std::string_view rest = t;
            if (rest[0] != '(') {
                JsonWriter w = begin(line, "rule_text");
                w.str("text", rest);
                end(w);
                continue;
            }
            const auto spec = linux_cmd::split_sudo_commands(rest);
            const std::string_view runas = spec.runas;
            const std::vector<std::string_view>& tags = spec.tags;
            const auto commands = split_commas(spec.commands);
            JsonWriter w = begin(line, "rule");
            w.str("runas", runas);
            if (!tags.empty()) {
                list(w, "tags", tags);
            }
            list(w, "commands", commands);
            std::vector<std::string_view> notable;
            for (auto tag : tags) {
                if (tag == "NOPASSWD") {
                    notable.push_back("NOPASSWD");
                }
            }
            for (auto c : commands) {
                if (c == "ALL" && cur.user != "root") {
                    notable.push_back("ALL commands");
                    break;
                }
            }
            if (!notable.empty()) {
                list(w, "notable", notable);
            }
            end(w);
        }
        flush_defaults();
        if (cut) {
            sink.emit(make_error_record(0, true, "sudo_l: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_sudo_l_parser() {
    static const SudoLParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
