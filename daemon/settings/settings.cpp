// STUB: the settings helper replaces this file with the full loader.
#include "daemon/settings/settings.hpp"

#include <unistd.h>

#include <thread>

namespace evidenced::settings {

const std::vector<std::string>& default_vpcflow_formats() {
    static const std::vector<std::string> kFormats = {};
    return kFormats;
}

Settings defaults() {
    Settings s;
    s.vpcflow_formats = default_vpcflow_formats();
    return s;
}

std::string Settings::effective_inbox() const {
    return inbox.empty() ? root + "/inbox" : inbox;
}

std::string Settings::effective_instance() const {
    if (!instance.empty()) {
        return instance;
    }
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
        return "localhost";
    }
    return buf;
}

uint64_t Settings::effective_workers() const {
    if (workers > 0) {
        return workers;
    }
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

Settings load(const std::optional<std::string>&, const std::vector<std::string>&) {
    return defaults();
}

std::string to_json(const Settings&) {
    return "{}";
}

}  // namespace evidenced::settings
