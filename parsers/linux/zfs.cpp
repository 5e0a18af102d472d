// linux.zpool_status, linux.zpool_list, linux.zfs_list: ZFS pool and dataset state (UAC
// storage/zpool_status_-v.txt, zpool_list_-v.txt, zfs_list.txt).
//
// zpool_status: one record per pool with jc 1.25.5's zpool_status names -- pool, state,
// status, action, see, scan, scrub, config (one entry per vdev line: name, state, read, write,
// checksum, errors = the text after the counters, e.g. "too many errors"), errors -- plus
// depth on each config entry (0 = the pool, 1 = a mirror/raidz or "logs"/"cache"/"spares"
// group...) and error_files (the files `-v` lists under "Permanent errors").  Wrapped
// values ("status: One or more devices ...") are joined with a space.
// zpool_list: one record per pool or vdev row of `zpool list [-v]`, keys from the header
// lower-cased (name, size, alloc, free, ckpoint, expandsz, frag, cap, dedup, health,
// altroot), plus depth and pool (the pool a vdev row belongs to).
// zfs_list: one record per dataset of `zfs list [-o ...]`, keys from the header lower-cased
// (name, used, avail, refer, mountpoint, usedsnap, sharenfs...); the last column keeps
// spaces.  Sizes stay as printed ("180G").
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

std::string lower(std::string_view s) {
    std::string out;
    for (char c : s) {
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

// Indent width with a tab counted as 8 columns.
size_t indent_of(std::string_view l) {
    size_t col = 0;
    for (char c : l) {
        if (c == ' ') {
            ++col;
        } else if (c == '\t') {
            col = (col / 8 + 1) * 8;
        } else {
            break;
        }
    }
    return col;
}

// ---- zpool status -------------------------------------------------------------------------

// "  pool: rpool" -> key "pool", value "rpool".
bool status_key(std::string_view line, std::string_view& key, std::string_view& value) {
    const std::string_view t = trim(line);
    const size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    key = t.substr(0, colon);
    for (std::string_view k : {"pool", "state", "status", "action", "see", "scan", "scrub",
                               "config", "errors", "remove", "checkpoint", "id"}) {
        if (key == k) {
            value = trim(t.substr(colon + 1));
            return true;
        }
    }
    return false;
}

struct Vdev {
    std::string_view name, state, read, write, checksum;
    std::string errors;
    size_t depth = 0;
};

struct Pool {
    uint64_t line = 0;
    std::vector<std::pair<std::string, std::string>> kv;
    std::vector<Vdev> config;
    std::vector<std::string_view> error_files;
};

void put_counter(JsonWriter& j, std::string_view key, std::string_view v) {
    if (v.empty()) {
        return;
    }
    if (const auto n = to_int(v)) {
        j.num(key, *n);
    } else {
        j.str(key, v);  // "1.2K" when the count is large
    }
}

class ZpoolStatusParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.zpool_status";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::command_hint(probe.path) == "zpool";
        const auto lines = linux_cmd::prompt_free_lines(whole_lines(probe));
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string_view t = trim(lines[i]);
            if (t.empty()) {
                continue;
            }
            if (t == "no pools available") {
                return hinted ? 90 : 0;
            }
            std::string_view k, v;
            // "  pool: x" then " state: Y": zpool's layout.
            if (status_key(lines[i], k, v) && k == "pool" && i + 1 < lines.size() &&
                status_key(lines[i + 1], k, v) && (k == "state" || k == "id")) {
                return hinted ? 95 : 92;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::vector<Pool> pools;
        enum class In { kHead, kConfig, kErrors } where = In::kHead;
        std::string* last_value = nullptr;
        size_t base_indent = 0;
        bool have_base = false;
        for (std::string_view line : linux_cmd::prompt_free_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            std::string_view k, v;
            if (line[0] != '\t' && status_key(line, k, v)) {
                if (k == "pool") {
                    pools.emplace_back();
                    pools.back().line = ln.of(line);
                    where = In::kHead;
                }
                if (pools.empty()) {
                    sink.emit(make_error_record(ln.of(line), true,
                                                "zpool_status: line before a pool", line));
                    continue;
                }
                last_value = nullptr;
                if (k == "config") {
                    where = In::kConfig;
                    have_base = false;
                    continue;
                }
                pools.back().kv.emplace_back(std::string(k), std::string(v));
                last_value = &pools.back().kv.back().second;
                where = k == "errors" ? In::kErrors : In::kHead;
                continue;
            }
            if (pools.empty()) {
                sink.emit(
                    make_error_record(ln.of(line), true, "zpool_status: line before a pool", line));
                continue;
            }
            Pool& p = pools.back();
            if (where == In::kErrors) {
                p.error_files.push_back(t);
                continue;
            }
            if (where == In::kHead) {
                // A wrapped value ("status:" and "action:" run over several lines).
                if (last_value != nullptr) {
                    last_value->append(last_value->empty() ? "" : " ").append(t);
                }
                continue;
            }
            const auto w = split_ws(t);
            if (w.size() >= 2 && w[0] == "NAME" && w[1] == "STATE") {
                continue;  // the config's header
            }
            const size_t ind = indent_of(line);
            if (!have_base) {
                base_indent = ind;
                have_base = true;
            }
            Vdev d;
            d.name = w[0];
            d.depth = ind > base_indent ? (ind - base_indent) / 2 : 0;
            if (w.size() >= 5) {
                d.state = w[1];
                d.read = w[2];
                d.write = w[3];
                d.checksum = w[4];
                for (size_t x = 5; x < w.size(); ++x) {
                    d.errors.append(d.errors.empty() ? "" : " ").append(w[x]);
                }
            } else if (w.size() >= 2) {
                d.state = w[1];  // a spare: "sdx  AVAIL"
                for (size_t x = 2; x < w.size(); ++x) {
                    d.errors.append(d.errors.empty() ? "" : " ").append(w[x]);
                }
            }
            p.config.push_back(std::move(d));
        }
        Record r;
        for (const Pool& p : pools) {
            r.clear();
            r.dataset = "linux.zpool_status";
            r.position = p.line;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("zpool_status");
            for (const auto& [k, v] : p.kv) {
                if (k != "errors") {
                    j.str(k, v);
                }
            }
            j.begin_array("config");
            for (const Vdev& d : p.config) {
                j.begin_object().str("name", d.name).opt_str("state", d.state);
                put_counter(j, "read", d.read);
                put_counter(j, "write", d.write);
                put_counter(j, "checksum", d.checksum);
                j.opt_str("errors", d.errors).num("depth", static_cast<int64_t>(d.depth));
                j.end_object();
            }
            j.end_array();
            for (const auto& [k, v] : p.kv) {
                if (k == "errors") {
                    j.str("errors", v);
                }
            }
            if (!p.error_files.empty()) {
                j.begin_array("error_files");
                for (std::string_view f : p.error_files) {
                    j.value_str(f);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "zpool_status: file too large, rest not parsed"));
        }
    }
};

// ---- zpool list / zfs list ----------------------------------------------------------------

bool has_word(const std::vector<std::string_view>& w, std::string_view x) {
    for (std::string_view s : w) {
        if (s == x) {
            return true;
        }
    }
    return false;
}

bool zpool_list_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 4 && w[0] == "NAME" && w[1] == "SIZE" && has_word(w, "ALLOC") &&
           has_word(w, "FREE");
}

