// SHA1_* are deprecated in OpenSSL 3 in favour of EVP, whose per-call overhead is the point.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "parsers/aws/vpcflow.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <simdjson.h>

#include "daemon/common/json_writer.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/aws/aws_common.hpp"
#include "parsers/input.hpp"

namespace evidenced::parsers {

namespace aws {

const std::vector<std::string>& elastic_vpcflow_formats() {
    static const std::vector<std::string> kFormats = [] {
        const std::string v5 =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
            "bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type "
            "pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id "
            "pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";
        const std::string v7 = v5 +
                               " ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn "
                               "ecs-container-instance-id ecs-container-id ecs-second-container-id "
                               "ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id";
        return std::vector<std::string>{v5, v7, v7 + " reject-reason"};
    }();
    return kFormats;
}

std::optional<std::string> community_id(std::string_view src_ip,
                                        std::string_view dst_ip,
                                        unsigned protocol,
                                        unsigned src_port,
                                        unsigned dst_port) {
    auto to_bytes = [](std::string_view ip, unsigned char* out) -> size_t {
        char buf[64];
        if (ip.empty() || ip.size() >= sizeof buf) {
            return 0;
        }
        std::memcpy(buf, ip.data(), ip.size());
        buf[ip.size()] = '\0';
        if (ip.find(':') != std::string_view::npos) {
            return ::inet_pton(AF_INET6, buf, out) == 1 ? 16 : 0;
        }
        return aws::parse_ipv4(ip, out) ? 4 : 0;
    };
    unsigned char s[16];
    unsigned char d[16];
    const size_t sn = to_bytes(src_ip, s);
    const size_t dn = to_bytes(dst_ip, d);
    if (sn == 0 || dn == 0 || protocol > 255) {
        return std::nullopt;
    }
    const bool icmp = protocol == 1 || protocol == 58;
    const bool ports = protocol == 6 || protocol == 17 || protocol == 132 || icmp;
    bool one_way = false;
    if (icmp) {
        // ICMP hashes type and code in the port slots (VPC records carry 0/0 there, as
        // Elastic's processor reads them); a type with a request/reply counterpart takes the
        // counterpart in place of the code, so both directions hash alike.
        if (src_port > 255 || dst_port > 255) {
            return std::nullopt;
        }
        static constexpr std::array<std::pair<unsigned, unsigned>, 10> kV4 = {{{0, 8},
                                                                               {8, 0},
                                                                               {9, 10},
                                                                               {10, 9},
                                                                               {13, 14},
                                                                               {14, 13},
                                                                               {15, 16},
                                                                               {16, 15},
                                                                               {17, 18},
                                                                               {18, 17}}};
        static constexpr std::array<std::pair<unsigned, unsigned>, 12> kV6 = {{{128, 129},
                                                                               {129, 128},
                                                                               {130, 131},
                                                                               {131, 130},
                                                                               {133, 134},
                                                                               {134, 133},
                                                                               {135, 136},
                                                                               {136, 135},
                                                                               {139, 140},
                                                                               {140, 139},
                                                                               {144, 145},
                                                                               {145, 144}}};
        one_way = true;
        auto pair_of = [&](const auto& table) {
            for (const auto& [type, counterpart] : table) {
                if (type == src_port) {
                    dst_port = counterpart;
                    one_way = false;
                }
            }
        };
        if (protocol == 1) {
            pair_of(kV4);
        } else {
            pair_of(kV6);
        }
    }
    // Order the endpoints so both directions of a flow hash alike (one-way ICMP messages
    // keep their order).
    const std::string_view sv(reinterpret_cast<const char*>(s), sn);
    const std::string_view dv(reinterpret_cast<const char*>(d), dn);
    const bool swap = !(one_way || sv < dv || (sv == dv && (!ports || src_port < dst_port)));
    unsigned char msg[2 + 16 + 16 + 2 + 4];
    size_t n = 0;
    msg[n++] = 0;  // seed, big endian
    msg[n++] = 0;
    const unsigned char* a = swap ? d : s;
    const unsigned char* b = swap ? s : d;
    const size_t an = swap ? dn : sn;
    const size_t bn = swap ? sn : dn;
    std::memcpy(msg + n, a, an);
    n += an;
    std::memcpy(msg + n, b, bn);
    n += bn;
    msg[n++] = static_cast<unsigned char>(protocol);
    msg[n++] = 0;
    if (ports) {
        const unsigned pa = swap ? dst_port : src_port;
        const unsigned pb = swap ? src_port : dst_port;
        msg[n++] = static_cast<unsigned char>(pa >> 8);
        msg[n++] = static_cast<unsigned char>(pa & 0xFF);
        msg[n++] = static_cast<unsigned char>(pb >> 8);
        msg[n++] = static_cast<unsigned char>(pb & 0xFF);
    }
    // The low-level SHA1_* on a stack context: OpenSSL 3's one-shot SHA1() fetches the
    // algorithm every call and EVP_Digest* allocate, copy and cleanse a context (288 ns a
    // flow record with EVP_Digest, 119 with a reused EVP context).
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA_CTX sha;
    if (SHA1_Init(&sha) != 1 || SHA1_Update(&sha, msg, n) != 1 || SHA1_Final(digest, &sha) != 1) {
        return std::nullopt;
    }
    unsigned char b64[64];
    const int k = EVP_EncodeBlock(b64, digest, SHA_DIGEST_LENGTH);
    return "1:" + std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(k));
}

}  // namespace aws

