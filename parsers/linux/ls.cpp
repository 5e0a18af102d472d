// linux.ls: `ls -l` family listings (`ls -la DIR`, `-lap`, `-alR /`, `-lai`, `-alh`,
// `--time-style=full-iso|long-iso|iso`, localised dates) and, when the file name says `ls`,
// plain `ls` / `ls -R` name lists.
//
// One record per entry with jc 1.25.5's ls names (filename, link_to, parent, flags, links,
// owner, group, size, date, epoch, epoch_utc) plus what jc does not give:
// - `inode` (-i) and `blocks` (-s) columns in front of the mode;
// - device files: `major`, `minor` instead of a size (jc glues the minor into the date);
// - -h sizes: `size` in bytes (approximate, 1024-based; 1000 with --si) and the printed
//   text in `size_human` (jc keeps only the leading number: 4.0K -> 4);
// - dates: every form ls prints is split off the name (C, ISO styles, de `27. Nov`, ja
//   `11月 27`, ru `ноя 27`...); `date` is the printed text with single spaces (as jc).
//   `epoch` (UTC seconds) and @timestamp whenever the date can be read: full-iso with its
//   own offset; long-iso / iso and year-less `Mon DD HH:MM` on the host offset of the
//   collection's `date` output (time_anchor()), the year resolved against the collection
//   time (`year_inferred`); `Mon DD  YYYY` gives the day (`date_precision: "day"`);
// - analyst flags, only when true: setuid, setgid, sticky, world_writable (not symlinks),
//   acl (`+` after the mode), deleted (a link target ending in " (deleted)");
// - symlink targets are split only for `l` entries, so a regular file named "a -> b" stays
//   whole; names with spaces or newlines (continuation lines) are kept whole;
// - `ls: cannot access/open ...` lines become records with `error` (event.outcome failure):
//   what the collection could not see matters in an investigation;
// - ECS file.path (parent + filename; the directory typed at a `$ ls -la /tmp` prompt when
//   there is no header), file.name, file.type, file.mode (octal), file.uid|owner,
//   file.gid|group, file.size (exact sizes only), file.inode, file.target_path, file.mtime.
// `ls -l /proc/*/exe` listings are linux.proc_exe's: detect() yields to it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

struct Tok {
    std::string_view text;
    size_t begin = 0;  // offset in the line
    size_t end = 0;
};

// Up to `max` whitespace-separated tokens with their offsets.
void tokenize(std::string_view line, std::vector<Tok>& out, size_t max) {
    out.clear();
    size_t i = 0;
    while (i < line.size() && out.size() < max) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        if (i >= line.size()) {
            break;
        }
        const size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        out.push_back({line.substr(b, i - b), b, i});
    }
}

// `drwxr-xr-x`, `-rwsr-x---.`, `crw-rw-rw-+`, `lrwxrwxrwx@`.
bool is_mode(std::string_view t) {
    if (t.size() < 10 || t.size() > 11) {
        return false;
    }
    if (std::string_view("-dlcbpsDCMnP?").find(t[0]) == std::string_view::npos) {
        return false;
    }
    for (int k = 0; k < 3; ++k) {
        const char r = t[1 + k * 3];
        const char w = t[2 + k * 3];
        const char x = t[3 + k * 3];
        if ((r != 'r' && r != '-' && r != '?') || (w != 'w' && w != '-' && w != '?')) {
            return false;
        }
        const std::string_view xs = k < 2 ? "xsS-?" : "xtT-?";
        if (xs.find(x) == std::string_view::npos) {
            return false;
        }
    }
    return t.size() == 10 || t[10] == '.' || t[10] == '+' || t[10] == '@';
}

// "4.0K", "293K", "1,5M" (decimal comma), "12G" -> bytes; nullopt for anything else.
std::optional<int64_t> human_size(std::string_view s, bool si) {
    if (s.size() < 2) {
        return std::nullopt;
    }
    size_t n = 0;
    while (n < s.size() && (is_digit(s[n]) || s[n] == '.' || s[n] == ',')) {
        ++n;
    }
    if (n == 0 || !is_digit(s[0]) || n == s.size()) {
        return std::nullopt;
    }
    std::string_view unit = s.substr(n);
    static constexpr std::string_view kUnits = "KMGTPEZY";
    const char u = unit[0] == 'k' ? 'K' : unit[0];
    const size_t power = kUnits.find(u);
    if (power == std::string_view::npos) {
        return std::nullopt;
    }
    unit.remove_prefix(1);
    if (unit == "i" || unit == "iB" || unit == "B") {
        unit = {};
    }
    if (!unit.empty()) {
        return std::nullopt;
    }
    const auto v = to_double(s.substr(0, n));
    if (!v) {
        return std::nullopt;
    }
    const double base = si ? 1000.0 : 1024.0;
    const double bytes = *v * std::pow(base, static_cast<double>(power + 1));
    if (!(bytes >= 0 && bytes < 9.0e18)) {
        return std::nullopt;
    }
    return static_cast<int64_t>(std::llround(bytes));
}

