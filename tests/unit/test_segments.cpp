#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

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

TEST_CASE("segments: deferred commits stay journalled until a checkpoint", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    root.write("work/u/a.jsonl", lines(0, 20));
    root.write("work/u/b.jsonl", lines(20, 30));
    store.commit(
        "ida", "IR", {Spool{"other", "work/u/a.jsonl"}}, [] {}, false, /*durable=*/false);
    store.commit(
        "idb", "IR", {Spool{"other", "work/u/b.jsonl"}}, [] {}, false, /*durable=*/false);
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == lines(0, 30));
    CHECK(store.pending() == 2);
    CHECK(fs::exists(root.dir / "work/intents/ida.json"));
    CHECK(fs::exists(root.dir / "work/intents/idb.json"));
    store.checkpoint();
    CHECK(store.pending() == 0);
    CHECK(!fs::exists(root.dir / "work/intents/ida.json"));
    CHECK(!fs::exists(root.dir / "work/intents/idb.json"));
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == lines(0, 30));
}

TEST_CASE("segments: a power loss after deferred commits is completed from regenerated spools",
          "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    fs::create_directories(root.dir / "work/v");
    root.write("work/u/a.jsonl", lines(0, 40));
    root.write("work/v/b.jsonl", lines(40, 45));
    store.commit(
        "ida", "IR", {Spool{"other", "work/u/a.jsonl"}}, [] {}, false, /*durable=*/false);
    store.commit(
        "idb", "IR", {Spool{"other", "work/v/b.jsonl"}}, [] {}, false, /*durable=*/false);
    // The power loss: neither spool nor the segment's tail (cut mid-line inside the first
    // upload's part) made it to disk; the two plans and the ledger did.
    const std::string seg = "normalized/IR/other-inst-000001.jsonl";
    root.write(seg, lines(0, 40).substr(0, 555));
    fs::remove(root.dir / "work/u/a.jsonl");
    fs::remove(root.dir / "work/v/b.jsonl");

    std::vector<std::string> asked;
    auto regenerate = [&](const std::string& id) -> std::optional<std::vector<Spool>> {
        asked.push_back(id);
        fs::create_directories(root.dir / "work/regen");
        const std::string rel = "work/regen/" + id + ".jsonl";
        root.write(rel, id == "ida" ? lines(0, 40) : lines(40, 45));
        return std::vector<Spool>{Spool{"other", rel}};
    };
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1))
        .recover([](const std::string&) { return true; }, regenerate);
    CHECK(root.read(seg) == lines(0, 45));
    CHECK(asked == std::vector<std::string>{"ida", "idb"});
    CHECK(!fs::exists(root.dir / "work/intents/ida.json"));
    CHECK(!fs::exists(root.dir / "work/intents/idb.json"));

    // Nothing left to do: a second recovery neither appends nor regenerates.
    asked.clear();
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1))
        .recover([](const std::string&) { return true; }, regenerate);
    CHECK(root.read(seg) == lines(0, 45));
    CHECK(asked.empty());
}

TEST_CASE("segments: a lost spool that cannot be rendered again keeps its plan", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    root.write("work/u/a.jsonl", lines(0, 10));
    store.commit(
        "ida", "IR", {Spool{"other", "work/u/a.jsonl"}}, [] {}, false, /*durable=*/false);
    const std::string seg = "normalized/IR/other-inst-000001.jsonl";
    root.write(seg, "");
    fs::remove(root.dir / "work/u/a.jsonl");
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1))
        .recover([](const std::string&) { return true; },
                 [](const std::string&) { return std::optional<std::vector<Spool>>(); });
    CHECK(root.read(seg).empty());
    CHECK(fs::exists(root.dir / "work/intents/ida.json"));  // for a human, never a guess
}

