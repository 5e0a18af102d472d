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
//
// `nmcli device show` (and `nmcli connection show <name>`): one record per blank-separated
// block of "GENERAL.DEVICE:   eth0" lines, keys in jc's form ("IP4.ADDRESS[1]" ->
// ip4_address_1, "GENERAL.CON-PATH" -> general_con_path), "--" as null, view "device_show"
// (or "connection_detail" for blocks that start with connection.id).
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

// "IP4.ADDRESS[1]:      192.168.122.50/24": a dotted key, a colon, the value.
bool detail_line(std::string_view line, std::string_view& k, std::string_view& v) {
    const size_t c = line.find(':');
    if (c == std::string_view::npos || c == 0 || line[0] == ' ') {
        return false;
    }
    k = line.substr(0, c);
    if (k.find('.') == std::string_view::npos) {
        return false;
    }
    for (char ch : k) {
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '-' || ch == '_' || ch == '[' || ch == ']')) {
            return false;
        }
    }
    v = trim(line.substr(c + 1));
    return true;
}

std::string detail_key(std::string_view k) {
    std::string out;
    for (char c : k) {
        if (c == '.' || c == '-' || c == '[') {
            out.push_back('_');
        } else if (c != ']') {
            out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
        }
    }
    return out;
}

// The detail form opens with GENERAL.DEVICE (device show) or connection.id.
std::string_view detail_view(std::string_view first) {
    std::string_view k;
    std::string_view v;
    if (!detail_line(first, k, v)) {
        return {};
    }
    if (k == "GENERAL.DEVICE") {
        return "device_show";
    }
    if (k == "connection.id") {
        return "connection_detail";
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
        if (!detail_view(lines[i]).empty()) {
            return name_hints(probe, "nmcli") ? 95 : 75;
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
        if (i < lines.size() && !detail_view(lines[i]).empty()) {
            parse_detail(lines, i, ln, sink);
            if (cut) {
                sink.emit(make_error_record(0, true, "nmcli: file too large, rest not parsed"));
            }
            return;
        }
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

private:
    static void parse_detail(const std::vector<std::string_view>& lines,
                             size_t i,
                             linux_cmd::LineNumbers& ln,
                             RecordSink& sink) {
        while (i < lines.size()) {
            if (trim(lines[i]).empty()) {
                ++i;
                continue;
            }
            Record r;
            r.dataset = "linux.nmcli";
            r.position = ln.of(lines[i]);
            const std::string_view view = detail_view(lines[i]);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("nmcli");
            j.str("view", view.empty() ? std::string_view("detail") : view);
            for (; i < lines.size() && !trim(lines[i]).empty(); ++i) {
                std::string_view k;
                std::string_view v;
                if (!detail_line(lines[i], k, v)) {
                    sink.emit(make_error_record(ln.of(lines[i]), true,
                                                "nmcli: not a \"KEY: value\" line", lines[i]));
                    continue;
                }
                if (v.empty() || v == "--") {
                    j.null(detail_key(k));
                } else {
                    j.str(detail_key(k), v);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_nmcli_parser() {
    static const NmcliParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
