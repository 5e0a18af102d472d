// Linux command parsers of helper-lx3: linux.timedatectl, linux.hostnamectl,
// linux.proc_cpuinfo, linux.lspci, linux.lsusb, linux.fdisk, linux.dmidecode.  Golden files
// under tests/golden/linux/<command>/ (jc fixtures, Debian 12 VM captures, crafted samples:
// tests/fixtures/linux/ext-lx3/ORIGINS.md) render as expected and are recognised by name and
// content; the facts an analyst needs are checked one by one, neighbours' look-alike outputs
// are not claimed, and hostile input gives error records or nothing, never a crash.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"
#include "tests/support/linux_golden.hpp"

using evidenced::testing::chosen_parser;
using evidenced::testing::Collected;
using evidenced::testing::run_parser;
using nlohmann::json;

namespace {

const std::vector<std::string> kCommands = {"timedatectl", "hostnamectl", "proc_cpuinfo", "lspci",
                                            "lsusb",       "fdisk",       "dmidecode"};

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

size_t errors(const std::vector<Collected>& rs) {
    return bodies(rs, "evidenced.error").size();
}

}  // namespace

TEST_CASE("linux ext lx3 golden files render as expected", "[golden][linux]") {
    CHECK(evidenced::testing::check_linux_goldens(kCommands, 1) >= 17);
}

TEST_CASE("linux ext lx3 golden files are recognised by name and content", "[golden][linux]") {
    evidenced::testing::check_linux_recognised(kCommands);
}

// ---- timedatectl ------------------------------------------------------------------------

TEST_CASE("linux ext lx3: timedatectl is one record with jc's names and types", "[linux]") {
    const auto rs = run("linux.timedatectl", golden("timedatectl", "centos-7.7-timedatectl.out"));
    const auto b = bodies(rs, "linux.timedatectl");
    REQUIRE(rs.size() == 1);
    REQUIRE(b.size() == 1);
    const json& t = b[0]["linux"]["timedatectl"];
    // jc 1.25.5 (tests/fixtures/centos-7.7/timedatectl.json) gives the same values.
    CHECK(t["local_time"] == "Tue 2020-03-10 17:53:21 PDT");
    CHECK(t["universal_time"] == "Wed 2020-03-11 00:53:21 UTC");
    CHECK(t["rtc_time"] == "Wed 2020-03-11 00:53:21");
    CHECK(t["time_zone"] == "America/Los_Angeles (PDT, -0700)");
    CHECK(t["ntp_enabled"] == true);
    CHECK(t["ntp_synchronized"] == true);
    CHECK(t["rtc_in_local_tz"] == false);
    CHECK(t["dst_active"] == true);
    CHECK(t["epoch_utc"] == 1583888001);
    CHECK(t["last_dst_change"] ==
          "DST began at Sun 2020-03-08 01:59:59 PST Sun 2020-03-08 03:00:00 PDT");
    CHECK(t["next_dst_change"].get<std::string>().starts_with("DST ends"));
    // The host's clock at collection is the event time.
    CHECK(rs[0].timestamp == "2020-03-11T00:53:21.000Z");

    const auto rtc =
        bodies(run("linux.timedatectl", golden("timedatectl", "generic-timedatectl-rtc-local.out")),
               "linux.timedatectl");
    REQUIRE(rtc.size() == 1);
    const json& r = rtc[0]["linux"]["timedatectl"];
    CHECK(r["system_clock_synchronized"] == true);
    CHECK(r["ntp_service"] == "active");
    CHECK(r["rtc_in_local_tz"] == true);
    CHECK(r["epoch_utc"] == 1678709858);
    CHECK_FALSE(r.contains("warning"));  // the Warning paragraph is no field

    const auto ub =
        bodies(run("linux.timedatectl", golden("timedatectl", "ubuntu-18.04-timedatectl.out")),
               "linux.timedatectl");
    REQUIRE(ub.size() == 1);
    CHECK(ub[0]["linux"]["timedatectl"]["systemd-timesyncd.service_active"] == true);
    CHECK(ub[0]["linux"]["timedatectl"]["epoch_utc"] == 1583887871);
}

