// linux.rpm_qi: `rpm -qi PKG` and `rpm -qai` (all packages, one block each), any rpm version.
//
// One record per package with jc 1.25.5's rpm_qi names: every `Label   : value` line
// snake_cased (name, epoch, version, release, architecture, install_date, group, size,
// license, signature, source_rpm, build_date, build_host, relocations, packager, vendor, url,
// bug_url, summary, description); epoch and size are numbers, the description's lines are
// joined with spaces as jc does.  jc's *_epoch fields (read in the parsing machine's zone)
// are left out; instead install_date_utc / build_date_utc (RFC 3339) are given when the date
// carries its zone (rpm 4.11 `Wed 16 Oct 2019 09:21:42 AM PDT`) or the collection's `date`
// told the host's offset (rpm 4.16+ prints `Fri Nov 27 17:00:45 2026`); the install time is
// also @timestamp and ECS package.installed, so a package installed during an intrusion sorts
// into the timeline.  ECS package.name/version (version-release)/architecture/size/license/
// description.  A block starts at `Name        :` followed by a `Version`/`Epoch` line, so a
// description that mentions "Name:" stays whole.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::FieldCursor;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kLabels[] = {
    "Name",     "Epoch",   "Version",   "Release",    "Architecture", "Install Date", "Group",
    "Size",     "License", "Signature", "Source RPM", "Build Date",   "Build Host",   "Relocations",
    "Packager", "Vendor",  "URL",       "Bug URL",    "Summary",      "Description"};

// The label of a `Label   : value` line when it is one of rpm's; value set to the rest.
std::string_view label_of(std::string_view line, std::string_view* value) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon > 14) {
        return {};
    }
    const std::string_view label = trim(line.substr(0, colon));
    for (std::string_view k : kLabels) {
        if (label == k) {
            std::string_view v = line.substr(colon + 1);
            if (!v.empty() && v[0] == ' ') {
                v.remove_prefix(1);
            }
            *value = trim(v);
            return k;
        }
    }
    return {};
}

std::string snake(std::string_view label) {
    std::string out;
    for (char c : label) {
        out.push_back(c == ' '                 ? '_'
                      : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                               : c);
    }
    return out;
}

bool starts_block(const std::vector<std::string_view>& lines, size_t i) {
    std::string_view v;
    if (label_of(lines[i], &v) != "Name" || i + 1 >= lines.size()) {
        return false;
    }
    const std::string_view next = label_of(lines[i + 1], &v);
    return next == "Epoch" || next == "Version";
}

// Epoch seconds (UTC) of an rpm date, with or without AM/PM and zone; nullopt if unknown.
std::optional<int64_t> rpm_time(std::string_view s, const linux_cmd::TimeAnchor& anchor) {
    int year = 0, month = 0, day = 0, h = -1, mi = 0, sec = 0;
    bool pm = false, am = false;
    std::optional<int> off;
    FieldCursor cur(s);
    for (std::string_view t = cur.next(); !t.empty(); t = cur.next()) {
        if (t.size() == 8 && t[2] == ':' && t[5] == ':') {
            auto hh = to_int(t.substr(0, 2)), mm = to_int(t.substr(3, 2)),
                 ss = to_int(t.substr(6, 2));
            if (hh && mm && ss) {
                h = static_cast<int>(*hh);
                mi = static_cast<int>(*mm);
                sec = static_cast<int>(*ss);
            }
        } else if (t == "PM") {
            pm = true;
        } else if (t == "AM") {
            am = true;
        } else if (auto n = to_int(t)) {
            if (t.size() == 4) {
                year = static_cast<int>(*n);
            } else if (t.size() <= 2) {
                day = static_cast<int>(*n);
            }
        } else if (const int m = linux_cmd::month_number(t); m != 0 && month == 0) {
            month = m;
        } else if (auto z = linux_cmd::zone_offset(t)) {
            off = z;
        }
    }
    if (year == 0 || month == 0 || day == 0 || h < 0 || h > 23) {
        return std::nullopt;
    }
    if (pm && h < 12) {
        h += 12;
    } else if (am && h == 12) {
        h = 0;
    }
    const int64_t wall =
        linux_cmd::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
            86400 +
        h * 3600 + mi * 60 + sec;
    if (off) {
        return wall - *off;
    }
    if (anchor.valid && anchor.offset_known) {
        return wall - anchor.offset_at_wall(wall);
    }
    return std::nullopt;
}

