// Shared helpers for the Linux command-output parsers: file-name hints, output cleaning,
// field splitting, number and time parsing, and the collection facts (date/uptime/hostname).
#include "parsers/linux/common.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "parsers/registry.hpp"

namespace evidenced::parsers::linux_cmd {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
    return is_digit(c) || is_alpha(c);
}
char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::string_view basename(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The name without compression and text extensions ("ps_-ef.txt.gz" -> "ps_-ef").
std::string_view strip_extensions(std::string_view name) {
    static constexpr std::array<std::string_view, 10> kExt = {
        ".gz", ".bz2", ".xz", ".zst", ".txt", ".log", ".out", ".output", ".lst", ".text"};
    for (bool again = true; again;) {
        again = false;
        for (std::string_view e : kExt) {
            if (name.size() > e.size() && iequals(name.substr(name.size() - e.size()), e)) {
                name.remove_suffix(e.size());
                again = true;
            }
        }
    }
    return name;
}

// Lower-cased word tokens of a file name: CamelCase and every non-alphanumeric split.
std::vector<std::string> name_tokens(std::string_view name) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    };
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!is_alnum(c)) {
            flush();
            continue;
        }
        // "PsAuxf" -> ps auxf; "lsofNPli" style flags split too (harmless for hints).
        if (c >= 'A' && c <= 'Z' && i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z') {
            flush();
        }
        cur.push_back(lower(c));
    }
    flush();
    return out;
}

// Command of one token (with the next token for `ip <object>`), "" if none.
std::string_view token_command(std::string_view t, std::string_view next) {
    struct Entry {
        std::string_view token;
        std::string_view command;
    };
    static constexpr Entry kMap[] = {
        {"ps", "ps"},
        {"processes", "ps"},
        {"netstat", "netstat"},
        {"ss", "ss"},
        {"lsof", "lsof"},
        {"last", "last"},
        {"lastb", "last"},
        {"lastlog", "lastlog"},
        {"w", "w"},
        {"whoandwhat", "w"},
        {"who", "who"},
        {"crontab", "crontab"},
        {"crontabs", "crontab"},
        {"cron", "crontab"},
        {"passwd", "passwd"},
        {"group", "group"},
        {"ifconfig", "ip_addr"},
        {"route", "ip_route"},
        {"routes", "ip_route"},
        {"routetable", "ip_route"},
        {"arp", "arp"},
        {"neigh", "arp"},
        {"neighbor", "arp"},
        {"systemctl", "systemctl"},
        {"services", "systemctl"},
        {"service", "systemctl"},
        {"mount", "mount"},
        {"mounts", "mount"},
        {"findmnt", "mount"},
        {"df", "df"},
        {"uname", "uname"},
        {"hostname", "hostname"},
        {"hostnamectl", "hostname"},
        {"date", "date"},
        {"uptime", "uptime"},
        {"history", "history"},
        {"iptables", "iptables"},
        {"ip6tables", "iptables"},
        {"lsmod", "lsmod"},
        {"dpkg", "dpkg"},
        {"ls", "ls"},
        {"logins", "last"},
        {"wtmp", "last"},
        {"btmp", "last"},
        {"timedatectl", "date"},
        // Extended commands.
        {"pstree", "pstree"},
        {"top", "top"},
        {"utmpdump", "utmpdump"},
        {"id", "id"},
        {"shadow", "shadow"},
        {"gshadow", "gshadow"},
        {"release", "os_release"},
        {"hosts", "hosts"},
        {"resolv", "resolv_conf"},
        {"md5sum", "hashsum"},
        {"sha1sum", "hashsum"},
        {"sha256sum", "hashsum"},
        {"sha512sum", "hashsum"},
        {"hashes", "hashsum"},
        {"processhashes", "hashsum"},
        {"find", "find"},
        {"suid", "find"},
        {"setuid", "find"},
        {"stat", "stat"},
        {"lsattr", "lsattr"},
        {"immutable", "lsattr"},
        {"lsblk", "lsblk"},
        {"blkid", "blkid"},
        {"free", "free"},
        {"env", "env"},
        {"printenv", "env"},
        {"environ", "env"},
        {"sysctl", "sysctl"},
        {"dmesg", "dmesg"},
        {"nft", "nft"},
        {"ufw", "ufw"},
        {"ulimit", "ulimit"},
        // helper-lx
        {"debsums", "package_verify"},
        {"sudoers", "sudoers"},
        {"modinfo", "modinfo"},
        // helper-lx2
        {"lscpu", "lscpu"},
        {"vmstat", "vmstat"},
        {"pip", "pip_list"},
        {"pip2", "pip_list"},
        {"pip3", "pip_list"},
        // helper-lx3
        {"cpuinfo", "proc_cpuinfo"},
        {"lspci", "lspci"},
        {"lsusb", "lsusb"},
        {"fdisk", "fdisk"},
        {"dmidecode", "dmidecode"},
        // helper-lx4
        {"fstab", "fstab"},
        {"sshd", "sshd_conf"},
        {"file", "file"},
        {"getenforce", "selinux"},
        {"sestatus", "selinux"},
        {"selinux", "selinux"},
        {"runlevel", "runlevel"},
        {"chkconfig", "service_status"},
        {"docker", "docker_ps"},
        {"podman", "docker_ps"},
        // helper-lx6
        {"snap", "snap_list"},
        {"flatpak", "flatpak_list"},
        {"yum", "yum_list"},
        {"dnf", "yum_list"},
        {"npm", "npm_list"},
        {"apk", "apk_info"},
        {"pvs", "pvs"},
        {"vgs", "vgs"},
        {"lvs", "lvs"},
        {"pvdisplay", "pvdisplay"},
        {"vgdisplay", "vgdisplay"},
        {"lvdisplay", "lvdisplay"},
        {"mdstat", "proc_mdstat"},
        {"zpool", "zpool"},
        {"zfs", "zfs_list"},
        {"showmount", "showmount"},
        {"nfsstat", "nfsstat"},
        // helper-lx5
        {"auditctl", "auditctl"},
        {"loginctl", "loginctl"},
        {"firewall", "firewall_cmd"},
        {"nmcli", "nmcli"},
    };
    if (t == "ip") {
        if (next == "link" || next == "l" || next == "li" || next == "lin") {
            return "ip_link";
        }
        if (next == "route" || next == "r" || next == "ro" || next == "rt") {
            return "ip_route";
        }
        if (next == "neigh" || next == "neighbor" || next == "neighbour" || next == "n") {
            return "arp";
        }
        return "ip_addr";
    }
    for (const Entry& e : kMap) {
        if (e.token == t) {
            return e.command;
        }
    }
    return {};
}

bool has_token(const std::vector<std::string>& toks, std::string_view t) {
    return std::find(toks.begin(), toks.end(), t) != toks.end();
}

// Index of the first token naming a command; toks.size() when none.
size_t command_token_index(const std::vector<std::string>& toks, std::string_view* cmd) {
    for (size_t i = 0; i < toks.size(); ++i) {
        const std::string_view next = i + 1 < toks.size() ? std::string_view(toks[i + 1]) : "";
        std::string_view c = token_command(toks[i], next);
        if (!c.empty()) {
            if (cmd != nullptr) {
                *cmd = c;
            }
            return i;
        }
    }
    return toks.size();
}

