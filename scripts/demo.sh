#!/usr/bin/env bash
# The README's first command: install what is missing, build the release binary, ingest the
# bundled sample evidence (examples/) into ./evidenced-data as incident IR-DEMO, and show
# where to grep.  Safe to run again: a second run records the uploads as duplicates.
#
# Environment: EVIDENCED_BUILD_BASE (default <repo>/build), EVIDENCED_DEMO_ROOT (default
# <repo>/evidenced-data).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=$(pwd)
base=${EVIDENCED_BUILD_BASE:-$src/build}
root=${EVIDENCED_DEMO_ROOT:-$src/evidenced-data}
incident=IR-DEMO

bash scripts/deps.sh
echo "==== building the release binary ($base/release)"
cmake --preset release -B "$base/release" >/dev/null
cmake --build "$base/release" --target evidenced
bin=$base/release/evidenced

samples=(examples/uac-web01-linux-20261101120000.tar.gz
         examples/cloudtrail-123837392027-20230710.tar.gz
         examples/123837392027_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261101T1200Z_5f3c9a1e.log.gz)

echo "==== evidenced ingest --root $root --incident $incident ${samples[*]}"
rc=0
"$bin" ingest --root "$root" --incident "$incident" "${samples[@]}" || rc=$?
case $rc in
    0) echo "==== ingested (exit 0)" ;;
    3) echo "==== ingested; something needs a look (exit 3): see the messages above and the ledger" ;;
    *) echo "==== evidenced ingest failed (exit $rc)" >&2; exit "$rc" ;;
esac

rel=${root#"$src"/}
ev=$rel/evidence/$incident
nm=$rel/normalized/$incident
echo
echo "Raw evidence, decompressed, one folder per host and source (read-only, 0440):"
find "$ev" -mindepth 2 -maxdepth 2 -type d | sort | sed 's/^/    /'
echo
echo "Normalized records (JSON Lines, one segment per source):"
ls -1 "$nm" 2>/dev/null | sed "s|^|    $nm/|" || echo "    (none: parse=false?)"
echo
echo "Where to grep, for example the attacker's address 203.0.113.66:"
echo "    grep -rn 203.0.113.66 $ev"
grep -rl 203.0.113.66 "$ev" 2>/dev/null | sort | head -n 8 | sed 's/^/        /' || true
echo "    grep -h 203.0.113.66 $nm/*.jsonl | jq -c '{t: .\"@timestamp\", ds: .event.dataset, file: .evidence.file}'"
echo "    grep -rn kworkerd $ev        # the deleted miner binary"
echo "    grep -rh ConsoleLogin $nm   # CloudTrail console logins"
echo
echo "Custody: $rel/custody/ledger-*.jsonl (one hash-chained line per upload); check it with"
echo "    $bin verify --root $rel"