struct Block {
    size_t first = 0;  // line index of "Name"
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    std::string description;
};

class RpmQiParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.rpm_qi";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size() || !starts_block(lines, i)) {
            return 0;
        }
        // Name, then Version/Epoch, Release and Architecture: nothing else prints that.
        size_t labels = 0;
        std::string_view v;
        for (size_t j = i; j < lines.size() && j < i + 8; ++j) {
            labels += label_of(lines[j], &v).empty() ? 0 : 1;
        }
        if (labels < 4) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "rpm_qi") ? 95 : 88;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const linux_cmd::TimeAnchor anchor = linux_cmd::time_anchor(ctx);
        std::vector<Block> blocks;
        bool in_description = false;
        for (size_t i = 0; i < lines.size(); ++i) {
            if (starts_block(lines, i)) {
                blocks.emplace_back();
                blocks.back().first = i;
                in_description = false;
            }
            if (blocks.empty()) {
                if (!trim(lines[i]).empty()) {
                    sink.emit(make_error_record(ln.of(lines[i]), true,
                                                "rpm_qi: text before the first package", lines[i]));
                }
                continue;
            }
            Block& b = blocks.back();
            if (in_description) {
                const std::string_view t = trim(lines[i]);
                if (!t.empty()) {
                    if (!b.description.empty()) {
                        b.description.push_back(' ');
                    }
                    b.description.append(t);
                }
                continue;
            }
            std::string_view value;
            const std::string_view label = label_of(lines[i], &value);
            if (label.empty()) {
                if (!trim(lines[i]).empty()) {
                    sink.emit(make_error_record(ln.of(lines[i]), true,
                                                "rpm_qi: line does not parse", lines[i]));
                }
                continue;
            }
            if (label == "Description") {
                in_description = true;
                b.description.assign(value);
                continue;
            }
            b.fields.emplace_back(label, value);
        }
        Record r;
        for (const Block& b : blocks) {
            r.clear();
            r.dataset = "linux.rpm_qi";
            r.position = ln.of(lines[b.first]);
            std::string_view name, version, release, arch, license;
            std::optional<int64_t> size;
            std::string installed;
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("rpm_qi");
            for (const auto& [label, value] : b.fields) {
                const std::string key = snake(label);
                if ((label == "Epoch" || label == "Size") && to_int(value)) {
                    w.num(key, *to_int(value));
                    if (label == "Size") {
                        size = to_int(value);
                    }
                } else {
                    w.str(key, value);
                }
                if (label == "Install Date" || label == "Build Date") {
                    if (auto t = rpm_time(value, anchor)) {
                        w.str(key + "_utc", linux_cmd::format_utc(*t));
                        if (label == "Install Date") {
                            installed = linux_cmd::format_utc(*t);
                        }
                    }
                }
                name = label == "Name" ? value : name;
                version = label == "Version" ? value : version;
                release = label == "Release" ? value : release;
                arch = label == "Architecture" ? value : arch;
                license = label == "License" ? value : license;
            }
            w.str("description", b.description);
            w.end_object().end_object();
            std::string vr(version);
            if (!release.empty()) {
                vr.append("-").append(release);
            }
            w.begin_object("package").str("name", name).opt_str("version", vr);
            w.opt_str("architecture", arch).opt_str("license", license);
            if (size) {
                w.num("size", *size);
            }
            w.opt_str("installed", installed).end_object();
            r.timestamp = installed;
            sink.emit(r);
        }
        if (blocks.empty()) {
            sink.emit(make_error_record(1, true, "rpm_qi: no package block found"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "rpm_qi: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_rpm_qi_parser() {
    static const RpmQiParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
