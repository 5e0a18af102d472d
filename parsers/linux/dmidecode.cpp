// linux.dmidecode: `dmidecode` (UAC hardware/dmidecode.txt): one record per SMBIOS handle,
// so an analyst sees the machine's make, model, serial number and UUID, its BIOS, board,
// chassis and memory (a virtual platform shows here too).
//
// Names are jc 1.25.5's dmidecode: handle ("0x0001"), type (number), bytes (number),
// description ("System Information"), values {...} with each "Key: value" under the key
// lower-cased with spaces turned into "_" ("wake-up_type", "serial_number"), and a key whose
// value is a list of indented lines ("Characteristics:", "Flags:") as a list of them; a
// handle without fields ("End Of Table") has values null.  The preamble ("# dmidecode 3.4",
// "SMBIOS 2.8 present.", "Table at ...") is not a handle and gives no record.
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct HandleLine {
    std::string_view handle;
    int64_t type = 0;
    int64_t bytes = 0;
};

// "Handle 0x0001, DMI type 1, 27 bytes"
bool parse_handle(std::string_view line, HandleLine& h) {
    if (!line.starts_with("Handle 0x")) {
        return false;
    }
    const size_t c1 = line.find(", DMI type ");
    if (c1 == std::string_view::npos || c1 < 10) {
        return false;
    }
    const std::string_view rest = line.substr(c1 + 11);
    const size_t c2 = rest.find(", ");
    if (c2 == std::string_view::npos || !rest.ends_with(" bytes")) {
        return false;
    }
    const auto type = to_int(rest.substr(0, c2));
    const auto bytes = to_int(rest.substr(c2 + 2, rest.size() - c2 - 2 - 6));
    if (!type || !bytes) {
        return false;
    }
    h.handle = line.substr(7, c1 - 7);
    h.type = *type;
    h.bytes = *bytes;
    return true;
}

std::string jc_key(std::string_view k) {
    std::string out;
    for (char c : k) {
        out.push_back(c == ' ' ? '_'
                               : ((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c));
    }
    return out;
}

struct Value {
    std::string key;
    std::string_view value;
    std::vector<std::string_view> items;
    bool list = false;
};

class DmidecodeParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.dmidecode";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t handles = 0;
        bool preamble = false;
        bool first = true;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            HandleLine h;
            if (first && !trim(line).empty()) {
                // The output opens with its preamble or a handle: a dmidecode part further
                // down a concatenated file is linux.sections' to split.
                first = false;
                if (!line.starts_with("# dmidecode ") && !line.starts_with("SMBIOS ") &&
                    !line.starts_with("Getting SMBIOS") && !parse_handle(line, h)) {
                    return 0;
                }
            }
            if (parse_handle(line, h)) {
                ++handles;
            } else if (line.starts_with("# dmidecode ") || line.starts_with("SMBIOS ")) {
                preamble = true;
            }
        }
        if (handles == 0) {
            return 0;
        }
        if (linux_cmd::name_hints(probe, "dmidecode")) {
            return 95;
        }
        return preamble || handles >= 2 ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        HandleLine h;
        std::string_view handle_line;
        std::string_view description;
        std::vector<Value> values;
        bool open = false;
        auto flush = [&] {
            if (!open) {
                return;
            }
            open = false;
            r.clear();
            r.dataset = "linux.dmidecode";
            r.position = ln.of(handle_line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("dmidecode");
            j.str("handle", h.handle).num("type", h.type).num("bytes", h.bytes);
            j.str("description", description);
            if (values.empty()) {
                j.null("values");
            } else {
                j.begin_object("values");
                std::vector<std::string_view> seen;
                for (const Value& v : values) {
                    bool dup = v.key.empty();
                    for (std::string_view s : seen) {
                        dup = dup || s == v.key;
                    }
                    if (dup) {
                        continue;
                    }
                    seen.push_back(v.key);
                    if (v.list) {
                        j.begin_array(v.key);
                        for (std::string_view i : v.items) {
                            j.value_str(i);
                        }
                        j.end_array();
                    } else {
                        j.str(v.key, v.value);
                    }
                }
                j.end_object();
            }
            j.end_object().end_object();
            sink.emit(r);
        };
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            HandleLine nh;
            if (parse_handle(line, nh)) {
                flush();
                h = nh;
                handle_line = line;
                description = {};
                values.clear();
                open = true;
                continue;
            }
            if (!open) {
                continue;  // the preamble
            }
            const bool indented = line[0] == '\t' || line[0] == ' ';
            if (!indented) {
                if (description.empty()) {
                    description = t;
                } else {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "dmidecode: unexpected line in a handle", line));
                }
                continue;
            }
            const bool deep = line.starts_with("\t\t") || line.starts_with("    ");
            if (deep) {
                if (values.empty()) {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "dmidecode: list item without a key", line));
                    continue;
                }
                values.back().list = true;
                values.back().items.push_back(t);
                continue;
            }
            const size_t colon = t.find(':');
            if (colon == std::string_view::npos) {
                // A value-less line ("\tStrings" style): keep it as a key without value.
                values.push_back({jc_key(t), {}, {}, false});
                continue;
            }
            values.push_back(
                {jc_key(trim(t.substr(0, colon))), trim(t.substr(colon + 1)), {}, false});
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "dmidecode: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_dmidecode_parser() {
    static const DmidecodeParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
