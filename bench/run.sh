#!/usr/bin/env bash
# evidenced's benchmark: in ONE run, on the same corpus (bench/make_corpus.py), the time to a
# greppable tree with `evidenced ingest --set parse=false` against what an analyst does today,
# `bsdtar -xf` then `gzip -d` on every inner .gz, two in parallel; then the parser rows
# (evidenced with parsing on against the usual one-liners).  Prints MB/s (uncompressed bytes
# of the tree / wall seconds), the time ratio and peak RSS (/usr/bin/time %M).
#
#   bench/run.sh [--scale S] [--bin BIN] [--work DIR] [--no-parsers] [--no-zip] [--parser-mib N]
#                [--big-mib N]
#     --scale 1 (default) is about 1 GiB uncompressed; --scale 0.1 is the quick mode.
#     --bin   the evidenced binary (default: build the release preset, use it)
#     --work  where the corpus and the output trees go (default <repo>/build/bench)
#     --parser-mib  uncompressed MiB per source fed to the parser rows (default 128: jq and
#             mlr run at a few MB/s, the whole corpus would not fit in 10 minutes)
#     --big-mib size of the single CloudTrail document of the bounded-memory row (1024)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=$(pwd)
scale=1
bin=""
work=$src/build/bench
parsers=1
parser_mib=128
big_mib=1024
zip=1
while (($#)); do
    case $1 in
        --scale) scale=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --no-parsers) parsers=0; shift ;;
        --no-zip) zip=0; shift ;;
        --parser-mib) parser_mib=$2; shift 2 ;;
        --big-mib) big_mib=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
for tool in bsdtar gzip jq mlr jc /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh" >&2; exit 1; }
done
if [[ -z $bin ]]; then
    cmake --preset release -B "$src/build/release" >/dev/null
    cmake --build "$src/build/release" --target evidenced >/dev/null
    bin=$src/build/release/evidenced
fi
bin=$(realpath "$bin")
mkdir -p "$work"
work=$(realpath "$work")
corpus=$work/corpus-$scale
python3 bench/make_corpus.py --scale "$scale" --out "$corpus" | tail -n 1
bytes=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['uncompressed_bytes'])" \
    "$corpus/manifest.json")
out=$work/out
results=$work/results-$scale.tsv
: >"$results"

# Both sides read a warm page cache: read the inputs once first.
cat "$corpus/bundle.tar.gz" "$corpus/bundle.zip" >/dev/null

# measure NAME BYTES CMD...: runs CMD under /usr/bin/time, appends "name seconds MB/s rss".
measure() {
    local name=$1 nbytes=$2
    shift 2
    sync
    local tf=$work/time.txt
    local rc=0
    /usr/bin/time -f "%e %M" -o "$tf" "$@" >"$work/last.out" 2>"$work/last.err" || rc=$?
    if ((rc != 0)); then
        # evidenced exits 3 when something needs a look: still a completed run
        if [[ $1 != "$bin" || $rc -ne 3 ]]; then
            echo "FAILED ($rc): $name: $*" >&2
            tail -n 5 "$work/last.err" >&2
            printf '%s\tFAILED\t-\t-\n' "$name" >>"$results"
            return 0
        fi
    fi
    local secs rss
    read -r secs rss < <(tail -n 1 "$tf")
    printf '%s\t%s\t%s\t%s\n' "$name" "$secs" \
        "$(python3 -c "import sys; s=float(sys.argv[2]); v=int(sys.argv[1])/1e6/max(s,0.01); print(f'{v:.0f}' if v >= 10 else f'{v:.1f}')" "$nbytes" "$secs")" \
        "$((rss / 1024))" >>"$results"
    printf '  %-58s %7ss  %5s MiB RSS\n' "$name" "$secs" "$((rss / 1024))"
}

fresh() { rm -rf "$out"; mkdir -p "$out"; }

echo "corpus: $corpus ($((bytes / 1048576)) MiB uncompressed), evidenced: $bin"
echo "== store-only: a greppable tree from the bundle"
fresh
measure "evidenced ingest --set parse=false (tar.gz)" "$bytes" \
    "$bin" ingest --root "$out/ev" --incident BENCH --host bench --set parse=false \
    "$corpus/bundle.tar.gz"
fresh
measure "bsdtar -xf + gzip -d (xargs -P2) (tar.gz)" "$bytes" \
    bash -c 'cd "$1" && bsdtar -xf "$2" && find . -name "*.gz" -print0 | xargs -0 -P2 -n8 gzip -d' \
    _ "$out" "$corpus/bundle.tar.gz"
if ((zip)); then
    fresh
    measure "evidenced ingest --set parse=false (zip)" "$bytes" \
        "$bin" ingest --root "$out/ev" --incident BENCH --host bench --set parse=false \
        "$corpus/bundle.zip"
    fresh
    measure "bsdtar -xf + gzip -d (xargs -P2) (zip)" "$bytes" \
        bash -c 'cd "$1" && bsdtar -xf "$2" && find . -name "*.gz" -print0 | xargs -0 -P2 -n8 gzip -d' \
        _ "$out" "$corpus/bundle.zip"
