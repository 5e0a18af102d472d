// Helpers shared by the AWS parsers (CloudTrail, VPC Flow Logs): account ids from S3 key
// layouts, IP address checks and UTC timestamp formatting.
//
// Promises: pure functions, no allocation beyond the returned strings, no locale or time
// zone dependence (all times are UTC, computed arithmetically).
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/common/json_writer.hpp"

namespace evidenced::parsers::aws {

// Whether `s` is exactly 12 ASCII digits (an AWS account id).
bool is_account_id(std::string_view s);

// The account a member path names: `AWSLogs/<acct>/...`, an organisation trail
// `AWSLogs/o-<org>/<acct>/...`, Hive style `aws-account-id=<acct>`, else a file name
// `<acct>_CloudTrail[-Digest|-Insight]_...` or `<acct>_vpcflowlogs_...`.  nullopt if none.
std::optional<std::string> account_from_path(std::string_view path);

// "aws-<acct>" for a valid account id, else nullopt.
std::optional<std::string> host_for_account(std::string_view account);

// A dotted-quad IPv4 address as inet_pton reads it (no leading zeros, each part 0..255).
bool parse_ipv4(std::string_view s, unsigned char out[4]);

// Whether the whole of `s` is an IPv4 (dotted quad) or IPv6 address.
bool is_ip(std::string_view s);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for milliseconds since the Unix epoch (UTC).
std::string format_epoch_ms(int64_t ms);

// An ISO 8601 date-time ("2023-07-10T11:45:12Z", "...12.345Z", "...+11:00", a space instead
// of 'T') normalised to "YYYY-MM-DDTHH:MM:SS.mmmZ" UTC; nullopt when it is not one.
std::optional<std::string> normalize_iso8601(std::string_view s);

// Unsigned decimal integer (the whole view, at most 19 digits); nullopt otherwise.
std::optional<uint64_t> parse_uint(std::string_view s);

// JsonWriter's subset for the record hot paths.  Keys must be ASCII literals needing no
// escape.  Values are escaped for '"', '\\' and control characters with one append for the
// common clean run; a byte >= 0x80 sends the value through json_append_string (UTF-8 checked,
// ill-formed bytes replaced) unless the writer was told its input is validated UTF-8.
class FastWriter {
public:
    explicit FastWriter(std::string& out, bool trusted_utf8 = false)
        : out_(out), trusted_utf8_(trusted_utf8) {}

    FastWriter& resume_object(bool has_members) {
        nonempty_[++depth_] = has_members;
        return *this;
    }
    FastWriter& begin_object(std::string_view k) {
        key(k);
        out_.push_back('{');
        nonempty_[++depth_] = false;
        return *this;
    }
    FastWriter& end_object() {
        out_.push_back('}');
        --depth_;
        return *this;
    }
    FastWriter& begin_array(std::string_view k) {
        key(k);
        out_.push_back('[');
        nonempty_[++depth_] = false;
        return *this;
    }
    FastWriter& end_array() {
        out_.push_back(']');
        --depth_;
        return *this;
    }
    FastWriter& str(std::string_view k, std::string_view v) {
        key(k);
        append_escaped(v);
        return *this;
    }
    FastWriter& raw(std::string_view k, std::string_view v) {
        key(k);
        out_.append(v);
        return *this;
    }
    FastWriter& num(std::string_view k, uint64_t v) {
        key(k);
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, r.ptr);
        return *this;
    }
    FastWriter& boolean(std::string_view k, bool v) {
        key(k);
        out_.append(v ? "true" : "false");
        return *this;
    }
    FastWriter& value_str(std::string_view v) {
        comma();
        append_escaped(v);
        return *this;
    }

private:
    void comma() {
        if (nonempty_[depth_]) {
            out_.push_back(',');
        }
        nonempty_[depth_] = true;
    }
    void key(std::string_view k) {
        comma();
        out_.push_back('"');
        out_.append(k);
        out_.append("\":", 2);
    }
    void append_escaped(std::string_view v) {
        static constexpr char kHex[] = "0123456789abcdef";
        if (!trusted_utf8_) {
            for (char c : v) {
                if (static_cast<unsigned char>(c) >= 0x80) {
                    json_append_string(out_, v);
                    return;
                }
            }
        }
        out_.push_back('"');
        size_t i = 0;
        while (i < v.size()) {
            size_t j = i;
            while (j < v.size() && !kEscape[static_cast<unsigned char>(v[j])]) {
                ++j;
            }
            out_.append(v.data() + i, j - i);
            if (j == v.size()) {
                break;
            }
            const auto c = static_cast<unsigned char>(v[j]);
            switch (c) {
                case '"': out_.append("\\\""); break;
                case '\\': out_.append("\\\\"); break;
                case '\n': out_.append("\\n"); break;
                case '\r': out_.append("\\r"); break;
                case '\t': out_.append("\\t"); break;
                default:
                    out_.append("\\u00");
                    out_.push_back(kHex[c >> 4]);
                    out_.push_back(kHex[c & 0xF]);
            }
            i = j + 1;
        }
        out_.push_back('"');
    }

    static constexpr std::array<bool, 256> kEscape = [] {
        std::array<bool, 256> t{};
        for (int c = 0; c < 0x20; ++c) {
            t[static_cast<size_t>(c)] = true;
        }
        t['"'] = true;
        t['\\'] = true;
        return t;
    }();

    std::string& out_;
    bool trusted_utf8_;
    std::array<bool, 16> nonempty_{};
    size_t depth_ = 0;
};

}  // namespace evidenced::parsers::aws
