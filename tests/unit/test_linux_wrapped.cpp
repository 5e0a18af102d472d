// Hand-saved copies hard-wrapped by a narrow terminal (screen copies, tickets, tmux
// capture-pane without -J): the rows of `ss -tanp` and `netstat -anp` cut at 80 columns must
// give the same sockets, owners and program names as the unwrapped output -- the process
// name with spaces is exactly what falls onto the second line.  Inputs: the own Debian 12
// captures of tests/fixtures/linux/own/ (README there), wrapped here.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/collect.hpp"

using evidenced::testing::bodies_of;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;
using nlohmann::json;

namespace {

const std::string kOwn = std::string(EVIDENCED_FIXTURES) + "/linux/own/";

// Cuts every line into pieces of `width` bytes, as a terminal copy does.
std::string hard_wrap(const std::string& text, size_t width) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string_view line(text.data() + start, end - start);
        while (line.size() > width) {
            out.append(line.substr(0, width)).push_back('\n');
            line.remove_prefix(width);
        }
        out.append(line).push_back('\n');
        start = end + 1;
    }
    return out;
}

std::vector<json> parsed(std::string_view parser, const std::string& text, std::string_view name) {
    const auto rs = run_parser(parser, text, name, nullptr, "2026-11-27T19:00:00.000Z");
    for (const auto& r : rs) {
        INFO(r.body.dump());
        CHECK(r.dataset != "evidenced.error");
    }
    return bodies_of(rs, parser);
}

}  // namespace

TEST_CASE("linux wrapped: ss -tanp cut at 80 columns keeps its owners", "[linux][wrapped]") {
    const std::string text = slurp(kOwn + "ss_-tanp.txt");
    const std::string wrapped = hard_wrap(text, 80);
    REQUIRE(wrapped.size() > text.size());  // the rows really were cut
    const auto want = parsed("linux.ss", text, "ss_-tanp.txt");
    const auto got = parsed("linux.ss", wrapped, "ss_-tanp.txt");
    REQUIRE(want.size() >= 4);
    REQUIRE(got.size() == want.size());
    size_t evil = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        CHECK(got[i]["linux"]["ss"]["users"] == want[i]["linux"]["ss"]["users"]);
        CHECK(got[i]["process"] == want[i]["process"]);
        CHECK(got[i]["source"] == want[i]["source"]);
        evil += got[i]["process"].value("name", "") == "evil proc x" ? 1 : 0;
    }
    CHECK(evil >= 2);
}

TEST_CASE("linux wrapped: netstat -anp cut at 80 columns keeps pid and program",
          "[linux][wrapped]") {
    const std::string text = slurp(kOwn + "netstat_-antup.txt");
    const std::string wrapped = hard_wrap(text, 80);
    REQUIRE(wrapped.size() > text.size());
    const auto want = parsed("linux.netstat", text, "netstat_-antup.txt");
    const auto got = parsed("linux.netstat", wrapped, "netstat_-antup.txt");
    REQUIRE(want.size() >= 4);
    REQUIRE(got.size() == want.size());
    size_t evil = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        CHECK(got[i]["linux"]["netstat"] == want[i]["linux"]["netstat"]);
        evil += got[i]["linux"]["netstat"].value("program_name", "") == "evil proc x" ? 1 : 0;
    }
    CHECK(evil >= 2);
}

TEST_CASE("linux wrapped: ps, lsof and /proc/*/exe listings cut at 80 and 100 columns",
          "[linux][wrapped]") {
    // Same records as the unwrapped output, field for field: the command lines, NAMEs and
    // link targets ("(deleted)" included) that fell onto the next lines are joined back, and
    // no tail becomes a process of its own.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"linux.ps", "ps_aux.txt"},
        {"linux.ps", "ps_-ef.txt"},
        {"linux.ps", "ps_auxwwwf.txt"},
        {"linux.ps", "ps_-efl.txt"},
        {"linux.lsof", "lsof_-nP.txt"},
        {"linux.lsof", "lsof_-nPl.txt"},
        {"linux.proc_exe", "ls_-la_proc_exe.txt"},
        {"linux.ss", "ss_-anp.txt"},
        {"linux.netstat", "netstat_-nalp.txt"},
    };
    for (const auto& [parser, name] : cases) {
        for (const size_t width : {80u, 100u}) {
            INFO(name << " at " << width);
            const std::string text = slurp(kOwn + name);
            const std::string wrapped = hard_wrap(text, width);
            const auto want = parsed(parser, text, name);
            const auto got = parsed(parser, wrapped, name);
            CHECK(!want.empty());
            CHECK(got == want);
        }
    }
}

TEST_CASE("linux wrapped: the deleted implant's exe link survives a wrap", "[linux][wrapped]") {
    const std::string text = slurp(kOwn + "ls_-la_proc_exe.txt");
    REQUIRE(text.find("(deleted)") != std::string::npos);
    const auto got = parsed("linux.proc_exe", hard_wrap(text, 70), "ls_-la_proc_exe.txt");
    size_t deleted = 0;
    for (const auto& b : got) {
        deleted += b["linux"]["proc_exe"].value("deleted", false) ? 1 : 0;
    }
    CHECK(deleted >= 1);
}

TEST_CASE("linux wrapped: unwrapped tables are left as they are", "[linux][wrapped]") {
    // netstat pads PID/Program name, so many rows share the longest length; with no wrapped
    // header nothing is joined, and each row stays one record.
    for (const char* name : {"netstat_-nalp.txt", "netstat_-tulpn.txt", "netstat_-antup.txt"}) {
        INFO(name);
        const std::string text = slurp(kOwn + name);
        size_t rows = 0;
        for (size_t p = 0; (p = text.find('\n', p)) != std::string::npos; ++p) {
            const std::string_view rest(text.data() + p + 1, text.size() - p - 1);
            rows += rest.starts_with("tcp") || rest.starts_with("udp") ? 1 : 0;
        }
        const auto inet = parsed("linux.netstat", text, name);
        size_t got = 0;
        for (const auto& b : inet) {
            got += b["linux"]["netstat"].value("kind", "") == "network" ? 1 : 0;
        }
        CHECK(got == rows);
    }
}
