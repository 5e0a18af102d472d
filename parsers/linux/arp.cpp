// linux.arp: `arp -a` (BSD style `? (a.b.c.d) at MAC [ether] on IF`), `arp` / `arp -n` /
// `arp -v` tables, and `ip neigh(bour) show`.
//
// One record per neighbour with jc's arp names (name, address, hwtype, hwaddress,
// flags_mask, iface, permanent); `ip neigh` rows map dev → iface and lladdr → hwaddress and
// add state (REACHABLE, STALE, FAILED...) and router.  Incomplete entries keep a null
// hwaddress.  ECS: related.ip.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
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

struct Neigh {
    std::optional<std::string_view> name;  // arp -a: null for "?"
    bool has_name = false;
    std::string_view address;
    std::string_view hwtype;
    std::string_view hwaddress;
    std::string_view flags_mask;
    bool has_flags = false;
    std::string_view iface;
    bool permanent = false;
    std::vector<std::string_view> state;
    bool router = false;
    bool from_ip = false;
};

// "? (192.168.71.1) at 00:50:56:c0:00:08 [ether] PERM on ens33"
bool parse_bsd(std::string_view line, Neigh& n) {
    const auto w = split_ws(trim(line));
    if (w.size() < 4 || w[1].size() < 3 || w[1].front() != '(' || w[1].back() != ')' ||
        w[2] != "at") {
        return false;
    }
    n.has_name = true;
    if (w[0] != "?") {
        n.name = w[0];
    }
    n.address = w[1].substr(1, w[1].size() - 2);
    size_t i = 3;
    if (w[i] != "<incomplete>") {
        n.hwaddress = w[i];
    }
    for (++i; i < w.size(); ++i) {
        if (w[i].size() > 2 && w[i].front() == '[' && w[i].back() == ']') {
            n.hwtype = w[i].substr(1, w[i].size() - 2);
        } else if (w[i] == "PERM") {
            n.permanent = true;
        } else if (w[i] == "on" && i + 1 < w.size()) {
            n.iface = w[++i];
        }
    }
    return true;
}

bool table_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 5 && w[0] == "Address" && w[1] == "HWtype" && w[2] == "HWaddress";
}

// "192.168.71.254  ether  00:50:56:fe:7a:b4  C  ens33" / "10.0.0.9  (incomplete)  eth0"
bool parse_table(std::string_view line, Neigh& n) {
    const auto w = split_ws(trim(line));
    if (w.size() == 3 && w[1] == "(incomplete)") {
        n.address = w[0];
        n.iface = w[2];
        return true;
    }
    if (w.size() < 4 || w.size() > 5) {
        return false;
    }
    n.address = w[0];
    n.hwtype = w[1];
    n.hwaddress = w[2];
    n.has_flags = true;
    if (w.size() == 5) {
        n.flags_mask = w[3];
        n.iface = w[4];
    } else {
        n.flags_mask = w[3];
        n.iface = {};
        // Without a mask column the flags may be missing instead: "addr ether mac eth0".
        if (w[3].find_first_not_of("CMPA") != std::string_view::npos) {
            n.flags_mask = {};
            n.iface = w[3];
        }
    }
    n.permanent = n.flags_mask.find('M') != std::string_view::npos;
    return true;
}

constexpr std::string_view kStates[] = {"REACHABLE",  "STALE", "DELAY",     "PROBE", "FAILED",
                                        "INCOMPLETE", "NOARP", "PERMANENT", "NONE"};

// "192.0.2.1 dev eth0 lladdr 02:fc:00:00:00:05 router STALE"
bool parse_ip(std::string_view line, Neigh& n) {
    const auto w = split_ws(trim(line));
    if (w.size() < 3 || (w[1] != "dev" && w[1] != "lladdr")) {
        return false;
    }
    n.from_ip = true;
    n.address = w[0];
    for (size_t i = 1; i < w.size(); ++i) {
        if (w[i] == "dev" && i + 1 < w.size()) {
            n.iface = w[++i];
        } else if (w[i] == "lladdr" && i + 1 < w.size()) {
            n.hwaddress = w[++i];
        } else if (w[i] == "router") {
            n.router = true;
        } else if (std::find(std::begin(kStates), std::end(kStates), w[i]) != std::end(kStates)) {
            n.state.push_back(w[i]);
        } else if (w[i] == "proxy" || w[i] == "extern_learn") {
            n.state.push_back(w[i]);
        } else {
            return false;
        }
    }
    n.permanent = std::find(n.state.begin(), n.state.end(), "PERMANENT") != n.state.end();
    return true;
}

