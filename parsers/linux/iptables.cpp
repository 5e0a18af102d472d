// linux.iptables: `iptables -L [-n] [-v] [--line-numbers] [-t TABLE]`, `iptables -S`,
// `iptables-save` (and the ip6tables forms).
//
// One record per RULE with its chain (`chain`, `chain_policy`, and for -L -v the policy's
// `chain_packets`/`chain_bytes`, for user chains `chain_references`), and one record for a
// chain with no rules.  -L rows use jc's names (num, pkts, bytes, target, prot, opt, in, out,
// source, destination, options); a missing target (no -j) is null, and iptables-nft's
// numeric protocols (`6`) are named (`tcp`) with the number kept in prot_number.  -S and save
// rows keep the rule text in `rule` and take target/prot/source/destination/in/out from its
// -j/-g/-p/-s/-d/-i/-o options ("!" kept as a prefix); `table` comes from `*filter` lines or
// the file name (-t nat).
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

struct Chain {
    std::string name;
    std::string policy;  // "" for user chains ("-")
    std::optional<int64_t> packets;
    std::optional<int64_t> bytes;
    std::optional<int64_t> references;
    uint64_t line = 0;
    size_t rules = 0;
};

// "1130K" → 1130000 (iptables counts in powers of 1000).
std::optional<int64_t> count_value(std::string_view s) {
    if (s.empty()) {
        return std::nullopt;
    }
    int64_t mul = 1;
    switch (s.back()) {
        case 'K': mul = 1000; break;
        case 'M': mul = 1000000; break;
        case 'G': mul = 1000000000; break;
        case 'T': mul = 1000000000000; break;
        default: break;
    }
    const auto v = to_int(mul == 1 ? s : s.substr(0, s.size() - 1));
    if (!v || *v < 0 || *v > INT64_MAX / mul) {
        return std::nullopt;
    }
    return *v * mul;
}

std::string_view proto_name(std::string_view p) {
    static const std::pair<std::string_view, std::string_view> kProtos[] = {
        {"0", "all"},  {"1", "icmp"},       {"2", "igmp"},   {"6", "tcp"},
        {"17", "udp"}, {"41", "ipv6"},      {"47", "gre"},   {"50", "esp"},
        {"51", "ah"},  {"58", "ipv6-icmp"}, {"132", "sctp"}, {"136", "udplite"}};
    for (const auto& [n, name] : kProtos) {
        if (n == p) {
            return name;
        }
    }
    return {};
}

// "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)" / "Chain DOCKER (2 references)"
bool chain_line(std::string_view line, Chain& c) {
    const auto w = split_ws(trim(line));
    if (w.size() < 3 || w[0] != "Chain" || w[2].empty() || w[2][0] != '(') {
        return false;
    }
    c.name = std::string(w[1]);
    if (w[2] == "(policy" && w.size() >= 4) {
        std::string_view pol = w[3];
        if (pol.ends_with(")")) {
            pol.remove_suffix(1);
        }
        c.policy = std::string(pol);
        if (w.size() >= 8 && w[5].starts_with("packets")) {
            c.packets = count_value(w[4]);
            c.bytes = count_value(w[6]);
        }
    } else {
        c.references = to_int(w[2].substr(1));
    }
    return true;
}

bool list_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 5 && (w[0] == "target" || w[0] == "pkts" || w[0] == "num") &&
           (w[0] != "num" || w[1] == "target" || w[1] == "pkts");
}

bool is_opt(std::string_view t) {
    return t == "--" || t == "-f" || t == "!f" || t == "!-" || t == "-!";
}

// Splits an -S / save rule honouring double quotes ("temp access for vendor").
std::vector<std::string> shell_words(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    bool quoted = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
                cur.push_back(s[++i]);
            } else if (c == '"') {
                quoted = false;
            } else {
                cur.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) {
                out.push_back(std::move(cur));
                cur.clear();
                in_word = false;
            }
        } else {
            cur.push_back(c);
            in_word = true;
        }
    }
    if (in_word) {
        out.push_back(std::move(cur));
    }
    return out;
}

void write_chain(JsonWriter& w, const Chain& c, std::string_view table) {
    if (!table.empty()) {
        w.str("table", table);
    }
    w.str("chain", c.name);
    if (!c.policy.empty() && c.policy != "-") {
        w.str("chain_policy", c.policy);
    }
    if (c.packets) {
        w.num("chain_packets", *c.packets);
    }
    if (c.bytes) {
        w.num("chain_bytes", *c.bytes);
    }
    if (c.references) {
        w.num("chain_references", *c.references);
    }
}

enum class Format { kNone, kList, kSpec };

