// libFuzzer target for every Linux command parser that fuzz_linux_a and fuzz_linux_b do not
// cover: the extended commands.  It walks the registry, so a parser added to the table is
// fuzzed here without editing this file.  Each input goes through detect() (under a name that
// hints at the parser, or a neutral one), infer_host(), gather_facts() and parse(), and every
// record must render as one JSON line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/linux_fuzz.hpp"

namespace {

using namespace evidenced::parsers;
using evidenced::fuzz::LinuxFile;

// Fuzzed by fuzz_linux_a / fuzz_linux_b.
constexpr std::string_view kElsewhere[] = {
    "ps",       "netstat", "ss",        "proc_exe", "lsof",   "last",  "lastlog",
    "w",        "who",     "sections",  "crontab",  "passwd", "group", "ip_addr",
    "ip_route", "arp",     "systemctl", "mount",    "df",     "uname", "hostname",
    "date",     "uptime",  "history",   "iptables", "lsmod",  "dpkg",  "ls"};

const std::vector<const Parser*>& extended() {
    static const std::vector<const Parser*> kList = [] {
        std::vector<const Parser*> out;
        for (const Parser* p : all()) {
            const std::string_view name = p->name();
            if (!name.starts_with("linux.")) {
                continue;
            }
            bool covered = false;
            for (std::string_view e : kElsewhere) {
                covered = covered || name.substr(6) == e;
            }
            if (!covered) {
                out.push_back(p);
            }
        }
        return out;
    }();
    return kList;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto& parsers = extended();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first byte picks the file name, so the name-hinted paths are explored too.
    const size_t pick = size > 0 ? data[0] % (parsers.size() + 1) : parsers.size();
    LinuxFile file(pick < parsers.size()
                       ? "live_response/" + std::string(parsers[pick]->name().substr(6)) + ".txt"
                       : "collection/output.txt",
                   text);
    for (const Parser* p : parsers) {
        file.exercise(*p);
    }
    return 0;
}
