// linux.netstat: `netstat` socket tables (-nalp, -anp, -tulpn, -antup, -plant, -lpeanut,
// -pvWanoee), unix domain sockets, and the -r (route) and -i (interface) tables.
//
// One record per row, jc's field names (kind network|socket|route|interface).  The PID/
// Program name column is read to the end of its column, so names with spaces stay whole
// ("nginx: master pro"); 19 characters is netstat's own cut and is flagged
// program_name_truncated.  UDP/RAW rows without State do not shift columns.  Localised
// section titles and headers (de, ja, ...) are recognised by position, not by words.
#include <algorithm>
#include <array>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

bool is_inet_proto(std::string_view p) {
    return p == "tcp" || p == "tcp6" || p == "udp" || p == "udp6" || p == "raw" || p == "raw6" ||
           p == "udpl" || p == "udpl6" || p == "sctp" || p == "sctp6" || p == "udplite" ||
           p == "udplite6";
}

// TCP/unix states as netstat prints them, English and the translations net-tools ships
// for common locales (de: VERBUNDEN, HÖRT...).
bool is_state_word(std::string_view s) {
    static constexpr std::array<std::string_view, 24> kStates = {
        "ESTABLISHED", "SYN_SENT",   "SYN_RECV",   "FIN_WAIT1",     "FIN_WAIT2", "TIME_WAIT",
        "CLOSE",       "CLOSE_WAIT", "LAST_ACK",   "LISTEN",        "CLOSING",   "UNKNOWN",
        "LISTENING",   "CONNECTED",  "CONNECTING", "DISCONNECTING", "FREE",      "VERBUNDEN",
        "HÖRT",        "SCHLIESSEN", "BOUND",      "UNCONNECTED",   "ESTAB",     "SYN_SENT6"};
    if (std::find(kStates.begin(), kStates.end(), s) != kStates.end()) {
        return true;
    }
    // Any other upper-case word (other translations keep the kernel's names in caps).
    if (s.empty() || s.size() > 20) {
        return false;
    }
    for (unsigned char c : s) {
        if (!((c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80)) {
            return false;
        }
    }
    return true;
}

bool is_ip_literal(std::string_view a) {
    if (a.empty()) {
        return false;
    }
    bool colon = false;
    bool dot = false;
    for (char c : a) {
        if (c == ':') {
            colon = true;
        } else if (c == '.') {
            dot = true;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                     c == '%')) {
            return false;
        }
    }
    return colon || dot;
}

struct Endpoint {
    std::string_view address;
    std::string_view port;
};
Endpoint split_endpoint(std::string_view s) {
    const size_t c = s.rfind(':');
    if (c == std::string_view::npos) {
        return {s, {}};
    }
    return {s.substr(0, c), s.substr(c + 1)};
}

void write_ecs_endpoint(JsonWriter& w, std::string_view obj, const Endpoint& e) {
    std::string_view ip = e.address;
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') {
        ip = ip.substr(1, ip.size() - 2);
    }
    const auto port = to_int(e.port);
    const bool has_ip = is_ip_literal(ip);
    if (!has_ip && !port && (ip.empty() || ip == "*")) {
        return;
    }
    w.begin_object(obj);
    if (!ip.empty() && ip != "*") {
        w.str("address", ip);
    }
    if (has_ip) {
        w.str("ip", ip);
    }
    if (port) {
        w.num("port", *port);
    }
    w.end_object();
}

enum class Section { kNone, kInet, kUnix, kRoute, kIface };

struct InetHeader {
    bool has_state = true;
    bool has_user = false;
    bool has_inode = false;
    bool has_program = false;
    bool has_timer = false;
    bool has_security = false;
};

struct UnixHeader {
    bool has_program = false;
    size_t path_pos = std::string_view::npos;
};

struct TableHeader {
    std::vector<std::string> keys;
};

