// linux.nmcli: NetworkManager's tables, `nmcli device status`, `nmcli connection show`,
// `nmcli general status` and `nmcli radio all` (UAC network/nmcli_*.txt): which interfaces
// are up, which profiles exist (a VPN or bridge an attacker added), whether the host is
// online.
//
// One record per row, the header's columns as keys in jc's form (lower case, "-" -> "_":
// device, type, state, connection; name, uuid, type, device; state, connectivity, wifi_hw,
// wifi, wwan_hw, wwan...), "--" as null, plus `view` (device, connection, general, radio)
// saying which table it came from.  Cells with spaces ("Wired connection 1", "connected
// (externally)") stay whole: columns are found by where they sit under the header.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/header_table.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool has(const std::vector<std::string_view>& w, std::string_view x) {
    for (auto t : w) {
        if (t == x) {
            return true;
        }
    }
    return false;
}

// The table a header names, "" if none.
std::string_view view_of(std::string_view header) {
    const auto w = split_ws(trim(header));
    if (w.size() < 3) {
        return {};
    }
    if (w[0] == "DEVICE" && w[1] == "TYPE" && w[2] == "STATE" && has(w, "CONNECTION")) {
        return "device";
    }
    if (w[0] == "NAME" && w[1] == "UUID" && w[2] == "TYPE" && has(w, "DEVICE")) {
        return "connection";
    }
    if (has(w, "STATE") && has(w, "CONNECTIVITY") && has(w, "WIFI-HW")) {
        return "general";
    }
    if (w[0] == "WIFI-HW" && has(w, "WIFI") && has(w, "WWAN-HW")) {
        return "radio";
    }
    return {};
}

class NmcliParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.nmcli";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        const size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        const std::string_view v = view_of(lines[i]);
        if (v.empty()) {
            return 0;
        }
        if (name_hints(probe, "nmcli")) {
            return 95;
        }
        // The device and connection headers are nmcli's alone.
        return v == "device" || v == "connection" ? 75 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        const auto lines = output_lines(text);
        linux_cmd::LineNumbers ln(text);
        size_t i = linux_cmd::first_nonblank(lines);
        const std::string_view view = i < lines.size() ? view_of(lines[i]) : std::string_view();
        if (view.empty()) {
            sink.emit(make_error_record(1, true, "nmcli: no known header"));
            return;
        }
        const auto cols = linux_cmd::header_columns(lines[i]);
        std::vector<std::string> keys;
        for (const auto& c : cols) {
            keys.push_back(linux_cmd::column_key(c.name));
        }
        std::vector<std::string_view> cells;
        for (++i; i < lines.size(); ++i) {
            if (trim(lines[i]).empty()) {
                continue;
            }
            const uint64_t n = ln.of(lines[i]);
            if (!linux_cmd::header_cells(lines[i], cols, cells) || cells[0].empty()) {
                sink.emit(
                    make_error_record(n, true, "nmcli: row does not fit the header", lines[i]));
                continue;
            }
            Record r;
            r.dataset = "linux.nmcli";
            r.position = n;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("nmcli");
            j.str("view", view);
            for (size_t c = 0; c < cols.size(); ++c) {
                if (cells[c].empty() || cells[c] == "--") {
                    j.null(keys[c]);
                } else {
                    j.str(keys[c], cells[c]);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "nmcli: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_nmcli_parser() {
    static const NmcliParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
