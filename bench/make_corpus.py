#!/usr/bin/env python3
"""Generates evidenced's benchmark corpus, deterministically.

    python3 bench/make_corpus.py [--scale S] --out DIR

At --scale 1 (the default) about 1 GiB of uncompressed evidence, the mix a cloud + Linux
incident bundle has:
  ~50 %  CloudTrail: gzipped JSON files in the S3 layout
         AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<ts>_<rand>.json.gz,
         events synthesised from the real events in examples/src/cloudtrail/ (invictus-ir,
         MIT) with fresh eventID/requestID/eventTime/sourceIPAddress/accessKeyId
  ~37 %  VPC flow logs: gzipped default-format (v2) files in the S3 layout
  ~13 %  Linux: UAC-style live_response outputs and /var/log files of a few hosts, the
         rotated ones gzipped
Outputs in DIR:
  tree/            the files (what `aws s3 sync` + the collectors leave)
  bundle.tar.gz    tree/ as one tar.gz (what is uploaded)
  bundle.zip       tree/ as one zip
  manifest.json    scale, file counts, compressed and uncompressed byte totals per part
Same --scale, same bytes (fixed seeds, mtimes, gzip mtime 0).  Regenerated only when
manifest.json is missing or names another scale/version (use --force to rebuild anyway).
"""

from __future__ import annotations

import argparse
import calendar
import copy
import gzip
import json
import os
import random
import shutil
import sys
import tarfile
import time
import uuid
import zipfile
import zlib
from pathlib import Path

VERSION = 1
MIB = 1 << 20
ACCOUNT = "123837392027"
REGION = "us-east-1"
T0 = calendar.timegm((2026, 11, 1, 0, 0, 0))
FIXED_MTIME = calendar.timegm((2026, 11, 2, 0, 0, 0))
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "examples" / "src" / "cloudtrail"


def gz_write(path: Path, data: bytes, level: int = 6) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = gzip.compress(data, compresslevel=level, mtime=0)
    path.write_bytes(blob)
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return len(blob)


def plain_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# ---------------------------------------------------------------------------------------------


def cloudtrail(tree: Path, budget: int, rng: random.Random) -> dict:
    templates = []
    for p in sorted(TEMPLATES.glob("*.json")):
        templates += json.loads(p.read_bytes())["Records"]
    if not templates:
        sys.exit(f"no CloudTrail templates under {TEMPLATES}")
    produced = files = events = 0
    t = float(T0)
    while produced < budget:
        target = rng.randint(256 * 1024, 1536 * 1024)
        records, size = [], 0
        file_time = t
        while size < target:
            ev = copy.copy(rng.choice(templates))
            t += rng.random() * 0.5
            ev["eventTime"] = iso(t)
            ev["eventID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            ev["requestID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            ev["sourceIPAddress"] = (f"{rng.choice([198, 203, 192])}.{rng.randint(0, 255)}."
                                     f"{rng.randint(0, 255)}.{rng.randint(1, 254)}")
            if isinstance(ev.get("userIdentity"), dict) and "accessKeyId" in ev["userIdentity"]:
                ui = dict(ev["userIdentity"])
                ui["accessKeyId"] = "ASIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                                                     for _ in range(16))
                ev["userIdentity"] = ui
            line = json.dumps(ev, separators=(",", ":"))
            records.append(line)
            size += len(line) + 1
            events += 1
        data = ('{"Records":[' + ",".join(records) + "]}").encode()
        tm = time.gmtime(file_time)
        stamp = time.strftime("%Y%m%dT%H%MZ", tm)
        rand = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                       for _ in range(16))
        key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{time.strftime('%Y/%m/%d', tm)}/"
               f"{ACCOUNT}_CloudTrail_{REGION}_{stamp}_{rand}.json.gz")
        gz_write(tree / key, data)
        produced += len(data)
        files += 1
    return {"files": files, "events": events, "bytes": produced}


def vpcflow(tree: Path, budget: int, rng: random.Random) -> dict:
    produced = files = lines = 0
    t = T0
    header = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
              "packets bytes start end action log-status\n")
    enis = [f"eni-{rng.getrandbits(68):017x}" for _ in range(6)]
    while produced < budget:
        eni = enis[files % len(enis)]
        rows = [header]
        n = rng.randint(30000, 60000)
        for _ in range(n):
            r = rng.getrandbits(64)
            src = f"10.0.{(r >> 8) & 3}.{(r >> 16) & 255}"
            dst = f"{(r >> 24) % 223 + 1}.{(r >> 32) & 255}.{(r >> 40) & 255}.{(r >> 48) & 255}"
            if r & 1:
                src, dst = dst, src
            sport, dport = 1024 + (r >> 12) % 64000, (22, 80, 443, 3306, 53, 123)[(r >> 5) % 6]
            proto = 17 if dport in (53, 123) else 6
            pkts = 1 + (r >> 20) % 40
            start = t + (r >> 28) % 600
            action = "REJECT" if (r >> 3) % 11 == 0 else "ACCEPT"
            rows.append(f"2 {ACCOUNT} {eni} {src} {dst} {sport} {dport} {proto} {pkts} "
                        f"{pkts * (40 + (r >> 36) % 1400)} {start} {start + 60} {action} OK\n")
        data = "".join(rows).encode()
        tm = time.gmtime(t)
        stamp = time.strftime("%Y%m%dT%H%MZ", tm)
        key = (f"AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/{time.strftime('%Y/%m/%d', tm)}/"
               f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-{enis[0][4:21]}_{stamp}_{rng.getrandbits(32):08x}"
               ".log.gz")
        gz_write(tree / key, data)
        produced += len(data)
        files += 1
        lines += n
        t += 600
    return {"files": files, "lines": lines, "bytes": produced}