TEST_CASE("linux ext lx3: timedatectl timesync-status numbers and units", "[linux]") {
    const auto b = bodies(
        run("linux.timedatectl", golden("timedatectl", "generic-timedatectl-timesync-status.out")),
        "linux.timedatectl");
    REQUIRE(b.size() == 1);
    const json& t = b[0]["linux"]["timedatectl"];
    CHECK(t["server"] == "216.239.35.8 (time.google.com)");
    CHECK(t["poll_interval"] == "8min 32s (min: 32s; max 34min 8s)");
    CHECK(t["version"] == 4);
    CHECK(t["stratum"] == 1);
    CHECK(t["reference"] == "GOOG");
    CHECK(t["offset"] == Approx(-5.224));
    CHECK(t["offset_unit"] == "ms");
    CHECK(t["delay"] == Approx(65.884));
    CHECK(t["jitter_unit"] == "ms");
    CHECK(t["packet_count"] == 5);
    CHECK(t["frequency"] == Approx(27.071));
    CHECK(t["frequency_unit"] == "ppm");
    CHECK_FALSE(t.contains("epoch_utc"));
}

TEST_CASE("linux ext lx3: timedatectl by UAC name and content; date facts still gathered",
          "[linux]") {
    const std::string text = golden("timedatectl", "centos-7.7-timedatectl.out");
    const std::string path = kUac + "system/timedatectl_status.txt";
    CHECK(chosen_parser(path, text) == "linux.timedatectl");
    CHECK(chosen_parser("renamed.bin", text) == "linux.timedatectl");
    CHECK(chosen_parser("renamed.bin",
                        golden("timedatectl", "generic-timedatectl-timesync-status.out")) ==
          "linux.timedatectl");
    // common.cpp still reads the Local time line of a timedatectl file for the upload facts.
    const evidenced::parsers::FileProbe probe{path, text, text.size()};
    evidenced::parsers::UploadFacts facts;
    evidenced::parsers::linux_cmd::gather_collection_facts(probe, text, facts);
    CHECK(facts[std::string(evidenced::parsers::linux_cmd::kFactDate)] ==
          "Tue 2020-03-10 17:53:21 PDT");
    // A plain `date` output stays linux.date.
    CHECK(chosen_parser(kUac + "system/date.txt", "Fri Nov 27 19:00:00 UTC 2026\n") ==
          "linux.date");
}

// ---- hostnamectl ------------------------------------------------------------------------

TEST_CASE("linux ext lx3: hostnamectl is one record with snake_case labels", "[linux]") {
    const auto rs =
        run("linux.hostnamectl", golden("hostnamectl", "crafted-debian12-hostnamectl.out"));
    const auto b = bodies(rs, "linux.hostnamectl");
    REQUIRE(rs.size() == 1);
    REQUIRE(b.size() == 1);
    const json& h = b[0]["linux"]["hostnamectl"];
    CHECK(h["static_hostname"] == "web01");
    CHECK(h["icon_name"] == "computer-vm");
    CHECK(h["chassis"] == "vm \xF0\x9F\x96\xB4");
    CHECK(h["chassis_type"] == "vm");
    CHECK(h["machine_id"] == "4f1d2c3b5a6978879a6b5c4d3e2f1a0b");
    CHECK(h["boot_id"] == "9c2e4f6a8b0d1e3f5a7c9e1b3d5f7a9c");
    CHECK(h["virtualization"] == "kvm");
    CHECK(h["operating_system"] == "Debian GNU/Linux 12 (bookworm)");
    CHECK(h["kernel"] == "Linux 6.1.0-27-amd64");
    CHECK(h["architecture"] == "x86-64");
    CHECK(h["hardware_vendor"] == "QEMU");
    CHECK(h["hardware_model"] == "Standard PC _i440FX + PIIX, 1996_");
    CHECK(h["firmware_version"] == "1.16.2-debian-1.16.2-1");
    CHECK(rs[0].position == 1);

    const auto c7 =
        bodies(run("linux.hostnamectl", golden("hostnamectl", "crafted-centos7-hostnamectl.out")),
               "linux.hostnamectl");
    REQUIRE(c7.size() == 1);
    CHECK(c7[0]["linux"]["hostnamectl"]["cpe_os_name"] == "cpe:/o:centos:centos:7");
    CHECK(c7[0]["linux"]["hostnamectl"]["virtualization"] == "vmware");

    // A transient name that differs from the static one is worth seeing.
    const auto tr = bodies(run("linux.hostnamectl",
                               golden("hostnamectl", "crafted-ubuntu22-transient-hostnamectl.out")),
                           "linux.hostnamectl");
    REQUIRE(tr.size() == 1);
    CHECK(tr[0]["linux"]["hostnamectl"]["static_hostname"] == "ubuntu-srv");
    CHECK(tr[0]["linux"]["hostnamectl"]["transient_hostname"] == "kali");
    CHECK(tr[0]["linux"]["hostnamectl"]["hardware_model"] == "PowerEdge R640");
}

