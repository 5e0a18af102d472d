// linux.lsblk: `lsblk`, `lsblk -f`, `lsblk -l`, `lsblk -o COLS`, `lsblk -P` (KEY="value"
// pairs) and the JSON forms `lsblk -J`, `-f -J`, `-l -J` (UAC storage/lsblk*.txt).
// linux.blkid (this file too, it is lsblk's companion): `blkid` lines
// (`/dev/sda1: UUID="…" TYPE="ext4" PARTUUID="…"`, UAC storage/blkid.txt).
//
// lsblk: one record per device with jc 1.25.5's names (the header lower-cased, `:` and `-` to
// `_`, `%` to `_percent`: name, maj_min, rm, size, ro, type, mountpoint(s), fstype, uuid...;
// rm/ro/rota/rand/disc_zero booleans, ra/min_io/... integers, `<size column>_bytes` from the
// human sizes, approximate when the text has a fraction).  The text table is read by display
// column (tree art is multi-byte), a cell being the words under its header; tree art is
// stripped from the name and gives `parent`.  util-linux >= 2.37 prints a device with several
// mount points on continuation lines (jc stops there): they join `mountpoints`.  JSON
// children are flattened in document order with `parent`.
//
// blkid: one record per device: `device` and every KEY lower-cased (uuid, type, label,
// partuuid, block_size, ...), as jc's blkid parser names them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::ascii_lower;
using linux_cmd::basename_contains;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_double;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "MAJ:MIN" -> "maj_min", "FSUSE%" -> "fsuse_percent", "MIN-IO" -> "min_io".
std::string field_name(std::string_view header) {
    std::string out;
    for (char c : ascii_lower(header)) {
        if (c == ':' || c == '-') {
            out.push_back('_');
        } else if (c == '%') {
            out += "_percent";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool is_bool_field(std::string_view f) {
    return f == "rm" || f == "ro" || f == "rota" || f == "disc_zero" || f == "rand" ||
           f == "hotplug" || f == "dax";
}
bool is_int_field(std::string_view f) {
    return f == "ra" || f == "alignment" || f == "min_io" || f == "opt_io" || f == "phy_sec" ||
           f == "log_sec" || f == "rq_size" || f == "disc_aln" || f == "seq";
}
bool is_size_field(std::string_view f) {
    return f == "size" || f == "disc_gran" || f == "disc_max" || f == "wsame" || f == "fsavail" ||
           f == "fssize" || f == "fsused";
}

// "20G" -> bytes (1024-based as lsblk prints), "0B", plain digits (-b); nullopt otherwise.
std::optional<int64_t> size_bytes(std::string_view s) {
    if (s.empty()) {
        return std::nullopt;
    }
    if (auto v = to_int(s)) {
        return *v;
    }
    static constexpr std::string_view kUnits = "BKMGTPE";
    const size_t u = kUnits.find(s.back());
    if (u == std::string_view::npos) {
        return std::nullopt;
    }
    const auto v = to_double(s.substr(0, s.size() - 1));
    if (!v || *v < 0) {
        return std::nullopt;
    }
    const double bytes = *v * std::pow(1024.0, static_cast<double>(u));
    if (!(bytes < 9.0e18)) {
        return std::nullopt;
    }
    return static_cast<int64_t>(bytes);  // truncated, as jc does
}

// One cell value into the record, typed as jc types it.
void put_value(JsonWriter& w, const std::string& f, std::string_view v) {
    if (v.empty()) {
        w.null(f);
        return;
    }
    if (is_bool_field(f) && (v == "0" || v == "1")) {
        w.boolean(f, v == "1");
        return;
    }
    if (is_int_field(f)) {
        if (auto n = to_int(v)) {
            w.num(f, *n);
            return;
        }
    }
    w.str(f, v);
}

void put_size_bytes(JsonWriter& w, const std::string& f, std::string_view v) {
    if (is_size_field(f)) {
        if (auto b = size_bytes(v)) {
            w.num(f + "_bytes", *b);
        }
    }
}

// ---- text table -------------------------------------------------------------------------------

struct Col {
    std::string header;
    std::string field;
    size_t begin = 0;  // display columns
    size_t end = 0;
};

struct Tok {
    std::string_view text;
    size_t begin = 0;  // display column
    size_t end = 0;
    size_t byte_begin = 0;
    size_t byte_end = 0;
};

std::vector<Tok> tokens(std::string_view l) {
    std::vector<Tok> out;
    size_t col = 0;
    size_t i = 0;
    while (i < l.size() && out.size() < 256) {
        if (l[i] == ' ' || l[i] == '\t') {
            col += l[i] == '\t' ? 8 - col % 8 : 1;
            ++i;
            continue;
        }
        Tok t;
        t.begin = col;
        t.byte_begin = i;
        while (i < l.size() && l[i] != ' ' && l[i] != '\t') {
            if ((static_cast<unsigned char>(l[i]) & 0xC0) != 0x80) {
                ++col;
            }
            ++i;
        }
        t.end = col;
        t.byte_end = i;
        t.text = l.substr(t.byte_begin, i - t.byte_begin);
        out.push_back(t);
    }
    return out;
}

bool header_word(std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '%';
    });
}

// `NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS`, `NAME FSTYPE FSVER LABEL UUID ...`, -o columns.
std::optional<std::vector<Col>> parse_header(std::string_view l, bool hinted = true) {
    const auto toks = tokens(l);
    if (toks.size() < 2 || (toks[0].text != "NAME" && toks[0].text != "KNAME") ||
        toks[0].begin != 0) {
        return std::nullopt;
    }
    bool known = false;
    std::vector<Col> cols;
    for (const Tok& t : toks) {
        if (!header_word(t.text)) {
            return std::nullopt;
        }
        // Columns only lsblk prints; on an lsblk file name the common ones suffice too
        // (`nmcli` prints NAME UUID TYPE DEVICE).
        known = known || t.text == "MAJ:MIN" || t.text == "FSTYPE" || t.text == "MOUNTPOINT" ||
                t.text == "MOUNTPOINTS" || t.text == "RM" || t.text == "KNAME" ||
                t.text == "FSAVAIL" || t.text == "FSUSE%" || t.text == "PKNAME" ||
                (hinted && (t.text == "SIZE" || t.text == "TYPE" || t.text == "UUID" ||
                            t.text == "MODEL" || t.text == "LABEL"));
        cols.push_back({std::string(t.text), field_name(t.text), t.begin, t.end});
    }
    if (!known) {
        return std::nullopt;
    }
    return cols;
}

// Tree art before a name: `├─`, `└─`, `│ `, ASCII `|-`, `` `- ``; returns the name and the
// depth (two display columns per level).
std::string_view strip_tree(std::string_view s, size_t indent, size_t& depth) {
    size_t cols = indent;
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x94) {
            i += 3;
            ++cols;
        } else if (c == ' ' || c == '|' || c == '`' || (c == '-' && cols > 0)) {
            ++i;
            ++cols;
        } else {
            break;
        }
    }
    depth = cols / 2;
    return s.substr(i);
}