std::string_view hint_from_tokens(const std::vector<std::string>& toks) {
    // Semantic names (UAC, Cat-Scale) before the generic "first command word" rule.
    if (has_token(toks, "proc") && (has_token(toks, "exe") || has_token(toks, "cwd"))) {
        return "proc_exe";
    }
    if (has_token(toks, "running") && has_token(toks, "processes") && has_token(toks, "paths")) {
        return "proc_exe";
    }
    if (has_token(toks, "process") && (has_token(toks, "exe") || has_token(toks, "cwd"))) {
        return "proc_exe";
    }
    if (has_token(toks, "utmpdump")) {
        return "utmpdump";  // utmpdump_var_log_wtmp.txt: not `last` output
    }
    if (has_token(toks, "hash") || has_token(toks, "md5") || has_token(toks, "sha1") ||
        has_token(toks, "sha256")) {
        return "hashsum";  // UAC hash_running_processes.md5, Cat-Scale module-sha1.txt
    }
    if (has_token(toks, "proc") && has_token(toks, "net")) {
        if (has_token(toks, "unix")) {
            return "proc_net_unix";
        }
        for (std::string_view t : {"tcp", "tcp6", "udp", "udp6", "raw", "raw6"}) {
            if (has_token(toks, t)) {
                return "proc_net_tcp";
            }
        }
    }
    // rpm -qa / -qi / -Va and dpkg -V (UAC rpm_-V_-a.txt, dpkg_-V.txt; Cat-Scale
    // rpm-package-verify.txt, deb-package-verify.txt, rpm-packages.txt).
    const bool verify = has_token(toks, "v") || has_token(toks, "va") ||
                        has_token(toks, "verify") || has_token(toks, "vv") ||
                        has_token(toks, "vva");
    if (has_token(toks, "rpm")) {
        if (verify) {
            return "package_verify";
        }
        for (std::string_view t : {"i", "qi", "qai", "qia", "info"}) {
            if (has_token(toks, t)) {
                return "rpm_qi";
            }
        }
        return "rpm_qa";
    }
    if ((has_token(toks, "dpkg") || has_token(toks, "deb")) && verify) {
        return "package_verify";
    }
    if (has_token(toks, "sudo") &&
        (has_token(toks, "l") || has_token(toks, "ll") || has_token(toks, "list"))) {
        return "sudo_l";  // UAC-style sudo_-l.txt, hand-saved sudo-l.txt
    }
    // linux.sections names a `==> /proc/1/cmdline <==` part proc_1_cmdline.txt.
    if ((has_token(toks, "proc") || has_token(toks, "process")) &&
        (has_token(toks, "cmdline") || has_token(toks, "comm"))) {
        return "proc_pid_cmdline";
    }
    if (has_token(toks, "process") && has_token(toks, "details")) {
        return "proc_pid_status";  // Cat-Scale process-details.txt: every status concatenated
    }
    if (has_token(toks, "deb") && has_token(toks, "packages")) {
        return "dpkg";
    }
    if (has_token(toks, "list") && has_token(toks, "unit")) {
        return "systemctl";
    }
    if (has_token(toks, "user") && has_token(toks, "activity")) {
        return "w";
    }
    std::string_view cmd;
    command_token_index(toks, &cmd);
    return cmd;
}

// Lines of `text` split on '\n' (views), '\r' and escape sequences trimmed.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!f(line)) {
            return;
        }
    }
}

std::string_view clean_line(std::string_view line) {
    while (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    line = strip_escapes(line);
    // A typescript may carry a '\r' before the escape sequences at the end.
    while (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    // Carriage returns inside a line (progress output overwritten in a terminal): keep what
    // the terminal showed last.
    // memrchr: vectorised, where rfind walks back byte by byte (long lines, every detector).
    if (const void* cr = ::memrchr(line.data(), '\r', line.size())) {
        line = strip_escapes(
            line.substr(static_cast<size_t>(static_cast<const char*>(cr) - line.data()) + 1));
    }
    return line;
}

bool is_script_line(std::string_view line) {
    return line.starts_with("Script started on ") || line.starts_with("Script done on ") ||
           line.starts_with("Script started, ") || line.starts_with("Script done, ");
}

// Title of a banner line (`===== ps auxf =====`, `### ps auxf`, `==> f <==`, `[ps auxf]`,
// `# ps auxf` when the word is a command); empty view when the line is no banner.
std::string_view banner_title(std::string_view line) {
    std::string_view t = trim(line);
    if (t.size() < 2 || is_ls_mode_row(t)) {
        return {};
    }
    if (t.starts_with("==>") && t.ends_with("<==")) {
        return trim(t.substr(3, t.size() - 6));
    }
    const char c = t[0];
    if (c == '=' || c == '-' || c == '#' || c == '*' || c == '>' || c == '+' || c == '~') {
        size_t n = 0;
        while (n < t.size() && t[n] == c) {
            ++n;
        }
        std::string_view title = t.substr(n);
        // Strip the same decoration on the right.
        while (!title.empty() && (title.back() == c || is_space(title.back()))) {
            title.remove_suffix(1);
        }
        title = trim(title);
        if (title.empty()) {
            return {};
        }
        if (n >= 3) {
            return title;
        }
        // "# ps auxf" / "## netstat -nalp": only when the first word names a command, so a
        // crontab's comment header is not taken for a banner.
        if (c == '#' || c == '>') {
            const size_t sp = title.find_first_of(" \t");
            std::string_view word = title.substr(0, sp);
            if (word == "sudo" && sp != std::string_view::npos) {
                std::string_view rest = trim(title.substr(sp));
                word = rest.substr(0, rest.find_first_of(" \t"));
            }
            std::string w(word);
            for (char& ch : w) {
                ch = lower(ch);
            }
            if (!token_command(w, "").empty() || w == "cat" || w == "getent") {
                return title;
            }
        }
        return {};
    }
    if (c == '[' && t.back() == ']' && t.find('@') == std::string_view::npos) {
        std::string_view title = trim(t.substr(1, t.size() - 2));
        std::string w(title.substr(0, title.find(' ')));
        for (char& ch : w) {
            ch = lower(ch);
        }
        if (!token_command(w, "").empty()) {
            return title;
        }
    }
    return {};
}

struct Civil {
    int64_t y;
    unsigned m;
    unsigned d;
};
Civil civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

bool parse_hms(std::string_view s, int& h, int& m, int& sec) {
    // HH:MM:SS or HH:MM
    if (s.size() != 8 && s.size() != 5) {
        return false;
    }
    if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) || !is_digit(s[4])) {
        return false;
    }
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    sec = 0;
    if (s.size() == 8) {
        if (s[5] != ':' || !is_digit(s[6]) || !is_digit(s[7])) {
            return false;
        }
        sec = (s[6] - '0') * 10 + (s[7] - '0');
    }
    return h < 24 && m < 60 && sec < 61;
}

