#include "daemon/store/tree.hpp"

#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/common/sha256.hpp"
#include "daemon/store/names.hpp"

namespace evidenced::store {

Tree::Tree(int root_fd, gid_t group) : root_fd_(root_fd), group_(group) {}

void Tree::set_policy(int fd, bool directory) const {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        throw_errno("stat for mode");
    }
    // Skip the chown when a setgid folder already gave the group: a hardened unit may not
    // be allowed to chown at all.
    if (group_ != static_cast<gid_t>(-1) && st.st_gid != group_) {
        if (::fchown(fd, static_cast<uid_t>(-1), group_) != 0) {
            throw_errno("set group");
        }
    }
    // Directories keep a setgid bit they inherited, so the group flows down the tree.
    const mode_t want = directory ? (0750 | (st.st_mode & S_ISGID)) : 0440;
    if ((st.st_mode & 07777) != want && ::fchmod(fd, want) != 0) {
        throw_errno("set mode");
    }
}

bool Tree::same_bytes(int fd, const std::string& sha256, uint64_t size) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<uint64_t>(st.st_size) != size) {
        return false;
    }
    Sha256 h;
    RawBuffer buf(256 * 1024);
    off_t off = 0;
    for (;;) {
        const size_t k = pread_full(fd, buf.data(), buf.size(), off);
        if (k == 0) {
            break;
        }
        h.update(buf.data(), k);
        off += static_cast<off_t>(k);
    }
    return h.hex() == sha256;
}

Placed Tree::place(int work_dir,
                   const std::string& work_name,
                   const std::string& sha256,
                   uint64_t size,
                   const std::string& incident,
                   const std::string& host,
                   const std::string& source,
                   const std::vector<std::string>& path) const {
    Placed out;
    out.stored = "evidence/" + incident + "/" + host + "/" + source;
    UniqueFd dir = make_dirs(root_fd_, out.stored);
    // Walk the member's folders; a name held by a file takes the "~<hex>" form.
    std::string archive_dir;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
        archive_dir += (archive_dir.empty() ? "" : "/") + path[i];
        std::string name = path[i];
        int fd = make_dir_beneath(dir.get(), name, 0750);
        for (int attempt = 0; fd < 0 && (errno == ENOTDIR || errno == EEXIST) && attempt < 3;
             ++attempt) {
            name = collision_name(path[i], sha256_hex(archive_dir).substr(0, 8 + 8 * attempt));
            fd = make_dir_beneath(dir.get(), name, 0750);
        }
        if (fd < 0) {
            throw_errno("create evidence directory " + out.stored + "/" + name);
        }
        dir.reset(fd);
        if (group_ != static_cast<gid_t>(-1)) {
            set_policy(dir.get(), true);
        }
        out.stored += "/" + name;
    }
    {
        UniqueFd wf(::openat(work_dir, work_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!wf) {
            throw_errno("open staged member " + work_name);
        }
        set_policy(wf.get(), false);
    }
    const std::string& leaf = path.back();
    for (int attempt = 0; attempt < 4; ++attempt) {
        const std::string name =
            attempt == 0 ? leaf : collision_name(leaf, sha256.substr(0, 8 * attempt));
        if (move_noreplace(work_dir, work_name, dir.get(), name)) {
            out.stored += "/" + name;
            return out;
        }
        UniqueFd existing(open_file_beneath(dir.get(), name));
        if (existing && same_bytes(existing.get(), sha256, size)) {
            ::unlinkat(work_dir, work_name.c_str(), 0);
            out.stored += "/" + name;
            out.deduplicated = true;
            return out;
        }
    }
    throw std::runtime_error("no free name for " + out.stored + "/" + leaf);
}

}  // namespace evidenced::store
