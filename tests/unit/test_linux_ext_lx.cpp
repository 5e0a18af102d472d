// Extended Linux command parsers of helper-lx: linux.package_verify (rpm -Va, dpkg -V,
// debsums -c), linux.rpm_qa, linux.rpm_qi, linux.proc_pid_status, linux.proc_pid_maps,
// linux.proc_net_arp, linux.sudoers.  Golden files under tests/golden/linux/<command>/ (jc
// fixtures, MIT; Debian 12 captures; crafted traps: tests/fixtures/linux/ext-lx/ORIGINS.md)
// render as expected and are recognised by name and content; the facts an analyst needs are
// checked one by one below, and look-alike files of other commands are not claimed.
#include <filesystem>
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
using evidenced::testing::linux_golden_inputs;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {"package_verify",  "rpm_qa",        "rpm_qi",
                                            "proc_pid_status", "proc_pid_maps", "proc_net_arp",
                                            "sudoers",         "proc_pid_stat", "proc_pid_cmdline",
                                            "sudo_l",          "proc_sys",      "modinfo"};

constexpr std::string_view kNow = "2026-11-27T17:30:00.000Z";

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

size_t errors(const std::vector<Collected>& rs) {
    size_t n = 0;
    for (const auto& r : rs) {
        n += r.dataset == "evidenced.error" ? 1 : 0;
    }
    return n;
}

}  // namespace

TEST_CASE("linux ext lx golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 2) >= 20);
}