def linux(tree: Path, budget: int, rng: random.Random) -> dict:
    src = HERE.parent / "examples" / "src" / "uac-web01-linux-20261101120000"
    live = sorted(p for p in (src / "live_response").rglob("*") if p.is_file())
    hosts = max(1, round(budget / (32 * MIB)))
    per_host = budget // hosts
    produced = files = 0
    users = ["root", "admin", "deploy", "backup", "www-data", "ubuntu", "test", "oracle"]
    for h in range(hosts):
        host = f"web{h + 1:02d}"
        base = tree / "hosts" / f"uac-{host}-linux-20261101120000"
        for p in live:  # the command outputs, with this host's name
            data = p.read_bytes().replace(b"web01", host.encode())
            plain_write(base / p.relative_to(src), data)
            produced += len(data)
            files += 1
        # ps with many processes (the collector's biggest command output)
        ps = ["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"]
        for pid in range(1000, 1000 + 3000):
            ps.append(f"{rng.choice(users):<8} {pid:>7}  0.0  0.1 {rng.randint(2000, 900000):>6} "
                      f"{rng.randint(900, 90000):>5} ?        S    Oct28   0:00 "
                      f"/usr/bin/worker --id {rng.getrandbits(40):x}")
        data = ("\n".join(ps) + "\n").encode()
        plain_write(base / "live_response/process/ps_auxwww.txt", data)
        produced += len(data)
        files += 1
        # auth.log (current, plain) and rotated ones (gzipped), then apache access logs
        left = per_host - (produced - h * per_host)
        logs = [("[root]/var/log/auth.log", False), ("[root]/var/log/auth.log.2.gz", True),
                ("[root]/var/log/apache2/access.log", False),
                ("[root]/var/log/apache2/access.log.2.gz", True)]
        for i, (name, zipped) in enumerate(logs):
            want = left // (len(logs) - i)
            out, size, t = [], 0, T0 - 86400 * (2 if zipped else 0)
            while size < want:
                t += rng.random() * 2
                if "auth" in name:
                    line = (f"{time.strftime('%b %d %H:%M:%S', time.gmtime(t))} {host} "
                            f"sshd[{rng.randint(1000, 99999)}]: Failed password for invalid user "
                            f"{rng.choice(users)} from 203.0.113.{rng.randint(1, 254)} port "
                            f"{rng.randint(1024, 65535)} ssh2\n")
                else:
                    line = (f"198.51.100.{rng.randint(1, 254)} - - "
                            f"[{time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(t))}] "
                            f"\"GET /shop/item?id={rng.randint(1, 99999)} HTTP/1.1\" 200 "
                            f"{rng.randint(200, 90000)} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n")
                out.append(line)
                size += len(line)
            data = "".join(out).encode()
            if zipped:
                gz_write(base / name, data)
            else:
                plain_write(base / name, data)
            produced += len(data)
            left -= len(data)
            files += 1
    return {"hosts": hosts, "files": files, "bytes": produced}


# ---------------------------------------------------------------------------------------------


def pack(tree: Path, out: Path) -> dict:
    paths = sorted(p for p in tree.rglob("*") if p.is_file())
    tar_path = out / "bundle.tar.gz"
    with open(tar_path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
                for p in paths:
                    ti = tarfile.TarInfo(str(p.relative_to(tree)))
                    ti.size, ti.mtime, ti.mode = p.stat().st_size, FIXED_MTIME, 0o644
                    ti.uname = ti.gname = "root"
                    with open(p, "rb") as fh:
                        tf.addfile(ti, fh)
    zip_path = out / "bundle.zip"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for p in paths:
            zi = zipfile.ZipInfo(str(p.relative_to(tree)), date_time=(2026, 11, 2, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o100644 << 16
            with open(p, "rb") as fh, zf.open(zi, "w", force_zip64=True) as w:
                shutil.copyfileobj(fh, w, 1 << 20)
    return {"tar_gz_bytes": tar_path.stat().st_size, "zip_bytes": zip_path.stat().st_size,
            "files": len(paths)}


def uncompressed_total(tree: Path) -> int:
    """Bytes of the greppable tree: every .gz counted decompressed (what both sides produce)."""
    total = 0
    for p in tree.rglob("*"):
        if not p.is_file():
            continue
        if p.name.endswith(".gz"):
            d = zlib.decompressobj(31)
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    total += len(d.decompress(chunk))
        else:
            total += p.stat().st_size
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = about 1 GiB uncompressed")
    ap.add_argument("--out", required=True)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    manifest = out / "manifest.json"
    if manifest.exists() and not args.force:
        m = json.loads(manifest.read_text())
        if m.get("scale") == args.scale and m.get("version") == VERSION:
            print(f"corpus up to date: {out} ({m['uncompressed_bytes'] / MIB:.0f} MiB)")
            return 0
    if out.exists():
        shutil.rmtree(out)
    tree = out / "tree"
    tree.mkdir(parents=True)
    total = int(1024 * MIB * args.scale)
    t0 = time.monotonic()
    parts = {
        "cloudtrail": cloudtrail(tree, total * 50 // 100, random.Random(1)),
        "vpcflow": vpcflow(tree, total * 37 // 100, random.Random(2)),
        "linux": linux(tree, total * 13 // 100, random.Random(3)),
    }
    packed = pack(tree, out)
    m = {"version": VERSION, "scale": args.scale,
         "uncompressed_bytes": sum(p["bytes"] for p in parts.values()), "parts": parts,
         **packed, "seconds": round(time.monotonic() - t0, 1)}
    manifest.write_text(json.dumps(m, indent=2) + "\n")
    print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
