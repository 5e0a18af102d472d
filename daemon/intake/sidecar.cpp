#include "daemon/intake/sidecar.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace evidenced::intake {

Sidecar parse_sidecar(std::string_view text) {
    if (text.size() > kMaxSidecarBytes) {
        throw SidecarError("sidecar larger than 64 KiB");
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.begin(), text.end(), nullptr, true, true);
    } catch (const nlohmann::json::exception& e) {
        throw SidecarError(std::string("sidecar is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) {
        throw SidecarError("sidecar must be a JSON object");
    }
    Sidecar s;
    for (const auto& [key, value] : j.items()) {
        std::optional<std::string>* field = nullptr;
        if (key == "incident") {
            field = &s.incident;
        } else if (key == "host") {
            field = &s.host;
        } else if (key == "source") {
            field = &s.source;
        } else if (key == "note") {
            field = &s.note;
        } else {
            throw SidecarError("sidecar: unknown key '" + key +
                               "' (allowed: incident, host, source, note)");
        }
        if (value.is_null()) {
            continue;
        }
        if (!value.is_string()) {
            throw SidecarError("sidecar: '" + key + "' must be a string");
        }
        auto str = value.get<std::string>();
        if (str.empty() && key != "note") {
            throw SidecarError("sidecar: '" + key + "' is empty");
        }
        *field = std::move(str);
    }
    return s;
}

std::optional<Sidecar> read_sidecar(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw SidecarError(std::string("sidecar unreadable: ") + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw SidecarError("sidecar is not a regular file");
    }
    std::string text;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw SidecarError(std::string("sidecar unreadable: ") + std::strerror(err));
        }
        if (n == 0) {
            break;
        }
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxSidecarBytes) {
            break;
        }
    }
    ::close(fd);
    return parse_sidecar(text);
}

}  // namespace evidenced::intake
