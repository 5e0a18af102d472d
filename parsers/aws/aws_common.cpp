#include "parsers/aws/aws_common.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <arpa/inet.h>
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace evidenced::parsers::aws {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits_at(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

bool is_account_id(std::string_view s) {
    return s.size() == 12 && all_digits(s);
}

std::optional<std::string> host_for_account(std::string_view account) {
    if (!is_account_id(account)) {
        return std::nullopt;
    }
    return "aws-" + std::string(account);
}

std::optional<std::string> account_from_path(std::string_view path) {
    // Split into components once; the layouts are all component-based.
    std::string_view comps[64];
    size_t n = 0;
    size_t start = 0;
    while (start <= path.size() && n < 64) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            slash = path.size();
        }
        comps[n++] = path.substr(start, slash - start);
        start = slash + 1;
    }
    for (size_t i = 0; i < n; ++i) {
        const std::string_view c = comps[i];
        if (c == "AWSLogs" && i + 1 < n) {
            if (is_account_id(comps[i + 1])) {
                return std::string(comps[i + 1]);
            }
            if (comps[i + 1].starts_with("o-") && i + 2 < n && is_account_id(comps[i + 2])) {
                return std::string(comps[i + 2]);
            }
        }
        constexpr std::string_view kHive = "aws-account-id=";
        if (c.starts_with(kHive) && is_account_id(c.substr(kHive.size()))) {
            return std::string(c.substr(kHive.size()));
        }
    }
    if (n > 0) {
        const std::string_view base = comps[n - 1];
        if (base.size() > 13 && base[12] == '_' && is_account_id(base.substr(0, 12))) {
            const std::string_view rest = base.substr(13);
            if (rest.starts_with("CloudTrail") || rest.starts_with("vpcflowlogs")) {
                return std::string(base.substr(0, 12));
            }
        }
    }
    return std::nullopt;
}

bool parse_ipv4(std::string_view s, unsigned char out[4]) {
    size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') {
                return false;
            }
            ++i;
        }
        const size_t start = i;
        unsigned v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
            ++i;
        }
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) {
            return false;
        }
        out[part] = static_cast<unsigned char>(v);
    }
    return i == s.size();
}

bool is_ip(std::string_view s) {
    if (s.empty() || s.size() > 45) {
        return false;
    }
    if (s.find(':') == std::string_view::npos) {
        unsigned char v4[4];
        return parse_ipv4(s, v4);
    }
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    unsigned char addr[16];
    if (s.find(':') != std::string_view::npos) {
        return ::inet_pton(AF_INET6, buf, addr) == 1;
    }
    return ::inet_pton(AF_INET, buf, addr) == 1;
}

std::string format_epoch_ms(int64_t ms) {
    int64_t secs = ms / 1000;
    int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        --secs;
    }
    int64_t days = secs / 86400;
    int64_t sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        --days;
    }
    int64_t y;
    unsigned m;
    unsigned d;
    civil_from_days(days, y, m, d);
    // Fixed layout "YYYY-MM-DDTHH:MM:SS.mmmZ"; years outside 0..9999 are clamped (they are
    // not real event times and must not break the layout).
    const int64_t yy = y < 0 ? 0 : (y > 9999 ? 9999 : y);
    char buf[24];
    auto put = [&buf](size_t at, int64_t v, int width) {
        for (int k = width - 1; k >= 0; --k) {
            buf[at + static_cast<size_t>(k)] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(0, yy, 4);
    buf[4] = '-';
    put(5, m, 2);
    buf[7] = '-';
    put(8, d, 2);
    buf[10] = 'T';
    put(11, sod / 3600, 2);
    buf[13] = ':';
    put(14, sod / 60 % 60, 2);
    buf[16] = ':';
    put(17, sod % 60, 2);
    buf[19] = '.';
    put(20, rem, 3);
    return std::string(buf, 23) + "Z";
}

std::optional<std::string> normalize_iso8601(std::string_view s) {
    int y, mo, d, h, mi, se;
    if (!digits_at(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits_at(s, 5, 2, mo) ||
        s[7] != '-' || !digits_at(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') ||
        !digits_at(s, 11, 2, h) || s[13] != ':' || !digits_at(s, 14, 2, mi) || s[16] != ':' ||
        !digits_at(s, 17, 2, se)) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
        return std::nullopt;
    }
    size_t i = 19;
    int ms = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int scale = 100;
        const size_t fstart = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ms += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == fstart) {
            return std::nullopt;
        }
    }
    int offset_min = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i] == '-' ? -1 : 1;
        int oh;
        int om = 0;
        if (!digits_at(s, i + 1, 2, oh)) {
            return std::nullopt;
        }
        i += 3;
        if (i < s.size() && s[i] == ':') {
            ++i;
        }
        if (digits_at(s, i, 2, om)) {
            i += 2;
        }
        offset_min = sign * (oh * 60 + om);
    } else {
        return std::nullopt;  // no zone: local time of an unknown place, not UTC
    }
    if (i != s.size()) {
        return std::nullopt;
    }
    const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
    return format_epoch_ms(secs * 1000 + ms);
}

