// linux.lsof: `lsof` tables (-nP, -i, -nPi, +L1, -nPl, -K with TID/TASKCMD, -R with PPID, -U).
//
// One record per open file, jc's field names (command, pid, tid, taskcmd, ppid, user, fd,
// type, device, size_off, nlink, node, name).  Columns are assigned by their position under
// the header (lsof sizes every column to its widest value), so empty TID/DEVICE/SIZE cells
// and NAMEs with spaces stay in place; rows that do not line up fall back to whitespace
// splitting.  Beyond jc: NODE keeps its type (a number or null; socket rows' "TCP"/"UDP" go
// to `protocol`), SIZE/OFF offsets `0t12`/`0x1f` are decoded, `(deleted)` sets deleted=true
// and file.path without the suffix, socket NAMEs give source/destination ip/port, `state`
// and network.transport, and `\x20`-style escapes in COMMAND are decoded for process.name.
#include <algorithm>
#include <array>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

enum class Col : uint8_t {
    kCommand,
    kPid,
    kTid,
    kTaskCmd,
    kPpid,
    kPgid,
    kUser,
    kFd,
    kType,
    kDevice,
    kSizeOff,
    kSize,
    kOff,
    kNlink,
    kNode,
    kName,
    kUnknown
};

constexpr std::array<std::string_view, 16> kColNames = {
    "command", "pid",    "tid",      "taskcmd", "ppid", "pgid",  "user", "fd",
    "type",    "device", "size_off", "size",    "off",  "nlink", "node", "name"};

Col col_of(std::string_view h) {
    if (h == "COMMAND") {
        return Col::kCommand;
    }
    if (h == "PID") {
        return Col::kPid;
    }
    if (h == "TID") {
        return Col::kTid;
    }
    if (h == "TASKCMD") {
        return Col::kTaskCmd;
    }
    if (h == "PPID") {
        return Col::kPpid;
    }
    if (h == "PGID") {
        return Col::kPgid;
    }
    if (h == "USER") {
        return Col::kUser;
    }
    if (h == "FD") {
        return Col::kFd;
    }
    if (h == "TYPE") {
        return Col::kType;
    }
    if (h == "DEVICE") {
        return Col::kDevice;
    }
    if (h == "SIZE/OFF") {
        return Col::kSizeOff;
    }
    if (h == "SIZE") {
        return Col::kSize;
    }
    if (h == "OFFSET") {
        return Col::kOff;
    }
    if (h == "NLINK") {
        return Col::kNlink;
    }
    if (h == "NODE") {
        return Col::kNode;
    }
    if (h == "NAME") {
        return Col::kName;
    }
    return Col::kUnknown;
}

constexpr size_t kMaxCols = 16;

struct Header {
    size_t n = 0;
    std::array<Col, kMaxCols> col{};
    std::array<size_t, kMaxCols> start{};
    std::array<size_t, kMaxCols> end{};
    size_t name_start = 0;
    bool valid = false;
};

bool is_header(std::string_view t) {
    return t.starts_with("COMMAND") && t.find(" PID") != std::string_view::npos &&
           t.find(" FD") != std::string_view::npos && t.find(" NAME") != std::string_view::npos;
}

Header read_header(std::string_view line) {
    Header h;
    size_t i = 0;
    while (i < line.size() && h.n < kMaxCols) {
        while (i < line.size() && line[i] == ' ') {
            ++i;
        }
        if (i >= line.size()) {
            break;
        }
        size_t j = i;
        while (j < line.size() && line[j] != ' ') {
            ++j;
        }
        const Col c = col_of(line.substr(i, j - i));
        if (c == Col::kUnknown) {
            return h;
        }
        h.col[h.n] = c;
        h.start[h.n] = i;
        h.end[h.n] = j;
        ++h.n;
        if (c == Col::kName) {
            h.name_start = i;
            break;
        }
        i = j;
    }
    h.valid = h.n >= 5 && h.col[0] == Col::kCommand && h.col[h.n - 1] == Col::kName;
    return h;
}

struct Cells {
    std::array<std::string_view, kMaxCols> v{};
};

