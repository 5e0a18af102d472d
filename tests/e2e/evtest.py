"""Shared helpers for evidenced's end-to-end tests.

Every test script is run as `python3 tests/e2e/test_X.py --bin BIN --src SRCDIR --tmp SCRATCH`
(ctest does this, see tests/CMakeLists.txt).  A script registers cases with @case, each case
gets a fresh directory under SCRATCH, and the script exits non-zero naming every failed case
and why.  `-k SUBSTRING` runs only the matching cases; `--keep` leaves the scratch tree.

What lives here: argument parsing, running the binary (timeout, address-space limit), tree
walking and snapshots, the DESIGN.md ledger/segment readers and the safety assertions that
the acceptance criteria of issue 2 spell out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

GIB = 1 << 30
MIB = 1 << 20

# The limits of issue 2's acceptance command.
ACCEPT_LIMITS = {
    "limits.max_total_bytes": 268435456,
    "limits.max_members": 10000,
    "limits.max_depth": 8,
    "limits.max_ratio": 1000,
    "limits.ratio_floor_bytes": 16777216,
}

SOURCES = ("cloudtrail", "vpcflow", "linux-commands", "linux-logs", "other")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


class Failure(Exception):
    """An assertion about evidenced's behaviour did not hold."""


def check(cond: object, msg: str) -> None:
    if not cond:
        raise Failure(msg)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Running the binary


@dataclass
class Run:
    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    maxrss_kib: int = 0

    def describe(self) -> str:
        out = self.stdout.strip()[-1500:]
        err = self.stderr.strip()[-1500:]
        return (f"$ {' '.join(self.argv)}\n  rc={self.rc} ({self.seconds:.1f}s"
                f"{', TIMED OUT' if self.timed_out else ''})\n"
                f"  stdout: {out!r}\n  stderr: {err!r}")


_sanitized_cache: dict[str, bool] = {}


def is_sanitized(binary: str) -> bool:
    """ASan/UBSan binaries reserve terabytes of shadow memory: RLIMIT_AS cannot apply."""
    if binary not in _sanitized_cache:
        with open(binary, "rb") as f:
            data = f.read()
        _sanitized_cache[binary] = b"__asan_init" in data or b"__ubsan_handle" in data
    return _sanitized_cache[binary]


def run(argv: list[str], *, timeout: float = 60, as_limit: int | None = None,
        cwd: Path | str | None = None, env: dict | None = None) -> Run:
    """Runs argv; never raises on failure or timeout (the caller asserts)."""
    def limit() -> None:
        if as_limit:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))

    t0 = time.monotonic()
    full_env = dict(os.environ)
    full_env.update({"TZ": "UTC", "LC_ALL": "C"})
    if env:
        full_env.update(env)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                            env=full_env, preexec_fn=limit if as_limit else None,
                            start_new_session=True)
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(stream, key: str) -> None:
        for block in iter(lambda: stream.read(65536), b""):
            chunks[key].append(block)

    readers = [threading.Thread(target=drain, args=(proc.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(proc.stderr, "err"), daemon=True)]
    for t in readers:
        t.start()
    timed_out = False
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > timeout and not timed_out:
            timed_out = True
            os.killpg(proc.pid, 9)
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(10)
    seconds = time.monotonic() - t0
    return Run(argv=[str(a) for a in argv], rc=proc.returncode,
               stdout=b"".join(chunks["out"]).decode("utf-8", "replace"),
               stderr=b"".join(chunks["err"]).decode("utf-8", "replace"),
               seconds=seconds, timed_out=timed_out, maxrss_kib=usage.ru_maxrss if usage else 0)


class Evidenced:
    """The binary under test."""

    def __init__(self, binary: str):
        self.bin = str(Path(binary).resolve())
        self.sanitized = is_sanitized(self.bin)

    def __call__(self, *args: object, timeout: float = 120, as_limit: int | None = None,
                 cwd: Path | str | None = None) -> Run:
        if self.sanitized:
            as_limit = None
        return run([self.bin, *map(str, args)], timeout=timeout, as_limit=as_limit, cwd=cwd)

    def ingest(self, root: Path, incident: str, files: Iterable[Path | str], *,
               host: str | None = None, source: str | None = None,
               sets: dict | None = None, extra: Iterable[str] = (), timeout: float = 120,
               as_limit: int | None = None) -> Run:
        args: list[str] = ["ingest", "--root", str(root), "--incident", incident]
        if host is not None:
            args += ["--host", host]
        if source is not None:
            args += ["--source", source]
        for k, v in (sets or {}).items():
            args += ["--set", f"{k}={json.dumps(v) if not isinstance(v, str) else v}"]
        args += list(extra)
        args += [str(f) for f in files]
        return self(*args, timeout=timeout, as_limit=as_limit)

    def accept_ingest(self, root: Path, incident: str, host: str, file: Path) -> Run:
        """Exactly the acceptance command of issue 2 (60 s, 2 GiB address space)."""
        args = ["ingest", "--root", str(root), "--incident", incident, "--host", host]
        for k, v in ACCEPT_LIMITS.items():
            args += ["--set", f"{k}={v}"]
        args += ["--set", "parse=false", str(file)]
        return self(*args, timeout=60, as_limit=2 * GIB)


# ---------------------------------------------------------------------------------------------
# Trees


@dataclass
class Entry:
    rel: str        # path relative to the walked root (raw bytes decoded with surrogateescape)
    path: Path      # may exceed PATH_MAX: use only for short trees or for its .name
    st: os.stat_result
    sha: str | None = None     # sha256 of a regular file's content (walk(hashes=True))
    target: str | None = None  # a symlink's target


def walk(root: Path | str, *, hashes: bool = True) -> list[Entry]:
    """Every object below root (not root itself), lstat'ed through directory fds (paths
    longer than PATH_MAX work), never following links."""
    root = Path(root)
    out: list[Entry] = []
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames, dfd in os.fwalk(root, follow_symlinks=False):
        for name in sorted(dirnames) + sorted(filenames):
            st = os.lstat(name, dir_fd=dfd)
            e = Entry(rel=os.path.relpath(os.path.join(dirpath, name), root),
                      path=Path(dirpath) / name, st=st)
            if stat.S_ISREG(st.st_mode) and hashes:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dfd)
                with os.fdopen(fd, "rb") as f:
                    h = hashlib.sha256()
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                e.sha = h.hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                e.target = os.readlink(name, dir_fd=dfd)
            out.append(e)
    return sorted(out, key=lambda e: e.rel)


