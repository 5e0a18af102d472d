// linux.proc_net_tcp and linux.proc_net_unix: copies of the kernel's socket tables
// (`cat /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}` and `cat /proc/net/unix`,
// also per process: UAC `process/proc/<pid>/net/unix.txt`).
//
// linux.proc_net_tcp: one record per socket row, fields under linux.proc_net_tcp named as
// jc 1.25.5's proc_net_tcp names them: entry (the "sl" slot, a string), local_address,
// local_port, remote_address, remote_port (decoded: the kernel prints each 32-bit word of an
// address in host byte order, i.e. little-endian hex on x86/arm64; IPv6 is four such words,
// printed RFC 5952 style), state (hex as printed), tx_queue, rx_queue, timer_active,
// jiffies_until_timer_expires, unrecovered_rto_timeouts, uid, unanswered_0_window_probes,
// inode, sock_ref_count, sock_mem_loc, then the TCP-only retransmit_timeout,
// soft_clock_tick, ack_quick_pingpong, sending_congestion_window,
// slow_start_size_threshold; the udp/raw layout's trailing "ref pointer drops" become
// sock_ref_count, sock_mem_loc, drops.  Our additions: state_name (the kernel's TCP state
// names, which UDP and raw sockets reuse: 07 = CLOSE is an unconnected UDP socket, 01 =
// ESTABLISHED a connected one), local_address_hex / remote_address_hex (the raw text),
// transport (tcp | udp | udplite | raw, from the file name, or tcp from the header's
// content; a udp-layout table under an unknown name gives transport_candidates
// ["udp","udplite","raw"] instead, because the three share one layout), netns_pid (the
// <pid> of a proc/<pid>/net/ path: the table is that process's network namespace).  jc's
// opposite_endian_* guesses are not produced.  ECS: source.ip/port (local),
// destination.ip/port (remote; port 0 = none is left out), network.transport/type,
// user.id (uid).  Rows that do not decode become evidenced.error records.
//
// linux.proc_net_unix: one record per socket row with jc's proc_net_unix names (Num without
// its trailing ':', RefCount, Protocol, Flags, Type, St, Inode as an integer, Path: the rest
// of the line, spaces kept) plus type_name (stream | dgram | seqpacket), state_name
// (unconnected | connecting | connected | disconnecting), listening (flag __SO_ACCEPTCON),
// abstract (a Path starting with '@': no file behind it), netns_pid; ECS file.path for a
// filesystem path.
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::FieldCursor;
using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool all_hex(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (hex_digit(c) < 0) {
            return false;
        }
    }
    return true;
}

std::optional<uint64_t> parse_hex(std::string_view s) {
    if (s.empty() || s.size() > 16 || !all_hex(s)) {
        return std::nullopt;
    }
    uint64_t v = 0;
    for (char c : s) {
        v = (v << 4) | static_cast<uint64_t>(hex_digit(c));
    }
    return v;
}

// The basename's lower-cased alphanumeric tokens ("proc_net_tcp6.txt" -> proc net tcp6 txt).
std::vector<std::string> path_tokens(std::string_view path) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : path) {
        const char l = lower(c);
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
            cur.push_back(l);
        } else {
            if (!cur.empty()) {
                out.push_back(cur);
            }
            cur.clear();
            if (c == '/') {
                out.push_back("/");
            }
        }
    }
    if (!cur.empty()) {
        out.push_back(cur);
    }
    return out;
}

