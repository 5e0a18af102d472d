// aws.cloudtrail: detection of every delivery shape, host inference from S3 key layouts,
// framing across read boundaries, streaming of large Records documents, error records.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "parsers/aws/aws_common.hpp"
#include "parsers/aws/cloudtrail.hpp"
#include "parsers/input.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/inputs.hpp"

namespace {

using evidenced::parsers::FileProbe;
using evidenced::parsers::Input;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;

const evidenced::parsers::Parser& ct() {
    return evidenced::parsers::aws_cloudtrail_parser();
}

int detect(std::string_view content, std::string_view path = "x.json") {
    FileProbe p;
    p.path = path;
    p.head = content.substr(0, evidenced::parsers::kProbeBytes);
    p.size = content.size();
    return ct().detect(p);
}

// Renders every record through the envelope and keeps the parsed lines.
class JsonSink final : public RecordSink {
public:
    void emit(const Record& r) override {
        std::string line;
        const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
        evidenced::output::render_record(line, r, ctx);
        docs.push_back(nlohmann::json::parse(line));
    }
    std::vector<nlohmann::json> docs;
};

using evidenced::testing::GeneratedInput;
using evidenced::testing::TrickleInput;

// {"Records":[ev,ev,...]} of `count` events, generated on the fly, never held whole.
GeneratedInput generated_records(size_t count) {
    return GeneratedInput(
        "{\"Records\":[",
        [](size_t index) {
            const std::string i = std::to_string(index + 1);
            return R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accountId":"123456789012","userName":"u)" +
                   i +
                   R"("},"eventTime":"2023-07-10T11:47:39Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.1","requestParameters":{"bucketName":"b","key":"k \" \\ ]}"},"responseElements":null,"eventID":"id-)" +
                   i + R"(","recipientAccountId":"123456789012"})";
        },
        ",", "]}", count);
}

std::vector<nlohmann::json> parse_all(Input& in) {
    JsonSink sink;
    const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
    ct().parse(in, ctx, sink);
    return sink.docs;
}

std::vector<nlohmann::json> parse_str(std::string_view s) {
    MemoryInput in(s);
    return parse_all(in);
}

const std::string kEvent =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accountId":"123837392027","userName":"benjamin"},"eventTime":"2023-07-10T11:47:39Z","eventSource":"health.amazonaws.com","eventName":"DescribeEventAggregates","awsRegion":"us-east-1","sourceIPAddress":"10.248.16.43","requestParameters":null,"eventID":"e1","recipientAccountId":"123837392027"})";

}  // namespace

TEST_CASE("cloudtrail detect: every shape by content", "[aws][cloudtrail]") {
    CHECK(detect(R"({"Records":[)" + kEvent + "]}") >= 90);
    CHECK(detect(R"({"Records":[]})") >= 90);
    CHECK(detect("[\n  " + kEvent + "\n]") >= 90);
    CHECK(detect(kEvent + "\n" + kEvent + "\n") >= 90);
    CHECK(detect(kEvent + kEvent) >= 90);
    CHECK(detect(
              R"({"Events":[{"EventId":"e1","CloudTrailEvent":"{\"eventVersion\":\"1.08\"}"}]})") >=
          90);
    CHECK(detect("2023-07-10T11:47:39.000Z " + kEvent + "\n") >= 90);
    CHECK(
        detect(
            R"({"events":[{"timestamp":1,"message":"{\"eventVersion\":\"1.08\",\"eventName\":\"X\"}"}]})") >=
        90);
    CHECK(
        detect(
            R"({"messageType":"DATA_MESSAGE","owner":"1","logEvents":[{"id":"1","message":"{\"eventVersion\":\"1.08\"}"}]})") >=
        90);
    CHECK(
        detect(
            R"({"awsAccountId":"111122223333","digestStartTime":"2015-08-20T17:01:31Z","digestEndTime":"2015-08-20T18:01:31Z","digestS3Object":"x","logFiles":[]})") >=
        90);
    // Not CloudTrail: other JSON, text, VPC flow lines, an extension alone.
    CHECK(detect(R"({"hello":"world"})") == 0);
    CHECK(detect("[1,2,3]") == 0);
    CHECK(detect("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n") == 0);
    CHECK(detect("plain text\n", "AWSLogs/123456789012/CloudTrail/us-east-1/x.json") == 0);
    CHECK(detect("") == 0);
}

