#!/usr/bin/env python3
"""Hostile and tricky archives through `evidenced ingest` (issue 2, item 8 and Acceptance).

Every archive is built here, at test time, with tarfile/zipfile/gzip or raw bytes (the
hazards of research/extract/ANCHORS.md sections 6-8).  Each case runs exactly the acceptance
command of issue 2 on a fresh root R (60 s timeout, 2 GiB address space unless the binary is
sanitized) after a benign seed upload, then asserts:
  - nothing outside R changed (a canary dir and the inputs beside R, every ancestor of R,
    /tmp and /etc get no escape marker, /etc/passwd keeps its bytes and link count);
  - no symlink, hardlink, device, FIFO, socket, set-id or executable file under R;
  - evidence/ files 0440 and dirs 0750; the seed's evidence untouched;
  - every legitimate member stored byte-exact somewhere under R/evidence/I/H/, and the data
    of every refused (`..`, outside hardlink) member nowhere under R/evidence/;
  - the custody original byte-identical, named after the upload;
  - exit 0 for benign uploads, 0 or 3 for hostile ones, 3 for bombs; 3 whenever the ledger
    shows a refused member; the ledger line's outcome; refused members named in the ledger;
  - bombs: bytes under R/evidence within limits.max_total_bytes, nothing left in work/.
"""

from __future__ import annotations

import calendar
import gzip
import io
import os
import random
import stat
import struct
import sys
import tarfile
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evtest  # noqa: E402
from evtest import GIB, MIB, Context, case, check, sha256  # noqa: E402

INCIDENT = "I"
HOST = "H"
CAP = evtest.ACCEPT_LIMITS["limits.max_total_bytes"]
MTIME = calendar.timegm((2026, 11, 1, 12, 0, 0))
MARK = f"evidenced-escape-{os.getpid()}-{int(time.time())}"

BENIGN, HOSTILE, BOMB = "benign", "hostile", "bomb"
EXIT = {BENIGN: {0}, HOSTILE: {0, 3}, BOMB: {3}}
OUTCOMES = {BENIGN: {"ingested"}, HOSTILE: {"ingested", "partial"},
            BOMB: {"ingested", "partial"}}


# ---------------------------------------------------------------------------------------------
# Archive builders


def data(tag: str, n: int = 1) -> bytes:
    """Distinct, recognisable member content."""
    return (f"{tag}: evidence line {MARK}\n" * n).encode()


@dataclass
class M:
    """One tar member: kind in reg/dir/sym/hard/chr/blk/fifo."""
    name: str
    body: bytes = b""
    kind: str = "reg"
    link: str = ""
    mode: int | None = None
    pax: dict = field(default_factory=dict)


def tar_bytes(members: list[M], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, encoding="utf-8",
                      errors="surrogateescape") as tf:
        for m in members:
            ti = tarfile.TarInfo(m.name)
            ti.mtime = MTIME
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = "root"
            ti.type = {"reg": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
                       "hard": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE,
                       "fifo": tarfile.FIFOTYPE}[m.kind]
            ti.mode = m.mode if m.mode is not None else (0o755 if m.kind == "dir" else 0o644)
            ti.linkname = m.link
            if m.kind in ("chr", "blk"):
                ti.devmajor, ti.devminor = (1, 3) if m.kind == "chr" else (8, 0)
            if m.pax:
                ti.pax_headers = dict(m.pax)
            if m.kind == "reg":
                ti.size = len(m.body)
                tf.addfile(ti, io.BytesIO(m.body))
            else:
                tf.addfile(ti)
    return buf.getvalue()


def gz(payload: bytes, fname: bytes | None = None) -> bytes:
    """gzip with mtime 0; optional raw FNAME header field."""
    if fname is None:
        return gzip.compress(payload, compresslevel=9, mtime=0)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = co.compress(payload) + co.flush()
    head = b"\x1f\x8b\x08\x08" + struct.pack("<I", 0) + b"\x02\x03" + fname + b"\x00"
    return head + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


_zeros_cache: dict[int, tuple[bytes, int]] = {}


def deflate_zeros(nbytes: int) -> tuple[bytes, int]:
    """Raw deflate stream and crc32 of nbytes zeros (cached: bombs share them)."""
    if nbytes not in _zeros_cache:
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        out, crc, chunk = [], 0, bytes(MIB)
        left = nbytes
        while left:
            n = min(left, MIB)
            crc = zlib.crc32(chunk[:n], crc)
            out.append(co.compress(chunk[:n]))
            left -= n
        out.append(co.flush())
        _zeros_cache[nbytes] = (b"".join(out), crc)
    return _zeros_cache[nbytes]


def gz_zeros(nbytes: int, *, isize: int | None = None) -> bytes:
    """gzip of nbytes zeros; isize overrides the (unauthenticated) trailer size."""
    stream, crc = deflate_zeros(nbytes)
    return (b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\x03" + stream
            + struct.pack("<II", crc, (nbytes if isize is None else isize) & 0xFFFFFFFF))


def zip_bytes(entries: list[tuple[str, bytes]], *, create_system: int = 3,
              attrs: dict[str, int] | None = None, flag_bits: dict[str, int] | None = None,
              zip64: bool = False, streamed: bool = False,
              method: int = zipfile.ZIP_DEFLATED) -> bytes:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buf = io.BytesIO()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # type: ignore[override]
            return self.buf.write(b)

    sink = Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=method) as zf:  # type: ignore[arg-type]
        for name, body in entries:
            zi = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 12, 0, 0))
            zi.create_system = create_system
            zi.compress_type = method
            zi.external_attr = (attrs or {}).get(name, 0o100644 << 16)
            zi.flag_bits |= (flag_bits or {}).get(name, 0)
            with zf.open(zi, "w", force_zip64=zip64) as w:
                w.write(body)
    return sink.buf.getvalue() if streamed else sink.getvalue()  # type: ignore[union-attr]