namespace {

// How a field's values are checked and what ECS field it feeds.
enum class Kind {
    kAny,
    kUint,
    kIp,
    kPort,
    kProtocol,
    kAction,
    kLogStatus,
    kTcpFlags,
    kType,
    kDirection,
    kEniId,
    kVpcId,
    kSubnetId,
    kInstanceId,
    kTgwId,
};

struct FieldDef {
    std::string_view name;
    Kind kind;
};

// Every field of versions 2-8 (AWS VPC user guide, SPEC.md (c)).
constexpr std::array<FieldDef, 60> kFields = {{
    {"version", Kind::kUint},
    {"account-id", Kind::kAny},
    {"interface-id", Kind::kEniId},
    {"srcaddr", Kind::kIp},
    {"dstaddr", Kind::kIp},
    {"srcport", Kind::kPort},
    {"dstport", Kind::kPort},
    {"protocol", Kind::kProtocol},
    {"packets", Kind::kUint},
    {"bytes", Kind::kUint},
    {"start", Kind::kUint},
    {"end", Kind::kUint},
    {"action", Kind::kAction},
    {"log-status", Kind::kLogStatus},
    {"vpc-id", Kind::kVpcId},
    {"subnet-id", Kind::kSubnetId},
    {"instance-id", Kind::kInstanceId},
    {"tcp-flags", Kind::kTcpFlags},
    {"type", Kind::kType},
    {"pkt-srcaddr", Kind::kIp},
    {"pkt-dstaddr", Kind::kIp},
    {"region", Kind::kAny},
    {"az-id", Kind::kAny},
    {"sublocation-type", Kind::kAny},
    {"sublocation-id", Kind::kAny},
    {"pkt-src-aws-service", Kind::kAny},
    {"pkt-dst-aws-service", Kind::kAny},
    {"flow-direction", Kind::kDirection},
    {"traffic-path", Kind::kUint},
    {"resource-type", Kind::kAny},
    {"tgw-id", Kind::kTgwId},
    {"tgw-attachment-id", Kind::kTgwId},
    {"tgw-src-vpc-account-id", Kind::kAny},
    {"tgw-dst-vpc-account-id", Kind::kAny},
    {"tgw-src-vpc-id", Kind::kVpcId},
    {"tgw-dst-vpc-id", Kind::kVpcId},
    {"tgw-src-subnet-id", Kind::kSubnetId},
    {"tgw-dst-subnet-id", Kind::kSubnetId},
    {"tgw-src-eni", Kind::kEniId},
    {"tgw-dst-eni", Kind::kEniId},
    {"tgw-src-az-id", Kind::kAny},
    {"tgw-dst-az-id", Kind::kAny},
    {"tgw-pair-attachment-id", Kind::kTgwId},
    {"packets-lost-no-route", Kind::kUint},
    {"packets-lost-blackhole", Kind::kUint},
    {"packets-lost-mtu-exceeded", Kind::kUint},
    {"packets-lost-ttl-expired", Kind::kUint},
    {"ecs-cluster-arn", Kind::kAny},
    {"ecs-cluster-name", Kind::kAny},
    {"ecs-container-instance-arn", Kind::kAny},
    {"ecs-container-instance-id", Kind::kAny},
    {"ecs-container-id", Kind::kAny},
    {"ecs-second-container-id", Kind::kAny},
    {"ecs-service-name", Kind::kAny},
    {"ecs-task-definition-arn", Kind::kAny},
    {"ecs-task-arn", Kind::kAny},
    {"ecs-task-id", Kind::kAny},
    {"reject-reason", Kind::kAny},
    {"resource-id", Kind::kAny},
    {"encryption-status", Kind::kAny},
}};

const FieldDef* find_field(std::string_view name) {
    for (const FieldDef& f : kFields) {
        if (f.name == name) {
            return &f;
        }
    }
    return nullptr;
}

constexpr size_t kMaxFields = 128;

size_t split_fields(std::string_view line,
                    std::array<std::string_view, kMaxFields>& out,
                    bool& too_many) {
    size_t n = 0;
    too_many = false;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        if (i >= line.size()) {
            break;
        }
        const size_t s = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        if (n == kMaxFields) {
            too_many = true;
            return n;
        }
        out[n++] = line.substr(s, i - s);
    }
    return n;
}

// Column of a resolved format.
struct Column {
    std::string name;  // AWS name ("account-id")
    std::string key;   // aws.vpcflow key ("account_id")
    Kind kind = Kind::kAny;
};

struct Format {
    std::vector<Column> columns;
    // Index of each ECS-relevant field, -1 when the format lacks it.
    int srcaddr = -1, dstaddr = -1, srcport = -1, dstport = -1, protocol = -1, packets = -1,
        bytes = -1, start = -1, end = -1, action = -1, account = -1, instance = -1, region = -1,
        az = -1, direction = -1, tcp_flags = -1, reject_reason = -1, cluster_arn = -1,
        cluster_name = -1, ci_arn = -1, ci_id = -1, service_name = -1, sublocation_type = -1,
        sublocation_id = -1;
};

Format make_format(const std::vector<std::string_view>& names) {
    Format f;
    f.columns.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
        Column c;
        c.name.assign(names[i]);
        // Elastic's names where they are not the AWS name in snake_case; sublocation-type/-id
        // go to the sublocation object.
        if (c.name == "pkt-src-aws-service") {
            c.key = "pkt_src_service";
        } else if (c.name == "pkt-dst-aws-service") {
            c.key = "pkt_dst_service";
        } else {
            c.key = c.name;
            std::replace(c.key.begin(), c.key.end(), '-', '_');
        }
        const FieldDef* def = find_field(names[i]);
        c.kind = def != nullptr ? def->kind : Kind::kAny;
        const int idx = static_cast<int>(i);
        const std::string_view n = names[i];
        if (n == "srcaddr")
            f.srcaddr = idx;
        else if (n == "dstaddr")
            f.dstaddr = idx;
        else if (n == "srcport")
            f.srcport = idx;
        else if (n == "dstport")
            f.dstport = idx;
        else if (n == "protocol")
            f.protocol = idx;
        else if (n == "packets")
            f.packets = idx;
        else if (n == "bytes")
            f.bytes = idx;
        else if (n == "start")
            f.start = idx;
        else if (n == "end")
            f.end = idx;
        else if (n == "action")
            f.action = idx;
        else if (n == "account-id")
            f.account = idx;
        else if (n == "instance-id")
            f.instance = idx;
        else if (n == "region")
            f.region = idx;
        else if (n == "az-id")
            f.az = idx;
        else if (n == "flow-direction")
            f.direction = idx;
        else if (n == "tcp-flags")
            f.tcp_flags = idx;
        else if (n == "reject-reason")
            f.reject_reason = idx;
        else if (n == "ecs-cluster-arn")
            f.cluster_arn = idx;
        else if (n == "ecs-cluster-name")
            f.cluster_name = idx;
        else if (n == "ecs-container-instance-arn")
            f.ci_arn = idx;
        else if (n == "ecs-container-instance-id")
            f.ci_id = idx;
        else if (n == "ecs-service-name")
            f.service_name = idx;
        else if (n == "sublocation-type")
            f.sublocation_type = idx;
        else if (n == "sublocation-id")
            f.sublocation_id = idx;
        f.columns.push_back(std::move(c));
    }
    return f;
}