fi

if ((parsers)); then
    # ---- parser rows: evidenced with parsing on vs the analyst's one-liners --------------
    # Each evidenced row ingests that source's files alone (parse on) into a fresh root; the
    # peers write their JSON Lines to a file, as a SIEM pipeline would.
    tree=$corpus/tree
    # pick FIND-PATTERN: the first files (sorted) up to --parser-mib MiB uncompressed;
    # prints their uncompressed byte total, then the files.
    pick() {
        find "$tree/AWSLogs" -path "$1" -name "$2" | sort | python3 -c '
import gzip, struct, sys
limit, total, out = int(sys.argv[1]) << 20, 0, []
for line in sys.stdin:
    path = line.rstrip("\n")
    with open(path, "rb") as f:
        f.seek(-4, 2)
        total += struct.unpack("<I", f.read(4))[0]  # our own files: ISIZE is exact (< 4 GiB)
    out.append(path)
    if total >= limit:
        break
print(total)
print("\n".join(out))' "$parser_mib"
    }
    mapfile -t ct < <(pick '*CloudTrail*' '*.json.gz')
    ct_bytes=${ct[0]}
    ct=("${ct[@]:1}")
    mapfile -t vpc < <(pick '*vpcflowlogs*' '*.log.gz')
    vpc_bytes=${vpc[0]}
    vpc=("${vpc[@]:1}")
    ecs_jq='.Records[] | {"@timestamp": .eventTime, "event": {"id": .eventID, "action": .eventName,
        "provider": .eventSource, "outcome": (if .errorCode then "failure" else "success" end)},
        "source": {"ip": .sourceIPAddress}, "user_agent": {"original": .userAgent},
        "cloud": {"region": .awsRegion, "account": {"id": .recipientAccountId}},
        "user": {"name": .userIdentity.userName, "id": .userIdentity.principalId},
        "aws": {"cloudtrail": {"request_id": .requestID, "event_type": .eventType,
        "user_identity": {"type": .userIdentity.type, "arn": .userIdentity.arn,
        "access_key_id": .userIdentity.accessKeyId}}}}'

    echo "== CloudTrail (${#ct[@]} files, $((ct_bytes / 1048576)) MiB)"
    # HOOK(cloudtrail): evidenced row; compares record counts with jq's below.
    fresh
    measure "evidenced ingest (cloudtrail, parse on)" "$ct_bytes" \
        "$bin" ingest --root "$out/ev" --incident BENCH --host "aws-123837392027" "${ct[@]}"
    ev_ct=$(cat "$out"/ev/normalized/BENCH/cloudtrail-*.jsonl 2>/dev/null | wc -l || true)
    fresh
    measure "zcat (floor)" "$ct_bytes" bash -c 'zcat "$@" >/dev/null' _ "${ct[@]}"
    measure "zcat | jq -c '.Records[]'" "$ct_bytes" \
        bash -c 'zcat "$@" | jq -c ".Records[]" >"$0"' "$out/jq.jsonl" "${ct[@]}"
    jq_ct=$(wc -l <"$out/jq.jsonl")
    measure "zcat | jq -c (12 ECS renames)" "$ct_bytes" \
        bash -c 'prog=$1; shift; zcat "$@" | jq -c "$prog" >"$0"' "$out/jq-ecs.jsonl" "$ecs_jq" "${ct[@]}"
    echo "  records: evidenced cloudtrail $ev_ct, jq $jq_ct"

    # Bounded memory on one big document: a single-line {"Records":[...]} of --big-mib MiB
    # (default 1024) must be framed element by element.  No jq row: jq loads it whole.
    big=$work/big-ct-$big_mib.json.gz
    [[ -f $big ]] || python3 bench/make_big_cloudtrail.py --tree "$tree" --out "$big" --mib "$big_mib" >/dev/null
    big_bytes=$((big_mib << 20))
    echo "== one CloudTrail document of $big_mib MiB"
    fresh
    measure "evidenced ingest (one $big_mib MiB Records document)" "$big_bytes" \
        "$bin" ingest --root "$out/ev" --incident BENCH --host "aws-123837392027" "$big"
    big_rss=$(tail -n 1 "$results" | cut -f4)
    measure "zcat (floor, one document)" "$big_bytes" bash -c 'zcat "$1" >/dev/null' _ "$big"
    echo "  records: evidenced $(cat "$out"/ev/normalized/BENCH/cloudtrail-*.jsonl | wc -l)"
    if [[ $big_rss != - ]] && ((big_rss <= 128)); then
        echo "  bounded memory: PASS (peak RSS $big_rss MiB <= 128 MiB)"
    else
        echo "  bounded memory: FAIL (peak RSS $big_rss MiB > 128 MiB)"
    fi

    echo "== VPC flow logs (${#vpc[@]} files, $((vpc_bytes / 1048576)) MiB)"
    # HOOK(vpcflow): evidenced row.
    fresh
    measure "evidenced ingest (vpcflow, parse on)" "$vpc_bytes" \
        "$bin" ingest --root "$out/ev" --incident BENCH --host "aws-123837392027" "${vpc[@]}"
    ev_vpc=$(cat "$out"/ev/normalized/BENCH/vpcflow-*.jsonl 2>/dev/null | wc -l || true)
    measure "mlr --icsv --ifs ' ' --ojsonl --gzin cat" "$vpc_bytes" \
        bash -c 'mlr --icsv --ifs " " --ojsonl --gzin cat "$@" >"$0"' "$out/mlr.jsonl" "${vpc[@]}"
    echo "  records: evidenced vpcflow $ev_vpc, mlr $(wc -l <"$out/mlr.jsonl")"

    echo "== Linux command outputs"
    # HOOK(linux): evidenced on the UAC outputs vs jc on the two biggest tables.
    host_dir=$(find "$tree/hosts" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)
    ps_file=$host_dir/live_response/process/ps_auxwww.txt
    ns_file=$host_dir/live_response/network/netstat_-anp.txt
    lx_bytes=$(du -cb "$host_dir/live_response" | tail -n 1 | cut -f1)
    # the command outputs only (the logs are other parsers' rows), under the UAC name
    (cd "$host_dir/.." && tar -cf "$work/uac-host.tar" "$(basename "$host_dir")/live_response")
    fresh
    measure "evidenced ingest (UAC live_response tar, parse on)" "$lx_bytes" \
        "$bin" ingest --root "$out/ev" --incident BENCH "$work/uac-host.tar"
    # Same files, same run: the big ps and netstat tables (bench/make_linux_tables.py), each
    # ingested alone (stored, custody, records written) against jc on the same bytes.
    tables=$work/linux-tables
    python3 bench/make_linux_tables.py --out "$tables" >/dev/null
    for spec in "ps:ps_auxwwwf.txt:ps" "netstat:netstat_-anp.txt:netstat"; do
        IFS=: read -r cmd file jcarg <<<"$spec"
        f=$tables/$file
        fresh
        measure "evidenced ingest ($file, parse on)" "$(stat -c %s "$f")" \
            "$bin" ingest --root "$out/ev" --incident BENCH --host web01 "$f"
        ev_n=$(cat "$out"/ev/normalized/BENCH/linux-commands-*.jsonl | grep -c "\"linux.$cmd\"" || true)
        measure "jc --$jcarg ($file)" "$(stat -c %s "$f")" \
            bash -c 'jc --"$1" <"$2" >"$0"' "$out/jc-$cmd.json" "$jcarg" "$f"
        jc_n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$out/jc-$cmd.json" 2>/dev/null || echo "none (jc failed)")
        echo "  records: evidenced linux.$cmd $ev_n, jc $jc_n"
    done
