// Settings: evidenced's configuration, as DESIGN.md's config table fixes it.
//
// Promises: every key has its documented default (embedded, so no file is needed); a config
// file is JSON with // and /* */ comments; validation is strict: an unknown key or a wrong
// type raises ConfigError naming the file and the dotted key; `--set KEY=VALUE` overrides any
// key, VALUE read as JSON and a bare word as a string.  Loading never touches the data root.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace evidenced::settings {

struct Limits {
    uint64_t max_total_bytes = 1ULL << 40;     // 1 TiB
    uint64_t max_member_bytes = 256ULL << 30;  // 256 GiB
    uint64_t max_members = 1000000;
    uint64_t max_depth = 8;
    uint64_t max_ratio = 1000;
    uint64_t ratio_floor_bytes = 64ULL << 20;  // 64 MiB
    uint64_t min_free_bytes = 5ULL << 30;      // 5 GiB

    friend bool operator==(const Limits&, const Limits&) = default;
};

struct Intake {
    double settle_seconds = 10;
    double rescan_seconds = 30;

    friend bool operator==(const Intake&, const Intake&) = default;
};

struct Output {
    uint64_t segment_bytes = 128ULL << 20;  // 128 MiB
    bool unparsed_text_lines = true;        // "lines" (true) | "none" (false)
    std::string group;                      // "" = leave group alone

    friend bool operator==(const Output&, const Output&) = default;
};

struct Settings {
    std::string root = "./evidenced-data";
    std::string inbox;     // "" = <root>/inbox
    std::string instance;  // "" = the machine's hostname
    uint64_t workers = 0;  // 0 = number of cores
    bool parse = true;
    Limits limits;
    Intake intake;
    Output output;
    std::vector<std::string> vpcflow_formats;  // filled with Elastic's 29/39/40-field layouts
    std::string metrics_listen = "127.0.0.1:9464";

    // Resolved forms of the "" defaults above (hostname, core count, <root>/inbox).
    std::string effective_inbox() const;
    std::string effective_instance() const;
    uint64_t effective_workers() const;

    friend bool operator==(const Settings&, const Settings&) = default;
};

// A config that cannot be used: exit code 78.  what() names the file and the key.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The embedded defaults (what runs without --config).
Settings defaults();

// Loads `config_file` (if any) over the defaults, then applies `overrides` ("key=value",
// in order).  Throws ConfigError.
Settings load(const std::optional<std::string>& config_file,
              const std::vector<std::string>& overrides);

// The effective configuration as JSON text (check-config prints it): every key, nested
// objects in the documented order, with inbox, instance and workers resolved (so the output
// is machine-dependent).  Loading it back gives the same effective configuration.
std::string to_json(const Settings& s);

// Applies one "KEY=VALUE" override to `s` exactly as --set does: VALUE is read as JSON, else
// taken as a bare string; for a string-valued key a scalar VALUE (e.g. `output.group=1000`) is
// kept as its literal text.  A KEY naming a section (`limits`) takes a JSON object.  `origin`
// names the override in error messages.  Throws ConfigError.
void apply_override(Settings& s,
                    const std::string& assignment,
                    const std::string& origin = "--set");

// Sets a string-valued key (root, inbox, instance, output.group, ...) to exactly `value`, no
// JSON reading, with the same validation as the file; what --root/--inbox use.  Throws
// ConfigError naming `origin` and `key`.
void set_string(Settings& s,
                const std::string& key,
                const std::string& value,
                const std::string& origin);

// Every config key as users write it in --set ("root", ..., "limits.max_depth", ...), in the
// documented order.
const std::vector<std::string>& key_names();

// Elastic's VPC flow log header layouts (29, 39, 40 fields), the `vpcflow.formats` default.
const std::vector<std::string>& default_vpcflow_formats();

}  // namespace evidenced::settings
