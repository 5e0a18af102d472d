// linux.df: `df`, `df -h`, `df -H`, `df -T`, `df -i`, `df -P`, `df -k`, and German, Russian and
// Japanese headers.
//
// One record per file system with jc's keys taken from the header (filesystem, type,
// 1k_blocks / 1024_blocks / size, used, available, use_percent / capacity_percent, inodes,
// iused, ifree, iuse_percent, mounted_on).  Human sizes (`-h`, `20G`, decimal comma `4,0K`)
// become bytes as jc 1.25.5 does (powers of 1024; 1000 for `-H`) and keep their text in
// `<key>_human`.  A file-system name on a line of its own (long names) is joined with the
// next line.  Mount points keep their spaces.
#include <cctype>
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

using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;

using linux_cmd::LineNumbers;
using linux_cmd::to_double;
using linux_cmd::whole_lines;

struct Column {
    std::string key;
    bool numeric = false;
    bool percent = false;
};

std::string header_key(std::string_view h) {
    std::string l;
    for (char c : h) {
        l.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    static const std::pair<std::string_view, std::string_view> kMap[] = {
        {"filesystem", "filesystem"},
        {"dateisystem", "filesystem"},
        {"type", "type"},
        {"typ", "type"},
        {"size", "size"},
        {"größe", "size"},
        {"used", "used"},
        {"benutzt", "used"},
        {"avail", "available"},
        {"available", "available"},
        {"verf.", "available"},
        {"verfügbar", "available"},
        {"use%", "use_percent"},
        {"verw%", "use_percent"},
        {"capacity", "capacity_percent"},
        {"kapazität", "capacity_percent"},
        {"inodes", "inodes"},
        {"iused", "iused"},
        {"ibenutzt", "iused"},
        {"ifree", "ifree"},
        {"ifrei", "ifree"},
        {"iuse%", "iuse_percent"},
        {"ibenutzt%", "iuse_percent"},
        {"ibenut%", "iuse_percent"},
        {"1k-blöcke", "1k_blocks"},
        {"1k-blocks", "1k_blocks"},
        {"1024-blocks", "1024_blocks"},
        {"512-blocks", "512_blocks"},
        {"1m-blocks", "1m_blocks"},
        {"file", "file"},
        // ja_JP (coreutils' own translation)
        {"ファイルシス", "filesystem"},
        {"サイズ", "size"},
        {"使用", "used"},
        {"残り", "available"},
        {"使用可", "available"},
        {"使用%", "use_percent"},
        {"1k-ブロック", "1k_blocks"},
        {"タイプ", "type"},
        // ru_RU ("Файловая система" is joined before the split)
        {"Файловая_система", "filesystem"},
        {"Тип", "type"},
        {"Размер", "size"},
        {"Использовано", "used"},
        {"Дост", "available"},
        {"Доступно", "available"},
        {"Использовано%", "use_percent"},
        {"1k-блоков", "1k_blocks"},
    };
    for (const auto& [from, to] : kMap) {
        if (l == from) {
            return std::string(to);
        }
    }
    for (char& c : l) {
        if (c == '-' || c == '%' || c == '.') {
            c = '_';
        }
    }
    return l;
}

// Header → columns; false when the line is not a df header.
bool parse_header(std::string_view line, std::vector<Column>& cols) {
    // Localised two-word column names become one word (ru), the mount column "Mounted on"
    // (ja: one word; ru: two, with a Latin or a Cyrillic first letter).
    std::string norm(trim(line));
    static const std::pair<std::string_view, std::string_view> kPhrases[] = {
        {"Файловая система", "Файловая_система"},
        {"Cмонтировано в", "Mounted on"},  // as ru_RU prints it: a Latin C
        {"Смонтировано в", "Mounted on"},
        {"マウント位置", "Mounted on"},
    };
    for (const auto& [from, to] : kPhrases) {
        if (const size_t at = norm.find(from); at != std::string::npos) {
            norm.replace(at, from.size(), to);
        }
    }
    auto w = split_ws(norm);
    if (w.size() < 5) {
        return false;
    }
    const std::string first = header_key(w[0]);
    if (first != "filesystem") {
        return false;
    }
    bool mounted = false;
    for (size_t i = 0; i < w.size(); ++i) {
        if ((w[i] == "Mounted" || w[i] == "Eingehängt") && i + 1 < w.size() &&
            (w[i + 1] == "on" || w[i + 1] == "auf") && i + 2 == w.size()) {
            cols.push_back({"mounted_on", false, false});
            mounted = true;
            break;
        }
        Column c;
        c.key = header_key(w[i]);
        c.percent = c.key.ends_with("_percent");
        c.numeric = i > 0 && c.key != "type";
        cols.push_back(c);
    }
    return mounted;
}

// "1.9G" → bytes; nullopt when not a size.
std::optional<int64_t> human_bytes(std::string_view s, int64_t base) {
    if (s.empty()) {
        return std::nullopt;
    }
    const char u = s.back();
    static constexpr std::string_view kUnits = "KMGTPE";
    const size_t p = kUnits.find(static_cast<char>(u >= 'a' && u <= 'z' ? u - 'a' + 'A' : u));
    if (p == std::string_view::npos) {
        return std::nullopt;
    }
    const auto v = to_double(s.substr(0, s.size() - 1));
    if (!v || *v < 0) {
        return std::nullopt;
    }
    double m = *v;
    for (size_t i = 0; i <= p; ++i) {
        m *= static_cast<double>(base);
    }
    if (m > 9.2e18) {
        return std::nullopt;
    }
    return static_cast<int64_t>(m);
}

bool percent_like(std::string_view s) {
    return s == "-" || (s.size() >= 2 && s.back() == '%' && to_int(s.substr(0, s.size() - 1)));
}

class DfParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.df";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "df");
        for (auto line : output_lines(whole_lines(probe))) {
            if (trim(line).empty()) {
                continue;
            }
            std::vector<Column> cols;
            if (!parse_header(line, cols)) {
                return 0;
            }
            return hinted ? 90 : 75;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        std::vector<Column> cols;
        size_t i = 0;
        for (; i < lines.size(); ++i) {
            if (!trim(lines[i]).empty()) {
                break;
            }
        }
        if (i == lines.size() || !parse_header(lines[i], cols)) {
            sink.emit(make_error_record(1, true, "df: no df header found"));
            return;
        }
        // `df -H`/`--si` count in powers of 1000; file names are lower-cased by the hint, so only
        // an explicit "si" word tells.
        const std::string cmdline = " " + linux_cmd::command_line_hint(ctx.member, {}) + " ";
        const int64_t base = cmdline.find(" si ") != std::string::npos ? 1000 : 1024;
        // Index of the percent column (the one before "mounted_on").
        const size_t pct = cols.size() >= 2 && cols[cols.size() - 2].percent ? cols.size() - 2 : 0;
        Record r;
        std::string joined;
        for (++i; i < lines.size(); ++i) {
            std::string_view line = lines[i];
            if (trim(line).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            auto w = split_ws(trim(line), cols.size());
            if (w.size() == 1 && i + 1 < lines.size() && !lines[i + 1].empty() &&
                (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
                // Long file-system name on its own line.
                joined = std::string(trim(line)) + " " + std::string(trim(lines[++i]));
                line = joined;
                w = split_ws(line, cols.size());
            }
            if (w.size() != cols.size() || !percent_like(w[pct])) {
                // A file-system name with spaces ("//nas/Backups and Stuff"): anchor on the
                // first percent word that has enough value words before it.
                const auto t = split_ws(trim(line));
                const std::string_view tl = trim(line);
                bool fixed = false;
                for (size_t j = pct; pct > 0 && j < t.size(); ++j) {
                    if (!percent_like(t[j])) {
                        continue;
                    }
                    std::vector<std::string_view> nw;
                    const char* value_start = t[j - pct + 1].data();
                    nw.push_back(trim(tl.substr(0, static_cast<size_t>(value_start - tl.data()))));
                    for (size_t c = 1; c <= pct; ++c) {
                        nw.push_back(t[j - pct + c]);
                    }
                    const char* after = t[j].data() + t[j].size();
                    nw.push_back(trim(tl.substr(static_cast<size_t>(after - tl.data()))));
                    if (nw.size() == cols.size()) {
                        w = std::move(nw);
                        fixed = true;
                    }
                    break;
                }
                if (!fixed) {
                    sink.emit(
                        make_error_record(pos, true, "df: row does not fit the header", line));
                    continue;
                }
            }
            r.clear();
            r.dataset = "linux.df";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("df");
            for (size_t c = 0; c < cols.size(); ++c) {
                const Column& col = cols[c];
                const std::string_view v = w[c];
                if (!col.numeric) {
                    jw.str(col.key, v);
                    continue;
                }
                std::string_view num = v;
                if (col.percent && num.ends_with("%")) {
                    num.remove_suffix(1);
                }
                if (const auto n = to_int(num)) {
                    jw.num(col.key, *n);
                } else if (v == "-") {
                    jw.null(col.key);
                } else if (const auto b = human_bytes(v, base); b && !col.percent) {
                    jw.num(col.key, *b);
                    jw.str(col.key + "_human", v);
                } else {
                    jw.str(col.key, v);
                }
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "df: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_df_parser() {
    static const DfParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
