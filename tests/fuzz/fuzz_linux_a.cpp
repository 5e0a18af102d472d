// libFuzzer target for the "Linux A" command parsers (ps, netstat, ss, proc_exe, lsof, last,
// lastlog, w, who, sections): every input goes through detect() (with a name hinting each
// command), infer_host(), gather_facts() and parse() of each parser, with and without
// collection facts, and every record must render as one JSON line.  The sections parser
// hands parts to every other registered parser, so those are exercised on split input too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/linux/common.hpp"
#include "tests/fuzz/linux_fuzz.hpp"

namespace {

using namespace evidenced::parsers;
using evidenced::fuzz::LinuxFile;

constexpr std::string_view kCommands[] = {"ps",   "netstat", "ss", "proc_exe", "lsof",
                                          "last", "lastlog", "w",  "who",      "sections"};
constexpr std::string_view kNames[] = {
    "ps_auxf.txt",   "netstat_-nalp.txt", "ss_-anp.txt", "running_processes_full_paths.txt",
    "lsof_-nPl.txt", "lastb_-a_-F.txt",   "lastlog.txt", "whoandwhat.txt",
    "who_-a.txt",    "triage.txt"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) {
        return 0;
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const size_t pick = size > 0 ? data[0] % std::size(kNames) : 0;
    LinuxFile file("live_response/system/" + std::string(kNames[pick]), text);
    UploadFacts facts;
    facts[std::string(linux_cmd::kFactDateUtc)] = "2026-11-27T07:25:40.000Z";
    facts[std::string(linux_cmd::kFactUtcOffset)] = size > 1 && (data[1] & 1) ? "3600" : "0";
    file.ctx.facts = size > 2 && (data[2] & 1) ? &facts : nullptr;
    (void)choose(file.probe);
    for (std::string_view c : kCommands) {
        file.exercise(LinuxFile::command(c));
    }
    return 0;
}
