// linux.runlevel: `runlevel` output ("N 5", UAC system/runlevel.txt): the SysV run level the
// host was in when collected, and the one before it (N: none since boot).
//
// One record: previous and current as printed ("N", "S", "0".."6"); "unknown" (no utmp
// record, as in containers) gives current "unknown" and no previous.  Claimed only with the
// file name: two characters say too little on their own.  Not claimed: `who -r`
// ("run-level 5  <date>"), which is linux.who's.
#include <string>
#include <string_view>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool level_char(std::string_view s, bool previous) {
    if (s.size() != 1) {
        return false;
    }
    const char c = s[0];
    return (c >= '0' && c <= '6') || c == 'S' || c == 's' || (previous && c == 'N');
}

// "N 5" -> (N, 5); "unknown" -> ("", unknown).
bool parse_runlevel(std::string_view t, std::string_view& prev, std::string_view& cur) {
    if (t == "unknown") {
        prev = {};
        cur = t;
        return true;
    }
    const auto w = split_ws(t);
    if (w.size() != 2 || !level_char(w[0], true) || !level_char(w[1], false)) {
        return false;
    }
    prev = w[0];
    cur = w[1];
    return true;
}

class RunlevelParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.runlevel";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        if (!name_hints(probe, "runlevel")) {
            return 0;
        }
        const auto lines = output_lines(whole_lines(probe));
        const size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size() || linux_cmd::first_nonblank(lines, i + 1) != lines.size()) {
            return 0;
        }
        std::string_view p;
        std::string_view c;
        return parse_runlevel(trim(lines[i]), p, c) ? 95 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        const std::string text = read_all(in, 1u << 20);
        linux_cmd::LineNumbers ln(text);
        for (std::string_view line : output_lines(text)) {
            const uint64_t n = ln.of(line);
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            std::string_view prev;
            std::string_view cur;
            if (!parse_runlevel(t, prev, cur)) {
                sink.emit(
                    make_error_record(n, true, "runlevel: not a \"previous current\" line", line));
                continue;
            }
            Record r;
            r.dataset = "linux.runlevel";
            r.position = n;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("runlevel");
            j.opt_str("previous", prev).str("current", cur);
            j.end_object().end_object();
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& linux_runlevel_parser() {
    static const RunlevelParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
