// libFuzzer target for the "Linux A" command parsers (ps, netstat, ss, proc_exe, lsof, last,
// lastlog, w, who, sections): every input goes through detect() (with a name hinting each
// command), infer_host(), gather_facts() and parse() of each parser, with and without
// collection facts, and every record must render as one JSON line.  The sections parser
// hands parts to every other registered parser, so those are exercised on split input too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/output/envelope.hpp"
#include "parsers/input.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/registry.hpp"

namespace {

using namespace evidenced::parsers;

class CheckSink final : public RecordSink {
public:
    explicit CheckSink(const ParseContext& ctx) : ctx_(ctx) {}
    void emit(const Record& r) override {
        out_.clear();
        evidenced::output::render_record(out_, r, ctx_);
        if (out_.empty() || out_.back() != '\n' || out_.find('\n') != out_.size() - 1) {
            __builtin_trap();
        }
    }

private:
    const ParseContext& ctx_;
    std::string out_;
};

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
    const std::string path = "live_response/system/" + std::string(kNames[pick]);
    FileProbe probe;
    probe.path = path;
    probe.head = text.substr(0, kProbeBytes);
    probe.size = size;
    UploadFacts facts;
    facts[std::string(linux_cmd::kFactDateUtc)] = "2026-11-27T07:25:40.000Z";
    facts[std::string(linux_cmd::kFactUtcOffset)] = size > 1 && (data[1] & 1) ? "3600" : "0";
    ParseContext ctx;
    ctx.incident = "IR-FUZZ";
    ctx.host = "fuzz-host";
    ctx.source = "linux-commands";
    const std::string file = "evidence/IR-FUZZ/fuzz-host/linux-commands/" + path;  // outlives ctx
    ctx.file = file;
    ctx.member = path;
    ctx.upload_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    ctx.collection_time = "2026-11-01T12:00:00.000Z";
    ctx.facts = size > 2 && (data[2] & 1) ? &facts : nullptr;
    (void)choose(probe);
    for (std::string_view c : kCommands) {
        const Parser* p = find("linux." + std::string(c));
        if (p == nullptr) {
            __builtin_trap();
        }
        const int conf = p->detect(probe);
        if (conf < 0 || conf > 100) {
            __builtin_trap();
        }
        (void)p->infer_host(probe);
        if (p->wants_facts(probe)) {
            UploadFacts f;
            MemoryInput fin(text);
            p->gather_facts(probe, fin, f);
        }
        MemoryInput in(text);
        CheckSink sink(ctx);
        p->parse(in, ctx, sink);
    }
    return 0;
}