std::string lower_key(std::string_view h) {
    std::string k;
    for (char c : h) {
        if (c >= 'A' && c <= 'Z') {
            k.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c == '-') {
            k.push_back('_');
        } else {
            k.push_back(c);
        }
    }
    return k;
}

bool looks_like_proto_header(std::string_view t) {
    return t.starts_with("Proto ") || t.starts_with("Proto\t");
}

// Whether a line starts something of its own: a socket row, a header or a section title.
bool starts_row(std::string_view t) {
    FieldCursor cur(t);
    const std::string_view first = cur.next();
    return is_inet_proto(first) || first == "unix" || looks_like_proto_header(t) ||
           t.starts_with("Active") || t.starts_with("Kernel") || t.starts_with("(") ||
           t.starts_with("Destination") || t.starts_with("Iface");
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    int score = 0;
    size_t seen = 0;
    for (size_t i = 0; i < lines.size() && seen < 6; ++i) {
        std::string_view t = trim(lines[i]);
        if (t.starts_with("netstat:") || t.empty()) {
            continue;  // stderr ("no support for AF IPX") mixed in before the tables
        }
        ++seen;
        if (t.starts_with("Active Internet connections") || t.starts_with("Active UNIX domain") ||
            t.starts_with("Aktive Internetverbindungen") || t.starts_with("Aktive Sockets")) {
            score = std::max(score, 85);
        } else if (looks_like_proto_header(t) && (t.find("Recv-Q") != std::string_view::npos ||
                                                  t.find("RefCnt") != std::string_view::npos ||
                                                  t.find("-Q") != std::string_view::npos)) {
            score = std::max(score, 80);
        } else if (t.starts_with("Kernel IP routing table") ||
                   t.starts_with("Kernel Interface table")) {
            score = std::max(score, 60);
        } else if (looks_like_proto_header(t)) {
            score = std::max(score, 55);
        }
    }
    return score;
}

class NetstatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.netstat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        if (name_hints(probe, "netstat")) {
            return std::min(90, score + 10);
        }
        // Route/interface tables without a netstat name are left to the route parsers.
        return score >= 80 ? score : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        Section sec = Section::kNone;
        InetHeader ih;
        UnixHeader uh;
        TableHeader th;
        Record r;
        std::vector<std::string_view> toks;
        // A copy hard-wrapped by a narrow terminal shows in its header: "Proto ... State"
        // at the margin, "PID/Program name" on the next line.  Then every line as wide as
        // that margin continues on the next one unless that one starts a row of its own.
        size_t wrap_width = 0;
        std::string joined;
        for (size_t li = 0; li < lines.size(); ++li) {
            std::string_view line = lines[li];
            std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t line_no = lc.line_of(line);
            if (looks_like_proto_header(t) && li + 1 < lines.size() && line.size() >= 60) {
                const std::string_view next = trim(lines[li + 1]);
                if (next.starts_with("PID/") || next.starts_with("Timer") ||
                    next.starts_with("Security")) {
                    wrap_width = line.size();
                }
            }
            if (wrap_width != 0) {
                line = join_wrapped(
                    lines, li, joined, [&](std::string_view l) { return l.size() == wrap_width; },
                    [](std::string_view n) { return !starts_row(trim(n)); });
                t = trim(line);
            }
            FieldCursor cur(t);
            const std::string_view first = cur.next();
            if (looks_like_proto_header(t)) {
                // Which section: the next data rows tell; keep both header readings.
                ih = InetHeader{};
                uh = UnixHeader{};
                ih.has_state = true;
                ih.has_user = t.find("User") != std::string_view::npos ||
                              t.find("Benutzer") != std::string_view::npos;
                ih.has_inode = t.find("Inode") != std::string_view::npos ||
                               t.find("I-Node") != std::string_view::npos;
                ih.has_program = t.find("PID/") != std::string_view::npos;
                ih.has_timer = t.find("Timer") != std::string_view::npos;
                ih.has_security = t.find("Security") != std::string_view::npos;
                uh.has_program = ih.has_program;
                // Path is the last header word (Path, Pfad, ...): its start column.
                const size_t last_sp = line.find_last_of(" \t", line.find_last_not_of(" \t"));
                if (t.find("RefCnt") != std::string_view::npos ||
                    t.find("I-Node") != std::string_view::npos) {
                    uh.path_pos =
                        last_sp == std::string_view::npos ? std::string_view::npos : last_sp + 1;
                }
                sec = Section::kNone;
                continue;
            }
            if (t.starts_with("Destination") && t.find("Gateway") != std::string_view::npos) {
                sec = Section::kRoute;
                th.keys.clear();
                for (std::string_view h : split_ws(t)) {
                    std::string k = lower_key(h);
                    if (k == "flags") {
                        k = "route_flags";
                    } else if (k == "ref") {
                        k = "route_refs";
                    }
                    th.keys.push_back(std::move(k));
                }
                continue;
            }
            if (t.starts_with("Iface") && t.find("MTU") != std::string_view::npos) {
                sec = Section::kIface;
                th.keys.clear();
                for (std::string_view h : split_ws(t)) {
                    th.keys.push_back(lower_key(h));
                }
                continue;
            }
            if (is_inet_proto(first)) {
                emit_inet(t, line_no, ih, sink, r, toks);
                continue;
            }
            if (first == "unix") {
                emit_unix(line, line_no, uh, sink, r);
                continue;
            }
            if (sec == Section::kRoute || sec == Section::kIface) {
                emit_table(t, line_no, sec, th, sink, r);
                continue;
            }
            // Section titles (any language), "(Not all processes could be identified...)",
            // "netstat: no support for ..." and other stderr lines carry no row.
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true,
                                        "linux.netstat: file larger than 256 MiB, rest skipped"));
        }
    }