Format format_from_string(std::string_view header) {
    std::array<std::string_view, kMaxFields> tok;
    bool too_many;
    const size_t n = split_fields(header, tok, too_many);
    return make_format(std::vector<std::string_view>(tok.begin(), tok.begin() + n));
}

const Format& default_v2() {
    static const Format kV2 = format_from_string(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
        "start end action log-status");
    return kV2;
}

// The Transit Gateway flow log default format (AWS VPC user guide; Elastic's 36-field layout).
const Format& default_tgw() {
    static const Format kTgw = format_from_string(
        "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "
        "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id "
        "tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id "
        "tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start "
        "end log-status type packets-lost-no-route packets-lost-blackhole "
        "packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction "
        "pkt-src-aws-service pkt-dst-aws-service");
    return kTgw;
}

const std::vector<Format>& builtin_formats() {
    static const std::vector<Format> kFormats = [] {
        std::vector<Format> v;
        for (const auto& s : aws::elastic_vpcflow_formats()) {
            v.push_back(format_from_string(s));
        }
        return v;
    }();
    return kFormats;
}

bool is_header_token(std::string_view t) {
    if (t.empty() || t.front() < 'a' || t.front() > 'z') {
        return false;
    }
    for (char c : t) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

// A header names fields: every token an identifier, and at least half of them known.
bool is_header(const std::string_view* tok, size_t n) {
    if (n == 0) {
        return false;
    }
    size_t known = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!is_header_token(tok[i])) {
            return false;
        }
        if (find_field(tok[i]) != nullptr) {
            ++known;
        }
    }
    return known * 2 >= n;
}

bool check_value(Kind k, std::string_view v) {
    if (v == "-") {
        return true;
    }
    switch (k) {
        case Kind::kAny: return true;
        case Kind::kUint: return aws::parse_uint(v).has_value();
        case Kind::kIp: return aws::is_ip(v);
        case Kind::kPort: {
            const auto p = aws::parse_uint(v);
            return p && *p <= 65535;
        }
        case Kind::kProtocol: {
            const auto p = aws::parse_uint(v);
            return p && *p <= 255;
        }
        case Kind::kTcpFlags: {
            const auto p = aws::parse_uint(v);
            return p && *p <= 0xFFFF;
        }
        case Kind::kAction: return v == "ACCEPT" || v == "REJECT";
        case Kind::kLogStatus: return v == "OK" || v == "NODATA" || v == "SKIPDATA";
        case Kind::kType: return v == "IPv4" || v == "IPv6" || v == "EFA";
        case Kind::kDirection: return v == "ingress" || v == "egress";
        case Kind::kEniId: return v.starts_with("eni-");
        case Kind::kVpcId: return v.starts_with("vpc-");
        case Kind::kSubnetId: return v.starts_with("subnet-");
        case Kind::kInstanceId: return v.starts_with("i-");
        case Kind::kTgwId: return v.starts_with("tgw-");
    }
    return false;
}

// Empty when every value type-checks, else the first offending column's description.
std::string type_check(const Format& f, const std::string_view* tok) {
    for (size_t i = 0; i < f.columns.size(); ++i) {
        if (!check_value(f.columns[i].kind, tok[i])) {
            return "field " + f.columns[i].name + " has an invalid value";
        }
    }
    return {};
}

// "2018-09-22T20:28:14.000Z " (CloudWatch Logs export) at the start of a line.
std::string_view strip_cloudwatch_prefix(std::string_view line) {
    if (line.size() > 20 && line[4] == '-' && line[7] == '-' && line[10] == 'T') {
        const size_t sp = line.find(' ');
        if (sp != std::string_view::npos && sp <= 35 &&
            aws::normalize_iso8601(line.substr(0, sp))) {
            line.remove_prefix(sp + 1);
        }
    }
    return line;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// Unwraps {"message":"<flow line>"} (CloudWatch/Firehose JSON wrappers) into `out`.
bool unwrap_message(std::string_view line, simdjson::dom::parser& parser, std::string& out) {
    simdjson::padded_string padded(line);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
        return false;
    }
    std::string_view msg;
    if (root["message"].get(msg) != simdjson::SUCCESS) {
        return false;
    }
    out.assign(msg);
    return true;
}

const char* transport_name(uint64_t p) {
    switch (p) {
        case 0: return "hopopt";
        case 1: return "icmp";
        case 2: return "igmp";
        case 6: return "tcp";
        case 8: return "egp";
        case 17: return "udp";
        case 47: return "gre";
        case 50: return "esp";
        case 51: return "ah";
        case 58: return "ipv6-icmp";
        case 112: return "vrrp";
        case 132: return "sctp";
        default: return nullptr;
    }
}

// Epoch seconds, or milliseconds when the value is too large to be seconds (past year 5000).
std::string epoch_to_iso(uint64_t v) {
    const auto ms = v >= 100000000000ULL ? static_cast<int64_t>(v) : static_cast<int64_t>(v) * 1000;
    return aws::format_epoch_ms(ms);
}

// ---- CloudWatch Logs document shapes -----------------------------------------------------

// How a file delivers its flow lines, told by its first non-blank line.
enum class Shape {
    kText,  // S3 objects, CreateExportTask lines, {"message":...} lines
    kJson,  // filter-log-events / get-log-events output, subscription (Firehose) payloads
    kCsv,   // CloudWatch console "Download as CSV"
};

std::string_view strip_bom(std::string_view s) {
    if (s.starts_with("\xEF\xBB\xBF")) {
        s.remove_prefix(3);
    }
    return s;
}

// Keys of the CloudWatch Logs API and subscription documents whose event array is walked.
bool is_cwl_wrapper_key(std::string_view k) {
    return k == "events" || k == "logEvents" || k == "messageType" || k == "owner" ||
           k == "logGroup" || k == "logStream" || k == "subscriptionFilters" ||
           k == "searchedLogStreams" || k == "nextToken" || k == "nextForwardToken" ||
           k == "nextBackwardToken";
}

bool is_csv_header(std::string_view line) {
    line = trim(strip_bom(line));
    return line == "timestamp,message" || line == "\"timestamp\",\"message\"";
}