TEST_CASE("cloudtrail infer_host: S3, organisation and Hive layouts, then the records",
          "[aws][cloudtrail]") {
    FileProbe p;
    p.head = kEvent;
    p.path = "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2023/07/10/x.json";
    CHECK(ct().infer_host(p) == "aws-111122223333");
    p.path = "AWSLogs/o-abc123def4/444455556666/CloudTrail/eu-west-1/2023/07/10/x.json";
    CHECK(ct().infer_host(p) == "aws-444455556666");
    p.path = "pfx/AWSLogs/aws-account-id=777788889999/aws-service=cloudtrail/x.json";
    CHECK(ct().infer_host(p) == "aws-777788889999");
    p.path = "dump/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json";
    CHECK(ct().infer_host(p) == "aws-218007301253");
    p.path = "upload/trail.json";  // no layout: the first record's recipientAccountId
    CHECK(ct().infer_host(p) == "aws-123837392027");
    p.head =
        R"({"Events":[{"CloudTrailEvent":"{\"userIdentity\":{\"accountId\":\"012345678901\"}}"}]})";
    CHECK(ct().infer_host(p) == "aws-012345678901");
    p.head = R"({"hello":1})";
    CHECK_FALSE(ct().infer_host(p).has_value());
    CHECK(evidenced::parsers::aws::account_from_path("AWSLogs/12345/CloudTrail/x") == std::nullopt);
}

TEST_CASE("cloudtrail frames values across any read boundary", "[aws][cloudtrail]") {
    const std::string doc = "\xEF\xBB\xBF  {\"Records\" : [ " + kEvent + " ,\n" + kEvent +
                            "], \"x\":{\"a\":\"]}\"} }\n" + kEvent + "\n";
    TrickleInput in(doc, 13);
    const auto docs = parse_all(in);
    REQUIRE(docs.size() == 3);
    for (const auto& d : docs) {
        CHECK(d["event"]["dataset"] == "aws.cloudtrail");
        CHECK(d["aws"]["cloudtrail"] == nlohmann::json::parse(kEvent));
        CHECK(d["@timestamp"] == "2023-07-10T11:47:39.000Z");
    }
    CHECK(docs[0]["evidence"]["record"] == 1);
    CHECK(docs[1]["evidence"]["record"] == 2);
    CHECK(docs[2]["evidence"]["line"] == 3);
}

TEST_CASE("cloudtrail streams a large Records document element by element", "[aws][cloudtrail]") {
    constexpr size_t kCount = 20000;
    GeneratedInput in = generated_records(kCount);
    size_t n = 0;
    size_t last_index = 0;
    bool ok = true;
    class CountSink final : public RecordSink {
    public:
        CountSink(size_t& n, size_t& last, bool& ok) : n_(n), last_(last), ok_(ok) {}
        void emit(const Record& r) override {
            ++n_;
            ok_ = ok_ && r.dataset == "aws.cloudtrail" && !r.by_line && r.position == last_ + 1 &&
                  r.id == "id-" + std::to_string(r.position);
            last_ = r.position;
        }
        size_t& n_;
        size_t& last_;
        bool& ok_;
    } sink(n, last_index, ok);
    const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
    ct().parse(in, ctx, sink);
    CHECK(n == kCount);
    CHECK(ok);
}

