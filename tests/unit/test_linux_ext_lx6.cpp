// Linux parsers of helper-lx6: package inventories (linux.snap_list, linux.flatpak_list,
// linux.yum_list, linux.dnf_history, linux.npm_list, linux.apk_info), LVM (linux.pvs, vgs,
// lvs, pvdisplay, vgdisplay, lvdisplay), linux.proc_mdstat, ZFS (linux.zpool_status,
// zpool_list, zfs_list) and NFS (linux.showmount, linux.nfsstat).  Golden files under
// tests/golden/linux/<command>/ (this machine's npm, crafted samples in the tools' layout:
// tests/fixtures/linux/ext-lx6/ORIGINS.md) render as expected and are recognised by name and
// content; the facts an analyst needs are checked one by one; outputs other parsers already
// handle (rpm --queryformat, findmnt --ascii, ls -l /dev/disk/by-*) are checked where they
// land; a neighbour's look-alike output is not claimed, and garbage never throws.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/linux/common.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

using evidenced::testing::chosen_parser;
using evidenced::testing::Collected;
using evidenced::testing::run_parser;
using evidenced::testing::slurp;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {
    "snap_list",   "flatpak_list", "yum_list",   "dnf_history", "npm_list",  "apk_info",
    "pvs",         "vgs",          "lvs",        "pvdisplay",   "vgdisplay", "lvdisplay",
    "proc_mdstat", "zpool_status", "zpool_list", "zfs_list",    "showmount", "nfsstat"};

constexpr std::string_view kNow = "2026-11-27T20:00:00.000Z";
const std::string kUac = "uac-web01-linux-20261127200000/";

std::vector<Collected> run(std::string_view parser,
                           const std::string& text,
                           std::string_view member = "triage/out.txt",
                           const evidenced::parsers::UploadFacts* facts = nullptr) {
    return run_parser(parser, text, member, facts, kNow);
}

std::string golden(std::string_view command, std::string_view name) {
    return evidenced::testing::linux_golden_text(command, name);
}

std::string fixture(const std::string& name) {
    return slurp(std::string(EVIDENCED_FIXTURES) + "/linux/ext-lx6/" + name);
}

std::vector<json> bodies(const std::vector<Collected>& rs, std::string_view dataset) {
    return evidenced::testing::bodies_of(rs, dataset);
}

}  // namespace

TEST_CASE("linux ext lx6 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 1) >= 29);
}