Shape sniff_shape(std::string_view first_line) {
    if (is_csv_header(first_line)) {
        return Shape::kCsv;
    }
    std::string_view l = trim(strip_bom(first_line));
    if (l.starts_with("[")) {
        return Shape::kJson;  // a bare array of events (jq '.events')
    }
    if (!l.starts_with("{")) {
        return Shape::kText;
    }
    l = trim(l.substr(1));
    if (l.empty()) {
        return Shape::kJson;  // pretty-printed: "{" alone on the first line
    }
    if (l.front() != '"') {
        return Shape::kText;
    }
    const size_t q = l.find('"', 1);
    return q != std::string_view::npos && is_cwl_wrapper_key(l.substr(1, q - 1)) ? Shape::kJson
                                                                                 : Shape::kText;
}

// One row of the console CSV: `<epoch ms>,<message>`, either field bare or CSV-quoted ("" is
// one quote).  Sets `msg` (a view into `row` or `buf`); false when the row is not one.
bool csv_message(std::string_view row, std::string& buf, std::string_view& msg) {
    size_t i = 0;
    auto field = [&](std::string_view& out, bool last) -> bool {
        if (i < row.size() && row[i] == '"') {
            const size_t start = ++i;
            bool escaped = false;
            for (;;) {
                const size_t q = row.find('"', i);
                if (q == std::string_view::npos) {
                    return false;  // unterminated quote
                }
                if (q + 1 < row.size() && row[q + 1] == '"') {
                    escaped = true;
                    i = q + 2;
                    continue;
                }
                out = row.substr(start, q - start);
                i = q + 1;
                break;
            }
            if (escaped) {
                buf.clear();
                for (size_t k = 0; k < out.size(); ++k) {
                    buf.push_back(out[k]);
                    if (out[k] == '"') {
                        ++k;  // the second quote of a pair
                    }
                }
                out = buf;
            }
            return true;
        }
        const size_t end = last ? row.size() : row.find(',', i);
        if (end == std::string_view::npos) {
            return false;
        }
        out = row.substr(i, end - i);
        if (out.find('"') != std::string_view::npos) {
            return false;
        }
        i = end;
        return true;
    };
    std::string_view ts;
    if (!field(ts, false) || ts.empty() || !aws::parse_uint(ts) || i >= row.size() ||
        row[i] != ',') {
        return false;
    }
    ++i;
    if (!field(msg, true)) {
        return false;
    }
    return trim(row.substr(i)).empty();
}

// Hands the lines of an Input (after `prefix`, the bytes already taken from it) out again
// as raw bytes, so JsonFramer can take over once the first line has shown a JSON document:
// Input does not allow mixing next_line() and read().
class LineReplay final : public ByteStreamInput {
public:
    LineReplay(Input& in, std::string prefix)
        : in_(in), prefix_(std::move(prefix)), pending_(prefix_) {}

    size_t read(char* buf, size_t n) override {
        size_t k = 0;
        while (k < n) {
            if (pending_.empty()) {
                if (newline_) {
                    buf[k++] = '\n';
                    newline_ = false;
                    continue;
                }
                const auto line = in_.next_line();
                if (!line) {
                    break;
                }
                pending_ = *line;
                newline_ = !in_.truncated();  // a long line comes in pieces: join them
                continue;
            }
            const size_t m = std::min(n - k, pending_.size());
            std::memcpy(buf + k, pending_.data(), m);
            pending_.remove_prefix(m);
            k += m;
        }
        return k;
    }

private:
    Input& in_;
    std::string prefix_;
    std::string_view pending_;
    bool newline_ = false;
};

// Walks CloudWatch Logs documents with a JsonFramer: `on_element(p, len)` gets each element
// of an `events`/`logEvents` array (a padded, framed JSON value), or a whole top-level
// object that is no wrapper ({"message":...}).  CONTROL_MESSAGE payloads are skipped.
// Structural damage throws aws::JsonFrameError; what was handed out before stays.
template <class OnElement>
class CwlWalker {
public:
    explicit CwlWalker(OnElement& on_element) : on_element_(on_element) {}

    // The document at f.pos() (whose first byte `c` is '{' or '['; the mark is at it).
    void document(aws::JsonFramer& f, int c) {
        if (c == '[') {
            f.consume();
            array(f, true);
        } else {
            object(f);
        }
    }

private:
    void object(aws::JsonFramer& f) {
        f.consume();
        int c = f.peek();
        if (c != '"') {
            // Not a wrapper ({} or damage): hand the whole value over as one element.
            f.set_pos(f.mark());
            element(f);
            return;
        }
        size_t ks;
        size_t ke;
        f.frame_value(ks, ke);
        std::string key(f.data() + ks + 1, ke - ks - 2);
        if (!is_cwl_wrapper_key(key)) {
            f.set_pos(f.mark());
            element(f);
            return;
        }
        bool control = false;
        for (;;) {
            c = f.peek();
            if (c != ':') {
                throw aws::JsonFrameError{
                    c < 0 ? "file ends inside a JSON object (truncated?)" : "malformed JSON object",
                    c < 0};
            }
            f.consume();
            c = f.peek();
            if (c < 0) {
                throw aws::JsonFrameError{"file ends inside a JSON object (truncated?)", true};
            }
            if (c == '[' && (key == "events" || key == "logEvents")) {
                f.consume();
                array(f, !control);
            } else {
                size_t s;
                size_t e;
                f.set_mark(f.pos());
                f.frame_value(s, e);
                if (key == "messageType" &&
                    std::string_view(f.data() + s, e - s) == "\"CONTROL_MESSAGE\"") {
                    control = true;
                }
            }
            c = f.peek();
            if (c == '}') {
                f.consume();
                return;
            }
            if (c != ',') {
                if (c < 0) {
                    throw aws::JsonFrameError{"file ends inside a JSON object (truncated?)", true};
                }
                throw aws::JsonFrameError{"malformed JSON object"};
            }
            f.consume();
            c = f.peek();
            if (c != '"') {
                throw aws::JsonFrameError{
                    c < 0 ? "file ends inside a JSON object (truncated?)" : "malformed JSON object",
                    c < 0};
            }
            f.set_mark(f.pos());
            f.frame_value(ks, ke);
            key.assign(f.data() + ks + 1, ke - ks - 2);
        }
    }