fi
rm -rf "$out"

echo
python3 - "$results" "$bytes" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"{'run':<58} {'seconds':>8} {'MB/s':>7} {'peak RSS MiB':>13}")
for name, secs, mbs, rss in rows:
    print(f"{name:<58} {secs:>8} {mbs:>7} {rss:>13}")
t = {name: float(secs) for name, secs, _, _ in rows if secs != "FAILED"}
def ratio(label, ours, peer):
    a, b = t.get(ours), t.get(peer)
    if a and b:
        print(f"ratio ({label}): {peer} / evidenced time = {b / a:.1f}x")
ratio("cloudtrail vs jq", "evidenced ingest (cloudtrail, parse on)", "zcat | jq -c '.Records[]'")
ratio("cloudtrail vs jq ECS", "evidenced ingest (cloudtrail, parse on)", "zcat | jq -c (12 ECS renames)")
ratio("cloudtrail vs zcat floor", "evidenced ingest (cloudtrail, parse on)", "zcat (floor)")
ratio("vpcflow vs mlr", "evidenced ingest (vpcflow, parse on)", "mlr --icsv --ifs ' ' --ojsonl --gzin cat")
ratio("ps vs jc", "evidenced ingest (ps_auxwwwf.txt, parse on)", "jc --ps (ps_auxwwwf.txt)")
ratio("netstat vs jc", "evidenced ingest (netstat_-anp.txt, parse on)", "jc --netstat (netstat_-anp.txt)")
for kind in ("tar.gz", "zip"):
    e = t.get(f"evidenced ingest --set parse=false ({kind})")
    b = t.get(f"bsdtar -xf + gzip -d (xargs -P2) ({kind})")
    if e and b:
        print(f"ratio ({kind}): evidenced / baseline time = {e / b:.2f} "
              f"({'faster' if e <= b else 'SLOWER'} than bsdtar + gzip -d)")
EOF
