// linux.hosts: /etc/hosts copies (UAC `[root]/etc/hosts`, Cat-Scale's etc-key-files tar,
// hand-saved `hosts.txt`, `cat /etc/hosts`, `getent hosts`).
//
// One record per entry line with jc's fields: ip, hostname[] (an inline `# comment` ends the
// names, as in jc; kept here as `comment`).  ECS related.ip / related.hosts.  A line whose
// first word is no IP address, or that names no host, is an evidenced.error record (jc would
// stop on it).  An attacker's edits (a security vendor's update host sent to 127.0.0.1, a
// bank's name to a foreign address) are plain entries: every one is kept.
// Detection: `IP name...` lines are generic (`ip neigh` prints them too), so the file name
// must be hosts (not hosts.allow/deny, not known_hosts) or the file must be all such lines
// with a localhost entry.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"
#include "parsers/linux/net_addr.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

struct Entry {
    std::string_view ip;
    std::vector<std::string_view> names;
    std::string_view comment;
};

enum class Kind { kBlank, kEntry, kBad };

Kind parse_line(std::string_view line, Entry& e) {
    e.names.clear();
    e.comment = {};
    std::string_view data = line;
    const size_t hash = line.find('#');
    if (hash != std::string_view::npos) {
        data = line.substr(0, hash);
        e.comment = trim(line.substr(hash + 1));
    }
    FieldCursor cur(data);
    e.ip = cur.next();
    if (e.ip.empty()) {
        return Kind::kBlank;
    }
    for (std::string_view n = cur.next(); !n.empty(); n = cur.next()) {
        e.names.push_back(n);
    }
    if (!is_ip_address(e.ip, true) || e.names.empty()) {
        return Kind::kBad;
    }
    // known_hosts lines with a bare address: "10.0.0.5 ssh-ed25519 AAAA...".
    if (e.names[0].starts_with("ssh-") || e.names[0].starts_with("ecdsa-") ||
        e.names[0].starts_with("sk-")) {
        return Kind::kBad;
    }
    return Kind::kEntry;
}

bool name_hint(std::string_view path) {
    std::string base = ascii_lower(path_basename(path));
    for (std::string_view ext : {".txt", ".out", ".log", ".bak", ".orig", "-", "~"}) {
        if (base.size() > ext.size() && base.ends_with(ext)) {
            base.resize(base.size() - ext.size());
        }
    }
    if (base.ends_with("known_hosts")) {
        return false;
    }
    return base == "hosts" || base.ends_with("_hosts") || base.ends_with("-hosts") ||
           base.ends_with(" hosts");
}

bool localhost_entry(const Entry& e) {
    if (e.ip != "127.0.0.1" && e.ip != "::1") {
        return false;
    }
    for (std::string_view n : e.names) {
        if (n == "localhost" || n.starts_with("localhost.") || n == "ip6-localhost") {
            return true;
        }
    }
    return false;
}

class HostsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.hosts";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        size_t good = 0;
        size_t bad = 0;
        bool localhost = false;
        Entry e;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            switch (parse_line(t, e)) {
                case Kind::kEntry:
                    ++good;
                    localhost = localhost || localhost_entry(e);
                    break;
                case Kind::kBad: ++bad; break;
                case Kind::kBlank: break;
            }
            if (good + bad >= 200) {
                break;
            }
        }
        if (good == 0) {
            return 0;
        }
        if (name_hint(probe.path)) {
            return bad * 3 <= good ? 85 : 0;
        }
        return bad == 0 && localhost && good >= 2 ? 60 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        Entry e;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            const uint64_t pos = ln.of(line);
            const Kind k = parse_line(t, e);
            if (k == Kind::kBlank) {
                continue;
            }
            if (k == Kind::kBad) {
                sink.emit(make_error_record(pos, true, "linux.hosts: not an address and names", t));
                continue;
            }
            r.clear();
            r.dataset = "linux.hosts";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            // related.ip is an ip field: without the zone (fe80::1%eth0), which stays in `ip`.
            w.begin_object("related")
                .begin_array("ip")
                .value_str(e.ip.substr(0, e.ip.find('%')))
                .end_array();
            w.begin_array("hosts");
            for (std::string_view n : e.names) {
                w.value_str(n);
            }
            w.end_array().end_object();
            w.begin_object("linux").begin_object("hosts").str("ip", e.ip);
            w.begin_array("hostname");
            for (std::string_view n : e.names) {
                w.value_str(n);
            }
            w.end_array();
            if (!e.comment.empty()) {
                w.str("comment", e.comment);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.hosts: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_hosts_parser() {
    static const HostsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
