// linux.env: `env`, `printenv`, `export -p`/`declare -x` lists, and /proc/<pid>/environ
// copies (raw with NUL separators, `tr '\0' '\n'`, or `strings`: UAC
// process/proc/<pid>/environ.txt, whose pid becomes process.pid).
//
// One record per variable with jc's names (name, value).  A value that spans lines (a
// quoted newline, an exported bash function `BASH_FUNC_f%%=() {  ...` up to its closing `}`)
// stays whole, lines joined with "\n"; the rest of a line a terminal wrapped (it follows a
// line of the file's longest length) is joined without one and the record says wrapped.
// Variables an intruder uses to hook or hide (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT,
// HISTFILE=/dev/null, HISTSIZE=0, PROMPT_COMMAND, BASH_ENV, ...) carry `notable` with the
// reason.  `strings` drops variables shorter than 4 bytes ("A=1"): such a file cannot show
// them.  A NUL-separated file has one line, so its records are numbered by variable
// (evidence.record).
//
// Detection is tight because `NAME=value` lines are everywhere (crontab variables,
// os-release, shell history, sysctl.conf): the file name must say env/printenv/environ and
// every content line must fit, or the content alone must hold the login environment's own
// variables (PATH and HOME with SHELL, USER, LOGNAME, PWD, SHLVL or TERM).
#include <algorithm>
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

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

// Length of the variable name before '=' when the line starts a variable ("PATH=",
// "BASH_FUNC_f%%=", "declare -x PATH=\"...\""); 0 when it does not.  *skip gets the length
// of a `declare -x ` / `export ` prefix.
size_t var_name_len(std::string_view line, size_t* skip = nullptr) {
    size_t s = 0;
    if (line.starts_with("declare -x ")) {
        s = 11;
    } else if (line.starts_with("export ")) {
        s = 7;
    }
    if (skip != nullptr) {
        *skip = s;
    }
    std::string_view l = line.substr(s);
    if (l.empty() || !is_name_start(l[0])) {
        return 0;
    }
    size_t i = 1;
    while (i < l.size() && is_name_char(l[i])) {
        ++i;
    }
    // Exported bash functions: BASH_FUNC_name%%=  (name may hold '-', ':', '.').
    if (l.starts_with("BASH_FUNC_")) {
        const size_t pct = l.find("%%=");
        if (pct != std::string_view::npos && l.substr(0, pct).find(' ') == std::string_view::npos) {
            return pct + 2;
        }
    }
    if (i < l.size() && l[i] == '=') {
        return i;
    }
    // `declare -x NAME` without a value.
    if (s > 0 && i == l.size()) {
        return i;
    }
    return 0;
}

std::string_view notable_reason(std::string_view name, std::string_view value) {
    if (name == "LD_PRELOAD" || name == "LD_AUDIT") {
        return "loader preload";
    }
    if (name == "LD_LIBRARY_PATH") {
        return "loader search path";
    }
    if (name == "HISTFILE" && (value == "/dev/null" || value.empty())) {
        return "history disabled";
    }
    if ((name == "HISTSIZE" || name == "HISTFILESIZE") && (value == "0" || value.empty())) {
        return "history disabled";
    }
    if (name == "HISTCONTROL" && value.find("ignorespace") != std::string_view::npos) {
        return "history filtered";
    }
    if (name == "HISTIGNORE") {
        return "history filtered";
    }
    if (name == "PROMPT_COMMAND" || name == "BASH_ENV" || name == "ENV" || name == "PERL5OPT" ||
        name == "PYTHONSTARTUP" || name == "PYTHONPATH" || name == "NODE_OPTIONS" ||
        name == "RUBYOPT" || name.starts_with("BASH_FUNC_")) {
        return "code run by shells or interpreters";
    }
    if (name == "http_proxy" || name == "https_proxy" || name == "HTTP_PROXY" ||
        name == "HTTPS_PROXY" || name == "ALL_PROXY" || name == "all_proxy") {
        return "proxy";
    }
    if (name == "SSH_CONNECTION" || name == "SSH_CLIENT") {
        return "remote session";
    }
    return {};
}

bool name_says_env(const FileProbe& probe) {
    if (linux_cmd::command_line_says(
            probe, {"env", "printenv", "environ", "environment", "environ.txt"})) {
        return true;
    }
    // UAC's per-process copies: process/proc/<pid>/environ.txt.
    return probe.path.find("/environ") != std::string_view::npos;
}

// The pid a /proc/<pid>/environ copy's path names.
std::optional<int64_t> pid_from_path(std::string_view path) {
    const size_t e = path.rfind("/environ");
    if (e == std::string_view::npos || e == 0) {
        return std::nullopt;
    }
    const size_t s = path.rfind('/', e - 1);
    const std::string_view dir = path.substr(s == std::string_view::npos ? 0 : s + 1,
                                             e - (s == std::string_view::npos ? 0 : s + 1));
    auto v = to_int(dir);
    if (v && *v > 0) {
        return v;
    }
    return std::nullopt;
}

struct Sniff {
    size_t vars = 0;
    size_t other = 0;  // lines that neither start a variable nor can continue one
    bool first_is_var = false;
    int login_vars = 0;   // SHELL, USER, LOGNAME, PWD, SHLVL, TERM seen
    size_t declared = 0;  // `declare -x NAME=...` lines (bash's export -p)
    bool path = false;
    bool home = false;
};

