#!/usr/bin/env python3
"""The `evidenced` command-line contract of DESIGN.md, end to end (issue 2, items 2, 5-7).

Exit codes (0/2/3/78), --help/--version, check-config, --set validation, duplicate uploads,
cross-incident custody, verify (and verify after tampering), the ledger's hash chain and
fields, segment naming, the record envelope, deterministic records across roots, text.lines,
output.unparsed_text=none, host inference, and that ingest never changes the user's file.
"""

from __future__ import annotations

import calendar
import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evtest  # noqa: E402
from evtest import Context, case, check, sha256  # noqa: E402

MTIME = calendar.timegm((2026, 11, 1, 12, 0, 0))
MTIME_ISO = "2026-11-01T12:00:00.000Z"
INSTANCE = "e2ebox"
BASE_SETS = {"instance": INSTANCE}
ENVELOPE_KEYS = ("@timestamp", "ecs", "event", "host", "evidence")
LEDGER_KEYS = ("seq", "prev", "upload", "incident", "host", "received", "finished", "outcome",
               "reason", "instance", "members")
UPLOAD_KEYS = ("name", "drop_path", "size", "sha256", "mtime")
MEMBER_KEYS = ("path", "size", "sha256", "stored", "parser", "records", "refused",
               "link_target")


def text_file(path: Path, lines: list[str]) -> bytes:
    body = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(body)
    os.utime(path, (MTIME, MTIME))
    return body


def small_tar(path: Path, members: dict[str, bytes], gz: bool = True) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, body in members.items():
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(body), MTIME, 0o644
            tf.addfile(ti, io.BytesIO(body))
    data = buf.getvalue()
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    os.utime(path, (MTIME, MTIME))


def ok(r: evtest.Run, what: str, want: int = 0) -> None:
    check(r.rc == want, f"{what}: exit {r.rc}, want {want}\n{r.describe()}")


def combined(r: evtest.Run) -> str:
    return r.stdout + r.stderr


# ---------------------------------------------------------------------------------------------
# Command line


@case
def test_help_and_version(ctx: Context) -> None:
    r = ctx.ev("--version")
    ok(r, "--version")
    cmake = (ctx.src / "CMakeLists.txt").read_text()
    version = re.search(r"project\(evidenced VERSION ([0-9.]+)", cmake).group(1)
    check(version in r.stdout, f"--version does not print {version}: {r.stdout!r}")
    r = ctx.ev("--help")
    ok(r, "--help")
    for word in ("ingest", "daemon", "reparse", "verify", "check-config", "--set", "--root"):
        check(word in r.stdout, f"--help does not mention {word}: {r.stdout[:400]!r}")


@case
def test_bad_usage_exits_2(ctx: Context) -> None:
    f = ctx.dir / "a.txt"
    text_file(f, ["x"])
    root = ctx.dir / "R"
    for argv in ([], ["frobnicate"], ["ingest", "--root", root, f],  # no --incident
                 ["ingest", "--root", root, "--incident", "I"],     # no FILE
                 ["ingest", "--root", root, "--incident", "I", "--bogus-flag", f],
                 ["ingest", "--root", root, "--incident"],          # option without value
                 ["verify", "--root", root, "extra-positional"]):
        r = ctx.ev(*argv)
        check(r.rc == 2, f"bad command line {[str(a) for a in argv]}: exit {r.rc}, want 2\n"
              + r.describe())
        check(r.stderr.strip(), f"bad command line {argv}: nothing on stderr")
    check(not (root / "evidence").exists(), "a rejected command line wrote evidence")


