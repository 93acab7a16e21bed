#!/usr/bin/env bash
# Workload 1, throughput: every image of the corpus -> a thumbnail in a 320x320 box, WebP Q80, metadata stripped,
# at -j = JOBS (default: the number of cores), by imgmake (thread and process pools) and by each peer, plus the
# decode-only floor. Every timed run starts with an empty output folder (hyperfine --prepare); imgmake also gets -B.
# The tools run interleaved (round 1 of every tool, then round 2, ...: see tools_run in lib.sh), each into its own
# output folder, which is counted after the last round.
#
# Sizes: the 42-image corpus (every tool), and the corpus repeated to 500 images (imgmake, make + vipsthumbnail,
# the best Python pool of the 42-image run, and the in-process shrink-on-load floor).
#
# Usage: bench/throughput.sh        (see bench/lib.sh for the environment; run-all.sh installs the tools)
#   RUNS_IMGMAKE=5 RUNS_PEER=3      timed runs per tool on 42 images (plus one warm-up run each)
#   RUNS_500=2 RUNS_500_IMGMAKE=3   timed runs per tool on 500 images (no warm-up)
#   SKIP_500=1                      only the 42-image corpus     BIG=500: the size of the repeated corpus
source "$(dirname "$0")/lib.sh"
forget 'tp[0-9]|throughput\.'

RUNS_IMGMAKE=${RUNS_IMGMAKE:-5}
RUNS_PEER=${RUNS_PEER:-3}
RUNS_500=${RUNS_500:-2}
RUNS_500_IMGMAKE=${RUNS_500_IMGMAKE:-3}
BIG=${BIG:-500}
J=$JOBS
VC=$(( $(nproc) / J )); [ "$VC" -ge 1 ] || VC=1   # libvips threads per pipeline in the in-process floors

