#!/usr/bin/env bash
# Workload 2, no-op rebuild: N inputs, every output up to date; time imgmake, ninja and GNU make deciding that there
# is nothing to do, for N = 10,000 and 100,000 (see noop_tree.py for the three equivalent build descriptions).
#
# The trees live in $BENCH_CACHE/noop-N and are kept between runs: imgmake's state there was really built by imgmake
# once (at 100,000 inputs that takes minutes); each run first brings it up to date with a plain imgmake build (a
# no-op when the cached state is valid; when imgmake's version changed it rebuilds, and then the tree is laid anew).
#
# Usage: bench/noop.sh [N...]   (default: 10000 100000)   FRESH=1: lay the trees anew   RUNS=5 WARMUP=1
#   MAKE_RUNS_BIG=1: runs of plain GNU make from 50,000 inputs up (no warm-up; it takes over a minute a run)
source "$(dirname "$0")/lib.sh"
forget 'noop[0-9]'

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
mkdir -p "$BENCH_CACHE"
seed=$BENCH_CACHE/seed-8x8.png
[ -f "$seed" ] || vips black "$seed" 8 8 --bands 3

summary() { grep -E '[0-9]+ built, [0-9]+ failed' | tail -1; }

lay() {
    local n=$1 d=$BENCH_CACHE/noop-$1
    log "noop $n: laying out $d"
    rm -rf "$d"
    $PY "$BENCH_DIR/noop_tree.py" "$d" "$n" "$seed"
    local s e
    s=$(date +%s.%N)
    "$IMGMAKE" -C "$d" -q -j"$JOBS" || { log "noop $n: imgmake's first build failed"; return 1; }
    e=$(date +%s.%N)
    note "noop$n.prebuild" "built by imgmake -j$JOBS in $(printf '%.0f' "$(echo "$e - $s" | bc)") s in this run"
    "$IMGMAKE" --version > "$d/.imgmake-version"
}

for n in "${sizes[@]}"; do
    d=$BENCH_CACHE/noop-$n
    rm -f "$RESULTS_DIR"/noop"$n"-*
    if [ -n "${FRESH:-}" ] || [ ! -f "$d/.ninja_log" ] || [ ! -d "$d/.imgmake" ] \
            || [ "$(cat "$d/.imgmake-version" 2>/dev/null)" != "$("$IMGMAKE" --version)" ]; then
        lay "$n" || continue
    else
        # Reused: ask imgmake (dry run) whether everything is up to date; if not (its version or state format
        # changed), lay the tree anew, so the state log holds exactly one build's records.
        line=$("$IMGMAKE" -C "$d" -n 2>&1 | grep -E '[0-9]+ to build' | tail -1 || true)
        if [[ ! "$line" =~ ^0\ to\ build ]]; then
            log "noop $n: cached state was stale ($line): laying anew"
            lay "$n" || continue
        else
            note "noop$n.prebuild" "reused from $d (built by imgmake $(cat "$d/.imgmake-version") in an earlier run; checked up to date)"
        fi
    fi
    (cd "$d" && ninja -n 2>&1 | tail -1) | { read -r l; note "noop$n.ninja-check" "$l"; }
    hf "noop$n-imgmake" -N --warmup "$WARMUP" --runs "$RUNS" -- "imgmake" "$IMGMAKE -C $d -q"
    hf "noop$n-ninja" -N --warmup "$WARMUP" --runs "$RUNS" -- "ninja" "ninja -C $d"
    # GNU make with its built-in rules takes minutes per run at 100,000 inputs: fewer runs there.
    if [ "$n" -ge 50000 ]; then mr=${MAKE_RUNS_BIG:-1} mw=0; else mr=$RUNS mw=$WARMUP; fi
    hf "noop$n-make" -N --warmup "$mw" --runs "$mr" -- "make" "make -s -C $d"
    # The same Makefile with make's built-in implicit rules off (-r): what a careful Makefile does (.SUFFIXES:),
    # and by far the faster make on a no-op.
    hf "noop$n-make-r" -N --warmup "$WARMUP" --runs "$RUNS" -- "make -r" "make -s -r -C $d"
    note "noop$n.check" "$("$IMGMAKE" -C "$d" 2>&1 | summary)"
done
$PY "$BENCH_DIR/report.py" noop "$RESULTS_DIR" > "$RESULTS_DIR/noop.md"
log "noop: done -> $RESULTS_DIR/noop.md"
