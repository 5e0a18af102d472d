// linux.passwd: /etc/passwd copies, `cat /etc/passwd`, `getent passwd`.
//
// One record per account with jc's fields (username, password, uid, gid, comment, home,
// shell) plus ECS user.name/id, user.full_name (GECOS' first field) and group.id.  NIS
// `+`/`-` lines are accounts too.  Content alone claims a file only when every line has
// passwd's shape (numeric uid/gid, absolute home and shell), so other colon files are left
// alone.
#include <cctype>
#include <cstdint>
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

struct Account {
    std::string_view fields[7];
    bool nis = false;
};

bool absolute_or_empty(std::string_view s) {
    return s.empty() || s[0] == '/';
}

bool parse_account(std::string_view line, Account& a) {
    size_t n = 0;
    size_t start = 0;
    while (true) {
        const size_t c = line.find(':', start);
        if (n == 7) {
            return false;  // more than seven fields
        }
        a.fields[n++] = line.substr(start, c == std::string_view::npos ? line.npos : c - start);
        if (c == std::string_view::npos) {
            break;
        }
        start = c + 1;
    }
    if (n != 7 || a.fields[0].empty()) {
        return false;
    }
    a.nis = a.fields[0][0] == '+' || a.fields[0][0] == '-';
    if (a.nis) {
        return true;
    }
    return to_int(a.fields[2]).has_value() && to_int(a.fields[3]).has_value() &&
           absolute_or_empty(a.fields[5]) && absolute_or_empty(a.fields[6]) &&
           a.fields[0].find_first_of(" \t") == std::string_view::npos;
}

class PasswdParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.passwd";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "passwd");
        const auto [good, bad, root] =
            linux_cmd::count_account_rows(probe, [](std::string_view line, bool& is_root) {
                Account a;
                const bool ok = parse_account(line, a);
                is_root = ok && a.fields[0] == "root" && a.fields[2] == "0";
                return ok;
            });
        if (good == 0) {
            return 0;
        }
        if (hinted) {
            return bad * 10 <= good ? 90 : 0;
        }
        return bad == 0 && (root || good >= 5) ? 70 : 0;
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
            Account a;
            if (!parse_account(line, a)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "passwd: not a name:password:uid:gid:gecos:home:"
                                            "shell line",
                                            line));
                continue;
            }
            r.clear();
            r.dataset = "linux.passwd";
            r.position = ln.of(line);
            const auto uid = to_int(a.fields[2]);
            const auto gid = to_int(a.fields[3]);
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("passwd");
            w.str("username", a.fields[0]).str("password", a.fields[1]);
            auto id = [&](std::string_view k, const std::optional<int64_t>& v,
                          std::string_view raw) {
                if (v) {
                    w.num(k, *v);
                } else if (raw.empty()) {
                    w.null(k);
                } else {
                    w.str(k, raw);
                }
            };
            id("uid", uid, a.fields[2]);
            id("gid", gid, a.fields[3]);
            w.str("comment", a.fields[4]).str("home", a.fields[5]).str("shell", a.fields[6]);
            w.end_object().end_object();
            w.begin_object("user").str("name", a.fields[0]);
            if (!a.fields[2].empty()) {
                w.str("id", a.fields[2]);
            }
            const std::string_view full = a.fields[4].substr(0, a.fields[4].find(','));
            if (!full.empty()) {
                w.str("full_name", full);
            }
            if (!a.fields[3].empty()) {
                w.begin_object("group").str("id", a.fields[3]).end_object();
            }
            w.end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "passwd: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_passwd_parser() {
    static const PasswdParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
