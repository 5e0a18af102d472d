#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/output/segments.hpp"

namespace fs = std::filesystem;
using evidenced::output::SegmentStore;
using evidenced::output::Spool;

namespace {

struct TempRoot {
    fs::path dir;
    int fd = -1;
    TempRoot() {
        char tmpl[] = "/tmp/evidenced-seg-XXXXXX";
        dir = ::mkdtemp(tmpl);
        fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        fs::create_directories(dir / "work" / "u");
    }
    ~TempRoot() {
        ::close(fd);
        fs::remove_all(dir);
    }
    TempRoot(const TempRoot&) = delete;
    TempRoot& operator=(const TempRoot&) = delete;
    std::string read(const std::string& rel) const {
        std::ifstream f(dir / rel, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
    void write(const std::string& rel, const std::string& data) const {
        std::ofstream(dir / rel, std::ios::binary | std::ios::trunc) << data;
    }
};

std::string lines(int from, int to) {
    std::string s;
    for (int i = from; i < to; ++i) {
        s += "{\"n\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n";
    }
    return s;
}

}  // namespace

TEST_CASE("segments: appends, rolls over at line ends, never rewrites", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 4096, static_cast<gid_t>(-1));
    const std::string a = lines(0, 100);  // ~5 KB: must split across two segments
    root.write("work/u/a.jsonl", a);
    bool committed = false;
    store.commit("id1", "IR", {Spool{"other", "work/u/a.jsonl"}}, [&] { committed = true; });
    CHECK(committed);
    const std::string s1 = root.read("normalized/IR/other-inst-000001.jsonl");
    const std::string s2 = root.read("normalized/IR/other-inst-000002.jsonl");
    CHECK(s1 + s2 == a);
    CHECK(s1.size() <= 4096);
    CHECK(s1.back() == '\n');
    CHECK(!fs::exists(root.dir / "work/intents/id1.json"));

    // A second upload continues in the active (second) segment; the first is untouched.
    root.write("work/u/b.jsonl", lines(100, 110));
    store.commit("id2", "IR", {Spool{"other", "work/u/b.jsonl"}}, [] {});
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == s1);
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == s2 + lines(100, 110));

    // force_new (reparse) starts a new file.
    store.commit(
        "id3", "IR", {Spool{"other", "work/u/b.jsonl"}}, [] {}, true);
    CHECK(root.read("normalized/IR/other-inst-000003.jsonl") == lines(100, 110));
}

TEST_CASE("segments: a crash after the commit point is completed exactly once", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    const std::string data = lines(0, 50);
    root.write("work/u/a.jsonl", data);
    // Simulate the crash: the commit point throws after the plan was journalled, then a
    // prefix that ends mid-line is already in the segment.
    struct Crash {};
    CHECK_THROWS_AS(
        store.commit("idc", "IR", {Spool{"other", "work/u/a.jsonl"}}, [] { throw Crash{}; }),
        Crash);
    REQUIRE(fs::exists(root.dir / "work/intents/idc.json"));
    fs::create_directories(root.dir / "normalized/IR");
    root.write("normalized/IR/other-inst-000001.jsonl", data.substr(0, 777));

    // Not committed: the plan is dropped and nothing is appended.
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1)).recover([](const std::string&) {
        return false;
    });
    CHECK(!fs::exists(root.dir / "work/intents/idc.json"));

    // Committed: the missing tail is appended, never a second copy.
    CHECK_THROWS_AS(
        store.commit("idd", "IR", {Spool{"other", "work/u/a.jsonl"}}, [] { throw Crash{}; }),
        Crash);
    const std::string before = root.read("normalized/IR/other-inst-000001.jsonl");
    root.write("normalized/IR/other-inst-000001.jsonl", before + data.substr(0, 333));
    store.recover([](const std::string& id) { return id == "idd"; });
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == before + data);
    store.recover([](const std::string&) { return true; });  // idempotent
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == before + data);
}
