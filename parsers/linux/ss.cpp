// linux.ss: `ss` socket tables (-tulpn, -anp, -tanp, -anepo, -a -e -i, -x), with or without
// the Netid column (one protocol selected) and with iproute2 6.x's glued
// "Peer Address:PortProcess" header.
//
// One record per socket, jc 1.25.5's field names (netid, state, recv_q, send_q,
// local_address, local_port(_num), peer_address, peer_port(_num), interface, path, opts).
// The users:(("comm",pid=N,fd=N),...) list is parsed quote-aware, so a comm with spaces
// stays whole, and every owner is kept (linux.ss.users; process.* takes the first owner).
// -i/-e info lines under a row are attached to it as `info`.
#include <algorithm>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

struct Owner {
    std::string_view name;
    std::optional<int64_t> pid;
    std::optional<int64_t> fd;
};

// Parses `users:((...),(...))` starting at s (which begins with "users:(").  Returns the
// number of bytes consumed (0 on failure).
size_t parse_users(std::string_view s, std::vector<Owner>& out) {
    if (!s.starts_with("users:(")) {
        return 0;
    }
    size_t i = 7;
    while (i < s.size()) {
        if (s[i] == ')') {
            return i + 1;
        }
        if (s[i] == ',') {
            ++i;
            continue;
        }
        if (s[i] != '(') {
            return 0;
        }
        ++i;
        Owner o;
        if (i < s.size() && s[i] == '"') {
            // The comm may hold spaces, commas and parentheses: it ends at `",`.
            const size_t end = s.find("\",", i + 1);
            const size_t end2 = s.find("\")", i + 1);
            size_t e = std::min(end, end2);
            if (e == std::string_view::npos) {
                return 0;
            }
            o.name = s.substr(i + 1, e - i - 1);
            i = e + 1;
        }
        // key=value pairs until ')'
        while (i < s.size() && s[i] != ')') {
            if (s[i] == ',') {
                ++i;
                continue;
            }
            size_t e = i;
            while (e < s.size() && s[e] != ',' && s[e] != ')') {
                ++e;
            }
            std::string_view kv = s.substr(i, e - i);
            const size_t eq = kv.find('=');
            if (eq != std::string_view::npos) {
                const std::string_view k = kv.substr(0, eq);
                const std::string_view v = kv.substr(eq + 1);
                if (k == "pid") {
                    o.pid = to_int(v);
                } else if (k == "fd") {
                    o.fd = to_int(v);
                }
            }
            i = e;
        }
        if (i >= s.size()) {
            return 0;
        }
        ++i;  // ')'
        out.push_back(o);
    }
    return 0;
}

bool is_ss_state(std::string_view s) {
    return s == "ESTAB" || s == "LISTEN" || s == "UNCONN" || s == "TIME-WAIT" ||
           s == "CLOSE-WAIT" || s == "SYN-SENT" || s == "SYN-RECV" || s == "FIN-WAIT-1" ||
           s == "FIN-WAIT-2" || s == "LAST-ACK" || s == "CLOSING" || s == "CLOSED" ||
           s == "UNKNOWN" || s == "NEW-SYN-RECV" || s == "BOUND" || s == "CONNECTED";
}

// Whether `t` starts a socket row: netid (when the header has one), state, two queue
// counts, and the two addresses.  What a terminal cut off the end of a row does not.
bool starts_socket_row(std::string_view t, bool has_netid) {
    FieldCursor cur(t);
    if (has_netid) {
        cur.next();
    }
    std::string_view state = cur.next();
    if (!has_netid && !is_ss_state(state)) {
        state = cur.next();  // a netid under a header without one
    }
    const std::string_view recvq = cur.next();
    const std::string_view sendq = cur.next();
    cur.next();
    return !state.empty() && to_int(recvq) && to_int(sendq) && !cur.next().empty();
}