    void array(aws::JsonFramer& f, bool emit) {
        int c = f.peek();
        if (c == ']') {
            f.consume();
            return;
        }
        for (;;) {
            if (c < 0) {
                throw aws::JsonFrameError{"file ends inside a JSON array (truncated?)", true};
            }
            f.set_mark(f.pos());
            if (emit) {
                element(f);
            } else {
                size_t s;
                size_t e;
                f.frame_value(s, e);
            }
            c = f.peek();
            if (c == ']') {
                f.consume();
                return;
            }
            if (c != ',') {
                if (c < 0) {
                    throw aws::JsonFrameError{"file ends inside a JSON array (truncated?)", true};
                }
                throw aws::JsonFrameError{"malformed JSON array"};
            }
            f.consume();
            c = f.peek();
        }
    }

    void element(aws::JsonFramer& f) {
        size_t s;
        size_t e;
        f.frame_value(s, e);
        on_element_(f.data() + s, e - s);
    }

    OnElement& on_element_;
};

// The "message" of one framed CloudWatch Logs event, or the reason it has none.
const char* event_message(simdjson::dom::parser& parser,
                          const char* p,
                          size_t len,
                          std::string_view& msg,
                          simdjson::error_code& err) {
    simdjson::dom::element root;
    err = parser.parse(p, len, false).get(root);
    if (err != simdjson::SUCCESS) {
        return "invalid JSON";
    }
    simdjson::dom::object obj;
    if (root.get(obj) != simdjson::SUCCESS) {
        return "expected a JSON object (a CloudWatch Logs event)";
    }
    // "body": OpenSearch/OpenTelemetry documents keep the raw flow line there (SPEC (a) #10).
    if (obj["message"].get(msg) != simdjson::SUCCESS && obj["body"].get(msg) != simdjson::SUCCESS) {
        return "CloudWatch Logs event without a \"message\" string";
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) {
        msg.remove_suffix(1);
    }
    if (trim(msg).empty()) {
        return "CloudWatch Logs event with an empty message";
    }
    return nullptr;
}

class Session {
public:
    Session(const ParseContext& ctx, RecordSink& sink) : sink_(sink) {
        const std::vector<std::string>& fmts = ctx.settings != nullptr
                                                   ? ctx.settings->vpcflow_formats
                                                   : aws::elastic_vpcflow_formats();
        for (const auto& s : fmts) {
            configured_.push_back(format_from_string(s));
        }
    }

    void run(Input& in) {
        // The first non-blank line tells the delivery shape.
        std::optional<std::string_view> raw;
        uint64_t blank = 0;
        while ((raw = in.next_line())) {
            if (in.truncated() || !trim(*raw).empty()) {
                break;
            }
            ++blank;
        }
        if (!raw) {
            return;
        }
        if (blank == 0 && raw->starts_with("PAR1")) {
            sink_.emit(make_error_record(
                1, false,
                "unsupported format: Parquet (VPC flow logs in Parquet are kept raw in "
                "the evidence tree, not parsed)",
                {}));
            return;
        }
        switch (sniff_shape(*raw)) {
            case Shape::kJson: {
                std::string prefix(blank, '\n');
                prefix.append(*raw);
                if (!in.truncated()) {
                    prefix.push_back('\n');
                }
                LineReplay replay(in, std::move(prefix));
                run_json(replay);
                return;
            }
            case Shape::kCsv: lines<true>(in, raw); return;
            case Shape::kText: lines<false>(in, raw); return;
        }
    }

private:
    // The line loop (the hot path of S3 text delivery), from the already-read line `raw` on.
    template <bool kCsv>
    void lines(Input& in, std::optional<std::string_view> raw) {
        do {
            const uint64_t line_no = in.line_number();
            if (in.truncated()) {
                sink_.emit(make_error_record(line_no, true, "line longer than 1 MiB", *raw));
                while (in.truncated()) {
                    if (!in.next_line()) {
                        return;
                    }
                }
                continue;
            }
            if constexpr (kCsv) {
                csv_line(*raw, line_no);
            } else {
                handle_line(*raw, line_no);
            }
        } while ((raw = in.next_line()));
    }

    // The CloudWatch shapes' entry points are cold: otherwise the inliner spends its budget
    // on them and stops inlining emit()'s helpers into the S3 text loop, the benchmark's hot
    // path (callgrind, 30k default-format lines: +0.9% instructions without, -0.1% with).
    [[gnu::cold]] void csv_line(std::string_view raw, uint64_t line_no) {
        const std::string_view row = trim(raw);
        if (row.empty() || is_csv_header(row)) {
            return;
        }
        std::string_view msg;
        if (!csv_message(row, csv_buf_, msg)) {
            error(line_no, "CSV row is not <epoch ms>,<message> (CloudWatch console download)",
                  raw);
            return;
        }
        if (trim(msg).empty()) {
            error(line_no, "CSV row with an empty message", raw);
            return;
        }
        handle_line(msg, line_no);
    }

    // filter-log-events / get-log-events output and subscription payloads: each event's
    // message is one flow line, positioned by its 1-based element index (evidence.record).
    [[gnu::cold]] void run_json(Input& in) {
        aws::JsonFramer f(in);
        auto on_element = [this](const char* p, size_t len) { json_element(p, len); };
        CwlWalker<decltype(on_element)> walker(on_element);
        bool damaged = false;  // a document broke: its leftover lines are not news
        uint64_t skipped = 0;
        uint64_t first_skipped = 0;
        auto flush_skipped = [&] {
            if (skipped > 0) {
                error_at(first_skipped, true,
                         std::to_string(skipped) +
                             " lines skipped: they continue a damaged JSON document",
                         {});
            }
            skipped = 0;
            damaged = false;
        };
        for (;;) {
            try {
                const int c = f.peek();
                if (c < 0) {
                    break;
                }
                f.set_mark(f.pos());
                const uint64_t line = f.line_at(f.pos());
                if (c == '{' || c == '[') {
                    flush_skipped();
                    walker.document(f, c);
                    continue;
                }
                size_t s;
                size_t e;
                f.frame_line(s, e);
                if (damaged) {
                    if (skipped++ == 0) {
                        first_skipped = line;
                    }
                    continue;
                }
                error_at(line, true, "not JSON (a CloudWatch Logs document was expected)",
                         std::string_view(f.data() + s, e - s));
            } catch (const aws::JsonFrameError& err) {
                flush_skipped();
                error_at(f.line_at(f.pos()), true, err.reason, {});
                if (err.at_end) {
                    break;  // the rest of the input is the cut value
                }
                damaged = true;
                try {
                    f.skip_line();
                } catch (const aws::JsonFrameError&) {
                    break;
                }
            }
        }
        flush_skipped();
    }

