// linux.stat: GNU `stat FILE...` blocks, in any locale.
//
//     File: /bin/btrfsck -> btrfs
//     Size: 5         	Blocks: 0          IO Block: 4096   symbolic link
//   Device: 802h/2050d	Inode: 131075      Links: 1
//   Access: (0777/lrwxrwxrwx)  Uid: (    0/    root)   Gid: (    0/    root)
//   Access: 2019-11-15 00:17:49.537346949 +0000
//   Modify: 2018-03-12 23:04:27.000000000 +0000
//   Change: 2019-08-12 17:21:29.485946877 +0000
//    Birth: -
//
// The labels are translated (`Datei:`, `Größe:`, `Fichier :`, `Размер:`), so a block is read by
// position, anchored on the `(0755/-rwxr-xr-x)` line: the name two lines above the size line,
// the times after it in the order access, modify, change, birth (older stat prints no Birth;
// SELinux systems add a `Context:` line).  One record per file with jc 1.25.5's stat fields
// (file, link_to, size, blocks, io_blocks, type, device, inode, links, access, flags, uid,
// user, gid, group, access/modify/change/birth_time + `_epoch` in UTC seconds) and ECS
// file.path/name/type/size/inode/uid/owner/gid/group/mode/mtime/accessed/ctime/created
// (+ target_path).  @timestamp is the modification time.  Names holding newlines stay whole;
// `stat: cannot statx '/x': ...` lines become records with `error` (event.outcome failure).
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
    return basename_has_word(path, "stat");
}

// The contents of the parenthesised groups of a line, in order (at most 4).
std::vector<std::string_view> parens(std::string_view l) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (out.size() < 4) {
        const size_t open = l.find('(', pos);
        if (open == std::string_view::npos) {
            break;
        }
        const size_t close = l.find(')', open + 1);
        if (close == std::string_view::npos) {
            break;
        }
        out.push_back(l.substr(open + 1, close - open - 1));
        pos = close + 1;
    }
    return out;
}

struct ModeLine {
    std::string_view access;  // "0755"
    std::string_view flags;   // "-rwxr-xr-x"
    std::string_view uid, user, gid, group;
};

// `Access: (0755/-rwxr-xr-x)  Uid: (    0/    root)   Gid: (    0/    root)`
bool parse_mode_line(std::string_view l, ModeLine& m) {
    const auto p = parens(l);
    if (p.size() < 3) {
        return false;
    }
    const size_t s0 = p[0].find('/');
    if (s0 == std::string_view::npos) {
        return false;
    }
    m.access = trim(p[0].substr(0, s0));
    m.flags = trim(p[0].substr(s0 + 1));
    if (m.access.size() < 3 || m.access.size() > 4 || !all_digits(m.access) ||
        !has_mode_letters(m.flags)) {
        return false;
    }
    auto id_name = [](std::string_view s, std::string_view& id, std::string_view& name) {
        const size_t sl = s.find('/');
        if (sl == std::string_view::npos) {
            return false;
        }
        id = trim(s.substr(0, sl));
        name = trim(s.substr(sl + 1));
        return all_digits(id);
    };
    return id_name(p[1], m.uid, m.user) && id_name(p[2], m.gid, m.group);
}

// The text after a line's label (`  File: x` -> `x`; `  Fichier : x` -> `x`).
std::string_view after_label(std::string_view l) {
    const size_t c = l.find(": ");
    if (c == std::string_view::npos) {
        return {};
    }
    return l.substr(c + 2);
}

// A file line: indentation, a label without '/', ':' and a space.
bool is_file_line(std::string_view l) {
    if (l.empty() || (l[0] != ' ' && l[0] != '\t')) {
        return false;
    }
    const size_t c = l.find(": ");
    if (c == std::string_view::npos || c > 40) {
        return false;
    }
    const std::string_view label = trim(l.substr(0, c));
    return !label.empty() && label.find('/') == std::string_view::npos &&
           label.find('(') == std::string_view::npos;
}

struct SizeLine {
    std::string_view size, blocks, io_blocks, type;
};