TEST_CASE("linux ext lx6 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

// ---- snap ----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: snap list, the snaps an analyst looks at", "[linux]") {
    const auto rs = run("linux.snap_list", golden("snap_list", "crafted-ubuntu22-snap_list.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.snap_list");
    REQUIRE(b.size() == 9);
    const json& fx = b[3]["linux"]["snap_list"];
    CHECK(fx["name"] == "firefox");
    CHECK(fx["version"] == "120.0.1-1");
    CHECK(fx["rev"] == "3504");
    CHECK(fx["tracking"] == "latest/stable/\u2026");
    CHECK(fx["publisher"] == "mozilla");  // the verified mark is a flag, not the name
    CHECK(fx["publisher_verified"] == true);
    CHECK_FALSE(fx.contains("notes"));
    CHECK(b[3]["package"]["name"] == "firefox");
    CHECK(b[3]["package"]["type"] == "snap");
    // A side-loaded (--dangerous) devmode snap: revision x1, no channel, no publisher.
    const json& local = b[6]["linux"]["snap_list"];
    CHECK(local["name"] == "sysmon-agent");
    CHECK(local["rev"] == "x1");
    CHECK_FALSE(local.contains("tracking"));
    CHECK_FALSE(local.contains("publisher"));
    CHECK(local["notes"] == json::array({"devmode"}));
    CHECK(rs[6].position == 8);
    const json& nd = b[7]["linux"]["snap_list"];
    CHECK(nd["publisher"] == "davidb");
    CHECK(nd["publisher_verified"] == false);
    CHECK(nd["notes"] == json::array({"classic"}));

    const auto all =
        bodies(run("linux.snap_list", golden("snap_list", "crafted-ubuntu22-snap_list_--all.out")),
               "linux.snap_list");
    REQUIRE(all.size() == 7);
    CHECK(all[1]["linux"]["snap_list"]["disabled"] == true);
    CHECK(all[1]["linux"]["snap_list"]["notes"] == json::array({"base", "disabled"}));
    CHECK(all[2]["linux"]["snap_list"]["disabled"] == false);

    // snapd before 2.36: "Developer", no Tracking, "**" for a verified account.
    const auto old =
        bodies(run("linux.snap_list", golden("snap_list", "crafted-ubuntu16-snap_list.out")),
               "linux.snap_list");
    REQUIRE(old.size() == 3);
    CHECK(old[2]["linux"]["snap_list"]["publisher"] == "canonical");
    CHECK(old[2]["linux"]["snap_list"]["publisher_verified"] == true);
    CHECK_FALSE(old[2]["linux"]["snap_list"].contains("tracking"));
}

TEST_CASE("linux ext lx6: snap list by UAC name and content; nothing installed", "[linux]") {
    const std::string text = golden("snap_list", "crafted-ubuntu22-snap_list.out");
    CHECK(chosen_parser(kUac + "live_response/packages/snap_list.txt", text) == "linux.snap_list");
    CHECK(chosen_parser("renamed.bin", text) == "linux.snap_list");
    const std::string none = "No snaps are installed yet. Try 'snap install hello-world'.\n";
    CHECK(chosen_parser(kUac + "live_response/packages/snap_list_--all.txt", none) ==
          "linux.snap_list");
    const auto rs = run("linux.snap_list", none);
    CHECK(rs.empty());
}

// ---- flatpak -------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: flatpak list in its three layouts", "[linux]") {
    const auto rs =
        run("linux.flatpak_list", golden("flatpak_list", "crafted-fedora38-flatpak_list.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.flatpak_list");
    REQUIRE(b.size() == 5);
    const json& any = b[4]["linux"]["flatpak_list"];
    CHECK(any["name"] == "AnyDesk");
    CHECK(any["application"] == "com.anydesk.Anydesk");
    CHECK(any["version"] == "6.3.0");
    CHECK(any["branch"] == "stable");
    CHECK(any["installation"] == "user");
    CHECK(b[4]["package"]["name"] == "com.anydesk.Anydesk");
    // A name with spaces and no version (tab-separated: the empty cell stays in place).
    CHECK(b[2]["linux"]["flatpak_list"]["name"] == "GNOME Application Platform version 43");
    CHECK_FALSE(b[2]["linux"]["flatpak_list"].contains("version"));
    CHECK(b[2]["linux"]["flatpak_list"]["branch"] == "43");

    // The same table copied from a terminal: titled, padded with spaces.
    const auto t = bodies(
        run("linux.flatpak_list", golden("flatpak_list", "crafted-terminal-flatpak_list.out")),
        "linux.flatpak_list");
    REQUIRE(t.size() == 3);
    CHECK(t[1]["linux"]["flatpak_list"]["application"] == "org.gnome.Platform");
    CHECK_FALSE(t[1]["linux"]["flatpak_list"].contains("version"));
    CHECK(t[1]["linux"]["flatpak_list"]["branch"] == "43");
    CHECK(t[2]["linux"]["flatpak_list"]["installation"] == "user");

    // flatpak 1.0: Ref and Options.
    const auto c7 = bodies(
        run("linux.flatpak_list", golden("flatpak_list", "crafted-centos7-flatpak_list.out")),
        "linux.flatpak_list");
    REQUIRE(c7.size() == 3);
    CHECK(c7[2]["linux"]["flatpak_list"]["ref"] == "com.anydesk.Anydesk/x86_64/stable");
    CHECK(c7[2]["linux"]["flatpak_list"]["options"] == "user,current");
    CHECK(c7[2]["package"]["name"] == "com.anydesk.Anydesk");
}

TEST_CASE("linux ext lx6: flatpak list needs its name unless titled", "[linux]") {
    const std::string tabs = golden("flatpak_list", "crafted-fedora38-flatpak_list.out");
    CHECK(chosen_parser(kUac + "live_response/packages/flatpak_list.txt", tabs) ==
          "linux.flatpak_list");
    CHECK(chosen_parser("renamed.bin", tabs) != "linux.flatpak_list");
    CHECK(
        chosen_parser("renamed.bin", golden("flatpak_list", "crafted-terminal-flatpak_list.out")) ==
        "linux.flatpak_list");
}

// ---- yum / dnf -----------------------------------------------------------------------------

TEST_CASE("linux ext lx6: yum list installed, wrapped rows and local installs", "[linux]") {
    const auto rs =
        run("linux.yum_list", golden("yum_list", "crafted-centos7-yum_list_installed.out"));
    CHECK(bodies(rs, "evidenced.error").empty());  // the "Loaded plugins" preamble is skipped
    const auto b = bodies(rs, "linux.yum_list");
    REQUIRE(b.size() == 11);
    const json& nm = b[1]["linux"]["yum_list"];
    CHECK(nm["name"] == "NetworkManager");
    CHECK(nm["architecture"] == "x86_64");
    CHECK(nm["version"] == "1:1.18.8-2.el7_9");
    CHECK(nm["epoch"] == 1);
    CHECK(nm["release"] == "2.el7_9");
    CHECK(nm["repo"] == "@updates");
    CHECK(b[1]["package"]["version"] == "1.18.8-2.el7_9");
    CHECK(b[5]["linux"]["yum_list"]["name"] == "gpg-pubkey");
    // A name wider than its column: version and repo on the next line, one record.
    const json& wrapped = b[8]["linux"]["yum_list"];
    CHECK(wrapped["name"] == "python-backports-ssl_match_hostname");
    CHECK(wrapped["architecture"] == "noarch");
    CHECK(wrapped["version"] == "3.5.0.1-1.el7");
    CHECK(wrapped["repo"] == "@base");
    CHECK(rs[8].position == 16);
    CHECK(b[9]["linux"]["yum_list"]["repo"] == "installed");
    CHECK(b[10]["linux"]["yum_list"]["name"] == "xmrig");

    const auto d =
        bodies(run("linux.yum_list", golden("yum_list", "crafted-rocky9-dnf_list_installed.out")),
               "linux.yum_list");
    REQUIRE(d.size() == 10);
    CHECK(d[7]["linux"]["yum_list"]["name"] == "rootkit-hunter-helper");
    CHECK(d[7]["linux"]["yum_list"]["repo"] == "@commandline");
    CHECK(d[4]["linux"]["yum_list"]["epoch"] == 3);

    const auto bad = run("linux.yum_list", "Installed Packages\nbash.x86_64 5.1-2 @baseos\nzz\n");
    CHECK(bodies(bad, "linux.yum_list").size() == 1);
    CHECK(bodies(bad, "evidenced.error").size() == 1);
}

TEST_CASE("linux ext lx6: yum/dnf list by UAC name and content", "[linux]") {
    const std::string y = golden("yum_list", "crafted-centos7-yum_list_installed.out");
    const std::string d = golden("yum_list", "crafted-rocky9-dnf_list_installed.out");
    CHECK(chosen_parser(kUac + "live_response/packages/yum_list_installed.txt", y) ==
          "linux.yum_list");
    CHECK(chosen_parser(kUac + "live_response/packages/dnf_list_installed.txt", d) ==
          "linux.yum_list");
    CHECK(chosen_parser("renamed.bin", y) == "linux.yum_list");
    CHECK(chosen_parser("renamed.bin", d) == "linux.yum_list");
}

TEST_CASE("linux ext lx6: dnf history list, when and how packages came", "[linux]") {
    const auto rs =
        run("linux.dnf_history", golden("dnf_history", "crafted-rocky9-dnf_history_list.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.dnf_history");
    REQUIRE(b.size() == 6);
    const json& t6 = b[0]["linux"]["dnf_history"];
    CHECK(t6["id"] == 6);
    CHECK(t6["command_line"] == "install -y ./rootkit-hunter-helper-1.0-1.x86_64.rpm");
    CHECK(t6["date"] == "2026-11-27 03:14");
    CHECK(t6["actions"] == "Install");
    CHECK(t6["altered"] == 1);
    CHECK_FALSE(t6.contains("altered_flags"));
    CHECK(rs[0].timestamp == "2026-11-27T03:14:00.000Z");  // no `date`: read as UTC
    CHECK(b[2]["linux"]["dnf_history"]["altered_flags"] == "EE");
    CHECK(b[3]["linux"]["dnf_history"]["actions"] == "I, U");
    CHECK(b[3]["linux"]["dnf_history"]["altered"] == 34);
    CHECK(b[5]["linux"]["dnf_history"]["command_line"] == "");

    // The host's zone from the collection's `date`: CET, one hour east.
    const evidenced::parsers::UploadFacts facts = {
        {std::string(evidenced::parsers::linux_cmd::kFactDateUtc), "2026-11-27T19:00:00.000Z"},
        {std::string(evidenced::parsers::linux_cmd::kFactUtcOffset), "3600"}};
    const auto z =
        run("linux.dnf_history", golden("dnf_history", "crafted-rocky9-dnf_history_list.out"),
            "triage/dnf_history_list.txt", &facts);
    REQUIRE(!z.empty());
    CHECK(z[0].timestamp == "2026-11-27T02:14:00.000Z");

    // A command line holding '|' keeps it.
    const auto pipe = bodies(run("linux.dnf_history",
                                 "ID     | Command line             | Date and time    | "
                                 "Action(s)      | Altered\n"
                                 "-------------------------------------------------------\n"
                                 "     7 | install x|y              | 2026-11-27 04:00 | Install "
                                 "       |    1   \n"),
                             "linux.dnf_history");
    REQUIRE(pipe.size() == 1);
    CHECK(pipe[0]["linux"]["dnf_history"]["command_line"] == "install x|y");

    const auto y = bodies(
        run("linux.dnf_history", golden("dnf_history", "crafted-centos7-yum_history_list.out")),
        "linux.dnf_history");
    REQUIRE(y.size() == 4);  // yum's trailing "history list" is no transaction
    CHECK(y[0]["linux"]["dnf_history"]["login_user"] == "deploy <deploy>");
    CHECK_FALSE(y[0]["linux"]["dnf_history"].contains("command_line"));
}

TEST_CASE("linux ext lx6: dnf history is not shell history", "[linux]") {
    const std::string text = golden("dnf_history", "crafted-rocky9-dnf_history_list.out");
    // linux.history used to take it by the "history" in the name.
    CHECK(chosen_parser(kUac + "live_response/packages/dnf_history_list.txt", text) ==
          "linux.dnf_history");
    CHECK(chosen_parser("renamed.bin", text) == "linux.dnf_history");
    CHECK(chosen_parser(kUac + "[root]/root/.bash_history",
                        "dnf history list\nyum install -y nmap\n") != "linux.dnf_history");
}

// ---- npm -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: npm list, global and project trees", "[linux]") {
    const auto g =
        bodies(run("linux.npm_list", golden("npm_list", "debian12-npm_list_-g_--depth_0.out"),
                   "live_response/packages/npm_list_-g_--depth_0.txt"),
               "linux.npm_list");
    REQUIRE(g.size() == 2);
    CHECK(g[1]["linux"]["npm_list"]["name"] == "npm");
    CHECK(g[1]["linux"]["npm_list"]["version"] == "11.19.1");
    CHECK(g[1]["linux"]["npm_list"]["location"] == "/usr/lib");
    CHECK(g[1]["linux"]["npm_list"]["global"] == true);
    CHECK(g[1]["package"]["type"] == "npm");

    for (const char* name :
         {"debian12-npm_list_--depth_0-project.out", "debian12-npm_list_--depth_0-ascii.out"}) {
        INFO(name);
        const auto rs = run("linux.npm_list", golden("npm_list", name),
                            "live_response/packages/npm_list_--depth_0.txt");
        CHECK(bodies(rs, "evidenced.error").empty());  // "npm error ..." lines are stderr noise
        const auto b = bodies(rs, "linux.npm_list");
        REQUIRE(b.size() == 4);
        const json& scoped = b[0]["linux"]["npm_list"];
        CHECK(scoped["name"] == "@corp/sdk");
        CHECK(scoped["version"] == "3.1.0");
        CHECK(scoped["extraneous"] == true);
        CHECK(scoped["root_package"] == "webapp@2.4.1");
        CHECK(scoped["location"] == "/tmp/lx6/proj/app");
        CHECK(scoped["global"] == false);
        CHECK(scoped["depth"] == 0);
        const json& unmet = b[2]["linux"]["npm_list"];
        CHECK(unmet["name"] == "express");
        CHECK(unmet["unmet"] == true);
        CHECK(unmet["wanted"] == "^4.18.2");
        CHECK_FALSE(unmet.contains("version"));
        CHECK_FALSE(b[2]["package"].contains("version"));
        CHECK(b[3]["linux"]["npm_list"]["link_target"] == "./../libs/left-pad");
        CHECK(rs[3].position == 5);
    }

    const auto deep = bodies(run("linux.npm_list",
                                 "app@1.0.0 /srv/app\n"
                                 "\xe2\x94\x94\xe2\x94\x80\xe2\x94\xac express@4.18.2\n"
                                 "  \xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 body-parser@1.20.1 "
                                 "deduped\n"),
                             "linux.npm_list");
    REQUIRE(deep.size() == 2);
    CHECK(deep[1]["linux"]["npm_list"]["depth"] == 1);
    CHECK(deep[1]["linux"]["npm_list"]["deduped"] == true);
}

TEST_CASE("linux ext lx6: npm list by UAC name and content, not tree(1)", "[linux]") {
    const std::string text = golden("npm_list", "debian12-npm_list_--depth_0-project.out");
    CHECK(chosen_parser(kUac + "live_response/packages/npm_list_--depth_0.txt", text) ==
          "linux.npm_list");
    CHECK(chosen_parser("renamed.bin", text) == "linux.npm_list");
    const std::string tree =
        "/etc/ssh\n"
        "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 moduli\n"
        "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 ssh_config\n"
        "\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 sshd_config\n";
    CHECK(chosen_parser("triage/tree_etc.txt", tree) != "linux.npm_list");
}

// ---- apk -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: apk info -vv", "[linux]") {
    const auto rs = run("linux.apk_info", golden("apk_info", "crafted-alpine318-apk_info_-vv.out"));
    CHECK(bodies(rs, "evidenced.error").empty());  // the WARNING line is skipped
    const auto b = bodies(rs, "linux.apk_info");
    REQUIRE(b.size() == 17);
    const json& base = b[1]["linux"]["apk_info"];
    CHECK(base["name"] == "alpine-baselayout-data");
    CHECK(base["version"] == "3.4.3-r1");
    CHECK(base["release"] == "1");
    CHECK(base["description"] == "Alpine base dir structure and init scripts");
    const json& ssh = b[12]["linux"]["apk_info"];
    CHECK(ssh["name"] == "openssh-server");
    CHECK(ssh["version"] == "9.3_p2-r0");
    CHECK(b[14]["package"]["name"] == "socat");
    CHECK(b[14]["package"]["version"] == "1.7.4.4-r1");
    CHECK(b[6]["linux"]["apk_info"]["name"] == "ca-certificates-bundle");
    CHECK(rs[0].position == 2);
}

