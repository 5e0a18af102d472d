// Linux parsers of helper-lx4: linux.fstab, linux.sshd_conf, linux.file, linux.selinux,
// linux.runlevel, linux.service_status, linux.ip_link, linux.docker_ps.  Golden files under
// tests/golden/linux/<command>/ (jc fixtures, Debian 12 captures, crafted samples:
// tests/fixtures/linux/ext-lx4/ORIGINS.md) render as expected and are recognised by name and
// content; the facts an analyst needs are checked one by one; where jc has a fixture our
// records agree with jc 1.25.5's JSON (cited: jc, MIT); a neighbour's look-alike output is not
// claimed, and garbage never throws.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

namespace fs = std::filesystem;
using evidenced::testing::chosen_parser;
using evidenced::testing::Collected;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {"fstab",    "sshd_conf",      "file",    "selinux",
                                            "runlevel", "service_status", "ip_link", "docker_ps"};

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

// jc 1.25.5's processed output for one of its fixtures (copied with the fixture).
json jc_expected(const std::string& command, const std::string& name) {
    return json::parse(
        slurp(std::string(EVIDENCED_FIXTURES) + "/linux/ext-lx4/jc/" + command + "/" + name));
}

// Every key jc gives is ours with the same value (we may add keys jc does not have).
void check_agrees(const json& ours, const json& jc) {
    REQUIRE(jc.is_object());
    for (auto it = jc.begin(); it != jc.end(); ++it) {
        INFO(it.key());
        REQUIRE(ours.contains(it.key()));
        CHECK(ours[it.key()] == it.value());
    }
}

}  // namespace

TEST_CASE("linux ext lx4 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 2) >= 16);
}

