// Linux command parsers of helper-lx2: linux.lscpu, linux.vmstat,
// linux.pip_list.  Golden files under
// tests/golden/linux/<command>/ (Debian 12 captures, crafted samples:
// tests/fixtures/linux/ext-lx2/ORIGINS.md) render as expected and are recognised by name and
// content; the facts an analyst needs are checked one by one, and a neighbour's look-alike
// output is not claimed.
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

const std::vector<std::string> kCommands = {"lscpu", "vmstat", "pip_list"};

constexpr std::string_view kNow = "2026-11-27T19:00:00.000Z";
const std::string kUac = "uac-web01-linux-20261127190000/live_response/";

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

}  // namespace

TEST_CASE("linux ext lx2 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 2) >= 2);
}

TEST_CASE("linux ext lx2 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

TEST_CASE("linux ext lx2: lscpu is one record with jc-style keys", "[linux]") {
    const auto rs = run("linux.lscpu", golden("lscpu", "debian12-lscpu.out"));
    const auto b = bodies(rs, "linux.lscpu");
    REQUIRE(rs.size() == 1);
    REQUIRE(b.size() == 1);
    const json& c = b[0]["linux"]["lscpu"];
    CHECK(c["architecture"] == "x86_64");
    CHECK(c["cpu_op_mode_s"] == "32-bit, 64-bit");
    CHECK(c["cpu_s"] == "2");
    CHECK(c["on_line_cpu_s_list"] == "0,1");
    CHECK(c["model_name"] == "AMD EPYC");
    CHECK(c["hypervisor_vendor"] == "KVM");
    CHECK(c["l3_cache"] == "32 MiB (1 instance)");
    CHECK(c["vulnerability_spec_store_bypass"] ==
          "Mitigation; Speculative Store Bypass disabled via prctl");
    REQUIRE(c["flags"].is_array());
    CHECK(c["flags"][0] == "fpu");
    CHECK(c["flags"].size() == 99);

    const auto old =
        bodies(run("linux.lscpu", golden("lscpu", "crafted-rhel7-style-lscpu.out")), "linux.lscpu");
    REQUIRE(old.size() == 1);
    CHECK(old[0]["linux"]["lscpu"]["cpu_mhz"] == "2394.055");
    CHECK(old[0]["linux"]["lscpu"]["numa_node0_cpu_s"] == "0-3");
}

TEST_CASE("linux ext lx2: lscpu by UAC name and by content", "[linux]") {
    const std::string text = golden("lscpu", "debian12-lscpu.out");
    CHECK(chosen_parser(kUac + "hardware/lscpu.txt", text) == "linux.lscpu");
    CHECK(chosen_parser("renamed.bin", text) == "linux.lscpu");
}

TEST_CASE("linux ext lx2 traps: lscpu does not claim hostnamectl or /proc/cpuinfo", "[linux]") {
    const std::string hostnamectl =
        " Static hostname: web01\n       Icon name: computer-vm\n         Chassis: vm\n"
        "      Machine ID: 0123456789abcdef0123456789abcdef\n"
        "Operating System: Debian GNU/Linux 12 (bookworm)\n"
        "          Kernel: Linux 6.1.0-27-amd64\n    Architecture: x86-64\n";
    CHECK(chosen_parser(kUac + "system/hostnamectl.txt", hostnamectl) != "linux.lscpu");
    CHECK(chosen_parser("out.txt", hostnamectl) != "linux.lscpu");
    const std::string cpuinfo =
        "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel name\t: AMD EPYC\n"
        "flags\t\t: fpu vme de pse\n\n";
    CHECK(chosen_parser("proc/cpuinfo", cpuinfo) != "linux.lscpu");
}

TEST_CASE("linux ext lx2: vmstat is one record per sample with jc's names", "[linux]") {
    const auto rs = run("linux.vmstat", golden("vmstat", "debian12-vmstat_1_3.out"));
    const auto b = bodies(rs, "linux.vmstat");
    REQUIRE(rs.size() == 3);
    REQUIRE(b.size() == 3);
    const json& s0 = b[0]["linux"]["vmstat"];
    CHECK(s0["runnable_procs"] == 1);
    CHECK(s0["free_mem"] == 16421428);
    CHECK(s0["cache_mem"] == 7640260);
    CHECK(s0["blocks_out"] == 7323);
    CHECK(s0["user_time"] == 69);
    CHECK(s0["stolen_time"] == 1);
    CHECK(s0["inactive_mem"].is_null());
    CHECK(s0["timestamp"].is_null());
    CHECK(b[1]["linux"]["vmstat"]["idle_time"] == 100);
    CHECK(b[2]["linux"]["vmstat"]["interrupts"] == 71);

    const auto at = bodies(run("linux.vmstat", golden("vmstat", "debian12-vmstat_-a_-t_1_2.out")),
                           "linux.vmstat");
    REQUIRE(at.size() == 2);
    const json& a = at[1]["linux"]["vmstat"];
    CHECK(a["inactive_mem"] == 2658480);
    CHECK(a["active_mem"] == 4324176);
    CHECK(a["buffer_mem"].is_null());
    CHECK(a["timestamp"] == "2026-11-27 18:59:24");
    CHECK(a["timezone"] == "UTC");
    CHECK(a["timestamp_utc"] == "2026-11-27T18:59:24.000Z");

    const auto wide =
        bodies(run("linux.vmstat", golden("vmstat", "debian12-vmstat_-w.out")), "linux.vmstat");
    REQUIRE(wide.size() == 1);
    CHECK(wide[0]["linux"]["vmstat"]["guest_time"] == 0);
    CHECK(wide[0]["linux"]["vmstat"]["free_mem"] == 16800936);
}

TEST_CASE("linux ext lx2: a damaged vmstat row is an error record, the rest still parse",
          "[linux]") {
    const std::string text = golden("vmstat", "debian12-vmstat_1_3.out") + " 1  0  zz\n";
    const auto rs = run("linux.vmstat", text);
    CHECK(bodies(rs, "linux.vmstat").size() == 3);
    CHECK(bodies(rs, "evidenced.error").size() == 1);
}

TEST_CASE("linux ext lx2: vmstat by UAC name and by content", "[linux]") {
    const std::string text = golden("vmstat", "debian12-vmstat.out");
    CHECK(chosen_parser(kUac + "system/vmstat.txt", text) == "linux.vmstat");
    CHECK(chosen_parser("renamed.bin", golden("vmstat", "debian12-vmstat_-w.out")) ==
          "linux.vmstat");
}

TEST_CASE("linux ext lx2 traps: vmstat does not claim free, vmstat -d or vmstat -s", "[linux]") {
    const std::string free_out =
        "               total        used        free      shared  buff/cache   available\n"
        "Mem:        24683656      597948    16796520        1148     7645788    24085708\n"
        "Swap:              0           0           0\n";
    CHECK(chosen_parser(kUac + "system/free.txt", free_out) != "linux.vmstat");
    const std::string disk =
        "disk- ------------reads------------ ------------writes----------- -----IO------\n"
        "       total merged sectors      ms  total merged sectors      ms    cur    sec\n"
        "loop0    237      0    6954      39     23     71    8972     227      0      0\n";
    CHECK(chosen_parser(kUac + "system/vmstat_-d.txt", disk) != "linux.vmstat");
    const std::string stats = "     24683656 K total memory\n       597948 K used memory\n";
    CHECK(chosen_parser(kUac + "system/vmstat_-s.txt", stats) != "linux.vmstat");
}

TEST_CASE("linux ext lx2: pip list, pip list -v and pip freeze name each package", "[linux]") {
    const auto cols = bodies(run("linux.pip_list", golden("pip_list", "debian12-pip3_list.out")),
                             "linux.pip_list");
    REQUIRE(cols.size() == 28);
    CHECK(cols[0]["linux"]["pip_list"]["package"] == "annotated-types");
    CHECK(cols[0]["linux"]["pip_list"]["version"] == "0.7.0");
    CHECK(cols[0]["package"]["name"] == "annotated-types");
    CHECK(cols[0]["package"]["version"] == "0.7.0");

    const auto verbose = bodies(
        run("linux.pip_list", golden("pip_list", "debian12-pip3_list_-v.out")), "linux.pip_list");
    REQUIRE(verbose.size() == 10);
    CHECK(verbose[1]["linux"]["pip_list"]["package"] == "antlr4-python3-runtime");
    CHECK(verbose[1]["linux"]["pip_list"]["location"] ==
          "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages");
    CHECK(verbose[1]["linux"]["pip_list"]["installer"] == "pip");

    const auto frozen = bodies(run("linux.pip_list", golden("pip_list", "debian12-pip_freeze.out")),
                               "linux.pip_list");
    REQUIRE(frozen.size() == 25);
    CHECK(frozen[0]["package"]["name"] == "annotated-types");
    CHECK(frozen[0]["package"]["version"] == "0.7.0");

    const auto rs = run("linux.pip_list", golden("pip_list", "crafted-pip_freeze-forms.out"));
    const auto forms = bodies(rs, "linux.pip_list");
    CHECK(bodies(rs, "evidenced.error").empty());
    REQUIRE(forms.size() == 6);
    CHECK(forms[1]["linux"]["pip_list"]["source"] == "/opt/helper");
    CHECK(forms[1]["linux"]["pip_list"]["editable"] == true);
    CHECK(forms[2]["package"]["name"] == "ops_agent");
    CHECK(forms[3]["package"]["name"] == "requests");
    CHECK(forms[3]["linux"]["pip_list"]["source"] ==
          "file:///tmp/build/requests-2.31.0-py3-none-any.whl");
    CHECK(forms[4]["package"]["version"] == "1.0-local");

    const auto legacy = bodies(
        run("linux.pip_list", golden("pip_list", "crafted-pip_list-legacy.out")), "linux.pip_list");
    REQUIRE(legacy.size() == 4);
    CHECK(legacy[2]["package"]["version"] == "2.18.4");
    CHECK(legacy[2]["linux"]["pip_list"]["location"] == "/usr/lib/python2.7/dist-packages");
}

TEST_CASE("linux ext lx2: pip outputs by UAC name and by content", "[linux]") {
    CHECK(chosen_parser(kUac + "packages/pip_list.txt",
                        golden("pip_list", "debian12-pip3_list.out")) == "linux.pip_list");
    CHECK(chosen_parser(kUac + "packages/pip3_list.txt",
                        golden("pip_list", "debian12-pip3_list.out")) == "linux.pip_list");
    CHECK(chosen_parser(kUac + "packages/pip_list_-v.txt",
                        golden("pip_list", "debian12-pip3_list_-v.out")) == "linux.pip_list");
    CHECK(chosen_parser(kUac + "packages/pip_freeze.txt",
                        golden("pip_list", "debian12-pip_freeze.out")) == "linux.pip_list");
    CHECK(chosen_parser("renamed.bin", golden("pip_list", "debian12-pip3_list.out")) ==
          "linux.pip_list");
    CHECK(chosen_parser("renamed.bin", golden("pip_list", "debian12-pip_freeze.out")) ==
          "linux.pip_list");
}

TEST_CASE("linux ext lx2 traps: pip_list does not claim requirements files, pip show or dpkg",
          "[linux]") {
    const std::string freeze = golden("pip_list", "debian12-pip_freeze.out");
    CHECK(chosen_parser("[root]/opt/app/requirements.txt", freeze) != "linux.pip_list");
    CHECK(chosen_parser("[root]/opt/app/requirements-dev.txt", freeze) != "linux.pip_list");
    const std::string show =
        "Name: requests\nVersion: 2.31.0\nSummary: Python HTTP for Humans.\n"
        "Location: /usr/lib/python3/dist-packages\nRequires: certifi, idna\n";
    CHECK(chosen_parser(kUac + "packages/pip_show_requests.txt", show) != "linux.pip_list");
    const std::string prose = "Hello (1.0)\nWorld (2.0)\n";
    CHECK(chosen_parser("notes.txt", prose) != "linux.pip_list");
}
