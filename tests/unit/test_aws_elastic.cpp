// aws.cloudtrail / aws.vpcflow against Elastic's own pipeline tests: the inputs of
// elastic/integrations packages/aws/data_stream/{cloudtrail,vpcflow}/_dev/test/pipeline/
// (copied to tests/fixtures/aws/elastic, ORIGINS.md there) must give the ECS values Elastic's
// expected documents hold.  Where the stored expected file predates Elastic's current pipeline
// (session name and user.id in related.user, related.ip, the larger categorization table,
// event.action on flows), the value is the one the current pipeline's rules give; each case
// says which.  Deliberate differences (cloud.region "-", digest hashes) are asserted as ours.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "parsers/aws/cloudtrail.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"

namespace {

using nlohmann::json;

class JsonSink final : public evidenced::parsers::RecordSink {
public:
    explicit JsonSink(std::string_view source)
        : ctx(evidenced::testing::golden_context("m", source)) {}
    void emit(const evidenced::parsers::Record& r) override {
        std::string line;
        evidenced::output::render_record(line, r, ctx);
        docs.push_back(json::parse(line));
    }
    evidenced::parsers::ParseContext ctx;
    std::vector<json> docs;
};

std::string fixture(const std::string& name) {
    return evidenced::testing::slurp(std::string(EVIDENCED_FIXTURES) + "/aws/elastic/" + name);
}

std::vector<json> cloudtrail(const std::string& name) {
    const std::string text = fixture("cloudtrail/" + name);
    evidenced::parsers::MemoryInput in(text);
    JsonSink sink("cloudtrail");
    evidenced::parsers::aws_cloudtrail_parser().parse(in, sink.ctx, sink);
    return sink.docs;
}

std::vector<json> vpcflow(const std::string& name) {
    const std::string text = fixture("vpcflow/" + name);
    evidenced::parsers::MemoryInput in(text);
    JsonSink sink("vpcflow");
    evidenced::parsers::aws_vpcflow_parser().parse(in, sink.ctx, sink);
    return sink.docs;
}

// The value at a dotted path, null when any part is missing.
json at(const json& d, const std::string& path) {
    const json* cur = &d;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t dot = path.find('.', start);
        const std::string key =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!cur->is_object() || !cur->contains(key)) {
            return nullptr;
        }
        cur = &(*cur)[key];
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    return *cur;
}

// Every listed field of `d` equals the listed value (null = absent).
void expect_fields(const json& d, const json& want) {
    for (const auto& [path, value] : want.items()) {
        INFO("field " << path);
        CHECK(at(d, path) == value);
    }
}

const json kNone = nullptr;
const char* const kFirefox =
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0) Gecko/20100101 Firefox/24.0";

}  // namespace

TEST_CASE("elastic cloudtrail: console login success and failure (IAM user, assumed role)",
          "[aws][cloudtrail][elastic]") {
    // test-console-login-json.log-expected.json @ 0046748f; related.* per the current rules.
    const auto d = cloudtrail("test-console-login-json.log");
    REQUIRE(d.size() == 3);
    expect_fields(d[0], {{"@timestamp", "2014-07-16T15:49:27.000Z"},
                         {"event.id", "3fcfb182-98f8-4744-bd45-10aEXAMPLE"},
                         {"event.action", "ConsoleLogin"},
                         {"event.provider", "signin.amazonaws.com"},
                         {"event.outcome", "success"},
                         {"event.kind", "event"},
                         {"event.category", {"authentication"}},
                         {"event.type", {"info"}},
                         {"cloud.account.id", "111122223333"},
                         {"cloud.region", "us-east-2"},
                         {"source.address", "89.160.20.156"},
                         {"source.ip", "89.160.20.156"},
                         {"user.name", "JohnDoe"},
                         {"user.id", "AIDACKCEVSQ6C2EXAMPLE"},
                         {"user.email", kNone},
                         {"user_agent.original", kFirefox},
                         {"related.user", {"AIDACKCEVSQ6C2EXAMPLE", "JohnDoe"}},
                         {"related.ip", {"89.160.20.156"}}});
    // errorMessage and responseElements.ConsoleLogin "Failure" both say failure.
    expect_fields(d[1], {{"event.outcome", "failure"}, {"user.name", "JaneDoe"}});
    // An assumed role: the role is user.name, the session (from the ARN, not principalId)
    // goes to related.user.
    expect_fields(
        d[2],
        {{"event.outcome", "failure"},
         {"cloud.account.id", "123456789012"},
         {"user.name", "RoleToBeAssumed"},
         {"user.id", "AROAIDPPEZS35WEXAMPLE:AssumedRoleSessionName"},
         {"related.user",
          {"MySessionName", "AROAIDPPEZS35WEXAMPLE:AssumedRoleSessionName", "RoleToBeAssumed"}}});
}

