// Extended Linux command parsers of helper-15: linux.free, linux.env, linux.sysctl,
// linux.dmesg, linux.nft, linux.ulimit, linux.ufw.  Every tests/golden/linux/<command>/*.out
// renders as its .expected.jsonl and is chosen by the registry by name and content; targeted checks
// on the facts an analyst reads (sizes and units, LD_PRELOAD and whole bash functions, denied
// sysctl keys, dmesg times, firewall verdicts and empty chains, core-dump limits), and on the
// files these detectors must leave to others.  jc fixtures (MIT, jc 1.25.5) are the jc_*
// inputs; see tests/fixtures/linux/ORIGINS.md.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCommands = {"free", "env",    "sysctl", "dmesg",
                                            "nft",  "ulimit", "ufw"};

using evidenced::testing::chosen_parser;
using evidenced::testing::linux_golden_inputs;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;

// The collection of the UAC capture the dmesg goldens come from: booted 06:05:46 UTC.
evidenced::parsers::UploadFacts dmesg_facts() {
    return {{"linux.boot_time", "2026-11-27T06:05:46.000Z"},
            {"linux.date.utc", "2026-11-27T14:07:27.000Z"},
            {"linux.utc_offset", "0"},
            {"linux.zone", "UTC"}};
}

std::string golden(std::string_view command, std::string_view file) {
    return std::string(EVIDENCED_GOLDEN) + "/linux/" + std::string(command) + "/" +
           std::string(file);
}

auto run(std::string_view parser,
         const std::string& text,
         std::string_view member,
         const evidenced::parsers::UploadFacts* facts = nullptr) {
    return run_parser(parser, text, member, facts, "2026-11-01T12:00:00.000Z");
}

}  // namespace

TEST_CASE("linux ext h15 golden files render as expected", "[golden][linux]") {
    const auto facts = dmesg_facts();
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 5, [&](const std::string& c) {
              return c == "dmesg" ? &facts : nullptr;
          }) >= 50);
}

TEST_CASE("linux ext h15 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

TEST_CASE("linux ext h15 outputs are recognised by content alone", "[linux]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"free", "uac_free.out"},
        {"free", "free_-h.de_DE.out"},
        {"free", "free_old_procps.out"},
        {"sysctl", "uac_sysctl_-a_head.out"},
        {"sysctl", "sysctl_-a_nonroot_excerpt.out"},
        {"dmesg", "uac_dmesg.out"},
        {"dmesg", "dmesg_-T.out"},
        {"dmesg", "dmesg_-x.out"},
        {"dmesg", "dmesg_-r.out"},
        {"dmesg", "modules_tainting_the_kernel_dmesg.out"},
        {"nft", "uac_nft_list_ruleset.out"},
        {"nft", "nft_iptables_nft_managed.out"},
        {"ulimit", "uac_ulimit_-a.out"},
        {"ulimit", "dash_ulimit_-a.out"},
        {"ulimit", "zsh_ulimit_-a.out"},
        {"env", "uac_env.out"},
        {"env", "export_-p.out"},
        {"ufw", "jc_ubuntu-18.04__ufw-verbose.out"},
        {"ufw", "jc_generic__ufw-numbered.out"},
    };
    for (const auto& [command, file] : cases) {
        INFO(file);
        CHECK(chosen_parser("collected/output7.txt", slurp(golden(command, file))) ==
              "linux." + command);
    }
}

