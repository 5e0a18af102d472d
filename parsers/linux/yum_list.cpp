// linux.yum_list: `yum list installed` / `dnf list installed` (UAC packages/
// yum_list_installed.txt, dnf_list_installed.txt).  A package installed from a local file
// shows "@commandline" (dnf) or "installed" (yum without history) as its repository -- what
// an intruder's hand-carried rpm looks like.
//
// One record per package: name, architecture (split off name.arch at the last dot), version
// as printed ([epoch:]version-release), epoch, repo as printed ("@baseos"), section
// ("Installed Packages", "Available Packages", dnf5's "Installed packages").  yum/dnf put a
// name.arch wider than its column on a line of its own and the version and repo on the next
// (indented) line; such rows are joined.  The preamble before the first section title
// ("Loaded plugins: ...", " * base: mirror", "Last metadata expiration check: ...") is
// skipped.  ECS package.name, package.version (version-release, no epoch),
// package.architecture, package.type "rpm".
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

constexpr std::string_view kArches[] = {
    "x86_64",  "noarch",   "i686",   "i586",    "i386", "aarch64", "ppc64le", "ppc64", "s390x",
    "armv7hl", "armv7hnl", "armhfp", "riscv64", "src",  "athlon",  "ia32e",   "(none)"};

bool is_section(std::string_view t) {
    return t == "Installed Packages" || t == "Available Packages" || t == "Installed packages" ||
           t == "Available packages" || t == "Extra Packages" || t == "Upgraded Packages" ||
           t == "Obsoleting Packages" || t == "Recently Added Packages" ||
           t == "Available Upgrades" || t == "Updated Packages";
}

struct NameArch {
    std::string_view name, arch;
};

bool split_name_arch(std::string_view na, NameArch& out) {
    const size_t dot = na.rfind('.');
    if (dot == std::string_view::npos || dot == 0 ||
        na.find_first_of("/=:,") != std::string_view::npos) {
        return false;
    }
    const std::string_view a = na.substr(dot + 1);
    for (std::string_view k : kArches) {
        if (a == k) {
            out.name = na.substr(0, dot);
            out.arch = a;
            return true;
        }
    }
    return false;
}

// "1:1.18.8-2.el7_9" / "2.2.51-15.el7": a digit first (after any epoch), a release dash.
bool version_like(std::string_view v) {
    const size_t colon = v.find(':');
    if (colon != std::string_view::npos) {
        if (!to_int(v.substr(0, colon))) {
            return false;
        }
        v = v.substr(colon + 1);
    }
    // gpg-pubkey.(none)'s version is a key id in hex.
    const bool lead = !v.empty() && ((v[0] >= '0' && v[0] <= '9') || (v[0] >= 'a' && v[0] <= 'f'));
    return lead && v.find('-') != std::string_view::npos &&
           v.find_first_of(" /@") == std::string_view::npos;
}

struct Pkg {
    std::string_view first_line;
    NameArch na;
    std::string_view version, repo;
};

// The rows of a listing: one line of three fields, or a name.arch alone followed by an
// indented line holding the version and the repo.
template <typename Row, typename Bad, typename Section>
void walk(const std::vector<std::string_view>& lines, Row&& row, Bad&& bad, Section&& section) {
    bool in_section = false;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const std::string_view t = trim(line);
        if (t.empty()) {
            continue;
        }
        if (is_section(t)) {
            in_section = true;
            section(t);
            continue;
        }
        if (!in_section) {
            continue;  // preamble
        }
        auto w = split_ws(t);
        Pkg p;
        p.first_line = line;
        if (w.size() == 1 && i + 1 < lines.size() && !lines[i + 1].empty() &&
            (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
            const auto tail = split_ws(trim(lines[i + 1]));
            if (tail.size() == 2 || tail.size() == 1) {
                ++i;
                for (std::string_view x : tail) {
                    w.push_back(x);
                }
                // A long version pushes the repo onto a third line.
                if (w.size() == 2 && i + 1 < lines.size() && !lines[i + 1].empty() &&
                    lines[i + 1][0] == ' ') {
                    const auto repo = split_ws(trim(lines[i + 1]));
                    if (repo.size() == 1) {
                        ++i;
                        w.push_back(repo[0]);
                    }
                }
            }
        } else if (w.size() == 2 && i + 1 < lines.size() && !lines[i + 1].empty() &&
                   lines[i + 1][0] == ' ') {
            const auto repo = split_ws(trim(lines[i + 1]));
            if (repo.size() == 1) {
                ++i;
                w.push_back(repo[0]);
            }
        }
        if (w.size() == 3 && split_name_arch(w[0], p.na) && version_like(w[1])) {
            p.version = w[1];
            p.repo = w[2];
            row(p);
        } else {
            bad(line);
        }
    }
}

class YumListParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.yum_list";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "yum_list");
        auto lines = output_lines(whole_lines(probe));
        // The last line of a probe may be cut short.
        if (probe.size > probe.head.size() && !lines.empty()) {
            lines.pop_back();
        }
        size_t good = 0;
        size_t bad = 0;
        size_t sections = 0;
        walk(
            lines, [&](const Pkg&) { ++good; }, [&](std::string_view) { ++bad; },
            [&](std::string_view) { ++sections; });
        if (sections == 0 || bad * 10 > good) {
            return 0;
        }
        if (good == 0) {
            // "Installed Packages" and nothing else: only with the file name.
            return hinted && bad == 0 ? 85 : 0;
        }
        return hinted ? 92 : 86;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::string_view section;
        std::string vr;
        walk(
            output_lines(text),
            [&](const Pkg& p) {
                std::string_view v = p.version;
                std::string_view epoch;
                if (const size_t colon = v.find(':'); colon != std::string_view::npos) {
                    epoch = v.substr(0, colon);
                    v = v.substr(colon + 1);
                }
                const size_t dash = v.rfind('-');
                r.clear();
                r.dataset = "linux.yum_list";
                r.position = ln.of(p.first_line);
                JsonWriter j(r.body);
                j.resume_object(false).begin_object("linux").begin_object("yum_list");
                j.str("name", p.na.name).str("architecture", p.na.arch);
                j.str("version", p.version);
                if (!epoch.empty()) {
                    j.num("epoch", *to_int(epoch));
                }
                j.str("release", v.substr(dash + 1));
                j.str("repo", p.repo).opt_str("section", section);
                j.end_object().end_object();
                j.begin_object("package").str("name", p.na.name).str("version", v);
                j.str("architecture", p.na.arch).str("type", "rpm").end_object();
                sink.emit(r);
            },
            [&](std::string_view line) {
                sink.emit(
                    make_error_record(ln.of(line), true, "yum_list: row does not parse", line));
            },
            [&](std::string_view t) { section = t; });
        if (cut) {
            sink.emit(make_error_record(0, true, "yum_list: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_yum_list_parser() {
    static const YumListParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
