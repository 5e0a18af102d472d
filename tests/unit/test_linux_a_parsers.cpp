// Linux A parsers: ps, netstat, ss, proc_exe (+ common.hpp helpers).
// Golden files: tests/golden/linux/<command>/*.out (jc fixtures, MIT, see
// tests/fixtures/linux/jc/ORIGINS.md; own Debian 12 captures, see tests/fixtures/linux/own/).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/input.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"

namespace fs = std::filesystem;
using evidenced::parsers::FileProbe;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::ParseContext;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;
using json = nlohmann::json;
namespace lc = evidenced::parsers::linux_cmd;

namespace {

using evidenced::testing::Collected;
using evidenced::testing::slurp;

std::vector<Collected> run(std::string_view parser,
                           const std::string& text,
                           std::string_view member = "x.txt",
                           const evidenced::parsers::UploadFacts* facts = nullptr) {
    return evidenced::testing::run_parser(parser, text, member, facts, "2026-11-27T07:00:00.000Z");
}

std::vector<Collected> rows_of(const std::vector<Collected>& v, std::string_view dataset) {
    std::vector<Collected> out;
    for (const auto& c : v) {
        if (c.dataset == dataset) {
            out.push_back(c);
        }
    }
    return out;
}

const char* kFixtures = EVIDENCED_FIXTURES;

std::string chosen(std::string_view path, const std::string& text) {
    return evidenced::testing::chosen_parser(path, text);
}

}  // namespace

TEST_CASE("linux common: command_hint understands collector and hand-saved names",
          "[linux][linux_a]") {
    CHECK(lc::command_hint("uac/live_response/process/ps_auxwwwf.txt") == "ps");
    CHECK(lc::command_hint("PsAuxf.txt") == "ps");
    CHECK(lc::command_hint("netstat -nalp.txt") == "netstat");
    CHECK(lc::command_hint("27_netstat_nalp.log") == "netstat");
    CHECK(lc::command_hint("web01_2026-11-27_ps.txt") == "ps");
    CHECK(lc::command_hint(
              "catscale_out/Process_and_Network/h-20261127-0439-processes-axwwSo.txt") == "ps");
    CHECK(lc::command_hint("running_processes_full_paths.txt") == "proc_exe");
    CHECK(lc::command_hint("ls_-l_proc_pid_cwd.txt") == "proc_exe");
    CHECK(lc::command_hint("whoandwhat.txt") == "w");
    CHECK(lc::command_hint("last_-a_-F_-f_var_log_wtmp.1.txt") == "last");
    CHECK(lc::command_hint("lastb.txt") == "last");
    CHECK(lc::command_hint("[root]/etc/passwd") == "passwd");
    CHECK(lc::command_hint("date_before_ps_-axo_pid_user_etime_args.txt") == "date");
    CHECK(lc::command_hint("ss_-tlnp.txt.gz") == "ss");
    // Extended commands, by UAC, Cat-Scale and hand-saved names.
    CHECK(lc::command_hint("live_response/system/utmpdump_var_log_wtmp.txt") == "utmpdump");
    CHECK(lc::command_hint("live_response/process/hash_running_processes.md5") == "hashsum");
    CHECK(lc::command_hint("host-20261101-1200-module-sha1.txt") == "hashsum");
    CHECK(lc::command_hint("live_response/network/proc_net_tcp6.txt") == "proc_net_tcp");
    CHECK(lc::command_hint("live_response/process/proc/1234/net/unix.txt") == "proc_net_unix");
    CHECK(lc::command_hint("[root]/etc/shadow") == "shadow");
    CHECK(lc::command_hint("[root]/etc/hosts") == "hosts");
    CHECK(lc::command_hint("[root]/etc/resolv.conf") == "resolv_conf");
    CHECK(lc::command_hint("[root]/etc/os-release") == "os_release");
    CHECK(lc::command_hint("top_-b_-n1.txt") == "top");
    CHECK(lc::command_hint("pstree_-p_-n.txt") == "pstree");
    CHECK(lc::command_hint("sysctl_-a.txt") == "sysctl");
    CHECK(lc::command_hint("FreeM.txt") == "free");
    CHECK(lc::command_hint("lsblk_-f.txt") == "lsblk");
    CHECK(lc::command_hint("host-20261101-1200-Setuid-Setguid-tools.txt") == "find");
    CHECK(lc::command_hint("nft_list_ruleset.txt") == "nft");
    CHECK(lc::command_hint("notes.txt").empty());
    CHECK(lc::command_line_hint("PsAuxf.txt", "") == "ps auxf");
    CHECK(lc::command_line_hint("x.txt", "root@web01:~# ps -ef --forest\nUID") ==
          "ps -ef --forest");
}