TEST_CASE("linux ext h15 detectors leave look-alikes alone", "[linux]") {
    // KEY=value files that are not an environment.
    const std::string os_release =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
        "VERSION_ID=\"12\"\nVERSION=\"12 "
        "(bookworm)\"\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n";
    CHECK(chosen_parser("live_response/system/os-release.txt", os_release) != "linux.env");
    CHECK(chosen_parser("[root]/etc/os-release", os_release) != "linux.env");
    const std::string cron =
        "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n"
        "HOME=/root\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n";
    CHECK(chosen_parser("[root]/etc/crontab", cron) == "linux.crontab");
    const std::string vars = "FOO=1\nBAR=2\nBAZ=3\n";
    CHECK(chosen_parser("triage/settings.txt", vars) != "linux.env");
    const std::string history = "export PATH=/tmp:$PATH\nwget http://x/y\nchmod +x y\n./y\n";
    CHECK(chosen_parser("[root]/root/.bash_history", history) != "linux.env");
    // Java properties are dotted keys too, but not the kernel's.
    const std::string props =
        "log4j.rootLogger = INFO, stdout\nlog4j.appender.stdout = "
        "org.apache.log4j.ConsoleAppender\n"
        "log4j.appender.stdout.Target = System.out\nserver.port = 8080\nspring.main.banner = off\n";
    CHECK(chosen_parser("app/config.properties", props) != "linux.sysctl");
    // sysctl output is no environment, an environment no sysctl.
    CHECK(chosen_parser("triage/env.txt", slurp(golden("sysctl", "uac_sysctl_-a_head.out"))) !=
          "linux.env");
    CHECK(chosen_parser("triage/sysctl.txt", slurp(golden("env", "uac_env.out"))) !=
          "linux.sysctl");
    // A syslog kernel line is no dmesg output.
    const std::string kern =
        "Nov 27 06:05:46 web01 kernel: [    0.000000] Linux version 6.1.0\n"
        "Nov 27 06:05:46 web01 kernel: [    0.000000] Command line: ro quiet\n";
    CHECK(chosen_parser("[root]/var/log/kern.log", kern) != "linux.dmesg");
    // journalctl lines are claimed only under a journalctl name; --list-boots is no kernel log.
    const std::string journal =
        "Nov 27 06:05:46 web01 kernel: Linux version 6.1.0\n"
        "Nov 27 06:05:46 web01 kernel: Command line: ro quiet\n";
    CHECK(chosen_parser("[root]/var/log/kern.log", journal) != "linux.dmesg");
    CHECK(chosen_parser("live_response/system/journalctl_-k.txt", journal) == "linux.dmesg");
    const std::string boots =
        "IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY\n"
        "  0 5c3e1f2a9b8d4c6e8f0a1b2c3d4e5f60 Fri 2026-11-27 06:05:46 UTC Fri "
        "2026-11-27 14:07:01 UTC\n";
    CHECK(chosen_parser("live_response/system/journalctl_--list-boots.txt", boots) !=
          "linux.dmesg");
    // iptables-save is not nft.
    const std::string save =
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    CHECK(chosen_parser("triage/nft.txt", save) != "linux.nft");
}

TEST_CASE("linux.free keeps units and never passes human sizes off as exact", "[linux]") {
    auto recs =
        run("linux.free", slurp(golden("free", "uac_free.out")), "live_response/system/free.txt");
    REQUIRE(recs.size() == 2);
    const auto& mem = recs[0].body["linux"]["free"];
    CHECK(mem["type"] == "Mem");
    CHECK(mem["total"] == 24683656);
    CHECK(mem["total_bytes"] == int64_t{24683656} * 1024);
    CHECK(mem["buff_cache"] == 5053012);
    CHECK(mem["unit"] == "KiB");
    CHECK_FALSE(mem.contains("unit_assumed"));

    recs = run("linux.free", slurp(golden("free", "free_-h.de_DE.out")), "free_-h.de_DE.txt");
    REQUIRE(recs.size() == 2);
    const auto& de = recs[0].body["linux"]["free"];
    CHECK(de["type"] == "Mem");
    CHECK(de["type_label"] == "Speicher");
    CHECK(de["used_human"] == "1,5Gi");
    CHECK_FALSE(de.contains("used"));
    CHECK(de["used_bytes"] == int64_t{1610612736});
    CHECK(de["bytes_approximate"] == true);
    CHECK(de["unit"] == "human");

    recs = run("linux.free", slurp(golden("free", "free_old_procps.out")), "free.txt");
    REQUIRE(recs.size() == 3);
    const auto& plus = recs[1].body["linux"]["free"];
    CHECK(plus["type"] == "-/+ buffers/cache");
    CHECK(plus["used"] == 785748);
    CHECK(plus["free"] == 3069000);
    CHECK_FALSE(plus.contains("total"));
    CHECK(recs[0].body["linux"]["free"]["cached"] == 2557384);

    recs = run("linux.free", slurp(golden("free", "free_-m.out")), "notes/free_-m.txt");
    CHECK(recs[0].body["linux"]["free"]["unit"] == "MiB");
    recs = run("linux.free", slurp(golden("free", "free_-m.out")), "notes/memory-box3.txt");
    CHECK(recs[0].body["linux"]["free"]["unit_assumed"] == true);

    recs = run("linux.free", "              total        used        free\nMem:  garbage here\n",
               "free.txt");
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].dataset == "evidenced.error");
}

