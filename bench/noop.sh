#!/usr/bin/env bash
# Workload 2, no-op rebuild: N inputs, every output up to date; time imgmake, ninja and GNU make deciding that there
# is nothing to do, for N = 10,000 and 100,000 (see noop_tree.py for the three equivalent build descriptions).
#
# The trees live in $BENCH_CACHE/noop-N and are kept between runs: imgmake's state there was really built by imgmake
# once (at 100,000 inputs that takes minutes); each run first checks it with a dry run and brings it up to date with
# a plain imgmake build, or lays it anew when the dry run finds work (noop_ready in lib.sh).
#
# Usage: bench/noop.sh [N...]   (default: 10000 100000)   FRESH=1: lay the trees anew   RUNS=5 WARMUP=1
#   MAKE_RUNS_BIG=1: runs of plain GNU make from 50,000 inputs up (no warm-up; it takes over a minute a run)
source "$(dirname "$0")/lib.sh"
forget 'noop[0-9]'

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
summary() { grep -E '[0-9]+ built, [0-9]+ failed' | tail -1; }

for n in "${sizes[@]}"; do
    d=$BENCH_CACHE/noop-$n
    rm -f "$RESULTS_DIR"/noop"$n"-*
    noop_ready "$n" "noop$n" || continue
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