// A `date`-like line: month, day, time, year and maybe a zone in any common order.
struct DateParse {
    int64_t wall = 0;  // epoch seconds of the wall time read as UTC
    std::optional<int> offset;
};
std::optional<DateParse> parse_date_line(std::string_view line) {
    line = trim(line);
    if (line.empty() || line.size() > 120) {
        return std::nullopt;
    }
    // ISO forms first: `date -Is`, `date --rfc-3339=s`, `uptime -s`.
    if (line.size() >= 19 && is_digit(line[0]) && line[4] == '-') {
        std::string_view iso = line;
        const auto t = parse_iso_time(iso);
        if (t) {
            DateParse p;
            p.wall = *t;
            // parse_iso_time applied the zone already; report it as offset 0 plus the zone.
            const bool has_zone = iso.size() > 19 && (iso.back() == 'Z' ||
                                                      iso.find('+', 19) != std::string_view::npos ||
                                                      iso.find('-', 19) != std::string_view::npos);
            if (has_zone) {
                // Recover the offset to report it.
                size_t zp = iso.find_first_of("+-Z", 19);
                std::string_view z = iso.substr(zp);
                const auto off = zone_offset(z == "Z" ? "UTC" : z);
                if (off) {
                    p.offset = off;
                    p.wall += *off;  // back to wall time
                }
            }
            return p;
        }
    }
    int year = 0;
    int month = 0;
    int day = 0;
    int h = -1;
    int mi = 0;
    int s = 0;
    std::optional<int> off;
    bool off_numeric = false;
    FieldCursor cur(line);
    int fields = 0;
    for (std::string_view tok = cur.next(); !tok.empty(); tok = cur.next()) {
        if (++fields > 10) {
            return std::nullopt;
        }
        const bool dotted = tok.back() == '.';
        while (!tok.empty() && (tok.back() == ',' || tok.back() == '.')) {
            tok.remove_suffix(1);
        }
        if (tok.empty()) {
            continue;
        }
        int hh = 0;
        int mm = 0;
        int ss = 0;
        if (h < 0 && parse_hms(tok, hh, mm, ss) && tok.size() == 8) {
            h = hh;
            mi = mm;
            s = ss;
            continue;
        }
        if (tok.size() == 10 && tok[4] == '-' && tok[7] == '-' && all_digits(tok.substr(0, 4))) {
            const auto yy = to_int(tok.substr(0, 4));
            const auto mo = to_int(tok.substr(5, 2));
            const auto dd = to_int(tok.substr(8, 2));
            if (yy && mo && dd) {
                year = static_cast<int>(*yy);
                month = static_cast<int>(*mo);
                day = static_cast<int>(*dd);
                continue;
            }
        }
        // ja_JP/zh_CN: "2026年 11月 27日 金曜日 11:17:10 UTC", `date +%c`
        // "2026年11月27日 11時17分10秒".
        if (CjkDateParts cjk; is_digit(tok[0]) && parse_cjk_units(tok, cjk)) {
            year = cjk.year >= 0 ? cjk.year : year;
            month = cjk.month >= 0 ? cjk.month : month;
            day = cjk.day >= 0 ? cjk.day : day;
            if (cjk.hour >= 0 && cjk.minute >= 0 && h < 0) {
                h = cjk.hour;
                mi = cjk.minute;
                s = std::max(cjk.second, 0);
            }
            continue;
        }
        if (all_digits(tok)) {
            const auto v = to_int(tok);
            if (tok.size() == 4 && *v >= 1970 && *v <= 2200) {
                year = static_cast<int>(*v);
            } else if (dotted && year != 0 && month == 0 && day == 0 && *v >= 1 && *v <= 12) {
                month = static_cast<int>(*v);  // ko_KR "2026. 11. 27. (금)": year first
            } else if (tok.size() <= 2 && *v >= 1 && *v <= 31 && day == 0) {
                day = static_cast<int>(*v);
            }
            continue;
        }
        if (month == 0) {
            const int mo = month_number(tok);
            if (mo != 0) {
                month = mo;
                continue;
            }
        }
        // A numeric offset (%z) is exact and wins over an abbreviation on the same line.
        const bool numeric = tok[0] == '+' || tok[0] == '-';
        if (!off || (numeric && !off_numeric)) {
            const auto z = zone_offset(tok);
            if (z) {
                off = z;
                off_numeric = numeric;
            }
        }
    }
    if (year == 0 || month < 1 || month > 12 || day == 0 || h < 0) {
        return std::nullopt;
    }
    DateParse p;
    p.wall =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        h * 3600 + mi * 60 + s;
    p.offset = off;
    return p;
}

// Seconds of an `uptime` "up ..." phrase: "3 days,  2:03", "5 min", "1 day, 17 min", "2:03".
std::optional<int64_t> uptime_seconds(std::string_view line) {
    const size_t up = line.find(" up ");
    if (up == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = line.substr(up + 4);
    const size_t users = rest.find("user");
    const size_t load = rest.find("load average");
    size_t end = std::min(users, load);
    if (end != std::string_view::npos) {
        rest = rest.substr(0, end);
    }
    int64_t total = 0;
    bool any = false;
    FieldCursor cur(rest);
    std::string_view prev;
    for (std::string_view tok = cur.next(); !tok.empty(); tok = cur.next()) {
        std::string_view t = tok;
        while (!t.empty() && t.back() == ',') {
            t.remove_suffix(1);
        }
        if (t.starts_with("day")) {
            if (auto v = to_int(prev)) {
                total += *v * 86400;
                any = true;
            }
        } else if (t.starts_with("min")) {
            if (auto v = to_int(prev)) {
                total += *v * 60;
                any = true;
            }
        } else if (t.starts_with("sec")) {
            if (auto v = to_int(prev)) {
                total += *v;
                any = true;
            }
        } else if (t.starts_with("hr") || t.starts_with("hour")) {
            if (auto v = to_int(prev)) {
                total += *v * 3600;
                any = true;
            }
        } else {
            const size_t colon = t.find(':');
            if (colon != std::string_view::npos) {
                auto hh = to_int(t.substr(0, colon));
                auto mm = to_int(t.substr(colon + 1));
                if (hh && mm) {
                    total += *hh * 3600 + *mm * 60;
                    any = true;
                }
            }
        }
        prev = t;
    }
    if (!any) {
        return std::nullopt;
    }
    return total;
}

std::string_view first_content_line(const std::vector<std::string_view>& lines) {
    for (std::string_view l : lines) {
        if (!trim(l).empty()) {
            return trim(l);
        }
    }
    return {};
}

bool looks_like_hostname(std::string_view s) {
    if (s.empty() || s.size() > 253 || !is_alnum(s[0])) {
        return false;
    }
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; });
}

void derive_boot_time(UploadFacts& facts) {
    const auto since = facts.find("linux.uptime.since");
    if (since != facts.end()) {
        if (auto t = parse_iso_time(since->second)) {
            // `uptime -s` is a host wall time: the offset of its own season (a boot in July
            // seen from a CET `date` in November was at CEST).
            ParseContext ctx;
            ctx.facts = &facts;
            facts[std::string(kFactBootTime)] =
                format_utc(*t - time_anchor(ctx).offset_at_wall(*t));
            return;
        }
    }
    const auto secs = facts.find("linux.uptime.seconds");
    const auto date = facts.find(std::string(kFactDateUtc));
    if (secs != facts.end() && date != facts.end()) {
        auto s = to_int(secs->second);
        auto d = parse_iso_time(date->second);
        if (s && d) {
            facts[std::string(kFactBootTime)] = format_utc(*d - *s);
        }
    }
}

}  // namespace

// ---- names ----------------------------------------------------------------------------

namespace {
std::string_view command_hint_of(std::string_view member_path);
}  // namespace

std::string_view command_hint(std::string_view member_path) {
    // Most detectors read the hint of the probe's path: work it out once per probe.
    ProbeMemo* memo = probe_memo();
    if (memo == nullptr || member_path != memo->path) {
        return command_hint_of(member_path);
    }
    if (!memo->hint) {
        memo->hint = command_hint_of(member_path);
    }
    return *memo->hint;
}

namespace {
std::string_view command_hint_of(std::string_view member_path) {
    // Copied files keep their system path (UAC "[root]/etc/passwd").
    std::string lower_path(member_path);
    for (char& c : lower_path) {
        c = lower(c);
    }
    std::string_view lp = lower_path;
    std::string_view base = basename(lp);
    if (lp.ends_with("etc/passwd") || base == "passwd") {
        return "passwd";
    }
    if (lp.ends_with("etc/group") || base == "group") {
        return "group";
    }
    if (lp.ends_with("etc/crontab") || lp.find("/cron.d/") != std::string_view::npos ||
        lp.find("spool/cron/") != std::string_view::npos) {
        return "crontab";
    }
    if (base.ends_with("_history") || base.ends_with(".bash_history") || base == ".history") {
        return "history";
    }
    if (lp.ends_with("etc/shadow") || base == "shadow") {
        return "shadow";
    }
    if (lp.ends_with("etc/gshadow") || base == "gshadow") {
        return "gshadow";
    }
    if (lp.ends_with("etc/hosts") || base == "hosts") {
        return "hosts";
    }
    if (base.starts_with("resolv.conf")) {
        return "resolv_conf";
    }
    if (base == "os-release" || base == "lsb-release" || base.ends_with("-release")) {
        return "os_release";
    }
    // UAC process/proc/<pid>/net/unix.txt, /proc/net/tcp6 copies.
    for (std::string_view t : {"/net/tcp", "/net/udp", "/net/raw"}) {
        if (lp.find(t) != std::string_view::npos && lp.find("proc") != std::string_view::npos) {
            return "proc_net_tcp";
        }
    }
    if (lp.ends_with("etc/sudoers") || lp.find("sudoers.d/") != std::string_view::npos) {
        return "sudoers";
    }
    // UAC process/proc/<pid>/status.txt, maps.txt; copies of /proc/<pid>/status.
    if (lp.find("proc/") != std::string_view::npos) {
        const std::string_view stem = strip_extensions(base);
        if (stem == "status") {
            return "proc_pid_status";
        }
        if (stem == "maps") {
            return "proc_pid_maps";
        }
        if (stem == "stat") {
            return "proc_pid_stat";
        }
        if (stem == "cmdline" || stem == "comm") {
            return "proc_pid_cmdline";
        }
    }
    if (lp.find("/net/unix") != std::string_view::npos &&
        lp.find("proc") != std::string_view::npos) {
        return "proc_net_unix";
    }
    const std::vector<std::string> toks = name_tokens(strip_extensions(basename(member_path)));
    return hint_from_tokens(toks);
}
}  // namespace

