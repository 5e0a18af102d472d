// Shared helpers for the Linux command-output parsers (parsers/linux/*.cpp).
//
// Every command parser is its own Parser (dataset "linux.<command>", source
// "linux-commands") registered in parsers/registry.cpp.  detect() = file-name hint (weak)
// confirmed by a content signature (strong); content alone may also claim a file.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::parsers::linux_cmd {

// The canonical command a member's file name suggests: "ps", "netstat", "ss", "lsof",
// "proc_exe", "ls", "last", "lastlog", "w", "who", "crontab", "passwd", "group", "ip_addr",
// "ip_route", "arp", "systemctl", "mount", "df", "uname", "hostname", "date", "uptime",
// "history", "iptables", "lsmod", "dpkg", and the extended "pstree", "top", "proc_net_tcp",
// "proc_net_unix", "utmpdump", "id", "shadow", "gshadow", "os_release", "hosts",
// "resolv_conf", "hashsum", "find", "stat", "lsattr", "lsblk", "blkid", "free", "env",
// "sysctl", "dmesg", "nft", "ufw", "ulimit"; "" when the name suggests none.  Understands UAC
// names (live_response/process/ps_auxwwwf.txt), Cat-Scale suffixes, and hand-saved forms
// (PsAuxf.txt, "netstat -nalp.txt", 27_netstat_nalp.log, ps-ef.out, case and separators).
std::string_view command_hint(std::string_view member_path);

// The command line a file's name or first prompt line shows ("ps auxf", "netstat -nalp"),
// lower-cased with separators turned into spaces; "" when unknown.  Lets a parser pick the
// variant (ps aux vs ps -ef) before looking at the header.
std::string command_line_hint(std::string_view member_path, std::string_view head);

// The lines of a command's output with what surrounds it removed: a trailing '\r', prompt
// lines (`user@host:~# ps auxf`, `$ ps auxf`, `[root@h ~]# ...`), script(1) "Script started/
// done" lines, and one banner line such as `===== ps auxf =====` or `# ps auxf` at the top.
// Empty lines are kept (some outputs use them as separators) but leading ones are dropped.
std::vector<std::string_view> output_lines(std::string_view text);
// The lines of `text` with a trailing '\r' and shell prompt lines removed, and nothing else:
// for outputs whose first line output_lines() would take for a banner (`--- Volume group ---`,
// a title ending in ':').
std::vector<std::string_view> prompt_free_lines(std::string_view text);
// Index of the first line at or after `from` that is not blank (lines.size() if none).
size_t first_nonblank(const std::vector<std::string_view>& lines, size_t from = 0);

