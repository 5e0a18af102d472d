// Extended Linux parsers of helper-13: utmpdump, id, shadow/gshadow, os_release, hosts,
// resolv_conf.  Golden files: tests/golden/linux/<command>/*.out (jc fixtures, MIT, and own
// Debian 12 captures: tests/fixtures/linux/ext-h13/ORIGINS.md), rendered with the facts of a
// collection whose `date` said CET (so year-less and zone-less times resolve as on that host),
// and each must be chosen by the registry from its name and content.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
namespace lc = evidenced::parsers::linux_cmd;

namespace {

using evidenced::testing::Collected;
using evidenced::testing::linux_golden_inputs;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;

const std::vector<std::string> kCommands = {"utmpdump",   "id",    "shadow",     "gshadow",
                                            "os_release", "hosts", "resolv_conf"};

// The host's `date` said "Fri Nov 27 15:00:00 CET 2026".
const evidenced::parsers::UploadFacts& cet_facts() {
    static const evidenced::parsers::UploadFacts kFacts = {
        {std::string(lc::kFactDateUtc), "2026-11-27T14:00:00.000Z"},
        {std::string(lc::kFactUtcOffset), "3600"},
        {std::string(lc::kFactZone), "CET"},
    };
    return kFacts;
}

std::vector<Collected> run(std::string_view parser,
                           const std::string& text,
                           std::string_view member,
                           const evidenced::parsers::UploadFacts* facts = nullptr) {
    return run_parser(parser, text, member, facts, "2026-11-27T14:05:00.000Z");
}

std::vector<Collected> records_of(const std::vector<Collected>& all, std::string_view dataset) {
    std::vector<Collected> out;
    for (const Collected& c : all) {
        if (c.dataset == dataset) {
            out.push_back(c);
        }
    }
    return out;
}

std::string golden(const std::string& command, const std::string& file) {
    return slurp(std::string(EVIDENCED_GOLDEN) + "/linux/" + command + "/" + file);
}

std::string chosen(std::string_view path, const std::string& text) {
    return evidenced::testing::chosen_parser(path, text);
}

}  // namespace

TEST_CASE("linux ext h13 golden files render as expected", "[golden][linux][linux_ext_h13]") {
    CHECK(evidenced::testing::check_linux_goldens(
              kCommands, 1, [](const std::string&) { return &cet_facts(); }) >= 40);
}

