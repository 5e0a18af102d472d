// linux.resolv_conf: /etc/resolv.conf copies (UAC `[root]/etc/resolv.conf`, hand-saved
// `resolv.conf.txt`, `cat /etc/resolv.conf`).
//
// One record per file, as jc's resolve_conf parser gives one object: domain, search[],
// nameservers[], options[], sortlist[] (jc's names).  As in jc, several search lines add up
// and the last domain line wins; comments start with '#' or ';', also after a value.
// Beyond jc: other_lines (directives the resolver does not know, kept verbatim) and ECS
// related.ip (the name servers: DNS hijacking points there).  The record sits on the file's
// first directive line.
// Detection: the file name says resolv (resolv.conf, resolve.conf) and the lines are
// directives, or the content alone is directives with at least one `nameserver <address>`.
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

enum class Kind { kSkip, kNameserver, kSearch, kDomain, kOptions, kSortlist, kOther };

struct Directive {
    Kind kind = Kind::kSkip;
    std::string_view value;  // the rest of the line without the keyword and comments
};

Directive classify(std::string_view t) {
    Directive d;
    if (t.empty() || t[0] == '#' || t[0] == ';') {
        return d;
    }
    const size_t c = t.find_first_of("#;");
    const std::string_view data = trim(c == std::string_view::npos ? t : t.substr(0, c));
    FieldCursor cur(data);
    const std::string_view kw = cur.next();
    const std::string_view rest = trim(cur.remainder());
    d.value = rest;
    if (kw == "nameserver") {
        d.kind = Kind::kNameserver;
    } else if (kw == "search") {
        d.kind = Kind::kSearch;
    } else if (kw == "domain") {
        d.kind = Kind::kDomain;
    } else if (kw == "options") {
        d.kind = Kind::kOptions;
    } else if (kw == "sortlist") {
        d.kind = Kind::kSortlist;
    } else {
        d.kind = Kind::kOther;
        d.value = t;
    }
    if (d.kind != Kind::kOther && rest.empty()) {
        d.kind = Kind::kOther;
        d.value = t;
    }
    return d;
}

bool name_hint(std::string_view path) {
    return basename_contains(path, "resolv");
}

class ResolvConfParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.resolv_conf";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        int directives = 0;
        int core = 0;
        int ns_ip = 0;
        int other = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const Directive d = classify(trim(line));
            switch (d.kind) {
                case Kind::kSkip: continue;
                case Kind::kOther: ++other; break;
                case Kind::kNameserver:
                    ++directives;
                    ++core;
                    ns_ip += is_ip_address(split_ws(d.value, 2)[0], true) ? 1 : 0;
                    break;
                case Kind::kSearch:
                case Kind::kDomain:
                    ++directives;
                    ++core;
                    break;
                default: ++directives; break;
            }
            if (directives + other >= 100) {
                break;
            }
        }
        if (core == 0) {
            return 0;
        }
        if (name_hint(probe.path)) {
            return other <= directives ? 85 : 0;
        }
        return other == 0 && ns_ip > 0 && ns_ip * 2 >= core ? 70 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        std::string_view domain;
        std::vector<std::string_view> search;
        std::vector<std::string_view> nameservers;
        std::vector<std::string_view> options;
        std::vector<std::string_view> sortlist;
        std::vector<std::string_view> other;
        uint64_t first = 0;
        auto add_words = [](std::vector<std::string_view>& to, std::string_view v) {
            FieldCursor cur(v);
            for (std::string_view w = cur.next(); !w.empty() && to.size() < 4096; w = cur.next()) {
                to.push_back(w);
            }
        };
        for (std::string_view line : output_lines(text)) {
            const Directive d = classify(trim(line));
            if (d.kind == Kind::kSkip) {
                continue;
            }
            if (first == 0) {
                first = ln.of(line);
            }
            switch (d.kind) {
                case Kind::kNameserver:
                    if (nameservers.size() < 4096) {
                        nameservers.push_back(split_ws(d.value, 2)[0]);
                    }
                    break;
                case Kind::kSearch: add_words(search, d.value); break;
                case Kind::kDomain: domain = split_ws(d.value, 2)[0]; break;
                case Kind::kOptions: add_words(options, d.value); break;
                case Kind::kSortlist: add_words(sortlist, d.value); break;
                case Kind::kOther:
                    if (other.size() < 4096) {
                        other.push_back(d.value);
                    }
                    break;
                case Kind::kSkip: break;
            }
        }
        if (first == 0) {
            return;
        }
        Record r;
        r.dataset = "linux.resolv_conf";
        r.position = first;
        JsonWriter w(r.body);
        w.resume_object(false);
        bool any_ip = false;
        for (std::string_view ns : nameservers) {
            any_ip = any_ip || is_ip_address(ns, true);
        }
        if (any_ip) {
            w.begin_object("related").begin_array("ip");
            for (std::string_view ns : nameservers) {
                if (is_ip_address(ns, true)) {
                    w.value_str(ns);
                }
            }
            w.end_array().end_object();
        }
        w.begin_object("linux").begin_object("resolv_conf");
        if (!domain.empty()) {
            w.str("domain", domain);
        }
        auto list = [&](std::string_view key, const std::vector<std::string_view>& v) {
            if (v.empty()) {
                return;
            }
            w.begin_array(key);
            for (std::string_view s : v) {
                w.value_str(s);
            }
            w.end_array();
        };
        list("search", search);
        list("nameservers", nameservers);
        list("options", options);
        list("sortlist", sortlist);
        list("other_lines", other);
        w.end_object().end_object();
        sink.emit(r);
        if (cut) {
            sink.emit(
                make_error_record(0, true, "linux.resolv_conf: file too large, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_resolv_conf_parser() {
    static const ResolvConfParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
