// Localised outputs (de_DE, ru_RU, ja_JP; a few zh_CN/ko_KR/fr_FR/es_ES `date` lines) of date,
// uptime, w, who, last/lastb and lastlog as Debian 12 prints them, and the daylight-saving
// rules of the zones beyond EU/US.  Inputs: tests/fixtures/linux/locale/ (real captures, see
// tests/fixtures/linux/ORIGINS.md, section "locale/").
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "parsers/input.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"

namespace fs = std::filesystem;
namespace lc = evidenced::parsers::linux_cmd;
using evidenced::parsers::FileProbe;
using evidenced::parsers::MemoryInput;
using evidenced::parsers::ParseContext;
using evidenced::parsers::Record;
using evidenced::parsers::RecordSink;
using evidenced::parsers::UploadFacts;
using json = nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
    return evidenced::testing::slurp(std::string(EVIDENCED_FIXTURES) + "/linux/locale/" + name);
}

using Doc = evidenced::testing::Collected;

UploadFacts facts_from_date_text(const std::string& text) {
    const auto* p = evidenced::parsers::find("linux.date");
    REQUIRE(p != nullptr);
    FileProbe probe{"live_response/system/date.txt", text, text.size()};
    UploadFacts facts;
    MemoryInput in(text);
    p->gather_facts(probe, in, facts);
    return facts;
}

UploadFacts facts_from_date(const std::string& line) {
    return facts_from_date_text(line + "\n");
}

lc::TimeAnchor anchor(const UploadFacts& facts) {
    ParseContext ctx;
    ctx.facts = &facts;
    return lc::time_anchor(ctx);
}

int64_t utc(int y, int mo, int d, int h, int mi) {
    return lc::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
           h * 3600 + mi * 60;
}

std::vector<Doc> run(std::string_view parser,
                     const std::string& text,
                     const UploadFacts* facts,
                     std::string_view member = "x.txt") {
    return evidenced::testing::run_parser(parser, text, member, facts, "2026-11-27T12:05:00.000Z");
}

size_t errors(const std::vector<Doc>& docs) {
    size_t n = 0;
    for (const Doc& d : docs) {
        n += d.dataset == "evidenced.error" ? 1 : 0;
    }
    return n;
}

std::vector<std::string> fixtures_starting(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& e :
         fs::directory_iterator(fs::path(EVIDENCED_FIXTURES) / "linux" / "locale")) {
        const std::string name = e.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".txt")) {
            out.push_back(name);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The collection's own `date` (de_DE, TZ=UTC) taken a few seconds after w/who/last ran.
const UploadFacts& utc_facts() {
    static const UploadFacts kFacts = facts_from_date_text(fixture("date.de_DE.UTC.txt"));
    return kFacts;
}

}  // namespace

// ---- date -----------------------------------------------------------------------------------

TEST_CASE("locale: every captured date line is claimed by linux.date, named or not",
          "[linux][locale]") {
    const auto names = fixtures_starting("date");
    REQUIRE(names.size() >= 18);
    for (const std::string& name : names) {
        INFO(name);
        const std::string text = fixture(name);
        CHECK(evidenced::testing::chosen_parser("live_response/system/date.txt", text) ==
              "linux.date");
        CHECK(evidenced::testing::chosen_parser("triage/" + name, text) == "linux.date");
        // A lone line with a zone and a weekday that matches its date needs no name; `%c`
        // (no zone) does.
        if (name.find("%c") == std::string::npos) {
            CHECK(evidenced::testing::chosen_parser("triage/snapshot.txt", text) == "linux.date");
        }
        const auto docs = run("linux.date", text, nullptr);
        REQUIRE(docs.size() == 1);
        CHECK(docs[0].dataset == "linux.date");
        CHECK(docs[0].body["linux"]["date"]["year"] == 2026);
        CHECK(docs[0].body["linux"]["date"]["raw"] == text.substr(0, text.find('\n')));
    }
}