bool size_like(std::string_view s) {
    return all_digits(s) || human_size(s, false).has_value() || s == "?";
}

// ---- dates ----------------------------------------------------------------------------------

enum class DateKind { kRecent, kYear, kFullIso, kLongIso, kIsoOld, kIsoRecent, kOther };

struct DateInfo {
    size_t tokens = 0;  // tokens the date takes
    DateKind kind = DateKind::kOther;
    int year = 0;
    int month = 0;
    int day = 0;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    int millis = 0;
    bool has_offset = false;
    int offset = 0;  // seconds east of UTC
};

bool parse_clock(std::string_view s, DateInfo& d, bool allow_seconds) {
    if (s.size() < 4 || s.size() > 5 + 3 + 10) {
        return false;
    }
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2) {
        return false;
    }
    const auto h = to_int(s.substr(0, colon));
    std::string_view rest = s.substr(colon + 1);
    if (!h || rest.size() < 2 || !is_digit(rest[0]) || !is_digit(rest[1])) {
        return false;
    }
    d.hh = static_cast<int>(*h);
    d.mm = (rest[0] - '0') * 10 + (rest[1] - '0');
    d.ss = 0;
    d.millis = 0;
    rest.remove_prefix(2);
    if (!rest.empty()) {
        if (!allow_seconds || rest.size() < 3 || rest[0] != ':' || !is_digit(rest[1]) ||
            !is_digit(rest[2])) {
            return false;
        }
        d.ss = (rest[1] - '0') * 10 + (rest[2] - '0');
        rest.remove_prefix(3);
        if (!rest.empty()) {
            if (rest[0] != '.' || rest.size() < 2 || !all_digits(rest.substr(1))) {
                return false;
            }
            int ms = 0;
            for (size_t k = 1; k <= 3; ++k) {
                ms = ms * 10 + (k < rest.size() ? rest[k] - '0' : 0);
            }
            d.millis = ms;
        }
    }
    return d.hh < 24 && d.mm < 60 && d.ss < 61;
}

bool parse_year(std::string_view s, int& y) {
    if (s.size() != 4 || !all_digits(s)) {
        return false;
    }
    y = static_cast<int>(*to_int(s));
    return y >= 1900 && y <= 2200;
}

int parse_day(std::string_view s) {
    if (s.ends_with('.') || s.ends_with("日")) {
        s.remove_suffix(s.ends_with('.') ? 1 : std::string_view("日").size());
    }
    if (s.empty() || s.size() > 2 || !all_digits(s)) {
        return 0;
    }
    const int d = static_cast<int>(*to_int(s));
    return d >= 1 && d <= 31 ? d : 0;
}

// Month of a localised abbreviation: English/de/fr/es (month_number), "11月" (ja, zh),
// "11월" (ko), Russian short forms.
int ls_month(std::string_view s) {
    if (int m = month_number(s)) {
        return m;
    }
    for (std::string_view suffix : {std::string_view("月"), std::string_view("월")}) {
        if (s.ends_with(suffix)) {
            std::string_view n = s.substr(0, s.size() - suffix.size());
            if (auto v = to_int(n); v && *v >= 1 && *v <= 12) {
                return static_cast<int>(*v);
            }
        }
    }
    static constexpr std::array<std::string_view, 12> kRu = {
        "янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"};
    for (size_t k = 0; k < kRu.size(); ++k) {
        // "мая"/"май" share their first two letters only.
        if (s.starts_with(kRu[k]) && s.size() <= kRu[k].size() + 4) {
            return static_cast<int>(k) + 1;
        }
    }
    return 0;
}

// "2026-11-27" -> y, m, d.
bool parse_ymd(std::string_view s, DateInfo& d) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
        return false;
    }
    const auto y = to_int(s.substr(0, 4));
    const auto m = to_int(s.substr(5, 2));
    const auto day = to_int(s.substr(8, 2));
    if (!y || !m || !day || *m < 1 || *m > 12 || *day < 1 || *day > 31) {
        return false;
    }
    d.year = static_cast<int>(*y);
    d.month = static_cast<int>(*m);
    d.day = static_cast<int>(*day);
    return true;
}

bool parse_offset(std::string_view s, DateInfo& d) {
    if (s.size() != 5 || (s[0] != '+' && s[0] != '-') || !all_digits(s.substr(1))) {
        return false;
    }
    const int v = static_cast<int>(*to_int(s.substr(1, 2))) * 3600 +
                  static_cast<int>(*to_int(s.substr(3, 2))) * 60;
    d.offset = s[0] == '-' ? -v : v;
    d.has_offset = true;
    return true;
}

