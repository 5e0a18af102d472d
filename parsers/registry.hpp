// The parser registry: one table, one line per format (parsers/registry.cpp).
//
// choose() asks every parser's detect() and takes the highest confidence; a tie goes to the
// parser registered first.  The text.lines fallback answers 1 for any text, so it only wins
// when nobody else claims the file.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

std::span<const Parser* const> all();
const Parser* find(std::string_view name);

struct Choice {
    const Parser* parser = nullptr;  // nullptr: nothing claims it (binary, or unparsed off)
    int confidence = 0;
};
Choice choose(const FileProbe& probe);

// While choose() asks the parsers about one probe, what several detectors derive from it
// the same way (the Linux ones all split the head into output lines and read the file
// name's command hint) is worked out once and kept here.  nullptr outside choose().
struct ProbeMemo {
    std::string_view head;  // the probe's head: views into it are what may be memoised
    std::string_view path;
    static constexpr size_t kSlots = 4;
    std::array<std::pair<std::string_view, std::vector<std::string_view>>, kSlots> lines{};
    size_t used = 0;
    std::optional<std::string_view> hint;  // command_hint(path)
};
ProbeMemo* probe_memo();

// Registration functions, one per parser file (ClickHouse-style, no static initialisers).
const Parser& text_lines_parser();

}  // namespace evidenced::parsers
