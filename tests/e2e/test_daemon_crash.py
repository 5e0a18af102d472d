#!/usr/bin/env python3
"""kill -9 at random instants (at least 3), restart, compare with an uninterrupted run:
same evidence tree (paths and hashes), same multiset of normalized record lines, every
upload in the ledger exactly once, no temp files in evidence/ or normalized/, no claims left.
The seed is printed; EVIDENCED_CRASH_SEED=N repeats a run."""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, claims_left, drop, ledger_entries,  # noqa: E402
                               normalized_lines, parse_args, receipt, syslog_lines, temp_files,
                               tgz_bytes, tree_listing, wait_until)


def dataset():
    """24 uploads with distinct member paths (so the run order cannot change names)."""
    ups = []
    for i in range(24):
        if i % 3 == 0:
            members = {"bundle%02d/var/log/syslog" % i: syslog_lines("c%d" % i, 3000).encode(),
                       "bundle%02d/var/log/auth.log" % i: syslog_lines("a%d" % i, 2000).encode(),
                       "bundle%02d/notes.txt" % i: (("note %d\n" % i) * 500).encode()}
            ups.append(("INC-9/host%d/bundle%02d.tar.gz" % (i % 4, i), tgz_bytes(members)))
        else:
            ups.append(("INC-9/host%d/log%02d.log" % (i % 4, i),
                        syslog_lines("l%d" % i, 1500 + 37 * i).encode()))
    return ups


def run(binary, root, ups, kills, rng, t):
    inbox = os.path.join(root, "inbox")
    d = Daemon(binary, root, instance="crash").start()
    # Drop in two waves so kills also hit claims and the inotify path.
    for rel, data in ups[:12]:
        drop(inbox, rel, data)
    done_kills = 0
    wave2 = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if done_kills < kills:
            time.sleep(rng.uniform(0.3, 2.5))
            d.kill9()
            done_kills += 1
            print("kill -9 #%d after %d ledger lines" % (done_kills, len(ledger_entries(root))),
                  flush=True)
            if not wave2 and done_kills >= 1:
                for rel, data in ups[12:]:
                    drop(inbox, rel, data)
                wave2 = True
            d = Daemon(binary, root, instance="crash").start()
            continue
        if not wave2:
            for rel, data in ups[12:]:
                drop(inbox, rel, data)
            wave2 = True
        if all(receipt(inbox, rel) for rel, _ in ups) and not claims_left(root, "crash"):
            break
        time.sleep(0.2)
    ok = wait_until(lambda: all(receipt(inbox, rel) for rel, _ in ups), 60)
    t.check(ok, "%s: every upload has a receipt (missing %s)"
            % (os.path.basename(root), [r for r, _ in ups if not receipt(inbox, r)]))
    rc, secs = d.stop()
    t.check(rc == 0, "%s: final SIGTERM exits 0 (got %s)" % (os.path.basename(root), rc))
    return d


def main():
    a = parse_args()
    t = Failures("test_daemon_crash")
    seed = int(os.environ.get("EVIDENCED_CRASH_SEED", random.randrange(1 << 30)))
    print("seed", seed)
    rng = random.Random(seed)
    ups = dataset()
    ref_root = os.path.join(a.tmp, "reference")
    run(a.bin, ref_root, ups, 0, rng, t)
    crash_root = os.path.join(a.tmp, "crashed")
    d = run(a.bin, crash_root, ups, 3 + rng.randrange(2), rng, t)

    ref_ev, got_ev = tree_listing(ref_root, "evidence"), tree_listing(crash_root, "evidence")
    t.check(ref_ev == got_ev, "same evidence tree: only in reference %s, only after crashes %s, "
            "different bytes %s" % (sorted(set(ref_ev) - set(got_ev))[:5],
                                    sorted(set(got_ev) - set(ref_ev))[:5],
                                    sorted(p for p in ref_ev if p in got_ev
                                           and ref_ev[p] != got_ev[p])[:5]))
    t.check(len(ref_ev) > 24, "the reference run stored evidence (%d files)" % len(ref_ev))
    ref_lines, got_lines = normalized_lines(ref_root), normalized_lines(crash_root)
    t.check(len(ref_lines) > 10000, "the reference run wrote records (%d)" % len(ref_lines))
    if ref_lines != got_lines:
        import collections
        cr, cg = collections.Counter(ref_lines), collections.Counter(got_lines)
        missing = sum((cr - cg).values())
        extra = sum((cg - cr).values())
        t.check(False, "same normalized records: %d missing, %d extra (of %d), e.g. %r"
                % (missing, extra, len(ref_lines), (list((cr - cg)) or list(cg - cr))[:1]))
    else:
        t.check(True, "same normalized records")
    t.check(tree_listing(ref_root, "custody/originals") == tree_listing(crash_root,
                                                                      "custody/originals"),
            "same originals in custody")
    shas = [e["upload"]["sha256"] for e in ledger_entries(crash_root)
            if e["outcome"] in ("ingested", "partial")]
    t.check(len(shas) == len(set(shas)) == len(ups),
            "each upload ingested exactly once in the ledger (%d lines, %d distinct, want %d)"
            % (len(shas), len(set(shas)), len(ups)))
    t.check(not temp_files(crash_root), "no temp files: %s" % temp_files(crash_root)[:5])
    t.check(not claims_left(crash_root, "crash"), "no claims left")
    if t.errors:
        print(d.log()[-3000:])
    t.finish()


if __name__ == "__main__":
    main()
