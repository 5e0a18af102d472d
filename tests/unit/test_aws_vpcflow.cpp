// aws.vpcflow: detection, host inference, format resolution (header, default v2, configured
// formats by field count), type checks that refuse to guess, ECS fields, Parquet refusal.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"
#include "tests/support/golden.hpp"

namespace {

using evidenced::parsers::FileProbe;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;

const evidenced::parsers::Parser& vpc() {
    return evidenced::parsers::aws_vpcflow_parser();
}

int detect(std::string_view content, std::string_view path = "x.log") {
    FileProbe p;
    p.path = path;
    p.head = content;
    p.size = content.size();
    return vpc().detect(p);
}

std::vector<nlohmann::json> parse(std::string_view s,
                                  const evidenced::settings::Settings* settings = nullptr) {
    class Sink final : public RecordSink {
    public:
        void emit(const Record& r) override {
            std::string line;
            evidenced::output::render_record(line, r, ctx);
            docs.push_back(nlohmann::json::parse(line));
        }
        evidenced::parsers::ParseContext ctx = evidenced::testing::golden_context("m", "vpcflow");
        std::vector<nlohmann::json> docs;
    } sink;
    if (settings != nullptr) {
        sink.ctx.settings = settings;
    }
    MemoryInput in(s);
    vpc().parse(in, sink.ctx, sink);
    return sink.docs;
}

const std::string kHeader =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start "
    "end action log-status\n";
const std::string kLine =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
    "1418530070 ACCEPT OK\n";

}  // namespace

TEST_CASE("vpcflow detect", "[aws][vpcflow]") {
    CHECK(detect(kHeader + kLine) >= 90);
    CHECK(detect(kHeader) >= 90);
    CHECK(detect(kLine + kLine) >= 80);
    CHECK(detect("2018-09-22T20:28:14.000Z " + kLine) >= 80);
    CHECK(
        detect("instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n- eni-1 10.0.1.5 "
               "10.0.0.220 10.0.1.5 203.0.113.5\n") >= 90);
    CHECK(detect(std::string("PAR1\0\0\x15", 7), "AWSLogs/1/vpcflowlogs/x.log.parquet") > 0);
    CHECK(detect("hello world\nthis is text\n") == 0);
    CHECK(detect("2 is a number and so on\n") == 0);
    CHECK(detect(R"({"Records":[]})") == 0);
    CHECK(detect("") == 0);
}

TEST_CASE("vpcflow detect: a file named a flow log with mostly damaged lines", "[aws][vpcflow]") {
    // One line in four fits: content alone does not claim it, the name does, so the three
    // damaged lines become evidenced.error records instead of text.lines.
    const std::string damaged =
        kLine + "2 1 eni-1 10.0.0.1 notanip 1 2 6 1 1 1 2 ACCEPT OK\n" + "a b c d e\n" + "x y\n";
    CHECK(detect(damaged) == 0);
    CHECK(detect(damaged,
                 "AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/01/"
                 "123456789010_vpcflowlogs_us-east-1_fl-1_20261101T0000Z_ab.log") > 0);
    CHECK(detect(damaged, "case-42/VPC-Flow-Logs.txt") > 0);
    CHECK(detect(damaged, "aws-service=vpcflowlogs/year=2026/part.log") > 0);
    // The name alone claims nothing.
    CHECK(detect("a b c d e\nx y\n", "flowlogs.txt") == 0);
    const auto docs = parse(damaged);
    REQUIRE(docs.size() == 4);
    CHECK(docs[0]["event"]["dataset"] == "aws.vpcflow");
    for (size_t i = 1; i < 4; ++i) {
        CHECK(docs[i]["event"]["dataset"] == "evidenced.error");
    }
}

TEST_CASE("vpcflow infer_host", "[aws][vpcflow]") {
    FileProbe p;
    const std::string head = kHeader + kLine;  // FileProbe::head is a view: keep it alive
    p.head = head;
    p.size = p.head.size();
    p.path = "AWSLogs/111122223333/vpcflowlogs/us-east-1/2023/07/10/x.log";
    CHECK(vpc().infer_host(p) == "aws-111122223333");
    p.path =
        "AWSLogs/aws-account-id=444455556666/aws-service=vpcflowlogs/aws-region=us-east-1/"
        "year=2023/month=07/day=10/x.log";
    CHECK(vpc().infer_host(p) == "aws-444455556666");
    p.path = "flows.log";
    CHECK(vpc().infer_host(p) == "aws-123456789010");
    p.head = "hello\n";
    CHECK_FALSE(vpc().infer_host(p).has_value());
}

