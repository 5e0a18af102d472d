// aws.cloudtrail: CloudTrail Lake results (GetQueryResults JSON, saved-result CSV), CloudWatch
// Logs console "Download as CSV" and console Event history CSV.  The same real events in every
// shape must give the same ECS fields as the S3 object; detection must leave VPC CSVs and
// other CSVs alone; damaged rows give error records with their position; large documents are
// streamed row by row.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "parsers/aws/cloudtrail.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"
#include "parsers/registry.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/inputs.hpp"

namespace {

namespace fs = std::filesystem;
using evidenced::parsers::FileProbe;
using evidenced::parsers::Input;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;
using nlohmann::json;

const evidenced::parsers::Parser& ct() {
    return evidenced::parsers::aws_cloudtrail_parser();
}

std::string golden_path(const std::string& name) {
    return (fs::path(EVIDENCED_GOLDEN) / "aws" / name).string();
}

std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

FileProbe probe_of(std::string_view content, std::string_view path) {
    FileProbe p;
    p.path = path;
    p.head = content.substr(0, evidenced::parsers::kProbeBytes);
    p.size = content.size();
    return p;
}

int detect(std::string_view content, std::string_view path = "x.csv") {
    return ct().detect(probe_of(content, path));
}

std::vector<json> render_golden(const std::string& name) {
    const std::string out = evidenced::testing::render_file(ct(), golden_path(name), "cloudtrail");
    std::vector<json> docs;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        docs.push_back(json::parse(line));
    }
    return docs;
}

class JsonSink final : public RecordSink {
public:
    void emit(const Record& r) override {
        std::string line;
        const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
        evidenced::output::render_record(line, r, ctx);
        docs.push_back(json::parse(line));
    }
    std::vector<json> docs;
};

std::vector<json> parse_input(Input& in) {
    JsonSink sink;
    const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
    ct().parse(in, ctx, sink);
    return sink.docs;
}

std::vector<json> parse_str(const std::string& s) {
    MemoryInput in(s);
    return parse_input(in);
}

using evidenced::testing::GeneratedInput;
using evidenced::testing::TrickleInput;

// Counts records without keeping them (a large document must not be held in memory).
class CountSink final : public RecordSink {
public:
    explicit CountSink(const GeneratedInput& in) : in_(in) {}
    void emit(const Record& r) override {
        if (n == 0) {
            read_at_first = in_.total();
        }
        ++n;
        ok = ok && r.dataset == "aws.cloudtrail" && r.id == "id-" + std::to_string(n) &&
             r.timestamp == "2023-07-10T12:20:01.000Z";
    }
    size_t n = 0;
    bool ok = true;
    size_t read_at_first = 0;  // input bytes consumed when the first record came out

private:
    const GeneratedInput& in_;
};

// The ECS fields an analyst filters on; they must not depend on the delivery shape.
json ecs_view(const json& d) {
    json v;
    v["@timestamp"] = d["@timestamp"];
    for (const char* k : {"id", "kind", "action", "provider", "outcome", "category", "type"}) {
        if (d["event"].contains(k)) {
            v["event"][k] = d["event"][k];
        }
    }
    for (const char* k : {"user", "source", "cloud", "related", "user_agent", "tls", "group"}) {
        if (d.contains(k)) {
            v[k] = d[k];
        }
    }
    return v;
}

const std::string kEvent =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"123837392027"},)"
    R"("eventTime":"2023-07-10T11:47:39Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets",)"
    R"("awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4","eventID":"e-1","recipientAccountId":"123837392027"})";

std::string csv_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace

