// linux.ip_addr: `ip addr` (also `ip -o addr`, `ip link`), `ip -br a` / `ip -br link`, and
// `ifconfig` in both the net-tools 2.x (`flags=4163<UP,...>  mtu`) and 1.60
// (`Link encap:`) formats.
//
// One record per ADDRESS with its interface's fields repeated; an interface without an
// address gives one record.  Field names follow jc's ifconfig parser (name, flags, state,
// mtu, type, mac_addr, ipv4_addr/mask/bcast, ipv6_addr/mask/scope/type, metric, rx_*/tx_*),
// extended with what `ip` shows (index, link, qdisc, master, operstate, qlen, ipv4_prefix,
// ipv4_scope, address_flags, label, valid_lft, preferred_lft).  ECS: related.ip.
#include <algorithm>
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

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Addr {
    uint64_t line = 0;
    bool v6 = false;
    std::string address;
    std::optional<int64_t> prefix;
    std::string mask;  // dotted IPv4 mask
    std::string bcast;
    std::string peer;
    std::string scope;
    std::string type;  // ifconfig scopeid <link>
    std::string label;
    std::vector<std::string> flags;
    std::string valid_lft;
    std::string preferred_lft;
};

struct Iface {
    uint64_t line = 0;
    std::string name;
    std::string link;
    std::optional<int64_t> index;
    std::optional<int64_t> flags_num;
    std::vector<std::string> state;
    std::optional<int64_t> mtu;
    std::string qdisc;
    std::string master;
    std::string operstate;
    std::string group;
    std::optional<int64_t> qlen;
    std::string type;
    std::string mac;
    std::optional<int64_t> metric;
    std::vector<std::pair<std::string, int64_t>> counters;
    std::vector<Addr> addrs;
};

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

std::string dotted_mask(int64_t prefix) {
    if (prefix < 0 || prefix > 32) {
        return {};
    }
    const uint32_t m = prefix == 0 ? 0 : 0xFFFFFFFFu << (32 - prefix);
    return std::to_string(m >> 24) + "." + std::to_string((m >> 16) & 255) + "." +
           std::to_string((m >> 8) & 255) + "." + std::to_string(m & 255);
}

std::vector<std::string> split_list(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t c = s.find(sep, start);
        if (c == std::string_view::npos) {
            c = s.size();
        }
        const std::string_view part = trim(s.substr(start, c - start));
        if (!part.empty()) {
            out.emplace_back(part);
        }
        start = c + 1;
    }
    return out;
}

bool looks_like_mac(std::string_view s) {
    return s.size() >= 11 && s.size() <= 59 && s.find(':') != std::string_view::npos &&
           s.find_first_not_of("0123456789abcdefABCDEF:") == std::string_view::npos;
}

