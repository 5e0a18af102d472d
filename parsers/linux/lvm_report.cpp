// linux.pvs, linux.vgs, linux.lvs: LVM's report tables (UAC storage/pvs.txt, vgs.txt,
// lvs.txt).  A snapshot LV of the root volume, a new PV or VG nobody planned shows here.
//
// One record per row, the columns named by LVM's own field names (`lvs -o help`): PV ->
// pv_name, VG -> vg_name, LV -> lv_name, Attr -> pv_attr/vg_attr/lv_attr, PSize -> pv_size,
// #PV -> pv_count, Data% -> data_percent, Cpy%Sync -> copy_percent...; a heading LVM does
// not print by default becomes its snake_case form.  LVM left-aligns text and right-aligns
// sizes and counts, and leaves cells empty (a PV in no VG, an LV without origin): each value
// goes to the column its start (text) or end (numbers) lines up with.  Counts are numbers,
// sizes stay as printed ("<48.00g").  "WARNING:" lines are skipped.
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

struct Span {
    std::string_view text;
    size_t begin = 0, end = 0;  // byte offsets in the line
};

std::vector<Span> spans(std::string_view line) {
    std::vector<Span> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        const size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        if (i > b) {
            out.push_back({line.substr(b, i - b), b, i});
        }
    }
    return out;
}

// LVM's field name for a default heading; "" = derive one.
std::string field_name(std::string_view report, std::string_view h) {
    struct Entry {
        std::string_view heading, field;
    };
    static constexpr Entry kFields[] = {
        {"PV", "pv_name"},
        {"VG", "vg_name"},
        {"LV", "lv_name"},
        {"PSize", "pv_size"},
        {"PFree", "pv_free"},
        {"#PV", "pv_count"},
        {"#LV", "lv_count"},
        {"#SN", "snap_count"},
        {"VSize", "vg_size"},
        {"VFree", "vg_free"},
        {"LSize", "lv_size"},
        {"Pool", "pool_lv"},
        {"Origin", "origin"},
        {"Data%", "data_percent"},
        {"Meta%", "metadata_percent"},
        {"Move", "move_pv"},
        {"Log", "mirror_log"},
        {"Cpy%Sync", "copy_percent"},
        {"Convert", "convert_lv"},
        {"DevSize", "dev_size"},
        {"PE", "pv_pe_count"},
        {"Alloc", "pv_pe_alloc_count"},
        {"Path", "lv_path"},
        {"DMPath", "lv_dm_path"},
        {"Devices", "devices"},
        {"Type", "segtype"},
        {"#Seg", "seg_count"},
    };
    for (const Entry& e : kFields) {
        if (e.heading == h) {
            return std::string(e.field);
        }
    }
    if (h == "Attr" || h == "Fmt" || h == "UUID") {
        std::string out(report.substr(0, 2));  // pv / vg / lv
        out += '_';
        for (char c : h) {
            out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        return out;
    }
    std::string out;
    for (char c : h) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        } else if (c == '%') {
            out += "_percent";
        } else if (c == '#') {
            out += "count_";
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    return out;
}

bool is_noise(std::string_view t) {
    return t.starts_with("WARNING:") || t.starts_with("File descriptor ") ||
           t.starts_with("Devices file ") || t.starts_with("Reading ") ||
           t.starts_with("No volume groups found");
}

// Whether `line` is the report's heading row: first heading names the report's object, and
// a second LVM heading follows.
bool is_heading(std::string_view report, std::string_view line) {
    const auto s = spans(line);
    if (s.size() < 3) {
        return false;
    }
    const std::string_view first = report == "pvs" ? "PV" : report == "vgs" ? "VG" : "LV";
    if (s[0].text != first) {
        return false;
    }
    size_t known = 0;
    for (const Span& sp : s) {
        for (std::string_view k : {"PV", "VG", "LV", "Fmt", "Attr", "PSize", "PFree", "#PV", "#LV",
                                   "#SN", "VSize", "VFree", "LSize", "Pool", "Origin", "Data%"}) {
            known += sp.text == k ? 1 : 0;
        }
    }
    return known >= 3;
}

class LvmReportParser final : public Parser {
public:
    LvmReportParser(std::string_view report, std::string_view dataset)
        : report_(report), dataset_(dataset) {}

    std::string_view name() const override {
        return dataset_;
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, report_);
        size_t seen = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            if (is_heading(report_, line)) {
                return hinted ? 95 : 90;
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
        Record r;
        std::vector<Span> head;
        std::vector<std::string> fields;
        std::vector<std::string_view> cells;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_noise(t)) {
                continue;
            }
            if (is_heading(report_, line)) {
                head = spans(line);
                fields.clear();
                for (const Span& h : head) {
                    fields.push_back(field_name(report_, h.text));
                }
                continue;
            }
            const auto vals = spans(line);
            cells.assign(head.size(), {});
            bool ok = !head.empty() && vals.size() <= head.size();
            for (const Span& v : vals) {
                if (!ok) {
                    break;
                }
                // Left-aligned under its heading, right-aligned to its end, else the column
                // whose stretch (its start to the next one's) holds the value's start.
                size_t col = head.size();
                for (size_t k = 0; k < head.size(); ++k) {
                    if (v.begin == head[k].begin || v.end == head[k].end) {
                        col = k;
                        break;
                    }
                }
                if (col == head.size()) {
                    for (size_t k = 0; k < head.size(); ++k) {
                        const size_t from = k == 0 ? 0 : head[k - 1].end + 1;
                        const size_t to = k + 1 < head.size() ? head[k + 1].begin : SIZE_MAX;
                        if (v.begin >= from && v.end <= to && v.begin < to) {
                            col = k;
                            break;
                        }
                    }
                }
                if (col == head.size() || !cells[col].empty()) {
                    ok = false;
                    break;
                }
                cells[col] = v.text;
            }
            if (!ok || cells[0].empty()) {
                sink.emit(make_error_record(ln.of(line), true,
                                            std::string(report_) + ": row does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = dataset_;
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object(dataset_.substr(6));
            for (size_t k = 0; k < head.size(); ++k) {
                if (cells[k].empty()) {
                    continue;
                }
                const bool count = head[k].text.starts_with("#");
                if (const auto n = count ? to_int(cells[k]) : std::nullopt) {
                    j.num(fields[k], *n);
                } else {
                    j.str(fields[k], cells[k]);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(
                0, true, std::string(report_) + ": file too large, rest not parsed"));
        }
    }

private:
    std::string_view report_;
    std::string_view dataset_;
};

}  // namespace

const Parser& linux_pvs_parser() {
    static const LvmReportParser kParser("pvs", "linux.pvs");
    return kParser;
}
const Parser& linux_vgs_parser() {
    static const LvmReportParser kParser("vgs", "linux.vgs");
    return kParser;
}
const Parser& linux_lvs_parser() {
    static const LvmReportParser kParser("lvs", "linux.lvs");
    return kParser;
}

}  // namespace evidenced::parsers