TEST_CASE("linux common: output_lines strips prompts, typescript, CRLF and banner",
          "[linux][linux_a]") {
    const std::string t =
        "Script started on 2026-11-27 04:39:30+00:00 [COMMAND=bash]\r\n"
        "\x1b[?2004hroot@web01:~# ps aux\r\n\x1b[?2004l\rUSER PID\r\nroot 1\r\n"
        "\x1b[?2004hroot@web01:~# exit\r\nScript done on 2026-11-27\n";
    const auto lines = lc::output_lines(t);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "USER PID");
    CHECK(lines[1] == "root 1");
    const auto b = lc::output_lines("===== ps auxf =====\nUSER\n[root@h ~]# ls\nx\n");
    REQUIRE(b.size() == 2);
    CHECK(b[0] == "USER");
    // A crontab comment header is not a banner.
    CHECK(lc::output_lines("# m h dom mon dow command\n* * * * * x\n").size() == 2);
    CHECK(lc::to_double("1,5") == Approx(1.5));
    CHECK(!lc::to_int("12a"));
}

TEST_CASE("linux common: collection facts from date and uptime", "[linux][linux_a]") {
    evidenced::parsers::UploadFacts f;
    lc::gather_collection_facts({"live_response/system/date.txt", "", 0},
                                "Fri Nov 27 04:39:30 CET 2026\n", f);
    lc::gather_collection_facts({"live_response/system/uptime.txt", "", 0},
                                " 04:39:30 up 3 days,  2:03,  2 users,  load average: 0,72\n", f);
    lc::gather_collection_facts({"live_response/system/hostname.txt", "", 0}, "web01\n", f);
    CHECK(f.at(std::string(lc::kFactDateUtc)) == "2026-11-27T03:39:30.000Z");
    CHECK(f.at(std::string(lc::kFactUtcOffset)) == "3600");
    CHECK(f.at(std::string(lc::kFactBootTime)) == "2026-11-24T01:36:30.000Z");
    CHECK(f.at(std::string(lc::kFactHostname)) == "web01");
    // UAC collects `uptime` and `uptime -s`: the boot time to the second wins, whichever
    // file comes first.
    lc::gather_collection_facts({"live_response/system/uptime_-s.txt", "", 0},
                                "2026-11-24 02:36:07\n", f);
    CHECK(f.at(std::string(lc::kFactBootTime)) == "2026-11-24T01:36:07.000Z");
    lc::gather_collection_facts({"live_response/system/uptime.txt", "", 0},
                                " 04:39:30 up 3 days,  2:03,  2 users,  load average: 0,72\n", f);
    CHECK(f.at(std::string(lc::kFactBootTime)) == "2026-11-24T01:36:07.000Z");
    // Not a date output: nothing learned.
    evidenced::parsers::UploadFacts g;
    lc::gather_collection_facts({"notes.txt", "", 0}, "Fri Nov 27 04:39:30 CET 2026\n", g);
    CHECK(g.empty());
}

TEST_CASE("linux golden files (ps, netstat, ss, proc_exe)", "[linux][linux_a][golden]") {
    // The captures were taken at 2026-11-27 06:17 UTC; the `date` fact anchors ps START.
    evidenced::parsers::UploadFacts facts;
    facts[std::string(lc::kFactDateUtc)] = "2026-11-27T06:17:03.000Z";
    facts[std::string(lc::kFactUtcOffset)] = "0";
    for (const char* cmd : {"ps", "netstat", "ss", "proc_exe"}) {
        const auto* parser = evidenced::parsers::find(std::string("linux.") + cmd);
        REQUIRE(parser != nullptr);
        const auto inputs = evidenced::testing::linux_golden_inputs(cmd);
        REQUIRE(inputs.size() >= 3);
        for (const auto& in : inputs) {
            INFO(in);
            const std::string text = slurp(in);
            // Every golden input is recognised as its command by the registry.
            CHECK(chosen(fs::path(in).filename().string(), text) == std::string("linux.") + cmd);
            const std::string actual =
                evidenced::testing::render_file(*parser, in, "linux-commands", &facts);
            CHECK(
                evidenced::testing::check_golden(actual, evidenced::testing::expected_path_for(in))
                    .empty());
            CHECK(actual.find("\"evidenced.error\"") == std::string::npos);
        }
    }
}