// `Size: 5 \tBlocks: 0   IO Block: 4096   symbolic link`: the first three numbers, then text.
bool parse_size_line(std::string_view l, SizeLine& s) {
    FieldCursor c(l);
    std::string_view nums[3];
    int n = 0;
    while (n < 3) {
        const std::string_view tok = c.next();
        if (tok.empty()) {
            return false;
        }
        if (all_digits(tok)) {
            nums[n++] = tok;
        }
    }
    s.size = nums[0];
    s.blocks = nums[1];
    s.io_blocks = nums[2];
    s.type = trim(c.rest);
    return true;
}

struct DeviceLine {
    std::string_view device, inode, links, device_type;
};

bool is_device_token(std::string_view t) {
    // 802h/2050d, 254,0, 254/0, fd01h/64769d
    const size_t sep = t.find_first_of(",/");
    return sep != std::string_view::npos && sep > 0 && sep + 1 < t.size();
}

// `Device: 802h/2050d\tInode: 131099   Links: 1[   Device type: 1,3]`
bool parse_device_line(std::string_view l, DeviceLine& d) {
    FieldCursor c(l);
    std::vector<std::string_view> toks;
    for (std::string_view t = c.next(); !t.empty() && toks.size() < 24; t = c.next()) {
        toks.push_back(t);
    }
    size_t i = 0;
    while (i < toks.size() && !is_device_token(toks[i])) {
        ++i;
    }
    if (i >= toks.size()) {
        return false;
    }
    d.device = toks[i];
    std::vector<std::string_view> nums;
    for (++i; i < toks.size(); ++i) {
        if (all_digits(toks[i]) && nums.size() < 2) {
            nums.push_back(toks[i]);
        } else if (nums.size() == 2 && is_device_token(toks[i])) {
            d.device_type = toks[i];
        }
    }
    if (nums.size() < 2) {
        return false;
    }
    d.inode = nums[0];
    d.links = nums[1];
    return true;
}

// "2019-11-14 08:18:03.509681766 +0000" somewhere in the line.
std::optional<StatTime> find_stat_time(std::string_view l, std::string_view* raw) {
    for (size_t i = 0; i + 19 <= l.size(); ++i) {
        if (!is_digit(l[i]) || (i > 0 && l[i - 1] != ' ' && l[i - 1] != '\t')) {
            continue;
        }
        const std::string_view s = l.substr(i);
        if (s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') {
            continue;
        }
        size_t k = 0;
        auto t = parse_stat_clock(s, &k);
        if (!t) {
            return std::nullopt;
        }
        if (k + 6 <= s.size() && s[k] == ' ') {
            if (const auto offset = parse_hhmm_zone(s.substr(k + 1, 5))) {
                apply_offset(*t, *offset);
                k += 6;
            }
        }
        if (raw != nullptr) {
            *raw = s.substr(0, k);
        }
        return t;
    }
    return std::nullopt;
}

// A time line's value: a stat time, or "-" (unknown birth).
bool is_time_line(std::string_view l) {
    if (find_stat_time(l, nullptr)) {
        return true;
    }
    return trim(after_label(l)) == "-" || trim(l).ends_with(": -");
}

bool is_error_line(std::string_view t) {
    return t.starts_with("stat: ") || t.starts_with("/usr/bin/stat: ") ||
           t.starts_with("/bin/stat: ");
}

// `‘/etc/passwd’`, `'/x'`, "`/x'" -> the name inside.
std::string_view unquote(std::string_view s) {
    for (auto [o, c] :
         {std::pair<std::string_view, std::string_view>{"\xE2\x80\x98", "\xE2\x80\x99"},
          {"'", "'"},
          {"`", "'"},
          {"\"", "\""}}) {
        if (s.size() >= o.size() + c.size() && s.starts_with(o) && s.ends_with(c)) {
            return s.substr(o.size(), s.size() - o.size() - c.size());
        }
    }
    return s;
}

struct Block {
    std::string name;  // after the label, newlines kept
    SizeLine size;
    DeviceLine device;
    ModeLine mode;
    std::string_view context;
    std::string_view times[4];
    std::optional<StatTime> epochs[4];
    bool has_time[4] = {false, false, false, false};
    uint64_t line = 0;
};

class StatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.stat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t blocks = 0;
        size_t first_block_at = SIZE_MAX;
        SizeLine s;
        DeviceLine d;
        ModeLine m;
        for (size_t i = 3; i < lines.size() && i < 4000; ++i) {
            if (parse_mode_line(lines[i], m) && parse_device_line(lines[i - 1], d) &&
                parse_size_line(lines[i - 2], s) && is_file_line(lines[i - 3])) {
                ++blocks;
                first_block_at = std::min(first_block_at, i - 3);
            }
        }
        if (blocks == 0) {
            return 0;
        }
        // Output starts with a block (or stat's own errors before it).
        for (size_t i = 0; i < first_block_at; ++i) {
            const std::string_view t = trim(lines[i]);
            if (!t.empty() && !is_error_line(t)) {
                return name_hint(probe.path) ? 60 : 0;
            }
        }
        return name_hint(probe.path) ? 90 : 85;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineNumbers ln(text);
        Record r;
        size_t done = 0;  // lines before this index are accounted for
        auto leftovers = [&](size_t upto) {
            for (; done < upto; ++done) {
                const std::string_view t = trim(lines[done]);
                if (t.empty()) {
                    continue;
                }
                const uint64_t pos = ln.of(lines[done]);
                if (is_error_line(t)) {
                    error(t, pos, sink);
                } else {
                    sink.emit(make_error_record(pos, true, "stat: line outside a stat block", t));
                }
            }
        };
        SizeLine s;
        DeviceLine d;
        ModeLine m;
        for (size_t i = 3; i < lines.size(); ++i) {
            if (i - 3 < done || !parse_mode_line(lines[i], m) ||
                !parse_device_line(lines[i - 1], d) || !parse_size_line(lines[i - 2], s)) {
                continue;
            }
            // The name line: the nearest file-like line above (a name may hold newlines).
            size_t start = i - 3;
            while (start > done && !is_file_line(lines[start]) && i - 3 - start < 16) {
                --start;
            }
            if (!is_file_line(lines[start])) {
                continue;
            }
            leftovers(start);
            Block b;
            b.line = ln.of(lines[start]);
            b.name = std::string(after_label(lines[start]));
            for (size_t k = start + 1; k < i - 2; ++k) {
                b.name.push_back('\n');
                b.name.append(lines[k]);
            }
            b.size = s;
            b.device = d;
            b.mode = m;
            size_t k = i + 1;
            if (k < lines.size() && !is_time_line(lines[k]) &&
                trim(lines[k]).starts_with("Context:")) {
                b.context = trim(after_label(lines[k]));
                ++k;
            }
            for (int t = 0; t < 4 && k < lines.size() && is_time_line(lines[k]); ++t, ++k) {
                std::string_view raw;
                b.epochs[t] = find_stat_time(lines[k], &raw);
                b.times[t] = b.epochs[t] ? raw : std::string_view();
                b.has_time[t] = true;
            }
            done = k;
            emit(b, r, sink);
            i = k + 2;  // the next mode line is at least three lines on
        }
        leftovers(lines.size());
        if (cut) {
            sink.emit(make_error_record(0, true, "stat: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void error(std::string_view t, uint64_t pos, RecordSink& sink) {
        Record r;
        begin_failure_record(r, "linux.stat", pos);
        JsonWriter w(r.body);
        w.resume_object(false);
        // "stat: cannot statx '/x': No such file or directory"
        const size_t q1 = t.find_first_of("'\xE2");
        if (q1 != std::string_view::npos) {
            const bool uni = t[q1] != '\'';
            const size_t from = q1 + (uni ? 3 : 1);
            const size_t q2 = t.find(uni ? "\xE2\x80\x99: " : "': ", from);
            if (q2 != std::string_view::npos && q2 > from) {
                w.begin_object("file").str("path", t.substr(from, q2 - from)).end_object();
            }
        }
        w.begin_object("linux").begin_object("stat").str("error", t).end_object().end_object();
        sink.emit(r);
    }

    static void emit(const Block& b, Record& r, RecordSink& sink) {
        r.clear();
        r.dataset = "linux.stat";
        r.position = b.line;
        const char type = b.mode.flags[0];
        std::string_view name = b.name;
        std::string_view target;
        bool has_target = false;
        if (type == 'l') {
            const size_t arrow = name.find(" -> ");
            if (arrow != std::string_view::npos) {
                target = unquote(name.substr(arrow + 4));
                name = name.substr(0, arrow);
                has_target = true;
            }
        }
        name = unquote(name);
        if (b.epochs[1]) {
            r.timestamp = format_utc(b.epochs[1]->epoch, b.epochs[1]->millis);
        }
        static constexpr std::string_view kEcs[] = {"accessed", "mtime", "ctime", "created"};
        static constexpr std::string_view kJc[] = {"access_time", "modify_time", "change_time",
                                                   "birth_time"};
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("file").str("path", name);
        {
            std::string_view base = name;
            while (base.size() > 1 && base.back() == '/') {
                base.remove_suffix(1);
            }
            const size_t sl = base.find_last_of('/');
            base = sl == std::string_view::npos ? base : base.substr(sl + 1);
            if (!base.empty() && base != "." && base != "..") {
                w.str("name", base);
            }
        }
        w.str("type", file_type(type));
        w.num("size", *to_int(b.size.size)).str("inode", b.device.inode);
        w.str("uid", b.mode.uid);
        if (!b.mode.user.empty() && b.mode.user != "UNKNOWN") {
            w.str("owner", b.mode.user);
        }
        w.str("gid", b.mode.gid);
        if (!b.mode.group.empty() && b.mode.group != "UNKNOWN") {
            w.str("group", b.mode.group);
        }
        w.str("mode", b.mode.access.size() == 3 ? "0" + std::string(b.mode.access)
                                                : std::string(b.mode.access));
        w.str("device", b.device.device);
        if (has_target) {
            w.str("target_path", target);
        }
        for (int t = 0; t < 4; ++t) {
            // A birth time of 0 is how stat shows a file system that keeps none.
            if (b.epochs[t] && !(t == 3 && b.epochs[t]->epoch == 0)) {
                w.str(kEcs[t], format_utc(b.epochs[t]->epoch, b.epochs[t]->millis));
            }
        }
        w.end_object();
        w.begin_object("linux").begin_object("stat");
        w.str("file", name);
        if (has_target) {
            w.str("link_to", target);
        }
        w.num("size", *to_int(b.size.size))
            .num("blocks", *to_int(b.size.blocks))
            .num("io_blocks", *to_int(b.size.io_blocks))
            .str("type", b.size.type)
            .str("device", b.device.device)
            .num("inode", *to_int(b.device.inode))
            .num("links", *to_int(b.device.links));
        if (!b.device.device_type.empty()) {
            w.str("device_type", b.device.device_type);
        }
        w.str("access", b.mode.access).str("flags", b.mode.flags);
        w.num("uid", *to_int(b.mode.uid)).str("user", b.mode.user);
        w.num("gid", *to_int(b.mode.gid)).str("group", b.mode.group);
        if (!b.context.empty()) {
            w.str("selinux_context", b.context);
        }
        for (int t = 0; t < 4; ++t) {
            if (!b.has_time[t]) {
                continue;
            }
            if (b.epochs[t]) {
                w.str(kJc[t], b.times[t]);
                w.num(std::string(kJc[t]) + "_epoch", b.epochs[t]->epoch);
                if (b.epochs[t]->offset == 0) {
                    w.num(std::string(kJc[t]) + "_epoch_utc", b.epochs[t]->epoch);
                }
            } else {
                w.null(kJc[t]);
            }
        }
        const std::string_view f = b.mode.flags;
        if (f[3] == 's' || f[3] == 'S') {
            w.boolean("setuid", true);
        }
        if (f[6] == 's' || f[6] == 'S') {
            w.boolean("setgid", true);
        }
        if (f[8] == 'w' && type != 'l') {
            w.boolean("world_writable", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_stat_parser() {
    static const StatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