TEST_CASE("linux ext lx3: hostnamectl by UAC name and content; host and facts kept", "[linux]") {
    namespace lc = evidenced::parsers::linux_cmd;
    const std::string text = golden("hostnamectl", "crafted-debian12-hostnamectl.out");
    const std::string path = kUac + "network/hostnamectl.txt";
    CHECK(chosen_parser(path, text) == "linux.hostnamectl");
    CHECK(chosen_parser("renamed.bin", text) == "linux.hostnamectl");
    const evidenced::parsers::FileProbe probe{path, text, text.size()};
    const auto* p = evidenced::parsers::find("linux.hostnamectl");
    REQUIRE(p != nullptr);
    CHECK(p->infer_host(probe) == std::optional<std::string>("web01"));
    evidenced::parsers::UploadFacts facts;
    lc::gather_collection_facts(probe, text, facts);
    CHECK(facts[std::string(lc::kFactHostname)] == "web01");
    // The abridged seed sample (no Machine/Boot ID) stays with linux.hostname.
    CHECK(chosen_parser("triage/crafted-hostnamectl.out",
                        golden("hostname", "crafted-hostnamectl.out")) == "linux.hostname");
    // Without its ids, content alone is not enough.
    CHECK(chosen_parser("triage/out.txt",
                        " Static hostname: web01\n      Machine ID: 2b7c\n Operating System: "
                        "Debian\n") != "linux.hostnamectl");
}

// ---- /proc/cpuinfo ----------------------------------------------------------------------

TEST_CASE("linux ext lx3: /proc/cpuinfo is one record per processor", "[linux]") {
    const auto rs =
        run("linux.proc_cpuinfo", golden("proc_cpuinfo", "debian12-vm-proc_cpuinfo.out"));
    const auto b = bodies(rs, "linux.proc_cpuinfo");
    REQUIRE(rs.size() == 2);
    REQUIRE(b.size() == 2);
    const json& c = b[0]["linux"]["proc_cpuinfo"];
    CHECK(c["processor"] == 0);
    CHECK(c["vendor_id"] == "AuthenticAMD");
    CHECK(c["cpu_family"] == 25);
    CHECK(c["model_name"] == "AMD EPYC");
    CHECK(c["microcode"] == "0x1000065");
    CHECK(c["cpu_mhz"].is_number_float());
    CHECK(c["cache_size"] == "512 KB");
    CHECK(c["cache_size_num"] == 512);
    CHECK(c["cache_size_unit"] == "KB");
    CHECK(c["fpu"] == true);
    CHECK(c["cpu_cores"] == 2);
    CHECK(c["address_size_physical"] == 48);
    CHECK(c["address_size_virtual"] == 48);
    CHECK(c["power_management"].is_null());
    REQUIRE(c["flags"].is_array());
    CHECK(c["flags"][0] == "fpu");
    CHECK(std::find(c["flags"].begin(), c["flags"].end(), "hypervisor") != c["flags"].end());
    REQUIRE(c["bugs"].is_array());
    CHECK(std::find(c["bugs"].begin(), c["bugs"].end(), "spectre_v2") != c["bugs"].end());
    CHECK(b[1]["linux"]["proc_cpuinfo"]["processor"] == 1);
    CHECK(rs[1].position == 29);
}