TEST_CASE("linux ps: key fields agree with jc 1.25.5 on jc's fixtures", "[linux][linux_a]") {
    for (const char* name : {"centos-7.7__ps-axu", "centos-7.7__ps-ef", "ubuntu-18.04__ps-axu",
                             "ubuntu-18.04__ps-ef"}) {
        INFO(name);
        const std::string base = std::string(kFixtures) + "/linux/jc/ps/" + name;
        const json jc = json::parse(slurp(base + ".json"));
        const auto recs = rows_of(run("linux.ps", slurp(base + ".out")), "linux.ps");
        REQUIRE(recs.size() == jc.size());
        for (size_t i = 0; i < recs.size(); ++i) {
            json ours = recs[i].body["linux"]["ps"];
            const json& theirs = jc[i];
            CHECK(ours["pid"] == theirs["pid"]);
            for (const char* k : {"user", "uid", "ppid", "command", "cmd", "tty", "stat", "start",
                                  "stime", "vsz", "rss", "c", "cpu_percent", "mem_percent"}) {
                if (theirs.contains(k)) {
                    INFO(k);
                    CHECK(ours[k] == theirs[k]);
                }
            }
            CHECK(recs[i].body["process"]["pid"] == theirs["pid"]);
        }
    }
}

TEST_CASE("linux netstat: key fields agree with jc 1.25.5 on jc's fixtures", "[linux][linux_a]") {
    for (const char* name :
         {"centos-7.7__netstat", "centos-7.7__netstat-l", "centos-7.7__netstat-p",
          "centos-7.7__netstat-sudo-aeep", "centos-7.7__netstat-sudo-lnp", "fedora32__netstat",
          "generic__netstat-no-state", "ubuntu-18.04__netstat", "ubuntu-18.04__netstat-l",
          "ubuntu-18.04__netstat-p", "ubuntu-18.04__netstat-sudo-aeep",
          "ubuntu-18.04__netstat-sudo-lnp", "ubuntu-18.04__netstat-sudo-lnp-space",
          "centos-7.7__netstat-r", "centos-7.7__netstat-i"}) {
        INFO(name);
        const std::string base = std::string(kFixtures) + "/linux/jc/netstat/" + name;
        const json jc = json::parse(slurp(base + ".json"));
        const auto recs = rows_of(run("linux.netstat", slurp(base + ".out")), "linux.netstat");
        REQUIRE(recs.size() == jc.size());
        for (size_t i = 0; i < recs.size(); ++i) {
            json ours = recs[i].body["linux"]["netstat"];
            const json& theirs = jc[i];
            INFO(i);
            for (const char* k : {"proto",
                                  "recv_q",
                                  "send_q",
                                  "local_address",
                                  "foreign_address",
                                  "local_port",
                                  "foreign_port",
                                  "state",
                                  "pid",
                                  "program_name",
                                  "kind",
                                  "refcnt",
                                  "flags",
                                  "type",
                                  "inode",
                                  "path",
                                  "user",
                                  "local_port_num",
                                  "foreign_port_num",
                                  "destination",
                                  "gateway",
                                  "iface",
                                  "mtu",
                                  "rx_ok"}) {
                if (theirs.contains(k)) {
                    INFO(k);
                    CHECK(ours[k] == theirs[k]);
                }
            }
        }
    }
}

TEST_CASE("linux ss: key fields agree with jc 1.25.5 on jc's fixtures", "[linux][linux_a]") {
    for (const char* name : {"centos-7.7__ss-sudo-a", "ubuntu-18.04__ss-sudo-a",
                             "ubuntu-18.04__ss-sudo-tulpen", "generic__ss-wide"}) {
        INFO(name);
        const std::string base = std::string(kFixtures) + "/linux/jc/ss/" + name;
        const json jc = json::parse(slurp(base + ".json"));
        const auto recs = rows_of(run("linux.ss", slurp(base + ".out")), "linux.ss");
        REQUIRE(recs.size() == jc.size());
        for (size_t i = 0; i < recs.size(); ++i) {
            json ours = recs[i].body["linux"]["ss"];
            const json& theirs = jc[i];
            INFO(i);
            for (const char* k : {"netid", "state", "recv_q", "send_q", "local_address",
                                  "local_port", "peer_address", "peer_port", "path", "channel",
                                  "local_port_num", "peer_port_num"}) {
                if (theirs.contains(k)) {
                    INFO(k);
                    CHECK(ours[k] == theirs[k]);
                }
            }
            if (theirs.contains("opts") && theirs["opts"].contains("process_id")) {
                INFO(theirs.dump());
                REQUIRE(ours.contains("opts"));
                CHECK(ours["opts"]["process_id"] == theirs["opts"]["process_id"]);
            }
        }
    }
}

