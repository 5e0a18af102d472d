#!/usr/bin/env python3
"""Two daemons (instances a and b) on one inbox: 40 uploads, each ingested exactly once
(one ledger line across both ledgers, one receipt, one set of records)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, drop, ledger_entries, parse_args,  # noqa: E402
                               receipt, syslog_lines, claims_left, temp_files, wait_until)


def main():
    a = parse_args()
    t = Failures("test_daemon_two_instances")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    da = Daemon(a.bin, root, instance="a").start()
    db = Daemon(a.bin, root, instance="b").start()
    rels = []
    for i in range(40):
        rel = "INC-2/host%02d/log%02d.log" % (i % 5, i)
        drop(inbox, rel, syslog_lines("two-%d" % i, 50 + i).encode(), via_temp=".tmp")
        rels.append(rel)
    ok = wait_until(lambda: all(receipt(inbox, r) for r in rels), 120)
    t.check(ok, "all 40 receipts (missing %s)" % [r for r in rels if not receipt(inbox, r)])
    entries = ledger_entries(root)
    per_drop = {}
    for e in entries:
        per_drop.setdefault(e["upload"]["drop_path"], []).append(e)
    for r in rels:
        n = len(per_drop.get(os.path.join(inbox, r), []))
        t.check(n == 1, "%s: %d ledger lines across both ledgers (want 1)" % (r, n))
    t.check(all(e["outcome"] == "ingested" for e in entries), "every outcome ingested")
    by_inst = {}
    for e in entries:
        by_inst[e["_ledger"]] = by_inst.get(e["_ledger"], 0) + 1
    print("uploads per ledger:", by_inst)
    t.check(sum(by_inst.values()) == 40, "40 ledger lines in total")
    # Records: every record of every upload once.
    lines = []
    for dpath, dirs, files in os.walk(os.path.join(root, "normalized")):
        for fn in files:
            with open(os.path.join(dpath, fn), "rb") as f:
                lines += f.read().splitlines()
    want = sum(50 + i for i in range(40))
    t.check(len(lines) == want, "%d normalized records (want %d)" % (len(lines), want))
    t.check(len(set(lines)) == len(lines), "no record twice")
    for d in (da, db):
        rc, secs = d.stop()
        t.check(rc == 0, "instance %s exits 0 (got %s)" % (d.instance, rc))
        t.check(not claims_left(root, d.instance), "instance %s left no claims" % d.instance)
    t.check(not temp_files(root), "no temp files")
    if t.errors:
        print(da.log()[-3000:], db.log()[-3000:])
    t.finish()


if __name__ == "__main__":
    main()