// The table a member's name names: "tcp", "tcp6", "udp", "udp6", "udplite", "udplite6",
// "raw", "raw6", "unix"; "" when none.  Accepted: a `net/<table>` path (a copied /proc tree,
// UAC's process/proc/<pid>/net/unix.txt) or a basename with "proc"/"net" beside the table
// word (proc_net_tcp.txt, cat_proc_net_udp6.log, "proc net unix.txt").
std::string table_hint(std::string_view path) {
    static constexpr std::array<std::string_view, 9> kTables = {
        "tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix"};
    const std::vector<std::string> toks = path_tokens(path);
    // The basename's tokens: after the last "/".
    size_t base = 0;
    for (size_t i = 0; i < toks.size(); ++i) {
        if (toks[i] == "/") {
            base = i + 1;
        }
    }
    bool proc_or_net = false;
    std::string table;
    for (size_t i = base; i < toks.size(); ++i) {
        if (toks[i] == "proc" || toks[i] == "net") {
            proc_or_net = true;
        }
        for (std::string_view t : kTables) {
            if (toks[i] == t && table.empty()) {
                table = toks[i];
            }
        }
    }
    if (table.empty()) {
        return {};
    }
    if (proc_or_net) {
        return table;
    }
    // "net/unix.txt": the folder says it.
    if (base >= 2 && toks[base - 2] == "net" && toks.size() - base <= 2) {
        return table;
    }
    return {};
}

// The <pid> of a ".../proc/<pid>/net/..." member path; 0 when none.
int64_t netns_pid(std::string_view path) {
    const size_t at = path.find("proc/");
    for (size_t p = at; p != std::string_view::npos; p = path.find("proc/", p + 1)) {
        if (p > 0 && path[p - 1] != '/') {
            continue;
        }
        const size_t start = p + 5;
        const size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            return 0;
        }
        const auto pid = to_int(path.substr(start, slash - start));
        if (pid && *pid > 0 && path.substr(slash).starts_with("/net/")) {
            return *pid;
        }
    }
    return 0;
}

// ---- /proc/net/tcp ---------------------------------------------------------------------

bool is_inet_header(std::string_view t, bool* udp_layout = nullptr) {
    FieldCursor c(t);
    if (c.next() != "sl" || c.next() != "local_address") {
        return false;
    }
    const std::string_view rem = c.next();
    if (rem != "rem_address" && rem != "remote_address") {
        return false;
    }
    if (c.next() != "st" || c.next() != "tx_queue" || c.next() != "rx_queue" || c.next() != "tr" ||
        c.next() != "tm->when" || c.next() != "retrnsmt" || c.next() != "uid" ||
        c.next() != "timeout" || c.next() != "inode") {
        return false;
    }
    if (udp_layout != nullptr) {
        const std::string_view rest = c.remainder();
        *udp_layout = rest.find("drops") != std::string_view::npos ||
                      rest.find("pointer") != std::string_view::npos;
    }
    return true;
}

// "0100007F:1F90" -> address hex and port hex views; false unless 8 or 32 hex digits : 4.
bool split_endpoint(std::string_view f, std::string_view& addr, std::string_view& port) {
    const size_t colon = f.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    addr = f.substr(0, colon);
    port = f.substr(colon + 1);
    return (addr.size() == 8 || addr.size() == 32) && all_hex(addr) && port.size() == 4 &&
           all_hex(port);
}

// A data row's first fields: "N:" slot, two endpoints and a two-digit hex state.
bool is_inet_row(std::string_view t) {
    FieldCursor c(t);
    const std::string_view sl = c.next();
    if (sl.size() < 2 || sl.back() != ':' || !to_int(sl.substr(0, sl.size() - 1))) {
        return false;
    }
    std::string_view a;
    std::string_view p;
    if (!split_endpoint(c.next(), a, p)) {
        return false;
    }
    const size_t len = a.size();
    if (!split_endpoint(c.next(), a, p) || a.size() != len) {
        return false;
    }
    const std::string_view st = c.next();
    return st.size() == 2 && all_hex(st);
}

