// The `(runas) TAG: TAG: commands` tail that sudoers user specs and `sudo -l` rules share.
#pragma once

#include <string_view>
#include <vector>

namespace evidenced::parsers::linux_cmd {

struct SudoCommands {
    std::string_view runas;              // inside the leading "(...)", trimmed; "" if none
    std::vector<std::string_view> tags;  // NOPASSWD, SETENV, ... in order
    std::string_view commands;           // the rest, trimmed (split by the caller's rules)
};

// Whether s is one of sudo's command tags (NOPASSWD, NOEXEC, LOG_INPUT, ...).
bool is_sudo_tag(std::string_view s);

// Splits `rest` (what follows "host =" or a `sudo -l` rule's indent).
SudoCommands split_sudo_commands(std::string_view rest);

}  // namespace evidenced::parsers::linux_cmd
