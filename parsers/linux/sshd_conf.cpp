// linux.sshd_conf: `sshd -T` (the effective server configuration, keywords lower-cased) and
// /etc/ssh/sshd_config copies (UAC [root]/etc/ssh/sshd_config, and the drop-ins under
// sshd_config.d/, claimed by their folder).
//
// Record shape.  One record (position 1) for the settings outside Match blocks, keyed and
// typed as jc 1.25.5's sshd_conf parser: keywords lower-cased; acceptenv, include, port,
// hostkey, listenaddress as lists; authorizedkeysfile, ipqos, permitlisten, permitopen split
// on spaces; algorithm lists split on commas with a leading +/-/^ kept as <key>_strategy;
// maxstartups, rekeylimit, subsystem split into their parts; the counters jc converts are
// integers.  Whole-file, like jc, because sshd reads it as one configuration: an analyst
// greps `"permitrootlogin":"yes"` and finds the host's answer in one line, not scattered
// rows.  Then, unlike jc (which drops them), one record per Match block at its line, with
// `match` (the criteria as written) and the block's own settings in the same shape: the
// exception for one user or address is where a backdoor hides.  `Match all` ends a block, as
// jc reads it.
//
// Where a keyword repeats, the first value is kept: sshd uses the first value it obtains
// (jc keeps the last; the fixtures never disagree).  `notable` lists what an analyst hunts:
// PermitRootLogin yes, PasswordAuthentication yes, PermitEmptyPasswords yes,
// PermitUserEnvironment yes, an AuthorizedKeysFile other than the stock
// .ssh/authorized_keys[2], an AuthorizedKeysCommand, and a Port other than 22 (or several).
// Include'd files are not followed (they are separate evidence files); their names are listed.
// Not claimed: the client's ssh_config ("Host" blocks, SendEnv) and sshd's log lines.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
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

bool in(std::string_view k, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), k) != set.end();
}

// Keywords only the server configuration has (ssh_config, the client's, has none of them).
bool server_keyword(std::string_view k) {
    return in(k, {"permitrootlogin",
                  "usepam",
                  "subsystem",
                  "authorizedkeysfile",
                  "listenaddress",
                  "hostkey",
                  "printmotd",
                  "acceptenv",
                  "clientaliveinterval",
                  "clientalivecountmax",
                  "usedns",
                  "maxauthtries",
                  "maxstartups",
                  "permitemptypasswords",
                  "syslogfacility",
                  "chrootdirectory",
                  "x11forwarding",
                  "allowusers",
                  "allowgroups",
                  "denyusers",
                  "denygroups",
                  "maxsessions",
                  "printlastlog",
                  "authorizedkeyscommand",
                  "permituserenvironment",
                  "x11uselocalhost",
                  "pidfile",
                  "strictmodes",
                  "logingracetime",
                  "permittunnel",
                  "kbdinteractiveauthentication",
                  "permittty"});
}