TEST_CASE("linux ext lx6: apk info by UAC name and content", "[linux]") {
    const std::string text = golden("apk_info", "crafted-alpine318-apk_info_-vv.out");
    CHECK(chosen_parser(kUac + "live_response/packages/apk_info_-vv.txt", text) ==
          "linux.apk_info");
    CHECK(chosen_parser("renamed.bin", text) == "linux.apk_info");
    // rpm -qa (no description) and pip freeze stay theirs.
    CHECK(chosen_parser("renamed.bin", "bash-5.1.8-6.el9.x86_64\nopenssl-3.0.7-24.el9.x86_64\n") !=
          "linux.apk_info");
    CHECK(chosen_parser("triage/pip_freeze.txt", "requests==2.31.0\nurllib3==2.0.7\n") ==
          "linux.pip_list");
}

// ---- rpm --queryformat (linux.rpm_qa's) ----------------------------------------------------

TEST_CASE("linux ext lx6: UAC's rpm --queryformat goes to rpm_qa with install times", "[linux]") {
    const std::string text =
        "1795760000~bash~5.1.8-6.el9\n1795750845~rootkit-hunter-helper~1.0-1\n";
    const std::string name = kUac +
                             "live_response/packages/"
                             "rpm_-q_-a_--queryformat_installtime_name_version_release.txt";
    CHECK(chosen_parser(name, text) == "linux.rpm_qa");
    const auto rs = run("linux.rpm_qa", text, name);
    const auto b = bodies(rs, "linux.rpm_qa");
    REQUIRE(b.size() == 2);
    CHECK(b[1]["package"]["name"] == "rootkit-hunter-helper");
    CHECK(b[1]["package"]["version"] == "1.0-1");
    CHECK(b[1]["linux"]["rpm_qa"]["install_time"] == 1795750845);
    CHECK(rs[1].timestamp == "2026-11-27T03:40:45.000Z");
}