// The kernel prints each 32-bit word with %08X of its value in host order: on a
// little-endian host the bytes of the word appear reversed.
std::array<uint8_t, 16> decode_words(std::string_view hex) {
    std::array<uint8_t, 16> b{};
    const size_t words = hex.size() / 8;
    for (size_t w = 0; w < words; ++w) {
        const uint32_t v = static_cast<uint32_t>(*parse_hex(hex.substr(w * 8, 8)));
        b[w * 4 + 0] = static_cast<uint8_t>(v & 0xff);
        b[w * 4 + 1] = static_cast<uint8_t>((v >> 8) & 0xff);
        b[w * 4 + 2] = static_cast<uint8_t>((v >> 16) & 0xff);
        b[w * 4 + 3] = static_cast<uint8_t>((v >> 24) & 0xff);
    }
    return b;
}

std::string format_ipv4(const uint8_t* b) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

// RFC 5952: lower-case, no leading zeros, the longest run (>= 2) of zero groups as "::";
// an IPv4-mapped address keeps its dotted tail (::ffff:192.0.2.1).
std::string format_ipv6(const std::array<uint8_t, 16>& b) {
    uint16_t g[8];
    for (int i = 0; i < 8; ++i) {
        g[i] = static_cast<uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
    }
    if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
        return "::ffff:" + format_ipv4(&b[12]);
    }
    int best = -1;
    int best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0) {
            ++j;
        }
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') {
            out.push_back(':');
        }
        std::snprintf(buf, sizeof buf, "%x", g[i]);
        out += buf;
    }
    return out;
}

struct Address {
    std::string ip;
    int port = 0;
    bool v6 = false;
};

Address decode_endpoint(std::string_view addr_hex, std::string_view port_hex) {
    Address a;
    const auto bytes = decode_words(addr_hex);
    a.v6 = addr_hex.size() == 32;
    a.ip = a.v6 ? format_ipv6(bytes) : format_ipv4(bytes.data());
    a.port = static_cast<int>(*parse_hex(port_hex));
    return a;
}

