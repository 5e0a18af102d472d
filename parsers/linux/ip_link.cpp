// linux.ip_link: `ip link show` and `ip -s [-s] link` (UAC network/ip_link_show.txt,
// ip_-s_link.txt): the interfaces of the host with their state and hardware addresses, and
// the packet counters with -s.  A PROMISC flag (a sniffer), a bridge master or a veth into
// another network namespace (containers) are what an analyst looks at.
//
// One record per interface at its header line: ifindex, name, link (the peer after "@",
// e.g. "if10" or "NONE"), flags (list), then the header's own key/value pairs -- mtu and
// qlen as integers, qdisc, master, state, mode, group, and any other pair iproute2 prints --
// then from the "link/<type>" line link_type, mac_address, brd and its extra pairs
// (link_netnsid, permaddr); "altname" lines as `altnames`, an "alias" line as `alias`.
// With -s the counters are integers named <direction>_<column> from iproute2's own header
// ("RX:  bytes packets errors dropped missed mcast" -> rx_bytes, rx_packets, ...; "RX errors:
// length crc ..." -> rx_errors_length, ...).  `notable`: PROMISC.
// Not claimed: `ip addr` (inet lines; linux.ip_addr), whose headers have no "mode".
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::is_digits;
using linux_cmd::LineNumbers;
using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Link {
    uint64_t line = 0;
    std::string_view index;
    std::string_view name;
    std::string_view peer;
    std::vector<std::string_view> flags;
    std::vector<std::pair<std::string, std::string_view>> pairs;  // header, then link line
    std::string_view link_type;
    std::string_view mac;
    std::vector<std::string_view> altnames;
    std::string_view alias;
    std::vector<std::pair<std::string, std::string_view>> stats;
};

// "2: eth0@if10: <BROADCAST,...> mtu 1500 ..." (the header of one interface).
bool parse_header(std::string_view line, Link& l) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    const auto w = split_ws(line);
    if (w.size() < 3 || w[0].size() < 2 || w[0].back() != ':' ||
        !is_digits(w[0].substr(0, w[0].size() - 1)) || w[1].size() < 2 || w[1].back() != ':' ||
        w[2].size() < 2 || w[2].front() != '<' || w[2].back() != '>') {
        return false;
    }
    l = Link{};
    l.index = w[0].substr(0, w[0].size() - 1);
    std::string_view name = w[1].substr(0, w[1].size() - 1);
    if (const size_t at = name.find('@'); at != std::string_view::npos) {
        l.peer = name.substr(at + 1);
        name = name.substr(0, at);
    }
    l.name = name;
    std::string_view flags = w[2].substr(1, w[2].size() - 2);
    for (size_t p = 0; p < flags.size();) {
        const size_t c = flags.find(',', p);
        const std::string_view f = flags.substr(p, c == std::string_view::npos ? c : c - p);
        if (!f.empty()) {
            l.flags.push_back(f);
        }
        if (c == std::string_view::npos) {
            break;
        }
        p = c + 1;
    }
    for (size_t i = 3; i + 1 < w.size(); i += 2) {
        std::string key(w[i]);
        for (char& c : key) {
            c = c == '-' ? '_' : c;
        }
        l.pairs.emplace_back(std::move(key), w[i + 1]);
    }
    return true;
}

// Whether a header line is `ip link`'s, not `ip addr`'s: only ip link prints "mode".
bool link_header(std::string_view line) {
    Link l;
    if (!parse_header(line, l)) {
        return false;
    }
    for (const auto& p : l.pairs) {
        if (p.first == "mode") {
            return true;
        }
    }
    return false;
}

class IpLinkParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ip_link";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = name_hints(probe, "ip_link");
        size_t headers = 0;
        size_t mode = 0;
        Link l;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.starts_with("inet ") || t.starts_with("inet6 ")) {
                return 0;  // ip addr
            }
            if (parse_header(line, l)) {
                ++headers;
                mode += link_header(line) ? 1 : 0;
            }
        }
        if (headers == 0) {
            return 0;
        }
        if (hinted) {
            return 95;
        }
        // "ip_-s_link.txt" hints ip_addr (the hint sees one word after "ip"); the headers'
        // "mode" still says ip link, and ip_addr takes a hinted file at 90.
        if (mode == headers && name_hints(probe, "ip_addr")) {
            return 92;
        }
        return mode == headers ? 80 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        const auto lines = output_lines(text);
        std::vector<Link> links;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            Link h;
            if (parse_header(line, h)) {
                h.line = ln.of(line);
                links.push_back(std::move(h));
                continue;
            }
            if (links.empty()) {
                sink.emit(make_error_record(ln.of(line), true, "ip_link: line before any interface",
                                            line));
                continue;
            }
            Link& l = links.back();
            const auto w = split_ws(t);
            if (w[0].starts_with("link/")) {
                l.link_type = w[0].substr(5);
                size_t k = 1;
                if (w.size() > 1 && w[1] != "brd") {
                    l.mac = w[1];
                    k = 2;
                }
                for (; k + 1 < w.size(); k += 2) {
                    std::string key(w[k]);
                    for (char& c : key) {
                        c = c == '-' ? '_' : c;
                    }
                    l.pairs.emplace_back(std::move(key), w[k + 1]);
                }
                continue;
            }
            if (w[0] == "altname" && w.size() >= 2) {
                l.altnames.push_back(w[1]);
                continue;
            }
            if (w[0] == "alias" && w.size() >= 2) {
                l.alias = trim(t.substr(5));
                continue;
            }
            // "RX:  bytes packets ..." / "RX errors: length crc ..." and the numbers below.
            if ((w[0] == "RX:" || w[0] == "TX:" ||
                 ((w[0] == "RX" || w[0] == "TX") && w.size() > 1 && w[1] == "errors:")) &&
                i + 1 < lines.size()) {
                const bool errs = w[0].size() == 2;
                std::string prefix = w[0][0] == 'R' ? "rx" : "tx";
                if (errs) {
                    prefix += "_errors";
                }
                const auto nums = split_ws(trim(lines[i + 1]));
                const size_t first = errs ? 2 : 1;
                bool ok = nums.size() + first == w.size();
                for (std::string_view n : nums) {
                    ok = ok && is_digits(n);
                }
                if (!ok) {
                    sink.emit(make_error_record(
                        ln.of(line), true, "ip_link: counters do not match their header", line));
                    continue;
                }
                for (size_t c = first; c < w.size(); ++c) {
                    l.stats.emplace_back(prefix + "_" + std::string(w[c]), nums[c - first]);
                }
                ++i;
                continue;
            }
            // Other detail lines of `ip -d link` (vxlan, bridge_slave ...) are not modelled;
            // the raw text is kept in the evidence file.
        }
        Record r;
        for (const Link& l : links) {
            r.clear();
            r.dataset = "linux.ip_link";
            r.position = l.line;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("ip_link");
            j.num("ifindex", to_int(l.index).value_or(0)).str("name", l.name);
            j.opt_str("link", l.peer);
            j.begin_array("flags");
            bool promisc = false;
            for (std::string_view f : l.flags) {
                j.value_str(f);
                promisc = promisc || f == "PROMISC";
            }
            j.end_array();
            bool typed = false;
            std::vector<std::string_view> seen = {"ifindex",  "name",      "link",
                                                  "flags",    "link_type", "mac_address",
                                                  "altnames", "alias",     "notable"};
            for (const auto& [k, v] : l.pairs) {
                if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
                    continue;  // a repeated or clashing key: the first one stands
                }
                seen.push_back(k);
                if (!typed && (k == "brd" || k == "link_netnsid" || k == "permaddr") &&
                    !l.link_type.empty()) {
                    j.str("link_type", l.link_type);
                    j.opt_str("mac_address", l.mac);
                    typed = true;
                }
                if ((k == "mtu" || k == "qlen" || k == "link_netnsid") && is_digits(v)) {
                    j.num(k, to_int(v).value_or(0));
                } else {
                    j.str(k, v);
                }
            }
            if (!typed && !l.link_type.empty()) {
                j.str("link_type", l.link_type);
                j.opt_str("mac_address", l.mac);
            }
            if (!l.altnames.empty()) {
                j.begin_array("altnames");
                for (std::string_view a : l.altnames) {
                    j.value_str(a);
                }
                j.end_array();
            }
            j.opt_str("alias", l.alias);
            for (const auto& [k, v] : l.stats) {
                j.num(k, to_int(v).value_or(0));
            }
            if (promisc) {
                j.begin_array("notable").value_str("PROMISC").end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (links.empty()) {
            sink.emit(make_error_record(1, true, "ip_link: no interface header found"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "ip_link: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_ip_link_parser() {
    static const IpLinkParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