TEST_CASE("linux.env keeps functions and multi-line values whole and flags hooks", "[linux]") {
    auto recs = run("linux.env", slurp(golden("env", "printenv_bash_func.out")), "printenv.txt");
    bool preload = false;
    bool func = false;
    bool multi = false;
    for (const auto& r : recs) {
        const auto& e = r.body["linux"]["env"];
        if (e["name"] == "LD_PRELOAD") {
            preload = e["notable"] == "loader preload";
        }
        if (e["name"] == "BASH_FUNC_myfn%%") {
            func = e["value"] == "() {  echo \"hi\";\n if true; then\n echo x;\n fi\n}";
        }
        if (e["name"] == "MULTI") {
            multi = e["value"] == "line one\nline two";
        }
    }
    CHECK(preload);
    CHECK(func);
    CHECK(multi);
    CHECK(recs.size() == 14);

    // /proc/<pid>/environ: NUL separated, the pid from UAC's path, numbered by variable.
    recs = run("linux.env", slurp(golden("env", "proc_environ_raw.out")),
               "live_response/process/proc/4242/environ.txt");
    REQUIRE(recs.size() == 7);
    CHECK(recs[2].body["linux"]["env"]["name"] == "LD_PRELOAD");
    CHECK(recs[2].body["process"]["pid"] == 4242);
    CHECK(recs[2].position == 3);
    CHECK(recs[3].body["linux"]["env"]["value"] == "1");

    recs = run("linux.env", slurp(golden("env", "export_-p.out")), "export_-p.txt");
    REQUIRE(recs.size() == 6);
    CHECK(recs[2].body["linux"]["env"]["name"] == "OLDPWD");
    CHECK(recs[2].body["linux"]["env"]["value"] == "");
    CHECK(recs[5].body["linux"]["env"]["value"] == "say \"hi\"");
}

TEST_CASE("linux.sysctl: one record per key, denied keys kept", "[linux]") {
    auto recs = run("linux.sysctl", slurp(golden("sysctl", "sysctl_-a_nonroot_excerpt.out")),
                    "sysctl_-a.txt");
    bool denied = false;
    bool reading = false;
    for (const auto& r : recs) {
        const auto& s = r.body["linux"]["sysctl"];
        if (s.value("name", "") == "kernel.cad_pid") {
            denied = s["error"] == "permission denied" && !s.contains("value");
        }
        if (s.value("name", "") == "net.ipv6.conf.all.stable_secret") {
            reading = s["error"] == "reading";
        }
        if (s.value("name", "") == "kernel.acct") {
            CHECK(s["value"] == "4\t2\t30");
        }
    }
    CHECK(denied);
    CHECK(reading);

    recs =
        run("linux.sysctl", slurp(golden("sysctl", "sysctl.conf.out")), "[root]/etc/sysctl.conf");
    REQUIRE(recs.size() == 6);
    CHECK(recs[0].body["linux"]["sysctl"]["name"] == "net.ipv4.ip_forward");
    CHECK(recs[0].body["linux"]["sysctl"]["value"] == "1");
    CHECK(recs[2].body["linux"]["sysctl"]["ignore_errors"] == true);
    CHECK(recs[3].body["linux"]["sysctl"]["name"] == "net.ipv4.conf.eth0/100.rp_filter");
    CHECK(recs[4].body["linux"]["sysctl"]["value"] == "|/tmp/.x/collect %p");
}

