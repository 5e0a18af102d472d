// linux.shadow: /etc/shadow copies (`cat /etc/shadow`, `getent shadow`, /etc/shadow-), and
// linux.gshadow: /etc/gshadow.
//
// shadow: one record per account with jc's fields (username, password, last_changed, minimum,
// maximum, warn, inactive, expire; empty numbers are null).  The password field is kept as
// it is: the hash is evidence (a fresh $1$ on a service account, the same hash on two
// accounts).  Beyond jc: password_empty (no password at all: anyone may log in),
// password_locked (`!`/`!!` prefix), password_set (a hash is there, locked or not),
// password_change_required (last_changed 0),
// password_algorithm from the hash prefix (des, md5, bcrypt, sha256, sha512, yescrypt,
// gost-yescrypt, scrypt, sunmd5), and last_changed_date / expire_date (the day counts as
// dates).  Nothing is printed that the line does not hold.
// gshadow: one record per group with jc's fields (group_name, password, administrators[],
// members[]).
// ECS: user.name (shadow), group.name (gshadow).  Detection: nine-field lines with numeric
// ageing fields are shadow's alone; gshadow's four fields look like /etc/group's except that
// the third (administrators) is never a number, so it needs its name or a root line.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

std::string lower_base(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
    for (char& c : base) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return base;
}

// Splits on ':' into at most `max` fields; returns the count (max + 1 when there are more).
size_t split_colon(std::string_view line, std::string_view* out, size_t max) {
    size_t n = 0;
    size_t start = 0;
    while (true) {
        const size_t c = line.find(':', start);
        if (n == max) {
            return max + 1;
        }
        out[n++] = line.substr(start, c == std::string_view::npos ? line.npos : c - start);
        if (c == std::string_view::npos) {
            return n;
        }
        start = c + 1;
    }
}

bool no_space(std::string_view s) {
    return s.find_first_of(" \t") == std::string_view::npos;
}

// ---- shadow -----------------------------------------------------------------------------

struct ShadowRow {
    std::string_view f[9];
    size_t n = 0;
};

bool parse_shadow(std::string_view line, ShadowRow& r) {
    r.n = split_colon(line, r.f, 9);
    // Nine fields; some hand-made files drop the reserved ninth.
    if ((r.n != 9 && r.n != 8) || r.f[0].empty() || !no_space(r.f[0]) || !no_space(r.f[1])) {
        return false;
    }
    for (size_t i = 2; i < 8; ++i) {
        if (!r.f[i].empty() && !to_int(r.f[i])) {
            return false;
        }
    }
    return true;
}

std::string_view hash_algorithm(std::string_view pw) {
    while (!pw.empty() && pw[0] == '!') {
        pw.remove_prefix(1);
    }
    if (pw.empty() || pw == "*" || pw == "x") {
        return {};
    }
    struct P {
        std::string_view prefix;
        std::string_view name;
    };
    static constexpr P kPrefixes[] = {
        {"$1$", "md5"},     {"$2a$", "bcrypt"},  {"$2b$", "bcrypt"},
        {"$2y$", "bcrypt"}, {"$2x$", "bcrypt"},  {"$5$", "sha256"},
        {"$6$", "sha512"},  {"$y$", "yescrypt"}, {"$gy$", "gost-yescrypt"},
        {"$7$", "scrypt"},  {"$md5", "sunmd5"},  {"$sha1$", "sha1crypt"},
    };
    for (const P& p : kPrefixes) {
        if (pw.starts_with(p.prefix)) {
            return p.name;
        }
    }
    if (pw.size() == 13 && pw[0] != '$') {
        return "des";
    }
    if (pw.size() == 20 && pw[0] == '_') {
        return "bsdi-des";
    }
    return "unknown";
}

std::string day_date(int64_t days) {
    // "YYYY-MM-DD" of a day count since 1970-01-01.
    const std::string iso = format_utc(days * 86400);
    return iso.substr(0, 10);
}

class ShadowParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.shadow";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const std::string base = lower_base(probe.path);
        const bool hinted =
            base.find("shadow") != std::string::npos && base.find("gshadow") == std::string::npos;
        const auto [good, bad, root] = count_account_rows(
            probe,
            [](std::string_view line, bool&) {
                ShadowRow row;
                return parse_shadow(trim(line), row);
            },
            200);
        if (good == 0 || bad * 4 > good) {
            return 0;
        }
        return hinted ? 90 : (bad == 0 ? 80 : 0);
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        ShadowRow row;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!parse_shadow(t, row)) {
                sink.emit(make_error_record(pos, true, "linux.shadow: not a shadow line", t));
                continue;
            }
            r.clear();
            r.dataset = "linux.shadow";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("user").str("name", row.f[0]).end_object();
            w.begin_object("linux").begin_object("shadow");
            const std::string_view pw = row.f[1];
            w.str("username", row.f[0]).str("password", pw);
            static constexpr std::string_view kNames[] = {"last_changed", "minimum",  "maximum",
                                                          "warn",         "inactive", "expire"};
            for (size_t i = 0; i < 6; ++i) {
                if (const auto v = to_int(row.f[i + 2])) {
                    w.num(kNames[i], *v);
                } else {
                    w.null(kNames[i]);
                }
            }
            const bool locked = !pw.empty() && pw[0] == '!';
            const std::string_view algo = hash_algorithm(pw);
            w.boolean("password_empty", pw.empty());
            w.boolean("password_locked", locked);
            w.boolean("password_set", !algo.empty());
            if (!algo.empty()) {
                w.str("password_algorithm", algo);
            }
            if (const auto d = to_int(row.f[2]); d && *d == 0) {
                w.boolean("password_change_required", true);  // 0: change at next login
            }
            if (const auto d = to_int(row.f[2]); d && *d > 0 && *d < 2932897) {
                w.str("last_changed_date", day_date(*d));
            }
            if (const auto d = to_int(row.f[7]); d && *d > 0 && *d < 2932897) {
                w.str("expire_date", day_date(*d));
            }
            if (row.n == 9 && !row.f[8].empty()) {
                w.str("reserved", row.f[8]);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.shadow: file too large, rest not parsed"));
        }
    }
};

// ---- gshadow ----------------------------------------------------------------------------

struct GshadowRow {
    std::string_view f[4];
};

bool name_list(std::string_view s) {
    return no_space(s) && s.find(':') == std::string_view::npos;
}

bool parse_gshadow(std::string_view line, GshadowRow& r) {
    if (split_colon(line, r.f, 4) != 4 || r.f[0].empty() || !no_space(r.f[0]) ||
        !no_space(r.f[1]) || !name_list(r.f[2]) || !name_list(r.f[3])) {
        return false;
    }
    // /etc/group has its numeric gid here.
    return r.f[2].empty() || !to_int(r.f[2]);
}

void write_names(JsonWriter& w, std::string_view key, std::string_view list) {
    w.begin_array(key);
    size_t start = 0;
    while (start < list.size()) {
        size_t c = list.find(',', start);
        if (c == std::string_view::npos) {
            c = list.size();
        }
        if (c > start) {
            w.value_str(list.substr(start, c - start));
        }
        start = c + 1;
    }
    w.end_array();
}

class GshadowParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.gshadow";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const bool hinted = lower_base(probe.path).find("gshadow") != std::string::npos;
        const auto [good, bad, root] = count_account_rows(
            probe,
            [](std::string_view line, bool& is_root) {
                GshadowRow row;
                const bool ok = parse_gshadow(trim(line), row);
                is_root = ok && row.f[0] == "root" && row.f[2].empty();
                return ok;
            },
            200);
        if (good == 0) {
            return 0;
        }
        if (hinted) {
            return bad * 10 <= good ? 90 : 0;
        }
        return bad == 0 && root && good >= 3 ? 60 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        GshadowRow row;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (!parse_gshadow(t, row)) {
                sink.emit(make_error_record(pos, true, "linux.gshadow: not a gshadow line", t));
                continue;
            }
            r.clear();
            r.dataset = "linux.gshadow";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("group").str("name", row.f[0]).end_object();
            w.begin_object("linux").begin_object("gshadow");
            w.str("group_name", row.f[0]).str("password", row.f[1]);
            write_names(w, "administrators", row.f[2]);
            write_names(w, "members", row.f[3]);
            const std::string_view algo = hash_algorithm(row.f[1]);
            if (!algo.empty()) {
                // A group password lets non-members `newgrp` into the group.
                w.boolean("password_set", true).str("password_algorithm", algo);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.gshadow: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_shadow_parser() {
    static const ShadowParser kParser;
    return kParser;
}

const Parser& linux_gshadow_parser() {
    static const GshadowParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