@case
def test_bad_config_exits_78(ctx: Context) -> None:
    f = ctx.dir / "a.txt"
    text_file(f, ["x"])
    root = ctx.dir / "R"
    for sets, key in ((["nosuch.key=1"], "nosuch.key"), (["limits.max_depth=\"deep\""],
                      "limits.max_depth"), (["limits.bogus=3"], "limits.bogus"),
                      (["parse=maybe"], "parse"), (["output.unparsed_text=sometimes"],
                      "output.unparsed_text")):
        for sub in (["check-config"], ["ingest", "--root", root, "--incident", "I"]):
            argv = sub + [a for s in sets for a in ("--set", s)] + ([f] if sub[0] == "ingest"
                                                                   else [])
            r = ctx.ev(*argv)
            check(r.rc == 78, f"{sets} with {sub[0]}: exit {r.rc}, want 78\n" + r.describe())
            check(key in r.stderr, f"{sets}: stderr does not name {key!r}: {r.stderr!r}")
    check(not (root / "evidence").exists(), "an invalid config still wrote evidence")

    cfg = ctx.dir / "bad.json"
    cfg.write_text('{\n  // comment is fine\n  "limits": {"max_depth": 4, "frobs": 1}\n}\n')
    r = ctx.ev("check-config", "--config", cfg)
    check(r.rc == 78 and "frobs" in r.stderr and "bad.json" in r.stderr,
          "unknown key in a config file: want exit 78 naming file and key\n" + r.describe())
    cfg.write_text('{"limits": {"max_depth": 4,,}}')
    r = ctx.ev("check-config", "--config", cfg)
    check(r.rc == 78 and "bad.json" in r.stderr,
          "unparsable config file: want exit 78 naming the file\n" + r.describe())
    r = ctx.ev("check-config", "--config", ctx.dir / "missing.json")
    check(r.rc in (78, 1) and "missing.json" in r.stderr,
          "missing config file: want exit 78 (or 1) naming the file\n" + r.describe())


@case
def test_check_config(ctx: Context) -> None:
    cfg = ctx.dir / "good.json"
    cfg.write_text('/* block */ {\n  // line comment\n  "limits": {"max_depth": 4},\n'
                   '  "output": {"unparsed_text": "none"}\n}\n')
    r = ctx.ev("check-config", "--config", cfg, "--set", "limits.max_members=123",
               "--set", "instance=box7")
    ok(r, "check-config with comments and --set")
    try:
        eff = json.loads(r.stdout)
    except json.JSONDecodeError:
        raise evtest.Failure(f"check-config does not print the effective config as JSON: "
                             f"{r.stdout[:300]!r}")
    check(eff.get("limits", {}).get("max_depth") == 4, f"config file value lost: {eff}")
    check(eff.get("limits", {}).get("max_members") == 123, f"--set value lost: {eff}")
    check(eff.get("instance") == "box7", f"--set bare word not read as a string: {eff}")
    check(eff.get("output", {}).get("unparsed_text") == "none", f"unparsed_text lost: {eff}")
    r = ctx.ev("check-config")
    ok(r, "check-config with the embedded defaults")
    d = json.loads(r.stdout)
    for key in ("root", "inbox", "instance", "workers", "parse", "limits", "intake", "output",
                "vpcflow", "metrics"):
        check(key in d, f"embedded defaults lack {key!r}: {sorted(d)}")
    lim = d["limits"]
    want = {"max_total_bytes": 1 << 40, "max_member_bytes": 256 << 30, "max_members": 1000000,
            "max_depth": 8, "max_ratio": 1000, "ratio_floor_bytes": 64 << 20,
            "min_free_bytes": 5 << 30}
    check(all(lim.get(k) == v for k, v in want.items()), f"limit defaults {lim} != {want}")
    shipped = ctx.src / "config" / "evidenced.json"
    if shipped.exists():
        ok(ctx.ev("check-config", "--config", shipped), "the shipped config/evidenced.json")


# ---------------------------------------------------------------------------------------------
# Ingest, custody, ledger


def ingest(ctx: Context, root: Path, incident: str, *files: Path, **kw) -> evtest.Run:
    sets = dict(BASE_SETS)
    sets.update(kw.pop("sets", {}))
    return ctx.ev.ingest(root, incident, files, sets=sets, **kw)