std::string_view state_name(uint64_t st) {
    static constexpr std::array<std::string_view, 13> kNames = {
        "",      "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};
    return st < kNames.size() ? kNames[st] : std::string_view{};
}

void write_endpoint(JsonWriter& w, std::string_view obj, const Address& a) {
    // An IPv4-mapped IPv6 address is the IPv4 peer, as ss and netstat show it.
    std::string_view ip = a.ip;
    if (ip.starts_with("::ffff:") && ip.find('.') != std::string_view::npos) {
        ip.remove_prefix(7);
    }
    w.begin_object(obj).str("address", ip).str("ip", ip);
    if (a.port != 0) {
        w.num("port", a.port);
    }
    w.end_object();
}

int inet_detect(const FileProbe& probe) {
    const std::string hint = table_hint(probe.path);
    const bool hinted = !hint.empty() && hint != "unix";
    for (auto line : output_lines(whole_lines(probe))) {
        const std::string_view t = trim(line);
        if (t.empty()) {
            continue;
        }
        if (is_inet_header(t)) {
            return hinted ? 95 : 90;
        }
        // A table without its header (grep'ed, or cut) still has a clear row shape.
        if (is_inet_row(t)) {
            return hinted ? 90 : 75;
        }
        return 0;
    }
    return 0;
}

// Names of the columns after "sl local rem st", as they appear once tx/rx and tr/when are
// split: jc 1.25.5's keys.
struct Col {
    std::string_view key;
    enum { kInt, kStr } type;
};

class ProcNetTcpParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_net_tcp";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        return inet_detect(probe);
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::string hint = table_hint(ctx.member);
        std::string transport;
        if (!hint.empty() && hint != "unix") {
            transport = hint.substr(0, hint.find('6'));
        }
        const int64_t ns_pid = netns_pid(ctx.member);
        LineNumbers ln(text);
        Record r;
        bool udp_layout = false;
        bool header_seen = false;
        for (auto line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            bool udp = false;
            if (is_inet_header(t, &udp)) {
                // Several tables appended into one file each bring their header.
                udp_layout = udp;
                header_seen = true;
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!is_inet_row(t)) {
                sink.emit(make_error_record(pos, true, "proc_net_tcp: not a socket row", line));
                continue;
            }
            std::array<std::string_view, 24> f{};
            size_t n = 0;
            FieldCursor c(t);
            for (auto v = c.next(); !v.empty() && n < f.size(); v = c.next()) {
                f[n++] = v;
            }
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode [...]
            if (n < 10 || f[4].size() != 17 || f[4][8] != ':' || f[5].size() < 4 ||
                f[5][2] != ':' || !to_int(f[7]) || !to_int(f[9])) {
                sink.emit(make_error_record(pos, true, "proc_net_tcp: short socket row", line));
                continue;
            }
            std::string_view la;
            std::string_view lp;
            std::string_view ra;
            std::string_view rp;
            split_endpoint(f[1], la, lp);
            split_endpoint(f[2], ra, rp);
            const Address local = decode_endpoint(la, lp);
            const Address remote = decode_endpoint(ra, rp);
            const uint64_t st = *parse_hex(f[3]);
            // Rows past the inode: tcp "ref ptr rto ato qack cwnd ssthresh", udp/raw "ref ptr
            // drops".  Without a header, the row length tells the layout apart.
            const bool udp_row = header_seen ? udp_layout : (n <= 13 && transport != "tcp");
            std::string_view tr = transport;
            if (tr.empty() && header_seen && !udp_layout) {
                tr = "tcp";
            }

            r.clear();
            r.dataset = "linux.proc_net_tcp";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            write_endpoint(w, "source", local);
            write_endpoint(w, "destination", remote);
            w.begin_object("network");
            if (!tr.empty()) {
                w.str("transport", tr);
            }
            w.str("type", local.v6 ? "ipv6" : "ipv4").end_object();
            w.begin_object("user").str("id", f[7]).end_object();
            w.begin_object("linux").begin_object("proc_net_tcp");
            w.str("entry", f[0].substr(0, f[0].size() - 1));
            w.str("local_address", local.ip).num("local_port", local.port);
            w.str("remote_address", remote.ip).num("remote_port", remote.port);
            w.str("state", f[3]);
            if (const std::string_view sn = state_name(st); !sn.empty()) {
                w.str("state_name", sn);
            }
            w.str("tx_queue", f[4].substr(0, 8)).str("rx_queue", f[4].substr(9));
            if (const auto ta = parse_hex(f[5].substr(0, 2))) {
                w.num("timer_active", static_cast<int64_t>(*ta));
            } else {
                w.str("timer_active", f[5].substr(0, 2));
            }
            w.str("jiffies_until_timer_expires", f[5].substr(3));
            w.str("unrecovered_rto_timeouts", f[6]);
            w.num("uid", *to_int(f[7]));
            auto int_or_str = [&](std::string_view key, std::string_view v) {
                if (const auto i = to_int(v)) {
                    w.num(key, *i);
                } else {
                    w.str(key, v);
                }
            };
            int_or_str("unanswered_0_window_probes", f[8]);
            w.num("inode", *to_int(f[9]));
            if (n > 10) {
                int_or_str("sock_ref_count", f[10]);
            }
            if (n > 11) {
                w.str("sock_mem_loc", f[11]);
            }
            if (udp_row) {
                if (n > 12) {
                    int_or_str("drops", f[12]);
                }
            } else {
                static constexpr std::array<std::string_view, 5> kTcpTail = {
                    "retransmit_timeout", "soft_clock_tick", "ack_quick_pingpong",
                    "sending_congestion_window", "slow_start_size_threshold"};
                for (size_t k = 12; k < n && k - 12 < kTcpTail.size(); ++k) {
                    int_or_str(kTcpTail[k - 12], f[k]);
                }
            }
            w.str("local_address_hex", f[1]).str("remote_address_hex", f[2]);
            if (!tr.empty()) {
                w.str("transport", tr);
            } else {
                w.begin_array("transport_candidates");
                if (udp_row) {
                    w.value_str("udp").value_str("udplite").value_str("raw");
                } else {
                    w.value_str("tcp");
                }
                w.end_array();
            }
            if (ns_pid > 0) {
                w.num("netns_pid", ns_pid);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_net_tcp: file too large, rest not parsed"));
        }
    }
};

