#include <filesystem>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon/common/sha256.hpp"
#include "daemon/unpack/unpack.hpp"

namespace fs = std::filesystem;
using evidenced::unpack::Magic;
using evidenced::unpack::unpack_upload;
using evidenced::unpack::UnpackOptions;
using evidenced::unpack::UnpackResult;

namespace {

struct Member {
    std::string name;
    std::string data;
};

// A tar (optionally gzipped) built with libarchive's writer.
std::string make_tar(const std::vector<Member>& members, bool gzip) {
    std::string out;
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip) {
        archive_write_add_filter_gzip(a);
    }
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(
        a, &out, nullptr,
        [](archive*, void* d, const void* buf, size_t n) -> la_ssize_t {
            static_cast<std::string*>(d)->append(static_cast<const char*>(buf), n);
            return static_cast<la_ssize_t>(n);
        },
        nullptr);
    for (const auto& m : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, m.name.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1700000000, 0);
        archive_write_header(a, e);
        archive_write_data(a, m.data.data(), m.data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

std::string gzip_bytes(const std::string& in) {
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, in.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

struct Scratch {
    fs::path dir;
    int work = -1;
    Scratch() {
        char tmpl[] = "/tmp/evidenced-unpack-XXXXXX";
        dir = ::mkdtemp(tmpl);
        fs::create_directories(dir / "work");
        work = ::open((dir / "work").c_str(), O_RDONLY | O_DIRECTORY);
    }
    ~Scratch() {
        ::close(work);
        fs::remove_all(dir);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    UnpackResult run(const std::string& bytes,
                     const UnpackOptions& opt,
                     const std::string& name = "upload.tar.gz") {
        for (const auto& e : fs::directory_iterator(dir / "work")) {
            fs::remove(e.path());  // one work dir per upload, as the pipeline has
        }
        const auto p = dir / "upload";
        {
            int fd = ::open(p.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
            REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
            ::close(fd);
        }
        int fd = ::open(p.c_str(), O_RDONLY);
        auto r = unpack_upload(fd, name, "", work, opt);
        ::close(fd);
        return r;
    }
    size_t staged_files() const {
        size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "work")) {
            ++n;
        }
        return n;
    }
};

UnpackOptions small_limits() {
    UnpackOptions o;
    o.limits.max_total_bytes = 8 << 20;
    o.limits.max_member_bytes = 4 << 20;
    o.limits.max_members = 100;
    o.limits.max_depth = 4;
    o.limits.max_ratio = 100;
    o.limits.ratio_floor_bytes = 1 << 20;
    o.limits.min_free_bytes = 0;
    return o;
}

const evidenced::unpack::StagedMember* find(const UnpackResult& r, const std::string& path) {
    for (const auto& m : r.members) {
        if (m.path == path) {
            return &m;
        }
    }
    return nullptr;
}

}  // namespace

TEST_CASE("magic bytes decide, not names", "[unpack]") {
    using evidenced::unpack::detect_magic;
    CHECK(detect_magic(gzip_bytes("x")) == Magic::kGzip);
    CHECK(detect_magic(make_tar({{"a", "b"}}, false)) == Magic::kTar);
    CHECK(detect_magic(std::string(1024, '\0')) == Magic::kPlain);  // zero block: not a tar
    CHECK(detect_magic("PK\x03\x04rest") == Magic::kZip);
    CHECK(detect_magic("hello") == Magic::kPlain);
}

TEST_CASE("a member over max_member_bytes is refused, the others are kept", "[unpack][limits]") {
    Scratch s;
    auto opt = small_limits();
    opt.limits.max_ratio = 1000000;  // isolate the member cap
    const std::string big(5 << 20, 'a');
    const auto r = s.run(make_tar({{"small1", "one"}, {"big", big}, {"small2", "two"}}, true), opt);
    CHECK(!r.stopped);
    REQUIRE(find(r, "big") != nullptr);
    CHECK(find(r, "big")->refused.value_or("").find("max_member_bytes") == 0);
    CHECK(find(r, "big")->work_name.empty());
    REQUIRE(find(r, "small2") != nullptr);
    CHECK(find(r, "small2")->sha256 == evidenced::sha256_hex("two"));
    CHECK(s.staged_files() == 2);  // the refused member's partial bytes are gone
}

TEST_CASE("max_total_bytes stops the upload and keeps what was stored", "[unpack][limits]") {
    Scratch s;
    auto opt = small_limits();
    opt.limits.max_ratio = 1000000;
    const std::string chunk(3 << 20, 'b');
    const auto r =
        s.run(make_tar({{"a", chunk}, {"b", chunk}, {"c", chunk}, {"d", "late"}}, true), opt);
    REQUIRE(r.stopped);
    CHECK(r.stopped->find("max_total_bytes") == 0);
    CHECK(r.bytes_produced <= opt.limits.max_total_bytes + (256 << 10));
    REQUIRE(find(r, "a") != nullptr);
    CHECK(!find(r, "a")->refused);
    CHECK(find(r, "d") == nullptr);
}

TEST_CASE("ratio is judged past the floor on bytes actually produced", "[unpack][limits]") {
    Scratch s;
    auto opt = small_limits();
    opt.limits.max_member_bytes = 64 << 20;
    opt.limits.max_total_bytes = 64 << 20;
    const std::string zeros(16 << 20, '\0');
    const auto r = s.run(gzip_bytes(zeros), opt, "zeros.bin.gz");
    REQUIRE(r.members.size() == 1);
    CHECK(r.members[0].refused.value_or("").find("max_ratio") == 0);
    // Under the floor nothing is judged.
    const auto r2 = s.run(gzip_bytes(std::string(512 << 10, '\0')), opt, "small.gz");
    REQUIRE(r2.members.size() == 1);
    CHECK(!r2.members[0].refused);
    CHECK(r2.members[0].size == (512u << 10));
}

TEST_CASE("max_members and max_depth", "[unpack][limits]") {
    Scratch s;
    auto opt = small_limits();
    std::vector<Member> many;
    for (int i = 0; i < 150; ++i) {
        many.push_back({"f" + std::to_string(i), "x"});
    }
    const auto r = s.run(make_tar(many, true), opt);
    REQUIRE(r.stopped);
    CHECK(r.stopped->find("max_members") == 0);
    CHECK(r.members.size() == 100);

    std::string deep = "payload";
    for (int i = 0; i < 10; ++i) {
        deep = gzip_bytes(deep);
    }
    const auto d = s.run(deep, opt, "deep.gz");
    REQUIRE(d.members.size() == 1);
    CHECK(d.members[0].refused.value_or("").find("max_depth") == 0);
}

TEST_CASE("nested containers are unpacked with their path as a folder", "[unpack]") {
    Scratch s;
    const std::string inner = make_tar({{"var/log/syslog", "inner log"}}, true);
    const std::string outer = make_tar({{"host/logs.tar.gz", inner}, {"readme", "r"}}, false);
    const auto r = s.run(outer, small_limits(), "bundle.tar");
    const auto* m = find(r, "host/logs.tar.gz/var/log/syslog");
    REQUIRE(m != nullptr);
    CHECK(m->stored_path == "host/logs.tar/var/log/syslog");
    CHECK(m->sha256 == evidenced::sha256_hex("inner log"));
    // A gzip payload that starts with a zero block stays a file (libarchive would read an
    // empty tar and drop it).
    const std::string image = std::string(4096, '\0') + "disk data";
    const auto z = s.run(gzip_bytes(image), small_limits(), "disk.img.gz");
    REQUIRE(z.members.size() == 1);
    CHECK(z.members[0].stored_path == "disk.img");
    CHECK(z.members[0].sha256 == evidenced::sha256_hex(image));
}