std::string command_line_hint(std::string_view member_path, std::string_view head) {
    // A prompt or banner inside the file names the command better than the file name.
    std::string found;
    int seen = 0;
    for_each_line(head, [&](std::string_view raw) {
        std::string_view line = clean_line(raw);
        if (trim(line).empty() || is_script_line(line)) {
            return true;
        }
        std::string_view cmd;
        if (is_prompt_line(line, &cmd)) {
            if (!trim(cmd).empty()) {
                found = std::string(trim(cmd));
                return false;
            }
            return true;
        }
        std::string_view title = banner_title(line);
        if (!title.empty()) {
            found = std::string(title);
            return false;
        }
        return ++seen < 1;  // only the first content line may be a banner
    });
    if (found.empty()) {
        std::string_view name = strip_extensions(basename(member_path));
        const bool has_sep = name.find_first_of(" _-.") != std::string_view::npos;
        std::string s;
        for (size_t i = 0; i < name.size(); ++i) {
            const char c = name[i];
            if (c == '_' || c == ' ' || c == '.' || c == '\t') {
                s.push_back(' ');
            } else if (c == '-' && i > 0 && is_alnum(name[i - 1])) {
                s += " -";
            } else if (!has_sep && c >= 'A' && c <= 'Z' && i > 0 && name[i - 1] >= 'a' &&
                       name[i - 1] <= 'z') {
                s.push_back(' ');
                s.push_back(c);
            } else {
                s.push_back(c);
            }
        }
        found = s;
        // Drop host/date/sequence tokens before the command word.
        const std::vector<std::string> toks = name_tokens(found);
        std::string_view cmd;
        const size_t idx = command_token_index(toks, &cmd);
        if (idx < toks.size()) {
            const std::string lower_found = [&] {
                std::string t = found;
                for (char& c : t) {
                    c = lower(c);
                }
                return t;
            }();
            // Find the command word as a whole token in the lowered string.
            const std::string& word = toks[idx];
            size_t p = 0;
            while ((p = lower_found.find(word, p)) != std::string::npos) {
                const bool left_ok = p == 0 || !is_alnum(lower_found[p - 1]);
                const bool right_ok = p + word.size() >= lower_found.size() ||
                                      !is_alnum(lower_found[p + word.size()]);
                if (left_ok && right_ok) {
                    break;
                }
                ++p;
            }
            if (p != std::string::npos) {
                found = found.substr(p);
            }
        }
    }
    std::string out;
    out.reserve(found.size());
    bool space = false;
    for (char c : found) {
        if (is_space(c)) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out.push_back(' ');
            space = false;
        }
        out.push_back(lower(c));
    }
    return out;
}

bool name_hints(const FileProbe& probe, std::string_view command) {
    return command_hint(probe.path) == command;
}

// ---- lines ----------------------------------------------------------------------------

std::string_view strip_escapes(std::string_view line) {
    // Nearly every line has no ESC at all: one vectorised scan says so (the loops below walk
    // the line byte by byte, and a JSON member's probe is one 16 KiB line, seen by every
    // command detector).
    if (std::memchr(line.data(), '\x1b', line.size()) == nullptr) {
        return line;
    }
    // Leading sequences: ESC [ ... final, ESC ] ... BEL/ST, ESC ( X, bare ESC x.
    auto skip_one = [](std::string_view s, size_t i) -> size_t {
        // returns index after the sequence starting at i (s[i] == ESC)
        if (i + 1 >= s.size()) {
            return s.size();
        }
        const char k = s[i + 1];
        if (k == '[') {
            size_t j = i + 2;
            while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) {
                ++j;
            }
            return std::min(s.size(), j + 1);
        }
        if (k == ']') {
            size_t j = i + 2;
            while (j < s.size() && s[j] != '\a' &&
                   !(s[j] == '\x1b' && j + 1 < s.size() && s[j + 1] == '\\')) {
                ++j;
            }
            if (j < s.size() && s[j] == '\x1b') {
                ++j;
            }
            return std::min(s.size(), j + 1);
        }
        if (k == '(' || k == ')') {
            return std::min(s.size(), i + 3);
        }
        return i + 2;
    };
    while (!line.empty() && line[0] == '\x1b') {
        line.remove_prefix(skip_one(line, 0));
    }
    // Trailing: find the last ESC; if the sequence from it runs to the end, drop it.
    for (int guard = 0; guard < 16 && !line.empty(); ++guard) {
        const size_t esc = line.rfind('\x1b');
        if (esc == std::string_view::npos) {
            break;
        }
        if (skip_one(line, esc) != line.size()) {
            break;
        }
        line = line.substr(0, esc);
        while (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
    }
    return line;
}

bool is_prompt_line(std::string_view line, std::string_view* cmd) {
    std::string_view t = line;
    while (!t.empty() && is_space(t.front())) {
        t.remove_prefix(1);
    }
    if (t.empty()) {
        return false;
    }
    auto set_cmd = [&](std::string_view rest) {
        if (cmd != nullptr) {
            *cmd = trim(rest);
        }
        return true;
    };
    auto is_prompt_char = [](char c) { return c == '#' || c == '$' || c == '%' || c == '>'; };
    // "(venv) root@h:~# ..." style prefixes.
    if (t[0] == '(') {
        const size_t close = t.find(") ");
        if (close != std::string_view::npos && close < 40) {
            t.remove_prefix(close + 2);
        }
    }
    // [root@host ~]# cmd
    if (t[0] == '[') {
        const size_t close = t.find(']');
        if (close != std::string_view::npos && close < 120) {
            std::string_view inside = t.substr(1, close - 1);
            if (inside.find('@') != std::string_view::npos && close + 1 < t.size() + 1) {
                std::string_view after = t.substr(close + 1);
                if (!after.empty() && is_prompt_char(after[0]) &&
                    (after.size() == 1 || is_space(after[1]))) {
                    return set_cmd(after.substr(1));
                }
            }
        }
        return false;
    }
    // $ cmd  (a bare '#' line is left to banner_title, it may be a comment)
    if ((t[0] == '$' || t[0] == '%') && (t.size() == 1 || t[1] == ' ')) {
        return set_cmd(t.substr(1));
    }
    const size_t sp = t.find_first_of(" \t");
    std::string_view first = t.substr(0, sp);
    if (first.size() > 160) {
        return false;
    }
    const size_t at = first.find('@');
    const size_t colon = first.find(':', at == std::string_view::npos ? 0 : at);
    // root@host:~# cmd  /  user@host:/var/log$ cmd  / user@host ~ % cmd (zsh)
    if (at != std::string_view::npos && at > 0 && is_prompt_char(first.back()) &&
        colon != std::string_view::npos) {
        return set_cmd(sp == std::string_view::npos ? std::string_view{} : t.substr(sp));
    }
    // host:~ # cmd (SUSE)
    if (colon != std::string_view::npos && at == std::string_view::npos && colon > 0 &&
        sp != std::string_view::npos && looks_like_hostname(first.substr(0, colon))) {
        std::string_view after = t.substr(sp);
        while (!after.empty() && is_space(after.front())) {
            after.remove_prefix(1);
        }
        const std::string_view path = first.substr(colon + 1);
        if (!after.empty() && (after[0] == '#' || after[0] == '>') &&
            (after.size() == 1 || is_space(after[1])) && !path.empty() &&
            (path[0] == '~' || path[0] == '/')) {
            return set_cmd(after.substr(1));
        }
    }
    return false;
}

namespace {
std::vector<std::string_view> split_output_lines(std::string_view text);
}  // namespace