// ---- LVM -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: pvs, vgs, lvs columns line up, empty cells stay empty", "[linux]") {
    const auto p = bodies(run("linux.pvs", golden("pvs", "crafted-ubuntu22-pvs.out")), "linux.pvs");
    REQUIRE(p.size() == 3);
    CHECK(p[0]["linux"]["pvs"]["pv_name"] == "/dev/sda3");
    CHECK(p[0]["linux"]["pvs"]["vg_name"] == "ubuntu-vg");
    CHECK(p[0]["linux"]["pvs"]["pv_size"] == "<48.00g");
    // A PV in no VG: the VG cell is empty, the format does not slide into it.
    CHECK(p[1]["linux"]["pvs"]["pv_name"] == "/dev/sdb");
    CHECK_FALSE(p[1]["linux"]["pvs"].contains("vg_name"));
    CHECK(p[1]["linux"]["pvs"]["pv_fmt"] == "lvm2");
    CHECK(p[1]["linux"]["pvs"]["pv_attr"] == "---");
    CHECK(p[2]["linux"]["pvs"]["pv_free"] == "0");

    const auto v = bodies(run("linux.vgs", golden("vgs", "crafted-ubuntu22-vgs.out")), "linux.vgs");
    REQUIRE(v.size() == 2);
    CHECK(v[1]["linux"]["vgs"]["vg_name"] == "ubuntu-vg");
    CHECK(v[1]["linux"]["vgs"]["lv_count"] == 3);
    CHECK(v[1]["linux"]["vgs"]["snap_count"] == 1);
    CHECK(v[1]["linux"]["vgs"]["vg_attr"] == "wz--n-");

    const auto l = bodies(run("linux.lvs", golden("lvs", "crafted-ubuntu22-lvs.out")), "linux.lvs");
    REQUIRE(l.size() == 4);
    CHECK(l[1]["linux"]["lvs"]["lv_name"] == ".cache");
    const json& snap = l[2]["linux"]["lvs"];
    CHECK(snap["lv_name"] == "root-snap");
    CHECK(snap["lv_attr"] == "swi-a-s---");
    CHECK(snap["origin"] == "ubuntu-lv");
    CHECK(snap["data_percent"] == "0.87");
    CHECK_FALSE(snap.contains("pool_lv"));
    CHECK_FALSE(l[0]["linux"]["lvs"].contains("origin"));
}