TEST_CASE("cloudtrail: broken input gives error records and parsing goes on", "[aws][cloudtrail]") {
    const auto docs = parse_str("{\"Records\":[" + kEvent + ",{\"eventVersion\":1,]}," + kEvent +
                                ",42,{\"a\":1}," + kEvent.substr(0, 40));
    REQUIRE(docs.size() == 6);
    CHECK(docs[0]["event"]["dataset"] == "aws.cloudtrail");
    CHECK(docs[1]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[1]["evidence"]["record"] == 2);
    CHECK(docs[1]["error"]["message"].get<std::string>().starts_with("invalid JSON"));
    CHECK(docs[2]["event"]["dataset"] == "aws.cloudtrail");
    CHECK(docs[3]["event"]["dataset"] == "evidenced.error");  // 42: not an object
    CHECK(docs[4]["event"]["dataset"] == "evidenced.error");  // not a CloudTrail event
    CHECK(docs[5]["event"]["dataset"] == "evidenced.error");  // truncated
    CHECK(docs[5]["error"]["message"].get<std::string>().find("truncated") != std::string::npos);

    const auto lines = parse_str(kEvent + "\nnot json at all\n\n" + kEvent + "\n");
    REQUIRE(lines.size() == 3);
    CHECK(lines[1]["event"]["dataset"] == "evidenced.error");
    CHECK(lines[1]["evidence"]["line"] == 2);
    CHECK(lines[2]["evidence"]["line"] == 4);
    // A truncated pretty-printed array: one error for the cut, one for the leftover lines.
    const auto cut = parse_str(
        "[\n  {\n    \"eventVersion\": \"1.08\",\n    \"eventName\": \"a\"\n  },\n"
        "  {\n    \"eventVersion\": \"1.08\",\n    \"userIdentity\": {\n"
        "      \"type\": \"IAMUser\"\n");
    REQUIRE(cut.size() == 3);
    CHECK(cut[0]["event"]["dataset"] == "aws.cloudtrail");
    CHECK(cut[1]["error"]["message"] == "file ends inside a JSON value (truncated?)");
    CHECK(cut[2]["error"]["message"] == "3 lines skipped: they continue a damaged JSON document");
    CHECK(parse_str("").empty());
    CHECK(parse_str("{\"Records\":[]}").empty());
}