Format sniff(const std::vector<std::string_view>& lines) {
    for (size_t i = 0; i < lines.size() && i < 20; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        Chain c;
        if (chain_line(t, c)) {
            return i + 1 < lines.size() && list_header(lines[i + 1]) ? Format::kList
                                                                     : Format::kNone;
        }
        if (t.starts_with("# Generated by ip") || t.starts_with("*") || t.starts_with("-P ") ||
            t.starts_with("-N ") || t.starts_with("-A ")) {
            if (t.starts_with("*") && t.find(' ') != std::string_view::npos) {
                return Format::kNone;
            }
            return Format::kSpec;
        }
        if (t.starts_with("#")) {
            continue;
        }
        return Format::kNone;
    }
    return Format::kNone;
}

std::string table_from_name(std::string_view member) {
    const std::string cl = " " + linux_cmd::command_line_hint(member, {}) + " ";
    for (std::string_view t : {"nat", "mangle", "raw", "security"}) {
        if (cl.find(" " + std::string(t) + " ") != std::string::npos) {
            return std::string(t);
        }
    }
    return {};
}

class IptablesParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.iptables";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "iptables");
        const auto lines = output_lines(whole_lines(probe));
        const Format f = sniff(lines);
        if (f == Format::kList) {
            return hinted ? 90 : 80;
        }
        if (f == Format::kSpec) {
            size_t good = 0;
            size_t bad = 0;
            for (auto l : lines) {
                const std::string_view t = trim(l);
                if (t.empty() || t.starts_with("#")) {
                    continue;
                }
                const bool ok = t.starts_with("-P ") || t.starts_with("-N ") ||
                                t.starts_with("-A ") || t.starts_with("-I ") ||
                                (t.starts_with("*") && t.find(' ') == t.npos) ||
                                (t.starts_with(":") && t.find(" [") != t.npos) || t == "COMMIT";
                (ok ? good : bad) += 1;
            }
            if (bad > 0 || good == 0) {
                return 0;
            }
            return hinted ? 90 : 75;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        const Format f = sniff(lines);
        if (f == Format::kNone) {
            sink.emit(make_error_record(1, true, "iptables: no rule listing found"));
            return;
        }
        const std::string table = table_from_name(ctx.member);
        if (f == Format::kList) {
            parse_list(lines, ln, table, sink);
        } else {
            parse_spec(lines, ln, table, sink);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "iptables: file too large, rest not parsed"));
        }
    }

