// linux.hostname: `hostname`, `hostname -f`, `cat /etc/hostname`, `hostnamectl (status)`.
// One record {hostname} (hostnamectl adds its other fields, snake_cased).  The file only
// counts when its name says hostname: a lone word is no signature.  infer_host() offers the
// name as the upload's host (DESIGN.md: "a hostname output"), and gather_facts() feeds the
// collection facts.
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

bool valid_hostname(std::string_view s) {
    if (s.empty() || s.size() > 253 || s.front() == '-' || s.front() == '.') {
        return false;
    }
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

struct Parsed {
    std::string_view hostname;
    uint64_t line = 0;
    std::vector<std::pair<std::string, std::string_view>> extra;  // hostnamectl
};

bool parse_text(std::string_view text, Parsed& p) {
    LineNumbers ln(text);
    std::vector<std::string_view> nonempty;
    for (auto l : output_lines(text)) {
        if (!trim(l).empty()) {
            nonempty.push_back(l);
        }
    }
    if (nonempty.empty()) {
        return false;
    }
    if (nonempty.size() == 1) {
        const std::string_view t = trim(nonempty[0]);
        if (!valid_hostname(t)) {
            return false;
        }
        p.hostname = t;
        p.line = ln.of(nonempty[0]);
        return true;
    }
    // hostnamectl: "   Static hostname: web01" key/value lines.
    for (auto l : nonempty) {
        const size_t c = l.find(": ");
        if (c == std::string_view::npos) {
            return false;
        }
        const std::string_view k = trim(l.substr(0, c));
        const std::string_view v = trim(l.substr(c + 2));
        if (k == "Static hostname" || (k == "Transient hostname" && p.hostname.empty())) {
            if (!valid_hostname(v)) {
                return false;
            }
            p.hostname = v;
            p.line = ln.of(l);
        }
        p.extra.emplace_back(linux_cmd::snake_key(k), v);
    }
    return !p.hostname.empty();
}

class HostnameParser final : public linux_cmd::CollectionFactsParser {
public:
    std::string_view name() const override {
        return "linux.hostname";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (!linux_cmd::name_hints(probe, "hostname") || probe.size > 16384) {
            return 0;
        }
        Parsed p;
        return parse_text(whole_lines(probe), p) ? 85 : 0;
    }

    std::optional<std::string> infer_host(const FileProbe& probe) const override {
        if (detect(probe) == 0) {
            return std::nullopt;
        }
        Parsed p;
        parse_text(whole_lines(probe), p);
        // The short name: "web01.example.com" → "web01" would lose information; keep it whole.
        return std::string(p.hostname);
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        const std::string text = read_all(in, 1u << 20);
        Parsed p;
        if (!parse_text(text, p)) {
            sink.emit(
                make_error_record(1, true, "hostname: not a host name", trim(text.substr(0, 60))));
            return;
        }
        Record r;
        r.dataset = "linux.hostname";
        r.position = p.line;
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("hostname");
        w.str("hostname", p.hostname);
        for (const auto& [k, v] : p.extra) {
            if (!k.empty() && k != "hostname") {
                w.str(k, v);
            }
        }
        w.end_object().end_object();
        sink.emit(r);
    }
};

}  // namespace

const Parser& linux_hostname_parser() {
    static const HostnameParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