// A time or year closing a `Mon DD` date.
bool close_date(std::string_view s, DateInfo& d) {
    if (parse_clock(s, d, false)) {
        d.kind = DateKind::kRecent;
        return true;
    }
    if (parse_year(s, d.year)) {
        d.kind = DateKind::kYear;
        return true;
    }
    return false;
}

// The forms ls prints, starting at toks[i].
bool strict_date(const std::vector<Tok>& toks, size_t i, DateInfo& d) {
    const size_t n = toks.size();
    auto at = [&](size_t k) { return i + k < n ? toks[i + k].text : std::string_view(); };
    d = DateInfo{};
    if (parse_ymd(at(0), d)) {
        DateInfo t = d;
        if (parse_clock(at(1), t, true)) {
            if (parse_offset(at(2), t)) {
                t.kind = DateKind::kFullIso;
                t.tokens = 3;
            } else {
                t.kind = DateKind::kLongIso;
                t.tokens = 2;
            }
            d = t;
            return true;
        }
        d.kind = DateKind::kIsoOld;
        d.tokens = 1;
        return true;
    }
    // --time-style=iso, recent: "11-27 09:07".
    if (at(0).size() == 5 && at(0)[2] == '-' && all_digits(at(0).substr(0, 2)) &&
        all_digits(at(0).substr(3)) && parse_clock(at(1), d, false)) {
        d.month = static_cast<int>(*to_int(at(0).substr(0, 2)));
        d.day = static_cast<int>(*to_int(at(0).substr(3)));
        if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) {
            return false;
        }
        d.kind = DateKind::kIsoRecent;
        d.tokens = 2;
        return true;
    }
    // "Nov 27 09:07", "11月 27 09:07", "ноя 27  2019".
    if (int m = ls_month(at(0)); m != 0 && !all_digits(at(0))) {
        if (int day = parse_day(at(1)); day != 0 && close_date(at(2), d)) {
            d.month = m;
            d.day = day;
            d.tokens = 3;
            return true;
        }
    }
    // "27. Nov 09:07" (de), "27 nov. 09:07" (fr).
    if (int day = parse_day(at(0)); day != 0) {
        if (int m = ls_month(at(1)); m != 0 && !all_digits(at(1)) && close_date(at(2), d)) {
            d.month = m;
            d.day = day;
            d.tokens = 3;
            return true;
        }
    }
    return false;
}

// Any 2..4 tokens ending in a clock or a year: a locale whose month names we do not know.
bool loose_date(const std::vector<Tok>& toks, size_t i, DateInfo& d) {
    d = DateInfo{};
    if (i >= toks.size() || all_digits(toks[i].text)) {
        return false;
    }
    for (size_t k = 1; k < 4 && i + k < toks.size(); ++k) {
        DateInfo t;
        if (close_date(toks[i + k].text, t)) {
            d.kind = DateKind::kOther;
            d.tokens = k + 1;
            return true;
        }
    }
    return false;
}

// ---- entries --------------------------------------------------------------------------------

struct Entry {
    std::string_view inode;
    std::string_view blocks;
    std::string_view flags;
    std::string_view links;
    std::string_view owner;
    std::string_view group;
    std::string_view context;  // a third name column: SELinux context (-Z) or author
    std::string_view size;
    std::string_view major;
    std::string_view minor;
    std::string date;  // the printed date, single spaces
    DateInfo when;
    std::string filename;  // grows with continuation lines (names holding newlines)
    uint64_t line = 0;
    bool unknown = false;  // ls printed '?' for everything: it could not stat the entry
};

struct Options {
    bool si = false;          // --si sizes
    bool group_only = false;  // -g: the one name column is the group
};

