// linux.service_status: SysV service state -- `chkconfig --list` (RHEL/CentOS 5-7, SUSE; UAC
// system/chkconfig_--list.txt) and the SysV init form of `service --status-all` ("sshd (pid
// 1234) is running...", "crond is stopped").  An init script enabled in runlevels 2-5 is a
// classic persistence spot.
//
// One record per service.  chkconfig: `name` and `runlevels` ({"0":"off",...,"6":"off"}) with
// `enabled_runlevels` (the "on" ones, as a list); its "xinetd based services:" part gives
// name, status (on/off) and `xinetd: true`.  service --status-all: name, status (running,
// stopped, dead, unknown) and `pids` when printed; a line in no known form keeps its text as
// `message` with status unknown (init scripts print what they like).
// The Debian/Ubuntu form " [ + ]  ssh" is linux.systemctl's (it has parsed it since the
// first Linux drop), so it is not claimed here.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::is_digits;
using linux_cmd::LineNumbers;
using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "auditd   0:off 1:off 2:on 3:on 4:on 5:on 6:off"
bool chkconfig_row(std::string_view line, std::vector<std::string_view>& w) {
    w = split_ws(trim(line));
    if (w.size() != 8) {
        return false;
    }
    for (size_t i = 1; i < 8; ++i) {
        const std::string_view f = w[i];
        if (f.size() < 4 || f[0] != static_cast<char>('0' + i - 1) || f[1] != ':' ||
            (f.substr(2) != "on" && f.substr(2) != "off")) {
            return false;
        }
    }
    return true;
}

// "\tchargen-dgram: \toff"
bool xinetd_row(std::string_view line, std::string_view& name, std::string_view& st) {
    const std::string_view t = trim(line);
    const size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    name = trim(t.substr(0, colon));
    st = trim(t.substr(colon + 1));
    return (st == "on" || st == "off") && name.find_first_of(" \t") == std::string_view::npos;
}

struct SysvStatus {
    std::string_view name;
    std::string_view status;
    std::vector<int64_t> pids;
};

// "sshd (pid  1234 1200) is running...", "crond is stopped", "x dead but pid file exists".
bool sysv_status_line(std::string_view t, SysvStatus& s) {
    s = SysvStatus{};
    size_t end = std::string_view::npos;
    if (const size_t p = t.find(" (pid "); p != std::string_view::npos) {
        const size_t close = t.find(')', p);
        if (close == std::string_view::npos || !t.substr(close + 1).starts_with(" is running")) {
            return false;
        }
        for (std::string_view w : split_ws(t.substr(p + 6, close - p - 6))) {
            if (!is_digits(w)) {
                return false;
            }
            s.pids.push_back(to_int(w).value_or(0));
        }
        s.name = t.substr(0, p);
        s.status = "running";
    } else if ((end = t.find(" is running")) != std::string_view::npos) {
        s.name = t.substr(0, end);
        s.status = "running";
    } else if ((end = t.find(" is stopped")) != std::string_view::npos) {
        s.name = t.substr(0, end);
        s.status = "stopped";
    } else if ((end = t.find(" dead but ")) != std::string_view::npos) {
        s.name = t.substr(0, end);
        s.status = "dead";
    } else {
        return false;
    }
    return !s.name.empty() && s.name.find_first_of(" \t") == std::string_view::npos;
}

enum class Form { kNone, kChkconfig, kSysv };

Form sniff(const std::vector<std::string_view>& lines, bool hinted) {
    size_t chk = 0;
    size_t sysv = 0;
    size_t sysv_pid = 0;
    size_t other = 0;
    std::vector<std::string_view> w;
    SysvStatus s;
    for (std::string_view l : lines) {
        const std::string_view t = trim(l);
        if (t.empty()) {
            continue;
        }
        if (chkconfig_row(t, w)) {
            ++chk;
        } else if (sysv_status_line(t, s)) {
            ++sysv;
            sysv_pid += s.pids.empty() ? 0 : 1;
        } else {
            ++other;
        }
    }
    if (chk > 0 && sysv == 0) {
        return Form::kChkconfig;  // the RHEL 7 note and the xinetd part are the "other" lines
    }
    if (sysv > 0 && chk == 0 && (hinted ? sysv * 2 >= other : sysv_pid >= 2 && sysv >= other)) {
        return Form::kSysv;
    }
    return Form::kNone;
}

class ServiceStatusParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.service_status";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        // `service --status-all` files are named for "service", which hints systemctl.
        const bool hinted = name_hints(probe, "service_status") || name_hints(probe, "systemctl");
        const Form f = sniff(output_lines(whole_lines(probe)), hinted);
        if (f == Form::kChkconfig) {
            return hinted ? 95 : 90;
        }
        if (f == Form::kSysv) {
            return hinted ? 85 : 70;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        const auto lines = output_lines(text);
        const Form form = sniff(lines, true);
        if (form == Form::kNone) {
            sink.emit(make_error_record(1, true,
                                        "service_status: neither chkconfig --list nor "
                                        "service --status-all"));
            return;
        }
        Record r;
        bool xinetd = false;
        std::vector<std::string_view> w;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            r.clear();
            r.dataset = "linux.service_status";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("service_status");
            if (form == Form::kChkconfig) {
                std::string_view name;
                std::string_view st;
                if (t == "xinetd based services:") {
                    xinetd = true;
                    continue;
                }
                if (chkconfig_row(t, w)) {
                    j.str("name", w[0]).begin_object("runlevels");
                    for (size_t i = 1; i < 8; ++i) {
                        j.str(w[i].substr(0, 1), w[i].substr(2));
                    }
                    j.end_object().begin_array("enabled_runlevels");
                    for (size_t i = 1; i < 8; ++i) {
                        if (w[i].substr(2) == "on") {
                            j.value_str(w[i].substr(0, 1));
                        }
                    }
                    j.end_array();
                } else if (xinetd && xinetd_row(t, name, st)) {
                    j.str("name", name).str("status", st).boolean("xinetd", true);
                } else {
                    continue;  // RHEL 7's "Note: This output shows SysV services only..."
                }
            } else {
                SysvStatus s;
                if (sysv_status_line(t, s)) {
                    j.str("name", s.name).str("status", s.status);
                    if (!s.pids.empty()) {
                        j.begin_array("pids");
                        for (int64_t p : s.pids) {
                            j.value_int(p);
                        }
                        j.end_array();
                    }
                } else {
                    j.str("status", "unknown").str("message", t);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(
                make_error_record(0, true, "service_status: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_service_status_parser() {
    static const ServiceStatusParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
