// Golden files for the "Linux B" command parsers: every tests/golden/linux/<command>/*.out is
// rendered with linux.<command> and compared with its .expected.jsonl; the registry must also
// pick that parser for the file (name hint + content).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCommands = {
    "crontab", "passwd",   "group", "ip_addr", "ip_route", "arp",      "systemctl", "mount", "df",
    "uname",   "hostname", "date",  "uptime",  "history",  "iptables", "lsmod",     "dpkg"};

using evidenced::testing::linux_golden_inputs;
using evidenced::testing::slurp;

}  // namespace

TEST_CASE("linux B golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands) >= 60);
}

TEST_CASE("linux B golden files are recognised by name and content", "[golden][linux]") {
    // The way a collection would hold them: hand-saved names in a folder.
    evidenced::testing::check_linux_recognised(kCommands);
}
