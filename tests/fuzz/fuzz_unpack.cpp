// libFuzzer target for the unpacker: any byte string as an upload, through every container
// layer (gzip/bzip2/xz/tar/zip/7z, nested), with small limits.
//
// Besides memory safety (ASan/UBSan), it checks the unpacker's promises on every input:
// staged files exist, are regular and have the recorded size and no more bytes in total
// than max_total_bytes; no more members than max_members; no stored path is absolute or
// has an empty, "." or ".." component; refused members stage nothing.  A broken promise
// aborts, which libFuzzer reports as a crash with the input saved.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/unpack/unpack.hpp"

namespace {

constexpr uint64_t kMaxTotal = 8ULL << 20;
constexpr uint64_t kMaxMembers = 256;

[[noreturn]] void broken(const char* promise, const std::string& detail) {
    std::fprintf(stderr, "fuzz_unpack: broken promise: %s: %s\n", promise, detail.c_str());
    std::abort();
}

// One scratch directory for the whole run, emptied after every input.
int work_dir() {
    static const int fd = [] {
        char tmpl[] = "/tmp/fuzz_unpack.XXXXXX";
        if (mkdtemp(tmpl) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        const int d = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0) {
            std::perror("open work dir");
            std::abort();
        }
        // Kept for the whole run (a removed directory takes no new files); emptied after
        // each input.
        return d;
    }();
    return fd;
}

void empty_dir(int dfd) {
    const int dup_fd = dup(dfd);
    DIR* d = fdopendir(dup_fd);
    if (d == nullptr) {
        std::abort();
    }
    rewinddir(d);
    while (const dirent* e = readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") {
            continue;
        }
        if (unlinkat(dfd, e->d_name, 0) != 0) {
            const int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (sub >= 0) {
                empty_dir(sub);
                close(sub);
            }
            unlinkat(dfd, e->d_name, AT_REMOVEDIR);
        }
    }
    closedir(d);
}

void check_stored_path(const std::string& p) {
    if (p.empty() || p.front() == '/') {
        broken("stored path relative and non-empty", p);
    }
    size_t start = 0;
    while (start <= p.size()) {
        const size_t end = std::min(p.find('/', start), p.size());
        const std::string_view comp(p.data() + start, end - start);
        if (comp.empty() || comp == "." || comp == "..") {
            broken("no empty, . or .. component", p);
        }
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const int in = memfd_create("fuzz_unpack_input", MFD_CLOEXEC);
    if (in < 0) {
        std::abort();
    }
    for (size_t off = 0; off < size;) {
        const ssize_t n = write(in, data + off, size - off);
        if (n <= 0) {
            std::abort();
        }
        off += static_cast<size_t>(n);
    }

    evidenced::unpack::UnpackOptions opt;
    opt.limits.max_total_bytes = kMaxTotal;
    opt.limits.max_member_bytes = 4ULL << 20;
    opt.limits.max_members = kMaxMembers;
    opt.limits.max_depth = 4;
    opt.limits.max_ratio = 1000;
    opt.limits.ratio_floor_bytes = 1ULL << 20;
    opt.limits.min_free_bytes = 0;
    opt.free_bytes = [] { return UINT64_MAX; };

    const int work = work_dir();
    const evidenced::unpack::UnpackResult r =
        evidenced::unpack::unpack_upload(in, "upload.bin", "", work, opt);

    uint64_t staged_total = 0;
    if (r.members.size() > kMaxMembers) {
        broken("members <= max_members", std::to_string(r.members.size()));
    }
    for (const auto& m : r.members) {
        if (m.work_name.empty()) {
            continue;
        }
        if (m.refused) {
            broken("refused members stage nothing", m.path);
        }
        check_stored_path(m.stored_path);
        struct stat st {};
        if (fstatat(work, m.work_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode)) {
            broken("staged file exists and is regular", m.work_name);
        }
        if (static_cast<uint64_t>(st.st_size) != m.size) {
            broken("staged size == recorded size",
                   m.path + ": " + std::to_string(st.st_size) + " vs " + std::to_string(m.size));
        }
        staged_total += m.size;
    }
    if (staged_total > kMaxTotal) {
        broken("staged bytes <= max_total_bytes", std::to_string(staged_total));
    }

    empty_dir(work);
    close(in);
    return 0;
}
