#include "daemon/store/names.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/common/sha256.hpp"
#include "daemon/common/utf8.hpp"

namespace evidenced::store {

namespace {

constexpr size_t kMaxComponent = 255;

void append_escaped(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
}

}  // namespace

std::string sanitize_component(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    size_t i = 0;
    while (i < raw.size()) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c < 0x20 || c == 0x7F) {
            append_escaped(out, c);
            ++i;
            continue;
        }
        if (c == '/') {  // cannot occur after splitting, but a component must never hold one
            append_escaped(out, c);
            ++i;
            continue;
        }
        const size_t n = utf8_sequence_length(raw, i);
        if (n == 0) {
            append_escaped(out, c);
            ++i;
            continue;
        }
        out.append(raw.data() + i, n);
        i += n;
    }
    if (out == "." || out == "..") {
        // Only reachable from a name made solely of dots after escaping; keep it visible.
        out = "%2E" + out.substr(1);
    }
    if (out.size() > kMaxComponent) {
        // Deterministic: a readable prefix cut on a UTF-8 boundary, then a hash of the whole.
        const std::string hash = sha256_hex(raw).substr(0, 16);
        size_t keep = kMaxComponent - hash.size() - 1;
        while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0) == 0x80) {
            --keep;
        }
        out = out.substr(0, keep) + "~" + hash;
    }
    return out;
}

std::string SanitizedPath::joined() const {
    std::string s;
    for (const auto& c : components) {
        if (!s.empty()) {
            s.push_back('/');
        }
        s.append(c);
    }
    return s;
}

SanitizedPath sanitize_member_path(std::string_view raw, bool zip_backslashes) {
    SanitizedPath result;
    std::string name(raw);
    // UNC \\host\share\... : the host part is not a folder of the evidence.
    const bool unc = name.size() > 2 && name[0] == '\\' && name[1] == '\\';
    if (zip_backslashes || unc) {
        std::replace(name.begin(), name.end(), '\\', '/');
    }
    std::vector<std::string_view> parts;
    std::string_view rest(name);
    while (!rest.empty()) {
        const size_t slash = rest.find('/');
        const std::string_view comp = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (comp.empty() || comp == ".") {
            continue;
        }
        if (comp == "..") {
            result.refused = "path has a '..' component";
            return result;
        }
        parts.push_back(comp);
    }
    if (unc && !parts.empty()) {
        parts.erase(parts.begin());
    }
    // Drive letter: "C:" alone or "C:name" as the first component.
    if (!parts.empty() && parts[0].size() >= 2 && parts[0][1] == ':' &&
        std::isalpha(static_cast<unsigned char>(parts[0][0]))) {
        if (parts[0].size() == 2) {
            parts.erase(parts.begin());
        } else {
            parts[0].remove_prefix(2);
        }
    }
    for (const auto& p : parts) {
        result.components.push_back(sanitize_component(p));
    }
    if (result.components.empty()) {
        result.refused = "empty name";
    }
    return result;
}

bool is_safe_name(std::string_view s) {
    if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x80 && std::isalnum(c)) || c == '.' || c == '_' || c == '-';
    });
}

std::string safe_name(std::string_view raw, std::string_view fallback) {
    if (is_safe_name(raw)) {
        return std::string(raw);
    }
    std::string out;
    for (char ch : raw) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x80 && std::isalnum(c)) || c == '.' || c == '_' || c == '-') {
            out.push_back(ch);
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) {
        out.erase(out.begin());
    }
    if (out.empty()) {
        out = std::string(fallback);
    }
    if (out != raw || out.size() > 64) {
        // Keep distinct raw names distinct after the lossy mapping.
        const std::string tag = "-" + sha256_hex(raw).substr(0, 8);
        if (out.size() + tag.size() > 64) {
            out.resize(64 - tag.size());
        }
        out += tag;
    }
    return out;
}

std::string strip_compression_suffix(std::string_view name) {
    auto ends_with_ci = [&](std::string_view suf) {
        if (name.size() <= suf.size()) {
            return false;
        }
        const auto tail = name.substr(name.size() - suf.size());
        return std::equal(tail.begin(), tail.end(), suf.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
        });
    };
    for (std::string_view suf : {".tgz", ".tbz2", ".tbz", ".txz", ".tzst"}) {
        if (ends_with_ci(suf)) {
            return std::string(name.substr(0, name.size() - suf.size())) + ".tar";
        }
    }
    for (std::string_view suf : {".gz", ".bz2", ".xz", ".zst", ".lz4", ".z"}) {
        if (ends_with_ci(suf)) {
            return std::string(name.substr(0, name.size() - suf.size()));
        }
    }
    return std::string(name);
}

std::string collision_name(std::string_view name, std::string_view hex) {
    std::string out(name);
    out.push_back('~');
    out.append(hex);
    if (out.size() > kMaxComponent) {
        out = std::string(name.substr(0, kMaxComponent - hex.size() - 1)) + "~" + std::string(hex);
    }
    return out;
}

}  // namespace evidenced::store