TEST_CASE("cloudtrail lake/csv: same events, same ECS fields as the S3 object",
          "[aws][cloudtrail][lake]") {
    const auto s3 = render_golden("ct-s3-records-assumed-role.json");
    REQUIRE(s3.size() == 10);
    std::map<std::string, json> want;
    for (const auto& d : s3) {
        REQUIRE(d["event"]["dataset"] == "aws.cloudtrail");
        want[d["event"]["id"].get<std::string>()] = ecs_view(d);
    }
    REQUIRE(want.size() == 10);
    for (const char* name : {"ct-lake-query-results.json", "ct-lake-result.csv",
                             "ct-console-cloudwatch.csv", "ct-console-event-history.csv"}) {
        INFO("variant " << name);
        const auto docs = render_golden(name);
        REQUIRE(docs.size() == 10);
        for (size_t i = 0; i < docs.size(); ++i) {
            const auto& d = docs[i];
            REQUIRE(d["event"]["dataset"] == "aws.cloudtrail");
            const std::string id = d["event"]["id"].get<std::string>();
            INFO("event " << id);
            REQUIRE(want.count(id) == 1);
            CHECK(ecs_view(d) == want[id]);
            // Same order as the S3 object; CSV rows by line (header = line 1), Lake rows by record.
            CHECK(s3[i]["event"]["id"] == id);
            if (std::string_view(name).ends_with(".csv")) {
                CHECK(d["evidence"]["line"] == i + 2);
            } else {
                CHECK(d["evidence"]["record"] == i + 1);
            }
        }
    }
    // The console CSVs carry the original event untouched; Lake keeps its own eventtime text.
    const auto cw = render_golden("ct-console-cloudwatch.csv");
    CHECK(cw[0]["aws"]["cloudtrail"] == s3[0]["aws"]["cloudtrail"]);
    const auto lake = render_golden("ct-lake-query-results.json");
    CHECK(lake[0]["aws"]["cloudtrail"]["eventTime"] == "2023-07-10 12:15:59.000");
    CHECK(lake[0]["@timestamp"] == "2023-07-10T12:15:59.000Z");
    CHECK(lake[0]["aws"]["cloudtrail"]["userIdentity"] ==
          s3[0]["aws"]["cloudtrail"]["userIdentity"]);
    // Lake sends strings.
    CHECK(lake[0]["aws"]["cloudtrail"]["readOnly"] ==
          (s3[0]["aws"]["cloudtrail"]["readOnly"].get<bool>() ? "true" : "false"));
}

TEST_CASE("cloudtrail lake/csv: detection by content, chosen over every other parser",
          "[aws][cloudtrail][lake]") {
    for (const char* name :
         {"ct-lake-query-results.json", "ct-lake-result.csv", "ct-lake-result-edge.csv",
          "ct-lake-edge.json", "ct-lake-empty.json", "ct-console-cloudwatch.csv",
          "ct-console-cloudwatch-broken.csv", "ct-console-event-history.csv"}) {
        INFO("file " << name);
        const std::string content = slurp(golden_path(name));
        // A misleading name: content decides.
        const auto probe = probe_of(content, "upload/notes.txt");
        const auto choice = evidenced::parsers::choose(probe);
        REQUIRE(choice.parser != nullptr);
        CHECK(choice.parser->name() == "aws.cloudtrail");
        CHECK(choice.confidence >= 90);
    }
    // Lake header spelled in any case, quoted, after a BOM.
    CHECK(detect("\xEF\xBB\xBF\"eventid\",\"eventtime\",\"eventname\"\ne1,2023-07-10 "
                 "12:20:01.000,X\n") >= 90);
    // VPC flow lines in CloudWatch's CSV belong to the VPC parser.
    const std::string vpc_csv =
        "timestamp,message\n"
        "1418530010000,2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 "
        "20 4249 1418530010 1418530070 ACCEPT OK\n";
    CHECK(detect(vpc_csv) == 0);
    CHECK(detect("\"timestamp\",\"message\"\n1,\"{\"\"hello\"\":1}\"\n") == 0);
    // Other CSVs: a JSON column that is no CloudTrail event, an event column that is not an
    // event in every row, one Lake-looking column alone, plain tables, Linux outputs.
    CHECK(detect("id,doc\n1,\"{\"\"a\"\":1}\"\n") == 0);
    CHECK(detect("id,ev\n1," + csv_quote(kEvent) + "\n2,\"{\"\"a\"\":1}\"\n") == 0);
    CHECK(detect("eventid,comment\n1,x\n") == 0);
    CHECK(detect("name,age\nbob,3\n") == 0);
    CHECK(detect("USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 1 2 ? Ss "
                 "10:00 0:01 /sbin/init\n") == 0);
    CHECK(detect("Filesystem,Size\n/dev/sda1,10G\n") == 0);
    // An event column in any position and under any name.
    CHECK(detect("Event name,CloudTrail event\nListBuckets," + csv_quote(kEvent) + "\n") >= 90);
    // A first CloudWatch message larger than the probe: its opening decides.
    std::string big = kEvent;
    big.insert(big.size() - 1, ",\"pad\":\"" + std::string(70000, 'x') + "\"");
    const std::string big_csv = "timestamp,message\n1688989659000," + csv_quote(big) + "\n";
    CHECK(detect(big_csv) >= 80);
    const auto big_docs = parse_str(big_csv);
    REQUIRE(big_docs.size() == 1);
    CHECK(big_docs[0]["event"]["id"] == "e-1");
}