    [[gnu::cold]] void json_element(const char* p, size_t len) {
        const uint64_t position = ++record_index_;
        std::string_view msg;
        simdjson::error_code err = simdjson::SUCCESS;
        if (const char* why = event_message(event_json_, p, len, msg, err)) {
            std::string reason(why);
            if (err != simdjson::SUCCESS) {
                reason.append(": ").append(simdjson::error_message(err));
            }
            error_at(position, false, reason, std::string_view(p, len));
            return;
        }
        by_line_ = false;
        handle_line(msg, position);
        by_line_ = true;
    }

    void error_at(uint64_t position,
                  bool by_line,
                  const std::string& reason,
                  std::string_view excerpt) {
        sink_.emit(make_error_record(position, by_line, reason, excerpt));
    }

    void handle_line(std::string_view raw, uint64_t line_no) {
        std::string_view line = trim(raw);
        if (line.empty()) {
            return;
        }
        if (line.front() == '{') {
            if (!unwrap_message(line, json_, unwrapped_)) {
                error(line_no, "JSON line without a \"message\" string", raw);
                return;
            }
            line = trim(unwrapped_);
        }
        line = trim(strip_cloudwatch_prefix(line));
        if (line.empty()) {
            return;
        }
        bool too_many;
        const size_t n = split_fields(line, tok_, too_many);
        if (too_many) {
            error(line_no, "more than 128 fields", raw);
            return;
        }
        if (is_header(tok_.data(), n)) {
            header_.assign(tok_.begin(), tok_.begin() + n);
            header_format_ = make_format(header_);
            has_header_ = true;
            return;
        }
        const Format* fmt = nullptr;
        std::string why;
        if (has_header_) {
            if (n != header_format_.columns.size()) {
                error(line_no,
                      "line has " + std::to_string(n) + " fields but the header names " +
                          std::to_string(header_format_.columns.size()),
                      raw);
                return;
            }
            why = type_check(header_format_, tok_.data());
            if (!why.empty()) {
                error(line_no, "value does not fit the header's format: " + why, raw);
                return;
            }
            fmt = &header_format_;
        } else {
            if (n == 14 && tok_[0] == "2") {
                why = type_check(default_v2(), tok_.data());
                if (why.empty()) {
                    fmt = &default_v2();
                }
            } else if (n == default_tgw().columns.size() && tok_[3].starts_with("tgw-")) {
                why = type_check(default_tgw(), tok_.data());
                if (why.empty()) {
                    fmt = &default_tgw();
                }
            }
            for (size_t i = 0; fmt == nullptr && i < configured_.size(); ++i) {
                if (configured_[i].columns.size() != n) {
                    continue;
                }
                const std::string w = type_check(configured_[i], tok_.data());
                if (w.empty()) {
                    fmt = &configured_[i];
                } else if (why.empty()) {
                    why = w;
                }
            }
            if (fmt == nullptr) {
                error(line_no,
                      why.empty() ? "no VPC flow log format with " + std::to_string(n) +
                                        " fields (no header line; see vpcflow.formats)"
                                  : "no VPC flow log format fits: " + why,
                      raw);
                return;
            }
        }
        emit(*fmt, line_no);
    }

    void error(uint64_t position, const std::string& reason, std::string_view excerpt) {
        sink_.emit(make_error_record(position, by_line_, reason, excerpt));
    }

    std::string_view val(int idx) const {
        if (idx < 0) {
            return {};
        }
        const std::string_view v = tok_[static_cast<size_t>(idx)];
        return v == "-" ? std::string_view() : v;
    }

