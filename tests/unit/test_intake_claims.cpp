#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/intake/claims.hpp"
#include "daemon/intake/layout.hpp"
#include "daemon/intake/receipt.hpp"
#include "daemon/intake/sidecar.hpp"

using namespace evidenced::intake;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/evidenced-intake-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("claims: a claim moves the upload and its sidecar, and a restart finds it", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    write(t.path / "inbox/INC/web01/logs/a.tgz", "bytes");
    write(t.path / "inbox/INC/web01/logs/a.tgz.evidenced.json",
          R"({"host": "db02", "note": "from /var/log", /* comment */ "source": "linux-logs"})");
    ClaimStore store(inbox, "alpha");
    const auto loc = classify("INC/web01/logs/a.tgz");
    REQUIRE(loc);
    const auto facts = stat_regular(inbox + "/INC/web01/logs/a.tgz");
    REQUIRE(facts);

    Claim c;
    REQUIRE(store.claim(*loc, *facts, c) == ClaimStatus::kClaimed);
    CHECK_FALSE(fs::exists(t.path / "inbox/INC/web01/logs/a.tgz"));
    CHECK_FALSE(fs::exists(t.path / "inbox/INC/web01/logs/a.tgz.evidenced.json"));
    CHECK(slurp(c.upload_path) == "bytes");
    // The claim keeps <incident>/<host>/<rest> below its id.
    CHECK(c.upload_path == store.base_dir() + "/" + c.meta.id + "/INC/web01/logs/a.tgz");
    REQUIRE(c.meta.sidecar);
    CHECK(c.meta.sidecar->host == std::optional<std::string>("db02"));
    CHECK(c.meta.sidecar->source == std::optional<std::string>("linux-logs"));
    CHECK_FALSE(c.started);
    store.mark_started(c);

    ClaimStore again(inbox, "alpha");
    const auto pending = again.pending();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].meta.loc.rel == "INC/web01/logs/a.tgz");
    CHECK(pending[0].meta.loc.path_prefix == "logs");
    CHECK(pending[0].meta.facts == *facts);
    CHECK(pending[0].started);
    CHECK(pending[0].upload_path == c.upload_path);
    REQUIRE(pending[0].meta.sidecar);
    CHECK(pending[0].meta.sidecar->note == std::optional<std::string>("from /var/log"));
    CHECK(ClaimStore(inbox, "beta").pending().empty());  // other instances' claims are theirs

    again.finish(pending[0]);
    CHECK(again.pending().empty());
}

TEST_CASE("claims: a file that changed since it settled, or vanished, is not claimed", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    write(t.path / "inbox/INC/a.log", "one");
    ClaimStore store(inbox, "alpha");
    const auto loc = classify("INC/a.log");
    const auto facts = stat_regular(inbox + "/INC/a.log");
    REQUIRE(facts);
    write(t.path / "inbox/INC/a.log", "one two");  // grew after settling
    Claim c;
    CHECK(store.claim(*loc, *facts, c) == ClaimStatus::kChanged);
    fs::remove(t.path / "inbox/INC/a.log");
    CHECK(store.claim(*loc, *facts, c) == ClaimStatus::kGone);
    CHECK(store.pending().empty());  // no claim directory left behind
}

TEST_CASE("claims: a claim never replaces an earlier claim of the same name", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    ClaimStore store(inbox, "alpha");
    std::vector<Claim> claims;
    for (int i = 0; i < 3; ++i) {
        write(t.path / "inbox/INC/h/a.log", "version " + std::to_string(i));
        Claim c;
        REQUIRE(store.claim(*classify("INC/h/a.log"), *stat_regular(inbox + "/INC/h/a.log"), c) ==
                ClaimStatus::kClaimed);
        claims.push_back(c);
    }
    const auto pending = store.pending();
    REQUIRE(pending.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(slurp(pending[i].upload_path) == "version " + std::to_string(i));  // claim order
    }
}

