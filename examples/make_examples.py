#!/usr/bin/env python3
"""Rebuilds the bundled sample evidence in examples/ from examples/src/, byte for byte.

    python3 examples/make_examples.py          # rewrite the three samples
    python3 examples/make_examples.py --check  # exit 1 if a committed sample differs

Outputs (deterministic: sorted members, fixed mtimes, uid/gid 0, gzip mtime 0 and no name):
  uac-web01-linux-20261101120000.tar.gz   a UAC-style collection from a compromised web server
  cloudtrail-123837392027-20230710.tar.gz gzipped CloudTrail files in their S3 layout
  123837392027_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261101T1200Z_5f3c9a1e.log.gz
                                          a VPC flow log, default (v2) format, S3 object name
See examples/README.md for the story and the origins of every byte.
"""

from __future__ import annotations

import argparse
import calendar
import gzip
import io
import random
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
COLLECTED = calendar.timegm((2026, 11, 1, 12, 0, 31))  # end of the UAC run (uac.log)

UAC = "uac-web01-linux-20261101120000"
ACCOUNT = "123837392027"  # the recipientAccountId inside the CloudTrail events
REGION = "us-east-1"
CT_TAR = f"cloudtrail-{ACCOUNT}-20230710.tar.gz"
VPC = f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-0a1b2c3d4e5f67890_20261101T1200Z_5f3c9a1e.log.gz"


def gzip_bytes(data: bytes) -> bytes:
    # gzip.compress writes no file name and the mtime we give: stable bytes.
    return gzip.compress(data, compresslevel=9, mtime=0)


def tar_bytes(members: list[tuple[str, bytes, int]]) -> bytes:
    """members: (path, bytes, mtime); directories are implied and added with the same mtime."""
    dirs: dict[str, int] = {}
    for path, _, mtime in members:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            dirs[d] = max(dirs.get(d, 0), mtime)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        entries = [(d, None, m) for d, m in dirs.items()] + list(members)
        for path, body, mtime in sorted(entries, key=lambda e: e[0]):
            ti = tarfile.TarInfo(path)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = mtime, 0, 0, "root", "root"
            if body is None:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(ti)
            else:
                ti.size, ti.mode = len(body), 0o644
                tf.addfile(ti, io.BytesIO(body))
    return buf.getvalue()


def uac_archive() -> bytes:
    root = SRC / UAC
    members = [(str(p.relative_to(root)), p.read_bytes(), COLLECTED)
               for p in sorted(root.rglob("*")) if p.is_file()]
    return gzip_bytes(tar_bytes(members))


def cloudtrail_archive() -> bytes:
    # S3 layout: AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_
    # <YYYYMMDDTHHmmZ>_<random>.json.gz.  The invictus-ir files carry another account number
    # in their names (218007301253) than in their events (123837392027): the S3 key uses the
    # events' one so that both agree; the JSON bytes are unchanged.
    members = []
    for p in sorted((SRC / "cloudtrail").glob("*.json")):
        stamp, rand = p.stem.split("_")[3:5]
        y, m, d = stamp[0:4], stamp[4:6], stamp[6:8]
        hh, mm = int(stamp[9:11]), int(stamp[11:13])
        key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{y}/{m}/{d}/"
               f"{ACCOUNT}_CloudTrail_{REGION}_{stamp}_{rand}.json.gz")
        mtime = calendar.timegm((int(y), int(m), int(d), hh, mm + 5, 0))  # delivery ~5 min
        members.append((key, gzip_bytes(p.read_bytes()), mtime))
    return gzip_bytes(tar_bytes(members))


def vpc_flow_log() -> bytes:
    """Default-format (v2) records around web01 (10.0.1.23, eni-0c9d8e7f6a5b4c3d2)."""
    rng = random.Random(20261101)
    eni = "eni-0c9d8e7f6a5b4c3d2"
    start = calendar.timegm((2026, 11, 1, 11, 40, 0))
    rows = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
            "bytes start end action log-status"]

    def row(src, dst, sport, dport, proto, pkts, nbytes, t, action="ACCEPT"):
        rows.append(f"2 {ACCOUNT} {eni} {src} {dst} {sport} {dport} {proto} {pkts} {nbytes} "
                    f"{t} {t + 60} {action} OK")

    for i in range(20):
        t = start + 60 * i
        # the reverse shell and the miner: long-lived, steady
        row("10.0.1.23", "203.0.113.66", 41872, 4444, 6, rng.randint(4, 12),
            rng.randint(300, 2400), t)
        row("203.0.113.66", "10.0.1.23", 4444, 41872, 6, rng.randint(4, 12),
            rng.randint(200, 900), t)
        row("10.0.1.23", "198.51.100.23", 39918, 3333, 6, rng.randint(20, 40),
            rng.randint(4000, 9000), t)
        # ordinary web traffic
        for _ in range(2):
            client = f"198.51.100.{rng.randint(100, 250)}"
            port = rng.randint(32768, 60999)
            row(client, "10.0.1.23", port, 80, 6, rng.randint(5, 30), rng.randint(900, 40000), t)
            row("10.0.1.23", client, 80, port, 6, rng.randint(5, 30), rng.randint(2000, 90000), t)
        # internet background noise against closed ports
        row(f"192.0.2.{rng.randint(1, 254)}", "10.0.1.23", rng.randint(1024, 65535),
            rng.choice([23, 445, 3389, 6379, 3306]), 6, 1, 40, t, "REJECT")
    # the cron job fetching k.sh every five minutes
    for t in range(start + 600, start + 1200, 300):
        row("10.0.1.23", "203.0.113.66", rng.randint(32768, 60999), 80, 6, 6, 780, t)
    # the admin's SSH session and a no-data window
    row("198.51.100.7", "10.0.1.23", 51522, 22, 6, 41, 6120, start + 720)
    rows.append(f"2 {ACCOUNT} {eni} - - - - - - - {start + 1140} {start + 1200} - NODATA")
    return gzip_bytes(("\n".join(rows) + "\n").encode())


OUTPUTS = {f"{UAC}.tar.gz": uac_archive, CT_TAR: cloudtrail_archive, VPC: vpc_flow_log}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    status = 0
    for name, build in OUTPUTS.items():
        data = build()
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                print(f"differs: {name}")
                status = 1
        else:
            path.write_bytes(data)
            print(f"{name}: {len(data)} bytes")
    return status


if __name__ == "__main__":
    sys.exit(main())