TEST_CASE("linux ext lx3: /proc/cpuinfo by UAC name and content, not lscpu's", "[linux]") {
    const std::string text = golden("proc_cpuinfo", "debian12-vm-proc_cpuinfo.out");
    CHECK(chosen_parser(kUac + "hardware/cpuinfo.txt", text) == "linux.proc_cpuinfo");
    CHECK(chosen_parser("renamed.bin", text) == "linux.proc_cpuinfo");
    CHECK(chosen_parser("proc/cpuinfo", text) == "linux.proc_cpuinfo");
    // lscpu's "Architecture:" table is lscpu's, /proc/<pid>/status is not a cpuinfo.
    CHECK(chosen_parser("triage/cpuinfo.txt", golden("lscpu", "debian12-lscpu.out")) !=
          "linux.proc_cpuinfo");
    CHECK(chosen_parser("triage/out.txt",
                        "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\n"
                        "Tgid:\t1\nPid:\t1\nPPid:\t0\n") != "linux.proc_cpuinfo");
}

// ---- lspci ------------------------------------------------------------------------------

TEST_CASE("linux ext lx3: lspci, lspci -nn -k and lspci -vv give one record per device",
          "[linux]") {
    const auto plain =
        bodies(run("linux.lspci", golden("lspci", "debian12-vm-lspci.out")), "linux.lspci");
    REQUIRE(plain.size() == 6);
    const json& e = plain[3]["linux"]["lspci"];
    CHECK(e["slot"] == "00:03.0");
    CHECK(e["bus"] == "00");
    CHECK(e["dev"] == "03");
    CHECK(e["function"] == "0");
    CHECK(e["class"] == "Ethernet controller");
    CHECK(e["description"] == "Red Hat, Inc. Virtio 1.0 network device");
    CHECK(e["rev"] == "01");
    CHECK_FALSE(e.contains("vendor_id"));
    CHECK(plain[0]["linux"]["lspci"]["description"] == "Intel Corporation Device 0d57");

    const auto nnk =
        bodies(run("linux.lspci", golden("lspci", "debian12-vm-lspci_-nn_-k.out")), "linux.lspci");
    REQUIRE(nnk.size() == 6);
    const json& k = nnk[3]["linux"]["lspci"];
    CHECK(k["class_id"] == "0200");
    CHECK(k["vendor_id"] == "1af4");
    CHECK(k["device_id"] == "1041");
    CHECK(k["device_id_int"] == 0x1041);
    CHECK(k["description"] == "Red Hat, Inc. Virtio 1.0 network device");
    CHECK(k["subsystem"] == "Red Hat, Inc. Virtio 1.0 network device");
    CHECK(k["svendor_id"] == "1af4");
    CHECK(k["driver"] == "virtio-pci");

    const auto vv =
        bodies(run("linux.lspci", golden("lspci", "debian12-vm-lspci_-vv.out")), "linux.lspci");
    REQUIRE(vv.size() == 6);
    const json& v = vv[1]["linux"]["lspci"];
    CHECK(v["driver"] == "virtio-pci");
    REQUIRE(v["details"].is_array());
    CHECK(std::find(v["details"].begin(), v["details"].end(), "Latency: 0") != v["details"].end());
}