TEST_CASE("linux ext lx6: pvdisplay, vgdisplay, lvdisplay blocks", "[linux]") {
    const auto pr = run("linux.pvdisplay", golden("pvdisplay", "crafted-ubuntu22-pvdisplay.out"));
    CHECK(bodies(pr, "evidenced.error").empty());
    const auto p = bodies(pr, "linux.pvdisplay");
    REQUIRE(p.size() == 2);
    CHECK(p[0]["linux"]["pvdisplay"]["pv_name"] == "/dev/sda3");
    CHECK(p[0]["linux"]["pvdisplay"]["total_pe"] == 12287);
    CHECK(p[0]["linux"]["pvdisplay"]["pv_size"] == "<48.00 GiB / not usable 0");
    CHECK(p[1]["linux"]["pvdisplay"]["section"] == "NEW Physical volume");
    CHECK(p[1]["linux"]["pvdisplay"]["vg_name"] == "");
    CHECK(pr[1].position == 13);

    const auto v =
        bodies(run("linux.vgdisplay", golden("vgdisplay", "crafted-ubuntu22-vgdisplay.out")),
               "linux.vgdisplay");
    REQUIRE(v.size() == 1);
    const json& vg = v[0]["linux"]["vgdisplay"];
    CHECK(vg["vg_name"] == "ubuntu-vg");
    CHECK(vg["system_id"] == "");
    CHECK(vg["cur_lv"] == 3);
    CHECK(vg["free_pe_size"] == "5120 / 20.00 GiB");  // "Free  PE / Size": two spaces inside
    CHECK(vg["alloc_pe_size"] == "7167 / <28.00 GiB");

    const auto lr = run("linux.lvdisplay", golden("lvdisplay", "crafted-ubuntu22-lvdisplay.out"));
    CHECK(bodies(lr, "evidenced.error").empty());
    const auto l = bodies(lr, "linux.lvdisplay");
    REQUIRE(l.size() == 2);
    CHECK(l[0]["linux"]["lvdisplay"]["lv_snapshot_status"] == "source of; root-snap [active]");
    CHECK(l[0]["linux"]["lvdisplay"]["open"] == 1);
    CHECK(l[0]["linux"]["lvdisplay"]["currently_set_to"] == 256);
    const json& snap = l[1]["linux"]["lvdisplay"];
    CHECK(snap["lv_path"] == "/dev/ubuntu-vg/root-snap");
    CHECK(snap["lv_creation_host"] == "web01");
    CHECK(snap["lv_creation_time"] == "2026-11-27 03:12:40 +0100");
    CHECK(snap["allocated_to_snapshot"] == "0.87%");
    CHECK(lr[1].timestamp == "2026-11-27T02:12:40.000Z");
    CHECK(lr[1].position == 20);
}

