// linux.nft: `nft list ruleset` (UAC network/nft_list_ruleset.txt), also with -a (handles),
// -n, --stateless, and `nft list table ...` / `nft list chain ...` excerpts.
//
// Record shape mirrors linux.iptables: one record per RULE with its table and chain (family,
// table, chain, chain_type, hook, priority as printed, policy, device), the rule text in `rule` and
// its `handle` (-a); a chain without rules gives one record with only the chain's fields.  From the
// rule text (which always stays whole) a few facts are lifted: verdict (accept, drop, reject, jump,
// goto, return, queue, dnat, snat, masquerade, redirect, notrack...), target (the chain of
// jump/goto, the address of dnat/snat), comment, packets/bytes (`counter`), source/destination
// (ip/ip6 saddr/daddr), sport/dport, prot (tcp/udp/...), in/out (iif/iifname/oif/oifname); a
// negation (`!=`) is kept as a "!" prefix as iptables does. Named sets, maps, flowtables and
// stateful objects (the IP lists a rule refers to as
// @name) give one record each with `object` (set, map, ...), `name` and their `definition`
// (inner lines, "\n"-joined) with `elements` as printed.
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

bool is_family(std::string_view f) {
    return f == "ip" || f == "ip6" || f == "inet" || f == "arp" || f == "bridge" || f == "netdev";
}

// Splits "... # handle 12" into the text and the handle.
std::string_view strip_handle(std::string_view t, std::optional<int64_t>& handle) {
    handle.reset();
    const size_t h = t.rfind(" # handle ");
    if (h != std::string_view::npos) {
        handle = to_int(trim(t.substr(h + 10)));
        if (handle) {
            return trim(t.substr(0, h));
        }
    }
    if (t.starts_with("# handle ")) {
        handle = to_int(trim(t.substr(9)));
        if (handle) {
            return {};
        }
    }
    return t;
}

// "table inet filter {" → family, name.
bool table_line(std::string_view t, std::string_view& family, std::string_view& name) {
    const auto w = split_ws(t);
    if (w.size() == 4 && w[0] == "table" && is_family(w[1]) && w[3] == "{") {
        family = w[1];
        name = w[2];
        return true;
    }
    // `nft list tables`-less excerpt without a family: "table filter {" (ip).
    if (w.size() == 3 && w[0] == "table" && w[2] == "{") {
        family = "ip";
        name = w[1];
        return true;
    }
    return false;
}

struct Chain {
    std::string name;
    std::string type;
    std::string hook;
    std::string priority;
    std::string policy;
    std::string device;
    std::optional<int64_t> handle;
    uint64_t line = 0;
    size_t rules = 0;
};

// "type filter hook input priority filter; policy drop;" (device "lo" for netdev chains).
bool chain_spec(std::string_view t, Chain& c) {
    if (!t.starts_with("type ") && !t.starts_with("policy ")) {
        return false;
    }
    size_t start = 0;
    while (start < t.size()) {
        size_t semi = t.find(';', start);
        if (semi == std::string_view::npos) {
            semi = t.size();
        }
        const auto w = split_ws(trim(t.substr(start, semi - start)));
        for (size_t i = 0; i + 1 < w.size(); i += 2) {
            std::string_view v = w[i + 1];
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
                v = v.substr(1, v.size() - 2);
            }
            if (w[i] == "type") {
                c.type = std::string(v);
            } else if (w[i] == "hook") {
                c.hook = std::string(v);
            } else if (w[i] == "priority") {
                c.priority = std::string(v);
            } else if (w[i] == "policy") {
                c.policy = std::string(v);
            } else if (w[i] == "device") {
                c.device = std::string(v);
            }
        }
        start = semi + 1;
    }
    return true;
}

// Words of a rule: quoted strings are one word (quotes dropped), `{ a, b }` one word (kept).
std::vector<std::string> rule_words(std::string_view s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        if (i >= s.size()) {
            break;
        }
        std::string w;
        if (s[i] == '"') {
            const size_t e = s.find('"', i + 1);
            const size_t end = e == std::string_view::npos ? s.size() : e;
            w.assign(s.substr(i + 1, end - i - 1));
            i = end + 1;
        } else if (s[i] == '{') {
            int depth = 0;
            size_t j = i;
            for (; j < s.size(); ++j) {
                depth += s[j] == '{' ? 1 : (s[j] == '}' ? -1 : 0);
                if (depth == 0) {
                    break;
                }
            }
            const size_t end = j < s.size() ? j + 1 : s.size();
            w.assign(s.substr(i, end - i));
            i = end;
        } else {
            size_t j = i;
            while (j < s.size() && s[j] != ' ' && s[j] != '\t') {
                ++j;
            }
            w.assign(s.substr(i, j - i));
            i = j;
        }
        out.push_back(std::move(w));
    }
    return out;
}

