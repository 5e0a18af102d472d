// linux.docker_ps: `docker container ls --all --size` / `docker ps -a` (UAC
// containers/docker_container_ls_--all_--size.txt; podman prints the same table): every
// container of the host, running or not -- an attacker's miner or reverse shell often runs
// as one, and an exited container still names its image and command.
//
// One record per container, columns found from the header's positions: container_id,
// image, command (docker's quotes removed, "…" kept where docker truncated), created,
// status, ports (a list, split on ", "), names, size and virtual_size (from "1.09kB (virtual
// 187MB)").  From status: state (running, exited, created, restarting, paused, dead,
// removing) and exit_code for "Exited (137) ...".  docker's table is laid out by Go's
// tabwriter, which counts characters, not bytes: a row holding "…" is sliced by character
// positions so the columns after it stay in place.
// Not claimed: `docker images`, `docker inspect` (JSON), `docker stats`.
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
using linux_cmd::to_int;
using linux_cmd::trim;
using linux_cmd::whole_lines;

struct Column {
    std::string_view title;
    std::string key;
    size_t start = 0;  // character position in the header
};

constexpr std::string_view kTitles[] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
                                        "STATUS",       "PORTS", "NAMES",   "SIZE"};
constexpr std::string_view kKeys[] = {"container_id", "image", "command", "created",
                                      "status",       "ports", "names",   "size"};

// The header's columns (positions in characters: the header is ASCII); empty unless it is
// docker's container table.
std::vector<Column> header_columns(std::string_view line) {
    std::vector<Column> cols;
    if (!line.starts_with("CONTAINER ID")) {
        return cols;
    }
    size_t p = 0;
    while (p < line.size()) {
        bool found = false;
        for (size_t k = 0; k < std::size(kTitles); ++k) {
            const std::string_view t = kTitles[k];
            if (line.substr(p, t.size()) == t &&
                (p + t.size() == line.size() || line[p + t.size()] == ' ')) {
                cols.push_back({t, std::string(kKeys[k]), p});
                p += t.size();
                found = true;
                break;
            }
        }
        if (!found) {
            if (line[p] != ' ' && line[p] != '\t') {
                return {};  // a column this parser does not know (custom --format)
            }
            ++p;
        }
    }
    bool image = false;
    bool status = false;
    for (const Column& c : cols) {
        image = image || c.title == "IMAGE";
        status = status || c.title == "STATUS";
    }
    return image && status ? cols : std::vector<Column>{};
}

// Byte offset of character `chars` in a UTF-8 line (line.size() past the end).
size_t byte_at(std::string_view line, size_t chars) {
    size_t n = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) {
            if (n == chars) {
                return i;
            }
            ++n;
        }
    }
    return line.size();
}

std::string_view unquote(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        return s.substr(1, s.size() - 2);
    }
    if (s.size() >= 4 && s.front() == '"' && s.ends_with("\xe2\x80\xa6")) {
        return s.substr(1);  // "/docker-entrypoint.…  (docker cut the closing quote too)
    }
    return s;
}

std::string_view state_of(std::string_view status, std::string_view& exit_code) {
    exit_code = {};
    if (status.starts_with("Up")) {
        return status.find("(Paused)") != std::string_view::npos ? "paused" : "running";
    }
    if (status.starts_with("Exited")) {
        const size_t open = status.find('(');
        const size_t close = status.find(')');
        if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
            exit_code = status.substr(open + 1, close - open - 1);
        }
        return "exited";
    }
    for (auto [prefix, state] :
         {std::pair<std::string_view, std::string_view>{"Created", "created"},
          {"Restarting", "restarting"},
          {"Dead", "dead"},
          {"Removal In Progress", "removing"}}) {
        if (status.starts_with(prefix)) {
            return state;
        }
    }
    return {};
}

class DockerPsParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.docker_ps";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const auto lines = output_lines(whole_lines(probe));
        const size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size() || header_columns(lines[i]).empty()) {
            return 0;
        }
        return name_hints(probe, "docker_ps") ? 95 : 90;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::vector<Column> cols;
        Record r;
        for (std::string_view line : output_lines(text)) {
            if (trim(line).empty()) {
                continue;
            }
            if (auto h = header_columns(line); !h.empty()) {
                cols = std::move(h);  // another `docker ps` appended: its own layout
                continue;
            }
            if (cols.empty()) {
                sink.emit(
                    make_error_record(ln.of(line), true, "docker_ps: row before a header", line));
                continue;
            }
            r.clear();
            r.dataset = "linux.docker_ps";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("docker_ps");
            std::string_view exit_code;
            for (size_t c = 0; c < cols.size(); ++c) {
                const size_t from = byte_at(line, cols[c].start);
                const size_t to =
                    c + 1 < cols.size() ? byte_at(line, cols[c + 1].start) : line.size();
                const std::string_view cell = trim(line.substr(from, to - from));
                const std::string_view key = cols[c].key;
                if (cell.empty()) {
                    continue;
                }
                if (key == "command") {
                    j.str(key, unquote(cell));
                } else if (key == "ports") {
                    j.begin_array(key);
                    size_t p = 0;
                    while (p < cell.size()) {
                        const size_t comma = cell.find(", ", p);
                        j.value_str(
                            cell.substr(p, comma == std::string_view::npos ? comma : comma - p));
                        p = comma == std::string_view::npos ? cell.size() : comma + 2;
                    }
                    j.end_array();
                } else if (key == "size") {
                    const size_t v = cell.find(" (virtual ");
                    j.str(key, cell.substr(0, v));
                    if (v != std::string_view::npos && cell.back() == ')') {
                        j.str("virtual_size", cell.substr(v + 10, cell.size() - v - 11));
                    }
                } else if (key == "status") {
                    j.str(key, cell);
                    const std::string_view state = state_of(cell, exit_code);
                    j.opt_str("state", state);
                    if (!exit_code.empty() && is_digits(exit_code)) {
                        j.num("exit_code", to_int(exit_code).value_or(0));
                    }
                } else {
                    j.str(key, cell);
                }
            }
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cols.empty()) {
            sink.emit(make_error_record(1, true, "docker_ps: no CONTAINER ID header"));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "docker_ps: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_docker_ps_parser() {
    static const DockerPsParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
