// open_path_beneath / make_dirs: a path under a directory fd, never out of it, never
// through a symlink -- whichever way the lookup is made (one openat2 or a walk).
#include <cerrno>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"

namespace fs = std::filesystem;
using evidenced::make_dirs;
using evidenced::open_path_beneath;
using evidenced::UniqueFd;

namespace {

struct Tmp {
    fs::path dir;
    int fd = -1;
    Tmp() {
        char tmpl[] = "/tmp/evidenced-fd-XXXXXX";
        dir = ::mkdtemp(tmpl);
        fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    }
    ~Tmp() {
        ::close(fd);
        fs::remove_all(dir);
    }
    Tmp(const Tmp&) = delete;
    Tmp& operator=(const Tmp&) = delete;
};

bool is_dir_fd(int fd) {
    struct stat st {};
    return fd >= 0 && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

TEST_CASE("fd: open_path_beneath opens files and directories below the fd", "[fd]") {
    Tmp t;
    fs::create_directories(t.dir / "a/b/c");
    std::ofstream(t.dir / "a/b/c/f.txt") << "x";
    UniqueFd f(open_path_beneath(t.fd, "a/b/c/f.txt", false));
    CHECK(f);
    UniqueFd d(open_path_beneath(t.fd, "a/b/c", true));
    CHECK(is_dir_fd(d.get()));
    errno = 0;
    CHECK(open_path_beneath(t.fd, "a/b/c", false) < 0);  // a directory is not a file
    CHECK(errno == EISDIR);
    errno = 0;
    CHECK(open_path_beneath(t.fd, "a/b/missing/f.txt", false) < 0);
    CHECK(errno == ENOENT);
}

TEST_CASE("fd: no symlink and no way out, in any component", "[fd]") {
    Tmp t;
    fs::create_directories(t.dir / "a/real");
    std::ofstream(t.dir / "a/real/f.txt") << "x";
    fs::create_directory_symlink(t.dir / "a/real", t.dir / "a/link");
    fs::create_directory_symlink("/etc", t.dir / "a/etc");
    std::ofstream(t.dir / "outside.txt") << "x";
    CHECK(open_path_beneath(t.fd, "a/link/f.txt", false) < 0);
    CHECK(open_path_beneath(t.fd, "a/link", true) < 0);
    CHECK(open_path_beneath(t.fd, "a/etc/passwd", false) < 0);
    CHECK(open_path_beneath(t.fd, "a/../outside.txt", false) < 0);
    CHECK(open_path_beneath(t.fd, "a/real/../../outside.txt", false) < 0);
    CHECK(open_path_beneath(t.fd, "a//real/f.txt", false) >= 0);  // walk skips empty parts
    UniqueFd sub(open_path_beneath(t.fd, "a", true));
    REQUIRE(sub);
    CHECK(open_path_beneath(sub.get(), "../outside.txt", false) < 0);
    // make_dirs: existing path in one go, new parts created, a symlink in the way refused.
    UniqueFd made(make_dirs(t.fd, "a/real/x/y"));
    CHECK(is_dir_fd(made.get()));
    CHECK(fs::is_directory(t.dir / "a/real/x/y"));
    CHECK_THROWS(make_dirs(t.fd, "a/link/z"));
    CHECK(!fs::exists(t.dir / "a/real/z"));
    CHECK_THROWS(make_dirs(t.fd, "a/etc/evil"));
}