TEST_CASE("claims: racing claimers of one inbox get every upload exactly once", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    constexpr int kUploads = 200;
    for (int i = 0; i < kUploads; ++i) {
        write(t.path / ("inbox/INC/h/u" + std::to_string(i) + ".log"), std::to_string(i));
    }
    std::vector<std::pair<DropLocation, FileFacts>> work;
    for (int i = 0; i < kUploads; ++i) {
        const std::string rel = "INC/h/u" + std::to_string(i) + ".log";
        work.emplace_back(*classify(rel), *stat_regular(inbox + "/" + rel));
    }
    std::atomic<int> claimed{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            ClaimStore store(inbox, "inst" + std::to_string(k));
            for (const auto& [loc, facts] : work) {
                Claim c;
                if (store.claim(loc, facts, c) == ClaimStatus::kClaimed) {
                    ++claimed;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(claimed.load() == kUploads);
    size_t total = 0;
    std::set<std::string> seen;
    for (int k = 0; k < 4; ++k) {
        for (const auto& c : ClaimStore(inbox, "inst" + std::to_string(k)).pending()) {
            ++total;
            seen.insert(slurp(c.upload_path));
        }
    }
    CHECK(total == kUploads);
    CHECK(seen.size() == kUploads);
}

TEST_CASE("claims: a claim whose meta file is lost is rebuilt from its path", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    write(t.path / "inbox/INC/h/sub/a.log", "x");
    ClaimStore store(inbox, "alpha");
    Claim c;
    REQUIRE(store.claim(*classify("INC/h/sub/a.log"), *stat_regular(inbox + "/INC/h/sub/a.log"),
                        c) == ClaimStatus::kClaimed);
    fs::remove(fs::path(c.dir) / ".claim.json");
    const auto pending = store.pending();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].meta.loc.incident == "INC");
    CHECK(pending[0].meta.loc.host == std::optional<std::string>("h"));
    CHECK(pending[0].meta.loc.path_prefix == "sub");
    CHECK(pending[0].upload_path == c.upload_path);
}

TEST_CASE("sidecar: strict keys and string values", "[intake]") {
    const auto s = parse_sidecar(R"({"incident": "INC-9", "host": null, "note": ""})");
    CHECK(s.incident == std::optional<std::string>("INC-9"));
    CHECK_FALSE(s.host);
    CHECK(s.note == std::optional<std::string>(""));
    CHECK_THROWS_AS(parse_sidecar(R"({"incidnet": "x"})"), SidecarError);
    CHECK_THROWS_AS(parse_sidecar(R"({"host": 7})"), SidecarError);
    CHECK_THROWS_AS(parse_sidecar(R"([1])"), SidecarError);
    CHECK_THROWS_AS(parse_sidecar(R"({"host": "a")"), SidecarError);  // truncated upload
    CHECK_THROWS_AS(parse_sidecar(R"({"host": ""})"), SidecarError);
}

TEST_CASE("receipt: written atomically beside the upload, replacing an older one", "[intake]") {
    TempDir t;
    const std::string inbox = (t.path / "inbox").string();
    fs::create_directories(t.path / "inbox/INC/h");
    Receipt r;
    r.upload = "a.tgz";
    r.drop_path = "INC/h/a.tgz";
    r.incident = "INC";
    r.sha256 = std::string(64, 'a');
    r.size = 5;
    r.outcome = "ingested";
    r.time = "2026-01-01T00:00:00.000Z";
    REQUIRE(write_receipt(inbox, r));
    r.outcome = "duplicate";
    REQUIRE(write_receipt(inbox, r));
    const auto text = slurp(t.path / "inbox/INC/h/a.tgz.evidenced-receipt.json");
    CHECK(text.find("\"outcome\": \"duplicate\"") != std::string::npos);
    CHECK(text.find("\"reason\": null") != std::string::npos);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(t.path / "inbox/INC/h")) {
        (void)e;
        ++files;
    }
    CHECK(files == 1);  // no temp file left
    r.drop_path = "GONE/h/a.tgz";
    CHECK_FALSE(write_receipt(inbox, r));  // a vanished folder is not recreated
    CHECK_FALSE(fs::exists(t.path / "inbox/GONE"));
}
