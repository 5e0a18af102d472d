// linux.fdisk: `fdisk -l` (UAC storage/fdisk_-l.txt): one record per partition row, with its
// disk's facts attached, so an analyst sees every disk, its label and each partition's type
// and extent (a hidden partition, an unexpected LVM volume, a disk without a table).
//
// jc has no fdisk parser; the names are the output's labels in snake_case.  Disk fields:
// disk (the device), disk_size (as printed, "40 GiB"), disk_size_bytes, disk_sectors,
// disk_model, sector_unit_bytes ("Units: sectors of 1 * 512 = 512 bytes"),
// sector_size_logical / sector_size_physical, io_size_minimum / io_size_optimal (bytes),
// label_type ("Disklabel type", older "Disk label type"), disk_identifier.  Partition fields:
// device, boot (bool), start, end, sectors, blocks (util-linux 2.23's 1 KiB blocks column; a
// trailing "+" dropped), size (as printed), size_bytes (sectors * sector unit), id (dos
// label), type ("Type", older "System").  A disk with no partition rows (device-mapper, RAM
// disks, a wiped disk) gives one record with the disk fields only.  Warnings such as
// "Partition 1 does not start on physical sector boundary." are not rows and are skipped.
// Localised fdisk output (other labels) is not claimed.
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Disk {
    std::string_view device, size, model, label_type, identifier;
    std::optional<int64_t> bytes, sectors, unit, logical, physical, io_min, io_opt;
    std::string_view line;
};

// "Disk /dev/sda: 40 GiB, 42949672960 bytes, 83886080 sectors"
bool parse_disk_line(std::string_view line, Disk& d) {
    if (!line.starts_with("Disk /")) {
        return false;
    }
    const size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
        return false;
    }
    const std::string_view rest = line.substr(colon + 2);
    const size_t c1 = rest.find(", ");
    if (c1 == std::string_view::npos) {
        return false;
    }
    const auto w = split_ws(rest.substr(c1 + 2));
    // "42949672960 bytes, 83886080 sectors"
    if (w.size() < 2 || w[1].substr(0, 5) != "bytes") {
        return false;
    }
    const auto bytes = to_int(w[0]);
    if (!bytes) {
        return false;
    }
    d = Disk{};
    d.device = line.substr(5, colon - 5);
    d.size = rest.substr(0, c1);
    d.bytes = bytes;
    if (w.size() >= 4 && w[3].starts_with("sectors")) {
        d.sectors = to_int(w[2]);
    }
    d.line = line;
    return true;
}

// "512 bytes / 4096 bytes" -> the two numbers.
void two_sizes(std::string_view v, std::optional<int64_t>& a, std::optional<int64_t>& b) {
    const auto w = split_ws(v);
    if (w.size() >= 5 && w[2] == "/") {
        a = to_int(w[0]);
        b = to_int(w[3]);
    }
}

struct Header {
    bool ok = false;
    bool boot = false;
    bool sectors = false;
    bool blocks = false;
    bool size = false;
    bool id = false;
};

Header read_header(std::string_view line) {
    Header h;
    const auto w = split_ws(trim(line));
    if (w.size() < 4 || w[0] != "Device") {
        return h;
    }
    bool start = false;
    bool end = false;
    bool type = false;
    for (std::string_view t : w) {
        h.boot = h.boot || t == "Boot";
        h.sectors = h.sectors || t == "Sectors";
        h.blocks = h.blocks || t == "Blocks";
        h.size = h.size || t == "Size";
        h.id = h.id || t == "Id";
        start = start || t == "Start";
        end = end || t == "End";
        type = type || t == "Type" || t == "System";
    }
    h.ok = start && end && type;
    return h;
}

struct Partition {
    std::string_view device, size, id, type;
    bool boot = false;
    int64_t start = 0, end = 0;
    std::optional<int64_t> sectors, blocks;
};

bool parse_row(std::string_view line, const Header& h, Partition& p) {
    linux_cmd::FieldCursor cur(line);
    p = Partition{};
    p.device = cur.next();
    if (p.device.empty() || p.device[0] != '/') {
        return false;
    }
    std::string_view tok = cur.next();
    if (h.boot && tok == "*") {
        p.boot = true;
        tok = cur.next();
    }
    const auto start = to_int(tok);
    const auto end = to_int(cur.next());
    if (!start || !end) {
        return false;
    }
    p.start = *start;
    p.end = *end;
    if (h.sectors) {
        p.sectors = to_int(cur.next());
        if (!p.sectors) {
            return false;
        }
    }
    if (h.blocks) {
        std::string_view b = cur.next();
        if (!b.empty() && b.back() == '+') {
            b.remove_suffix(1);
        }
        p.blocks = to_int(b);
        if (!p.blocks) {
            return false;
        }
    }
    if (h.size) {
        p.size = cur.next();
        if (p.size.empty()) {
            return false;
        }
    }
    if (h.id) {
        p.id = cur.next();
        if (p.id.empty()) {
            return false;
        }
    }
    p.type = trim(cur.remainder());
    return true;
}

