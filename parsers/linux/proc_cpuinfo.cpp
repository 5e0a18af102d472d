// linux.proc_cpuinfo: `cat /proc/cpuinfo` (UAC hardware/cpuinfo.txt): one record per
// processor block, so an analyst sees the CPU model, microcode and the kernel's list of CPU
// bugs of every logical CPU.
//
// Names are jc 1.25.5's proc_cpuinfo keys in snake_case ("model name" -> model_name, "cpu
// MHz" -> cpu_mhz, "address sizes" -> address_sizes).  As jc does: an empty value is null,
// a whole integer is a number, yes/no are booleans, a decimal ("2445.404") is a number;
// address_size_physical / address_size_virtual and cache_size_num / cache_size_unit are
// added.  `flags` and `bugs` are lists of their words (jc keeps the string and adds
// flag_list / bug_list).  A block is the lines from one "processor" line to the next (or a
// blank-line separated group, e.g. the Hardware/Revision/Serial block of ARM boards).
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
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "key\t\t: value" (cpuinfo pads the key with tabs).  The key has no leading blank.
bool split_field(std::string_view line, std::string_view& key, std::string_view& value) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    key = trim(line.substr(0, colon));
    value = trim(line.substr(colon + 1));
    if (key.empty() || key.size() > 40) {
        return false;
    }
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == ' ' || c == '_' || c == '-' || c == '(' ||
                        c == ')';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// cpuinfo's separator is a tab before the colon ("processor\t: 0").
bool tab_colon(std::string_view line) {
    const size_t colon = line.find(':');
    return colon != std::string_view::npos && colon > 0 &&
           (line[colon - 1] == '\t' || line.substr(0, colon).find('\t') != std::string_view::npos);
}

void write_value(JsonWriter& j, const std::string& k, std::string_view v) {
    if (k == "flags" || k == "bugs") {
        j.begin_array(k);
        for (std::string_view w : split_ws(v)) {
            j.value_str(w);
        }
        j.end_array();
        return;
    }
    if (v.empty()) {
        j.null(k);
        return;
    }
    if (const auto n = linux_cmd::to_int(v)) {
        j.num(k, *n);
        return;
    }
    if (v == "yes" || v == "no") {
        j.boolean(k, v == "yes");
        return;
    }
    if (v.find('.') != std::string_view::npos && v.find(',') == std::string_view::npos) {
        if (const auto d = linux_cmd::to_double(v)) {
            j.dbl(k, *d);
            return;
        }
    }
    j.str(k, v);
}

class ProcCpuinfoParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_cpuinfo";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        const size_t first = linux_cmd::first_nonblank(lines);
        if (first >= lines.size()) {
            return 0;
        }
        std::string_view k;
        std::string_view v;
        // Every cpuinfo opens with "processor\t: 0" (x86, ARM, POWER, s390 "vendor_id" aside).
        if (!split_field(lines[first], k, v) || k != "processor" || !tab_colon(lines[first])) {
            return 0;
        }
        size_t fields = 0;
        size_t bad = 0;
        bool model = false;
        for (size_t i = first; i < lines.size(); ++i) {
            if (trim(lines[i]).empty()) {
                continue;
            }
            if (split_field(lines[i], k, v)) {
                ++fields;
                model = model || k == "model name" || k == "vendor_id" || k == "flags" ||
                        k == "Features" || k == "cpu" || k == "BogoMIPS" || k == "bogomips";
            } else {
                ++bad;
            }
        }
        if (!model || fields < 3 || bad * 10 > fields) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "proc_cpuinfo") ? 95 : 90;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        struct Block {
            std::vector<std::pair<std::string_view, std::string_view>> fields;
            std::string_view first;
        };
        std::vector<Block> blocks;
        bool open = false;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                open = false;
                continue;
            }
            std::string_view k;
            std::string_view v;
            if (!split_field(line, k, v)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "proc_cpuinfo: not a \"key : value\" line", line));
                continue;
            }
            if (!open || k == "processor") {
                blocks.push_back({{}, line});
                open = true;
            }
            blocks.back().fields.emplace_back(k, v);
        }
        Record r;
        for (const Block& b : blocks) {
            r.clear();
            r.dataset = "linux.proc_cpuinfo";
            r.position = ln.of(b.first);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("proc_cpuinfo");
            std::vector<std::string> seen;
            std::string_view address_sizes;
            std::string_view cache_size;
            for (const auto& [k, v] : b.fields) {
                std::string key = linux_cmd::snake_key(k);
                bool dup = key.empty();
                for (const auto& s : seen) {
                    dup = dup || s == key;
                }
                if (dup) {
                    continue;
                }
                if (key == "address_sizes") {
                    address_sizes = v;
                } else if (key == "cache_size") {
                    cache_size = v;
                }
                write_value(j, key, v);
                seen.push_back(std::move(key));
            }
            // "48 bits physical, 48 bits virtual"
            const auto a = split_ws(address_sizes);
            if (a.size() >= 4) {
                const auto phy = linux_cmd::to_int(a[0]);
                const auto virt = linux_cmd::to_int(a[3]);
                if (phy && virt) {
                    j.num("address_size_physical", *phy).num("address_size_virtual", *virt);
                }
            }
            // "512 KB"
            const auto c = split_ws(cache_size);
            if (c.size() == 2) {
                if (const auto n = linux_cmd::to_int(c[0])) {
                    j.num("cache_size_num", *n).str("cache_size_unit", c[1]);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_cpuinfo: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_cpuinfo_parser() {
    static const ProcCpuinfoParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