TEST_CASE("cloudtrail lake: columns mapped back, JSON text parsed, nothing guessed",
          "[aws][cloudtrail][lake]") {
    const std::string doc = R"({"QueryStatus":"FINISHED","QueryResultRows":[
      [{"eventid":"e-1"},{"EventTime":"2023-07-10 12:20:01.000"},{"eventname":"GetObject"},
       {"useridentity":"{\"type\":\"IAMUser\",\"userName\":\"alice\",\"accountId\":\"123837392027\"}"},
       {"requestparameters":"{bucketName=b, key=k}"},{"resources":" [{\"ARN\":\"arn:aws:s3:::b\"}] "},
       {"sourceipaddress":"=1+2"},{"errormessage":"[not json"},{"readonly":"true"},
       {"mycolumn":"x"},{"n":7},{"z":null}],
      [{"eventtime":"2023-07-10T12:20:01Z"},{"eventname":"X"}],
      [{"eventtime":"10/07/2023 12:20"},{"eventname":"Y"}]
    ]})";
    const auto docs = parse_str(doc);
    REQUIRE(docs.size() == 3);
    const auto& ev = docs[0]["aws"]["cloudtrail"];
    CHECK(ev["eventID"] == "e-1");
    CHECK(ev["eventTime"] == "2023-07-10 12:20:01.000");
    CHECK(ev["userIdentity"]["userName"] == "alice");
    CHECK(ev["requestParameters"] == "{bucketName=b, key=k}");  // Presto text: kept as text
    CHECK(ev["resources"][0]["ARN"] == "arn:aws:s3:::b");
    CHECK(ev["sourceIPAddress"] == "=1+2");  // CSV/formula injection: a string, never evaluated
    CHECK(ev["errorMessage"] == "[not json");
    CHECK(ev["readOnly"] == "true");
    CHECK(ev["mycolumn"] == "x");
    CHECK(ev["n"] == 7);
    CHECK(ev["z"].is_null());
    CHECK(docs[0]["@timestamp"] == "2023-07-10T12:20:01.000Z");
    CHECK(docs[0]["user"]["name"] == "alice");
    CHECK(docs[0]["cloud"]["account"]["id"] == "123837392027");
    CHECK(docs[0]["source"]["address"] == "=1+2");
    CHECK_FALSE(docs[0]["source"].contains("ip"));
    CHECK(docs[0]["event"]["outcome"] == "failure");
    CHECK(docs[0]["evidence"]["record"] == 1);
    std::vector<std::string> keys;
    for (const auto& [k, v] : ev.items()) {
        keys.push_back(k);
    }
    CHECK(std::find(keys.begin(), keys.end(), "eventid") == keys.end());
    CHECK(docs[1]["@timestamp"] == "2023-07-10T12:20:01.000Z");
    // Not an ISO time: the envelope's collection time, the raw value kept.
    CHECK(docs[2]["@timestamp"] == "2026-11-01T12:00:00.000Z");
    CHECK(docs[2]["aws"]["cloudtrail"]["eventTime"] == "10/07/2023 12:20");
    // Pages of results concatenated, and the same page cut at every read boundary.
    const std::string page =
        R"({"QueryStatus":"FINISHED","QueryStatistics":{"ResultsCount":1},"QueryResultRows":[[{"eventid":"a"},{"eventname":"A"}]],"NextToken":"t"})";
    CHECK(parse_str(page + page + "\n" + page).size() == 3);
    TrickleInput trickle(doc);
    const auto slow = parse_input(trickle);
    REQUIRE(slow.size() == docs.size());
    for (size_t i = 0; i < slow.size(); ++i) {
        CHECK(slow[i] == docs[i]);
    }
    // No rows (running, failed): nothing to say.
    CHECK(parse_str(R"({"QueryStatus":"FAILED","ErrorMessage":"bad query"})").empty());
    CHECK(parse_str(R"({"QueryStatus":"FINISHED","QueryResultRows":[]})").empty());
}

