// linux.sudoers: /etc/sudoers and /etc/sudoers.d/* copies (UAC `[root]/etc/sudoers`,
// `cat /etc/sudoers` saved by hand).  jc has no parser.
//
// One record per entry (comments and blank lines skipped; `\` continuation lines joined):
// type defaults (scope, e.g. ":backup" or "@host", and settings[]), alias (alias_type
// User_Alias/Runas_Alias/Host_Alias/Cmnd_Alias, name, members[]), include (`@include(dir)`,
// `#include(dir)`: path) or user_spec (users[], hosts[], runas, tags[] such as NOPASSWD,
// commands[]; several `host = ...` groups after ':' give one record each).  ECS user.name for
// a user principal, group.name for a %group.  `notable` names what an analyst looks for:
// NOPASSWD, a grant of ALL commands, a !authenticate default, a rule for a user other than
// root (the default groups %sudo, %wheel, %admin are not flagged for ALL).
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

enum class Type { kNone, kComment, kDefaults, kAlias, kInclude, kSpec };

// Splits on commas outside parentheses, trimming each part.
std::vector<std::string_view> split_list(std::string_view s) {
    std::vector<std::string_view> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i < s.size() && s[i] == '(') {
            ++depth;
        } else if (i < s.size() && s[i] == ')') {
            --depth;
        } else if (i == s.size() || (s[i] == ',' && depth == 0)) {
            const std::string_view part = trim(s.substr(start, i - start));
            if (!part.empty()) {
                out.push_back(part);
            }
            start = i + 1;
        }
    }
    return out;
}

bool name_chars(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c == '=' || c == '(' || c == ')' || c == '"' || c == '\'') {
            return false;
        }
    }
    return true;
}

// A host list: no ':' and spaces only after commas ("web01, web02").
bool host_list(std::string_view h) {
    for (size_t i = 0; i < h.size(); ++i) {
        if (h[i] == ':' ||
            ((h[i] == ' ' || h[i] == '\t') && i > 0 && h[i - 1] != ',' && h[i - 1] != ' ')) {
            return false;
        }
    }
    return true;
}

constexpr std::string_view kAliases[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias",
                                         "Cmd_Alias"};
Type classify(std::string_view t) {
    if (t.empty()) {
        return Type::kNone;
    }
    if (t.starts_with("#include") || t.starts_with("@include")) {
        return Type::kInclude;
    }
    if (t[0] == '#') {
        return Type::kComment;
    }
    if (t.starts_with("Defaults")) {
        const char c = t.size() > 8 ? t[8] : ' ';
        return c == ' ' || c == '\t' || c == ':' || c == '@' || c == '!' || c == '>'
                   ? Type::kDefaults
                   : Type::kNone;
    }
    for (std::string_view a : kAliases) {
        if (t.starts_with(a) && t.size() > a.size() &&
            (t[a.size()] == ' ' || t[a.size()] == '\t')) {
            return t.find('=') != std::string_view::npos ? Type::kAlias : Type::kNone;
        }
    }
    // users hosts = [(runas)] [TAG:] commands
    const size_t sp = t.find_first_of(" \t");
    const size_t eq = t.find('=');
    if (sp == std::string_view::npos || eq == std::string_view::npos || eq < sp) {
        return Type::kNone;
    }
    const std::string_view users = t.substr(0, sp);
    const std::string_view hosts = trim(t.substr(sp, eq - sp));
    const std::string_view rest = trim(t.substr(eq + 1));
    if (!name_chars(users) || !name_chars(hosts) || rest.empty()) {
        return Type::kNone;
    }
    // Hosts are one list ("ALL", "web01,web02"): spaces only after commas.
    for (size_t i = 0; i < hosts.size(); ++i) {
        if ((hosts[i] == ' ' || hosts[i] == '\t') && i > 0 && hosts[i - 1] != ',') {
            return Type::kNone;
        }
    }
    return Type::kSpec;
}

