#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (Swift's -sanitize=fuzzer,address) and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS]        default 60 s per target; SECONDS=600 for the 10-minute run of issue 7
# Environment: FUZZ_TARGETS="FuzzRecipe FuzzStateLog FuzzStateSnapshot" (which to run), FUZZ_PARALLEL=1 (run them at the same time),
#              IMGMAKE_BIN (an imgmake used to make the state-log and snapshot seeds; else one is built in .build-rel).
# Corpora: fuzz/corpus/{recipe,statelog,snapshot} are the committed seeds (read only); new inputs go to
# fuzz/.build/corpus/*; crashes to fuzz/.build/artifacts/ (each one must become a Fuzz*Regression* test).
# Prints per target: executions, seconds, corpus size, and CRASH with the artifact when one was found.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_PER_TARGET="${1:-60}"
TARGETS="${FUZZ_TARGETS:-FuzzRecipe FuzzStateLog FuzzStateSnapshot}"
SCRATCH=fuzz/.build
mkdir -p "$SCRATCH/corpus/recipe" "$SCRATCH/corpus/statelog" "$SCRATCH/corpus/snapshot" "$SCRATCH/artifacts" "$SCRATCH/logs" \
         fuzz/corpus/recipe fuzz/corpus/statelog fuzz/corpus/snapshot

for target in $TARGETS; do
    echo "==> building $target"
    swift build -c debug --package-path fuzz --scratch-path "$SCRATCH" --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 \
        | grep -e "error:" -e "Compiling.*error" -e "^Build of product" || true
    [ -x "$SCRATCH/debug/$target" ] || { echo "build of $target failed"; exit 2; }
done

# Seeds: the recipe corpus from recipes/ and the tests' recipe strings (regenerated when missing).
if [ -z "$(ls -A fuzz/corpus/recipe)" ]; then python3 scripts/fuzz-seeds.py fuzz/corpus/recipe 100; fi
imgmake_bin() {
    if [ -z "${IMGMAKE_BIN:-}" ]; then
        swift build -c release --scratch-path .build-rel --product imgmake >/dev/null 2>&1 || exit 2
        IMGMAKE_BIN=$PWD/.build-rel/release/imgmake
    fi
    echo "$IMGMAKE_BIN"
}
# The state-log seed: the .imgmake/log* files of a small recipe really built (normal and sharded, then cleaned).
if [ -z "$(ls -A fuzz/corpus/statelog)" ]; then
    bin=$(imgmake_bin) || exit 2
    tmp=$(mktemp -d)
    mkdir -p "$tmp/photos/sub dir"
    vips black "$tmp/photos/a.jpg" 16 16 && vips black "$tmp/photos/b.png" 8 8 && vips black "$tmp/photos/sub dir/c é.jpg" 4 4
    printf 'all: thumbs sheet\nthumbs: build/{path}.webp <- photos/**/*.jpg photos/**/*.png\n    thumbnail 8\nsheet: build/sheet.png <- build/**/*.webp\n    arrayjoin across=2\n' > "$tmp/Imgmakefile"
    seeds=$PWD/fuzz/corpus/statelog
    (cd "$tmp" && "$bin" -q --check hash && cp .imgmake/log "$seeds/log-built" \
        && "$bin" -q --shard 1/2 -B thumbs && { cat .imgmake/log; printf '\377'; cat .imgmake/log.shard-1-of-2; } > "$seeds/log-and-shard" \
        && "$bin" clean thumbs >/dev/null && cp .imgmake/log "$seeds/log-cleaned" \
        && head -c 300 "$seeds/log-built" > "$seeds/log-torn") || echo "warning: state-log seed incomplete"
    rm -rf "$tmp"
fi
# The snapshot seed: a small recipe built with --check hash, folded into a snapshot (a damaged journal line makes
# the next run compact), whole and cut short.
if [ -z "$(ls -A fuzz/corpus/snapshot)" ]; then
    bin=$(imgmake_bin) || exit 2
    tmp=$(mktemp -d)
    mkdir -p "$tmp/photos/sub dir"
    vips black "$tmp/photos/a.jpg" 16 16 && vips black "$tmp/photos/sub dir/c é.jpg" 4 4
    printf 'thumbs: build/{path}.webp <- photos/**/*.jpg\n    thumbnail 8\n' > "$tmp/Imgmakefile"
    seeds=$PWD/fuzz/corpus/snapshot
    (cd "$tmp" && "$bin" -q --check hash && printf 'damaged\n' >> .imgmake/log && "$bin" -q 2>/dev/null \
        && cp .imgmake/snapshot "$seeds/snapshot-hash" && head -c 200 .imgmake/snapshot > "$seeds/snapshot-torn") \
        || echo "warning: snapshot seed incomplete"
    rm -rf "$tmp"
fi

run_one() {
    local target=$1 corpus seeds options=()
    case $target in
        FuzzRecipe) corpus=$SCRATCH/corpus/recipe; seeds=fuzz/corpus/recipe; options=(-max_len=4096 -dict=fuzz/recipe.dict) ;;
        FuzzStateLog) corpus=$SCRATCH/corpus/statelog; seeds=fuzz/corpus/statelog; options=(-max_len=8192) ;;
        FuzzStateSnapshot) corpus=$SCRATCH/corpus/snapshot; seeds=fuzz/corpus/snapshot; options=(-max_len=8192) ;;
    esac
    local log=$SCRATCH/logs/$target.log
    # Leak checking is off: libvips/GLib keep global caches that LeakSanitizer would report on every input.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$SCRATCH/debug/$target" "${options[@]}" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$SCRATCH/artifacts/$target-" "$corpus" "$seeds" >"$log" 2>&1
    local status=$?
    local execs time
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    time=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*')
    if [ $status -eq 0 ]; then
        echo "$target: ${execs:-?} executions in ${time:-?} s, corpus $(ls "$corpus" | wc -l) inputs, no crash"
    else
        echo "$target: CRASH (status $status) after ${execs:-?} executions; see $log"
        grep -m1 -A3 -e '==ERROR' -e 'Fatal error' -e 'deadly signal' -e 'ERROR: libFuzzer' "$log" || true
        grep -o "Test unit written to .*" "$log" || true
    fi
    return $status
}

failed=0
if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
    pids=()
    for target in $TARGETS; do run_one "$target" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
else
    for target in $TARGETS; do run_one "$target" || failed=1; done
fi
exit $failed