bool looks_like_ip(std::string_view s) {
    const size_t slash = s.find('/');
    const std::string_view a = s.substr(0, slash);
    if (a.empty()) {
        return false;
    }
    if (a.find(':') != std::string_view::npos) {
        return a.find_first_not_of("0123456789abcdefABCDEF:.%") == std::string_view::npos;
    }
    int dots = 0;
    for (char c : a) {
        if (c == '.') {
            ++dots;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return dots == 3;
}

// ---- `ip addr` / `ip -o addr` ------------------------------------------------------------

// "4: eth0@if5: <BROADCAST,...> mtu 1400 ..." → fills iface; false when not such a line.
bool ip_header(std::string_view line, Iface& f) {
    const size_t colon = line.find(": ");
    if (colon == std::string_view::npos || !all_digits(line.substr(0, colon))) {
        return false;
    }
    std::string_view rest = line.substr(colon + 2);
    const size_t colon2 = rest.find(": ");
    if (colon2 == std::string_view::npos) {
        return false;
    }
    std::string_view name = rest.substr(0, colon2);
    rest = rest.substr(colon2 + 2);
    if (rest.empty() || rest[0] != '<') {
        return false;
    }
    const size_t close = rest.find('>');
    if (close == std::string_view::npos) {
        return false;
    }
    f.index = to_int(line.substr(0, colon));
    const size_t at = name.find('@');
    f.name = std::string(name.substr(0, at));
    if (at != std::string_view::npos) {
        f.link = std::string(name.substr(at + 1));
    }
    f.state = split_list(rest.substr(1, close - 1), ',');
    auto words = split_ws(rest.substr(close + 1));
    for (size_t i = 0; i + 1 < words.size(); i += 2) {
        const std::string_view k = words[i];
        const std::string_view v = words[i + 1];
        if (k == "mtu") {
            f.mtu = to_int(v);
        } else if (k == "qdisc") {
            f.qdisc = std::string(v);
        } else if (k == "master") {
            f.master = std::string(v);
        } else if (k == "state") {
            f.operstate = std::string(v);
        } else if (k == "group") {
            f.group = std::string(v);
        } else if (k == "qlen") {
            f.qlen = to_int(v);
        }
    }
    return true;
}

constexpr std::string_view kAddrFlags[] = {
    "dynamic",   "secondary",  "primary",       "tentative",      "deprecated",
    "dadfailed", "temporary",  "noprefixroute", "nodad",          "optimistic",
    "home",      "mngtmpaddr", "autojoin",      "stable-privacy", "permanent"};

// "inet 192.0.2.2/24 brd 192.0.2.255 scope global dynamic eth0" (after the indentation).
void ip_address(const std::vector<std::string_view>& w, const std::string& ifname, Addr& a) {
    a.v6 = w[0] == "inet6";
    const std::string_view cidr = w.size() > 1 ? w[1] : std::string_view();
    const size_t slash = cidr.find('/');
    a.address = std::string(cidr.substr(0, slash));
    if (slash != std::string_view::npos) {
        a.prefix = to_int(cidr.substr(slash + 1));
        if (!a.v6 && a.prefix) {
            a.mask = dotted_mask(*a.prefix);
        }
    }
    for (size_t i = 2; i < w.size(); ++i) {
        const std::string_view k = w[i];
        const bool has_next = i + 1 < w.size();
        if ((k == "brd" || k == "peer" || k == "scope" || k == "valid_lft" ||
             k == "preferred_lft" || k == "metric" || k == "proto") &&
            has_next) {
            const std::string v(w[++i]);
            if (k == "brd") {
                a.bcast = v;
            } else if (k == "peer") {
                a.peer = v;
            } else if (k == "scope") {
                a.scope = v;
            } else if (k == "valid_lft") {
                a.valid_lft = v;
            } else if (k == "preferred_lft") {
                a.preferred_lft = v;
            }
        } else if (std::find(std::begin(kAddrFlags), std::end(kAddrFlags), k) !=
                   std::end(kAddrFlags)) {
            a.flags.emplace_back(k);
        } else if (k == "\\") {
        } else if (!ifname.empty() && k.starts_with(ifname)) {
            a.label = std::string(k);
        }
    }
}

void parse_ip(const std::vector<std::string_view>& lines,
              LineNumbers& ln,
              std::vector<Iface>& out) {
    for (std::string_view line : lines) {
        if (trim(line).empty()) {
            continue;
        }
        Iface f;
        if (ip_header(line, f)) {
            f.line = ln.of(line);
            out.push_back(std::move(f));
            continue;
        }
        // `ip -o addr`: "2: eth0    inet 192.0.2.2/24 brd ... \       valid_lft ..."
        auto w = split_ws(trim(line));
        if (w.size() >= 4 && w[0].size() > 1 && w[0].back() == ':' &&
            all_digits(w[0].substr(0, w[0].size() - 1)) &&
            (w[2] == "inet" || w[2] == "inet6" || w[2].starts_with("link/"))) {
            const auto idx = to_int(w[0].substr(0, w[0].size() - 1));
            std::string name(w[1]);
            if (!name.empty() && name.back() == ':') {
                name.pop_back();
            }
            if (out.empty() || out.back().index != idx || out.back().name != name) {
                Iface nf;
                nf.line = ln.of(line);
                nf.index = idx;
                nf.name = name;
                out.push_back(std::move(nf));
            }
            std::vector<std::string_view> rest(w.begin() + 2, w.end());
            if (rest[0].starts_with("link/")) {
                out.back().type = std::string(rest[0].substr(5));
                if (rest.size() > 1 && looks_like_mac(rest[1])) {
                    out.back().mac = std::string(rest[1]);
                }
                continue;
            }
            Addr a;
            a.line = ln.of(line);
            ip_address(rest, out.back().name, a);
            out.back().addrs.push_back(std::move(a));
            continue;
        }
        if (out.empty() || w.empty()) {
            continue;
        }
        Iface& cur = out.back();
        if (w[0].starts_with("link/")) {
            cur.type = std::string(w[0].substr(5));
            if (w.size() > 1 && w[1] != "brd") {
                cur.mac = std::string(w[1]);
            }
        } else if (w[0] == "inet" || w[0] == "inet6") {
            Addr a;
            a.line = ln.of(line);
            ip_address(w, cur.name, a);
            cur.addrs.push_back(std::move(a));
        } else if (w[0] == "valid_lft" && !cur.addrs.empty()) {
            std::vector<std::string_view> kv = {"inet", ""};
            kv.insert(kv.end(), w.begin(), w.end());
            Addr tmp;
            ip_address(kv, cur.name, tmp);
            cur.addrs.back().valid_lft = tmp.valid_lft;
            cur.addrs.back().preferred_lft = tmp.preferred_lft;
        }
    }
}

// ---- `ip -br addr` / `ip -br link` ---------------------------------------------------------

constexpr std::string_view kOperStates[] = {"UP",         "DOWN",           "UNKNOWN", "DORMANT",
                                            "NOTPRESENT", "LOWERLAYERDOWN", "TESTING"};

bool is_operstate(std::string_view s) {
    return std::find(std::begin(kOperStates), std::end(kOperStates), s) != std::end(kOperStates);
}

bool brief_line(std::string_view line) {
    auto w = split_ws(trim(line));
    return w.size() >= 2 && is_operstate(w[1]) && w[0].find(':') == std::string_view::npos;
}

void parse_brief(const std::vector<std::string_view>& lines,
                 LineNumbers& ln,
                 std::vector<Iface>& out) {
    for (std::string_view line : lines) {
        auto w = split_ws(trim(line));
        if (w.size() < 2) {
            continue;
        }
        Iface f;
        f.line = ln.of(line);
        const size_t at = w[0].find('@');
        f.name = std::string(w[0].substr(0, at));
        if (at != std::string_view::npos) {
            f.link = std::string(w[0].substr(at + 1));
        }
        f.operstate = std::string(w[1]);
        for (size_t i = 2; i < w.size(); ++i) {
            if (w[i].starts_with("<") && w[i].ends_with(">")) {
                f.state = split_list(w[i].substr(1, w[i].size() - 2), ',');
            } else if (looks_like_mac(w[i]) && w[i].find('/') == std::string_view::npos &&
                       !looks_like_ip(w[i])) {
                f.mac = std::string(w[i]);
            } else {
                Addr a;
                a.line = f.line;
                a.v6 = w[i].find(':') != std::string_view::npos;
                const size_t slash = w[i].find('/');
                a.address = std::string(w[i].substr(0, slash));
                if (slash != std::string_view::npos) {
                    a.prefix = to_int(w[i].substr(slash + 1));
                    if (!a.v6 && a.prefix) {
                        a.mask = dotted_mask(*a.prefix);
                    }
                }
                f.addrs.push_back(std::move(a));
            }
        }
        out.push_back(std::move(f));
    }
}

// ---- ifconfig ---------------------------------------------------------------------------

bool ifconfig_new_header(std::string_view line) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    const size_t p = line.find(": flags=");
    return p != std::string_view::npos && p > 0 &&
           line.substr(0, p).find(' ') == std::string_view::npos;
}

bool ifconfig_old_header(std::string_view line) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    auto w = split_ws(line, 2);
    return w.size() == 2 && w[1].starts_with("Link encap:");
}