TEST_CASE("linux ext lx4 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

// ---- fstab ---------------------------------------------------------------------------------

TEST_CASE("linux ext lx4: fstab agrees with jc's fixtures", "[linux]") {
    for (const std::string name : {"centos-7.7__fstab", "ubuntu-18.04__fstab"}) {
        INFO(name);
        const auto rs = run("linux.fstab", golden("fstab", name + ".out"));
        const auto b = bodies(rs, "linux.fstab");
        CHECK(bodies(rs, "evidenced.error").empty());
        const json jc = jc_expected("fstab", name + ".json");
        REQUIRE(b.size() == jc.size());
        for (size_t i = 0; i < b.size(); ++i) {
            check_agrees(b[i]["linux"]["fstab"], jc[i]);
        }
    }
}

TEST_CASE("linux ext lx4: fstab entries an analyst looks at", "[linux]") {
    const auto rs = run("linux.fstab", golden("fstab", "crafted-debian12-fstab.out"));
    const auto b = bodies(rs, "linux.fstab");
    CHECK(bodies(rs, "evidenced.error").empty());
    REQUIRE(b.size() == 8);
    CHECK(b[0]["linux"]["fstab"]["fs_file"] == "/");
    CHECK(b[0]["linux"]["fstab"]["fs_mntops"] == "errors=remount-ro");
    CHECK(b[0]["linux"]["fstab"]["fs_passno"] == 1);
    CHECK(rs[0].position == 12);
    CHECK(b[2]["linux"]["fstab"]["fs_vfstype"] == "udf,iso9660");
    const json& tmp = b[3]["linux"]["fstab"];
    CHECK(tmp["fs_spec"] == "tmpfs");
    CHECK(tmp["fs_mntops"] == "defaults,noexec,nosuid,size=512m");
    CHECK_FALSE(tmp.contains("fs_freq"));  // fstab(5): the last two fields may be left out
    CHECK(b[4]["linux"]["fstab"]["fs_spec"] == "//10.13.37.5/loot");
    CHECK(b[4]["linux"]["fstab"]["fs_file"] == "/mnt/.cache");
    CHECK(b[5]["linux"]["fstab"]["fs_vfstype"] == "nfs4");
    CHECK(b[5]["linux"]["fstab"]["comment"] == "added by ops");
    CHECK(b[6]["linux"]["fstab"]["fs_spec"] == "/home/bob/My\\040Docs");
    CHECK(b[7]["linux"]["fstab"]["fs_spec"] == "LABEL=swap");

    const auto bad = run("linux.fstab", "UUID=1 /\n/dev/sda1 / ext4 defaults 0 1\n");
    CHECK(bodies(bad, "linux.fstab").size() == 1);
    CHECK(bodies(bad, "evidenced.error").size() == 1);
}

TEST_CASE("linux ext lx4: fstab by UAC name and by its header comment", "[linux]") {
    const std::string text = golden("fstab", "ubuntu-18.04__fstab.out");
    CHECK(chosen_parser(kUac + "[root]/etc/fstab", text) == "linux.fstab");
    CHECK(chosen_parser("renamed.bin", golden("fstab", "crafted-debian12-fstab.out")) ==
          "linux.fstab");
    CHECK(chosen_parser("renamed.bin", golden("fstab", "centos-7.7__fstab.out")) == "linux.fstab");
}

TEST_CASE("linux ext lx4 traps: fstab does not claim /proc/mounts or mount", "[linux]") {
    const std::string mounts =
        "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
        "/dev/vda1 / ext4 rw,relatime,errors=remount-ro 0 0\n"
        "tmpfs /run tmpfs rw,nosuid,nodev,size=2468368k,mode=755 0 0\n";
    CHECK(chosen_parser(kUac + "[root]/proc/mounts", mounts) == "linux.mount");
    CHECK(chosen_parser("out.txt", mounts) != "linux.fstab");
    CHECK(chosen_parser(kUac + "live_response/system/mount.txt",
                        "/dev/vda1 on / type ext4 (rw,relatime)\n") != "linux.fstab");
}

// ---- sshd_conf -----------------------------------------------------------------------------

TEST_CASE("linux ext lx4: sshd -T and sshd_config agree with jc's fixtures", "[linux]") {
    for (const auto& [in, out] :
         {std::pair<std::string, std::string>{"generic__sshd-T.out", "generic__sshd-T.json"},
          {"generic__sshd-T-2.out", "generic__sshd-T-2.json"},
          {"generic__sshd_config.out", "generic__sshd_config.json"}}) {
        INFO(in);
        const auto b = bodies(run("linux.sshd_conf", golden("sshd_conf", in)), "linux.sshd_conf");
        REQUIRE(!b.empty());
        const json& ours = b[0]["linux"]["sshd_conf"];
        CHECK_FALSE(ours.contains("match"));
        const json jc = jc_expected("sshd_conf", out);
        check_agrees(ours, jc);
        // Nothing jc has not: only our `notable` is extra on the global record.
        for (auto it = ours.begin(); it != ours.end(); ++it) {
            INFO(it.key());
            CHECK((jc.contains(it.key()) || it.key() == "notable"));
        }
    }
}

TEST_CASE("linux ext lx4: sshd_conf keeps Match blocks and flags what an analyst hunts",
          "[linux]") {
    const auto rs = run("linux.sshd_conf", golden("sshd_conf", "generic__sshd_config.out"));
    const auto b = bodies(rs, "linux.sshd_conf");
    REQUIRE(b.size() == 3);
    std::vector<uint64_t> at;
    for (const auto& c : rs) {
        if (c.dataset == "linux.sshd_conf") {
            at.push_back(c.position);
        }
    }
    CHECK(at == std::vector<uint64_t>{1, 25, 36});
    const json& g = b[0]["linux"]["sshd_conf"];
    CHECK(g["passwordauthentication"] == "yes");
    CHECK(g["notable"] == json::array({"PasswordAuthentication yes"}));
    CHECK(g["hostkey"].size() == 3);
    CHECK(b[1]["linux"]["sshd_conf"]["match"] == "group chroot");
    CHECK(b[2]["linux"]["sshd_conf"]["match"] == "group anything");
    // "don't look at this" inside a Match block is no directive.
    CHECK(bodies(rs, "evidenced.error").size() == 1);

    const auto t2 = bodies(run("linux.sshd_conf", golden("sshd_conf", "generic__sshd-T-2.out")),
                           "linux.sshd_conf");
    REQUIRE(t2.size() == 1);
    CHECK(t2[0]["linux"]["sshd_conf"]["notable"] ==
          json::array({"PermitRootLogin yes", "PasswordAuthentication yes"}));

    const std::string backdoor =
        "# sshd_config\nPort 22\nPort 2222\nPermitRootLogin prohibit-password\n"
        "AuthorizedKeysFile .ssh/authorized_keys /var/tmp/.k/%u\n"
        "PasswordAuthentication no\nUsePAM yes\nSubsystem sftp internal-sftp\n"
        "Match Address 203.0.113.7\n    PermitRootLogin yes\n    PasswordAuthentication yes\n"
        "    PermitEmptyPasswords yes\n";
    const auto rb = run("linux.sshd_conf", backdoor);
    const auto bb = bodies(rb, "linux.sshd_conf");
    REQUIRE(bb.size() == 2);
    CHECK(bb[0]["linux"]["sshd_conf"]["port"] == json::array({22, 2222}));
    CHECK(bb[0]["linux"]["sshd_conf"]["notable"] ==
          json::array(
              {"AuthorizedKeysFile .ssh/authorized_keys /var/tmp/.k/%u", "Port 22", "Port 2222"}));
    CHECK(bb[0]["linux"]["sshd_conf"]["subsystem_command"] == "internal-sftp");
    const json& m = bb[1]["linux"]["sshd_conf"];
    CHECK(rb[1].position == 9);
    CHECK(m["match"] == "Address 203.0.113.7");
    CHECK(m["permitrootlogin"] == "yes");
    CHECK(m["notable"] == json::array({"PermitRootLogin yes", "PasswordAuthentication yes",
                                       "PermitEmptyPasswords yes"}));

    // sshd takes the first value of a repeated keyword.
    const auto first =
        bodies(run("linux.sshd_conf", "PermitRootLogin no\nUsePAM yes\nPermitRootLogin yes\n"),
               "linux.sshd_conf");
    REQUIRE(first.size() == 1);
    CHECK(first[0]["linux"]["sshd_conf"]["permitrootlogin"] == "no");
    CHECK_FALSE(first[0]["linux"]["sshd_conf"].contains("notable"));
}

TEST_CASE("linux ext lx4: sshd_conf by UAC name and by content", "[linux]") {
    const std::string conf = golden("sshd_conf", "generic__sshd_config.out");
    CHECK(chosen_parser(kUac + "[root]/etc/ssh/sshd_config", conf) == "linux.sshd_conf");
    CHECK(chosen_parser(kUac + "live_response/system/sshd_-T.txt",
                        golden("sshd_conf", "generic__sshd-T.out")) == "linux.sshd_conf");
    CHECK(chosen_parser("renamed.bin", golden("sshd_conf", "generic__sshd-T.out")) ==
          "linux.sshd_conf");
    CHECK(chosen_parser("renamed.bin", golden("sshd_conf", "generic__sshd-T-2.out")) ==
          "linux.sshd_conf");
    // A drop-in of one line is claimed by its folder, not by its content.
    const std::string dropin = "# written by cloud-init\nPasswordAuthentication yes\n";
    CHECK(chosen_parser(kUac + "[root]/etc/ssh/sshd_config.d/50-cloud-init.conf", dropin) ==
          "linux.sshd_conf");
    CHECK(chosen_parser("triage/50-cloud-init.conf", dropin) != "linux.sshd_conf");
    const auto d = bodies(run("linux.sshd_conf", dropin), "linux.sshd_conf");
    REQUIRE(d.size() == 1);
    CHECK(d[0]["linux"]["sshd_conf"]["notable"] == json::array({"PasswordAuthentication yes"}));
}

TEST_CASE("linux ext lx4 traps: sshd_conf does not claim ssh_config or sshd logs", "[linux]") {
    const std::string client =
        "Host *\n    SendEnv LANG LC_*\n    HashKnownHosts yes\n    GSSAPIAuthentication yes\n"
        "    PasswordAuthentication yes\n";
    CHECK(chosen_parser(kUac + "[root]/etc/ssh/ssh_config", client) != "linux.sshd_conf");
    CHECK(chosen_parser("renamed.bin", client) != "linux.sshd_conf");
    const std::string log =
        "Nov 27 19:00:01 web01 sshd[4711]: Accepted password for root from 203.0.113.7 port "
        "50122 ssh2\n";
    CHECK(chosen_parser(kUac + "[root]/var/log/sshd.log", log) != "linux.sshd_conf");
}

// ---- file ----------------------------------------------------------------------------------

TEST_CASE("linux ext lx4: file agrees with jc's fixtures", "[linux]") {
    for (const std::string name : {"centos-7.7__file", "ubuntu-18.04__file"}) {
        INFO(name);
        const auto rs = run("linux.file", golden("file", name + ".out"));
        const auto b = bodies(rs, "linux.file");
        CHECK(bodies(rs, "evidenced.error").empty());
        const json jc = jc_expected("file", name + ".json");
        REQUIRE(b.size() == jc.size());
        for (size_t i = 0; i < b.size(); ++i) {
            check_agrees(b[i]["linux"]["file"], jc[i]);
        }
    }
}

TEST_CASE("linux ext lx4: file splits names and types that hold ': '", "[linux]") {
    const auto b =
        bodies(run("linux.file", golden("file", "crafted-file-web-root.out")), "linux.file");
    REQUIRE(b.size() == 7);
    CHECK(b[2]["linux"]["file"]["filename"] == "/var/www/html/backup.tar.gz");
    CHECK(b[2]["linux"]["file"]["type"] ==
          "gzip compressed data, last modified: Mon Nov 23 02:14:07 2026, from Unix, original "
          "size modulo 2^32 10240");
    CHECK(b[4]["linux"]["file"]["filename"] == "/var/www/html/img/x.jpg");
    CHECK(b[4]["linux"]["file"]["type"].get<std::string>().starts_with("ELF 64-bit"));
    CHECK(b[5]["linux"]["file"]["filename"] == "/var/www/html/uploads/a: b.txt");
    CHECK(b[5]["linux"]["file"]["type"] == "ASCII text");

    const auto own =
        bodies(run("linux.file", golden("file", "debian12-file_tmp.out")), "linux.file");
    REQUIRE(own.size() == 7);
    CHECK(own[3]["linux"]["file"]["filename"] == "note: read me.txt");
    CHECK(own[4]["linux"]["file"]["type"] == "symbolic link to /etc/passwd");

    // Unpadded (file -N, or several invocations appended): the first ": " separates.
    const auto np =
        bodies(run("linux.file", "a.gz: gzip compressed data, last modified: Mon\n"), "linux.file");
    REQUIRE(np.size() == 1);
    CHECK(np[0]["linux"]["file"]["filename"] == "a.gz");
}

TEST_CASE("linux ext lx4: file by name and by content", "[linux]") {
    CHECK(chosen_parser("triage/file_tmp.txt", golden("file", "centos-7.7__file.out")) ==
          "linux.file");
    CHECK(chosen_parser("renamed.bin", golden("file", "centos-7.7__file.out")) == "linux.file");
    CHECK(chosen_parser("renamed.bin", golden("file", "crafted-file-web-root.out")) ==
          "linux.file");
}

TEST_CASE("linux ext lx4 traps: file does not claim Field: value outputs", "[linux]") {
    const std::string hostnamectl =
        " Static hostname: web01\n       Icon name: computer-vm\n         Chassis: vm\n"
        "Operating System: Debian GNU/Linux 12 (bookworm)\n          Kernel: Linux 6.1.0-27-amd64\n"
        "    Architecture: x86-64\n";
    CHECK(chosen_parser("out.txt", hostnamectl) != "linux.file");
    CHECK(chosen_parser("out.txt", golden("selinux", "crafted-rhel8-sestatus.out")) !=
          "linux.file");
    const std::string grep =
        "/etc/passwd:root:x:0:0:root:/root:/bin/bash\n/etc/group:root:x:0:\n"
        "/etc/hosts:127.0.0.1 localhost\n";
    CHECK(chosen_parser("out.txt", grep) != "linux.file");
}

// ---- selinux -------------------------------------------------------------------------------

TEST_CASE("linux ext lx4: sestatus and getenforce say the mode", "[linux]") {
    const auto p = bodies(run("linux.selinux", golden("selinux", "crafted-rhel8-sestatus.out")),
                          "linux.selinux");
    REQUIRE(p.size() == 1);
    const json& s = p[0]["linux"]["selinux"];
    CHECK(s["status"] == "enabled");
    CHECK(s["mode"] == "permissive");
    CHECK(s["policy"] == "targeted");
    CHECK(s["mode_from_config_file"] == "enforcing");
    CHECK(s["max_kernel_policy_version"] == "33");
    CHECK(s["notable"] == json::array({"SELinux permissive",
                                       "current mode permissive differs from config file's "
                                       "enforcing"}));

    const auto rv = run("linux.selinux", golden("selinux", "crafted-rhel8-sestatus_-v.out"));
    CHECK(bodies(rv, "evidenced.error").empty());
    const auto v = bodies(rv, "linux.selinux");
    REQUIRE(v.size() == 1);
    const json& sv = v[0]["linux"]["selinux"];
    CHECK(sv["mode"] == "enforcing");
    CHECK_FALSE(sv.contains("notable"));
    REQUIRE(sv["process_contexts"].size() == 3);
    CHECK(sv["process_contexts"][0]["name"] == "Current context");
    CHECK(sv["process_contexts"][0]["context"] ==
          "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023");
    CHECK(sv["process_contexts"][2]["name"] == "/usr/sbin/sshd");
    REQUIRE(sv["file_contexts"].size() == 9);
    CHECK(sv["file_contexts"][5]["name"] == "/bin/sh");
    CHECK(sv["file_contexts"][5]["context"] == "system_u:object_r:bin_t:s0");
    CHECK(sv["file_contexts"][5]["target_context"] == "system_u:object_r:shell_exec_t:s0");

    const auto d =
        bodies(run("linux.selinux", golden("selinux", "crafted-centos7-sestatus-disabled.out")),
               "linux.selinux");
    REQUIRE(d.size() == 1);
    CHECK(d[0]["linux"]["selinux"]["status"] == "disabled");
    CHECK(d[0]["linux"]["selinux"]["mode"] == "disabled");
    CHECK(d[0]["linux"]["selinux"]["notable"] == json::array({"SELinux disabled"}));

    const auto g = bodies(run("linux.selinux", "Permissive\n"), "linux.selinux");
    REQUIRE(g.size() == 1);
    CHECK(g[0]["linux"]["selinux"]["mode"] == "permissive");
}

TEST_CASE("linux ext lx4: selinux by UAC name and by content", "[linux]") {
    CHECK(chosen_parser(kUac + "live_response/system/getenforce.txt", "Enforcing\n") ==
          "linux.selinux");
    CHECK(chosen_parser(kUac + "live_response/system/sestatus.txt",
                        golden("selinux", "crafted-rhel8-sestatus.out")) == "linux.selinux");
    CHECK(chosen_parser("renamed.bin", golden("selinux", "crafted-rhel8-sestatus_-v.out")) ==
          "linux.selinux");
    // A lone word is getenforce's only with the file name.
    CHECK(chosen_parser("notes.txt", "Enforcing\n") != "linux.selinux");
}

// ---- runlevel ------------------------------------------------------------------------------

TEST_CASE("linux ext lx4: runlevel gives previous and current", "[linux]") {
    const auto n =
        bodies(run("linux.runlevel", golden("runlevel", "crafted-runlevel.out")), "linux.runlevel");
    REQUIRE(n.size() == 1);
    CHECK(n[0]["linux"]["runlevel"]["previous"] == "N");
    CHECK(n[0]["linux"]["runlevel"]["current"] == "5");
    const auto u =
        bodies(run("linux.runlevel", golden("runlevel", "debian12-container-runlevel.out")),
               "linux.runlevel");
    REQUIRE(u.size() == 1);
    CHECK(u[0]["linux"]["runlevel"]["current"] == "unknown");
    CHECK_FALSE(u[0]["linux"]["runlevel"].contains("previous"));
    CHECK(chosen_parser(kUac + "live_response/system/runlevel.txt", "3 5\n") == "linux.runlevel");
    CHECK(chosen_parser("notes.txt", "3 5\n") != "linux.runlevel");
    CHECK(chosen_parser(kUac + "live_response/system/runlevel.txt", "x y z\n") != "linux.runlevel");
    const std::string who_r = "         run-level 5  2026-11-27 10:00\n";
    CHECK(chosen_parser(kUac + "live_response/system/who_-r.txt", who_r) != "linux.runlevel");
}

// ---- service_status ------------------------------------------------------------------------

TEST_CASE("linux ext lx4: chkconfig --list gives each service's runlevels", "[linux]") {
    const auto b = bodies(
        run("linux.service_status", golden("service_status", "crafted-rhel6-chkconfig_--list.out")),
        "linux.service_status");
    REQUIRE(b.size() == 12);
    const json& s = b[5]["linux"]["service_status"];
    CHECK(s["name"] == "sshd");
    CHECK(s["runlevels"]["3"] == "on");
    CHECK(s["runlevels"]["0"] == "off");
    CHECK(s["enabled_runlevels"] == json::array({"2", "3", "4", "5"}));
    CHECK(b[3]["linux"]["service_status"]["enabled_runlevels"] == json::array());
    CHECK(b[10]["linux"]["service_status"]["name"] == "rsync");
    CHECK(b[10]["linux"]["service_status"]["status"] == "on");
    CHECK(b[10]["linux"]["service_status"]["xinetd"] == true);

    const auto r7 = bodies(
        run("linux.service_status", golden("service_status", "crafted-rhel7-chkconfig_--list.out")),
        "linux.service_status");
    REQUIRE(r7.size() == 2);  // the note is no service
    CHECK(r7[1]["linux"]["service_status"]["name"] == "network");
}

TEST_CASE("linux ext lx4: SysV service --status-all gives running and stopped", "[linux]") {
    const auto b = bodies(run("linux.service_status",
                              golden("service_status", "crafted-rhel6-service_--status-all.out")),
                          "linux.service_status");
    REQUIRE(b.size() == 9);
    CHECK(b[0]["linux"]["service_status"]["name"] == "auditd");
    CHECK(b[0]["linux"]["service_status"]["status"] == "running");
    CHECK(b[0]["linux"]["service_status"]["pids"] == json::array({1021}));
    CHECK(b[6]["linux"]["service_status"]["pids"] == json::array({1302, 4711}));
    CHECK(b[7]["linux"]["service_status"]["status"] == "dead");
    CHECK(b[8]["linux"]["service_status"]["name"] == "xinetd");
    CHECK(b[8]["linux"]["service_status"]["status"] == "stopped");
    CHECK(b[2]["linux"]["service_status"]["status"] == "unknown");
    CHECK(b[2]["linux"]["service_status"]["message"] == "ip6tables: Firewall is not running.");
}

TEST_CASE(
    "linux ext lx4: service_status by UAC name and by content; Debian's form stays "
    "systemctl's",
    "[linux]") {
    const std::string chk = golden("service_status", "crafted-rhel6-chkconfig_--list.out");
    CHECK(chosen_parser(kUac + "live_response/system/chkconfig_--list.txt", chk) ==
          "linux.service_status");
    CHECK(chosen_parser("renamed.bin", chk) == "linux.service_status");
    CHECK(chosen_parser(kUac + "live_response/system/service_--status-all.txt",
                        golden("service_status", "crafted-rhel6-service_--status-all.out")) ==
          "linux.service_status");
    const std::string debian = " [ + ]  cron\n [ - ]  hwclock.sh\n [ ? ]  kmod\n";
    CHECK(chosen_parser(kUac + "live_response/system/service_--status-all.txt", debian) ==
          "linux.systemctl");
}

// ---- ip_link -------------------------------------------------------------------------------

TEST_CASE("linux ext lx4: ip link is one record per interface", "[linux]") {
    const auto rs = run("linux.ip_link", golden("ip_link", "crafted-ip_link-docker-host.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.ip_link");
    REQUIRE(b.size() == 5);
    const json& lo = b[0]["linux"]["ip_link"];
    CHECK(lo["ifindex"] == 1);
    CHECK(lo["name"] == "lo");
    CHECK(lo["flags"] == json::array({"LOOPBACK", "UP", "LOWER_UP"}));
    CHECK(lo["mtu"] == 65536);
    CHECK(lo["qdisc"] == "noqueue");
    CHECK(lo["state"] == "UNKNOWN");
    CHECK(lo["mode"] == "DEFAULT");
    CHECK(lo["group"] == "default");
    CHECK(lo["qlen"] == 1000);
    CHECK(lo["link_type"] == "loopback");
    CHECK(lo["mac_address"] == "00:00:00:00:00:00");
    CHECK(lo["brd"] == "00:00:00:00:00:00");
    const json& ens = b[1]["linux"]["ip_link"];
    CHECK(ens["notable"] == json::array({"PROMISC"}));
    CHECK(ens["altnames"] == json::array({"enp0s3"}));
    const json& veth = b[3]["linux"]["ip_link"];
    CHECK(rs[3].position == 8);
    CHECK(veth["name"] == "veth1a2b3c4");
    CHECK(veth["link"] == "if4");
    CHECK(veth["master"] == "docker0");
    CHECK(veth["link_netnsid"] == 0);
    CHECK(b[4]["linux"]["ip_link"]["link_type"] == "none");
    CHECK_FALSE(b[4]["linux"]["ip_link"].contains("mac_address"));

    const auto s =
        bodies(run("linux.ip_link", golden("ip_link", "debian12-ip_-s_link.out")), "linux.ip_link");
    REQUIRE(s.size() == 4);
    const json& eth = s[3]["linux"]["ip_link"];
    CHECK(eth["name"] == "eth0");
    CHECK(eth["rx_bytes"] == 46989342);
    CHECK(eth["tx_packets"] == 2146);
    CHECK(eth["tx_collsns"] == 0);
    const auto ss =
        bodies(run("linux.ip_link", golden("ip_link", "debian12-ip_-s_-s_link_show_lo.out")),
               "linux.ip_link");
    REQUIRE(ss.size() == 1);
    CHECK(ss[0]["linux"]["ip_link"]["rx_errors_crc"] == 0);
    CHECK(ss[0]["linux"]["ip_link"]["tx_errors_heartbt"] == 0);
}

TEST_CASE("linux ext lx4: ip link by UAC name and by content; ip addr stays ip_addr", "[linux]") {
    const std::string text = golden("ip_link", "debian12-ip_link_show.out");
    CHECK(chosen_parser(kUac + "live_response/network/ip_link_show.txt", text) == "linux.ip_link");
    CHECK(chosen_parser(kUac + "live_response/network/ip_-s_link.txt",
                        golden("ip_link", "debian12-ip_-s_link.out")) == "linux.ip_link");
    CHECK(chosen_parser("renamed.bin", text) == "linux.ip_link");
    const std::string addr = golden("ip_addr", "debian12-ip-addr.out");
    CHECK(chosen_parser(kUac + "live_response/network/ip_addr_show.txt", addr) == "linux.ip_addr");
    CHECK(chosen_parser("renamed.bin", addr) == "linux.ip_addr");
}

// ---- docker_ps -----------------------------------------------------------------------------

TEST_CASE("linux ext lx4: docker ps is one record per container", "[linux]") {
    const auto rs =
        run("linux.docker_ps", golden("docker_ps", "crafted-docker_container_ls_--all_--size.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.docker_ps");
    REQUIRE(b.size() == 5);
    const json& web = b[0]["linux"]["docker_ps"];
    CHECK(web["container_id"] == "3f2a9c1e5b7d");
    CHECK(web["image"] == "nginx:1.25");
    CHECK(web["command"] == "/docker-entrypoint.\u2026");
    CHECK(web["created"] == "2 hours ago");
    CHECK(web["status"] == "Up 2 hours");
    CHECK(web["state"] == "running");
    CHECK(web["ports"] == json::array({"0.0.0.0:8080->80/tcp", ":::8080->80/tcp"}));
    CHECK(web["names"] == "web");
    CHECK(web["size"] == "1.09kB");
    CHECK(web["virtual_size"] == "187MB");
    const json& ex = b[1]["linux"]["docker_ps"];
    CHECK(ex["state"] == "exited");
    CHECK(ex["exit_code"] == 137);
    CHECK_FALSE(ex.contains("ports"));
    CHECK(ex["names"] == "kind_tesla");
    CHECK(b[2]["linux"]["docker_ps"]["image"] == "xmrig/xmrig:latest");
    CHECK(b[2]["linux"]["docker_ps"]["names"] == "systemd-journal");
    CHECK(b[3]["linux"]["docker_ps"]["state"] == "paused");
    CHECK(b[4]["linux"]["docker_ps"]["image"] == "sha256:4bcff63911fcb\u2026");
    CHECK(b[4]["linux"]["docker_ps"]["command"] == "/bin/sh");
    CHECK(b[4]["linux"]["docker_ps"]["state"] == "created");

    const auto a = bodies(run("linux.docker_ps", golden("docker_ps", "crafted-docker_ps_-a.out")),
                          "linux.docker_ps");
    REQUIRE(a.size() == 3);
    CHECK(a[1]["linux"]["docker_ps"]["exit_code"] == 0);
    CHECK(a[2]["linux"]["docker_ps"]["state"] == "restarting");
    CHECK_FALSE(a[2]["linux"]["docker_ps"].contains("size"));
}

TEST_CASE("linux ext lx4: docker ps by UAC name and by content", "[linux]") {
    const std::string text = golden("docker_ps", "crafted-docker_container_ls_--all_--size.out");
    CHECK(chosen_parser(kUac + "live_response/containers/docker_container_ls_--all_--size.txt",
                        text) == "linux.docker_ps");
    CHECK(chosen_parser("renamed.bin", text) == "linux.docker_ps");
    const std::string images =
        "REPOSITORY    TAG       IMAGE ID       CREATED        SIZE\n"
        "nginx         1.25      a8758716bb6a   2 weeks ago    187MB\n";
    CHECK(chosen_parser(kUac + "live_response/containers/docker_image_ls.txt", images) !=
          "linux.docker_ps");
}

// ---- all -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx4 parsers survive hostile input", "[linux]") {
    const std::vector<std::string> inputs = {
        std::string("\0\0\0", 3),
        "",
        "\n\n\n",
        ":",
        ": : : :",
        "Match\nMatch all\nMatch x\n",
        "Port\nPort x\nMaxStartups ::::\nRekeyLimit\nCiphers +\nCiphers ,,,\n",
        "SELinux status:\nProcess contexts:\n/x\nFile contexts:\n: :\n",
        "CONTAINER ID   IMAGE   STATUS\n\xe2\x80\xa6\xe2\x80\n x\n",
        "CONTAINER ID\n",
        "1: a: <> mtu\n    RX: bytes\n    RX: bytes packets\n 1\n    TX errors:\n",
        "9999999999999999999999: x: <A,,B> mtu 99999999999999999999999 qlen x\n    link/\n",
        "a 0:on 1:on 2:on 3:on 4:on 5:on 6:x\nxinetd based services:\n\t:on\n",
        "x (pid ) is running...\n (pid 1) is running...\n",
        "/ / / / / / / / / /\n# fstab\nx x\n",
        std::string(100000, ':') + "\n" + std::string(100000, ' ') + "\n",
    };
    for (const auto& c : kCommands) {
        for (const auto& in : inputs) {
            INFO(c);
            CHECK_NOTHROW(run("linux." + c, in, "x.txt"));
        }
    }
}
