#!/usr/bin/env python3
"""SIGHUP: a broken config is logged and the running one kept (the daemon keeps ingesting);
a valid one is applied."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, drop, parse_args, receipt,  # noqa: E402
                               syslog_lines, wait_until)


def main():
    a = parse_args()
    t = Failures("test_daemon_sighup")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    conf = os.path.join(a.tmp, "evidenced.json")
    with open(conf, "w") as f:
        f.write('{\n  // test config\n  "parse": true\n}\n')
    d = Daemon(a.bin, root, instance="hup", config=conf).start()

    drop(inbox, "INC-H/h/one.log", syslog_lines("one", 10).encode())
    t.check(wait_until(lambda: receipt(inbox, "INC-H/h/one.log"), 30), "first upload ingested")

    for broken in ('{"parse": tru', '{"no_such_key": 1}', '{"workers": "many"}'):
        with open(conf, "w") as f:
            f.write(broken)
        before = d.log().count("config reload failed")
        d.signal(signal.SIGHUP)
        t.check(wait_until(lambda: d.log().count("config reload failed") > before, 10),
                "broken config %r: reload failure logged" % broken)
        t.check(d.alive(), "daemon still running after SIGHUP with %r" % broken)
    t.check(d.metric('evidenced_config_reloads_total{result="failed"}') == 3,
            "three failed reloads counted")

    drop(inbox, "INC-H/h/two.log", syslog_lines("two", 10).encode())
    t.check(wait_until(lambda: receipt(inbox, "INC-H/h/two.log"), 30),
            "still ingesting with the old config")

    with open(conf, "w") as f:
        f.write('{"parse": true, "intake": {"settle_seconds": 1, "rescan_seconds": 2}}\n')
    d.signal(signal.SIGHUP)
    t.check(wait_until(lambda: "config reloaded" in d.log(), 10), "valid config reloaded")
    t.check(d.metric('evidenced_config_reloads_total{result="ok"}') == 1, "ok reload counted")
    drop(inbox, "INC-H/h/three.log", syslog_lines("three", 10).encode())
    t.check(wait_until(lambda: receipt(inbox, "INC-H/h/three.log"), 30),
            "ingesting after the reload")
    rc, _ = d.stop()
    t.check(rc == 0, "exit 0 (got %s)" % rc)
    if t.errors:
        print(d.log()[-3000:])
    t.finish()


if __name__ == "__main__":
    main()