struct Row {
    std::vector<std::string> cells;  // one per column, "" when empty
    std::vector<std::string> mountpoints;
    uint64_t line = 0;
    size_t depth = 0;
};

// Cells of one row: a word goes to the column whose header it overlaps; a word under no
// header continues the cell of the word before it (values with spaces: MODEL, LABEL,
// mount points).
std::vector<std::string> split_row(std::string_view l, const std::vector<Col>& cols) {
    std::vector<std::string> cells(cols.size());
    const auto toks = tokens(l);
    int last_col = -1;
    size_t last_byte_end = 0;
    for (const Tok& t : toks) {
        int col = -1;
        for (size_t c = 0; c < cols.size(); ++c) {
            if (t.begin < cols[c].end && t.end > cols[c].begin) {
                col = static_cast<int>(c);
                break;
            }
        }
        // The last column runs to the end of the line.
        if (col < 0 && !cols.empty() && t.begin >= cols.back().begin) {
            col = static_cast<int>(cols.size()) - 1;
        }
        if (col < 0 || col == last_col) {
            if (last_col < 0) {
                // Before any header span: the nearest column to the left, else the first.
                col = 0;
                for (size_t c = 0; c < cols.size(); ++c) {
                    if (cols[c].begin <= t.begin) {
                        col = static_cast<int>(c);
                    }
                }
            } else {
                col = last_col;
            }
        }
        std::string& cell = cells[static_cast<size_t>(col)];
        if (!cell.empty() && col == last_col) {
            cell.append(l.substr(last_byte_end, t.byte_begin - last_byte_end));
        } else if (!cell.empty()) {
            cell.push_back(' ');
        }
        cell.append(t.text);
        last_col = col;
        last_byte_end = t.byte_end;
    }
    return cells;
}

