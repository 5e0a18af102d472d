// linux.uname: `uname -a` (also `uname -r`, bare `uname`, and `-snrvm`-style partial outputs
// when the file name says uname).  One record with jc's fields: kernel_name, node_name,
// kernel_release, kernel_version, machine, processor, hardware_platform, operating_system.
// Feeds the collection facts (host name, kernel) through gather_facts().
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kArchs[] = {
    "x86_64",  "i386",        "i486",    "i586",  "i686",  "aarch64", "arm64", "armv6l",
    "armv7l",  "armv8l",      "ppc64le", "ppc64", "ppc",   "s390x",   "mips",  "mips64",
    "riscv64", "loongarch64", "sparc64", "ia64",  "alpha", "unknown", "amd64", "athlon"};

bool is_arch(std::string_view s) {
    return std::find(std::begin(kArchs), std::end(kArchs), s) != std::end(kArchs);
}

struct Uname {
    std::string_view kernel_name, node_name, kernel_release, kernel_version, machine, processor,
        hardware_platform, operating_system;
    bool full = false;
};

// `uname -a`: "Linux host 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)
// x86_64 GNU/Linux".  The version is free text, so the architecture words are taken from the
// right.
bool parse_uname_a(std::string_view line, Uname& u) {
    auto w = split_ws(trim(line), 3);
    if (w.size() < 3 || (w[0] != "Linux" && w[0] != "GNU/Linux")) {
        return false;
    }
    const std::string_view rest = w[2];
    const auto all = split_ws(rest);
    if (all.size() < 3 || !std::isdigit(static_cast<unsigned char>(all[0][0]))) {
        return false;
    }
    size_t end = all.size();
    if (all[end - 1].find("Linux") != std::string_view::npos || all[end - 1] == "GNU") {
        u.operating_system = all[end - 1];
        --end;
    }
    size_t archs = 0;
    while (archs < 3 && end - archs > 2 && is_arch(all[end - 1 - archs])) {
        ++archs;
    }
    if (archs == 0) {
        return false;
    }
    u.kernel_name = w[0];
    u.node_name = w[1];
    u.kernel_release = all[0];
    // kernel_version = text between the release and the first architecture word.
    const std::string_view first_arch = all[end - archs];
    const size_t vb = static_cast<size_t>(all[1].data() - rest.data());
    const size_t ve = static_cast<size_t>(first_arch.data() - rest.data());
    u.kernel_version = trim(rest.substr(vb, ve - vb));
    u.machine = all[end - archs];
    if (archs == 3) {
        u.processor = all[end - 2];
        u.hardware_platform = all[end - 1];
    } else if (archs == 2) {
        u.processor = all[end - 1];
    }
    u.full = true;
    return !u.kernel_version.empty();
}

std::string_view first_line(std::string_view text) {
    for (std::string_view line : output_lines(text)) {
        if (!trim(line).empty()) {
            return line;
        }
    }
    return {};
}

class UnameParser final : public linux_cmd::CollectionFactsParser {
public:
    std::string_view name() const override {
        return "linux.uname";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "uname");
        const auto lines = output_lines(whole_lines(probe));
        size_t nonempty = 0;
        std::string_view line;
        for (auto l : lines) {
            if (!trim(l).empty()) {
                ++nonempty;
                if (line.empty()) {
                    line = l;
                }
            }
        }
        if (nonempty != 1) {
            return 0;
        }
        Uname u;
        if (parse_uname_a(line, u)) {
            return hinted ? 90 : 70;
        }
        // uname -r / bare uname: short single line, only with the name hint.
        const auto w = split_ws(trim(line));
        return hinted && w.size() <= 5 && trim(line).size() < 200 ? 80 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        const std::string text = read_all(in, 1u << 20);
        LineNumbers ln(text);
        const std::string_view line = first_line(text);
        if (line.empty()) {
            sink.emit(make_error_record(1, true, "uname: empty output"));
            return;
        }
        Record r;
        r.dataset = "linux.uname";
        r.position = ln.of(line);
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("uname");
        Uname u;
        if (parse_uname_a(line, u)) {
            auto opt = [&](std::string_view k, std::string_view v) {
                w.str(k, v.empty() ? std::string_view("unknown") : v);
            };
            w.str("kernel_name", u.kernel_name).str("node_name", u.node_name);
            w.str("kernel_release", u.kernel_release);
            if (!u.operating_system.empty()) {
                w.str("operating_system", u.operating_system);
            }
            opt("hardware_platform", u.hardware_platform);
            opt("processor", u.processor);
            w.str("machine", u.machine).str("kernel_version", u.kernel_version);
        } else {
            // Partial output: name the words we can tell apart.
            const auto words = split_ws(trim(line));
            bool release_seen = false;
            for (auto t : words) {
                if (t == "Linux" || t == "GNU/Linux") {
                    w.str(t == "Linux" ? "kernel_name" : "operating_system", t);
                } else if (!release_seen && std::isdigit(static_cast<unsigned char>(t[0])) &&
                           t.find('.') != std::string_view::npos) {
                    w.str("kernel_release", t);
                    release_seen = true;
                } else if (is_arch(t)) {
                    w.str("machine", t);
                }
            }
            w.str("raw", trim(line));
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_uname_parser() {
    static const UnameParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
