// linux.lspci: `lspci`, `lspci -nn -k`, `lspci -v` / `-vv` (UAC hardware/lspci.txt,
// lspci_-nn_-k.txt, lspci_-vv.txt): one record per PCI device, so an analyst sees every
// controller the host had and which kernel driver bound it.
//
// Names follow jc 1.25.5's lspci (which reads `lspci -mmv`) where the plain layout carries
// the value: slot ("00:1f.2", with the domain when -D printed it), domain, bus, dev,
// function (hex strings as printed, plus *_int numbers), class, class_id (-nn), vendor_id /
// device_id (-nn), rev, progif, svendor_id / sdevice_id, driver ("Kernel driver in use"),
// module (list, "Kernel modules"), physlot, numa_node, iommugroup.  The plain layout prints
// vendor and device as one text ("Red Hat, Inc. Virtio 1.0 balloon") that cannot be split
// without the pci.ids database, so it is `description`; the Subsystem line is `subsystem`.
// Every other indented line of -v/-vv (Control, Status, Region, Capabilities and their
// sub-lines...) is kept in order, trimmed, in `details`.  Tool messages on the capture
// ("lspci: Unable to load libkmod resources", "pcilib: ...") are no devices and are skipped.
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
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_hex(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

int64_t hex_value(std::string_view s) {
    int64_t v = 0;
    for (char c : s) {
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

struct Device {
    std::string_view slot, domain, bus, dev, function;
    std::string_view cls, class_id, description, vendor_id, device_id, rev, progif;
    std::string_view line;
};

// "[1af4:1045]" at the end of `s` -> ids; `s` keeps the text before it.
bool take_id_pair(std::string_view& s, std::string_view& a, std::string_view& b) {
    if (s.size() < 11 || s.back() != ']') {
        return false;
    }
    const std::string_view tail = s.substr(s.size() - 11);
    if (tail[0] != '[' || tail[5] != ':' || !is_hex(tail.substr(1, 4)) ||
        !is_hex(tail.substr(6, 4))) {
        return false;
    }
    a = tail.substr(1, 4);
    b = tail.substr(6, 4);
    s = trim(s.substr(0, s.size() - 11));
    return true;
}

// "[dddd:]bb:dd.f Class name [cccc]: Vendor Device [vvvv:dddd] (rev xx) (prog-if xx [..])"
bool parse_device(std::string_view line, Device& d) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') {
        return false;
    }
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) {
        return false;
    }
    const std::string_view slot = line.substr(0, sp);
    std::string_view rest = slot;
    if (rest.size() == 12 && rest[4] == ':') {
        d.domain = rest.substr(0, 4);
        rest = rest.substr(5);
    } else {
        d.domain = {};
    }
    if (rest.size() != 7 || rest[2] != ':' || rest[5] != '.' || !is_hex(rest.substr(0, 2)) ||
        !is_hex(rest.substr(3, 2)) || rest[6] < '0' || rest[6] > '7' ||
        (!d.domain.empty() && !is_hex(d.domain))) {
        return false;
    }
    d.slot = slot;
    d.bus = rest.substr(0, 2);
    d.dev = rest.substr(3, 2);
    d.function = rest.substr(6, 1);
    const std::string_view body = line.substr(sp + 1);
    const size_t colon = body.find(": ");
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    std::string_view cls = trim(body.substr(0, colon));
    d.class_id = {};
    // "Host bridge [0600]"
    if (cls.size() > 7 && cls.back() == ']' && cls[cls.size() - 6] == '[' &&
        is_hex(cls.substr(cls.size() - 5, 4))) {
        d.class_id = cls.substr(cls.size() - 5, 4);
        cls = trim(cls.substr(0, cls.size() - 6));
    }
    d.cls = cls;
    std::string_view desc = trim(body.substr(colon + 2));
    d.rev = {};
    d.progif = {};
    // Trailing "(prog-if 01 [AHCI 1.0])" then "(rev 01)"; lspci prints rev before prog-if.
    const size_t pi = desc.rfind(" (prog-if ");
    if (pi != std::string_view::npos && desc.back() == ')') {
        const std::string_view p = desc.substr(pi + 10);
        d.progif = p.substr(0, p.find_first_of(" )"));
        desc = trim(desc.substr(0, pi));
    }
    const size_t rv = desc.rfind(" (rev ");
    if (rv != std::string_view::npos && desc.back() == ')') {
        d.rev = desc.substr(rv + 6, desc.size() - rv - 7);
        desc = trim(desc.substr(0, rv));
    }
    d.vendor_id = {};
    d.device_id = {};
    take_id_pair(desc, d.vendor_id, d.device_id);
    d.description = desc;
    d.line = line;
    return !d.cls.empty();
}

bool is_tool_message(std::string_view t) {
    return t.starts_with("lspci:") || t.starts_with("pcilib:") || t.starts_with("lspci ");
}

class LspciParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lspci";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t devices = 0;
        size_t other = 0;
        bool first = true;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || is_tool_message(t) || line[0] == '\t' || line[0] == ' ') {
                continue;
            }
            Device d;
            if (parse_device(line, d)) {
                ++devices;
            } else if (first) {
                return 0;
            } else {
                ++other;
            }
            first = false;
        }
        if (devices == 0 || other > 0) {
            return 0;
        }
        if (linux_cmd::name_hints(probe, "lspci")) {
            return 95;
        }
        return devices >= 2 ? 90 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        Device d;
        bool open = false;
        std::string_view subsystem, svendor, sdevice, driver, physlot, numa, iommu;
        std::vector<std::string_view> modules;
        std::vector<std::string_view> details;
        auto flush = [&] {
            if (!open) {
                return;
            }
            open = false;
            r.clear();
            r.dataset = "linux.lspci";
            r.position = ln.of(d.line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("lspci");
            j.str("slot", d.slot);
            if (!d.domain.empty()) {
                j.str("domain", d.domain).num("domain_int", hex_value(d.domain));
            }
            j.str("bus", d.bus).num("bus_int", hex_value(d.bus));
            j.str("dev", d.dev).num("dev_int", hex_value(d.dev));
            j.str("function", d.function).num("function_int", hex_value(d.function));
            j.str("class", d.cls);
            if (!d.class_id.empty()) {
                j.str("class_id", d.class_id).num("class_id_int", hex_value(d.class_id));
            }
            j.str("description", d.description);
            if (!d.vendor_id.empty()) {
                j.str("vendor_id", d.vendor_id).num("vendor_id_int", hex_value(d.vendor_id));
                j.str("device_id", d.device_id).num("device_id_int", hex_value(d.device_id));
            }
            if (!d.rev.empty()) {
                j.str("rev", d.rev);
                if (is_hex(d.rev)) {
                    j.num("rev_int", hex_value(d.rev));
                }
            }
            if (!d.progif.empty()) {
                j.str("progif", d.progif);
                if (is_hex(d.progif)) {
                    j.num("progif_int", hex_value(d.progif));
                }
            }
            if (!subsystem.empty()) {
                j.str("subsystem", subsystem);
            }
            if (!svendor.empty()) {
                j.str("svendor_id", svendor).str("sdevice_id", sdevice);
            }
            if (!physlot.empty()) {
                j.str("physlot", physlot);
            }
            if (const auto n = linux_cmd::to_int(numa)) {
                j.num("numa_node", *n);
            }
            if (const auto n = linux_cmd::to_int(iommu)) {
                j.num("iommugroup", *n);
            }
            if (!driver.empty()) {
                j.str("driver", driver);
            }
            if (!modules.empty()) {
                j.begin_array("module");
                for (std::string_view m : modules) {
                    j.value_str(m);
                }
                j.end_array();
            }
            if (!details.empty()) {
                j.begin_array("details");
                for (std::string_view s : details) {
                    j.value_str(s);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        };
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || is_tool_message(t)) {
                continue;
            }
            if (line[0] != ' ' && line[0] != '\t') {
                flush();
                if (!parse_device(line, d)) {
                    sink.emit(
                        make_error_record(ln.of(line), true, "lspci: not a device line", line));
                    continue;
                }
                open = true;
                subsystem = svendor = sdevice = driver = physlot = numa = iommu = {};
                modules.clear();
                details.clear();
                continue;
            }
            if (!open) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "lspci: indented line without a device", line));
                continue;
            }
            // Only the first indentation level holds the fields; deeper lines are details.
            const bool top = line[0] == '\t' ? (line.size() > 1 && line[1] != '\t')
                                             : line.find_first_not_of(' ') <= 8;
            const size_t colon = t.find(": ");
            const std::string_view key = colon == std::string_view::npos ? t : t.substr(0, colon);
            const std::string_view val =
                colon == std::string_view::npos ? std::string_view() : trim(t.substr(colon + 2));
            if (top && key == "Subsystem") {
                std::string_view s = val;
                take_id_pair(s, svendor, sdevice);
                subsystem = s;
            } else if (top && key == "Kernel driver in use") {
                driver = val;
            } else if (top && key == "Kernel modules") {
                modules.clear();
                std::string_view rest = val;
                while (!rest.empty()) {
                    const size_t comma = rest.find(',');
                    const std::string_view m = trim(rest.substr(0, comma));
                    if (!m.empty()) {
                        modules.push_back(m);
                    }
                    rest = comma == std::string_view::npos ? std::string_view()
                                                           : rest.substr(comma + 1);
                }
            } else if (top && key == "Physical Slot") {
                physlot = val;
            } else if (top && key == "NUMA node") {
                numa = val;
            } else if (top && key == "IOMMU group") {
                iommu = val;
            } else {
                details.push_back(t);
            }
        }
        flush();
        if (cut) {
            sink.emit(make_error_record(0, true, "lspci: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_lspci_parser() {
    static const LspciParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