private:
    static void emit_inet(std::string_view t,
                          uint64_t line_no,
                          const InetHeader& h,
                          RecordSink& sink,
                          Record& r,
                          std::vector<std::string_view>& toks) {
        FieldCursor cur(t);
        toks.clear();
        for (int i = 0; i < 5; ++i) {
            toks.push_back(cur.next());
        }
        if (toks[4].empty()) {
            sink.emit(make_error_record(line_no, true, "linux.netstat: short socket row", t));
            return;
        }
        const std::string_view proto = toks[0];
        std::string_view state;
        std::string_view user;
        std::string_view inode;
        std::string_view program;
        std::string_view timer;
        std::string_view rest = cur.remainder();
        // State: raw sockets print a number, UDP usually nothing.
        {
            FieldCursor c2(rest);
            const std::string_view n = c2.next();
            if (!n.empty() && (is_state_word(n) || (proto.starts_with("raw") && all_digits(n)))) {
                state = n;
                rest = c2.remainder();
            }
        }
        if (h.has_user) {
            FieldCursor c2(rest);
            user = c2.next();
            rest = c2.remainder();
        }
        if (h.has_inode) {
            FieldCursor c2(rest);
            inode = c2.next();
            rest = c2.remainder();
        }
        if (h.has_timer) {
            // Timer is last: "off (0.00/0/0)", "keepalive (7186.03/0/0)".
            static constexpr std::array<std::string_view, 5> kTimers = {
                "off (", "on (", "keepalive (", "timewait (", "probe ("};
            size_t best = std::string_view::npos;
            for (std::string_view k : kTimers) {
                const size_t p = rest.rfind(k);
                if (p != std::string_view::npos && (p == 0 || rest[p - 1] == ' ') &&
                    (best == std::string_view::npos || p > best)) {
                    best = p;
                }
            }
            if (best != std::string_view::npos) {
                timer = trim(rest.substr(best));
                rest = rest.substr(0, best);
            }
        }
        if (h.has_program) {
            program = trim(rest);
        }
        std::optional<int64_t> pid;
        std::string_view pname;
        if (!program.empty() && program != "-") {
            const size_t slash = program.find('/');
            if (slash != std::string_view::npos) {
                pid = to_int(program.substr(0, slash));
                pname = program.substr(slash + 1);
            } else {
                pname = program;
            }
        }
        const Endpoint local = split_endpoint(toks[3]);
        const Endpoint foreign = split_endpoint(toks[4]);
        const std::string_view transport = proto.find("tcp") != std::string_view::npos   ? "tcp"
                                           : proto.find("udp") != std::string_view::npos ? "udp"
                                           : proto.starts_with("sctp")                   ? "sctp"
                                                                                         : "";
        const std::string_view net = proto.find('6') != std::string_view::npos ? "ipv6" : "ipv4";

        r.clear();
        r.dataset = "linux.netstat";
        r.position = line_no;
        JsonWriter w(r.body);
        w.resume_object(false);
        write_ecs_endpoint(w, "source", local);
        write_ecs_endpoint(w, "destination", foreign);
        w.begin_object("network");
        if (!transport.empty()) {
            w.str("transport", transport);
        }
        w.str("type", net).end_object();
        if (pid || !pname.empty()) {
            w.begin_object("process");
            if (pid) {
                w.num("pid", *pid);
            }
            if (!pname.empty()) {
                w.str("name", pname);
            }
            w.end_object();
        }
        if (!user.empty()) {
            w.begin_object("user");
            if (all_digits(user)) {
                w.str("id", user);
            } else {
                w.str("name", user);
            }
            w.end_object();
        }
        w.begin_object("linux").begin_object("netstat");
        w.str("proto", proto);
        num_or_null(w, "recv_q", toks[1]);
        num_or_null(w, "send_q", toks[2]);
        w.str("local_address", local.address);
        w.str("foreign_address", foreign.address);
        if (state.empty()) {
            w.null("state");
        } else {
            w.str("state", state);
        }
        if (h.has_user) {
            w.str("user", user);
        }
        if (h.has_inode) {
            num_or_null(w, "inode", inode);
        }
        if (h.has_program) {
            if (pname.empty()) {
                w.null("program_name");
            } else {
                w.str("program_name", pname);
            }
        }
        if (!timer.empty()) {
            w.str("timer", timer);
        }
        w.str("kind", "network");
        if (pid) {
            w.num("pid", *pid);
        }
        w.str("local_port", local.port);
        w.str("foreign_port", foreign.port);
        if (transport.empty()) {
            w.null("transport_protocol");
        } else {
            w.str("transport_protocol", transport == "sctp" ? "sctp" : transport);
        }
        w.str("network_protocol", net);
        if (auto p = to_int(local.port); p && *p != 0) {
            w.num("local_port_num", *p);
        }
        if (auto p = to_int(foreign.port); p && *p != 0) {
            w.num("foreign_port_num", *p);
        }
        if (program.size() >= 19) {
            w.boolean("program_name_truncated", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }

    static void emit_unix(
        std::string_view line, uint64_t line_no, const UnixHeader& h, RecordSink& sink, Record& r) {
        // unix  2      [ ACC ]     STREAM     LISTENING     20444    5/prog name   /path
        std::string_view path;
        std::string_view body = line;
        if (h.path_pos != std::string_view::npos && line.size() > h.path_pos && h.path_pos > 0 &&
            line[h.path_pos - 1] == ' ') {
            path = trim(line.substr(h.path_pos));
            body = line.substr(0, h.path_pos);
        }
        body = trim(body);
        FieldCursor cur(body);
        const std::string_view proto = cur.next();
        const std::string_view refcnt = cur.next();
        std::string_view rest = cur.remainder();
        std::string_view flags;
        if (rest.starts_with("[")) {
            const size_t close = rest.find(']');
            if (close == std::string_view::npos) {
                sink.emit(make_error_record(line_no, true, "linux.netstat: bad unix flags", line));
                return;
            }
            flags = trim(rest.substr(1, close - 1));
            rest = trim(rest.substr(close + 1));
        }
        FieldCursor c2(rest);
        const std::string_view type = c2.next();
        std::string_view state = c2.next();
        std::string_view inode;
        if (all_digits(state)) {
            inode = state;
            state = {};
        } else {
            inode = c2.next();
        }
        std::string_view program = trim(c2.remainder());
        if (!h.has_program) {
            if (path.empty()) {
                path = program;
            }
            program = {};
        } else if (h.path_pos == std::string_view::npos) {
            // No usable column position: program is one token, the rest is the path.
            FieldCursor c3(program);
            const std::string_view p = c3.next();
            if (path.empty()) {
                path = c3.remainder();
            }
            program = p;
        }
        std::optional<int64_t> pid;
        std::string_view pname;
        if (!program.empty() && program != "-") {
            const size_t slash = program.find('/');
            if (slash != std::string_view::npos) {
                pid = to_int(program.substr(0, slash));
                pname = program.substr(slash + 1);
            }
        }
        r.clear();
        r.dataset = "linux.netstat";
        r.position = line_no;
        JsonWriter w(r.body);
        w.resume_object(false);
        if (pid || !pname.empty()) {
            w.begin_object("process");
            if (pid) {
                w.num("pid", *pid);
            }
            if (!pname.empty()) {
                w.str("name", pname);
            }
            w.end_object();
        }
        if (!path.empty() && path.front() == '/') {
            w.begin_object("file").str("path", path).end_object();
        }
        w.begin_object("linux").begin_object("netstat");
        w.str("proto", proto);
        num_or_null(w, "refcnt", refcnt);
        if (flags.empty()) {
            w.null("flags");
        } else {
            w.str("flags", flags);
        }
        w.str("type", type);
        if (state.empty()) {
            w.null("state");
        } else {
            w.str("state", state);
        }
        num_or_null(w, "inode", inode);
        if (h.has_program) {
            if (pname.empty()) {
                w.null("program_name");
            } else {
                w.str("program_name", pname);
            }
        }
        if (!path.empty()) {
            w.str("path", path);
        }
        w.str("kind", "socket");
        if (pid) {
            w.num("pid", *pid);
        }
        if (program.size() >= 20) {
            w.boolean("program_name_truncated", true);
        }
        w.end_object().end_object();
        sink.emit(r);
    }

    static void emit_table(std::string_view t,
                           uint64_t line_no,
                           Section sec,
                           const TableHeader& th,
                           RecordSink& sink,
                           Record& r) {
        const std::vector<std::string_view> f = split_ws(t, th.keys.size());
        r.clear();
        r.dataset = "linux.netstat";
        r.position = line_no;
        JsonWriter w(r.body);
        w.resume_object(false);
        w.begin_object("linux").begin_object("netstat");
        for (size_t i = 0; i < f.size() && i < th.keys.size(); ++i) {
            const std::string& k = th.keys[i];
            const bool numeric = k == "mss" || k == "window" || k == "irtt" || k == "metric" ||
                                 k == "route_refs" || k == "use" || k == "mtu" ||
                                 k.starts_with("rx_") || k.starts_with("tx_");
            if (numeric) {
                num_or_null(w, k, f[i]);
            } else {
                w.str(k, f[i]);
            }
        }
        w.str("kind", sec == Section::kRoute ? "route" : "interface");
        w.end_object().end_object();
        sink.emit(r);
    }

    static bool all_digits(std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    }

    static void num_or_null(JsonWriter& w, std::string_view k, std::string_view v) {
        if (auto n = to_int(v)) {
            w.num(k, *n);
        } else {
            w.null(k);
        }
    }
};

}  // namespace

const Parser& linux_netstat_parser() {
    static const NetstatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
