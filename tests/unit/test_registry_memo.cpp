// choose() memoises what detectors derive from one probe (output lines, the command hint of
// the path).  The memo must change nothing: every golden input, under its own name and under
// a UAC-style and a neutral name, gets the same parser and confidence as asking every
// detector afresh outside choose(), and the memo is gone once choose() returns.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"

namespace fs = std::filesystem;
using evidenced::parsers::Choice;
using evidenced::parsers::FileProbe;
using evidenced::parsers::Parser;

namespace {

// choose() without the memo: the same 16 KiB view for command detectors, the same ties.
Choice choose_afresh(const FileProbe& probe) {
    FileProbe short_probe = probe;
    short_probe.head = probe.head.substr(0, 16 * 1024);
    Choice best;
    for (const Parser* p : evidenced::parsers::all()) {
        const bool short_view = p->source() == "linux-commands" && p->name() != "linux.sections";
        const int c = p->detect(short_view ? short_probe : probe);
        if (c > best.confidence) {
            best = {p, c};
        }
    }
    return best;
}

}  // namespace

TEST_CASE("registry: the probe memo changes no detection", "[registry][detect]") {
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(EVIDENCED_GOLDEN)) {
        if (!e.is_regular_file() || e.path().string().ends_with(".expected.jsonl")) {
            continue;
        }
        const std::string text = evidenced::testing::slurp(e.path().string());
        const std::string head = text.substr(0, evidenced::parsers::kProbeBytes);
        const std::string name = e.path().filename().string();
        for (const std::string& path :
             {name, "uac-h-linux-20261127000000/live_response/system/" + name,
              std::string("upload/renamed.bin")}) {
            FileProbe probe;
            probe.path = path;
            probe.head = head;
            probe.size = text.size();
            const Choice memo = evidenced::parsers::choose(probe);
            const Choice fresh = choose_afresh(probe);
            INFO(e.path().string() << " as " << path);
            CHECK(memo.parser == fresh.parser);
            CHECK(memo.confidence == fresh.confidence);
            CHECK(evidenced::parsers::probe_memo() == nullptr);
        }
        ++files;
    }
    CHECK(files > 200);
}
