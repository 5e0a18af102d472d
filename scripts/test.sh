#!/usr/bin/env bash
# The one test command (CI runs exactly this through .ci/run):
#   1. install missing Debian packages (scripts/deps.sh)
#   2. configure + build the `asan` preset (g++ 12, ASan+UBSan, Debug) and run every ctest
#      (labels unit, golden, e2e)
#   3. configure + build the `fuzz` preset (clang, libFuzzer) and run each fuzz target briefly
#   4. clang-format --dry-run --Werror over daemon/ parsers/ tests/
# Every step runs even when an earlier one failed; the exit status is non-zero when any did.
#
# Environment: EVIDENCED_BUILD_BASE (default <repo>/build) holds build/<preset>;
# EVIDENCED_JOBS (default nproc) for the build and ctest; EVIDENCED_FUZZ_SECONDS (default 5).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=$(pwd)
base=${EVIDENCED_BUILD_BASE:-$src/build}
jobs=${EVIDENCED_JOBS:-$(nproc)}
fuzz_seconds=${EVIDENCED_FUZZ_SECONDS:-5}
start=$(date +%s)
failed=()

step() { printf '\n==== %s (%ss)\n' "$*" $(($(date +%s) - start)); }

step "deps"
bash scripts/deps.sh || failed+=("deps")

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export TZ=UTC LC_ALL=C

step "asan: configure + build"
if cmake --preset asan -B "$base/asan" >/dev/null &&
    cmake --build "$base/asan" -j "$jobs"; then
    step "asan: ctest (all labels)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$base/asan" -j "$jobs" --output-on-failure --timeout 900 ||
        failed+=("asan ctest")
else
    failed+=("asan build")
fi

step "fuzz: configure + build (clang)"
if cmake --preset fuzz -B "$base/fuzz" -DEVIDENCED_FUZZ_SECONDS="$fuzz_seconds" >/dev/null &&
    cmake --build "$base/fuzz" -j "$jobs"; then
    step "fuzz: run each target ${fuzz_seconds}s"
    ctest --test-dir "$base/fuzz" -L fuzz -j "$jobs" --output-on-failure ||
        failed+=("fuzz")
else
    failed+=("fuzz build")
fi

step "clang-format --dry-run --Werror"
mapfile -d '' sources < <(find daemon parsers tests -type f \( -name '*.cpp' -o -name '*.hpp' \) \
    -not -path 'tests/fuzz/corpus/*' -print0 | sort -z)
if ((${#sources[@]})) && ! clang-format --dry-run --Werror "${sources[@]}"; then
    echo "misformatted files: run clang-format -i on the files named above"
    failed+=("clang-format")
fi

step "done"
if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]} (wall $(($(date +%s) - start))s)"
    exit 1
fi
echo "ALL PASSED (wall $(($(date +%s) - start))s)"