// "RX packets 0  bytes 0 (0.0 B)" / "RX packets:36 errors:0" / "collisions:0 txqueuelen:1000"
void counters(const std::vector<std::string_view>& w, Iface& f) {
    std::string prefix;
    for (size_t i = 0; i < w.size(); ++i) {
        std::string_view t = w[i];
        if (t == "RX" || t == "TX") {
            prefix = t == "RX" ? "rx_" : "tx_";
            continue;
        }
        std::string_view key;
        std::string_view val;
        const size_t colon = t.find(':');
        if (colon != std::string_view::npos) {
            key = t.substr(0, colon);
            val = t.substr(colon + 1);
        } else if (i + 1 < w.size() && to_int(w[i + 1])) {
            key = t;
            val = w[++i];
        } else {
            continue;
        }
        const auto v = to_int(val);
        if (!v || key.empty()) {
            continue;
        }
        if (key == "txqueuelen") {
            f.qlen = v;
            continue;
        }
        if (key == "collisions") {
            f.counters.emplace_back("tx_collisions", *v);
            continue;
        }
        if (!prefix.empty()) {
            f.counters.emplace_back(prefix + std::string(key), *v);
        }
    }
}

void parse_ifconfig(const std::vector<std::string_view>& lines,
                    LineNumbers& ln,
                    std::vector<Iface>& out) {
    for (std::string_view line : lines) {
        if (trim(line).empty()) {
            continue;
        }
        if (ifconfig_new_header(line)) {
            Iface f;
            f.line = ln.of(line);
            const size_t p = line.find(": flags=");
            f.name = std::string(line.substr(0, p));
            std::string_view rest = line.substr(p + 8);
            const size_t lt = rest.find('<');
            const size_t gt = rest.find('>');
            f.flags_num = to_int(rest.substr(0, lt));
            if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
                f.state = split_list(rest.substr(lt + 1, gt - lt - 1), ',');
                rest = rest.substr(gt + 1);
            }
            auto w = split_ws(rest);
            for (size_t i = 0; i + 1 < w.size(); ++i) {
                if (w[i] == "mtu") {
                    f.mtu = to_int(w[i + 1]);
                } else if (w[i] == "metric") {
                    f.metric = to_int(w[i + 1]);
                }
            }
            out.push_back(std::move(f));
            continue;
        }
        if (ifconfig_old_header(line)) {
            Iface f;
            f.line = ln.of(line);
            auto w = split_ws(line, 2);
            f.name = std::string(w[0]);
            std::string_view rest = w[1].substr(11);  // after "Link encap:"
            const size_t hw = rest.find("HWaddr");
            if (hw != std::string_view::npos) {
                auto m = split_ws(rest.substr(hw + 6));
                if (!m.empty()) {
                    f.mac = std::string(m[0]);
                }
                rest = rest.substr(0, hw);
            }
            f.type = std::string(trim(rest));
            out.push_back(std::move(f));
            continue;
        }
        if (out.empty()) {
            continue;
        }
        Iface& f = out.back();
        auto w = split_ws(trim(line));
        if (w.empty()) {
            continue;
        }
        if (w[0] == "inet" && w.size() >= 2) {
            Addr a;
            a.line = ln.of(line);
            for (size_t i = 1; i < w.size(); ++i) {
                std::string_view t = w[i];
                if (t.starts_with("addr:")) {
                    a.address = std::string(t.substr(5));
                } else if (t.starts_with("Bcast:")) {
                    a.bcast = std::string(t.substr(6));
                } else if (t.starts_with("Mask:")) {
                    a.mask = std::string(t.substr(5));
                } else if (t.starts_with("P-t-P:")) {
                    a.peer = std::string(t.substr(6));
                } else if (i + 1 < w.size() && t == "netmask") {
                    a.mask = std::string(w[++i]);
                } else if (i + 1 < w.size() && t == "broadcast") {
                    a.bcast = std::string(w[++i]);
                } else if (i + 1 < w.size() && t == "destination") {
                    a.peer = std::string(w[++i]);
                } else if (i == 1) {
                    a.address = std::string(t);
                }
            }
            f.addrs.push_back(std::move(a));
        } else if (w[0] == "inet6" && w.size() >= 2) {
            Addr a;
            a.line = ln.of(line);
            a.v6 = true;
            size_t i = 1;
            if (w[1] == "addr:" && w.size() >= 3) {
                i = 2;
            }
            std::string_view addr = w[i];
            if (addr.starts_with("addr:")) {
                addr = addr.substr(5);
            }
            const size_t slash = addr.find('/');
            a.address = std::string(addr.substr(0, slash));
            if (slash != std::string_view::npos) {
                a.prefix = to_int(addr.substr(slash + 1));
            }
            for (++i; i < w.size(); ++i) {
                std::string_view t = w[i];
                if (t.starts_with("Scope:")) {
                    a.scope = std::string(t.substr(6));
                } else if (i + 1 < w.size() && t == "prefixlen") {
                    a.prefix = to_int(w[++i]);
                } else if (i + 1 < w.size() && t == "scopeid") {
                    std::string_view s = w[++i];
                    const size_t lt = s.find('<');
                    a.scope = std::string(s.substr(0, lt));
                    if (lt != std::string_view::npos && s.back() == '>') {
                        a.type = std::string(s.substr(lt + 1, s.size() - lt - 2));
                    }
                }
            }
            f.addrs.push_back(std::move(a));
        } else if (w[0] == "ether" || w[0] == "loop" || w[0] == "unspec" || w[0] == "infiniband" ||
                   w[0] == "ppp" || w[0] == "tunnel") {
            if (w[0] == "ether" && w.size() > 1) {
                f.mac = std::string(w[1]);
            }
            const size_t lp = line.find('(');
            const size_t rp = line.rfind(')');
            if (lp != std::string_view::npos && rp != std::string_view::npos && rp > lp) {
                f.type = std::string(line.substr(lp + 1, rp - lp - 1));
            }
            counters(w, f);
        } else if (w[0] == "RX" || w[0] == "TX" || w[0].starts_with("collisions")) {
            counters(w, f);
        } else {
            // Old format flags line: "UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1".
            bool flags_line = false;
            for (auto t : w) {
                if (t.starts_with("MTU:")) {
                    f.mtu = to_int(t.substr(4));
                    flags_line = true;
                } else if (t.starts_with("Metric:")) {
                    f.metric = to_int(t.substr(7));
                }
            }
            if (flags_line) {
                for (auto t : w) {
                    if (t.find(':') == std::string_view::npos) {
                        f.state.emplace_back(t);
                    }
                }
            }
        }
    }
}