std::vector<std::string_view> output_lines(std::string_view text) {
    // Every Linux detector splits the same probe head: once per probe is enough.
    ProbeMemo* memo = probe_memo();
    if (memo == nullptr || text.data() != memo->head.data() || text.size() > memo->head.size()) {
        return split_output_lines(text);
    }
    for (size_t i = 0; i < memo->used; ++i) {
        if (memo->lines[i].first.size() == text.size()) {
            return memo->lines[i].second;
        }
    }
    std::vector<std::string_view> out = split_output_lines(text);
    if (memo->used < ProbeMemo::kSlots) {
        memo->lines[memo->used++] = {text, out};
    }
    return out;
}

namespace {
std::vector<std::string_view> split_output_lines(std::string_view text) {
    std::vector<std::string_view> out;
    out.reserve(text.size() / 64 + 4);
    bool banner_possible = true;
    for_each_line(text, [&](std::string_view raw) {
        std::string_view line = clean_line(raw);
        if (is_script_line(line) || is_prompt_line(line)) {
            return true;
        }
        if (out.empty() && trim(line).empty()) {
            return true;  // leading empty lines
        }
        if (banner_possible && out.empty()) {
            banner_possible = false;
            if (!banner_title(line).empty()) {
                return true;
            }
        }
        out.push_back(line);
        return true;
    });
    return out;
}
}  // namespace

std::vector<std::string_view> prompt_free_lines(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view l = text.substr(pos, nl - pos);
        pos = nl + 1;
        while (!l.empty() && l.back() == '\r') {
            l.remove_suffix(1);
        }
        if (!is_prompt_line(l)) {
            out.push_back(l);
        }
    }
    return out;
}

std::vector<std::string_view> split_ws(std::string_view line, size_t max_fields) {
    std::vector<std::string_view> out;
    if (max_fields == 0) {
        return out;
    }
    size_t i = 0;
    const size_t n = line.size();
    while (i < n) {
        while (i < n && is_space(line[i])) {
            ++i;
        }
        if (i >= n) {
            break;
        }
        if (out.size() + 1 == max_fields) {
            out.push_back(line.substr(i));
            return out;
        }
        size_t j = i;
        while (j < n && !is_space(line[j])) {
            ++j;
        }
        out.push_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string_view FieldCursor::next() {
    size_t i = 0;
    while (i < rest.size() && is_space(rest[i])) {
        ++i;
    }
    size_t j = i;
    while (j < rest.size() && !is_space(rest[j])) {
        ++j;
    }
    std::string_view f = rest.substr(i, j - i);
    rest.remove_prefix(j);
    return f;
}

std::string_view FieldCursor::remainder() {
    size_t i = 0;
    while (i < rest.size() && is_space(rest[i])) {
        ++i;
    }
    return rest.substr(i);
}

std::string read_all(Input& in, size_t limit, bool* cut) {
    std::string out;
    char buf[65536];
    if (cut != nullptr) {
        *cut = false;
    }
    for (;;) {
        const size_t n = in.read(buf, sizeof buf);
        if (n == 0) {
            break;
        }
        if (out.size() + n > limit) {
            out.append(buf, limit - out.size());
            if (cut != nullptr) {
                *cut = true;
            }
            break;
        }
        out.append(buf, n);
    }
    return out;
}

uint64_t LineCounter::line_of(std::string_view v) {
    const char* base = text_.data();
    if (v.data() < base || v.data() > base + text_.size()) {
        return line_;
    }
    const size_t target = static_cast<size_t>(v.data() - base);
    if (target < pos_) {
        // Out of order: count again from the start.
        pos_ = 0;
        line_ = 1;
    }
    line_ += static_cast<uint64_t>(std::count(base + pos_, base + target, '\n'));
    pos_ = target;
    return line_;
}

// ---- numbers --------------------------------------------------------------------------

std::optional<int64_t> to_int(std::string_view s) {
    if (s.empty()) {
        return std::nullopt;
    }
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (s.size() == 1) {
            return std::nullopt;
        }
    }
    uint64_t v = 0;
    for (; i < s.size(); ++i) {
        if (!is_digit(s[i])) {
            return std::nullopt;
        }
        const uint64_t d = static_cast<uint64_t>(s[i] - '0');
        if (v > (static_cast<uint64_t>(INT64_MAX) - d) / 10) {
            return std::nullopt;
        }
        v = v * 10 + d;
    }
    return neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

std::optional<double> to_double(std::string_view s) {
    if (s.empty() || s.size() > 64) {
        return std::nullopt;
    }
    char buf[65];
    size_t n = 0;
    bool sep = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == ',' || c == '.') {
            if (sep) {
                return std::nullopt;
            }
            sep = true;
            c = '.';
        } else if (!is_digit(c) && !(i == 0 && (c == '-' || c == '+'))) {
            return std::nullopt;
        }
        buf[n++] = c;
    }
    const char* b = buf;
    if (*b == '+') {
        ++b;
    }
    double v = 0;
    auto [p, ec] = std::from_chars(b, buf + n, v);
    if (ec != std::errc() || p != buf + n) {
        return std::nullopt;
    }
    return v;
}

