// The body of the two AWS libFuzzer targets: detect(), infer_host() and parse() of one
// parser on arbitrary bytes; parse() must never crash, hang or emit invalid JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"

namespace evidenced::fuzz {

class CheckingSink final : public parsers::RecordSink {
public:
    explicit CheckingSink(const parsers::ParseContext& ctx) : ctx_(ctx) {}
    void emit(const parsers::Record& r) override {
        line_.clear();
        output::render_record(line_, r, ctx_);
        if (!nlohmann::json::accept(line_.substr(0, line_.size() - 1))) {
            __builtin_trap();  // a record that is not valid JSON
        }
    }

private:
    const parsers::ParseContext& ctx_;
    std::string line_;
};

inline int run_aws_parser(const parsers::Parser& p, const uint8_t* data, size_t size) {
    static const settings::Settings kSettings = [] {
        settings::Settings s = settings::defaults();
        s.vpcflow_formats = parsers::aws::elastic_vpcflow_formats();
        return s;
    }();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    parsers::FileProbe probe;
    probe.path = "AWSLogs/123456789012/x/y.log";
    probe.head = bytes.substr(0, parsers::kProbeBytes);
    probe.size = size;
    (void)p.detect(probe);
    (void)p.infer_host(probe);
    parsers::ParseContext ctx;
    ctx.incident = "IR";
    ctx.host = "h";
    ctx.source = p.source();
    ctx.file = "evidence/IR/h/x";
    ctx.member = "x";
    ctx.upload_sha256 = "0";
    ctx.collection_time = "2026-11-01T12:00:00.000Z";
    ctx.settings = &kSettings;
    CheckingSink sink(ctx);
    parsers::MemoryInput in(bytes, 4096);
    p.parse(in, ctx, sink);
    return 0;
}

}  // namespace evidenced::fuzz