bool is_footer(std::string_view line) {
    return trim(line).starts_with("Entries:");
}

enum class Format { kNone, kBsd, kTable, kIp };

Format sniff(const std::vector<std::string_view>& lines, size_t* good, size_t* bad) {
    Format f = Format::kNone;
    *good = 0;
    *bad = 0;
    for (auto line : lines) {
        if (trim(line).empty() || is_footer(line)) {
            continue;
        }
        Neigh n;
        if (f == Format::kNone) {
            if (table_header(line)) {
                f = Format::kTable;
                continue;
            }
            if (parse_bsd(line, n)) {
                f = Format::kBsd;
            } else if (parse_ip(line, n)) {
                f = Format::kIp;
            } else {
                return Format::kNone;
            }
            ++*good;
            continue;
        }
        const bool ok = f == Format::kBsd     ? parse_bsd(line, n)
                        : f == Format::kTable ? parse_table(line, n)
                                              : parse_ip(line, n);
        (ok ? *good : *bad) += 1;
    }
    return f;
}

void write(JsonWriter& w, const Neigh& n) {
    w.resume_object(false).begin_object("linux").begin_object("arp");
    if (n.has_name) {
        if (n.name) {
            w.str("name", *n.name);
        } else {
            w.null("name");
        }
    }
    w.str("address", n.address);
    if (!n.from_ip) {
        if (n.hwtype.empty()) {
            w.null("hwtype");
        } else {
            w.str("hwtype", n.hwtype);
        }
    }
    if (n.hwaddress.empty()) {
        w.null("hwaddress");
    } else {
        w.str("hwaddress", n.hwaddress);
    }
    if (n.has_flags) {
        w.str("flags_mask", n.flags_mask);
    }
    if (n.iface.empty()) {
        w.null("iface");
    } else {
        w.str("iface", n.iface);
    }
    if (n.permanent) {
        w.boolean("permanent", true);
    }
    if (n.from_ip) {
        if (!n.state.empty()) {
            w.str("state", n.state.back());
        }
        if (n.router) {
            w.boolean("router", true);
        }
    }
    w.end_object().end_object();
    // "gateway" in `arp` without -n is a resolved name, not an IP.
    const bool ip =
        n.address.find_first_not_of("0123456789.:abcdefABCDEF%") == std::string_view::npos &&
        (n.address.find('.') != std::string_view::npos ||
         n.address.find(':') != std::string_view::npos);
    if (ip) {
        w.begin_object("related").begin_array("ip").value_str(n.address).end_array().end_object();
    }
}

class ArpParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.arp";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "arp");
        size_t good = 0;
        size_t bad = 0;
        const Format f = sniff(output_lines(whole_lines(probe)), &good, &bad);
        if (f == Format::kNone || bad * 10 > good) {
            return 0;
        }
        if (f == Format::kTable) {
            return hinted ? 90 : 75;
        }
        if (hinted) {
            return good > 0 ? 90 : 0;
        }
        return good >= 1 && bad == 0 ? (f == Format::kBsd ? 70 : 60) : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        size_t good = 0;
        size_t bad = 0;
        const Format f = sniff(lines, &good, &bad);
        if (f == Format::kNone) {
            sink.emit(make_error_record(1, true, "arp: no neighbour listing found"));
            return;
        }
        Record r;
        for (auto line : lines) {
            if (trim(line).empty() || is_footer(line) || table_header(line)) {
                continue;
            }
            Neigh n;
            const bool ok = f == Format::kBsd     ? parse_bsd(line, n)
                            : f == Format::kTable ? parse_table(line, n)
                                                  : parse_ip(line, n);
            if (!ok) {
                sink.emit(make_error_record(ln.of(line), true, "arp: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.arp";
            r.position = ln.of(line);
            JsonWriter w(r.body);
            write(w, n);
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "arp: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_arp_parser() {
    static const ArpParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