@case
def test_ingest_leaves_user_file_alone(ctx: Context) -> None:
    f = ctx.dir / "notes.txt"
    text_file(f, ["one", "two"])
    f.chmod(0o400)
    before = os.stat(f)
    digest = evtest.sha256_file(f)
    r = ingest(ctx, ctx.dir / "R", "IR-1", f, host="web01")
    ok(r, "ingest of a read-only text file")
    after = os.stat(f)
    check(f.exists() and evtest.sha256_file(f) == digest, "the user's file changed or moved")
    for attr in ("st_ino", "st_mode", "st_nlink", "st_mtime_ns", "st_size", "st_uid"):
        check(getattr(before, attr) == getattr(after, attr),
              f"the user's file {attr} changed: {getattr(before, attr)} -> "
              f"{getattr(after, attr)}")
    evtest.assert_custody_original(ctx.dir / "R", f, digest)
    orig = ctx.dir / "R" / "custody" / "originals" / digest / "notes.txt"
    check(stat.S_IMODE(os.stat(orig).st_mode) == 0o440, "custody original is not 0440")
    check(os.stat(orig).st_ino != after.st_ino, "custody original is the user's inode")


@case
def test_duplicate_upload(ctx: Context) -> None:
    root = ctx.dir / "R"
    f = ctx.dir / "auth.log"
    text_file(f, ["Nov  1 12:00:00 web01 sshd[1]: Accepted password for root from 1.2.3.4"])
    ok(ingest(ctx, root, "IR-1", f, host="web01"), "first ingest")
    before = {d: evtest.snapshot(root / d) for d in ("evidence", "normalized", "custody/originals")}
    r = ingest(ctx, root, "IR-1", f, host="web01")
    ok(r, "second ingest of the same bytes (duplicate)")
    lines = evtest.ledger_for(root, evtest.sha256_file(f), "IR-1")
    check(len(lines) == 2, f"want 2 ledger lines for the upload, got {len(lines)}")
    check(lines[0]["outcome"] == "ingested" and lines[1]["outcome"] == "duplicate",
          f"outcomes {[x['outcome'] for x in lines]}, want ingested then duplicate")
    for d, snap in before.items():
        problems = evtest.diff_snapshots(snap, evtest.snapshot(root / d), allow_new=False)
        check(not problems, f"a duplicate upload changed {d}/: {problems[:5]}")
    # a copy under another name is the same upload
    g = ctx.dir / "auth-copy.log"
    g.write_bytes(f.read_bytes())
    r = ingest(ctx, root, "IR-1", g, host="web01")
    ok(r, "the same bytes under another name")
    check(evtest.ledger_for(root, evtest.sha256_file(f), "IR-1")[-1]["outcome"] == "duplicate",
          "same bytes under another name not recorded as duplicate")


@case
def test_same_bytes_other_incident(ctx: Context) -> None:
    root = ctx.dir / "R"
    f = ctx.dir / "bundle.tar.gz"
    small_tar(f, {"var/log/syslog": b"Nov  1 12:00:00 web01 kernel: hello\n"})
    digest = evtest.sha256_file(f)
    ok(ingest(ctx, root, "IR-1", f, host="web01"), "ingest into IR-1")
    ok(ingest(ctx, root, "IR-2", f, host="web01"), "ingest into IR-2")
    check(evtest.ledger_for(root, digest, "IR-2")[-1]["outcome"] == "ingested",
          "same bytes into another incident not ingested there")
    for inc in ("IR-1", "IR-2"):
        hashes = evtest.stored_hashes(root / "evidence" / inc)
        check(sha256(b"Nov  1 12:00:00 web01 kernel: hello\n") in hashes,
              f"member not stored under evidence/{inc}/")
    origs = [p for p in evtest.originals(root)]
    check(len(origs) == 1, f"custody original should be kept once, found {origs}")


