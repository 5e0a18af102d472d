// Extended Linux command parsers of helper-14: linux.hashsum, linux.find, linux.stat,
// linux.lsattr, linux.lsblk, linux.blkid, and `findmnt -J` in linux.mount.  Golden files under
// tests/golden/linux/<command>/ (jc fixtures, MIT, see tests/fixtures/linux/ext-h14/ORIGINS.md;
// Debian 12 captures; crafted traps) render as expected and are recognised by name and
// content; the facts an analyst needs are checked one by one below.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/input.hpp"
#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

namespace fs = std::filesystem;
using evidenced::testing::chosen_parser;
using evidenced::testing::Collected;
using evidenced::testing::linux_golden_inputs;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {"hashsum", "find", "stat", "lsattr", "lsblk", "blkid"};

constexpr std::string_view kNow = "2026-11-27T14:40:00.000Z";

std::vector<Collected> run(std::string_view parser,
                           const std::string& text,
                           std::string_view member = "triage/out.txt") {
    return run_parser(parser, text, member, nullptr, kNow);
}

std::string golden(std::string_view command, std::string_view name) {
    return evidenced::testing::linux_golden_text(command, name);
}

std::vector<json> bodies(const std::vector<Collected>& rs, std::string_view dataset) {
    return evidenced::testing::bodies_of(rs, dataset);
}

const json* by_path(const std::vector<json>& bs, std::string_view path) {
    for (const auto& b : bs) {
        if (b.contains("file") && b["file"].value("path", "") == path) {
            return &b;
        }
    }
    return nullptr;
}

// The raw body fragments a parser emits (the JSON text, duplicate keys and all).
std::vector<std::string> raw_bodies(const std::string& parser, const std::string& text) {
    struct Sink final : evidenced::parsers::RecordSink {
        std::vector<std::string> out;
        void emit(const evidenced::parsers::Record& r) override {
            out.push_back(r.body);
        }
    } sink;
    evidenced::parsers::MemoryInput in(text);
    evidenced::parsers::ParseContext ctx;
    ctx.member = "storage/lsblk.txt";
    ctx.collection_time = kNow;
    evidenced::parsers::find(parser)->parse(in, ctx, sink);
    return sink.out;
}

}  // namespace

TEST_CASE("linux ext h14 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands) >= 50);
}

