// linux.proc_net_arp: copies of /proc/net/arp (`cat /proc/net/arp`, the ARP table on hosts
// without net-tools or iproute2).
//
// One record per neighbour with jc 1.25.5's proc_net_arp names (IP_address, HW_type, Flags,
// HW_address, Mask, Device) plus the decoded flags: complete (ATF_COM 0x2), permanent
// (ATF_PERM 0x4), published (ATF_PUBL 0x8).  An incomplete entry shows HW address
// 00:00:00:00:00:00 and flags 0x0.  ECS related.ip.
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

bool is_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() == 9 && w[0] == "IP" && w[1] == "address" && w[2] == "HW" && w[3] == "type" &&
           w[4] == "Flags" && w[5] == "HW" && w[6] == "address" && w[7] == "Mask" &&
           w[8] == "Device";
}

bool hex_number(std::string_view s) {
    if (s.size() < 3 || s.size() > 10 || s[0] != '0' || s[1] != 'x') {
        return false;
    }
    for (char c : s.substr(2)) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

bool row_ok(const std::vector<std::string_view>& w) {
    return w.size() == 6 && linux_cmd::is_ip_literal(w[0]) && hex_number(w[1]) && hex_number(w[2]);
}

class ProcNetArpParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.proc_net_arp";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size() || !is_header(lines[i])) {
            return 0;
        }
        size_t bad = 0;
        for (++i; i < lines.size(); ++i) {
            if (!trim(lines[i]).empty() && !row_ok(split_ws(trim(lines[i])))) {
                ++bad;
            }
        }
        return bad == 0 ? 95 : 60;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty() || is_header(line)) {
                continue;
            }
            const auto w = split_ws(trim(line));
            if (!row_ok(w)) {
                sink.emit(make_error_record(ln.of(line), true, "proc_net_arp: line does not parse",
                                            line));
                continue;
            }
            const unsigned long flags = std::stoul(std::string(w[2].substr(2)), nullptr, 16);
            r.clear();
            r.dataset = "linux.proc_net_arp";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("proc_net_arp");
            j.str("IP_address", w[0]).str("HW_type", w[1]).str("Flags", w[2]);
            j.str("HW_address", w[3]).str("Mask", w[4]).str("Device", w[5]);
            j.boolean("complete", (flags & 0x2) != 0);
            j.boolean("permanent", (flags & 0x4) != 0);
            j.boolean("published", (flags & 0x8) != 0);
            j.end_object().end_object();
            j.begin_object("related").begin_array("ip").value_str(w[0]).end_array().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "proc_net_arp: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_proc_net_arp_parser() {
    static const ProcNetArpParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