DOS_TIME, DOS_DATE = (12 << 11), ((2026 - 1980) << 9) | (11 << 5) | 1


def zip_lfh(name: bytes, crc: int, csize: int, usize: int, method: int = 8) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, DOS_TIME, DOS_DATE, crc,
                       csize, usize, len(name), 0) + name


def zip_cd(name: bytes, crc: int, csize: int, usize: int, offset: int, method: int = 8,
           ext_attr: int = 0o100644 << 16) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, 0, method,
                       DOS_TIME, DOS_DATE, crc, csize, usize, len(name), 0, 0, 0, 0, ext_attr,
                       offset) + name


def zip_eocd(n: int, cd_size: int, cd_off: int) -> bytes:
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_off, 0)


def tar_num(value: int, width: int) -> bytes:
    if value < 8 ** (width - 1):
        return b"%0*o\x00" % (width - 1, value)
    return b"\x80" + value.to_bytes(width - 1, "big")


def tar_header(name: bytes, size: int, typeflag: bytes, *, gnu: bool = False,
               sparse: list[tuple[int, int]] | None = None, realsize: int | None = None) -> bytes:
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = tar_num(0o644, 8)
    h[108:116] = tar_num(0, 8)
    h[116:124] = tar_num(0, 8)
    h[124:136] = tar_num(size, 12)
    h[136:148] = tar_num(MTIME, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    if gnu:
        h[257:265] = b"ustar  \x00"
    else:
        h[257:265] = b"ustar\x0000"
    h[265:269] = b"root"
    h[297:301] = b"root"
    for i, (off, num) in enumerate(sparse or []):
        h[386 + 24 * i:398 + 24 * i] = tar_num(off, 12)
        h[398 + 24 * i:410 + 24 * i] = tar_num(num, 12)
    if realsize is not None:
        h[483:495] = tar_num(realsize, 12)
    h[148:156] = b"%06o\x00 " % sum(h)
    return bytes(h)


def pad512(b: bytes) -> bytes:
    return b + bytes(-len(b) % 512)


def raw_member(name: bytes, body: bytes) -> bytes:
    """A ustar regular member (header + padded data), for hand-built tars."""
    return tar_header(name, len(body), b"0") + pad512(body)


# ---------------------------------------------------------------------------------------------
# The per-case harness


SEED = [M("good.txt", data("seed good")), M("access.log", data("seed access")),
        M("passwd", data("seed passwd")), M("d/evil.txt", data("seed d evil")),
        M("h2", data("seed h2")), M("x", data("seed x")), M("README", data("seed readme"))]


def _scan(dirs: set[Path]) -> list[str]:
    found = []
    for d in dirs:
        try:
            found += [str(d / n) for n in os.listdir(d) if MARK in n]
        except OSError:
            pass
    return found


def outside_dirs(ctx: Context) -> set[Path]:
    return {Path("/tmp"), Path("/etc"), Path("/"), ctx.tmp, *ctx.tmp.parents}


@dataclass
class Expect:
    kind: str
    present: list[bytes] = field(default_factory=list)   # stored byte-exact under evidence/I/H
    absent: list[bytes] = field(default_factory=list)    # nowhere under evidence/
    refused: list[str] = field(default_factory=list)     # ledger member path tokens, refused
    links: dict[str, str] = field(default_factory=dict)  # ledger path token -> link_target
    outcomes: set[str] | None = None
    exits: set[int] | None = None


def setup(ctx: Context) -> tuple[Path, Path, Path]:
    root, canary, inputs = ctx.dir / "R", ctx.dir / "canary", ctx.dir / "in"
    (canary / "sub").mkdir(parents=True)
    (canary / "secret.txt").write_bytes(b"canary secret " + MARK.encode() + b"\n")
    (canary / "target.txt").write_bytes(b"canary target\n")
    (canary / "sub" / "keep.txt").write_bytes(b"keep\n")
    inputs.mkdir()
    return root, canary, inputs


def seed(ctx: Context, root: Path, inputs: Path, host: str = HOST) -> None:
    p = inputs / "seed.tar"
    p.write_bytes(tar_bytes(SEED))
    r = ctx.ev.accept_ingest(root, INCIDENT, host, p)
    check(r.rc == 0, "seed upload (benign tar) did not exit 0:\n" + r.describe())


def hostile_case(ctx: Context, filename: str, payload: bytes, exp: Expect, *,
                 do_seed: bool = True) -> None:
    root, canary, inputs = setup(ctx)
    upload = inputs / filename
    upload.write_bytes(payload or b"")
    if do_seed:
        seed(ctx, root, inputs)
    ingest_and_check(ctx, root, upload, exp)


def outside_snapshot(ctx: Context, root: Path) -> dict:
    """Everything beside R in the case's scratch dir (canary, inputs), R itself excluded."""
    snap: dict = {}
    for name in sorted(os.listdir(ctx.dir)):
        p = ctx.dir / name
        if p == root:
            continue
        st = os.lstat(p)
        snap[name] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_ino)
        if stat.S_ISDIR(st.st_mode):
            snap.update({f"{name}/{k}": v for k, v in evtest.snapshot(p).items()})
        elif stat.S_ISREG(st.st_mode):
            snap[name] += (evtest.sha256_file(p),)
    return snap