TEST_CASE("elastic cloudtrail: assumed role with an e-mail session name",
          "[aws][cloudtrail][elastic]") {
    // test-assume-role-email-session-json.log-expected.json @ 42ea99cd (current pipeline).
    const auto d = cloudtrail("test-assume-role-email-session-json.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"@timestamp", "2019-10-02T22:12:29.000Z"},
                         {"event.id", "2a17948f-3042-46ec-98e2-62865EXAMPLE"},
                         {"event.action", "AssumeRole"},
                         {"event.category", {"authentication"}},
                         {"event.type", {"info"}},
                         {"event.outcome", "success"},
                         {"cloud.account.id", "111111111111"},
                         {"user.name", "AWSReservedSSO_SecurityAudit_8df5ccd37b"},
                         {"user.id", "AROAIN5ATK5U7KEXAMPLE:firstname.lastname@example.com"},
                         {"user.email", "firstname.lastname@example.com"},
                         {"related.user",
                          {"firstname.lastname@example.com", "firstname.lastname",
                           "AROAIN5ATK5U7KEXAMPLE:firstname.lastname@example.com",
                           "AWSReservedSSO_SecurityAudit_8df5ccd37b"}},
                         {"related.ip", {"81.2.69.144"}}});
}

TEST_CASE("elastic cloudtrail: an AWS service as the caller, a service name as the source",
          "[aws][cloudtrail][elastic]") {
    // test-assume-role-aws-service-json.log-expected.json @ 8149d6c9.
    const auto d = cloudtrail("test-assume-role-aws-service-json.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"@timestamp", "2024-10-08T10:15:32.000Z"},
                         {"event.action", "AssumeRole"},
                         {"event.outcome", "success"},
                         {"cloud.account.id", "111111111111"},  // recipientAccountId
                         {"cloud.region", "us-east-1"},
                         {"source.address", "ec2.amazonaws.com"},
                         {"source.ip", kNone},
                         {"user.name", kNone},
                         {"user.id", kNone},
                         {"related", kNone},
                         {"service.name", "ec2.amazonaws.com"},
                         {"user_agent.original", "ec2.amazonaws.com"}});
}

TEST_CASE("elastic cloudtrail: Identity Center user authentication", "[aws][cloudtrail][elastic]") {
    // test-user-authentication.log-expected.json @ 18ca47af; user.id (onBehalfOf.userId) and
    // its related.user entry per the current rules.
    const auto d = cloudtrail("test-user-authentication.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"event.action", "UserAuthentication"},
                         {"event.category", kNone},
                         {"event.type", {"info"}},
                         {"event.id", "redacted"},
                         {"cloud.account.id", "redacted"},
                         {"source.address", "redacted"},
                         {"source.ip", kNone},
                         {"user.name", "redacted@example.com"},
                         {"user.email", "redacted@example.com"},
                         {"user.id", "redacted"},
                         {"related.user", {"redacted", "redacted@example.com"}}});
}