TEST_CASE("linux.dmesg times: boot time + seconds, -T with and without a zone", "[linux]") {
    const auto facts = dmesg_facts();
    auto recs = run("linux.dmesg", slurp(golden("dmesg", "uac_dmesg.out")),
                    "live_response/hardware/dmesg.txt", &facts);
    REQUIRE(recs.size() == 30);
    CHECK(recs[0].timestamp == "2026-11-27T06:05:46.000Z");
    CHECK(recs[0].body["linux"]["dmesg"]["monotonic_seconds"].get<double>() == 0.0);
    CHECK(recs[0].body["linux"]["dmesg"]["timestamp_source"] == "boot_time");
    // [ 1130.747964] → 06:05:46 + 18m50.748s (the capture's last line)
    CHECK(recs.back().timestamp == "2026-11-27T06:24:36.747Z");

    // Without a boot time: no invented time, the seconds stay.
    recs = run("linux.dmesg", slurp(golden("dmesg", "uac_dmesg.out")), "dmesg.txt");
    CHECK(recs.back().timestamp.empty());
    CHECK(recs.back().body["linux"]["dmesg"]["monotonic_seconds"].get<double>() ==
          Approx(1130.747964));

    // -T: a host wall time; the zone is the collection's `date` zone, else flagged.
    recs = run("linux.dmesg", slurp(golden("dmesg", "dmesg_-T.de_DE.out")), "dmesg_-T.txt");
    REQUIRE(!recs.empty());
    CHECK(recs[0].timestamp == "2026-11-27T06:05:46.000Z");
    CHECK(recs[0].body["linux"]["dmesg"]["time_zone_unknown"] == true);
    const evidenced::parsers::UploadFacts cet = {{"linux.date.utc", "2026-11-27T13:07:27.000Z"},
                                                 {"linux.utc_offset", "3600"},
                                                 {"linux.zone", "CET"}};
    recs = run("linux.dmesg", slurp(golden("dmesg", "dmesg_-T.ja_JP.out")), "dmesg_-T.txt", &cet);
    CHECK(recs[0].timestamp == "2026-11-27T05:05:46.000Z");
    CHECK_FALSE(recs[0].body["linux"]["dmesg"].contains("time_zone_unknown"));

    // -x / -r levels; a continuation line belongs to its message.
    recs = run("linux.dmesg", slurp(golden("dmesg", "dmesg_-r.out")), "dmesg_-r.txt");
    CHECK(recs[0].body["linux"]["dmesg"]["level"] == "notice");
    CHECK(recs[0].body["linux"]["dmesg"]["priority"] == 5);
    CHECK(recs[0].body["log"]["level"] == "notice");
    recs = run("linux.dmesg", slurp(golden("dmesg", "dmesg_prompt_crlf_continuation.out")),
               "dmesg.txt");
    REQUIRE(recs.size() == 3);
    CHECK(recs[2].body["linux"]["dmesg"]["message"] ==
          "WARNING: CPU: 1 PID: 4242 at kernel/module/main.c:1234\n"
          "               Modules linked in: diamorphine(OE)");
}

TEST_CASE("linux.nft: rules with their chain, empty chains, sets", "[linux]") {
    auto recs = run("linux.nft", slurp(golden("nft", "nft_-a_list_ruleset.out")),
                    "nft_-a_list_ruleset.txt");
    bool vendor = false;
    bool empty_user = false;
    bool set = false;
    bool dnat = false;
    for (const auto& r : recs) {
        const auto& n = r.body["linux"]["nft"];
        if (n.value("comment", "") == "temp access for vendor") {
            vendor = n["family"] == "inet" && n["table"] == "filter" && n["chain"] == "input" &&
                     n["hook"] == "input" && n["policy"] == "drop" && n["dport"] == "4444" &&
                     n["verdict"] == "accept" && n["handle"] == 12 && n["prot"] == "tcp";
        }
        if (n.value("chain", "") == "empty_user") {
            empty_user = !n.contains("rule");
        }
        if (n.value("object", "") == "set") {
            set = n["name"] == "blocklist" && n["elements"] == "{ 198.51.100.0/24, 203.0.113.7 }";
        }
        if (n.value("verdict", "") == "dnat") {
            dnat = n["target"] == "10.0.0.5:22" && n["chain_type"] == "nat";
        }
    }
    CHECK(vendor);
    CHECK(empty_user);
    CHECK(set);
    CHECK(dnat);

    recs = run("linux.nft", slurp(golden("nft", "nft_iptables_nft_managed.out")), "nft.txt");
    bool neg = false;
    bool multi_line_set = false;
    for (const auto& r : recs) {
        const auto& n = r.body["linux"]["nft"];
        if (n.value("destination", "") == "127.0.0.0/8") {
            neg = n["in"] == "!lo" && n["verdict"] == "drop" && n["packets"] == 0;
        }
        if (n.value("name", "") == "allow_v4") {
            multi_line_set = n["elements"] == "{ 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 }";
        }
    }
    CHECK(neg);
    CHECK(multi_line_set);
}