TEST_CASE("linux ext lx6: LVM outputs by UAC name and content, over linux.sections", "[linux]") {
    for (const char* cmd : {"pvs", "vgs", "lvs", "pvdisplay", "vgdisplay", "lvdisplay"}) {
        INFO(cmd);
        const std::string text = golden(cmd, std::string("crafted-ubuntu22-") + cmd + ".out");
        CHECK(chosen_parser(kUac + "live_response/storage/" + cmd + ".txt", text) ==
              std::string("linux.") + cmd);
        CHECK(chosen_parser("renamed.bin", text) == std::string("linux.") + cmd);
    }
    // "--- x ---" banners of some other collection are not LVM blocks.
    const std::string banners =
        "--- uname ---\nLinux web01 6.1.0-13-amd64 #1 SMP x86_64 GNU/Linux\n"
        "--- hostname ---\nweb01\n";
    for (const char* cmd : {"linux.pvdisplay", "linux.vgdisplay", "linux.lvdisplay"}) {
        CHECK(chosen_parser("triage/collect.txt", banners) != cmd);
    }
}

// ---- /proc/mdstat --------------------------------------------------------------------------

TEST_CASE("linux ext lx6: /proc/mdstat arrays, failed disks, rebuilds", "[linux]") {
    const auto rs =
        run("linux.proc_mdstat", golden("proc_mdstat", "crafted-degraded-cat_proc_mdstat.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.proc_mdstat");
    REQUIRE(b.size() == 4);
    const json& md1 = b[0]["linux"]["proc_mdstat"];
    CHECK(md1["device"] == "md1");
    CHECK(md1["level"] == "raid1");
    CHECK(md1["status"] == "UU");
    CHECK(md1["blocks"] == 488253440);
    CHECK(md1["bitmap"] == "2/4 pages [8KB], 65536KB chunk");
    CHECK(md1["personalities"].size() == 8);
    const json& md0 = b[1]["linux"]["proc_mdstat"];
    CHECK(md0["device"] == "md0");
    CHECK(md0["status"] == "UU_");
    CHECK(md0["raid_disks"] == 3);
    CHECK(md0["active_disks"] == 2);
    CHECK(md0["chunk"] == "512k");
    CHECK(md0["algorithm"] == 2);
    REQUIRE(md0["devices"].size() == 4);
    CHECK(md0["devices"][3]["name"] == "sdb1");
    CHECK(md0["devices"][3]["role"] == 0);
    CHECK(md0["devices"][3]["failed"] == true);
    CHECK(md0["devices"][2]["spare"] == true);
    CHECK(md0["sync_action"] == "recovery");
    CHECK(md0["sync_progress"] == "12.6%");
    CHECK(md0["sync_finish"] == "0.3min");
    CHECK(md0["sync_speed"] == "33056K/sec");
    CHECK(rs[1].position == 6);
    CHECK(b[2]["linux"]["proc_mdstat"]["read_only"] == "auto-read-only");
    CHECK(b[2]["linux"]["proc_mdstat"]["sync_action"] == "resync");
    CHECK(b[2]["linux"]["proc_mdstat"]["sync_progress"] == "PENDING");
    CHECK(b[3]["linux"]["proc_mdstat"]["state"] == "inactive");
    CHECK_FALSE(b[3]["linux"]["proc_mdstat"].contains("level"));

    const std::string text = golden("proc_mdstat", "crafted-degraded-cat_proc_mdstat.out");
    CHECK(chosen_parser(kUac + "live_response/storage/cat_proc_mdstat.txt", text) ==
          "linux.proc_mdstat");
    CHECK(chosen_parser("renamed.bin", text) == "linux.proc_mdstat");
    CHECK(run("linux.proc_mdstat", golden("proc_mdstat", "crafted-none-cat_proc_mdstat.out"))
              .empty());
}

// ---- findmnt --ascii, ls -l /dev/disk/by-* (linux.mount's and linux.ls's) ------------------

TEST_CASE("linux ext lx6: findmnt --ascii is linux.mount's, tree and bind sources", "[linux]") {
    const std::string name = kUac + "live_response/storage/findmnt.txt";
    const std::string own = fixture("debian12-findmnt_--ascii.txt");
    CHECK(chosen_parser(name, own) == "linux.mount");
    CHECK(bodies(run("linux.mount", own, name), "linux.mount").size() == 21);

    const std::string text = fixture("crafted-findmnt_--ascii-proc-hiding.txt");
    CHECK(chosen_parser(name, text) == "linux.mount");
    const auto rs = run("linux.mount", text, name);
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.mount");
    REQUIRE(b.size() == 10);
    // A mount over /proc/<pid> hides a process from ps: its target and bind source survive.
    CHECK(b[3]["linux"]["mount"]["mount_point"] == "/proc/31337");
    CHECK(b[3]["linux"]["mount"]["filesystem"] == "/dev/vda1[/tmp/.x]");
    CHECK(b[9]["linux"]["mount"]["mount_point"] == "/mnt/.cache");
    CHECK(b[9]["linux"]["mount"]["type"] == "cifs");
}

TEST_CASE("linux ext lx6: ls -l /dev/disk/by-* is linux.ls's, symlink targets kept", "[linux]") {
    const std::string name = kUac + "live_response/storage/ls_-l_dev_disk.txt";
    const std::string text = fixture("crafted-ls_-l_dev_disk.txt");
    CHECK(chosen_parser(name, text) == "linux.ls");
    const auto rs = run("linux.ls", text, name);
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.ls");
    REQUIRE(b.size() == 7);
    CHECK(b[2]["linux"]["ls"]["parent"] == "/dev/disk/by-id");
    CHECK(b[2]["linux"]["ls"]["filename"] == "usb-SanDisk_Cruzer_Blade_4C530001230821117364-0:0");
    CHECK(b[2]["linux"]["ls"]["link_to"] == "../../sdb");
    CHECK(b[4]["file"]["path"] == "/dev/disk/by-label/LOOT");
    CHECK(b[4]["file"]["target_path"] == "../../sdb1");
}

// ---- ZFS -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: zpool status -v, a degraded pool and damaged files", "[linux]") {
    const auto rs =
        run("linux.zpool_status", golden("zpool_status", "crafted-zpool_status_-v.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.zpool_status");
    REQUIRE(b.size() == 2);
    const json& rpool = b[0]["linux"]["zpool_status"];
    CHECK(rpool["pool"] == "rpool");
    CHECK(rpool["state"] == "ONLINE");
    CHECK(rpool["errors"] == "No known data errors");
    REQUIRE(rpool["config"].size() == 4);
    CHECK(rpool["config"][1]["name"] == "mirror-0");
    CHECK(rpool["config"][1]["depth"] == 1);
    const json& tank = b[1]["linux"]["zpool_status"];
    CHECK(tank["state"] == "DEGRADED");
    CHECK(tank["status"] ==
          "One or more devices could not be used because the label is missing or invalid.  "
          "Sufficient replicas exist for the pool to continue functioning in a degraded state.");
    CHECK(tank["see"] == "https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-4J");
    const json& cfg = tank["config"];
    REQUIRE(cfg.size() == 9);
    CHECK(cfg[3]["checksum"] == 2);
    CHECK(cfg[4]["state"] == "UNAVAIL");
    CHECK(cfg[4]["errors"] == "was /dev/sdd1");
    CHECK(cfg[5]["name"] == "logs");
    CHECK(cfg[8]["name"] == "sde");
    CHECK(cfg[8]["state"] == "AVAIL");
    REQUIRE(tank["error_files"].size() == 2);
    CHECK(tank["error_files"][1] == "tank/home@pre-wipe:/alice/.ssh/authorized_keys");
    CHECK(rs[1].position == 14);
}

TEST_CASE("linux ext lx6: zpool list -v and zfs list", "[linux]") {
    const auto p =
        bodies(run("linux.zpool_list", golden("zpool_list", "crafted-zpool_list_-v.out")),
               "linux.zpool_list");
    REQUIRE(p.size() == 11);
    CHECK(p[0]["linux"]["zpool_list"]["name"] == "rpool");
    CHECK(p[0]["linux"]["zpool_list"]["health"] == "ONLINE");
    CHECK(p[0]["linux"]["zpool_list"]["cap"] == "19%");
    CHECK(p[2]["linux"]["zpool_list"]["pool"] == "rpool");
    CHECK(p[2]["linux"]["zpool_list"]["depth"] == 2);
    CHECK(p[8]["linux"]["zpool_list"]["health"] == "UNAVAIL");
    CHECK(p[10]["linux"]["zpool_list"]["name"] == "nvme0n1p4");
    CHECK(p[10]["linux"]["zpool_list"]["pool"] == "tank");  // "logs" groups tank's log device

    const auto z =
        bodies(run("linux.zfs_list", golden("zfs_list", "crafted-zfs_list.out")), "linux.zfs_list");
    REQUIRE(z.size() == 6);
    CHECK(z[5]["linux"]["zfs_list"]["name"] == "tank/exfil");
    CHECK(z[5]["linux"]["zfs_list"]["sharenfs"] == "rw=@10.13.37.0/24");
    CHECK(z[5]["linux"]["zfs_list"]["mountpoint"] == "/tank/.exfil");
    CHECK(z[2]["linux"]["zfs_list"]["usedsnap"] == "2.10G");
}

TEST_CASE("linux ext lx6: ZFS outputs by UAC name and content; lsblk stays lsblk's", "[linux]") {
    CHECK(chosen_parser(kUac + "live_response/storage/zpool_status_-v.txt",
                        golden("zpool_status", "crafted-zpool_status_-v.out")) ==
          "linux.zpool_status");
    CHECK(chosen_parser(kUac + "live_response/storage/zpool_list_-v.txt",
                        golden("zpool_list", "crafted-zpool_list_-v.out")) == "linux.zpool_list");
    // linux.lsblk took zfs_list.txt by its NAME ... MOUNTPOINT header.
    const std::string zfs = golden("zfs_list", "crafted-zfs_list.out");
    CHECK(chosen_parser(kUac + "live_response/storage/zfs_list.txt", zfs) == "linux.zfs_list");
    CHECK(chosen_parser("renamed.bin", zfs) == "linux.zfs_list");
    const std::string lsblk =
        "NAME   MAJ:MIN RM  SIZE RO TYPE MOUNTPOINT\n"
        "vda    254:0    0   40G  0 disk \n"
        "`-vda1 254:1    0   40G  0 part /\n";
    CHECK(chosen_parser("triage/lsblk.txt", lsblk) == "linux.lsblk");
    CHECK(chosen_parser("renamed.bin", lsblk) != "linux.zfs_list");
}

// ---- NFS -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6: showmount -a / -e, who mounts what", "[linux]") {
    const auto rs = run("linux.showmount", golden("showmount", "crafted-showmount_-a.out"));
    const auto b = bodies(rs, "linux.showmount");
    REQUIRE(b.size() == 4);
    CHECK(b[2]["linux"]["showmount"]["client"] == "10.13.37.5");
    CHECK(b[2]["linux"]["showmount"]["directory"] == "/export/backups");
    CHECK(b[2]["linux"]["showmount"]["server"] == "nfs01");
    CHECK(b[2]["source"]["ip"] == "10.13.37.5");
    CHECK_FALSE(b[3].contains("source"));  // a host name is no IP
    const auto e = bodies(run("linux.showmount", golden("showmount", "crafted-showmount_-e.out")),
                          "linux.showmount");
    REQUIRE(e.size() == 2);
    CHECK(e[0]["linux"]["showmount"]["clients"] ==
          json::array({"10.0.0.0/24", "backup01.corp.example", "10.13.37.5"}));
    CHECK(chosen_parser(kUac + "live_response/network/showmount_-a.txt",
                        golden("showmount", "crafted-showmount_-a.out")) == "linux.showmount");
}