def ingest_and_check(ctx: Context, root: Path, upload: Path, exp: Expect,
                     host: str = HOST) -> evtest.Run:
    upload_sha = evtest.sha256_file(upload)
    outside_before = outside_snapshot(ctx, root)
    evidence_before = evtest.snapshot(root / "evidence")
    passwd_before = (evtest.sha256_file("/etc/passwd"), os.stat("/etc/passwd").st_nlink)

    r = ctx.ev.accept_ingest(root, INCIDENT, host, upload)
    ctxmsg = "\n" + r.describe()

    # 1. the process: no crash, no hang, the right exit code
    check(not r.timed_out, "exceeded the 60 s timeout" + ctxmsg)
    check(r.rc >= 0, f"killed by signal {-r.rc} (crash or address-space limit)" + ctxmsg)
    exits = exp.exits or EXIT[exp.kind]
    check(r.rc in exits, f"exit {r.rc}, want one of {sorted(exits)} ({exp.kind})" + ctxmsg)

    # 2. nothing outside R changed
    escaped = _scan(outside_dirs(ctx))
    for p in escaped:  # leave the machine clean, then fail
        try:
            os.unlink(p)
        except OSError:
            pass
    check(not escaped, f"files escaped the root: {escaped}" + ctxmsg)
    outside_after = outside_snapshot(ctx, root)
    problems = evtest.diff_snapshots(outside_before, outside_after, allow_new=False)
    check(not problems, "changes beside R (canary/inputs):\n    " + "\n    ".join(problems))
    check((evtest.sha256_file("/etc/passwd"), os.stat("/etc/passwd").st_nlink) == passwd_before,
          "/etc/passwd changed (bytes or link count)")

    # 3. what is under R
    evtest.assert_no_dangerous_objects(root)
    evtest.assert_evidence_modes(root)
    problems = evtest.diff_snapshots(evidence_before, evtest.snapshot(root / "evidence"),
                                     allow_new=True)
    check(not problems, "evidence already in the tree was touched:\n    "
          + "\n    ".join(problems[:10]))
    entries = evtest.walk(root, hashes=False)
    bad_names = [e.rel for e in entries
                 if any(c < 0x20 or c == 0x7F for c in os.fsencode(e.path.name))]
    check(not bad_names, f"control characters in stored names: {bad_names[:5]!r}")
    bad_utf8 = []
    for e in entries:
        try:
            os.fsencode(e.path.name).decode("utf-8")
        except UnicodeDecodeError:
            bad_utf8.append(e.rel)
    check(not bad_utf8, f"invalid UTF-8 in stored names (DESIGN: escaped): {bad_utf8[:5]!r}")

    hashes = evtest.stored_hashes(root / "evidence" / INCIDENT / host)
    missing = [b[:60] for b in exp.present if sha256(b) not in hashes]
    check(not missing, f"legitimate members not stored byte-exact under evidence/{INCIDENT}/"
          f"{host}/: {missing}" + ctxmsg)
    all_hashes = evtest.stored_hashes(root / "evidence")
    leaked = [(b[:60], all_hashes[sha256(b)]) for b in exp.absent if sha256(b) in all_hashes]
    check(not leaked, f"data of refused members stored: {leaked}")

    apparent, allocated = evtest.tree_bytes(root / "evidence")
    check(apparent <= CAP and allocated <= CAP,
          f"evidence/ holds {apparent} bytes ({allocated} allocated), cap {CAP}")
    work_bytes = evtest.tree_bytes(root / "work")[0]
    check(work_bytes <= MIB, f"{work_bytes} bytes left under work/ after the ingest")

    # 4. custody
    evtest.assert_custody_original(root, upload, upload_sha)
    check(evtest.sha256_file(upload) == upload_sha, "the user's upload changed")

    # 5. ledger
    line = evtest.last_ledger(root, upload_sha, INCIDENT)
    outcomes = exp.outcomes or OUTCOMES[exp.kind]
    check(line.get("outcome") in outcomes,
          f"ledger outcome {line.get('outcome')!r}, want one of {sorted(outcomes)}; "
          f"reason {line.get('reason')!r}")
    members = line.get("members") or []
    refused = [m for m in members if m.get("refused")]
    if refused:
        check(r.rc == 3, f"ledger refuses {len(refused)} member(s) "
              f"({refused[0].get('path')!r}: {refused[0].get('refused')!r}) but exit {r.rc}")
    if r.rc == 3:
        check(refused or line.get("reason") or line.get("outcome") != "ingested",
              "exit 3 but the ledger says nothing needs a look (no reason, no refused member)")
        check(r.stderr.strip(), "exit 3 but nothing on stderr says why")
    for token in exp.refused:
        hit = [m for m in members if token in str(m.get("path", ""))]
        check(hit, f"no ledger member for {token!r} (members: "
              f"{[m.get('path') for m in members][:12]})")
        check(any(m.get("refused") or m.get("link_target") for m in hit),
              f"ledger member {token!r} not refused: {hit}")
    for token, target in exp.links.items():
        hit = [m for m in members if token in str(m.get("path", ""))
               and m.get("link_target") == target]
        check(hit, f"no ledger member {token!r} with link_target {target!r} "
              f"(members: {[(m.get('path'), m.get('link_target')) for m in members][:12]})")
    if exp.kind == BOMB:
        print(f"    {ctx.name}: exit {r.rc}, {line.get('outcome')}, reason "
              f"{str(line.get('reason'))[:80]!r}, {apparent} bytes stored, {r.seconds:.1f}s, "
              f"maxrss {r.maxrss_kib // 1024} MiB", flush=True)
    return r


# ---------------------------------------------------------------------------------------------
# Traversal and name sources


