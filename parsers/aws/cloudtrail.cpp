#include "parsers/aws/cloudtrail.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "daemon/common/json_writer.hpp"
#include "daemon/common/utf8.hpp"
#include "parsers/aws/aws_common.hpp"
#include "parsers/input.hpp"

namespace evidenced::parsers {

namespace aws {

namespace {

struct Categorization {
    std::string_view action;
    std::string_view category;
    std::string_view type;
};

// Elastic integrations aws.cloudtrail ingest pipeline, "Add ECS categorization" params, as of
// the pipeline that also maps OpenControlChannel/StartSession (session), GetCallerIdentity
// (authentication) and the S3 object calls.  An empty type stands for Elastic's `type: []`,
// which its final drop-empty step removes: such events carry no event.type at all.
// Sorted by action for binary search.
constexpr std::array<Categorization, 91> kCategories = {{
    {"AddUserToGroup", R"(["iam"])", R"(["group","change"])"},
    {"AssumeRole", R"(["authentication"])", R"(["info"])"},
    {"AttachGroupPolicy", R"(["iam"])", R"(["group","change"])"},
    {"AttachRolePolicy", R"(["iam"])", R"(["change"])"},
    {"AttachUserPolicy", R"(["iam"])", R"(["user","change"])"},
    {"AuthorizeSecurityGroupIngress", R"(["network"])", R"(["access"])"},
    {"ChangePassword", R"(["iam"])", R"(["user","change"])"},
    {"ConsoleLogin", R"(["authentication"])", R"(["info"])"},
    {"Converse", R"(["api"])", ""},
    {"CreateAccessKey", R"(["iam"])", R"(["user","change"])"},
    {"CreateBucket", R"(["file"])", R"(["creation"])"},
    {"CreateControlChannel", R"(["session"])", R"(["start"])"},
    {"CreateDataChannel", R"(["session"])", R"(["start"])"},
    {"CreateDocument", R"(["file"])", R"(["creation"])"},
    {"CreateGroup", R"(["iam"])", R"(["group","creation"])"},
    {"CreateKeyPair", R"(["iam"])", R"(["admin","creation"])"},
    {"CreatePolicy", R"(["iam"])", R"(["creation"])"},
    {"CreateTopic", R"(["configuration"])", R"(["creation"])"},
    {"CreateUser", R"(["iam"])", R"(["user","creation"])"},
    {"CreateVirtualMFADevice", R"(["iam"])", R"(["user","change"])"},
    {"DeactivateMFADevice", R"(["iam"])", R"(["user","change"])"},
    {"DeleteAccessKey", R"(["iam"])", R"(["user","change"])"},
    {"DeleteBucket", R"(["file"])", R"(["deletion"])"},
    {"DeleteGroup", R"(["iam"])", R"(["group","deletion"])"},
    {"DeleteGroupPolicy", R"(["iam"])", R"(["group","change"])"},
    {"DeleteObject", R"(["file"])", R"(["delete"])"},
    {"DeleteSSHPublicKey", R"(["iam"])", R"(["user","change"])"},
    {"DeleteTrail", R"(["configuration"])", R"(["deletion"])"},
    {"DeleteUser", R"(["iam"])", R"(["user","deletion"])"},
    {"DeleteUserPermissionsBoundary", R"(["iam"])", R"(["user","change"])"},
    {"DeleteUserPolicy", R"(["iam"])", R"(["user","change"])"},
    {"DeleteVirtualMFADevice", R"(["iam"])", R"(["user","change"])"},
    {"DescribeDBInstances", R"(["database"])", R"(["info"])"},
    {"DescribeInstances", R"(["host"])", R"(["info"])"},
    {"DescribeLoadBalancers", R"(["network"])", R"(["info"])"},
    {"DescribeNetworkAcls", R"(["network"])", R"(["info"])"},
    {"DescribeNetworkInterfaces", R"(["network"])", R"(["info"])"},
    {"DescribeRegions", R"(["api"])", R"(["info"])"},
    {"DescribeSecurityGroups", R"(["network"])", R"(["info"])"},
    {"DescribeTrails", R"(["configuration"])", R"(["info"])"},
    {"DescribeVolumes", R"(["host"])", R"(["info"])"},
    {"DescribeVpcs", R"(["network"])", R"(["info"])"},
    {"DetachGroupPolicy", R"(["iam"])", R"(["group","change"])"},
    {"DetachUserPolicy", R"(["iam"])", R"(["user","change"])"},
    {"EnableMFADevice", R"(["iam"])", R"(["user","change"])"},
    {"GetCallerIdentity", R"(["authentication"])", R"(["info"])"},
    {"GetGroup", R"(["iam"])", R"(["group","info"])"},
    {"GetGroupPolicy", R"(["iam"])", R"(["group","info"])"},
    {"GetObject", R"(["file"])", R"(["info"])"},
    {"GetPolicy", R"(["iam"])", R"(["info"])"},
    {"GetUser", R"(["iam"])", R"(["user","info"])"},
    {"GetUserPolicy", R"(["iam"])", R"(["user","info"])"},
    {"HeadObject", R"(["file"])", R"(["info"])"},
    {"ListAttachedGroupPolicies", R"(["iam"])", R"(["group","info"])"},
    {"ListAttachedRolePolicies", R"(["iam"])", R"(["info"])"},
    {"ListAttachedUserPolicies", R"(["iam"])", R"(["user","info"])"},
    {"ListBuckets", R"(["file"])", R"(["info"])"},
    {"ListFunctions", R"(["package"])", R"(["info"])"},
    {"ListGroupPolicies", R"(["iam"])", R"(["group","info"])"},
    {"ListGroups", R"(["iam"])", R"(["group","info"])"},
    {"ListGroupsForUser", R"(["iam"])", R"(["user","info"])"},
    {"ListInstanceAssociations", R"(["host"])", R"(["info"])"},
    {"ListObjects", R"(["file"])", R"(["info"])"},
    {"ListRoles", R"(["iam"])", R"(["info"])"},
    {"ListTables", R"(["database"])", R"(["info"])"},
    {"ListUserPolicies", R"(["iam"])", R"(["user","info"])"},
    {"ListUserTags", R"(["iam"])", R"(["user","info"])"},
    {"ListUsers", R"(["iam"])", R"(["user","info"])"},
    {"OpenControlChannel", R"(["session"])", R"(["start"])"},
    {"OpenDataChannel", R"(["session"])", R"(["start"])"},
    {"Publish", R"(["api"])", ""},
    {"PutGroupPolicy", R"(["iam"])", R"(["group","change"])"},
    {"PutObject", R"(["file"])", R"(["change"])"},
    {"PutUserPermissionsBoundary", R"(["iam"])", R"(["user","change"])"},
    {"PutUserPolicy", R"(["iam"])", R"(["user","change"])"},
    {"RemoveUserFromGroup", R"(["iam"])", R"(["group","change"])"},
    {"SendCommand", R"(["process"])", ""},
    {"SetDefaultPolicyVersion", R"(["iam"])", R"(["admin","change"])"},
    {"SetSecurityTokenServicePreferences", R"(["iam"])", R"(["admin","change"])"},
    {"StartSession", R"(["session"])", R"(["start"])"},
    {"Subscribe", R"(["configuration"])", R"(["change"])"},
    {"TagUser", R"(["iam"])", R"(["user","change"])"},
    {"TerminateSession", R"(["session"])", R"(["end"])"},
    {"UntagUser", R"(["iam"])", R"(["user","change"])"},
    {"UpdateAccessKey", R"(["iam"])", R"(["user","change"])"},
    {"UpdateAccountPasswordPolicy", R"(["iam"])", R"(["admin","change"])"},
    {"UpdateGroup", R"(["iam"])", R"(["group","change"])"},
    {"UpdateLoginProfile", R"(["iam"])", R"(["user","change"])"},
    {"UpdateRole", R"(["iam"])", R"(["admin","change"])"},
    {"UpdateSSHPublicKey", R"(["iam"])", R"(["user","change"])"},
    {"UpdateUser", R"(["iam"])", R"(["user","change"])"},
}};

// Every event looks its name up: an open-addressing table (FNV-1a, linear probing) costs one
// hash and about one compare, where a binary search made seven memcmp calls.
constexpr uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (char c : s) {
        h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    }
    return h;
}

constexpr size_t kCategorySlots = 256;  // power of two, well above kCategories.size()

constexpr std::array<uint8_t, kCategorySlots> kCategoryIndex = [] {
    std::array<uint8_t, kCategorySlots> t{};  // 0: empty, else index + 1
    for (size_t i = 0; i < kCategories.size(); ++i) {
        size_t slot = fnv1a(kCategories[i].action) & (kCategorySlots - 1);
        while (t[slot] != 0) {
            slot = (slot + 1) & (kCategorySlots - 1);
        }
        t[slot] = static_cast<uint8_t>(i + 1);
    }
    return t;
}();

}  // namespace

bool cloudtrail_categorization(std::string_view event_name,
                               std::string_view& category,
                               std::string_view& type) {
    size_t slot = fnv1a(event_name) & (kCategorySlots - 1);
    for (; kCategoryIndex[slot] != 0; slot = (slot + 1) & (kCategorySlots - 1)) {
        const Categorization& c = kCategories[kCategoryIndex[slot] - 1u];
        if (c.action == event_name) {
            category = c.category;
            type = c.type;
            return true;
        }
    }
    return false;
}

}  // namespace aws

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kPad = simdjson::SIMDJSON_PADDING;
constexpr size_t kMaxValue =
    64u << 20;  // one event/line/document; CloudTrail caps events at 256 KB

