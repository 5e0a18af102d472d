// UTF-8 validation shared by the JSON writer and the name sanitiser.
#pragma once

#include <cstddef>
#include <string_view>

namespace evidenced {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when it is not
// valid: overlong forms, surrogates and code points past U+10FFFF are invalid.
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = s.size() - i;
    auto cont = [&](size_t k) { return (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80; };
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        return (n >= 2 && cont(1)) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || !cont(1) || !cont(2)) {
            return 0;
        }
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        return ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) ? 0 : 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || !cont(1) || !cont(2) || !cont(3)) {
            return 0;
        }
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        return ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) ? 0 : 4;
    }
    return 0;
}

}  // namespace evidenced
