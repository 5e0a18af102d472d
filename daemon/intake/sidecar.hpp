// Sidecar `<upload>.evidenced.json`: optional metadata an uploader puts beside an upload.
//
//   {"incident": "INC-7", "host": "web01", "source": "linux-logs", "note": "from /var/log"}
//
// Promises: parse_sidecar() accepts a JSON object (comments allowed) whose keys are among
// incident, host, source, note with string values (null = not set); anything else throws
// SidecarError saying what is wrong.  Values are not sanitised here (the pipeline does that).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace evidenced::intake {

class SidecarError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Sidecar {
    std::optional<std::string> incident;
    std::optional<std::string> host;
    std::optional<std::string> source;
    std::optional<std::string> note;
    friend bool operator==(const Sidecar&, const Sidecar&) = default;
};

// Sidecars larger than this are refused (it is metadata, not evidence).
inline constexpr size_t kMaxSidecarBytes = 64 * 1024;

Sidecar parse_sidecar(std::string_view text);
// Reads and parses `path`; nullopt when it does not exist.  Throws SidecarError.
std::optional<Sidecar> read_sidecar(const std::string& path);

}  // namespace evidenced::intake