TEST_CASE("locale: ja_JP date lines are read and feed the collection facts", "[linux][locale]") {
    const std::string text = fixture("date.ja_JP.UTC.txt");
    REQUIRE(text == "2026年 11月 27日 金曜日 11:58:13 UTC\n");
    const auto docs = run("linux.date", text, nullptr);
    REQUIRE(docs.size() == 1);
    const json& d = docs[0].body["linux"]["date"];
    CHECK(docs[0].timestamp == "2026-11-27T11:58:13.000Z");
    CHECK(d["month_num"] == 11);
    CHECK(d["day"] == 27);
    CHECK(d["weekday"] == "金曜日");
    CHECK(d["weekday_num"] == 5);
    CHECK(d["timezone"] == "UTC");
    CHECK(d["timezone_aware"] == true);

    const UploadFacts f = facts_from_date_text(fixture("date.ja_JP.Asia_Tokyo.txt"));
    CHECK(f.at(std::string(lc::kFactDateUtc)) == "2026-11-27T11:58:13.000Z");
    CHECK(f.at(std::string(lc::kFactUtcOffset)) == "32400");

    // `date +%c`: no zone, glued units.
    const auto c = run("linux.date", fixture("date_+%c.ja_JP.txt"), nullptr);
    REQUIRE(c.size() == 1);
    CHECK(c[0].body["linux"]["date"]["iso"] == "2026-11-27T11:58:13");
    CHECK(c[0].body["linux"]["date"]["timezone_aware"] == false);
    const UploadFacts fc = facts_from_date_text(fixture("date_+%c.ja_JP.txt"));
    CHECK(fc.at(std::string(lc::kFactDateUtc)) == "2026-11-27T11:58:13.000Z");
}

TEST_CASE("locale: de_DE and ru_RU date lines", "[linux][locale]") {
    const auto de = run("linux.date", fixture("date.de_DE.Europe_Berlin.txt"), nullptr);
    REQUIRE(de.size() == 1);
    CHECK(de[0].timestamp == "2026-11-27T11:58:13.000Z");
    CHECK(de[0].body["linux"]["date"]["utc_offset"] == "+0100");
    const auto ru = run("linux.date", fixture("date.ru_RU.Australia_Sydney.txt"), nullptr);
    REQUIRE(ru.size() == 1);
    CHECK(ru[0].timestamp == "2026-11-27T11:58:13.000Z");
    CHECK(ru[0].body["linux"]["date"]["weekday"] == "Пт");
    CHECK(ru[0].body["linux"]["date"]["utc_offset"] == "+1100");
    // The lower-case form some builds print.
    const auto ru2 = run("linux.date", "пт 27 ноя 2026 11:47:40 UTC\n", nullptr);
    REQUIRE(ru2.size() == 1);
    CHECK(ru2[0].timestamp == "2026-11-27T11:47:40.000Z");
    CHECK(evidenced::testing::chosen_parser("triage/x.txt", "пт 27 ноя 2026 11:47:40 UTC\n") ==
          "linux.date");
}

TEST_CASE("locale: zh_CN, ko_KR, fr_FR, es_ES date lines", "[linux][locale]") {
    // Asia/Shanghai prints CST; in a zh_CN line that is China (+08:00), not US Central.
    const auto zh = run("linux.date", fixture("date.zh_CN.Asia_Shanghai.txt"), nullptr);
    REQUIRE(zh.size() == 1);
    CHECK(zh[0].timestamp == "2026-11-27T12:01:32.000Z");
    CHECK(zh[0].body["linux"]["date"]["utc_offset"] == "+0800");
    const UploadFacts f = facts_from_date_text(fixture("date.zh_CN.Asia_Shanghai.txt"));
    CHECK(f.at(std::string(lc::kFactUtcOffset)) == "28800");
    CHECK(f.count(std::string(lc::kFactZone)) == 0);  // not the US rule
    CHECK(anchor(f).dst == lc::DstRule::kNone);

    for (const char* name : {"date.ko_KR.Asia_Shanghai.txt", "date.fr_FR.Asia_Shanghai.txt",
                             "date.es_ES.Asia_Shanghai.txt"}) {
        INFO(name);
        const auto d = run("linux.date", fixture(name), nullptr);
        REQUIRE(d.size() == 1);
        CHECK(d[0].body["linux"]["date"]["iso"].get<std::string>().starts_with(
            "2026-11-27T20:01:32"));
    }
}

