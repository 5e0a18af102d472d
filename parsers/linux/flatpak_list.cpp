// linux.flatpak_list: `flatpak list` (UAC packages/flatpak_list.txt).
//
// Written to a file (UAC), flatpak 1.2+ prints its default columns -- Name, Application ID,
// Version, Branch, Installation -- tab-separated without a title row (a name holds spaces, a
// version may be empty); copied from a terminal the same table has a title row and is padded
// with spaces.  flatpak 1.0 (RHEL/CentOS 7) prints "Ref<TAB>Options"
// ("org.gnome.Platform/x86_64/3.28<TAB>system,runtime").  One record per row: name,
// application, version, branch, arch, origin, installation, ref, options (whatever the
// columns give; a title row names them, `--columns=` output included).  ECS package.name (the
// application id), package.version, package.type "flatpak".
#include <algorithm>
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
using linux_cmd::trim;
using linux_cmd::whole_lines;

// Cells of a row: split on tabs when it has any, else on runs of two or more spaces.
std::vector<std::string_view> cells(std::string_view line) {
    std::vector<std::string_view> out;
    if (line.find('\t') != std::string_view::npos) {
        size_t pos = 0;
        while (true) {
            const size_t tab = line.find('\t', pos);
            out.push_back(trim(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos)));
            if (tab == std::string_view::npos) {
                break;
            }
            pos = tab + 1;
        }
        return out;
    }
    const std::string_view t = trim(line);
    size_t pos = 0;
    while (pos < t.size()) {
        size_t gap = t.find("  ", pos);
        if (gap == std::string_view::npos) {
            gap = t.size();
        }
        out.push_back(t.substr(pos, gap - pos));
        pos = t.find_first_not_of(' ', gap);
        if (pos == std::string_view::npos) {
            break;
        }
    }
    return out;
}

// The cells of a space-padded row cut at the title starts; nullopt when a cell runs into the
// next column (no space before a start).
std::optional<std::vector<std::string_view>> slice(std::string_view line,
                                                   const std::vector<size_t>& starts) {
    std::vector<std::string_view> out;
    for (size_t k = 0; k < starts.size(); ++k) {
        const size_t from = starts[k];
        if (from > line.size()) {
            out.emplace_back();
            continue;
        }
        if (from > 0 && line[from - 1] != ' ') {
            return std::nullopt;
        }
        const size_t to =
            k + 1 < starts.size() ? std::min(starts[k + 1], line.size()) : line.size();
        out.push_back(trim(line.substr(from, to - from)));
    }
    return out;
}

// The key of a column title ("Application ID" -> "application").
std::string_view title_key(std::string_view title) {
    struct Entry {
        std::string_view title, key;
    };
    static constexpr Entry kTitles[] = {
        {"Name", "name"},
        {"Description", "description"},
        {"Application ID", "application"},
        {"Application", "application"},
        {"Version", "version"},
        {"Branch", "branch"},
        {"Arch", "arch"},
        {"Runtime", "runtime"},
        {"Origin", "origin"},
        {"Installation", "installation"},
        {"Ref", "ref"},
        {"Active commit", "active_commit"},
        {"Latest commit", "latest_commit"},
        {"Installed size", "installed_size"},
        {"Options", "options"},
    };
    for (const Entry& e : kTitles) {
        if (e.title == title) {
            return e.key;
        }
    }
    return {};
}

// The titles of a title row: words, two-word titles ("Application ID") joined.  flatpak
// pads its columns with as little as one space, so the row is read word by word.
std::vector<std::string_view> title_cells(std::string_view line) {
    std::vector<std::string_view> out;
    const std::string_view t = trim(line);
    size_t pos = 0;
    while (pos < t.size()) {
        size_t end = t.find_first_of(" \t", pos);
        if (end == std::string_view::npos) {
            end = t.size();
        }
        std::string_view word = t.substr(pos, end - pos);
        const size_t next = t.find_first_not_of(" \t", end);
        if (next != std::string_view::npos && next == end + 1) {
            size_t end2 = t.find_first_of(" \t", next);
            if (end2 == std::string_view::npos) {
                end2 = t.size();
            }
            const std::string_view two = t.substr(pos, end2 - pos);
            if (!title_key(two).empty()) {
                word = two;
                end = end2;
            }
        }
        out.push_back(word);
        pos = t.find_first_not_of(" \t", end);
        if (pos == std::string_view::npos) {
            break;
        }
    }
    return out;
}

