// linux.ufw: `ufw status`, `ufw status verbose` (UAC network/ufw_status_verbose.txt),
// `ufw status numbered`.
//
// One record per rule, with the status block repeated on each (status, logging,
// logging_level, default, new_profiles), like linux.iptables repeats a chain's policy; a
// firewall without rules (`Status: inactive`) gives one record with the status alone.  Rule
// fields use jc's names: index (numbered), action (ALLOW, DENY, REJECT, LIMIT),
// action_direction (IN, OUT, FWD), network_protocol (ipv6 for `(v6)` rules, else ipv4),
// comment, and for each side to_/from_: ip (an address, a network, or "Anywhere"), ports (the
// port text as printed: "80,443", "100:200"; jc turns it into lists), transport (tcp, udp,
// esp, ah, ipv6), interface (`on eth0`), service (an application profile such as "Apache
// Full").  The columns as printed stay in `to` and `from`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_action(std::string_view w) {
    return w == "ALLOW" || w == "DENY" || w == "REJECT" || w == "LIMIT";
}
bool is_direction(std::string_view w) {
    return w == "IN" || w == "OUT" || w == "FWD";
}

bool is_header(std::string_view t) {
    const auto w = split_ws(t);
    return w.size() == 3 && w[0] == "To" && w[1] == "Action" && w[2] == "From";
}

struct Rule {
    std::optional<int64_t> index;
    std::string_view to;
    std::string_view action;
    std::string_view direction;
    std::string_view from;
    std::string_view comment;
};

// "[ 3] 80 on eth0                 ALLOW IN    Anywhere                   # test"
bool parse_rule(std::string_view line, Rule& r) {
    r = Rule{};
    std::string_view t = trim(line);
    if (t.starts_with("[")) {
        const size_t close = t.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        r.index = to_int(trim(t.substr(1, close - 1)));
        if (!r.index) {
            return false;
        }
        t = trim(t.substr(close + 1));
    }
    // The action is the first action word after some To text.
    size_t pos = 0;
    while (true) {
        const size_t sp = t.find(' ', pos);
        if (sp == std::string_view::npos) {
            return false;
        }
        size_t w = sp;
        while (w < t.size() && t[w] == ' ') {
            ++w;
        }
        size_t e = w;
        while (e < t.size() && t[e] != ' ') {
            ++e;
        }
        if (is_action(t.substr(w, e - w))) {
            r.to = trim(t.substr(0, sp));
            r.action = t.substr(w, e - w);
            std::string_view rest = t.substr(e);
            const auto words = split_ws(trim(rest), 2);
            if (!words.empty() && is_direction(words[0])) {
                r.direction = words[0];
                rest = words.size() > 1 ? words[1] : std::string_view{};
            }
            rest = trim(rest);
            const size_t hash = rest.find('#');
            if (hash != std::string_view::npos && (hash == 0 || rest[hash - 1] == ' ')) {
                r.comment = trim(rest.substr(hash + 1));
                rest = trim(rest.substr(0, hash));
            }
            r.from = rest;
            return !r.to.empty() && !r.from.empty();
        }
        pos = e;
        if (pos >= t.size()) {
            return false;
        }
    }
}

struct Endpoint {
    bool v6 = false;
    std::string_view ip;
    std::string_view ports;
    std::string_view transport;
    std::string_view interface;
    std::string service;
};

bool port_spec(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || c == ',' || c == ':')) {
            return false;
        }
    }
    return true;
}

bool alpha(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return !(s[0] >= '0' && s[0] <= '9');
}

// "10.4.0.0/16/ipv6" → ip "10.4.0.0/16", transport "ipv6"; "80,443/tcp" → ports, transport.
void split_transport(std::string_view tok, std::string_view& value, std::string_view& transport) {
    const size_t slash = tok.rfind('/');
    if (slash != std::string_view::npos && alpha(tok.substr(slash + 1))) {
        value = tok.substr(0, slash);
        transport = tok.substr(slash + 1);
    } else {
        value = tok;
    }
}