// Splits one long-listing line; false when it is none.
bool parse_entry(std::string_view line, const Options& opt, std::vector<Tok>& toks, Entry& e) {
    tokenize(line, toks, 16);
    size_t m = 0;
    while (m < toks.size() && m < 3 && !is_mode(toks[m].text)) {
        ++m;
    }
    if (m >= toks.size() || m == 3 || m + 2 >= toks.size() || !is_mode(toks[m].text)) {
        return false;
    }
    // Columns in front of the mode: inode (-i) and/or blocks (-s).
    e = Entry{};
    if (m == 2) {
        if (!all_digits(toks[0].text) || !size_like(toks[1].text)) {
            return false;
        }
        e.inode = toks[0].text;
        e.blocks = toks[1].text;
    } else if (m == 1) {
        if (!size_like(toks[0].text)) {
            return false;
        }
        (all_digits(toks[0].text) ? e.inode : e.blocks) = toks[0].text;
    }
    e.flags = toks[m].text;
    // An entry ls could not stat (a directory readable but not searchable):
    // "-?????????  ? ?    ?       ?            ? name".
    if (m + 6 <= toks.size() && std::all_of(toks.begin() + static_cast<std::ptrdiff_t>(m) + 1,
                                            toks.begin() + static_cast<std::ptrdiff_t>(m) + 6,
                                            [](const Tok& k) { return k.text == "?"; })) {
        e.unknown = true;
        e.date = "?";
        size_t at = toks[m + 5].end;
        if (at < line.size() && line[at] == ' ') {
            ++at;
        }
        e.filename = std::string(line.substr(std::min(at, line.size())));
        return true;
    }
    if (!all_digits(toks[m + 1].text)) {
        return false;
    }
    e.links = toks[m + 1].text;
    const size_t first = m + 2;  // first name column
    // Where the date starts: the size (or "major, minor") right before it and 0..3 name
    // columns after the link count; two name columns (owner group) are tried first.
    struct Cut {
        size_t date_at;
        size_t size_at;
        bool device;
    };
    auto cut_at = [&](size_t i, Cut& c) {
        if (i < first + 1 || i >= toks.size()) {
            return false;
        }
        const std::string_view prev = toks[i - 1].text;
        if (i >= first + 2 && toks[i - 2].text.size() > 1 && toks[i - 2].text.ends_with(',') &&
            all_digits(toks[i - 2].text.substr(0, toks[i - 2].text.size() - 1)) &&
            all_digits(prev)) {
            c = {i, i - 2, true};
            return true;
        }
        const size_t comma = prev.find(',');
        if (comma != std::string_view::npos && comma > 0 && all_digits(prev.substr(0, comma)) &&
            all_digits(prev.substr(comma + 1))) {
            c = {i, i - 1, true};
            return true;
        }
        if (size_like(prev)) {  // 4096, 4.0K, de 4,0K
            c = {i, i - 1, false};
            return true;
        }
        return false;
    };
    Cut cut{};
    DateInfo when;
    bool found = false;
    for (int pass = 0; pass < 2 && !found; ++pass) {
        for (size_t names : {size_t(2), size_t(1), size_t(3), size_t(0)}) {
            for (size_t sizes : {size_t(1), size_t(2)}) {
                const size_t i = first + names + sizes;
                Cut c{};
                if (!cut_at(i, c) || c.size_at != first + names) {
                    continue;
                }
                const bool ok = pass == 0 ? strict_date(toks, i, when) : loose_date(toks, i, when);
                if (ok) {
                    cut = c;
                    found = true;
                    break;
                }
            }
            if (found) {
                break;
            }
        }
    }
    if (!found) {
        return false;
    }
    const size_t names = cut.size_at - first;
    if (names >= 1) {
        if (names == 1 && opt.group_only) {
            e.group = toks[first].text;
        } else {
            e.owner = toks[first].text;
        }
    }
    if (names >= 2) {
        e.group = toks[first + 1].text;
    }
    if (names == 3) {
        e.context = toks[first + 2].text;
    }
    if (cut.device) {
        std::string_view a = toks[cut.size_at].text;
        if (cut.date_at - cut.size_at == 2) {
            e.major = a.substr(0, a.size() - 1);
            e.minor = toks[cut.size_at + 1].text;
        } else {
            const size_t comma = a.find(',');
            e.major = a.substr(0, comma);
            e.minor = a.substr(comma + 1);
        }
    } else {
        e.size = toks[cut.size_at].text;
    }
    const size_t last = cut.date_at + when.tokens - 1;
    if (last >= toks.size()) {
        return false;
    }
    for (size_t k = cut.date_at; k <= last; ++k) {
        if (!e.date.empty()) {
            e.date.push_back(' ');
        }
        e.date.append(toks[k].text);
    }
    e.when = when;
    // The name follows one space.  ls pads short year columns: "Aug 15  2019 name" (C) but
    // "15. Aug 2019  name" (de), "2018-01-18  name" (iso): one more space then.
    size_t at = toks[last].end;
    if (at < line.size() && line[at] == ' ') {
        ++at;
    }
    const bool padded_after =
        when.kind == DateKind::kIsoOld ||
        ((when.kind == DateKind::kYear || when.kind == DateKind::kOther) &&
         all_digits(toks[last].text) && toks[last].begin >= 2 && line[toks[last].begin - 2] != ' ');
    if (padded_after && at < line.size() && line[at] == ' ') {
        ++at;
    }
    e.filename = std::string(line.substr(std::min(at, line.size())));
    return true;
}

bool is_ls_error(std::string_view t) {
    return t.starts_with("ls: ") || t.starts_with("/bin/ls: ") || t.starts_with("/usr/bin/ls: ");
}

// `total 392`, `insgesamt 392`, `合計 392K`: two tokens, a word and a size.
bool is_total(std::string_view t, bool section_start) {
    FieldCursor c(t);
    const std::string_view a = c.next();
    const std::string_view b = c.next();
    if (a.empty() || b.empty() || !c.next().empty() || !size_like(b)) {
        return false;
    }
    if (a == "total") {
        return true;
    }
    return section_start && !std::any_of(a.begin(), a.end(), is_digit) && !is_mode(a);
}

