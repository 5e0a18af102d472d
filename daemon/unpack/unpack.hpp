// Unpack: streams an upload through every container layer into staged member files.
//
// Promises
// - Containers are recognised by magic bytes only (gzip, bzip2, xz, zstd, tar, zip, 7z),
//   never by extension or by the name in a gzip header.  A stream that merely looks like
//   an empty tar (a zero block) is kept as a file (libarchive's zero-block bid).
// - libarchive is used only as a reader; members are written by this module into
//   `work_dir` with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, hashed while written.  Nothing
//   is ever created from a member's name here: staged files have generated names; the
//   store module places them.
// - Symlinks are recorded (with their target), never created.  Hardlinks to a member
//   already staged from this upload become a copy; any other hardlink, devices, FIFOs and
//   sockets are refused.  Mode bits and owners are ignored.
// - Limits count bytes actually produced (decompressed, holes included), across all
//   layers: a member over max_member_bytes / max_ratio / max_depth is refused and its
//   partial bytes removed; reaching max_total_bytes / max_members / min_free_bytes stops
//   the upload (what was staged stays, `stopped` says why).
// - Memory does not grow with upload or member size: fixed buffers, streaming readers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/settings/settings.hpp"

namespace evidenced::unpack {

struct StagedMember {
    std::string path;         // path inside the upload as the archive names it (display)
    std::string stored_path;  // sanitised, '/'-joined path for the evidence tree
    std::string work_name;    // staged file name in work_dir ("" when nothing was staged)
    uint64_t size = 0;
    std::string sha256;
    std::string head;   // first bytes of the content (parsers::kProbeBytes at most)
    int64_t mtime = 0;  // member mtime in its archive (0 = unknown)
    std::optional<std::string> refused;
    std::optional<std::string> link_target;
    std::optional<std::string> note;  // e.g. "encrypted container stored raw", "truncated"
    bool raw_container = false;       // an unsupported/encrypted container kept as-is
};

struct UnpackResult {
    std::vector<StagedMember> members;  // in archive order
    bool unreadable = false;            // nothing could be read at all → quarantine
    std::string unreadable_reason;
    std::optional<std::string> stopped;  // upload-level limit that stopped extraction
    std::optional<std::string> damaged;  // a container ended in an error (members kept)
    uint64_t bytes_produced = 0;
};

struct UnpackOptions {
    settings::Limits limits;
    // Returns free bytes on the data root's file system (checked as bytes are produced).
    std::function<uint64_t()> free_bytes;
};

// Unpacks the upload open at `upload_fd` (read from offset 0; regular file).
// `upload_name` names plain (non-archive) uploads; `path_prefix` (may be "") is prefixed to
// every stored path.  Staged files are created in `work_dir` (a directory fd).
UnpackResult unpack_upload(int upload_fd,
                           const std::string& upload_name,
                           const std::string& path_prefix,
                           int work_dir,
                           const UnpackOptions& options);

// What the first bytes of a stream are (exposed for tests and routing).
enum class Magic { kPlain, kGzip, kBzip2, kXz, kZstd, kTar, kZip, kSevenZip };
Magic detect_magic(std::string_view head);

}  // namespace evidenced::unpack
