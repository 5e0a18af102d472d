// linux.pvdisplay, linux.vgdisplay, linux.lvdisplay: LVM's "--- Physical volume ---" /
// "--- Volume group ---" / "--- Logical volume ---" blocks (UAC storage/pvdisplay.txt,
// vgdisplay.txt, lvdisplay.txt).
//
// One record per block: section (the block's title: "Physical volume", "NEW Physical
// volume", "Logical volume", vgdisplay -v's "Physical volumes"...) and every "Key  value" line
// under the key's snake_case form ("PV Name" -> pv_name, "Alloc PE / Size" ->
// alloc_pe_size, "# open" -> open, "- currently set to" -> currently_set_to).  Keys and
// values are cut at the block's value column (LVM pads keys to one width; some keys hold
// two spaces, "Free  PE / Size"), so an empty value ("System ID") stays empty.  A line
// indented to the value column continues the previous value ("LV snapshot status  source of"
// / "snap [active]", joined with "; ").  Whole integers are numbers.  lvdisplay's "LV Creation
// host, time  h, 2026-11-27 03:12:40 +0000" also gives lv_creation_host, lv_creation_time
// and @timestamp: when an LV (a snapshot to copy a disk, a hidden volume) was made.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "--- Logical volume ---" -> "Logical volume"; empty if not a title.
std::string_view block_title(std::string_view line) {
    const std::string_view t = trim(line);
    if (t.size() < 8 || !t.starts_with("--- ") || !t.ends_with(" ---")) {
        return {};
    }
    return trim(t.substr(4, t.size() - 8));
}

std::string snake(std::string_view k) {
    std::string out;
    for (char c : k) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    while (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out;
}

// The lines of the text, '\r' removed and prompt lines dropped.  Not output_lines(): it
// takes the first "--- Physical volume ---" for a banner and drops it.
std::vector<std::string_view> raw_lines(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view l = text.substr(pos, nl - pos);
        pos = nl + 1;
        while (!l.empty() && l.back() == '\r') {
            l.remove_suffix(1);
        }
        if (!linux_cmd::is_prompt_line(l)) {
            out.push_back(l);
        }
    }
    return out;
}

bool is_noise(std::string_view t) {
    return t.starts_with("WARNING:") || t.starts_with("File descriptor ") ||
           t.starts_with("Devices file ") || t.starts_with("\"") ||
           t.starts_with("No volume groups found");
}

// The value column of a block: the most common start of the text after a line's first run of
// two or more spaces (ties: the rightmost).
size_t value_column(const std::vector<std::string_view>& lines) {
    std::map<size_t, size_t> votes;
    for (std::string_view l : lines) {
        size_t k = l.find_first_not_of(' ');
        if (k == std::string_view::npos) {
            continue;
        }
        const size_t gap = l.find("  ", k);
        if (gap == std::string_view::npos) {
            continue;
        }
        const size_t v = l.find_first_not_of(' ', gap);
        if (v != std::string_view::npos) {
            ++votes[v];
        }
    }
    size_t best = 0;
    size_t n = 0;
    for (const auto& [col, c] : votes) {
        if (c >= n) {
            best = col;
            n = c;
        }
    }
    return best;
}

struct Block {
    std::string_view title;
    std::string_view first;  // title line
    std::vector<std::string_view> lines;
};

// "ubuntu-server, 2026-11-27 03:12:40 +0000" -> epoch seconds.
std::optional<int64_t> creation_time(std::string_view v,
                                     std::string_view& host,
                                     std::string_view& when) {
    const size_t comma = v.rfind(", ");
    if (comma == std::string_view::npos) {
        return std::nullopt;
    }
    host = v.substr(0, comma);
    when = trim(v.substr(comma + 2));
    // "2026-11-27 03:12:40 +0000": ISO with a space before the zone.
    std::string iso(when);
    if (iso.size() == 25 && iso[19] == ' ') {
        iso.erase(19, 1);
    }
    return linux_cmd::parse_iso_time(iso);
}

class LvmDisplayParser final : public Parser {
public:
    LvmDisplayParser(std::string_view command, std::string_view dataset, std::string_view kind)
        : command_(command), dataset_(dataset), kind_(kind) {}