TEST_CASE("linux ext lx6: nfsstat sections and counters", "[linux]") {
    const auto rs = run("linux.nfsstat", golden("nfsstat", "crafted-nfsstat.out"));
    CHECK(bodies(rs, "evidenced.error").empty());
    const auto b = bodies(rs, "linux.nfsstat");
    REQUIRE(b.size() == 5);
    CHECK(b[0]["linux"]["nfsstat"]["section"] == "Server rpc stats");
    CHECK(b[0]["linux"]["nfsstat"]["side"] == "server");
    CHECK(b[0]["linux"]["nfsstat"]["counters"]["calls"] == 48212);
    CHECK(b[0]["linux"]["nfsstat"]["counters"]["badauth"] == 3);
    const json& ops = b[2]["linux"]["nfsstat"];
    CHECK(ops["counters"]["read"] == 18812);
    CHECK(ops["percent"]["read"] == "12%");
    CHECK(ops["counters"]["write"] == 3021);
    CHECK(b[4]["linux"]["nfsstat"]["side"] == "client");
    CHECK(chosen_parser(kUac + "live_response/network/nfsstat.txt",
                        golden("nfsstat", "crafted-nfsstat.out")) == "linux.nfsstat");
    const auto bad = run("linux.nfsstat", "Server rpc stats:\ncalls badcalls\n1 2 3\n");
    CHECK(bodies(bad, "evidenced.error").size() == 1);
}