// A structural problem the framer cannot step over (unbalanced brackets, a value too large,
// the file ending inside a value).  Caught per top-level document.
using FrameError = aws::JsonFrameError;

using aws::count_newlines;

bool is_ws(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The shared streaming framer (aws_common): bounded buffer, values framed without parsing.
using Framer = aws::JsonFramer;

// Where a value sits in the file, for evidence.line / evidence.record.
struct Where {
    uint64_t position;
    bool by_line;
};

std::string_view str_or_empty(simdjson::simdjson_result<element> v) {
    std::string_view s;
    if (v.get(s) != simdjson::SUCCESS) {
        return {};
    }
    return s;
}

std::string_view member_str(const object& o, std::string_view key) {
    return str_or_empty(o[key]);
}

// k == lit for a literal: with the length known at compile time the compare is inlined
// (string_view's operator== calls memcmp; key classification runs on every member).
template <size_t N>
bool is_key(std::string_view k, const char (&lit)[N]) {
    return k.size() == N - 1 && std::memcmp(k.data(), lit, N - 1) == 0;
}

// member_str for several keys in one pass over `o`: out[i] is the string value of the first
// member that `classify` maps to i (as at_key finds the first), empty when that member is
// missing or not a string.  A classifier comparing against literals of a known length
// compiles to inline compares, where each at_key scan made memcmp calls.
template <size_t N, typename Classify>
void member_strs(const object& o, Classify classify, std::array<std::string_view, N>& out) {
    std::array<bool, N> seen{};
    for (const auto field : o) {
        const int i = classify(field.key);
        if (i >= 0 && !seen[static_cast<size_t>(i)]) {
            seen[static_cast<size_t>(i)] = true;
            std::string_view v;
            if (field.value.get(v) == simdjson::SUCCESS) {
                out[static_cast<size_t>(i)] = v;
            }
        }
    }
}

// The userIdentity members emit_event reads.
enum IdentityField { kUiType, kUiUserName, kUiPrincipalId, kUiAccountId, kUiArn, kUiInvokedBy };

int identity_field(std::string_view k) {
    switch (k.size()) {
        case 3: return is_key(k, "arn") ? kUiArn : -1;
        case 4: return is_key(k, "type") ? kUiType : -1;
        case 8: return is_key(k, "userName") ? kUiUserName : -1;
        case 9:
            return is_key(k, "accountId")   ? kUiAccountId
                   : is_key(k, "invokedBy") ? kUiInvokedBy
                                            : -1;
        case 11: return is_key(k, "principalId") ? kUiPrincipalId : -1;
        default: return -1;
    }
}

// The requestParameters members emit_event reads.
enum RequestField { kRqUserName, kRqNewUserName, kRqGroupName };

int request_field(std::string_view k) {
    switch (k.size()) {
        case 8: return is_key(k, "userName") ? kRqUserName : -1;
        case 9: return is_key(k, "groupName") ? kRqGroupName : -1;
        case 11: return is_key(k, "newUserName") ? kRqNewUserName : -1;
        default: return -1;
    }
}

// The tlsDetails members emit_event reads.
enum TlsField { kTlsVersion, kTlsCipher, kTlsHost };

int tls_field(std::string_view k) {
    switch (k.size()) {
        case 10: return is_key(k, "tlsVersion") ? kTlsVersion : -1;
        case 11: return is_key(k, "cipherSuite") ? kTlsCipher : -1;
        case 24: return is_key(k, "clientProvidedHostHeader") ? kTlsHost : -1;
        default: return -1;
    }
}

// `v`, or nothing for the placeholders Elastic's pipeline drops before mapping ("-", "none").
std::string_view named(std::string_view v) {
    return v == "-" || v == "none" ? std::string_view() : v;
}

// The session name of an sts ARN (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`,
// `...:federated-user/<name>`): what follows its last '/'.  Empty for other ARNs, as Elastic's
// grok `arn:(aws|aws-us-gov):sts:.*/%{GREEDYDATA}$` matches nothing else.
std::string_view sts_session_name(std::string_view arn) {
    if (!arn.starts_with("arn:aws:sts:") && !arn.starts_with("arn:aws-us-gov:sts:")) {
        return {};
    }
    const size_t slash = arn.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : arn.substr(slash + 1);
}

// The top-level members the parser reads, found in one pass over the event object
// (an event has ~20 members; looking each up by name would scan them ~20 times).
enum TopField {
    kEventVersion,
    kEventTime,
    kEventName,
    kEventSource,
    kEventId,
    kCloudTrailEvent,
    kMessage,
    kDigestStartTime,
    kDigestEndTime,
    kUserIdentity,
    kErrorCode,
    kErrorMessage,
    kResponseElements,
    kRequestParameters,
    kAwsRegion,
    kSourceIp,
    kUserAgent,
    kRecipientAccountId,
    kTlsDetails,
    kAdditionalEventData,
    kTopFieldCount
};

int top_field(std::string_view k) {
    switch (k.size()) {
        case 7: return is_key(k, "eventID") ? kEventId : is_key(k, "message") ? kMessage : -1;
        case 9:
            return is_key(k, "eventTime")   ? kEventTime
                   : is_key(k, "eventName") ? kEventName
                   : is_key(k, "awsRegion") ? kAwsRegion
                   : is_key(k, "userAgent") ? kUserAgent
                   : is_key(k, "errorCode") ? kErrorCode
                                            : -1;
        case 10: return is_key(k, "tlsDetails") ? kTlsDetails : -1;
        case 11: return is_key(k, "eventSource") ? kEventSource : -1;
        case 12:
            return is_key(k, "eventVersion")   ? kEventVersion
                   : is_key(k, "userIdentity") ? kUserIdentity
                   : is_key(k, "errorMessage") ? kErrorMessage
                                               : -1;
        case 13: return is_key(k, "digestEndTime") ? kDigestEndTime : -1;
        case 15:
            return is_key(k, "CloudTrailEvent")   ? kCloudTrailEvent
                   : is_key(k, "sourceIPAddress") ? kSourceIp
                   : is_key(k, "digestStartTime") ? kDigestStartTime
                                                  : -1;
        case 16: return is_key(k, "responseElements") ? kResponseElements : -1;
        case 17: return is_key(k, "requestParameters") ? kRequestParameters : -1;
        case 18: return is_key(k, "recipientAccountId") ? kRecipientAccountId : -1;
        case 19: return is_key(k, "additionalEventData") ? kAdditionalEventData : -1;
        default: return -1;
    }
}

struct TopFields {
    std::array<element, kTopFieldCount> value;
    std::array<bool, kTopFieldCount> has{};

    explicit TopFields(const object& o) {
        for (const auto field : o) {
            const int i = top_field(field.key);
            if (i >= 0 && !has[static_cast<size_t>(i)]) {
                value[static_cast<size_t>(i)] = field.value;
                has[static_cast<size_t>(i)] = true;
            }
        }
    }
    std::string_view str(TopField f) const {
        std::string_view s;
        if (!has[f] || value[f].get(s) != simdjson::SUCCESS) {
            return {};
        }
        return s;
    }
    bool obj(TopField f, object& out) const {
        return has[f] && value[f].get(out) == simdjson::SUCCESS;
    }
};

// Copies `s` replacing ill-formed UTF-8 bytes with U+FFFD.
void repair_utf8(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size() + kPad + 16);
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8_sequence_length(s, i);
        if (n == 0) {
            out.append("\xEF\xBF\xBD");
            ++i;
        } else {
            out.append(s.data() + i, n);
            i += n;
        }
    }
}

