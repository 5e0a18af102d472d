#include <catch2/catch.hpp>

#include "daemon/intake/layout.hpp"
#include "daemon/intake/names.hpp"

using namespace evidenced::intake;

TEST_CASE("intake: temp names, dot-files, sidecars and receipts are not uploads", "[intake]") {
    for (const char* n : {".hidden", ".rsync.a1B2c3", "a.part", "a.PART", "big.zip.filepart",
                          "x.crdownload", "y.tmp", "z.partial", "notes.txt~", "~$report.docx",
                          "a.tgz.evidenced.json", "a.tgz.evidenced-receipt.json", ".", ".."}) {
        INFO(n);
        CHECK_FALSE(is_upload_name(n));
    }
    for (const char* n : {"a.tgz", "uac-web01-linux-20240101120000.tar.gz", "auth.log",
                          "partial.log", "tmp", "a.parts", "evidenced.json"}) {
        INFO(n);
        CHECK(is_upload_name(n));
    }
    CHECK(is_sidecar_name("a.tgz.evidenced.json"));
    CHECK(is_receipt_name("a.tgz.evidenced-receipt.json"));
    CHECK(sidecar_name("a.tgz") == "a.tgz.evidenced.json");
    CHECK(receipt_name("a.tgz") == "a.tgz.evidenced-receipt.json");
}

TEST_CASE("intake: the drop path gives incident, host and path prefix", "[intake]") {
    auto direct = classify("INC-1/a.tgz");
    REQUIRE(direct);
    CHECK(direct->incident == "INC-1");
    CHECK_FALSE(direct->host);
    CHECK(direct->path_prefix.empty());
    CHECK(direct->name == "a.tgz");

    auto hosted = classify("INC-1/web01/a.tgz");
    REQUIRE(hosted);
    CHECK(hosted->host == std::optional<std::string>("web01"));
    CHECK(hosted->path_prefix.empty());

    auto deep = classify("INC-1/web01/var/log/auth.log");
    REQUIRE(deep);
    CHECK(deep->host == std::optional<std::string>("web01"));
    CHECK(deep->path_prefix == "var/log");
    CHECK(deep->name == "auth.log");

    CHECK_FALSE(classify("a.tgz"));                   // no incident folder
    CHECK_FALSE(classify(".evidenced/claimed/x/a"));  // the daemon's own folder
    CHECK_FALSE(classify("INC/.hidden/a.tgz"));
    CHECK_FALSE(classify("INC/web01/a.tgz.part"));
    CHECK_FALSE(classify("/INC/a.tgz"));
    CHECK_FALSE(classify(""));
}
