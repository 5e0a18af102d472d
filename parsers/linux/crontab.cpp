// linux.crontab: `crontab -l`, `crontab -u U -l`, /etc/crontab, /etc/cron.d/* and spool files.
//
// One record per schedule entry (five time fields or an @keyword), with the file's `VAR=`
// lines attached as `variables` ({name, value}, in file order).  System crontabs
// (/etc/crontab, cron.d, or a user column evident from the content) carry `user`.  A file
// with variables but no entry gives one record holding only the variables, so nothing the
// file sets is lost.  Field names follow jc's crontab / crontab-u parsers.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
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
using linux_cmd::split_ws;
using linux_cmd::trim;

bool is_time_field(std::string_view f, bool allow_names) {
    if (f.empty()) {
        return false;
    }
    bool digit_or_star = false;
    for (char c : f) {
        if ((c >= '0' && c <= '9') || c == '*') {
            digit_or_star = true;
        } else if (c == ',' || c == '-' || c == '/') {
        } else if (allow_names && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        } else {
            return false;
        }
    }
    return digit_or_star || (allow_names && f.size() >= 3);
}

constexpr std::string_view kKeywords[] = {"reboot", "yearly", "annually", "monthly",
                                          "weekly", "daily",  "midnight", "hourly"};

bool is_keyword(std::string_view w) {
    return std::find(std::begin(kKeywords), std::end(kKeywords), w) != std::end(kKeywords);
}

// A `NAME=value` line (cron's environment setting); the value may be quoted.
bool parse_variable(std::string_view line, std::string_view& name, std::string_view& value) {
    line = trim(line);
    size_t i = 0;
    while (i < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[i])) != 0 || line[i] == '_')) {
        ++i;
    }
    if (i == 0 || std::isdigit(static_cast<unsigned char>(line[0])) != 0) {
        return false;
    }
    name = line.substr(0, i);
    const std::string_view rest = trim(line.substr(i));
    if (rest.empty() || rest[0] != '=') {
        return false;
    }
    value = trim(rest.substr(1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
    }
    return true;
}

struct Entry {
    uint64_t line = 0;
    std::string_view keyword;              // "reboot"... when @keyword
    std::vector<std::string_view> fields;  // the five time fields
    std::string_view rest;                 // [user] command
};

// Parses a schedule line; false when the line is not one.
bool parse_entry(std::string_view line, Entry& e) {
    line = trim(line);
    if (line.empty()) {
        return false;
    }
    if (line[0] == '@') {
        auto parts = split_ws(line, 2);
        const std::string_view kw = parts[0].substr(1);
        if (!is_keyword(kw) || parts.size() < 2) {
            return false;
        }
        e.keyword = kw;
        e.rest = trim(parts[1]);
        return !e.rest.empty();
    }
    auto parts = split_ws(line, 6);
    if (parts.size() < 6) {
        return false;
    }
    for (size_t i = 0; i < 5; ++i) {
        if (!is_time_field(parts[i], i >= 3)) {
            return false;
        }
    }
    // Minute and hour never hold names.
    e.fields.assign(parts.begin(), parts.begin() + 5);
    e.rest = trim(parts[5]);
    return !e.rest.empty();
}

bool is_noise(std::string_view line) {
    line = trim(line);
    return line.empty() || line[0] == '#' || line.starts_with("no crontab for") ||
           line == "ENDOFUSERCRON";
}

// Whether the path is a system crontab (with a user column).
bool system_path(std::string_view path) {
    return path.ends_with("etc/crontab") || path.find("cron.d/") != std::string_view::npos ||
           path.find("etc_crontab") != std::string_view::npos ||
           path.find("cron.d_") != std::string_view::npos;
}

// A spool file /var/spool/cron/crontabs/<user> or /var/spool/cron/<user>: the owner.
std::string_view spool_owner(std::string_view path) {
    for (std::string_view dir :
         {std::string_view("spool/cron/crontabs/"), std::string_view("spool/cron/tabs/"),
          std::string_view("spool/cron/")}) {
        const size_t at = path.find(dir);
        if (at != std::string_view::npos) {
            const std::string_view name = path.substr(at + dir.size());
            if (!name.empty() && name.find('/') == std::string_view::npos) {
                return name;
            }
        }
    }
    return {};
}

