// linux.snap_list: `snap list` / `snap list --all` (UAC packages/snap_list.txt,
// snap_list_--all.txt).  A snap the intruder installed (a miner, a "--dangerous" local build
// with revision x1 and no publisher, a "--devmode"/"classic" snap that escapes confinement)
// shows here.
//
// One record per row, columns taken from the header ("Name Version Rev Tracking Publisher
// Notes"; snapd before 2.36 printed "Developer" and no Tracking): name, version, rev,
// tracking, publisher (without the verified mark), publisher_verified (the "✓" or "**" snapd
// prints after a verified account), publisher_starred ("✪"), notes (the comma list, "-" = none)
// and disabled (a revision `--all` lists but does not run).  ECS package.name/version/type.
// "No snaps are installed yet." gives no record.  Values hold no spaces: snap pads columns.
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
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kVerified = "\xE2\x9C\x93";  // U+2713 CHECK MARK
constexpr std::string_view kStarred = "\xE2\x9C\xAA";   // U+272A CIRCLED WHITE STAR

bool is_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 4 && w.size() <= 7 && w[0] == "Name" && w[1] == "Version" && w[2] == "Rev" &&
           (w[3] == "Tracking" || w[3] == "Developer" || w[3] == "Publisher");
}

bool is_empty_message(std::string_view t) {
    return t.starts_with("No snaps are installed yet") || t.starts_with("No matching snaps");
}

// Snap names: lower-case letters, digits and dashes.
bool snap_name(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

class SnapListParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.snap_list";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "snap_list");
        const auto lines = output_lines(whole_lines(probe));
        const size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        if (is_header(lines[i])) {
            return hinted ? 95 : 90;
        }
        return hinted && is_empty_message(trim(lines[i])) ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::vector<std::string> cols;
        std::string notes_buf;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_empty_message(t)) {
                continue;
            }
            if (is_header(line)) {
                cols.clear();
                for (std::string_view w : split_ws(t)) {
                    cols.emplace_back(w);
                }
                continue;
            }
            const auto w = split_ws(t);
            if (cols.empty() || w.size() != cols.size() || !snap_name(w[0])) {
                sink.emit(
                    make_error_record(ln.of(line), true, "snap_list: row does not parse", line));
                continue;
            }
            std::string_view name, version, rev, tracking, publisher, notes;
            for (size_t c = 0; c < cols.size(); ++c) {
                const std::string& h = cols[c];
                if (h == "Name") {
                    name = w[c];
                } else if (h == "Version") {
                    version = w[c];
                } else if (h == "Rev") {
                    rev = w[c];
                } else if (h == "Tracking") {
                    tracking = w[c];
                } else if (h == "Publisher" || h == "Developer") {
                    publisher = w[c];
                } else if (h == "Notes") {
                    notes = w[c];
                }
            }
            bool verified = false;
            bool starred = false;
            if (publisher.ends_with(kVerified)) {
                publisher.remove_suffix(kVerified.size());
                verified = true;
            } else if (publisher.ends_with(kStarred)) {
                publisher.remove_suffix(kStarred.size());
                starred = true;
            } else if (publisher.size() > 2 && publisher.ends_with("**")) {
                publisher.remove_suffix(2);
                verified = true;
            } else if (publisher.size() > 1 && publisher.ends_with("*")) {
                publisher.remove_suffix(1);
                starred = true;
            }
            r.clear();
            r.dataset = "linux.snap_list";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("snap_list");
            j.str("name", name);
            j.opt_str("version", version);
            j.opt_str("rev", rev);
            if (tracking != "-") {
                j.opt_str("tracking", tracking);
            }
            if (!publisher.empty() && publisher != "-") {
                j.str("publisher", publisher);
                j.boolean("publisher_verified", verified);
                if (starred) {
                    j.boolean("publisher_starred", true);
                }
            }
            bool disabled = false;
            if (!notes.empty() && notes != "-") {
                j.begin_array("notes");
                size_t pos = 0;
                while (pos <= notes.size()) {
                    size_t comma = notes.find(',', pos);
                    if (comma == std::string_view::npos) {
                        comma = notes.size();
                    }
                    const std::string_view n = notes.substr(pos, comma - pos);
                    if (!n.empty()) {
                        j.value_str(n);
                        disabled = disabled || n == "disabled";
                    }
                    pos = comma + 1;
                }
                j.end_array();
            }
            j.boolean("disabled", disabled);
            j.end_object().end_object();
            j.begin_object("package").str("name", name).opt_str("version", version);
            j.str("type", "snap").end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "snap_list: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_snap_list_parser() {
    static const SnapListParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
