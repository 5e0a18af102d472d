// The record envelope of DESIGN.md: turns a parser's Record into one JSON Lines line.
//
// Field order is fixed: @timestamp, ecs, event{dataset,id,kind,<parser's event fields>},
// host, <parser's body>, evidence{incident,host,source,file,line|record,upload_sha256,
// member}.  Nothing here reads a clock: the same record renders to the same bytes.
#pragma once

#include <string>

#include "parsers/parser.hpp"

namespace evidenced::output {

inline constexpr const char* kEcsVersion = "8.11.0";

// Appends the rendered line (ending in '\n') to `out`.
void render_record(std::string& out, const parsers::Record& r, const parsers::ParseContext& ctx);

// event.id when the source has none: first 32 hex of
// sha256(upload_sha256 "\n" file "\n" position).
std::string derived_event_id(std::string_view upload_sha256,
                             std::string_view file,
                             uint64_t position);

}  // namespace evidenced::output
