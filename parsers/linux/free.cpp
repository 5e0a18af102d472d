// linux.free: `free`, `free -h`, `free -m`/`-b`/`-g`, `free -w` (separate buffers and cache),
// `free -t`/`-l` (Total/Low/High rows), old procps (`cached` column and the
// `-/+ buffers/cache:` row), and localised headers (de, fr, es, ko, zh: `gesamt benutzt frei`,
// `Speicher:`, `메모리:`, `内存：`, decimal commas).
//
// One record per row with jc's names: type (Mem, Swap, Total, Low, High, or the printed label
// when unknown; a localised label is kept in type_label), total, used, free, shared,
// buff_cache, buffers, cache (old procps: cached), available.  Those keys hold the number
// exactly as printed, in the output's unit, which `unit` names (KiB by default; -b/-m/-g and
// friends from the command line the file name or prompt shows; unit_assumed when no name says
// it).  Every value also gets `<key>_bytes`.  Human sizes (`-h`: `7.6Gi`, `3.7G`, `0B`) are
// never passed off as exact numbers: the text stays in `<key>_human`, `<key>_bytes` is its
// approximation (powers of 1024, 1000 with --si) and the row says bytes_approximate.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_double;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// Header word → jc key; "" when unknown.
std::string_view header_key(std::string_view word) {
    static const std::pair<std::string_view, std::string_view> kMap[] = {
        {"total", "total"},
        {"used", "used"},
        {"free", "free"},
        {"shared", "shared"},
        {"buff/cache", "buff_cache"},
        {"buffers", "buffers"},
        {"cache", "cache"},
        {"cached", "cached"},
        {"available", "available"},
        // de
        {"gesamt", "total"},
        {"benutzt", "used"},
        {"frei", "free"},
        {"gemns.", "shared"},
        {"puffer/cache", "buff_cache"},
        {"puffer", "buffers"},
        {"verfügbar", "available"},
        // fr
        {"utilisé", "used"},
        {"libre", "free"},
        {"partagé", "shared"},
        {"tamp/cache", "buff_cache"},
        {"tampon", "buffers"},
        {"disponible", "available"},
        // es
        {"usado", "used"},
        {"compartido", "shared"},
        {"búf/caché", "buff_cache"},
        {"búferes", "buffers"},
        {"caché", "cache"},
        // ko
        {"총계", "total"},
        {"사용", "used"},
        {"여분", "free"},
        {"공유", "shared"},
        {"버퍼/캐시", "buff_cache"},
        {"가용", "available"},
    };
    const std::string l = linux_cmd::ascii_lower(word);
    for (const auto& [from, to] : kMap) {
        if (l == from) {
            return to;
        }
    }
    return {};
}

// Header line → column keys; empty when the line is no free header.
std::vector<std::string_view> parse_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    std::vector<std::string_view> cols;
    if (w.size() < 3 || w.size() > 8) {
        return {};
    }
    size_t known = 0;
    for (auto word : w) {
        const std::string_view k = header_key(word);
        known += k.empty() ? 0 : 1;
        cols.push_back(k);
    }
    // Unknown words (a translation not in the table): only the two modern layouts can be
    // read by position.
    if (known < cols.size()) {
        static constexpr std::string_view kSix[] = {"total",  "used",       "free",
                                                    "shared", "buff_cache", "available"};
        static constexpr std::string_view kSeven[] = {"total",   "used",  "free",     "shared",
                                                      "buffers", "cache", "available"};
        if (known < 3) {
            return {};
        }
        if (cols.size() == 6) {
            cols.assign(std::begin(kSix), std::end(kSix));
        } else if (cols.size() == 7) {
            cols.assign(std::begin(kSeven), std::end(kSeven));
        } else {
            return {};
        }
    }
    if (cols[0] != "total" || cols[1] != "used") {
        return {};
    }
    return cols;
}

