// Column tables with a header row; see header_table.hpp.
#include "parsers/linux/header_table.hpp"

#include <cctype>

namespace evidenced::parsers::linux_cmd {

std::vector<HeaderColumn> header_columns(std::string_view header,
                                         const std::vector<std::string_view>& multi_word) {
    std::vector<HeaderColumn> cols;
    size_t i = 0;
    while (i < header.size()) {
        if (header[i] == ' ' || header[i] == '\t') {
            ++i;
            continue;
        }
        bool done = false;
        for (std::string_view m : multi_word) {
            if (header.substr(i, m.size()) == m &&
                (i + m.size() == header.size() || header[i + m.size()] == ' ')) {
                cols.push_back(HeaderColumn{header.substr(i, m.size()), i, i + m.size()});
                i += m.size();
                done = true;
                break;
            }
        }
        if (done) {
            continue;
        }
        size_t e = i;
        while (e < header.size() && header[e] != ' ' && header[e] != '\t') {
            ++e;
        }
        cols.push_back(HeaderColumn{header.substr(i, e - i), i, e});
        i = e;
    }
    return cols;
}

bool header_cells(std::string_view row,
                  const std::vector<HeaderColumn>& cols,
                  std::vector<std::string_view>& cells) {
    cells.assign(cols.size(), std::string_view());
    if (cols.empty()) {
        return false;
    }
    std::vector<size_t> first(cols.size(), std::string_view::npos);
    std::vector<size_t> last(cols.size(), 0);
    size_t i = 0;
    while (i < row.size()) {
        if (row[i] == ' ' || row[i] == '\t') {
            ++i;
            continue;
        }
        size_t e = i;
        while (e < row.size() && row[e] != ' ' && row[e] != '\t') {
            ++e;
        }
        size_t col = cols.size();
        for (size_t c = 0; c < cols.size(); ++c) {
            if (i < cols[c].end && e > cols[c].begin) {
                col = c;
                break;
            }
        }
        if (col == cols.size()) {
            for (size_t c = cols.size(); c-- > 0;) {
                if (i >= cols[c].begin) {
                    col = c;
                    break;
                }
            }
        }
        if (col == cols.size()) {
            col = 0;  // left of the first name: a right-aligned first cell wider than its name
        }
        if (first[col] == std::string_view::npos) {
            first[col] = i;
        }
        last[col] = e;
        i = e;
    }
    for (size_t c = 0; c < cols.size(); ++c) {
        if (first[c] != std::string_view::npos) {
            cells[c] = row.substr(first[c], last[c] - first[c]);
        }
    }
    return true;
}

std::string column_key(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c == ' ' || c == '-' || c == '/' || c == '.') {
            if (!out.empty() && out.back() != '_') {
                out.push_back('_');
            }
        } else {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    while (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out;
}

}  // namespace evidenced::parsers::linux_cmd