TEST_CASE("linux ext lx3: lspci -k modules, domain and prog-if (crafted)", "[linux]") {
    const std::string text =
        "0000:00:1f.2 SATA controller [0106]: Intel Corporation 8 Series/C220 Series Chipset "
        "Family 6-port SATA Controller 1 [AHCI mode] [8086:8c02] (rev 05) (prog-if 01 [AHCI "
        "1.0])\n"
        "\tSubsystem: Dell Device [1028:05a4]\n"
        "\tKernel driver in use: ahci\n"
        "\tKernel modules: ahci, libahci\n"
        "0000:03:00.0 Network controller [0280]: Intel Corporation Wireless 7260 [8086:08b1] "
        "(rev 73)\n"
        "\tKernel modules: iwlwifi\n";
    const auto rs = run("linux.lspci", text, "triage/lspci_-nn_-k.txt");
    const auto b = bodies(rs, "linux.lspci");
    REQUIRE(b.size() == 2);
    CHECK(errors(rs) == 0);
    const json& s = b[0]["linux"]["lspci"];
    CHECK(s["domain"] == "0000");
    CHECK(s["bus_int"] == 0);
    CHECK(s["dev_int"] == 0x1f);
    CHECK(s["function_int"] == 2);
    CHECK(s["description"] ==
          "Intel Corporation 8 Series/C220 Series Chipset Family 6-port SATA Controller 1 [AHCI "
          "mode]");
    CHECK(s["rev"] == "05");
    CHECK(s["progif"] == "01");
    CHECK(s["svendor_id"] == "1028");
    CHECK(s["sdevice_id"] == "05a4");
    CHECK(s["module"] == json::array({"ahci", "libahci"}));
    CHECK(b[1]["linux"]["lspci"]["module"] == json::array({"iwlwifi"}));
    CHECK_FALSE(b[1]["linux"]["lspci"].contains("driver"));
}

TEST_CASE("linux ext lx3: lspci by UAC names and content", "[linux]") {
    CHECK(chosen_parser(kUac + "hardware/lspci.txt", golden("lspci", "debian12-vm-lspci.out")) ==
          "linux.lspci");
    CHECK(chosen_parser(kUac + "hardware/lspci_-vv.txt",
                        golden("lspci", "debian12-vm-lspci_-vv.out")) == "linux.lspci");
    CHECK(chosen_parser("renamed.bin", golden("lspci", "debian12-vm-lspci_-nn_-k.out")) ==
          "linux.lspci");
}

// ---- lsusb ------------------------------------------------------------------------------

TEST_CASE("linux ext lx3: lsusb gives jc's bus/device/id/description", "[linux]") {
    const auto rs = run("linux.lsusb", golden("lsusb", "centos-7.7-lsusb.out"));
    const auto b = bodies(rs, "linux.lsusb");
    REQUIRE(b.size() == 5);
    // jc 1.22.5 on the same file.
    CHECK(b[0]["linux"]["lsusb"] == json::parse(R"({"bus":"001","device":"001","id":"1d6b:0002",
        "description":"Linux Foundation 2.0 root hub"})"));
    CHECK(b[1]["linux"]["lsusb"]["description"] == "VMware, Inc.");
    CHECK(b[3]["linux"]["lsusb"]["description"] == "VMware, Inc. Virtual Mouse");
    CHECK(rs[4].position == 5);
}

TEST_CASE("linux ext lx3: lsusb -v keeps the descriptors nested as jc does", "[linux]") {
    const auto b =
        bodies(run("linux.lsusb", golden("lsusb", "centos-7.7-lsusb-v-single.out")), "linux.lsusb");
    REQUIRE(b.size() == 1);
    const json& u = b[0]["linux"]["lsusb"];
    CHECK(u["id"] == "1915:521a");
    const json& dd = u["device_descriptor"];
    CHECK(dd["idVendor"] == json::parse(R"({"value":"0x1915",
        "description":"Nordic Semiconductor ASA"})"));
    CHECK(dd["idProduct"] == json::parse(R"({"value":"0x521a"})"));
    CHECK(dd["iSerial"]["description"] == "F42DE60BE261");
    const json& cd = dd["configuration_descriptor"];
    CHECK(cd["bmAttributes"]["attributes"] == json::array({"Self Powered"}));
    CHECK(cd["interface_association"]["bFunctionClass"]["description"] == "Communications");
    REQUIRE(cd["interface_descriptors"].size() == 2);
    const json& i0 = cd["interface_descriptors"][0];
    CHECK(i0["bInterfaceClass"]["description"] == "Communications");
    CHECK(i0["cdc_header"]["bcdCDC"]["value"] == "1.10");
    REQUIRE(i0["endpoint_descriptors"].size() == 1);
    CHECK(i0["endpoint_descriptors"][0]["bEndpointAddress"]["description"] == "EP 2 IN");
    CHECK(i0["endpoint_descriptors"][0]["bmAttributes"]["attributes"][0] ==
          "Transfer Type Interrupt");
    CHECK(cd["interface_descriptors"][1]["endpoint_descriptors"].size() == 2);
}

