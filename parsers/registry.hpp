// The parser registry: one table, one line per format (parsers/registry.cpp).
//
// choose() asks every parser's detect() and takes the highest confidence; a tie goes to the
// parser registered first.  The text.lines fallback answers 1 for any text, so it only wins
// when nobody else claims the file.
#pragma once

#include <span>
#include <string_view>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

std::span<const Parser* const> all();
const Parser* find(std::string_view name);

struct Choice {
    const Parser* parser = nullptr;  // nullptr: nothing claims it (binary, or unparsed off)
    int confidence = 0;
};
Choice choose(const FileProbe& probe);

// Registration functions, one per parser file (ClickHouse-style, no static initialisers).
const Parser& text_lines_parser();

}  // namespace evidenced::parsers
