// `evidenced daemon`: watch the inbox, claim settled uploads, ingest them with a worker pool.
//
//   int run_daemon(const settings::Settings& s, std::function<settings::Settings()> reload);
//
// main() calls it for the `daemon` subcommand with the loaded settings and a callback that
// re-reads the configuration exactly as the command line did (e.g.
// `[cmd] { return app::load_settings(cmd); }`); the callback may throw settings::ConfigError
// (or any std::exception) and is called on the event-loop thread on SIGHUP.  Returns the
// process exit code: 0 after a clean stop (SIGTERM/SIGINT), 1 when the data root or the inbox
// cannot be opened, 78 for an unusable instance name.  When in-flight ingests do not finish
// within the drain deadline after SIGTERM, the process logs what it abandons and _exit(0)s
// without returning: those claims stay in inbox/.evidenced/claimed/<instance>/ and are
// resumed by the next start (the pipeline's commit journal makes that exactly-once).
//
// Behaviour (DESIGN.md, issue 5)
// - Startup: open the Ingestor (it completes any commit a crash left), resume every claim of
//   this instance, oldest first, before claiming anything new; start inotify watches, do a
//   full scan, serve metrics, then READY=1.
// - Intake: inotify events and a rescan every intake.rescan_seconds feed a SettleTracker;
//   settled uploads are claimed (ClaimStore) by a worker only when one is free, so idle
//   daemons sharing an inbox get their share.  Uploads under inbox/<incident>/ have their
//   host inferred; deeper folders give host and path_prefix; a sidecar overrides incident,
//   host, source and adds a note.
// - After each upload: a receipt beside where it lay, one log line, metrics, STATUS=.
// - SIGTERM/SIGINT: STOPPING=1, stop claiming, let in-flight ingests finish (drain deadline
//   8 s), exit 0; a second signal abandons them at once.  SIGHUP: reload; an invalid config
//   is logged and the old one kept; intake timings apply at once, pipeline settings once the
//   in-flight ingests are done, root/inbox/instance/workers/metrics.listen at restart.
// - Disk guard: while free space on the data root is under limits.min_free_bytes nothing
//   is claimed (STATUS= and evidenced_intake_paused say so).
#pragma once

#include <functional>

#include "daemon/settings/settings.hpp"

namespace evidenced::app {

// Seconds a SIGTERM waits for in-flight ingests before abandoning them (TimeoutStopSec in
// the unit is larger, so systemd never needs to SIGKILL).
inline constexpr double kDrainSeconds = 8.0;

int run_daemon(const settings::Settings& s, std::function<settings::Settings()> reload);

}  // namespace evidenced::app
