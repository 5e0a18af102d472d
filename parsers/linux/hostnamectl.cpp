// linux.hostnamectl: `hostnamectl` / `hostnamectl status` (UAC network/hostnamectl.txt): the
// host's names, machine and boot ids, virtualization, OS, kernel and hardware.
//
// One record under linux.hostnamectl; jc has no parser, so the keys are the labels in
// snake_case: static_hostname, transient_hostname, pretty_hostname, icon_name, chassis,
// deployment, location, machine_id, boot_id, virtualization, operating_system, cpe_os_name,
// os_support_end, kernel, architecture, hardware_vendor, hardware_model, firmware_version,
// firmware_date, ...  Values stay as printed (systemd 250+ appends an icon to chassis:
// "vm 🖴"); `chassis_type` is the chassis word alone.  The upload's host may be inferred from
// the static hostname, as linux.hostname does for these files.
//
// Claimed only when the output is unmistakable: "Static hostname" (or "Transient hostname")
// together with the Machine ID or Boot ID every real hostnamectl prints.  An abridged
// "Static hostname / Operating System / Kernel" text under a hostname name stays with
// linux.hostname.  The collection facts (host name) keep coming from common.cpp, which reads
// every hostname-hinted file whatever parser claims it.
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

bool name_says_hostnamectl(std::string_view path) {
    return linux_cmd::basename_has(path, "hostnamectl") ||
           linux_cmd::command_hint(path) == "hostname";
}

struct Field {
    std::string key;
    std::string_view value;
    std::string_view line;
};

// Label: value lines; *other counts the non-blank lines that are not.
std::vector<Field> read_fields(std::string_view text, size_t* other) {
    std::vector<Field> out;
    *other = 0;
    for (std::string_view line : output_lines(text)) {
        if (trim(line).empty()) {
            continue;
        }
        const size_t colon = line.find(':');
        const std::string_view label =
            colon == std::string_view::npos ? std::string_view() : trim(line.substr(0, colon));
        bool ok = !label.empty() && label.size() <= 32 && label[0] >= 'A' && label[0] <= 'Z';
        for (char c : label) {
            ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '-');
        }
        if (!ok) {
            ++*other;
            continue;
        }
        out.push_back({linux_cmd::snake_key(label), trim(line.substr(colon + 1)), line});
    }
    return out;
}

const Field* find(const std::vector<Field>& fs, std::string_view key) {
    for (const auto& f : fs) {
        if (f.key == key) {
            return &f;
        }
    }
    return nullptr;
}

bool unmistakable(const std::vector<Field>& fs) {
    return (find(fs, "static_hostname") != nullptr || find(fs, "transient_hostname") != nullptr) &&
           (find(fs, "machine_id") != nullptr || find(fs, "boot_id") != nullptr);
}

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

class HostnamectlParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.hostnamectl";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (probe.size > 65536) {
            return 0;
        }
        size_t other = 0;
        const auto fs = read_fields(whole_lines(probe), &other);
        if (other > 0 || !unmistakable(fs)) {
            return 0;
        }
        // Above linux.hostname (85 with its name hint).
        if (name_says_hostnamectl(probe.path)) {
            return 95;
        }
        // By content alone: both ids and the OS line.
        return find(fs, "machine_id") != nullptr && find(fs, "boot_id") != nullptr &&
                       find(fs, "operating_system") != nullptr
                   ? 90
                   : 0;
    }

    std::optional<std::string> infer_host(const FileProbe& probe) const override {
        if (detect(probe) == 0) {
            return std::nullopt;
        }
        size_t other = 0;
        const auto fs = read_fields(whole_lines(probe), &other);
        const Field* f = find(fs, "static_hostname");
        if (f == nullptr || !valid_hostname(f->value)) {
            f = find(fs, "transient_hostname");
        }
        if (f == nullptr || !valid_hostname(f->value)) {
            return std::nullopt;
        }
        return std::string(f->value);
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 1u << 20, &cut);
        size_t other = 0;
        const auto fs = read_fields(text, &other);
        LineNumbers ln(text);
        if (fs.empty()) {
            sink.emit(make_error_record(1, true, "hostnamectl: no \"Label: value\" lines",
                                        trim(text.substr(0, 60))));
            return;
        }
        Record r;
        r.dataset = "linux.hostnamectl";
        r.position = ln.of(fs.front().line);
        JsonWriter j(r.body);
        j.resume_object(false).begin_object("linux").begin_object("hostnamectl");
        std::vector<std::string_view> seen;
        for (const auto& f : fs) {
            bool dup = f.key.empty();
            for (std::string_view s : seen) {
                dup = dup || s == f.key;
            }
            if (dup) {
                continue;
            }
            seen.push_back(f.key);
            j.str(f.key, f.value);
            if (f.key == "chassis") {
                const size_t sp = f.value.find(' ');
                j.str("chassis_type", f.value.substr(0, sp));
            }
        }
        j.end_object().end_object();
        sink.emit(r);
        if (other > 0) {
            sink.emit(make_error_record(r.position, true,
                                        "hostnamectl: lines without a label were skipped"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "hostnamectl: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_hostnamectl_parser() {
    static const HostnamectlParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
