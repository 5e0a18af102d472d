// libFuzzer target for the "Linux B" command parsers: every input goes through detect()
// (with a few hinting file names), infer_host(), gather_facts() and parse() of each parser,
// and every record must render as one JSON line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/output/envelope.hpp"
#include "parsers/input.hpp"
#include "parsers/registry.hpp"

namespace {

using namespace evidenced::parsers;

class NullSink final : public RecordSink {
public:
    explicit NullSink(const ParseContext& ctx) : ctx_(ctx) {}
    void emit(const Record& r) override {
        out_.clear();
        evidenced::output::render_record(out_, r, ctx_);
        if (out_.empty() || out_.back() != '\n') {
            __builtin_trap();
        }
    }

private:
    const ParseContext& ctx_;
    std::string out_;
};

constexpr std::string_view kCommands[] = {
    "crontab", "passwd",   "group", "ip_addr", "ip_route", "arp",      "systemctl", "mount", "df",
    "uname",   "hostname", "date",  "uptime",  "history",  "iptables", "lsmod",     "dpkg",  "ls"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first byte picks the file name, so the name-hinted paths are explored too.
    const size_t pick = size > 0 ? data[0] % (std::size(kCommands) + 1) : 0;
    const std::string path = pick < std::size(kCommands)
                                 ? "live_response/" + std::string(kCommands[pick]) + ".txt"
                                 : "var/spool/cron/crontabs/root";
    FileProbe probe;
    probe.path = path;
    probe.head = text.substr(0, kProbeBytes);
    probe.size = size;
    ParseContext ctx;
    ctx.incident = "IR-FUZZ";
    ctx.host = "fuzz-host";
    ctx.source = "linux-commands";
    const std::string file = "evidence/IR-FUZZ/fuzz-host/linux-commands/" + path;
    ctx.file = file;
    ctx.member = path;
    ctx.upload_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    ctx.collection_time = "2026-11-01T12:00:00.000Z";
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
            UploadFacts facts;
            MemoryInput fin(text);
            p->gather_facts(probe, fin, facts);
        }
        MemoryInput in(text);
        NullSink sink(ctx);
        p->parse(in, ctx, sink);
    }
    return 0;
}
