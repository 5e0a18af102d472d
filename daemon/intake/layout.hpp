// Inbox layout: where an upload sits says which incident (and host) it belongs to.
//
//   inbox/<incident>/<name>                    host inferred by the pipeline (host = nullopt)
//   inbox/<incident>/<host>/<name>             host given by the folder
//   inbox/<incident>/<host>/<a>/<b>/<name>     same, path_prefix "a/b" for the members
//
// Promises: classify() accepts only relative '/'-separated paths of at least two components
// whose every component is a non-dot name and whose last one is an upload name (names.hpp);
// files directly in the inbox (no incident folder) are not uploads.  scan_inbox() walks the
// inbox without following symlinks, never enters dot-directories (so not `.evidenced/`), and
// reports regular files only: uploads and sidecars, with the stat facts settle tracking needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace evidenced::intake {

// Nesting below inbox/ that the scanner and the watcher follow.
inline constexpr int kMaxInboxDepth = 24;

struct DropLocation {
    std::string rel;                  // path below the inbox, e.g. "INC-1/web01/logs/a.tgz"
    std::string incident;             // first component
    std::optional<std::string> host;  // second component when the file lies deeper
    std::string path_prefix;          // folders between host and name ("" if none)
    std::string name;                 // last component
};

std::optional<DropLocation> classify(std::string_view rel);

// Identity and settle facts of one regular file.
struct FileFacts {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t dev = 0;
    uint64_t ino = 0;
    friend bool operator==(const FileFacts&, const FileFacts&) = default;
};

// lstat(2) of `path`: the facts of a regular file, nullopt for anything else or on error.
std::optional<FileFacts> stat_regular(const std::string& path);

struct ScanEntry {
    std::string rel;
    FileFacts facts;
    bool sidecar = false;
};

// Uploads and sidecars below `inbox` (sorted by rel).  Unreadable folders are skipped.
std::vector<ScanEntry> scan_inbox(const std::string& inbox);
// Same for one folder below the inbox (a folder that just appeared); `rel_dir` "" = all.
std::vector<ScanEntry> scan_inbox_dir(const std::string& inbox, const std::string& rel_dir);

}  // namespace evidenced::intake