// A label as a JSON key, jc's way: ASCII letters and digits lower-cased, every run of
// anything else one '_' between them ("Static hostname" -> "static_hostname",
// "CPU(s)" -> "cpu_s", "Model name:" -> "model_name").
inline std::string snake_key(std::string_view label) {
    std::string out;
    for (const char c : label) {
        const bool upper = c >= 'A' && c <= 'Z';
        if (upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
    }
    if (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out;
}

// `s` with ASCII letters lower-cased.
inline std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// Whether the file name (last path component) of `path` contains `word` (lower-case),
// ignoring case: "TimeDateCtl_Status.txt" has "timedatectl".
inline bool basename_has(std::string_view path, std::string_view word) {
    const size_t slash = path.rfind('/');
    return lower_ascii(slash == std::string_view::npos ? path : path.substr(slash + 1))
               .find(word) != std::string::npos;
}

// Hard-wrapped copies (a narrow terminal's screen copied, a ticket, tmux capture-pane
// without -J) cut a long row at the margin and go on on the next line.  Narrowest margin
// whose rows are joined again: a line that long may have been cut, a shorter one ended.
inline constexpr size_t kMinWrapWidth = 60;

// The row lines[i] with the lines a terminal wrapped it onto: while the physical line so
// far `reaches_margin` and the next one `is_tail` (starts nothing of its own), the next
// line is appended untrimmed (the cut falls anywhere, even on a space) and `i` advances.
// Returns lines[i] itself when nothing was joined, else a view of `buf`.
template <class ReachesMargin, class IsTail>
std::string_view join_wrapped(const std::vector<std::string_view>& lines,
                              size_t& i,
                              std::string& buf,
                              ReachesMargin reaches_margin,
                              IsTail is_tail) {
    buf.clear();
    std::string_view last = lines[i];
    while (i + 1 < lines.size() && reaches_margin(last) &&
           lines[i + 1].find_first_not_of(" \t") != std::string_view::npos &&
           is_tail(lines[i + 1])) {
        if (buf.empty()) {
            buf.assign(lines[i]);
        }
        last = lines[++i];
        buf.append(last);
    }
    return buf.empty() ? lines[i] : std::string_view(buf);
}
// The usual margin test: the line is at least kMinWrapWidth long.
inline bool at_wrap_margin(std::string_view physical_line) {
    return physical_line.size() >= kMinWrapWidth;
}

// Splits on runs of spaces/tabs.  With max_fields, the last field keeps the rest of the
// line verbatim (e.g. ps COMMAND).
std::vector<std::string_view> split_ws(std::string_view line, size_t max_fields = SIZE_MAX);

// Reads the whole input (outputs are small) up to `limit` bytes; sets *cut when longer.
std::string read_all(Input& in, size_t limit = 256u << 20, bool* cut = nullptr);

// Integer parse helpers: nullopt unless the whole view is a (signed) decimal integer.
std::optional<int64_t> to_int(std::string_view s);
std::optional<double> to_double(std::string_view s);  // accepts a decimal comma too

std::string_view trim(std::string_view s);

// Whether the probe's file name hints `command` (command_hint == command).
bool name_hints(const FileProbe& probe, std::string_view command);

// ---- Added by Linux A (additions only; the signatures above are fixed) ----------------------

// UploadFacts keys filled by gather_collection_facts() from a collection's own outputs.
// Times are wall-clock values of the examined host; offsets are seconds east of UTC.
inline constexpr std::string_view kFactDate = "linux.date";  // raw `date` line
// The `date` output as UTC RFC 3339 ms ("2026-11-27T04:39:30.000Z"), when its zone is known
// (UTC/GMT, a numeric offset, or a common abbreviation); else the wall time read as UTC.
inline constexpr std::string_view kFactDateUtc = "linux.date.utc";
// The host's UTC offset in seconds ("3600"), from the `date` zone; absent when unknown.
inline constexpr std::string_view kFactUtcOffset = "linux.utc_offset";
// The `date` zone's abbreviation ("CEST"), when it printed one: names the DST rule.
inline constexpr std::string_view kFactZone = "linux.zone";
inline constexpr std::string_view kFactUptime = "linux.uptime";  // raw `uptime` line
// Boot time, UTC RFC 3339 ms: from `uptime -s`, or `date` minus the `uptime` duration.
inline constexpr std::string_view kFactBootTime = "linux.boot_time";
inline constexpr std::string_view kFactHostname = "linux.hostname";  // `hostname` / uname node
inline constexpr std::string_view kFactUname = "linux.uname";        // raw `uname -a` line
// The host a hand-saved output's shell prompt names (`root@web01:~# ps auxf`,
// `[root@web01 ~]# ...`): weaker than a hostname output, stronger than a syslog line's host.
inline constexpr std::string_view kFactPromptHost = "linux.prompt_host";

// The host in the first shell prompt among the first lines of `head`; nullopt when no prompt
// names one (or it names localhost).
std::optional<std::string> prompt_host(std::string_view head);

// Reads a `date`, `uptime` (-s) , `hostname`, `hostnamectl` or `uname -a` output (chosen by
// the file name hint and confirmed by content) and records what it finds in `facts`.
// Safe to call on any member: files that are none of these leave `facts` untouched.
// Existing keys are not overwritten (the first output of an upload wins), except that the
// derived kFactBootTime is (re)computed once both `date` and `uptime` are known.
void gather_collection_facts(const FileProbe& probe, std::string_view text, UploadFacts& facts);
// Whether gather_collection_facts() can learn anything from this member (name hint date,
// uptime, hostname, uname; or a shell prompt naming its host).
bool wants_collection_facts(const FileProbe& probe);

// Base of the parsers whose files also tell the collection facts (date, uptime, hostname,
// uname): their facts step is gather_collection_facts().
class CollectionFactsParser : public Parser {
public:
    bool wants_facts(const FileProbe& probe) const override;
    void gather_facts(const FileProbe& probe, Input& in, UploadFacts& facts) const override;
};

// ---- time helpers -------------------------------------------------------------------------

// 1..12 for English month abbreviations/names ("Nov", "november"), case-insensitive; also
// German/French/Spanish short forms where they differ (Mär, Mai, Okt, Dez...), Russian
// (ноя, мая) and the CJK "11月". 0 if unknown.
int month_number(std::string_view s);

// Numbers with CJK unit suffixes as ja_JP/zh_CN dates print them, alone or glued:
// "2026年", "11月", "27日", "2026年11月27日", "11時37分40秒".  Fills the fields the token
// names (the others stay -1); false unless the whole token is such number+unit pairs.
struct CjkDateParts {
    int year = -1, month = -1, day = -1, hour = -1, minute = -1, second = -1;
};
bool parse_cjk_units(std::string_view tok, CjkDateParts& out);

// The weekday (0 = Sunday .. 6) a weekday token names in English, German, Russian,
// Japanese, Chinese, Korean, French or Spanish ("Fri", "Fr", "Пт", "金曜日", "星期五",
// "(금)", "ven."); -1 if none.  Lets a localised line prove itself: the weekday must match
// the date.
int weekday_index(std::string_view s);
// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// "2026-11-27T04:39:30.000Z" from seconds (and milliseconds) since the epoch, UTC.
std::string format_utc(int64_t epoch_seconds, int millis = 0);
// Parses RFC 3339 / ISO 8601 "YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:]MM]"; without a zone
// the value is read as UTC.  Returns epoch seconds.
std::optional<int64_t> parse_iso_time(std::string_view s);
// UTC offset in seconds of a zone token ("UTC", "CET", "+0100", "-05:00"); nullopt if unknown
// or ambiguous (see zone_is_ambiguous()).
std::optional<int> zone_offset(std::string_view zone);
// Whether an abbreviation names several offsets, so that it alone cannot say the host's
// offset ("IST": India +05:30, Ireland +01:00, Israel +02:00; "AST": Atlantic -04:00 or
// Arabia +03:00).  Only a numeric offset printed beside it (%z) can.
bool zone_is_ambiguous(std::string_view zone);

// The reference "now" of a collection, for year-less and relative times: the `date` output of
// the same upload when known, else the collection time (archive/member mtime).
// Daylight-saving rule of the `date` zone, when its abbreviation names one: EU (last Sunday
// of March to last Sunday of October, 01:00 UTC), US/Canada (second Sunday of March to
// first Sunday of November, 02:00 local), south-east Australia (first Sunday of October to
// first Sunday of April, 02:00 standard time: spans the new year), New Zealand (last Sunday
// of September to first Sunday of April), Israel (Friday before the last Sunday of March to
// the last Sunday of October, 02:00 local).
enum class DstRule { kNone, kEu, kUs, kAuSouth, kNz, kIsrael };

struct TimeAnchor {
    int64_t now_utc = 0;  // epoch seconds
    int utc_offset = 0;   // host offset (seconds east of UTC) at now_utc, from `date`
    bool valid = false;
    bool offset_known = false;  // a zone was seen; else wall times are read as UTC
    // CET/CEST, EST/EDT, ...: wall times of the other season get the other offset.
    DstRule dst = DstRule::kNone;
    int std_offset = 0;  // the zone's standard-time offset (with a rule)
    int64_t now_local() const {
        return now_utc + utc_offset;
    }
    int year() const;  // the host's local year at now_utc
    // The offset in force at a host wall time (seconds since the epoch, as if UTC).
    int offset_at_wall(int64_t wall) const;
    // The offset in force at an instant.
    int offset_at_utc(int64_t utc) const;
};
TimeAnchor time_anchor(const ParseContext& ctx);
// Year for a year-less month/day: the latest year that does not put the date more than a day
// after the anchor; 0 when the anchor is invalid.
int resolve_year(const TimeAnchor& a, int month, int day);
// Epoch seconds (UTC) of a host wall time, using the anchor's offset.
int64_t wall_to_utc(const TimeAnchor& a, int year, int month, int day, int hh, int mm, int ss);

// Whether a (trimmed) line is an ls long-listing row (`----------. 1 root root 0 Jan 1
// shadow`, `---x--x--x 1 root root ... sudo`): a mode that starts with dashes is no
// "---- title ----" banner.
bool is_ls_mode_row(std::string_view t);

// Strips terminal escape sequences (CSI/OSC, as script(1) typescripts hold) from both ends of
// a line; the middle stays untouched.
std::string_view strip_escapes(std::string_view line);

// Whether a line is a shell prompt with or without a command (`root@h:~# ps aux`,
// `[root@h ~]$ ps`, `h:~ # ps`, `$ ps aux`); sets *cmd to the command typed (may be empty).
bool is_prompt_line(std::string_view line, std::string_view* cmd = nullptr);

// Walks the whitespace-separated fields of a line without allocating.
struct FieldCursor {
    std::string_view rest;
    explicit FieldCursor(std::string_view s) : rest(s) {}
    // Next field (empty view at end).  Afterwards `rest` starts at the following field's
    // separator.
    std::string_view next();
    // The remainder after the separators, verbatim.
    std::string_view remainder();
};

// The first N whitespace-separated fields of a line, as views (no allocation).
template <size_t N>
struct Fields {
    std::array<std::string_view, N> t{};
    size_t n = 0;
};
template <size_t N>
void tokenize(std::string_view line, Fields<N>& out) {
    out.n = 0;
    FieldCursor cur(line);
    for (std::string_view tok = cur.next(); !tok.empty() && out.n < N; tok = cur.next()) {
        out.t[out.n++] = tok;
    }
}

// `s` with each run of spaces and tabs turned into one space and none at the ends (jc's form
// of free-text columns), written into `buf`.
std::string_view collapse_spaces(std::string_view s, std::string& buf);

// Whether `s` is one or more ASCII digits.
bool is_digits(std::string_view s);

// Maps views into one text (as output_lines() returns them) to 1-based line numbers.  Calls
// must come in increasing position order; each call costs the bytes since the last one.
class LineCounter {
public:
    explicit LineCounter(std::string_view text) : text_(text) {}
    uint64_t line_of(std::string_view v);

private:
    std::string_view text_;
    size_t pos_ = 0;
    uint64_t line_ = 1;
};

// 1-based line numbers of views into `text` (output_lines() returns such views, in order;
// looking back restarts the count).  0 for a view that is not inside `text`.
class LineNumbers {
public:
    explicit LineNumbers(std::string_view text) : text_(text) {}
    uint64_t of(std::string_view v) {
        const auto base = reinterpret_cast<uintptr_t>(text_.data());
        const auto p = reinterpret_cast<uintptr_t>(v.data());
        if (p < base || p > base + text_.size()) {
            return 0;
        }
        const size_t to = p - base;
        if (to < off_) {
            off_ = 0;
            line_ = 1;
        }
        for (; off_ < to; ++off_) {
            if (text_[off_] == '\n') {
                ++line_;
            }
        }
        return line_;
    }

private:
    std::string_view text_;
    size_t off_ = 0;
    uint64_t line_ = 1;
};

// The probe without its last line when the probe is cut short of the file's end.
inline std::string_view whole_lines(const FileProbe& probe) {
    std::string_view head = probe.head;
    if (probe.size > head.size()) {
        // memrchr, not rfind: a JSON head is one 16 KiB line, and rfind walks it byte by
        // byte for every detector that asks.
        const void* nl = head.empty() ? nullptr : ::memrchr(head.data(), '\n', head.size());
        head = head.substr(
            0, nl == nullptr ? 0 : static_cast<size_t>(static_cast<const char*>(nl) - head.data()));
    }
    return head;
}

// The rows of a colon-separated account database (passwd, group, shadow, gshadow) among the
// probe's whole lines: how many `row_ok(line, is_root)` accepts, how many it rejects, and
// whether an accepted one was root's.  Blank and '#' lines are not rows; counting stops after
// `limit` rows.
struct AccountRows {
    size_t good = 0;
    size_t bad = 0;
    bool root = false;
};
template <typename RowOk>
AccountRows count_account_rows(const FileProbe& probe, RowOk&& row_ok, size_t limit = SIZE_MAX) {
    AccountRows n;
    for (std::string_view line : output_lines(whole_lines(probe))) {
        const std::string_view t = trim(line);
        if (t.empty() || t[0] == '#') {
            continue;
        }
        bool is_root = false;
        if (row_ok(line, is_root)) {
            ++n.good;
            n.root = n.root || is_root;
        } else {
            ++n.bad;
        }
        if (n.good + n.bad >= limit) {
            break;
        }
    }
    return n;
}

// Whether `a` looks like an IPv4/IPv6 literal (hex digits, dots, colons, a %zone).
inline bool is_ip_literal(std::string_view a) {
    bool colon = false;
    bool dot = false;
    if (a.empty()) {
        return false;
    }
    for (char c : a) {
        if (c == ':') {
            colon = true;
        } else if (c == '.') {
            dot = true;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                     c == '%')) {
            return false;
        }
    }
    return colon || dot;
}

}  // namespace evidenced::parsers::linux_cmd
