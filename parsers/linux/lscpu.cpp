// linux.lscpu: `lscpu` output (UAC hardware/lscpu.txt), the CPU model, counts, flags and the
// kernel's view of CPU vulnerabilities and their mitigations.
//
// One record for the whole output under linux.lscpu, keyed like jc's "Field: value" parsers:
// the field name lower-cased with every run of other characters turned into one "_"
// ("CPU op-mode(s)" -> cpu_op_mode_s, "Vulnerability Spectre v2" -> vulnerability_spectre_v2).
// Values stay strings as printed, except `flags`, which is a list of the flag words.  A
// repeated field (lscpu prints some once per cache level or NUMA node) keeps its first value.
// Not claimed: /proc/cpuinfo ("processor : 0" blocks) and hostnamectl, whose "Architecture:"
// line alone is not lscpu.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "Field:   value" -> (field, value); false for lines without a colon-separated field.
bool split_field(std::string_view line, std::string_view& field, std::string_view& value) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    field = trim(line.substr(0, colon));
    value = trim(line.substr(colon + 1));
    return !field.empty() && field.size() <= 64;
}

class LscpuParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lscpu";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t fields = 0;
        size_t other = 0;
        bool arch = false;
        bool cpus = false;
        bool first = true;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            if (trim(line).empty()) {
                continue;
            }
            std::string_view f;
            std::string_view v;
            if (!split_field(line, f, v)) {
                ++other;
                first = false;
                continue;
            }
            ++fields;
            arch = arch || f == "Architecture";
            cpus = cpus || f == "CPU(s)";
            if (first && f != "Architecture") {
                return 0;  // lscpu always opens with Architecture
            }
            first = false;
        }
        if (!arch || !cpus || other * 4 > fields) {
            return 0;
        }
        return name_hints(probe, "lscpu") ? 95 : 90;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        Record r;
        r.dataset = "linux.lscpu";
        r.position = 1;
        JsonWriter j(r.body);
        j.resume_object(false).begin_object("linux").begin_object("lscpu");
        std::set<std::string> seen;
        size_t n = 0;
        for (std::string_view line : output_lines(text)) {
            std::string_view f;
            std::string_view v;
            if (!split_field(line, f, v)) {
                continue;
            }
            std::string k = linux_cmd::snake_key(f);
            if (k.empty() || !seen.insert(k).second) {
                continue;
            }
            ++n;
            if (k == "flags") {
                j.begin_array("flags");
                for (std::string_view w : split_ws(v)) {
                    j.value_str(w);
                }
                j.end_array();
            } else {
                j.str(k, v);
            }
        }
        j.end_object().end_object();
        if (n > 0) {
            sink.emit(r);
        } else {
            sink.emit(make_error_record(1, true, "lscpu: no \"Field: value\" lines"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "lscpu: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_lscpu_parser() {
    static const LscpuParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
