// Detection traps found by routing jc's whole fixture tree through choose() under UAC-style
// paths: text that merely resembles a command's output must not be claimed by it.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "parsers/input.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/parser.hpp"
#include "parsers/registry.hpp"
#include "tests/support/golden.hpp"

namespace fs = std::filesystem;

namespace {

std::string chosen(std::string_view path, const std::string& text) {
    return evidenced::testing::chosen_parser(path, text);
}

std::string fixture(const std::string& rel) {
    std::ifstream f(fs::path(EVIDENCED_FIXTURES) / rel, std::ios::binary);
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("detect traps: a line that ends in a date is not a lastlog row", "[linux][detect]") {
    // /proc/version (jc fixture linux-proc__version): it used to become one linux.lastlog
    // record, "Linux" logging in from "5.8.0-63-generic (buildd@...".
    const std::string version =
        "Linux version 5.8.0-63-generic (buildd@lcy01-amd64-028) (gcc (Ubuntu "
        "10.3.0-1ubuntu1~20.10) 10.3.0, GNU ld (GNU Binutils for Ubuntu) 2.35.1) #71-Ubuntu SMP "
        "Tue Jul 13 15:59:12 UTC 2021\n";
    CHECK(chosen("live_response/system/proc_version.txt", version) != "linux.lastlog");
    CHECK(chosen("uac/live_response/system/version.txt", version) != "linux.lastlog");
    // Real headerless lastlog rows still are (lastlog -u root without its header line).
    const std::string rows =
        "root             pts/0    10.0.0.9         Tue Jul 13 15:59:12 +0000 2021\n"
        "admin            pts/1    203.0.113.7      Wed Jul 14 08:01:02 +0000 2021\n";
    CHECK(chosen("out.txt", rows) == "linux.lastlog");
}

TEST_CASE("detect traps: ls rows whose mode starts with dashes are not section banners",
          "[linux][detect]") {
    // `---x--s--x. 1 root nobody ... ssh-agent` begins with three dashes, like a
    // "---- title ----" banner: the multi-command splitter took jc's ls -alR for sections.
    const std::string alr = fixture("linux/ls/jc/centos-7.7-ls-alR.out");
    REQUIRE(alr.find("---x--s--x.") != std::string::npos);
    CHECK(chosen("live_response/system/ls_-alR_usr.txt", alr) == "linux.ls");
    CHECK(chosen("centos-7.7__ls-alR.out", alr) == "linux.ls");
    const std::string shadow =
        "total 8\n"
        "drwxr-xr-x.  2 root root   24 Aug 15  2019 .\n"
        "----------.  1 root root  812 Aug 15  2019 shadow\n"
        "----------.  1 root root  702 Aug 15  2019 gshadow\n"
        "-rw-r--r--.  1 root root 1024 Aug 15  2019 passwd\n";
    CHECK(chosen("ls-la-etc.txt", shadow) == "linux.ls");
    // A real banner file still splits.
    const std::string banners =
        "---------- uname -a ----------\n"
        "Linux web01 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 x86_64 GNU/Linux\n"
        "---------- hostname ----------\n"
        "web01\n";
    CHECK(chosen("triage.txt", banners) == "linux.sections");
}

TEST_CASE("detect traps: lsattr rows are not section banners", "[linux][detect]") {
    // `--------------e------- t/x` starts with a run of dashes, like a "---- title" banner.
    const std::string rows =
        "--------------e------- ./etc/hosts\n"
        "----i---------e------- ./usr/bin/.sshd\n"
        "---------------------- /boot/vmlinuz\n"
        "-----a--------e------- ./var/log/auth.log\n";
    const auto* sections = evidenced::parsers::find("linux.sections");
    REQUIRE(sections != nullptr);
    evidenced::parsers::FileProbe probe{"out.txt", rows, rows.size()};
    CHECK(sections->detect(probe) == 0);
    CHECK(chosen("out.txt", rows) == "linux.lsattr");
    // Banners of bare dashes before a command still split.
    const std::string banners =
        "---------------------- uname -a\n"
        "Linux web01 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 x86_64 GNU/Linux\n"
        "---------------------- hostname\n"
        "web01\n";
    CHECK(chosen("triage.txt", banners) == "linux.sections");
}

TEST_CASE("detect traps: /proc/*/exe listings behind a screenful of ls errors", "[linux][detect]") {
    // `ls -l /proc/[0-9]*/exe > f 2>&1` as an unprivileged collector runs it: stderr (one line
    // per kernel thread or exited pid) lands ahead of the rows; the detector used to give up
    // after 20 lines and the file went to text.lines.
    std::string text;
    for (int pid = 2; pid < 70; ++pid) {
        text += "ls: cannot read symbolic link '/proc/" + std::to_string(pid) +
                "/exe': No such file or directory\n";
    }
    text += "lrwxrwxrwx 1 root root 0 Nov 27 07:23 /proc/1/exe -> /usr/lib/systemd/systemd\n";
    text += "lrwxrwxrwx 1 www-data www-data 0 Nov 27 11:09 /proc/4242/exe -> /tmp/.x (deleted)\n";
    text += "lrwxrwxrwx 1 root root 0 Nov 27 11:09 /proc/4250/exe -> /usr/bin/bash\n";
    CHECK(chosen("vm9-process-exe-links.txt", text) == "linux.proc_exe");
    CHECK(chosen("running_processes_full_paths.txt", text) == "linux.proc_exe");
}

TEST_CASE("detect traps: df and date in ru_RU and ja_JP (captured on Debian 12)",
          "[linux][detect]") {
    // LC_ALL=ru_RU.utf8 df -h: two-word column names, and "Cмонтировано" with a Latin C.
    const std::string df_ru =
        "Файловая система        Размер Использовано  Дост Использовано% Cмонтировано в\n"
        "devtmpfs                   12G            0   12G            0% /dev\n"
        "/dev/vda                  252G          41G   55G           43% /\n";
    CHECK(chosen("df_-h.txt", df_ru) == "linux.df");
    const std::string df_ja =
        "ファイルシス            サイズ  使用  残り 使用% マウント位置\n"
        "devtmpfs                   12G     0   12G    0% /dev\n"
        "/dev/vda                  252G   41G   55G   43% /\n";
    CHECK(chosen("df_-h.txt", df_ja) == "linux.df");
    CHECK(chosen("date.txt", "Пт 27 ноя 2026 11:17:10 UTC\n") == "linux.date");
    // The ja_JP date still anchors the collection's year-less times.
    const std::string date_ja = "2026年 11月 27日 金曜日 11:17:10 UTC\n";
    const auto* p = evidenced::parsers::find("linux.date");
    REQUIRE(p != nullptr);
    evidenced::parsers::FileProbe probe{"live_response/system/date.txt", date_ja, date_ja.size()};
    evidenced::parsers::UploadFacts facts;
    evidenced::parsers::MemoryInput in(date_ja);
    p->gather_facts(probe, in, facts);
    CHECK(facts[std::string(evidenced::parsers::linux_cmd::kFactDateUtc)] ==
          "2026-11-27T11:17:10.000Z");
}

TEST_CASE("detect traps: iptables-save under a neutral name is not a login history",
          "[linux][detect]") {
    // Its "# Generated by ... on Fri Nov 27 06:32:29 2026" / "# Completed on ..." comments
    // read as `last` rows and a translated wtmp footer: 19 logins by user "#".
    const std::string save =
        "# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 06:32:29 2026\n"
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p tcp -m tcp --dport 4444 -j DROP\nCOMMIT\n"
        "# Completed on Fri Nov 27 06:32:29 2026\n"
        "# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 06:32:29 2026\n"
        "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n# Completed on Fri Nov 27 06:32:29 2026\n";
    CHECK(chosen("upload/renamed.bin", save) == "linux.iptables");
    CHECK(chosen("case/fw.txt", save) == "linux.iptables");
}