struct RuleFacts {
    std::string verdict, target, comment, source, destination, sport, dport, prot, in, out;
    std::optional<int64_t> packets, bytes;
};

RuleFacts rule_facts(std::string_view rule) {
    RuleFacts f;
    const auto w = rule_words(rule);
    auto value_at = [&](size_t i) -> std::string {
        // "!= x" → "!x"; comparison operators other than == are kept as written.
        if (i < w.size() && (w[i] == "!=" || w[i] == "==") && i + 1 < w.size()) {
            return (w[i] == "!=" ? "!" : "") + w[i + 1];
        }
        return i < w.size() ? w[i] : std::string();
    };
    for (size_t i = 0; i < w.size(); ++i) {
        const std::string& k = w[i];
        const std::string_view prev = i > 0 ? std::string_view(w[i - 1]) : std::string_view{};
        if (k == "accept" || k == "drop" || k == "reject" || k == "return" || k == "continue" ||
            k == "queue" || k == "masquerade" || k == "notrack") {
            f.verdict = k;
            f.target.clear();
        } else if (k == "jump" || k == "goto") {
            f.verdict = k;
            f.target = value_at(i + 1);
        } else if (k == "dnat" || k == "snat" || k == "redirect") {
            f.verdict = k;
            size_t j = i + 1;
            // "dnat ip to 10.0.0.5:22", "dnat to 10.0.0.5:22", "redirect to :8080"
            if (j < w.size() && (w[j] == "ip" || w[j] == "ip6")) {
                ++j;
            }
            if (j < w.size() && w[j] == "to") {
                ++j;
            }
            f.target = value_at(j);
        } else if (k == "comment" && i + 1 < w.size()) {
            f.comment = w[i + 1];
        } else if (k == "packets" && prev == "counter") {
            f.packets = to_int(value_at(i + 1));
            if (i + 3 < w.size() && w[i + 2] == "bytes") {
                f.bytes = to_int(w[i + 3]);
            }
        } else if (k == "saddr" && (prev == "ip" || prev == "ip6")) {
            f.source = value_at(i + 1);
        } else if (k == "daddr" && (prev == "ip" || prev == "ip6")) {
            f.destination = value_at(i + 1);
        } else if ((k == "dport" || k == "sport") &&
                   (prev == "tcp" || prev == "udp" || prev == "sctp" || prev == "dccp" ||
                    prev == "th" || prev == "udplite")) {
            (k == "dport" ? f.dport : f.sport) = value_at(i + 1);
            if (prev != "th") {
                f.prot = std::string(prev);
            }
        } else if (k == "l4proto" && prev == "meta") {
            f.prot = value_at(i + 1);
        } else if ((k == "protocol" && prev == "ip") || (k == "nexthdr" && prev == "ip6")) {
            f.prot = value_at(i + 1);
        } else if (k == "iif" || k == "iifname") {
            f.in = value_at(i + 1);
        } else if (k == "oif" || k == "oifname") {
            f.out = value_at(i + 1);
        }
    }
    return f;
}

void write_chain(JsonWriter& jw, std::string_view family, std::string_view table, const Chain& c) {
    jw.str("family", family).str("table", table).str("chain", c.name);
    jw.opt_str("chain_type", c.type);
    jw.opt_str("hook", c.hook);
    // Text always ("filter", "dstnat", "-500", "filter + 10"): one type per field.
    jw.opt_str("priority", c.priority);
    jw.opt_str("policy", c.policy);
    jw.opt_str("device", c.device);
}

bool name_says_nft(const FileProbe& probe) {
    return linux_cmd::command_line_says(probe, {"nft", "nftables"});
}

class NftParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.nft";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        for (auto line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || t.starts_with("#")) {
                continue;  // "# Warning: table ip filter is managed by iptables-nft, ..."
            }
            std::optional<int64_t> h;
            std::string_view family;
            std::string_view table;
            if (table_line(strip_handle(t, h), family, table)) {
                return name_says_nft(probe) ? 90 : 85;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const auto lines = output_lines(text);
        LineNumbers ln(text);
        Record r;
        std::string family;
        std::string table;
        bool in_table = false;
        bool in_chain = false;
        Chain chain;
        // An object block (set, map, flowtable, counter...): depth of braces inside it.
        int obj_depth = 0;
        std::string obj_kind;
        std::string obj_name;
        std::string obj_def;
        uint64_t obj_line = 0;
        std::optional<int64_t> obj_handle;

        auto begin = [&](uint64_t pos) -> JsonWriter {
            r.clear();
            r.dataset = "linux.nft";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("nft");
            return jw;
        };
        auto flush_empty_chain = [&]() {
            if (in_chain && chain.rules == 0) {
                JsonWriter jw = begin(chain.line);
                write_chain(jw, family, table, chain);
                jw.end_object().end_object();
                sink.emit(r);
            }
            in_chain = false;
        };
        auto emit_object = [&]() {
            JsonWriter jw = begin(obj_line);
            jw.str("family", family).str("table", table);
            jw.str("object", obj_kind).str("name", obj_name);
            if (obj_handle) {
                jw.num("handle", *obj_handle);
            }
            jw.str("definition", obj_def);
            const size_t el = obj_def.find("elements = ");
            if (el != std::string::npos) {
                std::string_view e = std::string_view(obj_def).substr(el + 11);
                int depth = 0;
                size_t j = 0;
                for (; j < e.size(); ++j) {
                    depth += e[j] == '{' ? 1 : (e[j] == '}' ? -1 : 0);
                    if (depth == 0) {
                        break;
                    }
                }
                e = e.substr(0, std::min(e.size(), j + 1));
                // Elements printed over several lines: one line of text.
                std::string flat;
                bool space = false;
                for (char c : e) {
                    if (c == '\n' || c == '\t' || c == ' ') {
                        space = !flat.empty();
                        continue;
                    }
                    if (space) {
                        flat.push_back(' ');
                        space = false;
                    }
                    flat.push_back(c);
                }
                jw.str("elements", flat);
            }
            jw.end_object().end_object();
            sink.emit(r);
        };

        for (auto line : lines) {
            std::optional<int64_t> handle;
            const std::string_view raw = trim(line);
            if (raw.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (obj_depth > 0) {
                for (char c : raw) {
                    obj_depth += c == '{' ? 1 : (c == '}' ? -1 : 0);
                }
                if (obj_depth <= 0) {
                    obj_depth = 0;
                    emit_object();
                    continue;
                }
                if (!obj_def.empty()) {
                    obj_def.push_back('\n');
                }
                obj_def.append(raw);
                continue;
            }
            if (raw.starts_with("#")) {
                continue;
            }
            const std::string_view t = strip_handle(raw, handle);
            std::string_view fam;
            std::string_view tab;
            if (!in_table) {
                if (table_line(t, fam, tab)) {
                    family = std::string(fam);
                    table = std::string(tab);
                    in_table = true;
                    continue;
                }
                sink.emit(make_error_record(pos, true, "linux.nft: line outside a table", line));
                continue;
            }
            if (t == "}") {
                if (in_chain) {
                    flush_empty_chain();
                } else {
                    in_table = false;
                }
                continue;
            }
            const auto w = split_ws(t);
            if (!in_chain) {
                if (w.size() == 3 && w[0] == "chain" && w[2] == "{") {
                    chain = Chain{};
                    chain.name = std::string(w[1]);
                    chain.handle = handle;
                    chain.line = pos;
                    in_chain = true;
                    continue;
                }
                if (w.size() >= 3 && w.back() == "{" &&
                    (w[0] == "set" || w[0] == "map" || w[0] == "flowtable" || w[0] == "counter" ||
                     w[0] == "quota" || w[0] == "limit" || w[0] == "secmark" ||
                     w[0] == "synproxy" || (w[0] == "ct" && w.size() >= 4))) {
                    obj_kind = w[0] == "ct" ? "ct " + std::string(w[1]) : std::string(w[0]);
                    obj_name = std::string(w[0] == "ct" ? w[2] : w[1]);
                    obj_def.clear();
                    obj_line = pos;
                    obj_handle = handle;
                    obj_depth = 1;
                    continue;
                }
                // Table-level statements: "flags dormant", "comment ...".
                if (!w.empty() && (w[0] == "flags" || w[0] == "comment")) {
                    continue;
                }
                sink.emit(
                    make_error_record(pos, true, "linux.nft: unexpected line in a table", line));
                continue;
            }
            if (chain_spec(t, chain)) {
                continue;
            }
            if (!w.empty() && w[0] == "comment" && chain.rules == 0 && w.size() == 2) {
                continue;  // the chain's own comment
            }
            ++chain.rules;
            JsonWriter jw = begin(pos);
            write_chain(jw, family, table, chain);
            jw.str("rule", t);
            if (handle) {
                jw.num("handle", *handle);
            }
            const RuleFacts f = rule_facts(t);
            auto opt = [&](std::string_view k, const std::string& v) {
                if (!v.empty()) {
                    jw.str(k, v);
                }
            };
            opt("verdict", f.verdict);
            opt("target", f.target);
            opt("prot", f.prot);
            opt("source", f.source);
            opt("destination", f.destination);
            opt("sport", f.sport);
            opt("dport", f.dport);
            opt("in", f.in);
            opt("out", f.out);
            opt("comment", f.comment);
            if (f.packets) {
                jw.num("packets", *f.packets);
            }
            if (f.bytes) {
                jw.num("bytes", *f.bytes);
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        flush_empty_chain();
        if (obj_depth > 0) {
            emit_object();
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.nft: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_nft_parser() {
    static const NftParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