bool keyword_like(std::string_view k) {
    if (k.empty() || k.size() > 40) {
        return false;
    }
    for (char c : k) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return (k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z');
}

// "Keyword value" or "Keyword=value" (sshd_config allows both).
bool split_directive(std::string_view t, std::string_view& key, std::string_view& val) {
    size_t end = t.find_first_of(" \t=");
    if (end == std::string_view::npos) {
        return false;
    }
    key = t.substr(0, end);
    size_t v = t.find_first_not_of(" \t", end);
    if (v != std::string_view::npos && t[v] == '=') {
        v = t.find_first_not_of(" \t", v + 1);
    }
    val = v == std::string_view::npos ? std::string_view{} : trim(t.substr(v));
    return keyword_like(key) && !val.empty();
}

struct Setting {
    std::string key;  // lower case
    std::vector<std::string_view> values;
};

struct Block {
    std::string_view match;  // empty: the global settings
    uint64_t line = 1;
    std::vector<Setting> settings;

    void add(std::string key, std::string_view val) {
        for (Setting& s : settings) {
            if (s.key == key) {
                s.values.push_back(val);
                return;
            }
        }
        settings.push_back({std::move(key), {val}});
    }
    const Setting* find(std::string_view key) const {
        for (const Setting& s : settings) {
            if (s.key == key) {
                return &s;
            }
        }
        return nullptr;
    }
};

constexpr std::array<std::string_view, 6> kMulti = {"acceptenv",     "hostkey", "include",
                                                    "listenaddress", "port",    "setenv"};
constexpr std::array<std::string_view, 6> kModified = {
    "casignaturealgorithms", "ciphers", "hostbasedacceptedalgorithms",
    "kexalgorithms",         "macs",    "pubkeyacceptedalgorithms"};

bool is_multi(std::string_view k) {
    return std::find(kMulti.begin(), kMulti.end(), k) != kMulti.end();
}

bool is_int_key(std::string_view k) {
    return in(k, {"clientalivecountmax", "clientaliveinterval", "logingracetime", "maxauthtries",
                  "maxsessions", "maxstartups", "maxstartups_rate", "maxstartups_full",
                  "rekeylimit", "rekeylimit_time", "x11displayoffset", "x11maxdisplays"});
}

void put_scalar(JsonWriter& j, std::string_view k, std::string_view v) {
    if (is_int_key(k) && is_digits(v) && v.size() < 18) {
        j.num(k, to_int(v).value_or(0));
    } else {
        j.str(k, v);
    }
}

void put_split(JsonWriter& j, std::string_view k, std::string_view v, char sep) {
    j.begin_array(k);
    if (sep == ' ') {
        for (std::string_view w : split_ws(v)) {
            j.value_str(w);
        }
    } else {
        size_t p = 0;
        while (true) {
            const size_t c = v.find(sep, p);
            j.value_str(v.substr(p, c == std::string_view::npos ? std::string_view::npos : c - p));
            if (c == std::string_view::npos) {
                break;
            }
            p = c + 1;
        }
    }
    j.end_array();
}

void write_setting(JsonWriter& j, const Setting& s) {
    const std::string_view k = s.key;
    const std::string_view first = s.values.front();
    if (k == "acceptenv" || k == "include" || k == "setenv") {
        j.begin_array(k);
        for (std::string_view v : s.values) {
            for (std::string_view w : split_ws(v)) {
                j.value_str(w);
            }
        }
        j.end_array();
        return;
    }
    if (k == "port") {
        j.begin_array(k);
        for (std::string_view v : s.values) {
            const auto n = to_int(v);
            if (n && is_digits(v)) {
                j.value_int(*n);
            } else {
                j.value_str(v);
            }
        }
        j.end_array();
        return;
    }
    if (is_multi(k)) {
        j.begin_array(k);
        for (std::string_view v : s.values) {
            j.value_str(v);
        }
        j.end_array();
        return;
    }
    if (k == "maxstartups") {
        const std::string key(k);
        size_t c1 = first.find(':');
        put_scalar(j, k, first.substr(0, c1));
        if (c1 != std::string_view::npos) {
            const std::string_view rest = first.substr(c1 + 1);
            const size_t c2 = rest.find(':');
            put_scalar(j, key + "_rate", rest.substr(0, c2));
            if (c2 != std::string_view::npos) {
                put_scalar(j, key + "_full", rest.substr(c2 + 1));
            }
        }
        return;
    }
    if (k == "rekeylimit" || k == "subsystem") {
        const auto w = split_ws(first, 2);
        put_scalar(j, k, w[0]);
        if (w.size() > 1) {
            put_scalar(j, std::string(k) + (k == "rekeylimit" ? "_time" : "_command"), w[1]);
        }
        return;
    }
    if (in(k, {"authorizedkeysfile", "ipqos", "permitlisten", "permitopen"})) {
        put_split(j, k, first, ' ');
        return;
    }
    const bool modified = std::find(kModified.begin(), kModified.end(), k) != kModified.end();
    if (modified || in(k, {"gssapikexalgorithms", "hostbasedacceptedkeytypes", "hostkeyalgorithms",
                           "pubkeyacceptedkeytypes"})) {
        std::string_view v = first;
        std::string_view strategy;
        if (modified && (v[0] == '+' || v[0] == '-' || v[0] == '^')) {
            strategy = v.substr(0, 1);
            v.remove_prefix(1);
        }
        put_split(j, k, v, ',');
        if (!strategy.empty()) {
            j.str(std::string(k) + "_strategy", strategy);
        }
        return;
    }
    put_scalar(j, k, first);
}

bool stock_keys_file(std::string_view v) {
    for (std::string_view w : split_ws(v)) {
        if (!in(w, {".ssh/authorized_keys", ".ssh/authorized_keys2", "%h/.ssh/authorized_keys",
                    "%h/.ssh/authorized_keys2"})) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> notable(const Block& b) {
    std::vector<std::string> out;
    auto yes = [&](std::string_view key, std::string_view label) {
        if (const Setting* s = b.find(key);
            s != nullptr && linux_cmd::lower_ascii(s->values.front()) == "yes") {
            out.push_back(std::string(label) + " yes");
        }
    };
    yes("permitrootlogin", "PermitRootLogin");
    yes("passwordauthentication", "PasswordAuthentication");
    yes("permitemptypasswords", "PermitEmptyPasswords");
    yes("permituserenvironment", "PermitUserEnvironment");
    if (const Setting* s = b.find("authorizedkeysfile");
        s != nullptr && !stock_keys_file(s->values.front())) {
        out.push_back("AuthorizedKeysFile " + std::string(s->values.front()));
    }
    if (const Setting* s = b.find("authorizedkeyscommand");
        s != nullptr && linux_cmd::lower_ascii(s->values.front()) != "none") {
        out.push_back("AuthorizedKeysCommand " + std::string(s->values.front()));
    }
    if (const Setting* s = b.find("port"); s != nullptr) {
        for (std::string_view p : s->values) {
            if (p != "22" || s->values.size() > 1) {
                out.push_back("Port " + std::string(p));
            }
        }
    }
    return out;
}

class SshdConfParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.sshd_conf";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        // Drop-ins (sshd_config.d/50-cloud-init.conf) may hold one line that a client
        // config could hold too ("PasswordAuthentication yes"): their folder says whose.
        const bool dropin = probe.path.find("sshd_config.d/") != std::string_view::npos;
        const bool hinted = dropin || name_hints(probe, "sshd_conf");
        size_t good = 0;
        size_t bad = 0;
        size_t server = 0;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            std::string_view k;
            std::string_view v;
            if (!split_directive(t, k, v)) {
                ++bad;
                continue;
            }
            const std::string key = linux_cmd::lower_ascii(k);
            if (key == "host") {
                return 0;  // ssh_config's client blocks
            }
            ++good;
            server += server_keyword(key) ? 1 : 0;
        }
        if (good == 0 || bad * 5 > good) {
            return 0;
        }
        if (hinted && (server >= 1 || dropin)) {
            return 95;
        }
        // sshd -T prints every keyword: dozens of server-only ones.
        return server >= 4 && bad * 20 <= good ? 85 : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        std::vector<Block> blocks(1);
        size_t current = 0;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            std::string_view k;
            std::string_view v;
            if (!split_directive(t, k, v)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "sshd_conf: not a \"Keyword value\" line", line));
                continue;
            }
            std::string key = linux_cmd::lower_ascii(k);
            if (key == "match") {
                if (linux_cmd::lower_ascii(v) == "all") {
                    current = 0;
                    continue;
                }
                blocks.push_back({v, ln.of(line), {}});
                current = blocks.size() - 1;
                continue;
            }
            blocks[current].add(std::move(key), v);
        }
        if (blocks.size() == 1 && blocks[0].settings.empty()) {
            sink.emit(make_error_record(1, true, "sshd_conf: no \"Keyword value\" lines"));
        }
        Record r;
        for (const Block& b : blocks) {
            // A Match block may be empty (its settings commented out): it still shows the
            // criteria.  Only the global settings are left out when there are none.
            if (b.settings.empty() && b.match.empty()) {
                continue;
            }
            r.clear();
            r.dataset = "linux.sshd_conf";
            r.position = b.line;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("sshd_conf");
            j.opt_str("match", b.match);
            for (const Setting& s : b.settings) {
                write_setting(j, s);
            }
            const auto notes = notable(b);
            if (!notes.empty()) {
                j.begin_array("notable");
                for (const std::string& n : notes) {
                    j.value_str(n);
                }
                j.end_array();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "sshd_conf: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_sshd_conf_parser() {
    static const SshdConfParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