bool zfs_list_header(std::string_view line) {
    const auto w = split_ws(trim(line));
    return w.size() >= 3 && w[0] == "NAME" && has_word(w, "USED") && has_word(w, "AVAIL") &&
           !has_word(w, "SIZE");
}

class ZfsTableParser final : public Parser {
public:
    ZfsTableParser(std::string_view dataset, bool pools) : dataset_(dataset), pools_(pools) {}

    std::string_view name() const override {
        return dataset_;
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const std::string_view hint = linux_cmd::command_hint(probe.path);
        const bool hinted = pools_ ? hint == "zpool" : hint == "zfs_list";
        for (std::string_view line : linux_cmd::prompt_free_lines(whole_lines(probe))) {
            if (trim(line).empty()) {
                continue;
            }
            if (pools_ ? zpool_list_header(line) : zfs_list_header(line)) {
                // NAME with USED and AVAIL (or SIZE ALLOC FREE) is ZFS's: above
                // linux.lsblk, which takes any NAME ... MOUNTPOINT table.
                return hinted ? 92 : 88;
            }
            if (trim(line) == "no pools available" || trim(line) == "no datasets available") {
                return hinted ? 90 : 0;
            }
            return 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::vector<std::string> keys;
        std::string_view pool;
        Record r;
        for (std::string_view line : linux_cmd::prompt_free_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t == "no pools available" || t == "no datasets available") {
                continue;
            }
            if (pools_ ? zpool_list_header(line) : zfs_list_header(line)) {
                keys.clear();
                for (std::string_view h : split_ws(t)) {
                    keys.push_back(lower(h));
                }
                continue;
            }
            const auto w = split_ws(t, keys.size());
            if (keys.empty() || w.empty()) {
                sink.emit(make_error_record(
                    ln.of(line), true, std::string(dataset_.substr(6)) + ": row before a header",
                    line));
                continue;
            }
            const size_t ind = indent_of(line);
            // "logs", "cache", "spares", "special", "dedup" print at the pool's indent but
            // group the vdevs of the pool above.
            const bool group = pools_ && ind == 0 && !pool.empty() &&
                               (w[0] == "logs" || w[0] == "cache" || w[0] == "spares" ||
                                w[0] == "special" || w[0] == "dedup");
            if (ind == 0 && !group) {
                pool = w[0];
            }
            r.clear();
            r.dataset = dataset_;
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object(dataset_.substr(6));
            for (size_t k = 0; k < w.size(); ++k) {
                j.str(keys[k], w[k]);
            }
            if (pools_) {
                // vdev rows sit under their pool, two spaces a level ("logs"/"cache" too).
                j.num("depth", static_cast<int64_t>(ind / 2));
                if (ind > 0 || group) {
                    j.opt_str("pool", pool);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(
                0, true, std::string(dataset_.substr(6)) + ": file too large, rest not parsed"));
        }
    }

private:
    std::string_view dataset_;
    bool pools_;
};

}  // namespace

const Parser& linux_zpool_status_parser() {
    static const ZpoolStatusParser kParser;
    return kParser;
}
const Parser& linux_zpool_list_parser() {
    static const ZfsTableParser kParser("linux.zpool_list", true);
    return kParser;
}
const Parser& linux_zfs_list_parser() {
    static const ZfsTableParser kParser("linux.zfs_list", false);
    return kParser;
}

}  // namespace evidenced::parsers