// Columns by position: each token goes to the header column it overlaps most.  False when
// two tokens claim one column (the row is not aligned with this header).
bool split_aligned(std::string_view line, const Header& h, Cells& out) {
    out = Cells{};
    if (line.size() < h.name_start || h.name_start == 0 || line[h.name_start - 1] != ' ') {
        return false;
    }
    std::string_view name = line.substr(h.name_start);
    if (!name.empty() && name[0] == ' ') {
        return false;
    }
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);  // UDP rows end in a space
    }
    out.v[h.n - 1] = name;
    size_t i = 0;
    const size_t limit = h.name_start;
    std::array<bool, kMaxCols> used{};
    while (i < limit) {
        while (i < limit && line[i] == ' ') {
            ++i;
        }
        if (i >= limit) {
            break;
        }
        size_t j = i;
        while (j < limit && line[j] != ' ') {
            ++j;
        }
        size_t best = kMaxCols;
        int64_t best_overlap = -1;
        int64_t best_gap = INT64_MAX;
        for (size_t c = 0; c + 1 < h.n; ++c) {
            const int64_t lo = static_cast<int64_t>(std::max(i, h.start[c]));
            const int64_t hi = static_cast<int64_t>(std::min(j, h.end[c]));
            const int64_t overlap = hi - lo;
            if (overlap > 0) {
                if (overlap > best_overlap) {
                    best_overlap = overlap;
                    best = c;
                }
            } else if (best_overlap < 0) {
                const int64_t gap = -overlap;
                if (gap < best_gap) {
                    best_gap = gap;
                    best = c;
                }
            }
        }
        if (best == kMaxCols || used[best]) {
            return false;
        }
        used[best] = true;
        out.v[best] = line.substr(i, j - i);
        i = j;
    }
    return !out.v[0].empty() && !out.v[1].empty();
}

// Whitespace fallback: the columns in header order, blank TID/TASKCMD skipped when the
// token after PID is not a number.
bool split_tokens(std::string_view line, const Header& h, Cells& out) {
    out = Cells{};
    FieldCursor cur(line);
    for (size_t c = 0; c + 1 < h.n; ++c) {
        if (h.col[c] == Col::kTid || h.col[c] == Col::kTaskCmd) {
            FieldCursor peek = cur;
            const std::string_view t = peek.next();
            if (h.col[c] == Col::kTid && !to_int(t)) {
                if (c + 1 < h.n && h.col[c + 1] == Col::kTaskCmd) {
                    ++c;
                }
                continue;
            }
        }
        out.v[c] = cur.next();
        if (out.v[c].empty()) {
            return false;
        }
    }
    std::string_view name = cur.remainder();
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);
    }
    out.v[h.n - 1] = name;
    return true;
}

// SIZE/OFF: a size, or an offset `0t<dec>` / `0x<hex>`.
std::optional<int64_t> size_or_offset(std::string_view s) {
    if (s.size() > 2 && s[0] == '0' && s[1] == 't') {
        return to_int(s.substr(2));
    }
    if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && s.size() <= 18) {
        uint64_t v = 0;
        for (char c : s.substr(2)) {
            int d = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
            if (d < 0) {
                return std::nullopt;
            }
            v = v * 16 + static_cast<uint64_t>(d);
        }
        if (v > static_cast<uint64_t>(INT64_MAX)) {
            return std::nullopt;
        }
        return static_cast<int64_t>(v);
    }
    return to_int(s);
}