// A value of a row: an integer, or a human size ("7.6Gi", "3.7G", "0B", "1,5Gi").
bool is_value(std::string_view v) {
    if (v.empty() || !(v[0] >= '0' && v[0] <= '9')) {
        return false;
    }
    if (to_int(v)) {
        return true;
    }
    size_t n = 0;
    while (n < v.size() && ((v[n] >= '0' && v[n] <= '9') || v[n] == '.' || v[n] == ',')) {
        ++n;
    }
    const std::string_view unit = v.substr(n);
    static constexpr std::string_view kUnits[] = {"B",  "K",  "M",  "G",  "T",  "P", "E",
                                                  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    for (auto u : kUnits) {
        if (unit == u) {
            return to_double(v.substr(0, n)).has_value();
        }
    }
    return false;
}

struct Row {
    std::string_view label;  // without the trailing colon
    std::vector<std::string_view> values;
};

// "Mem:   3861332 222820 ..." / "-/+ buffers/cache:  545264 1515744" / "스  왑:   0B 0B 0B":
// the values are the trailing run of value words, the label is what precedes them.
std::optional<Row> parse_row(std::string_view line) {
    const std::string_view t = trim(line);
    const auto w = split_ws(t);
    size_t first = w.size();
    while (first > 0 && is_value(w[first - 1])) {
        --first;
    }
    if (first == 0 || first == w.size()) {
        return std::nullopt;
    }
    Row row;
    std::string_view label = trim(t.substr(0, static_cast<size_t>(w[first].data() - t.data())));
    if (label.ends_with(":")) {
        label.remove_suffix(1);
    } else if (label.ends_with("：")) {
        label.remove_suffix(std::string_view("：").size());
    } else {
        return std::nullopt;
    }
    row.label = trim(label);
    row.values.assign(w.begin() + static_cast<std::ptrdiff_t>(first), w.end());
    return row;
}

// Printed label → jc's type; "" when unknown.
std::string_view row_type(std::string_view label) {
    static const std::pair<std::string_view, std::string_view> kMap[] = {
        {"Mem", "Mem"},      {"Swap", "Swap"},    {"Total", "Total"},  {"Low", "Low"},
        {"High", "High"},    {"Comm", "Comm"},    {"Speicher", "Mem"}, {"Auslagerung", "Swap"},
        {"Gesamt", "Total"}, {"Échange", "Swap"}, {"Mém", "Mem"},      {"Inter", "Swap"},
        {"메모리", "Mem"},   {"스  왑", "Swap"},  {"스왑", "Swap"},    {"内存", "Mem"},
        {"交换", "Swap"},    {"总量", "Total"},
    };
    for (const auto& [from, to] : kMap) {
        if (label == from) {
            return to;
        }
    }
    if (label.starts_with("-/+ buffers")) {
        return "-/+ buffers/cache";
    }
    return {};
}

// The output's unit from the command line ("free -m", "free m"): bytes per unit, its name.
struct Unit {
    int64_t factor = 1024;
    std::string_view name = "KiB";
    int64_t human_base = 1024;
    bool assumed = false;
};

Unit unit_of(std::string_view member, std::string_view head) {
    const std::string cl = linux_cmd::command_line_hint(member, head);
    Unit u;
    std::vector<std::string> words;
    {
        std::string cur;
        for (char c : cl + " ") {
            if (c == ' ') {
                if (!cur.empty()) {
                    words.push_back(cur);
                }
                cur.clear();
            } else {
                cur.push_back(c);
            }
        }
    }
    size_t at = words.size();
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "free") {
            at = i;
            break;
        }
    }
    if (at == words.size()) {
        u.assumed = true;
        return u;
    }
    bool si = false;
    for (size_t i = at + 1; i < words.size(); ++i) {
        std::string w = words[i];
        if (w == "--si") {
            si = true;
            continue;
        }
        struct Long {
            std::string_view flag;
            int64_t factor;
            std::string_view name;
        };
        static constexpr Long kLong[] = {
            {"--bytes", 1, "B"},
            {"--kibi", 1024, "KiB"},
            {"--mebi", 1024 * 1024, "MiB"},
            {"--gibi", 1024 * 1024 * 1024, "GiB"},
            {"--tebi", 1024LL * 1024 * 1024 * 1024, "TiB"},
            {"--kilo", 1000, "kB"},
            {"--mega", 1000 * 1000, "MB"},
            {"--giga", 1000 * 1000 * 1000, "GB"},
            {"--tera", 1000LL * 1000 * 1000 * 1000, "TB"},
        };
        bool matched = false;
        for (const Long& l : kLong) {
            if (w == l.flag) {
                u.factor = l.factor;
                u.name = l.name;
                matched = true;
            }
        }
        if (matched || w.starts_with("--")) {
            continue;
        }
        // Short flags, with or without the dash ("free_m.txt" → "free m").
        if (w.starts_with("-")) {
            w.erase(0, 1);
        } else if (w.size() > 3) {
            continue;
        }
        for (char c : w) {
            switch (c) {
                case 'b': u.factor = 1, u.name = "B"; break;
                case 'k': u.factor = 1024, u.name = "KiB"; break;
                case 'm': u.factor = 1024 * 1024, u.name = "MiB"; break;
                case 'g': u.factor = 1024 * 1024 * 1024, u.name = "GiB"; break;
                default: break;
            }
        }
    }
    if (si) {
        u.human_base = 1000;
        if (u.name == "KiB") {
            u.factor = 1000;
            u.name = "kB";
        } else if (u.name == "MiB") {
            u.factor = 1000 * 1000;
            u.name = "MB";
        } else if (u.name == "GiB") {
            u.factor = 1000 * 1000 * 1000;
            u.name = "GB";
        }
    }
    return u;
}