@case
def test_ledger_chain_and_fields(ctx: Context) -> None:
    root = ctx.dir / "R"
    files = []
    for i in range(3):
        f = ctx.dir / f"f{i}.txt"
        text_file(f, [f"line {i}"])
        files.append(f)
    for f in files:
        ok(ingest(ctx, root, "IR-1", f, host="web01"), f"ingest {f.name}")
    ok(ingest(ctx, root, "IR-1", files[0], host="web01"), "duplicate")
    check([p.name for p in evtest.ledger_files(root)] == [f"ledger-{INSTANCE}.jsonl"],
          f"ledger file not custody/ledger-<instance>.jsonl: {evtest.ledger_files(root)}")
    lines = evtest.ledger_lines(root)
    check(len(lines) == 4, f"want 4 ledger lines, got {len(lines)}")
    for i, (raw, d) in enumerate(lines):
        missing = [k for k in LEDGER_KEYS if k not in d]
        check(not missing, f"ledger line {i} lacks {missing}: {d}")
        missing = [k for k in UPLOAD_KEYS if k not in d["upload"]]
        check(not missing, f"ledger line {i} upload lacks {missing}")
        check(d["instance"] == INSTANCE, f"ledger instance {d['instance']!r}")
        if i:
            check(d["seq"] == lines[i - 1][1]["seq"] + 1,
                  f"seq not consecutive: {lines[i - 1][1]['seq']} then {d['seq']}")
            prev = lines[i - 1][0]
            want = {sha256(prev), sha256(prev + b"\n")}
            check(d["prev"] in want, f"line {i} prev {d['prev']} is not sha256 of line {i - 1}")
        for m in d["members"]:
            missing = [k for k in MEMBER_KEYS if k not in m]
            check(not missing, f"ledger member lacks {missing}: {m}")
    _, first = lines[0]
    check(first["upload"]["sha256"] == evtest.sha256_file(files[0]), "upload.sha256 wrong")
    check(first["upload"]["size"] == files[0].stat().st_size, "upload.size wrong")
    check(first["upload"]["name"] == "f0.txt", f"upload.name {first['upload']['name']!r}")
    check(first["incident"] == "IR-1" and first["host"] == "web01", "incident/host wrong")
    for m in first["members"]:
        stored = root / m["stored"]
        check(m["stored"].startswith("evidence/IR-1/web01/") and stored.is_file(),
              f"member stored path {m['stored']!r} missing")
        check(evtest.sha256_file(stored) == m["sha256"], f"member sha256 wrong: {m}")
    ok(ctx.ev("verify", "--root", root), "verify on an untouched root")


def tamper_and_verify(ctx: Context, root: Path, victim: Path, label: str) -> None:
    os.chmod(victim, 0o640)
    with open(victim, "ab") as fh:
        fh.write(b"tampered\n")
    r = ctx.ev("verify", "--root", root)
    check(r.rc != 0, f"verify exits 0 after {label} was modified\n" + r.describe())
    check(r.rc in (1, 3), f"verify after tampering: exit {r.rc}, want 1 or 3")
    check(victim.name in combined(r), f"verify does not name the {label} {victim.name!r}\n"
          + r.describe())


