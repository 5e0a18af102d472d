// linux.find: what `find` prints, in three shapes.
// - Path lists (`find / -perm -4000`, `-mtime -1`, `-nouser`, Cat-Scale Setuid-Setguid-tools.txt,
//   hand-saved suid.txt / modified_files.txt) with find's own error lines
//   (`find: '/proc/1/task': Permission denied`).  One record per path with jc 1.25.5's find
//   fields (path = the directory part, node = the last component, error) and ECS file.path /
//   file.name.  A bare list of paths is generic text, so it is claimed only on a find-like file
//   name, or when every line is an absolute path and find's error lines are among them.
// - `find -ls` lines (`inode blocks mode links owner group size Mon DD HH:MM|YYYY path`):
//   the fields of an `ls -lis` row (names as linux.ls gives them) plus ECS file.*; find's
//   backslash escapes in names (`\ `, `\\`, `\n`) are decoded for file.path; the year of a
//   `Mon DD HH:MM` date is inferred from the collection (`year_inferred`), `Mon DD  YYYY` is a
//   day (`date_precision: "day"`); analyst flags setuid/setgid/sticky/world_writable.
// - Cat-Scale's full-timeline.csv (`stat --printf="%i,%h,%n,%x,%y,%z,%w,%U,%G,%A,%s\n"` behind a
//   fixed header): inode, links, path, the four times (+ `_epoch`), owner, group, flags, size;
//   the path is what lies between the first two and the last eight fields, so commas in names
//   survive.  @timestamp is the modification time.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool name_hint(std::string_view path) {
    const auto words = name_words(path_basename(path));
    auto has = [&](std::string_view w) {
        return std::find(words.begin(), words.end(), w) != words.end();
    };
    return has("find") || has("suid") || has("sgid") || has("setuid") || has("setgid") ||
           has("setguid") || (has("modified") && has("files")) || (has("socket") && has("files")) ||
           has("nouser") || has("nogroup") || (has("world") && has("writable")) ||
           (has("hidden") && (has("files") || has("dirs") || has("directories")));
}

// ---- error lines ----------------------------------------------------------------------------

struct FindError {
    std::string_view path;  // the quoted operand, may be empty
    std::string_view message;
};

// `find: '/x': Permission denied`, `find: ‘/x’: …`, "find: `/x': …", `find: warning: …`.
std::optional<FindError> parse_find_error(std::string_view t) {
    std::string_view rest;
    for (std::string_view p : {std::string_view("find: "), std::string_view("/usr/bin/find: "),
                               std::string_view("/bin/find: ")}) {
        if (t.starts_with(p)) {
            rest = t.substr(p.size());
            break;
        }
    }
    if (rest.empty()) {
        return std::nullopt;
    }
    FindError e;
    e.message = rest;
    std::string_view open;
    std::string_view close;
    if (rest.starts_with("\xE2\x80\x98")) {  // ‘ … ’
        open = "\xE2\x80\x98";
        close = "\xE2\x80\x99: ";
    } else if (rest.starts_with("'") || rest.starts_with("`")) {
        open = rest.substr(0, 1);
        close = "': ";
    }
    if (!open.empty()) {
        const size_t end = rest.rfind(close);
        if (end != std::string_view::npos && end >= open.size()) {
            e.path = rest.substr(open.size(), end - open.size());
            e.message = rest.substr(end + close.size());
        }
    }
    return e;
}

// ---- -ls lines -------------------------------------------------------------------------------

bool is_mode(std::string_view t) {
    if (!has_mode_letters(t)) {
        return false;
    }
    return t.size() == 10 || t[10] == '.' || t[10] == '+' || t[10] == '@';
}

int month_of(std::string_view s) {
    if (const int m = month_number(s)) {
        return m;
    }
    for (std::string_view suffix : {std::string_view("月"), std::string_view("월")}) {
        if (s.ends_with(suffix)) {
            if (auto v = to_int(s.substr(0, s.size() - suffix.size())); v && *v >= 1 && *v <= 12) {
                return static_cast<int>(*v);
            }
        }
    }
    return 0;
}

struct LsLine {
    std::string_view inode, blocks, flags, links, owner, group, size, major, minor;
    std::string date;
    int month = 0, day = 0, year = 0, hh = -1, mm = -1;
    std::string_view name;  // escaped, may hold " -> target"
};

