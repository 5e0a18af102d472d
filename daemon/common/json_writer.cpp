#include "daemon/common/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "daemon/common/utf8.hpp"

namespace evidenced {

namespace {

// Bytes that end a plain run: control characters, '"', '\\' and every non-ASCII byte
// (validated as UTF-8 separately).  A table keeps the hot loop to one load per byte.
constexpr auto kNeedsWork = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[static_cast<size_t>(c)] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
    }
    return t;
}();

// Eight bytes at a time: whether any of them needs work (SWAR: a zero byte in x shows as
// (x - 0x01..) & ~x & 0x80..).  Most strings in records are long plain runs (paths,
// command lines, ARNs), so this is where a rendered line spends its time.
inline bool word_needs_work(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    const uint64_t quote = w ^ (kOnes * '"');
    const uint64_t bslash = w ^ (kOnes * '\\');
    const uint64_t zero_quote = (quote - kOnes) & ~quote;
    const uint64_t zero_bslash = (bslash - kOnes) & ~bslash;
    const uint64_t control = (w - kOnes * 0x20) & ~w;
    return ((zero_quote | zero_bslash | control | w) & kHigh) != 0;
}

inline size_t plain_run(std::string_view s, size_t i) {
    const size_t n = s.size();
    while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (word_needs_work(w)) {
            break;
        }
        i += 8;
    }
    while (i < n && !kNeedsWork[static_cast<unsigned char>(s[i])]) {
        ++i;
    }
    return i;
}

}  // namespace

void json_append_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        // Copy the longest run that needs no escaping in one go.
        const size_t j = plain_run(s, i);
        out.append(s.data() + i, j - i);
        i = j;
        if (i >= s.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const size_t n = utf8_sequence_length(s, i);
            if (n == 0) {
                out.append("\xEF\xBF\xBD");  // U+FFFD
                ++i;
            } else {
                out.append(s.data() + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                out.append("\\u00");
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xF]);
        }
        ++i;
    }
    out.push_back('"');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!nonempty_.empty()) {
        if (nonempty_.back()) {
            out_.push_back(',');
        }
        nonempty_.back() = true;
    }
}

JsonWriter& JsonWriter::key(std::string_view k) {
    before_value();
    json_append_string(out_, k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value_str(std::string_view v) {
    before_value();
    json_append_string(out_, v);
    return *this;
}

JsonWriter& JsonWriter::value_int(int64_t v) {
    before_value();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

JsonWriter& JsonWriter::value_uint(uint64_t v) {
    before_value();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

JsonWriter& JsonWriter::value_double(double v) {
    if (!std::isfinite(v)) {
        return value_null();
    }
    before_value();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

JsonWriter& JsonWriter::value_bool(bool v) {
    before_value();
    out_.append(v ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::value_null() {
    before_value();
    out_.append("null");
    return *this;
}

JsonWriter& JsonWriter::value_raw(std::string_view raw) {
    before_value();
    out_.append(raw);
    return *this;
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_.push_back('{');
    nonempty_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_.push_back('}');
    nonempty_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_.push_back('[');
    nonempty_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_.push_back(']');
    nonempty_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::resume_object(bool has_members) {
    nonempty_.push_back(has_members);
    return *this;
}

}  // namespace evidenced