def snapshot(root: Path | str) -> dict[str, tuple]:
    """Type, mode, size, inode, mtime, link count and content hash of everything below root.
    Directories keep only type, mode and inode: adding entries to them is not a change."""
    snap: dict[str, tuple] = {}
    for e in walk(root):
        st = e.st
        if stat.S_ISDIR(st.st_mode):
            snap[e.rel] = (stat.S_IFDIR, stat.S_IMODE(st.st_mode), st.st_ino)
        else:
            snap[e.rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size,
                           st.st_ino, st.st_mtime_ns, st.st_nlink, e.sha, e.target)
    return snap


def diff_snapshots(before: dict, after: dict, *, allow_new: bool) -> list[str]:
    problems = []
    for rel, v in before.items():
        if rel not in after:
            problems.append(f"removed: {rel}")
        elif after[rel] != v:
            problems.append(f"changed: {rel}: {v} -> {after[rel]}")
    if not allow_new:
        for rel in after:
            if rel not in before:
                problems.append(f"new: {rel}")
    return problems


def regular_files(root: Path | str, *, hashes: bool = True) -> list[Entry]:
    return [e for e in walk(root, hashes=hashes) if stat.S_ISREG(e.st.st_mode)]


def stored_hashes(root: Path | str) -> dict[str, list[str]]:
    """sha256 -> relative paths of every regular file below root."""
    out: dict[str, list[str]] = {}
    for e in regular_files(root):
        out.setdefault(e.sha, []).append(e.rel)
    return out