@case
def test_verify_detects_tampering(ctx: Context) -> None:
    f = ctx.dir / "bundle.tar.gz"
    small_tar(f, {"var/log/auth.log": b"a\n", "etc/passwd": b"root:x:0:0::/root:/bin/bash\n"})
    for label in ("evidence file", "custody original", "ledger"):
        root = ctx.dir / label.replace(" ", "_")
        ok(ingest(ctx, root, "IR-1", f, host="web01"), "ingest")
        ok(ctx.ev("verify", "--root", root), "verify before tampering")
        if label == "evidence file":
            victim = [e.path for e in evtest.regular_files(root / "evidence")
                      if e.path.name == "auth.log"][0]
            tamper_and_verify(ctx, root, victim, label)
        elif label == "custody original":
            tamper_and_verify(ctx, root, evtest.originals(root)[0], label)
        else:
            g = ctx.dir / "second.txt"
            text_file(g, ["second upload"])
            ok(ingest(ctx, root, "IR-1", g, host="web01"), "second ingest")
            lf = evtest.ledger_files(root)[0]
            lines = lf.read_bytes().split(b"\n")
            d = json.loads(lines[0])
            d["host"] = "forged"
            lines[0] = json.dumps(d).encode()
            os.chmod(lf, 0o640)
            lf.write_bytes(b"\n".join(lines))
            r = ctx.ev("verify", "--root", root)
            check(r.rc != 0, "verify exits 0 after a ledger line was rewritten\n" + r.describe())


# ---------------------------------------------------------------------------------------------
# Normalized output


def check_envelope(root: Path, rec: dict, where: str) -> None:
    missing = [k for k in ENVELOPE_KEYS if k not in rec]
    check(not missing, f"{where}: record lacks {missing}: {str(rec)[:300]}")
    check(evtest.TIMESTAMP_RE.match(str(rec["@timestamp"])),
          f"{where}: @timestamp {rec['@timestamp']!r} not YYYY-MM-DDThh:mm:ss.mmmZ")
    check(rec["ecs"] == {"version": "8.11.0"}, f"{where}: ecs {rec['ecs']}")
    ev = rec["event"]
    check(isinstance(ev.get("dataset"), str) and ev["dataset"], f"{where}: event.dataset")
    check(isinstance(ev.get("id"), str) and ev["id"], f"{where}: event.id missing")
    e = rec["evidence"]
    for k in ("incident", "host", "source", "file", "upload_sha256", "member"):
        check(k in e, f"{where}: evidence.{k} missing: {e}")
    check(rec["host"].get("name") == e["host"], f"{where}: host.name != evidence.host")
    check(("line" in e) != ("record" in e), f"{where}: want exactly one of evidence.line/record")
    pos = e.get("line", e.get("record"))
    check(isinstance(pos, int) and pos >= 1, f"{where}: position {pos!r} not a 1-based int")
    prefix = f"evidence/{e['incident']}/{e['host']}/{e['source']}/"
    check(e["file"].startswith(prefix), f"{where}: evidence.file {e['file']!r} not under "
          f"{prefix}")
    check((root / e["file"]).is_file(), f"{where}: evidence.file {e['file']!r} does not exist")
    check(evtest.HEX64_RE.match(e["upload_sha256"]), f"{where}: upload_sha256")


@case
def test_segments_and_envelope(ctx: Context) -> None:
    root = ctx.dir / "R"
    f = ctx.dir / "notes.txt"
    lines = ["first line", "second line with ünïcödé", "", "fourth\tline"]
    text_file(f, lines)
    ok(ingest(ctx, root, "IR-1", f, host="web01"), "ingest a text file")
    segs = evtest.segments(root)
    check(segs, "no normalized segments written")
    pat = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)-" + re.escape(INSTANCE) + r"-(\d{6})\.jsonl$")
    for seg in segs:
        rel = seg.relative_to(root / "normalized")
        check(len(rel.parts) == 2 and rel.parts[0] == "IR-1",
              f"segment {rel} not normalized/<incident>/<file>")
        m = pat.match(rel.parts[1])
        check(m, f"segment name {rel.parts[1]!r} not <source>-{INSTANCE}-<NNNNNN>.jsonl")
        check(m.group(1) in evtest.SOURCES, f"segment source {m.group(1)!r} unknown")
        for i, raw in enumerate(seg.read_bytes().split(b"\n")[:-1], 1):
            rec = json.loads(raw)
            check_envelope(root, rec, f"{rel}:{i}")
            check(rec["evidence"]["source"] == m.group(1),
                  f"{rel}:{i}: evidence.source {rec['evidence']['source']!r} in segment of "
                  f"{m.group(1)!r}")
    recs = [r for r in evtest.records(root) if r["event"]["dataset"] == "text.lines"]
    msgs = [r.get("message") for r in recs]
    want = [x for x in lines if x != ""]
    check(all(w in msgs for w in want), f"text.lines messages {msgs}, want {lines}")
    for r in recs:
        e = r["evidence"]
        check(r["@timestamp"] == MTIME_ISO,
              f"text.lines @timestamp {r['@timestamp']} (want the file mtime {MTIME_ISO})")
        check(e["upload_sha256"] == evtest.sha256_file(f), "evidence.upload_sha256 wrong")
        check("line" in e and lines[e["line"] - 1] == r["message"],
              f"evidence.line {e.get('line')} does not point at {r['message']!r}")
        check(re.fullmatch(r"[0-9a-f]{32}", r["event"]["id"]),
              f"text.lines event.id {r['event']['id']!r} not 32 hex")
    check(len({r["event"]["id"] for r in recs}) == len(recs), "event.id not unique per line")