TEST_CASE("cloudtrail: Elastic's ECS fields", "[aws][cloudtrail]") {
    SECTION("assumed role: role as user.name, session in related.user, e-mail") {
        const auto d = parse_str(
            R"({"eventVersion":"1.05","userIdentity":{"type":"AssumedRole","principalId":"AROAIN5ATK5U7KEXAMPLE:first.last@example.com","arn":"arn:aws:sts::111111111111:assumed-role/SSO_Audit/first.last@example.com","accountId":"111111111111","sessionContext":{"sessionIssuer":{"type":"Role","userName":"SSO_Audit"}}},"eventTime":"2019-10-02T22:12:29Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-2","sourceIPAddress":"81.2.69.144","userAgent":"aws-cli/1.16.248","eventID":"2a17","recipientAccountId":"111111111111"})")
            [0];
        CHECK(d["user"]["name"] == "SSO_Audit");
        CHECK(d["user"]["id"] == "AROAIN5ATK5U7KEXAMPLE:first.last@example.com");
        CHECK(d["user"]["email"] == "first.last@example.com");
        // Elastic's order (test-assume-role-email-session-json.log-expected.json @ 42ea99cd):
        // the session, its local part, user.id, user.name.
        CHECK(d["related"]["user"] ==
              nlohmann::json({"first.last@example.com", "first.last",
                              "AROAIN5ATK5U7KEXAMPLE:first.last@example.com", "SSO_Audit"}));
        CHECK(d["related"]["ip"] == nlohmann::json({"81.2.69.144"}));
        CHECK(d["source"]["ip"] == "81.2.69.144");
        CHECK(d["event"]["category"] == nlohmann::json({"authentication"}));
        CHECK(d["event"]["type"] == nlohmann::json({"info"}));
        CHECK(d["event"]["outcome"] == "success");
        CHECK(d["event"]["id"] == "2a17");
        CHECK(d["cloud"]["account"]["id"] == "111111111111");
        CHECK(d["cloud"]["region"] == "us-east-2");
        CHECK(d["user_agent"]["original"] == "aws-cli/1.16.248");
    }
    SECTION("source.ip only for a whole IP; account from recipientAccountId") {
        for (const char* addr : {"AWS Internal", "81.2.69.142, 192.168.10.10", "ec2.amazonaws.com",
                                 "redacted", "225.01.00.16"}) {
            const auto d = parse_str(
                std::string(
                    R"({"eventVersion":"1.08","userIdentity":{"invokedBy":"x"},"eventTime":"2023-07-10T11:47:39Z","eventName":"X","sourceIPAddress":")") +
                addr + R"(","recipientAccountId":"123456789012"})")[0];
            CHECK(d["source"]["address"] == addr);
            CHECK_FALSE(d["source"].contains("ip"));
            CHECK_FALSE(d.contains("related"));
            CHECK(d["cloud"]["account"]["id"] == "123456789012");
        }
    }
    SECTION("outcome: failure on errorCode/errorMessage; ConsoleLogin from responseElements") {
        auto d =
            parse_str(R"({"eventVersion":"1.08","eventName":"X","errorCode":"AccessDenied"})")[0];
        CHECK(d["event"]["outcome"] == "failure");
        d = parse_str(R"({"eventVersion":"1.08","eventName":"X","errorMessage":"no"})")[0];
        CHECK(d["event"]["outcome"] == "failure");
        d = parse_str(
            R"({"eventVersion":"1.08","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure"}})")
            [0];
        CHECK(d["event"]["outcome"] == "failure");
        d = parse_str(R"({"eventVersion":"1.08","eventName":"CreateUser","errorCode":""})")[0];
        CHECK(d["event"]["outcome"] == "success");
        CHECK(d["event"]["category"] == nlohmann::json({"iam"}));
        CHECK(d["event"]["type"] == nlohmann::json({"user", "creation"}));
    }
    SECTION("the original survives: nulls, strings, numbers, key order") {
        const std::string ev =
            R"({"eventVersion":"1.08","eventName":"X","requestParameters":null,"readOnly":"true","n":1.50,"big":123456789012345678901234567890,"responseElements":{"a":[null,"",{}]}})";
        const auto d = parse_str(" " + ev + " ")[0];
        // The raw text is kept byte for byte (numbers are not re-printed).
        class RawSink final : public RecordSink {
        public:
            void emit(const Record& r) override {
                body = r.body;
            }
            std::string body;
        } raw;
        MemoryInput in(ev);
        ct().parse(in, evidenced::testing::golden_context("m", "cloudtrail"), raw);
        CHECK(raw.body.find(R"("cloudtrail":)" + ev) != std::string::npos);
        CHECK(d["aws"]["cloudtrail"]["requestParameters"].is_null());
        CHECK(d["aws"]["cloudtrail"]["readOnly"] == "true");
    }
}

TEST_CASE("cloudtrail: timestamps normalised to UTC milliseconds", "[aws]") {
    using evidenced::parsers::aws::normalize_iso8601;
    CHECK(normalize_iso8601("2023-07-10T11:47:39Z") == "2023-07-10T11:47:39.000Z");
    CHECK(normalize_iso8601("2023-07-10T11:47:39.123456Z") == "2023-07-10T11:47:39.123Z");
    CHECK(normalize_iso8601("2022-02-08 09:23:37+11:00") == "2022-02-07T22:23:37.000Z");
    CHECK(normalize_iso8601("2000-02-29T23:59:59-01:30") == "2000-03-01T01:29:59.000Z");
    CHECK_FALSE(normalize_iso8601("20131102T010628Z"));
    CHECK_FALSE(normalize_iso8601("2023-07-10T11:47:39"));
    CHECK_FALSE(normalize_iso8601("Oct 8, 2024, 4:15:32 PM"));
    CHECK(evidenced::parsers::aws::format_epoch_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(evidenced::parsers::aws::format_epoch_ms(1418530070000) == "2014-12-14T04:07:50.000Z");
}
