// linux.lsmod: `lsmod` and /proc/modules copies.  One record per module with jc's fields
// (module, size, used, by[]); /proc/modules adds state and address.  Unknown modules are
// what an analyst hunts for (rootkits), so every row is kept, even a malformed one (as an
// error record).
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

bool lsmod_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() == 4 && w[0] == "Module" && w[1] == "Size" && w[2] == "Used" && w[3] == "by";
}

// "xt_tcpudp 16384 6 - Live 0xffffffffc0a3e000 (OE)"
bool proc_modules_line(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 6 && to_int(w[1]) && to_int(w[2]) &&
           (w[4] == "Live" || w[4] == "Loading" || w[4] == "Unloading") && w[5].starts_with("0x");
}

std::vector<std::string_view> split_by(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t c = s.find(',', start);
        if (c == std::string_view::npos) {
            c = s.size();
        }
        const std::string_view p = trim(s.substr(start, c - start));
        if (!p.empty() && p != "-") {
            out.push_back(p);
        }
        start = c + 1;
    }
    return out;
}

class LsmodParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lsmod";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "lsmod");
        for (auto line : output_lines(whole_lines(probe))) {
            if (trim(line).empty()) {
                continue;
            }
            if (lsmod_header(line)) {
                return hinted ? 90 : 80;
            }
            if (proc_modules_line(line)) {
                return hinted ? 90 : 70;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        for (auto line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || lsmod_header(t)) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            const bool proc = proc_modules_line(t);
            const auto w = split_ws(t);
            if (w.size() < 3 || !to_int(w[1]) || !to_int(w[2]) || (w.size() > 4 && !proc)) {
                sink.emit(make_error_record(pos, true, "lsmod: not a module row", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.lsmod";
            r.position = pos;
            JsonWriter jw(r.body);
            jw.resume_object(false).begin_object("linux").begin_object("lsmod");
            jw.str("module", w[0]).num("size", *to_int(w[1])).num("used", *to_int(w[2]));
            const auto by = w.size() > 3 ? split_by(w[3]) : std::vector<std::string_view>{};
            if (!by.empty()) {
                jw.begin_array("by");
                for (auto b : by) {
                    jw.value_str(b);
                }
                jw.end_array();
            }
            if (proc) {
                jw.str("state", w[4]).str("address", w[5]);
                if (w.size() > 6) {
                    jw.str("taint", w[6]);
                }
            }
            jw.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "lsmod: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_lsmod_parser() {
    static const LsmodParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
