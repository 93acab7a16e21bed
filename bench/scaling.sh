#!/usr/bin/env bash
# Workload 3, scaling and memory.
#  - imgmake -j1 against -j2 (thread pool), and the process pool at -j2, on the 42-image corpus: the throughput
#    recipe, -B and an empty output folder every run (hyperfine, 1 warm-up, RUNS timed runs, the three
#    interleaved round by round).
#  - Peak memory at 100 and at 1,000 images (the corpus made once at 1024 px, copied round-robin), both pools, at
#    -j = JOBS, one run each, through peakrss.py (the parent's max RSS, and the sampled sum over its process tree).
#
# Usage: bench/scaling.sh   RUNS=3   MEM_SIZES="100 1000"
source "$(dirname "$0")/lib.sh"
forget 'sc\.|mem[0-9]'

RUNS=${RUNS:-3}
MEM_SIZES=${MEM_SIZES:-100 1000}
d=$BENCH_WORK/scaling
rm -rf "$d"; mkdir -p "$d"
rm -f "$RESULTS_DIR"/sc-*

recipe() { thumb_imgmakefile "$1"; }

# The corpus (reuse the throughput workload's copy when it is there).
if [ -d "$BENCH_WORK/tp42/corpus" ]; then cp -r "$BENCH_WORK/tp42/corpus" "$d/corpus"; else make_corpus "$d/corpus"; fi
recipe "$d"
"$IMGMAKE" -C "$d" -q -n >/dev/null 2>&1 || true
n=$(ls "$d/corpus" | wc -l)
note sc.images "$n"
for spec in "j1-thread 1 thread" "j2-thread 2 thread" "j2-process 2 process"; do
    set -- $spec
    tool_add "sc-$1" "imgmake -j$2 --pool $3" "$RUNS" "rm -rf '$d/o-$1'" \
        "'$IMGMAKE' -C '$d' -q -B -j$2 --pool $3 OUT=o-$1"
done
tools_run 1
for id in j1-thread j2-thread j2-process; do
    got=$(count_files "$d/o-$id"); [ "$got" = "$n" ] || log "sc-$id: WARNING: $got outputs, expected $n"
done

# Memory: 1024-px versions of the corpus, made once.
small=$d/small
mkdir -p "$small"
for f in "$d"/corpus/*; do vips thumbnail "$f" "$small/$(basename "$f")" 1024; done
for size in $MEM_SIZES; do
    m=$d/mem$size
    mkdir -p "$m"
    repeat_corpus "$small" "$m/corpus" "$size"
    recipe "$m"
    "$IMGMAKE" -C "$m" -q -n >/dev/null 2>&1 || true
    for pool in thread process; do
        rm -rf "$m/out"
        log "memory: $size images, $pool pool"
        line=$($PY "$BENCH_DIR/peakrss.py" -- "$IMGMAKE" -C "$m" -q -B -j"$JOBS" --pool "$pool" | tail -1)
        log "    $line"
        for kv in $line; do note "mem$size.$pool.${kv%%=*}" "${kv#*=}"; done
        got=$(count_files "$m/out"); [ "$got" = "$size" ] || log "mem$size $pool: WARNING: $got outputs, expected $size"
    done
done
$PY "$BENCH_DIR/report.py" scaling "$RESULTS_DIR" > "$RESULTS_DIR/scaling.md"
log "scaling: done -> $RESULTS_DIR/scaling.md"
