// Column tables with a header row (nmcli, loginctl, journalctl --list-boots): the cells of a
// row found by where they sit under the header, so that empty cells (a session without a
// seat) and cells holding spaces ("Wired connection 1") keep their column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evidenced::parsers::linux_cmd {

struct HeaderColumn {
    std::string_view name;  // as printed ("WIFI-HW", "BOOT ID" when given as one name)
    size_t begin = 0;       // byte offsets of the name in the header line
    size_t end = 0;
};

// The header's columns: runs of non-space characters, except that the names listed in
// `multi_word` ("BOOT ID", "FIRST ENTRY") are taken as one column.
std::vector<HeaderColumn> header_columns(std::string_view header,
                                         const std::vector<std::string_view>& multi_word = {});

// The row's cells, one per column (empty when the row has nothing there).  A word goes to the
// column whose name it overlaps, else to the column it starts under (a left-aligned cell
// wider than its name, or right of its right-aligned name); words of one column keep the
// spacing between them.  False for an empty header.
bool header_cells(std::string_view row,
                  const std::vector<HeaderColumn>& cols,
                  std::vector<std::string_view>& cells);

// "WIFI-HW" -> "wifi_hw", "BOOT ID" -> "boot_id".
std::string column_key(std::string_view name);

}  // namespace evidenced::parsers::linux_cmd