bool looks_like_user(std::string_view w) {
    if (w.empty() || w.size() > 32 || w.find('/') != std::string_view::npos ||
        w.find('=') != std::string_view::npos) {
        return false;
    }
    for (char c : w) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '$';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// A user column is evident when every entry has one more word after the schedule that looks
// like an account, and at least one of those is a well-known system account.
bool content_has_user_column(const std::vector<Entry>& entries, bool header_says_user) {
    if (entries.empty()) {
        return false;
    }
    bool known = false;
    for (const Entry& e : entries) {
        auto words = split_ws(e.rest, 2);
        if (words.size() < 2 || !looks_like_user(words[0])) {
            return false;
        }
        known = known || words[0] == "root" || words[0] == "nobody" || words[0] == "www-data" ||
                words[0] == "daemon" || words[0] == "apache";
    }
    return known || header_says_user;
}

struct Scan {
    std::vector<std::pair<std::string_view, std::string_view>> variables;
    std::vector<Entry> entries;
    std::vector<std::pair<uint64_t, std::string_view>> bad;
    bool header_says_user = false;
};

Scan scan(std::string_view text) {
    Scan s;
    LineNumbers ln(text);
    for (std::string_view line : output_lines(text)) {
        const std::string_view t = trim(line);
        if (t.starts_with("#")) {
            // The stock /etc/crontab header: "# m h dom mon dow user	command".
            if (t.find("dow user") != std::string_view::npos ||
                t.find("user-name") != std::string_view::npos ||
                t.find("dow usr") != std::string_view::npos) {
                s.header_says_user = true;
            }
            continue;
        }
        if (is_noise(t)) {
            continue;
        }
        Entry e;
        std::string_view name;
        std::string_view value;
        if (parse_entry(t, e)) {
            e.line = ln.of(line);
            s.entries.push_back(std::move(e));
        } else if (parse_variable(t, name, value)) {
            s.variables.emplace_back(name, value);
        } else {
            s.bad.emplace_back(ln.of(line), t);
        }
    }
    return s;
}

class CrontabParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.crontab";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "crontab") || system_path(probe.path) ||
                            !spool_owner(probe.path).empty();
        // The probe may end mid-line: drop the last partial line.
        std::string_view head = probe.head;
        if (probe.size > head.size()) {
            const size_t nl = head.rfind('\n');
            head = head.substr(0, nl == std::string_view::npos ? 0 : nl);
        }
        const Scan s = scan(head);
        const size_t good = s.entries.size() + s.variables.size();
        if (good == 0) {
            return 0;
        }
        if (hinted) {
            // Cron files are read by people too: tolerate a stray line or two.
            return s.bad.size() <= good ? 85 : 0;
        }
        // Content alone: only schedule lines, variables and comments, at least two entries.
        if (s.bad.empty() && s.entries.size() >= 2) {
            return 65;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const Scan s = scan(text);
        const bool user_column =
            system_path(ctx.member) || content_has_user_column(s.entries, s.header_says_user);
        const std::string_view owner = spool_owner(ctx.member);

        std::string vars;
        {
            JsonWriter vw(vars);
            vw.begin_array();
            for (const auto& [n, v] : s.variables) {
                vw.begin_object().str("name", n).str("value", v).end_object();
            }
            vw.end_array();
        }

        // Errors and entries in line order.
        size_t bi = 0;
        Record r;
        auto flush_bad_until = [&](uint64_t line) {
            for (; bi < s.bad.size() && s.bad[bi].first <= line; ++bi) {
                sink.emit(make_error_record(s.bad[bi].first, true,
                                            "crontab: line is neither a schedule entry nor a "
                                            "variable",
                                            s.bad[bi].second));
            }
        };
        for (const Entry& e : s.entries) {
            flush_bad_until(e.line);
            r.clear();
            r.dataset = "linux.crontab";
            r.position = e.line;
            std::string_view user;
            std::string_view command = e.rest;
            if (user_column) {
                auto words = split_ws(e.rest, 2);
                if (words.size() == 2) {
                    user = words[0];
                    command = trim(words[1]);
                }
            }
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("crontab");
            if (!e.keyword.empty()) {
                w.str("occurrence", e.keyword);
            } else {
                static constexpr std::string_view kNames[] = {"minute", "hour", "day_of_month",
                                                              "month", "day_of_week"};
                for (size_t i = 0; i < 5; ++i) {
                    w.begin_array(kNames[i]);
                    std::string_view f = e.fields[i];
                    size_t start = 0;
                    while (start <= f.size()) {
                        const size_t comma = f.find(',', start);
                        const size_t end = comma == std::string_view::npos ? f.size() : comma;
                        w.value_str(f.substr(start, end - start));
                        if (comma == std::string_view::npos) {
                            break;
                        }
                        start = comma + 1;
                    }
                    w.end_array();
                }
            }
            if (!user.empty()) {
                w.str("user", user);
            }
            w.str("command", command);
            w.raw("variables", vars);
            w.end_object().end_object();
            w.begin_object("process").str("command_line", command).end_object();
            if (!user.empty() || !owner.empty()) {
                w.begin_object("user").str("name", user.empty() ? owner : user).end_object();
            }
            sink.emit(r);
        }
        flush_bad_until(UINT64_MAX);
        if (s.entries.empty() && !s.variables.empty()) {
            r.clear();
            r.dataset = "linux.crontab";
            r.position = 1;
            JsonWriter w(r.body);
            w.resume_object(false).begin_object("linux").begin_object("crontab");
            w.raw("variables", vars).end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "crontab: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_crontab_parser() {
    static const CrontabParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