bool is_ip_literal(std::string_view a) {
    if (a.empty()) {
        return false;
    }
    bool sep = false;
    for (char c : a) {
        if (c == ':' || c == '.') {
            sep = true;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return sep;
}

struct Endpoint {
    std::string_view address;
    std::string_view port;
    std::string_view iface;
};
Endpoint split_endpoint(std::string_view s) {
    Endpoint e;
    const size_t c = s.rfind(':');
    if (c == std::string_view::npos) {
        e.address = s;
        return e;
    }
    e.address = s.substr(0, c);
    e.port = s.substr(c + 1);
    const size_t pct = e.address.find('%');
    if (pct != std::string_view::npos) {
        e.iface = e.address.substr(pct + 1);
        e.address = e.address.substr(0, pct);
    }
    return e;
}

void write_ecs_endpoint(JsonWriter& w, std::string_view obj, const Endpoint& e) {
    std::string_view ip = e.address;
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') {
        ip = ip.substr(1, ip.size() - 2);
    }
    if (ip.starts_with("::ffff:") && ip.find('.') != std::string_view::npos) {
        ip = ip.substr(7);
    }
    const auto port = to_int(e.port);
    const bool has_ip = is_ip_literal(ip);
    if (!has_ip && !port) {
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

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    for (size_t i = 0; i < lines.size() && i < 3; ++i) {
        std::string_view t = trim(lines[i]);
        const bool addr = t.find("Local Address:Port") != std::string_view::npos &&
                          t.find("Peer Address:Port") != std::string_view::npos;
        if (!addr) {
            continue;
        }
        if (t.starts_with("Netid") || t.starts_with("State") || t.starts_with("Recv-Q")) {
            return 85;
        }
        return 60;
    }
    return 0;
}

struct Pending {
    Record rec;
    bool active = false;
    std::string info;
};

class SsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ss";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "ss") ? std::min(90, score + 10) : score;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        bool have_header = false;
        bool has_netid = true;
        std::string_view implied_netid;
        {
            const std::string hint = command_line_hint(ctx.member, text.substr(0, 4096));
            // -t / -u / -x alone: rows have no Netid column.
            const size_t sp = hint.find(' ');
            if (sp != std::string::npos) {
                const std::string flags = hint.substr(sp);
                const bool t = flags.find('t') != std::string::npos;
                const bool u = flags.find('u') != std::string::npos;
                const bool x = flags.find('x') != std::string::npos;
                if (t && !u && !x) {
                    implied_netid = "tcp";
                } else if (u && !t && !x) {
                    implied_netid = "udp";
                }
            }
        }
        Pending pend;
        std::vector<Owner> owners;
        auto flush = [&]() {
            if (!pend.active) {
                return;
            }
            if (!pend.info.empty()) {
                // Re-open linux.ss to add the info line: body ends with "}}".
                std::string& b = pend.rec.body;
                if (b.size() >= 2 && b.ends_with("}}")) {
                    b.resize(b.size() - 2);
                    b += ",\"info\":";
                    json_append_string(b, pend.info);
                    b += "}}";
                }
            }
            sink.emit(pend.rec);
            pend.active = false;
            pend.info.clear();
        };
        std::string joined;
        for (size_t li = 0; li < lines.size(); ++li) {
            const std::string_view line = lines[li];
            if (trim(line).empty()) {
                continue;
            }
            std::string_view t = trim(line);
            if (!have_header || t.starts_with("Netid") || t.starts_with("State ")) {
                if ((t.starts_with("Netid") || t.starts_with("State") || t.starts_with("Recv-Q")) &&
                    t.find("Address:Port") != std::string_view::npos) {
                    flush();
                    have_header = true;
                    has_netid = t.starts_with("Netid");
                    continue;
                }
            }
            const uint64_t line_no = lc.line_of(line);
            if (!have_header) {
                continue;
            }
            if (line.front() == ' ' || line.front() == '\t') {
                // -i / -e continuation line of the previous socket.
                if (pend.active) {
                    if (!pend.info.empty()) {
                        pend.info.push_back(' ');
                    }
                    pend.info.append(t);
                }
                continue;
            }
            flush();
            // A row a terminal hard-wrapped (copied from a narrow screen or a ticket): the
            // lines after it that start no row, at the margin, are its tail -- usually the
            // users:(("name with spaces",pid=..)) an analyst is after.
            // -i info lines start with a tab and stay info lines.
            if (starts_socket_row(t, has_netid)) {
                t = trim(join_wrapped(lines, li, joined, at_wrap_margin, [&](std::string_view n) {
                    return n.front() != '\t' && !starts_socket_row(trim(n), has_netid) &&
                           n.find("Address:Port") == std::string_view::npos;
                }));
            }
            FieldCursor cur(t);
            std::string_view netid = implied_netid;
            if (has_netid) {
                netid = cur.next();
            }
            std::string_view state = cur.next();
            if (!has_netid && !is_ss_state(state)) {
                // A row with a Netid under a header without one (mixed runs in one file).
                FieldCursor peek = cur;
                if (is_ss_state(peek.next())) {
                    netid = state;
                    state = cur.next();
                }
            }
            const std::string_view recvq = cur.next();
            const std::string_view sendq = cur.next();
            const bool is_unix = netid.starts_with("u_") || netid == "unix";
            std::string_view local = cur.next();
            std::string_view local_inode;
            std::string_view peer;
            std::string_view peer_inode;
            if (is_unix) {
                local_inode = cur.next();
                peer = cur.next();
                peer_inode = cur.next();
            } else {
                peer = cur.next();
            }
            if (peer.empty() || !to_int(recvq) || !to_int(sendq)) {
                sink.emit(make_error_record(line_no, true, "linux.ss: short or odd socket row", t));
                continue;
            }
            std::string_view rest = cur.remainder();
            owners.clear();
            std::string_view uid;
            std::string_view ino;
            std::string_view sk;
            std::string extras;
            // Options: users:(...) (quote aware), uid:N, ino:N, sk:X, anything else kept raw.
            while (!rest.empty()) {
                if (rest.starts_with("users:(")) {
                    const size_t n = parse_users(rest, owners);
                    if (n == 0) {
                        extras.append(rest);
                        break;
                    }
                    rest = trim(rest.substr(n));
                    continue;
                }
                FieldCursor oc(rest);
                std::string_view tok = oc.next();
                // timer:(...) may hold no spaces; cgroup paths neither.
                if (tok.starts_with("uid:")) {
                    uid = tok.substr(4);
                } else if (tok.starts_with("ino:")) {
                    ino = tok.substr(4);
                } else if (tok.starts_with("sk:")) {
                    sk = tok.substr(3);
                } else {
                    if (!extras.empty()) {
                        extras.push_back(' ');
                    }
                    extras.append(tok);
                }
                rest = oc.remainder();
            }

            Record& r = pend.rec;
            r.clear();
            r.dataset = "linux.ss";
            r.position = line_no;
            JsonWriter w(r.body);
            w.resume_object(false);
            Endpoint le;
            Endpoint pe;
            if (!is_unix && netid != "nl" && !netid.starts_with("p_")) {
                le = split_endpoint(local);
                pe = split_endpoint(peer);
                write_ecs_endpoint(w, "source", le);
                write_ecs_endpoint(w, "destination", pe);
                std::string_view transport;
                if (netid == "tcp" || netid == "udp" || netid == "sctp") {
                    transport = netid;
                } else if (netid == "raw" || netid.starts_with("icmp")) {
                    transport = netid.starts_with("icmp6")  ? "ipv6-icmp"
                                : netid.starts_with("icmp") ? "icmp"
                                                            : "";
                }
                if (!transport.empty()) {
                    w.begin_object("network").str("transport", transport).end_object();
                }
            } else if (is_unix && !local.empty() && local.front() == '/') {
                w.begin_object("file").str("path", local).end_object();
            }
            if (!owners.empty()) {
                w.begin_object("process");
                if (owners[0].pid) {
                    w.num("pid", *owners[0].pid);
                }
                if (!owners[0].name.empty()) {
                    w.str("name", owners[0].name);
                }
                w.end_object();
            }
            if (!uid.empty()) {
                w.begin_object("user").str("id", uid).end_object();
            }
            w.begin_object("linux").begin_object("ss");
            if (!netid.empty()) {
                w.str("netid", netid);
            }
            w.str("state", state);
            w.num("recv_q", *to_int(recvq));
            w.num("send_q", *to_int(sendq));
            if (is_unix) {
                w.str("path", local);
                w.str("local_port", local_inode);
                w.str("peer_address", peer);
                w.str("peer_port", peer_inode);
                if (auto n = to_int(local_inode)) {
                    w.num("local_port_num", *n);
                }
                if (auto n = to_int(peer_inode)) {
                    w.num("peer_port_num", *n);
                }
            } else if (netid == "nl" || le.port.empty()) {
                // netlink: "rtnl:kernel" is a channel, not an address; "rtnl:dockerd/1220"
                // names the owning pid (jc: channel without it, plus pid).
                std::string_view channel = local;
                std::optional<int64_t> nl_pid;
                const size_t slash = channel.rfind('/');
                if (slash != std::string_view::npos) {
                    nl_pid = to_int(channel.substr(slash + 1));
                    if (nl_pid) {
                        channel = channel.substr(0, slash);
                    }
                }
                w.str("peer_address", peer);
                if (nl_pid) {
                    w.num("pid", *nl_pid);
                }
                w.str("channel", channel);
            } else if (netid.starts_with("p_")) {
                // packet sockets: "LLDP:ens33" = link layer protocol and interface.
                const Endpoint pk = split_endpoint(local);
                w.str("link_layer", pk.address);
                w.str("interface", pk.port);
                w.str("peer_address", peer);
            } else {
                w.str("local_address", le.address);
                w.str("local_port", le.port);
                w.str("peer_address", pe.address);
                w.str("peer_port", pe.port);
                if (!le.iface.empty()) {
                    w.str("interface", le.iface);
                }
                if (auto n = to_int(le.port)) {
                    w.num("local_port_num", *n);
                }
                if (auto n = to_int(pe.port)) {
                    w.num("peer_port_num", *n);
                }
            }
            if (!owners.empty() || !uid.empty() || !ino.empty() || !sk.empty()) {
                // jc 1.25.5's shape: opts.process_id.{pid: {user: comm, file_descriptor}}.
                w.begin_object("opts");
                if (!owners.empty()) {
                    w.begin_object("process_id");
                    for (const Owner& o : owners) {
                        const std::string pid = o.pid ? std::to_string(*o.pid) : std::string();
                        w.begin_object(pid).str("user", o.name);
                        if (o.fd) {
                            w.str("file_descriptor", std::to_string(*o.fd));
                        }
                        w.end_object();
                    }
                    w.end_object();
                }
                if (!uid.empty()) {
                    w.str("uid_number", uid);
                }
                if (!ino.empty()) {
                    w.str("inode_number", ino);
                }
                if (!sk.empty()) {
                    w.str("cookie", sk);
                }
                w.end_object();
            }
            if (!owners.empty()) {
                w.begin_array("users");
                for (const Owner& o : owners) {
                    w.begin_object().str("name", o.name);
                    if (o.pid) {
                        w.num("pid", *o.pid);
                    }
                    if (o.fd) {
                        w.num("fd", *o.fd);
                    }
                    w.end_object();
                }
                w.end_array();
            }
            if (!extras.empty()) {
                w.str("extra", extras);
            }
            w.end_object().end_object();
            pend.active = true;
        }
        flush();
        if (!have_header && !lines.empty()) {
            sink.emit(make_error_record(lc.line_of(lines[0]), true, "linux.ss: no ss header found",
                                        lines[0]));
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true, "linux.ss: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_ss_parser() {
    static const SsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