# setup SIZE: $BENCH_WORK/tpSIZE/{corpus/, files.txt, Imgmakefile, peers.mk} (thumb_recipes in lib.sh)
setup() {
    local size=$1 d=$BENCH_WORK/tp$1
    rm -rf "$d"; mkdir -p "$d"
    if [ "$size" = 42 ]; then
        make_corpus "$d/corpus"
    else
        repeat_corpus "$BENCH_WORK/tp42/corpus" "$d/corpus" "$size"
    fi
    ls "$d"/corpus/* > "$d/files.txt"
    thumb_recipes "$d"
    note "tp$size.images" "$(wc -l < "$d/files.txt")"
    note "tp$size.bytes" "$(du -sb "$d/corpus" | cut -f1)"
}

# add SIZE ID NAME RUNS COMMAND: the command writes into $o (its own folder, emptied before every run).
EXPECT=()
add() {
    local size=$1 id=$2 name=$3 runs=$4 cmd=$5 counted=${6:-yes}
    local o=$BENCH_WORK/tp$size/o-$id
    tool_add "tp$size-$id" "$name" "$runs" "rm -rf '$o' && mkdir -p '$o'" "${cmd//@O@/$o}"
    [ "$counted" = yes ] && EXPECT+=("tp$size-$id $o")
    return 0
}

check_outputs() {
    local size=$1 n e id o got
    n=$(wc -l < "$BENCH_WORK/tp$size/files.txt")
    for e in "${EXPECT[@]}"; do
        id=${e%% *} o=${e#* }
        got=$(count_files "$o")
        note "$id.outputs" "$got/$n"
        [ "$got" = "$n" ] || log "$id: WARNING: $got outputs, expected $n"
    done
    EXPECT=()
}

run_size() {
    local size=$1 d=$BENCH_WORK/tp$1 runs_i runs_p warm files
    files="\$(cat '$d/files.txt')"
    local par="parallel -j$J --will-cite"
    if [ "$size" = 42 ]; then runs_i=$RUNS_IMGMAKE runs_p=$RUNS_PEER warm=1; else runs_i=$RUNS_500_IMGMAKE runs_p=$RUNS_500 warm=0; fi

    add "$size" imgmake-thread "imgmake --pool thread" "$runs_i" \
        "'$IMGMAKE' -C '$d' -q -B -j$J --pool thread OUT=o-imgmake-thread"
    add "$size" imgmake-process "imgmake --pool process" "$( [ "$size" = 42 ] && echo "$runs_i" || echo "$runs_p" )" \
        "'$IMGMAKE' -C '$d' -q -B -j$J --pool process OUT=o-imgmake-process"
    add "$size" make-vipsthumbnail "make + vipsthumbnail" "$runs_p" "make -s -j$J -f '$d/peers.mk' OUT=@O@"
    if [ "$size" = 42 ]; then
        add 42 parallel-vipsthumbnail "GNU parallel + vipsthumbnail" "$runs_p" \
            "$par \"vipsthumbnail {} --size 320x320 -o '@O@/%s.webp[Q=80,strip]'\" :::: '$d/files.txt'"
        add 42 parallel-imagemagick "GNU parallel + ImageMagick convert" "$runs_p" \
            "$par \"$MAGICK {} -thumbnail 320x320 -quality 80 -strip '@O@/{/.}.webp'\" :::: '$d/files.txt'"
        local lib pool
        for lib in pil pyvips; do
            for pool in process thread; do
                add 42 "py-$pool-$lib" "Python $pool pool + $( [ $lib = pil ] && echo Pillow || echo pyvips )" \
                    "$runs_p" "$PY '$BENCH_DIR/pypool.py' $lib $pool $J '@O@' $files"
            done
        done
        # The decode-only floor, at the same parallelism. Full decode: every pixel of every input. Shrink-on-load:
        # what libvips' thumbnail must decode at least (JPEG decoded at 1/2..1/8 scale by libjpeg; PNG in full).
        # The CLI floors pay a process start per image, as vipsthumbnail does; the in-process ones (pyvips, one
        # Python process, JOBS threads, each libvips pipeline on cores/JOBS threads as imgmake does) do not.
        add 42 floor-avg-cli "floor: full decode (parallel + vips avg)" "$runs_p" \
            "$par vips avg {} :::: '$d/files.txt' >/dev/null" no
        add 42 floor-thumb-cli "floor: shrink-on-load + resize (parallel + vips thumbnail to .v)" "$runs_p" \
            "$par vips thumbnail {} '@O@/{#}.v' 320 --height 320 :::: '$d/files.txt'"
        add 42 floor-avg-py "floor: full decode, in-process (pyvips, avg)" "$runs_p" \
            "VIPS_CONCURRENCY=$VC $PY '$BENCH_DIR/pypool.py' avg thread $J '@O@' $files" no
        add 42 floor-shrink-py "floor: shrink-on-load decode, in-process (pyvips, avg)" "$runs_p" \
            "VIPS_CONCURRENCY=$VC $PY '$BENCH_DIR/pypool.py' shrinkavg thread $J '@O@' $files" no
        add 42 floor-thumb-py "floor: decode + resize, in-process (pyvips thumbnail to memory)" "$runs_p" \
            "VIPS_CONCURRENCY=$VC $PY '$BENCH_DIR/pypool.py' thumbmem thread $J '@O@' $files" no
    else
        # The best Python pool of the 42-image run.
        local best lib pool
        best=$($PY "$BENCH_DIR/report.py" best-python "$RESULTS_DIR")
        note "tp$size.best-python" "$best"
        lib=${best##*-} pool=${best#py-}; pool=${pool%-*}
        add "$size" "$best" "Python $pool pool + $( [ "$lib" = pil ] && echo Pillow || echo pyvips )" "$runs_p" \
            "$PY '$BENCH_DIR/pypool.py' $lib $pool $J '@O@' $files"
        add "$size" floor-shrink-py "floor: shrink-on-load decode, in-process (pyvips, avg)" "$runs_p" \
            "VIPS_CONCURRENCY=$VC $PY '$BENCH_DIR/pypool.py' shrinkavg thread $J '@O@' $files" no
    fi
    tools_run "$warm"
    check_outputs "$size"
}

rm -f "$RESULTS_DIR"/tp[0-9]*
note throughput.jobs "$J"
setup 42
run_size 42
if [ -z "${SKIP_500:-}" ]; then
    setup "$BIG"
    run_size "$BIG"
fi
$PY "$BENCH_DIR/report.py" throughput "$RESULTS_DIR" > "$RESULTS_DIR/throughput.md"
$PY "$BENCH_DIR/chart.py" "$RESULTS_DIR" "$RESULTS_DIR/throughput.png" || log "chart: failed (is matplotlib installed?)"
log "throughput: done -> $RESULTS_DIR/throughput.md, $RESULTS_DIR/throughput.png"