TEST_CASE("elastic cloudtrail: IAM user, categorization of the current pipeline",
          "[aws][cloudtrail][elastic]") {
    // test-get-caller-identity-json.log-expected.json @ 01b6652f; GetCallerIdentity is
    // authentication/info and user.id joins related.user in the current pipeline.
    const auto d = cloudtrail("test-get-caller-identity-json.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"event.action", "GetCallerIdentity"},
                         {"event.category", {"authentication"}},
                         {"event.type", {"info"}},
                         {"cloud.account.id", "00000000000"},
                         {"user.name", "terraformer"},
                         {"user.id", "PRINCIPALID"},
                         {"related.user", {"PRINCIPALID", "terraformer"}},
                         {"tls.version", "1.3"},
                         {"tls.version_protocol", "tls"},
                         {"tls.cipher", "TLS_AES_128_GCM_SHA256"}});

    // test-open-control-channel-instance-arn-json.log-expected.json @ 3ab42812.
    const auto s = cloudtrail("test-open-control-channel-instance-arn-json.log");
    REQUIRE(s.size() == 1);
    expect_fields(
        s[0], {{"event.category", {"session"}},
               {"event.type", {"start"}},
               {"user.name", "ec2-instance-role"},
               {"user.id", "PRINCIPALID:i-021987ab2dbf04585"},
               {"related.user",
                {"i-021987ab2dbf04585", "PRINCIPALID:i-021987ab2dbf04585", "ec2-instance-role"}},
               {"related.ip", {"216.160.83.56"}}});

    // test-delete-bucket-json.log (rules): file/deletion.
    const auto b = cloudtrail("test-delete-bucket-json.log");
    REQUIRE(b.size() == 1);
    expect_fields(b[0],
                  {{"event.category", {"file"}},
                   {"event.type", {"deletion"}},
                   {"user.name", "AssumeNothing"},
                   {"related.user", {"devdsk", "AIDAQRSTUVWXYZEXAMPLE:devdsk", "AssumeNothing"}}});
}

TEST_CASE("elastic cloudtrail: errorCode failure, comma-list source, SAML and GovCloud",
          "[aws][cloudtrail][elastic]") {
    // test-tls-details-json.log (rules of the current pipeline).
    const auto d = cloudtrail("test-tls-details-json.log");
    REQUIRE(d.size() == 3);
    // IAM user acting on itself: the request's userName and the actor collapse.
    expect_fields(d[0], {{"user.name", "Alice"},
                         {"user.target.name", "Alice"},
                         {"related.user", {"Alice", "EXAMPLE_ID"}},
                         {"tls.version", "1.2"}});
    // errorCode "200" is still an errorCode: failure.  A comma list is no IP.
    expect_fields(d[1], {{"event.outcome", "failure"},
                         {"event.action", "action"},
                         {"source.address", "81.2.69.142, 192.168.10.10"},
                         {"source.ip", kNone},
                         {"related.ip", kNone},
                         {"cloud.account.id", "001122334455"},
                         {"user.name", "some.user@my.company.com"},
                         {"user.email", "some.user@my.company.com"},
                         {"user.id", kNone},
                         {"related.user", {"some.user@my.company.com"}},
                         {"tls", kNone}});  // placeholder tlsDetails
    expect_fields(d[2], {{"user.name", "SomeRole"},
                         {"user.email", "some.user@my.company.com"},
                         {"related.user",
                          {"some.user@my.company.com", "some.user",
                           "EX_PRINCIPAL_ID:some.user@my.company.com", "SomeRole"}},
                         {"tls.version", "1.3"},  // no "TLSv" to split off
                         {"tls.version_protocol", kNone}});

    // test-us-gov-arn.log: the session name of an aws-us-gov sts ARN.
    const auto g = cloudtrail("test-us-gov-arn.log");
    REQUIRE(g.size() == 1);
    expect_fields(g[0],
                  {{"cloud.region", "us-gov-east-1"},
                   {"user.name", "ExampleRole"},
                   {"related.user",
                    {"i-example1234567890", "AROAEXAMPLE:i-example1234567890", "ExampleRole"}}});
}

