#!/usr/bin/env python3
"""`evidenced daemon` end to end: drops into a live inbox, receipts, sidecars, slow and
temp-named uploads, a duplicate re-drop, /metrics and /healthz.

Run: python3 test_daemon_basic.py --bin BIN --src SRCDIR --tmp SCRATCH

This file is also the harness the other test_daemon_*.py scripts import (Daemon, drops,
tree comparison helpers).
"""
import argparse
import atexit
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request

_started = []


def _cleanup():
    for p in _started:
        if p.poll() is None:
            p.kill()
            p.wait()


atexit.register(_cleanup)


class Failures:
    def __init__(self, name):
        self.name = name
        self.errors = []
        self.checks = 0

    def check(self, cond, what):
        self.checks += 1
        if not cond:
            self.errors.append(what)
            print("FAIL:", what, flush=True)
        return cond

    def finish(self):
        if self.errors:
            print("%s: %d of %d checks failed" % (self.name, len(self.errors), self.checks))
            sys.exit(1)
        print("%s: all %d checks passed" % (self.name, self.checks))
        sys.exit(0)


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--tmp", required=True)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    a.tmp = os.path.abspath(a.tmp)
    shutil.rmtree(a.tmp, ignore_errors=True)
    os.makedirs(a.tmp)
    return a


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(cond, timeout, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


class Daemon:
    """One `evidenced daemon` process with fast intake timings and its own log file."""

    def __init__(self, binary, root, instance="a", workers=2, extra=(), env=None, log=None,
                 settle=1, rescan=1, config=None, min_free=1048576):
        self.binary = binary
        self.root = root
        self.instance = instance
        self.port = free_port()
        self.log_path = log or os.path.join(os.path.dirname(root.rstrip("/")),
                                            "daemon-%s.log" % instance)
        self.args = [binary, "daemon"]
        if config:
            self.args += ["--config", config]
        self.args += ["--root", root,
                      "--set", "intake.settle_seconds=%s" % settle,
                      "--set", "intake.rescan_seconds=%s" % rescan,
                      "--set", "metrics.listen=127.0.0.1:%d" % self.port,
                      "--set", "instance=%s" % instance,
                      "--set", "workers=%d" % workers]
        if min_free is not None:  # the 5 GiB default would pause intake on small test disks
            self.args += ["--set", "limits.min_free_bytes=%d" % min_free]
        self.args += list(extra)
        self.env = dict(os.environ if env is None else env)
        self.proc = None
        self.log_offset = 0

    def start(self, wait_ready=True):
        self.logf = open(self.log_path, "ab")
        self.log_offset = self.logf.tell()
        self.proc = subprocess.Popen(self.args, stdout=self.logf, stderr=self.logf,
                                     env=self.env)
        _started.append(self.proc)
        if wait_ready and not wait_until(lambda: "daemon started" in self.log()
                                         or self.proc.poll() is not None, 30):
            raise RuntimeError("daemon did not start: " + self.log())
        if wait_ready and self.proc.poll() is not None:
            raise RuntimeError("daemon exited at start (%s): %s" % (self.proc.returncode,
                                                                   self.log()))
        return self

    def log(self):
        with open(self.log_path, "rb") as f:
            f.seek(self.log_offset)
            return f.read().decode("utf-8", "replace")

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout=15):
        """SIGTERM; returns (exit code, seconds taken)."""
        if self.proc is None or self.proc.poll() is not None:
            return (self.proc.returncode if self.proc else None, 0.0)
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            rc = "timeout(%s)" % rc
        self.logf.close()
        return rc, time.monotonic() - t0

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.logf.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def http(self, path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path),
                                        timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError as e:
            return None, str(e)

    def metric(self, name):
        code, text = self.http("/metrics")
        if code != 200:
            return None
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return None


# ---------------------------------------------------------------- uploads

