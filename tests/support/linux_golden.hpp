// The two checks every Linux command's golden files get, for Catch2 test cases: each input
// renders as its expected file, and the registry picks the command's parser for it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::testing {

// Renders every golden input of linux.<command> for each of `commands` (with the upload
// facts `facts_for(command)` gives, none when it is empty or returns nullptr) and CHECKs it
// against its expected file; CHECKs that each command has at least `min_per_command` inputs.
// Returns how many files it checked.
size_t check_linux_goldens(
    const std::vector<std::string>& commands,
    size_t min_per_command = 1,
    const std::function<const parsers::UploadFacts*(const std::string&)>& facts_for = {});

// CHECKs that the registry gives every golden input of each command, saved by hand under its
// own file name in a folder ("triage/<name>"), to linux.<command>.
void check_linux_recognised(const std::vector<std::string>& commands);

// The text of linux.<command>'s golden input `name` (a Catch2 FAIL when there is none).
std::string linux_golden_text(std::string_view command, std::string_view name);

}  // namespace evidenced::testing
