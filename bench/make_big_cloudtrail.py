#!/usr/bin/env python3
"""Writes one gzipped CloudTrail S3 object of about --mib MiB uncompressed: a single-line
{"Records":[...]} document, as a trail would deliver if it could, for the benchmark's
bounded-memory row.  Events are the corpus's own (bench/make_corpus.py), repeated with
fresh eventIDs so every record is distinct.

    bench/make_big_cloudtrail.py --tree CORPUS/tree --out FILE.json.gz [--mib 1024]
"""
import argparse
import gzip
import json
import uuid
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mib", type=int, default=1024)
    a = ap.parse_args()
    events = []
    for p in sorted(Path(a.tree).rglob("*_CloudTrail_*.json.gz"))[:20]:
        events += json.loads(gzip.decompress(p.read_bytes()))["Records"]
    if not events:
        raise SystemExit(f"no CloudTrail files under {a.tree}")
    target = a.mib << 20
    out = Path(a.out)
    tmp = out.with_name(out.name + ".tmp")
    written = n = 0
    with gzip.open(tmp, "wb", compresslevel=1) as f:
        f.write(b'{"Records":[')
        while written < target:
            for ev in events:
                ev = dict(ev)
                ev["eventID"] = str(uuid.UUID(int=n + 1))
                chunk = (b"," if n else b"") + json.dumps(ev, separators=(",", ":")).encode()
                f.write(chunk)
                written += len(chunk)
                n += 1
                if written >= target:
                    break
        f.write(b"]}")
    tmp.rename(out)
    print(f"{out} {written} bytes {n} events")


if __name__ == "__main__":
    main()