TEST_CASE("elastic cloudtrail: IPv6 source and a digest file", "[aws][cloudtrail][elastic]") {
    // The console login sample with its sourceIPAddress made IPv6 (Elastic's grok %{IP}
    // takes IPv6 whole).
    std::string text = fixture("cloudtrail/test-console-login-json.log");
    text = text.substr(0, text.find('\n'));
    const std::string v4 = "89.160.20.156";
    text.replace(text.find(v4), v4.size(), "2001:db8:1234:a100:8d6e:3477:df66:f105");
    evidenced::parsers::MemoryInput in(text);
    JsonSink sink("cloudtrail");
    evidenced::parsers::aws_cloudtrail_parser().parse(in, sink.ctx, sink);
    REQUIRE(sink.docs.size() == 1);
    expect_fields(sink.docs[0], {{"source.ip", "2001:db8:1234:a100:8d6e:3477:df66:f105"},
                                 {"related.ip", {"2001:db8:1234:a100:8d6e:3477:df66:f105"}}});

    // test-cloudtrail-digest-json.log: @timestamp from digestEndTime, account, file.path as
    // Elastic; related.hash holds the covered log files' hashes, not Elastic's
    // previousDigestSignature-as-sha256 (a signature, not a hash: deliberate).
    const auto d = cloudtrail("test-cloudtrail-digest-json.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"event.dataset", "aws.cloudtrail_digest"},
                         {"@timestamp", "2020-09-11T19:36:49.000Z"},
                         {"cloud.account.id", "123456789123"},
                         {"file.path",
                          "AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/"
                          "123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_"
                          "20200911T193649Z.json.gz"},
                         {"file.hash", kNone}});
    CHECK(at(d[0], "related.hash").size() == 3);
}

TEST_CASE("elastic vpcflow: default v2 lines, NODATA/SKIPDATA, REJECT, IPv6, ICMP",
          "[aws][vpcflow][elastic]") {
    // test-extra-samples.log-expected.json @ 0513546c (ECS 1.10 era): addresses, ports,
    // counts, times, community ids and aws.vpcflow as stored; event.* and network.transport
    // per the current pipeline (e2f84578 and test-v8-samples).
    const auto d = vpcflow("test-extra-samples.log");
    REQUIRE(d.size() == 7);
    expect_fields(d[0], {{"@timestamp", "2016-10-31T11:37:00.000Z"},
                         {"event.start", "2016-10-31T11:35:08.000Z"},
                         {"event.end", "2016-10-31T11:37:00.000Z"},
                         {"event.outcome", "success"},
                         {"event.action", "ACCEPT"},
                         {"event.category", {"network"}},
                         {"event.type", {"connection"}},
                         {"source.address", "2001:db8:1234:a100:8d6e:3477:df66:f105"},
                         {"source.ip", "2001:db8:1234:a100:8d6e:3477:df66:f105"},
                         {"source.port", 34892},
                         {"source.bytes", 8855},
                         {"source.packets", 54},
                         {"destination.ip", "2001:db8:1234:a102:3304:8879:34cf:4071"},
                         {"destination.port", 22},
                         {"network.type", "ipv6"},
                         {"network.iana_number", "6"},
                         {"network.transport", "tcp"},
                         {"network.bytes", 8855},
                         {"network.packets", 54},
                         {"network.community_id", "1:hXZclvxUJScaVf0xMIJR6yW6tBQ="},
                         {"cloud.account.id", "123456789010"},
                         {"cloud.provider", "aws"},
                         {"aws.vpcflow.version", "2"},
                         {"aws.vpcflow.interface_id", "eni-1235b8ca123456789"},
                         {"aws.vpcflow.log_status", "OK"},
                         {"aws.vpcflow.action", "ACCEPT"}});
    // NODATA / SKIPDATA: a status row, times and account only.
    for (int i : {1, 2}) {
        expect_fields(d[static_cast<size_t>(i)],
                      {{"@timestamp", "2015-05-10T18:02:14.000Z"},
                       {"event.start", "2015-05-10T18:01:16.000Z"},
                       {"event.outcome", kNone},
                       {"event.action", kNone},
                       {"source", kNone},
                       {"destination", kNone},
                       {"network", kNone},
                       {"related", kNone},
                       {"cloud.account.id", "123456789010"},
                       {"aws.vpcflow.log_status", i == 1 ? "NODATA" : "SKIPDATA"}});
    }
    expect_fields(d[4], {{"event.outcome", "failure"},
                         {"event.type", {"connection", "denied"}},
                         {"destination.port", 3389},
                         {"network.community_id", "1:E3lDDGXG7D8azpdrN7WMLPJe30w="}});
    // ICMP: Elastic hashes type/code (0/0 in VPC records, echo reply <-> request).
    expect_fields(d[5], {{"network.transport", "icmp"},
                         {"source.port", 0},
                         {"network.community_id", "1:H//CCQJhRqDUJ9c23S0VrQ+drxU="}});
    expect_fields(d[6], {{"network.community_id", "1:cfQqw/Kh6+4yqhEKgkCw/m3WoJM="},
                         {"related.ip", {"172.31.16.139", "203.0.113.12"}}});
}

