#include "parsers/linux/sudo_spec.hpp"

#include "parsers/linux/common.hpp"

namespace evidenced::parsers::linux_cmd {

namespace {

constexpr std::string_view kTags[] = {"NOPASSWD",   "PASSWD",       "NOEXEC",    "EXEC",
                                      "SETENV",     "NOSETENV",     "LOG_INPUT", "NOLOG_INPUT",
                                      "LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL",      "NOMAIL",
                                      "FOLLOW",     "NOFOLLOW",     "INTERCEPT", "NOINTERCEPT"};

}  // namespace

bool is_sudo_tag(std::string_view s) {
    for (std::string_view t : kTags) {
        if (s == t) {
            return true;
        }
    }
    return false;
}

SudoCommands split_sudo_commands(std::string_view rest) {
    SudoCommands out;
    rest = trim(rest);
    if (!rest.empty() && rest[0] == '(') {
        const size_t close = rest.find(')');
        if (close != std::string_view::npos) {
            out.runas = trim(rest.substr(1, close - 1));
            rest = trim(rest.substr(close + 1));
        }
    }
    for (;;) {
        const size_t colon = rest.find(':');
        if (colon == std::string_view::npos || !is_sudo_tag(trim(rest.substr(0, colon)))) {
            break;
        }
        out.tags.push_back(trim(rest.substr(0, colon)));
        rest = trim(rest.substr(colon + 1));
    }
    out.commands = rest;
    return out;
}

}  // namespace evidenced::parsers::linux_cmd
