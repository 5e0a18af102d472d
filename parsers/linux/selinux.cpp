// linux.selinux: `getenforce` and `sestatus` / `sestatus -v` (UAC system/getenforce.txt,
// system/sestatus.txt): whether SELinux confined the host when it was collected -- an
// attacker's `setenforce 0` leaves the current mode permissive while the config still says
// enforcing.
//
// One record for the output.  `mode` (enforcing | permissive | disabled, lower-cased; from
// getenforce or sestatus' "Current mode"), `status` (enabled | disabled), `policy` (the loaded
// policy name); every other "Field:  value" line of sestatus under its jc-style key (lower
// case, other characters -> "_": mode_from_config_file, policy_mls_status,
// max_kernel_policy_version, ...).  sestatus -v's sections become `process_contexts` and
// `file_contexts`, lists of {name, context} (a symlink's "ctx -> target ctx" gives
// `target_context` too).  `notable`: SELinux disabled, permissive, or a current mode that
// differs from the config file's.
// getenforce's one word is claimed only with its file name (a lone "Disabled" says little).
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/json_writer.hpp"
#include "parsers/linux/common.hpp"

namespace evidenced::parsers {

namespace {

using linux_cmd::name_hints;
using linux_cmd::output_lines;
using linux_cmd::read_all;
using linux_cmd::split_ws;
using linux_cmd::trim;
using linux_cmd::whole_lines;

bool is_mode_word(std::string_view t) {
    const std::string l = linux_cmd::lower_ascii(t);
    return l == "enforcing" || l == "permissive" || l == "disabled";
}

// sestatus' first line; its "SELinux status:" is unmistakable.
bool sestatus_head(std::string_view t) {
    return t.starts_with("SELinux status:");
}

struct Context {
    std::string_view name;
    std::string_view context;
    std::string_view target;
};

class SelinuxParser final : public Parser {
public:
    std::string_view name() const override {
        return "linux.selinux";
    }
    std::string_view source() const override {
        return "linux-commands";
    }

    int detect(const FileProbe& probe) const override {
        const bool hinted = name_hints(probe, "selinux");
        const auto lines = output_lines(whole_lines(probe));
        const size_t i = linux_cmd::first_nonblank(lines);
        if (i >= lines.size()) {
            return 0;
        }
        const std::string_view first = trim(lines[i]);
        if (sestatus_head(first)) {
            return hinted ? 95 : 90;
        }
        if (hinted && is_mode_word(first) &&
            linux_cmd::first_nonblank(lines, i + 1) == lines.size()) {
            return 95;
        }
        return 0;
    }

    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        bool cut = false;
        const std::string text = read_all(in, 4u << 20, &cut);
        const auto lines = output_lines(text);
        std::vector<std::pair<std::string, std::string_view>> fields;
        std::vector<Context> procs;
        std::vector<Context> files;
        std::vector<Context>* section = nullptr;
        std::string mode;
        std::string_view status;
        std::string_view policy;
        std::string_view config_mode;
        size_t unread = 0;
        std::string_view first_unread;
        for (std::string_view line : lines) {
            const std::string_view t = trim(line);
            if (t.empty()) {
                continue;
            }
            if (t == "Process contexts:") {
                section = &procs;
                continue;
            }
            if (t == "File contexts:") {
                section = &files;
                continue;
            }
            if (fields.empty() && mode.empty() && is_mode_word(t)) {
                mode = linux_cmd::lower_ascii(t);  // getenforce
                continue;
            }
            const size_t colon = t.find(':');
            // "Current context:   user_u:role_r:type_t:s0": the field ends at the first ':'
            // followed by blanks; a context's own colons have none.
            size_t sep = std::string_view::npos;
            for (size_t c = colon; c != std::string_view::npos; c = t.find(':', c + 1)) {
                if (c + 1 < t.size() && (t[c + 1] == ' ' || t[c + 1] == '\t')) {
                    sep = c;
                    break;
                }
            }
            if (section != nullptr && (sep == std::string_view::npos || t[0] == '/')) {
                // "/usr/sbin/sshd   system_u:object_r:sshd_exec_t:s0 [-> target]"
                const auto w = split_ws(t);
                if (w.size() >= 2) {
                    Context c{w[0], w[1], {}};
                    if (w.size() >= 4 && w[2] == "->") {
                        c.target = w[3];
                    }
                    section->push_back(c);
                    continue;
                }
            }
            if (sep == std::string_view::npos) {
                if (unread++ == 0) {
                    first_unread = line;
                }
                continue;
            }
            const std::string_view field = trim(t.substr(0, sep));
            const std::string_view value = trim(t.substr(sep + 1));
            if (section != nullptr) {
                section->push_back({field, value, {}});
                continue;
            }
            std::string key = linux_cmd::snake_key(field);
            if (key == "selinux_status") {
                status = value;
                continue;
            }
            if (key == "current_mode") {
                mode = linux_cmd::lower_ascii(value);
                continue;
            }
            if (key == "loaded_policy_name") {
                policy = value;
                continue;
            }
            if (key == "mode_from_config_file") {
                config_mode = value;
            }
            if (!key.empty()) {
                fields.emplace_back(std::move(key), value);
            }
        }
        if (mode.empty() && linux_cmd::lower_ascii(status) == "disabled") {
            mode = "disabled";
        }
        if (mode.empty() && status.empty()) {
            sink.emit(make_error_record(1, true, "selinux: no getenforce or sestatus output",
                                        first_unread));
            return;
        }
        Record r;
        r.dataset = "linux.selinux";
        r.position = 1;
        JsonWriter j(r.body);
        j.resume_object(false).begin_object("linux").begin_object("selinux");
        j.opt_str("status", status);
        j.opt_str("mode", mode);
        j.opt_str("policy", policy);
        for (const auto& f : fields) {
            j.str(f.first, f.second);
        }
        for (const auto& [key, list] :
             {std::pair{"process_contexts", &procs}, std::pair{"file_contexts", &files}}) {
            if (list->empty()) {
                continue;
            }
            j.begin_array(key);
            for (const Context& c : *list) {
                j.begin_object().str("name", c.name).str("context", c.context);
                j.opt_str("target_context", c.target);
                j.end_object();
            }
            j.end_array();
        }
        std::vector<std::string> notes;
        if (mode == "disabled") {
            notes.emplace_back("SELinux disabled");
        } else if (mode == "permissive") {
            notes.emplace_back("SELinux permissive");
        }
        if (!config_mode.empty() && !mode.empty() && linux_cmd::lower_ascii(config_mode) != mode) {
            notes.push_back("current mode " + mode + " differs from config file's " +
                            std::string(config_mode));
        }
        if (!notes.empty()) {
            j.begin_array("notable");
            for (const std::string& n : notes) {
                j.value_str(n);
            }
            j.end_array();
        }
        j.end_object().end_object();
        sink.emit(r);
        if (unread > 0) {
            sink.emit(make_error_record(1, true, "selinux: lines not understood", first_unread));
        }
        if (cut) {
            sink.emit(make_error_record(0, true, "selinux: file too large, rest not parsed"));
        }
    }
};

}  // namespace

const Parser& linux_selinux_parser() {
    static const SelinuxParser kParser;
    return kParser;
}

}  // namespace evidenced::parsers