@case
def test_records_deterministic(ctx: Context) -> None:
    f = ctx.dir / "bundle.tar.gz"
    small_tar(f, {"var/log/app.log": b"".join(b"line %d\n" % i for i in range(200)),
                  "notes/readme.txt": b"hello\nworld\n",
                  "var/log/old.log.gz": gzip.compress(b"old 1\nold 2\n", mtime=0)})
    outs = []
    for name in ("R1", "R2"):
        root = ctx.dir / name
        ok(ingest(ctx, root, "IR-1", f, host="web01"), f"ingest into {name}")
        segs = evtest.segments(root)
        check(segs, f"{name}: no segments")
        outs.append({str(s.relative_to(root)): s.read_bytes() for s in segs})
        ev = {e.rel: e.sha for e in evtest.regular_files(root / "evidence")}
        outs.append(ev)
    check(outs[0] == outs[2], "normalized records differ between two fresh roots: "
          + str([k for k in set(outs[0]) | set(outs[2]) if outs[0].get(k) != outs[2].get(k)]))
    check(outs[1] == outs[3], "evidence trees differ between two fresh roots")
    check(any(k.endswith("old.log") for k in outs[1]),
          f"nested .gz not stored decompressed as old.log: {sorted(outs[1])}")


@case
def test_many_files_one_call(ctx: Context) -> None:
    # One `ingest` call with many FILEs runs them concurrently and commits them in groups
    # (one intent, one ledger fsync per group): the ledger and the segments must still be
    # exactly those of one call per file, in command-line order, duplicates included.
    files = []
    for i in range(14):
        f = ctx.dir / f"m{i:02d}.log"
        text_file(f, [f"2026-11-01T00:00:{i:02d}Z host app[{i}]: event {i} line {k}"
                      for k in range(40 + 7 * i)])
        files.append(f)
    dup = ctx.dir / "m03-again.log"
    dup.write_bytes(files[3].read_bytes())
    os.utime(dup, (MTIME, MTIME))
    order = files[:7] + [dup] + files[7:]
    together, apart = ctx.dir / "R-together", ctx.dir / "R-apart"
    r = ingest(ctx, together, "IR-1", *order, host="web01")
    ok(r, "one ingest call with 15 files")
    out = [line.split("\t") for line in r.stdout.splitlines()]
    check([o[2] for o in out] == [str(f) for f in order],
          f"stdout lines not in command-line order: {[o[2] for o in out]}")
    check(out[7][0] == "duplicate", f"the re-sent file is not a duplicate: {out[7]}")
    for f in order:
        ok(ingest(ctx, apart, "IR-1", f, host="web01"), f"ingest {f.name} alone")
    names = lambda root: [d["upload"]["name"] for _, d in evtest.ledger_lines(root)]
    check(names(together) == names(apart),
          f"ledger order differs:\n{names(together)}\n{names(apart)}")
    segs_t = {str(s.relative_to(together)): s.read_bytes() for s in evtest.segments(together)}
    segs_a = {str(s.relative_to(apart)): s.read_bytes() for s in evtest.segments(apart)}
    check(segs_t.keys() == segs_a.keys(), f"segment files differ: {segs_t.keys()} {segs_a.keys()}")
    for k in segs_t:
        check(segs_t[k] == segs_a[k], f"{k}: records differ between one call and one per file")
    ok(ctx.ev("verify", "--root", together), "verify after one call with many files")


