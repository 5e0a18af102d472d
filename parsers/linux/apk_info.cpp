// linux.apk_info: Alpine's `apk info -vv` (UAC packages/apk_info_-vv.txt), also `apk info -v`
// (no description).  What is installed on an Alpine host or container.
//
// One record per line "name-version-rN - description": package (as printed), name, version
// (version-rN, apk's pkgver), release (N), description.  The name may hold dashes; the
// version is the part after the last dash-digit that precedes "-r<N>".  "WARNING: ..." lines
// apk prints about its repositories are skipped.  ECS package.name, package.version,
// package.description, package.type "apk".  Bare names (`apk info` without -v) are not
// claimed: nothing tells them from any word list.
#include <string>
#include <string_view>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Pkg {
    std::string_view package, name, version, release, description;
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "busybox-1.36.1-r5" -> busybox, 1.36.1-r5, 5.
bool split_pkgver(std::string_view s, Pkg& p) {
    if (s.empty() || s.find_first_of(" \t/:=") != std::string_view::npos) {
        return false;
    }
    const size_t r = s.rfind("-r");
    if (r == std::string_view::npos || r + 2 >= s.size()) {
        return false;
    }
    p.release = s.substr(r + 2);
    for (char c : p.release) {
        if (!is_digit(c)) {
            return false;
        }
    }
    // The version starts after the last "-<digit>" before the release.
    size_t d = r;
    while (true) {
        d = d == 0 ? std::string_view::npos : s.rfind('-', d - 1);
        if (d == std::string_view::npos) {
            return false;
        }
        if (d + 1 < r && is_digit(s[d + 1])) {
            break;
        }
    }
    if (d == 0) {
        return false;
    }
    p.package = s;
    p.name = s.substr(0, d);
    p.version = s.substr(d + 1);
    return true;
}

bool parse_line(std::string_view t, Pkg& p) {
    const size_t sep = t.find(" - ");
    if (sep == std::string_view::npos) {
        return split_pkgver(t, p);
    }
    if (!split_pkgver(t.substr(0, sep), p)) {
        return false;
    }
    p.description = trim(t.substr(sep + 3));
    return true;
}

bool is_noise(std::string_view t) {
    return t.starts_with("WARNING: ") || t.starts_with("ERROR: ");
}

class ApkInfoParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.apk_info";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "apk_info");
        auto lines = output_lines(whole_lines(probe));
        size_t good = 0;
        size_t described = 0;
        size_t bad = 0;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            Pkg p;
            if (parse_line(t, p)) {
                ++good;
                described += p.description.empty() ? 0 : 1;
            } else {
                ++bad;
            }
        }
        if (good == 0 || bad * 20 > good) {
            return 0;
        }
        if (hinted) {
            return 90;
        }
        // Content alone: "x-1.2-r0 - text" on (nearly) every line.
        return described * 10 >= good * 9 && good >= 3 ? 74 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            Pkg p;
            if (!parse_line(t, p)) {
                sink.emit(
                    make_error_record(ln.of(line), true, "apk_info: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.apk_info";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("apk_info");
            j.str("package", p.package).str("name", p.name).str("version", p.version);
            j.str("release", p.release).opt_str("description", p.description);
            j.end_object().end_object();
            j.begin_object("package").str("name", p.name).str("version", p.version);
            j.opt_str("description", p.description).str("type", "apk").end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "apk_info: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_apk_info_parser() {
    static const ApkInfoParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