TEST_CASE("locale: a wrong weekday or a non-date line is not claimed without a name",
          "[linux][locale]") {
    // 2026-11-27 is a Friday.
    CHECK(evidenced::testing::chosen_parser("triage/x.txt", "Mo 27. Nov 11:58:13 UTC 2026\n") !=
          "linux.date");
    CHECK(evidenced::testing::chosen_parser(
              "triage/x.txt", "2026年 11月 27日 月曜日 11:58:13 UTC\n") != "linux.date");
    CHECK(evidenced::testing::chosen_parser("triage/x.txt", "Build 2026 11 27 ok 11:58:13\n") !=
          "linux.date");
}

// ---- daylight saving and zone abbreviations -------------------------------------------------

TEST_CASE("dst: AEDT (Sydney) reads winter wall times as AEST, across the new year",
          "[linux][dst][locale]") {
    const UploadFacts f = facts_from_date_text(fixture("date.de_DE.Australia_Sydney.txt"));
    REQUIRE(f.at(std::string(lc::kFactZone)) == "AEDT");
    const lc::TimeAnchor a = anchor(f);
    CHECK(a.dst == lc::DstRule::kAuSouth);
    CHECK(a.std_offset == 10 * 3600);
    CHECK(lc::wall_to_utc(a, 2026, 7, 1, 12, 0, 0) == utc(2026, 7, 1, 2, 0));       // AEST
    CHECK(lc::wall_to_utc(a, 2026, 1, 15, 12, 0, 0) == utc(2026, 1, 15, 1, 0));     // AEDT
    CHECK(lc::wall_to_utc(a, 2026, 12, 31, 23, 0, 0) == utc(2026, 12, 31, 12, 0));  // AEDT
    // April 5th 2026 (first Sunday): 03:00 AEDT becomes 02:00 AEST.
    CHECK(lc::wall_to_utc(a, 2026, 4, 5, 1, 30, 0) == utc(2026, 4, 4, 14, 30));
    CHECK(lc::wall_to_utc(a, 2026, 4, 5, 4, 0, 0) == utc(2026, 4, 4, 18, 0));
    // October 4th 2026 (first Sunday): 02:00 AEST becomes 03:00 AEDT.
    CHECK(lc::wall_to_utc(a, 2026, 10, 4, 1, 30, 0) == utc(2026, 10, 3, 15, 30));
    CHECK(lc::wall_to_utc(a, 2026, 10, 4, 3, 30, 0) == utc(2026, 10, 3, 16, 30));
    CHECK(a.offset_at_utc(utc(2026, 11, 27, 11, 58)) == 11 * 3600);
}

TEST_CASE("dst: AEST and ACST keep their one offset (Queensland, Northern Territory)",
          "[linux][dst][locale]") {
    // Printed in November (southern summer): the host keeps no DST (Brisbane).
    const lc::TimeAnchor b = anchor(facts_from_date_text(fixture("date.C.Australia_Brisbane.txt")));
    CHECK(b.offset_known);
    CHECK(b.utc_offset == 10 * 3600);
    CHECK(b.dst == lc::DstRule::kNone);
    CHECK(lc::wall_to_utc(b, 2026, 1, 15, 12, 0, 0) == utc(2026, 1, 15, 2, 0));
    // Printed in July: Sydney's winter or Brisbane; the printed offset stays.
    const lc::TimeAnchor w = anchor(facts_from_date("Wed Jul  1 22:00:00 AEST 2026"));
    CHECK(w.dst == lc::DstRule::kNone);
    CHECK(w.utc_offset == 10 * 3600);
    // ACDT says Adelaide: the rule, with its half-hour standard offset.
    const lc::TimeAnchor ad = anchor(facts_from_date("Fri Nov 27 22:28:13 ACDT 2026"));
    CHECK(ad.dst == lc::DstRule::kAuSouth);
    CHECK(ad.std_offset == 9 * 3600 + 1800);
    CHECK(lc::wall_to_utc(ad, 2026, 7, 1, 12, 0, 0) == utc(2026, 7, 1, 2, 30));
    CHECK(anchor(facts_from_date("Wed Jul  1 21:30:00 ACST 2026")).dst == lc::DstRule::kNone);
    // AWST: no DST at all.
    const lc::TimeAnchor p = anchor(facts_from_date("Fri Nov 27 19:58:13 AWST 2026"));
    CHECK(p.utc_offset == 8 * 3600);
    CHECK(p.dst == lc::DstRule::kNone);
}