// A `dir:` header of -R or several operands.
bool is_header(std::string_view line) {
    return line.size() > 1 && line.back() == ':' && !is_ls_error(line);
}

// The one directory operand of an `ls` typed at a prompt in the first lines ("$ ls -la /tmp"),
// for file.path when the listing has no header; empty when there is none or it is unclear.
std::string prompt_dir(std::string_view text, bool& dash_d) {
    size_t pos = 0;
    for (int n = 0; n < 8 && pos < text.size(); ++n) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        while (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        std::string_view cmd;
        if (!is_prompt_line(strip_escapes(line), &cmd)) {
            continue;
        }
        FieldCursor c(trim(cmd));
        std::string_view w = c.next();
        if (w == "sudo") {
            w = c.next();
        }
        if (w != "ls" && !w.ends_with("/ls")) {
            return {};
        }
        std::string_view dir;
        int operands = 0;
        for (std::string_view a = c.next(); !a.empty(); a = c.next()) {
            if (a == "|" || a == ">" || a.starts_with("2>") || a == "&&" || a == ";") {
                break;
            }
            if (a.starts_with("--")) {
                continue;
            }
            if (a.starts_with('-')) {
                dash_d = dash_d || a.find('d') != std::string_view::npos;
                continue;
            }
            dir = a;
            ++operands;
        }
        if (operands != 1 || !dir.starts_with('/') ||
            dir.find_first_of("*?[{'\"$") != std::string_view::npos) {
            return {};
        }
        while (dir.size() > 1 && dir.back() == '/') {
            dir.remove_suffix(1);
        }
        return std::string(dir);
    }
    return {};
}

// ---- detection ------------------------------------------------------------------------------

struct Survey {
    int entries = 0;
    int totals = 0;
    int headers = 0;
    int errors = 0;
    int other = 0;
    // linux.proc_exe's own count (its content_score): /proc/<pid>/{exe,cwd,root} lines
    // against every other line of the first 20 rows (ls: and total lines not counted).
    int proc_hits = 0;
    int proc_other = 0;
};

Survey survey(std::string_view head) {
    Survey s;
    const std::vector<std::string_view> lines = output_lines(head);
    std::vector<Tok> toks;
    Entry e;
    const Options opt;
    bool section_start = true;
    for (size_t i = 0; i < lines.size() && i < 60; ++i) {
        const std::string_view t = trim(lines[i]);
        const bool entry = !t.empty() && parse_entry(lines[i], opt, toks, e);
        if (s.proc_hits + s.proc_other < 20 && !t.empty() && !t.starts_with("ls:") &&
            !t.starts_with("total ")) {
            FieldCursor c(t);
            if (is_mode(c.next()) && t.find(" /proc/") != std::string_view::npos &&
                (t.find("/exe") != std::string_view::npos ||
                 t.find("/cwd") != std::string_view::npos ||
                 t.find("/root") != std::string_view::npos)) {
                ++s.proc_hits;
            } else {
                ++s.proc_other;
            }
        }
        if (t.empty()) {
            continue;
        }
        if (entry) {
            ++s.entries;
            section_start = false;
        } else if (is_ls_error(t)) {
            ++s.errors;
        } else if (is_total(t, section_start)) {
            ++s.totals;
            section_start = false;
        } else if (is_header(t)) {
            ++s.headers;
            section_start = true;
        } else {
            ++s.other;
        }
    }
    return s;
}

