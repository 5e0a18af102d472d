#!/usr/bin/env python3
"""SIGTERM drain: with ingests in flight the daemon sends STOPPING, stops claiming, lets the
in-flight ingests finish (or leaves their claims for the next start) and exits 0 within 10 s;
a restart finishes everything with every upload ingested exactly once."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, claims_left, drop, ledger_entries,  # noqa: E402
                               parse_args, receipt, syslog_lines, temp_files, tgz_bytes,
                               wait_until)


def main():
    a = parse_args()
    t = Failures("test_daemon_sigterm")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    ups = []
    for i in range(8):
        members = {"b%d/var/log/syslog.%d" % (i, k): syslog_lines("s%d-%d" % (i, k), 20000).encode()
                   for k in range(3)}
        ups.append(("INC-T/h%d/big%d.tar.gz" % (i % 2, i), tgz_bytes(members)))
    d = Daemon(a.bin, root, instance="term").start()
    for rel, data in ups:
        drop(inbox, rel, data)
    # Wait until ingests are in flight, then ask it to stop.
    busy = wait_until(lambda: (d.metric("evidenced_uploads_in_flight") or 0) > 0, 30, 0.05)
    t.check(busy, "ingests in flight before SIGTERM")
    rc, secs = d.stop(timeout=12)
    print("stopped in %.2fs" % secs)
    t.check(rc == 0, "exit code 0 after SIGTERM (got %s)" % rc)
    t.check(secs <= 10, "stopped within 10 s (%.2fs)" % secs)
    log = d.log()
    t.check("stop requested by SIGTERM" in log, "the stop is logged")
    done_before = len(ledger_entries(root))
    print("finished before stop: %d of %d, claims left: %d"
          % (done_before, len(ups), len(claims_left(root, "term"))))
    t.check(done_before < len(ups), "the stop came before all uploads were done")
    not_claimed = [r for r, _ in ups if os.path.exists(os.path.join(inbox, r))]
    t.check(len(not_claimed) + done_before + len(claims_left(root, "term")) == len(ups),
            "every upload is done, claimed, or still in the inbox")

    d2 = Daemon(a.bin, root, instance="term").start()
    ok = wait_until(lambda: all(receipt(inbox, r) for r, _ in ups), 120)
    t.check(ok, "the restart finishes every upload")
    shas = [e["upload"]["sha256"] for e in ledger_entries(root)]
    t.check(len(shas) == len(set(shas)) == len(ups),
            "one ledger line per upload (%d lines, %d distinct)" % (len(shas), len(set(shas))))
    # A second signal while draining abandons at once, still exit 0, claims kept.
    for i in range(4):
        members = {"c%d/syslog" % i: syslog_lines("again%d" % i, 60000).encode()}
        drop(inbox, "INC-T/h9/again%d.tar.gz" % i, tgz_bytes(members))
    wait_until(lambda: (d2.metric("evidenced_uploads_in_flight") or 0) > 0, 30, 0.05)
    t0 = time.monotonic()
    d2.signal(signal.SIGTERM)
    time.sleep(0.05)
    d2.signal(signal.SIGINT)
    rc2, _ = d2.stop(timeout=12)
    t.check(rc2 == 0 and time.monotonic() - t0 < 10,
            "second signal: prompt exit 0 (got %s after %.2fs)" % (rc2, time.monotonic() - t0))
    d3 = Daemon(a.bin, root, instance="term").start()
    ok = wait_until(lambda: all(receipt(inbox, "INC-T/h9/again%d.tar.gz" % i) for i in range(4)),
                    120)
    t.check(ok, "abandoned claims are resumed")
    shas = [e["upload"]["sha256"] for e in ledger_entries(root)]
    t.check(len(shas) == len(set(shas)) == len(ups) + 4, "still one ledger line per upload")
    rc3, _ = d3.stop()
    t.check(rc3 == 0, "final stop exit 0")
    t.check(not claims_left(root, "term"), "no claims left")
    t.check(not temp_files(root), "no temp files")
    if t.errors:
        print(d.log()[-3000:], d2.log()[-3000:], d3.log()[-2000:])
    t.finish()


if __name__ == "__main__":
    main()
