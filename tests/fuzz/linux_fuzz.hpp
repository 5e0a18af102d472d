// The body shared by the Linux command libFuzzer targets: a file as the pipeline would see it
// (probe + parse context under a chosen path) and one parser run over it — detect(),
// infer_host(), gather_facts() and parse() — where every record must render as exactly one
// JSON line and no call may crash or hang.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/output/envelope.hpp"
#include "parsers/input.hpp"
#include "parsers/registry.hpp"

namespace evidenced::fuzz {

class LineSink final : public parsers::RecordSink {
public:
    explicit LineSink(const parsers::ParseContext& ctx) : ctx_(ctx) {}
    void emit(const parsers::Record& r) override {
        out_.clear();
        output::render_record(out_, r, ctx_);
        if (out_.empty() || out_.back() != '\n' || out_.find('\n') != out_.size() - 1) {
            __builtin_trap();
        }
    }

private:
    const parsers::ParseContext& ctx_;
    std::string out_;
};

// The input under `path` in a linux-commands upload.  Not copyable: probe and ctx point into
// the strings held here.
class LinuxFile {
public:
    LinuxFile(std::string path, std::string_view text)
        : path_(std::move(path)),
          file_("evidence/IR-FUZZ/fuzz-host/linux-commands/" + path_),
          text_(text) {
        probe.path = path_;
        probe.head = text.substr(0, parsers::kProbeBytes);
        probe.size = text.size();
        ctx.incident = "IR-FUZZ";
        ctx.host = "fuzz-host";
        ctx.source = "linux-commands";
        ctx.file = file_;
        ctx.member = path_;
        ctx.upload_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
        ctx.collection_time = "2026-11-01T12:00:00.000Z";
    }
    LinuxFile(const LinuxFile&) = delete;
    LinuxFile& operator=(const LinuxFile&) = delete;

    // One parser over the file, as the pipeline drives it.
    void exercise(const parsers::Parser& p) const {
        const int conf = p.detect(probe);
        if (conf < 0 || conf > 100) {
            __builtin_trap();
        }
        (void)p.infer_host(probe);
        if (p.wants_facts(probe)) {
            parsers::UploadFacts facts;
            parsers::MemoryInput fin(text_);
            p.gather_facts(probe, fin, facts);
        }
        parsers::MemoryInput in(text_);
        LineSink sink(ctx);
        p.parse(in, ctx, sink);
    }

    // The registered parser `linux.<command>`; a missing one is a defect of the target.
    static const parsers::Parser& command(std::string_view command) {
        const parsers::Parser* p = parsers::find("linux." + std::string(command));
        if (p == nullptr) {
            __builtin_trap();
        }
        return *p;
    }

    parsers::FileProbe probe;
    parsers::ParseContext ctx;

private:
    std::string path_;
    std::string file_;
    std::string_view text_;
};

}  // namespace evidenced::fuzz