TEST_CASE("linux ext lx3: lsusb by UAC names and content; lsusb -t is not claimed", "[linux]") {
    CHECK(chosen_parser(kUac + "hardware/lsusb.txt", golden("lsusb", "centos-7.7-lsusb.out")) ==
          "linux.lsusb");
    CHECK(chosen_parser(kUac + "hardware/lsusb_-vv.txt",
                        golden("lsusb", "centos-7.7-lsusb-v-single.out")) == "linux.lsusb");
    CHECK(chosen_parser("renamed.bin", golden("lsusb", "centos-7.7-lsusb.out")) == "linux.lsusb");
    CHECK(chosen_parser(kUac + "hardware/lsusb_-t.txt",
                        "/:  Bus 02.Port 1: Dev 1, Class=root_hub, Driver=xhci_hcd/4p, 10000M\n"
                        "/:  Bus 01.Port 1: Dev 1, Class=root_hub, Driver=xhci_hcd/12p, 480M\n") !=
          "linux.lsusb");
}

// ---- fdisk ------------------------------------------------------------------------------

TEST_CASE("linux ext lx3: fdisk -l is one record per partition with its disk", "[linux]") {
    const auto rs = run("linux.fdisk", golden("fdisk", "crafted-debian12-fdisk_-l.out"));
    const auto b = bodies(rs, "linux.fdisk");
    REQUIRE(b.size() == 6);
    CHECK(errors(rs) == 0);
    const json& p = b[2]["linux"]["fdisk"];
    CHECK(p["disk"] == "/dev/sda");
    CHECK(p["disk_size"] == "40 GiB");
    CHECK(p["disk_size_bytes"] == 42949672960);
    CHECK(p["disk_sectors"] == 83886080);
    CHECK(p["disk_model"] == "QEMU HARDDISK");
    CHECK(p["label_type"] == "gpt");
    CHECK(p["disk_identifier"] == "5C1E3B9A-2F4D-4B8E-9A61-0D3C7E2F1A55");
    CHECK(p["sector_unit_bytes"] == 512);
    CHECK(p["device"] == "/dev/sda3");
    CHECK(p["start"] == 1054720);
    CHECK(p["end"] == 83884031);
    CHECK(p["sectors"] == 82829312);
    CHECK(p["size"] == "39.5G");
    CHECK(p["size_bytes"] == int64_t{82829312} * 512);
    CHECK(p["type"] == "Linux filesystem");
    CHECK(p["boot"] == false);
    const json& d = b[3]["linux"]["fdisk"];
    CHECK(d["device"] == "/dev/sdb1");
    CHECK(d["boot"] == true);
    CHECK(d["id"] == "83");
    CHECK(d["sector_size_physical"] == 4096);
    CHECK(d["io_size_optimal"] == 4096);
    CHECK(b[4]["linux"]["fdisk"]["type"] == "Linux LVM");
    // A disk without a table is still a record, with the disk fields only.
    const json& m = b[5]["linux"]["fdisk"];
    CHECK(m["disk"] == "/dev/mapper/vg0-root");
    CHECK(m["disk_size_bytes"] == 6979321856);
    CHECK_FALSE(m.contains("device"));
    CHECK(rs[5].position == 28);
}