TEST_CASE("dst: NZDT reads winter wall times as NZST", "[linux][dst][locale]") {
    const lc::TimeAnchor a = anchor(facts_from_date_text(fixture("date.C.Pacific_Auckland.txt")));
    CHECK(a.dst == lc::DstRule::kNz);
    CHECK(a.std_offset == 12 * 3600);
    CHECK(lc::wall_to_utc(a, 2026, 7, 1, 12, 0, 0) == utc(2026, 7, 1, 0, 0));
    CHECK(lc::wall_to_utc(a, 2026, 1, 15, 12, 0, 0) == utc(2026, 1, 14, 23, 0));
    // Last Sunday of September 2026 is the 27th: 02:00 NZST becomes 03:00 NZDT.
    CHECK(lc::wall_to_utc(a, 2026, 9, 27, 1, 0, 0) == utc(2026, 9, 26, 13, 0));
    CHECK(lc::wall_to_utc(a, 2026, 9, 27, 4, 0, 0) == utc(2026, 9, 26, 15, 0));
    // Printed in winter, NZST names the same rule.
    CHECK(anchor(facts_from_date("Wed Jul  1 12:00:00 NZST 2026")).dst == lc::DstRule::kNz);
}

TEST_CASE("dst: IST is not guessed; a printed %z always wins", "[linux][dst][locale]") {
    // India (+05:30), Ireland's summer (+01:00) and Israel (+02:00) all print IST.
    for (const char* name : {"date.C.Asia_Kolkata.txt", "date.C.Europe_Dublin.summer.txt"}) {
        INFO(name);
        const UploadFacts f = facts_from_date_text(fixture(name));
        CHECK(f.count(std::string(lc::kFactUtcOffset)) == 0);
        CHECK(!anchor(f).offset_known);
        const auto d = run("linux.date", fixture(name), nullptr);
        REQUIRE(d.size() == 1);
        CHECK(d[0].body["linux"]["date"]["timezone_aware"] == false);
        CHECK(d[0].body["linux"]["date"]["timezone_ambiguous"] == true);
    }
    const UploadFacts india = facts_from_date("Fri Nov 27 17:31:32 IST +0530 2026");
    CHECK(india.at(std::string(lc::kFactUtcOffset)) == "19800");
    CHECK(india.at(std::string(lc::kFactDateUtc)) == "2026-11-27T12:01:32.000Z");
    // A %z contradicting the abbreviation wins, and then no rule is taken from the name.
    const UploadFacts odd = facts_from_date("Fri Nov 27 12:58:13 CET +0200 2026");
    CHECK(odd.at(std::string(lc::kFactUtcOffset)) == "7200");
    CHECK(anchor(odd).dst == lc::DstRule::kNone);
    // Israel's summer abbreviation is unambiguous: its own rule (Friday before the last
    // Sunday of March; March 27th in 2026).
    const lc::TimeAnchor il = anchor(facts_from_date("Mon Jul 13 15:59:12 IDT 2026"));
    CHECK(il.dst == lc::DstRule::kIsrael);
    CHECK(lc::wall_to_utc(il, 2026, 1, 15, 12, 0, 0) == utc(2026, 1, 15, 10, 0));
    CHECK(lc::wall_to_utc(il, 2026, 3, 27, 1, 0, 0) == utc(2026, 3, 26, 23, 0));
    CHECK(lc::wall_to_utc(il, 2026, 3, 27, 3, 0, 0) == utc(2026, 3, 27, 0, 0));
    CHECK(lc::wall_to_utc(il, 2026, 10, 25, 3, 0, 0) == utc(2026, 10, 25, 1, 0));
}

