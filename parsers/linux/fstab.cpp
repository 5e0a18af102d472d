// linux.fstab: /etc/fstab (UAC [root]/etc/fstab, `cat /etc/fstab`), the file systems a host
// mounts at boot -- where an attacker adds a share, a tmpfs over a log directory or a bind
// mount that hides a path.
//
// One record per entry with jc 1.25.5's fstab names: fs_spec, fs_file, fs_vfstype, fs_mntops
// (strings as written, \040 escapes kept) and fs_freq, fs_passno (integers; absent when the
// line leaves them out, as fstab(5) allows).  Text after the sixth field (jc drops it; a
// "# comment" there in the fixtures) is kept as `comment`.  Comment and blank lines are no
// records; a line with fewer than four fields is an evidenced.error record.
// Not claimed without the file name or an fstab comment: /proc/mounts and /etc/mtab share
// the layout and belong to linux.mount.
#include <string>
#include <string_view>
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

struct Entry {
    std::vector<std::string_view> f;  // up to 6 fields
    std::string_view comment;
};

// The file-system types and sources fstab lines start with; keeps prose and tables out.
bool fs_type_like(std::string_view t) {
    if (t.empty() || t.size() > 32) {
        return false;
    }
    for (char c : t) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == ',')) {
            return false;
        }
    }
    return true;
}

bool parse_entry(std::string_view line, Entry& e) {
    e = Entry{};
    const std::string_view tl = trim(line);
    const auto w = split_ws(tl, 7);
    if (w.size() < 4) {
        return false;
    }
    const size_t n = w.size() < 6 ? w.size() : 6;
    e.f.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n));
    if (w.size() == 7) {
        e.comment = w[6];
        if (!e.comment.empty() && e.comment[0] == '#') {
            e.comment = trim(e.comment.substr(1));
        }
    }
    for (size_t i = 4; i < e.f.size(); ++i) {
        if (!is_digits(e.f[i])) {
            // A trailing comment right after fs_mntops or fs_freq.
            if (e.f[i][0] == '#') {
                e.comment = trim(tl.substr(static_cast<size_t>(e.f[i].data() - tl.data()) + 1));
                e.f.resize(i);
                break;
            }
            return false;
        }
    }
    return fs_type_like(e.f[2]) && (e.f[1][0] == '/' || e.f[1] == "none" || e.f[1] == "swap");
}

// Whether a comment line of the head names fstab ("# /etc/fstab: static file system
// information.", "# /etc/fstab" + "Created by anaconda").  Scans the raw text: output_lines()
// takes a first "# ..." line for a banner and drops it.
bool fstab_comment(std::string_view head) {
    for (size_t p = head.find("fstab"); p != std::string_view::npos;
         p = head.find("fstab", p + 1)) {
        const size_t bol = head.rfind('\n', p);
        const std::string_view line =
            trim(head.substr(bol == std::string_view::npos ? 0 : bol + 1,
                             p - (bol == std::string_view::npos ? 0 : bol + 1)));
        if (!line.empty() && line[0] == '#') {
            return true;
        }
    }
    return false;
}

class FstabParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.fstab";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = name_hints(probe, "fstab");
        size_t good = 0;
        size_t bad = 0;
        bool six = true;
        Entry e;
        for (std::string_view line : output_lines(whole_lines(probe))) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (t[0] == '#') {
                continue;
            }
            if (parse_entry(t, e)) {
                ++good;
                six = six && e.f.size() == 6;
            } else {
                ++bad;
            }
        }
        if (good == 0 || bad * 10 > good) {
            return 0;
        }
        if (hinted) {
            return 95;
        }
        // The "# /etc/fstab: static file system information." header of every installer.
        if (bad == 0 && fstab_comment(probe.head.substr(0, 4096))) {
            return 80;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 16u << 20, &cut);
        LineNumbers ln(text);
        Record r;
        Entry e;
        for (std::string_view line : output_lines(text)) {
            const std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') {
                continue;
            }
            if (!parse_entry(t, e)) {
                sink.emit(make_error_record(ln.of(line), true,
                                            "fstab: not a \"spec file type options [freq "
                                            "passno]\" line",
                                            line));
                continue;
            }
            r.clear();
            r.dataset = "linux.fstab";
            r.position = ln.of(line);
            JsonWriter j(r.body);
            j.resume_object(false).begin_object("linux").begin_object("fstab");
            j.str("fs_spec", e.f[0]).str("fs_file", e.f[1]).str("fs_vfstype", e.f[2]);
            j.str("fs_mntops", e.f[3]);
            if (e.f.size() > 4) {
                j.num("fs_freq", to_int(e.f[4]).value_or(0));
            }
            if (e.f.size() > 5) {
                j.num("fs_passno", to_int(e.f[5]).value_or(0));
            }
            j.opt_str("comment", e.comment);
            j.end_object().end_object();
            sink.emit(r);
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "fstab: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_fstab_parser() {
    static const FstabParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
