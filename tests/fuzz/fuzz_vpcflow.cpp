// libFuzzer target for aws.vpcflow: detect(), infer_host() and parse() on arbitrary bytes.
// parse() must never crash, hang or emit invalid JSON, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/output/envelope.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/aws/vpcflow.hpp"
#include "parsers/input.hpp"

namespace {

class CheckingSink final : public evidenced::parsers::RecordSink {
public:
    explicit CheckingSink(const evidenced::parsers::ParseContext& ctx) : ctx_(ctx) {}
    void emit(const evidenced::parsers::Record& r) override {
        line_.clear();
        evidenced::output::render_record(line_, r, ctx_);
        if (!nlohmann::json::accept(line_.substr(0, line_.size() - 1))) {
            __builtin_trap();  // a record that is not valid JSON
        }
    }

private:
    const evidenced::parsers::ParseContext& ctx_;
    std::string line_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const evidenced::settings::Settings kSettings = [] {
        evidenced::settings::Settings s = evidenced::settings::defaults();
        s.vpcflow_formats = evidenced::parsers::aws::elastic_vpcflow_formats();
        return s;
    }();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const evidenced::parsers::Parser& p = evidenced::parsers::aws_vpcflow_parser();
    evidenced::parsers::FileProbe probe;
    probe.path = "AWSLogs/123456789012/x/y.log";
    probe.head = bytes.substr(0, evidenced::parsers::kProbeBytes);
    probe.size = size;
    (void)p.detect(probe);
    (void)p.infer_host(probe);
    evidenced::parsers::ParseContext ctx;
    ctx.incident = "IR";
    ctx.host = "h";
    ctx.source = p.source();
    ctx.file = "evidence/IR/h/x";
    ctx.member = "x";
    ctx.upload_sha256 = "0";
    ctx.collection_time = "2026-11-01T12:00:00.000Z";
    ctx.settings = &kSettings;
    CheckingSink sink(ctx);
    evidenced::parsers::MemoryInput in(bytes, 4096);
    p.parse(in, ctx, sink);
    return 0;
}