TEST_CASE("linux ext lx3: fdisk -l of util-linux 2.23 (Blocks, System, Units =)", "[linux]") {
    const auto b =
        bodies(run("linux.fdisk", golden("fdisk", "crafted-centos7-fdisk_-l.out")), "linux.fdisk");
    REQUIRE(b.size() == 4);
    const json& a = b[0]["linux"]["fdisk"];
    CHECK(a["label_type"] == "dos");
    CHECK(a["disk_size"] == "21.5 GB");
    CHECK(a["boot"] == true);
    CHECK(a["blocks"] == 1048576);
    CHECK(a["size_bytes"] == int64_t{2097152} * 512);
    CHECK(a["type"] == "Linux");
    const json& c = b[2]["linux"]["fdisk"];
    CHECK(c["blocks"] == 1048575);  // "1048575+"
    CHECK(c["size_bytes"] == int64_t{2097151} * 512);
    CHECK(b[3]["linux"]["fdisk"]["disk"] == "/dev/mapper/centos-root");
}

TEST_CASE("linux ext lx3: fdisk by UAC name and content", "[linux]") {
    const std::string text = golden("fdisk", "crafted-debian12-fdisk_-l.out");
    CHECK(chosen_parser(kUac + "storage/fdisk_-l.txt", text) == "linux.fdisk");
    CHECK(chosen_parser("renamed.bin", text) == "linux.fdisk");
}

// ---- dmidecode --------------------------------------------------------------------------

TEST_CASE("linux ext lx3: dmidecode is one record per handle with jc's names", "[linux]") {
    const auto rs =
        run("linux.dmidecode", golden("dmidecode", "crafted-debian12-kvm-dmidecode.out"));
    const auto b = bodies(rs, "linux.dmidecode");
    REQUIRE(b.size() == 6);
    CHECK(errors(rs) == 0);
    const json& bios = b[0]["linux"]["dmidecode"];
    CHECK(bios["handle"] == "0x0000");
    CHECK(bios["type"] == 0);
    CHECK(bios["bytes"] == 24);
    CHECK(bios["description"] == "BIOS Information");
    CHECK(bios["values"]["vendor"] == "SeaBIOS");
    CHECK(bios["values"]["characteristics"] ==
          json::array({"BIOS characteristics not supported",
                       "Targeted content distribution is supported"}));
    const json& sys = b[1]["linux"]["dmidecode"];
    CHECK(sys["values"]["manufacturer"] == "QEMU");
    CHECK(sys["values"]["product_name"] == "Standard PC (i440FX + PIIX, 1996)");
    CHECK(sys["values"]["uuid"] == "6b1f0c2e-8a4d-4e3b-9f5a-2c7d1e0b3a94");
    CHECK(sys["values"]["wake-up_type"] == "Power Switch");
    CHECK(b[3]["linux"]["dmidecode"]["values"]["size"] == "8 GB");
    const json& end = b[5]["linux"]["dmidecode"];
    CHECK(end["type"] == 127);
    CHECK(end["description"] == "End Of Table");
    CHECK(end["values"].is_null());
    CHECK(rs[0].position == 7);

    const auto jc =
        bodies(run("linux.dmidecode", golden("dmidecode", "centos-7.7-dmidecode-head.out")),
               "linux.dmidecode");
    REQUIRE(jc.size() == 5);
    CHECK(jc[1]["linux"]["dmidecode"]["values"]["serial_number"] ==
          "VMware-56 4d fd 28 89 33 f8 e2-64 74 01 59 92 3b 58 0e");
    CHECK(jc[4]["linux"]["dmidecode"]["values"]["status"] == "Populated, Enabled");
    CHECK(jc[4]["linux"]["dmidecode"]["values"]["characteristics"] ==
          json::array({"64-bit capable", "Execute Protection"}));
}

