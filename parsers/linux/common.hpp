// Shared helpers for the Linux command-output parsers (parsers/linux/*.cpp).
//
// Every command parser is its own Parser (dataset "linux.<command>", source
// "linux-commands") registered in parsers/registry.cpp.  detect() = file-name hint (weak)
// confirmed by a content signature (strong); content alone may also claim a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::parsers::linux_cmd {

// The canonical command a member's file name suggests: "ps", "netstat", "ss", "lsof",
// "proc_exe", "ls", "last", "lastlog", "w", "who", "crontab", "passwd", "group", "ip_addr",
// "ip_route", "arp", "systemctl", "mount", "df", "uname", "hostname", "date", "uptime",
// "history", "iptables", "lsmod", "dpkg"; "" when the name suggests none.  Understands UAC
// names (live_response/process/ps_auxwwwf.txt), Cat-Scale suffixes, and hand-saved forms
// (PsAuxf.txt, "netstat -nalp.txt", 27_netstat_nalp.log, ps-ef.out, case and separators).
std::string_view command_hint(std::string_view member_path);

// The command line a file's name or first prompt line shows ("ps auxf", "netstat -nalp"),
// lower-cased with separators turned into spaces; "" when unknown.  Lets a parser pick the
// variant (ps aux vs ps -ef) before looking at the header.
std::string command_line_hint(std::string_view member_path, std::string_view head);

// The lines of a command's output with what surrounds it removed: a trailing '\r', prompt
// lines (`user@host:~# ps auxf`, `$ ps auxf`, `[root@h ~]# ...`), script(1) "Script started/
// done" lines, and one banner line such as `===== ps auxf =====` or `# ps auxf` at the top.
// Empty lines are kept (some outputs use them as separators) but leading ones are dropped.
std::vector<std::string_view> output_lines(std::string_view text);

// Splits on runs of spaces/tabs.  With max_fields, the last field keeps the rest of the
// line verbatim (e.g. ps COMMAND).
std::vector<std::string_view> split_ws(std::string_view line, size_t max_fields = SIZE_MAX);

// Reads the whole input (outputs are small) up to `limit` bytes; sets *cut when longer.
std::string read_all(Input& in, size_t limit = 256u << 20, bool* cut = nullptr);

// Integer parse helpers: nullopt unless the whole view is a (signed) decimal integer.
std::optional<int64_t> to_int(std::string_view s);
std::optional<double> to_double(std::string_view s);  // accepts a decimal comma too

std::string_view trim(std::string_view s);

// Whether the probe's file name hints `command` (command_hint == command).
bool name_hints(const FileProbe& probe, std::string_view command);

}  // namespace evidenced::parsers::linux_cmd
