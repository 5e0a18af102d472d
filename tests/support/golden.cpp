#include "tests/support/golden.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include "daemon/output/envelope.hpp"
#include "daemon/settings/settings.hpp"
#include "parsers/input.hpp"
#include "parsers/registry.hpp"

namespace evidenced::testing {

namespace {

class StringSink final : public parsers::RecordSink {
public:
    StringSink(std::string& out, const parsers::ParseContext& ctx) : out_(out), ctx_(ctx) {}
    void emit(const parsers::Record& r) override {
        output::render_record(out_, r, ctx_);
    }

private:
    std::string& out_;
    const parsers::ParseContext& ctx_;
};

const settings::Settings& golden_settings() {
    static const settings::Settings kSettings = settings::defaults();
    return kSettings;
}

}  // namespace

parsers::ParseContext golden_context(std::string_view member, std::string_view source) {
    parsers::ParseContext ctx;
    ctx.incident = "IR-GOLDEN";
    ctx.host = "golden-host";
    ctx.source = source;
    ctx.member = member;
    ctx.upload_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    ctx.collection_time = "2026-11-01T12:00:00.000Z";
    ctx.settings = &golden_settings();
    return ctx;
}

std::string render_file(const parsers::Parser& parser,
                        const std::string& input_path,
                        std::string_view source,
                        const parsers::UploadFacts* facts) {
    const int fd = ::open(input_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("cannot open golden input " + input_path);
    }
    const std::string member = input_path.substr(input_path.find_last_of('/') + 1);
    const std::string file = "evidence/IR-GOLDEN/golden-host/" + std::string(source) + "/" + member;
    parsers::ParseContext ctx = golden_context(member, source);
    ctx.file = file;
    ctx.facts = facts;
    std::string out;
    StringSink sink(out, ctx);
    parsers::FdInput in(fd);
    try {
        parser.parse(in, ctx, sink);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return out;
}

std::string check_golden(const std::string& actual, const std::string& expected_path) {
    const char* update = std::getenv("EVIDENCED_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(expected_path, std::ios::binary | std::ios::trunc) << actual;
        return {};
    }
    std::ifstream f(expected_path, std::ios::binary);
    if (!f) {
        return "missing expected file " + expected_path +
               " (run with EVIDENCED_UPDATE_GOLDEN=1 and review it)";
    }
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string expected = ss.str();
    if (expected == actual) {
        return {};
    }
    std::istringstream a(actual);
    std::istringstream e(expected);
    std::string la;
    std::string le;
    for (size_t n = 1;; ++n) {
        const bool ga = static_cast<bool>(std::getline(a, la));
        const bool ge = static_cast<bool>(std::getline(e, le));
        if (!ga && !ge) {
            return "outputs differ only in trailing bytes";
        }
        if (ga != ge || la != le) {
            return expected_path + ": line " + std::to_string(n) +
                   " differs\n  expected: " + (ge ? le : "<end>") +
                   "\n  actual:   " + (ga ? la : "<end>");
        }
    }
}

std::string chosen_parser(std::string_view path, const std::string& text) {
    const parsers::FileProbe probe{path, std::string_view(text).substr(0, parsers::kProbeBytes),
                                   text.size()};
    const auto c = parsers::choose(probe);
    return c.parser == nullptr ? std::string() : std::string(c.parser->name());
}

std::vector<std::string> linux_golden_inputs(std::string_view command) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    const fs::path dir = fs::path(EVIDENCED_GOLDEN) / "linux" / std::string(command);
    if (!fs::exists(dir)) {
        return out;
    }
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".out") {
            out.push_back(e.path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string expected_path_for(const std::string& input) {
    const size_t dot = input.rfind('.');
    return (dot == std::string::npos ? input : input.substr(0, dot)) + ".expected.jsonl";
}

}  // namespace evidenced::testing