TEST_CASE("dst: MST printed in July is Arizona; fixed-offset zones", "[linux][dst][locale]") {
    CHECK(anchor(facts_from_date("Wed Jul  1 05:00:00 MST 2026")).dst == lc::DstRule::kNone);
    CHECK(anchor(facts_from_date("Wed Jan  7 05:00:00 MST 2026")).dst == lc::DstRule::kNone);
    CHECK(anchor(facts_from_date("Wed Jul  1 06:00:00 MDT 2026")).dst == lc::DstRule::kUs);
    // Printed in the rule's summer, a standard abbreviation means the host keeps no DST.
    CHECK(anchor(facts_from_date("Wed Jul  1 07:00:00 EST 2026")).dst == lc::DstRule::kNone);
    CHECK(anchor(facts_from_date("Wed Jan  7 07:00:00 EST 2026")).dst == lc::DstRule::kUs);
    struct Z {
        const char* line;
        int offset;
    };
    for (const Z& z :
         {Z{"Fri Nov 27 20:58:13 JST 2026", 9 * 3600}, Z{"Fri Nov 27 20:58:13 KST 2026", 9 * 3600},
          Z{"Fri Nov 27 14:58:13 MSK 2026", 3 * 3600}, Z{"Fri Nov 27 13:58:13 SAST 2026", 2 * 3600},
          Z{"Fri Nov 27 08:58:13 BRT 2026", -3 * 3600},
          Z{"Fri Nov 27 19:58:13 HKT 2026", 8 * 3600}}) {
        INFO(z.line);
        const lc::TimeAnchor a = anchor(facts_from_date(z.line));
        CHECK(a.utc_offset == z.offset);
        CHECK(a.dst == lc::DstRule::kNone);
        CHECK(a.now_utc == utc(2026, 11, 27, 11, 58) + 13);
    }
}

// ---- uptime ---------------------------------------------------------------------------------

TEST_CASE("locale: uptime with decimal commas, -p and -s", "[linux][locale]") {
    for (const char* loc : {"de_DE", "ru_RU", "ja_JP"}) {
        INFO(loc);
        const std::string up = fixture(std::string("uptime.") + loc + ".txt");
        CHECK(evidenced::testing::chosen_parser("triage/uptime.txt", up) == "linux.uptime");
        const auto d = run("linux.uptime", up, nullptr);
        REQUIRE(d.size() == 1);
        const json& u = d[0].body["linux"]["uptime"];
        CHECK(u["load_1m"] == Approx(2.87));
        CHECK(u["load_5m"] == Approx(1.57));
        CHECK(u["load_15m"] == Approx(1.67));
        CHECK(u["uptime_total_seconds"] == 5 * 3600 + 52 * 60);
        CHECK(u["users"] == 0);
        const auto p =
            run("linux.uptime", fixture(std::string("uptime_-p.") + loc + ".txt"), nullptr);
        REQUIRE(p.size() == 1);
        CHECK(p[0].body["linux"]["uptime"]["uptime_total_seconds"] == 5 * 3600 + 52 * 60);
        const auto s =
            run("linux.uptime", fixture(std::string("uptime_-s.") + loc + ".txt"), nullptr);
        REQUIRE(s.size() == 1);
        CHECK(s[0].body["linux"]["uptime"]["since"] == "2026-11-27 06:05:46");
    }
    // The boot time from a localised date and uptime of the same collection.
    UploadFacts f = facts_from_date_text(fixture("date.ja_JP.Asia_Tokyo.txt"));
    const auto* p = evidenced::parsers::find("linux.uptime");
    const std::string up = fixture("uptime.ja_JP.txt");
    FileProbe probe{"live_response/system/uptime.txt", up, up.size()};
    MemoryInput in(up);
    p->gather_facts(probe, in, f);
    CHECK(f.at(std::string(lc::kFactBootTime)) == "2026-11-27T06:06:13.000Z");
}

// ---- w --------------------------------------------------------------------------------------

