#include "daemon/pipeline/route.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::pipeline {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view strip_archive_suffixes(std::string_view name) {
    for (bool changed = true; changed;) {
        changed = false;
        for (std::string_view suf : {".gz", ".tgz", ".tar", ".zip", ".7z", ".bz2", ".xz", ".zst"}) {
            if (name.size() > suf.size() && lower(name.substr(name.size() - suf.size())) == suf) {
                name.remove_suffix(suf.size());
                changed = true;
            }
        }
    }
    return name;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::optional<std::string> collector_host(std::string_view name) {
    const size_t slash = name.find_last_of('/');
    if (slash != std::string_view::npos) {
        name.remove_prefix(slash + 1);
    }
    name = strip_archive_suffixes(name);
    // uac-<host>-<os>-<YYYYMMDDhhmmss>: the host is between "uac-" and the last two fields.
    if (name.size() > 4 && lower(name.substr(0, 4)) == "uac-") {
        const std::string_view rest = name.substr(4);
        const size_t last = rest.find_last_of('-');
        if (last != std::string_view::npos && all_digits(rest.substr(last + 1))) {
            const std::string_view before = rest.substr(0, last);
            const size_t os = before.find_last_of('-');
            if (os != std::string_view::npos && os > 0) {
                return std::string(before.substr(0, os));
            }
        }
    }
    // catscale_<host>-<YYYYMMDD-HHMM>
    if (name.size() > 9 && lower(name.substr(0, 9)) == "catscale_") {
        const std::string_view rest = name.substr(9);
        const size_t last = rest.find_last_of('-');
        if (last != std::string_view::npos && last > 0) {
            const std::string_view before = rest.substr(0, last);
            const size_t date = before.find_last_of('-');
            if (date != std::string_view::npos && date > 0 && all_digits(before.substr(date + 1))) {
                return std::string(before.substr(0, date));
            }
        }
    }
    return std::nullopt;
}

std::string source_for(const parsers::Parser* parser, std::string_view path, bool raw_container) {
    if (raw_container) {
        return "other";
    }
    if (parser != nullptr && parser->source() != "other") {
        return std::string(parser->source());
    }
    const std::string p = "/" + lower(path);
    static const std::vector<std::string_view> kLogHints = {
        "/var/log/", "/log/",      "/logs/",     "syslog",    "messages", "auth.log",
        "secure",    "kern.log",   "daemon.log", "audit.log", "cron",     "maillog",
        "dmesg",     "journal",    "wtmp",       "btmp",      "lastlog",  "access.log",
        "error.log", "access_log", "error_log"};
    for (auto hint : kLogHints) {
        if (p.find(hint) != std::string::npos) {
            return "linux-logs";
        }
    }
    if (p.size() > 4 && p.substr(p.size() - 4) == ".log") {
        return "linux-logs";
    }
    return "other";
}

std::optional<std::string> syslog_host(std::string_view head) {
    const size_t nl = head.find('\n');
    const std::string line(head.substr(0, std::min<size_t>(nl, 512)));
    static const std::regex kBsd(
        R"(^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d ([A-Za-z0-9][A-Za-z0-9._-]{0,62}) \S+)");
    static const std::regex kRfc3339(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) ([A-Za-z0-9][A-Za-z0-9._-]{0,62}) \S+)");
    std::smatch m;
    if (std::regex_search(line, m, kBsd) || std::regex_search(line, m, kRfc3339)) {
        return m[1].str();
    }
    return std::nullopt;
}

}  // namespace evidenced::pipeline