struct Survey {
    size_t defaults = 0, specs = 0, includes = 0, aliases = 0, comments = 0, other = 0;
    bool all = false;
};

// Logical lines: `\` at the end continues on the next line.
std::vector<std::pair<std::string_view, std::string>> logical_lines(
    const std::vector<std::string_view>& lines) {
    std::vector<std::pair<std::string_view, std::string>> out;
    bool cont = false;
    for (std::string_view line : lines) {
        std::string_view t = trim(line);
        const bool next = !t.empty() && t.back() == '\\';
        if (next) {
            t.remove_suffix(1);
        }
        if (cont && !out.empty()) {
            out.back().second.append(" ").append(trim(t));
        } else {
            out.emplace_back(line, std::string(trim(t)));
        }
        cont = next;
    }
    return out;
}

Survey survey(const std::vector<std::string_view>& lines) {
    Survey s;
    for (const auto& [first, t] : logical_lines(lines)) {
        switch (classify(t)) {
            case Type::kNone: s.other += t.empty() ? 0 : 1; break;
            case Type::kComment: ++s.comments; break;
            case Type::kDefaults: ++s.defaults; break;
            case Type::kAlias: ++s.aliases; break;
            case Type::kInclude: ++s.includes; break;
            case Type::kSpec:
                ++s.specs;
                s.all = s.all || t.find("ALL") != std::string::npos;
                break;
        }
    }
    return s;
}

void write_list(JsonWriter& w, std::string_view key, const std::vector<std::string_view>& v) {
    w.begin_array(key);
    for (auto x : v) {
        w.value_str(x);
    }
    w.end_array();
}

// One `hosts = (runas) TAG: cmds` group of a user spec.
void write_spec(JsonWriter& w,
                std::string_view users_s,
                std::string_view hosts_s,
                std::string_view rest) {
    const auto users = split_list(users_s);
    const auto spec = linux_cmd::split_sudo_commands(rest);
    const std::string_view runas = spec.runas;
    const std::vector<std::string_view>& tags = spec.tags;
    const auto commands = split_list(spec.commands);
    w.str("type", "user_spec");
    write_list(w, "users", users);
    write_list(w, "hosts", split_list(hosts_s));
    w.opt_str("runas", runas);
    if (!tags.empty()) {
        write_list(w, "tags", tags);
    }
    write_list(w, "commands", commands);
    std::vector<std::string_view> notable;
    bool nopasswd = false;
    for (auto t : tags) {
        nopasswd = nopasswd || t == "NOPASSWD";
    }
    if (nopasswd) {
        notable.push_back("NOPASSWD");
    }
    bool default_principal = true;
    for (auto u : users) {
        if (u != "root" && u != "%sudo" && u != "%wheel" && u != "%admin") {
            default_principal = false;
        }
    }
    for (auto c : commands) {
        if (c == "ALL" && !default_principal) {
            notable.push_back("ALL commands");
            break;
        }
    }
    if (!default_principal) {
        notable.push_back("non-default principal");
    }
    if (!notable.empty()) {
        write_list(w, "notable", notable);
    }
    w.end_object().end_object();
    for (auto u : users) {
        if (u.starts_with('%') && u.size() > 1) {
            w.begin_object("group").str("name", u.substr(1)).end_object();
            break;
        }
        if (u[0] != '+' && u[0] != '#' && u != "ALL" && u[0] != '!' &&
            !(u[0] >= 'A' && u[0] <= 'Z' &&
              u.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos)) {
            w.begin_object("user").str("name", u).end_object();
            break;
        }
    }
}

class SudoersParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.sudoers";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Survey s = survey(output_lines(whole_lines(probe)));
        const size_t entries = s.defaults + s.specs + s.includes + s.aliases;
        if (entries == 0 || s.other * 10 > entries) {
            return 0;
        }
        if (linux_cmd::name_hints(probe, "sudoers")) {
            return 92;
        }
        // Content alone: sudo's own words, not just `a b = c` lines.
        return (s.defaults > 0 || s.includes > 0 || s.aliases > 0) && s.specs > 0 && s.all &&
                       s.other == 0
                   ? 85
                   : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        Record r;
        for (const auto& [first, t] : logical_lines(lines)) {
            const Type type = classify(t);
            if (type == Type::kComment || t.empty()) {
                continue;
            }
            if (type == Type::kNone) {
                sink.emit(make_error_record(ln.of(first), true, "sudoers: line does not parse", t));
                continue;
            }
            // A named copy: clang 14 cannot capture a structured binding.
            const uint64_t position = ln.of(first);
            auto start = [&] {
                r.clear();
                r.dataset = "linux.sudoers";
                r.position = position;
            };
            if (type == Type::kSpec) {
                // "users host1 = cmds : host2 = cmds": one record per host group.
                const size_t sp = t.find_first_of(" \t");
                const std::string_view users = std::string_view(t).substr(0, sp);
                std::string_view rest = std::string_view(t).substr(sp);
                while (!rest.empty()) {
                    const size_t eq = rest.find('=');
                    if (eq == std::string_view::npos) {
                        break;
                    }
                    const std::string_view hosts = trim(rest.substr(0, eq));
                    std::string_view body = rest.substr(eq + 1);
                    // The next group starts at " : host =" (a ':' followed by a host list and
                    // '=' before any '(' or '/').
                    size_t next = std::string_view::npos;
                    for (size_t c = body.find(':'); c != std::string_view::npos;
                         c = body.find(':', c + 1)) {
                        const std::string_view after = body.substr(c + 1);
                        const size_t e = after.find('=');
                        const size_t stop = after.find_first_of("(/,");
                        if (e != std::string_view::npos &&
                            (stop == std::string_view::npos || e < stop)) {
                            const std::string_view h = trim(after.substr(0, e));
                            if (!h.empty() && !linux_cmd::is_sudo_tag(h) && name_chars(h) &&
                                host_list(h)) {
                                next = c;
                                break;
                            }
                        }
                    }
                    start();
                    JsonWriter w(r.body);
                    w.resume_object(false).begin_object("linux").begin_object("sudoers");
                    write_spec(w, users, hosts, body.substr(0, next));
                    sink.emit(r);
                    rest =
                        next == std::string_view::npos ? std::string_view{} : body.substr(next + 1);
                }
                continue;
            }
            start();
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("sudoers");
            const std::string_view tv = t;
            if (type == Type::kInclude) {
                const size_t sp = tv.find_first_of(" \t");
                w.str("type", "include");
                w.str("directive", tv.substr(0, sp));
                w.str("path", sp == std::string_view::npos ? "" : trim(tv.substr(sp)));
                w.end_object().end_object();
            } else if (type == Type::kDefaults) {
                size_t sp = tv.find_first_of(" \t");
                const std::string_view scope =
                    tv.substr(8, sp == std::string_view::npos ? std::string_view::npos : sp - 8);
                const auto settings = split_list(sp == std::string_view::npos ? "" : tv.substr(sp));
                w.str("type", "defaults").opt_str("scope", scope);
                write_list(w, "settings", settings);
                for (auto s : settings) {
                    if (s == "!authenticate") {
                        write_list(w, "notable", {"!authenticate"});
                        break;
                    }
                }
                w.end_object().end_object();
            } else {
                const size_t sp = tv.find_first_of(" \t");
                const size_t eq = tv.find('=');
                w.str("type", "alias").str("alias_type", tv.substr(0, sp));
                w.str("name", trim(tv.substr(sp, eq - sp)));
                write_list(w, "members", split_list(tv.substr(eq + 1)));
                w.end_object().end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "sudoers: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_sudoers_parser() {
    static const SudoersParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