std::optional<uint64_t> parse_uint(std::string_view s) {
    if (s.empty() || s.size() > 19 || !all_digits(s)) {
        return std::nullopt;
    }
    uint64_t v = 0;
    for (char c : s) {
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

// ---- JsonFramer ------------------------------------------------------------------------

static_assert(JsonFramer::kPadding >= simdjson::SIMDJSON_PADDING);

uint64_t count_newlines(const char* p, const char* e) {
    uint64_t n = 0;
    while (p < e) {
        const void* nl = std::memchr(p, '\n', static_cast<size_t>(e - p));
        if (nl == nullptr) {
            break;
        }
        ++n;
        p = static_cast<const char*>(nl) + 1;
    }
    return n;
}

namespace {

constexpr size_t kFrameChunk = 1 << 20;

bool json_ws(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

constexpr std::array<bool, 256> byte_class(std::string_view members) {
    std::array<bool, 256> t{};
    for (char c : members) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}
[[maybe_unused]] constexpr std::array<bool, 256> kInString = byte_class("\"\\");
// What skip_container stops at: the structure, and whitespace so it can note a value that
// is not compact.
constexpr std::array<bool, 256> kStructuralOrSpace = byte_class("\"{}[] \t\r\n");

}  // namespace

JsonFramer::JsonFramer(Input& in) : in_(in), buf_(2 * kFrameChunk + kPadding) {
    std::memset(buf_.data(), 0, kPadding);
    buf_[0] = '"';
}

int JsonFramer::peek() {
    for (;;) {
        while (pos_ < end_ && json_ws(buf_[pos_])) {
            ++pos_;
        }
        if (at_start_ && end_ - pos_ < 3 && refill()) {
            continue;  // a BOM may straddle the first reads
        }
        if (pos_ < end_) {
            if (at_start_ && end_ - pos_ >= 3 &&
                std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
                pos_ += 3;
                at_start_ = false;
                continue;
            }
            at_start_ = false;
            return static_cast<unsigned char>(buf_[pos_]);
        }
        if (!refill()) {
            return -1;
        }
    }
}

void JsonFramer::frame_value(size_t& start, size_t& end) {
    size_t i = pos_;
    const char c = buf_[i];
    compact_ = true;
    if (c == '"') {
        i = skip_string(i + 1);
    } else if (c == '{' || c == '[') {
        i = skip_container(i + 1);
    } else {
        for (;;) {
            while (i < end_ && !json_ws(buf_[i]) && buf_[i] != ',' && buf_[i] != '}' &&
                   buf_[i] != ']') {
                ++i;
            }
            if (i < end_ || !grow(i)) {
                break;
            }
        }
    }
    start = pos_;  // refill() keeps pos_ pointing at the value's first byte
    end = i;
    pos_ = i;
}

void JsonFramer::frame_line(size_t& start, size_t& end) {
    mark_ = pos_;
    size_t i = pos_;
    for (;;) {
        const void* nl = std::memchr(buf_.data() + i, '\n', end_ - i);
        if (nl != nullptr) {
            i = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
            break;
        }
        i = end_;
        if (!grow(i)) {
            break;
        }
    }
    start = pos_;
    end = i;
    pos_ = i < end_ ? i + 1 : i;
    if (end > start && buf_[end - 1] == '\r') {
        --end;
    }
}

uint64_t JsonFramer::line_at(size_t p) {
    if (p < nl_pos_) {
        return lines_ + 1 - count_newlines(buf_.data() + p, buf_.data() + nl_pos_);
    }
    if (p > nl_pos_) {
        lines_ += count_newlines(buf_.data() + nl_pos_, buf_.data() + p);
        nl_pos_ = p;
    }
    return lines_ + 1;
}

void JsonFramer::skip_line() {
    size_t s;
    size_t e;
    frame_line(s, e);
}

// Makes more input available; data from mark_ on keeps its offset relative to mark_.
// Index `i` (>= mark_) is adjusted.  Returns false at the end of the input.
bool JsonFramer::grow(size_t& i) {
    // refill() moves the data down by the mark, also when it then finds the end of input
    // (adjusting only on success left `i` stale, and the next scan ran past the buffer).
    const size_t shift = eof_ ? 0 : mark_;
    const bool more = refill();
    i -= shift;
    return more;
}

bool JsonFramer::refill() {
    if (eof_) {
        return false;
    }
    if (mark_ > 0) {
        if (nl_pos_ < mark_) {
            line_at(mark_);
        }
        std::memmove(buf_.data(), buf_.data() + mark_, end_ - mark_);
        end_ -= mark_;
        pos_ -= mark_;
        nl_pos_ -= mark_;
        mark_ = 0;
        buf_[end_] = '"';
    }
    if (end_ > kMaxValue) {
        throw JsonFrameError{"value larger than 64 MiB"};
    }
    if (buf_.size() < end_ + kFrameChunk + kPadding) {
        buf_.grow(std::max(buf_.size() * 2, end_ + kFrameChunk + kPadding), end_ + 1);
    }
    const size_t k = in_.read(buf_.data() + end_, buf_.size() - end_ - kPadding);
    if (k == 0) {
        eof_ = true;
        return false;
    }
    end_ += k;
    buf_[end_] = '"';
    // The scans and simdjson read into the padding: keep it defined.
    std::memset(buf_.data() + end_ + 1, 0, kPadding - 1);
    return true;
}

// The scanning loops rely on the byte at end_ always being a '"' sentinel: they need no
// bounds check and stop at the end of the data at the latest.
size_t JsonFramer::skip_string(size_t i) {
    for (;;) {
        const char* b = buf_.data();
#if defined(__SSE2__)
        // 16 bytes at a time: loads may reach 15 bytes past the sentinel, inside kPadding.
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        for (;;) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
            const auto m = static_cast<unsigned>(_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
            if (m != 0) {
                i += static_cast<size_t>(__builtin_ctz(m));
                break;
            }
            i += 16;
        }
#else
        while (!kInString[static_cast<unsigned char>(b[i])]) {
            ++i;
        }
#endif
        if (i < end_) {
            if (b[i] == '"') {
                return i + 1;
            }
            i += 2;  // an escape: skip the escaped byte, whatever it is
            if (i <= end_) {
                continue;
            }
        }
        if (!grow(i)) {
            throw JsonFrameError{"file ends inside a JSON string (truncated?)", true};
        }
    }
}

// A closer that does not match the innermost opener is taken as data, so one damaged
// element ({"a":1,]}) stays one element and the ones after it still frame.
size_t JsonFramer::skip_container(size_t i) {
    stack_.assign(1, buf_[i - 1] == '{' ? '}' : ']');
    for (;;) {
        const char* b = buf_.data();
        while (!kStructuralOrSpace[static_cast<unsigned char>(b[i])]) {
            ++i;
        }
        if (i >= end_) {
            if (!grow(i)) {
                throw JsonFrameError{"file ends inside a JSON value (truncated?)", true};
            }
            continue;
        }
        const char ch = b[i];
        if (ch == '"') {
#if defined(__SSE2__)
            // Most strings (keys, short values) end within 16 bytes, without an escape, well
            // before end_: step over them here and leave the rest to skip_string.
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + 1));
            const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
            if (m != 0) {
                const size_t q = i + 1 + static_cast<size_t>(__builtin_ctz(m));
                if (q < end_ && b[q] == '"') {
                    i = q + 1;
                    continue;
                }
            }
#endif
            i = skip_string(i + 1);
            continue;
        }
        if (json_ws(ch)) {
            compact_ = false;
            ++i;
            continue;
        }
        if (ch == '{' || ch == '[') {
            if (stack_.size() >= 1024) {
                throw JsonFrameError{"JSON nested deeper than 1024 levels"};
            }
            stack_.push_back(ch == '{' ? '}' : ']');
        } else if (ch == stack_.back()) {
            stack_.pop_back();
            if (stack_.empty()) {
                return i + 1;
            }
        }
        ++i;
    }
}

}  // namespace evidenced::parsers::aws