TEST_CASE(
    "segments: records held in memory go straight into the segment, and come back after a "
    "power loss",
    "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 4096, static_cast<gid_t>(-1));
    auto mem = std::make_shared<const std::string>(lines(0, 100));  // ~5 KB: two segments
    store.commit(
        "idm", "IR", {Spool{"other", "", mem}}, [] {}, false, /*durable=*/false);
    const std::string s1 = root.read("normalized/IR/other-inst-000001.jsonl");
    const std::string s2 = root.read("normalized/IR/other-inst-000002.jsonl");
    CHECK(s1 + s2 == *mem);
    CHECK(s1.size() <= 4096);
    CHECK(s1.back() == '\n');
    CHECK(!fs::exists(root.dir / "work/u/spool-other.jsonl"));

    root.write("normalized/IR/other-inst-000001.jsonl", s1.substr(0, 100));
    root.write("normalized/IR/other-inst-000002.jsonl", "");
    int asked = 0;
    SegmentStore(root.fd, "inst", 4096, static_cast<gid_t>(-1))
        .recover([](const std::string&) { return true; },
                 [&](const std::string&) -> std::optional<std::vector<Spool>> {
                     ++asked;
                     return std::vector<Spool>{Spool{"other", "", mem}};
                 });
    CHECK(asked == 1);
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == s1);
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == s2);
}

TEST_CASE("segments: a big spool becomes a new segment by rename, not by copy", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 8192, static_cast<gid_t>(-1));
    root.write("work/u/small.jsonl", lines(0, 40));  // ~2 KB: into the active segment
    store.commit(
        "ids", "IR", {Spool{"other", "work/u/small.jsonl"}}, [] {}, false, /*durable=*/false);
    const std::string big = lines(40, 190);  // ~7.7 KB: a quarter segment or more, no room
    REQUIRE(big.size() > 8192 - lines(0, 40).size());
    root.write("work/u/big.jsonl", big);
    store.commit(
        "idb", "IR", {Spool{"other", "work/u/big.jsonl"}}, [] {}, false, /*durable=*/false);
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == lines(0, 40));
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == big);
    CHECK(!fs::exists(root.dir / "work/u/big.jsonl"));  // renamed, not copied
    const auto perms = fs::status(root.dir / "normalized/IR/other-inst-000002.jsonl").permissions();
    CHECK((perms & fs::perms::others_all) == fs::perms::none);
    CHECK((perms & fs::perms::group_read) != fs::perms::none);

    // A power loss that took the renamed segment's data: recovery renders it again.
    root.write("normalized/IR/other-inst-000002.jsonl", big.substr(0, 1000));
    int asked = 0;
    SegmentStore(root.fd, "inst", 8192, static_cast<gid_t>(-1))
        .recover([](const std::string&) { return true; },
                 [&](const std::string& id) -> std::optional<std::vector<Spool>> {
                     ++asked;
                     CHECK(id == "idb");
                     fs::create_directories(root.dir / "work/regen");
                     root.write("work/regen/big.jsonl", big);
                     return std::vector<Spool>{Spool{"other", "work/regen/big.jsonl"}};
                 });
    CHECK(asked == 1);
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == big);
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == lines(0, 40));
}

TEST_CASE("segments: a big spool that still fits the active segment is renamed too", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 8192, static_cast<gid_t>(-1));
    root.write("work/u/small.jsonl", lines(0, 10));  // ~0.5 KB into the active segment
    store.commit(
        "ids", "IR", {Spool{"other", "work/u/small.jsonl"}}, [] {}, false, /*durable=*/false);
    const std::string big = lines(10, 60);  // a quarter segment or more, and room for it
    REQUIRE(big.size() >= 8192 / 4);
    REQUIRE(big.size() < 8192 - lines(0, 10).size());
    root.write("work/u/big.jsonl", big);
    store.commit(
        "idb", "IR", {Spool{"other", "work/u/big.jsonl"}}, [] {}, false, /*durable=*/false);
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == lines(0, 10));
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == big);
    CHECK(!fs::exists(root.dir / "work/u/big.jsonl"));  // renamed, not copied
    // The next small one goes after it, into the segment the big one started.
    root.write("work/u/small2.jsonl", lines(60, 62));
    store.commit(
        "ids2", "IR", {Spool{"other", "work/u/small2.jsonl"}}, [] {}, false, /*durable=*/false);
    CHECK(root.read("normalized/IR/other-inst-000002.jsonl") == big + lines(60, 62));
}

