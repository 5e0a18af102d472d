// linux.modinfo: `modinfo MODULE...` (UAC runs it for every loaded module:
// system/modinfo/modinfo_<module>.txt; Cat-Scale modinfo.txt).  jc has no parser.
//
// One record per module block (a block starts at `filename:`).  Keys are kept as modinfo
// names them (filename, name, version, description, license, srcversion, vermagic, sig_id,
// signer, sig_key, sig_hashalgo, intree, retpoline, softdep, ...); the keys that repeat become
// lists (author[], alias[], firmware[], import_ns[]), depends[] is split at commas, parm[] is
// {name, description}, and the signature's continuation lines are joined.  ECS file.path
// (the .ko).  `notable` names what an analyst looks for in a rootkit hunt: no `intree: Y`
// (out-of-tree module), no signer (unsigned), a license the kernel treats as proprietary, a
// file outside /lib/modules or /usr/lib/modules.  `modinfo: ERROR: ...` lines become
// evidenced.error records naming the module.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// "key:   value" with a lower-case key of letters, digits, '_'.
bool split_kv(std::string_view line, std::string_view& key, std::string_view& value) {
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 24) {
        return false;
    }
    key = line.substr(0, colon);
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    value = trim(line.substr(colon + 1));
    return true;
}

bool is_list_key(std::string_view k) {
    return k == "author" || k == "alias" || k == "firmware" || k == "import_ns" || k == "softdep" ||
           k == "scmversion";
}

// Licenses the kernel counts as GPL-compatible (include/linux/license.h).
bool gpl_compatible(std::string_view l) {
    return l == "GPL" || l == "GPL v2" || l == "GPL and additional rights" || l == "Dual BSD/GPL" ||
           l == "Dual MIT/GPL" || l == "Dual MPL/GPL";
}

struct Module {
    std::string_view first;
    std::vector<std::pair<std::string_view, std::string_view>> kv;
    std::string signature;
};

void emit(const Module& m, LineNumbers& ln, RecordSink& sink) {
    Record r;
    r.dataset = "linux.modinfo";
    r.position = ln.of(m.first);
    std::string_view filename, license, signer, intree;
    JsonWriter w(r.body);
    w.resume_object(false).begin_object("linux").begin_object("modinfo");
    // Single keys in order of first appearance; list keys gathered.
    std::vector<std::string_view> done;
    for (const auto& [k, v] : m.kv) {
        if (std::find(done.begin(), done.end(), k) != done.end()) {
            continue;
        }
        done.push_back(k);
        if (k == "parm") {
            w.begin_array("parm");
            for (const auto& [k2, v2] : m.kv) {
                if (k2 == "parm") {
                    const size_t c = v2.find(':');
                    w.begin_object().str("name", trim(v2.substr(0, c)));
                    w.str("description", c == std::string_view::npos ? std::string_view{}
                                                                     : trim(v2.substr(c + 1)));
                    w.end_object();
                }
            }
            w.end_array();
        } else if (k == "depends") {
            w.begin_array("depends");
            size_t pos = 0;
            while (pos < v.size()) {
                const size_t comma = std::min(v.find(',', pos), v.size());
                if (comma > pos) {
                    w.value_str(v.substr(pos, comma - pos));
                }
                pos = comma + 1;
            }
            w.end_array();
        } else if (is_list_key(k)) {
            w.begin_array(k);
            for (const auto& [k2, v2] : m.kv) {
                if (k2 == k) {
                    w.value_str(v2);
                }
            }
            w.end_array();
        } else if (k == "signature") {
            w.str("signature", m.signature);
        } else {
            w.str(k, v);
        }
        filename = k == "filename" ? v : filename;
        license = k == "license" ? v : license;
        signer = k == "signer" ? v : signer;
        intree = k == "intree" ? v : intree;
    }
    std::vector<std::string_view> notable;
    const bool builtin = filename == "(builtin)";
    if (!builtin && intree != "Y") {
        notable.push_back("out-of-tree module");
    }
    if (!builtin && signer.empty()) {
        notable.push_back("unsigned module");
    }
    if (!license.empty() && !gpl_compatible(license)) {
        notable.push_back("proprietary license");
    }
    if (!builtin && !filename.empty() && !filename.starts_with("/lib/modules/") &&
        !filename.starts_with("/usr/lib/modules/")) {
        notable.push_back("module file outside the modules tree");
    }
    if (!notable.empty()) {
        w.begin_array("notable");
        for (auto n : notable) {
            w.value_str(n);
        }
        w.end_array();
    }
    w.end_object().end_object();
    if (!builtin && !filename.empty()) {
        w.begin_object("file").str("path", filename).end_object();
    }
    sink.emit(r);
}

class ModinfoParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.modinfo";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        bool filename = false;
        size_t kv = 0, other = 0, errors = 0, markers = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            std::string_view k, v;
            if (trim(line).empty() || line[0] == '\t' || line[0] == ' ') {
                continue;
            }
            if (line.starts_with("modinfo: ERROR: ")) {
                ++errors;
                continue;
            }
            if (!split_kv(line, k, v)) {
                ++other;
                continue;
            }
            if (kv == 0 && k != "filename") {
                return 0;
            }
            ++kv;
            filename = filename || (k == "filename" &&
                                    (v.find(".ko") != std::string_view::npos || v == "(builtin)"));
            markers +=
                k == "vermagic" || k == "license" || k == "srcversion" || k == "depends" ? 1 : 0;
        }
        if (kv == 0) {
            return errors > 0 && other == 0 && linux_cmd::name_hints(probe, "modinfo") ? 80 : 0;
        }
        return filename && markers > 0 && other * 10 <= kv ? 92 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        Module cur;
        bool in_signature = false;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            if (line[0] == '\t' || line[0] == ' ') {
                if (in_signature) {
                    cur.signature.append(trim(line));
                    continue;
                }
                sink.emit(
                    make_error_record(ln.of(line), true, "modinfo: line does not parse", line));
                continue;
            }
            in_signature = false;
            if (line.starts_with("modinfo: ")) {
                sink.emit(make_error_record(ln.of(line), true, "modinfo: the tool reported", line));
                continue;
            }
            std::string_view k, v;
            if (!split_kv(line, k, v)) {
                sink.emit(
                    make_error_record(ln.of(line), true, "modinfo: line does not parse", line));
                continue;
            }
            if (k == "filename" && !cur.kv.empty()) {
                emit(cur, ln, sink);
                cur = Module{};
            }
            if (cur.kv.empty()) {
                cur.first = line;
            }
            cur.kv.emplace_back(k, v);
            if (k == "signature") {
                cur.signature.assign(v);
                in_signature = true;
            }
        }
        if (!cur.kv.empty()) {
            emit(cur, ln, sink);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "modinfo: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_modinfo_parser() {
    static const ModinfoParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