size_t first_nonblank(const std::vector<std::string_view>& lines, size_t from) {
    while (from < lines.size() && trim(lines[from]).empty()) {
        ++from;
    }
    return from;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (is_space(s.front()) || s.front() == '\r' || s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (is_space(s.back()) || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// ---- time -----------------------------------------------------------------------------

int month_number(std::string_view s) {
    if (s.size() < 3 || s.size() > 10) {
        return 0;
    }
    if (is_digit(s[0])) {
        CjkDateParts p;
        if (parse_cjk_units(s, p) && p.month >= 1 && p.month <= 12 && p.year < 0 && p.day < 0 &&
            p.hour < 0) {
            return p.month;
        }
        return 0;
    }
    std::string l;
    for (char c : s) {
        l.push_back(lower(c));
    }
    struct M {
        std::string_view name;
        int n;
    };
    static constexpr std::array<M, 37> kMonths = {{
        {"jan", 1},
        {"feb", 2},
        {"mar", 3},
        {"apr", 4},
        {"may", 5},
        {"jun", 6},
        {"jul", 7},
        {"aug", 8},
        {"sep", 9},
        {"oct", 10},
        {"nov", 11},
        {"dec", 12},
        {"mär", 3},
        {"mai", 5},
        {"okt", 10},
        {"dez", 12},
        {"fév", 2},
        {"avr", 4},
        {"juin", 6},
        {"juil", 7},
        {"aoû", 8},
        {"ene", 1},
        {"abr", 4},
        {"dic", 12},
        // ru_RU (lower case already, as date and ls print them)
        {"янв", 1},
        {"фев", 2},
        {"мар", 3},
        {"апр", 4},
        {"май", 5},
        {"мая", 5},
        {"июн", 6},
        {"июл", 7},
        {"авг", 8},
        {"сен", 9},
        {"окт", 10},
        {"ноя", 11},
        {"дек", 12},
    }};
    for (const M& m : kMonths) {
        if (l.starts_with(m.name)) {
            // Full names must be that month's name ("march", "marz"); accept any suffix of
            // letters, which is what localised short forms with a dot look like too.
            return m.n;
        }
    }
    return 0;
}

bool parse_cjk_units(std::string_view tok, CjkDateParts& out) {
    struct Unit {
        std::string_view text;
        int CjkDateParts::*field;
    };
    static constexpr std::array<Unit, 13> kUnits = {{
        {"年", &CjkDateParts::year},
        {"月", &CjkDateParts::month},
        {"日", &CjkDateParts::day},
        {"時", &CjkDateParts::hour},
        {"时", &CjkDateParts::hour},
        {"分", &CjkDateParts::minute},
        {"秒", &CjkDateParts::second},
        {"년", &CjkDateParts::year},
        {"월", &CjkDateParts::month},
        {"일", &CjkDateParts::day},
        {"시", &CjkDateParts::hour},
        {"분", &CjkDateParts::minute},
        {"초", &CjkDateParts::second},
    }};
    CjkDateParts p;
    size_t i = 0;
    bool any = false;
    while (i < tok.size()) {
        const size_t start = i;
        while (i < tok.size() && is_digit(tok[i]) && i - start < 5) {
            ++i;
        }
        if (i == start || i - start > 4) {
            return false;
        }
        const auto v = to_int(tok.substr(start, i - start));
        bool matched = false;
        for (const Unit& u : kUnits) {
            if (tok.substr(i).starts_with(u.text)) {
                p.*u.field = static_cast<int>(*v);
                i += u.text.size();
                matched = true;
                break;
            }
        }
        if (!matched) {
            return false;
        }
        any = true;
    }
    if (any) {
        out = p;
    }
    return any;
}

int weekday_index(std::string_view s) {
    // Trim what wraps a weekday in some locales: "(금)", "ven.", "Fri,".
    while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ')')) {
        s.remove_suffix(1);
    }
    if (!s.empty() && s.front() == '(') {
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 12) {
        return -1;
    }
    std::string l;
    for (char c : s) {
        l.push_back(lower(c));
    }
    struct W {
        std::string_view name;
        int day;
    };
    // Sunday first in every row.
    static constexpr std::array<W, 63> kDays = {{
        {"sun", 0},    {"mon", 1},    {"tue", 2},    {"wed", 3},    {"thu", 4},    {"fri", 5},
        {"sat", 6},    {"so", 0},     {"mo", 1},     {"di", 2},     {"mi", 3},     {"do", 4},
        {"fr", 5},     {"sa", 6},     {"вс", 0},     {"пн", 1},     {"вт", 2},     {"ср", 3},
        {"чт", 4},     {"пт", 5},     {"сб", 6},     {"Вс", 0},     {"Пн", 1},     {"Вт", 2},
        {"Ср", 3},     {"Чт", 4},     {"Пт", 5},     {"Сб", 6},     {"日", 0},     {"月", 1},
        {"火", 2},     {"水", 3},     {"木", 4},     {"金", 5},     {"土", 6},     {"星期日", 0},
        {"星期一", 1}, {"星期二", 2}, {"星期三", 3}, {"星期四", 4}, {"星期五", 5}, {"星期六", 6},
        {"일", 0},     {"월", 1},     {"화", 2},     {"수", 3},     {"목", 4},     {"금", 5},
        {"토", 6},     {"dim", 0},    {"lun", 1},    {"mar", 2},    {"mer", 3},    {"jeu", 4},
        {"ven", 5},    {"sam", 6},    {"dom", 0},    {"mié", 3},    {"jue", 4},    {"vie", 5},
        {"sáb", 6},    {"星期天", 0}, {"mie", 3},
    }};
    // ja_JP prints "金曜日" in `date` and "金" in w/lastlog; "Friday" and "Freitag" long forms.
    std::string_view v = l;
    for (std::string_view suffix : {std::string_view("曜日"), std::string_view("曜")}) {
        if (v.size() > suffix.size() && v.ends_with(suffix)) {
            v.remove_suffix(suffix.size());
            break;
        }
    }
    for (const W& w : kDays) {
        if (v == w.name) {
            return w.day;
        }
    }
    if (v.size() >= 6) {
        static constexpr std::array<std::string_view, 7> kLong = {
            "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
        for (size_t i = 0; i < kLong.size(); ++i) {
            if (v == kLong[i]) {
                return static_cast<int>(i);
            }
        }
    }
    return -1;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string format_utc(int64_t epoch_seconds, int millis) {
    const int64_t days = floor_div(epoch_seconds, 86400);
    const int64_t secs = epoch_seconds - days * 86400;
    const Civil c = civil_from_days(days);
    char buf[40];
    const int h = static_cast<int>(secs / 3600);
    const int m = static_cast<int>((secs % 3600) / 60);
    const int s = static_cast<int>(secs % 60);
    const long long y = std::clamp<long long>(c.y, 0, 9999);
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", y, c.m, c.d, h, m, s,
                  std::clamp(millis, 0, 999));
    return buf;
}

std::optional<int64_t> parse_iso_time(std::string_view s) {
    s = trim(s);
    if (s.size() < 16) {
        return std::nullopt;
    }
    auto num = [&](size_t pos, size_t len) -> std::optional<int64_t> {
        if (pos + len > s.size()) {
            return std::nullopt;
        }
        std::string_view p = s.substr(pos, len);
        if (!all_digits(p)) {
            return std::nullopt;
        }
        return to_int(p);
    };
    const auto y = num(0, 4);
    const auto mo = num(5, 2);
    const auto d = num(8, 2);
    const auto h = num(11, 2);
    const auto mi = num(14, 2);
    if (!y || !mo || !d || !h || !mi || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || s[13] != ':') {
        return std::nullopt;
    }
    if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59) {
        return std::nullopt;
    }
    int64_t sec = 0;
    size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        const auto ss = num(pos + 1, 2);
        if (!ss || *ss > 60) {
            return std::nullopt;
        }
        sec = *ss;
        pos += 3;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            ++pos;
            while (pos < s.size() && is_digit(s[pos])) {
                ++pos;
            }
        }
    }
    int64_t t = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400 +
                *h * 3600 + *mi * 60 + sec;
    std::string_view zone = trim(s.substr(pos));
    if (!zone.empty()) {
        const auto off = zone_offset(zone == "Z" || zone == "z" ? "UTC" : zone);
        if (!off) {
            return std::nullopt;
        }
        t -= *off;
    }
    return t;
}