bool parse_ls_line(std::string_view line, LsLine& e) {
    FieldCursor c(line);
    e = LsLine{};
    e.inode = c.next();
    e.blocks = c.next();
    e.flags = c.next();
    e.links = c.next();
    e.owner = c.next();
    e.group = c.next();
    if (!all_digits(e.inode) || !all_digits(e.blocks) || !is_mode(e.flags) ||
        !all_digits(e.links) || e.owner.empty() || e.group.empty()) {
        return false;
    }
    std::string_view s = c.next();
    if (s.size() > 1 && s.back() == ',' && all_digits(s.substr(0, s.size() - 1))) {
        e.major = s.substr(0, s.size() - 1);
        e.minor = c.next();
        if (!all_digits(e.minor)) {
            return false;
        }
    } else if (all_digits(s)) {
        e.size = s;
    } else {
        return false;
    }
    const std::string_view mon = c.next();
    const std::string_view day = c.next();
    const std::string_view last = c.next();
    e.month = month_of(mon);
    const auto d = to_int(day);
    if (e.month == 0 || !d || *d < 1 || *d > 31) {
        return false;
    }
    e.day = static_cast<int>(*d);
    if (last.size() == 5 && last[2] == ':' && all_digits(last.substr(0, 2)) &&
        all_digits(last.substr(3))) {
        e.hh = static_cast<int>(*to_int(last.substr(0, 2)));
        e.mm = static_cast<int>(*to_int(last.substr(3)));
        if (e.hh > 23 || e.mm > 59) {
            return false;
        }
    } else if (last.size() == 4 && all_digits(last)) {
        e.year = static_cast<int>(*to_int(last));
    } else {
        return false;
    }
    e.date = std::string(mon) + " " + std::string(day) + " " + std::string(last);
    // The name follows one space.
    std::string_view rest = c.rest;
    if (rest.empty() || rest[0] != ' ') {
        return false;
    }
    rest.remove_prefix(1);
    e.name = rest;
    return !e.name.empty();
}

// find's escapes in -ls names: `\ `, `\\`, `\n`, `\t`, octal `\303`.
std::string unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out.push_back(s[i]);
            continue;
        }
        const char n = s[++i];
        if (n >= '0' && n <= '7' && i + 2 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' &&
            s[i + 2] >= '0' && s[i + 2] <= '7') {
            out.push_back(
                static_cast<char>(((n - '0') << 6) | ((s[i + 1] - '0') << 3) | (s[i + 2] - '0')));
            i += 2;
            continue;
        }
        switch (n) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'a': out.push_back('\a'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'v': out.push_back('\v'); break;
            default: out.push_back(n); break;
        }
    }
    return out;
}