TEST_CASE("cloudtrail csv: damaged rows give error records with their line, parsing goes on",
          "[aws][cloudtrail][lake]") {
    const auto docs = render_golden("ct-console-cloudwatch-broken.csv");
    std::vector<std::pair<uint64_t, std::string>> got;
    for (const auto& d : docs) {
        got.emplace_back(d["evidence"]["line"].get<uint64_t>(),
                         d["event"]["dataset"].get<std::string>());
    }
    const std::vector<std::pair<uint64_t, std::string>> want = {
        {2, "aws.cloudtrail"},  {3, "evidenced.error"}, {4, "evidenced.error"},
        {5, "evidenced.error"}, {6, "evidenced.error"}, {7, "evidenced.error"},
        {8, "aws.cloudtrail"},  {10, "aws.cloudtrail"}};  // line 9 repeats the header
    CHECK(got == want);
    CHECK(docs[1]["error"]["message"].get<std::string>().starts_with("invalid JSON"));
    CHECK(docs[2]["error"]["message"] ==
          "unexpected character after a closing quote in a CSV field");
    CHECK(docs[3]["error"]["message"] == "CSV row has 1 fields, the header 2");
    CHECK(docs[6]["user_agent"]["original"] == "=HYPERLINK(\"http://203.0.113.9/x\",\"click\")");
    for (const auto& d : docs) {
        CHECK(d["evidence"]["file"] ==
              "evidence/IR-GOLDEN/golden-host/cloudtrail/ct-console-cloudwatch-broken.csv");
    }

    // Multi-line quoted cells: positions are the line a row starts on; a bad row costs one row.
    const std::string csv =
        "eventid,eventtime,eventname,errormessage\n"
        "a,2023-07-10 12:20:01.000,A,\"two\nlines\"\n"
        "b,2023-07-10 12:20:02.000,B,\"bad\"quote\n"
        "c,2023-07-10 12:20:03.000,C,\n"
        "d,2023-07-10 12:20:04.000,D,\"never closed\n";
    const auto rows = parse_str(csv);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0]["evidence"]["line"] == 2);
    CHECK(rows[0]["aws"]["cloudtrail"]["errorMessage"] == "two\nlines");
    CHECK(rows[1]["evidence"]["line"] == 4);
    CHECK(rows[1]["event"]["dataset"] == "evidenced.error");
    CHECK(rows[2]["evidence"]["line"] == 5);
    CHECK(rows[2]["event"]["id"] == "c");
    CHECK(rows[3]["evidence"]["line"] == 6);
    CHECK(rows[3]["error"]["message"] == "file ends inside a quoted CSV field (truncated?)");
    TrickleInput trickle(csv);
    CHECK(parse_input(trickle) == rows);
}

TEST_CASE("cloudtrail lake/csv: large documents are streamed row by row",
          "[aws][cloudtrail][lake]") {
    constexpr size_t kCount = 20000;
    const auto lake_row = [](size_t i) {
        return R"([{"eventid":"id-)" + std::to_string(i + 1) +
               R"("},{"eventtime":"2023-07-10 12:20:01.000"},{"eventname":"GetObject"},)"
               R"({"useridentity":"{\"type\":\"IAMUser\",\"userName\":\"alice\"}"}])";
    };
    {
        GeneratedInput in(R"({"QueryStatus":"FINISHED","QueryStatistics":{},"QueryResultRows":[)",
                          lake_row, ",", "]}\n", kCount);
        CountSink sink(in);
        const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
        ct().parse(in, ctx, sink);
        CHECK(sink.n == kCount);
        CHECK(sink.ok);
        CHECK(in.total() > 2'000'000);
        CHECK(sink.read_at_first < in.total() / 4);  // rows come out while the input streams
    }
    {
        const auto csv_row = [](size_t i) {
            const std::string ev =
                R"({"eventVersion":"1.08","eventID":"id-)" + std::to_string(i + 1) +
                R"(","eventTime":"2023-07-10T12:20:01Z","eventName":"GetObject"})";
            return "1688991601000," + csv_quote(ev);
        };
        GeneratedInput in("timestamp,message\n", csv_row, "\n", "\n", kCount);
        CountSink sink(in);
        const auto ctx = evidenced::testing::golden_context("m", "cloudtrail");
        ct().parse(in, ctx, sink);
        CHECK(sink.n == kCount);
        CHECK(sink.ok);
        CHECK(sink.read_at_first < in.total() / 4);
    }
}

TEST_CASE("cloudtrail framer: a value cut by the end of the input stays inside the buffer",
          "[aws][cloudtrail][lake]") {
    // Found by fuzz_cloudtrail: the framer compacted its buffer, met the end of the input and
    // kept the old index, so the next scan ran past the data.
    for (const std::string doc : {"[imes", "[1", "{\"Records\":[tru", "[\"a\",x"}) {
        INFO("input " << doc);
        const auto docs = parse_str(doc);
        REQUIRE_FALSE(docs.empty());
        for (const auto& d : docs) {
            CHECK(d["event"]["dataset"] == "evidenced.error");
        }
        CHECK(docs.back()["error"]["message"].get<std::string>().find("truncated") !=
              std::string::npos);
    }
}