def syslog_lines(tag, n):
    return "".join("Nov  1 12:%02d:%02d web01 sshd[%d]: %s event %d accepted for user%d\n"
                   % ((i // 60) % 60, i % 60, 1000 + i, tag, i, i % 7) for i in range(n))


def tgz_bytes(members):
    """Deterministic .tar.gz of {path: bytes}."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for path in sorted(members):
            data = members[path]
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            ti.mtime = 1700000000
            ti.mode = 0o644
            tf.addfile(ti, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0)


FIXED_MTIME = 1700000000  # records of plain files take the upload's mtime: keep runs equal


def drop(inbox, rel, data, via_temp=None, mtime=FIXED_MTIME):
    """Drops `data` at inbox/rel.  via_temp: write under that temp suffix first, then rename."""
    path = os.path.join(inbox, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    target = path + via_temp if via_temp else path
    with open(target, "wb") as f:
        f.write(data)
    if mtime is not None:
        os.utime(target, (mtime, mtime))
    if via_temp:
        os.rename(target, path)
    return path


def receipt(inbox, rel):
    p = os.path.join(inbox, rel + ".evidenced-receipt.json")
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ledger_entries(root):
    out = []
    cdir = os.path.join(root, "custody")
    if not os.path.isdir(cdir):
        return out
    for name in sorted(os.listdir(cdir)):
        if name.startswith("ledger-") and name.endswith(".jsonl"):
            with open(os.path.join(cdir, name)) as f:
                for line in f:
                    if line.strip():
                        e = json.loads(line)
                        e["_ledger"] = name
                        out.append(e)
    return out


def tree_listing(root, sub):
    """{relative path: sha256} of every file under root/sub."""
    out = {}
    base = os.path.join(root, sub)
    for d, dirs, files in os.walk(base):
        for fn in files:
            p = os.path.join(d, fn)
            with open(p, "rb") as f:
                out[os.path.relpath(p, base)] = hashlib.sha256(f.read()).hexdigest()
    return out


def normalized_lines(root):
    """Sorted list of every line in normalized/*/*.jsonl (a multiset)."""
    lines = []
    base = os.path.join(root, "normalized")
    for d, dirs, files in os.walk(base):
        for fn in files:
            with open(os.path.join(d, fn), "rb") as f:
                data = f.read()
            lines.extend(data.split(b"\n")[:-1])
            if data and not data.endswith(b"\n"):
                lines.append(b"<<UNTERMINATED>>" + data.rsplit(b"\n", 1)[-1])
    return sorted(lines)


TEMP_RE = re.compile(r"(^\.|\.tmp$|\.part$|~$|\.partial$|\.new$)")


def temp_files(root):
    bad = []
    for sub in ("evidence", "normalized"):
        for d, dirs, files in os.walk(os.path.join(root, sub)):
            for fn in files + dirs:
                if TEMP_RE.search(fn):
                    bad.append(os.path.join(d, fn))
    return bad


def claims_left(root, instance):
    d = os.path.join(root, "inbox", ".evidenced", "claimed", instance)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


# ---------------------------------------------------------------- the test

def main():
    a = parse_args()
    t = Failures("test_daemon_basic")
    root = os.path.join(a.tmp, "root")
    inbox = os.path.join(root, "inbox")
    d = Daemon(a.bin, root, instance="basic").start()

    code, body = d.http("/healthz")
    t.check(code == 200 and "ok" in body, "/healthz answers 200 ok (got %s %r)" % (code, body))

    # 1. Plain drops: host folder, incident folder only (host inferred), deeper folders.
    drop(inbox, "INC-1/web01/auth.log", syslog_lines("plain", 20).encode())
    drop(inbox, "INC-1/uac-db02-linux-20240101120000.tar.gz",
         tgz_bytes({"uac-db02-linux-20240101120000/live_response/system/uptime.txt":
                    b" 12:00:00 up 3 days,  2:01,  1 user,  load average: 0.00, 0.01, 0.05\n",
                    "uac-db02-linux-20240101120000/notes.txt": b"collected by hand\n"}))
    drop(inbox, "INC-1/web02/var/log/messages", syslog_lines("deep", 5).encode())
    # 2. A sidecar naming another incident and host (sidecar first, as documented).
    drop(inbox, "INC-1/web03/app.log.evidenced.json",
         json.dumps({"incident": "INC-2", "host": "app07", "note": "copied from /srv/app"}).encode())
    drop(inbox, "INC-1/web03/app.log", b"line one of app\nline two of app\n")
    # 3. Temp names never taken, then renamed into place.
    for suffix in (".part", ".filepart", ".crdownload", ".tmp", ".partial"):
        drop(inbox, "INC-1/web04/t%s.log" % suffix.strip("."), ("temp %s\n" % suffix).encode() * 50,
             via_temp=suffix)
    drop(inbox, "INC-1/web04/.hidden.log", b"dot files are not uploads\n")
    drop(inbox, "INC-1/web04/editor.log~", b"backup\n")

    # 4. Slow uploads in halves, with a pause longer than the settle time: (a) the writer
    #    keeps the file open (IN_CLOSE_WRITE not yet seen), (b) a temp name renamed at the end.
    slow_a = syslog_lines("slow-a", 400).encode()
    slow_b = syslog_lines("slow-b", 400).encode()
    pa = os.path.join(inbox, "INC-1/web05/slow-open.log")
    os.makedirs(os.path.dirname(pa), exist_ok=True)
    fa = open(pa, "wb")
    fa.write(slow_a[: len(slow_a) // 2])
    fa.flush()
    pb_tmp = os.path.join(inbox, "INC-1/web05/slow-temp.log.filepart")
    fb = open(pb_tmp, "wb")
    fb.write(slow_b[: len(slow_b) // 2])
    fb.flush()
    time.sleep(3.0)  # three settle periods
    t.check(receipt(inbox, "INC-1/web05/slow-open.log") is None and os.path.exists(pa),
            "a half-written upload still open for writing was not taken")
    fa.write(slow_a[len(slow_a) // 2:])
    fa.close()
    fb.write(slow_b[len(slow_b) // 2:])
    fb.close()
    os.rename(pb_tmp, os.path.join(inbox, "INC-1/web05/slow-temp.log"))

    expected = ["INC-1/web01/auth.log", "INC-1/uac-db02-linux-20240101120000.tar.gz",
                "INC-1/web02/var/log/messages", "INC-1/web03/app.log",
                "INC-1/web05/slow-open.log", "INC-1/web05/slow-temp.log"] + \
               ["INC-1/web04/t%s.log" % s for s in ("part", "filepart", "crdownload", "tmp",
                                                    "partial")]
    ok = wait_until(lambda: all(receipt(inbox, r) for r in expected), 60)
    t.check(ok, "receipts for every upload: missing %s"
            % [r for r in expected if not receipt(inbox, r)])

    entries = ledger_entries(root)
    by_drop = {}
    for e in entries:
        by_drop.setdefault(e["upload"]["drop_path"], []).append(e)
    for rel in expected:
        rc = receipt(inbox, rel) or {}
        t.check(rc.get("outcome") == "ingested", "%s: receipt outcome ingested (%s)" % (rel, rc))
        t.check(not os.path.exists(os.path.join(inbox, rel)), "%s: gone from the inbox" % rel)
        lines = by_drop.get(os.path.join(inbox, rel), [])
        t.check(len(lines) == 1, "%s: exactly one ledger line (got %d)" % (rel, len(lines)))
        if lines:
            t.check(lines[0]["upload"]["sha256"] == rc.get("sha256"),
                    "%s: receipt sha256 matches the ledger" % rel)
    # Slow uploads arrived whole.
    for rel, data in (("INC-1/web05/slow-open.log", slow_a), ("INC-1/web05/slow-temp.log", slow_b)):
        rc = receipt(inbox, rel) or {}
        t.check(rc.get("sha256") == hashlib.sha256(data).hexdigest() and rc.get("size") == len(data),
                "%s: ingested complete (size %s of %d)" % (rel, rc.get("size"), len(data)))
    # Host from folder, inferred, path prefix, sidecar.
    ev = tree_listing(root, "evidence")
    t.check(any(p.startswith("INC-1/web01/") for p in ev), "host folder gives the host")
    t.check(any(p.startswith("INC-1/db02/") for p in ev),
            "host inferred from the collector archive name (%s)"
            % sorted(p for p in ev if "db02" in p or "unknown" in p))
    t.check(any(p.startswith("INC-1/web02/") and p.endswith("var/log/messages") for p in ev),
            "deeper folders become the member path prefix (%s)"
            % sorted(p for p in ev if "web02" in p))
    t.check(any(p.startswith("INC-2/app07/") for p in ev), "sidecar sets incident and host")
    side = by_drop.get(os.path.join(inbox, "INC-1/web03/app.log"), [{}])[0]
    t.check(side.get("note") == "copied from /srv/app", "sidecar note kept in the ledger")
    t.check(not os.path.exists(os.path.join(inbox, "INC-1/web03/app.log.evidenced.json")),
            "the sidecar left the inbox with its upload")
    # Not uploads: still there, no receipt.
    for rel in ("INC-1/web04/.hidden.log", "INC-1/web04/editor.log~"):
        t.check(os.path.exists(os.path.join(inbox, rel)) and receipt(inbox, rel) is None,
                "%s is not an upload" % rel)

    # 5. Duplicate re-drop of the same bytes under the same name.
    n_before = len(ledger_entries(root))
    drop(inbox, "INC-1/web01/auth.log", syslog_lines("plain", 20).encode())
    ok = wait_until(lambda: (receipt(inbox, "INC-1/web01/auth.log") or {}).get("outcome")
                    == "duplicate", 30)
    t.check(ok, "re-drop gives a duplicate receipt")
    dup_lines = [e for e in ledger_entries(root)[n_before:] if e["outcome"] == "duplicate"]
    t.check(len(dup_lines) == 1, "one duplicate ledger line (got %d)" % len(dup_lines))
    t.check(tree_listing(root, "evidence") == ev, "the duplicate wrote nothing to evidence/")

    # 6. Metrics.
    code, text = d.http("/metrics")
    t.check(code == 200, "/metrics answers 200")
    ingested = d.metric('evidenced_uploads_total{outcome="ingested"}')
    t.check(ingested == len(expected), "uploads_total{ingested} = %s (want %d)"
            % (ingested, len(expected)))
    t.check(d.metric('evidenced_uploads_total{outcome="duplicate"}') == 1, "duplicate counted")
    t.check((d.metric("evidenced_records_total") or 0) > 0, "records counted")
    t.check(d.metric("evidenced_ingest_duration_seconds_count") == len(expected) + 1,
            "duration histogram counts every upload")
    t.check(d.metric("evidenced_intake_paused") == 0, "intake not paused")
    t.check(d.metric("evidenced_queue_depth") == 0, "queue empty")

    # 7. One log line per upload (ours), none per record.
    log = d.log()
    n_upload_lines = len(re.findall(r"\bupload outcome=", log))
    t.check(n_upload_lines == len(expected) + 1,
            "one 'upload outcome=' log line per upload (%d)" % n_upload_lines)
    t.check(len(log.splitlines()) < 10 * (len(expected) + 1) + 20, "log is not per record")

    # 8. Idle: the deferred commits' plans are checkpointed away (rescan is 1 s here).
    idir = os.path.join(root, "work", "intents")

    def plans():
        return [n for n in os.listdir(idir) if n.endswith(".json")] if os.path.isdir(idir) else []
    t.check(wait_until(lambda: not plans(), 10),
            "an idle daemon keeps commit plans in work/intents: %s" % plans())

    rc, secs = d.stop()
    t.check(rc == 0, "SIGTERM exit code 0 (got %s)" % rc)
    t.check(not claims_left(root, "basic"), "no claims left")
    t.check(not temp_files(root), "no temp files: %s" % temp_files(root))
    if t.errors:
        print("---- daemon log ----\n" + d.log()[-4000:])
    t.finish()


if __name__ == "__main__":
    main()