@case
def test_traversal_tar(ctx: Context) -> None:
    canary = ctx.dir / "canary"
    good = data("trav good")
    rel = [data(f"rel{k}") for k in range(1, 9)]
    members = [M("good.txt", good)]
    members += [M("../" * k + f"{MARK}-rel{k}.txt", rel[k - 1]) for k in range(1, 9)]
    members += [M("../canary/rel_evil.txt", data("rel canary")),
                M("a/../../canary/mid_evil.txt", data("mid")),
                M("a/b/../../../" + MARK + "-mid.txt", data("mid2"))]
    absd = [data("abs canary"), data("abs tmp"), data("abs etc"), data("abs dslash")]
    members += [M(str(canary / "abs_evil.txt"), absd[0]), M(f"/tmp/{MARK}-abs.txt", absd[1]),
                M(f"/etc/{MARK}-abs", absd[2]), M(f"//tmp/{MARK}-dslash.txt", absd[3])]
    win = [data("drive"), data("unc")]
    members += [M(f"C:\\{MARK}\\c_evil.txt", win[0]), M(f"\\\\host\\share\\{MARK}-unc.txt", win[1])]
    hostile_case(ctx, "traversal.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[good] + absd + win,
                        absent=rel + [data("rel canary"), data("mid"), data("mid2")],
                        refused=["rel_evil", "mid_evil", f"{MARK}-rel1.txt"]))


@case
def test_traversal_zip(ctx: Context) -> None:
    good = data("ztrav good")
    bad = [data(f"zrel{k}") for k in range(1, 7)]
    entries = [("good.txt", good)] + [("../" * k + f"{MARK}-zrel{k}.txt", bad[k - 1])
                                      for k in range(1, 7)]
    absd = data("zip abs")
    entries.append((f"/tmp/{MARK}-zabs.txt", absd))
    hostile_case(ctx, "traversal.zip", zip_bytes(entries),
                 Expect(HOSTILE, present=[good, absd], absent=bad, refused=["zrel1", "zrel6"]))


@case
def test_pax_path_override(ctx: Context) -> None:
    good, evil = data("pax good"), data("pax evil")
    members = [M("good.txt", good),
               M("benign.txt", evil, pax={"path": f"../../../../../{MARK}-pax.txt"})]
    hostile_case(ctx, "pax.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[good], absent=[evil], refused=[f"{MARK}-pax"]))


@case
def test_gnu_longname(ctx: Context) -> None:
    good_long = data("gnu long good")
    evil = data("gnu long evil")
    long_ok = "L" * 120 + "/" + "m" * 130 + "/ok.txt"
    long_bad = "../" * 6 + "q" * 120 + f"/{MARK}-gnulong.txt"
    members = [M(long_ok, good_long), M(long_bad, evil)]
    hostile_case(ctx, "gnulong.tar", tar_bytes(members, fmt=tarfile.GNU_FORMAT),
                 Expect(HOSTILE, present=[good_long], absent=[evil],
                        refused=[f"{MARK}-gnulong"]))


@case
def test_zip_lfh_cd_mismatch(ctx: Context) -> None:
    good = data("lfh good")
    evil = data("lfh evil")
    cd_name = "innocent_name_in_the_central_directory_" + "n" * 40 + ".txt"
    lfh_name = "../../../../../" + MARK + "-lfh"
    lfh_name = lfh_name + "x" * (len(cd_name) - len(lfh_name) - 4) + ".txt"
    assert len(lfh_name) == len(cd_name), (lfh_name, cd_name)
    z = bytearray(zip_bytes([("good.txt", good), (cd_name, evil)]))
    i = z.find(cd_name.encode())  # first occurrence: the local header
    z[i:i + len(cd_name)] = lfh_name.encode()
    check(z.count(cd_name.encode()) == 1, "test bug: zip patch")
    hostile_case(ctx, "lfhcd.zip", bytes(z), Expect(HOSTILE, present=[good]))
    root = ctx.dir / "R"
    stored = [e.rel for e in evtest.walk(root / "evidence") if "lfh" in e.rel]
    check(not any(".." in s for s in stored), f"LFH name used: {stored}")


@case
def test_gzip_fname_traversal(ctx: Context) -> None:
    body = data("fname body", 3)
    payload = gz(body, fname=f"../../../../../../tmp/{MARK}-fname.txt".encode())
    hostile_case(ctx, "upload-fname.log.gz", payload, Expect(HOSTILE, present=[body]))
    names = [e.rel for e in evtest.walk(ctx.dir / "R" / "evidence")]
    check(not any("fname.txt" in n for n in names),
          f"stored name taken from the gzip FNAME field: {[n for n in names if 'fname' in n]}")
    check(any("upload-fname.log" in n for n in names),
          f"plain .gz output not named after the upload (upload-fname.log): {names}")


@case
def test_zip_dos_backslashes(ctx: Context) -> None:
    good, sub = data("dos good"), data("dos sub")
    evil = data("dos evil")
    entries = [("good.txt", good), ("logs\\iis\\u_ex261101.log", sub),
               ("..\\..\\..\\..\\..\\" + MARK + "-dos.txt", evil)]
    hostile_case(ctx, "windows.zip", zip_bytes(entries, create_system=0),
                 Expect(HOSTILE, present=[good, sub], absent=[evil], refused=[f"{MARK}-dos"]))
    stored = [e.rel for e in evtest.walk(ctx.dir / "R" / "evidence")]
    check(any(s.endswith("logs/iis/u_ex261101.log") for s in stored),
          f"Windows zip backslashes not treated as separators: {stored}")


# ---------------------------------------------------------------------------------------------
# Links


@case
def test_symlink_file_write_through(ctx: Context) -> None:
    canary = ctx.dir / "canary"
    over = data("through file")
    members = [M("good.txt", data("sym good")),
               M("passwd", kind="sym", link="/etc/passwd"),
               M("passwd", over),
               M("t", kind="sym", link=str(canary / "target.txt")),
               M("t", data("through canary"))]
    hostile_case(ctx, "symfile.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[data("sym good"), over, data("through canary")],
                        links={"passwd": "/etc/passwd", "t": str(canary / "target.txt")}))