// ---- /proc/net/unix --------------------------------------------------------------------

bool is_unix_header(std::string_view t) {
    FieldCursor c(t);
    return c.next() == "Num" && c.next() == "RefCount" && c.next() == "Protocol" &&
           c.next() == "Flags" && c.next() == "Type" && c.next() == "St" && c.next() == "Inode";
}

struct UnixRow {
    std::string_view num, refcount, protocol, flags, type, st, inode, path;
};

bool parse_unix_row(std::string_view t, UnixRow& u) {
    FieldCursor c(t);
    u.num = c.next();
    if (u.num.size() < 2 || u.num.back() != ':' || !all_hex(u.num.substr(0, u.num.size() - 1))) {
        return false;
    }
    u.num.remove_suffix(1);
    u.refcount = c.next();
    u.protocol = c.next();
    u.flags = c.next();
    u.type = c.next();
    u.st = c.next();
    u.inode = c.next();
    u.path = c.remainder();
    return u.refcount.size() == 8 && all_hex(u.refcount) && all_hex(u.protocol) &&
           u.flags.size() == 8 && all_hex(u.flags) && u.type.size() == 4 && all_hex(u.type) &&
           u.st.size() == 2 && all_hex(u.st) && to_int(u.inode).has_value();
}

class ProcNetUnixParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_net_unix";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const bool hinted = table_hint(probe.path) == "unix";
        UnixRow u;
        for (auto line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (is_unix_header(t)) {
                return hinted ? 95 : 90;
            }
            if (parse_unix_row(t, u)) {
                return hinted ? 90 : 75;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const int64_t ns_pid = netns_pid(ctx.member);
        LineNumbers ln(text);
        Record r;
        UnixRow u;
        for (auto line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_unix_header(t)) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!parse_unix_row(t, u)) {
                sink.emit(make_error_record(pos, true, "proc_net_unix: not a socket row", line));
                continue;
            }
            // The path is printed as-is up to the end of the line (spaces included); only
            // the alignment before it is not part of it.
            const std::string_view path = u.path;
            r.clear();
            r.dataset = "linux.proc_net_unix";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            const bool abstract = !path.empty() && path.front() == '@';
            if (!path.empty() && !abstract) {
                w.begin_object("file").str("path", path).end_object();
            }
            w.begin_object("linux").begin_object("proc_net_unix");
            w.str("Num", u.num).str("RefCount", u.refcount).str("Protocol", u.protocol);
            w.str("Flags", u.flags).str("Type", u.type).str("St", u.st);
            w.num("Inode", *to_int(u.inode));
            if (!path.empty()) {
                w.str("Path", path);
            }
            switch (*parse_hex(u.type)) {
                case 1: w.str("type_name", "stream"); break;
                case 2: w.str("type_name", "dgram"); break;
                case 5: w.str("type_name", "seqpacket"); break;
                default: break;
            }
            switch (*parse_hex(u.st)) {
                case 1: w.str("state_name", "unconnected"); break;
                case 2: w.str("state_name", "connecting"); break;
                case 3: w.str("state_name", "connected"); break;
                case 4: w.str("state_name", "disconnecting"); break;
                default: break;
            }
            w.boolean("listening", (*parse_hex(u.flags) & 0x10000) != 0);
            if (!path.empty()) {
                w.boolean("abstract", abstract);
            }
            if (ns_pid > 0) {
                w.num("netns_pid", ns_pid);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_net_unix: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_net_tcp_parser() {
    static const ProcNetTcpParser kParser;
    return kParser;
}

const Parser& linux_proc_net_unix_parser() {
    static const ProcNetUnixParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
