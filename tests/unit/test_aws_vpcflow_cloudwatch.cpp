// aws.vpcflow over CloudWatch Logs documents: filter-log-events / get-log-events JSON,
// subscription (Firehose) payloads and the console CSV give the same records as the S3 text
// of the same flow lines; detection leaves CloudTrail's CloudWatch documents alone; JSON is
// streamed (a one-line document far past the line limit) and damage is positioned.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/aws/cloudtrail.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"
#include "tests/support/golden.hpp"

namespace {

namespace fs = std::filesystem;
using evidenced::parsers::BufferedInput;
using evidenced::parsers::FileProbe;
using evidenced::parsers::Input;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;

const evidenced::parsers::Parser& vpc() {
    return evidenced::parsers::aws_vpcflow_parser();
}

std::string golden(const std::string& name) {
    std::ifstream f(fs::path(EVIDENCED_GOLDEN) / "aws" / name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

int detect(const evidenced::parsers::Parser& p, std::string_view content) {
    FileProbe probe;
    probe.path = "download.json";
    probe.head = content.substr(0, evidenced::parsers::kProbeBytes);
    probe.size = content.size();
    return p.detect(probe);
}

class Sink final : public RecordSink {
public:
    void emit(const Record& r) override {
        std::string line;
        evidenced::output::render_record(line, r, ctx);
        docs.push_back(nlohmann::json::parse(line));
    }
    evidenced::parsers::ParseContext ctx = evidenced::testing::golden_context("m", "vpcflow");
    std::vector<nlohmann::json> docs;
};

std::vector<nlohmann::json> parse_input(Input& in,
                                        const evidenced::settings::Settings* s = nullptr) {
    Sink sink;
    if (s != nullptr) {
        sink.ctx.settings = s;
    }
    vpc().parse(in, sink.ctx, sink);
    return sink.docs;
}

std::vector<nlohmann::json> parse(std::string_view data, size_t max_line = 1 << 20) {
    MemoryInput in(data, max_line);
    return parse_input(in);
}

// A record without what depends on where it sits (evidence.*, the position-derived event.id).
nlohmann::json without_position(nlohmann::json d) {
    d.erase("evidence");
    d["event"].erase("id");
    return d;
}

const std::string kLine =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
    "1418530070 ACCEPT OK";

// {"events":[...]} of `count` events on one line, generated while read (never held whole).
class GeneratedEvents final : public BufferedInput {
public:
    explicit GeneratedEvents(size_t count) : left_(count) {
        pending_ = "{\"events\":[";
    }

protected:
    size_t fill(char* buf, size_t n) override {
        while (pending_.size() - off_ < n && (left_ > 0 || !closed_)) {
            pending_.erase(0, off_);
            off_ = 0;
            if (left_ > 0) {
                pending_ += first_ ? "" : ",";
                first_ = false;
                pending_ +=
                    R"({"logStreamName":"eni-1235b8ca123456789-all","timestamp":1418530010000,"message":")" +
                    kLine + R"(","ingestionTime":1418530071000,"eventId":"3)" +
                    std::to_string(left_) + "\"}";
                --left_;
            } else {
                pending_ += "],\"searchedLogStreams\":[]}";
                closed_ = true;
            }
        }
        const size_t k = std::min(n, pending_.size() - off_);
        std::copy_n(pending_.data() + off_, k, buf);
        off_ += k;
        return k;
    }

private:
    std::string pending_;
    size_t off_ = 0;
    size_t left_;
    bool first_ = true;
    bool closed_ = false;
};

}  // namespace

TEST_CASE("vpcflow cloudwatch: every shape gives the text shape's records",
          "[aws][vpcflow][cloudwatch]") {
    // All built from the awsdocs default-format example (derive_vpc_cloudwatch.py).
    const auto text = parse(golden("vpc-default-v2-header.log"));
    REQUIRE(text.size() == 7);
    for (const auto& d : text) {
        REQUIRE(d["event"]["dataset"] == "aws.vpcflow");
    }
    struct Case {
        const char* file;
        bool by_line;
        uint64_t first;  // position of the first record
    };
    for (const Case& c :
         {Case{"vpc-filter-log-events.json", false, 1},
          Case{"vpc-filter-log-events-compact.json", false, 1},
          Case{"vpc-subscription.json", false, 1}, Case{"vpc-console-csv.csv", true, 2}}) {
        INFO(c.file);
        const std::string content = golden(c.file);
        CHECK(detect(vpc(), content) >= 95);
        CHECK(detect(evidenced::parsers::aws_cloudtrail_parser(), content) == 0);
        const auto docs = parse(content);
        REQUIRE(docs.size() == text.size());
        for (size_t i = 0; i < docs.size(); ++i) {
            INFO("record " << i);
            CHECK(without_position(docs[i]) == without_position(text[i]));
            const char* key = c.by_line ? "line" : "record";
            CHECK(docs[i]["evidence"][key] == c.first + i);
            CHECK_FALSE(docs[i]["evidence"].contains(c.by_line ? "record" : "line"));
        }
        if (c.by_line) {
            continue;
        }
        // The same bytes split into short line pieces (a long one-line document).
        const auto pieces = parse(content, 37);
        REQUIRE(pieces.size() == docs.size());
        for (size_t i = 0; i < docs.size(); ++i) {
            CHECK(pieces[i] == docs[i]);
        }
    }
}

TEST_CASE("vpcflow cloudwatch: detection leaves CloudTrail and other JSON alone",
          "[aws][vpcflow][cloudwatch]") {
    for (const char* f : {"ct-filter-log-events.json", "ct-firehose.json"}) {
        INFO(f);
        CHECK(detect(vpc(), golden(f)) == 0);
    }
    CHECK(detect(vpc(), R"({"events":[{"message":"hello world"}]})") == 0);
    CHECK(detect(vpc(), R"({"events":[]})") == 0);
    CHECK(detect(vpc(), "{\n  \"events\": [\n    {\"message\": \"" + kLine + "\"}\n  ]\n}\n") >=
          95);
    // A CONTROL_MESSAGE alone proves nothing; the DATA_MESSAGE after it decides.
    const std::string control =
        R"({"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})";
    CHECK(detect(vpc(), control) == 0);
    CHECK(detect(vpc(), control + R"({"messageType":"DATA_MESSAGE","logEvents":[{"message":")" +
                            kLine + "\"}]}") >= 95);
    CHECK(detect(vpc(), "timestamp,message\n1418530010000,\"" + kLine + "\"\n") >= 95);
    CHECK(detect(vpc(), "timestamp,message\n1418530010000,\"hello, world\"\n") == 0);
    CHECK(detect(vpc(), "timestamp,message\n") == 0);
    // The cut head of a big document decides on its first message; a head cut inside the
    // first event proves nothing.
    const std::string big = golden("vpc-filter-log-events.json");
    const size_t second = big.find("\"ingestionTime\"", big.find("\"ingestionTime\"") + 1);
    CHECK(detect(vpc(), big.substr(0, second)) >= 95);
    CHECK(detect(vpc(), big.substr(0, big.find("\"ingestionTime\""))) == 0);

    FileProbe p;
    const std::string sub = golden("vpc-subscription.json");
    p.path = "firehose/2026/11/01/vpc-stream-1-2026-11-01-12-00-00-abc";
    p.head = sub;
    p.size = sub.size();
    CHECK(vpc().infer_host(p) == "aws-123456789010");
}

