// linux.showmount, linux.nfsstat: the NFS server's view (UAC network/showmount_-a.txt,
// nfsstat.txt).  Who mounts this host's exports (a stranger pulling /export/backups), and
// whether NFS is in use at all.
//
// showmount: one record per line under "All mount points on <server>:" (-a: client,
// directory), "Hosts on <server>:" (no option: client) or "Export list for <server>:" (-e:
// directory, clients as a list); server from the title, list = all | hosts | exports.
// nfsstat: one record per section ("Server rpc stats:", "Client nfs v4:", "Server nfs v4
// operations:"...): section, side (server/client), counters (name -> count) and percent
// (name -> the share nfsstat prints beside a count, "26%"), read from the rows of names and
// the rows of values under them.  Best effort: a value row that does not fit its names gives
// an evidenced.error record and the section goes on.
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

// ---- showmount -----------------------------------------------------------------------------

// "All mount points on nfs01:" -> list "all", server "nfs01".
bool showmount_title(std::string_view t, std::string_view& list, std::string_view& server) {
    struct Entry {
        std::string_view prefix, list;
    };
    static constexpr Entry kTitles[] = {
        {"All mount points on ", "all"}, {"Hosts on ", "hosts"}, {"Export list for ", "exports"}};
    if (!t.ends_with(":")) {
        return false;
    }
    for (const Entry& e : kTitles) {
        if (t.starts_with(e.prefix)) {
            list = e.list;
            server = t.substr(e.prefix.size(), t.size() - e.prefix.size() - 1);
            return !server.empty() && server.find(' ') == std::string_view::npos;
        }
    }
    return false;
}

class ShowmountParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.showmount";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "showmount");
        for (std::string_view line : linux_cmd::prompt_free_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            std::string_view list, server;
            return showmount_title(t, list, server) ? (hinted ? 95 : 90) : 0;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::string_view list, server;
        Record r;
        for (std::string_view line : linux_cmd::prompt_free_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (showmount_title(t, list, server)) {
                continue;
            }
            std::string_view client, dir;
            std::vector<std::string_view> clients;
            bool ok = !list.empty();
            if (list == "all") {
                // "10.0.0.21:/export/home" (the client may be an IPv6 address: last ":/").
                const size_t sep = t.rfind(":/");
                ok = ok && sep != std::string_view::npos && sep > 0;
                if (ok) {
                    client = t.substr(0, sep);
                    dir = t.substr(sep + 1);
                }
            } else if (list == "hosts") {
                client = t;
                ok = ok && t.find(' ') == std::string_view::npos;
            } else if (list == "exports") {
                // "/export/home 10.0.0.0/24,backup01" ("(everyone)" for any host).
                const auto w = split_ws(t, 2);
                ok = ok && !w.empty() && w[0].starts_with("/");
                if (ok) {
                    dir = w[0];
                    const std::string_view rest = w.size() > 1 ? w[1] : std::string_view{};
                    size_t pos = 0;
                    while (pos < rest.size()) {
                        size_t comma = rest.find(',', pos);
                        if (comma == std::string_view::npos) {
                            comma = rest.size();
                        }
                        if (comma > pos) {
                            clients.push_back(trim(rest.substr(pos, comma - pos)));
                        }
                        pos = comma + 1;
                    }
                }
            }
            if (!ok) {
                sink.emit(
                    make_error_record(ln.of(line), true, "showmount: line does not parse", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.showmount";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("showmount");
            j.str("list", list).str("server", server);
            j.opt_str("client", client).opt_str("directory", dir);
            if (list == "exports") {
                j.begin_array("clients");
                for (std::string_view c : clients) {
                    j.value_str(c);
                }
                j.end_array();
            }
            j.end_object().end_object();
            if (!client.empty() && linux_cmd::is_ip_literal(client)) {
                j.begin_object("source").str("ip", client).end_object();
            }
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "showmount: file too large, rest not parsed"));
        }
    }
};

// ---- nfsstat -------------------------------------------------------------------------------

// "Server rpc stats:" / "Client nfs v4:" / "Server nfs v4 operations:".
bool nfsstat_title(std::string_view line) {
    if (line.empty() || line[0] == ' ' || !line.ends_with(":")) {
        return false;
    }
    return (line.starts_with("Server ") || line.starts_with("Client ")) &&
           line.find("  ") == std::string_view::npos;
}

bool is_percent(std::string_view s) {
    return s.size() >= 2 && s.back() == '%';
}

struct Section {
    std::string_view title;
    uint64_t line = 0;
    std::vector<std::pair<std::string_view, std::string_view>> counts;   // name -> count
    std::vector<std::pair<std::string_view, std::string_view>> percent;  // name -> "26%"
};

class NfsstatParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.nfsstat";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = linux_cmd::name_hints(probe, "nfsstat");
        const auto lines = linux_cmd::prompt_free_lines(whole_lines(probe));
        for (size_t i = 0; i < lines.size(); ++i) {
            if (trim(lines[i]).empty()) {
                continue;
            }
            if (!nfsstat_title(lines[i])) {
                return 0;
            }
            // The title's first row of names: "calls badcalls ..." or "null read write...".
            const auto names = i + 1 < lines.size() ? split_ws(trim(lines[i + 1]))
                                                    : std::vector<std::string_view>{};
            const bool rpc = !names.empty() && (names[0] == "calls" || names[0] == "packets" ||
                                                names[0] == "null" || names[0] == "op0-unused");
            return rpc ? 95 : (hinted ? 85 : 0);
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        const auto lines = linux_cmd::prompt_free_lines(text);
        std::vector<Section> sections;
        std::vector<std::string_view> names;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (nfsstat_title(line)) {
                sections.push_back({t.substr(0, t.size() - 1), ln.of(line), {}, {}});
                names.clear();
                continue;
            }
            const auto w = split_ws(t);
            if (sections.empty()) {
                sink.emit(
                    make_error_record(ln.of(line), true, "nfsstat: line before a section", line));
                continue;
            }
            const bool values = to_int(w[0]).has_value();
            if (!values) {
                names = w;
                continue;
            }
            Section& s = sections.back();
            if (w.size() == names.size()) {
                for (size_t k = 0; k < w.size(); ++k) {
                    s.counts.emplace_back(names[k], w[k]);
                }
            } else if (w.size() == 2 * names.size()) {
                for (size_t k = 0; k < names.size(); ++k) {
                    s.counts.emplace_back(names[k], w[2 * k]);
                    if (is_percent(w[2 * k + 1])) {
                        s.percent.emplace_back(names[k], w[2 * k + 1]);
                    }
                }
            } else {
                sink.emit(make_error_record(ln.of(line), true,
                                            "nfsstat: values do not fit their names", line));
            }
            names.clear();
        }
        Record r;
        for (const Section& s : sections) {
            r.clear();
            r.dataset = "linux.nfsstat";
            r.position = s.line;
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("nfsstat");
            j.str("section", s.title);
            j.str("side", s.title.starts_with("Server") ? "server" : "client");
            j.begin_object("counters");
            for (const auto& [k, v] : s.counts) {
                if (const auto n = to_int(v)) {
                    j.num(k, *n);
                } else {
                    j.str(k, v);
                }
            }
            j.end_object();
            if (!s.percent.empty()) {
                j.begin_object("percent");
                for (const auto& [k, v] : s.percent) {
                    j.str(k, v);
                }
                j.end_object();
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "nfsstat: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_showmount_parser() {
    static const ShowmountParser kParser;
    return kParser;
}
const Parser& linux_nfsstat_parser() {
    static const NfsstatParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