// ---- -P pairs and blkid -----------------------------------------------------------------------

// `KEY="value" KEY2="v 2"` (backslash escapes inside quotes).  Empty when the text is not that.
std::vector<std::pair<std::string, std::string>> parse_pairs(std::string_view s) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') {
            ++i;
        }
        if (i >= s.size()) {
            break;
        }
        const size_t eq = s.find("=\"", i);
        if (eq == std::string_view::npos || eq == i) {
            return {};
        }
        const std::string_view key = s.substr(i, eq - i);
        if (!header_word(key) && !std::all_of(key.begin(), key.end(), [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            })) {
            return {};
        }
        std::string value;
        size_t k = eq + 2;
        bool closed = false;
        for (; k < s.size(); ++k) {
            if (s[k] == '\\' && k + 1 < s.size()) {
                value.push_back(s[++k]);
            } else if (s[k] == '"') {
                closed = true;
                ++k;
                break;
            } else {
                value.push_back(s[k]);
            }
        }
        if (!closed) {
            return {};
        }
        out.emplace_back(std::string(key), std::move(value));
        i = k;
    }
    return out;
}

// `/dev/sda1: UUID="…" TYPE="ext4"`
bool parse_blkid(std::string_view l,
                 std::string_view& dev,
                 std::vector<std::pair<std::string, std::string>>& kv) {
    const size_t colon = l.find(": ");
    if (colon == std::string_view::npos || !l.starts_with("/dev/")) {
        return false;
    }
    dev = l.substr(0, colon);
    if (dev.find(' ') != std::string_view::npos) {
        return false;
    }
    kv = parse_pairs(l.substr(colon + 2));
    return !kv.empty();
}

// ---- JSON -------------------------------------------------------------------------------------

bool json_head(std::string_view head, std::string_view key) {
    const std::string_view t = trim(head.substr(0, 256));
    if (!t.starts_with("{")) {
        return false;
    }
    const std::string quoted = "\"" + std::string(key) + "\"";
    const size_t at = t.find(quoted);
    return at != std::string_view::npos && at < 64;
}

void json_device(const nlohmann::ordered_json& d,
                 std::string_view parent,
                 uint64_t& ordinal,
                 Record& r,
                 RecordSink& sink,
                 int depth = 0) {
    if (!d.is_object() || depth > 64) {
        sink.emit(make_error_record(++ordinal, false, "lsblk: device is not an object"));
        return;
    }
    r.clear();
    r.dataset = "linux.lsblk";
    r.position = ++ordinal;
    r.by_line = false;
    std::string name;
    {
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("linux").begin_object("lsblk");
        std::vector<std::string> seen;
        for (auto it = d.begin(); it != d.end(); ++it) {
            if (it.key() == "children") {
                continue;
            }
            const std::string f = field_name(it.key());
            // "maj:min" and "maj_min" would name one key twice: the first wins.
            if (f == "parent" || std::find(seen.begin(), seen.end(), f) != seen.end()) {
                continue;
            }
            seen.push_back(f);
            const nlohmann::ordered_json& v = it.value();
            if (it.key() == "mountpoints" && v.is_array()) {
                w.begin_array("mountpoints");
                for (const auto& m : v) {
                    if (m.is_string()) {
                        w.value_str(m.get<std::string>());
                    }
                }
                w.end_array();
            } else if (v.is_null()) {
                w.null(f);
            } else if (v.is_boolean()) {
                w.boolean(f, v.get<bool>());
            } else if (v.is_number_integer()) {
                w.num(f, v.get<int64_t>());
                if (is_size_field(f)) {
                    w.num(f + "_bytes", v.get<int64_t>());
                }
            } else if (v.is_string()) {
                const std::string s = v.get<std::string>();
                if (f == "name") {
                    name = s;
                }
                put_value(w, f, s);
                put_size_bytes(w, f, s);
            } else {
                w.raw(f, v.dump());
            }
        }
        if (!parent.empty()) {
            w.str("parent", parent);
        }
        w.end_object().end_object();
    }
    sink.emit(r);
    if (d.contains("children") && d["children"].is_array()) {
        for (const auto& c : d["children"]) {
            json_device(c, name, ordinal, r, sink, depth + 1);
        }
    }
}

class LsblkParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lsblk";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hint = basename_contains(probe.path, "lsblk");
        if (json_head(probe.head, "blockdevices")) {
            return hint ? 95 : 90;
        }
        const auto lines = output_lines(whole_lines(probe));
        for (std::string_view l : lines) {
            if (trim(l).empty()) {
                continue;
            }
            if (parse_header(l, hint)) {
                return hint ? 92 : 85;
            }
            const auto kv = parse_pairs(l);
            if (!kv.empty() && (kv[0].first == "NAME" || kv[0].first == "KNAME") &&
                kv.size() >= 3) {
                return hint ? 90 : 80;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        Record r;
        if (json_head(text, "blockdevices")) {
            const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
            if (doc.is_discarded() || !doc.is_object() || !doc.contains("blockdevices") ||
                !doc["blockdevices"].is_array()) {
                sink.emit(make_error_record(1, true, "lsblk: JSON does not parse"));
                return;
            }
            uint64_t ordinal = 0;
            for (const auto& d : doc["blockdevices"]) {
                json_device(d, "", ordinal, r, sink);
            }
            return;
        }
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        std::optional<std::vector<Col>> cols;
        std::optional<Row> pending;
        std::vector<std::string> parents;  // name per depth
        auto flush = [&] {
            if (!pending) {
                return;
            }
            emit_row(*pending, *cols, parents, r, sink);
            pending.reset();
        };
        for (std::string_view l : lines) {
            if (trim(l).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(l);
            if (auto h = parse_header(l)) {
                flush();
                cols = std::move(h);
                parents.clear();
                continue;
            }
            if (!cols) {
                const auto kv = parse_pairs(l);
                if (!kv.empty()) {
                    emit_pairs(kv, pos, r, sink);
                } else {
                    sink.emit(make_error_record(pos, true, "lsblk: line before the header", l));
                }
                continue;
            }
            std::vector<std::string> cells = split_row(l, *cols);
            // A continuation line: only the MOUNTPOINTS cell is filled.
            size_t filled = 0;
            size_t mp = SIZE_MAX;
            for (size_t c = 0; c < cells.size(); ++c) {
                if ((*cols)[c].field == "mountpoints") {
                    mp = c;
                }
                filled += cells[c].empty() ? 0 : 1;
            }
            if (pending && mp != SIZE_MAX && filled == 1 && !cells[mp].empty()) {
                pending->mountpoints.push_back(cells[mp]);
                continue;
            }
            flush();
            Row row;
            row.line = pos;
            row.cells = std::move(cells);
            if (mp != SIZE_MAX && !row.cells[mp].empty()) {
                row.mountpoints.push_back(row.cells[mp]);
            }
            if (!row.cells.empty()) {
                // The cell lost the indentation in front of the tree art: count it back.
                const size_t indent = l.find_first_not_of(' ');
                const std::string_view name = strip_tree(
                    row.cells[0], indent == std::string_view::npos ? 0 : indent, row.depth);
                row.cells[0] = std::string(name);
            }
            pending = std::move(row);
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "lsblk: file larger than 64 MiB, rest skipped"));
        }
    }