TEST_CASE("linux ext lx3: dmidecode by UAC name and content", "[linux]") {
    const std::string text = golden("dmidecode", "crafted-debian12-kvm-dmidecode.out");
    CHECK(chosen_parser(kUac + "hardware/dmidecode.txt", text) == "linux.dmidecode");
    CHECK(chosen_parser("renamed.bin", text) == "linux.dmidecode");
}

// ---- hostile input ----------------------------------------------------------------------

TEST_CASE("linux ext lx3: damaged and hostile input gives error records, never a crash",
          "[linux]") {
    const std::vector<std::string> parsers = {
        "linux.timedatectl", "linux.hostnamectl", "linux.proc_cpuinfo", "linux.lspci",
        "linux.lsusb",       "linux.fdisk",       "linux.dmidecode"};
    std::string binary;
    for (int i = 0; i < 4096; ++i) {
        binary.push_back(static_cast<char>((i * 131 + 7) % 256));
    }
    const std::vector<std::string> inputs = {
        "",
        "\n\n\n",
        binary,
        std::string(200000, ':'),
        std::string(100000, '\t') + "x\n",
        "Handle 0x, DMI type , bytes\n\t\t\n",
        "Bus 001 Device 001: ID zzzz:0002\n  \xff\xfe:\n",
        "00:00.0 : \n\tKernel modules: ,,,\n",
        "Disk /dev/sda: , bytes\nDevice Start End Type\n/dev/sda1 x y z\n",
        "processor\t: 0\nflags\t:\n\n\n:\n",
        "Local time: \n       Universal time: garbage\nOffset: ms\n",
    };
    for (const auto& p : parsers) {
        for (const auto& in : inputs) {
            INFO(p << " input of " << in.size() << " bytes");
            CHECK_NOTHROW(run(p, in));
        }
    }
    // Lines that do not fit become error records; the good rows still parse.
    const auto lspci = run(
        "linux.lspci", golden("lspci", "debian12-vm-lspci.out") + "garbage that is not a device\n");
    CHECK(bodies(lspci, "linux.lspci").size() == 6);
    CHECK(errors(lspci) == 1);
    const auto fdisk = run("linux.fdisk", golden("fdisk", "crafted-debian12-fdisk_-l.out") +
                                              "Device Start End Sectors Size Type\n"
                                              "/dev/sdc1 12 zz 3 1M Linux\n");
    CHECK(errors(fdisk) == 1);
    const auto cpu = run("linux.proc_cpuinfo", "processor\t: 0\nmodel name\t: X\n!!!\n");
    CHECK(bodies(cpu, "linux.proc_cpuinfo").size() == 1);
    CHECK(errors(cpu) == 1);
    const auto usb = run("linux.lsusb", "junk before\nBus 001 Device 002: ID 1d6b:0002 Hub\n");
    CHECK(bodies(usb, "linux.lsusb").size() == 1);
    CHECK(errors(usb) == 1);
    CHECK(errors(run("linux.timedatectl", "\n")) == 1);
    CHECK(errors(run("linux.hostnamectl", "no fields here\n")) == 1);
}

TEST_CASE("linux ext lx3 traps: a concatenated collection is linux.sections', not ours",
          "[linux][detect]") {
    const std::string text =
        "===== hostname =====\nweb01\n\n===== dmidecode =====\n" +
        golden("dmidecode", "crafted-debian12-kvm-dmidecode.out") + "\n===== lspci =====\n" +
        golden("lspci", "debian12-vm-lspci.out") + "\n===== lsusb =====\n" +
        golden("lsusb", "centos-7.7-lsusb.out") + "\n===== fdisk -l =====\n" +
        golden("fdisk", "crafted-debian12-fdisk_-l.out") + "\n===== timedatectl =====\n" +
        golden("timedatectl", "centos-7.7-timedatectl.out");
    CHECK(chosen_parser("triage/collect.txt", text) == "linux.sections");
    // One command's output under a banner of its own is still that command's.
    CHECK(chosen_parser(
              "triage/dmidecode.txt",
              "# dmidecode\n" + golden("dmidecode", "crafted-debian12-kvm-dmidecode.out")) ==
          "linux.dmidecode");
}