// " -> " outside escapes (a space inside a name is escaped, so the first bare one is it).
size_t arrow_at(std::string_view s) {
    for (size_t i = 0; i + 3 < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
            continue;
        }
        if (s.compare(i, 4, " -> ") == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

// ---- Cat-Scale CSV ---------------------------------------------------------------------------

constexpr std::string_view kTimelineHeader =
    "Inode,Hard link Count,Full Path,Last Access,Last Modification,Last Status Change,File "
    "Creation,User,Group,File Permissions,File Size(bytes)";

// "2023-07-12 11:54:32.622305431 +0000" (stat %x/%y/%z/%w).
std::optional<StatTime> parse_stat_time(std::string_view s) {
    s = trim(s);
    size_t end = 0;
    auto t = parse_stat_clock(s, &end);
    if (!t) {
        return std::nullopt;
    }
    const std::string_view zone = trim(s.substr(end));
    if (!zone.empty()) {
        const auto offset = parse_hhmm_zone(zone);
        if (!offset) {
            return std::nullopt;
        }
        apply_offset(*t, *offset);
    }
    return t;
}

// Splits a timeline row: 2 fields, the path, 8 fields.
bool split_timeline(std::string_view l, std::vector<std::string_view>& f) {
    f.clear();
    const size_t c1 = l.find(',');
    const size_t c2 = c1 == std::string_view::npos ? c1 : l.find(',', c1 + 1);
    if (c2 == std::string_view::npos) {
        return false;
    }
    f.push_back(l.substr(0, c1));
    f.push_back(l.substr(c1 + 1, c2 - c1 - 1));
    std::string_view rest = l.substr(c2 + 1);
    std::vector<std::string_view> tail;
    for (int k = 0; k < 8; ++k) {
        const size_t c = rest.rfind(',');
        if (c == std::string_view::npos) {
            return false;
        }
        tail.push_back(rest.substr(c + 1));
        rest = rest.substr(0, c);
    }
    f.push_back(rest);
    f.insert(f.end(), tail.rbegin(), tail.rend());
    return all_digits(f[0]) && all_digits(f[1]) && is_mode(f[9]) && all_digits(f[10]) &&
           !f[2].empty();
}

// ---- shared ----------------------------------------------------------------------------------

std::string octal_mode(std::string_view f) {
    int v = 0;
    for (int k = 0; k < 3; ++k) {
        const char r = f[1 + k * 3];
        const char w = f[2 + k * 3];
        const char x = f[3 + k * 3];
        int bits =
            (r == 'r' ? 4 : 0) | (w == 'w' ? 2 : 0) | ((x == 'x' || x == 's' || x == 't') ? 1 : 0);
        v = v * 8 + bits;
    }
    int special = 0;
    if (f[3] == 's' || f[3] == 'S') {
        special |= 4;
    }
    if (f[6] == 's' || f[6] == 'S') {
        special |= 2;
    }
    if (f[9] == 't' || f[9] == 'T') {
        special |= 1;
    }
    v += special * 512;
    std::string out(4, '0');
    for (int k = 3; k >= 0; --k) {
        out[static_cast<size_t>(k)] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    return out;
}

void analyst_flags(JsonWriter& w, std::string_view f) {
    if (f[3] == 's' || f[3] == 'S') {
        w.boolean("setuid", true);
    }
    if (f[6] == 's' || f[6] == 'S') {
        w.boolean("setgid", true);
    }
    if (f[9] == 't' || f[9] == 'T') {
        w.boolean("sticky", true);
    }
    if (f[8] == 'w' && f[0] != 'l') {
        w.boolean("world_writable", true);
    }
}

// jc: path = the directory part, node = the last component ("" parts are left out).
void path_node(JsonWriter& w, std::string_view p) {
    if (p.size() > 1 && p.back() == '/') {
        const std::string_view dir = p.substr(0, p.size() - 1);
        w.str("path", dir);
        return;
    }
    const size_t s = p.find_last_of('/');
    if (s == std::string_view::npos) {
        w.str("node", p);
        return;
    }
    w.str("path", s == 0 ? std::string_view("/") : p.substr(0, s));
    if (s + 1 < p.size()) {
        w.str("node", p.substr(s + 1));
    }
}

void ecs_file_name(JsonWriter& w, std::string_view p) {
    std::string_view b = p;
    while (b.size() > 1 && b.back() == '/') {
        b.remove_suffix(1);
    }
    const size_t s = b.find_last_of('/');
    const std::string_view name = s == std::string_view::npos ? b : b.substr(s + 1);
    if (!name.empty() && name != "." && name != "..") {
        w.str("name", name);
    }
}

bool looks_like_path(std::string_view t) {
    return !t.empty() && (t[0] == '/' || t[0] == '.' || t[0] == '~');
}

enum class Shape { kNone, kPaths, kLs, kTimeline };

struct Survey {
    size_t paths = 0;     // lines starting with / . ~
    size_t relative = 0;  // other lines (paths under a relative start point, or text)
    size_t errors = 0;    // find: lines
    size_t ls = 0;        // -ls rows
    size_t ls_slash = 0;  // -ls rows whose name holds '/'
    size_t totals = 0;    // "total N" (ls -l, not find)
    bool timeline = false;
};

Survey survey(const std::vector<std::string_view>& lines) {
    Survey s;
    size_t seen = 0;
    LsLine e;
    for (std::string_view l : lines) {
        const std::string_view t = trim(l);
        if (t.empty()) {
            continue;
        }
        if (seen == 0 && t == kTimelineHeader) {
            s.timeline = true;
            return s;
        }
        if (++seen > 400) {
            break;
        }
        if (parse_find_error(t)) {
            ++s.errors;
        } else if (parse_ls_line(l, e)) {
            ++s.ls;
            if (e.name.find('/') != std::string_view::npos || e.name == ".") {
                ++s.ls_slash;
            }
        } else if (t.starts_with("total ") && all_digits(trim(t.substr(6)))) {
            ++s.totals;
        } else if (looks_like_path(l)) {
            ++s.paths;
        } else {
            ++s.relative;
        }
    }
    return s;
}

class Writer {
public:
    Writer(const ParseContext& ctx, RecordSink& sink) : anchor_(time_anchor(ctx)), sink_(sink) {}

    void path(std::string_view p, uint64_t pos) {
        start(pos);
        JsonWriter w(r_.body);
        w.resume_object(false);
        w.begin_object("file").str("path", p);
        ecs_file_name(w, p);
        w.end_object();
        w.begin_object("linux").begin_object("find");
        path_node(w, p);
        w.end_object().end_object();
        sink_.emit(r_);
    }

    void error(std::string_view t, const FindError& e, uint64_t pos) {
        start(pos);
        {
            JsonWriter ev(r_.event_fields);
            ev.resume_object(false);
            ev.str("outcome", "failure");
        }
        JsonWriter w(r_.body);
        w.resume_object(false);
        if (!e.path.empty()) {
            w.begin_object("file").str("path", e.path).end_object();
        }
        w.begin_object("linux").begin_object("find").str("error", t);
        w.end_object().end_object();
        sink_.emit(r_);
    }

    void ls(const LsLine& e, uint64_t pos) {
        start(pos);
        std::string_view name = e.name;
        std::string_view target;
        bool has_target = false;
        if (e.flags[0] == 'l') {
            if (const size_t a = arrow_at(name); a != std::string_view::npos) {
                target = name.substr(a + 4);
                name = name.substr(0, a);
                has_target = true;
            }
        }
        const std::string path = unescape(name);
        const std::string target_path = unescape(target);
        std::optional<int64_t> epoch;
        bool inferred = false;
        const bool day_only = e.year != 0;
        if (day_only) {
            epoch = wall_to_utc(anchor_, e.year, e.month, e.day, 0, 0, 0);
        } else if (const int y = resolve_year(anchor_, e.month, e.day); y != 0) {
            epoch = wall_to_utc(anchor_, y, e.month, e.day, e.hh, e.mm, 0);
            inferred = true;
        }
        if (epoch) {
            r_.timestamp = format_utc(*epoch);
        }
        JsonWriter w(r_.body);
        w.resume_object(false);
        w.begin_object("file").str("path", path);
        ecs_file_name(w, path);
        w.str("type", file_type(e.flags[0])).str("mode", octal_mode(e.flags));
        w.str(all_digits(e.owner) ? "uid" : "owner", e.owner);
        w.str(all_digits(e.group) ? "gid" : "group", e.group);
        if (!e.size.empty()) {
            w.num("size", *to_int(e.size));
        }
        w.str("inode", e.inode);
        if (has_target) {
            w.str("target_path", target_path);
        }
        if (epoch && !day_only) {
            w.str("mtime", r_.timestamp);
        }
        w.end_object();
        w.begin_object("linux").begin_object("find");
        path_node(w, path);
        w.num("inode", *to_int(e.inode)).num("blocks", *to_int(e.blocks)).str("flags", e.flags);
        w.num("links", *to_int(e.links)).str("owner", e.owner).str("group", e.group);
        if (!e.size.empty()) {
            w.num("size", *to_int(e.size));
        } else {
            w.num("major", *to_int(e.major)).num("minor", *to_int(e.minor));
        }
        w.str("date", e.date);
        if (epoch) {
            w.num("epoch", *epoch);
            if (inferred) {
                w.boolean("year_inferred", true);
            }
            if (day_only) {
                w.str("date_precision", "day");
            }
        }
        if (has_target) {
            w.str("link_to", target_path);
        }
        if (path != name) {
            w.str("printed", e.name);
        }
        analyst_flags(w, e.flags);
        w.end_object().end_object();
        sink_.emit(r_);
    }

    void timeline(const std::vector<std::string_view>& f, uint64_t pos) {
        start(pos);
        static constexpr std::string_view kTimes[] = {"access_time", "modify_time", "change_time",
                                                      "birth_time"};
        static constexpr std::string_view kEcs[] = {"accessed", "mtime", "ctime", "created"};
        std::optional<StatTime> t[4];
        for (int k = 0; k < 4; ++k) {
            t[k] = parse_stat_time(f[3 + static_cast<size_t>(k)]);
        }
        if (t[1]) {
            r_.timestamp = format_utc(t[1]->epoch, t[1]->millis);
        }
        const std::string_view flags = f[9];
        JsonWriter w(r_.body);
        w.resume_object(false);
        w.begin_object("file").str("path", f[2]);
        ecs_file_name(w, f[2]);
        w.str("type", file_type(flags[0])).str("mode", octal_mode(flags));
        w.str(all_digits(f[7]) ? "uid" : "owner", f[7]);
        w.str(all_digits(f[8]) ? "gid" : "group", f[8]);
        w.num("size", *to_int(f[10])).str("inode", f[0]);
        for (int k = 0; k < 4; ++k) {
            // A birth time of 0 is how stat shows a file system that keeps none.
            if (t[k] && !(k == 3 && t[k]->epoch == 0)) {
                w.str(kEcs[k], format_utc(t[k]->epoch, t[k]->millis));
            }
        }
        w.end_object();
        w.begin_object("linux").begin_object("find");
        path_node(w, f[2]);
        w.num("inode", *to_int(f[0])).num("links", *to_int(f[1]));
        for (int k = 0; k < 4; ++k) {
            const std::string_view raw = f[3 + static_cast<size_t>(k)];
            if (raw == "-" || raw.empty()) {
                w.null(kTimes[k]);
                continue;
            }
            w.str(kTimes[k], raw);
            if (t[k]) {
                w.num(std::string(kTimes[k]) + "_epoch", t[k]->epoch);
            }
        }
        w.str("owner", f[7]).str("group", f[8]).str("flags", flags).num("size", *to_int(f[10]));
        analyst_flags(w, flags);
        w.end_object().end_object();
        sink_.emit(r_);
    }

private:
    void start(uint64_t pos) {
        r_.clear();
        r_.dataset = "linux.find";
        r_.position = pos;
    }

    TimeAnchor anchor_;
    RecordSink& sink_;
    Record r_;
};

class FindParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.find";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Survey s = survey(output_lines(whole_lines(probe)));
        if (s.timeline) {
            return 95;
        }
        const bool hint = name_hint(probe.path);
        const size_t other = s.paths + s.relative + s.totals;
        if (s.ls > 0) {
            // `ls -lis` rows look the same; find prints no "total" and paths, not bare names.
            if (s.totals > 0 || s.ls < 2 * other) {
                return hint && s.totals == 0 && s.ls > other ? 60 : 0;
            }
            if (hint) {
                return 92;
            }
            return s.ls_slash * 2 >= s.ls ? 85 : 0;
        }
        if (s.paths == 0 || s.totals > 0) {
            return 0;
        }
        // Paths (and errors) only.
        if (hint) {
            if (s.relative == 0) {
                return 70;
            }
            return s.paths >= 4 * s.relative ? 50 : 0;
        }
        return s.errors > 0 && s.relative == 0 && s.paths >= 1 ? 65 : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        // Streamed: a Cat-Scale timeline lists the whole file system.
        Writer out(ctx, sink);
        bool timeline = false;
        bool first = true;
        std::vector<std::string_view> fields;
        LsLine e;
        std::string carry;  // a timeline row cut by a newline in its name
        uint64_t carry_pos = 0;
        while (const auto raw = in.next_line()) {
            const std::string_view line = strip_escapes(*raw);
            const std::string_view t = trim(line);
            const uint64_t pos = in.line_number();
            if (t.empty() || is_prompt_line(line) || t.starts_with("Script started") ||
                t.starts_with("Script done")) {
                continue;
            }
            if (in.truncated()) {
                sink.emit(make_error_record(pos, true, "find: line too long", line));
                continue;
            }
            if (first) {
                first = false;
                if (t == kTimelineHeader) {
                    timeline = true;
                    continue;
                }
                // A banner (`===== find / -perm -4000 =====`, `# suid files`) above the output.
                if (std::string_view("=#*").find(t[0]) != std::string_view::npos ||
                    (t.starts_with("--") && !parse_ls_line(line, e))) {
                    continue;
                }
            }
            if (timeline) {
                // A name holding a newline spreads one row over two lines: the first does not
                // split, the two together do.
                if (!carry.empty()) {
                    const std::string joined = carry + "\n" + std::string(line);
                    if (split_timeline(joined, fields)) {
                        out.timeline(fields, carry_pos);
                        carry.clear();
                        continue;
                    }
                    sink.emit(make_error_record(carry_pos, true,
                                                "find: timeline row does not split", carry));
                    carry.clear();
                }
                if (split_timeline(line, fields)) {
                    out.timeline(fields, pos);
                } else if (line.size() < 4096) {
                    carry = std::string(line);
                    carry_pos = pos;
                } else {
                    sink.emit(
                        make_error_record(pos, true, "find: timeline row does not split", line));
                }
                continue;
            }
            if (const auto err = parse_find_error(t)) {
                out.error(t, *err, pos);
            } else if (parse_ls_line(line, e)) {
                out.ls(e, pos);
            } else if (t.starts_with("total ") && all_digits(trim(t.substr(6)))) {
                sink.emit(
                    make_error_record(pos, true, "find: an ls total line, not find output", line));
            } else {
                // A path (find prints names verbatim, leading spaces included).
                out.path(line, pos);
            }
        }
        if (!carry.empty()) {
            sink.emit(
                make_error_record(carry_pos, true, "find: timeline row does not split", carry));
        }
    }
};

}  // namespace

const Parser& linux_find_parser() {
    static const FindParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
