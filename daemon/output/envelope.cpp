#include "daemon/output/envelope.hpp"

#include "daemon/common/json_writer.hpp"
#include "daemon/common/sha256.hpp"

namespace evidenced::output {

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

void render_record(std::string& out, const parsers::Record& r, const parsers::ParseContext& ctx) {
    JsonWriter w(out);
    w.begin_object();
    w.str("@timestamp", r.timestamp.empty() ? ctx.collection_time : std::string_view(r.timestamp));
    w.begin_object("ecs").str("version", kEcsVersion).end_object();
    w.begin_object("event").str("dataset", r.dataset);
    if (r.id.empty()) {
        w.str("id", derived_event_id(ctx.upload_sha256, ctx.file, r.position));
    } else {
        w.str("id", r.id);
    }
    w.str("kind", r.kind);
    if (!r.event_fields.empty()) {
        out.push_back(',');
        out.append(r.event_fields);
    }
    w.end_object();
    w.begin_object("host")
        .str("name", r.host_name.empty() ? ctx.host : std::string_view(r.host_name))
        .end_object();
    if (!r.body.empty()) {
        out.push_back(',');
        out.append(r.body);
    }
    w.begin_object("evidence")
        .str("incident", ctx.incident)
        .str("host", ctx.host)
        .str("source", ctx.source)
        .str("file", ctx.file);
    w.unum(r.by_line ? "line" : "record", r.position);
    w.str("upload_sha256", ctx.upload_sha256).str("member", ctx.member).end_object();
    w.end_object();
    out.push_back('\n');
}

}  // namespace evidenced::output