private:
    static void emit_row(const Row& row,
                         const std::vector<Col>& cols,
                         std::vector<std::string>& parents,
                         Record& r,
                         RecordSink& sink) {
        r.clear();
        r.dataset = "linux.lsblk";
        r.position = row.line;
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("linux").begin_object("lsblk");
        for (size_t c = 0; c < cols.size(); ++c) {
            const std::string& f = cols[c].field;
            // `-o +UUID` on top of -f prints a column twice: one key per name.
            if (std::any_of(cols.begin(), cols.begin() + static_cast<std::ptrdiff_t>(c),
                            [&](const Col& o) { return o.field == f; })) {
                continue;
            }
            if (f == "mountpoints") {
                w.begin_array("mountpoints");
                for (const auto& m : row.mountpoints) {
                    w.value_str(m);
                }
                w.end_array();
                continue;
            }
            put_value(w, f, row.cells[c]);
            put_size_bytes(w, f, row.cells[c]);
        }
        // Tree depth -> parent device.
        if (parents.size() > row.depth) {
            parents.resize(row.depth);
        }
        if (row.depth > 0 && parents.size() == row.depth && !parents.back().empty()) {
            w.str("parent", parents.back());
        }
        parents.resize(row.depth);
        parents.push_back(row.cells.empty() ? std::string() : row.cells[0]);
        w.end_object().end_object();
        sink.emit(r);
    }

    static void emit_pairs(const std::vector<std::pair<std::string, std::string>>& kv,
                           uint64_t pos,
                           Record& r,
                           RecordSink& sink) {
        r.clear();
        r.dataset = "linux.lsblk";
        r.position = pos;
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("linux").begin_object("lsblk");
        std::vector<std::string> seen;
        for (const auto& [k, v] : kv) {
            const std::string f = field_name(k);
            if (std::find(seen.begin(), seen.end(), f) != seen.end()) {
                continue;
            }
            seen.push_back(f);
            if (f == "mountpoints") {
                w.begin_array("mountpoints");
                if (!v.empty()) {
                    w.value_str(v);
                }
                w.end_array();
                continue;
            }
            put_value(w, f, v);
            put_size_bytes(w, f, v);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

class BlkidParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.blkid";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t good = 0;
        size_t bad = 0;
        std::string_view dev;
        std::vector<std::pair<std::string, std::string>> kv;
        for (std::string_view l : output_lines(whole_lines(probe))) {
            if (trim(l).empty()) {
                continue;
            }
            (parse_blkid(trim(l), dev, kv) ? good : bad) += 1;
            if (good + bad >= 200) {
                break;
            }
        }
        if (good == 0 || bad > 0) {
            return 0;
        }
        return basename_contains(probe.path, "blkid") ? 90 : 80;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::string_view dev;
        std::vector<std::pair<std::string, std::string>> kv;
        for (std::string_view l : output_lines(text)) {
            if (trim(l).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(l);
            if (!parse_blkid(trim(l), dev, kv)) {
                sink.emit(make_error_record(pos, true, "blkid: not a blkid line", l));
                continue;
            }
            r.clear();
            r.dataset = "linux.blkid";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("linux").begin_object("blkid").str("device", dev);
            std::vector<std::string> seen;
            for (const auto& [k, v] : kv) {
                const std::string f = ascii_lower(k);
                if (f == "device" || std::find(seen.begin(), seen.end(), f) != seen.end()) {
                    continue;  // one key per name, even in a damaged line
                }
                seen.push_back(f);
                if (f == "block_size") {
                    if (auto n = to_int(v)) {
                        w.num(f, *n);
                        continue;
                    }
                }
                w.str(f, v);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "blkid: file larger than 64 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_lsblk_parser() {
    static const LsblkParser kParser;
    return kParser;
}

const Parser& linux_blkid_parser() {
    static const BlkidParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