    void emit(const Format& f, uint64_t position) {
        Record& r = rec_;
        r.clear();
        r.dataset = "aws.vpcflow";
        r.position = position;
        r.by_line = by_line_;

        const std::string_view action = val(f.action);
        const std::string_view start = val(f.start);
        const std::string_view end = val(f.end);
        const std::string_view reason = val(f.reject_reason);
        std::optional<uint64_t> end_v = end.empty() ? std::nullopt : aws::parse_uint(end);
        std::optional<uint64_t> start_v = start.empty() ? std::nullopt : aws::parse_uint(start);
        if (end_v) {
            r.timestamp = epoch_to_iso(*end_v);
        }
        {
            aws::FastWriter e(r.event_fields);
            e.resume_object(false);
            e.opt_str("action", action);
            e.raw("category", R"(["network"])");
            e.raw("type", action == "REJECT" ? R"(["connection","denied"])" : R"(["connection"])");
            if (action == "ACCEPT") {
                e.str("outcome", "success");
            } else if (action == "REJECT") {
                e.str("outcome", "failure");
            }
            if (start_v) {
                e.str("start", epoch_to_iso(*start_v));
            }
            if (end_v) {
                e.str("end", r.timestamp);
            }
            e.opt_str("reason", reason);
        }

        aws::FastWriter b(r.body);
        b.resume_object(false);
        b.begin_object("aws").begin_object("vpcflow");
        for (size_t i = 0; i < f.columns.size(); ++i) {
            const std::string_view v = tok_[i];
            const int idx = static_cast<int>(i);
            if (v != "-" && idx != f.sublocation_type && idx != f.sublocation_id) {
                b.str(f.columns[i].key, v);
            }
        }
        const std::string_view sub_type = val(f.sublocation_type);
        const std::string_view sub_id = val(f.sublocation_id);
        b.opt_object("sublocation", {{"type", sub_type}, {"id", sub_id}});
        const std::string_view flags = val(f.tcp_flags);
        if (!flags.empty()) {
            const uint64_t fl = aws::parse_uint(flags).value_or(0);
            static constexpr std::array<std::string_view, 6> kNames = {"fin", "syn", "rst",
                                                                       "psh", "ack", "urg"};
            b.begin_array("tcp_flags_array");
            for (size_t bit = 0; bit < kNames.size(); ++bit) {
                if ((fl >> bit) & 1U) {
                    b.value_str(kNames[bit]);
                }
            }
            b.end_array();
        }
        b.end_object().end_object();

        const std::string_view account = val(f.account);
        const std::string_view instance = val(f.instance);
        const std::string_view region = val(f.region);
        const std::string_view az = val(f.az);
        b.begin_object("cloud").str("provider", "aws");
        b.opt_object("account", {{"id", account}});
        b.opt_object("instance", {{"id", instance}});
        b.opt_str("region", region);
        b.opt_str("availability_zone", az);
        b.end_object();

        const std::string_view src = val(f.srcaddr);
        const std::string_view dst = val(f.dstaddr);
        const std::optional<uint64_t> sport =
            val(f.srcport).empty() ? std::nullopt : aws::parse_uint(val(f.srcport));
        const std::optional<uint64_t> dport =
            val(f.dstport).empty() ? std::nullopt : aws::parse_uint(val(f.dstport));
        const std::optional<uint64_t> packets =
            val(f.packets).empty() ? std::nullopt : aws::parse_uint(val(f.packets));
        const std::optional<uint64_t> bytes =
            val(f.bytes).empty() ? std::nullopt : aws::parse_uint(val(f.bytes));
        if (!src.empty() || sport || packets || bytes) {
            b.begin_object("source");
            if (!src.empty()) {
                b.str("address", src).str("ip", src);
            }
            if (sport) {
                b.num("port", *sport);
            }
            if (packets) {
                b.num("packets", *packets);
            }
            if (bytes) {
                b.num("bytes", *bytes);
            }
            b.end_object();
        }
        if (!dst.empty() || dport) {
            b.begin_object("destination");
            if (!dst.empty()) {
                b.str("address", dst).str("ip", dst);
            }
            if (dport) {
                b.num("port", *dport);
            }
            b.end_object();
        }
        const std::string_view proto = val(f.protocol);
        const std::optional<uint64_t> proto_v =
            proto.empty() ? std::nullopt : aws::parse_uint(proto);
        const std::string_view direction = val(f.direction);
        std::optional<std::string> cid;
        if (proto_v && !src.empty() && !dst.empty()) {
            cid = aws::community_id(src, dst, static_cast<unsigned>(*proto_v),
                                    static_cast<unsigned>(sport.value_or(0)),
                                    static_cast<unsigned>(dport.value_or(0)));
        }
        if (bytes || packets || proto_v || !src.empty() || !direction.empty()) {
            b.begin_object("network");
            if (bytes) {
                b.num("bytes", *bytes);
            }
            if (packets) {
                b.num("packets", *packets);
            }
            if (proto_v) {
                b.str("iana_number", proto);
                if (const char* t = transport_name(*proto_v)) {
                    b.str("transport", t);
                }
            }
            if (!src.empty()) {
                b.str("type", src.find(':') != std::string_view::npos ? "ipv6" : "ipv4");
            }
            b.opt_str("direction", direction);
            if (cid) {
                b.str("community_id", *cid);
            }
            b.end_object();
        }
        const std::string_view cl_arn = val(f.cluster_arn);
        const std::string_view cl_name = val(f.cluster_name);
        const std::string_view ci_arn = val(f.ci_arn);
        const std::string_view ci_id = val(f.ci_id);
        if (!cl_arn.empty() || !cl_name.empty() || !ci_arn.empty() || !ci_id.empty()) {
            b.begin_object("orchestrator");
            b.opt_object("cluster", {{"id", cl_arn}, {"name", cl_name}});
            b.opt_object("resource", {{"id", ci_id}, {"name", ci_arn}});
            b.end_object();
        }
        const std::string_view service = val(f.service_name);
        b.opt_object("service", {{"name", service}});
        if (!src.empty() && !dst.empty()) {
            b.begin_object("related")
                .begin_array("ip")
                .value_str(src)
                .value_str(dst)
                .end_array()
                .end_object();
        }
        sink_.emit(r);
    }

    RecordSink& sink_;
    Record rec_;
    std::vector<Format> configured_;
    std::vector<std::string_view> header_;
    Format header_format_;
    bool has_header_ = false;
    std::array<std::string_view, kMaxFields> tok_{};
    simdjson::dom::parser json_;
    std::string unwrapped_;
    // Position kind of the line being handled: evidence.line, or evidence.record for the
    // elements of a JSON document.
    bool by_line_ = true;
    uint64_t record_index_ = 0;
    simdjson::dom::parser event_json_;  // the JSON events; json_ unwraps {"message":...}
    std::string csv_buf_;
};

// ---- detection and host ----------------------------------------------------------------

// Whether a member path names VPC flow logs: the S3 key (`vpcflowlogs`, Hive
// `aws-service=vpcflowlogs`) or a hand-given name (`flowlogs.txt`, `vpc-flow-log.log`).
bool names_flow_log(std::string_view path) {
    std::string lower(path);
    std::erase_if(lower, [](char c) { return c == '-' || c == '_' || c == ' ' || c == '.'; });
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower.find("flowlog") != std::string::npos;
}

// What the lines of a probe head show, resolving formats as the parser does: how many data
// lines fit, how many do not, and whether a header was seen.
struct ProbeScan {
    size_t ok = 0;
    size_t bad = 0;
    bool header = false;
    bool header_first = false;  // the first non-blank line is a header
    bool wrapped = false;       // a CloudWatch Logs JSON or CSV document
    std::string account;        // account-id of the first line that fits
};