    std::string_view name() const override {
        return dataset_;
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, command_);
        const auto lines = raw_lines(whole_lines(probe));
        size_t seen = 0;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            const std::string_view title = block_title(lines[i]);
            if (!title.empty()) {
                // "NEW Physical volume" (pvdisplay of an unused PV) counts as the same kind.
                if (title != kind_ && title != "NEW " + std::string(kind_)) {
                    return 0;
                }
                // The "--- Logical volume ---" title followed by LVM's first key is
                // unmistakable: above linux.sections, which takes "--- x ---" for banners.
                const std::string_view next = i + 1 < lines.size() ? trim(lines[i + 1]) : "";
                const bool key = next.starts_with("PV Name ") || next.starts_with("VG Name ") ||
                                 next.starts_with("LV Path ") || next.starts_with("LV Name ");
                return key ? 97 : (hinted ? 90 : 0);
            }
            if (++seen >= 3) {
                break;
            }
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::vector<Block> blocks;
        for (std::string_view line : raw_lines(text)) {
            const std::string_view t = trim(line);
            if (const std::string_view title = block_title(line); !title.empty()) {
                blocks.push_back({title, line, {}});
                continue;
            }
            if (t.empty() || is_noise(t)) {
                continue;
            }
            if (blocks.empty()) {
                sink.emit(make_error_record(
                    ln.of(line), true, std::string(command_) + ": line outside a block", line));
                continue;
            }
            blocks.back().lines.push_back(line);
        }
        Record r;
        for (const Block& b : blocks) {
            const size_t col = value_column(b.lines);
            std::vector<std::pair<std::string, std::string>> kv;
            for (std::string_view l : b.lines) {
                std::string_view key;
                std::string_view value;
                const size_t lead = l.find_first_not_of(' ');
                if (col > 0 && lead >= col) {
                    if (!kv.empty()) {
                        kv.back().second.append(kv.back().second.empty() ? "" : "; ");
                        kv.back().second.append(trim(l));
                    }
                    continue;
                }
                if (col > 0 && l.size() > col && l[col - 1] == ' ') {
                    key = trim(l.substr(0, col));
                    value = trim(l.substr(col));
                } else if (col > 0 && l.size() <= col) {
                    key = trim(l);
                } else {
                    const size_t gap = l.find("  ", lead);
                    key = trim(l.substr(0, gap));
                    value =
                        gap == std::string_view::npos ? std::string_view{} : trim(l.substr(gap));
                }
                std::string k = snake(key);
                if (k.empty()) {
                    sink.emit(make_error_record(
                        ln.of(l), true, std::string(command_) + ": line does not parse", l));
                    continue;
                }
                kv.emplace_back(std::move(k), std::string(value));
            }
            r.clear();
            r.dataset = dataset_;
            r.position = ln.of(b.first);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object(dataset_.substr(6));
            j.str("section", b.title);
            for (const auto& [k, v] : kv) {
                if (const auto n = to_int(v)) {
                    j.num(k, *n);
                } else {
                    j.str(k, v);
                }
                if (k == "lv_creation_host_time") {
                    std::string_view host;
                    std::string_view when;
                    if (const auto t = creation_time(v, host, when)) {
                        j.str("lv_creation_host", host).str("lv_creation_time", when);
                        r.timestamp = linux_cmd::format_utc(*t);
                    }
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(
                0, true, std::string(command_) + ": file too large, rest not parsed"));
        }
    }

private:
    std::string_view command_;
    std::string_view dataset_;
    std::string_view kind_;
};

}  // namespace

const Parser& linux_pvdisplay_parser() {
    static const LvmDisplayParser kParser("pvdisplay", "linux.pvdisplay", "Physical volume");
    return kParser;
}
const Parser& linux_vgdisplay_parser() {
    static const LvmDisplayParser kParser("vgdisplay", "linux.vgdisplay", "Volume group");
    return kParser;
}
const Parser& linux_lvdisplay_parser() {
    static const LvmDisplayParser kParser("lvdisplay", "linux.lvdisplay", "Logical volume");
    return kParser;
}

}  // namespace evidenced::parsers