TEST_CASE("elastic vpcflow: v5 and v8 custom fields", "[aws][vpcflow][elastic]") {
    // test-v5-all-fields.log-expected.json @ 136ebec1 (29 fields, no header).
    const auto d = vpcflow("test-v5-all-fields.log");
    REQUIRE(d.size() == 1);
    expect_fields(d[0], {{"@timestamp", "2021-12-20T11:38:17.000Z"},
                         {"event.start", "1975-03-14T03:34:26.000Z"},
                         {"event.outcome", "failure"},
                         {"network.direction", "ingress"},
                         {"network.transport", "udp"},
                         {"network.community_id", "1:+zLdyx7gcy2L5ERP4Je5AZMgl3A="},
                         {"cloud.region", "us-east-1"},
                         {"cloud.availability_zone", "use1-az5"},
                         {"cloud.instance.id", "i-0axxxxxx1ad77"},
                         {"cloud.account.id", "64111117617"},
                         {"aws.vpcflow.pkt_src_service", "AMAZON"},
                         {"aws.vpcflow.pkt_dst_service", "CLOUDFRONT"},
                         {"aws.vpcflow.pkt_srcaddr", "89.160.20.156"},
                         {"aws.vpcflow.pkt_dstaddr", "10.200.0.80"},
                         {"aws.vpcflow.tcp_flags", "1"},
                         {"aws.vpcflow.tcp_flags_array", {"fin"}},
                         {"aws.vpcflow.traffic_path", "1"},
                         {"aws.vpcflow.type", "IPv4"},
                         {"aws.vpcflow.vpc_id", "vpc-09676f97xxxxxb8a7"},
                         {"aws.vpcflow.subnet_id", "subnet-02d645xxxxxxxdbc0"},
                         {"aws.vpcflow.sublocation", kNone}});

    // test-v8-samples.log-expected.json @ 0b97ab02 (40 fields, ECS and reject-reason).
    const auto e = vpcflow("test-v8-samples.log");
    REQUIRE(e.size() == 1);
    expect_fields(e[0], {{"event.action", "REJECT"},
                         {"event.type", {"connection", "denied"}},
                         {"event.reason", "BPA"},
                         {"network.type", "ipv6"},
                         {"network.community_id", "1:6Lxpa8XQj/6l+zLv/BSTAHZoSJ0="},
                         {"orchestrator.cluster.name", "backend-cluster"},
                         {"orchestrator.resource.id", "i-18de3682c033431da"},
                         {"service.name", "payments-service"},
                         {"aws.vpcflow.ecs_task_id", "e504f037-35c"},
                         {"aws.vpcflow.log_status", "NODATA"},
                         // Elastic keeps "-" here (its cleanup only covers aws.*); "-" is
                         // "not available" and stays absent, as everywhere else.
                         {"cloud.region", kNone},
                         {"cloud.availability_zone", kNone}});
}

