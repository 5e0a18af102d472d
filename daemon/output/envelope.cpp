#include "daemon/output/envelope.hpp"

#include <charconv>

#include "daemon/common/json_writer.hpp"

namespace evidenced::output {

namespace {

void append_uint(std::string& out, uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_member(std::string& out, std::string_view key, std::string_view value) {
    out.push_back('"');
    out.append(key);
    out.append("\":", 2);
    json_append_string(out, value);
}

}  // namespace

std::string derived_event_id(std::string_view upload_sha256,
                             std::string_view file,
                             uint64_t position) {
    Sha256 h;
    h.update(upload_sha256);
    h.update("\n");
    h.update(file);
    h.update("\n");
    h.update(std::to_string(position));
    return h.hex().substr(0, 32);
}

Envelope::Envelope(const parsers::ParseContext& ctx) : ctx_(ctx) {
    ctx_host_ = ",\"host\":{";
    append_member(ctx_host_, "name", ctx.host);
    ctx_host_.push_back('}');
    evidence_head_ = ",\"evidence\":{";
    append_member(evidence_head_, "incident", ctx.incident);
    evidence_head_.push_back(',');
    append_member(evidence_head_, "host", ctx.host);
    evidence_head_.push_back(',');
    append_member(evidence_head_, "source", ctx.source);
    evidence_head_.push_back(',');
    append_member(evidence_head_, "file", ctx.file);
    evidence_head_.push_back(',');
    evidence_tail_ = ",";
    append_member(evidence_tail_, "upload_sha256", ctx.upload_sha256);
    evidence_tail_.push_back(',');
    append_member(evidence_tail_, "member", ctx.member);
    evidence_tail_.append("}}\n");
    id_prefix_.update(ctx.upload_sha256);
    id_prefix_.update("\n");
    id_prefix_.update(ctx.file);
    id_prefix_.update("\n");
}

void Envelope::render(std::string& out, const parsers::Record& r) {
    out.append("{\"@timestamp\":");
    json_append_string(out,
                       r.timestamp.empty() ? ctx_.collection_time : std::string_view(r.timestamp));
    out.append(",\"ecs\":{\"version\":\"");
    out.append(kEcsVersion);
    out.append("\"},\"event\":{");
    append_member(out, "dataset", r.dataset);
    out.append(",\"id\":");
    if (r.id.empty()) {
        id_.copy_from(id_prefix_);
        char pos[24];
        const auto end = std::to_chars(pos, pos + sizeof pos, r.position).ptr;
        id_.update(pos, static_cast<size_t>(end - pos));
        std::array<unsigned char, 32> md{};
        id_.digest(md);
        static constexpr char kHex[] = "0123456789abcdef";
        char hex[34];
        hex[0] = '"';
        for (size_t i = 0; i < 16; ++i) {
            hex[1 + 2 * i] = kHex[md[i] >> 4];
            hex[2 + 2 * i] = kHex[md[i] & 0xF];
        }
        hex[33] = '"';
        out.append(hex, sizeof hex);
    } else {
        json_append_string(out, r.id);
    }
    out.push_back(',');
    append_member(out, "kind", r.kind);
    if (!r.event_fields.empty()) {
        out.push_back(',');
        out.append(r.event_fields);
    }
    out.push_back('}');
    if (r.host_name.empty() && r.host_fields.empty()) {
        out.append(ctx_host_);
    } else {
        out.append(",\"host\":{");
        append_member(out, "name", r.host_name.empty() ? ctx_.host : r.host_name);
        if (!r.host_fields.empty()) {
            out.push_back(',');
            out.append(r.host_fields);
        }
        out.push_back('}');
    }
    if (!r.body.empty()) {
        out.push_back(',');
        out.append(r.body);
    }
    out.append(evidence_head_);
    out.append(r.by_line ? "\"line\":" : "\"record\":");
    append_uint(out, r.position);
    out.append(evidence_tail_);
}

void render_record(std::string& out, const parsers::Record& r, const parsers::ParseContext& ctx) {
    Envelope(ctx).render(out, r);
}

}  // namespace evidenced::output
