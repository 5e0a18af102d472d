#!/usr/bin/env python3
"""Normalized output is made durable by its journal, not by fsync per upload: `ingest`
returns once the evidence and the ledger line are on disk, and the records' commit plans
(work/intents) stay until a checkpoint or the next start.  These cases simulate a power
loss that took the page cache -- segment tails and spools gone, evidence and ledger kept --
and check that the next start renders the lost records again, byte for byte, exactly once."""
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evtest  # noqa: E402
from evtest import Context, case, check  # noqa: E402


def examples(ctx: Context) -> list[Path]:
    ex = ctx.src / "examples"
    files = sorted(p for p in ex.iterdir() if p.name.endswith(".gz"))
    check(len(files) >= 3, f"expected the bundled examples in {ex}")
    return files


def seg_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in evtest.segments(root)}


def intents(root: Path) -> list[str]:
    d = root / "work" / "intents"
    return sorted(p.name for p in d.iterdir()) if d.is_dir() else []


@case
def test_lost_segment_tails_are_rendered_again(ctx: Context) -> None:
    root = ctx.dir / "R"
    r = ctx.ev.ingest(root, "IR-PL", examples(ctx))
    check(r.rc in (0, 3), "ingest failed\n" + r.describe())
    full = seg_bytes(root)
    check(full and all(full.values()), "no normalized output")
    pending = intents(root)
    check(pending, "ingest left no commit plans: its output would not be recoverable")
    ledger_before = [raw for raw, _ in evtest.ledger_lines(root)]

    # The power loss: every segment keeps only a prefix cut mid-line, spools are gone.
    for rel, data in full.items():
        cut = len(data) // 3
        check(data[cut - 1:cut] != b"\n" or cut == 0, "test setup: cut must split a line")
        (root / rel).write_bytes(data[:cut])
    for p in (root / "work").glob("ingest-*"):
        shutil.rmtree(p)

    extra = ctx.dir / "later.txt"
    extra.write_text("an unrelated later upload\n")
    r = ctx.ev.ingest(root, "IR-OTHER", [extra], host="h1")
    check(r.rc in (0, 3), "the next ingest failed\n" + r.describe())
    after = seg_bytes(root)
    for rel, data in full.items():
        check(after.get(rel) == data,
              f"{rel}: {len(after.get(rel, b''))} bytes after recovery, want {len(data)} "
              "(the lost records must come back exactly once, byte for byte)")
    ledger_after = [raw for raw, _ in evtest.ledger_lines(root)]
    check(ledger_after[:len(ledger_before)] == ledger_before and
          len(ledger_after) == len(ledger_before) + 1, "recovery changed the ledger")
    left = [n for n in intents(root) if n in pending]
    check(not left, f"recovered plans were not dropped: {left}")
    check(not list((root / "work").glob("ingest-*")), "recovery left its work dir")


@case
def test_complete_output_is_left_alone(ctx: Context) -> None:
    root = ctx.dir / "R"
    r = ctx.ev.ingest(root, "IR-OK", examples(ctx))
    check(r.rc in (0, 3), "ingest failed\n" + r.describe())
    full = seg_bytes(root)
    check(intents(root), "ingest left no commit plans")
    extra = ctx.dir / "later.txt"
    extra.write_text("later\n")
    r = ctx.ev.ingest(root, "IR-OTHER", [extra], host="h1")
    check(r.rc in (0, 3), "the next ingest failed\n" + r.describe())
    after = seg_bytes(root)
    for rel, data in full.items():
        check(after.get(rel) == data, f"{rel} changed although nothing was lost")
    check("Recovered" not in r.stderr and "again" not in r.stderr,
          "a start with complete output rendered records again:\n" + r.stderr[-2000:])


if __name__ == "__main__":
    evtest.main(__doc__)
