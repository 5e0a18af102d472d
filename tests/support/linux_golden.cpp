#include "tests/support/linux_golden.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

#include "parsers/registry.hpp"
#include "tests/support/collect.hpp"
#include "tests/support/golden.hpp"

namespace evidenced::testing {

size_t check_linux_goldens(
    const std::vector<std::string>& commands,
    size_t min_per_command,
    const std::function<const parsers::UploadFacts*(const std::string&)>& facts_for) {
    size_t files = 0;
    for (const auto& command : commands) {
        const auto* parser = parsers::find("linux." + command);
        INFO(command);
        REQUIRE(parser != nullptr);
        const parsers::UploadFacts* facts = facts_for ? facts_for(command) : nullptr;
        size_t per_command = 0;
        for (const auto& in : linux_golden_inputs(command)) {
            ++per_command;
            INFO(in);
            const std::string actual = render_file(*parser, in, "linux-commands", facts);
            CHECK(check_golden(actual, expected_path_for(in)) == "");
        }
        CHECK(per_command >= min_per_command);
        files += per_command;
    }
    return files;
}

void check_linux_recognised(const std::vector<std::string>& commands) {
    for (const auto& command : commands) {
        for (const auto& in : linux_golden_inputs(command)) {
            const std::string path = "triage/" + std::filesystem::path(in).filename().string();
            INFO(in);
            CHECK(chosen_parser(path, slurp(in)) == "linux." + command);
        }
    }
}

std::string linux_golden_text(std::string_view command, std::string_view name) {
    for (const auto& in : linux_golden_inputs(command)) {
        if (std::filesystem::path(in).filename() == name) {
            return slurp(in);
        }
    }
    FAIL("no golden " << name);
    return {};
}

}  // namespace evidenced::testing