// lsof prints non-printable bytes of COMMAND as \xNN (and \n, \t, ^X forms); decoded into
// `buf` for process.name.
std::string_view unescape_command(std::string_view s, std::array<char, 256>& buf) {
    if (s.find('\\') == std::string_view::npos || s.size() > buf.size()) {
        return s;
    }
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
            auto hex = [](char c) {
                return (c >= '0' && c <= '9')   ? c - '0'
                       : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                       : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                : -1;
            };
            const int hi = hex(s[i + 2]);
            const int lo = hex(s[i + 3]);
            if (hi >= 0 && lo >= 0) {
                buf[n++] = static_cast<char>(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        buf[n++] = s[i];
    }
    return std::string_view(buf.data(), n);
}

// "[::1]:443", "10.0.0.1:22", "*:4444", "host:ssh".
void write_endpoint(JsonWriter& w, std::string_view obj, std::string_view ep) {
    std::string_view addr = ep;
    std::string_view port;
    const size_t c = ep.rfind(':');
    if (c != std::string_view::npos && (ep.front() != '[' || (c > 0 && ep[c - 1] == ']'))) {
        addr = ep.substr(0, c);
        port = ep.substr(c + 1);
    }
    if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') {
        addr = addr.substr(1, addr.size() - 2);
    }
    const auto p = to_int(port);
    const bool has_addr = !addr.empty() && addr != "*";
    if (!has_addr && !p) {
        return;
    }
    w.begin_object(obj);
    if (has_addr) {
        w.str("address", addr);
        if (is_ip_literal(addr)) {
            w.str("ip", addr);
        }
    }
    if (p) {
        w.num("port", *p);
    }
    w.end_object();
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    size_t seen = 0;
    for (size_t i = 0; i < lines.size() && seen < 6; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty() || t.starts_with("lsof:") || t.starts_with("Output information")) {
            continue;
        }
        ++seen;
        if (is_header(t) && read_header(t).valid) {
            return 85;
        }
    }
    return 0;
}

class LsofParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lsof";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "lsof") ? 90 : score;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        Header h;
        Record r;
        Cells cells;
        std::array<char, 256> namebuf{};
        std::string joined;
        // A hard-wrapped copy: what follows a long row and is neither a row, a header nor a
        // warning is the rest of that row (the end of NAME).
        auto is_tail = [&](std::string_view n) {
            const std::string_view nt = trim(n);
            Cells probe;
            return !is_header(nt) && !nt.starts_with("COMMAND") && !nt.starts_with("lsof:") &&
                   !nt.starts_with("Output information may be") && !split_aligned(n, h, probe) &&
                   !split_tokens(nt, h, probe);
        };
        for (size_t li = 0; li < lines.size(); ++li) {
            std::string_view line = lines[li];
            std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (!is_header(t) && t.starts_with("COMMAND") && li + 1 < lines.size()) {
                // A header cut before NAME: its next line ends it.
                joined.assign(line).append(lines[li + 1]);
                if (is_header(trim(std::string_view(joined)))) {
                    ++li;
                    line = joined;
                    t = trim(line);
                }
            }
            if (is_header(t)) {
                // Leading spaces never precede COMMAND; positions are taken from the line.
                h = read_header(line);
                continue;
            }
            if (t.starts_with("lsof:") || t.starts_with("Output information may be")) {
                continue;  // warnings lsof writes to stderr
            }
            const uint64_t line_no = lc.line_of(line);
            if (!h.valid) {
                sink.emit(make_error_record(line_no, true, "linux.lsof: row before a header", t));
                continue;
            }
            line = join_wrapped(lines, li, joined, at_wrap_margin, is_tail);
            t = trim(line);
            if (!split_aligned(line, h, cells) && !split_tokens(t, h, cells)) {
                sink.emit(make_error_record(line_no, true, "linux.lsof: short row", t));
                continue;
            }
            emit_row(h, cells, line_no, namebuf, r, sink);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true,
                                        "linux.lsof: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void emit_row(const Header& h,
                         const Cells& cells,
                         uint64_t line_no,
                         std::array<char, 256>& namebuf,
                         Record& r,
                         RecordSink& sink) {
        std::string_view command;
        std::string_view user;
        std::string_view type;
        std::string_view name;
        std::string_view node;
        std::optional<int64_t> pid;
        std::optional<int64_t> ppid;
        for (size_t c = 0; c < h.n; ++c) {
            switch (h.col[c]) {
                case Col::kCommand: command = cells.v[c]; break;
                case Col::kPid: pid = to_int(cells.v[c]); break;
                case Col::kPpid: ppid = to_int(cells.v[c]); break;
                case Col::kUser: user = cells.v[c]; break;
                case Col::kType: type = cells.v[c]; break;
                case Col::kNode: node = cells.v[c]; break;
                case Col::kName: name = cells.v[c]; break;
                default: break;
            }
        }
        // NAME of a socket: "a:p->b:q (STATE)"; of a file: the path, maybe " (deleted)".
        std::string_view state;
        std::string_view path = name;
        const bool inet = type == "IPv4" || type == "IPv6";
        if (path.ends_with(")")) {
            const size_t open = path.rfind(" (");
            if (open != std::string_view::npos) {
                const std::string_view suffix = path.substr(open + 2, path.size() - open - 3);
                if (inet) {
                    state = suffix;
                    path = path.substr(0, open);
                }
            }
        }
        while (!path.empty() && path.back() == ' ') {
            path.remove_suffix(1);
        }
        bool deleted = false;
        if (path.ends_with(" (deleted)")) {
            deleted = true;
            path.remove_suffix(10);
        }
        const bool node_is_int = to_int(node).has_value();
        const std::string_view protocol = (!node_is_int && !node.empty()) ? node : "";

        r.clear();
        r.dataset = "linux.lsof";
        r.position = line_no;
        JsonWriter w(r.body);
        w.resume_object(false);
        const std::string_view pname = unescape_command(command, namebuf);
        if (pid || !command.empty()) {
            w.begin_object("process");
            if (pid) {
                w.num("pid", *pid);
            }
            if (!command.empty()) {
                w.str("name", pname);
            }
            if (ppid) {
                w.begin_object("parent").num("pid", *ppid).end_object();
            }
            w.end_object();
        }
        if (!user.empty()) {
            w.begin_object("user");
            if (to_int(user)) {
                w.str("id", user);
            } else {
                w.str("name", user);
            }
            w.end_object();
        }
        if (inet) {
            const size_t arrow = path.find("->");
            if (arrow == std::string_view::npos) {
                write_endpoint(w, "source", path);
            } else {
                write_endpoint(w, "source", path.substr(0, arrow));
                write_endpoint(w, "destination", path.substr(arrow + 2));
            }
            w.begin_object("network");
            if (protocol == "TCP") {
                w.str("transport", "tcp");
            } else if (protocol == "UDP") {
                w.str("transport", "udp");
            } else if (!protocol.empty()) {
                w.str("transport", protocol == "UDPLITE" ? "udplite" : protocol);
            }
            w.str("type", type == "IPv6" ? "ipv6" : "ipv4").end_object();
        } else if (!path.empty() && path[0] == '/' && type != "unix" && type != "sock") {
            w.begin_object("file").str("path", path).end_object();
        }
        w.begin_object("linux").begin_object("lsof");
        for (size_t c = 0; c < h.n; ++c) {
            const std::string_view k = kColNames[static_cast<size_t>(h.col[c])];
            const std::string_view v = cells.v[c];
            switch (h.col[c]) {
                case Col::kPid:
                case Col::kTid:
                case Col::kPpid:
                case Col::kPgid:
                case Col::kNlink:
                    if (auto n = to_int(v)) {
                        w.num(k, *n);
                    } else {
                        w.null(k);
                    }
                    break;
                case Col::kSizeOff:
                case Col::kSize:
                case Col::kOff:
                    if (auto n = size_or_offset(v)) {
                        w.num(k, *n);
                    } else {
                        w.null(k);
                    }
                    break;
                case Col::kNode:
                    if (auto n = to_int(v)) {
                        w.num(k, *n);
                    } else {
                        w.null(k);
                    }
                    break;
                default:
                    if (v.empty()) {
                        w.null(k);
                    } else {
                        w.str(k, v);
                    }
                    break;
            }
        }
        if (!protocol.empty()) {
            w.str("protocol", protocol);
        }
        if (!state.empty()) {
            w.str("state", state);
        }
        if (deleted) {
            w.boolean("deleted", true);
        }
        if (pname.size() == 9) {
            // lsof cuts COMMAND to 9 characters unless run with +c.
            w.boolean("command_may_be_truncated", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_lsof_parser() {
    static const LsofParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