TEST_CASE("linux.ulimit: one record per limit in bash, dash and zsh forms", "[linux]") {
    auto recs = run("linux.ulimit", slurp(golden("ulimit", "uac_ulimit_-a.out")),
                    "live_response/system/ulimit_-a.txt");
    REQUIRE(recs.size() == 17);
    const auto& core = recs[1].body["linux"]["ulimit"];
    CHECK(core["resource"] == "core file size");
    CHECK(core["option"] == "-c");
    CHECK(core["unit"] == "blocks");
    CHECK(core["limit"] == 0);
    CHECK(core["unlimited"] == false);
    CHECK(core["kind"] == "soft");
    recs = run("linux.ulimit", slurp(golden("ulimit", "dash_ulimit_-a.out")), "limits.txt");
    REQUIRE(recs.size() == 12);
    CHECK(recs[4].body["linux"]["ulimit"]["resource"] == "coredump");
    CHECK(recs[4].body["linux"]["ulimit"]["option"] == "-c");
    recs = run("linux.ulimit", slurp(golden("ulimit", "zsh_ulimit_-a.out")), "ulimit.txt");
    REQUIRE(recs.size() == 16);
    CHECK(recs[15].body["linux"]["ulimit"]["option"] == "-N 15");
    CHECK(recs[15].body["linux"]["ulimit"]["unlimited"] == true);
}

TEST_CASE("linux.ufw: one record per rule with the status repeated", "[linux]") {
    auto recs = run("linux.ufw", slurp(golden("ufw", "jc_generic__ufw.out")), "ufw_status.txt");
    REQUIRE(recs.size() == 15);
    const auto& first = recs[0].body["linux"]["ufw"];
    CHECK(first["status"] == "active");
    CHECK(first["logging"] == "on");
    CHECK(first["logging_level"] == "low");
    CHECK(first["default"] == "deny (incoming), allow (outgoing), deny (routed)");
    CHECK(first["action"] == "ALLOW");
    CHECK(first["action_direction"] == "IN");
    CHECK(first["to_ports"] == "22");
    CHECK(first["to_transport"] == "tcp");
    CHECK(first["from_ip"] == "Anywhere");
    CHECK(first["network_protocol"] == "ipv4");
    const auto& commented = recs[2].body["linux"]["ufw"];
    CHECK(commented["action"] == "DENY");
    CHECK_FALSE(commented.contains("action_direction"));
    CHECK(commented["from_ip"] == "192.168.0.1");
    CHECK(commented["comment"] == "nice comment");
    const auto& iface = recs[6].body["linux"]["ufw"];
    CHECK(iface["action_direction"] == "FWD");
    CHECK(iface["network_protocol"] == "ipv6");
    CHECK(iface["from_ip"] == "2405:204:7449:49fc:f09a:6f4a:bc93:1955/64");
    CHECK(iface["from_interface"] == "en1");
    CHECK(iface["comment"] == "commenting this rule");
    CHECK(recs[9].body["linux"]["ufw"]["to_service"] == "Apache Full");
    const auto& wide = recs[12].body["linux"]["ufw"];
    CHECK(wide["to_ip"] == "10.10.10.10");
    CHECK(wide["to_ports"] == "8080");
    CHECK(wide["to_interface"] == "enp34s0");
    CHECK(wide["from_ports"] == "8000");

    recs = run("linux.ufw", slurp(golden("ufw", "ufw_prompt_crlf.out")), "ufw.txt");
    REQUIRE(recs.size() == 2);
    CHECK(recs[1].body["linux"]["ufw"]["index"] == 2);
    CHECK(recs[1].body["linux"]["ufw"]["to_ports"] == "4444");
    CHECK(recs[1].body["linux"]["ufw"]["from_ip"] == "203.0.113.9");
    CHECK(recs[1].body["linux"]["ufw"]["comment"] == "temp vendor");

    recs = run("linux.ufw", "Status: inactive\n", "ufw_status_verbose.txt");
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].body["linux"]["ufw"]["status"] == "inactive");
    CHECK(chosen_parser("collected/out.txt", "Status: inactive\n") != "linux.ufw");
}

TEST_CASE("linux ext h15 parsers survive hostile input", "[linux]") {
    const std::vector<std::string> inputs = {
        std::string("\0\0\0", 3),
        "[",
        "[]",
        "[   1.] x\n[0012.5] y\n[99999999999999999999.1] z\n",
        "table ip t {\nchain c {\n{{{{{{\n",
        "table inet t {\n\tset s {\n\t\telements = { 1",
        "BASH_FUNC_x%%=() {  echo\n",
        "x = \n= y\n",
        "Mem: 1 2 3 4 5 6 7 8 9\n",
        "-N : x 1\n-N 99999999999999999999999: y unlimited\n",
    };
    for (const auto& c : kCommands) {
        for (const auto& in : inputs) {
            INFO(c);
            CHECK_NOTHROW(run("linux." + c, in, "x.txt"));
        }
    }
}
