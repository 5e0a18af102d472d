// linux.ulimit: `ulimit -a` / `ulimit -Ha` / `-Sa` (UAC system/ulimit_-a.txt) as bash prints
// it (`core file size              (blocks, -c) 0`), as dash prints it, old
// (`coredump(blocks)     0`) and new (`-c: coredump(blocks)     0`), and as zsh/busybox
// print it (`-c: core file size (blocks)  0`).
//
// One record per limit (jc has no ulimit parser): resource (the description as printed),
// option (`-c`, when shown), unit (`blocks`, `kbytes`, `seconds`...), value (the text:
// "unlimited" or a number), limit (the number when there is one), unlimited (bool).  Dash's
// old form names no option; the option of its known descriptions is filled in.  Whether the
// values are soft or hard limits is known only from the command line (-H): `kind`.
#include <cstdint>
#include <optional>
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Limit {
    std::string_view resource;
    std::string_view option;  // "-c"
    std::string_view unit;
    std::string_view value;
};

bool is_value(std::string_view v) {
    return v == "unlimited" || to_int(v).has_value();
}

bool option_token(std::string_view s) {
    return s.size() == 2 && s[0] == '-' &&
           ((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z'));
}

// Splits "<desc> <value>" at the last run of spaces.
bool split_value(std::string_view t, std::string_view& desc, std::string_view& value) {
    const size_t sp = t.find_last_of(" \t");
    if (sp == std::string_view::npos) {
        return false;
    }
    value = t.substr(sp + 1);
    desc = trim(t.substr(0, sp));
    return !desc.empty() && is_value(value);
}

// "stack size                  (kbytes, -s) 8192" / "open files   (-n) 1024"
bool bash_form(std::string_view t, Limit& l) {
    std::string_view desc;
    if (!split_value(t, desc, l.value) || !desc.ends_with(")")) {
        return false;
    }
    const size_t open = desc.rfind('(');
    if (open == std::string_view::npos) {
        return false;
    }
    const std::string_view inside = desc.substr(open + 1, desc.size() - open - 2);
    const size_t comma = inside.rfind(", ");
    const std::string_view opt =
        comma == std::string_view::npos ? inside : inside.substr(comma + 2);
    if (!option_token(opt)) {
        return false;
    }
    l.option = opt;
    l.unit = comma == std::string_view::npos ? std::string_view{} : inside.substr(0, comma);
    l.resource = trim(desc.substr(0, open));
    return !l.resource.empty();
}

// "-t: time(seconds)        unlimited" (dash 0.5.11+), "-c: core file size (blocks) 0" (zsh),
// "time(seconds)        unlimited" / "nofiles  1024" (older dash).
bool dash_form(std::string_view t, Limit& l) {
    std::string_view desc;
    if (!split_value(t, desc, l.value)) {
        return false;
    }
    if (desc.size() > 3 && desc[0] == '-' && desc[2] == ':' && option_token(desc.substr(0, 2))) {
        l.option = desc.substr(0, 2);
        desc = trim(desc.substr(3));
    } else if (desc.starts_with("-N ")) {
        // zsh's resources without a letter: "-N 15: rt cpu time (microseconds)".
        const size_t colon = desc.find(':');
        if (colon == std::string_view::npos || !to_int(desc.substr(3, colon - 3))) {
            return false;
        }
        l.option = desc.substr(0, colon);
        desc = trim(desc.substr(colon + 1));
    }
    if (desc.ends_with(")")) {
        const size_t open = desc.rfind('(');
        if (open == std::string_view::npos) {
            return false;
        }
        l.unit = desc.substr(open + 1, desc.size() - open - 2);
        desc = trim(desc.substr(0, open));
    }
    l.resource = desc;
    if (desc.empty() || desc.size() > 40) {
        return false;
    }
    for (char c : desc) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '-' ||
              c == '_')) {
            return false;
        }
    }
    return true;
}

// The options of old dash's descriptions (dash's own table).
std::string_view dash_option(std::string_view resource) {
    static const std::pair<std::string_view, std::string_view> kMap[] = {
        {"time", "-t"},     {"file", "-f"},    {"data", "-d"},          {"stack", "-s"},
        {"coredump", "-c"}, {"memory", "-m"},  {"locked memory", "-l"}, {"process", "-p"},
        {"nofiles", "-n"},  {"vmemory", "-v"}, {"locks", "-w"},         {"rtprio", "-r"},
        {"sbsize", "-b"},   {"nice", "-e"},    {"sigpending", "-i"},    {"msgqueue", "-q"},
        {"rttime", "-R"},
    };
    for (const auto& [r, o] : kMap) {
        if (r == resource) {
            return o;
        }
    }
    return {};
}

bool name_says_ulimit(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"ulimit", "limits"});
}

enum class Form { kNone, kBash, kDash };

Form sniff(const std::vector<std::string_view>& lines, size_t* rows = nullptr) {
    size_t bash = 0;
    size_t dash = 0;
    size_t dash_known = 0;
    size_t other = 0;
    for (size_t i = 0; i < lines.size() && i < 40; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        Limit l;
        if (bash_form(t, l)) {
            ++bash;
        } else if (dash_form(t, l)) {
            ++dash;
            dash_known += (!l.option.empty() || !dash_option(l.resource).empty()) ? 1 : 0;
        } else {
            ++other;
        }
    }
    if (rows != nullptr) {
        *rows = bash + dash;
    }
    if (other > 0) {
        return Form::kNone;
    }
    if (bash >= 3 && dash == 0) {
        return Form::kBash;
    }
    // Dash's words are plain ("process 96364"): most must be dash's own descriptions.
    if (dash >= 3 && bash == 0 && dash_known * 4 >= dash * 3) {
        return Form::kDash;
    }
    return Form::kNone;
}

class UlimitParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ulimit";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Form f = sniff(output_lines(whole_lines(probe)));
        if (f == Form::kNone) {
            return 0;
        }
        if (name_says_ulimit(probe)) {
            return 90;
        }
        return f == Form::kBash ? 80 : 70;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const std::string cl =
            " " + linux_cmd::command_line_hint(ctx.member, std::string_view(text).substr(0, 4096)) +
            " ";
        std::string_view kind;
        if (cl.find(" ulimit ") != std::string::npos) {
            kind = cl.find(" -ha ") != std::string::npos || cl.find(" -h ") != std::string::npos ||
                           cl.find(" -ah ") != std::string::npos
                       ? "hard"
                       : "soft";
        }
        Record r;
        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            Limit l;
            if (!bash_form(t, l) && !dash_form(t, (l = Limit{}))) {
                sink.emit(make_error_record(pos, true, "linux.ulimit: not a limit line", line));
                continue;
            }
            if (l.option.empty()) {
                l.option = dash_option(l.resource);
            }
            r.clear();
            r.dataset = "linux.ulimit";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("ulimit");
            jw.str("resource", l.resource);
            if (!l.option.empty()) {
                jw.str("option", l.option);
            }
            if (!l.unit.empty()) {
                jw.str("unit", l.unit);
            }
            jw.str("value", l.value);
            if (const auto n = to_int(l.value)) {
                jw.num("limit", *n);
            }
            jw.boolean("unlimited", l.value == "unlimited");
            if (!kind.empty()) {
                jw.str("kind", kind);
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.ulimit: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_ulimit_parser() {
    static const UlimitParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
