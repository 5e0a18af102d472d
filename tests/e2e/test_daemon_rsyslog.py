#!/usr/bin/env python3
"""A real forwarder on the daemon's output: rsyslog (Debian package) with imfile tails
normalized/*/*.jsonl in the foreground, with its own config, work dir and pid file (no system
sockets, no network), while uploads land.  Every complete line of every segment must arrive
exactly once and whole (byte-identical).  Skips (exit 0 with a message) only when rsyslogd is
not installed (apt-get install rsyslog)."""
import collections
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon_basic import (Daemon, Failures, _started, drop, parse_args,  # noqa: E402
                               receipt, syslog_lines, tgz_bytes, wait_until)


def segment_lines(root):
    lines = []
    for dpath, dirs, files in os.walk(os.path.join(root, "normalized")):
        for fn in files:
            if fn.endswith(".jsonl"):
                with open(os.path.join(dpath, fn), "rb") as f:
                    lines += f.read().split(b"\n")[:-1]
    return lines


def main():
    a = parse_args()
    rsyslogd = shutil.which("rsyslogd") or ("/usr/sbin/rsyslogd"
                                           if os.path.exists("/usr/sbin/rsyslogd") else None)
    if not rsyslogd:
        print("SKIP: rsyslogd not installed (apt-get install rsyslog)")
        return 0
    t = Failures("test_daemon_rsyslog")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    work = os.path.join(a.tmp, "rsyslog")
    os.makedirs(os.path.join(work, "state"))
    os.makedirs(os.path.join(root, "normalized"), exist_ok=True)
    out = os.path.join(work, "received.jsonl")
    conf = os.path.join(work, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write("""# private rsyslog for test_daemon_rsyslog.py: no network, no system sockets
global(workDirectory="{work}/state" maxMessageSize="64k")
module(load="imfile" mode="inotify")
template(name="raw" type="string" string="%msg%\\n")
ruleset(name="fwd") {{
  action(type="omfile" file="{out}" template="raw")
}}
input(type="imfile" File="{root}/normalized/*/*.jsonl" Tag="evidenced" ruleset="fwd")
*.* action(type="omfile" file="{work}/internal.log")
""".format(work=work, out=out, root=root))
    chk = subprocess.run([rsyslogd, "-N1", "-f", conf], capture_output=True, text=True)
    if chk.returncode != 0:
        print(chk.stdout, chk.stderr)
        t.check(False, "rsyslogd -N1 accepts the config")
        t.finish()
    fwd_log = open(os.path.join(work, "console.log"), "wb")
    fwd = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i", os.path.join(work, "rsyslog.pid")],
                           stdout=fwd_log, stderr=fwd_log)
    _started.append(fwd)
    time.sleep(1.5)
    t.check(fwd.poll() is None, "rsyslogd runs in the foreground")

    d = Daemon(a.bin, root, instance="fwd").start()
    rels = []
    # Uploads land while rsyslog tails: plain logs, archives, two incidents, some long lines.
    for i in range(16):
        if i % 4 == 0:
            data = tgz_bytes({"b%d/syslog" % i: syslog_lines("r%d" % i, 3000).encode(),
                              "b%d/long.txt" % i: ("x" * 9000 + " long line %d\n" % i).encode() * 20})
            rel = "INC-R%d/h%d/bundle%d.tar.gz" % (i % 2, i % 3, i)
        else:
            data = syslog_lines("r%d" % i, 500 + 10 * i).encode()
            rel = "INC-R%d/h%d/log%d.log" % (i % 2, i % 3, i)
        drop(inbox, rel, data)
        rels.append(rel)
        time.sleep(0.3)
    t.check(wait_until(lambda: all(receipt(inbox, r) for r in rels), 120), "all uploads ingested")
    rc, _ = d.stop()
    t.check(rc == 0, "daemon exit 0")

    expected = segment_lines(root)
    t.check(len(expected) > 10000, "segments hold the records (%d lines)" % len(expected))

    def received():
        try:
            with open(out, "rb") as f:
                return f.read().split(b"\n")[:-1]
        except OSError:
            return []
    wait_until(lambda: len(received()) >= len(expected), 60, 0.5)
    time.sleep(2)  # anything extra (duplicates) would arrive now
    got = received()
    fwd.send_signal(signal.SIGTERM)
    try:
        fwd.wait(10)
    except subprocess.TimeoutExpired:
        fwd.kill()
        fwd.wait()
    ce, cg = collections.Counter(expected), collections.Counter(got)
    missing = sum((ce - cg).values())
    extra = sum((cg - ce).values())
    dups = sum(n - 1 for n in cg.values() if n > 1)
    print("segment lines %d, received %d, missing %d, extra/fragments %d, duplicated %d"
          % (len(expected), len(got), missing, extra, dups))
    t.check(missing == 0, "every line arrived (%d missing)" % missing)
    t.check(extra == 0, "no fragment or unexpected line (%d)" % extra)
    t.check(len(got) == len(expected), "exactly once (%d received, %d written)"
            % (len(got), len(expected)))
    t.check(max((len(x) for x in got), default=0) > 8192, "lines over rsyslog's 8 KiB default "
            "arrived whole (maxMessageSize=64k, see docs/forwarders/rsyslog.conf)")
    if t.errors and os.path.exists(os.path.join(work, "internal.log")):
        with open(os.path.join(work, "internal.log"), "rb") as f:
            print(f.read()[-2000:].decode("utf-8", "replace"))
    t.finish()


if __name__ == "__main__":
    sys.exit(main())
