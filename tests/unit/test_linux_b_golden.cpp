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

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCommands = {
    "crontab", "passwd",   "group", "ip_addr", "ip_route", "arp",      "systemctl", "mount", "df",
    "uname",   "hostname", "date",  "uptime",  "history",  "iptables", "lsmod",     "dpkg"};

using evidenced::testing::linux_golden_inputs;
using evidenced::testing::slurp;

}  // namespace

TEST_CASE("linux B golden files render as expected", "[golden][linux]") {
    size_t files = 0;
    for (const auto& command : kCommands) {
        const auto* parser = evidenced::parsers::find("linux." + command);
        REQUIRE(parser != nullptr);
        for (const auto& in : linux_golden_inputs(command)) {
            ++files;
            INFO(in);
            const std::string actual =
                evidenced::testing::render_file(*parser, in, "linux-commands");
            CHECK(evidenced::testing::check_golden(
                      actual, evidenced::testing::expected_path_for(in)) == "");
        }
    }
    CHECK(files >= 60);
}

TEST_CASE("linux B golden files are recognised by name and content", "[golden][linux]") {
    for (const auto& command : kCommands) {
        for (const auto& in : linux_golden_inputs(command)) {
            const std::string text = slurp(in);
            // The way a collection would hold it: a hand-saved name in a folder.
            const std::string path = "triage/" + fs::path(in).filename().string();
            evidenced::parsers::FileProbe probe;
            probe.path = path;
            probe.head = std::string_view(text).substr(0, evidenced::parsers::kProbeBytes);
            probe.size = text.size();
            const auto choice = evidenced::parsers::choose(probe);
            INFO(in);
            REQUIRE(choice.parser != nullptr);
            CHECK(choice.parser->name() == "linux." + command);
        }
    }
}