Sniff sniff(std::string_view head) {
    Sniff s;
    std::string buf;
    if (head.find('\0') != std::string_view::npos) {
        buf.assign(head);
        for (char& c : buf) {
            if (c == '\0') {
                c = '\n';
            }
        }
        head = buf;
    }
    bool first = true;
    bool in_func = false;
    for (auto line : output_lines(head)) {
        if (in_func) {
            in_func = line != "}";
            continue;
        }
        if (trim(line).empty()) {
            continue;
        }
        size_t skip = 0;
        const size_t n = var_name_len(line, &skip);
        if (n == 0) {
            // A continuation (multi-line value) is fine, but never as the first line.
            if (first || line.starts_with("#")) {
                ++s.other;
            }
            first = false;
            continue;
        }
        if (first) {
            s.first_is_var = true;
        }
        first = false;
        ++s.vars;
        s.declared += skip == 11 ? 1 : 0;
        const std::string_view name = line.substr(skip, n);
        const std::string_view value = line.substr(std::min(line.size(), skip + n + 1));
        if (name == "PATH") {
            s.path = true;
        } else if (name == "HOME") {
            s.home = true;
        } else if (name == "SHELL" || name == "USER" || name == "LOGNAME" || name == "PWD" ||
                   name == "SHLVL" || name == "TERM") {
            ++s.login_vars;
        }
        in_func = name.starts_with("BASH_FUNC_") && value.starts_with("() {") && value != "() {  }";
    }
    return s;
}

class EnvParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.env";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Sniff s = sniff(whole_lines(probe));
        if (s.vars == 0 || !s.first_is_var || s.other > 0) {
            return 0;
        }
        if (name_says_env(probe)) {
            return 88;
        }
        if (s.path && s.home && s.login_vars >= 1 && s.vars >= 4) {
            return 65;
        }
        // bash's `export -p`: every line a `declare -x`.
        if (s.declared == s.vars && s.vars >= 3) {
            return 80;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        std::string text = read_all(in, 64u << 20, &cut);
        const bool nul_separated = text.find('\0') != std::string::npos;
        if (nul_separated) {
            for (char& c : text) {
                if (c == '\0') {
                    c = '\n';
                }
            }
        }
        const auto pid = pid_from_path(ctx.member);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        Record r;
        uint64_t ordinal = 0;
        std::string value;
        std::string_view name;
        uint64_t pos = 0;
        bool open = false;
        bool in_func = false;
        bool quoted = false;  // a `declare -x` value in double quotes
        bool wrapped = false;
        size_t prev_len = 0;
        // A copy-pasted terminal wraps long lines at its width: a line that follows a line of
        // exactly the longest length (>= 60) is that line's rest, joined without a newline.
        size_t width = 0;
        for (auto l : lines) {
            width = std::max(width, l.size());
        }
        if (width < 60 || nul_separated) {
            width = 0;
        }
        auto flush = [&]() {
            if (!open) {
                return;
            }
            open = false;
            if (quoted) {
                // declare -x NAME="va\"lue": unquote.
                std::string u;
                std::string_view v = value;
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
                    v = v.substr(1, v.size() - 2);
                    for (size_t i = 0; i < v.size(); ++i) {
                        if (v[i] == '\\' && i + 1 < v.size() &&
                            (v[i + 1] == '"' || v[i + 1] == '\\' || v[i + 1] == '$' ||
                             v[i + 1] == '`')) {
                            ++i;
                        }
                        u.push_back(v[i]);
                    }
                    value = std::move(u);
                }
            }
            r.clear();
            r.dataset = "linux.env";
            r.position = nul_separated ? ordinal : pos;
            r.by_line = !nul_separated;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("env");
            jw.str("name", name).str("value", value);
            const std::string_view why = notable_reason(name, value);
            if (!why.empty()) {
                jw.str("notable", why);
            }
            if (wrapped) {
                jw.boolean("wrapped", true);
            }
            jw.end_object().end_object();
            if (pid) {
                jw.begin_object("process").num("pid", *pid).end_object();
            }
            sink.emit(r);
        };
        for (auto line : lines) {
            if (in_func) {
                value.push_back('\n');
                value.append(line);
                if (line == "}") {
                    in_func = false;
                }
                continue;
            }
            size_t skip = 0;
            const size_t n = var_name_len(line, &skip);
            if (n == 0) {
                if (open) {
                    if (width != 0 && prev_len == width) {
                        wrapped = true;
                    } else {
                        value.push_back('\n');
                    }
                    value.append(line);
                    prev_len = line.size();
                } else if (!trim(line).empty()) {
                    sink.emit(make_error_record(nul_separated ? ordinal + 1 : ln.of(line),
                                                !nul_separated, "linux.env: not a variable", line));
                }
                continue;
            }
            flush();
            ++ordinal;
            open = true;
            wrapped = false;
            prev_len = line.size();
            pos = ln.of(line);
            name = line.substr(skip, n);
            value.assign(line.substr(std::min(line.size(), skip + n + 1)));
            quoted = skip > 0 && value.starts_with("\"");
            in_func =
                name.starts_with("BASH_FUNC_") && value.starts_with("() {") && value != "() {  }";
        }
        // A value's trailing empty lines belong to the output's end, not the value.
        while (open && value.ends_with("\n")) {
            value.pop_back();
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.env: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_env_parser() {
    static const EnvParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
