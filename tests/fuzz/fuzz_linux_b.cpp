// libFuzzer target for the "Linux B" command parsers: every input goes through detect()
// (with a few hinting file names), infer_host(), gather_facts() and parse() of each parser,
// and every record must render as one JSON line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/linux_fuzz.hpp"

namespace {

using evidenced::fuzz::LinuxFile;

constexpr std::string_view kCommands[] = {
    "crontab", "passwd",   "group", "ip_addr", "ip_route", "arp",      "systemctl", "mount", "df",
    "uname",   "hostname", "date",  "uptime",  "history",  "iptables", "lsmod",     "dpkg",  "ls"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first byte picks the file name, so the name-hinted paths are explored too.
    const size_t pick = size > 0 ? data[0] % (std::size(kCommands) + 1) : 0;
    LinuxFile file(pick < std::size(kCommands)
                       ? "live_response/" + std::string(kCommands[pick]) + ".txt"
                       : "var/spool/cron/crontabs/root",
                   text);
    for (std::string_view c : kCommands) {
        file.exercise(LinuxFile::command(c));
    }
    return 0;
}
