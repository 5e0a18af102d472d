#include "parsers/registry.hpp"

#include <array>

namespace evidenced::parsers {

// Each parser file defines one of these.  Adding a format: its .cpp, a declaration here and
// one line in the table below.
const Parser& text_lines_parser();

std::span<const Parser* const> all() {
    // Order breaks confidence ties: specific formats first, the text fallback last.
    static const std::array<const Parser*, 1> kTable = {
        &text_lines_parser(),
    };
    return kTable;
}

const Parser* find(std::string_view name) {
    for (const Parser* p : all()) {
        if (p->name() == name) {
            return p;
        }
    }
    return nullptr;
}

Choice choose(const FileProbe& probe) {
    Choice best;
    for (const Parser* p : all()) {
        const int c = p->detect(probe);
        if (c > best.confidence) {
            best = {p, c};
        }
    }
    return best;
}

}  // namespace evidenced::parsers
