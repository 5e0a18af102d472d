// The record envelope of DESIGN.md: turns a parser's Record into one JSON Lines line.
//
// Field order is fixed: @timestamp, ecs, event{dataset,id,kind,<parser's event fields>},
// host, <parser's body>, evidence{incident,host,source,file,line|record,upload_sha256,
// member}.  Nothing here reads a clock: the same record renders to the same bytes.
#pragma once

#include <string>

#include "daemon/common/sha256.hpp"
#include "parsers/parser.hpp"

namespace evidenced::output {

inline constexpr const char* kEcsVersion = "8.11.0";

// Renders the records of one parse context.  What does not change between its records (the
// evidence object, the host, the hash prefix of derived ids) is built once, so a line costs
// little more than the parser's own fields.  Keeps a reference to ctx.
class Envelope {
public:
    explicit Envelope(const parsers::ParseContext& ctx);
    // Appends the rendered line (ending in '\n') to `out`.
    void render(std::string& out, const parsers::Record& r);

private:
    const parsers::ParseContext& ctx_;
    std::string ctx_host_;       // ,"host":{"name":"<ctx.host>"}
    std::string evidence_head_;  // ,"evidence":{"incident":..,"file":"..",
    std::string evidence_tail_;  // ,"upload_sha256":"..","member":".."}}\n
    Sha256 id_prefix_;           // sha256 state after upload_sha256 "\n" file "\n"
    Sha256 id_;
};

// One-off form of Envelope::render.
void render_record(std::string& out, const parsers::Record& r, const parsers::ParseContext& ctx);

// event.id when the source has none: first 32 hex of
// sha256(upload_sha256 "\n" file "\n" position).
std::string derived_event_id(std::string_view upload_sha256,
                             std::string_view file,
                             uint64_t position);

}  // namespace evidenced::output