@case
def test_symlink_dir_write_through(ctx: Context) -> None:
    canary = ctx.dir / "canary"
    a, b = data("dir through abs"), data("dir through rel")
    members = [M("d", kind="sym", link=str(canary)), M("d/evil.txt", a),
               M("up", kind="sym", link="../../../../../../.."),
               M(f"up/{MARK}-sym.txt", b)]
    hostile_case(ctx, "symdir.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[a, b], links={"d": str(canary)}))


@case
def test_symlink_chains(ctx: Context) -> None:
    a, b, c = data("chain1"), data("chain2"), data("chain3")
    members = [M("current", kind="sym", link="."),
               M("parent", kind="sym", link="current/.."),
               M(f"parent/{MARK}-chain1.txt", a),
               M("cur2", kind="sym", link="."),
               M("cur2/par2", kind="sym", link=".."),
               M(f"par2/{MARK}-chain2.txt", b),
               M("l1", kind="sym", link="l2"), M("l2", kind="sym", link="l3"),
               M("l3", kind="sym", link="/tmp"), M(f"l1/{MARK}-chain3.txt", c)]
    hostile_case(ctx, "chains.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[a, b, c], links={"parent": "current/.."}))


@case
def test_hardlink_outside(ctx: Context) -> None:
    canary = ctx.dir / "canary"
    good = data("hl good")
    members = [M("good.txt", good), M("h_abs", kind="hard", link="/etc/passwd"),
               M("h_rel", kind="hard", link="../../../../../../../../../etc/passwd"),
               M("h_canary", kind="hard", link=str(canary / "secret.txt"))]
    secret = (canary / "secret.txt")
    hostile_case(ctx, "hardout.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[good], refused=["h_abs", "h_rel", "h_canary"],
                        exits={3}))
    all_hashes = evtest.stored_hashes(ctx.dir / "R")
    for p in (Path("/etc/passwd"), secret):
        check(evtest.sha256_file(p) not in all_hashes, f"content of {p} copied under R")


@case
def test_hardlink_write_through(ctx: Context) -> None:
    canary = ctx.dir / "canary"
    over = data("hl through")
    members = [M("h2", kind="hard", link=str(canary / "target.txt")), M("h2", over)]
    hostile_case(ctx, "hardthrough.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[over], refused=["h2"], exits={3}))


@case
def test_hardlink_to_symlink(ctx: Context) -> None:
    members = [M("s", kind="sym", link="/etc/passwd"), M("hs", kind="hard", link="s"),
               M("good.txt", data("hs good"))]
    hostile_case(ctx, "hardsym.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[data("hs good")], refused=["hs"], exits={3}))
    check(evtest.sha256_file("/etc/passwd") not in evtest.stored_hashes(ctx.dir / "R"),
          "content of /etc/passwd copied under R")


@case
def test_hardlink_in_archive(ctx: Context) -> None:
    a = data("hl inarchive")
    members = [M("dir/a.txt", a), M("dir/b.txt", kind="hard", link="dir/a.txt")]
    hostile_case(ctx, "hardin.tar", tar_bytes(members), Expect(BENIGN, present=[a]))
    ev = ctx.dir / "R" / "evidence" / INCIDENT / HOST
    copies = [e for e in evtest.regular_files(ev) if e.sha == sha256(a)]
    names = sorted(e.path.name for e in copies)
    check("a.txt" in names and "b.txt" in names,
          f"in-archive hardlink not stored as a copy (files with its bytes: {names})")


# ---------------------------------------------------------------------------------------------
# Special files and modes


@case
def test_devices_fifos(ctx: Context) -> None:
    good = data("dev good")
    members = [M("dev/null_c", kind="chr"), M("dev/sda_b", kind="blk"), M("fifo_p", kind="fifo"),
               M("good.txt", good)]
    hostile_case(ctx, "special.tar", tar_bytes(members),
                 Expect(HOSTILE, present=[good], refused=["null_c", "sda_b", "fifo_p"], exits={3}))


@case
def test_setuid_world_modes(ctx: Context) -> None:
    bodies = [data(f"mode{i}") for i in range(6)]
    members = [M("suid", bodies[0], mode=0o4755), M("sgid", bodies[1], mode=0o2755),
               M("world", bodies[2], mode=0o777), M("sticky", bodies[3], mode=0o1777),
               M("zero", bodies[4], mode=0o000), M("wdir", kind="dir", mode=0o777),
               M("nodir", kind="dir", mode=0o000), M("nodir/f", bodies[5], mode=0o6777)]
    hostile_case(ctx, "modes.tar", tar_bytes(members), Expect(BENIGN, present=bodies))


@case
def test_zip_unix_link_and_device(ctx: Context) -> None:
    good = data("zattr good")
    entries = [("good.txt", good), ("zlink", b"/etc/passwd"), ("zchr", b""),
               ("zsuid", data("zsuid"))]
    attrs = {"zlink": 0o120777 << 16, "zchr": 0o020644 << 16, "zsuid": 0o104755 << 16}
    hostile_case(ctx, "extattr.zip", zip_bytes(entries, attrs=attrs),
                 Expect(HOSTILE, present=[good, data("zsuid")], refused=["zlink", "zchr"]))


# ---------------------------------------------------------------------------------------------
# Names


def stored_under(ctx: Context) -> list[evtest.Entry]:
    return evtest.regular_files(ctx.dir / "R" / "evidence" / INCIDENT / HOST)


@case
def test_duplicate_members(ctx: Context) -> None:
    a, b, c = data("dup first"), data("dup second"), data("dup third")
    members = [M("access.log", a), M("access.log", b), M("access.log", c), M("access.log", a)]
    hostile_case(ctx, "dups.tar", tar_bytes(members), Expect(BENIGN, present=[a, b, c]))
    for e in stored_under(ctx):
        if e.path.name.startswith("access.log"):
            h = e.sha
            check(e.path.name in ("access.log", f"access.log~{h[:8]}"),
                  f"collision name {e.rel!r} is not access.log~<first 8 hex of its sha256>")


@case
def test_file_dir_clash(ctx: Context) -> None:
    a, b, c, d = data("clash file"), data("clash under dir"), data("clash p/q"), data("clash p")
    members = [M("x", a), M("x", kind="dir"), M("x/y", b), M("p/q", c), M("p", d)]
    hostile_case(ctx, "clash.tar", tar_bytes(members), Expect(BENIGN, present=[a, b, c, d]))


@case
def test_case_twins(ctx: Context) -> None:
    bodies = [data("README"), data("readme"), data("ReadMe")]
    members = [M("README", bodies[0]), M("readme", bodies[1]), M("ReadMe", bodies[2])]
    hostile_case(ctx, "case.tar", tar_bytes(members), Expect(BENIGN, present=bodies))


@case
def test_unicode_nfc_nfd_twins(ctx: Context) -> None:
    # Once as pax (UTF-8 `path` records, what bsdtar writes) and once as GNU (raw bytes).
    root, canary, inputs = setup(ctx)
    nfc = unicodedata.normalize("NFC", "café.txt")
    nfd = unicodedata.normalize("NFD", "café.txt")
    assert nfc != nfd
    for label, fmt in (("gnu", tarfile.GNU_FORMAT), ("pax", tarfile.PAX_FORMAT)):
        a, b = data(f"{label} nfc"), data(f"{label} nfd")
        angstrom = [data(f"{label} U+212B"), data(f"{label} U+00C5")]
        members = [M(f"{label}/{nfc}", a), M(f"{label}/{nfd}", b),
                   M(f"{label}/\u212b.txt", angstrom[0]), M(f"{label}/\u00c5.txt", angstrom[1])]
        up = inputs / f"unicode-{label}.tar"
        up.write_bytes(tar_bytes(members, fmt=fmt))
        try:
            ingest_and_check(ctx, root, up, Expect(BENIGN, present=[a, b] + angstrom))
        except evtest.Failure as exc:
            raise evtest.Failure(f"[{label}] {exc}")
        names = {os.fsencode(e.path.name): e.sha for e in stored_under(ctx)
                 if e.path.parent.name == label}
        check(names.get(nfc.encode()) == sha256(a) and names.get(nfd.encode()) == sha256(b),
              f"[{label}] NFC/NFD names not kept byte-for-byte (issue 2 item 5, ANCHORS §7: do not normalise): "
              f"{sorted(names)}")


@case
def test_control_chars(ctx: Context) -> None:
    bodies = [data("ctl1"), data("ctl2"), data("ctl3")]
    members = [M("ctl\nnew\rline.txt", bodies[0]), M("esc\x1b[31mred\x07.txt", bodies[1]),
               M("del\x7ftab\t.log", bodies[2])]
    hostile_case(ctx, "control.tar", tar_bytes(members, fmt=tarfile.GNU_FORMAT),
                 Expect(BENIGN, present=bodies))


@case
def test_invalid_utf8(ctx: Context) -> None:
    bodies = [data("utf1"), data("utf2"), data("utf3")]
    names = [b"bad\xff\xfename.txt", b"over\xc0\xaflong.txt", b"lone\x80cont/in.txt"]
    members = [M(n.decode("utf-8", "surrogateescape"), body) for n, body in zip(names, bodies)]
    hostile_case(ctx, "utf8.tar", tar_bytes(members, fmt=tarfile.GNU_FORMAT),
                 Expect(BENIGN, present=bodies))


@case
def test_long_components(ctx: Context) -> None:
    bodies = [data("long1"), data("long2"), data("long3")]
    members = [M("a" * 300 + ".txt", bodies[0]), M("a" * 300 + ".log", bodies[1]),
               M("d" * 300 + "/f.txt", bodies[2])]
    hostile_case(ctx, "long.tar", tar_bytes(members), Expect(BENIGN, present=bodies))
    names = [e.path.name for e in stored_under(ctx)]
    check(len({n for n in names if n.startswith("aaaa")}) >= 2,
          f"two 300-byte names sharing a 255-byte prefix were not kept apart: {names}")


@case
def test_deep_paths(ctx: Context) -> None:
    body = data("deep")
    name = "/".join(f"{i:02d}" + "p" * 198 for i in range(30)) + "/leaf.txt"  # ~6 KB path
    hostile_case(ctx, "deep.tar", tar_bytes([M(name, body)]), Expect(BENIGN, present=[body]))


@case
def test_dots_and_windows_names(ctx: Context) -> None:
    bodies = [data(f"dots{i}") for i in range(6)]
    members = [M("./dots/./a.txt", bodies[0]), M("dots//b.txt", bodies[1]),
               M("CON", bodies[2]), M("aux.txt", bodies[3]), M("name:stream", bodies[4]),
               M("trailing. ", bodies[5])]
    hostile_case(ctx, "dots.tar", tar_bytes(members), Expect(BENIGN, present=bodies))


# ---------------------------------------------------------------------------------------------
# Benign containers


@case
def test_two_hosts_access_log(ctx: Context) -> None:
    root, canary, inputs = setup(ctx)
    a, b = data("web01 access", 5), data("web02 access", 5)
    for host, body in (("web01", a), ("web02", b)):
        (inputs / host).mkdir()
        up = inputs / host / "access.log"
        up.write_bytes(body)
        ingest_and_check(ctx, root, up, Expect(BENIGN, present=[body]), host=host)
    for host, body in (("web01", a), ("web02", b)):
        hashes = evtest.stored_hashes(root / "evidence" / INCIDENT / host)
        check(sha256(body) in hashes, f"{host}'s access.log not under evidence/I/{host}/")
        other = b if body == a else a
        check(sha256(other) not in hashes, f"the other host's access.log under {host}/")


@case
def test_logs_tar_three_times(ctx: Context) -> None:
    root, canary, inputs = setup(ctx)
    bodies = []
    for i in range(3):
        (inputs / str(i)).mkdir()
        body = data(f"logs.tar round {i}", 4)
        bodies.append(body)
        up = inputs / str(i) / "logs.tar"
        up.write_bytes(tar_bytes([M("var/log/access.log", body),
                                  M("var/log/syslog", data("syslog same every time"))]))
        ingest_and_check(ctx, root, up, Expect(BENIGN, present=list(bodies)))
    origs = evtest.originals(root)
    check(len(origs) == 3 and all(p.name == "logs.tar" for p in origs),
          f"want three custody originals named logs.tar, got {origs}")


@case
def test_zip_in_tar_in_gz(ctx: Context) -> None:
    a, b, c, d = data("zip a"), data("gz in zip", 10), data("tar c"), data("bz2 in tar")
    import bz2
    inner_zip = zip_bytes([("a.txt", a), ("nested/b.log.gz", gz(b))])
    t = tar_bytes([M("bundle/inner.zip", inner_zip), M("bundle/c.txt", c),
                   M("bundle/d.log.bz2", bz2.compress(d))])
    hostile_case(ctx, "bundle.tar.gz", gz(t), Expect(BENIGN, present=[a, b, c, d]))
    names = [e.rel for e in stored_under(ctx)]
    check(any(n.endswith("b.log") for n in names),
          f".gz member not stored decompressed without its suffix (b.log): {names}")


@case
def test_gzip_in_gzip_small(ctx: Context) -> None:
    body = data("gz in gz", 20)
    hostile_case(ctx, "double.log.gz.gz", gz(gz(body)), Expect(BENIGN, present=[body]))


@case
def test_multi_member_gzip(ctx: Context) -> None:
    a, b = data("rotated part 1", 50), data("rotated part 2", 50)
    payload = gz(a) + gz(b)
    inner = zip_bytes([("multi.log.gz", payload)])
    hostile_case(ctx, "rotated.log.gz", payload, Expect(BENIGN, present=[a + b]))
    root, _, inputs = ctx.dir / "R", None, ctx.dir / "in"
    up = inputs / "multi.zip"
    up.write_bytes(inner)
    ingest_and_check(ctx, root, up, Expect(BENIGN, present=[a + b]))


@case
def test_zero_leading_gzip(ctx: Context) -> None:
    img = bytes(4096) + b"\x55\xaa" + data("disk image after zero blocks", 20)
    hostile_case(ctx, "disk.img.gz", gz(img), Expect(BENIGN, present=[img]))


@case
def test_empty_things(ctx: Context) -> None:
    root, canary, inputs = setup(ctx)
    cases = [("empty.bin", b"", [b""]), ("empty.tar", tar_bytes([]), []),
             ("empty.zip", zip_bytes([]), []), ("empty.log.gz", gz(b""), [b""]),
             ("emptymember.tar", tar_bytes([M("empty.log", b"")]), [b""])]
    for name, payload, present in cases:
        up = inputs / name
        up.write_bytes(payload)
        try:
            ingest_and_check(ctx, root, up, Expect(BENIGN, present=present))
        except evtest.Failure as exc:
            raise evtest.Failure(f"[{name}] {exc}")


@case
def test_streamed_zip_and_zip64(ctx: Context) -> None:
    root, canary, inputs = setup(ctx)
    a, b = data("streamed a", 30), data("streamed b", 30)
    c, d = data("zip64 c", 30), data("zip64 d", 30)
    streamed = zip_bytes([("s/a.log", a), ("s/b.log", b)], streamed=True)
    check(b"PK\x07\x08" in streamed, "test bug: no data descriptor written")
    z64 = zip_bytes([("z/c.log", c), ("z/d.log", d)], zip64=True)
    utf = zip_bytes([("Überweisung_2026.txt", data("utf8 zip name"))],
                    flag_bits={"Überweisung_2026.txt": 0x800})
    for name, payload, present in (("streamed.zip", streamed, [a, b]),
                                   ("zip64.zip", z64, [c, d]),
                                   ("utf8names.zip", utf, [data("utf8 zip name")])):
        up = inputs / name
        up.write_bytes(payload)
        try:
            ingest_and_check(ctx, root, up, Expect(BENIGN, present=present))
        except evtest.Failure as exc:
            raise evtest.Failure(f"[{name}] {exc}")


@case
def test_benign_high_ratio_image(ctx: Context) -> None:
    # 40 MiB raw image, mostly zeros: well above the 16 MiB ratio floor, well below 1000:1.
    rng = random.Random(463)
    img = bytearray(40 * MIB)
    for off in range(0, len(img), 16 * 1024):
        img[off:off + 128] = rng.randbytes(128)
    img = bytes(img)
    payload = gz(img)
    ratio = len(img) / len(payload)
    check(ratio < 500, f"test bug: ratio {ratio:.0f}")
    hostile_case(ctx, "vda1.img.gz", payload, Expect(BENIGN, present=[img]))


@case
def test_benign_sparse(ctx: Context) -> None:
    # A GNU old-style sparse member like /var/log/lastlog: 1 MiB apparent, 1 KiB of data.
    a, b = b"A" * 512, b"B" * 512
    size = MIB
    full = a + bytes(size - 1024) + b
    hdr = tar_header(b"var/log/lastlog", 1024, b"S", gnu=True,
                     sparse=[(0, 512), (size - 512, 512)], realsize=size)
    t = hdr + a + b + bytes(1024)
    with tarfile.open(fileobj=io.BytesIO(t)) as tf:  # the crafted tar really is that file
        check(tf.extractfile("var/log/lastlog").read() == full, "test bug: sparse craft")
    hostile_case(ctx, "lastlog.tar", t, Expect(BENIGN, present=[full]))


# ---------------------------------------------------------------------------------------------
# Bombs


@case
def test_bomb_gzip(ctx: Context) -> None:
    hostile_case(ctx, "zeros.log.gz", gz_zeros(300 * MIB), Expect(BOMB))


@case
def test_bomb_gzip_isize_lie(ctx: Context) -> None:
    hostile_case(ctx, "isize.log.gz", gz_zeros(300 * MIB, isize=10), Expect(BOMB))


@case
def test_bomb_gzip_in_gzip(ctx: Context) -> None:
    hostile_case(ctx, "nested.gz.gz", gz(gz_zeros(512 * MIB)), Expect(BOMB))


@case
def test_bomb_zip_overlap(ctx: Context) -> None:
    # Fifield-style: 40 central-directory entries share one local header and one 64 MiB kernel.
    kernel, crc = deflate_zeros(64 * MIB)
    body = zip_lfh(b"kernel.bin", crc, len(kernel), 64 * MIB) + kernel
    cd = b"".join(zip_cd(f"f{i:03d}.bin".encode(), crc, len(kernel), 64 * MIB, 0)
                  for i in range(40))
    z = body + cd + zip_eocd(40, len(cd), len(body))
    hostile_case(ctx, "overlap.zip", z, Expect(BOMB))


@case
def test_bomb_zip_size_lie(ctx: Context) -> None:
    # Declares 10 bytes, inflates to 300 MiB.
    stream, _ = deflate_zeros(300 * MIB)
    crc10 = zlib.crc32(bytes(10))
    good = data("lie good")
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    gstream = co.compress(good) + co.flush()
    e1 = zip_lfh(b"good.txt", zlib.crc32(good), len(gstream), len(good)) + gstream
    e2 = zip_lfh(b"small.bin", crc10, len(stream), 10) + stream
    cd = (zip_cd(b"good.txt", zlib.crc32(good), len(gstream), len(good), 0)
          + zip_cd(b"small.bin", crc10, len(stream), 10, len(e1)))
    z = e1 + e2 + cd + zip_eocd(2, len(cd), len(e1) + len(e2))
    hostile_case(ctx, "sizelie.zip", z, Expect(HOSTILE, present=[good]))
    big = [e for e in stored_under(ctx) if e.st.st_size > MIB]
    check(not big, f"member declaring 10 bytes stored with {[e.st.st_size for e in big]} bytes")


@case
def test_bomb_zip_holding_gz(ctx: Context) -> None:
    good = data("zip gz good")
    z = zip_bytes([("logs/big.log.gz", gz_zeros(512 * MIB)), ("logs/good.txt", good)])
    hostile_case(ctx, "holder.zip", z, Expect(BOMB, present=[good]))


@case
def test_bomb_recursive_zip(ctx: Context) -> None:
    # 42.zip-style: 8 zips x 8 zips x a 64 MiB zeros .gz = 4 GiB of leaves from a tiny file.
    lvl1 = zip_bytes([(f"l{i}.log.gz", gz_zeros(64 * MIB)) for i in range(8)])
    lvl2 = zip_bytes([(f"z{i}.zip", lvl1) for i in range(8)])
    hostile_case(ctx, "r42.zip", lvl2, Expect(BOMB))


@case
def test_bomb_gnu_sparse_8g(ctx: Context) -> None:
    good = data("sparse good")
    size = 8 * GIB
    t = (raw_member(b"good.txt", good)
         + tar_header(b"huge.img", 512, b"S", gnu=True, sparse=[(size - 512, 512)],
                      realsize=size) + b"Z" * 512 + bytes(1024))
    hostile_case(ctx, "sparse8g.tar", t, Expect(BOMB, present=[good]))


@case
def test_bomb_pax_sparse_1t(ctx: Context) -> None:
    good = data("pax sparse good")
    size = 1 << 40
    sparse_map = pad512(f"1\n{size - 512}\n512\n".encode())
    m = M("GNUSparseFile.0/huge1t.img", sparse_map + b"Q" * 512,
          pax={"GNU.sparse.major": "1", "GNU.sparse.minor": "0",
               "GNU.sparse.name": "huge1t.img", "GNU.sparse.realsize": str(size)})
    hostile_case(ctx, "sparse1t.tar", tar_bytes([M("good.txt", good), m]),
                 Expect(BOMB, present=[good]))


@case
def test_bomb_truncated_8g_header(ctx: Context) -> None:
    good = data("trunc good")
    t = (raw_member(b"good.txt", good)
         + tar_header(b"claims8g.bin", 8 * GIB, b"0") + b"T" * 2560)
    hostile_case(ctx, "truncated.tar", t, Expect(HOSTILE, present=[good]))
    big = [e for e in evtest.regular_files(ctx.dir / "R") if e.st.st_size > 64 * 1024 * 1024]
    check(not big, f"truncated member padded to its declared size: {[e.rel for e in big]}")


@case
def test_bomb_depth_20(ctx: Context) -> None:
    payload = f"depth-20 payload {MARK}".encode()[:40].ljust(40, b".")
    blob = payload
    for _ in range(20):
        blob = gz(blob)
    hostile_case(ctx, "deep.gz", blob, Expect(BOMB, absent=[payload]))


@case
def test_bomb_20000_members(ctx: Context) -> None:
    t = tar_bytes([M(f"m/{i:05d}.txt", b"") for i in range(20000)])
    hostile_case(ctx, "many.tar.gz", gz(t), Expect(BOMB, outcomes={"partial"}))
    n = len(evtest.regular_files(ctx.dir / "R" / "evidence"))
    check(n <= 10000 + len(SEED), f"{n} files stored, max_members is 10000")


if __name__ == "__main__":
    evtest.main(__doc__.splitlines()[0])