enum class Format { kNone, kIp, kBrief, kIfconfig };

Format sniff(const std::vector<std::string_view>& lines) {
    size_t brief = 0;
    size_t other = 0;
    for (std::string_view line : lines) {
        if (trim(line).empty()) {
            continue;
        }
        Iface f;
        if (ip_header(line, f)) {
            return Format::kIp;
        }
        auto w = split_ws(trim(line));
        if (w.size() >= 4 && w[0].size() > 1 && w[0].back() == ':' &&
            all_digits(w[0].substr(0, w[0].size() - 1)) && (w[2] == "inet" || w[2] == "inet6")) {
            return Format::kIp;
        }
        if (ifconfig_new_header(line) || ifconfig_old_header(line)) {
            return Format::kIfconfig;
        }
        if (brief_line(line)) {
            ++brief;
        } else {
            ++other;
        }
        if (brief + other >= 20) {
            break;
        }
    }
    return brief > 0 && other == 0 ? Format::kBrief : Format::kNone;
}

void write_record(JsonWriter& w, const Iface& f, const Addr* a) {
    w.resume_object(false).begin_object("linux").begin_object("ip_addr");
    w.str("name", f.name);
    if (f.index) {
        w.num("index", *f.index);
    }
    if (!f.link.empty()) {
        w.str("link", f.link);
    }
    if (f.flags_num) {
        w.num("flags", *f.flags_num);
    }
    if (!f.state.empty()) {
        w.begin_array("state");
        for (const auto& s : f.state) {
            w.value_str(s);
        }
        w.end_array();
    }
    if (f.mtu) {
        w.num("mtu", *f.mtu);
    }
    if (!f.qdisc.empty()) {
        w.str("qdisc", f.qdisc);
    }
    if (!f.master.empty()) {
        w.str("master", f.master);
    }
    if (!f.operstate.empty()) {
        w.str("operstate", f.operstate);
    }
    if (!f.group.empty()) {
        w.str("group", f.group);
    }
    if (f.qlen) {
        w.num("qlen", *f.qlen);
    }
    if (!f.type.empty()) {
        w.str("type", f.type);
    }
    if (!f.mac.empty()) {
        w.str("mac_addr", f.mac);
    }
    if (f.metric) {
        w.num("metric", *f.metric);
    }
    if (a != nullptr) {
        const std::string_view p = a->v6 ? "ipv6_" : "ipv4_";
        auto key = [&](std::string_view k) { return std::string(p) + std::string(k); };
        w.str(key("addr"), a->address);
        if (a->v6) {
            if (a->prefix) {
                w.num("ipv6_mask", *a->prefix);
            }
        } else {
            if (!a->mask.empty()) {
                w.str("ipv4_mask", a->mask);
            }
            if (a->prefix) {
                w.num("ipv4_prefix", *a->prefix);
            }
        }
        if (!a->bcast.empty()) {
            w.str(key("bcast"), a->bcast);
        }
        if (!a->peer.empty()) {
            w.str(key("peer"), a->peer);
        }
        if (!a->scope.empty()) {
            w.str(key("scope"), a->scope);
        }
        if (!a->type.empty()) {
            w.str(key("type"), a->type);
        }
        if (!a->flags.empty()) {
            w.begin_array("address_flags");
            for (const auto& s : a->flags) {
                w.value_str(s);
            }
            w.end_array();
        }
        if (!a->label.empty()) {
            w.str("label", a->label);
        }
        if (!a->valid_lft.empty()) {
            w.str("valid_lft", a->valid_lft);
        }
        if (!a->preferred_lft.empty()) {
            w.str("preferred_lft", a->preferred_lft);
        }
    }
    for (const auto& [k, v] : f.counters) {
        w.num(k, v);
    }
    w.end_object().end_object();
    if (a != nullptr && !a->address.empty()) {
        w.begin_object("related").begin_array("ip").value_str(a->address).end_array().end_object();
    }
}

class IpAddrParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ip_addr";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "ip_addr");
        const Format f = sniff(output_lines(whole_lines(probe)));
        switch (f) {
            case Format::kIp:
            case Format::kIfconfig: return hinted ? 90 : 75;
            case Format::kBrief: return hinted ? 85 : 0;
            case Format::kNone: return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        std::vector<Iface> ifaces;
        switch (sniff(lines)) {
            case Format::kIp: parse_ip(lines, ln, ifaces); break;
            case Format::kIfconfig: parse_ifconfig(lines, ln, ifaces); break;
            case Format::kBrief: parse_brief(lines, ln, ifaces); break;
            case Format::kNone:
                sink.emit(make_error_record(1, true, "ip_addr: no interface found"));
                return;
        }
        Record r;
        for (const Iface& f : ifaces) {
            if (f.addrs.empty()) {
                r.clear();
                r.dataset = "linux.ip_addr";
                r.position = f.line;
                JsonWriter w(r.body);
                write_record(w, f, nullptr);
                sink.emit(r);
            }
            for (const Addr& a : f.addrs) {
                r.clear();
                r.dataset = "linux.ip_addr";
                r.position = a.line;
                JsonWriter w(r.body);
                write_record(w, f, &a);
                sink.emit(r);
            }
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "ip_addr: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_ip_addr_parser() {
    static const IpAddrParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