// Whether [s, e) is a JSON number by the grammar.
bool json_number(const char* s, const char* e) {
    if (s < e && *s == '-') {
        ++s;
    }
    if (s == e || *s < '0' || *s > '9') {
        return false;
    }
    if (*s == '0') {
        ++s;
    } else {
        while (s < e && *s >= '0' && *s <= '9') {
            ++s;
        }
    }
    if (s < e && *s == '.') {
        ++s;
        if (s == e || *s < '0' || *s > '9') {
            return false;
        }
        while (s < e && *s >= '0' && *s <= '9') {
            ++s;
        }
    }
    if (s < e && (*s == 'e' || *s == 'E')) {
        ++s;
        if (s < e && (*s == '+' || *s == '-')) {
            ++s;
        }
        if (s == e || *s < '0' || *s > '9') {
            return false;
        }
        while (s < e && *s >= '0' && *s <= '9') {
            ++s;
        }
    }
    return s == e;
}

// A copy of the JSON text with numbers simdjson cannot hold (more than 64 bits, huge
// exponents) quoted, so the ECS fields can still be read; the record keeps the original.
void quote_big_numbers(std::string_view t, std::string& out) {
    out.clear();
    out.reserve(t.size() + kPad + 64);
    size_t i = 0;
    while (i < t.size()) {
        const char c = t[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < t.size() && t[j] != '"') {
                j += t[j] == '\\' ? 2 : 1;
            }
            j = std::min(j + 1, t.size());
            out.append(t.substr(i, j - i));
            i = j;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < t.size() && (t[j] == '-' || t[j] == '+' || t[j] == '.' || t[j] == 'e' ||
                                    t[j] == 'E' || (t[j] >= '0' && t[j] <= '9'))) {
                ++j;
            }
            const std::string_view num = t.substr(i, j - i);
            if (num.size() > 18 && json_number(num.data(), num.data() + num.size())) {
                out.push_back('"');
                out.append(num);
                out.push_back('"');
            } else {
                out.append(num);
            }
            i = j;
        } else {
            out.push_back(c);
            ++i;
        }
    }
}

// ---- CSV (CloudTrail Lake saved results, CloudWatch/console "Download as CSV") ----------

constexpr size_t kCsvChunk = 1 << 20;
constexpr size_t kMaxCsvRecord = 16u << 20;  // a CloudTrail event is at most 256 KB
constexpr const char* kEofInQuote = "file ends inside a quoted CSV field (truncated?)";

// Streams RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks)
// from Input::read() through a buffer bounded by the largest record.  A record that breaks
// the quoting rules is reported and reading resumes on the line after the one it began on,
// so one bad row costs one row.
class CsvReader {
public:
    enum class Status { kRecord, kEnd, kError };

    explicit CsvReader(Input& in, size_t chunk = kCsvChunk) : in_(in), chunk_(chunk) {}

    Status next() {
        for (;;) {
            size_t i = start_;
            try {
                if (at_start_) {
                    while (end_ - start_ < 3 && more(i)) {
                    }
                    if (end_ - start_ >= 3 &&
                        std::memcmp(buf_.data() + start_, "\xEF\xBB\xBF", 3) == 0) {
                        start_ += 3;
                        i = start_;
                    }
                    at_start_ = false;
                }
                if (i == end_ && !more(i)) {
                    return Status::kEnd;
                }
                rec_line_ = line_;
                store_.clear();
                bounds_.clear();
                quoted_ = false;
                if (const char* why = parse_record(i)) {
                    fail(why);
                    return Status::kError;
                }
            } catch (const FrameError& e) {
                fail(e.reason);
                return Status::kError;
            }
            line_ += count_newlines(buf_.data() + start_, buf_.data() + i);
            start_ = i;
            if (bounds_.size() == 1 && bounds_[0].second == 0 && !quoted_) {
                continue;  // a blank line
            }
            return Status::kRecord;
        }
    }

    size_t size() const {
        return bounds_.size();
    }
    std::string_view field(size_t i) const {
        return std::string_view(store_).substr(bounds_[i].first, bounds_[i].second);
    }
    uint64_t line() const {
        return rec_line_;
    }
    const char* reason() const {
        return reason_;
    }
    std::string_view excerpt() const {
        return excerpt_;
    }
    // Whether the last record ended with a line break (false: cut by the end of the data).
    bool terminated() const {
        return terminated_;
    }

private:
    // Makes more input available; data from start_ on is kept, `i` follows it.
    bool more(size_t& i) {
        if (eof_) {
            return false;
        }
        if (start_ > 0) {
            std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
            end_ -= start_;
            i -= start_;
            start_ = 0;
        }
        if (end_ > kMaxCsvRecord) {
            throw FrameError{"CSV record larger than 16 MiB"};
        }
        if (buf_.size() < end_ + chunk_) {
            buf_.resize(end_ + chunk_);
        }
        const size_t k = in_.read(buf_.data() + end_, buf_.size() - end_);
        if (k == 0) {
            eof_ = true;
            return false;
        }
        end_ += k;
        return true;
    }

    // One record from index i; on success i is past its line break.  nullptr or the reason.
    const char* parse_record(size_t& i) {
        terminated_ = false;
        for (;;) {
            const size_t fb = store_.size();
            if (i == end_ && !more(i)) {
                bounds_.emplace_back(fb, 0);  // the data ends after a ','
                return nullptr;
            }
            if (buf_[i] == '"') {
                quoted_ = true;
                ++i;
                for (;;) {
                    const void* q = std::memchr(buf_.data() + i, '"', end_ - i);
                    if (q == nullptr) {
                        store_.append(buf_.data() + i, end_ - i);
                        i = end_;
                        if (!more(i)) {
                            return kEofInQuote;
                        }
                        continue;
                    }
                    const size_t qi =
                        static_cast<size_t>(static_cast<const char*>(q) - buf_.data());
                    store_.append(buf_.data() + i, qi - i);
                    i = qi + 1;
                    if (i == end_ && !more(i)) {
                        break;
                    }
                    if (buf_[i] != '"') {
                        break;
                    }
                    store_.push_back('"');  // "" inside quotes
                    ++i;
                }
                bounds_.emplace_back(fb, store_.size() - fb);
                if (i == end_ && !more(i)) {
                    return nullptr;
                }
                if (buf_[i] == '\r') {
                    ++i;
                    if (i == end_ && !more(i)) {
                        return nullptr;
                    }
                    if (buf_[i] != '\n') {
                        return "unexpected character after a closing quote in a CSV field";
                    }
                }
                if (buf_[i] == ',') {
                    ++i;
                    continue;
                }
                if (buf_[i] == '\n') {
                    ++i;
                    terminated_ = true;
                    return nullptr;
                }
                return "unexpected character after a closing quote in a CSV field";
            }
            // Unquoted: up to ',' or the line break; a lone '"' inside is kept as data.
            for (;;) {
                size_t j = i;
                while (j < end_ && buf_[j] != ',' && buf_[j] != '\n') {
                    ++j;
                }
                store_.append(buf_.data() + i, j - i);
                i = j;
                if (i < end_) {
                    break;
                }
                if (!more(i)) {
                    break;
                }
            }
            const bool comma = i < end_ && buf_[i] == ',';
            if (!comma && store_.size() > fb && store_.back() == '\r') {
                store_.pop_back();
            }
            bounds_.emplace_back(fb, store_.size() - fb);
            if (i == end_) {
                return nullptr;
            }
            ++i;
            if (!comma) {
                terminated_ = true;
                return nullptr;
            }
        }
    }

    // Reports the record that began at start_ and moves to the line after its first line.
    void fail(const char* why) {
        reason_ = why;
        excerpt_.assign(buf_.data() + start_, std::min<size_t>(end_ - start_, 60));
        terminated_ = false;
        ++line_;
        const void* nl = std::memchr(buf_.data() + start_, '\n', end_ - start_);
        if (nl != nullptr) {
            start_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
            return;
        }
        // The first line alone is longer than the buffer: drop it as it streams by.
        start_ = end_ = 0;
        for (;;) {
            size_t i = 0;
            if (!more(i)) {
                return;
            }
            nl = std::memchr(buf_.data(), '\n', end_);
            if (nl != nullptr) {
                start_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
                return;
            }
            end_ = 0;
        }
    }

    Input& in_;
    size_t chunk_;
    std::string buf_;
    size_t start_ = 0;  // first byte of the record being read
    size_t end_ = 0;
    bool eof_ = false;
    bool at_start_ = true;
    bool quoted_ = false;
    bool terminated_ = false;
    uint64_t line_ = 1;  // line number of start_
    uint64_t rec_line_ = 0;
    std::string store_;  // the record's unquoted fields, back to back
    std::vector<std::pair<size_t, size_t>> bounds_;
    const char* reason_ = nullptr;
    std::string excerpt_;
};