// Whether the command line (file name or prompt) is a plain `ls` without -l/-n/-g/-o.
bool plain_ls_command(std::string_view path, std::string_view head) {
    const std::string cmd =
        command_line_hint(path, head.substr(0, std::min<size_t>(4096, head.size())));
    FieldCursor c(cmd);
    std::string_view w = c.next();
    while (!w.empty() && w != "ls") {
        w = c.next();
    }
    if (w != "ls") {
        return false;
    }
    for (std::string_view a = c.next(); !a.empty(); a = c.next()) {
        if (a.starts_with('-') && !a.starts_with("--") &&
            a.find_first_of("lngo") != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// ---- records --------------------------------------------------------------------------------

std::string file_mode(std::string_view f) {
    unsigned mode = 0;
    const unsigned bits[9] = {0400, 0200, 0100, 040, 020, 010, 04, 02, 01};
    for (int k = 0; k < 9; ++k) {
        const char c = f[1 + k];
        if (c == 'r' || c == 'w' || c == 'x' || c == 's' || c == 't') {
            mode |= bits[k];
        }
    }
    if (f[3] == 's' || f[3] == 'S') {
        mode |= 04000;
    }
    if (f[6] == 's' || f[6] == 'S') {
        mode |= 02000;
    }
    if (f[9] == 't' || f[9] == 'T') {
        mode |= 01000;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode);
    return buf;
}

std::string_view file_type(char c) {
    switch (c) {
        case '-': return "file";
        case 'd': return "dir";
        case 'l': return "symlink";
        case 'c': return "char_device";
        case 'b': return "block_device";
        case 'p': return "fifo";
        case 's': return "socket";
        default: return "unknown";
    }
}

// A number when it fits int64, else the text (a 30-digit "link count" is still kept).
void num_or_str(JsonWriter& w, std::string_view key, std::string_view v) {
    if (auto n = to_int(v)) {
        w.num(key, *n);
    } else {
        w.str(key, v);
    }
}

// parent + name, with "." and ".." folded.
std::string join_path(std::string_view parent, std::string_view name) {
    if (name.starts_with('/') || parent.empty()) {
        return std::string(name);
    }
    if (name == ".") {
        return std::string(parent);
    }
    if (name == ".." && parent.starts_with('/')) {
        const size_t s = parent.find_last_of('/');
        return s == 0 ? std::string("/") : std::string(parent.substr(0, s));
    }
    std::string p(parent);
    if (!p.ends_with('/')) {
        p.push_back('/');
    }
    return p + std::string(name);
}

class Writer {
public:
    Writer(const ParseContext& ctx, RecordSink& sink, std::string_view text)
        : anchor_(time_anchor(ctx)), sink_(sink) {
        const std::string_view probe = text.substr(0, std::min<size_t>(4096, text.size()));
        const std::string cmd = command_line_hint(ctx.member, probe);
        FieldCursor c(cmd);
        for (std::string_view a = c.next(); !a.empty(); a = c.next()) {
            if (a == "--si") {
                opt_.si = true;
            } else if (a.starts_with('-') && !a.starts_with("--")) {
                const bool g = a.find('g') != std::string_view::npos;
                const bool o = a.find('o') != std::string_view::npos;
                opt_.group_only = opt_.group_only || (g && !o);
                // -u / -c list access / change times instead of the modification time.
                not_mtime_ = not_mtime_ || a.find_first_of("uc") != std::string_view::npos;
            }
        }
        bool dash_d = false;
        prompt_dir_ = prompt_dir(text, dash_d);
        if (dash_d) {
            prompt_dir_.clear();
        }
    }

    const Options& options() const {
        return opt_;
    }

    void entry(const Entry& e, std::string_view parent, bool has_parent) {
        r_.clear();
        r_.dataset = "linux.ls";
        r_.position = e.line;
        const char type = e.flags[0];
        std::string_view name = e.filename;
        std::string_view target;
        bool has_target = false;
        if (type == 'l') {
            const size_t arrow = name.find(" -> ");
            if (arrow != std::string_view::npos) {
                target = name.substr(arrow + 4);
                name = name.substr(0, arrow);
                has_target = true;
            }
        }
        std::string_view target_path = target;
        const bool deleted = has_target && target_path.ends_with(" (deleted)");
        if (deleted) {
            target_path.remove_suffix(10);
        }
        // Epoch of the printed date.
        std::optional<int64_t> epoch;
        bool year_inferred = false;
        bool day_only = false;
        const DateInfo& d = e.when;
        switch (d.kind) {
            case DateKind::kFullIso:
                epoch = days_from_civil(d.year, static_cast<unsigned>(d.month),
                                        static_cast<unsigned>(d.day)) *
                            86400 +
                        d.hh * 3600 + d.mm * 60 + d.ss - d.offset;
                break;
            case DateKind::kLongIso:
                if (anchor_.valid) {
                    epoch = wall_to_utc(anchor_, d.year, d.month, d.day, d.hh, d.mm, d.ss);
                }
                break;
            case DateKind::kRecent:
            case DateKind::kIsoRecent:
                if (const int y = resolve_year(anchor_, d.month, d.day); y != 0) {
                    epoch = wall_to_utc(anchor_, y, d.month, d.day, d.hh, d.mm, 0);
                    year_inferred = true;
                }
                break;
            case DateKind::kYear:
                if (d.month != 0) {
                    epoch = wall_to_utc(anchor_, d.year, d.month, d.day, 0, 0, 0);
                    day_only = true;
                }
                break;
            case DateKind::kIsoOld:
                epoch = wall_to_utc(anchor_, d.year, d.month, d.day, 0, 0, 0);
                day_only = true;
                break;
            case DateKind::kOther: break;
        }
        if (epoch) {
            r_.timestamp = format_utc(*epoch, d.kind == DateKind::kFullIso ? d.millis : 0);
        }
        const std::optional<int64_t> exact_size = to_int(e.size);
        const std::optional<int64_t> human =
            exact_size ? std::nullopt : human_size(e.size, opt_.si);
        const std::string_view dir = has_parent ? parent : std::string_view(prompt_dir_);
        const bool dot = name == "." || name == ".." || name == "./" || name == "../";
        std::string_view bare = name;
        if (bare.size() > 1 && bare.back() == '/' && type == 'd') {
            bare.remove_suffix(1);  // -p
        }

        JsonWriter w(r_.body);
        w.resume_object(false);
        w.begin_object("file");
        const std::string_view nm = bare == "./" ? "." : bare == "../" ? ".." : bare;
        if (!nm.empty() && !(dot && dir.empty())) {
            w.str("path", join_path(dir, nm));
        }
        if (!dot && !bare.empty()) {
            const size_t s = bare.find_last_of('/');
            w.str("name", s == std::string_view::npos ? bare : bare.substr(s + 1));
        }
        w.str("type", file_type(type));
        if (!e.unknown) {
            w.str("mode", file_mode(e.flags));
        }
        if (!e.owner.empty()) {
            w.str(all_digits(e.owner) ? "uid" : "owner", e.owner);
        }
        if (!e.group.empty()) {
            w.str(all_digits(e.group) ? "gid" : "group", e.group);
        }
        if (exact_size) {
            w.num("size", *exact_size);
        }
        if (!e.inode.empty()) {
            w.str("inode", e.inode);
        }
        if (has_target && !target_path.empty()) {
            w.str("target_path", target_path);
        }
        if (epoch && !not_mtime_ && !day_only) {
            w.str("mtime", r_.timestamp);
        }
        w.end_object();

        w.begin_object("linux").begin_object("ls");
        w.str("filename", name);
        if (has_target) {
            w.str("link_to", target);
        }
        if (has_parent) {
            w.str("parent", parent);
        }
        w.str("flags", e.flags);
        if (!e.links.empty()) {
            num_or_str(w, "links", e.links);
        }
        if (!e.owner.empty()) {
            w.str("owner", e.owner);
        }
        if (!e.group.empty()) {
            w.str("group", e.group);
        }
        if (exact_size) {
            w.num("size", *exact_size);
        } else if (human) {
            w.num("size", *human);
            w.str("size_human", e.size);
        } else if (!e.size.empty()) {
            w.str("size", e.size);
        }
        if (!e.major.empty()) {
            num_or_str(w, "major", e.major);
            num_or_str(w, "minor", e.minor);
        }
        w.str("date", e.date);
        if (epoch) {
            w.num("epoch", *epoch);
            if (d.kind == DateKind::kFullIso && d.offset == 0) {
                w.num("epoch_utc", *epoch);
            }
            if (year_inferred) {
                w.boolean("year_inferred", true);
            }
            if (day_only) {
                w.str("date_precision", "day");
            }
        }
        if (!e.inode.empty()) {
            num_or_str(w, "inode", e.inode);
        }
        if (!e.blocks.empty()) {
            num_or_str(w, "blocks", e.blocks);
        }
        if (!e.context.empty()) {
            w.str(e.context.find(':') != std::string_view::npos ? "selinux_context" : "author",
                  e.context);
        }
        if (e.flags[3] == 's' || e.flags[3] == 'S') {
            w.boolean("setuid", true);
        }
        if (e.flags[6] == 's' || e.flags[6] == 'S') {
            w.boolean("setgid", true);
        }
        if (e.flags[9] == 't' || e.flags[9] == 'T') {
            w.boolean("sticky", true);
        }
        if (e.flags[8] == 'w' && type != 'l') {
            w.boolean("world_writable", true);
        }
        if (e.flags.size() == 11 && e.flags[10] == '+') {
            w.boolean("acl", true);
        }
        if (deleted) {
            w.boolean("deleted", true);
        }
        if (e.unknown) {
            w.boolean("unreadable", true);
        }
        w.end_object().end_object();
        sink_.emit(r_);
    }

    void plain(std::string_view name, uint64_t line, std::string_view parent, bool has_parent) {
        r_.clear();
        r_.dataset = "linux.ls";
        r_.position = line;
        JsonWriter w(r_.body);
        w.resume_object(false);
        const std::string_view dir = has_parent ? parent : std::string_view(prompt_dir_);
        if (name != "." && name != "..") {
            w.begin_object("file").str("path", join_path(dir, name));
            const size_t s = name.find_last_of('/');
            w.str("name", s == std::string_view::npos ? name : name.substr(s + 1));
            w.end_object();
        }
        w.begin_object("linux").begin_object("ls").str("filename", name);
        if (has_parent) {
            w.str("parent", parent);
        }
        w.end_object().end_object();
        sink_.emit(r_);
    }

    void ls_error(std::string_view t, uint64_t line, std::string_view parent, bool has_parent) {
        r_.clear();
        r_.dataset = "linux.ls";
        r_.position = line;
        {
            JsonWriter ev(r_.event_fields);
            ev.resume_object(false);
            ev.str("outcome", "failure");
        }
        JsonWriter w(r_.body);
        w.resume_object(false);
        // "ls: cannot open directory '/root/.ssh': Permission denied"
        const size_t q1 = t.find('\'');
        const size_t q2 = q1 == std::string_view::npos ? q1 : t.find("':", q1 + 1);
        if (q2 != std::string_view::npos && q2 > q1 + 1) {
            w.begin_object("file").str("path", t.substr(q1 + 1, q2 - q1 - 1)).end_object();
        }
        w.begin_object("linux").begin_object("ls").str("error", t);
        if (has_parent) {
            w.str("parent", parent);
        }
        w.end_object().end_object();
        sink_.emit(r_);
    }

private:
    TimeAnchor anchor_;
    RecordSink& sink_;
    Options opt_;
    bool not_mtime_ = false;
    std::string prompt_dir_;
    Record r_;
};

// The longest a name may grow through continuation lines: a path (glob operands) or, with
// no '/', one component.  Longer "names" are other text, reported as such.
constexpr size_t kMaxPath = 4096;
constexpr size_t kMaxName = 255;

class LsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ls";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const std::string_view head = whole_lines(probe);
        const Survey s = survey(head);
        const bool hint = command_hint(probe.path) == "ls";
        if (s.entries == 0) {
            if (!hint) {
                return 0;
            }
            if (s.other > 0 && plain_ls_command(probe.path, head)) {
                return 25;  // a bare name list: only on the file name's word
            }
            return s.errors > 0 && s.other == 0 ? 30 : 0;
        }
        // `ls -l /proc/*/exe`: linux.proc_exe claims it (85..90) whenever its own count says so.
        if (s.proc_hits > 0 && s.proc_hits >= s.proc_other) {
            return 40;
        }
        int score = 0;
        if (s.entries >= 2 && s.entries >= 2 * s.other) {
            score = 80;
        } else if (s.entries >= 1 && s.other == 0) {
            score = s.totals + s.headers > 0 ? 80 : 60;
        } else if (s.entries > s.other) {
            score = 60;
        } else {
            score = hint ? 30 : 0;
        }
        if (score > 0 && hint) {
            score = std::min(90, score + 10);
        }
        return score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineNumbers ln(text);
        Writer out(ctx, sink, text);
        std::vector<Tok> toks;

        // Long listing unless no line is an entry and the command is a plain `ls`.
        bool long_format = false;
        for (std::string_view l : lines) {
            Entry e;
            if (parse_entry(l, out.options(), toks, e)) {
                long_format = true;
                break;
            }
        }
        const bool plain = !long_format && plain_ls_command(ctx.member, text.substr(0, 4096));

        std::string parent;
        bool has_parent = false;
        bool section_start = true;
        size_t blanks = 0;
        std::optional<Entry> cur;
        auto flush = [&] {
            if (cur) {
                out.entry(*cur, parent, has_parent);
                cur.reset();
            }
        };
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                ++blanks;
                continue;
            }
            const uint64_t line_no = ln.of(line);
            const size_t blank_run = blanks;
            blanks = 0;
            Entry e;
            if (long_format && parse_entry(line, out.options(), toks, e)) {
                if (cur && blank_run > 0) {
                    // Blank lines between two entries end the previous name ("name\n\n").
                    cur->filename.append(blank_run, '\n');
                }
                flush();
                e.line = line_no;
                cur = std::move(e);
                section_start = false;
                continue;
            }
            if (is_ls_error(t)) {
                flush();
                out.ls_error(t, line_no, parent, has_parent);
                continue;
            }
            if (is_header(line) && (blank_run > 0 || section_start || (!cur && !plain))) {
                flush();
                parent = std::string(line.substr(0, line.size() - 1));
                has_parent = true;
                section_start = true;
                continue;
            }
            if (!plain && is_total(t, section_start)) {
                flush();
                section_start = false;
                continue;
            }
            if (plain) {
                out.plain(line, line_no, parent, has_parent);
                section_start = false;
                continue;
            }
            if (cur) {
                // A name holding newlines goes on over the next lines.
                const size_t limit =
                    cur->filename.find('/') != std::string::npos || line.find('/') != line.npos
                        ? kMaxPath
                        : kMaxName;
                if (cur->filename.size() + blank_run + 1 + line.size() <= limit) {
                    cur->filename.append(blank_run + 1, '\n');
                    cur->filename.append(line);
                    continue;
                }
            }
            flush();
            sink.emit(make_error_record(line_no, true, "linux.ls: not an ls -l line", t));
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(ln.of(std::string_view(text).substr(text.size())), true,
                                        "linux.ls: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_ls_parser() {
    static const LsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
