#include "daemon/intake/names.hpp"

#include <array>

namespace evidenced::intake {
namespace {

bool ends_with_icase(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) {
        return false;
    }
    const std::string_view tail = s.substr(s.size() - suffix.size());
    for (size_t i = 0; i < suffix.size(); ++i) {
        char a = tail[i];
        char b = suffix[i];
        if (a >= 'A' && a <= 'Z') {
            a = static_cast<char>(a - 'A' + 'a');
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_dot_name(std::string_view name) {
    return !name.empty() && name.front() == '.';
}

bool is_temp_name(std::string_view name) {
    // WinSCP .filepart, browsers .part/.crdownload, generic .tmp/.partial, editors' `~`
    // backups and Office's `~$` owner files: all say "still being written" or "not evidence".
    static constexpr std::array<std::string_view, 5> kSuffixes = {
        ".part", ".filepart", ".crdownload", ".tmp", ".partial"};
    if (name.empty() || name.back() == '~' || name.substr(0, 2) == "~$") {
        return true;
    }
    for (const auto suffix : kSuffixes) {
        if (ends_with_icase(name, suffix)) {
            return true;
        }
    }
    return false;
}

bool is_sidecar_name(std::string_view name) {
    return name.size() > kSidecarSuffix.size() && ends_with_icase(name, kSidecarSuffix);
}

bool is_receipt_name(std::string_view name) {
    return name.size() > kReceiptSuffix.size() && ends_with_icase(name, kReceiptSuffix);
}

bool is_upload_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." && !is_dot_name(name) &&
           !is_temp_name(name) && !is_sidecar_name(name) && !is_receipt_name(name);
}

bool is_scanned_dir_name(std::string_view name) {
    return !name.empty() && !is_dot_name(name);
}

std::string sidecar_name(std::string_view upload_name) {
    return std::string(upload_name) + std::string(kSidecarSuffix);
}

std::string receipt_name(std::string_view upload_name) {
    return std::string(upload_name) + std::string(kReceiptSuffix);
}

}  // namespace evidenced::intake