// CloudTrail Lake's lower-case column names and the CloudTrail record names they stand for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 31> kLakeColumns = {{
    {"eventversion", "eventVersion"},
    {"useridentity", "userIdentity"},
    {"eventtime", "eventTime"},
    {"eventsource", "eventSource"},
    {"eventname", "eventName"},
    {"awsregion", "awsRegion"},
    {"sourceipaddress", "sourceIPAddress"},
    {"useragent", "userAgent"},
    {"errorcode", "errorCode"},
    {"errormessage", "errorMessage"},
    {"requestparameters", "requestParameters"},
    {"responseelements", "responseElements"},
    {"additionaleventdata", "additionalEventData"},
    {"requestid", "requestID"},
    {"eventid", "eventID"},
    {"readonly", "readOnly"},
    {"resources", "resources"},
    {"eventtype", "eventType"},
    {"apiversion", "apiVersion"},
    {"managementevent", "managementEvent"},
    {"recipientaccountid", "recipientAccountId"},
    {"serviceeventdetails", "serviceEventDetails"},
    {"sharedeventid", "sharedEventID"},
    {"vpcendpointid", "vpcEndpointId"},
    {"vpcendpointaccountid", "vpcEndpointAccountId"},
    {"eventcategory", "eventCategory"},
    {"addendum", "addendum"},
    {"sessioncredentialfromconsole", "sessionCredentialFromConsole"},
    {"edgedevicedetails", "edgeDeviceDetails"},
    {"tlsdetails", "tlsDetails"},
    {"insightdetails", "insightDetails"},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (x != b[i]) {
            return false;
        }
    }
    return true;
}

