// linux.lastlog: `lastlog` (shadow), also `lastlog -u`, `-t N`, any locale.
//
// jc has no lastlog parser; fields follow jc's convention (header words lower-cased):
// username, port, from, latest, latest_epoch, never_logged_in.  One record per account,
// "**Never logged in**" (or its translation between `**`) included, since the list of
// accounts is itself a fact.  Columns overflow (a 20-character user name pushes PORT to the
// right), so fields are read by shape, not position: the time is the last six tokens
// (`Fri Nov 27 06:41:10 +0000 2026`, weekday possibly localized), PORT is the token that
// looks like a terminal.  latest_epoch is exact (lastlog prints the zone); @timestamp =
// the last login; user.name, source.ip when FROM is an address.
#include <algorithm>
#include <array>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using namespace linux_cmd;

using Tokens = Fields<24>;

bool is_port(std::string_view t) {
    return t.starts_with("pts/") || t.starts_with("tty") || t.starts_with("ssh") ||
           t.starts_with("console") || t.starts_with(":") || t.starts_with("ftp") ||
           t.starts_with("vc/") || t.starts_with("hvc") || t.starts_with("web");
}

bool is_header(std::string_view t) {
    return t.starts_with("Username") && t.find("Port") != std::string_view::npos;
}

struct Row {
    std::string_view user;
    std::string_view port;
    std::string_view from;
    std::string_view latest;
    bool never = false;
    std::optional<int64_t> epoch;
};

// "Fri Nov 27 06:41:10 +0000 2026" at tokens [i, i+6).
std::optional<int64_t> read_latest(const Tokens& tk, size_t i) {
    if (i + 6 != tk.n) {
        return std::nullopt;
    }
    const int month = month_number(tk.t[i + 1]);
    const auto day = to_int(tk.t[i + 2]);
    const std::string_view clock = tk.t[i + 3];
    const auto off = zone_offset(tk.t[i + 4]);
    const auto year = to_int(tk.t[i + 5]);
    if (month == 0 || !day || *day < 1 || *day > 31 || clock.size() != 8 || clock[2] != ':' ||
        clock[5] != ':' || !year || tk.t[i + 5].size() != 4) {
        return std::nullopt;
    }
    const auto hh = to_int(clock.substr(0, 2));
    const auto mm = to_int(clock.substr(3, 2));
    const auto ss = to_int(clock.substr(6, 2));
    if (!hh || !mm || !ss) {
        return std::nullopt;
    }
    return days_from_civil(*year, static_cast<unsigned>(month), static_cast<unsigned>(*day)) *
               86400 +
           *hh * 3600 + *mm * 60 + *ss - off.value_or(0);
}

std::string_view span(const Tokens& tk, size_t a, size_t b) {
    const char* s = tk.t[a].data();
    const char* e = tk.t[b].data() + tk.t[b].size();
    return std::string_view(s, static_cast<size_t>(e - s));
}

bool parse_row(std::string_view t, Tokens& tk, Row& row) {
    tokenize(t, tk);
    if (tk.n < 2) {
        return false;
    }
    row.user = tk.t[0];
    if (tk.t[tk.n - 1].ends_with("**") && t.find("**") != std::string_view::npos) {
        // "**Never logged in**" / "**Noch nie angemeldet**": maybe after a port/from.
        size_t k = 1;
        while (k < tk.n && !tk.t[k].starts_with("**")) {
            ++k;
        }
        if (k >= tk.n) {
            return false;
        }
        row.latest = span(tk, k, tk.n - 1);
        row.never = true;
        if (k > 1) {
            row.port = tk.t[1];
        }
        if (k > 2) {
            row.from = span(tk, 2, k - 1);
        }
        return true;
    }
    if (tk.n < 7) {
        return false;
    }
    const size_t i = tk.n - 6;
    row.epoch = read_latest(tk, i);
    if (!row.epoch) {
        return false;
    }
    row.latest = span(tk, i, tk.n - 1);
    if (i == 2) {
        if (is_port(tk.t[1])) {
            row.port = tk.t[1];
        } else {
            row.from = tk.t[1];
        }
    } else if (i >= 3) {
        row.port = tk.t[1];
        row.from = span(tk, 2, i - 1);
    }
    return true;
}

int content_score(std::string_view head) {
    const std::vector<std::string_view> lines = output_lines(head);
    Tokens tk;
    bool header = false;
    int rows = 0;
    int strict = 0;  // rows whose From is one word, as lastlog prints it
    int other = 0;
    for (size_t i = 0; i < lines.size() && i < 30; ++i) {
        const std::string_view t = trim(lines[i]);
        if (t.empty()) {
            continue;
        }
        if (is_header(t)) {
            header = true;
            continue;
        }
        Row row;
        if (parse_row(t, tk, row)) {
            ++rows;
            if (row.from.find(' ') == std::string_view::npos) {
                ++strict;
            }
        } else {
            ++other;
        }
    }
    if (header && rows >= other) {
        return 85;
    }
    // Without the header, only rows lastlog could have printed: a line that merely ends in
    // a date (/proc/version: "Linux version ... #71-Ubuntu SMP Tue Jul 13 15:59:12 UTC 2021")
    // is not a login record.
    return rows > 0 && other == 0 && strict == rows ? 45 : 0;
}

class LastlogParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.lastlog";
    }
    std::string_view source() const override {
        return "linux-commands";
    }
    int detect(const FileProbe& probe) const override {
        const int score = content_score(probe.head);
        if (score == 0) {
            return 0;
        }
        return name_hints(probe, "lastlog") ? 90 : score;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 256u << 20, &cut);
        const std::vector<std::string_view> lines = output_lines(text);
        LineCounter lc(text);
        Tokens tk;
        Record r;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty() || is_header(t)) {
                continue;
            }
            const uint64_t line_no = lc.line_of(line);
            Row row;
            if (!parse_row(t, tk, row)) {
                sink.emit(make_error_record(line_no, true, "linux.lastlog: not a lastlog row", t));
                continue;
            }
            r.clear();
            r.dataset = "linux.lastlog";
            r.position = line_no;
            if (row.epoch) {
                r.timestamp = format_utc(*row.epoch);
            }
            {
                JsonWriter ev(r.event_fields);
                ev.resume_object(false).str("action", row.never ? "never_logged_in" : "last_login");
            }
            JsonWriter w(r.body);
            w.resume_object(false);
            w.begin_object("user").str("name", row.user).end_object();
            if (is_ip_literal(row.from)) {
                w.begin_object("source").str("ip", row.from).end_object();
            } else if (!row.from.empty()) {
                w.begin_object("source").str("address", row.from).end_object();
            }
            w.begin_object("linux").begin_object("lastlog");
            w.str("username", row.user);
            if (row.port.empty()) {
                w.null("port");
            } else {
                w.str("port", row.port);
            }
            if (row.from.empty()) {
                w.null("from");
            } else {
                w.str("from", row.from);
            }
            if (row.never) {
                w.null("latest");
                w.boolean("never_logged_in", true);
                w.str("latest_text", row.latest);
            } else {
                w.str("latest", row.latest);
                w.num("latest_epoch", *row.epoch);
                w.boolean("never_logged_in", false);
            }
            w.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(lc.line_of(std::string_view(text).substr(text.size())),
                                        true,
                                        "linux.lastlog: file larger than 256 MiB, rest skipped"));
        }
    }
};

}  // namespace

const Parser& linux_lastlog_parser() {
    static const LastlogParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
