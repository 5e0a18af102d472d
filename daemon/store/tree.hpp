// Tree: places staged members into evidence/<incident>/<host>/<source>/<path>.
//
// Promises (DESIGN.md "No collisions, ever")
// - Nothing is ever overwritten: files appear by a no-replace rename from work/.
// - A target holding the same bytes means "already stored" (deduplicated, nothing written);
//   other bytes get "<name>~<first 8 hex of the member's sha256>".  A directory name held
//   by a file (or a file name held by a directory) takes "~<hex>" too (for a directory, the
//   hex of its path in the archive).  So re-ingesting, or resuming after a crash, finds the
//   same names and writes no second copy.
// - Every step is an openat-style call beneath a directory fd: no symlink is followed.
// - Files end up 0440, directories 0750, with the configured group.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace evidenced::store {

struct Placed {
    std::string stored;  // "evidence/<incident>/<host>/<source>/<path>" as stored
    bool deduplicated = false;
};

class Tree {
public:
    // root_fd: the data root (not owned).  group: -1 = leave the group alone.
    Tree(int root_fd, gid_t group);

    Placed place(int work_dir,
                 const std::string& work_name,
                 const std::string& sha256,
                 uint64_t size,
                 const std::string& incident,
                 const std::string& host,
                 const std::string& source,
                 const std::vector<std::string>& path) const;

    // Whether the file at `fd` holds exactly `size` bytes hashing to `sha256`.
    static bool same_bytes(int fd, const std::string& sha256, uint64_t size);

    // Applies the policy mode/group to an open file or directory.
    void set_policy(int fd, bool directory) const;

private:
    int root_fd_;
    gid_t group_;
};

}  // namespace evidenced::store