std::optional<int> zone_offset(std::string_view z) {
    if (z.empty()) {
        return std::nullopt;
    }
    if (z[0] == '+' || z[0] == '-') {
        const int sign = z[0] == '-' ? -1 : 1;
        std::string_view d = z.substr(1);
        int hh = 0;
        int mm = 0;
        if (d.size() == 4 && all_digits(d)) {
            hh = (d[0] - '0') * 10 + (d[1] - '0');
            mm = (d[2] - '0') * 10 + (d[3] - '0');
        } else if (d.size() == 5 && d[2] == ':' && all_digits(d.substr(0, 2)) &&
                   all_digits(d.substr(3))) {
            hh = (d[0] - '0') * 10 + (d[1] - '0');
            mm = (d[3] - '0') * 10 + (d[4] - '0');
        } else if (d.size() == 2 && all_digits(d)) {
            hh = (d[0] - '0') * 10 + (d[1] - '0');
        } else {
            return std::nullopt;
        }
        if (hh > 18 || mm > 59) {
            return std::nullopt;
        }
        return sign * (hh * 3600 + mm * 60);
    }
    struct Z {
        std::string_view name;
        int minutes;
    };
    // Abbreviations as glibc prints them for the zones analysts meet.  Ambiguous ones are left
    // out on purpose (zone_is_ambiguous()): "IST" and "AST" name offsets hours apart.  "CST"
    // is read as US Central although Asia/Shanghai prints it too (+08:00): a Chinese host's
    // `date` needs its %z to be read right; gather_collection_facts() takes a zh_CN-localised
    // line as China.
    static constexpr std::array<Z, 54> kZones = {{
        {"UTC", 0},     {"GMT", 0},     {"UT", 0},     {"Z", 0},      {"WET", 0},    {"WEST", 60},
        {"BST", 60},    {"CET", 60},    {"CEST", 120}, {"MET", 60},   {"MEST", 120}, {"EET", 120},
        {"EEST", 180},  {"MSK", 180},   {"IDT", 180},  {"SAST", 120}, {"CAT", 120},  {"EAT", 180},
        {"WAT", 60},    {"TRT", 180},   {"PKT", 300},  {"WIB", 420},  {"ICT", 420},  {"HKT", 480},
        {"SGT", 480},   {"AWST", 480},  {"JST", 540},  {"KST", 540},  {"ACST", 570}, {"ACDT", 630},
        {"AEST", 600},  {"AEDT", 660},  {"NZST", 720}, {"NZDT", 780}, {"CST", -360}, {"CDT", -300},
        {"EST", -300},  {"EDT", -240},  {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
        {"AKST", -540}, {"AKDT", -480}, {"HST", -600}, {"ADT", -180}, {"NST", -210}, {"NDT", -150},
        {"BRT", -180},  {"ART", -180},  {"UCT", 0},    {"WITA", 480}, {"WIT", 540},  {"PHT", 480},
    }};
    for (const Z& e : kZones) {
        if (e.name == z) {
            return e.minutes * 60;
        }
    }
    return std::nullopt;
}

bool zone_is_ambiguous(std::string_view zone) {
    // IST: India Standard Time (+05:30), Irish Standard Time (+01:00, Ireland's summer; its
    // winter prints GMT), Israel Standard Time (+02:00).  AST: Atlantic (-04:00) or Arabia
    // (+03:00).  Guessing would put every time of the collection hours off with nothing to
    // show for it; unknown, the times stay wall times marked timezone_aware false.
    return zone == "IST" || zone == "AST";
}

namespace {

// Day number of the last Sunday of a month / the n-th Sunday.
int64_t last_sunday(int y, unsigned m) {
    const unsigned next_m = m == 12 ? 1 : m + 1;
    const int next_y = m == 12 ? y + 1 : y;
    const int64_t last = days_from_civil(next_y, next_m, 1) - 1;
    const int64_t wd = (last + 4) % 7;  // 1970-01-01 was a Thursday (4); 0 = Sunday
    return last - (wd < 0 ? wd + 7 : wd);
}
int64_t nth_sunday(int y, unsigned m, int n) {
    const int64_t first = days_from_civil(y, m, 1);
    int64_t wd = (first + 4) % 7;
    if (wd < 0) {
        wd += 7;
    }
    return first + (7 - wd) % 7 + 7 * (n - 1);
}

// Whether DST is in force at an instant, under the rule; std_offset: the zone's standard
// (non-summer) one.
bool dst_at(DstRule rule, int std_offset, int64_t utc) {
    const int y = static_cast<int>(civil_from_days(floor_div(utc + std_offset, 86400)).y);
    switch (rule) {
        case DstRule::kEu: {
            // Last Sunday of March to last Sunday of October, 01:00 UTC.
            const int64_t from = last_sunday(y, 3) * 86400 + 3600;
            const int64_t to = last_sunday(y, 10) * 86400 + 3600;
            return utc >= from && utc < to;
        }
        case DstRule::kUs: {
            // Second Sunday of March 02:00 local standard time to first Sunday of November 02:00
            // local daylight time.
            const int64_t from = nth_sunday(y, 3, 2) * 86400 + 7200 - std_offset;
            const int64_t to = nth_sunday(y, 11, 1) * 86400 + 7200 - (std_offset + 3600);
            return utc >= from && utc < to;
        }
        case DstRule::kAuSouth: {
            // NSW, Victoria, Tasmania, ACT, South Australia: first Sunday of October 02:00
            // standard time to first Sunday of April 03:00 daylight time (02:00 standard).  The
            // summer spans the new year: in force after October's switch or before April's.
            const int64_t from = nth_sunday(y, 10, 1) * 86400 + 7200 - std_offset;
            const int64_t to = nth_sunday(y, 4, 1) * 86400 + 7200 - std_offset;
            return utc >= from || utc < to;
        }
        case DstRule::kNz: {
            // Last Sunday of September 02:00 NZST to first Sunday of April 03:00 NZDT.
            const int64_t from = last_sunday(y, 9) * 86400 + 7200 - std_offset;
            const int64_t to = nth_sunday(y, 4, 1) * 86400 + 7200 - std_offset;
            return utc >= from || utc < to;
        }
        case DstRule::kIsrael: {
            // Friday before the last Sunday of March 02:00 IST to the last Sunday of October
            // 02:00 IDT (the rule since 2013).
            const int64_t from = (last_sunday(y, 3) - 2) * 86400 + 7200 - std_offset;
            const int64_t to = last_sunday(y, 10) * 86400 + 7200 - (std_offset + 3600);
            return utc >= from && utc < to;
        }
        case DstRule::kNone: break;
    }
    return false;
}

// The DST rule a `date` zone abbreviation names.  The standard-time abbreviation of a zone
// some of whose places keep no DST (AEST: Queensland; ACST: Northern Territory; MST:
// Arizona) says nothing about the other season, so it gets no rule unless `date` printed it
// in the rule's summer: then the host certainly keeps no DST, and no rule is right too.
// The rule is applied only when the printed offset is the abbreviation's own (a %z beside it
// wins and may contradict it).
struct ZoneRule {
    std::string_view std_name;
    std::string_view dst_name;
    DstRule rule;
    int std_minutes;
    bool std_also_without_dst;
};
constexpr std::array<ZoneRule, 19> kZoneRules = {{
    {"WET", "WEST", DstRule::kEu, 0, false},
    {"GMT", "BST", DstRule::kEu, 0, true},  // GMT alone is UTC (servers); BST says "UK"
    {"CET", "CEST", DstRule::kEu, 60, false},
    {"MET", "MEST", DstRule::kEu, 60, false},
    {"EET", "EEST", DstRule::kEu, 120, false},
    {"EST", "EDT", DstRule::kUs, -300, false},
    {"CST", "CDT", DstRule::kUs, -360, false},
    {"MST", "MDT", DstRule::kUs, -420, true},
    {"PST", "PDT", DstRule::kUs, -480, false},
    {"AKST", "AKDT", DstRule::kUs, -540, false},
    {"AST", "ADT", DstRule::kUs, -240, true},  // AST alone is ambiguous (Arabia)
    {"NST", "NDT", DstRule::kUs, -210, false},
    {"AEST", "AEDT", DstRule::kAuSouth, 600, true},
    {"ACST", "ACDT", DstRule::kAuSouth, 570, true},
    {"NZST", "NZDT", DstRule::kNz, 720, false},
    {"IST", "IDT", DstRule::kIsrael, 120, true},  // IST alone: India? Ireland? Israel?
    // Fixed offsets, named so a reader sees they were considered: no DST since 2019 (Brazil),
    // 2014 (Moscow), ever (Japan, Korea, Western Australia).
    {"BRT", "", DstRule::kNone, -180, false},
    {"MSK", "", DstRule::kNone, 180, false},
    {"AWST", "", DstRule::kNone, 480, false},
}};

void pick_dst_rule(TimeAnchor& a, std::string_view zone) {
    for (const ZoneRule& r : kZoneRules) {
        const bool is_dst = !r.dst_name.empty() && zone == r.dst_name;
        const bool is_std = zone == r.std_name;
        if (!is_dst && !is_std) {
            continue;
        }
        const int std_offset = r.std_minutes * 60;
        if (r.rule == DstRule::kNone || a.utc_offset != std_offset + (is_dst ? 3600 : 0)) {
            return;
        }
        if (is_std &&
            (r.std_also_without_dst || (a.valid && dst_at(r.rule, std_offset, a.now_utc)))) {
            return;
        }
        a.dst = r.rule;
        a.std_offset = std_offset;
        return;
    }
}

}  // namespace

int TimeAnchor::offset_at_utc(int64_t utc) const {
    if (dst == DstRule::kNone) {
        return utc_offset;
    }
    return dst_at(dst, std_offset, utc) ? std_offset + 3600 : std_offset;
}

int TimeAnchor::offset_at_wall(int64_t wall) const {
    if (dst == DstRule::kNone) {
        return utc_offset;
    }
    // Read as standard time first; a wall time inside the spring gap or the autumn overlap
    // resolves to one of the two readings, which is all the text can say.
    return offset_at_utc(wall - std_offset);
}

int TimeAnchor::year() const {
    return static_cast<int>(civil_from_days(floor_div(now_local(), 86400)).y);
}

TimeAnchor time_anchor(const ParseContext& ctx) {
    TimeAnchor a;
    if (ctx.facts != nullptr) {
        const auto d = ctx.facts->find(std::string(kFactDateUtc));
        if (d != ctx.facts->end()) {
            if (auto t = parse_iso_time(d->second)) {
                a.now_utc = *t;
                a.valid = true;
            }
        }
        const auto o = ctx.facts->find(std::string(kFactUtcOffset));
        if (o != ctx.facts->end()) {
            if (auto v = to_int(o->second)) {
                a.utc_offset = static_cast<int>(*v);
                a.offset_known = true;
            }
        }
        const auto z = ctx.facts->find(std::string(kFactZone));
        if (a.offset_known && z != ctx.facts->end()) {
            pick_dst_rule(a, z->second);
        }
    }
    if (!a.valid) {
        if (auto t = parse_iso_time(ctx.collection_time)) {
            a.now_utc = *t;
            a.valid = true;
        }
    }
    return a;
}

int resolve_year(const TimeAnchor& a, int month, int day) {
    if (!a.valid || month < 1 || month > 12 || day < 1 || day > 31) {
        return 0;
    }
    const int y = a.year();
    const int64_t today = floor_div(a.now_local(), 86400);
    const int64_t cand =
        days_from_civil(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
    return cand > today + 1 ? y - 1 : y;
}

int64_t wall_to_utc(const TimeAnchor& a, int year, int month, int day, int hh, int mm, int ss) {
    const int64_t wall =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        hh * 3600 + mm * 60 + ss;
    return wall - a.offset_at_wall(wall);
}

// ---- collection facts -------------------------------------------------------------------

std::string_view collapse_spaces(std::string_view s, std::string& buf) {
    buf.clear();
    bool sp = false;
    for (char c : s) {
        if (c == ' ' || c == '\t') {
            sp = true;
            continue;
        }
        if (sp && !buf.empty()) {
            buf.push_back(' ');
        }
        sp = false;
        buf.push_back(c);
    }
    return buf;
}

bool is_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool CollectionFactsParser::wants_facts(const FileProbe& probe) const {
    return wants_collection_facts(probe);
}

void CollectionFactsParser::gather_facts(const FileProbe& probe,
                                         Input& in,
                                         UploadFacts& facts) const {
    gather_collection_facts(probe, read_all(in, 1u << 20), facts);
}

std::optional<std::string> prompt_host(std::string_view head) {
    std::optional<std::string> found;
    int seen = 0;
    for_each_line(head.substr(0, 16 * 1024), [&](std::string_view raw) {
        const std::string_view line = clean_line(raw);
        std::string_view cmd;
        if (is_prompt_line(line, &cmd)) {
            // user@host:path#, [user@host dir]#, user@host ~ %: the host runs from '@' to the
            // first ':', ']' or blank.
            const std::string_view prefix = line.substr(
                0, cmd.empty() ? line.size() : static_cast<size_t>(cmd.data() - line.data()));
            const size_t at = prefix.find('@');
            if (at != std::string_view::npos) {
                std::string_view host = prefix.substr(at + 1);
                host = host.substr(0, host.find_first_of(":] \t"));
                if (looks_like_hostname(host) && host != "localhost") {
                    found = std::string(host);
                }
            }
            return false;  // the first prompt decides
        }
        return ++seen < 40;
    });
    return found;
}

bool wants_collection_facts(const FileProbe& probe) {
    const std::string_view h = command_hint(probe.path);
    return h == "date" || h == "uptime" || h == "hostname" || h == "uname" ||
           prompt_host(probe.head).has_value();
}

void gather_collection_facts(const FileProbe& probe, std::string_view text, UploadFacts& facts) {
    if (auto host = prompt_host(text.substr(0, 16 * 1024))) {
        facts.emplace(std::string(kFactPromptHost), std::move(*host));
    }
    const std::string_view hint = command_hint(probe.path);
    if (hint != "date" && hint != "uptime" && hint != "hostname" && hint != "uname") {
        return;
    }
    const std::vector<std::string_view> lines = output_lines(text.substr(0, 64 * 1024));
    const std::string_view first = first_content_line(lines);
    if (first.empty()) {
        return;
    }
    auto set_once = [&](std::string_view k, std::string v) {
        facts.emplace(std::string(k), std::move(v));
    };
    if (hint == "date") {
        // `date`, `date -u`, `date -R`, `date -Is`, or timedatectl's "Local time:" line.
        std::string_view line = first;
        for (std::string_view l : lines) {
            std::string_view t = trim(l);
            if (t.starts_with("Local time:")) {
                line = trim(t.substr(11));
                break;
            }
            if (t.starts_with("Universal time:")) {
                line = trim(t.substr(15));
                break;
            }
        }
        const auto p = parse_date_line(line);
        if (!p || facts.count(std::string(kFactDate)) != 0) {
            return;
        }
        set_once(kFactDate, std::string(line));
        std::optional<int> offset = p->offset;
        // Asia/Shanghai prints "CST" too; a zh_CN-localised line ("星期五") is China's.
        const bool chinese = line.find("星期") != std::string_view::npos;
        bool china_cst = false;
        for (std::string_view tok : split_ws(line, 16)) {
            if (chinese && tok == "CST" && offset == zone_offset("CST")) {
                offset = 8 * 3600;
                china_cst = true;
            }
        }
        const int off = offset.value_or(0);
        set_once(kFactDateUtc, format_utc(p->wall - off));
        if (offset) {
            set_once(kFactUtcOffset, std::to_string(*offset));
            // The abbreviation, if the line has one and it agrees with the offset (the rule
            // of its seasons).
            for (std::string_view tok : split_ws(line, 16)) {
                if (!china_cst && tok.size() >= 3 && tok.size() <= 4 &&
                    std::all_of(tok.begin(), tok.end(),
                                [](char c) { return c >= 'A' && c <= 'Z'; }) &&
                    zone_offset(tok) == offset) {
                    set_once(kFactZone, std::string(tok));
                    break;
                }
            }
        }
        derive_boot_time(facts);
        return;
    }
    if (hint == "uptime") {
        // `uptime -s` gives the boot time to the second: it wins over `uptime`'s minutes,
        // whichever of the two files comes first (UAC collects both).
        if (first.size() >= 19 && is_digit(first[0]) && first[4] == '-' &&
            parse_iso_time(first.substr(0, 19))) {
            set_once(kFactUptime, std::string(first));
            set_once("linux.uptime.since", std::string(first.substr(0, 19)));
            derive_boot_time(facts);
            return;
        }
        if (facts.count(std::string(kFactUptime)) != 0) {
            return;
        }
        if (const auto s = uptime_seconds(first)) {
            set_once(kFactUptime, std::string(first));
            set_once("linux.uptime.seconds", std::to_string(*s));
            derive_boot_time(facts);
        }
        return;
    }
    if (hint == "uname") {
        FieldCursor cur(first);
        const std::string_view kernel = cur.next();
        const std::string_view node = cur.next();
        if (kernel != "Linux" || node.empty() || !looks_like_hostname(node)) {
            return;
        }
        set_once(kFactUname, std::string(first));
        if (facts.count(std::string(kFactHostname)) == 0) {
            facts[std::string(kFactHostname)] = std::string(node);
            facts["linux.hostname.from"] = "uname";
        }
        return;
    }
    // hostname / hostnamectl
    std::string_view name;
    for (std::string_view l : lines) {
        std::string_view t = trim(l);
        if (t.starts_with("Static hostname:")) {
            name = trim(t.substr(16));
            break;
        }
    }
    if (name.empty() && lines.size() <= 3 && first.find(' ') == std::string_view::npos) {
        name = first;
    }
    if (name.empty() || !looks_like_hostname(name)) {
        return;
    }
    const auto from = facts.find("linux.hostname.from");
    if (facts.count(std::string(kFactHostname)) == 0 ||
        (from != facts.end() && from->second == "uname")) {
        facts[std::string(kFactHostname)] = std::string(name);
        facts.erase("linux.hostname.from");
    }
}

bool is_ls_mode_row(std::string_view t) {
    if (t.size() < 12 || std::string_view("-dlcbpsD").find(t[0]) == std::string_view::npos) {
        return false;
    }
    for (size_t i = 1; i < 10; ++i) {
        if (std::string_view("-rwxsStTlL").find(t[i]) == std::string_view::npos) {
            return false;
        }
    }
    size_t k = 10;
    if (t[k] == '.' || t[k] == '+' || t[k] == '@') {
        ++k;
    }
    // Then the link count: "---------- uname -a ----------" is a banner after all.
    const size_t spaces = k;
    while (k < t.size() && (t[k] == ' ' || t[k] == '\t')) {
        ++k;
    }
    const size_t digits = k;
    while (k < t.size() && t[k] >= '0' && t[k] <= '9') {
        ++k;
    }
    return k > spaces && digits > spaces && k > digits && k < t.size() &&
           (t[k] == ' ' || t[k] == '\t');
}

}  // namespace evidenced::parsers::linux_cmd
