// linux.hashsum: md5sum / sha1sum / sha224sum / sha256sum / sha384sum / sha512sum output
// (`<hex>  <name>`, binary mode `<hex> *<name>`, a leading `\` when the name was escaped),
// the BSD/--tag form (`SHA256 (name) = <hex>`), `--check` results (`name: OK|FAILED`) and
// the tools' own error lines (`md5sum: /x: No such file or directory`).  Collections: UAC
// process/hash_running_processes.{md5,sha1}, hash_executables/*; Cat-Scale processhashes.txt,
// exec-perm-files.txt, module-sha1.txt, *-hashes.txt.
//
// One record per line with jc 1.25.5's hashsum fields (hash, filename) plus `algorithm` (from
// the hex length, or the file name when the length is shared: b2sum), `binary` (`*`), and the
// ECS file.path / file.hash.<algorithm>.  `/proc/<pid>/exe` names also give process.pid: that
// is what "hash the running processes" collections hash.  Escaped names (`\\`, `\n`) are
// decoded for file.path; `filename` keeps the printed text.  Error lines become records with
// `error` and event.outcome failure (a binary the collector could not read is a finding).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::ascii_lower;
using linux_cmd::LineNumbers;
using linux_cmd::name_words;
using linux_cmd::output_lines;
using linux_cmd::path_basename;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

// The ECS file.hash key of a digest length; "" when the length names none.
std::string_view algorithm_of(size_t hex_len, bool blake2) {
    if (blake2) {
        return "blake2b";
    }
    switch (hex_len) {
        case 32: return "md5";
        case 40: return "sha1";
        case 56: return "sha224";
        case 64: return "sha256";
        case 96: return "sha384";
        case 128: return "sha512";
        default: return {};
    }
}

bool ecs_algorithm(std::string_view a) {
    return a == "md5" || a == "sha1" || a == "sha256" || a == "sha384" || a == "sha512";
}

bool name_hint(std::string_view path) {
    static constexpr std::string_view kWords[] = {
        "md5sum",     "sha1sum",   "sha224sum",     "sha256sum",   "sha384sum", "sha512sum",
        "b2sum",      "md5",       "sha1",          "sha256",      "sha512",    "hash",
        "hashes",     "hashsum",   "processhashes", "checksums",   "md5sums",   "sha1sums",
        "sha256sums", "binhashes", "exec",          "executables",
    };
    // The folder counts too: UAC's hash_executables/<anything>.
    for (const std::string& w : name_words(path)) {
        for (std::string_view k : kWords) {
            if (w == k) {
                return true;
            }
        }
    }
    return false;
}

bool name_says_blake2(std::string_view path) {
    for (const std::string& w : name_words(path_basename(path))) {
        if (w == "b2sum" || w == "blake2" || w == "blake2b" || w == "b2") {
            return true;
        }
    }
    return false;
}

struct Line {
    enum Kind { kNone, kHash, kTag, kCheck, kError } kind = kNone;
    std::string_view hash;
    std::string_view name;  // as printed
    std::string_view tag;   // --tag algorithm name ("SHA256")
    std::string_view status;
    std::string_view tool;  // "md5sum" of an error line
    bool binary = false;
    bool escaped = false;
};

// md5sum: `<hex>  <name>` / `<hex> *<name>`, `\` first when the name is escaped.
bool parse_hash_line(std::string_view l, Line& out) {
    bool escaped = false;
    if (!l.empty() && l[0] == '\\') {
        escaped = true;
        l.remove_prefix(1);
    }
    const size_t sp = l.find(' ');
    if (sp == std::string_view::npos || sp < 32 || sp > 128 || sp + 2 > l.size()) {
        return false;
    }
    const std::string_view hex = l.substr(0, sp);
    if (!is_hex(hex) || (sp % 8) != 0) {
        return false;
    }
    const char mode = l[sp + 1];
    if (mode != ' ' && mode != '*') {
        return false;
    }
    out = Line{};
    out.kind = Line::kHash;
    out.hash = hex;
    out.name = l.substr(sp + 2);
    out.binary = mode == '*';
    out.escaped = escaped;
    return !out.name.empty();
}

// --tag / BSD: `SHA256 (name) = <hex>`, `MD5 (name) = <hex>`, `BLAKE2b (name) = <hex>`.
bool parse_tag_line(std::string_view l, Line& out) {
    bool escaped = false;
    if (!l.empty() && l[0] == '\\') {
        escaped = true;
        l.remove_prefix(1);
    }
    const size_t open = l.find(" (");
    const size_t eq = l.rfind(") = ");
    if (open == std::string_view::npos || eq == std::string_view::npos || eq <= open || open == 0 ||
        open > 12) {
        return false;
    }
    const std::string_view tag = l.substr(0, open);
    if (!std::all_of(tag.begin(), tag.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-';
        })) {
        return false;
    }
    const std::string_view hex = l.substr(eq + 4);
    if (hex.size() < 32 || !is_hex(hex)) {
        return false;
    }
    out = Line{};
    out.kind = Line::kTag;
    out.tag = tag;
    out.hash = hex;
    out.name = l.substr(open + 2, eq - open - 2);
    out.escaped = escaped;
    return true;
}

bool is_tool(std::string_view w) {
    return w == "md5sum" || w == "sha1sum" || w == "sha224sum" || w == "sha256sum" ||
           w == "sha384sum" || w == "sha512sum" || w == "b2sum" || w == "cksum";
}

