// aws.cloudtrail fast paths: a compact S3 object (aws.cloudtrail copied as framed, no minify
// pass) and the same events with whitespace everywhere JSON allows it (minified) must render
// to the same bytes; so must lookups that take the one-pass member readers.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "daemon/output/envelope.hpp"
#include "parsers/aws/cloudtrail.hpp"
#include "parsers/input.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/inputs.hpp"

namespace {

using evidenced::parsers::Input;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;

class LineSink final : public RecordSink {
public:
    void emit(const Record& r) override {
        evidenced::output::render_record(out, r, ctx_);
    }
    std::string out;

private:
    const evidenced::parsers::ParseContext ctx_ =
        evidenced::testing::golden_context("m", "cloudtrail");
};

std::string render(Input& in) {
    LineSink sink;
    const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
    evidenced::parsers::aws_cloudtrail_parser().parse(in, ctx, sink);
    return sink.out;
}

std::string render(std::string_view doc) {
    MemoryInput in(doc);
    return render(in);
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// `doc` with JSON whitespace after every structural byte outside strings.
std::string spread(std::string_view doc) {
    std::string out;
    bool in_string = false;
    for (size_t i = 0; i < doc.size(); ++i) {
        const char c = doc[i];
        out.push_back(c);
        if (in_string) {
            if (c == '\\' && i + 1 < doc.size()) {
                out.push_back(doc[++i]);
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[' || c == ',' || c == ':') {
            out.append(" \n\t\r ");
        }
    }
    return out;
}

}  // namespace

TEST_CASE("cloudtrail: compact and spread-out S3 objects render the same bytes",
          "[aws][cloudtrail]") {
    const std::string dir = std::string(EVIDENCED_SOURCE_DIR) +
                            "/tests/fixtures/aws/cloudtrail/invictus-ir-aws_dataset/";
    for (const char* name :
         {"218007301253_CloudTrail_us-east-1_20230710T1150Z_1vnLavRRp0ek1mP4.json",
          "218007301253_CloudTrail_us-east-1_20230710T1220Z_sM25jC0Ku0QcGkDa.json"}) {
        const std::string doc = slurp(dir + name);
        REQUIRE(doc.size() > 1000);
        const std::string loose = spread(doc);
        REQUIRE(loose.size() > doc.size());
        const std::string compact_out = render(doc);
        CHECK(compact_out.find("\"evidenced.error\"") == std::string::npos);
        CHECK(compact_out.find("\"event\":{\"dataset\":\"aws.cloudtrail\"") != std::string::npos);
        CHECK(render(loose) == compact_out);
        // Any read boundary: the framer's compactness must not depend on where reads end.
        evidenced::testing::TrickleInput trickle(doc, 7);
        CHECK(render(trickle) == compact_out);
    }
}

TEST_CASE("cloudtrail: one-pass member reads keep at_key's first-member rule",
          "[aws][cloudtrail]") {
    // A duplicate key: the first one counts (a non-string first one means no value), as a
    // lookup by name would find it.
    const std::string ev =
        R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"first","userName":"second","principalId":7,"principalId":"p2","accountId":"123456789012"},"eventTime":"2023-07-10T11:47:39Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","requestParameters":{"userName":"new","groupName":{"x":1},"newUserName":"renamed"},"tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE","clientProvidedHostHeader":"iam.amazonaws.com"},"eventID":"e1"})";
    const std::string out = render(ev);
    CHECK(out.find(
              R"("user":{"name":"first","target":{"name":"new"},"changes":{"name":"renamed"}})") !=
          std::string::npos);
    CHECK(out.find(R"("related":{"user":["new","renamed","first"]})") != std::string::npos);
    CHECK(
        out.find(
            R"("tls":{"version_protocol":"tls","version":"1.2","cipher":"ECDHE","client":{"server_name":"iam.amazonaws.com"}})") !=
        std::string::npos);
    CHECK(out.find(R"("category":["iam"],"type":["user","creation"])") != std::string::npos);
    CHECK(out.find("\"group\"") == std::string::npos);
}

TEST_CASE("cloudtrail: categorization table lookups", "[aws][cloudtrail]") {
    using evidenced::parsers::aws::cloudtrail_categorization;
    std::string_view category;
    std::string_view type;
    // The first, the last and some between of Elastic's sorted list.
    CHECK(cloudtrail_categorization("AddUserToGroup", category, type));
    CHECK(category == R"(["iam"])");
    CHECK(type == R"(["group","change"])");
    CHECK(cloudtrail_categorization("UpdateUser", category, type));
    CHECK(type == R"(["user","change"])");
    CHECK(cloudtrail_categorization("SendCommand", category, type));
    CHECK(category == R"(["process"])");
    CHECK(type.empty());
    CHECK(cloudtrail_categorization("GetObject", category, type));
    CHECK(category == R"(["file"])");
    CHECK(type == R"(["info"])");
    CHECK(cloudtrail_categorization("SetSecurityTokenServicePreferences", category, type));
    CHECK(type == R"(["admin","change"])");
    category = "unchanged";
    for (std::string_view miss :
         {"", "Get", "getObject", "GetObjects", "GetObjec", "UpdateUserX", "ZZZ", "AAA"}) {
        CHECK_FALSE(cloudtrail_categorization(miss, category, type));
    }
    CHECK(category == "unchanged");
}