TEST_CASE("vpcflow: ECS fields of a default-format line", "[aws][vpcflow]") {
    const auto docs = parse(kHeader + kLine);
    REQUIRE(docs.size() == 1);
    const auto& d = docs[0];
    CHECK(d["@timestamp"] == "2014-12-14T04:07:50.000Z");
    CHECK(d["event"]["start"] == "2014-12-14T04:06:50.000Z");
    CHECK(d["event"]["end"] == "2014-12-14T04:07:50.000Z");
    CHECK(d["event"]["outcome"] == "success");
    CHECK(d["event"]["action"] == "ACCEPT");
    CHECK(d["event"]["type"] == nlohmann::json({"connection"}));
    CHECK(d["source"]["ip"] == "172.31.16.139");
    CHECK(d["source"]["port"] == 20641);
    CHECK(d["source"]["bytes"] == 4249);
    CHECK(d["destination"]["port"] == 22);
    CHECK(d["network"]["transport"] == "tcp");
    CHECK(d["network"]["iana_number"] == "6");
    CHECK(d["network"]["type"] == "ipv4");
    CHECK(d["cloud"]["account"]["id"] == "123456789010");
    CHECK(d["aws"]["vpcflow"]["interface_id"] == "eni-1235b8ca123456789");
    CHECK(d["aws"]["vpcflow"]["log_status"] == "OK");
    CHECK(d["evidence"]["line"] == 2);
}

TEST_CASE("vpcflow: community id matches Elastic's", "[aws][vpcflow]") {
    using evidenced::parsers::aws::community_id;
    // Values from elastic/integrations vpcflow pipeline test expectations.
    CHECK(community_id("52.213.180.42", "10.0.0.62", 6, 43416, 5001) ==
          "1:HQ1oJYZ+9SJOoeju7badiLfvwls=");
    CHECK(community_id("2a02:cf40::", "1.128.0.0", 17, 42910, 80) ==
          "1:6Lxpa8XQj/6l+zLv/BSTAHZoSJ0=");
    CHECK(community_id("10.0.0.62", "52.213.180.42", 6, 5001, 43416) ==
          "1:HQ1oJYZ+9SJOoeju7badiLfvwls=");
    CHECK_FALSE(community_id("x", "10.0.0.1", 6, 1, 2));
}

TEST_CASE("vpcflow: formats without a header come from vpcflow.formats by field count",
          "[aws][vpcflow]") {
    evidenced::settings::Settings s = evidenced::settings::defaults();
    s.vpcflow_formats = evidenced::parsers::aws::elastic_vpcflow_formats();
    const std::string v5 =
        "5 123456789012 eni-1235b8ca123456789 10.0.0.71 52.95.128.179 34210 80 6 7 471 1616729292 "
        "1616729349 ACCEPT OK vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b 3 "
        "IPv4 10.0.0.71 52.95.128.179 ap-southeast-2 apse2-az3 - - - S3 egress 8\n";
    auto docs = parse(v5, &s);
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["event"]["dataset"] == "aws.vpcflow");
    CHECK(docs[0]["aws"]["vpcflow"]["traffic_path"] == "8");
    CHECK(docs[0]["aws"]["vpcflow"]["tcp_flags_array"] == nlohmann::json({"fin", "syn"}));
    CHECK(docs[0]["cloud"]["region"] == "ap-southeast-2");
    CHECK(docs[0]["cloud"]["instance"]["id"] == "i-0c50d5961bcb2d47b");
    CHECK(docs[0]["network"]["direction"] == "egress");

    // Same count, values in another order: refused, not guessed.
    std::string swapped = v5;
    swapped.replace(
        swapped.find("vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b"), 65,
        "i-0c50d5961bcb2d47b subnet-aaaaaaaa012345678 vpc-abcdefab012345678");
    docs = parse(swapped, &s);
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["event"]["dataset"] == "evidenced.error");

    // No formats configured: only the 14-field default is known.
    s.vpcflow_formats.clear();
    docs = parse(v5 + kLine, &s);
    REQUIRE(docs.size() == 2);
    CHECK(docs[0]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[1]["event"]["dataset"] == "aws.vpcflow");
}

TEST_CASE("vpcflow: errors and status rows", "[aws][vpcflow]") {
    auto docs =
        parse(kHeader + "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n" +
              "2 123456789010 eni-1 10.0.0.1 10.0.0.2 99999 22 6 1 1 1 2 ACCEPT OK\n" +
              "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 1 1 ACCEPT OK\n" + kLine);
    REQUIRE(docs.size() == 4);
    CHECK(docs[0]["event"]["dataset"] == "aws.vpcflow");
    CHECK(docs[0]["aws"]["vpcflow"]["log_status"] == "NODATA");
    CHECK_FALSE(docs[0].contains("source"));
    CHECK_FALSE(docs[0]["event"].contains("outcome"));
    CHECK(docs[1]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[1]["evidence"]["line"] == 3);
    CHECK(docs[2]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[3]["event"]["dataset"] == "aws.vpcflow");

    docs = parse(std::string("PAR1\0\x15\x04\n\x15", 9));
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[0]["error"]["message"].get<std::string>().find("unsupported format: Parquet") !=
          std::string::npos);
}