TEST_CASE("linux ext lx golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

TEST_CASE("linux ext lx: UAC and Cat-Scale names route to the right parser", "[linux]") {
    const std::string root = "uac-web01-linux-20261127170000/live_response/";
    CHECK(chosen_parser(root + "packages/rpm_-V_-a.txt",
                        golden("package_verify", "debian12-rpm_-V_-a.out")) ==
          "linux.package_verify");
    CHECK(chosen_parser(root + "packages/dpkg_-V.txt",
                        golden("package_verify", "debian12-dpkg_-V.out")) ==
          "linux.package_verify");
    CHECK(chosen_parser("catscale_out/Misc/web01-20261127-1400-deb-package-verify.txt",
                        golden("package_verify", "debian12-dpkg_-V.out")) ==
          "linux.package_verify");
    CHECK(chosen_parser(root + "packages/debsums_-c.txt",
                        golden("package_verify", "debian12-debsums_-c.out")) ==
          "linux.package_verify");
    CHECK(chosen_parser(root + "packages/rpm_-q_-a.txt",
                        golden("rpm_qa", "crafted-rpm-qa-names.out")) == "linux.rpm_qa");
    CHECK(chosen_parser(root + "packages/rpm_-q_-a_--queryformat_installtime_name_version_"
                               "release.txt",
                        "1795798845~sshd-helper~1.2.3-4.el9\n") == "linux.rpm_qa");
    CHECK(chosen_parser("catscale_out/Misc/web01-20261127-1400-rpm-packages.txt",
                        golden("rpm_qa", "crafted-rpm-qa-names.out")) == "linux.rpm_qa");
    CHECK(chosen_parser("rpm_qai.txt", golden("rpm_qi", "centos-7.7-rpm-qi-package.out")) ==
          "linux.rpm_qi");
    CHECK(chosen_parser(root + "process/proc/4242/status.txt",
                        golden("proc_pid_status", "debian12-proc-sleep-status.out")) ==
          "linux.proc_pid_status");
    CHECK(chosen_parser(root + "process/proc/4242/maps.txt",
                        golden("proc_pid_maps", "debian12-proc-self-maps.out")) ==
          "linux.proc_pid_maps");
    CHECK(chosen_parser(root + "network/proc_net_arp.txt",
                        golden("proc_net_arp", "debian12-proc-net-arp.out")) ==
          "linux.proc_net_arp");
    CHECK(chosen_parser("uac-web01-linux-20261127170000/[root]/etc/sudoers",
                        golden("sudoers", "debian12-etc-sudoers.out")) == "linux.sudoers");
    CHECK(chosen_parser("uac-web01-linux-20261127170000/[root]/etc/sudoers.d/backup",
                        "backup ALL=(ALL) NOPASSWD: /usr/bin/rsync\n") == "linux.sudoers");
}

TEST_CASE("linux ext lx: content alone is enough, renamed files are recognised", "[linux]") {
    CHECK(chosen_parser("out1.txt", golden("package_verify", "debian12-rpm_-V_-a.out")) ==
          "linux.package_verify");
    CHECK(chosen_parser("out2.txt", golden("rpm_qa", "centos-7.7-rpm-qa-derived.out")) ==
          "linux.rpm_qa");
    CHECK(chosen_parser("out3.txt", golden("rpm_qi", "centos-7.7-rpm-qai-first6.out")) ==
          "linux.rpm_qi");
    CHECK(chosen_parser("out4.txt", golden("proc_pid_status",
                                           "catscale-web01-20261127-1400-process-details.out")) ==
          "linux.proc_pid_status");
    CHECK(chosen_parser("out5.txt", golden("proc_pid_maps", "jc-linux-proc-pid_maps.out")) ==
          "linux.proc_pid_maps");
    CHECK(chosen_parser("out6.txt", golden("sudoers", "debian12-etc-sudoers.out")) ==
          "linux.sudoers");
    // A debsums list is bare paths: only its own stderr lines give it away.
    CHECK(chosen_parser("out7.txt",
                        golden("package_verify", "debian12-debsums_-c_nodejs-stderr.out")) ==
          "linux.package_verify");
}

TEST_CASE("linux ext lx: traps, other commands' outputs are not claimed", "[linux][traps]") {
    const std::vector<std::string> ours = {
        "linux.package_verify",   "linux.rpm_qa",       "linux.rpm_qi",   "linux.proc_pid_status",
        "linux.proc_pid_maps",    "linux.proc_net_arp", "linux.sudoers",  "linux.proc_pid_stat",
        "linux.proc_pid_cmdline", "linux.sudo_l",       "linux.proc_sys", "linux.modinfo"};
    auto not_ours = [&](std::string_view path, const std::string& text) {
        const std::string p = chosen_parser(path, text);
        INFO(path << " -> " << p);
        CHECK(std::find(ours.begin(), ours.end(), p) == ours.end());
    };
    // find's path list without debsums' name or lines.
    not_ours("triage/suid.txt", "/usr/bin/passwd\n/usr/bin/su\n/usr/bin/sudo\n");
    not_ours("triage/out.txt", "/usr/bin/passwd\n/usr/bin/su\n/usr/bin/sudo\n");
    // Host names and dashed words are no package list.
    not_ours("triage/hostname.txt", "ip-10-0-1-5.ec2.internal\n");
    not_ours("triage/out.txt", "web-01-prod\ndb-02-prod\n");
    // pip freeze / pip list.
    not_ours("triage/pip_freeze.txt", "requests==2.31.0\nurllib3==2.0.7\n");
    // hostnamectl, timedatectl: "Key: value" without Pid/PPid.
    not_ours("triage/out.txt",
             " Static hostname: web01\n      Machine ID: 2b7c\n Operating System: Debian\n");
    // crontab with a user field and variables.
    not_ours("triage/out.txt",
             "SHELL=/bin/sh\nPATH=/usr/bin\n17 * * * * root cd / && run-parts --report "
             "/etc/cron.hourly\n");
    // env output.
    not_ours("triage/out.txt", "HOME=/root\nPATH=/usr/bin\nLANG=C.UTF-8\n");
    // `arp -n` table.
    not_ours("triage/out.txt",
             "Address                  HWtype  HWaddress           Flags Mask            Iface\n"
             "10.0.2.2                 ether   52:54:00:12:35:02   C                     eth0\n");
    // ls -l rows.
    not_ours("triage/out.txt",
             "total 8\n-rw-r--r-- 1 root root 3 Nov 27 10:00 a\n-rwxr-xr-x 1 root root 3 Nov 27 "
             "10:00 b\n");
    // `ps -o pid,comm,state`-like rows are no /proc/<pid>/stat.
    not_ours("triage/out.txt", "1 (systemd) S\n2 (kthreadd) S\n");
    // A file called cmdline or comm outside /proc is anyone's.
    not_ours("notes/cmdline.txt", "use --verbose to see more\n");
    not_ours("triage/comm.txt", "sshd\n");
}

TEST_CASE("linux ext lx: rpm -Va names what changed in a package", "[linux]") {
    const auto rs =
        run("linux.package_verify", golden("package_verify", "crafted-rpm-Va-rootkit.out"),
            "packages/rpm_-V_-a.txt");
    const auto b = bodies(rs, "linux.package_verify");
    REQUIRE(b.size() == 9);
    CHECK(errors(rs) == 1);  // "garbage line here"
    const json& sshd = b[0]["linux"]["package_verify"];
    CHECK(sshd["path"] == "/usr/sbin/sshd");
    CHECK(sshd["changes"] == json::array({"size", "digest", "mtime"}));
    CHECK(sshd["tool"] == "rpm");
    CHECK(b[0]["file"]["path"] == "/usr/sbin/sshd");
    CHECK(b[1]["linux"]["package_verify"]["changes"] == json::array({"mode"}));
    CHECK(b[2]["linux"]["package_verify"]["config"] == true);
    CHECK(b[3]["linux"]["package_verify"]["missing"] == true);
    CHECK(b[3]["linux"]["package_verify"]["changes"] == json::array());
    CHECK(b[4]["linux"]["package_verify"]["changes"] == json::array({"capabilities"}));
    const json& doc = b[5]["linux"]["package_verify"];
    CHECK(doc["path"] == "/usr/share/doc/openssh/README with space");
    CHECK(doc["attribute"] == "doc");
    CHECK(doc["unchecked"] == json::array({"digest"}));
    // rpm 4.4's eight columns.
    CHECK(b[6]["linux"]["package_verify"]["changes"] ==
          json::array({"size", "mode", "digest", "user", "group", "mtime"}));
    CHECK(b[7]["linux"]["package_verify"].contains("error"));
    const json& dep = b[8]["linux"]["package_verify"];
    CHECK(dep["unsatisfied_dependency"] ==
          "libcrypto.so.3()(64bit) is needed by (installed) openssh-server-8.7p1-34.el9.x86_64");
    CHECK(dep["package"] == "openssh-server-8.7p1-34.el9.x86_64");
}

TEST_CASE("linux ext lx: dpkg -V and debsums -c", "[linux]") {
    const auto d =
        bodies(run("linux.package_verify", golden("package_verify", "debian12-dpkg_-V.out"),
                   "packages/dpkg_-V.txt"),
               "linux.package_verify");
    REQUIRE(d.size() == 40);
    CHECK(d[0]["linux"]["package_verify"]["missing"] == true);
    CHECK(d[0]["linux"]["package_verify"]["config"] == true);
    CHECK(d[0]["linux"]["package_verify"]["tool"] == "dpkg");
    // dpkg checks only the digest: the other columns are '?'.
    CHECK(d[2]["linux"]["package_verify"]["changes"] == json::array({"digest"}));
    CHECK(d[2]["linux"]["package_verify"]["unchecked"].size() == 8);
    // UAC keeps stderr apart: stdout is the changed files only.
    const auto c =
        bodies(run("linux.package_verify", golden("package_verify", "debian12-debsums_-c.out"),
                   "packages/debsums_-c.txt"),
               "linux.package_verify");
    REQUIRE(c.size() == 40);
    for (const auto& b : c) {
        CHECK(b["linux"]["package_verify"]["changes"] == json::array({"digest"}));
        CHECK(b["linux"]["package_verify"]["tool"] == "debsums");
    }
    // With 2>&1 debsums names the missing file's package.
    const auto s = bodies(
        run("linux.package_verify",
            golden("package_verify", "debian12-debsums_-c_nodejs-stderr.out"), "debsums.txt"),
        "linux.package_verify");
    REQUIRE(s.size() == 12);
    bool saw_missing = false;
    for (const auto& b : s) {
        const json& v = b["linux"]["package_verify"];
        CHECK(v["tool"] == "debsums");
        if (v.value("missing", false)) {
            saw_missing = true;
            CHECK(v["path"] == "/usr/lib/node_modules/npm/.npmrc");
            CHECK(b["package"]["name"] == "nodejs");
        }
    }
    CHECK(saw_missing);
}

TEST_CASE("linux ext lx: rpm -qa splits name, version, release, arch", "[linux]") {
    const auto b =
        bodies(run("linux.rpm_qa", golden("rpm_qa", "crafted-rpm-qa-names.out")), "linux.rpm_qa");
    REQUIRE(b.size() == 6);
    CHECK(b[0]["package"]["name"] == "kernel");
    CHECK(b[0]["package"]["version"] == "5.14.0-362.8.1.el9_3");
    CHECK(b[1]["linux"]["rpm_qa"]["name"] == "python3-dnf-plugins-core");
    CHECK(b[1]["linux"]["rpm_qa"]["architecture"] == "noarch");
    CHECK(b[2]["linux"]["rpm_qa"]["name"] == "gpg-pubkey");
    CHECK(!b[2]["linux"]["rpm_qa"].contains("architecture"));
    CHECK(b[5]["linux"]["rpm_qa"]["architecture"] == "(none)");
    const auto q = run("linux.rpm_qa", "1795798845~sshd-helper~1.2.3-4.el9\n");
    REQUIRE(q.size() == 1);
    CHECK(q[0].timestamp == "2026-11-27T17:00:45.000Z");
    CHECK(q[0].body["package"]["installed"] == "2026-11-27T17:00:45.000Z");
    CHECK(q[0].body["linux"]["rpm_qa"]["release"] == "4.el9");
}

TEST_CASE("linux ext lx: dnf history userinstalled is a package list under a title", "[linux]") {
    // dnf 4 on Rocky 9: `dnf history userinstalled`, saved by UAC as
    // packages/dnf_history_userinstalled.txt.
    const std::string text =
        "Packages installed by user\n"
        "kernel-5.14.0-362.8.1.el9_3.x86_64\n"
        "openssh-server-8.7p1-34.el9.x86_64\n"
        "socat-1.7.4.1-5.el9.x86_64\n"
        "tmux-3.2a-5.el9.x86_64\n";
    const std::string member =
        "uac-web01-linux-20261127190000/live_response/packages/dnf_history_userinstalled.txt";
    CHECK(evidenced::testing::chosen_parser(member, text) == "linux.rpm_qa");
    CHECK(evidenced::testing::chosen_parser("x/out.txt", text) == "linux.rpm_qa");
    const auto rs = run("linux.rpm_qa", text, member);
    const auto b = bodies(rs, "linux.rpm_qa");
    REQUIRE(rs.size() == 4);
    REQUIRE(b.size() == 4);
    CHECK(b[2]["package"]["name"] == "socat");
    CHECK(b[2]["linux"]["rpm_qa"]["architecture"] == "x86_64");
}

TEST_CASE("linux ext lx: rpm -qi blocks, jc's names, install time in UTC", "[linux]") {
    const auto b = bodies(run("linux.rpm_qi", golden("rpm_qi", "centos-7.7-rpm-qi-package.out")),
                          "linux.rpm_qi");
    REQUIRE(b.size() == 1);
    const json& m = b[0]["linux"]["rpm_qi"];
    // jc 1.25.5's centos-7.7 rpm-qi-package.json, field by field (its *_epoch fields aside).
    CHECK(m["name"] == "make");
    CHECK(m["epoch"] == 1);
    CHECK(m["size"] == 1160660);
    CHECK(m["source_rpm"] == "make-3.82-24.el7.src.rpm");
    CHECK(m["build_host"] == "x86-01.bsys.centos.org");
    CHECK(m["relocations"] == "(not relocatable)");
    CHECK(m["description"].get<std::string>().starts_with(
        "A GNU tool for controlling the generation of executables and other non-source files"));
    CHECK(m["install_date_utc"] == "2019-10-16T16:21:42.000Z");  // 09:21:42 AM PDT
    CHECK(b[0]["package"]["installed"] == "2019-10-16T16:21:42.000Z");
    const auto all = bodies(run("linux.rpm_qi", golden("rpm_qi", "centos-7.7-rpm-qai-first6.out")),
                            "linux.rpm_qi");
    CHECK(all.size() == 6);
}

TEST_CASE("linux ext lx: /proc/PID/status, concatenated, with what stands out", "[linux]") {
    const auto b =
        bodies(run("linux.proc_pid_status",
                   golden("proc_pid_status", "catscale-web01-20261127-1400-process-details.out")),
               "linux.proc_pid_status");
    REQUIRE(b.size() == 2);
    CHECK(b[0]["process"]["name"] == "sshd");
    CHECK(b[0]["linux"]["proc_pid_status"]["notable"] == json::array({"traced"}));
    CHECK(b[1]["process"]["pid"] == 4242);
    CHECK(b[1]["process"]["parent"]["pid"] == 1);
    CHECK(b[1]["user"]["id"] == "1001");
    CHECK(b[1]["user"]["effective"]["id"] == "0");
    CHECK(b[1]["linux"]["proc_pid_status"]["notable"] ==
          json::array({"effective uid differs from real uid"}));
    // `head -n 100 /proc/*/status`: the multi-command splitter hands each part over.
    const std::string status = golden("proc_pid_status", "debian12-proc-sleep-status.out");
    const auto h = run("linux.sections",
                       "==> /proc/1/status <==\n" + status + "\n==> /proc/2/status <==\n" + status,
                       "triage/head_proc_status.txt");
    CHECK(bodies(h, "linux.proc_pid_status").size() == 2);
    CHECK(errors(h) == 0);
    // jc 1.25.5's linux-proc pid_status.json, the fields it converts.
    const auto j = bodies(
        run("linux.proc_pid_status", golden("proc_pid_status", "jc-linux-proc-pid_status.out")),
        "linux.proc_pid_status");
    REQUIRE(j.size() == 1);
    const json& s = j[0]["linux"]["proc_pid_status"];
    CHECK(s["Uid"] == json::array({0, 0, 0, 0}));
    CHECK(s["VmPeak"] == 235380);
    CHECK(s["Umask"] == "0000");
    CHECK(s["SigPnd"] == "0000000000000000");
    CHECK(s["State"] == "S");
    CHECK(s["State_pretty"] == "sleeping");
    CHECK(s["SigQ_limit"] == 15245);
    CHECK(s["Cpus_allowed"] == json::array({"ffffffff", "ffffffff", "ffffffff", "ffffffff"}));
    CHECK(s["Speculation_Store_Bypass"] == "thread vulnerable");
}

TEST_CASE("linux ext lx: /proc/PID/maps flags injected code", "[linux]") {
    const auto rs = run("linux.proc_pid_maps", golden("proc_pid_maps", "crafted-maps-injected.out"),
                        "live_response/process/proc/4242/maps.txt");
    const auto b = bodies(rs, "linux.proc_pid_maps");
    REQUIRE(b.size() == 9);
    CHECK(errors(rs) == 1);
    CHECK(b[0]["process"]["pid"] == 4242);
    CHECK(!b[1]["linux"]["proc_pid_maps"].contains("notable"));
    CHECK(b[2]["linux"]["proc_pid_maps"]["notable"] ==
          json::array({"writable and executable", "executable anonymous memory"}));
    CHECK(b[3]["linux"]["proc_pid_maps"]["notable"] ==
          json::array({"code from a deleted file", "memfd mapping"}));
    CHECK(b[4]["file"]["path"] == "/tmp/.X11-unix/.libx.so");
    CHECK(b[5]["linux"]["proc_pid_maps"]["pathname"] == "/dev/shm/.cache/lib64 with space.so");
    CHECK(b[5]["linux"]["proc_pid_maps"]["notable"] ==
          json::array({"code from a temporary directory"}));
    CHECK(!b[7]["linux"]["proc_pid_maps"].contains("notable"));  // [vdso]
    CHECK(b[0]["linux"]["proc_pid_maps"]["perms"] == json::array({"read", "private"}));
}

TEST_CASE("linux ext lx: /proc/net/arp flags", "[linux]") {
    const auto rs =
        run("linux.proc_net_arp", golden("proc_net_arp", "crafted-proc-net-arp-flags.out"));
    const auto b = bodies(rs, "linux.proc_net_arp");
    REQUIRE(b.size() == 3);
    CHECK(errors(rs) == 1);
    CHECK(b[0]["linux"]["proc_net_arp"]["permanent"] == true);
    CHECK(b[1]["linux"]["proc_net_arp"]["complete"] == false);
    CHECK(b[2]["linux"]["proc_net_arp"]["published"] == true);
    CHECK(b[0]["related"]["ip"] == json::array({"10.0.0.1"}));
}

TEST_CASE("linux ext lx: sudoers rules, aliases, defaults, includes", "[linux]") {
    const auto rs = run("linux.sudoers", golden("sudoers", "crafted-sudoers.d-backup.out"),
                        "[root]/etc/sudoers.d/backup");
    const auto b = bodies(rs, "linux.sudoers");
    CHECK(errors(rs) == 1);
    REQUIRE(b.size() == 12);
    const json& cmnd = b[1]["linux"]["sudoers"];
    CHECK(cmnd["alias_type"] == "Cmnd_Alias");
    CHECK(cmnd["members"] == json::array({"/usr/bin/rsync", "/bin/tar", "/usr/bin/scp"}));
    CHECK(b[3]["linux"]["sudoers"]["notable"] == json::array({"!authenticate"}));
    CHECK(b[3]["linux"]["sudoers"]["scope"] == ":OPERATORS");
    // "OPERATORS WEB = (root) NOPASSWD: BACKUP : DB = (postgres) ALL": two host groups.
    const json& g1 = b[6]["linux"]["sudoers"];
    CHECK(g1["hosts"] == json::array({"WEB"}));
    CHECK(g1["runas"] == "root");
    CHECK(g1["tags"] == json::array({"NOPASSWD"}));
    CHECK(g1["commands"] == json::array({"BACKUP"}));
    const json& g2 = b[7]["linux"]["sudoers"];
    CHECK(g2["hosts"] == json::array({"DB"}));
    CHECK(g2["runas"] == "postgres");
    CHECK(g2["commands"] == json::array({"ALL"}));
    const json& www = b[8]["linux"]["sudoers"];
    CHECK(www["users"] == json::array({"www-data"}));
    CHECK(www["commands"] == json::array({"ALL"}));
    CHECK(www["notable"] == json::array({"NOPASSWD", "ALL commands", "non-default principal"}));
    CHECK(b[8]["user"]["name"] == "www-data");
    CHECK(b[9]["linux"]["sudoers"]["tags"] == json::array({"NOPASSWD", "NOEXEC"}));
    CHECK(b[9]["linux"]["sudoers"]["commands"] ==
          json::array({"/usr/bin/systemctl restart nginx"}));
    CHECK(b[10]["linux"]["sudoers"]["type"] == "include");
    CHECK(b[11]["linux"]["sudoers"]["path"] == "/etc/sudoers.local");
    // Debian's stock file: root and %sudo get ALL without being flagged.
    const auto d = bodies(run("linux.sudoers", golden("sudoers", "debian12-etc-sudoers.out")),
                          "linux.sudoers");
    for (const auto& x : d) {
        CHECK(!x["linux"]["sudoers"].contains("notable"));
    }
}

TEST_CASE("linux ext lx: damaged input gives error records, never a crash", "[linux]") {
    for (std::string_view p :
         {"linux.package_verify", "linux.rpm_qa", "linux.rpm_qi", "linux.proc_pid_status",
          "linux.proc_pid_maps", "linux.proc_net_arp", "linux.sudoers", "linux.proc_pid_stat",
          "linux.sudo_l", "linux.modinfo"}) {
        INFO(p);
        const auto rs = run(p, std::string("\x01\x02 binary\xff\n\n:::\n"));
        CHECK(errors(rs) >= 1);
        CHECK(run(p, "").size() <= 1);
    }
}

TEST_CASE("linux ext lx: /proc/PID/stat with jc's names and the start time", "[linux]") {
    const auto j =
        bodies(run("linux.proc_pid_stat", golden("proc_pid_stat", "jc-linux-proc-pid_stat.out")),
               "linux.proc_pid_stat");
    REQUIRE(j.size() == 1);
    // jc 1.25.5's linux-proc pid_stat.json.
    const json& s = j[0]["linux"]["proc_pid_stat"];
    CHECK(s["pid"] == 1);
    CHECK(s["comm"] == "systemd");
    CHECK(s["tpg_id"] == -1);
    CHECK(s["rsslim"] == 18446744073709551615ull);
    CHECK(s["env_end"] == 140725059846125ull);
    CHECK(s["exit_code"] == 0);
    CHECK(s["state_pretty"] == "Sleeping in an interruptible wait");
    const auto nl =
        bodies(run("linux.proc_pid_stat",
                   golden("proc_pid_stat", "jc-linux-proc-pid_stat_w_space_and_nl_in_comm.out")),
               "linux.proc_pid_stat");
    REQUIRE(nl.size() == 1);
    CHECK(nl[0]["process"]["name"] == "my file with\nsp");
    CHECK(nl[0]["process"]["parent"]["pid"] == 1888);
    const auto several =
        run("linux.proc_pid_stat", golden("proc_pid_stat", "debian12-cat-proc-stat-several.out"));
    CHECK(bodies(several, "linux.proc_pid_stat").size() == 2);
    CHECK(errors(several) == 1);
    // With the collection's boot time, starttime (clock ticks since boot) becomes an instant.
    const evidenced::parsers::UploadFacts facts = {{"linux.boot_time", "2026-11-27T00:00:00.000Z"}};
    const auto t =
        run_parser("linux.proc_pid_stat", golden("proc_pid_stat", "jc-linux-proc-pid_stat.out"),
                   "process/proc/1/stat.txt", &facts, kNow);
    REQUIRE(t.size() == 1);
    CHECK(t[0].body["process"]["start"] == "2026-11-27T00:00:01.280Z");  // 128 ticks
}

TEST_CASE("linux ext lx: /proc/PID/cmdline and comm", "[linux]") {
    const std::string root = "uac-web01-linux-20261127170000/live_response/process/proc/4242/";
    const std::string raw = std::string("/usr/sbin/sshd\0-D\0-o\0Port 2222\0", 32);
    CHECK(chosen_parser(root + "cmdline.txt", raw) == "linux.proc_pid_cmdline");
    const auto c = run("linux.proc_pid_cmdline", raw, root + "cmdline.txt");
    REQUIRE(c.size() == 1);
    CHECK(c[0].body["process"]["pid"] == 4242);
    CHECK(c[0].body["process"]["name"] == "sshd");
    CHECK(c[0].body["process"]["args"] == json::array({"/usr/sbin/sshd", "-D", "-o", "Port 2222"}));
    CHECK(c[0].body["process"]["command_line"] == "/usr/sbin/sshd -D -o Port 2222");
    // `strings` output: one argument per line, the same record.
    const auto s =
        run("linux.proc_pid_cmdline", "/usr/sbin/sshd\n-D\n-o\nPort 2222\n", root + "cmdline.txt");
    REQUIRE(s.size() == 1);
    CHECK(s[0].body["process"]["args"] == c[0].body["process"]["args"]);
    // A disguised name stays as printed.
    const auto k =
        run("linux.proc_pid_cmdline", std::string("[kworker/0:1]\0", 14), root + "cmdline.txt");
    CHECK(k[0].body["process"]["name"] == "[kworker/0:1]");
    const auto e = run("linux.proc_pid_cmdline", "", root + "cmdline.txt");
    REQUIRE(e.size() == 1);
    CHECK(e[0].body["linux"]["proc_pid_cmdline"]["empty"] == true);
    const auto m = run("linux.proc_pid_cmdline", "sshd\n", root + "comm.txt");
    REQUIRE(m.size() == 1);
    CHECK(m[0].body["process"]["name"] == "sshd");
    CHECK(chosen_parser(root + "comm.txt", "sshd\n") == "linux.proc_pid_cmdline");
    // linux.sections names a `==> /proc/7/cmdline <==` part proc_7_cmdline.txt.
    CHECK(chosen_parser("proc_7_cmdline.txt", raw) == "linux.proc_pid_cmdline");
}

TEST_CASE("linux ext lx: sudo -l rules, defaults and refusals", "[linux]") {
    CHECK(chosen_parser("uac-web01-linux-20261127170000/live_response/system/sudo_-l.txt",
                        golden("sudo_l", "debian12-sudo_-l.out")) == "linux.sudo_l");
    CHECK(chosen_parser("out.txt", golden("sudo_l", "crafted-sudo_-l-U-www-data.out")) ==
          "linux.sudo_l");
    const auto d =
        bodies(run("linux.sudo_l", golden("sudo_l", "debian12-sudo_-l.out")), "linux.sudo_l");
    REQUIRE(d.size() == 2);
    CHECK(d[0]["linux"]["sudo_l"]["settings"] ==
          json::array({"env_reset", "mail_badpass",
                       "secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/"
                       "sbin\\:/bin",
                       "use_pty"}));
    CHECK(d[1]["linux"]["sudo_l"]["runas"] == "ALL : ALL");
    CHECK(!d[1]["linux"]["sudo_l"].contains("notable"));  // root may run ALL: expected
    const auto rs = run("linux.sudo_l", golden("sudo_l", "crafted-sudo_-l-U-www-data.out"));
    CHECK(errors(rs) == 0);
    const auto b = bodies(rs, "linux.sudo_l");
    REQUIRE(b.size() == 6);
    CHECK(b[1]["linux"]["sudo_l"]["type"] == "runas_defaults");
    const json& all = b[2]["linux"]["sudo_l"];
    CHECK(all["user"] == "www-data");
    CHECK(all["host"] == "web01");
    CHECK(all["notable"] == json::array({"NOPASSWD", "ALL commands"}));
    CHECK(b[2]["user"]["name"] == "www-data");
    CHECK(b[3]["linux"]["sudo_l"]["tags"] == json::array({"NOPASSWD", "SETENV"}));
    CHECK(b[3]["linux"]["sudo_l"]["commands"] ==
          json::array({"/usr/bin/vim /etc/nginx/nginx.conf", "/usr/bin/systemctl restart nginx"}));
    CHECK(b[4]["linux"]["sudo_l"]["runas"] == "postgres : postgres");
    CHECK(b[5]["linux"]["sudo_l"]["type"] == "denied");
    CHECK(b[5]["linux"]["sudo_l"]["user"] == "bob");
}

TEST_CASE("linux ext lx: /proc/sys values by path, core_pattern and tainted explained", "[linux]") {
    const std::string sys = "uac-web01-linux-20261127170000/live_response/system/";
    CHECK(chosen_parser(sys + "core_pattern.txt", "|/tmp/.x/collect %p\n") == "linux.proc_sys");
    CHECK(chosen_parser(sys + "cat_proc_sys_kernel_tainted.txt", "12288\n") == "linux.proc_sys");
    CHECK(chosen_parser("uac-web01/[root]/proc/sys/kernel/randomize_va_space", "0\n") ==
          "linux.proc_sys");
    // A number in a file without such a name is nobody's.
    CHECK(chosen_parser("triage/out.txt", "12288\n") != "linux.proc_sys");
    const auto c = run("linux.proc_sys", "|/tmp/.x/collect %p\n", sys + "core_pattern.txt");
    REQUIRE(c.size() == 1);
    const json& cp = c[0].body["linux"]["proc_sys"];
    CHECK(cp["name"] == "kernel.core_pattern");
    CHECK(cp["path"] == "/proc/sys/kernel/core_pattern");
    CHECK(cp["pipe_program"] == "/tmp/.x/collect");
    CHECK(cp["notable"] == json::array({"core dumps piped to a program"}));
    const auto sd =
        run("linux.proc_sys", golden("proc_sys", "ubuntu-systemd-proc_sys_kernel_core_pattern.out"),
            sys + "core_pattern.txt");
    CHECK(sd[0].body["linux"]["proc_sys"]["pipe_program"] == "/usr/lib/systemd/systemd-coredump");
    CHECK(!sd[0].body["linux"]["proc_sys"].contains("notable"));
    const auto t = run("linux.proc_sys", "12289\n", sys + "cat_proc_sys_kernel_tainted.txt");
    REQUIRE(t.size() == 1);
    const json& tn = t[0].body["linux"]["proc_sys"];
    CHECK(tn["name"] == "kernel.tainted");
    REQUIRE(tn["taint_flags"].size() == 3);  // 12289 = P (1) + O (4096) + E (8192)
    CHECK(tn["taint_flags"][0]["letter"] == "P");
    CHECK(tn["taint_flags"][1]["letter"] == "O");
    CHECK(tn["taint_flags"][2]["letter"] == "E");
    CHECK(tn["notable"] == json::array({"out-of-tree module loaded", "unsigned module loaded"}));
    const auto z = run("linux.proc_sys", "0\n", sys + "cat_proc_sys_kernel_tainted.txt");
    CHECK(z[0].body["linux"]["proc_sys"]["taint_flags"] == json::array());
    CHECK(!z[0].body["linux"]["proc_sys"].contains("notable"));
}

TEST_CASE("linux ext lx: modinfo blocks, lists and what a rootkit hunt looks for", "[linux]") {
    CHECK(chosen_parser(
              "uac-web01-linux-20261127170000/live_response/system/modinfo/modinfo_ext4.txt",
              golden("modinfo", "handwritten-debian12-modinfo_ext4.out")) == "linux.modinfo");
    const auto e =
        bodies(run("linux.modinfo", golden("modinfo", "handwritten-debian12-modinfo_ext4.out")),
               "linux.modinfo");
    REQUIRE(e.size() == 1);
    const json& x = e[0]["linux"]["modinfo"];
    CHECK(x["alias"] == json::array({"fs-ext4", "ext3", "fs-ext3", "ext2", "fs-ext2"}));
    CHECK(x["depends"] == json::array({"mbcache", "crc16", "jbd2"}));
    CHECK(x["signer"] == "Debian Secure Boot CA");
    CHECK(
        x["signature"].get<std::string>().starts_with("7B:4A:2C:19:0E:55:8D:21:93:AF:6C:02:DD:41:"
                                                      "58:E0:17:B3:9A:64:C8:0F"));
    CHECK(!x.contains("notable"));
    CHECK(e[0]["file"]["path"] == "/lib/modules/6.1.0-27-amd64/kernel/fs/ext4/ext4.ko");
    const auto rs = run("linux.modinfo", golden("modinfo", "crafted-modinfo-rootkit.out"));
    CHECK(errors(rs) == 1);  // modinfo: ERROR: Module vboxdrv not found.
    const auto b = bodies(rs, "linux.modinfo");
    REQUIRE(b.size() == 3);
    CHECK(b[0]["linux"]["modinfo"]["notable"] ==
          json::array(
              {"out-of-tree module", "unsigned module", "module file outside the modules tree"}));
    CHECK(b[0]["linux"]["modinfo"]["depends"] == json::array());
    const json& nv = b[1]["linux"]["modinfo"];
    CHECK(nv["firmware"].size() == 2);
    CHECK(nv["parm"][0]["name"] == "NvSwitchRegDwords");
    CHECK(nv["parm"][0]["description"] == "NvSwitch regkey (charp)");
    CHECK(nv["notable"] ==
          json::array({"out-of-tree module", "unsigned module", "proprietary license"}));
    CHECK(!b[2]["linux"]["modinfo"].contains("notable"));  // (builtin)
}

TEST_CASE("linux ext lx: hand-saved variants (CRLF, a prompt line) parse the same", "[linux]") {
    // Every golden of the text formats, saved with CRLF line ends and behind the prompt
    // line of the shell it was typed in, gives the same records as the plain file.
    for (const std::string command :
         {"package_verify", "rpm_qa", "rpm_qi", "proc_pid_status", "proc_pid_maps", "proc_net_arp",
          "sudoers", "proc_pid_stat", "sudo_l", "modinfo"}) {
        for (const auto& in : linux_golden_inputs(command)) {
            INFO(in);
            const std::string plain = slurp(in);
            std::string crlf = "root@web01:~# cat out.txt\r\n";
            for (char c : plain) {
                if (c == '\n') {
                    crlf.push_back('\r');
                }
                crlf.push_back(c);
            }
            const auto a = run("linux." + command, plain);
            const auto b = run("linux." + command, crlf);
            CHECK(bodies(a, "linux." + command).size() == bodies(b, "linux." + command).size());
            CHECK(chosen_parser("triage/" + fs::path(in).filename().string(), crlf) ==
                  "linux." + command);
        }
    }
}