// "7.6Gi" → bytes (approximate); nullopt when not a human size.
std::optional<int64_t> human_bytes(std::string_view v, int64_t base) {
    size_t n = 0;
    while (n < v.size() && ((v[n] >= '0' && v[n] <= '9') || v[n] == '.' || v[n] == ',')) {
        ++n;
    }
    std::string_view unit = v.substr(n);
    const auto num = to_double(v.substr(0, n));
    if (!num || unit.empty()) {
        return std::nullopt;
    }
    if (unit.ends_with("i")) {
        unit.remove_suffix(1);
        base = 1024;
    }
    static constexpr std::string_view kUnits = "BKMGTPE";
    const size_t p = kUnits.find(unit);
    if (unit.size() != 1 || p == std::string_view::npos) {
        return std::nullopt;
    }
    double m = *num;
    for (size_t i = 0; i < p; ++i) {
        m *= static_cast<double>(base);
    }
    if (!(m < 9.2e18)) {
        return std::nullopt;
    }
    return static_cast<int64_t>(std::llround(m));
}

struct Probe {
    std::vector<std::string_view> cols;
    size_t rows = 0;
};

// A free header followed by at least one labelled row of values.
Probe sniff(const std::vector<std::string_view>& lines) {
    Probe p;
    for (size_t i = 0; i < lines.size() && i < 12; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        if (p.cols.empty()) {
            p.cols = parse_header(t);
            if (p.cols.empty()) {
                return {};
            }
            continue;
        }
        const auto row = parse_row(t);
        if (!row || row->values.size() > p.cols.size()) {
            break;
        }
        ++p.rows;
    }
    return p;
}

bool name_says_free(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"free", "memory"});
}

class FreeParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.free";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Probe p = sniff(output_lines(whole_lines(probe)));
        if (p.cols.empty() || p.rows == 0) {
            return 0;
        }
        if (name_says_free(probe)) {
            return 90;
        }
        // Content alone: the Mem row under a free header is signature enough.
        return 75;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const Unit unit = unit_of(ctx.member, std::string_view(text).substr(0, 4096));
        std::vector<std::string_view> cols;
        Record r;
        std::string key;
        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (auto h = parse_header(t); !h.empty()) {
                cols = std::move(h);
                continue;
            }
            const auto row = parse_row(t);
            if (cols.empty() || !row || row->values.size() > cols.size()) {
                sink.emit(make_error_record(pos, true, "linux.free: not a free row", line));
                continue;
            }
            const std::string_view type = row_type(row->label);
            // Values fill the columns from the left; the old `-/+ buffers/cache:` row holds
            // only used and free.
            size_t first_col = 0;
            if (type == "-/+ buffers/cache" && row->values.size() == 2) {
                first_col = 1;
            }
            r.clear();
            r.dataset = "linux.free";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("free");
            jw.str("type", type.empty() ? row->label : type);
            if (!type.empty() && type != row->label && type != "-/+ buffers/cache") {
                jw.str("type_label", row->label);
            }
            bool approximate = false;
            for (size_t i = 0; i < row->values.size(); ++i) {
                const std::string_view k = cols[first_col + i];
                const std::string_view v = row->values[i];
                if (const auto n = to_int(v)) {
                    jw.num(k, *n);
                    key.assign(k).append("_bytes");
                    if (*n >= 0 && *n <= INT64_MAX / unit.factor) {
                        jw.num(key, *n * unit.factor);
                    }
                } else if (const auto b = human_bytes(v, unit.human_base)) {
                    key.assign(k).append("_human");
                    jw.str(key, v);
                    key.assign(k).append("_bytes");
                    jw.num(key, *b);
                    approximate = true;
                } else {
                    jw.str(k, v);
                }
            }
            if (approximate) {
                jw.str("unit", "human").boolean("bytes_approximate", true);
            } else {
                jw.str("unit", unit.name);
                if (unit.assumed) {
                    jw.boolean("unit_assumed", true);
                }
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.free: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_free_parser() {
    static const FreeParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
