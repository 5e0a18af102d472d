// Notifier: the systemd service-manager protocol (sd_notify(3)) through libsystemd.
//
// Promises: every call is a no-op when $NOTIFY_SOCKET is unset (not run by systemd, tests
// without a probe).  READY=1, RELOADING=1, STOPPING=1, STATUS=<text> (sent only when the
// text changed) and WATCHDOG=1.  watchdog_interval() is half of $WATCHDOG_USEC (when
// $WATCHDOG_PID is unset or names this process), the period at which the event loop — the
// thread whose liveness the watchdog is meant to prove — must call watchdog().  Messages are
// sent from the calling thread; call from the main thread (NotifyAccess=main).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace evidenced::app {

class Notifier {
public:
    Notifier();

    bool enabled() const {
        return enabled_;
    }
    std::optional<std::chrono::microseconds> watchdog_interval() const {
        return watchdog_half_;
    }

    void ready();
    void reloading();
    void stopping();
    void watchdog();
    void status(const std::string& text);

private:
    void send(const std::string& msg);

    bool enabled_ = false;
    std::optional<std::chrono::microseconds> watchdog_half_;
    std::string last_status_;
};

}  // namespace evidenced::app
