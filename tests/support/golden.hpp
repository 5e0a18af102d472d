// Golden-file support: run one parser over a fixture with a fixed context and compare the
// rendered JSON Lines with `<case>.expected.jsonl`.  EVIDENCED_UPDATE_GOLDEN=1 rewrites the
// expected file instead (review the diff by hand before committing).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::testing {

// The fixed context every golden file is rendered with.
parsers::ParseContext golden_context(std::string_view member, std::string_view source);

// Parses `input_path` with `parser` and returns the rendered JSONL.
std::string render_file(const parsers::Parser& parser,
                        const std::string& input_path,
                        std::string_view source,
                        const parsers::UploadFacts* facts = nullptr);

// The name of the parser the registry chooses for `text` saved as `path` ("" for none), as
// the pipeline probes it (the first kProbeBytes).
std::string chosen_parser(std::string_view path, const std::string& text);

// The golden inputs of one Linux command: tests/golden/linux/<command>/*.out, sorted
// (none when the directory does not exist).
std::vector<std::string> linux_golden_inputs(std::string_view command);

// `<case>.expected.jsonl` for the input `<case>.out`.
std::string expected_path_for(const std::string& input);

// Compares (or, under EVIDENCED_UPDATE_GOLDEN=1, rewrites) `expected_path`.  Returns "" when
// equal, else a short description of the first difference.
std::string check_golden(const std::string& actual, const std::string& expected_path);

}  // namespace evidenced::testing
