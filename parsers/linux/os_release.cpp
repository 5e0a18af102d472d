// linux.os_release: /etc/os-release, /usr/lib/os-release, /etc/lsb-release, `lsb_release -a`,
// /etc/*-release one-liners (redhat-release, centos-release), and Cat-Scale's release.txt
// (every /etc/*release* concatenated, then `KERNELVERSION(uname -r)=<release>`).
//
// One record per file, as jc's os_release / lsb_release parsers (aliases of its key/value
// parser) give one object: the pairs under linux.os_release with their keys as written
// (NAME, VERSION_ID, DISTRIB_ID, "Distributor ID", ...), values unquoted (os-release's shell
// quoting: "...", '...', backslash escapes).  Beyond jc: KERNELVERSION (Cat-Scale's uname -r
// line), other_lines (lines that are no pair: "CentOS Linux release 7.9.2009 (Core)",
// "cpe:/o:centos:centos:7"), duplicates (a key repeated with another value in a concatenated
// file: the first one stays, the others are listed).  The ECS host.os fields the pairs give
// (name, version, full, platform, family, kernel, type) go into the record's `host`.
// Detection: key=value files are generic, so the file name must say "release" and the content
// hold a known key, or the content alone must be a clean os-release (only KEY=value lines,
// three of its own keys) or `lsb_release -a` (its fixed labels).
#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"
#include "parsers/linux/file_meta.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

constexpr std::array<std::string_view, 5> kLsbLabels = {"LSB Version", "Distributor ID",
                                                        "Description", "Release", "Codename"};
constexpr std::array<std::string_view, 14> kKnownKeys = {"NAME",
                                                         "ID",
                                                         "ID_LIKE",
                                                         "VERSION",
                                                         "VERSION_ID",
                                                         "PRETTY_NAME",
                                                         "HOME_URL",
                                                         "VERSION_CODENAME",
                                                         "CPE_NAME",
                                                         "BUG_REPORT_URL",
                                                         "DISTRIB_ID",
                                                         "DISTRIB_RELEASE",
                                                         "DISTRIB_DESCRIPTION",
                                                         "DISTRIB_CODENAME"};
constexpr std::string_view kKernelPrefix = "KERNELVERSION(uname -r)=";

bool upper_key(std::string_view k) {
    if (k.empty() || k.size() > 64 || !(k[0] >= 'A' && k[0] <= 'Z')) {
        return false;
    }
    for (char c : k) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

bool known_key(std::string_view k) {
    for (std::string_view x : kKnownKeys) {
        if (x == k) {
            return true;
        }
    }
    return false;
}

// os-release values follow shell quoting: "a \"b\"", 'c', or bare.
std::string unquote(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
        const char q = v.front();
        v = v.substr(1, v.size() - 2);
        std::string out;
        out.reserve(v.size());
        for (size_t i = 0; i < v.size(); ++i) {
            if (q == '"' && v[i] == '\\' && i + 1 < v.size()) {
                out.push_back(v[++i]);
            } else {
                out.push_back(v[i]);
            }
        }
        return out;
    }
    return std::string(v);
}

enum class LineKind { kSkip, kPair, kLsb, kKernel, kOther };

struct Classified {
    LineKind kind = LineKind::kSkip;
    std::string_view key;
    std::string_view value;
};

Classified classify(std::string_view t) {
    Classified c;
    if (t.empty() || t[0] == '#' || t == "No LSB modules are available.") {
        return c;
    }
    if (t.starts_with(kKernelPrefix)) {
        c.kind = LineKind::kKernel;
        c.key = "KERNELVERSION";
        c.value = trim(t.substr(kKernelPrefix.size()));
        return c;
    }
    for (std::string_view label : kLsbLabels) {
        if (t.size() > label.size() && t.starts_with(label) && t[label.size()] == ':') {
            c.kind = LineKind::kLsb;
            c.key = label;
            c.value = trim(t.substr(label.size() + 1));
            return c;
        }
    }
    const size_t eq = t.find('=');
    if (eq != std::string_view::npos && upper_key(t.substr(0, eq))) {
        c.kind = LineKind::kPair;
        c.key = t.substr(0, eq);
        c.value = t.substr(eq + 1);
        return c;
    }
    c.kind = LineKind::kOther;
    c.value = t;
    return c;
}

bool name_hint(std::string_view path) {
    return basename_contains(path, "release");
}

int content_score(const FileProbe& probe) {
    const bool hinted = name_hint(probe.path);
    int known = 0;
    int pairs = 0;
    int lsb = 0;
    int kernel = 0;
    int other = 0;
    int release_lines = 0;
    int seen = 0;
    for (std::string_view line : output_lines(whole_lines(probe))) {
        const std::string_view t = trim(line);
        const Classified c = classify(t);
        if (c.kind == LineKind::kSkip) {
            continue;
        }
        if (++seen > 200) {
            break;
        }
        switch (c.kind) {
            case LineKind::kPair:
                ++pairs;
                known += known_key(c.key) ? 1 : 0;
                break;
            case LineKind::kLsb: ++lsb; break;
            case LineKind::kKernel: ++kernel; break;
            case LineKind::kOther:
                ++other;
                // "CentOS Linux release 7.9.2009 (Core)", "Red Hat Enterprise Linux release 8.6".
                release_lines += t.find(" release ") != std::string_view::npos ? 1 : 0;
                break;
            case LineKind::kSkip: break;
        }
    }
    if (hinted) {
        const int signs = known + lsb + kernel + release_lines;
        if (signs == 0 || other > (pairs + lsb + kernel + 1) * 2) {
            return 0;
        }
        return 85;
    }
    if (other == 0 && kernel == 0 && lsb == 0 && known >= 3 && pairs <= known * 3) {
        return 70;
    }
    if (other == 0 && pairs == 0 && lsb >= 3) {
        return 75;
    }
    return 0;
}

