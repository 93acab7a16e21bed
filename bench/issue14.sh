#!/usr/bin/env bash
# Issue 14's "done when", speed and quality side by side in one run, on three image sets:
#   42     the corpus (make_corpus in lib.sh)
#   500    the corpus repeated to 500 images (repeat_corpus)
#   small  the small-image set: every corpus image fitted into 1200 x 900 by an exact Lanczos-3 (quality.py small:
#          full decode, autorotate, alpha premultiplied in float; JPEG stays JPEG at Q 92, PNG stays PNG with its
#          bands and alpha, metadata kept), cached in $BENCH_CACHE/small-1200x900-v1, repeated to SMALL images
# Speed: on each set, interleaved rounds (tools_run in lib.sh), medians, each run from an empty output folder:
#   imgmake --pool thread and --pool process (-B -j$JOBS; `thumbnail width=320 height=320` + `save Q=80 strip=true`
#   to WebP, the recipe of throughput.sh), the Python process pool + Pillow (pypool.py pil process), make +
#   vipsthumbnail; on the sets in EXTRA_SETS (default: 42) also the Python thread pool + Pillow and the process
#   pool + pyvips, for context.
# Quality (quality.py measure): each tool's last outputs of the 42 and small sets (the first copy of each source in
#   the small set) against an exact Lanczos-3 of the full decode at the output's size and its linear-light variant;
#   PSNR and SSIM per image class. Metadata: every imgmake output of every set, both pools (WebP chunks, VP8X flags,
#   markers); Pillow's and vipsthumbnail's are reported for comparison.
# Writes $RESULTS_DIR/issue14.md (report.py issue14: speed per set with ratios, quality per class, the targets
# pass/miss) and the raw data (i14-*.json, i14-quality.json, facts i14.*).
#
# Usage: bench/issue14.sh   (IMGMAKE=path to measure a given binary; bench/run-all.sh issue14 builds it first)
#   ROUNDS=5          timed rounds on the 42 and small sets (the 42 set after WARMUP untimed rounds: the first
#   WARMUP=1          reads of the corpus; the other sets are copied just before, and in the page cache)
#   ROUNDS_500=3      timed rounds on the 500 set                  SKIP_500=1: no 500 set
#   SMALL=210         images in the small set                      BIG=500: images in the repeated set
#   EXTRA_SETS=42     the sets that also time the context tools (Python thread pool + Pillow, process pool +
#                     pyvips): e.g. "42 small", or "" for none
#   SKIP_QUALITY=1    speed only
# Takes about 15 minutes on 2 quiet cores (estimated from the throughput workload's times: 16-17 with the current
# main's binary; the first run 2-4 minutes more: the small set and the references are made and cached in
# $BENCH_CACHE). On a busy machine much longer: each run waits up to QUIET_WAIT (10) s for quiet (lib.sh).
# QUICK-like: ROUNDS=2 WARMUP=0 ROUNDS_500=1 EXTRA_SETS= QUIET_WAIT=2.
source "$(dirname "$0")/lib.sh"
forget 'i14\.'
rm -f "$RESULTS_DIR"/i14-*

ROUNDS=${ROUNDS:-5}
ROUNDS_500=${ROUNDS_500:-3}
WARMUP=${WARMUP:-1}
SMALL=${SMALL:-210}
BIG=${BIG:-500}
EXTRA_SETS=${EXTRA_SETS-42}
J=$JOBS
SMALL_BOX="1200 900"
SMALL_CACHE=$BENCH_CACHE/small-1200x900-v1

note i14.binary "$IMGMAKE ($("$IMGMAKE" --version 2>/dev/null | head -1))"
note i14.build "${BENCH_BUILD_NOTE:-the binary given by IMGMAKE}"
note i14.jobs "$J"
note i14.rounds "$ROUNDS timed round(s) on the 42 set after $WARMUP warm-up round(s) and on the small set$( [ -n "${SKIP_500:-}" ] || echo ", $ROUNDS_500 on the $BIG set")"