class ProbeScanner {
public:
    // One non-blank flow line (text, CloudWatch export, {"message":...}, or a message).
    void line(std::string_view line) {
        ++seen_;
        if (line.front() == '{') {
            if (!unwrap_message(line, json_, unwrapped_)) {
                ++out_.bad;
                return;
            }
            line = trim(unwrapped_);
        }
        line = trim(strip_cloudwatch_prefix(line));
        bool too_many;
        const size_t n = split_fields(line, tok_, too_many);
        if (too_many || n == 0) {
            ++out_.bad;
            return;
        }
        if (is_header(tok_.data(), n)) {
            // Detection wants a real header: mostly known names, several of them.
            size_t known = 0;
            for (size_t i = 0; i < n; ++i) {
                known += find_field(tok_[i]) != nullptr ? 1 : 0;
            }
            if (known >= 2) {
                out_.header_first = out_.header_first || (seen_ == 1);
                out_.header = true;
                header_fmt_ =
                    make_format(std::vector<std::string_view>(tok_.begin(), tok_.begin() + n));
            } else {
                ++out_.bad;
            }
            return;
        }
        const Format* fmt = nullptr;
        if (header_fmt_) {
            if (header_fmt_->columns.size() == n && type_check(*header_fmt_, tok_.data()).empty()) {
                fmt = &*header_fmt_;
            }
        } else {
            if (n == 14 && tok_[0] == "2" && type_check(default_v2(), tok_.data()).empty()) {
                fmt = &default_v2();
            } else if (n == default_tgw().columns.size() && tok_[3].starts_with("tgw-") &&
                       type_check(default_tgw(), tok_.data()).empty()) {
                fmt = &default_tgw();
            }
            for (const Format& f : builtin_formats()) {
                if (fmt == nullptr && f.columns.size() == n && type_check(f, tok_.data()).empty()) {
                    fmt = &f;
                }
            }
        }
        if (fmt == nullptr) {
            ++out_.bad;
            return;
        }
        ++out_.ok;
        if (out_.account.empty() && fmt->account >= 0) {
            out_.account.assign(tok_[static_cast<size_t>(fmt->account)]);
        }
    }

    size_t seen() const {
        return seen_;
    }
    ProbeScan& result() {
        return out_;
    }

private:
    ProbeScan out_;
    size_t seen_ = 0;
    std::optional<Format> header_fmt_;
    std::array<std::string_view, kMaxFields> tok_{};
    simdjson::dom::parser json_;
    std::string unwrapped_;
};

// A filter-log-events / subscription head: the first event messages (up to the first that
// is not a header) decide.  CloudTrail's messages are JSON events and do not fit.
ProbeScan scan_json_probe(std::string_view head) {
    struct Stop {};
    ProbeScanner scanner;
    simdjson::dom::parser parser;
    auto on_element = [&](const char* p, size_t len) {
        std::string_view msg;
        simdjson::error_code err = simdjson::SUCCESS;
        if (event_message(parser, p, len, msg, err) != nullptr) {
            scanner.result().bad++;
            throw Stop{};
        }
        const std::string_view line = trim(msg);
        const size_t ok = scanner.result().ok;
        const size_t bad = scanner.result().bad;
        scanner.line(line);
        if (scanner.result().ok != ok || scanner.result().bad != bad || scanner.seen() >= 4) {
            throw Stop{};
        }
    };
    MemoryInput in(head);
    aws::JsonFramer f(in);
    CwlWalker<decltype(on_element)> walker(on_element);
    try {
        for (int docs = 0; docs < 16; ++docs) {
            const int c = f.peek();
            if (c != '{' && c != '[') {
                break;
            }
            f.set_mark(f.pos());
            walker.document(f, c);
        }
    } catch (const Stop&) {
    } catch (const aws::JsonFrameError&) {
        // the head ends inside the document: what was seen decides
    }
    scanner.result().wrapped = true;
    return std::move(scanner.result());
}

ProbeScan scan_probe(const FileProbe& probe) {
    std::string_view h = probe.head;
    const bool whole = probe.size <= h.size();
    ProbeScanner scanner;
    bool first = true;
    bool csv = false;
    while (!h.empty() && scanner.seen() < 20) {
        const size_t nl = h.find('\n');
        if (first) {
            const std::string_view l = trim(h.substr(0, nl));
            if (!l.empty()) {
                first = false;
                const Shape shape = sniff_shape(l);
                if (shape == Shape::kJson) {
                    return scan_json_probe(h);
                }
                csv = shape == Shape::kCsv;
            }
        }
        if (nl == std::string_view::npos && !whole) {
            break;  // a cut line proves nothing
        }
        std::string_view line = trim(h.substr(0, nl));
        h.remove_prefix(nl == std::string_view::npos ? h.size() : nl + 1);
        if (line.empty()) {
            continue;
        }
        if (csv) {
            if (is_csv_header(line)) {
                continue;
            }
            // Like the JSON shapes: the first row that is no header decides.
            std::string buf;
            std::string_view msg;
            if (!csv_message(line, buf, msg) || trim(msg).empty()) {
                scanner.result().bad++;
                break;
            }
            scanner.line(trim(msg));
            if (scanner.result().ok > 0 || scanner.result().bad > 0) {
                break;
            }
            continue;
        }
        scanner.line(line);
    }
    scanner.result().wrapped = csv;
    return std::move(scanner.result());
}

class VpcFlow final : public Parser {
public:
    std::string_view name() const override {
        return "aws.vpcflow";
    }
    std::string_view source() const override {
        return "vpcflow";
    }

    int detect(const FileProbe& probe) const override {
        if (probe.head.starts_with("PAR1")) {
            // Parquet: claimed only so the "unsupported format" error is recorded.
            return probe.path.find("vpcflowlogs") != std::string_view::npos ? 30 : 5;
        }
        const ProbeScan s = scan_probe(probe);
        if (s.wrapped) {
            // CloudWatch Logs JSON/CSV: claimed only when its first message is a flow line.
            return s.ok > 0 && s.bad == 0 ? 95 : 0;
        }
        if (s.header_first || (s.header && s.ok >= s.bad)) {
            return 95;
        }
        // Without a header, most lines must type-check against a known layout.
        if (s.ok > 0 && s.ok * 2 >= s.ok + s.bad) {
            return 80;
        }
        // A file the S3 key or its name calls a flow log, with a line that fits: its other
        // lines are damage to report as errors, not text for text.lines to swallow.
        if (s.ok > 0 && names_flow_log(probe.path)) {
            return 60;
        }
        return 0;
    }

    std::optional<std::string> infer_host(const FileProbe& probe) const override {
        if (auto acct = aws::account_from_path(probe.path)) {
            return aws::host_for_account(*acct);
        }
        const ProbeScan s = scan_probe(probe);
        return aws::host_for_account(s.account);
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        Session s(ctx, sink);
        s.run(in);
    }
};

}  // namespace

const Parser& aws_vpcflow_parser() {
    static const VpcFlow kParser;
    return kParser;
}

}  // namespace evidenced::parsers
