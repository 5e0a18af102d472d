// Helpers shared by the AWS parsers (CloudTrail, VPC Flow Logs): account ids from S3 key
// layouts, IP address checks, UTC timestamp formatting, a fast record writer and a streaming
// JSON framer.
//
// Promises: the free functions are pure, allocate nothing beyond the returned strings and
// depend on no locale or time zone (all times are UTC, computed arithmetically).  JsonFramer
// holds at most one framed value (plus a 1 MiB read chunk) in memory.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/common/fd.hpp"
#include "daemon/common/json_writer.hpp"
#include "parsers/parser.hpp"

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
        key_then(k, '{');
        nonempty_[++depth_] = false;
        return *this;
    }
    FastWriter& end_object() {
        out_.push_back('}');
        --depth_;
        return *this;
    }
    FastWriter& begin_array(std::string_view k) {
        key_then(k, '[');
        nonempty_[++depth_] = false;
        return *this;
    }
    FastWriter& end_array() {
        out_.push_back(']');
        --depth_;
        return *this;
    }
    FastWriter& str(std::string_view k, std::string_view v) {
        // Short keys with plain values (most of a record) go out in one append.
        if (k.size() + v.size() <= kSmall && plain(v)) {
            char buf[kSmall + 8];
            char* p = key_into(buf, k);
            *p++ = '"';
            std::memcpy(p, v.data(), v.size());
            p += v.size();
            *p++ = '"';
            out_.append(buf, static_cast<size_t>(p - buf));
            return *this;
        }
        key(k);
        append_escaped(v);
        return *this;
    }
    // "k":"v" only when v is not empty (ECS fields the source may not have).
    FastWriter& opt_str(std::string_view k, std::string_view v) {
        return v.empty() ? *this : str(k, v);
    }
    // "k":{...} holding the members whose value is not empty, in order; nothing when all are.
    FastWriter& opt_object(std::string_view k,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> m) {
        bool any = false;
        for (const auto& [mk, mv] : m) {
            if (!mv.empty()) {
                if (!any) {
                    begin_object(k);
                    any = true;
                }
                str(mk, mv);
            }
        }
        return any ? end_object() : *this;
    }
    FastWriter& raw(std::string_view k, std::string_view v) {
        key(k);
        out_.append(v);
        return *this;
    }
    FastWriter& num(std::string_view k, uint64_t v) {
        if (k.size() <= kSmall) {
            char buf[kSmall + 32];
            char* p = key_into(buf, k);
            p = std::to_chars(p, p + 24, v).ptr;
            out_.append(buf, static_cast<size_t>(p - buf));
            return *this;
        }
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
    static constexpr size_t kSmall = 200;
    // Writes [,]"k": into buf (k.size() <= kSmall); returns the end.
    char* key_into(char* buf, std::string_view k) {
        char* p = buf;
        if (nonempty_[depth_]) {
            *p++ = ',';
        }
        nonempty_[depth_] = true;
        *p++ = '"';
        std::memcpy(p, k.data(), k.size());
        p += k.size();
        *p++ = '"';
        *p++ = ':';
        return p;
    }
    // Whether v goes out as is: nothing to escape, and ASCII unless trusted UTF-8.
    bool plain(std::string_view v) const {
        unsigned char any_high = 0;
        for (char c : v) {
            const auto u = static_cast<unsigned char>(c);
            if (kEscape[u]) {
                return false;
            }
            any_high |= u;
        }
        return trusted_utf8_ || any_high < 0x80;
    }
    // [,]"k": in one append (a record writes dozens of keys).
    void key(std::string_view k) {
        if (k.size() > kSmall) {
            comma();
            out_.push_back('"');
            out_.append(k);
            out_.append("\":", 2);
            return;
        }
        char buf[kSmall + 8];
        const char* p = key_into(buf, k);
        out_.append(buf, static_cast<size_t>(p - buf));
    }
    // key(k) followed by `c`, in one append.
    void key_then(std::string_view k, char c) {
        if (k.size() > kSmall) {
            key(k);
            out_.push_back(c);
            return;
        }
        char buf[kSmall + 8];
        char* p = key_into(buf, k);
        *p++ = c;
        out_.append(buf, static_cast<size_t>(p - buf));
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

// A structural problem JsonFramer cannot step over (unbalanced brackets, a value too large,
// the input ending inside a value).  `reason` is a static string; `at_end` says the input
// ended inside the value, so nothing after it is left to recover.
// Newlines in [p, e); memchr-based: single-line documents (the common S3 object) have none.
uint64_t count_newlines(const char* p, const char* e);

struct JsonFrameError {
    const char* reason;
    bool at_end = false;
};

// Streams an Input (through read()) in a bounded buffer and frames JSON values (objects,
// arrays, strings, scalars) without parsing them, so wrapper arrays ({"Records":[...]},
// {"events":[...]}, {"logEvents":[...]}) can be walked element by element whatever their
// size.  The buffer keeps kPadding readable bytes past the data, so simdjson can parse a
// framed value in place (parser.parse(p, len, false)).  Values larger than 64 MiB throw.
class JsonFramer {
public:
    static constexpr size_t kPadding = 64;  // >= simdjson::SIMDJSON_PADDING (checked)
    static constexpr size_t kMaxValue = 64u << 20;

    explicit JsonFramer(Input& in);

    const char* data() const {
        return buf_.data();
    }
    size_t pos() const {
        return pos_;
    }
    void set_pos(size_t p) {
        pos_ = p;
    }
    // Bytes before this index may be dropped when the buffer is compacted; offsets from the
    // mark on stay valid relative to it (the caller re-reads start/end after framing).
    void set_mark(size_t m) {
        mark_ = m;
    }
    size_t mark() const {
        return mark_;
    }

    // Skips whitespace (and a UTF-8 BOM at the very start); returns the next byte or -1 at
    // the end of the input.
    int peek();
    void consume() {
        ++pos_;
    }
    // Frames the value starting at pos() (a non-whitespace byte; the mark is at or before
    // it); on return [start, end) is the value and pos() is just past it.
    void frame_value(size_t& start, size_t& end);
    // Whether the value frame_value() last framed has no whitespace outside its strings, so
    // it is already minified (S3 CloudTrail objects are) and a minify pass would copy it
    // unchanged.
    bool last_value_compact() const {
        return compact_;
    }
    // The rest of the current line from pos() (without '\r\n'); pos() moves past the '\n'.
    void frame_line(size_t& start, size_t& end);
    // 1-based line number of byte `p` (p must not decrease between calls).
    uint64_t line_at(size_t p);
    // Moves to the start of the next line (error recovery).
    void skip_line();

private:
    bool grow(size_t& i);
    bool refill();
    size_t skip_string(size_t i);
    size_t skip_container(size_t i);

    Input& in_;
    RawBuffer buf_;      // not zero-filled: 2 MiB of memset per CloudTrail file otherwise
    std::string stack_;  // expected closers of the open containers
    size_t pos_ = 0;
    size_t end_ = 0;
    size_t mark_ = 0;
    size_t nl_pos_ = 0;
    uint64_t lines_ = 0;
    bool eof_ = false;
    bool at_start_ = true;
    bool compact_ = false;
};

}  // namespace evidenced::parsers::aws
