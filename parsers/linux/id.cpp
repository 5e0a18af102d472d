// linux.id: `id`, `id USER`, `id -a` (coreutils), any locale.
//
// One record per output line with jc's fields: uid{id,name}, gid{id,name}, groups[{id,name}],
// context{user,role,type,level} (SELinux), plus euid/egid when a set-id process printed them
// (the effective identity differs from the real one: worth a look).  The line is cut at each
// ` key=`, so a group name with spaces (`1234(domain users)`, sssd/AD) stays whole and the
// translated groups label (`Gruppen=`, `группы=`, `groupes=`) is still the group list.
// Names are absent (`uid=1001 gid=1001`) when the account is unknown to the host's NSS.
// ECS: user.id/name, user.effective.id/name, group.id/name (the primary group).  `id`'s own
// complaints (`id: ‘x’: no such user`) become evidenced.error records naming them.
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

bool digit(char c) {
    return c >= '0' && c <= '9';
}

struct IdName {
    std::string_view id;
    std::string_view name;
    bool has_name = false;
};

// "1000(kbrazil)" or "1001".
bool parse_id_name(std::string_view v, IdName& out) {
    size_t i = 0;
    while (i < v.size() && digit(v[i])) {
        ++i;
    }
    if (i == 0 || i > 10) {
        return false;
    }
    out.id = v.substr(0, i);
    if (i == v.size()) {
        out.has_name = false;
        return true;
    }
    if (v[i] != '(' || v.back() != ')') {
        return false;
    }
    out.name = v.substr(i + 1, v.size() - i - 2);
    out.has_name = true;
    return true;
}

// "0(root),4(adm),1234(domain users)": a name ends at the ')' before the next ",<digit>" or
// at the end of the list.
bool parse_groups(std::string_view v, std::vector<IdName>& out) {
    out.clear();
    size_t i = 0;
    while (i < v.size()) {
        size_t j = i;
        while (j < v.size() && digit(v[j])) {
            ++j;
        }
        if (j == i || j - i > 10) {
            return false;
        }
        IdName g;
        g.id = v.substr(i, j - i);
        if (j < v.size() && v[j] == '(') {
            size_t close = std::string_view::npos;
            for (size_t k = j + 1; k < v.size(); ++k) {
                if (v[k] == ')' && (k + 1 == v.size() ||
                                    (v[k + 1] == ',' && k + 2 < v.size() && digit(v[k + 2])))) {
                    close = k;
                    break;
                }
            }
            if (close == std::string_view::npos) {
                return false;
            }
            g.name = v.substr(j + 1, close - j - 1);
            g.has_name = true;
            j = close + 1;
        }
        out.push_back(g);
        if (j == v.size()) {
            return true;
        }
        if (v[j] != ',') {
            return false;
        }
        i = j + 1;
    }
    return !out.empty();
}

struct Segment {
    std::string_view key;
    std::string_view value;
};

// Splits "uid=0(root) gid=0(root) groups=0(root) context=a:b:c:d" at each " key=".
std::vector<Segment> segments(std::string_view line) {
    std::vector<Segment> out;
    size_t start = 0;
    auto key_at = [&](size_t p) -> size_t {
        // Length of "key=" at p (a key: no space, '(', ')', ',', '='), 0 if none.
        size_t k = p;
        while (k < line.size() && line[k] != '=' && line[k] != ' ' && line[k] != '(' &&
               line[k] != ')' && line[k] != ',' && k - p < 40) {
            ++k;
        }
        return (k > p && k < line.size() && line[k] == '=') ? k - p + 1 : 0;
    };
    size_t klen = key_at(0);
    if (klen == 0) {
        return out;
    }
    for (size_t i = 1; i <= line.size(); ++i) {
        size_t next_klen = 0;
        if (i < line.size() && line[i] == ' ' && i + 1 < line.size()) {
            next_klen = key_at(i + 1);
        }
        if (i == line.size() || next_klen != 0) {
            out.push_back(
                {line.substr(start, klen - 1), line.substr(start + klen, i - start - klen)});
            if (i == line.size()) {
                break;
            }
            start = i + 1;
            klen = next_klen;
            i = start + klen - 1;
        }
    }
    return out;
}

struct IdLine {
    IdName uid;
    IdName gid;
    IdName euid;
    IdName egid;
    bool has_euid = false;
    bool has_egid = false;
    bool has_groups = false;
    std::vector<IdName> groups;
    std::string_view context;
};