def tree_bytes(root: Path | str) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of the regular files below root."""
    apparent = allocated = 0
    for e in regular_files(root, hashes=False):
        apparent += e.st.st_size
        allocated += e.st.st_blocks * 512
    return apparent, allocated


def assert_no_dangerous_objects(root: Path) -> None:
    """No symlink, hardlink, device, FIFO, socket, set-id or executable file under root."""
    bad = []
    for e in walk(root, hashes=False):
        m = e.st.st_mode
        if stat.S_ISLNK(m):
            bad.append(f"symlink {e.rel} -> {e.target}")
        elif stat.S_ISREG(m):
            if e.st.st_nlink > 1:
                bad.append(f"hardlink (nlink={e.st.st_nlink}) {e.rel}")
            if m & (stat.S_ISUID | stat.S_ISGID):
                bad.append(f"set-id file {e.rel} mode {oct(stat.S_IMODE(m))}")
            if m & 0o111:
                bad.append(f"executable file {e.rel} mode {oct(stat.S_IMODE(m))}")
        elif stat.S_ISDIR(m):
            if m & stat.S_ISUID:
                bad.append(f"setuid dir {e.rel}")
        else:
            bad.append(f"special file {e.rel} mode {oct(m)}")
    check(not bad, "dangerous objects under the root:\n    " + "\n    ".join(bad[:20]))


def assert_evidence_modes(root: Path) -> None:
    bad = []
    for e in walk(root / "evidence", hashes=False):
        mode = stat.S_IMODE(e.st.st_mode)
        if stat.S_ISREG(e.st.st_mode) and mode != 0o440:
            bad.append(f"file {e.rel} mode {oct(mode)} (want 0440)")
        if stat.S_ISDIR(e.st.st_mode) and mode != 0o750:
            bad.append(f"dir {e.rel} mode {oct(mode)} (want 0750)")
    check(not bad, "wrong modes under evidence/:\n    " + "\n    ".join(bad[:20]))


# ---------------------------------------------------------------------------------------------
# DESIGN.md shapes


def ledger_files(root: Path) -> list[Path]:
    return sorted((root / "custody").glob("ledger-*.jsonl"))


def ledger_lines(root: Path) -> list[tuple[bytes, dict]]:
    """(raw line without newline, parsed) of every ledger line, all instances."""
    out = []
    for lf in ledger_files(root):
        data = lf.read_bytes()
        check(data == b"" or data.endswith(b"\n"), f"{lf.name} does not end on a newline")
        for raw in data.split(b"\n"):
            if raw:
                try:
                    out.append((raw, json.loads(raw)))
                except json.JSONDecodeError as exc:
                    raise Failure(f"{lf.name}: invalid JSON line {raw[:200]!r}: {exc}")
    return out


def ledger_for(root: Path, upload_sha: str, incident: str | None = None) -> list[dict]:
    return [d for _, d in ledger_lines(root)
            if d.get("upload", {}).get("sha256") == upload_sha
            and (incident is None or d.get("incident") == incident)]


def last_ledger(root: Path, upload_sha: str, incident: str) -> dict:
    entries = ledger_for(root, upload_sha, incident)
    check(entries, f"no ledger line for upload {upload_sha[:12]} in incident {incident}")
    return entries[-1]


def segments(root: Path, incident: str | None = None) -> list[Path]:
    base = root / "normalized"
    if incident is not None:
        base = base / incident
    return sorted(base.rglob("*.jsonl")) if base.exists() else []


def records(root: Path, incident: str | None = None) -> list[dict]:
    out = []
    for seg in segments(root, incident):
        data = seg.read_bytes()
        check(data == b"" or data.endswith(b"\n"), f"segment {seg} does not end on a newline")
        for i, raw in enumerate(data.split(b"\n")[:-1], 1):
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise Failure(f"{seg.name}:{i}: not JSON ({exc}): {raw[:200]!r}")
    return out


def originals(root: Path) -> list[Path]:
    base = root / "custody" / "originals"
    return [e.path for e in regular_files(base)] if base.exists() else []


def assert_custody_original(root: Path, upload: Path, data_sha: str) -> None:
    d = root / "custody" / "originals" / data_sha
    check(d.is_dir(), f"custody/originals/{data_sha[:12]}…/ missing")
    files = [e for e in regular_files(d)]
    check(files, f"custody/originals/{data_sha[:12]}…/ is empty")
    for e in files:
        check(e.sha == data_sha,
              f"custody original {e.rel} differs from the upload")
    names = [e.rel for e in files]
    check(upload.name in names,
          f"custody original not named after the upload {upload.name!r}: {names}")


# ---------------------------------------------------------------------------------------------
# Case runner


@dataclass
class Context:
    ev: Evidenced
    src: Path
    tmp: Path
    dir: Path = field(default_factory=Path)  # this case's scratch dir
    name: str = ""


_cases: list[tuple[str, Callable[[Context], None]]] = []


def case(fn: Callable[[Context], None]) -> Callable[[Context], None]:
    _cases.append((fn.__name__.removeprefix("test_"), fn))
    return fn


def main(description: str) -> None:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--bin", required=True, help="the evidenced binary")
    ap.add_argument("--src", required=True, help="the source tree")
    ap.add_argument("--tmp", required=True, help="scratch directory (wiped first)")
    ap.add_argument("-k", action="append", default=[], help="run only cases containing this")
    ap.add_argument("--keep", action="store_true", help="keep each case's scratch dir")
    args = ap.parse_args()

    tmp = Path(args.tmp).resolve()
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    os.umask(0o022)
    ev = Evidenced(args.bin)
    if ev.sanitized:
        print("note: sanitized binary: the 2 GiB address-space limit is not applied "
              "(ASan shadow memory); run against a release build to check it", flush=True)

    selected = [(n, f) for n, f in _cases if not args.k or any(k in n for k in args.k)]
    failures: list[tuple[str, str]] = []
    t_all = time.monotonic()
    for name, fn in selected:
        ctx = Context(ev=ev, src=Path(args.src).resolve(), tmp=tmp, dir=tmp / name, name=name)
        ctx.dir.mkdir(parents=True)
        t0 = time.monotonic()
        try:
            fn(ctx)
        except Failure as exc:
            failures.append((name, str(exc)))
            print(f"FAIL {name} ({time.monotonic() - t0:.1f}s)\n    {exc}", flush=True)
        except Exception:  # a bug in the test itself, or an unexpected crash: still a failure
            failures.append((name, traceback.format_exc()))
            print(f"ERROR {name}\n{traceback.format_exc()}", flush=True)
        else:
            print(f"ok   {name} ({time.monotonic() - t0:.1f}s)", flush=True)
        if not args.keep:
            shutil.rmtree(ctx.dir, ignore_errors=True)
            if ctx.dir.exists():  # 0440/0550 trees: make writable, then remove
                subprocess.run(["chmod", "-R", "u+rwX", str(ctx.dir)], check=False)
                shutil.rmtree(ctx.dir, ignore_errors=True)

    total = time.monotonic() - t_all
    print(f"\n{len(selected) - len(failures)}/{len(selected)} cases passed in {total:.1f}s")
    if failures:
        print("failed: " + ", ".join(n for n, _ in failures))
        sys.exit(1)
