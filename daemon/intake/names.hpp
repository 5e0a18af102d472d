// Inbox names: which directory entries are uploads, and where their companions live.
//
// Promises: is_upload_name() is false for dot-files, uploaders' temp names (.part, .filepart,
// .crdownload, .tmp, .partial, a trailing `~`, Office's `~$` lock files), sidecars
// (`<upload>.evidenced.json`) and receipts (`<upload>.evidenced-receipt.json`); every other
// name is an upload.  Matching of suffixes is ASCII case-insensitive (Windows uploaders).
#pragma once

#include <string>
#include <string_view>

namespace evidenced::intake {

inline constexpr std::string_view kSidecarSuffix = ".evidenced.json";
inline constexpr std::string_view kReceiptSuffix = ".evidenced-receipt.json";
// The daemon's own folder directly under the inbox (claims); never scanned.
inline constexpr std::string_view kStateDirName = ".evidenced";

bool is_dot_name(std::string_view name);
bool is_temp_name(std::string_view name);
bool is_sidecar_name(std::string_view name);
bool is_receipt_name(std::string_view name);
// Whether a regular file with this name (one path component) is an upload.
bool is_upload_name(std::string_view name);
// Whether the scanner descends into a directory with this name (not dot-directories).
bool is_scanned_dir_name(std::string_view name);

std::string sidecar_name(std::string_view upload_name);
std::string receipt_name(std::string_view upload_name);

}  // namespace evidenced::intake