TEST_CASE("locale: w LOGIN@ in de_DE, ru_RU and ja_JP resolves", "[linux][locale]") {
    std::vector<std::string> names = fixtures_starting("w.");
    for (const std::string& n : fixtures_starting("w_")) {
        names.push_back(n);
    }
    REQUIRE(names.size() == 6);
    for (const std::string& name : names) {
        INFO(name);
        const std::string text = fixture(name);
        CHECK(evidenced::testing::chosen_parser("triage/" + name, text) == "linux.w");
        CHECK(evidenced::testing::chosen_parser("triage/whoandwhat.txt", text) == "linux.w");
        const auto docs = run("linux.w", text, &utc_facts());
        CHECK(errors(docs) == 0);
        REQUIRE(docs.size() == 4);
        CHECK(docs[0].timestamp == "2026-11-27T06:41:00.000Z");
        CHECK(docs[0].body["linux"]["w"]["login_at_precision"] == "minute");
        CHECK(docs[1].body["linux"]["w"]["user"] == "www-data");
        CHECK(docs[1].body["linux"]["w"]["from"] == "198.51.100.7");
        CHECK(docs[1].timestamp == "2026-11-25T22:00:00.000Z");  // Mi22 / Ср22 / 水22
        CHECK(docs[1].body["linux"]["w"]["login_at_precision"] == "hour");
        CHECK(docs[2].timestamp == "2026-11-12T00:00:00.000Z");  // 12Nov26 / 12ноя26 / 1211月26
        CHECK(docs[3].timestamp == "2026-03-05T00:00:00.000Z");  // 05Mär26 / 05мар26 / 05 3月26
        CHECK(docs[3].body["linux"]["w"]["login_at_precision"] == "day");
        CHECK(docs[3].body["linux"]["w"]["idle"].get<std::string>().ends_with("s"));
        CHECK(docs[3].body["linux"]["w"]["what"] == "sleep 900");
    }
    const auto ja = run("linux.w", fixture("w.ja_JP.txt"), &utc_facts());
    REQUIRE(ja.size() == 4);
    CHECK(ja[3].body["linux"]["w"]["login_at"] == "05 3月26");
    CHECK(ja[2].body["linux"]["w"]["login_at"] == "1211月26");
    // Without the header (w -h), the same rows.
    std::string text = fixture("w.ja_JP.txt");
    text = text.substr(text.find('\n', text.find("USER")) + 1);
    const auto h = run("linux.w", text, &utc_facts());
    CHECK(errors(h) == 0);
    REQUIRE(h.size() == 4);
    CHECK(h[3].timestamp == "2026-03-05T00:00:00.000Z");
    CHECK(h[1].body["linux"]["w"]["from"] == "198.51.100.7");
}

// ---- who ------------------------------------------------------------------------------------

TEST_CASE("locale: who -a and -H in de_DE, ru_RU and ja_JP", "[linux][locale]") {
    for (const std::string& name : fixtures_starting("who")) {
        INFO(name);
        const std::string text = fixture(name);
        CHECK(evidenced::testing::chosen_parser("triage/" + name, text) == "linux.who");
        const auto docs = run("linux.who", text, &utc_facts());
        CHECK(errors(docs) == 0);
        REQUIRE(docs.size() >= 4);
        const Doc& bob = docs.back();
        CHECK(bob.body["linux"]["who"]["user"] == "postgres");
        CHECK(bob.timestamp == "2026-03-05T09:01:00.000Z");
        CHECK(bob.body["source"]["ip"] == "10.0.0.5");
    }
    for (const char* loc : {"de_DE", "ru_RU", "ja_JP"}) {
        INFO(loc);
        const auto a =
            run("linux.who", fixture(std::string("who_-a.") + loc + ".txt"), &utc_facts());
        REQUIRE(a.size() == 6);
        CHECK(a[0].body["linux"]["who"]["event"] == "reboot");
        CHECK(a[0].timestamp == "2026-11-27T06:05:00.000Z");
        CHECK(a[1].body["linux"]["who"]["event"] == "run-level 5");
        CHECK(a[2].body["linux"]["who"]["pid"] == 20049);
    }
}

// ---- last / lastb ---------------------------------------------------------------------------

