// linux.rpm_qa: `rpm -qa` / `rpm -q -a` (UAC packages/rpm_-q_-a.txt, Cat-Scale
// rpm-packages.txt, hand-saved rpm_qa.txt), one NAME-VERSION-RELEASE[.ARCH] per line, and
// UAC's `rpm -q -a --queryformat '%{INSTALLTIME}~%{NAME}~%{VERSION}-%{RELEASE}\n'`
// (rpm_-q_-a_--queryformat_installtime_name_version_release.txt).
//
// One record per package: nvra (as printed), name, version, release, architecture (when the
// last dot-part is a known architecture; gpg-pubkey-<keyid>-<date> rows have none) and, for
// the queryformat file, install_time (epoch seconds, UTC) as package.installed and
// @timestamp, so packages installed during an intrusion sort into the timeline.  ECS
// package.name, package.version (version-release), package.architecture.  jc has no parser.
// The name is split at its last two dashes, as rpm builds it (names may hold dashes,
// versions and releases may not).
#include <cstdint>
#include <optional>
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kArches[] = {
    "x86_64", "noarch",  "i686",     "i586",   "i386",    "aarch64", "ppc64le", "ppc64",
    "s390x",  "armv7hl", "armv7hnl", "armhfp", "riscv64", "src",     "nosrc",   "(none)"};

struct Pkg {
    std::string_view nvra;
    std::string_view name, version, release, arch;
    std::optional<int64_t> install_time;
};

bool plain_token(std::string_view s) {
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '/' || c == '=' || c == ':' || c == ',') {
            return false;
        }
    }
    return !s.empty();
}

// NAME-VERSION-RELEASE[.ARCH]; false unless the line has that shape.
bool split_nvra(std::string_view s, Pkg& p) {
    if (!plain_token(s)) {
        return false;
    }
    p.nvra = s;
    const size_t dot = s.rfind('.');
    if (dot != std::string_view::npos) {
        const std::string_view a = s.substr(dot + 1);
        for (std::string_view k : kArches) {
            if (a == k) {
                p.arch = a;
                s = s.substr(0, dot);
                break;
            }
        }
    }
    const size_t d2 = s.rfind('-');
    if (d2 == std::string_view::npos || d2 == 0) {
        return false;
    }
    const size_t d1 = s.rfind('-', d2 - 1);
    if (d1 == std::string_view::npos || d1 == 0 || d1 + 1 == d2 || d2 + 1 == s.size()) {
        return false;
    }
    p.name = s.substr(0, d1);
    p.version = s.substr(d1 + 1, d2 - d1 - 1);
    p.release = s.substr(d2 + 1);
    // A version starts with a digit in all but a few packages (gpg-pubkey's key ids are hex).
    const char v0 = p.version[0];
    return (v0 >= '0' && v0 <= '9') || (v0 >= 'a' && v0 <= 'f');
}

// "1795798845~sshd-helper~1.2.3-4.el9" (UAC's queryformat).
bool split_queryformat(std::string_view s, Pkg& p) {
    const size_t t1 = s.find('~');
    const size_t t2 = t1 == std::string_view::npos ? t1 : s.find('~', t1 + 1);
    if (t2 == std::string_view::npos) {
        return false;
    }
    const auto when = to_int(s.substr(0, t1));
    const std::string_view name = s.substr(t1 + 1, t2 - t1 - 1);
    const std::string_view vr = s.substr(t2 + 1);
    const size_t dash = vr.rfind('-');
    if (!when || name.empty() || dash == std::string_view::npos || dash == 0 ||
        dash + 1 == vr.size() || !plain_token(name) || !plain_token(vr)) {
        return false;
    }
    p.nvra = s;
    p.install_time = when;
    p.name = name;
    p.version = vr.substr(0, dash);
    p.release = vr.substr(dash + 1);
    return true;
}

bool parse_line(std::string_view line, Pkg& p) {
    const std::string_view t = trim(line);
    return t.find('~') != std::string_view::npos ? split_queryformat(t, p) : split_nvra(t, p);
}

struct Survey {
    size_t good = 0, arch = 0, bad = 0;
};

// `dnf history userinstalled` (UAC packages/dnf_history_userinstalled.txt) prints this
// title above its package list.
bool is_title(std::string_view line) {
    return trim(line) == "Packages installed by user";
}

Survey survey(const std::vector<std::string_view>& lines) {
    Survey s;
    for (std::string_view line : lines) {
        if (trim(line).empty() || is_title(line)) {
            continue;
        }
        Pkg p;
        if (parse_line(line, p)) {
            ++s.good;
            s.arch += !p.arch.empty() || p.install_time ? 1 : 0;
        } else {
            ++s.bad;
        }
    }
    return s;
}

class RpmQaParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.rpm_qa";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "rpm_qa");
        const Survey s = survey(output_lines(whole_lines(probe)));
        if (s.good == 0 || s.bad * 20 > s.good) {
            return 0;
        }
        if (hinted) {
            return 90;
        }
        // Content alone: most rows must end in an architecture (or carry an install time).
        return s.arch * 10 >= s.good * 8 && s.good >= 2 ? 72 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::string vr;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty() || is_title(line)) {
                continue;
            }
            Pkg p;
            if (!parse_line(line, p)) {
                sink.emit(
                    make_error_record(ln.of(line), true, "rpm_qa: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.rpm_qa";
            r.position = ln.of(line);
            std::string installed;
            if (p.install_time) {
                installed = linux_cmd::format_utc(*p.install_time);
                r.timestamp = installed;
            }
            vr.assign(p.version).append("-").append(p.release);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("rpm_qa");
            w.str("nvra", p.nvra).str("name", p.name).str("version", p.version);
            w.str("release", p.release).opt_str("architecture", p.arch);
            if (p.install_time) {
                w.num("install_time", *p.install_time);
            }
            w.end_object().end_object();
            w.begin_object("package").str("name", p.name).str("version", vr);
            w.opt_str("architecture", p.arch).opt_str("installed", installed).end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "rpm_qa: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_rpm_qa_parser() {
    static const RpmQaParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