// ---- all -----------------------------------------------------------------------------------

TEST_CASE("linux ext lx6 parsers survive hostile input", "[linux]") {
    const std::vector<std::string> inputs = {
        std::string("\0\0\0", 3),
        "",
        "\n\n\n",
        ":",
        "Name Version Rev Tracking Publisher Notes\nx\n\xe2\x9c\n",
        "Installed Packages\nx.x86_64\n   \n.x86_64 1:- @\n",
        "ID | Command line | Date and time | Action(s) | Altered\n| | | |\n99999999999999999999 | "
        "x | 2026-13-45 99:99 | I |\n",
        "/\n\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 \n\xe2\x94\x9c @\n+-- @@\n`-- UNMET DEPENDENCY\n",
        "-r1 - x\na--r - \n-1-r0\n",
        "  PV VG Fmt Attr PSize PFree\n  x y z w v u t s r q\n          x\n",
        "--- Logical volume ---\n                   x\nLV Creation host, time ,\n",
        "Personalities : [\nmd0 : \nmd1 : active raid1 x[ y[]] z[1](Q)\n      blocks\n      [",
        "  pool: x\n state: y\nconfig:\n\n\tNAME STATE\n\t\t\t\n\t x\nerrors:\n\t\n",
        "NAME SIZE ALLOC FREE\n  \n                x\n",
        "All mount points on x:\n:/\n\n",
        "Export list for x:\n/ ,,,\n",
        "Server rpc stats:\n1\ncalls\n",
        std::string(100000, ':') + "\n" + std::string(100000, ' ') + "\n",
    };
    for (const auto& c : kCommands) {
        for (const auto& in : inputs) {
            INFO(c);
            CHECK_NOTHROW(run("linux." + c, in, "x.txt"));
        }
    }
}
