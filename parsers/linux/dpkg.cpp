// linux.dpkg: `dpkg -l` / `dpkg --list` (full width, or cut to a terminal's width).
// One record per package with jc's dpkg-l fields (codes, name, version, architecture,
// description, desired, status, error) plus ECS package.name/version/architecture/
// description.  Cut descriptions stay as printed.
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

bool is_banner(std::string_view t) {
    return t.starts_with("Desired=") || t.starts_with("| Status=") || t.starts_with("|/ Err?") ||
           t.starts_with("||/ Name") || t.starts_with("+++-");
}

std::string_view desired_name(char c) {
    switch (c) {
        case 'u': return "unknown";
        case 'i': return "install";
        case 'r': return "remove";
        case 'p': return "purge";
        case 'h': return "hold";
        default: return {};
    }
}

std::string_view status_name(char c) {
    switch (c) {
        case 'n': return "not installed";
        case 'i': return "installed";
        case 'c': return "config-files";
        case 'u': return "unpacked";
        case 'f': return "failed config";
        case 'h': return "half installed";
        case 'w': return "trigger await";
        case 't': return "trigger pending";
        default: return {};
    }
}

bool codes_ok(std::string_view c) {
    return (c.size() == 2 || c.size() == 3) &&
           !desired_name(static_cast<char>(std::tolower(static_cast<unsigned char>(c[0]))))
                .empty() &&
           !status_name(static_cast<char>(std::tolower(static_cast<unsigned char>(c[1]))))
                .empty() &&
           (c.size() == 2 || c[2] == 'R' || c[2] == 'r');
}

class DpkgParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.dpkg";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "dpkg");
        size_t banner = 0;
        size_t rows = 0;
        for (auto line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (is_banner(t)) {
                ++banner;
            } else if (codes_ok(split_ws(t)[0])) {
                ++rows;
            } else {
                return 0;
            }
        }
        if (banner >= 3) {
            return hinted ? 90 : 85;
        }
        return hinted && rows > 0 ? 80 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        bool arch = true;
        Record r;
        for (auto line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (is_banner(t)) {
                if (t.starts_with("||/ Name")) {
                    arch = t.find("Architecture") != std::string_view::npos ||
                           t.find("Arch") != std::string_view::npos;
                }
                continue;
            }
            const uint64_t pos = ln.of(line);
            const size_t n = arch ? 5 : 4;
            const auto w = split_ws(t, n);
            if (w.size() < n - 1 || !codes_ok(w[0])) {
                sink.emit(make_error_record(pos, true, "dpkg: not a package row", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.dpkg";
            r.position = pos;
            const std::string_view codes = w[0];
            const std::string_view name = w[1];
            const std::string_view version = w[2];
            const std::string_view architecture = arch ? w[3] : std::string_view();
            const std::string_view description =
                w.size() == n ? trim(w[n - 1]) : std::string_view();
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("dpkg");
            jw.str("codes", codes).str("name", name).str("version", version);
            if (arch) {
                jw.str("architecture", architecture);
            }
            jw.str("description", description);
            const auto lc = [](char c) {
                return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            };
            jw.str("desired", desired_name(lc(codes[0])));
            jw.str("status", status_name(lc(codes[1])));
            if (codes.size() == 3) {
                jw.str("error", "reinstall required");
            }
            jw.end_object().end_object();
            jw.begin_object("package").str("name", name).str("version", version);
            if (arch) {
                jw.str("architecture", architecture);
            }
            if (!description.empty()) {
                jw.str("description", description);
            }
            jw.end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "dpkg: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_dpkg_parser() {
    static const DpkgParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
