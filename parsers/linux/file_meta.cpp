// File metadata and file-name helpers (see file_meta.hpp).
#include "parsers/linux/file_meta.hpp"

#include <algorithm>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers::linux_cmd {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

}  // namespace

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view path_basename(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> name_words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : ascii_lower(text)) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            cur.push_back(c);
        } else if (!cur.empty()) {
            out.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) {
        out.push_back(std::move(cur));
    }
    return out;
}

bool basename_has_word(std::string_view path, std::string_view word) {
    const auto words = name_words(path_basename(path));
    return std::find(words.begin(), words.end(), word) != words.end();
}

bool basename_contains(std::string_view path, std::string_view part) {
    return ascii_lower(path_basename(path)).find(part) != std::string::npos;
}

bool command_line_says(const FileProbe& probe, std::initializer_list<std::string_view> words) {
    const std::string cl = " " + command_line_hint(probe.path, probe.head.substr(0, 4096)) + " ";
    for (std::string_view w : words) {
        std::string needle = " ";
        needle += w;
        needle += ' ';
        if (cl.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::optional<StatTime> parse_stat_clock(std::string_view s, size_t* end) {
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
        s[16] != ':') {
        return std::nullopt;
    }
    const auto y = to_int(s.substr(0, 4));
    const auto mo = to_int(s.substr(5, 2));
    const auto d = to_int(s.substr(8, 2));
    const auto h = to_int(s.substr(11, 2));
    const auto mi = to_int(s.substr(14, 2));
    const auto se = to_int(s.substr(17, 2));
    if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 ||
        *h > 23 || *mi > 59 || *se > 60) {
        return std::nullopt;
    }
    StatTime t;
    size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && is_digit(s[i])) {
            if (digits < 3) {
                t.millis = t.millis * 10 + (s[i] - '0');
            }
            ++digits;
            ++i;
        }
        for (; digits < 3; ++digits) {
            t.millis *= 10;
        }
    }
    t.epoch = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400 +
              *h * 3600 + *mi * 60 + *se;
    if (end != nullptr) {
        *end = i;
    }
    return t;
}

std::optional<int> parse_hhmm_zone(std::string_view z) {
    if (z.size() != 5 || (z[0] != '+' && z[0] != '-') || !all_digits(z.substr(1))) {
        return std::nullopt;
    }
    const int v = static_cast<int>(*to_int(z.substr(1, 2)) * 3600 + *to_int(z.substr(3, 2)) * 60);
    return z[0] == '-' ? -v : v;
}

bool has_mode_letters(std::string_view t) {
    if (t.size() < 10 || t.size() > 11) {
        return false;
    }
    if (std::string_view("-dlcbpsDn?").find(t[0]) == std::string_view::npos) {
        return false;
    }
    for (size_t k = 1; k < 10; ++k) {
        if (std::string_view("-rwxsStT?").find(t[k]) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

const char* file_type(char type_letter) {
    switch (type_letter) {
        case 'd': return "dir";
        case 'l': return "symlink";
        case 'c': return "char_device";
        case 'b': return "block_device";
        case 'p': return "fifo";
        case 's': return "socket";
        default: return "file";
    }
}

void begin_failure_record(Record& r, std::string_view dataset, uint64_t position) {
    r.dataset = dataset;
    r.position = position;
    JsonWriter ev(r.event_fields);
    ev.resume_object(false);
    ev.str("outcome", "failure");
}

}  // namespace evidenced::parsers::linux_cmd