@case
def test_unparsed_text_none(ctx: Context) -> None:
    f = ctx.dir / "notes.txt"
    text_file(f, ["alpha", "beta"])
    root = ctx.dir / "R"
    ok(ingest(ctx, root, "IR-1", f, host="web01", sets={"output.unparsed_text": "none"}),
       "ingest with output.unparsed_text=none")
    recs = [r for r in evtest.records(root) if r["event"]["dataset"] == "text.lines"]
    check(not recs, f"{len(recs)} text.lines records despite output.unparsed_text=none")
    check(sha256(f.read_bytes()) in evtest.stored_hashes(root / "evidence"),
          "the file was not stored in evidence/")
    root2 = ctx.dir / "R2"
    ok(ingest(ctx, root2, "IR-1", f, host="web01", sets={"parse": False}), "parse=false")
    check(not evtest.records(root2), "records written with parse=false")


@case
def test_binary_file_no_text_lines(ctx: Context) -> None:
    f = ctx.dir / "blob.bin"
    f.write_bytes(bytes(range(256)) * 64)
    root = ctx.dir / "R"
    r = ingest(ctx, root, "IR-1", f, host="web01")
    check(r.rc in (0, 3), f"binary file: exit {r.rc}")
    recs = [x for x in evtest.records(root) if x["event"]["dataset"] == "text.lines"]
    check(not recs, f"binary file produced {len(recs)} text.lines records")
    check(sha256(f.read_bytes()) in evtest.stored_hashes(root / "evidence"), "blob not stored")


@case
def test_host_inference(ctx: Context) -> None:
    root = ctx.dir / "R"
    uac = ctx.dir / "uac-web-01.example-linux-20261101120000.tar.gz"
    small_tar(uac, {"uac-web-01.example-linux-20261101120000/live_response/system/hostname.txt":
                    b"web-01.example\n"})
    ok(ingest(ctx, root, "IR-1", uac), "ingest a UAC archive without --host")
    hosts = sorted(p.name for p in (root / "evidence" / "IR-1").iterdir())
    check(hosts == ["web-01.example"], f"UAC host not inferred (want web-01.example): {hosts}")
    # One collection, one host: a hostname output naming another host (renamed machine,
    # re-labelled archive) does not split the UAC archive across host folders.
    uac2 = ctx.dir / "uac-db-02-linux-20261101120000.tar.gz"
    small_tar(uac2, {"uac-db-02-linux-20261101120000/live_response/system/hostname.txt":
                     b"oldname\n",
                     "uac-db-02-linux-20261101120000/live_response/system/uname_-a.txt":
                     b"Linux oldname 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 "
                     b"(2023-09-29) x86_64 GNU/Linux\n"})
    ok(ingest(ctx, root, "IR-1B", uac2), "ingest a UAC archive whose hostname output differs")
    hosts = sorted(p.name for p in (root / "evidence" / "IR-1B").iterdir())
    check(hosts == ["db-02"], f"a UAC collection split across hosts: {hosts}")
    ct = ctx.dir / "ct.tar.gz"
    key = ("AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/"
           "123456789012_CloudTrail_us-east-1_20261101T1200Z_abcd.json.gz")
    small_tar(ct, {key: gzip.compress(b'{"Records":[]}', mtime=0)})
    ok(ingest(ctx, root, "IR-2", ct), "ingest an S3-layout CloudTrail tar without --host")
    hosts = sorted(p.name for p in (root / "evidence" / "IR-2").iterdir())
    check(hosts == ["aws-123456789012"], f"AWS account host not inferred: {hosts}")
    # A hand-saved terminal session names its host only in the shell prompt.
    session = ctx.dir / "triage-session.txt"
    text_file(session, ["[root@web-07 ~]# ps -ef",
                        "UID          PID    PPID  C STIME TTY          TIME CMD",
                        "root           1       0  0 06:17 ?        00:00:01 /sbin/init",
                        "root@web-07:~# uptime",
                        " 10:02:11 up 3 days,  2:01,  1 user,  load average: 0.00, 0.01, 0.05"])
    ok(ingest(ctx, root, "IR-4", session), "ingest a terminal session without --host")
    hosts = sorted(p.name for p in (root / "evidence" / "IR-4").iterdir())
    check(hosts == ["web-07"], f"host not taken from the shell prompt: {hosts}")
    plain = ctx.dir / "mystery.txt"
    text_file(plain, ["nothing identifies me"])
    ok(ingest(ctx, root, "IR-3", plain), "ingest a plain file without --host")
    hosts = sorted(p.name for p in (root / "evidence" / "IR-3").iterdir())
    check(hosts == ["unknown-host"], f"no host clue should give unknown-host: {hosts}")