TEST_CASE("segments: a batch plans each upload after the one before it, across a rollover",
          "[segments]") {
    // The same spools, committed one by one in one root and as one batch in another, give
    // the same segment files byte for byte (small spools share a segment, a big one starts
    // its own, and the active segment rolls over mid-batch).
    const std::vector<std::string> data{lines(0, 10),  lines(10, 20),  lines(20, 80),
                                        lines(80, 90), lines(90, 150), lines(150, 160)};
    TempRoot one;
    TempRoot batch;
    std::vector<std::vector<Spool>> spools;
    for (size_t i = 0; i < data.size(); ++i) {
        const std::string rel = "work/u/s" + std::to_string(i) + ".jsonl";
        one.write(rel, data[i]);
        batch.write(rel, data[i]);
        spools.push_back({Spool{"other", rel}});
    }
    SegmentStore s1(one.fd, "inst", 4096, static_cast<gid_t>(-1));
    for (size_t i = 0; i < data.size(); ++i) {
        s1.commit("id" + std::to_string(i), "IR", spools[i], [] {});
    }
    SegmentStore s2(batch.fd, "inst", 4096, static_cast<gid_t>(-1));
    std::vector<SegmentStore::Commit> commits;
    const std::vector<Spool> none;
    for (size_t i = 0; i < data.size(); ++i) {
        commits.push_back({"id" + std::to_string(i), "IR", &spools[i]});
        if (i == 2) {
            commits.push_back({"idx", "IR", &none});  // an upload without records
        }
    }
    int points = 0;
    s2.commit_batch(commits, [&] { ++points; });
    CHECK(points == 1);
    std::string all;
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(one.dir / "normalized/IR")) {
        const std::string rel = "normalized/IR/" + e.path().filename().string();
        CHECK(batch.read(rel) == one.read(rel));
        ++n;
    }
    CHECK(n >= 3);
    for (size_t i = 1; i <= n; ++i) {
        char name[64];
        std::snprintf(name, sizeof name, "normalized/IR/other-inst-%06zu.jsonl", i);
        all += batch.read(name);
    }
    std::string want;
    for (const auto& d : data) {
        want += d;
    }
    CHECK(all == want);
    CHECK(fs::is_empty(batch.dir / "work/intents"));  // durable: the plan is gone
}

TEST_CASE("segments: a batch is journalled once and recovered plan by plan", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    const std::string a = lines(0, 30);
    const std::string b = lines(30, 50);
    root.write("work/u/a.jsonl", a);
    root.write("work/u/b.jsonl", b);
    const std::vector<Spool> sa{Spool{"other", "work/u/a.jsonl"}};
    const std::vector<Spool> sb{Spool{"other", "work/u/b.jsonl"}};
    struct Crash {};
    CHECK_THROWS_AS(
        store.commit_batch({{"ida", "IR", &sa}, {"idb", "IR", &sb}}, [] { throw Crash{}; }), Crash);
    // One intent file, named after the first upload, holding both plans.
    REQUIRE(fs::exists(root.dir / "work/intents/ida.json"));
    CHECK(!fs::exists(root.dir / "work/intents/idb.json"));
    CHECK(root.read("work/intents/ida.json").find("\"batch\"") != std::string::npos);
    // The crash left half of a's records; only a reached the ledger.
    fs::create_directories(root.dir / "normalized/IR");
    root.write("normalized/IR/other-inst-000001.jsonl", a.substr(0, 400));
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1))
        .recover([](const std::string& id) { return id == "ida"; });
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == a);
    CHECK(!fs::exists(root.dir / "work/intents/ida.json"));

    // Both committed, neither appended: both are completed, in order, exactly once.
    CHECK_THROWS_AS(
        store.commit_batch({{"idc", "IR", &sa}, {"idd", "IR", &sb}}, [] { throw Crash{}; }), Crash);
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1)).recover([](const std::string&) {
        return true;
    });
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == a + a + b);
    SegmentStore(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1)).recover([](const std::string&) {
        return true;
    });
    CHECK(root.read("normalized/IR/other-inst-000001.jsonl") == a + a + b);
}

TEST_CASE("segments: a batch with nothing to append writes no intent", "[segments]") {
    TempRoot root;
    SegmentStore store(root.fd, "inst", 1 << 20, static_cast<gid_t>(-1));
    const std::vector<Spool> none;
    bool point = false;
    store.commit_batch(
        {{"ide", "IR", &none}, {"", "", nullptr}}, [&] { point = true; },
        /*durable=*/false);
    CHECK(point);
    CHECK(store.pending() == 0);
    CHECK((!fs::exists(root.dir / "work/intents") || fs::is_empty(root.dir / "work/intents")));
}
