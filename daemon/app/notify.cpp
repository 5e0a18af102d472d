#include "daemon/app/notify.hpp"

#include <cstdlib>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace evidenced::app {

Notifier::Notifier() {
    const char* sock = std::getenv("NOTIFY_SOCKET");
    enabled_ = sock != nullptr && *sock != '\0';
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog_half_ = std::chrono::microseconds(usec / 2);
    }
}

void Notifier::send(const std::string& msg) {
    if (!enabled_) {
        return;
    }
    const int r = sd_notify(0, msg.c_str());
    if (r < 0) {
        spdlog::debug("sd_notify failed: {}", -r);
    }
}

void Notifier::ready() {
    send("READY=1");
}

void Notifier::reloading() {
    send("RELOADING=1");
}

void Notifier::stopping() {
    send("STOPPING=1");
}

void Notifier::watchdog() {
    send("WATCHDOG=1");
}

void Notifier::status(const std::string& text) {
    if (text == last_status_) {
        return;
    }
    last_status_ = text;
    // STATUS= is one line: no newline may end the datagram's field early.
    std::string clean = text;
    for (auto& c : clean) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    send("STATUS=" + clean);
}

}  // namespace evidenced::app
