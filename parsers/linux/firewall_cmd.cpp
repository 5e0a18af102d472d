// linux.firewall_cmd: firewalld's `firewall-cmd --list-all`, `--list-all-zones`,
// `--get-active-zones` and `--get-default-zone` (UAC network/firewall-cmd_*.txt).  An
// attacker opens a port, adds a service, a forward-port or a rich rule to reach a backdoor.
//
// --list-all / --list-all-zones: one record per zone: zone, default / active (true when "public
// (default, active)" says so, else left out), and each "key: value" line under it, lists as lists
// (interfaces, sources, services, ports, protocols, forward_ports, source_ports, icmp_blocks,
// rich_rules: one entry per rule line), target, masquerade, forward and icmp_block_inversion
// as printed.  `notable` names open ports, forward-ports, rich rules, masquerading and an
// ACCEPT target.  --get-active-zones: one record per zone with interfaces and sources.
// --get-default-zone: one record {default_zone}.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool zone_name(std::string_view t) {
    if (t.empty() || t.size() > 64) {
        return false;
    }
    for (char c : t) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.')) {
            return false;
        }
    }
    return true;
}

// "public (default, active)" / "public (active)" / "block" at column 0.
bool zone_line(std::string_view line, std::string_view& zone, std::string_view& attrs) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    const std::string_view t = trim(line);
    const size_t open = t.find(" (");
    zone = t.substr(0, open);
    attrs = {};
    if (open != std::string_view::npos) {
        if (!t.ends_with(")")) {
            return false;
        }
        attrs = t.substr(open + 2, t.size() - open - 3);
    }
    return zone_name(zone);
}

// "  services: ssh dhcpv6-client" / "  rich rules: " (indented key, colon).
bool key_line(std::string_view line, std::string_view& k, std::string_view& v) {
    if (!line.starts_with("  ") || line.starts_with("   ") || line.starts_with("\t")) {
        return false;
    }
    const std::string_view t = trim(line);
    const size_t c = t.find(':');
    if (c == std::string_view::npos || c == 0) {
        return false;
    }
    k = t.substr(0, c);
    for (char ch : k) {
        if (!((ch >= 'a' && ch <= 'z') || ch == '-' || ch == ' ')) {
            return false;
        }
    }
    v = trim(t.substr(c + 1));
    return true;
}

enum class Kind { kNone, kZones, kDefault };

Kind sniff(const std::vector<std::string_view>& lines) {
    const size_t i = linux_cmd::first_nonblank(lines);
    if (i >= lines.size()) {
        return Kind::kNone;
    }
    std::string_view z;
    std::string_view a;
    if (!zone_line(lines[i], z, a)) {
        return Kind::kNone;
    }
    const size_t n = linux_cmd::first_nonblank(lines, i + 1);
    if (n >= lines.size()) {
        return Kind::kDefault;
    }
    std::string_view k;
    std::string_view v;
    return n == i + 1 && key_line(lines[n], k, v) &&
                   (k == "target" || k == "interfaces" || k == "sources" ||
                    k == "icmp-block-inversion")
               ? Kind::kZones
               : Kind::kNone;
}

bool is_list_key(std::string_view k) {
    for (std::string_view s : {"interfaces", "sources", "services", "ports", "protocols",
                               "forward-ports", "source-ports", "icmp-blocks", "rich rules"}) {
        if (k == s) {
            return true;
        }
    }
    return false;
}

std::string key_name(std::string_view k) {
    std::string out;
    for (char c : k) {
        out.push_back(c == '-' || c == ' ' ? '_' : c);
    }
    return out;
}

struct Entry {
    std::string_view key;
    std::vector<std::string_view> values;
    std::string_view scalar;
};

class FirewallCmdParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.firewall_cmd";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const Kind k = sniff(output_lines(whole_lines(probe)));
        const bool named = name_hints(probe, "firewall_cmd");
        if (k == Kind::kZones) {
            return named ? 95 : 75;
        }
        // One word: only with the name, and only --get-default-zone's.
        if (k == Kind::kDefault && named && linux_cmd::basename_contains(probe.path, "default")) {
            return 95;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        linux_cmd::LineNumbers ln(text);
        const Kind kind = sniff(lines);
        if (kind == Kind::kDefault) {
            const size_t i = linux_cmd::first_nonblank(lines);
            Record r;
            r.dataset = "linux.firewall_cmd";
            r.position = ln.of(lines[i]);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("firewall_cmd");
            j.str("default_zone", trim(lines[i])).end_object().end_object();
            sink.emit(r);
        } else {
            parse_zones(lines, ln, sink);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "firewall-cmd: file too large"));
        }
    }

private:
    static void parse_zones(const std::vector<std::string_view>& lines,
                            linux_cmd::LineNumbers& ln,
                            RecordSink& sink) {
        size_t i = 0;
        while (i < lines.size()) {
            std::string_view zone;
            std::string_view attrs;
            if (trim(lines[i]).empty()) {
                ++i;
                continue;
            }
            const uint64_t pos = ln.of(lines[i]);
            if (!zone_line(lines[i], zone, attrs)) {
                sink.emit(
                    make_error_record(pos, true, "firewall-cmd: line outside a zone", lines[i]));
                ++i;
                continue;
            }
            std::vector<Entry> entries;
            for (++i; i < lines.size() && !trim(lines[i]).empty(); ++i) {
                std::string_view k;
                std::string_view v;
                if (key_line(lines[i], k, v)) {
                    Entry e{k, {}, v};
                    if (is_list_key(k) && k != "rich rules") {
                        e.values = split_ws(v);
                    } else if (k == "rich rules" && !v.empty()) {
                        e.values.push_back(v);
                    }
                    entries.push_back(std::move(e));
                } else if (!lines[i].empty() && (lines[i][0] == '\t' || lines[i][0] == ' ') &&
                           !entries.empty()) {
                    // "\trule family=..." / "\tport=80:proto=tcp:...": one entry per line.
                    entries.back().values.push_back(trim(lines[i]));
                } else {
                    break;  // the next zone without a blank line between
                }
            }
            Record r;
            r.dataset = "linux.firewall_cmd";
            r.position = pos;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("firewall_cmd");
            j.str("zone", zone);
            bool is_default = false;
            bool active = false;
            for (auto a : split_ws(attrs)) {
                if (a.ends_with(",")) {
                    a.remove_suffix(1);
                }
                is_default = is_default || a == "default";
                active = active || a == "active";
            }
            // Only what the zone line says: --list-all prints "(active)" without "default".
            if (is_default) {
                j.boolean("default", true);
            }
            if (active) {
                j.boolean("active", true);
            }
            std::vector<std::string> notable;
            for (const Entry& e : entries) {
                const std::string key = key_name(e.key);
                if (is_list_key(e.key)) {
                    j.begin_array(key);
                    for (auto v : e.values) {
                        j.value_str(v);
                    }
                    j.end_array();
                    if (!e.values.empty() && (e.key == "ports" || e.key == "forward-ports" ||
                                              e.key == "rich rules" || e.key == "source-ports")) {
                        std::string n = std::string(e.key) + ":";
                        for (auto v : e.values) {
                            n += ' ';
                            n += v;
                        }
                        notable.push_back(std::move(n));
                    }
                } else {
                    j.str(key, e.scalar);
                    if ((e.key == "masquerade" && e.scalar == "yes") ||
                        (e.key == "target" && e.scalar == "ACCEPT")) {
                        notable.push_back(std::string(e.key) + ": " + std::string(e.scalar));
                    }
                }
            }
            if (!notable.empty()) {
                j.begin_array("notable");
                for (const auto& n : notable) {
                    j.value_str(n);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_firewall_cmd_parser() {
    static const FirewallCmdParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