Endpoint parse_endpoint(std::string_view s) {
    Endpoint e;
    std::string_view t = trim(s);
    const size_t v6 = t.find("(v6)");
    if (v6 != std::string_view::npos) {
        e.v6 = true;
    }
    const size_t on = t.rfind(" on ");
    if (on != std::string_view::npos) {
        e.interface = trim(t.substr(on + 4));
        t = trim(t.substr(0, on));
    }
    std::vector<std::string_view> w;
    for (auto x : split_ws(t)) {
        if (x != "(v6)") {
            w.push_back(x);
        }
    }
    if (w.empty()) {
        return e;
    }
    size_t i = 0;
    std::string_view value;
    std::string_view transport;
    split_transport(w[0], value, transport);
    if (w[0] == "Anywhere" || linux_cmd::is_ip_literal(value.substr(0, value.find('/')))) {
        if (!(port_spec(value) && value.find('.') == std::string_view::npos)) {
            e.ip = value;
            e.transport = transport;
            i = 1;
        }
    }
    if (i < w.size()) {
        split_transport(w[i], value, transport);
        if (port_spec(value)) {
            e.ports = value;
            e.transport = transport;
            ++i;
        }
    }
    for (; i < w.size(); ++i) {
        if (!e.service.empty()) {
            e.service.push_back(' ');
        }
        e.service.append(w[i]);
    }
    return e;
}

void write_endpoint(JsonWriter& jw, std::string_view side, const Endpoint& e) {
    std::string k;
    auto put = [&](std::string_view name, std::string_view v) {
        if (!v.empty()) {
            k.assign(side).append("_").append(name);
            jw.str(k, v);
        }
    };
    put("ip", e.ip);
    put("ports", e.ports);
    put("transport", e.transport);
    put("interface", e.interface);
    put("service", e.service);
}

struct Status {
    std::string_view status;
    std::string_view logging;
    std::string_view logging_level;
    std::string_view deflt;
    std::string_view new_profiles;
};

bool status_line(std::string_view t, Status& s) {
    auto value = [&](std::string_view key, std::string_view& out) {
        if (t.starts_with(key)) {
            out = trim(t.substr(key.size()));
            return true;
        }
        return false;
    };
    if (value("Status:", s.status) || value("Default:", s.deflt) ||
        value("New profiles:", s.new_profiles)) {
        return true;
    }
    if (value("Logging:", s.logging)) {
        // "on (low)"
        const size_t p = s.logging.find(" (");
        if (p != std::string_view::npos && s.logging.ends_with(")")) {
            s.logging_level = s.logging.substr(p + 2, s.logging.size() - p - 3);
            s.logging = s.logging.substr(0, p);
        }
        return true;
    }
    return false;
}

void write_status(JsonWriter& jw, const Status& s) {
    jw.opt_str("status", s.status);
    jw.opt_str("logging", s.logging);
    jw.opt_str("logging_level", s.logging_level);
    jw.opt_str("default", s.deflt);
    jw.opt_str("new_profiles", s.new_profiles);
}

bool name_says_ufw(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"ufw"});
}

class UfwParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.ufw";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t i = 0;
        for (; i < lines.size() && trim(lines[i]).empty(); ++i) {
        }
        if (i == lines.size() || !trim(lines[i]).starts_with("Status: ")) {
            return 0;
        }
        const std::string_view st = trim(trim(lines[i]).substr(8));
        if (st != "active" && st != "inactive") {
            return 0;
        }
        const bool hinted = name_says_ufw(probe);
        for (size_t j = i + 1; j < lines.size() && j < i + 12; ++j) {
            if (is_header(trim(lines[j]))) {
                return hinted ? 90 : 85;
            }
        }
        // `Status: inactive` alone (or active without rules) says too little without the name.
        return hinted ? 80 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        Status st;
        uint64_t status_pos = 0;
        size_t rules = 0;
        bool in_rules = false;
        Record r;
        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!in_rules && status_line(t, st)) {
                status_pos = status_pos == 0 ? pos : status_pos;
                continue;
            }
            if (is_header(t)) {
                in_rules = true;
                continue;
            }
            if (t.find_first_not_of("- ") == std::string_view::npos) {
                continue;  // "--    ------      ----"
            }
            Rule rule;
            if (!in_rules || !parse_rule(line, rule)) {
                sink.emit(make_error_record(pos, true, "linux.ufw: not a ufw rule", line));
                continue;
            }
            ++rules;
            const Endpoint to = parse_endpoint(rule.to);
            const Endpoint from = parse_endpoint(rule.from);
            r.clear();
            r.dataset = "linux.ufw";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("ufw");
            write_status(jw, st);
            if (rule.index) {
                jw.num("index", *rule.index);
            }
            jw.str("to", rule.to).str("action", rule.action);
            jw.opt_str("action_direction", rule.direction);
            jw.str("from", rule.from);
            jw.str("network_protocol", to.v6 || from.v6 ? "ipv6" : "ipv4");
            write_endpoint(jw, "to", to);
            write_endpoint(jw, "from", from);
            jw.opt_str("comment", rule.comment);
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (rules == 0 && status_pos != 0) {
            r.clear();
            r.dataset = "linux.ufw";
            r.position = status_pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("ufw");
            write_status(jw, st);
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.ufw: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_ufw_parser() {
    static const UfwParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