TEST_CASE("linux ext h13 golden files are recognised by name and content",
          "[golden][linux][linux_ext_h13]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

TEST_CASE("linux utmpdump: collector names, and content alone where it is unmistakable",
          "[linux][linux_ext_h13]") {
    const std::string wtmp = golden("utmpdump", "debian-12-utmpdump_var_log_wtmp.out");
    CHECK(chosen("uac-web01-linux-20261127140000/live_response/system/"
                 "utmpdump_var_log_wtmp.txt",
                 wtmp) == "linux.utmpdump");
    CHECK(chosen("catscale_out/Logs/web01-20261127-1400-last-utmpdump.txt", wtmp) ==
          "linux.utmpdump");
    CHECK(chosen("notes/output.txt", wtmp) == "linux.utmpdump");
    // The `last` parser keeps what `last` prints even under a wtmp name.
    const std::string last_text =
        "alice    pts/0        192.0.2.7        Fri Nov 20 09:15 - 10:02  (00:46)\n"
        "\n"
        "wtmp begins Fri Nov 20 08:01:02 2026\n";
    CHECK(chosen("catscale_out/Logs/web01-20261127-1400-last-wtmp.txt", last_text) !=
          "linux.utmpdump");
}

TEST_CASE("linux utmpdump: types, pids, addresses, microseconds, runlevels",
          "[linux][linux_ext_h13]") {
    const auto recs =
        run("linux.utmpdump", golden("utmpdump", "debian-12-utmpdump_var_log_wtmp.out"),
            "live_response/system/utmpdump_var_log_wtmp.txt");
    REQUIRE(recs.size() == 17);
    // [2] boot: the kernel release in host is no source address.
    CHECK(recs[0].body["linux"]["utmpdump"]["type_name"] == "BOOT_TIME");
    CHECK(recs[0].event["action"] == "reboot");
    CHECK_FALSE(recs[0].body.contains("source"));
    CHECK_FALSE(recs[0].body.contains("user"));
    CHECK(recs[0].timestamp == "2026-11-20T08:01:02.123Z");
    // [1] run level 3, previous N: encoded in the pid, which is no process.
    CHECK(recs[1].body["linux"]["utmpdump"]["runlevel"] == "3");
    CHECK(recs[1].body["linux"]["utmpdump"]["previous_runlevel"] == "N");
    CHECK_FALSE(recs[1].body.contains("process"));
    // [6] getty's LOGIN is no user.
    CHECK(recs[2].event["action"] == "login_prompt");
    CHECK_FALSE(recs[2].body.contains("user"));
    // [7] an ssh session.
    const json& s = recs[3].body;
    CHECK(s["user"]["name"] == "alice");
    CHECK(s["process"]["pid"] == 1201);
    CHECK(s["source"]["ip"] == "192.0.2.7");
    CHECK(s["linux"]["utmpdump"]["line"] == "pts/0");
    CHECK(s["linux"]["utmpdump"]["id"] == "ts/0");
    CHECK(s["linux"]["utmpdump"]["time"] == "2026-11-20T09:15:33,908172+00:00");
    CHECK(recs[3].timestamp == "2026-11-20T09:15:33.908Z");
    CHECK(recs[3].event["outcome"] == "success");
    // [8] the logout, no user, no address.
    CHECK(recs[4].event["action"] == "user_logout");
    CHECK(recs[4].body["linux"]["utmpdump"]["user"].is_null());
    CHECK_FALSE(recs[4].body.contains("source"));
    // A 16-char user and an IPv6 address widen their columns.
    CHECK(recs[5].body["user"]["name"] == "svc_backup_admin");
    CHECK(recs[5].body["source"]["ip"] == "2001:db8:1::dead:beef");
    // A host name in host, the address in addr.
    CHECK(recs[6].body["source"]["address"] == "attacker-jumphost.example.net");
    CHECK(recs[6].body["source"]["ip"] == "203.0.113.66");
    // The zero entry: no time of its own.
    CHECK(recs[16].body["linux"]["utmpdump"]["type_name"] == "EMPTY");
    CHECK(recs[16].timestamp.empty());
}

TEST_CASE("linux utmpdump: lines wrapped at 80 columns are joined again",
          "[linux][linux_ext_h13]") {
    const auto plain = run("linux.utmpdump",
                           golden("utmpdump", "debian-12-utmpdump_var_log_wtmp.out"), "wtmp.txt");
    const auto wrapped =
        run("linux.utmpdump", golden("utmpdump", "trap-utmpdump-wtmp-wrapped-80-columns.out"),
            "wtmp.txt");
    REQUIRE(wrapped.size() == plain.size());
    for (size_t i = 0; i < plain.size(); ++i) {
        CHECK(wrapped[i].dataset == "linux.utmpdump");
        CHECK(wrapped[i].timestamp == plain[i].timestamp);
        CHECK(wrapped[i].body == plain[i].body);
        CHECK(wrapped[i].position == 2 * i + 1);
    }
}

TEST_CASE("linux utmpdump: btmp entries are failed logins", "[linux][linux_ext_h13]") {
    const std::string text = golden("utmpdump", "debian-12-utmpdump_var_log_btmp.out");
    for (const auto* member :
         {"live_response/system/utmpdump_var_log_btmp.txt", "catscale/web01-btmp-dump.txt"}) {
        const auto recs = run("linux.utmpdump", text, member);
        REQUIRE(recs.size() == 5);
        for (const Collected& c : recs) {
            CHECK(c.event["outcome"] == "failure");
            CHECK(c.event["category"] == "authentication");
            CHECK(c.body["linux"]["utmpdump"]["btmp"] == true);
        }
        CHECK(recs[0].body["user"]["name"] == "admin");
        CHECK(recs[0].body["source"]["ip"] == "203.0.113.9");
        CHECK_FALSE(recs[2].body.contains("user"));  // an empty login name
    }
    // The same lines from a wtmp dump are no failures.
    const auto wtmp = run("linux.utmpdump", text, "live_response/system/utmpdump_var_log_wtmp.txt");
    CHECK_FALSE(wtmp[0].event.contains("outcome"));
    // The prompt and utmpdump's own "Utmp dump of" line say btmp too.
    const auto trap =
        run("linux.utmpdump", golden("utmpdump", "trap-utmpdump-prompt-crlf-btmp.out"), "x.txt");
    REQUIRE(trap.size() == 5);
    CHECK(trap[0].event["outcome"] == "failure");
    CHECK(trap[0].position == 3);
}

TEST_CASE("linux utmpdump: old ctime forms and zones", "[linux][linux_ext_h13]") {
    const auto ny = run("linux.utmpdump",
                        golden("utmpdump", "legacy-2.23-format-utmpdump_var_log_btmp.new_york.out"),
                        "utmpdump_var_log_btmp.txt", &cet_facts());
    REQUIRE(ny.size() == 5);
    // "Tue Nov 24 23:00:01 2026 EST" is 04:00:01 UTC, whatever the collection's zone.
    CHECK(ny[0].timestamp == "2026-11-25T04:00:01.000Z");
    CHECK_FALSE(ny[0].body["linux"]["utmpdump"].contains("timezone_inferred"));
    const auto dubai = run("linux.utmpdump",
                           golden("utmpdump", "legacy-2.23-format-utmpdump_var_log_wtmp.dubai.out"),
                           "utmpdump_var_log_wtmp.txt", &cet_facts());
    REQUIRE(dubai.size() == 3);
    CHECK(dubai[1].timestamp == "2026-07-14T08:30:15.000Z");  // "+04" printed as the zone
    // util-linux <= 2.28 overflowed its 29-byte buffer with a four-letter zone (CEST): the
    // zone is garbage, so the collection's CET/CEST rule decides (summer: +02:00).
    const auto berlin = run(
        "linux.utmpdump", golden("utmpdump", "legacy-2.23-format-utmpdump_var_log_wtmp.berlin.out"),
        "utmpdump_var_log_wtmp.txt", &cet_facts());
    REQUIRE(berlin.size() == 7);
    CHECK(berlin[1].timestamp == "2026-07-14T08:30:15.000Z");
    CHECK(berlin[1].body["linux"]["utmpdump"]["timezone_inferred"] == true);
    CHECK(berlin[3].timestamp == "2026-11-21T23:59:59.000Z");  // printed CET
    CHECK(berlin[6].timestamp.empty());                        // blank time
    CHECK(berlin[6].body["linux"]["utmpdump"]["time"].is_null());
    // glibc's dump: no year, no zone, microseconds apart.
    const auto glibc =
        run("linux.utmpdump", golden("utmpdump", "glibc-login-utmpdump_wtmp.berlin.out"),
            "utmpdump_wtmp.txt", &cet_facts());
    REQUIRE(glibc.size() == 17);
    CHECK(glibc[3].timestamp == "2026-11-20T09:15:33.908Z");
    CHECK(glibc[3].body["linux"]["utmpdump"]["year_inferred"] == true);
    CHECK(glibc[3].body["linux"]["utmpdump"]["usec"] == "908172");
    CHECK_FALSE(glibc[3].body["linux"]["utmpdump"].contains("addr"));
    // glibc did not replace brackets: "[mal[ory]]" is still one user.
    CHECK(glibc[10].body["user"]["name"] == "mal[ory]");
}

TEST_CASE("linux utmpdump: hostile entries are kept, flagged, never crash",
          "[linux][linux_ext_h13]") {
    const auto all = run("linux.utmpdump", golden("utmpdump", "trap-utmpdump-hostile-entries.out"),
                         "utmpdump.txt");
    const auto recs = records_of(all, "linux.utmpdump");
    const auto errors = records_of(all, "evidenced.error");
    REQUIRE(recs.size() == 6);
    CHECK(errors.size() == 2);  // utmpdump's complaint and the cut last line
    CHECK(recs[0].body["linux"]["utmpdump"]["fields_ambiguous"] == true);
    CHECK(recs[0].body["linux"]["utmpdump"]["raw"].get<std::string>().find("[mal] [ory]") !=
          std::string::npos);
    CHECK(recs[0].body["linux"]["utmpdump"]["file"] == "/var/log/wtmp");
    CHECK(recs[1].body["linux"]["utmpdump"]["invalid_utf8"] == true);
    CHECK(recs[2].timestamp == "2026-11-24T01:03:03.500Z");  // +01:00 applied
    CHECK_FALSE(recs[2].body.contains("process"));           // pid -1
    CHECK_FALSE(recs[3].body["linux"]["utmpdump"].contains("type_name"));
    CHECK(recs[3].body["linux"]["utmpdump"]["addr_invalid"] == true);
    CHECK(recs[4].body["linux"]["utmpdump"]["time_unparsed"] == true);
    CHECK(recs[4].timestamp.empty());
    CHECK(recs[5].event["outcome"] == "failure");  // after "Utmp dump of /var/log/btmp"
    // Garbage of every kind: no crash, no record without a position.
    std::string junk = "[";
    for (int i = 0; i < 200; ++i) {
        junk += "] [";
    }
    junk += "\n[7] [1] [] [] [] [] [] []\n[] [] [] [] [] [] [] []\n[7]\n]\n[1] [2] [abcd] [x]\n";
    const auto j = run("linux.utmpdump", junk, "utmpdump.txt");
    for (const Collected& c : j) {
        CHECK(c.position > 0);
    }
}

TEST_CASE("linux id: ids, names, euid, localized groups, sssd names", "[linux][linux_ext_h13]") {
    const auto jc = run("linux.id", golden("id", "centos-7.7__id.out"), "id.txt");
    REQUIRE(jc.size() == 1);
    const json& l = jc[0].body["linux"]["id"];
    CHECK(l["uid"] == json({{"id", 1000}, {"name", "kbrazil"}}));
    CHECK(l["groups"][1] == json({{"id", 10}, {"name", "wheel"}}));
    CHECK(l["context"]["level"] == "s0-s0:c0.c1023");
    CHECK(jc[0].body["user"]["id"] == "1000");
    CHECK(jc[0].body["group"]["name"] == "kbrazil");

    const auto suid = run("linux.id", golden("id", "debian-12-id-setuid-copy.out"), "id.txt");
    REQUIRE(suid.size() == 3);
    CHECK(suid[0].body["user"]["effective"]["name"] == "root");
    CHECK(suid[0].body["linux"]["id"]["euid"]["id"] == 0);
    CHECK(suid[2].body["linux"]["id"]["egid"]["name"] == "root");

    const auto de = run("linux.id", golden("id", "debian-12-id_www-data.de_DE.out"), "id.txt");
    REQUIRE(de.size() == 1);
    CHECK(de[0].body["linux"]["id"]["groups"][0]["name"] == "www-data");

    const auto all = run("linux.id", golden("id", "trap-id-sssd-prompt-crlf.out"), "id.txt");
    const auto recs = records_of(all, "linux.id");
    REQUIRE(recs.size() == 2);
    CHECK(records_of(all, "evidenced.error").size() == 1);  // no such user
    CHECK(recs[0].body["linux"]["id"]["groups"][1]["name"] == "linux admins@corp.example");
    CHECK(recs[0].body["linux"]["id"]["groups"].size() == 3);
    CHECK(recs[1].body["linux"]["id"]["uid"]["name"].is_null());
    CHECK_FALSE(recs[1].body["user"].contains("name"));
    CHECK(chosen("triage/whoami.txt", "uid=0(root) gid=0(root) groups=0(root)\n") == "linux.id");
}

TEST_CASE("linux shadow and gshadow: hashes kept, empty and locked flagged",
          "[linux][linux_ext_h13]") {
    const auto all =
        run("linux.shadow", golden("shadow", "trap-shadow-hashes-crlf.out"), "etc/shadow");
    const auto recs = records_of(all, "linux.shadow");
    REQUIRE(recs.size() == 9);
    CHECK(records_of(all, "evidenced.error").size() == 2);
    auto by_user = [&](std::string_view u) -> json {
        for (const Collected& c : recs) {
            if (c.body["user"]["name"] == u) {
                return c.body["linux"]["shadow"];
            }
        }
        return json();
    };
    CHECK(by_user("root")["password_algorithm"] == "sha512");
    CHECK(by_user("root")["password"].get<std::string>().starts_with("$6$Qm2kP9sT4vW1yZ3a$"));
    CHECK(by_user("svc_backup")["password_algorithm"] == "md5");
    CHECK(by_user("alice")["password_algorithm"] == "yescrypt");
    CHECK(by_user("toor")["password_empty"] == true);
    CHECK(by_user("toor")["last_changed"].is_null());
    CHECK(by_user("deploy")["password_locked"] == true);
    CHECK(by_user("deploy")["password_set"] == true);
    CHECK(by_user("deploy")["expire"] == 20800);
    CHECK(by_user("deploy")["expire_date"] == "2026-12-13");
    CHECK(by_user("oracle")["password_locked"] == true);
    CHECK(by_user("oracle")["password_set"] == false);
    CHECK(by_user("legacy")["password_algorithm"] == "des");
    CHECK(by_user("root")["last_changed_date"] == "2025-11-27");

    const auto jc = run("linux.shadow", golden("shadow", "centos-7.7__shadow.out"), "shadow");
    REQUIRE(jc.size() == 21);
    CHECK(jc[0].body["linux"]["shadow"]["last_changed"].is_null());
    CHECK(jc[0].body["linux"]["shadow"]["maximum"] == 99999);

    const auto g = run("linux.gshadow", golden("gshadow", "ubuntu-18.04__gshadow.out"), "gshadow");
    REQUIRE(g.size() == 53);
    CHECK(g[4].body["linux"]["gshadow"]["members"] == json({"syslog", "joeuser"}));
    CHECK(g[4].body["linux"]["gshadow"]["administrators"] == json::array());
    // Not stealing /etc/passwd or /etc/group.
    const std::string group = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsudo:x:27:alice\n";
    CHECK(chosen("etc/group", group) == "linux.group");
    CHECK(chosen("triage/notes.txt", group) == "linux.group");
    const std::string passwd =
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
    CHECK(chosen("etc/passwd", passwd) == "linux.passwd");
}

TEST_CASE("linux os_release: pairs, lsb_release, Cat-Scale release.txt, host.os",
          "[linux][linux_ext_h13]") {
    const auto centos = run("linux.os_release",
                            golden("os_release", "catscale-db02-20261127-1400-release.centos7.out"),
                            "catscale_out/System_Info/db02-20261127-1400-release.txt");
    REQUIRE(centos.size() == 1);
    const json& o = centos[0].body["linux"]["os_release"];
    CHECK(o["NAME"] == "CentOS Linux");
    CHECK(o["ID_LIKE"] == "rhel fedora");
    CHECK(o["KERNELVERSION"] == "3.10.0-1160.el7.x86_64");
    CHECK(o["other_lines"][0] == "CentOS Linux release 7.9.2009 (Core)");
    CHECK(o.count("host_os") == 0);
    const json& os = centos[0].host["os"];
    CHECK(os["family"] == "redhat");
    CHECK(os["kernel"] == "3.10.0-1160.el7.x86_64");
    CHECK(os["version"] == "7");
    CHECK(os["type"] == "linux");

    const auto lsb = run("linux.os_release", golden("os_release", "generic__lsb_release-a.out"),
                         "lsb_release_-a.txt");
    REQUIRE(lsb.size() == 1);
    CHECK(lsb[0].body["linux"]["os_release"]["Distributor ID"] == "Ubuntu");
    CHECK(lsb[0].host["os"]["version"] == "16.04");

    const auto trap =
        run("linux.os_release", golden("os_release", "trap-os-release-prompt-crlf-dup.out"),
            "os-release");
    REQUIRE(trap.size() == 1);
    const json& t = trap[0].body["linux"]["os_release"];
    CHECK(t["ID"] == "debian");
    CHECK(t["duplicates"][0] == json({{"key", "ID"}, {"value", "kali"}}));
    CHECK(t["VERSION"] == "12 \"bookworm\" with quotes");
    CHECK(trap[0].position == 2);
    // An environment dump is no os-release, even with NAME= in it.
    CHECK(chosen("triage/env.txt", "NAME=x\nPATH=/usr/bin\nHOME=/root\nID=3\nSHELL=/bin/sh\n") !=
          "linux.os_release");
    CHECK(chosen("triage/unknown.txt", golden("os_release", "debian-12-etc_os-release.out")) ==
          "linux.os_release");
}

TEST_CASE("linux hosts and resolv_conf", "[linux][linux_ext_h13]") {
    const auto all = run("linux.hosts", golden("hosts", "trap-crlf-web01-hosts.out"), "hosts");
    const auto recs = records_of(all, "linux.hosts");
    REQUIRE(recs.size() == 6);
    CHECK(records_of(all, "evidenced.error").size() == 2);
    CHECK(recs[4].body["linux"]["hosts"]["hostname"] ==
          json({"update.vendor-av.example.com", "definitions.vendor-av.example.com"}));
    CHECK(recs[4].body["linux"]["hosts"]["comment"] == "keep AV offline");
    CHECK(recs[5].body["related"]["ip"] == json({"203.0.113.66"}));
    // Names that are no hosts file; `ip neigh` lines are no hosts entries.
    const std::string kh = "10.0.0.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE\n";
    CHECK(chosen("root/.ssh/known_hosts", kh) != "linux.hosts");
    CHECK(chosen("etc/hosts.allow", "sshd: 10.0.0.0/8\n") != "linux.hosts");
    CHECK(chosen("triage/neigh.txt",
                 "10.0.0.1 dev eth0 lladdr 52:54:00:12:35:02 REACHABLE\n"
                 "10.0.0.3 dev eth0 lladdr 52:54:00:12:35:03 STALE\n") != "linux.hosts");

    const auto rc = run("linux.resolv_conf", golden("resolv_conf", "generic__resolve.conf-1.out"),
                        "resolv.conf");
    REQUIRE(rc.size() == 1);
    const json& r = rc[0].body["linux"]["resolv_conf"];
    CHECK(r["search"] == json({"hsd1.ca.comcast.net", "hello.com", "world.com"}));
    CHECK(r["nameservers"] ==
          json({"75.75.75.75", "75.75.76.76", "2001:558:feed::1", "2001:558:feed::2"}));
    CHECK(r["sortlist"] == json({"130.155.160.0/255.255.240.0", "130.155.0.0"}));
    const auto t = run("linux.resolv_conf",
                       golden("resolv_conf", "trap-resolv.conf-prompt-crlf.out"), "resolv.conf");
    REQUIRE(t.size() == 1);
    CHECK(t[0].body["linux"]["resolv_conf"]["domain"] == "attacker.example");  // last wins
    CHECK(t[0].body["related"]["ip"] == json({"198.51.100.53", "10.0.0.2"}));
    CHECK(t[0].body["linux"]["resolv_conf"]["other_lines"] ==
          json({"lookup file bind", "nameserver"}));
    CHECK(chosen("triage/dns.txt", "nameserver 10.0.0.2\nsearch corp.example\n") ==
          "linux.resolv_conf");
}