TEST_CASE("linux ext h14 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

TEST_CASE("linux ext h14: collection names route to the right parser", "[linux]") {
    const std::string root = "uac-web01-linux-20261127140000/live_response/";
    CHECK(chosen_parser(root + "process/hash_running_processes.md5",
                        "d41d8cd98f00b204e9800998ecf8427e  /proc/1/exe\n") == "linux.hashsum");
    CHECK(chosen_parser("catscale_out/Process_and_Network/web01-20261127-1400-processhashes.txt",
                        golden("hashsum", "catscale-processhashes.out")) == "linux.hashsum");
    CHECK(chosen_parser("catscale_out/Misc/web01-20261127-1400-full-timeline.csv",
                        golden("find", "catscale-full-timeline.out")) == "linux.find");
    CHECK(chosen_parser("catscale_out/Misc/web01-20261127-1400-Setuid-Setguid-tools.txt",
                        golden("find", "catscale-Setuid-Setguid-tools.out")) == "linux.find");
    CHECK(chosen_parser(root + "storage/lsblk_-f_-J.txt",
                        golden("lsblk", "debian12-lsblk_-f_-J.out")) == "linux.lsblk");
    CHECK(chosen_parser(root + "storage/blkid.txt", golden("blkid", "debian12-blkid.out")) ==
          "linux.blkid");
    CHECK(
        chosen_parser(root + "storage/findmnt_-J.txt",
                      slurp(fs::path(linux_golden_inputs("mount").front()).parent_path().string() +
                            "/uac-findmnt_-J.out")) == "linux.mount");
    // Content alone: a path list with find's own error lines, -ls rows, stat blocks.
    CHECK(chosen_parser("triage/out1.txt", golden("find", "debian12-find-errors.out")) ==
          "linux.find");
    CHECK(chosen_parser("triage/out2.txt", golden("find", "debian12-find-perm-4000-ls.out")) ==
          "linux.find");
    CHECK(chosen_parser("triage/out3.txt", golden("stat", "debian12-stat.de_DE.out")) ==
          "linux.stat");
    CHECK(chosen_parser("triage/out4.txt", golden("lsattr", "debian12-lsattr-R.out")) ==
          "linux.lsattr");
    CHECK(chosen_parser("triage/out5.txt", golden("lsblk", "crafted-tree-lvm-crypt-lsblk.out")) ==
          "linux.lsblk");
}

TEST_CASE("linux ext h14: generic text stays with its owners", "[linux]") {
    // A bare list of paths with no find-like name and no find error is anyone's text.
    CHECK(chosen_parser("triage/list.txt", "/etc/passwd\n/etc/shadow\n/usr/bin/su\n") !=
          "linux.find");
    // `ls -lis` rows look like `find -ls`, but ls prints a total line and bare names.
    const std::string lis =
        "total 8\n"
        "  247457     88 -rwsr-xr-x   1 root root 88496 Apr  7  2025 gpasswd\n"
        "  247816     48 -rwsr-xr-x   1 root root 48896 Apr  7  2025 newgrp\n";
    CHECK(chosen_parser("triage/ls_-lis.txt", lis) == "linux.ls");
    CHECK(chosen_parser("triage/listing.txt", lis) == "linux.ls");
    // A paths list named after find but holding prose is not claimed.
    CHECK(chosen_parser("triage/find.txt", "I could not run find on this host.\nSorry.\n") !=
          "linux.find");
}

TEST_CASE("linux.hashsum: algorithm, ECS hash, process pid, errors, escapes", "[linux]") {
    const auto rs = run("linux.hashsum", golden("hashsum", "uac-hash_running_processes.sha1.out"),
                        "process/hash_running_processes.sha1");
    REQUIRE(rs.size() == 4);
    CHECK(rs[0].event.value("outcome", "") == "failure");
    CHECK(rs[0].body["file"]["path"] == "/proc/1/exe");
    CHECK(rs[0].body["process"]["pid"] == 1);
    CHECK(rs[0].body["linux"]["hashsum"]["error"] == "Permission denied");
    CHECK(rs[1].body["file"]["hash"]["sha1"] == "9cfd66837f53735bfceae8e09e25af24a25fd558");
    CHECK(rs[1].body["process"]["pid"] == 890);
    CHECK(rs[1].body["linux"]["hashsum"]["algorithm"] == "sha1");

    const auto es = run("linux.hashsum", golden("hashsum", "debian12-md5sum-errors-escapes.out"));
    const auto bs = bodies(es, "linux.hashsum");
    REQUIRE(by_path(bs, "t/nl\nname") != nullptr);
    CHECK((*by_path(bs, "t/nl\nname"))["linux"]["hashsum"]["escaped"] == true);
    REQUIRE(by_path(bs, "t/back\\slash") != nullptr);
    REQUIRE(by_path(bs, "/nonexistent") != nullptr);

    const auto bin = run("linux.hashsum", golden("hashsum", "debian12-sha256sum-binary.out"));
    CHECK(bin[0].body["linux"]["hashsum"]["binary"] == true);
    CHECK(bin[0].body["file"]["path"] == "/usr/bin/su");
    CHECK(bin[0].body["file"]["hash"]["sha256"] ==
          "4b8bb44ac13b8f8f8c08708faff91a9b63b3fa369b8cbfe1abb5ef09e8029993");
    const auto s512 = run("linux.hashsum", golden("hashsum", "debian12-sha512sum.out"));
    CHECK(s512[0].body["file"]["hash"].contains("sha512"));

    const auto tag = run("linux.hashsum", golden("hashsum", "crafted-tag-check-sha256sum.out"));
    CHECK(tag[2].body["file"]["hash"]["md5"] == "bf3f1799b2782402b9bbe1d16fba90e5");
    CHECK(tag[3].body["linux"]["hashsum"]["status"] == "FAILED");
    CHECK(tag[3].event.value("outcome", "") == "failure");

    // A damaged line is an error record, the rest still parses.
    const auto dmg = run("linux.hashsum", golden("hashsum", "crafted-damaged-md5sum.out"));
    REQUIRE(dmg.size() == 3);
    CHECK(dmg[2].dataset == "evidenced.error");
    CHECK_FALSE(dmg[0].body.contains("file"));  // "-" is stdin, not a file
}

TEST_CASE("linux.find: path lists, errors, -ls rows, Cat-Scale timeline", "[linux]") {
    const auto errs = run("linux.find", golden("find", "crafted-prompt-crlf-find.out"));
    REQUIRE(errs.size() == 5);
    CHECK(errs[0].body["file"]["path"] == "/usr/bin/su");
    CHECK(errs[0].body["linux"]["find"]["path"] == "/usr/bin");
    CHECK(errs[0].body["linux"]["find"]["node"] == "su");
    CHECK(errs[3].event.value("outcome", "") == "failure");
    CHECK(errs[3].body["file"]["path"] == "/proc/4242/task/4242/fd");
    CHECK(errs[4].body["file"]["path"] == "/root/.cache");

    const auto ls = run("linux.find", golden("find", "debian12-find-ls-escapes.out"));
    const auto bs = bodies(ls, "linux.find");
    const json* spaced = by_path(bs, "/tmp/h14cap/t/file with spaces");
    REQUIRE(spaced != nullptr);
    CHECK((*spaced)["linux"]["find"]["inode"] == 11469417);
    const json* nl = by_path(bs, "/tmp/h14cap/t/nl\nname");
    REQUIRE(nl != nullptr);
    const json* link = by_path(bs, "/tmp/h14cap/t/link");
    REQUIRE(link != nullptr);
    CHECK((*link)["file"]["target_path"] == "plain");
    const json* null_dev = by_path(bs, "/dev/null");
    REQUIRE(null_dev != nullptr);
    CHECK((*null_dev)["linux"]["find"]["major"] == 1);
    CHECK((*null_dev)["linux"]["find"]["minor"] == 3);

    const auto suid = run("linux.find", golden("find", "debian12-find-perm-4000-ls.out"));
    REQUIRE_FALSE(suid.empty());
    CHECK(suid[0].body["linux"]["find"]["setuid"] == true);
    CHECK(suid[0].body["file"]["mode"] == "4755");
    CHECK(suid[0].timestamp == "2025-04-07T00:00:00.000Z");
    CHECK(suid[0].body["linux"]["find"]["date_precision"] == "day");

    const auto tl = run("linux.find", golden("find", "catscale-full-timeline.out"));
    const auto tb = bodies(tl, "linux.find");
    CHECK(tl.size() == tb.size());  // the newline row joins, nothing is an error
    const json* comma = by_path(tb, "/tmp/h14cap/t/comma,name");
    REQUIRE(comma != nullptr);
    CHECK((*comma)["linux"]["find"]["owner"] == "root");
    REQUIRE(by_path(tb, "/tmp/h14cap/t/nl\nname") != nullptr);
    const json* su = by_path(tb, "/usr/bin/su");
    REQUIRE(su != nullptr);
    CHECK((*su)["file"]["mtime"] == "2024-11-21T20:01:54.000Z");
    CHECK((*su)["linux"]["find"]["setuid"] == true);
    CHECK((*su)["linux"]["find"]["modify_time_epoch"] == 1732219314);
}

TEST_CASE("linux.stat: English and localised blocks give the same facts", "[linux]") {
    const auto en = bodies(run("linux.stat", golden("stat", "debian12-stat.out")), "linux.stat");
    const json* su = by_path(en, "/usr/bin/su");
    REQUIRE(su != nullptr);
    CHECK((*su)["file"]["mode"] == "4755");
    CHECK((*su)["file"]["inode"] == "248083");
    CHECK((*su)["file"]["mtime"] == "2024-11-21T20:01:54.000Z");
    CHECK((*su)["linux"]["stat"]["setuid"] == true);
    CHECK((*su)["linux"]["stat"]["uid"] == 0);
    for (const char* loc : {"de_DE", "fr_FR", "ru_RU", "es_ES", "ja_JP"}) {
        INFO(loc);
        const auto l =
            bodies(run("linux.stat", golden("stat", std::string("debian12-stat.") + loc + ".out")),
                   "linux.stat");
        REQUIRE(l.size() == 3);
        const json* lsu = by_path(l, "/usr/bin/su");
        REQUIRE(lsu != nullptr);
        CHECK((*lsu)["file"]["inode"] == "248083");
        CHECK((*lsu)["file"]["mtime"] == "2024-11-21T20:01:54.000Z");
        CHECK((*lsu)["file"]["owner"] == "root");
        const json* link = by_path(l, "t/link");
        REQUIRE(link != nullptr);
        CHECK((*link)["file"]["target_path"] == "plain");
    }
    const auto errs = run("linux.stat", golden("stat", "debian12-stat-errors-newline.out"));
    REQUIRE(errs.size() == 3);
    CHECK(errs[0].event.value("outcome", "") == "failure");
    CHECK(errs[0].body["file"]["path"] == "/nonexistent");
    CHECK(errs[2].body["file"]["path"] == "t/nl\nname");
    // Old stat quotes names and links: ‘/bin/[’.
    const auto c7 = bodies(run("linux.stat", golden("stat", "centos-7.7-stat.out")), "linux.stat");
    REQUIRE(by_path(c7, "/bin/[") != nullptr);
    CHECK((*by_path(c7, "/bin/["))["linux"]["stat"]["selinux_context"] ==
          "system_u:object_r:bin_t:s0");
}

TEST_CASE("linux.lsattr: immutable files, -R names, errors", "[linux]") {
    const auto rs = run("linux.lsattr", golden("lsattr", "debian12-lsattr-R.out"));
    const auto bs = bodies(rs, "linux.lsattr");
    REQUIRE(by_path(bs, "t/plain") != nullptr);
    CHECK((*by_path(bs, "t/plain"))["linux"]["lsattr"]["immutable"] == true);
    CHECK((*by_path(bs, "t/sub/x"))["linux"]["lsattr"]["immutable"] == true);
    CHECK((*by_path(bs, "t/sub/x"))["linux"]["lsattr"]["parent"] == "t/sub");
    CHECK((*by_path(bs, "t/file with spaces"))["linux"]["lsattr"]["append_only"] == true);
    CHECK(by_path(bs, "t/nl\nname") != nullptr);
    CHECK_FALSE((*by_path(bs, "t/back\\slash"))["linux"]["lsattr"].contains("immutable"));
    CHECK(rs[0].event.value("outcome", "") == "failure");
    CHECK(rs[0].body["file"]["path"] == "t/link");
    const auto banner = run("linux.lsattr", golden("lsattr", "crafted-banner-crlf-lsattr.out"));
    REQUIRE(banner.size() == 3);
    CHECK(banner[0].body["file"]["path"] == "/etc/ld.so.preload");
}

TEST_CASE("linux.lsblk: tree, several mount points, sizes, JSON", "[linux]") {
    const auto t = bodies(run("linux.lsblk", golden("lsblk", "crafted-tree-lvm-crypt-lsblk.out")),
                          "linux.lsblk");
    REQUIRE(t.size() == 13);
    const json& lv = t[5]["linux"]["lsblk"];
    CHECK(lv["name"] == "ubuntu--vg-ubuntu--lv");
    CHECK(lv["parent"] == "sda3");
    CHECK(lv["mountpoints"] == json::array({"/var/lib/docker", "/"}));
    CHECK(t[6]["linux"]["lsblk"]["rm"] == true);
    CHECK(t[6]["linux"]["lsblk"]["size_bytes"] == 1073741824);
    CHECK(t[11]["linux"]["lsblk"]["parent"] == "sda3_crypt");
    CHECK(t[11]["linux"]["lsblk"]["mountpoints"] == json::array({"/mnt/data dir"}));
    CHECK(t[12]["linux"]["lsblk"]["mountpoints"] == json::array({"[SWAP]"}));

    const auto real =
        bodies(run("linux.lsblk", golden("lsblk", "debian12-lsblk.out")), "linux.lsblk");
    REQUIRE(real.size() == 3);
    CHECK(real[0]["linux"]["lsblk"]["mountpoints"] ==
          json::array({"/mnt/h14 space", "/mnt/h14b", "/mnt/h14a"}));
    const auto js = run("linux.lsblk", golden("lsblk", "debian12-lsblk_-J.out"));
    REQUIRE(js.size() == 3);
    CHECK(js[0].body["linux"]["lsblk"]["mountpoints"] ==
          json::array({"/mnt/h14 space", "/mnt/h14b", "/mnt/h14a"}));
    CHECK(js[1].body["linux"]["lsblk"]["maj_min"] == "253:0");
    const auto f =
        bodies(run("linux.lsblk", golden("lsblk", "debian12-lsblk_-f.out")), "linux.lsblk");
    REQUIRE(f.size() == 3);
    CHECK(f[2]["linux"]["lsblk"]["fsuse_percent"] == "21%");
    CHECK(f[2]["linux"]["lsblk"]["fsavail"] == "42.2G");

    const auto b = run("linux.blkid", golden("blkid", "crafted-blkid.out"));
    REQUIRE(b.size() == 5);
    CHECK(b[3].body["linux"]["blkid"]["label"] == "EFI \"boot\"");
    CHECK(b[3].body["linux"]["blkid"]["partlabel"] == "EFI System Partition");
    CHECK(b[0].body["linux"]["blkid"]["block_size"] == 4096);
}

TEST_CASE("linux.mount: findmnt -J flattens the tree like the text form", "[linux]") {
    std::string dir = fs::path(linux_golden_inputs("mount").front()).parent_path().string();
    const auto js =
        run("linux.mount", slurp(dir + "/debian12-findmnt-J.out"), "storage/findmnt_-J.txt");
    const auto bs = bodies(js, "linux.mount");
    REQUIRE(bs.size() == js.size());
    REQUIRE(bs.size() > 10);
    CHECK(bs[0]["linux"]["mount"]["mount_point"] == "/");
    CHECK(bs[0]["linux"]["mount"]["filesystem"] == "/dev/vda");
    bool spaced = false;
    for (const auto& b : bs) {
        spaced = spaced || b["linux"]["mount"]["mount_point"] == "/mnt/h14 space";
    }
    CHECK(spaced);
    const auto list = run("linux.mount", slurp(dir + "/debian12-findmnt-J-l.out"));
    CHECK(list.size() == js.size());
    // Damaged JSON is one error record, no crash.
    const auto bad = run("linux.mount", "{\"filesystems\": [ {\"target\": \"/\"", "findmnt_-J.txt");
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].dataset == "evidenced.error");
}