bool is_title_row(std::string_view line) {
    const auto c = title_cells(line);
    if (c.size() < 2) {
        return false;
    }
    size_t known = 0;
    for (std::string_view t : c) {
        known += title_key(t).empty() ? 0 : 1;
    }
    return known == c.size() && (c[0] == "Name" || c[0] == "Ref" || c[0] == "Application ID");
}

// "org.gnome.Platform": reverse-DNS with at least two dots, no spaces.
bool app_id(std::string_view s) {
    if (s.size() < 5 || s.find_first_of(" /") != std::string_view::npos) {
        return false;
    }
    size_t dots = 0;
    for (char c : s) {
        if (c == '.') {
            ++dots;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-')) {
            return false;
        }
    }
    return dots >= 2 && s.front() != '.' && s.back() != '.';
}

// "org.gnome.Platform/x86_64/3.28" (flatpak 1.0's Ref column).
bool ref_like(std::string_view s) {
    const size_t a = s.find('/');
    const size_t b = a == std::string_view::npos ? a : s.find('/', a + 1);
    return b != std::string_view::npos && app_id(s.substr(0, a)) && b > a + 1 &&
           s.find('/', b + 1) == std::string_view::npos && b + 1 < s.size();
}

// The keys of an untitled row from its shape.
std::vector<std::string_view> default_keys(const std::vector<std::string_view>& c) {
    if (c.size() == 2 && ref_like(c[0])) {
        return {"ref", "options"};
    }
    if (c.size() == 5 && app_id(c[1])) {
        return {"name", "application", "version", "branch", "installation"};
    }
    if (c.size() == 6 && app_id(c[1])) {
        return {"name", "application", "version", "branch", "origin", "installation"};
    }
    return {};
}

class FlatpakListParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.flatpak_list";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "flatpak_list");
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        if (is_title_row(lines[i])) {
            const auto c = title_cells(lines[i]);
            // "Name Application ID ..." is flatpak's; a bare "Name Version" is anyone's.
            bool ours = false;
            for (std::string_view t : c) {
                ours = ours || t == "Application ID" || t == "Installation" || t == "Ref";
            }
            return ours ? (hinted ? 95 : 88) : 0;
        }
        if (!hinted) {
            return 0;
        }
        size_t good = 0;
        size_t bad = 0;
        for (; i < lines.size(); ++i) {
            if (trim(lines[i]).empty()) {
                continue;
            }
            if (lines[i].find('\t') != std::string_view::npos &&
                !default_keys(cells(lines[i])).empty()) {
                ++good;
            } else {
                ++bad;
            }
        }
        return good != 0 && bad == 0 ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::vector<std::string_view> titled;
        std::vector<size_t> starts;
        bool padded = false;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            if (is_title_row(line)) {
                titled.clear();
                starts.clear();
                for (std::string_view t : title_cells(line)) {
                    titled.push_back(title_key(t));
                    starts.push_back(static_cast<size_t>(t.data() - line.data()));
                }
                padded = line.find('\t') == std::string_view::npos;
                continue;
            }
            auto c = cells(line);
            if (padded && line.find('\t') == std::string_view::npos) {
                // A terminal's table: an empty cell (no version) is only seen in the
                // columns, so cut the row where the titles start.
                if (auto s = slice(line, starts)) {
                    c = std::move(*s);
                }
            }
            const std::vector<std::string_view> keys = titled.empty() ? default_keys(c) : titled;
            if (keys.empty() || c.size() != keys.size()) {
                sink.emit(
                    make_error_record(ln.of(line), true, "flatpak_list: row does not parse", line));
                continue;
            }
            std::string_view pkg_name, pkg_version;
            r.clear();
            r.dataset = "linux.flatpak_list";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("flatpak_list");
            for (size_t k = 0; k < keys.size(); ++k) {
                j.opt_str(keys[k], c[k]);
                if (keys[k] == "application") {
                    pkg_name = c[k];
                } else if (keys[k] == "version") {
                    pkg_version = c[k];
                } else if (keys[k] == "ref" && pkg_name.empty()) {
                    pkg_name = c[k].substr(0, c[k].find('/'));
                }
            }
            j.end_object().end_object();
            if (!pkg_name.empty()) {
                j.begin_object("package").str("name", pkg_name).opt_str("version", pkg_version);
                j.str("type", "flatpak").end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "flatpak_list: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_flatpak_list_parser() {
    static const FlatpakListParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