TEST_CASE("vpcflow cloudwatch: damage is positioned, what came before stays",
          "[aws][vpcflow][cloudwatch]") {
    const auto docs = parse(golden("vpc-filter-log-events-damaged.json"));
    std::vector<std::string> kinds;
    for (const auto& d : docs) {
        kinds.push_back(d["event"]["dataset"]);
    }
    // good, type error, no message, not an object, syntax error, good, cut document.
    REQUIRE(kinds == std::vector<std::string>{"aws.vpcflow", "evidenced.error", "evidenced.error",
                                              "evidenced.error", "evidenced.error", "aws.vpcflow",
                                              "evidenced.error"});
    for (uint64_t i = 0; i < 6; ++i) {
        CHECK(docs[i]["evidence"]["record"] == i + 1);
    }
    CHECK(docs[1]["error"]["message"].get<std::string>().find("dstport") != std::string::npos);
    CHECK(docs[6]["error"]["message"].get<std::string>().find("truncated") != std::string::npos);
    CHECK(docs[6]["evidence"].contains("line"));

    // A message that fits no format: refused, positioned by its element.
    auto d = parse(R"({"events":[{"message":"2 1 eni-1 not an ip"}]})");
    REQUIRE(d.size() == 1);
    CHECK(d[0]["event"]["dataset"] == "evidenced.error");
    CHECK(d[0]["evidence"]["record"] == 1);

    // Only a CONTROL_MESSAGE: nothing to say.
    d = parse(R"({"messageType":"CONTROL_MESSAGE","logEvents":[{"message":"CWL CONTROL"}]})");
    CHECK(d.empty());
}