TEST_CASE("linux ps auxf: tree art stripped, parent pid from the tree, truncated user",
          "[linux][linux_a]") {
    const auto recs =
        run("linux.ps", slurp(std::string(kFixtures) + "/linux/own/ps_auxf.txt"), "ps_auxf.txt");
    REQUIRE(recs.size() == 13);
    // svc_bac+ 14 ... "     \_ /tmp/la/evil proc x 100000", child of 12, grandchild of 7.
    const auto it = std::find_if(recs.begin(), recs.end(),
                                 [](const Collected& c) { return c.body["process"]["pid"] == 14; });
    REQUIRE(it != recs.end());
    CHECK(it->body["process"]["parent"]["pid"] == 12);
    CHECK(it->body["process"]["command_line"] == "/tmp/la/evil proc x 100000");
    CHECK(it->body["linux"]["ps"]["tree_depth"] == 2);
    CHECK(it->body["linux"]["ps"]["user"] == "svc_bac+");
    CHECK(it->body["linux"]["ps"]["user_truncated"] == true);
    CHECK(it->body["user"]["name"] == "svc_bac+");
    const auto root = std::find_if(
        recs.begin(), recs.end(), [](const Collected& c) { return c.body["process"]["pid"] == 1; });
    CHECK(!root->body["process"].contains("parent"));
    CHECK(root->timestamp == "2026-11-27T06:17:00.000Z");
}

TEST_CASE("linux ps: -eo with a comm holding spaces, lstart, decimal comma, prompt",
          "[linux][linux_a]") {
    const auto eo = run("linux.ps", slurp(std::string(kFixtures) + "/linux/own/ps_-eo_custom.txt"),
                        "ps_-eo_custom.txt");
    const auto it = std::find_if(eo.begin(), eo.end(),
                                 [](const Collected& c) { return c.body["process"]["pid"] == 14; });
    REQUIRE(it != eo.end());
    CHECK(it->body["linux"]["ps"]["comm"] == "evil proc x");
    CHECK(it->body["process"]["name"] == "evil proc x");
    CHECK(it->body["process"]["executable"] == "/tmp/la/evil proc x");
    CHECK(it->body["linux"]["ps"]["command"] == "/tmp/la/evil proc x 100000");

    const auto ls = run(
        "linux.ps", slurp(std::string(kFixtures) + "/linux/own/ps_-axo_pid_user_lstart_args.txt"),
        "ps_-axo_pid_user_lstart_args.txt");
    REQUIRE(!ls.empty());
    CHECK(ls[0].body["linux"]["ps"]["started"] == "Fri Nov 27 06:17:01 2026");
    CHECK(ls[0].body["linux"]["ps"]["command"] == "/bin/bash /tmp/la/stage.sh");
    CHECK(ls[0].timestamp == "2026-11-27T06:17:01.000Z");

    const std::string de =
        "root@web01:~# ps aux\r\n"
        "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\r\n"
        "root           1  1,5  0,2   4360  3112 ?        S    Nov26   0:00 /sbin/init splash\r\n"
        "root@web01:~# \r\n";
    const auto d = run("linux.ps", de, "PsAux.txt");
    REQUIRE(d.size() == 1);
    CHECK(d[0].body["linux"]["ps"]["cpu_percent"] == 1.5);
    CHECK(d[0].body["linux"]["ps"]["command"] == "/sbin/init splash");
    CHECK(d[0].position == 3);
    CHECK(d[0].timestamp == "2026-11-26T00:00:00.000Z");
    CHECK(d[0].body["linux"]["ps"]["start_precision"] == "day");
}