bool parse_id_line(std::string_view line, IdLine& out) {
    out = IdLine{};
    if (!line.starts_with("uid=")) {
        return false;
    }
    const std::vector<Segment> segs = segments(line);
    if (segs.size() < 2 || segs[0].key != "uid" || segs[1].key != "gid" ||
        !parse_id_name(segs[0].value, out.uid) || !parse_id_name(segs[1].value, out.gid)) {
        return false;
    }
    for (size_t i = 2; i < segs.size(); ++i) {
        const Segment& s = segs[i];
        if (s.key == "euid" && !out.has_euid) {
            out.has_euid = parse_id_name(s.value, out.euid);
            if (!out.has_euid) {
                return false;
            }
        } else if (s.key == "egid" && !out.has_egid) {
            out.has_egid = parse_id_name(s.value, out.egid);
            if (!out.has_egid) {
                return false;
            }
        } else if (s.key == "context" && out.context.empty()) {
            out.context = s.value;
        } else if (!out.has_groups && parse_groups(s.value, out.groups)) {
            out.has_groups = true;  // "groups", or its translation
        } else {
            return false;
        }
    }
    return true;
}

bool id_error_line(std::string_view t) {
    return t.starts_with("id: ");
}

bool name_hint(std::string_view path) {
    return basename_has_word(path, "id");
}

void write_id_name(JsonWriter& w, std::string_view key, const IdName& v) {
    w.begin_object(key).num("id", *to_int(v.id));
    if (v.has_name) {
        w.str("name", v.name);
    } else {
        w.null("name");
    }
    w.end_object();
}

class IdParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.id";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        int rows = 0;
        int other = 0;
        IdLine l;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || id_error_line(t)) {
                continue;
            }
            if (parse_id_line(t, l)) {
                ++rows;
            } else if (++other > 2) {
                return 0;
            }
            if (rows + other >= 20) {
                break;
            }
        }
        if (rows == 0 || other * 4 > rows) {
            return 0;
        }
        return name_hint(probe.path) ? 90 : 80;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        IdLine l;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            if (id_error_line(t)) {
                sink.emit(make_error_record(pos, true, "linux.id: id reported an error", t));
                continue;
            }
            if (!parse_id_line(t, l)) {
                sink.emit(make_error_record(pos, true, "linux.id: not an id line", t));
                continue;
            }
            r.clear();
            r.dataset = "linux.id";
            r.position = pos;
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("user").str("id", l.uid.id);
            if (l.uid.has_name) {
                w.str("name", l.uid.name);
            }
            if (l.has_euid) {
                w.begin_object("effective").str("id", l.euid.id);
                if (l.euid.has_name) {
                    w.str("name", l.euid.name);
                }
                w.end_object();
            }
            w.end_object();
            w.begin_object("group").str("id", l.gid.id);
            if (l.gid.has_name) {
                w.str("name", l.gid.name);
            }
            w.end_object();
            w.begin_object("linux").begin_object("id");
            write_id_name(w, "uid", l.uid);
            write_id_name(w, "gid", l.gid);
            if (l.has_euid) {
                write_id_name(w, "euid", l.euid);
            }
            if (l.has_egid) {
                write_id_name(w, "egid", l.egid);
            }
            if (l.has_groups) {
                w.begin_array("groups");
                for (const IdName& g : l.groups) {
                    w.begin_object().num("id", *to_int(g.id));
                    if (g.has_name) {
                        w.str("name", g.name);
                    } else {
                        w.null("name");
                    }
                    w.end_object();
                }
                w.end_array();
            }
            if (!l.context.empty()) {
                // user:role:type:level, the level keeping its own colons (s0-s0:c0.c1023).
                std::string_view rest = l.context;
                std::string_view parts[4];
                size_t n = 0;
                while (n < 3) {
                    const size_t c = rest.find(':');
                    if (c == std::string_view::npos) {
                        break;
                    }
                    parts[n++] = rest.substr(0, c);
                    rest = rest.substr(c + 1);
                }
                parts[n++] = rest;
                if (n == 4) {
                    w.begin_object("context")
                        .str("user", parts[0])
                        .str("role", parts[1])
                        .str("type", parts[2])
                        .str("level", parts[3])
                        .end_object();
                } else {
                    w.str("context_raw", l.context);
                }
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.id: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_id_parser() {
    static const IdParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
