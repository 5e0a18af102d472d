// linux.lsusb: `lsusb` and, best effort, `lsusb -v` / `-vv` (UAC hardware/lsusb.txt,
// lsusb_-vv.txt): one record per USB device, so an analyst sees what was plugged in (a
// keyboard-class interface on a "storage" stick is the classic BadUSB tell).
//
// Names follow jc 1.25.5's lsusb: bus, device, id, description (strings as printed).  From
// -v the device's blocks are nested by indentation as jc does: device_descriptor {...,
// configuration_descriptor {..., interface_association, interface_descriptors [{...,
// endpoint_descriptors [...]}]}}, hub_descriptor, device_status {value, description}; a
// field is {"value", "description"?} and the deeper plain lines under it are its
// "attributes" (runs of blanks collapsed).  Where jc differs on a quirk (MaxPower is
// {"description": "100mA"} in jc) the plain reading is kept ({"value": "100mA"}).
// "Couldn't open device" notes are skipped.  `lsusb -t` (a tree, "/:  Bus 02.Port 1: ...")
// is another layout and not claimed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct BusLine {
    std::string_view bus, device, id, description;
};

bool digits3(std::string_view s) {
    return s.size() == 3 && linux_cmd::is_digits(s);
}

bool is_hex4(std::string_view s) {
    if (s.size() != 4) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

// "Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub"
bool parse_bus_line(std::string_view line, BusLine& b) {
    if (!line.starts_with("Bus ") || line.size() < 27) {
        return false;
    }
    const std::string_view bus = line.substr(4, 3);
    if (!digits3(bus) || line.substr(7, 8) != " Device " || !digits3(line.substr(15, 3)) ||
        line.substr(18, 5) != ": ID ") {
        return false;
    }
    const std::string_view rest = line.substr(23);
    if (rest.size() < 9 || rest[4] != ':' || !is_hex4(rest.substr(0, 4)) ||
        !is_hex4(rest.substr(5, 4))) {
        return false;
    }
    b.bus = bus;
    b.device = line.substr(15, 3);
    b.id = rest.substr(0, 9);
    b.description = trim(rest.substr(9));
    return true;
}

bool is_note(std::string_view t) {
    return t.starts_with("Couldn't open device") || t.starts_with("can't get ") ||
           t.starts_with("cannot read ");
}

size_t indent_of(std::string_view line) {
    size_t n = 0;
    while (n < line.size() && line[n] == ' ') {
        ++n;
    }
    return n;
}

// "idVendor           0x1915 Nordic Semiconductor ASA" -> name, value, description.
bool split_field(std::string_view t,
                 std::string_view& name,
                 std::string_view& value,
                 std::string_view& desc) {
    linux_cmd::FieldCursor cur(t);
    name = cur.next();
    value = cur.next();
    desc = trim(cur.remainder());
    if (name.empty() || value.empty() || name.back() == ':') {
        return false;
    }
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

using Json = nlohmann::ordered_json;

// Builds one device's -v tree by indentation, as jc shapes it: a heading ("Configuration
// Descriptor:") opens an object under the enclosing one (Interface/Endpoint Descriptors
// gather into lists), a field line becomes {"value", "description"?}, and a deeper line of
// plain words is one of the last field's "attributes".
class Tree {
public:
    explicit Tree(Json& root) {
        stack_.push_back({-1, &root});
    }

    void line(std::string_view line, std::string_view t) {
        const int ind = static_cast<int>(indent_of(line));
        if (last_ != nullptr && ind > last_indent_ && !t.ends_with(":")) {
            if (status_) {
                if (!last_->contains("description")) {
                    (*last_)["description"] = std::string(t);
                }
            } else {
                std::string buf;
                (*last_)["attributes"].push_back(std::string(linux_cmd::collapse_spaces(t, buf)));
            }
            return;
        }
        while (stack_.size() > 1 && stack_.back().indent >= ind) {
            stack_.pop_back();
        }
        last_ = nullptr;
        status_ = false;
        Json& parent = *stack_.back().node;
        if (t.starts_with("Device Status:")) {
            Json& st = parent["device_status"];
            st = Json::object();
            st["value"] = std::string(trim(t.substr(14)));
            last_ = &st;
            last_indent_ = ind;
            status_ = true;
            return;
        }
        if (t.ends_with(":")) {
            std::string key = linux_cmd::snake_key(t.substr(0, t.size() - 1));
            if (key.empty() || depth() > 8) {
                return;
            }
            Json* child = nullptr;
            if (key == "interface_descriptor" || key == "endpoint_descriptor") {
                Json& list = parent[key + "s"];
                if (!list.is_array()) {
                    list = Json::array();
                }
                list.push_back(Json::object());
                child = &list.back();
            } else {
                Json& c = parent[key];
                c = Json::object();
                child = &c;
            }
            stack_.push_back({ind, child});
            return;
        }
        std::string_view name;
        std::string_view value;
        std::string_view desc;
        if (!split_field(t, name, value, desc)) {
            return;  // a free line jc would drop too
        }
        Json& f = parent[std::string(name)];
        f = Json::object();
        f["value"] = std::string(value);
        if (!desc.empty()) {
            f["description"] = std::string(desc);
        }
        last_ = &f;
        last_indent_ = ind;
    }

private:
    struct Level {
        int indent;
        Json* node;
    };
    size_t depth() const {
        return stack_.size();
    }
    std::vector<Level> stack_;
    Json* last_ = nullptr;
    int last_indent_ = 0;
    bool status_ = false;
};

class LsusbParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lsusb";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t buses = 0;
        size_t other = 0;
        bool descriptor = false;
        bool first = true;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || line[0] == ' ' || line[0] == '\t' || is_note(t)) {
                continue;
            }
            BusLine b;
            if (parse_bus_line(line, b)) {
                ++buses;
            } else if (first) {
                return 0;
            } else if (t.ends_with(":") || t.starts_with("Device Status:")) {
                descriptor = descriptor || t == "Device Descriptor:";
            } else {
                ++other;
            }
            first = false;
        }
        if (buses == 0 || other > 0) {
            return 0;
        }
        if (linux_cmd::name_hints(probe, "lsusb")) {
            return 95;
        }
        return buses >= 2 || descriptor ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        std::string_view bus_line;
        Json dev;
        std::optional<Tree> tree;
        auto flush = [&] {
            if (!tree) {
                return;
            }
            tree.reset();
            r.clear();
            r.dataset = "linux.lsusb";
            r.position = ln.of(bus_line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").raw(
                "lsusb", dev.dump(-1, ' ', false, Json::error_handler_t::replace));
            j.end_object();
            sink.emit(r);
        };
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_note(t)) {
                continue;
            }
            BusLine b;
            if (indent_of(line) == 0 && parse_bus_line(line, b)) {
                flush();
                bus_line = line;
                dev = Json::object();
                dev["bus"] = std::string(b.bus);
                dev["device"] = std::string(b.device);
                dev["id"] = std::string(b.id);
                dev["description"] = std::string(b.description);
                tree.emplace(dev);
                continue;
            }
            if (!tree) {
                sink.emit(
                    make_error_record(ln.of(line), true, "lsusb: line outside a device", line));
                continue;
            }
            tree->line(line, t);
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "lsusb: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_lsusb_parser() {
    static const LsusbParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
