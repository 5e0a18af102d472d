#!/usr/bin/env python3
"""Disk guard: while free space on the data root is under limits.min_free_bytes nothing is
claimed, and STATUS=, /metrics and the log say so; raising the floor above free space by
SIGHUP pauses, lowering it resumes.  Also: a metrics.listen port already taken (a second
instance on the host) is logged, not fatal."""
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, drop, parse_args, receipt,  # noqa: E402
                               syslog_lines, wait_until)


def main():
    a = parse_args()
    t = Failures("test_daemon_diskguard")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    conf = os.path.join(a.tmp, "evidenced.json")
    huge = 1 << 62  # more than any disk: intake pauses
    with open(conf, "w") as f:
        json.dump({"limits": {"min_free_bytes": huge}}, f)
    sock_path = os.path.join(a.tmp, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.settimeout(0.1)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    d = Daemon(a.bin, root, instance="disk", config=conf, env=env, min_free=None)
    d.start()
    msgs = []

    def pump(sec):
        end = time.monotonic() + sec
        while time.monotonic() < end:
            try:
                msgs.extend(s.recv(4096).decode().split("\n"))
            except socket.timeout:
                pass

    drop(inbox, "INC-D/h/a.log", syslog_lines("disk", 10).encode())
    pump(4)
    t.check(receipt(inbox, "INC-D/h/a.log") is None and
            os.path.exists(os.path.join(inbox, "INC-D/h/a.log")),
            "nothing claimed while free space is under the floor")
    t.check(d.metric("evidenced_intake_paused") == 1, "evidenced_intake_paused 1")
    t.check(any(m.startswith("STATUS=paused") for m in msgs), "STATUS= says paused (%s)"
            % [m for m in msgs if m.startswith("STATUS")][:3])
    t.check("intake paused" in d.log(), "the pause is logged")
    t.check((d.metric("evidenced_queue_depth") or 0) >= 1, "queue depth counts the waiting upload")

    with open(conf, "w") as f:
        json.dump({"limits": {"min_free_bytes": 1048576}}, f)
    d.signal(signal.SIGHUP)
    t.check(wait_until(lambda: receipt(inbox, "INC-D/h/a.log"), 20), "resumed after SIGHUP")
    t.check(d.metric("evidenced_intake_paused") == 0, "evidenced_intake_paused 0")
    t.check("intake resumed" in d.log(), "the resume is logged")

    # A second daemon whose metrics port is taken still runs.
    d2 = Daemon(a.bin, os.path.join(a.tmp, "root2"), instance="disk2")
    d2.args = [x.replace("metrics.listen=127.0.0.1:%d" % d2.port,
                         "metrics.listen=127.0.0.1:%d" % d.port) for x in d2.args]
    d2.start()
    drop(os.path.join(a.tmp, "root2", "inbox"), "INC-D/h/b.log", syslog_lines("b", 5).encode())
    t.check(wait_until(lambda: receipt(os.path.join(a.tmp, "root2", "inbox"), "INC-D/h/b.log"),
                       20), "daemon without metrics still ingests")
    t.check("metrics off: cannot listen" in d2.log(), "the bind failure is logged")
    for x in (d, d2):
        rc, _ = x.stop()
        t.check(rc == 0, "%s exits 0 (got %s)" % (x.instance, rc))
    s.close()
    if t.errors:
        print(d.log()[-2000:], d2.log()[-1500:])
    t.finish()


if __name__ == "__main__":
    main()