TEST_CASE("linux netstat: program names with spaces, UDP without state, localized header",
          "[linux][linux_a]") {
    for (const char* f :
         {"netstat_-nalp.txt", "netstat_-nalp.de_DE.txt", "netstat_-nalp.ja_JP.txt"}) {
        INFO(f);
        const auto recs =
            run("linux.netstat", slurp(std::string(kFixtures) + "/linux/own/" + f), f);
        REQUIRE(recs.size() >= 8);
        bool saw_evil_udp = false;
        for (auto c : recs) {
            REQUIRE(c.dataset == "linux.netstat");
            json n = c.body["linux"]["netstat"];
            if (n["proto"] == "udp" && n["local_port"] == "4445") {
                saw_evil_udp = true;
                CHECK(n["state"].is_null());
                CHECK(n["program_name"] == "evil proc x");
                CHECK(c.body["process"]["pid"] == 3);
                CHECK(c.body["source"]["port"] == 4445);
                CHECK(c.body["network"]["transport"] == "udp");
            }
            if (n["local_port"] == "8080" && n["state"] == "LISTEN") {
                CHECK(n["program_name"] == "nginx: master pro");
                CHECK(n["program_name_truncated"] == true);
            }
        }
        CHECK(saw_evil_udp);
    }
    // The brief's older German header wording.
    const std::string de =
        "Aktive Internetverbindungen (Server und stehende Verbindungen)\n"
        "Proto Empf-Q Sende-Q Lokale Adresse          Gegenseite              Status      "
        "PID/Programmname\n"
        "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      "
        "600/sshd: /usr/sbin\n";
    const auto r = run("linux.netstat", de, "netstat.txt");
    REQUIRE(r.size() == 1);
    CHECK(r[0].body["process"]["name"] == "sshd: /usr/sbin");
    CHECK(r[0].body["process"]["pid"] == 600);
    CHECK(chosen("netstat.txt", de) == "linux.netstat");
}

TEST_CASE("linux ss: comm with spaces and several owners", "[linux][linux_a]") {
    const auto recs =
        run("linux.ss", slurp(std::string(kFixtures) + "/linux/own/ss_-tanp.txt"), "ss_-tanp.txt");
    const auto it = std::find_if(recs.begin(), recs.end(), [](const Collected& c) {
        return c.body["linux"]["ss"]["local_port"] == "4444" &&
               c.body["linux"]["ss"]["state"] == "LISTEN";
    });
    REQUIRE(it != recs.end());
    const json& users = it->body["linux"]["ss"]["users"];
    REQUIRE(users.size() == 2);
    CHECK(users[0]["name"] == "evil proc x");
    CHECK(users[1]["pid"] == 5);
    CHECK(it->body["linux"]["ss"]["netid"] == "tcp");  // from the -t in the name
    CHECK(it->body["process"]["name"] == "evil proc x");
    const std::string tricky =
        "Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
        "tcp LISTEN 0 5 0.0.0.0:4444 0.0.0.0:* "
        "users:((\"a (b), c\",pid=1,fd=3),(\"y\",pid=2,fd=4))\n";
    const auto t = run("linux.ss", tricky);
    REQUIRE(t.size() == 1);
    CHECK(t[0].body["linux"]["ss"]["users"][0]["name"] == "a (b), c");
    CHECK(t[0].body["linux"]["ss"]["users"][1]["fd"] == 4);
}

TEST_CASE("linux proc_exe: deleted implant flagged", "[linux][linux_a]") {
    const auto recs =
        run("linux.proc_exe",
            slurp(std::string(kFixtures) + "/linux/own/running_processes_full_paths.txt"),
            "running_processes_full_paths.txt");
    const auto it = std::find_if(recs.begin(), recs.end(), [](const Collected& c) {
        return c.body["linux"]["proc_exe"].contains("deleted");
    });
    REQUIRE(it != recs.end());
    CHECK(it->body["process"]["pid"] == 8);
    CHECK(it->body["process"]["executable"] == "/tmp/la/.implant");
    CHECK(it->body["file"]["path"] == "/tmp/la/.implant");
    CHECK(it->body["linux"]["proc_exe"]["link_to"] == "/tmp/la/.implant (deleted)");
}

TEST_CASE("linux A: a name hint without matching content does not claim", "[linux][linux_a]") {
    const std::string prose = "these are my notes about ps and netstat\nnothing else\n";
    for (const char* n :
         {"ps_auxf.txt", "netstat -nalp.txt", "ss_-anp.txt", "running_processes_full_paths.txt"}) {
        INFO(n);
        CHECK(chosen(n, prose) == "text.lines");
    }
}
