#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "daemon/common/sha256.hpp"
#include "daemon/store/custody.hpp"

namespace fs = std::filesystem;

namespace {

nlohmann::ordered_json entry(const std::string& id) {
    nlohmann::ordered_json e;
    e["seq"] = 0;
    e["prev"] = "";
    e["ingest_id"] = id;
    return e;
}

}  // namespace

TEST_CASE("custody: append_all chains its lines like appends one by one", "[custody]") {
    char tmpl[] = "/tmp/evidenced-custody-XXXXXX";
    const fs::path dir = ::mkdtemp(tmpl);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    {
        evidenced::store::Custody c(fd, "inst", static_cast<gid_t>(-1));
        std::vector<nlohmann::ordered_json> batch{entry("a"), entry("b"), entry("c")};
        const auto written = c.append_all(std::move(batch));
        REQUIRE(written.size() == 3);
        c.append(entry("d"));
        CHECK(c.has_ingest_id("b"));
        CHECK(c.has_ingest_id("d"));
    }
    std::ifstream in(dir / "custody/ledger-inst.jsonl");
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
        lines.push_back(l);
    }
    REQUIRE(lines.size() == 4);
    std::string prev(64, '0');
    for (size_t i = 0; i < lines.size(); ++i) {
        const auto j = nlohmann::json::parse(lines[i]);
        CHECK(j.at("seq").get<uint64_t>() == i + 1);
        CHECK(j.at("prev").get<std::string>() == prev);
        CHECK(j.at("ingest_id").get<std::string>() == std::string(1, static_cast<char>('a' + i)));
        prev = evidenced::sha256_hex(lines[i]);
    }
    ::close(fd);
    fs::remove_all(dir);
}
