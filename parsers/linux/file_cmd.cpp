// linux.file: `file <paths>` output ("name:   type"), what a responder runs over /tmp,
// /dev/shm or a web root to see which "logs" are really ELF executables or scripts.
//
// One record per line with jc 1.25.5's file names: filename, type.  Names may hold ": "
// themselves, and types may too ("gzip compressed data, last modified: Mon ..."), so the
// separator is found from file's own layout first: without -N it pads every name to one
// column, and the type column is the one most lines share.  A line that does not reach that
// column (another invocation's output appended, or file -N) falls back to the first ": ",
// since types carry ": " more often than names do.  Lines without ": " (a name broken by a
// newline) are evidenced.error records.
// Not claimed: other "Field: value" outputs (lscpu, hostnamectl, sestatus, /proc/cpuinfo)
// and grep -r hits -- the types must read like file(1)'s descriptions.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::LineNumbers;
using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::trim;
using linux_cmd::whole_lines;

// Offsets where a type could start: after ": " and its padding.
std::vector<size_t> type_starts(std::string_view line) {
    std::vector<size_t> out;
    for (size_t i = line.find(": "); i != std::string_view::npos; i = line.find(": ", i + 1)) {
        const size_t t = line.find_first_not_of(' ', i + 1);
        if (t != std::string_view::npos && i > 0) {
            out.push_back(t);
        }
    }
    return out;
}

// The column most lines' types start at (0: none).
size_t type_column(const std::vector<std::string_view>& lines) {
    std::map<size_t, size_t> votes;
    for (std::string_view l : lines) {
        for (size_t s : type_starts(l)) {
            ++votes[s];
        }
    }
    size_t best = 0;
    size_t n = 0;
    for (const auto& [col, count] : votes) {
        if (count > n) {  // ties: the leftmost column
            best = col;
            n = count;
        }
    }
    return n >= 2 ? best : 0;
}

bool split_line(std::string_view line,
                size_t column,
                std::string_view& name,
                std::string_view& type) {
    const auto starts = type_starts(line);
    if (starts.empty()) {
        return false;
    }
    size_t t = starts.front();
    for (size_t s : starts) {
        if (s == column) {
            t = s;
        }
    }
    size_t colon = line.rfind(':', t - 1);
    name = trim(line.substr(0, colon));
    type = trim(line.substr(t));
    return !name.empty() && !type.empty();
}

// Words file(1)'s descriptions are made of.
bool type_like(std::string_view type) {
    static constexpr std::string_view kWords[] = {
        "text",          "directory",   "empty",  "data",       "ELF",         "script",
        "symbolic link", "archive",     "image",  "executable", "cannot open", "document",
        "special",       "socket",      "fifo",   "compressed", "PE32",        "object",
        "package",       "certificate", "key",    "database",   "library",     "sticky",
        "setuid",        "setgid",      "source", "Git ",       "font",        "audio",
    };
    for (std::string_view w : kWords) {
        if (type.find(w) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

class FileCmdParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.file";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = name_hints(probe, "file");
        std::vector<std::string_view> lines;
        for (std::string_view l : output_lines(whole_lines(probe))) {
            if (!trim(l).empty()) {
                lines.push_back(l);
            }
        }
        if (lines.empty()) {
            return 0;
        }
        const size_t column = type_column(lines);
        size_t typed = 0;
        size_t aligned = 0;
        for (std::string_view l : lines) {
            std::string_view n;
            std::string_view t;
            if (!split_line(l, column, n, t)) {
                return 0;
            }
            typed += type_like(t) ? 1 : 0;
            for (size_t s : type_starts(l)) {
                aligned += s == column ? 1 : 0;
            }
        }
        if (hinted && typed * 2 >= lines.size()) {
            return 90;
        }
        // Alone, the content must look like file's padded listing of several names.
        return lines.size() >= 3 && aligned == lines.size() && typed * 3 >= lines.size() * 2 ? 70
                                                                                             : 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 64u << 20, &cut);
        LineNumbers ln(text);
        std::vector<std::string_view> lines;
        for (std::string_view l : output_lines(text)) {
            if (!trim(l).empty()) {
                lines.push_back(l);
            }
        }
        const size_t column = type_column(lines);
        Record r;
        for (std::string_view line : lines) {
            std::string_view name;
            std::string_view type;
            if (!split_line(line, column, name, type)) {
                sink.emit(make_error_record(ln.of(line), true, "file: no \"name: type\" separator",
                                            line));
                continue;
            }
            r.clear();
            r.dataset = "linux.file";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("file");
            j.str("filename", name).str("type", type);
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "file: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_file_parser() {
    static const FileCmdParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
