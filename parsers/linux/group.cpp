// linux.group: /etc/group copies, `cat /etc/group`, `getent group`.
//
// One record per group with jc's fields (group_name, password, gid, members[]) plus ECS
// group.name/id and related.user (the members).  Content alone claims a file only when
// every line is `name:pw:gid:members` with a numeric gid and a root group is present.
#include <cctype>
#include <cstdint>
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

struct Group {
    std::string_view fields[4];
};

bool parse_group(std::string_view line, Group& g) {
    size_t n = 0;
    size_t start = 0;
    while (true) {
        const size_t c = line.find(':', start);
        if (n == 4) {
            return false;
        }
        g.fields[n++] = line.substr(start, c == std::string_view::npos ? line.npos : c - start);
        if (c == std::string_view::npos) {
            break;
        }
        start = c + 1;
    }
    if (n != 4 || g.fields[0].empty()) {
        return false;
    }
    if (g.fields[0][0] == '+' || g.fields[0][0] == '-') {
        return true;  // NIS
    }
    return to_int(g.fields[2]).has_value() &&
           g.fields[0].find_first_of(" \t") == std::string_view::npos &&
           g.fields[3].find_first_of(" \t/") == std::string_view::npos;
}

class GroupParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.group";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "group");
        const auto [good, bad, root] =
            linux_cmd::count_account_rows(probe, [](std::string_view line, bool& is_root) {
                Group g;
                const bool ok = parse_group(line, g);
                is_root = ok && g.fields[0] == "root" && g.fields[2] == "0";
                return ok;
            });
        if (good == 0) {
            return 0;
        }
        if (hinted) {
            return bad * 10 <= good ? 90 : 0;
        }
        return bad == 0 && root && good >= 3 ? 65 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            Group g;
            if (!parse_group(line, g)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "group: not a name:password:gid:members line", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.group";
            r.position = ln.of(line);
            std::vector<std::string_view> members;
            for (size_t start = 0; start < g.fields[3].size();) {
                size_t c = g.fields[3].find(',', start);
                if (c == std::string_view::npos) {
                    c = g.fields[3].size();
                }
                const std::string_view m = trim(g.fields[3].substr(start, c - start));
                if (!m.empty()) {
                    members.push_back(m);
                }
                start = c + 1;
            }
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("group");
            w.str("group_name", g.fields[0]).str("password", g.fields[1]);
            if (const auto gid = to_int(g.fields[2])) {
                w.num("gid", *gid);
            } else {
                w.null("gid");
            }
            w.begin_array("members");
            for (auto m : members) {
                w.value_str(m);
            }
            w.end_array().end_object().end_object();
            w.begin_object("group").str("name", g.fields[0]);
            if (!g.fields[2].empty()) {
                w.str("id", g.fields[2]);
            }
            w.end_object();
            if (!members.empty()) {
                w.begin_object("related").begin_array("user");
                for (auto m : members) {
                    w.value_str(m);
                }
                w.end_array().end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "group: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_group_parser() {
    static const GroupParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
