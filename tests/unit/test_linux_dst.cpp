// Daylight saving: year-less host times are read with the offset of their own season, not
// the one `date` printed at collection time (CEST in July reads a January login as CET).
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "parsers/input.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"
#include "tests/support/golden.hpp"

namespace lc = evidenced::parsers::linux_cmd;
using evidenced::parsers::FileProbe;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::UploadFacts;

namespace {

// The facts the `date` parser gathers from one output line.
UploadFacts facts_from_date(const std::string& line) {
    const auto* p = evidenced::parsers::find("linux.date");
    REQUIRE(p != nullptr);
    const std::string text = line + "\n";
    FileProbe probe{"live_response/system/date.txt", text, text.size()};
    UploadFacts facts;
    MemoryInput in(text);
    p->gather_facts(probe, in, facts);
    return facts;
}

lc::TimeAnchor anchor(const UploadFacts& facts) {
    evidenced::parsers::ParseContext ctx;
    ctx.facts = &facts;
    return lc::time_anchor(ctx);
}

int64_t utc(int y, int mo, int d, int h, int mi) {
    return lc::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
           h * 3600 + mi * 60;
}

}  // namespace

TEST_CASE("dst: a CEST collection reads winter wall times as CET", "[linux][dst]") {
    const UploadFacts f = facts_from_date("Tue Jul 13 15:59:12 CEST 2021");
    REQUIRE(f.at(std::string(lc::kFactZone)) == "CEST");
    const lc::TimeAnchor a = anchor(f);
    CHECK(a.dst == lc::DstRule::kEu);
    CHECK(a.std_offset == 3600);
    CHECK(lc::wall_to_utc(a, 2021, 7, 1, 12, 0, 0) == utc(2021, 7, 1, 10, 0));    // +02:00
    CHECK(lc::wall_to_utc(a, 2021, 1, 15, 12, 0, 0) == utc(2021, 1, 15, 11, 0));  // +01:00
    // The switch: last Sunday of March (28th in 2021) at 01:00 UTC.
    CHECK(lc::wall_to_utc(a, 2021, 3, 28, 1, 30, 0) == utc(2021, 3, 28, 0, 30));
    CHECK(lc::wall_to_utc(a, 2021, 3, 28, 4, 0, 0) == utc(2021, 3, 28, 2, 0));
    CHECK(lc::wall_to_utc(a, 2021, 10, 31, 4, 0, 0) == utc(2021, 10, 31, 3, 0));
}

TEST_CASE("dst: an EST collection reads summer wall times as EDT", "[linux][dst]") {
    const lc::TimeAnchor a = anchor(facts_from_date("Mon Jan 15 09:00:00 EST 2024"));
    CHECK(a.dst == lc::DstRule::kUs);
    CHECK(a.std_offset == -5 * 3600);
    CHECK(lc::wall_to_utc(a, 2024, 1, 10, 12, 0, 0) == utc(2024, 1, 10, 17, 0));
    CHECK(lc::wall_to_utc(a, 2024, 7, 4, 12, 0, 0) == utc(2024, 7, 4, 16, 0));
    // Second Sunday of March 2024 is the 10th; first Sunday of November the 3rd.
    CHECK(lc::wall_to_utc(a, 2024, 3, 10, 1, 0, 0) == utc(2024, 3, 10, 6, 0));
    CHECK(lc::wall_to_utc(a, 2024, 3, 10, 3, 0, 0) == utc(2024, 3, 10, 7, 0));
    CHECK(lc::wall_to_utc(a, 2024, 11, 3, 3, 0, 0) == utc(2024, 11, 3, 8, 0));
}

TEST_CASE("dst: UTC, numeric offsets and unknown zones keep the one offset", "[linux][dst]") {
    CHECK(anchor(facts_from_date("Tue Jul 13 15:59:12 UTC 2021")).dst == lc::DstRule::kNone);
    const lc::TimeAnchor a = anchor(facts_from_date("2021-07-13T15:59:12+02:00"));
    CHECK(a.dst == lc::DstRule::kNone);
    CHECK(lc::wall_to_utc(a, 2021, 1, 15, 12, 0, 0) == utc(2021, 1, 15, 10, 0));
    CHECK(anchor(facts_from_date("Tue Jul 13 15:59:12 GMT 2021")).dst == lc::DstRule::kNone);
}

TEST_CASE("dst: last reads a January login in a CEST collection as CET", "[linux][dst]") {
    const UploadFacts f = facts_from_date("Tue Jul 13 15:59:12 CEST 2021");
    const std::string text =
        "root     pts/0        10.0.0.9         Tue Jul 13 09:00   still logged in\n"
        "root     pts/0        10.0.0.9         Fri Jan 15 12:00 - 12:30  (00:30)\n"
        "\nwtmp begins Fri Jan  1 00:00:01 2021\n";
    const auto* p = evidenced::parsers::find("linux.last");
    REQUIRE(p != nullptr);
    evidenced::parsers::ParseContext ctx = evidenced::testing::golden_context("last", "x");
    ctx.facts = &f;
    struct Sink final : evidenced::parsers::RecordSink {
        const evidenced::parsers::ParseContext* ctx;
        std::vector<nlohmann::json> docs;
        void emit(const evidenced::parsers::Record& r) override {
            std::string line;
            evidenced::output::render_record(line, r, *ctx);
            docs.push_back(nlohmann::json::parse(line));
        }
    } sink;
    sink.ctx = &ctx;
    MemoryInput in(text);
    p->parse(in, ctx, sink);
    REQUIRE(sink.docs.size() == 2);
    CHECK(sink.docs[0]["@timestamp"] == "2021-07-13T07:00:00.000Z");  // CEST
    CHECK(sink.docs[1]["@timestamp"] == "2021-01-15T11:00:00.000Z");  // CET
}