TEST_CASE("elastic vpcflow: headers, message wrapper, Transit Gateway default format",
          "[aws][vpcflow][elastic]") {
    // test-tcp-flag-sequence.log-expected.json @ 0513546c: repeated headers are not records.
    const auto d = vpcflow("test-tcp-flag-sequence.log");
    REQUIRE(d.size() == 3);
    expect_fields(d[0], {{"aws.vpcflow.tcp_flags_array", {"syn"}},
                         {"aws.vpcflow.pkt_srcaddr", "52.213.180.42"},
                         {"network.community_id", "1:HQ1oJYZ+9SJOoeju7badiLfvwls="},
                         {"cloud.instance.id", "i-01234567890123456"}});
    expect_fields(d[1], {{"aws.vpcflow.log_status", "SKIPDATA"}, {"source", kNone}});
    expect_fields(d[2], {{"aws.vpcflow.log_status", "NODATA"},
                         {"aws.vpcflow.subnet_id", "subnet-aaaaaaaa012345678"}});

    // test-with-message-field.log: {"message": "<flow line>"}.
    const auto m = vpcflow("test-with-message-field.log");
    REQUIRE(m.size() == 1);
    expect_fields(m[0], {{"@timestamp", "2022-12-14T14:55:28.000Z"},
                         {"aws.vpcflow.interface_id", "eni-0e0bf7be352692297"},
                         {"aws.vpcflow.log_status", "NODATA"}});

    // test-tgw-samples.log-expected.json @ bc0b9b31 (first three lines): the 36-field Transit
    // Gateway default format, recognised without a header.
    const auto t = vpcflow("test-tgw-samples.log");
    REQUIRE(t.size() == 3);
    expect_fields(t[0], {{"event.dataset", "aws.vpcflow"},
                         {"@timestamp", "2025-08-19T08:35:58.000Z"},
                         {"event.start", "2025-08-19T08:35:33.000Z"},
                         {"event.outcome", kNone},
                         {"source.ip", "1.128.0.0"},
                         {"destination.ip", "2a02:cf40::"},
                         {"network.type", "ipv4"},
                         {"network.transport", "tcp"},
                         {"network.direction", "ingress"},
                         {"network.community_id", "1:yMxrbWtpAzdDF0dFnvIBRb/Ys5c="},
                         {"cloud.account.id", "748335378900"},
                         {"aws.vpcflow.tgw_id", "tgw-0a12bc34de56f7890"},
                         {"aws.vpcflow.tgw_attachment_id", "tgw-attach-0789ijkl"},
                         {"aws.vpcflow.tgw_src_vpc_id", "vpc-0jkl5678"},
                         {"aws.vpcflow.tgw_dst_eni", "eni-0cc3dd4ee5f66aa7b"},
                         {"aws.vpcflow.log_status", "SKIPDATA"}});
    expect_fields(t[2], {{"network.community_id", "1:sU/jA1+FI5cshrGCoA1TfwNwfOo="},
                         {"destination.port", 8080}});
}

TEST_CASE("elastic vpcflow: ICMP community id both ways", "[aws][vpcflow][elastic]") {
    using evidenced::parsers::aws::community_id;
    // Echo reply (type 0) pairs with request (8): both directions hash alike.
    CHECK(community_id("203.0.113.12", "172.31.16.139", 1, 0, 0) ==
          "1:H//CCQJhRqDUJ9c23S0VrQ+drxU=");
    CHECK(community_id("172.31.16.139", "203.0.113.12", 1, 0, 0) ==
          "1:cfQqw/Kh6+4yqhEKgkCw/m3WoJM=");
    CHECK(community_id("172.31.16.139", "203.0.113.12", 1, 8, 0) ==
          community_id("203.0.113.12", "172.31.16.139", 1, 0, 0));
    CHECK_FALSE(community_id("172.31.16.139", "203.0.113.12", 1, 300, 0));
}