// ECS host.os.family from ID and ID_LIKE ("debian", "redhat", "suse", ...).
std::string_view os_family(std::string_view id, std::string_view id_like) {
    std::vector<std::string> words;
    for (std::string_view src : {id_like, id}) {
        const std::string low = ascii_lower(src);
        for (std::string_view w : split_ws(low)) {
            words.emplace_back(w);
        }
    }
    for (const std::string& w : words) {
        if (w == "debian" || w == "ubuntu") {
            return "debian";
        }
        if (w == "rhel" || w == "fedora" || w == "centos" || w == "redhat") {
            return "redhat";
        }
        if (w == "suse" || w == "opensuse" || w == "sles") {
            return "suse";
        }
        if (w == "arch" || w == "alpine" || w == "gentoo") {
            return w == "arch" ? "arch" : (w == "alpine" ? "alpine" : "gentoo");
        }
    }
    return {};
}

class OsReleaseParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.os_release";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        return content_score(probe);
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        struct Pair {
            std::string key;
            std::string value;
        };
        std::vector<Pair> pairs;
        std::map<std::string, size_t> index;
        std::vector<Pair> duplicates;
        std::vector<std::string_view> other;
        uint64_t first = 0;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            const Classified c = classify(t);
            if (c.kind == LineKind::kSkip) {
                continue;
            }
            if (first == 0) {
                first = ln.of(line);
            }
            if (c.kind == LineKind::kOther) {
                if (other.size() < 256) {
                    other.push_back(t);
                }
                continue;
            }
            std::string value = c.kind == LineKind::kPair ? unquote(c.value) : std::string(c.value);
            std::string key(c.key);
            const auto it = index.find(key);
            if (it == index.end()) {
                if (pairs.size() < 512) {
                    index.emplace(key, pairs.size());
                    pairs.push_back({std::move(key), std::move(value)});
                }
            } else if (pairs[it->second].value != value && duplicates.size() < 256) {
                duplicates.push_back({std::move(key), std::move(value)});
            }
        }
        if (first == 0) {
            return;
        }
        auto get = [&](std::string_view k) -> std::string_view {
            const auto it = index.find(std::string(k));
            return it == index.end() ? std::string_view{}
                                     : std::string_view(pairs[it->second].value);
        };
        auto first_of = [&](std::initializer_list<std::string_view> keys) -> std::string_view {
            for (std::string_view k : keys) {
                if (const std::string_view v = get(k); !v.empty()) {
                    return v;
                }
            }
            return {};
        };
        Record r;
        r.dataset = "linux.os_release";
        r.position = first;
        JsonWriter w(r.body);
        w.resume_object(false).begin_object("linux").begin_object("os_release");
        for (const Pair& p : pairs) {
            w.str(p.key, p.value);
        }
        if (!other.empty()) {
            w.begin_array("other_lines");
            for (std::string_view o : other) {
                w.value_str(o);
            }
            w.end_array();
        }
        if (!duplicates.empty()) {
            w.begin_array("duplicates");
            for (const Pair& p : duplicates) {
                w.begin_object().str("key", p.key).str("value", p.value).end_object();
            }
            w.end_array();
        }
        // The ECS host.os view.
        std::string_view os_name = first_of({"NAME", "DISTRIB_ID", "Distributor ID"});
        std::string_view version = first_of({"VERSION_ID", "DISTRIB_RELEASE", "Release"});
        // "Red Hat Enterprise Linux release 8.6 (Ootpa)": /etc/redhat-release and kin.
        for (std::string_view o : other) {
            const size_t rel = o.find(" release ");
            if (rel == std::string_view::npos || rel == 0) {
                continue;
            }
            if (os_name.empty()) {
                os_name = o.substr(0, rel);
            }
            if (version.empty()) {
                version = split_ws(o.substr(rel + 9), 2)[0];
            }
            break;
        }
        std::string_view full = first_of({"PRETTY_NAME", "DISTRIB_DESCRIPTION", "Description"});
        if (full.empty() && !other.empty()) {
            full = other.front();
        }
        std::string platform = ascii_lower(first_of({"ID", "DISTRIB_ID", "Distributor ID"}));
        const std::string_view family = os_family(platform, get("ID_LIKE"));
        const std::string_view kernel = get("KERNELVERSION");
        JsonWriter h(r.host_fields);
        h.begin_object("os");
        if (!os_name.empty()) {
            h.str("name", os_name);
        }
        if (!version.empty()) {
            h.str("version", version);
        }
        if (!full.empty()) {
            h.str("full", full);
        }
        if (!platform.empty()) {
            h.str("platform", platform);
        }
        if (!family.empty()) {
            h.str("family", family);
        }
        if (!kernel.empty()) {
            h.str("kernel", kernel);
        }
        h.str("type", "linux");
        h.end_object();
        w.end_object().end_object();
        sink.emit(r);
        if (cut) {
            sink.emit(make_error_record(0, true, "linux.os_release: file too large, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_os_release_parser() {
    static const OsReleaseParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