# --- the sets ------------------------------------------------------------------------------------------------------
# setup NAME: $BENCH_WORK/i14-NAME/{corpus/, files.txt, Imgmakefile, peers.mk} (thumb_recipes in lib.sh)
setup() {
    local set=$1 d=$BENCH_WORK/i14-$1
    rm -rf "$d"; mkdir -p "$d"
    case $set in
        42) make_corpus "$d/corpus" ;;
        small) repeat_corpus "$SMALL_CACHE" "$d/corpus" "$SMALL" ;;
        *) repeat_corpus "$BENCH_WORK/i14-42/corpus" "$d/corpus" "$set" ;;
    esac
    ls "$d"/corpus/* > "$d/files.txt"
    thumb_recipes "$d"
    note "i14.$set.images" "$(wc -l < "$d/files.txt")"
    note "i14.$set.bytes" "$(du -sb "$d/corpus" | cut -f1)"
}

small_ready() {
    local corpus=$BENCH_WORK/i14-42/corpus n
    n=$(ls "$corpus" | wc -l)
    if [ -z "${FRESH:-}" ] && [ -f "$SMALL_CACHE/.complete" ] && [ "$(ls "$SMALL_CACHE" | wc -l)" = "$n" ]; then
        note i14.small.made "reused from $SMALL_CACHE"
        return 0
    fi
    log "issue14: making the small set (every corpus image fitted into ${SMALL_BOX/ / x }) in $SMALL_CACHE"
    rm -rf "$SMALL_CACHE"
    local s; s=$(date +%s)
    "$PY" "$BENCH_DIR/quality.py" small "$corpus" "$SMALL_CACHE" $SMALL_BOX 2> "$RESULTS_DIR/i14-small-made.txt"
    touch "$SMALL_CACHE/.complete"
    note i14.small.made "made in this run in $(( $(date +%s) - s )) s into $SMALL_CACHE"
}

# add SET ID NAME RUNS COMMAND: @O@ in COMMAND is the tool's output folder, emptied before every run.
add() {
    local set=$1 id=$2 name=$3 runs=$4 cmd=$5
    local o=$BENCH_WORK/i14-$set/o-$id
    tool_add "i14-$set-$id" "$name" "$runs" "rm -rf '$o' && mkdir -p '$o'" "${cmd//@O@/$o}"
}

run_set() {
    local set=$1 d=$BENCH_WORK/i14-$1 runs=$ROUNDS warm=$WARMUP files
    [ "$set" = 42 ] || warm=0
    [ "$set" = "$BIG" ] && runs=$ROUNDS_500
    files="\$(cat '$d/files.txt')"
    add "$set" imgmake-thread "imgmake --pool thread" "$runs" \
        "'$IMGMAKE' -C '$d' -q -B -j$J --pool thread OUT=o-imgmake-thread"
    add "$set" imgmake-process "imgmake --pool process" "$runs" \
        "'$IMGMAKE' -C '$d' -q -B -j$J --pool process OUT=o-imgmake-process"
    add "$set" py-process-pil "Python process pool + Pillow" "$runs" "$PY '$BENCH_DIR/pypool.py' pil process $J '@O@' $files"
    add "$set" make-vipsthumbnail "make + vipsthumbnail" "$runs" "make -s -j$J -f '$d/peers.mk' OUT=@O@"
    if [[ " $EXTRA_SETS " == *" $set "* ]]; then
        add "$set" py-thread-pil "Python thread pool + Pillow" "$runs" "$PY '$BENCH_DIR/pypool.py' pil thread $J '@O@' $files"
        add "$set" py-process-pyvips "Python process pool + pyvips" "$runs" \
            "$PY '$BENCH_DIR/pypool.py' pyvips process $J '@O@' $files"
    fi
    tools_run "$warm"
    local n id o got
    n=$(wc -l < "$d/files.txt")
    for o in "$d"/o-*; do
        id=${o##*/o-}; got=$(count_files "$o")
        note "i14-$set-$id.outputs" "$got/$n"
        [ "$got" = "$n" ] || log "i14-$set-$id: WARNING: $got outputs, expected $n"
    done
    # imgmake's two pools must write the same bytes (the quality table measures one of them).
    local same=0 differ=0 f
    for f in "$d"/o-imgmake-thread/*; do
        if cmp -s "$f" "$d/o-imgmake-process/${f##*/}"; then same=$((same + 1)); else differ=$((differ + 1)); fi
    done
    note "i14.$set.pools-identical" "$same identical, $differ different"
}

setup 42
small_ready
setup small
[ -n "${SKIP_500:-}" ] || setup "$BIG"
note i14.sets "42 $( [ -n "${SKIP_500:-}" ] || echo "$BIG") small"

run_set 42
run_set small
[ -n "${SKIP_500:-}" ] || run_set "$BIG"

# --- quality and metadata -------------------------------------------------------------------------------------------
if [ -z "${SKIP_QUALITY:-}" ]; then
    args=(--set 42 "$BENCH_WORK/i14-42/corpus" --set small "$SMALL_CACHE")
    for set in 42 small; do
        for t in imgmake-thread:imgmake py-process-pil:pillow make-vipsthumbnail:vipsthumbnail; do
            args+=(--tool "$set" "${t#*:}" "$BENCH_WORK/i14-$set/o-${t%%:*}")
        done
    done
    for set in 42 small $( [ -n "${SKIP_500:-}" ] || echo "$BIG"); do
        for t in imgmake-thread imgmake-process py-process-pil make-vipsthumbnail; do
            args+=(--meta "$set/$t" "$BENCH_WORK/i14-$set/o-$t")
        done
    done
    log "issue14: quality (references cached in $BENCH_CACHE/quality-refs-*)"
    s=$(date +%s)
    if "$PY" "$BENCH_DIR/quality.py" measure "$RESULTS_DIR/i14-quality.json" "$BENCH_CACHE" "${args[@]}" \
            2> "$RESULTS_DIR/i14-quality.log"; then
        note i14.quality.seconds "$(( $(date +%s) - s ))"
    else
        tail -5 "$RESULTS_DIR/i14-quality.log" >&2
        log "issue14: quality FAILED (see $RESULTS_DIR/i14-quality.log)"
    fi
fi

"$PY" "$BENCH_DIR/report.py" issue14 "$RESULTS_DIR" > "$RESULTS_DIR/issue14.md"
cat "$RESULTS_DIR/issue14.md" >&2
log "issue14: done -> $RESULTS_DIR/issue14.md"
