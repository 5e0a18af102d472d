#include "daemon/intake/layout.hpp"

#include <algorithm>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/intake/names.hpp"

namespace evidenced::intake {
namespace {

std::vector<std::string_view> split(std::string_view rel) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= rel.size()) {
        const size_t slash = rel.find('/', start);
        const size_t end = slash == std::string_view::npos ? rel.size() : slash;
        parts.push_back(rel.substr(start, end - start));
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return parts;
}

FileFacts facts_of(const struct stat& st) {
    FileFacts f;
    f.size = static_cast<uint64_t>(st.st_size);
    f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    f.dev = static_cast<uint64_t>(st.st_dev);
    f.ino = static_cast<uint64_t>(st.st_ino);
    return f;
}

// Depth-first walk through directory fds (openat O_NOFOLLOW), so a symlinked folder or a
// folder renamed mid-walk never leads outside the inbox.
void walk(int dirfd, const std::string& rel_dir, int depth, std::vector<ScanEntry>& out) {
    DIR* d = ::fdopendir(dirfd);
    if (d == nullptr) {
        ::close(dirfd);
        return;
    }
    std::vector<std::string> subdirs;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") {
            continue;
        }
        struct stat st {};
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;
        }
        const std::string rel = rel_dir.empty() ? std::string(name) : rel_dir + "/" + e->d_name;
        if (S_ISDIR(st.st_mode)) {
            if (is_scanned_dir_name(name) && depth < kMaxInboxDepth) {
                subdirs.push_back(e->d_name);
            }
        } else if (S_ISREG(st.st_mode) && !rel_dir.empty()) {
            if (is_upload_name(name)) {
                out.push_back({rel, facts_of(st), false});
            } else if (is_sidecar_name(name) && !is_dot_name(name)) {
                out.push_back({rel, facts_of(st), true});
            }
        }
    }
    for (const auto& sub : subdirs) {
        const int fd =
            ::openat(::dirfd(d), sub.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            walk(fd, rel_dir.empty() ? sub : rel_dir + "/" + sub, depth + 1, out);
        }
    }
    ::closedir(d);
}

}  // namespace

std::optional<DropLocation> classify(std::string_view rel) {
    if (rel.empty() || rel.front() == '/') {
        return std::nullopt;
    }
    const auto parts = split(rel);
    if (parts.size() < 2 || static_cast<int>(parts.size()) > kMaxInboxDepth + 1) {
        return std::nullopt;
    }
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!is_scanned_dir_name(parts[i])) {
            return std::nullopt;
        }
    }
    if (!is_upload_name(parts.back())) {
        return std::nullopt;
    }
    DropLocation loc;
    loc.rel = std::string(rel);
    loc.incident = std::string(parts[0]);
    loc.name = std::string(parts.back());
    if (parts.size() >= 3) {
        loc.host = std::string(parts[1]);
    }
    for (size_t i = 2; i + 1 < parts.size(); ++i) {
        if (!loc.path_prefix.empty()) {
            loc.path_prefix += '/';
        }
        loc.path_prefix += parts[i];
    }
    return loc;
}

std::optional<FileFacts> stat_regular(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::nullopt;
    }
    return facts_of(st);
}

std::vector<ScanEntry> scan_inbox_dir(const std::string& inbox, const std::string& rel_dir) {
    std::vector<ScanEntry> out;
    const std::string path = rel_dir.empty() ? inbox : inbox + "/" + rel_dir;
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return out;
    }
    int depth = 0;
    if (!rel_dir.empty()) {
        depth = 1 + static_cast<int>(std::count(rel_dir.begin(), rel_dir.end(), '/'));
    }
    walk(fd, rel_dir, depth, out);
    std::sort(out.begin(), out.end(),
              [](const ScanEntry& a, const ScanEntry& b) { return a.rel < b.rel; });
    return out;
}

std::vector<ScanEntry> scan_inbox(const std::string& inbox) {
    return scan_inbox_dir(inbox, "");
}

}  // namespace evidenced::intake