TEST_CASE("linux ext h14: damaged and hostile input never crashes", "[linux]") {
    const std::vector<std::string> parsers = {"linux.hashsum", "linux.find",  "linux.stat",
                                              "linux.lsattr",  "linux.lsblk", "linux.blkid",
                                              "linux.mount"};
    std::vector<std::string> inputs = {
        "",
        "\n\n\n",
        std::string(200000, '-') + " /x\n",
        std::string(100000, '[') + "\n",
        "{\"blockdevices\": " + std::string(5000, '[') + "\n",
        "{\"filesystems\": [" + std::string(3000, '{') + "\n",
        "{\"blockdevices\": [{\"name\": \"a\", \"children\": [{\"name\": 5, \"children\": 7}]}]}",
        "  File: x\n  Size: 1 Blocks: 2 IO Block: 3 t\nDevice: 1,2 Inode: 4 Links: 1\n"
        "Access: (0755/-rwxr-xr-x)  Uid: (    0/    root)   Gid: (\n",
        "NAME MAJ:MIN\n\xe2\x94\x9c\xe2\x94\x80\n \xe2\x94\n",
        "Inode,Hard link Count,Full Path,Last Access,Last Modification,Last Status Change,File "
        "Creation,User,Group,File Permissions,File Size(bytes)\n1,2,3\n,,,,,,,,,,,\n",
        "   1 2 -rwxrwxrwx 1 a b 3, Nov 31 99:99 \\\n",
        "\\d41d8cd98f00b204e9800998ecf8427e *\\\n",
    };
    // Every golden of these commands, cut short at a few places.
    for (const std::string command : {"hashsum", "find", "stat", "lsattr", "lsblk", "blkid"}) {
        for (const auto& in : linux_golden_inputs(command)) {
            const std::string text = slurp(in);
            for (size_t cut : {text.size() / 3, text.size() / 2, text.size() - text.size() / 7}) {
                inputs.push_back(text.substr(0, cut));
            }
        }
    }
    // Column names that fold into one key are written once (valid JSON for every forwarder).
    for (const auto& [parser, text] : std::vector<std::pair<std::string, std::string>>{
             {"linux.lsblk",
              "{\"blockdevices\": [{\"maj:min\": \"8:0\", \"maj_min\": \"x\", "
              "\"parent\": \"y\", \"name\": \"sda\"}]}"},
             {"linux.lsblk", "NAME UUID MAJ:MIN UUID\nsda  u1   8:0     u1\n"},
             {"linux.blkid", "/dev/sda1: TYPE=\"a\" TYPE=\"b\" DEVICE=\"c\"\n"}}) {
        const auto bodies = raw_bodies(parser, text);
        REQUIRE(bodies.size() == 1);
        for (std::string_view key : {"\"maj_min\"", "\"uuid\"", "\"type\"", "\"parent\""}) {
            size_t n = 0;
            for (size_t at = bodies[0].find(key); at != std::string::npos;
                 at = bodies[0].find(key, at + 1)) {
                ++n;
            }
            INFO(bodies[0]);
            CHECK(n <= 1);
        }
    }
    size_t runs = 0;
    for (const auto& p : parsers) {
        for (const auto& text : inputs) {
            CHECK_NOTHROW(run(p, text, "storage/x.txt"));
            ++runs;
        }
    }
    CHECK(runs > 300);
}