void write_disk(JsonWriter& j, const Disk& d) {
    j.str("disk", d.device).str("disk_size", d.size);
    auto opt = [&j](std::string_view k, const std::optional<int64_t>& v) {
        if (v) {
            j.num(k, *v);
        }
    };
    opt("disk_size_bytes", d.bytes);
    opt("disk_sectors", d.sectors);
    if (!d.model.empty()) {
        j.str("disk_model", d.model);
    }
    opt("sector_unit_bytes", d.unit);
    opt("sector_size_logical", d.logical);
    opt("sector_size_physical", d.physical);
    opt("io_size_minimum", d.io_min);
    opt("io_size_optimal", d.io_opt);
    if (!d.label_type.empty()) {
        j.str("label_type", d.label_type);
    }
    if (!d.identifier.empty()) {
        j.str("disk_identifier", d.identifier);
    }
}

class FdiskParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.fdisk";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        const size_t first = linux_cmd::first_nonblank(lines);
        Disk d;
        if (first >= lines.size() || !parse_disk_line(lines[first], d)) {
            return 0;
        }
        bool units = false;
        for (size_t i = first + 1; i < lines.size() && i < first + 8; ++i) {
            units = units || lines[i].starts_with("Units: sectors of ") ||
                    lines[i].starts_with("Units = sectors of ") ||
                    lines[i].starts_with("Sector size (logical/physical):");
        }
        if (!units) {
            return 0;
        }
        return linux_cmd::name_hints(probe, "fdisk") ? 95 : 90;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        Disk disk;
        bool have_disk = false;
        bool disk_emitted = false;
        Header h;
        auto emit = [&](const Partition* p, std::string_view line) {
            r.clear();
            r.dataset = "linux.fdisk";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("fdisk");
            write_disk(j, disk);
            if (p != nullptr) {
                j.str("device", p->device).boolean("boot", p->boot);
                j.num("start", p->start).num("end", p->end);
                if (p->sectors) {
                    j.num("sectors", *p->sectors);
                }
                if (p->blocks) {
                    j.num("blocks", *p->blocks);
                }
                if (!p->size.empty()) {
                    j.str("size", p->size);
                }
                if (p->sectors && disk.unit) {
                    j.num("size_bytes", *p->sectors * *disk.unit);
                } else if (!p->sectors && disk.unit && p->end >= p->start) {
                    j.num("size_bytes", (p->end - p->start + 1) * *disk.unit);
                }
                if (!p->id.empty()) {
                    j.str("id", p->id);
                }
                j.str("type", p->type);
            }
            j.end_object().end_object();
            sink.emit(r);
        };
        auto finish_disk = [&] {
            if (have_disk && !disk_emitted) {
                emit(nullptr, disk.line);
            }
            have_disk = false;
            disk_emitted = false;
            h = Header{};
        };
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            Disk d;
            if (parse_disk_line(line, d)) {
                finish_disk();
                disk = d;
                have_disk = true;
                continue;
            }
            if (!have_disk) {
                sink.emit(
                    make_error_record(ln.of(line), true, "fdisk: line before any disk", line));
                continue;
            }
            const size_t colon = t.find(": ");
            const std::string_view key = colon == std::string_view::npos ? t : t.substr(0, colon);
            const std::string_view val =
                colon == std::string_view::npos ? std::string_view() : trim(t.substr(colon + 2));
            if (key == "Disk model") {
                disk.model = val;
            } else if (t.starts_with("Units: sectors of ") ||
                       t.starts_with("Units = sectors of ")) {
                // "... of 1 * 512 = 512 bytes"
                const size_t eq = t.rfind("= ");
                const auto w = eq == std::string_view::npos ? std::vector<std::string_view>{}
                                                            : split_ws(t.substr(eq + 2));
                if (!w.empty()) {
                    disk.unit = to_int(w[0]);
                }
            } else if (key == "Sector size (logical/physical)") {
                two_sizes(val, disk.logical, disk.physical);
            } else if (key == "I/O size (minimum/optimal)") {
                two_sizes(val, disk.io_min, disk.io_opt);
            } else if (key == "Disklabel type" || key == "Disk label type") {
                disk.label_type = val;
            } else if (key == "Disk identifier") {
                disk.identifier = val;
            } else if (Header nh = read_header(line); nh.ok) {
                h = nh;
            } else if (h.ok && line[0] == '/') {
                Partition p;
                if (parse_row(line, h, p)) {
                    emit(&p, line);
                    disk_emitted = true;
                } else {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "fdisk: partition row does not parse", line));
                }
            }
            // Anything else: fdisk's notes and warnings about the table.
        }
        finish_disk();
        if (cut) {
            sink.emit(make_error_record(0, true, "fdisk: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_fdisk_parser() {
    static const FdiskParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