@case
def test_unsafe_names_on_command_line(ctx: Context) -> None:
    root = ctx.dir / "R"
    f = ctx.dir / "n.txt"
    text_file(f, ["x"])
    r = ingest(ctx, root, "../../escape", f, host="../h/..")
    check(r.rc in (0, 2, 3), f"unsafe incident/host: exit {r.rc}\n" + r.describe())
    check(not (ctx.dir / "escape").exists() and not (root.parent / "h").exists(),
          "an unsafe --incident/--host escaped the root")
    if r.rc in (0, 3):
        for inc in (root / "evidence").iterdir():
            check(evtest.NAME_RE.match(inc.name), f"unsafe incident stored as {inc.name!r}")
            for host in inc.iterdir():
                check(evtest.NAME_RE.match(host.name), f"unsafe host stored as {host.name!r}")


@case
def test_missing_file(ctx: Context) -> None:
    r = ingest(ctx, ctx.dir / "R", "IR-1", ctx.dir / "does-not-exist.log", host="h")
    check(r.rc not in (0, 3) and r.rc > 0, f"missing FILE: exit {r.rc}, want 1 or 2")
    check("does-not-exist.log" in r.stderr, f"stderr does not name the file: {r.stderr!r}")


@case
def test_stale_work_dirs(ctx: Context) -> None:
    # A run's work dir is locked while the run lives: the next run's start removes only the
    # leftovers nobody holds (a crashed run's), never a live run's.
    root = ctx.dir / "R"
    f = ctx.dir / "a.txt"
    text_file(f, ["one"])
    ok(ingest(ctx, root, "IR-1", f, host="h"), "first ingest")
    work = root / "work"
    stale = work / "ingest-0123456789abcdef0123456789abcdef"
    live = work / "ingest-fedcba9876543210fedcba9876543210"
    for d in (stale, live):
        d.mkdir(mode=0o700)
        (d / "m0").write_bytes(b"partial member")
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        g = ctx.dir / "b.txt"
        text_file(g, ["two"])
        ok(ingest(ctx, root, "IR-1", g, host="h"), "second ingest")
        check(not stale.exists(), "a crashed run's work dir was left behind")
        check((live / "m0").exists(), "a live run's work dir was removed under it")
    finally:
        os.close(fd)
    text_file(g, ["three"])
    ok(ingest(ctx, root, "IR-1", g, host="h"), "third ingest")
    check(not live.exists(), "a released work dir was left behind")


if __name__ == "__main__":
    evtest.main(__doc__.splitlines()[0])