// `md5sum: /x: No such file or directory`, `sha1sum: WARNING: 1 computed checksum did NOT match`
bool parse_error_line(std::string_view l, Line& out) {
    const size_t colon = l.find(": ");
    if (colon == std::string_view::npos) {
        return false;
    }
    std::string_view tool = l.substr(0, colon);
    tool = path_basename(tool);  // "/usr/bin/md5sum: ..."
    if (!is_tool(tool)) {
        return false;
    }
    out = Line{};
    out.kind = Line::kError;
    out.tool = tool;
    const std::string_view rest = l.substr(colon + 2);
    // The operand is what lies before the last ": " (the message has none).
    const size_t last = rest.rfind(": ");
    if (last != std::string_view::npos && !rest.starts_with("WARNING")) {
        out.name = rest.substr(0, last);
        out.status = rest.substr(last + 2);
    } else {
        out.status = rest;
    }
    return true;
}

// --check: `name: OK`, `name: FAILED`, `name: FAILED open or read`.
bool parse_check_line(std::string_view l, Line& out) {
    for (std::string_view st : {std::string_view(": OK"), std::string_view(": FAILED"),
                                std::string_view(": FAILED open or read")}) {
        if (l.size() > st.size() && l.ends_with(st)) {
            out = Line{};
            out.kind = Line::kCheck;
            out.name = l.substr(0, l.size() - st.size());
            out.status = st.substr(2);
            return true;
        }
    }
    return false;
}

Line classify(std::string_view l) {
    Line out;
    if (parse_hash_line(l, out) || parse_tag_line(l, out) || parse_error_line(l, out) ||
        parse_check_line(l, out)) {
        return out;
    }
    return Line{};
}

// Reverses md5sum's name escaping (`\\` -> `\`, `\n` -> newline, `\r`).
std::string unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[i + 1];
            if (n == '\\' || n == 'n' || n == 'r') {
                out.push_back(n == '\\' ? '\\' : n == 'n' ? '\n' : '\r');
                ++i;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

// The pid of a `/proc/<pid>/exe` name.
std::string_view proc_pid(std::string_view path) {
    if (!path.starts_with("/proc/") || !path.ends_with("/exe")) {
        return {};
    }
    const std::string_view pid = path.substr(6, path.size() - 10);
    if (pid.empty() || pid.size() > 10 ||
        !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return {};
    }
    return pid;
}

class HashsumParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.hashsum";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        size_t hashes = 0;
        size_t other = 0;
        size_t errors = 0;
        for (std::string_view l : output_lines(whole_lines(probe))) {
            if (trim(l).empty()) {
                continue;
            }
            const Line c = classify(l);
            if (c.kind == Line::kHash || c.kind == Line::kTag) {
                ++hashes;
            } else if (c.kind == Line::kError || c.kind == Line::kCheck) {
                ++errors;
            } else {
                ++other;
            }
            if (hashes + other + errors >= 200) {
                break;
            }
        }
        if (hashes == 0) {
            return 0;
        }
        const bool hinted = name_hint(probe.path);
        if (other == 0) {
            return hinted ? 90 : 80;
        }
        // A few stray lines (a banner, a note) among many hashes.
        if (other * 10 <= hashes) {
            return hinted ? 85 : 60;
        }
        return hinted && hashes > other ? 50 : 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        LineNumbers ln(text);
        const bool blake2 = name_says_blake2(ctx.member);
        Record r;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            const uint64_t pos = ln.of(line);
            const Line c = classify(line);
            if (c.kind == Line::kNone) {
                sink.emit(make_error_record(pos, true, "hashsum: not a checksum line", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.hashsum";
            r.position = pos;
            std::string_view alg;
            if (c.kind == Line::kTag) {
                const std::string t = ascii_lower(c.tag);
                alg = t == "md5"                ? "md5"
                      : t == "sha1"             ? "sha1"
                      : t == "sha224"           ? "sha224"
                      : t == "sha256"           ? "sha256"
                      : t == "sha384"           ? "sha384"
                      : t == "sha512"           ? "sha512"
                      : t.starts_with("blake2") ? "blake2b"
                                                : std::string_view{};
            } else if (c.kind == Line::kHash) {
                alg = algorithm_of(c.hash.size(), blake2);
            }
            const std::string path = c.escaped ? unescape(c.name) : std::string(c.name);
            const std::string hash = ascii_lower(c.hash);
            if (c.kind == Line::kError || (c.kind == Line::kCheck && c.status != "OK")) {
                JsonWriter ev(r.event_fields);
                ev.resume_object(false);
                ev.str("outcome", "failure");
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            if (!path.empty() && path != "-") {
                w.begin_object("file").str("path", path);
                if (!hash.empty() && ecs_algorithm(alg)) {
                    w.begin_object("hash").str(alg, hash).end_object();
                }
                w.end_object();
                if (const std::string_view pid = proc_pid(path); !pid.empty()) {
                    w.begin_object("process").num("pid", *linux_cmd::to_int(pid)).end_object();
                }
            }
            w.begin_object("linux").begin_object("hashsum");
            if (!c.name.empty()) {
                w.str("filename", c.name);
            }
            if (!hash.empty()) {
                w.str("hash", hash);
            }
            if (!alg.empty()) {
                w.str("algorithm", alg);
            } else if (!hash.empty()) {
                w.boolean("algorithm_unknown", true);
            }
            if (c.binary) {
                w.boolean("binary", true);
            }
            if (c.escaped) {
                w.boolean("escaped", true);
            }
            if (c.kind == Line::kCheck) {
                w.str("status", c.status);
            }
            if (c.kind == Line::kError) {
                w.str("error", c.status).str("tool", c.tool);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(
                make_error_record(0, true, "hashsum: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_hashsum_parser() {
    static const HashsumParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
