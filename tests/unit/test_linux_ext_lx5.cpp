// Linux parsers of helper-lx5: `systemctl status` blocks (linux.systemctl), linux.auditctl,
// linux.journalctl_boots, linux.loginctl, linux.firewall_cmd, linux.nmcli; and checks that
// list-timers, list-unit-files and the iptables family (-save, -L -v -n, -t nat) are already
// parsed well.  Golden files under tests/golden/linux/<command>/ (crafted in the tools' exact
// layouts: tests/fixtures/linux/ext-lx5/ORIGINS.md) render as expected and are recognised by
// name and content; the facts an analyst needs are checked one by one; a neighbour's
// look-alike output is not claimed, and garbage never throws.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

using evidenced::testing::chosen_parser;
using evidenced::testing::Collected;
using evidenced::testing::run_parser;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {"auditctl", "journalctl_boots", "loginctl",
                                            "firewall_cmd", "nmcli"};

constexpr std::string_view kNow = "2026-11-27T20:00:00.000Z";
const std::string kUac = "uac-web01-linux-20261127200000/";

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

bool has_notable(const json& j, std::string_view part) {
    if (!j.contains("notable")) {
        return false;
    }
    for (const auto& n : j["notable"]) {
        if (n.get<std::string>().find(part) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("linux ext lx5 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 2) >= 12);
    // systemctl's folder holds the status captures too (and the older list-* ones).
    CHECK(evidenced::testing::check_linux_goldens({"systemctl"}, 3) >= 14);
    CHECK(evidenced::testing::check_linux_goldens({"iptables"}, 3) >= 21);
}

TEST_CASE("linux ext lx5 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
    evidenced::testing::check_linux_recognised({"systemctl"});
}

// ---- systemctl ------------------------------------------------------------------------------

TEST_CASE("linux ext lx5: systemctl status *.timer is one record per timer", "[linux]") {
    const auto rs =
        run("linux.systemctl", golden("systemctl", "crafted-systemctl_status_timer.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.systemctl");
    REQUIRE(b.size() == 4);
    const json& apt = b[0]["linux"]["systemctl"];
    CHECK(apt["unit"] == "apt-daily.timer");
    CHECK(apt["description"] == "Daily apt download activities");
    CHECK(apt["load"] == "loaded");
    CHECK(apt["unit_file"] == "/lib/systemd/system/apt-daily.timer");
    CHECK(apt["enabled"] == "enabled");
    CHECK(apt["preset"] == "enabled");
    CHECK(apt["active"] == "active");
    CHECK(apt["sub"] == "waiting");
    CHECK(apt["since"] == "Fri 2026-11-27 06:12:40 UTC");
    CHECK(apt["since_ago"] == "13h ago");
    CHECK(apt["trigger"] == "Sat 2026-11-28 01:49:05 UTC; 5h 48min left");
    CHECK(apt["triggers"] == json::array({"apt-daily.service"}));
    CHECK(apt["log"].size() == 1);
    CHECK_FALSE(apt.contains("notable"));
    CHECK(rs[0].position == 1);

    const json& evil = b[1]["linux"]["systemctl"];
    CHECK(evil["unit"] == "dbus-sync.timer");
    CHECK(evil["unit_file"] == "/etc/systemd/system/dbus-sync.timer");
    CHECK(has_notable(evil, "unit file outside /usr/lib and /lib: /etc/systemd/system/"));
    CHECK(rs[1].position == 9);

    const json& fstrim = b[2]["linux"]["systemctl"];
    CHECK(fstrim["active"] == "inactive");
    CHECK(fstrim["sub"] == "dead");
    CHECK_FALSE(fstrim.contains("since"));
    CHECK(fstrim["enabled"] == "disabled");
    CHECK(fstrim["trigger"] == "n/a");
    CHECK(fstrim["docs"] == json::array({"man:fstrim"}));
    CHECK_FALSE(fstrim.contains("log"));
    CHECK(b[3]["linux"]["systemctl"]["docs"].size() == 2);
}

TEST_CASE("linux ext lx5: systemctl status services: processes, drop-ins, notable", "[linux]") {
    const auto rs =
        run("linux.systemctl", golden("systemctl", "crafted-systemctl_status_services.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.systemctl");
    REQUIRE(b.size() == 4);
    const json& ssh = b[0]["linux"]["systemctl"];
    CHECK(ssh["main_pid"] == 640);
    CHECK(ssh["main_process"] == "sshd");
    CHECK(ssh["cgroup"] == "/system.slice/ssh.service");
    REQUIRE(ssh["processes"].size() == 3);
    CHECK(ssh["processes"][0]["pid"] == 640);
    CHECK(ssh["processes"][1]["pid"] == 1234);
    CHECK(ssh["processes"][1]["command"] == "\"sshd: alice [priv]\"");
    CHECK(ssh["drop_ins"] == json::array({"/etc/systemd/system/ssh.service.d/override.conf"}));
    CHECK(has_notable(ssh, "drop-in outside /usr/lib and /lib"));
    CHECK_FALSE(has_notable(ssh, "unit file outside"));
    CHECK(ssh["exec"] ==
          json::array({"601 ExecStartPre=/usr/sbin/sshd -t (code=exited, status=0/SUCCESS)"}));
    CHECK(ssh["tasks"] == "3 (limit: 4644)");
    CHECK(ssh["log"].size() == 2);

    const json& miner = b[1]["linux"]["systemctl"];
    CHECK(miner["unit"] == "dbus-sync.service");
    CHECK(miner["triggered_by"] == json::array({"dbus-sync.timer"}));
    CHECK(miner["processes"][0]["command"] == "/dev/shm/.x/kworkerd -c /dev/shm/.x/config.json");
    CHECK(has_notable(miner, "process 911 runs from /dev/shm/"));
    CHECK(has_notable(miner, "unit file outside"));

    CHECK(b[2]["linux"]["systemctl"]["active"] == "inactive");
    const json& nginx = b[3]["linux"]["systemctl"];
    CHECK(nginx["failed_marker"] == true);
    CHECK(nginx["active"] == "failed");
    CHECK(nginx["result"] == "exit-code");
    CHECK_FALSE(nginx.contains("sub"));
}

TEST_CASE("linux ext lx5: systemctl status of systemd 237 (vendor preset, Exec in /tmp)",
          "[linux]") {
    const auto rs =
        run("linux.systemctl", golden("systemctl", "crafted-systemctl_status_systemd237.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.systemctl");
    REQUIRE(b.size() == 2);
    const json& cron = b[0]["linux"]["systemctl"];
    CHECK(cron["preset"] == "enabled");
    CHECK(cron["processes"][0]["pid"] == 512);
    CHECK(cron["processes"][0]["command"] == "/usr/sbin/cron -f");
    CHECK_FALSE(cron.contains("notable"));
    const json& bk = b[1]["linux"]["systemctl"];
    CHECK(bk["main_pid"] == 733);
    CHECK(bk["main_process"] == "code=exited, status=203/EXEC");
    CHECK(has_notable(bk, "exec runs from /tmp/"));
    CHECK(bk["log"].size() == 2);

    const auto nf = bodies(run("linux.systemctl",
                               "Unit telnet.service could not be found.\n"
                               "\xE2\x97\x8F cron.service - cron\n"
                               "   Loaded: loaded (/lib/systemd/system/cron.service; enabled)\n"
                               "   Active: active (running)\n"),
                           "linux.systemctl");
    REQUIRE(nf.size() == 2);
    CHECK(nf[0]["linux"]["systemctl"]["unit"] == "telnet.service");
    CHECK(nf[0]["linux"]["systemctl"]["load"] == "not-found");
    CHECK(nf[1]["linux"]["systemctl"]["enabled"] == "enabled");
}

TEST_CASE("linux ext lx5: systemctl status by UAC name and by content", "[linux]") {
    const std::string text = golden("systemctl", "crafted-systemctl_status_timer.out");
    CHECK(chosen_parser(kUac + "live_response/system/systemctl_status_timer.txt", text) ==
          "linux.systemctl");
    CHECK(chosen_parser("renamed.bin", text) == "linux.systemctl");
}

TEST_CASE("linux ext lx5: list-timers --all and list-unit-files were already parsed", "[linux]") {
    // systemd 252's list-unit-files says PRESET (older: VENDOR PRESET).
    const std::string luf =
        "UNIT FILE                          STATE           PRESET \n"
        "proc-sys-fs-binfmt_misc.automount  static          -      \n"
        "dbus-sync.service                  enabled         enabled\n"
        "ssh.service                        enabled         enabled\n"
        "dbus-sync.timer                    enabled         enabled\n"
        "\n"
        "4 unit files listed.\n";
    CHECK(chosen_parser(kUac + "live_response/system/systemctl_list-unit-files.txt", luf) ==
          "linux.systemctl");
    const auto b = bodies(run("linux.systemctl", luf), "linux.systemctl");
    REQUIRE(b.size() == 4);
    CHECK(b[1]["linux"]["systemctl"]["unit_file"] == "dbus-sync.service");
    CHECK(b[1]["linux"]["systemctl"]["state"] == "enabled");
    CHECK(b[1]["linux"]["systemctl"]["vendor_preset"] == "enabled");

    const std::string timers = golden("systemctl", "crafted-systemctl-list-timers-all.out");
    CHECK(chosen_parser(kUac + "live_response/system/systemctl_list-timers_--all.txt", timers) ==
          "linux.systemctl");
    const auto t = bodies(run("linux.systemctl", timers), "linux.systemctl");
    REQUIRE(t.size() == 3);
    CHECK(t[0]["linux"]["systemctl"]["unit"] == "backdoor-beacon.timer");
    CHECK(t[0]["linux"]["systemctl"]["activates"] == "backdoor-beacon.service");
    CHECK(t[0]["linux"]["systemctl"]["left"] == "46min left");
    CHECK(t[2]["linux"]["systemctl"]["next"].is_null());
}

// ---- auditctl -------------------------------------------------------------------------------

TEST_CASE("linux ext lx5: auditctl -l is one record per rule", "[linux]") {
    const auto rs = run("linux.auditctl", golden("auditctl", "crafted-auditctl_-l.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.auditctl");
    REQUIRE(b.size() == 9);
    const json& w = b[0]["linux"]["auditctl"];
    CHECK(w["rule"] == "-w /etc/passwd -p wa -k identity");
    CHECK(w["type"] == "watch");
    CHECK(w["path"] == "/etc/passwd");
    CHECK(w["permissions"] == "wa");
    CHECK(w["key"] == "identity");
    const json& ex = b[4]["linux"]["auditctl"];
    CHECK(ex["type"] == "syscall");
    CHECK(ex["list"] == "exit");
    CHECK(ex["action"] == "always");
    CHECK(ex["syscalls"] == json::array({"execve"}));
    CHECK(ex["fields"] == json::array({"arch=b64", "euid=0"}));
    CHECK(ex["key"] == "rootcmd");
    CHECK(b[6]["linux"]["auditctl"]["syscalls"].size() == 3);
    CHECK(b[7]["linux"]["auditctl"]["fields"] ==
          json::array({"path=/usr/bin/sudo", "perm=x", "auid>=1000", "auid!=-1"}));
    CHECK(b[7]["linux"]["auditctl"]["syscalls"] == json::array({"all"}));
    const json& never = b[8]["linux"]["auditctl"];
    CHECK(never["action"] == "never");
    CHECK_FALSE(never.contains("key"));
    CHECK(has_notable(never, "suppresses auditing"));
    CHECK(rs[8].position == 9);

    const auto none =
        bodies(run("linux.auditctl", golden("auditctl", "crafted-auditctl_-l_norules.out")),
               "linux.auditctl");
    REQUIRE(none.size() == 1);
    CHECK(none[0]["linux"]["auditctl"]["rules"] == 0);
    CHECK(has_notable(none[0]["linux"]["auditctl"], "no audit rules"));
}

TEST_CASE("linux ext lx5: auditctl -s says whether auditing runs", "[linux]") {
    const auto ok = bodies(run("linux.auditctl", golden("auditctl", "crafted-auditctl_-s.out")),
                           "linux.auditctl");
    REQUIRE(ok.size() == 1);
    const json& s = ok[0]["linux"]["auditctl"];
    CHECK(s["enabled"] == 1);
    CHECK(s["pid"] == 612);
    CHECK(s["backlog_limit"] == 8192);
    CHECK(s["loginuid_immutable"] == 0);
    CHECK(s["loginuid_immutable_text"] == "unlocked");
    CHECK_FALSE(s.contains("notable"));

    const auto bad =
        bodies(run("linux.auditctl", golden("auditctl", "crafted-auditctl_-s_tampered.out")),
               "linux.auditctl");
    REQUIRE(bad.size() == 1);
    const json& t = bad[0]["linux"]["auditctl"];
    CHECK(has_notable(t, "auditing disabled"));
    CHECK(has_notable(t, "auditd not running"));
    CHECK(has_notable(t, "audit events lost: 1337"));

    const auto old =
        bodies(run("linux.auditctl", golden("auditctl", "crafted-auditctl_-s_audit2.out")),
               "linux.auditctl");
    REQUIRE(old.size() == 1);
    CHECK(old[0]["linux"]["auditctl"]["pid"] == 712);
    CHECK(old[0]["linux"]["auditctl"]["flag"] == 1);
}

TEST_CASE("linux ext lx5: auditctl by UAC name and by content", "[linux]") {
    const std::string rules = golden("auditctl", "crafted-auditctl_-l.out");
    CHECK(chosen_parser(kUac + "live_response/system/auditctl_-l.txt", rules) == "linux.auditctl");
    CHECK(chosen_parser("renamed.bin", rules) == "linux.auditctl");
    const std::string st = golden("auditctl", "crafted-auditctl_-s.out");
    CHECK(chosen_parser(kUac + "live_response/system/auditctl_-s.txt", st) == "linux.auditctl");
    CHECK(chosen_parser(kUac + "live_response/system/auditctl_-l.txt", "No rules\n") ==
          "linux.auditctl");
    // iptables -S rules (-A) are not audit rules.
    CHECK(
        chosen_parser("renamed.bin",
                      "-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n") !=
        "linux.auditctl");
    // A sysctl-like "key value" file is not auditctl -s.
    CHECK(chosen_parser("renamed.bin", "enabled 1\nfoo 2\n") != "linux.auditctl");
}

// ---- journalctl --list-boots ----------------------------------------------------------------

TEST_CASE("linux ext lx5: journalctl --list-boots is one record per boot", "[linux]") {
    const auto rs = run("linux.journalctl_boots",
                        golden("journalctl_boots", "crafted-journalctl_--list-boots.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.journalctl_boots");
    REQUIRE(b.size() == 4);
    const json& first = b[0]["linux"]["journalctl_boots"];
    CHECK(first["index"] == -3);
    CHECK(first["boot_id"] == "0c6e3a2f5b9d4c1e8f7a6b5c4d3e2f1a");
    CHECK(first["first_entry"] == "Mon 2026-11-23 08:00:11 UTC");
    CHECK(first["last_entry"] == "Mon 2026-11-23 18:02:45 UTC");
    CHECK(first["first_entry_utc"] == "2026-11-23T08:00:11.000Z");
    CHECK(rs[0].timestamp == "2026-11-23T08:00:11.000Z");
    CHECK(rs[0].position == 2);
    CHECK(b[3]["linux"]["journalctl_boots"]["index"] == 0);

    const auto old =
        run("linux.journalctl_boots",
            golden("journalctl_boots", "crafted-journalctl_--list-boots_systemd245.out"));
    CHECK(bodies(old, "evidenced.error").empty());
    const auto o = bodies(old, "linux.journalctl_boots");
    REQUIRE(o.size() == 3);
    CHECK(o[0]["linux"]["journalctl_boots"]["index"] == -2);
    CHECK(o[0]["linux"]["journalctl_boots"]["first_entry"] == "Tue 2026-11-24 09:01:02 CET");
    CHECK(o[0]["linux"]["journalctl_boots"]["last_entry"] == "Wed 2026-11-25 04:14:07 CET");
    CHECK(o[0]["linux"]["journalctl_boots"]["first_entry_utc"] == "2026-11-24T08:01:02.000Z");
    CHECK(o[2]["linux"]["journalctl_boots"]["last_entry_utc"] == "2026-11-27T20:00:02.000Z");
}

TEST_CASE("linux ext lx5: journalctl --list-boots by UAC name and by content", "[linux]") {
    const std::string text = golden("journalctl_boots", "crafted-journalctl_--list-boots.out");
    CHECK(chosen_parser(kUac + "live_response/system/journalctl_--list-boots.txt", text) ==
          "linux.journalctl_boots");
    CHECK(chosen_parser("renamed.bin", text) == "linux.journalctl_boots");
    // journalctl -k stays linux.dmesg's.
    CHECK(chosen_parser(kUac + "live_response/system/journalctl_-k.txt",
                        "Nov 27 06:05:46 web01 kernel: Linux version 6.1.0-27-amd64\n") !=
          "linux.journalctl_boots");
}

// ---- loginctl -------------------------------------------------------------------------------

TEST_CASE("linux ext lx5: loginctl list-sessions keeps empty seats in their column", "[linux]") {
    const auto rs = run("linux.loginctl", golden("loginctl", "crafted-loginctl_list-sessions.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.loginctl");
    REQUIRE(b.size() == 3);
    const json& a = b[0]["linux"]["loginctl"];
    CHECK(a["session"] == "3");
    CHECK(a["uid"] == 1000);
    CHECK(a["user"] == "alice");
    CHECK_FALSE(a.contains("seat"));
    CHECK(a["tty"] == "pts/0");
    CHECK(b[1]["linux"]["loginctl"]["uid"] == 0);
    CHECK(b[1]["linux"]["loginctl"]["user"] == "root");
    CHECK(b[2]["linux"]["loginctl"]["session"] == "c1");
    CHECK(b[2]["linux"]["loginctl"]["seat"] == "seat0");
    CHECK(b[2]["linux"]["loginctl"]["tty"] == "tty1");
}

TEST_CASE("linux ext lx5: loginctl user-status: sessions, linger, processes", "[linux]") {
    const auto rs =
        run("linux.loginctl", golden("loginctl", "crafted-loginctl_user-status_alice.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.loginctl");
    REQUIRE(b.size() == 1);
    const json& u = b[0]["linux"]["loginctl"];
    CHECK(u["user"] == "alice");
    CHECK(u["uid"] == 1000);
    CHECK(u["since"] == "Fri 2026-11-27 19:02:11 UTC");
    CHECK(u["state"] == "active");
    CHECK(u["sessions"] == json::array({"7", "3"}));
    CHECK(u["current_session"] == "3");
    CHECK(u["linger"] == "yes");
    CHECK(u["unit"] == "user-1000.slice");
    REQUIRE(u["processes"].size() == 6);
    CHECK(u["processes"][3]["pid"] == 4242);
    CHECK(u["processes"][3]["command"] == "/home/alice/.local/bin/miner --donate-level 0");
    CHECK(has_notable(u, "linger"));
    CHECK(has_notable(u, "process 4242 runs from /home/"));
}

TEST_CASE("linux ext lx5: loginctl by UAC name and by content", "[linux]") {
    const std::string st = golden("loginctl", "crafted-loginctl_user-status_alice.out");
    CHECK(chosen_parser(kUac + "live_response/system/loginctl_user-status_alice.txt", st) ==
          "linux.loginctl");
    CHECK(chosen_parser("renamed.bin", st) == "linux.loginctl");
    CHECK(chosen_parser("renamed.bin", golden("loginctl", "crafted-loginctl_list-sessions.out")) ==
          "linux.loginctl");
}

// ---- firewall-cmd ---------------------------------------------------------------------------

TEST_CASE("linux ext lx5: firewall-cmd --list-all is one record per zone", "[linux]") {
    const auto rs =
        run("linux.firewall_cmd", golden("firewall_cmd", "crafted-firewall-cmd_--list-all.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.firewall_cmd");
    REQUIRE(b.size() == 1);
    const json& z = b[0]["linux"]["firewall_cmd"];
    CHECK(z["zone"] == "public");
    CHECK(z["active"] == true);
    CHECK_FALSE(z.contains("default"));
    CHECK(z["target"] == "default");
    CHECK(z["interfaces"] == json::array({"eth0"}));
    CHECK(z["sources"] == json::array());
    CHECK(z["services"] == json::array({"dhcpv6-client", "ssh"}));
    CHECK(z["ports"] == json::array({"4444/tcp", "8081/tcp"}));
    CHECK(z["forward_ports"] == json::array({"port=2222:proto=tcp:toport=22:toaddr="}));
    CHECK(z["rich_rules"] ==
          json::array({"rule family=\"ipv4\" source address=\"203.0.113.66\" accept"}));
    CHECK(z["masquerade"] == "no");
    CHECK(z["icmp_block_inversion"] == "no");
    CHECK(has_notable(z, "ports: 4444/tcp 8081/tcp"));
    CHECK(has_notable(z, "forward-ports:"));
    CHECK(has_notable(z, "rich rules:"));
}

TEST_CASE("linux ext lx5: firewall-cmd --list-all-zones, active zones, default zone", "[linux]") {
    const auto rs = run("linux.firewall_cmd",
                        golden("firewall_cmd", "crafted-firewall-cmd_--list-all-zones.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.firewall_cmd");
    REQUIRE(b.size() == 6);
    CHECK(b[0]["linux"]["firewall_cmd"]["zone"] == "block");
    CHECK(b[0]["linux"]["firewall_cmd"]["target"] == "%%REJECT%%");
    CHECK_FALSE(b[0]["linux"]["firewall_cmd"].contains("active"));
    CHECK(has_notable(b[1]["linux"]["firewall_cmd"], "target: ACCEPT"));
    CHECK(has_notable(b[3]["linux"]["firewall_cmd"], "masquerade: yes"));
    CHECK(b[4]["linux"]["firewall_cmd"]["default"] == true);
    CHECK(b[4]["linux"]["firewall_cmd"]["active"] == true);
    CHECK(b[5]["linux"]["firewall_cmd"]["sources"] == json::array({"198.51.100.0/24"}));

    const auto act =
        bodies(run("linux.firewall_cmd",
                   golden("firewall_cmd", "crafted-firewall-cmd_--get-active-zones.out")),
               "linux.firewall_cmd");
    REQUIRE(act.size() == 3);
    CHECK(act[0]["linux"]["firewall_cmd"]["zone"] == "docker");
    CHECK(act[0]["linux"]["firewall_cmd"]["interfaces"] == json::array({"docker0"}));
    CHECK(act[2]["linux"]["firewall_cmd"]["sources"] == json::array({"198.51.100.0/24"}));

    const auto def =
        bodies(run("linux.firewall_cmd",
                   golden("firewall_cmd", "crafted-firewall-cmd_--get-default-zone.out")),
               "linux.firewall_cmd");
    REQUIRE(def.size() == 1);
    CHECK(def[0]["linux"]["firewall_cmd"]["default_zone"] == "public");
}

TEST_CASE("linux ext lx5: firewall-cmd by UAC name and by content", "[linux]") {
    const std::string all = golden("firewall_cmd", "crafted-firewall-cmd_--list-all-zones.out");
    CHECK(chosen_parser(kUac + "live_response/network/firewall-cmd_--list-all-zones.txt", all) ==
          "linux.firewall_cmd");
    CHECK(chosen_parser("renamed.bin", all) == "linux.firewall_cmd");
    CHECK(chosen_parser(kUac + "live_response/network/firewall-cmd_--get-default-zone.txt",
                        "public\n") == "linux.firewall_cmd");
    // One word without the name is nobody's table: not claimed.
    CHECK(chosen_parser("renamed.bin", "public\n") != "linux.firewall_cmd");
    // --get-services (a list of names) is not a zone.
    CHECK(chosen_parser(kUac + "live_response/network/firewall-cmd_--get-services.txt",
                        "RH-Satellite-6 amanda-client amqp ssh\n") != "linux.firewall_cmd");
}

// ---- nmcli ----------------------------------------------------------------------------------

TEST_CASE("linux ext lx5: nmcli tables by their header columns", "[linux]") {
    const auto d = bodies(run("linux.nmcli", golden("nmcli", "crafted-nmcli_device_status.out")),
                          "linux.nmcli");
    REQUIRE(d.size() == 5);
    CHECK(d[0]["linux"]["nmcli"]["view"] == "device");
    CHECK(d[0]["linux"]["nmcli"]["device"] == "eth0");
    CHECK(d[0]["linux"]["nmcli"]["connection"] == "Wired connection 1");
    CHECK(d[1]["linux"]["nmcli"]["state"] == "connected (externally)");
    CHECK(d[4]["linux"]["nmcli"]["connection"].is_null());

    const auto c = bodies(run("linux.nmcli", golden("nmcli", "crafted-nmcli_connection_show.out")),
                          "linux.nmcli");
    REQUIRE(c.size() == 4);
    CHECK(c[0]["linux"]["nmcli"]["name"] == "Wired connection 1");
    CHECK(c[0]["linux"]["nmcli"]["uuid"] == "4d1c0c8a-3b8e-3f7a-9a5e-2f1d6c7b8a90");
    CHECK(c[3]["linux"]["nmcli"]["type"] == "vpn");
    CHECK(c[3]["linux"]["nmcli"]["device"].is_null());

    const auto g = bodies(run("linux.nmcli", golden("nmcli", "crafted-nmcli_general_status.out")),
                          "linux.nmcli");
    REQUIRE(g.size() == 1);
    CHECK(g[0]["linux"]["nmcli"]["view"] == "general");
    CHECK(g[0]["linux"]["nmcli"]["connectivity"] == "full");
    CHECK(g[0]["linux"]["nmcli"]["wifi_hw"] == "missing");
    CHECK(g[0]["linux"]["nmcli"]["wwan"] == "enabled");
}

TEST_CASE("linux ext lx5: nmcli device show is one record per device", "[linux]") {
    const auto rs = run("linux.nmcli", golden("nmcli", "crafted-nmcli_device_show.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.nmcli");
    REQUIRE(b.size() == 3);
    const json& eth = b[0]["linux"]["nmcli"];
    CHECK(eth["view"] == "device_show");
    CHECK(eth["general_device"] == "eth0");
    CHECK(eth["general_state"] == "100 (connected)");
    CHECK(eth["general_con_path"] == "/org/freedesktop/NetworkManager/ActiveConnection/1");
    CHECK(eth["ip4_address_1"] == "192.168.122.50/24");
    CHECK(eth["ip4_route_2"] == "dst = 0.0.0.0/0, nh = 192.168.122.1, mt = 100");
    CHECK(eth["ip6_gateway"].is_null());
    CHECK(b[1]["linux"]["nmcli"]["general_device"] == "tun0");
    CHECK(b[1]["linux"]["nmcli"]["ip4_address_1"] == "10.8.0.6/24");
    CHECK(rs[1].position == 18);
    CHECK(chosen_parser(kUac + "live_response/network/nmcli_device_show.txt",
                        golden("nmcli", "crafted-nmcli_device_show.out")) == "linux.nmcli");
}

TEST_CASE("linux ext lx5: nmcli by UAC name and by content; lsblk stays lsblk", "[linux]") {
    const std::string conn = golden("nmcli", "crafted-nmcli_connection_show.out");
    CHECK(chosen_parser(kUac + "live_response/network/nmcli_connection_show.txt", conn) ==
          "linux.nmcli");
    CHECK(chosen_parser("renamed.bin", conn) == "linux.nmcli");
    const std::string lsblk =
        "NAME   MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS\n"
        "vda    254:0    0   20G  0 disk \n"
        "`-vda1 254:1    0   20G  0 part /\n";
    CHECK(chosen_parser(kUac + "live_response/storage/lsblk.txt", lsblk) == "linux.lsblk");
}

// ---- iptables family ------------------------------------------------------------------------

TEST_CASE("linux ext lx5: iptables-save, ip6tables -L -v -n and -t nat stay linux.iptables",
          "[linux]") {
    // Real captures (iptables 1.8.9 nf_tables, Debian 12, in a private network namespace).
    const std::string six = golden("iptables", "debian12-lx5-ip6tables-save.out");
    CHECK(chosen_parser(kUac + "live_response/network/ip6tables-save.txt", six) ==
          "linux.iptables");
    const auto rs = run("linux.iptables", six);
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.iptables");
    REQUIRE(b.size() == 9);
    const json& r4444 = b[1]["linux"]["iptables"];
    CHECK(r4444["table"] == "filter");
    CHECK(r4444["chain"] == "INPUT");
    CHECK(r4444["chain_policy"] == "DROP");
    CHECK(r4444["rule"] == "-p tcp -m tcp --dport 4444 -j ACCEPT");
    CHECK(r4444["target"] == "ACCEPT");
    CHECK(b[2]["linux"]["iptables"]["source"] == "2001:db8::66/128");
    CHECK(b[3]["linux"]["iptables"]["chain"] == "FORWARD");
    CHECK_FALSE(b[3]["linux"]["iptables"].contains("rule"));
    CHECK(b[5]["linux"]["iptables"]["table"] == "nat");
    CHECK(b[5]["linux"]["iptables"]["target"] == "REDIRECT");

    // UAC names ip6tables' output iptables_-L_-v_-n.txt too (ip6tables.yaml).
    const std::string l6 = golden("iptables", "debian12-lx5-ip6tables_-L_-v_-n.out");
    CHECK(chosen_parser(kUac + "live_response/network/iptables_-L_-v_-n.txt", l6) ==
          "linux.iptables");
    const auto lr = run("linux.iptables", l6);
    CHECK(bodies(lr, "evidenced.error").empty());
    const auto lb = bodies(lr, "linux.iptables");
    REQUIRE(lb.size() == 5);
    CHECK(lb[1]["linux"]["iptables"]["options"] == "tcp dpt:4444");
    CHECK(lb[1]["linux"]["iptables"]["prot"] == "tcp");
    CHECK(lb[2]["linux"]["iptables"]["source"] == "2001:db8::66");
    CHECK(lb[2]["linux"]["iptables"]["target"] == "DROP");
    const std::string nat = golden("iptables", "debian12-lx5-ip6tables_-t_nat_-L_-v_-n.out");
    CHECK(chosen_parser(kUac + "live_response/network/iptables_-t_nat_-L_-v_-n.txt", nat) ==
          "linux.iptables");
    // The table comes from the file name (-t nat); the listing does not print it.
    const auto nb =
        bodies(run("linux.iptables", nat, "live_response/network/iptables_-t_nat_-L_-v_-n.txt"),
               "linux.iptables");
    REQUIRE(nb.size() == 4);
    CHECK(nb[0]["linux"]["iptables"]["table"] == "nat");
    CHECK(nb[0]["linux"]["iptables"]["options"] == "tcp dpt:2222 redir ports 22");
}

// ---- all ------------------------------------------------------------------------------------

TEST_CASE("linux ext lx5 parsers survive hostile input", "[linux]") {
    const std::vector<std::string> inputs = {
        std::string("\0\0\0", 3),
        "",
        "\n\n\n",
        ":",
        "-a\n-w\n-a -S\n-a always -S ,,, -F\n-w /x -p\n",
        "enabled\nAUDIT_STATUS:\nAUDIT_STATUS: enabled= pid=x\n",
        "IDX BOOT ID FIRST ENTRY LAST ENTRY\n 0 0123456789abcdef0123456789abcdef\n"
        "-1 0123456789abcdef0123456789abcdef \xE2\x80\x94\n",
        "SESSION UID USER\n x\n                                          y\n",
        "a (1)\n Since:\n Unit:\n \xE2\x94\x94\xE2\x94\x80\n \xE2\x94\x94\xE2\x94\x80 1\n",
        "public (\n  target:\n\t\n  rich rules:\n\tx\nx (y)\n",
        "DEVICE TYPE STATE CONNECTION\n\n x\nverylongcellthatreachespastallcolumns y\n",
        "\xE2\x97\x8F x.service\n   Loaded: loaded (\n   Active: (\n CGroup:\n  "
        "\xE2\x94\x94\xE2\x94\x80\n",
        "\xE2\x97\x8F x.service\n Loaded: loaded (/x; ; ; ; ; ;)\n Active: a (b) (c) since ;\n"
        " Main PID: x\n Drop-In:\n  \xE2\x94\x94\xE2\x94\x80, , ,\n Process: =\n",
        std::string(100000, ':') + "\n" + std::string(100000, ' ') + "\n",
    };
    std::vector<std::string> all = kCommands;
    all.push_back("systemctl");
    for (const auto& c : all) {
        for (const auto& in : inputs) {
            INFO(c);
            CHECK_NOTHROW(run("linux." + c, in, "x.txt"));
        }
    }
}