private:
    static void parse_list(const std::vector<std::string_view>& lines,
                           LineNumbers& ln,
                           const std::string& table,
                           RecordSink& sink) {
        Chain chain;
        bool have_chain = false;
        bool has_num = false;
        bool verbose = false;
        Record r;
        auto flush_empty = [&]() {
            if (have_chain && chain.rules == 0) {
                r.clear();
                r.dataset = "linux.iptables";
                r.position = chain.line;
                JsonWriter w(r.body);
                w.resume_object(false).begin_object("linux").begin_object("iptables");
                write_chain(w, chain, table);
                w.end_object().end_object();
                sink.emit(r);
            }
        };
        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            Chain c;
            if (chain_line(t, c)) {
                flush_empty();
                chain = c;
                chain.line = ln.of(line);
                have_chain = true;
                continue;
            }
            if (list_header(t)) {
                const auto hw = split_ws(t);
                has_num = hw[0] == "num";
                verbose = std::find(hw.begin(), hw.end(), "pkts") != hw.end();
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!have_chain) {
                sink.emit(make_error_record(pos, true, "iptables: rule outside a chain", line));
                continue;
            }
            const auto w0 = split_ws(t);
            size_t lead = (has_num ? 1 : 0) + (verbose ? 2 : 0);
            // Target present: opt is the third word after the counters; absent: the second.
            bool has_target = true;
            if (w0.size() > lead + 2 && is_opt(w0[lead + 2])) {
                has_target = true;
            } else if (w0.size() > lead + 1 && is_opt(w0[lead + 1])) {
                has_target = false;
            } else {
                sink.emit(
                    make_error_record(pos, true, "iptables: rule does not fit the header", line));
                continue;
            }
            const size_t fixed = lead + (has_target ? 1 : 0) + 2 + (verbose ? 2 : 0) + 2;
            const auto w = split_ws(t, fixed + 1);
            if (w.size() < fixed) {
                sink.emit(
                    make_error_record(pos, true, "iptables: rule does not fit the header", line));
                continue;
            }
            ++chain.rules;
            r.clear();
            r.dataset = "linux.iptables";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("iptables");
            write_chain(jw, chain, table);
            size_t i = 0;
            if (has_num) {
                if (const auto n = to_int(w[i])) {
                    jw.num("num", *n);
                } else {
                    jw.str("num", w[i]);
                }
                ++i;
            }
            if (verbose) {
                for (std::string_view k : {"pkts", "bytes"}) {
                    if (const auto n = count_value(w[i])) {
                        jw.num(k, *n);
                    } else {
                        jw.str(k, w[i]);
                    }
                    ++i;
                }
            }
            if (has_target) {
                jw.str("target", w[i++]);
            } else {
                jw.null("target");
            }
            const std::string_view prot = w[i++];
            const std::string_view pname = proto_name(prot);
            jw.str("prot", pname.empty() ? prot : pname);
            if (!pname.empty()) {
                jw.num("prot_number", *to_int(prot));
            }
            const std::string_view opt = w[i++];
            if (opt == "--") {
                jw.null("opt");
            } else {
                jw.str("opt", opt);
            }
            if (verbose) {
                jw.str("in", w[i]).str("out", w[i + 1]);
                i += 2;
            }
            jw.str("source", w[i]).str("destination", w[i + 1]);
            i += 2;
            if (i < w.size() && !trim(w[i]).empty()) {
                jw.str("options", trim(w[i]));
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        flush_empty();
    }

    static void parse_spec(const std::vector<std::string_view>& lines,
                           LineNumbers& ln,
                           const std::string& name_table,
                           RecordSink& sink) {
        std::string table = name_table;
        std::vector<Chain> chains;
        Record r;
        auto find_chain = [&](std::string_view n) -> Chain* {
            for (auto& c : chains) {
                if (c.name == n) {
                    return &c;
                }
            }
            return nullptr;
        };
        auto flush_empty = [&]() {
            for (const auto& c : chains) {
                if (c.rules == 0) {
                    r.clear();
                    r.dataset = "linux.iptables";
                    r.position = c.line;
                    JsonWriter w(r.body);
                    w.resume_object(false).begin_object("linux").begin_object("iptables");
                    write_chain(w, c, table);
                    w.end_object().end_object();
                    sink.emit(r);
                }
            }
            chains.clear();
        };
        for (auto line : lines) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (t[0] == '*') {
                flush_empty();
                table = std::string(t.substr(1));
                continue;
            }
            if (t == "COMMIT") {
                flush_empty();
                continue;
            }
            if (t[0] == ':') {
                // ":INPUT ACCEPT [0:0]"
                const auto w = split_ws(t.substr(1));
                Chain c;
                c.name = w.empty() ? std::string() : std::string(w[0]);
                c.policy = w.size() > 1 ? std::string(w[1]) : std::string();
                if (w.size() > 2 && w[2].size() > 2 && w[2].front() == '[') {
                    const std::string_view pb = w[2].substr(1, w[2].size() - 2);
                    const size_t colon = pb.find(':');
                    if (colon != std::string_view::npos) {
                        c.packets = to_int(pb.substr(0, colon));
                        c.bytes = to_int(pb.substr(colon + 1));
                    }
                }
                c.line = pos;
                chains.push_back(std::move(c));
                continue;
            }
            const auto words = shell_words(t);
            if (words.size() >= 2 && (words[0] == "-P" || words[0] == "-N")) {
                Chain* c = find_chain(words[1]);
                if (c == nullptr) {
                    chains.push_back(Chain{});
                    c = &chains.back();
                    c->name = words[1];
                    c->line = pos;
                }
                if (words[0] == "-P" && words.size() >= 3) {
                    c->policy = words[2];
                }
                continue;
            }
            if (words.size() < 2 || (words[0] != "-A" && words[0] != "-I")) {
                sink.emit(make_error_record(pos, true, "iptables: not a rule", line));
                continue;
            }
            Chain* c = find_chain(words[1]);
            if (c == nullptr) {
                chains.push_back(Chain{});
                c = &chains.back();
                c->name = words[1];
                c->line = pos;
            }
            ++c->rules;
            r.clear();
            r.dataset = "linux.iptables";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("iptables");
            write_chain(jw, *c, table);
            // The rule text after "-A CHAIN".
            std::string_view rule = t.substr(2);
            rule = trim(rule);
            rule = trim(rule.substr(std::min(rule.size(), words[1].size())));
            jw.str("rule", rule);
            bool neg = false;
            std::vector<std::pair<std::string, std::string>> fields;
            for (size_t i = 2; i < words.size(); ++i) {
                const std::string& k = words[i];
                if (k == "!") {
                    neg = true;
                    continue;
                }
                std::string key;
                if (k == "-j" || k == "--jump" || k == "-g" || k == "--goto") {
                    key = "target";
                } else if (k == "-p" || k == "--protocol") {
                    key = "prot";
                } else if (k == "-s" || k == "--source") {
                    key = "source";
                } else if (k == "-d" || k == "--destination") {
                    key = "destination";
                } else if (k == "-i" || k == "--in-interface") {
                    key = "in";
                } else if (k == "-o" || k == "--out-interface") {
                    key = "out";
                }
                if (!key.empty() && i + 1 < words.size()) {
                    fields.emplace_back(key, (neg ? "!" : "") + words[++i]);
                    if (key == "target" && (k == "-g" || k == "--goto")) {
                        fields.emplace_back("goto", "true");
                    }
                } else if (k == "--comment" && i + 1 < words.size()) {
                    fields.emplace_back("comment", words[++i]);
                }
                neg = false;
            }
            for (const auto& [k, v] : fields) {
                if (k == "goto") {
                    jw.boolean("goto", true);
                } else {
                    jw.str(k, v);
                }
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        flush_empty();
    }
};

}  // namespace

const Parser& linux_iptables_parser() {
    static const IptablesParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
