// Golden files for the AWS parsers: every tests/golden/aws/<case>.<ext> is detected (the
// parser must be the one its prefix names: ct- = aws.cloudtrail, vpc- = aws.vpcflow), parsed
// and compared with <case>.expected.jsonl.  Inputs come from tests/fixtures/aws (ORIGINS.md;
// derive.py re-creates the derived ones).  EVIDENCED_UPDATE_GOLDEN=1 rewrites the expected files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/aws/cloudtrail.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/parser.hpp"
#include "tests/support/golden.hpp"

namespace {

namespace fs = std::filesystem;
using evidenced::parsers::FileProbe;
using evidenced::parsers::Parser;

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<fs::path> golden_inputs() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(EVIDENCED_GOLDEN) / "aws")) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && !name.ends_with(".expected.jsonl")) {
            out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("aws golden files", "[golden][aws]") {
    const Parser& ct = evidenced::parsers::aws_cloudtrail_parser();
    const Parser& vpc = evidenced::parsers::aws_vpcflow_parser();
    const auto inputs = golden_inputs();
    REQUIRE(inputs.size() >= 30);
    for (const auto& input : inputs) {
        const std::string name = input.filename().string();
        INFO("case " << name);
        const std::string content = slurp(input);
        FileProbe probe;
        probe.path = name;
        probe.head = std::string_view(content).substr(0, evidenced::parsers::kProbeBytes);
        probe.size = content.size();
        const int c_ct = ct.detect(probe);
        const int c_vpc = vpc.detect(probe);
        const Parser& want = name.starts_with("ct-") ? ct : vpc;
        const Parser& other = name.starts_with("ct-") ? vpc : ct;
        const int want_c = &want == &ct ? c_ct : c_vpc;
        const int other_c = &want == &ct ? c_vpc : c_ct;
        CHECK(want_c > 0);
        CHECK(want_c > other_c);
        (void)other;
        const std::string actual =
            evidenced::testing::render_file(want, input.string(), want.source());
        std::string expected_path = input.string();
        expected_path =
            expected_path.substr(0, expected_path.find_last_of('.')) + ".expected.jsonl";
        const std::string diff = evidenced::testing::check_golden(actual, expected_path);
        CHECK(diff == "");
    }
}
