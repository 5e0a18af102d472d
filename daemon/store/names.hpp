// Names: how untrusted names become safe, deterministic names in the evidence tree.
//
// Promises (DESIGN.md safety table)
// - sanitize_member_path() never returns "." or ".." components or empty ones; it strips a
//   leading '/', a drive letter and a UNC \\host\ prefix, refuses any ".." component, treats
//   '\' as a separator only in zips, escapes control bytes and invalid UTF-8 as %XX, and
//   shortens components over 255 bytes to a prefix plus a hash.  The same input always
//   gives the same output.
// - safe_name() turns an incident/host/source/instance name into
//   ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ (never "." or "..").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evidenced::store {

struct SanitizedPath {
    std::vector<std::string> components;  // empty when refused
    std::string refused;                  // reason, "" when accepted
    std::string joined() const;           // components joined with '/'
};

SanitizedPath sanitize_member_path(std::string_view raw, bool zip_backslashes);

// One component (a file name): the same escaping and shortening, without splitting.
std::string sanitize_component(std::string_view raw);

std::string safe_name(std::string_view raw, std::string_view fallback = "unknown");
bool is_safe_name(std::string_view s);

// Drops a compression suffix (.gz .bz2 .xz .zst .lz4 .z, any case); .tgz/.tbz2/.txz become
// .tar.  Returns the name unchanged when it has none (never returns "").
std::string strip_compression_suffix(std::string_view name);

// "<name>~<hex>" for collisions.
std::string collision_name(std::string_view name, std::string_view hex);

}  // namespace evidenced::store
