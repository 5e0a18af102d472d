#include <catch2/catch.hpp>

#include "daemon/store/names.hpp"

using evidenced::store::sanitize_member_path;

namespace {

struct Case {
    const char* raw;
    bool zip;
    const char* expected;  // joined; nullptr = refused
};

}  // namespace

TEST_CASE("sanitize_member_path: a table of hostile names", "[names]") {
    const Case cases[] = {
        {"good.txt", false, "good.txt"},
        {"./a//b/./c.txt", false, "a/b/c.txt"},
        {"/etc/passwd", false, "etc/passwd"},
        {"//server/x", false, "server/x"},
        {"../evil", false, nullptr},
        {"a/../../evil", false, nullptr},
        {"a/b/..", false, nullptr},
        {"..", false, nullptr},
        {".", false, nullptr},
        {"", false, nullptr},
        {"/", false, nullptr},
        {"..\\..\\Temp\\evil.txt", true, nullptr},                    // zip: '\' separates
        {"..\\..\\Temp\\evil.txt", false, "..\\..\\Temp\\evil.txt"},  // tar: literal
        {"dir\\file.txt", true, "dir/file.txt"},
        {"C:\\Windows\\x.log", true, "Windows/x.log"},
        {"C:/x.log", false, "x.log"},
        {"\\\\host\\share\\x.log", true, "share/x.log"},
        {"\\\\host\\share\\x.log", false, "share/x.log"},
        {"a\nb\tc\x7f", false, "a%0Ab%09c%7F"},
        {"inv\xff\xfeutf8", false, "inv%FF%FEutf8"},
        {"overlong\xC0\xAF", false, "overlong%C0%AF"},
        {"caf\xC3\xA9.log", false, "caf\xC3\xA9.log"},
        {"NUL:con.txt", false, "NUL:con.txt"},
        {"trailing.dot.", false, "trailing.dot."},
    };
    for (const auto& c : cases) {
        INFO("raw name: " << c.raw);
        const auto r = sanitize_member_path(c.raw, c.zip);
        if (c.expected == nullptr) {
            CHECK(!r.refused.empty());
            CHECK(r.components.empty());
        } else {
            CHECK(r.refused.empty());
            CHECK(r.joined() == c.expected);
            for (const auto& comp : r.components) {
                CHECK(comp != ".");
                CHECK(comp != "..");
                CHECK(!comp.empty());
                CHECK(comp.find('/') == std::string::npos);
            }
        }
    }
}

TEST_CASE("over-long components are shortened deterministically", "[names]") {
    const std::string longname(300, 'x');
    const auto a = sanitize_member_path(longname, false);
    const auto b = sanitize_member_path(longname, false);
    REQUIRE(a.components.size() == 1);
    CHECK(a.components[0].size() <= 255);
    CHECK(a.components[0] == b.components[0]);
    const auto c = sanitize_member_path(std::string(299, 'x') + "y", false);
    CHECK(c.components[0] != a.components[0]);  // distinct names stay distinct
}

TEST_CASE("safe_name keeps good names and maps others deterministically", "[names]") {
    using evidenced::store::is_safe_name;
    using evidenced::store::safe_name;
    CHECK(safe_name("IR-2026.11_a") == "IR-2026.11_a");
    for (const char* bad : {"..", ".", "", "a b", "../x", "-lead", "é", "x/y"}) {
        const std::string s = safe_name(bad);
        INFO(bad << " -> " << s);
        CHECK(is_safe_name(s));
        CHECK(s != ".");
        CHECK(s != "..");
        CHECK(s == safe_name(bad));
    }
    CHECK(safe_name("a b") != safe_name("a_b"));
    CHECK(is_safe_name(safe_name(std::string(200, 'z'))));
}

TEST_CASE("compression suffixes are dropped, tar shorthands become .tar", "[names]") {
    using evidenced::store::strip_compression_suffix;
    CHECK(strip_compression_suffix("syslog.2.gz") == "syslog.2");
    CHECK(strip_compression_suffix("a.TAR.GZ") == "a.TAR");
    CHECK(strip_compression_suffix("b.tgz") == "b.tar");
    CHECK(strip_compression_suffix("c.xz") == "c");
    CHECK(strip_compression_suffix(".gz") == ".gz");
    CHECK(strip_compression_suffix("plain") == "plain");
}
