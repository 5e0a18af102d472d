// linux.ip_route: `ip route` / `ip -6 route` / `ip route show table all`, and the
// net-tools tables `route`, `route -n`, `route -e(e)`, `route -6` (also `netstat -rn`
// content when a file name such as Cat-Scale's routetable.txt hints a route listing).
//
// One record per route.  `ip route` rows use jc's ip_route names (ip, via, dev, proto, scope,
// src, metric, status) plus table, type, pref, mtu and nexthops[] for multipath routes;
// route tables use jc's route names (destination, gateway, genmask, flags, metric, ref, use,
// iface, mss, window, irtt, next_hop, flags_pretty).
#include <algorithm>
#include <cctype>
#include <cstdint>
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
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

constexpr std::string_view kRouteTypes[] = {"unicast",     "local",    "broadcast", "multicast",
                                            "unreachable", "prohibit", "blackhole", "throw",
                                            "nat",         "anycast"};

bool is_route_type(std::string_view t) {
    return std::find(std::begin(kRouteTypes), std::end(kRouteTypes), t) != std::end(kRouteTypes);
}

bool looks_like_dest(std::string_view t) {
    if (t == "default") {
        return true;
    }
    const std::string_view a = t.substr(0, t.find('/'));
    if (a.empty()) {
        return false;
    }
    if (a.find(':') != std::string_view::npos) {
        return a.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
    }
    int dots = 0;
    for (char c : a) {
        if (c == '.') {
            ++dots;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return dots <= 3 && dots >= 0 && a.size() >= 1 && (dots == 3 || t.find('/') != t.npos);
}

// An `ip route` row: "[type] dest key value ... [flags]".
bool ip_route_line(std::string_view line) {
    const auto w = split_ws(trim(line));
    if (w.size() < 3 || line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    size_t i = is_route_type(w[0]) ? 1 : 0;
    if (i >= w.size() || !looks_like_dest(w[i])) {
        return false;
    }
    const std::string_view k = i + 1 < w.size() ? w[i + 1] : std::string_view();
    return k == "via" || k == "dev" || k == "proto" || k == "table" || k == "scope" || k == "src" ||
           k == "metric" || k == "nhid" || k == "from" || k == "tos";
}

bool route_banner(std::string_view line) {
    const std::string_view t = trim(line);
    return t.starts_with("Kernel IP") && t.find("routing table") != std::string_view::npos;
}

struct Col {
    std::string key;
    bool numeric = false;
};

bool route_header(std::string_view line, std::vector<Col>& cols) {
    const auto w = split_ws(trim(line));
    if (w.size() < 4 || w[0] != "Destination") {
        return false;
    }
    cols.clear();
    for (size_t i = 0; i < w.size(); ++i) {
        const std::string_view h = w[i];
        if (h == "Next" && i + 1 < w.size() && w[i + 1] == "Hop") {
            cols.push_back({"next_hop", false});
            ++i;
            continue;
        }
        std::string k;
        bool num = false;
        if (h == "Destination") {
            k = "destination";
        } else if (h == "Gateway") {
            k = "gateway";
        } else if (h == "Genmask") {
            k = "genmask";
        } else if (h == "Flags" || h == "Flag") {
            k = "flags";
        } else if (h == "Metric" || h == "Met") {
            k = "metric", num = true;
        } else if (h == "Ref") {
            k = "ref", num = true;
        } else if (h == "Use") {
            k = "use", num = true;
        } else if (h == "Iface" || h == "If") {
            k = "iface";
        } else if (h == "MSS") {
            k = "mss", num = true;
        } else if (h == "Window") {
            k = "window", num = true;
        } else if (h == "irtt") {
            k = "irtt", num = true;
        } else {
            for (char c : h) {
                k.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
            }
        }
        cols.push_back({k, num});
    }
    return true;
}

void flags_pretty(JsonWriter& w, std::string_view flags) {
    w.begin_array("flags_pretty");
    for (char c : flags) {
        const char* f = nullptr;
        switch (c) {
            case 'U': f = "UP"; break;
            case 'H': f = "HOST"; break;
            case 'G': f = "GATEWAY"; break;
            case 'R': f = "REINSTATE"; break;
            case 'D': f = "DYNAMIC"; break;
            case 'M': f = "MODIFIED"; break;
            case 'A': f = "ADDRCONF"; break;
            case 'C': f = "CACHE"; break;
            case '!': f = "REJECT"; break;
            default: break;
        }
        if (f != nullptr) {
            w.value_str(f);
        }
    }
    w.end_array();
}

// Writes the key/value words of an ip route row (or of one nexthop).
void ip_words(JsonWriter& w,
              const std::vector<std::string_view>& words,
              size_t i,
              std::vector<std::string_view>& status) {
    for (; i < words.size(); ++i) {
        const std::string_view k = words[i];
        const bool has_next = i + 1 < words.size();
        if (k == "metric" && has_next) {
            const auto n = to_int(words[i + 1]);
            if (n) {
                w.num("metric", *n);
            } else {
                w.str("metric", words[i + 1]);
            }
            ++i;
        } else if ((k == "via" || k == "dev" || k == "proto" || k == "scope" || k == "src" ||
                    k == "table" || k == "pref" || k == "from" || k == "tos" || k == "weight" ||
                    k == "nhid" || k == "realm" || k == "expires" || k == "advmss" ||
                    k == "hoplimit") &&
                   has_next) {
            std::string_view v = words[i + 1];
            if (k == "via" && (v == "inet" || v == "inet6") && i + 2 < words.size()) {
                v = words[i + 2];
                ++i;
            }
            if (k == "weight" || k == "nhid" || k == "advmss" || k == "hoplimit") {
                if (const auto n = to_int(v)) {
                    w.num(k, *n);
                } else {
                    w.str(k, v);
                }
            } else {
                w.str(k, v);
            }
            ++i;
        } else if (k == "mtu" && has_next) {
            std::string_view v = words[i + 1];
            if (v == "lock" && i + 2 < words.size()) {
                v = words[i + 2];
                ++i;
            }
            if (const auto n = to_int(v)) {
                w.num("mtu", *n);
            }
            ++i;
        } else if (k == "nexthop") {
        } else {
            status.push_back(k);  // linkdown, onlink, dead, offload...
        }
    }
}

enum class Format { kNone, kIp, kTable };

Format sniff(const std::vector<std::string_view>& lines) {
    for (size_t i = 0; i < lines.size() && i < 10; ++i) {
        if (trim(lines[i]).empty()) {
            continue;
        }
        std::vector<Col> cols;
        if (route_banner(lines[i]) || route_header(lines[i], cols)) {
            return Format::kTable;
        }
        return ip_route_line(lines[i]) ? Format::kIp : Format::kNone;
    }
    return Format::kNone;
}

class IpRouteParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ip_route";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "ip_route");
        const auto lines = output_lines(whole_lines(probe));
        const Format f = sniff(lines);
        if (f == Format::kTable) {
            // netstat -r has the same table; A's netstat parser takes files named netstat.
            if (linux_cmd::name_hints(probe, "netstat")) {
                return 0;
            }
            return hinted ? 90 : 70;
        }
        if (f == Format::kIp) {
            size_t good = 0;
            size_t bad = 0;
            for (auto l : lines) {
                if (trim(l).empty() || l[0] == ' ' || l[0] == '\t') {
                    continue;
                }
                (ip_route_line(l) ? good : bad) += 1;
            }
            if (bad * 10 > good) {
                return 0;
            }
            return hinted ? 90 : (good >= 2 && bad == 0 ? 65 : 0);
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const Format f = sniff(lines);
        if (f == Format::kNone) {
            sink.emit(make_error_record(1, true, "ip_route: no route listing found"));
            return;
        }
        Record r;
        if (f == Format::kIp) {
            parse_ip(lines, ln, sink);
        } else {
            std::vector<Col> cols;
            for (auto line : lines) {
                if (trim(line).empty() || route_banner(line) || route_header(line, cols)) {
                    continue;
                }
                const uint64_t pos = ln.of(line);
                const auto w = split_ws(trim(line));
                if (cols.empty() || w.size() != cols.size()) {
                    sink.emit(make_error_record(pos, true, "ip_route: row does not fit the header",
                                                line));
                    continue;
                }
                r.clear();
                r.dataset = "linux.ip_route";
                r.position = pos;
                JsonWriter jw(r.body);
                jw.resume_object(false).begin_object("linux").begin_object("ip_route");
                std::string_view flags;
                for (size_t c = 0; c < cols.size(); ++c) {
                    if (cols[c].numeric) {
                        if (const auto n = to_int(w[c])) {
                            jw.num(cols[c].key, *n);
                            continue;
                        }
                    }
                    jw.str(cols[c].key, w[c]);
                    if (cols[c].key == "flags") {
                        flags = w[c];
                    }
                }
                if (!flags.empty()) {
                    flags_pretty(jw, flags);
                }
                jw.end_object().end_object();
                sink.emit(r);
            }
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "ip_route: file too large, rest not parsed"));
        }
    }

private:
    static void parse_ip(const std::vector<std::string_view>& lines,
                         LineNumbers& ln,
                         RecordSink& sink) {
        Record r;
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view line = lines[i];
            if (trim(line).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!ip_route_line(line)) {
                sink.emit(make_error_record(pos, true, "ip_route: not a route", line));
                continue;
            }
            const auto w = split_ws(trim(line));
            size_t k = 0;
            r.clear();
            r.dataset = "linux.ip_route";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("ip_route");
            if (is_route_type(w[0])) {
                jw.str("type", w[0]);
                k = 1;
            }
            jw.str("ip", w[k]);
            std::vector<std::string_view> status;
            ip_words(jw, w, k + 1, status);
            // Multipath: indented "nexthop via A dev X weight 1" rows follow.
            bool nexthops = false;
            while (i + 1 < lines.size() && !lines[i + 1].empty() &&
                   (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t') &&
                   trim(lines[i + 1]).starts_with("nexthop")) {
                if (!nexthops) {
                    jw.begin_array("nexthops");
                    nexthops = true;
                }
                const auto nw = split_ws(trim(lines[++i]));
                std::vector<std::string_view> ns;
                jw.begin_object();
                ip_words(jw, nw, 1, ns);
                jw.end_object();
            }
            if (nexthops) {
                jw.end_array();
            }
            if (status.size() == 1) {
                jw.str("status", status[0]);  // jc: a single word
            } else if (!status.empty()) {
                jw.begin_array("status");
                for (auto s : status) {
                    jw.value_str(s);
                }
                jw.end_array();
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_ip_route_parser() {
    static const IpRouteParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