TEST_CASE("vpcflow cloudwatch: console CSV rows", "[aws][vpcflow][cloudwatch]") {
    const auto docs = parse(golden("vpc-console-csv-damaged.csv"));
    std::vector<std::pair<std::string, uint64_t>> got;
    for (const auto& d : docs) {
        got.emplace_back(d["event"]["dataset"], d["evidence"]["line"]);
    }
    // good, no timestamp, unterminated quote, type error, bare message, empty, quoted ts.
    CHECK(got == std::vector<std::pair<std::string, uint64_t>>{{"aws.vpcflow", 2},
                                                               {"evidenced.error", 3},
                                                               {"evidenced.error", 4},
                                                               {"evidenced.error", 5},
                                                               {"aws.vpcflow", 6},
                                                               {"evidenced.error", 7},
                                                               {"aws.vpcflow", 8}});
}

TEST_CASE("vpcflow cloudwatch: messages resolve like headerless lines",
          "[aws][vpcflow][cloudwatch]") {
    const std::string v5 =
        "5 123456789012 eni-1235b8ca123456789 10.0.0.71 52.95.128.179 34210 80 6 7 471 1616729292 "
        "1616729349 ACCEPT OK vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b 3 "
        "IPv4 10.0.0.71 52.95.128.179 ap-southeast-2 apse2-az3 - - - S3 egress 8";
    const std::string doc =
        R"({"events":[{"message":")" + v5 + R"("},{"message":")" + kLine + "\"}]}";
    evidenced::settings::Settings s = evidenced::settings::defaults();
    s.vpcflow_formats = evidenced::parsers::aws::elastic_vpcflow_formats();
    MemoryInput in(doc);
    auto docs = parse_input(in, &s);
    REQUIRE(docs.size() == 2);
    CHECK(docs[0]["aws"]["vpcflow"]["traffic_path"] == "8");
    CHECK(docs[1]["aws"]["vpcflow"]["version"] == "2");
    s.vpcflow_formats.clear();
    MemoryInput in2(doc);
    docs = parse_input(in2, &s);
    REQUIRE(docs.size() == 2);
    CHECK(docs[0]["event"]["dataset"] == "evidenced.error");
    CHECK(docs[1]["event"]["dataset"] == "aws.vpcflow");
}

TEST_CASE("vpcflow cloudwatch: a one-line document far past the line limit streams",
          "[aws][vpcflow][cloudwatch]") {
    class Count final : public RecordSink {
    public:
        void emit(const Record& r) override {
            if (r.dataset == "aws.vpcflow") {
                ++flows;
                last = r.position;
            } else {
                ++errors;
            }
        }
        size_t flows = 0;
        size_t errors = 0;
        uint64_t last = 0;
    } sink;
    constexpr size_t kEvents = 60000;  // about 13 MiB on one line
    GeneratedEvents in(kEvents);
    const auto ctx = evidenced::testing::golden_context("m", "vpcflow");
    vpc().parse(in, ctx, sink);
    CHECK(sink.flows == kEvents);
    CHECK(sink.errors == 0);
    CHECK(sink.last == kEvents);
}

TEST_CASE(
    "vpcflow cloudwatch: a document cut inside a bare word is an error, not a read past the "
    "buffer",
    "[vpcflow]") {
    // The shared framer once kept a stale index when the input ended while it was growing
    // the buffer (found by fuzzing the CloudTrail copy with "[imes"); under ASan a relapse
    // reads past the buffer here.
    for (const std::string_view doc :
         {std::string_view("{\"events\":[imes"), std::string_view("{\"events\":[{\"message\":tru"),
          std::string_view("{\"logEvents\":[nul"),
          std::string_view("{\"events\":[\n{\"message\"")}) {
        const auto docs = parse(doc);
        REQUIRE(!docs.empty());
        CHECK(docs.back()["event"]["dataset"] == "evidenced.error");
    }
}