// The CloudTrail name of a Lake column (any letter case); empty when unknown.
std::string_view lake_column(std::string_view name) {
    for (const auto& [lake, camel] : kLakeColumns) {
        if (iequals(name, lake)) {
            return camel;
        }
    }
    return {};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ws(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ws(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// How a CSV file carries CloudTrail events.
struct CsvPlan {
    enum class Kind { kNone, kLake, kEventColumn };
    Kind kind = Kind::kNone;
    size_t column = 0;  // kEventColumn: the column holding the event JSON
    int confidence = 0;
};

// Reads a member's first bytes into memory and then hands out the rest of the input, so
// parse() can look at the head before choosing how to read the file.
class PrefixInput final : public ByteStreamInput {
public:
    PrefixInput(std::string_view prefix, Input& rest) : prefix_(prefix), rest_(rest) {}
    size_t read(char* buf, size_t n) override {
        if (!prefix_.empty()) {
            const size_t k = std::min(n, prefix_.size());
            std::memcpy(buf, prefix_.data(), k);
            prefix_.remove_prefix(k);
            return k;
        }
        return rest_.read(buf, n);
    }

private:
    std::string_view prefix_;
    Input& rest_;
};

class Session {
public:
    explicit Session(RecordSink& sink) : sink_(sink) {}

    void run(Input& in) {
        Framer f(in);
        uint64_t last_doc_end_line = 0;
        for (;;) {
            int c;
            size_t doc_start = 0;
            uint64_t doc_line = 0;
            try {
                c = f.peek();
                if (c < 0) {
                    break;
                }
                doc_start = f.pos();
                f.set_mark(doc_start);
                doc_line = f.line_at(doc_start);
                const bool junk = c != '{' && c != '[' && (c < '0' || c > '9');
                if (!junk) {
                    flush_skipped();
                }
                if (c == '{') {
                    // A document that begins on the line where the previous one ended is a
                    // concatenated object ("}{"): number it by record, not by line.
                    const bool same_line = doc_line == last_doc_end_line;
                    top_object(f, same_line ? Where{0, false} : Where{doc_line, true});
                } else if (c == '[') {
                    f.consume();
                    stream_array(f, ArrayKind::kEvents);
                } else if (c >= '0' && c <= '9') {
                    cloudwatch_line(f, doc_line);
                } else {
                    size_t s;
                    size_t e;
                    f.frame_line(s, e);
                    if (after_damage_) {
                        // The rest of a damaged pretty-printed document: one record for all.
                        if (skipped_lines_++ == 0) {
                            first_skipped_ = doc_line;
                        }
                        continue;
                    }
                    emit_error(Where{doc_line, true}, "not JSON",
                               std::string_view(f.data() + s, e - s));
                    continue;
                }
                last_doc_end_line = f.line_at(f.pos());
            } catch (const FrameError& err) {
                flush_skipped();
                emit_error(Where{f.line_at(f.pos()), true}, err.reason, {});
                after_damage_ = true;
                try {
                    f.skip_line();
                } catch (const FrameError&) {
                    break;
                }
                last_doc_end_line = 0;
            }
        }
        flush_skipped();
    }

private:
    enum class ArrayKind { kEvents, kSkip, kLakeRows };
    static constexpr int kNoUnwrap = 2;  // handle_value depth: the value is the event itself

    void flush_skipped() {
        if (skipped_lines_ > 0) {
            emit_error(Where{first_skipped_, true},
                       std::to_string(skipped_lines_) +
                           " lines skipped: they continue a damaged JSON document",
                       {});
        }
        skipped_lines_ = 0;
        after_damage_ = false;
    }

    void emit_error(Where w, std::string_view reason, std::string_view excerpt) {
        sink_.emit(make_error_record(w.position, w.by_line, reason, excerpt));
    }

    // A top-level object: a wrapper ({"Records":[...]}, {"Events":[...]}, {"events":[...]},
    // {"messageType":...,"logEvents":[...]}) whose array is streamed, or one event/digest.
    void top_object(Framer& f, Where single) {
        f.set_mark(f.pos());  // kept until we know whether this is a wrapper
        f.consume();
        int c = f.peek();
        if (c == '}') {
            f.consume();
            emit_error(where_for(single), "empty JSON object", "{}");
            return;
        }
        if (c != '"') {
            throw FrameError{"malformed JSON object"};
        }
        size_t ks;
        size_t ke;
        f.frame_value(ks, ke);
        std::string key(f.data() + ks + 1, ke - ks - 2);
        if (!is_wrapper_key(key)) {
            // The common case (NDJSON, one event): frame the whole object and parse it.
            f.set_pos(f.mark());
            size_t s;
            size_t e;
            f.frame_value(s, e);
            handle_value(f.data() + s, e - s, where_for(single), 0, f.last_value_compact());
            return;
        }
        f.set_mark(f.pos());
        members_.clear();
        bool streamed = false;
        bool control = false;
        bool lake = key == "QueryStatus" || key == "QueryStatistics";
        for (;;) {
            c = f.peek();
            if (c != ':') {
                throw FrameError{"malformed JSON object"};
            }
            f.consume();
            c = f.peek();
            if (c < 0) {
                throw FrameError{"file ends inside a JSON object (truncated?)"};
            }
            if (c == '[' &&
                (key == "Records" || key == "Events" || key == "events" || key == "logEvents")) {
                f.consume();
                stream_array(f, control ? ArrayKind::kSkip : ArrayKind::kEvents);
                streamed = true;
            } else if (c == '[' && key == "QueryResultRows") {
                // CloudTrail Lake GetQueryResults: each row a list of {"column":"value"}.
                f.consume();
                stream_array(f, ArrayKind::kLakeRows);
                streamed = true;
            } else {
                size_t s;
                size_t e;
                f.set_mark(f.pos());
                f.frame_value(s, e);
                const std::string_view v(f.data() + s, e - s);
                if (key == "messageType" && v == "\"CONTROL_MESSAGE\"") {
                    control = true;
                }
                if (!members_.empty()) {
                    members_.push_back(',');
                }
                members_.push_back('"');
                members_.append(key);
                members_.append("\":");
                members_.append(v);
                if (members_.size() > kMaxValue) {
                    throw FrameError{"JSON object larger than 64 MiB"};
                }
            }
            c = f.peek();
            if (c == '}') {
                f.consume();
                break;
            }
            if (c != ',') {
                throw FrameError{c < 0 ? "file ends inside a JSON object (truncated?)"
                                       : "malformed JSON object"};
            }
            f.consume();
            c = f.peek();
            if (c != '"') {
                throw FrameError{"malformed JSON object"};
            }
            f.set_mark(f.pos());
            f.frame_value(ks, ke);
            key.assign(f.data() + ks + 1, ke - ks - 2);
        }
        if (streamed || control || lake) {
            return;  // a Lake result without rows (still running, failed) holds no event
        }
        // A wrapper-looking key without its array: an ordinary object after all.
        doc_.clear();
        doc_.reserve(members_.size() + 2 + kPad);
        doc_.push_back('{');
        doc_.append(members_);
        doc_.push_back('}');
        handle_value(doc_.data(), doc_.size(), where_for(single), 0);
    }

    static bool is_wrapper_key(std::string_view k) {
        return k == "Records" || k == "Events" || k == "events" || k == "logEvents" ||
               k == "messageType" || k == "owner" || k == "logGroup" || k == "logStream" ||
               k == "subscriptionFilters" || k == "NextToken" || k == "nextToken" ||
               k == "searchedLogStreams" || k == "nextForwardToken" || k == "nextBackwardToken" ||
               k == "QueryResultRows" || k == "QueryStatus" || k == "QueryStatistics";
    }

    Where where_for(Where single) {
        if (single.by_line) {
            return single;
        }
        return Where{++record_index_, false};
    }

    // Streams the elements of an array whose '[' was consumed.
    void stream_array(Framer& f, ArrayKind kind) {
        int c = f.peek();
        if (c == ']') {
            f.consume();
            return;
        }
        for (;;) {
            if (c < 0) {
                throw FrameError{"file ends inside a JSON array (truncated?)"};
            }
            size_t s;
            size_t e;
            f.set_mark(f.pos());
            f.frame_value(s, e);
            if (kind == ArrayKind::kEvents) {
                handle_value(f.data() + s, e - s, Where{++record_index_, false}, 0,
                             f.last_value_compact());
            } else if (kind == ArrayKind::kLakeRows) {
                lake_row(f.data() + s, e - s, Where{++record_index_, false});
            }
            c = f.peek();
            if (c == ']') {
                f.consume();
                return;
            }
            if (c != ',') {
                throw FrameError{c < 0 ? "file ends inside a JSON array (truncated?)"
                                       : "malformed JSON array"};
            }
            f.consume();
            c = f.peek();
        }
    }

    // "2023-07-10T11:45:00.000Z {event json}" (CloudWatch Logs export).
    void cloudwatch_line(Framer& f, uint64_t line) {
        size_t s;
        size_t e;
        f.frame_line(s, e);
        const std::string_view text(f.data() + s, e - s);
        const size_t sp = text.find(' ');
        if (sp == std::string_view::npos || !aws::normalize_iso8601(text.substr(0, sp))) {
            emit_error(Where{line, true}, "not JSON and not a CloudWatch Logs export line", text);
            return;
        }
        size_t j = sp;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
            ++j;
        }
        if (j >= text.size() || text[j] != '{') {
            emit_error(Where{line, true}, "CloudWatch Logs export line without a JSON event", text);
            return;
        }
        // The JSON part lies inside the framer's padded buffer: parse it in place.
        handle_value(text.data() + j, text.size() - j, Where{line, true}, 0);
    }

    // One QueryResultRows element (padded buffer): [{"eventid":"..."},{"eventtime":"..."},...].
    void lake_row(const char* p, size_t len, Where w) {
        element root;
        bool repaired = false;
        auto err = parser_.parse(p, len, false).get(root);
        if (err == simdjson::UTF8_ERROR) {
            repair_utf8(std::string_view(p, len), fixed_);
            err = parser_.parse(fixed_.data(), fixed_.size(), true).get(root);
            repaired = err == simdjson::SUCCESS;
        }
        if (err != simdjson::SUCCESS) {
            emit_error(w,
                       std::string("invalid JSON in a CloudTrail Lake row: ") +
                           simdjson::error_message(err),
                       std::string_view(p, len));
            return;
        }
        simdjson::dom::array row;
        if (root.get(row) != simdjson::SUCCESS) {
            emit_error(w, "CloudTrail Lake row is not a list of column maps",
                       std::string_view(p, len));
            return;
        }
        lake_begin();
        for (element cell : row) {
            object columns;
            if (cell.get(columns) != simdjson::SUCCESS) {
                emit_error(w, "CloudTrail Lake row holds something other than a column map",
                           std::string_view(p, len));
                return;
            }
            for (const auto column : columns) {
                std::string_view text;
                if (column.value.get(text) == simdjson::SUCCESS) {
                    lake_add(column.key, text, true);
                } else {
                    // Lake sends strings; anything else is kept as the JSON it is.
                    raw_value_ = simdjson::minify(column.value);
                    lake_add(column.key, raw_value_, false);
                }
            }
        }
        lake_finish(w, repaired);
    }

    void lake_begin() {
        lake_.clear();
        lake_.push_back('{');
        lake_keys_.clear();
    }

    // One column: the name mapped back to CloudTrail's, a string value kept as a string
    // unless it is the JSON text of an object or array (struct, map and array columns).
    void lake_add(std::string_view name, std::string_view value, bool is_string) {
        std::string_view key = lake_column(name);
        if (key.empty()) {
            key = name;  // an unknown or computed column keeps its name
        }
        for (const auto& k : lake_keys_) {
            if (k == key) {
                return;  // the same column selected twice
            }
        }
        lake_keys_.push_back(key);
        if (lake_.size() > 1) {
            lake_.push_back(',');
        }
        json_append_string(lake_, key);
        lake_.push_back(':');
        if (!is_string) {
            lake_.append(value);
            return;
        }
        const std::string_view t = trim(value);
        if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
            value_buf_.assign(t);
            value_buf_.reserve(t.size() + kPad);
            element v;
            if (value_parser_.parse(value_buf_.data(), value_buf_.size(), false).get(v) ==
                    simdjson::SUCCESS &&
                (v.is_object() || v.is_array())) {
                lake_.append(t);
                return;
            }
        }
        json_append_string(lake_, value);
    }

    void lake_finish(Where w, bool repaired) {
        lake_.push_back('}');
        lake_.reserve(lake_.size() + kPad);
        naive_utc_ = true;  // Lake's eventtime "2023-07-10 12:20:01.000" is UTC
        row_repaired_ = repaired;
        handle_value(lake_.data(), lake_.size(), w, kNoUnwrap);
        naive_utc_ = false;
        row_repaired_ = false;
    }

public:
    // A CSV file: a header row, then one event per row (see CsvPlan).
    void run_csv(Input& in, const CsvPlan& plan) {
        CsvReader r(in);
        auto st = r.next();
        if (st != CsvReader::Status::kRecord) {
            if (st == CsvReader::Status::kError) {
                emit_error(Where{r.line(), true}, r.reason(), r.excerpt());
            }
            return;
        }
        std::vector<std::string> header;
        for (size_t i = 0; i < r.size(); ++i) {
            header.emplace_back(trim(r.field(i)));
        }
        if (plan.kind == CsvPlan::Kind::kEventColumn && plan.column >= header.size()) {
            return;
        }
        std::string cell;
        while ((st = r.next()) != CsvReader::Status::kEnd) {
            const Where w{r.line(), true};
            if (st == CsvReader::Status::kError) {
                emit_error(w, r.reason(), r.excerpt());
                continue;
            }
            bool is_header = r.size() == header.size();
            for (size_t i = 0; is_header && i < r.size(); ++i) {
                is_header = trim(r.field(i)) == header[i];
            }
            if (is_header) {
                continue;  // concatenated exports repeat their header
            }
            if (r.size() != header.size()) {
                emit_error(w,
                           "CSV row has " + std::to_string(r.size()) + " fields, the header " +
                               std::to_string(header.size()),
                           r.field(0));
                continue;
            }
            if (plan.kind == CsvPlan::Kind::kEventColumn) {
                const std::string_view v = trim(r.field(plan.column));
                if (v.empty()) {
                    emit_error(w, "empty CloudTrail event cell in a CSV row", {});
                    continue;
                }
                csv_value_.assign(v);
                csv_value_.reserve(v.size() + kPad);
                handle_value(csv_value_.data(), csv_value_.size(), w, 0);
                continue;
            }
            lake_begin();
            bool repaired = false;
            for (size_t i = 0; i < r.size(); ++i) {
                std::string_view v = r.field(i);
                if (!simdjson::validate_utf8(v.data(), v.size())) {
                    repair_utf8(v, cell);
                    v = cell;
                    repaired = true;
                }
                lake_add(header[i], v, true);
            }
            lake_finish(w, repaired);
        }
    }

private:
    // Parses one JSON value (padded buffer) and emits what it is: an event, a digest, or a
    // wrapper element whose string member holds the event (CloudTrailEvent, message).
    // `compact`: the framer saw no whitespace outside the value's strings.
    void handle_value(const char* p, size_t len, Where w, int depth, bool compact = false) {
        simdjson::dom::parser& parser = depth == 0 ? parser_ : inner_parser_;
        element root;
        bool repaired = false;
        auto err = parser.parse(p, len, false).get(root);
        std::string& fixed = depth == 0 ? fixed_ : inner_fixed_;
        if (err == simdjson::UTF8_ERROR) {
            repair_utf8(std::string_view(p, len), fixed);
            p = fixed.data();
            len = fixed.size();
            err = parser.parse(p, len, true).get(root);
            repaired = err == simdjson::SUCCESS;
            compact = false;
        }
        std::string_view original(p, len);
        if (err == simdjson::NUMBER_ERROR) {
            quote_big_numbers(original, numbers_);
            if (parser.parse(numbers_.data(), numbers_.size(), true).get(root) ==
                simdjson::SUCCESS) {
                err = simdjson::SUCCESS;
            }
        }
        if (err != simdjson::SUCCESS) {
            emit_error(w, std::string("invalid JSON: ") + simdjson::error_message(err),
                       std::string_view(p, len));
            return;
        }
        object obj;
        if (root.get(obj) != simdjson::SUCCESS) {
            emit_error(w, "expected a JSON object (a CloudTrail event)", std::string_view(p, len));
            return;
        }
        const TopFields top(obj);
        if (depth < 2) {
            // lookup-events (CloudTrailEvent) and CloudWatch/filter-log-events (message)
            // carry the event as a JSON string.
            std::string_view inner;
            bool wrapped = top.has[kCloudTrailEvent] &&
                           top.value[kCloudTrailEvent].get(inner) == simdjson::SUCCESS;
            if (!wrapped && !top.has[kEventVersion] && top.has[kMessage] &&
                top.value[kMessage].get(inner) == simdjson::SUCCESS) {
                wrapped = true;
            }
            if (wrapped) {
                std::string& buf = depth == 0 ? unwrap_ : inner_unwrap_;
                buf.assign(inner);
                buf.reserve(buf.size() + kPad);
                size_t k = 0;
                while (k < buf.size() && is_ws(buf[k])) {
                    ++k;
                }
                if (k < buf.size() && buf[k] >= '0' && buf[k] <= '9') {
                    // A CloudWatch message can itself be "<ISO time> <json>".
                    const size_t brace = buf.find('{', k);
                    if (brace != std::string::npos) {
                        k = brace;
                    }
                }
                handle_value(buf.data() + k, buf.size() - k, w, depth + 1);
                return;
            }
        }
        if (top.has[kDigestStartTime] || top.has[kDigestEndTime]) {
            emit_digest(obj, p, len, w);
            return;
        }
        if (depth == 0 && !top.has[kEventVersion] && !top.has[kEventTime] && !top.has[kEventName]) {
            // OpenSearch/Elasticsearch documents (SPEC (a) #10): the original event under
            // aws.cloudtrail, or a search hit's _source; the indexer's fields around it are
            // not evidence.  The event is re-serialised (no raw span in a DOM), keys in order.
            element doc = root;
            element src;
            bool hit = false;
            if (obj["_source"].get(src) == simdjson::SUCCESS && src.is_object()) {
                doc = src;
                hit = true;
            }
            element ev;
            bool found = false;
            if (doc["aws"]["cloudtrail"].get(ev) == simdjson::SUCCESS && ev.is_object()) {
                found = true;
            } else if (doc.is_object() &&
                       doc.at_pointer("/eventVersion").error() == simdjson::SUCCESS) {
                ev = doc;
                found = hit;
            }
            if (found && (ev["eventVersion"].error() == simdjson::SUCCESS ||
                          ev["eventName"].error() == simdjson::SUCCESS)) {
                source_unwrap_ = simdjson::to_string(ev);
                source_unwrap_.reserve(source_unwrap_.size() + kPad);
                handle_value(source_unwrap_.data(), source_unwrap_.size(), w, depth + 1);
                return;
            }
        }
        if (!top.has[kEventVersion] && !top.has[kEventTime] && !top.has[kEventName] &&
            !top.has[kEventSource] && !top.has[kEventId]) {
            emit_error(
                w, "JSON object is not a CloudTrail event (no eventVersion/eventTime/eventName)",
                std::string_view(p, len));
            return;
        }
        emit_event(top, p, len, w, repaired, compact);
    }

    // The original JSON text with insignificant whitespace removed.
    std::string_view minified(const char* p, size_t len) {
        mini_.resize(len + 1);
        size_t out_len = 0;
        if (simdjson::minify(p, len, mini_.data(), out_len) != simdjson::SUCCESS) {
            return std::string_view(p, len);
        }
        return std::string_view(mini_.data(), out_len);
    }

    void add_related_user(std::string_view u) {
        if (u.empty()) {
            return;
        }
        for (const auto& x : related_users_) {
            if (x == u) {
                return;
            }
        }
        related_users_.push_back(u);
    }

    void emit_event(
        const TopFields& ev, const char* p, size_t len, Where w, bool repaired, bool compact) {
        Record& r = rec_;
        r.clear();
        r.dataset = "aws.cloudtrail";
        r.position = w.position;
        r.by_line = w.by_line;
        repaired = repaired || row_repaired_;
        auto ts = aws::normalize_iso8601(ev.str(kEventTime));
        if (!ts && naive_utc_) {
            ts = aws::normalize_iso8601(std::string(ev.str(kEventTime)) + "Z");
        }
        if (ts) {
            r.timestamp = std::move(*ts);
        }
        r.id = ev.str(kEventId);

        // event.*  Elastic's pipeline first drops every null, "", "-" and "none" value, so
        // those name nothing here either (the record keeps them under aws.cloudtrail).
        const std::string_view action = named(ev.str(kEventName));
        const std::string_view provider = named(ev.str(kEventSource));
        const std::string_view error_code = named(ev.str(kErrorCode));
        const std::string_view error_message = named(ev.str(kErrorMessage));
        std::string outcome =
            (!error_code.empty() || !error_message.empty()) ? "failure" : "success";
        object response;
        const bool has_response = ev.obj(kResponseElements, response);
        if (action == "ConsoleLogin" && has_response) {
            const std::string_view cl = named(member_str(response, "ConsoleLogin"));
            if (!cl.empty()) {
                outcome.assign(cl);
                for (char& ch : outcome) {
                    if (ch >= 'A' && ch <= 'Z') {
                        ch = static_cast<char>(ch - 'A' + 'a');
                    }
                }
            }
        }
        {
            aws::FastWriter e(r.event_fields, true);
            e.resume_object(false);
            e.opt_str("action", action);
            e.opt_str("provider", provider);
            e.str("outcome", outcome);
            std::string_view category;
            std::string_view type = R"(["info"])";
            if (!action.empty() && aws::cloudtrail_categorization(action, category, type)) {
                e.raw("category", category);
            }
            if (!type.empty()) {
                e.raw("type", type);
            }
        }

        // Identity, as Elastic's pipeline maps it: user.name is userIdentity.userName, for an
        // assumed role (or federated user) the issuing role's name; the session name (the
        // last part of the sts ARN) goes to related.user, with its local part and user.email
        // when it is an address (Identity Center sessions are named by the user's email).
        object ui;
        const bool has_ui = ev.obj(kUserIdentity, ui);
        std::string_view user_name;
        std::string_view user_id;
        std::string_view account;
        std::string_view user_email;
        std::string_view session;
        std::string_view session_local;
        std::string_view service_name;
        std::string_view ui_type;
        if (has_ui) {
            std::array<std::string_view, 6> f;
            member_strs(ui, identity_field, f);
            ui_type = f[kUiType];
            user_name = named(f[kUiUserName]);
            user_id = named(f[kUiPrincipalId]);
            account = named(f[kUiAccountId]);
            if (ui_type == "AssumedRole" || ui_type == "FederatedUser") {
                const std::string_view issuer =
                    named(str_or_empty(ui.at_pointer("/sessionContext/sessionIssuer/userName")));
                if (!issuer.empty()) {
                    user_name = issuer;
                }
                session = named(sts_session_name(f[kUiArn]));
                const size_t at = session.find('@');
                if (at != std::string_view::npos && at > 0) {
                    session_local = session.substr(0, at);
                    user_email = session;
                }
            } else if (ui_type == "IdentityCenterUser" && user_id.empty()) {
                // Since 2025 Identity Center users carry no principalId (SPEC (a)).
                user_id = named(str_or_empty(ui.at_pointer("/onBehalfOf/userId")));
            } else if (ui_type == "AWSService") {
                service_name = named(f[kUiInvokedBy]);
            }
        }
        // Elastic reads additionalEventData.UserName on UserAuthentication events only; an
        // Identity Center user's other events carry it too, and it is the only name they have.
        if (user_name.empty() &&
            (action == "UserAuthentication" || ui_type == "IdentityCenterUser")) {
            object extra;
            if (ev.obj(kAdditionalEventData, extra)) {
                user_name = named(member_str(extra, "UserName"));
            }
        }
        if (user_email.empty()) {
            const size_t at = user_name.find('@');
            if (at != std::string_view::npos && at > 0) {
                user_email = user_name;
            }
        }
        if (account.empty()) {
            account = named(ev.str(kRecipientAccountId));
        }
        object request;
        const bool has_request = ev.obj(kRequestParameters, request);
        std::string_view target_name;
        std::string_view changes_name;
        std::string_view group_name;
        if (has_request) {
            std::array<std::string_view, 3> f;
            member_strs(request, request_field, f);
            target_name = named(f[kRqUserName]);
            changes_name = named(f[kRqNewUserName]);
            group_name = named(f[kRqGroupName]);
        }
        std::string_view target_id;
        std::string_view group_id;
        if (has_response) {
            target_id = named(str_or_empty(response.at_pointer("/user/userId")));
            group_id = named(str_or_empty(response.at_pointer("/group/groupId")));
        }
        // Elastic's order: the session, its local part, the request's user names, the created
        // user's id, then the actor's user.id and user.name.
        related_users_.clear();
        add_related_user(session);
        add_related_user(session_local);
        add_related_user(target_name);
        add_related_user(changes_name);
        add_related_user(target_id);
        add_related_user(user_id);
        add_related_user(user_name);

        const std::string_view region = named(ev.str(kAwsRegion));
        // source.ip only for a whole address: service names (ec2.amazonaws.com), "AWS
        // Internal" and comma lists stay in source.address alone, as in Elastic's grok.
        const std::string_view source_address = named(ev.str(kSourceIp));
        const bool source_is_ip = aws::is_ip(source_address);
        const std::string_view agent = named(ev.str(kUserAgent));

        aws::FastWriter b(r.body, true);
        b.resume_object(false);
        // Minifying a compact value would copy it unchanged.
        b.begin_object("aws")
            .raw("cloudtrail", compact ? std::string_view(p, len) : minified(p, len))
            .end_object();
        b.begin_object("cloud").str("provider", "aws");
        b.opt_object("account", {{"id", account}});
        b.opt_str("region", region);
        if (!provider.empty()) {
            const size_t dot = provider.find('.');
            b.begin_object("service").str("name", provider.substr(0, dot)).end_object();
        }
        b.end_object();
        if (!source_address.empty()) {
            b.begin_object("source").str("address", source_address);
            if (source_is_ip) {
                b.str("ip", source_address);
            }
            b.end_object();
        }
        if (!user_name.empty() || !user_id.empty() || !user_email.empty() || !target_name.empty() ||
            !target_id.empty() || !changes_name.empty()) {
            b.begin_object("user");
            b.opt_str("name", user_name);
            b.opt_str("id", user_id);
            b.opt_str("email", user_email);
            b.opt_object("target", {{"name", target_name}, {"id", target_id}});
            b.opt_object("changes", {{"name", changes_name}});
            b.end_object();
        }
        b.opt_object("group", {{"name", group_name}, {"id", group_id}});
        if (!service_name.empty()) {
            // An AWS service acting on its own (userIdentity.invokedBy), as Elastic maps it.
            b.begin_object("service").str("name", service_name).end_object();
        }
        if (!related_users_.empty() || source_is_ip) {
            b.begin_object("related");
            if (!related_users_.empty()) {
                b.begin_array("user");
                for (const auto& u : related_users_) {
                    b.value_str(u);
                }
                b.end_array();
            }
            if (source_is_ip) {
                b.begin_array("ip").value_str(source_address).end_array();
            }
            b.end_object();
        }
        b.opt_object("user_agent", {{"original", agent}});
        object tls;
        // A block of placeholders ({"tlsVersion":"tlsVersion",...}, seen in Grafana events)
        // says nothing; Elastic drops it too.
        std::array<std::string_view, 3> tf;
        const bool has_tls = ev.obj(kTlsDetails, tls);
        if (has_tls) {
            member_strs(tls, tls_field, tf);
        }
        if (has_tls && tf[kTlsVersion] != "tlsVersion") {
            const std::string_view version = named(tf[kTlsVersion]);
            const std::string_view cipher = named(tf[kTlsCipher]);
            const std::string_view host = named(tf[kTlsHost]);
            const size_t v = version.find('v');
            const bool split = v != std::string_view::npos && v > 0 && v + 1 < version.size();
            if (!version.empty() || !cipher.empty() || !host.empty()) {
                b.begin_object("tls");
                if (split) {
                    std::string proto(version.substr(0, v));
                    for (char& ch : proto) {
                        if (ch >= 'A' && ch <= 'Z') {
                            ch = static_cast<char>(ch - 'A' + 'a');
                        }
                    }
                    b.str("version_protocol", proto).str("version", version.substr(v + 1));
                } else if (!version.empty()) {
                    b.str("version", version);  // "1.3": no protocol to split off
                }
                b.opt_str("cipher", cipher);
                b.opt_object("client", {{"server_name", host}});
                b.end_object();
            }
        }
        if (repaired) {
            b.begin_object("evidenced").boolean("utf8_repaired", true).end_object();
        }
        sink_.emit(r);
    }

    void emit_digest(const object& d, const char* p, size_t len, Where w) {
        Record& r = rec_;
        r.clear();
        r.dataset = "aws.cloudtrail_digest";
        // A digest is a whole document: number it by record.
        r.position = w.by_line ? ++record_index_ : w.position;
        r.by_line = false;
        if (auto ts = aws::normalize_iso8601(member_str(d, "digestEndTime"))) {
            r.timestamp = std::move(*ts);
        }
        const std::string_view account = member_str(d, "awsAccountId");
        const std::string_view object_key = member_str(d, "digestS3Object");
        JsonWriter b(r.body);
        b.resume_object(false);
        b.begin_object("aws").raw("cloudtrail_digest", minified(p, len)).end_object();
        b.begin_object("cloud").str("provider", "aws");
        if (!account.empty()) {
            b.begin_object("account").str("id", account).end_object();
        }
        b.end_object();
        if (!object_key.empty()) {
            b.begin_object("file").str("path", object_key).end_object();
        }
        simdjson::dom::array files;
        bool any_hash = false;
        if (d["logFiles"].get(files) == simdjson::SUCCESS) {
            for (element f : files) {
                object fo;
                if (f.get(fo) != simdjson::SUCCESS) {
                    continue;
                }
                const std::string_view h = member_str(fo, "hashValue");
                if (h.empty()) {
                    continue;
                }
                if (!any_hash) {
                    b.begin_object("related").begin_array("hash");
                    any_hash = true;
                }
                b.value_str(h);
            }
        }
        if (any_hash) {
            b.end_array().end_object();
        }
        sink_.emit(r);
    }

    RecordSink& sink_;
    Record rec_;
    simdjson::dom::parser parser_;
    simdjson::dom::parser inner_parser_;
    std::string source_unwrap_;  // an indexed document's event, re-serialised
    std::string members_;
    std::string doc_;
    std::string mini_;
    std::string fixed_;
    std::string inner_fixed_;
    std::string unwrap_;
    std::string inner_unwrap_;
    std::string numbers_;
    simdjson::dom::parser value_parser_;  // Lake cell values, while parser_ holds the row
    std::string lake_;
    std::vector<std::string_view> lake_keys_;
    std::string value_buf_;
    std::string raw_value_;
    std::string csv_value_;
    bool naive_utc_ = false;     // a zone-less eventTime is UTC (CloudTrail Lake)
    bool row_repaired_ = false;  // the row had ill-formed UTF-8 replaced before rebuilding
    std::vector<std::string_view> related_users_;
    uint64_t record_index_ = 0;
    bool after_damage_ = false;  // a document broke; its leftover lines are not news
    uint64_t skipped_lines_ = 0;
    uint64_t first_skipped_ = 0;
};

// ---- detection -------------------------------------------------------------------------

bool contains(std::string_view h, std::string_view needle) {
    return h.find(needle) != std::string_view::npos;
}

std::string_view skip_ws_bom(std::string_view h) {
    if (h.starts_with("\xEF\xBB\xBF")) {
        h.remove_prefix(3);
    }
    while (!h.empty() && is_ws(h.front())) {
        h.remove_prefix(1);
    }
    return h;
}

// The first key of the object at the start of `h` ("" when unknown).
std::string_view first_key(std::string_view h) {
    if (h.empty() || h.front() != '{') {
        return {};
    }
    h.remove_prefix(1);
    h = skip_ws_bom(h);
    if (h.empty() || h.front() != '"') {
        return {};
    }
    const size_t q = h.find('"', 1);
    if (q == std::string_view::npos) {
        return {};
    }
    return h.substr(1, q - 1);
}

// A 12-digit account id following `key` in `h` (through quotes, backslashes, ':' and spaces).
std::optional<std::string> account_after(std::string_view h, std::string_view key) {
    size_t at = 0;
    while ((at = h.find(key, at)) != std::string_view::npos) {
        size_t i = at + key.size();
        size_t skipped = 0;
        while (i < h.size() && skipped < 8 &&
               (h[i] == '"' || h[i] == '\\' || h[i] == ':' || h[i] == ' ')) {
            ++i;
            ++skipped;
        }
        if (i + 12 <= h.size() && aws::is_account_id(h.substr(i, 12)) &&
            (i + 12 == h.size() || h[i + 12] < '0' || h[i + 12] > '9')) {
            return std::string(h.substr(i, 12));
        }
        at += key.size();
    }
    return std::nullopt;
}

// Whether `v` is the JSON text of one CloudTrail event (an object with eventVersion, or
// eventTime with eventName/eventSource).
bool is_event_json(std::string_view v) {
    v = trim(v);
    if (v.empty() || v.front() != '{') {
        return false;
    }
    thread_local simdjson::dom::parser parser;
    thread_local std::string buf;
    buf.assign(v);
    buf.reserve(v.size() + kPad);
    element root;
    auto err = parser.parse(buf.data(), buf.size(), false).get(root);
    if (err == simdjson::UTF8_ERROR) {
        std::string fixed;
        repair_utf8(v, fixed);
        buf.swap(fixed);
        err = parser.parse(buf.data(), buf.size(), true).get(root);
    }
    object o;
    if (err != simdjson::SUCCESS || root.get(o) != simdjson::SUCCESS) {
        return false;
    }
    const TopFields top(o);
    return top.has[kEventVersion] ||
           (top.has[kEventTime] && (top.has[kEventName] || top.has[kEventSource]));
}

// How a CSV head (`whole`: the entire file) carries CloudTrail events, if it does:
// - a CloudTrail Lake result: a header naming Lake columns, eventid/eventtime/eventname
//   among them;
// - CloudWatch Logs "Download as CSV" (header timestamp,message): the first message is a
//   CloudTrail event;
// - any other header (console Event history CSV, column set unverified): a column whose
//   every value in the head is a CloudTrail event.  Anything else is not ours.
CsvPlan sniff_csv(std::string_view head, bool whole) {
    CsvPlan plan;
    // Cheap refusal for the text files most members are: no comma on the first line.
    if (head.substr(0, head.find('\n')).find(',') == std::string_view::npos) {
        return plan;
    }
    MemoryInput mi(head);
    CsvReader r(mi, head.size() + 1);
    if (r.next() != CsvReader::Status::kRecord || r.size() < 2) {
        return plan;
    }
    std::vector<std::string> header;
    size_t lake_known = 0;
    bool lake_key = false;
    for (size_t i = 0; i < r.size(); ++i) {
        header.emplace_back(trim(r.field(i)));
        if (!lake_column(header.back()).empty()) {
            ++lake_known;
            lake_key = lake_key || iequals(header.back(), "eventid") ||
                       iequals(header.back(), "eventtime") || iequals(header.back(), "eventname");
        }
    }
    if (!r.terminated()) {
        return plan;  // no complete header in the head
    }
    if (lake_key && lake_known >= 2) {
        plan.kind = CsvPlan::Kind::kLake;
        plan.confidence = 90;
        return plan;
    }
    const bool cloudwatch =
        header.size() == 2 && iequals(header[0], "timestamp") && iequals(header[1], "message");
    std::vector<bool> candidate(header.size(), true);
    bool rows = false;
    for (;;) {
        const auto st = r.next();
        if (st == CsvReader::Status::kEnd) {
            break;
        }
        // The head may end inside this row.
        const bool cut = !whole && (st == CsvReader::Status::kError ? r.reason() == kEofInQuote
                                                                    : !r.terminated());
        if (cut) {
            break;
        }
        if (st == CsvReader::Status::kError || r.size() != header.size()) {
            if (!rows) {
                return plan;
            }
            break;
        }
        for (size_t i = 0; i < header.size(); ++i) {
            if (candidate[i] && !(cloudwatch && i == 0)) {
                candidate[i] = is_event_json(r.field(i));
            } else {
                candidate[i] = false;
            }
        }
        rows = true;
        if (cloudwatch) {
            break;  // CloudWatch: the first message decides (VPC messages are not JSON)
        }
    }
    if (rows) {
        for (size_t i = 0; i < header.size(); ++i) {
            if (candidate[i]) {
                plan.kind = CsvPlan::Kind::kEventColumn;
                plan.column = i;
                plan.confidence = 90;
                return plan;
            }
        }
        return plan;
    }
    if (cloudwatch) {
        // The first message does not fit in the head (a large event): its opening must be
        // a CloudTrail event's, quotes doubled as CSV writes them.
        const size_t nl = head.find('\n');
        const std::string_view rest =
            nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
        const size_t comma = rest.find(',');
        if (comma != std::string_view::npos && rest.substr(comma + 1).starts_with("\"{\"\"") &&
            (contains(rest, "\"\"eventVersion\"\":") || contains(rest, "\"\"eventTime\"\":"))) {
            plan.kind = CsvPlan::Kind::kEventColumn;
            plan.column = 1;
            plan.confidence = 80;
        }
    }
    return plan;
}

bool csv_candidate(std::string_view h) {
    if (h.empty()) {
        return false;
    }
    const char c = h.front();
    return c != '{' && c != '[' && !(c >= '0' && c <= '9');
}

class CloudTrail final : public Parser {
public:
    std::string_view name() const override {
        return "aws.cloudtrail";
    }
    std::string_view source() const override {
        return "cloudtrail";
    }

    int detect(const FileProbe& probe) const override {
        const std::string_view h = skip_ws_bom(probe.head);
        if (h.empty()) {
            return 0;
        }
        const bool eventish = contains(h, "eventVersion") ||
                              (contains(h, "eventSource") && contains(h, "eventName")) ||
                              contains(h, "CloudTrailEvent");
        const char c = h.front();
        if (c == '{') {
            const std::string_view key = first_key(h);
            if (contains(h, "digestStartTime") && contains(h, "digestS3Object")) {
                return 95;
            }
            if (contains(h, "\"QueryResultRows\"") ||
                ((key == "QueryStatus" || key == "QueryStatistics") &&
                 contains(h, "\"QueryStatistics\""))) {
                return 95;  // CloudTrail Lake GetQueryResults (an empty one has no rows)
            }
            if (key == "Records") {
                // An empty trail object ({"Records":[]}) is still CloudTrail.
                return eventish || h.size() < 64 || contains(probe.path, "CloudTrail") ? 95 : 60;
            }
            if (eventish) {
                return 90;
            }
            return 0;
        }
        if (c == '[') {
            return eventish ? 90 : 0;
        }
        if (csv_candidate(h)) {
            return sniff_csv(probe.head, probe.size <= probe.head.size()).confidence;
        }
        if (c >= '0' && c <= '9') {
            // CloudWatch Logs export: "<ISO time> {event}".
            const size_t sp = h.find(' ');
            if (sp != std::string_view::npos && sp < 40 &&
                aws::normalize_iso8601(h.substr(0, sp)) && sp + 1 < h.size() && h[sp + 1] == '{' &&
                eventish) {
                return 90;
            }
        }
        return 0;
    }

    std::optional<std::string> infer_host(const FileProbe& probe) const override {
        if (auto acct = aws::account_from_path(probe.path)) {
            return aws::host_for_account(*acct);
        }
        for (std::string_view key :
             {"recipientAccountId", "awsAccountId", "accountId", "recipientaccountid"}) {
            if (auto acct = account_after(probe.head, key)) {
                return aws::host_for_account(*acct);
            }
        }
        return std::nullopt;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        // The head decides between the JSON shapes and CSV, as detect() did.
        std::string head(kProbeBytes, '\0');
        size_t n = 0;
        bool whole = false;
        while (n < head.size()) {
            const size_t k = in.read(head.data() + n, head.size() - n);
            if (k == 0) {
                whole = true;
                break;
            }
            n += k;
        }
        head.resize(n);
        PrefixInput rest(head, in);
        Session s(sink);
        CsvPlan plan;
        if (csv_candidate(skip_ws_bom(head))) {
            plan = sniff_csv(head, whole);
        }
        if (plan.kind != CsvPlan::Kind::kNone) {
            s.run_csv(rest, plan);
        } else {
            s.run(rest);
        }
    }
};

}  // namespace

const Parser& aws_cloudtrail_parser() {
    static const CloudTrail kParser;
    return kParser;
}

}  // namespace evidenced::parsers