TEST_CASE("locale: last with a translated 'wtmp begins' footer", "[linux][locale]") {
    for (const std::string& name : fixtures_starting("last")) {
        if (name.starts_with("lastlog")) {
            continue;
        }
        INFO(name);
        const std::string text = fixture(name);
        CHECK(evidenced::testing::chosen_parser("triage/" + name, text) == "linux.last");
        const auto docs = run("linux.last", text, &utc_facts());
        CHECK(errors(docs) == 0);
        REQUIRE(!docs.empty());
        for (const Doc& d : docs) {
            CHECK(!d.timestamp.empty());
        }
    }
    // de: "wtmp beginnt Wed Dec 31 23:40:02 2025"; rows across the new year get their years
    // from the footer.
    const auto de = run("linux.last", fixture("last.de_DE.txt"), nullptr);
    REQUIRE(de.size() == 11);
    CHECK(errors(de) == 0);
    CHECK(de[8].body["linux"]["last"]["user"] == "admin");
    CHECK(de[8].timestamp == "2026-01-02T08:00:00.000Z");
    CHECK(de[9].timestamp == "2025-12-31T23:50:00.000Z");
    CHECK(de[10].timestamp == "2025-12-31T23:40:00.000Z");
    // ja: "wtmp は Wed Dec 31 23:40:02 2025 から始まっています"
    const auto ja = run("linux.last", fixture("last.ja_JP.txt"), nullptr);
    REQUIRE(ja.size() == 11);
    CHECK(ja[9].timestamp == "2025-12-31T23:50:00.000Z");
    // lastb: the btmp footer still marks the rows failed.
    const auto b = run("linux.last", fixture("lastb.de_DE.txt"), nullptr);
    REQUIRE(!b.empty());
    CHECK(errors(b) == 0);
    CHECK(b[0].body["linux"]["last"]["failed"] == true);
    // last -x in Europe/Berlin: CET wall times, the collection's date in CET.
    const UploadFacts cet = facts_from_date_text(fixture("date.de_DE.Europe_Berlin.txt"));
    const auto x = run("linux.last", fixture("last_-x.de_DE.CET.txt"), &cet);
    CHECK(errors(x) == 0);
    REQUIRE(x.size() >= 2);
    CHECK(x.back().timestamp == "2025-12-31T23:40:00.000Z");  // Thu Jan  1 00:40 CET
}

TEST_CASE("locale: a last -F row is no footer", "[linux][locale]") {
    const std::string text =
        "root     console      Fri Nov 27 06:41:10 2026 - Fri Nov 27 07:00:00 2026  (00:18)\n"
        "root     console      Fri Nov 27 05:41:10 2026   still logged in\n"
        "\nwtmp beginnt Wed Dec 31 23:40:02 2025\n";
    const auto docs = run("linux.last", text, nullptr);
    REQUIRE(docs.size() == 2);
    CHECK(errors(docs) == 0);
    CHECK(docs[1].timestamp == "2026-11-27T05:41:10.000Z");
}

// ---- lastlog --------------------------------------------------------------------------------

TEST_CASE("locale: lastlog with localised weekdays and months", "[linux][locale]") {
    for (const std::string& name : fixtures_starting("lastlog")) {
        INFO(name);
        const std::string text = fixture(name);
        CHECK(evidenced::testing::chosen_parser("triage/" + name, text) == "linux.lastlog");
        const auto docs = run("linux.lastlog", text, nullptr);
        CHECK(errors(docs) == 0);
        REQUIRE(docs.size() >= 4);
        CHECK(docs[0].body["linux"]["lastlog"]["username"] == "root");
        CHECK(docs[0].timestamp == "2026-11-27T06:41:10.000Z");
    }
    for (const char* loc : {"de_DE", "ru_RU", "ja_JP"}) {
        INFO(loc);
        const auto t = run("linux.lastlog",
                           fixture(std::string("lastlog_-t_400.") + loc + ".CET.txt"), nullptr);
        REQUIRE(t.size() == 4);
        CHECK(t[2].timestamp == "2026-03-05T09:01:00.000Z");  // 10:01 +0100
        CHECK(t[3].timestamp == "2026-01-02T08:00:00.000Z");
        CHECK(t[3].body["source"]["ip"] == "2001:db8:1::dead:beef");
        const auto all =
            run("linux.lastlog", fixture(std::string("lastlog.") + loc + ".txt"), nullptr);
        size_t never = 0;
        for (const Doc& d : all) {
            never += d.body["linux"]["lastlog"].value("never_logged_in", false) ? 1 : 0;
        }
        CHECK(never + 4 == all.size());
    }
}

TEST_CASE("dst: uptime -s is read with the offset of the boot's own season",
          "[linux][dst][locale]") {
    UploadFacts f = facts_from_date_text(fixture("date.de_DE.Europe_Berlin.txt"));  // CET
    const auto* p = evidenced::parsers::find("linux.uptime");
    REQUIRE(p != nullptr);
    const std::string up = "2026-07-01 10:00:00\n";
    FileProbe probe{"live_response/system/uptime_-s.txt", up, up.size()};
    MemoryInput in(up);
    p->gather_facts(probe, in, f);
    CHECK(f.at(std::string(lc::kFactBootTime)) == "2026-07-01T08:00:00.000Z");  // CEST
}
