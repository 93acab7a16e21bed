#!/usr/bin/env bash
# Issue 15: the user's own Python function as a rule (`python FILE:FUNCTION`), against the script a user writes
# today, on the corpus repeated to 500 images (make_corpus + repeat_corpus in lib.sh), at -j$JOBS:
#   imgmake    `imgmake -B -j$JOBS -q` on a recipe whose one rule is
#                  crops: $(OUT)/{name}.webp <- corpus/*
#                      python /abs/bench/userfunc.py:thumbnail size=320
#              (PYTHON = the interpreter mpscript.py runs under, the executable itself, not a pyenv shim)
#   noop       the same without -B, right after it: the no-op (every output up to date)
#   mpscript   `mpscript.py $JOBS OUTDIR corpus/*`: multiprocessing.Pool.apply_async of the same function
#              (userfunc.py's thumbnail: Pillow Image.thumbnail((320, 320)), save WebP quality 80), each result
#              collected into a Manager().dict()
# Interleaved rounds (tools_run in lib.sh: imgmake, noop, mpscript, then again), medians; imgmake and mpscript each
# from an empty output folder. Target: imgmake's median <= 1.05 x mpscript's.
# Then, untimed: the processes each command starts (strace -f: every execve, and the clone/fork calls that are
# not threads), so that the no-op is seen to start no Python at all (the full build, which starts its workers, is
# the control that the trace would show them); imgmake's --report of one full build (every output's "result",
# the jobs' durations); whether the two tools' outputs are the same bytes (same function, same Pillow).
# Writes $RESULTS_DIR/issue15.md (report.py issue15) and the raw data (i15-*.json, i15-*.txt, facts i15.*).
#
# Usage: bench/issue15.sh   (IMGMAKE=path to measure a given binary, e.g. a copy of .build-release/release/imgmake)
#   ROUNDS=5      timed rounds (after WARMUP untimed rounds: the first reads of the 500 copies)
#   WARMUP=1
#   BIG=500       images in the set
#   NOOP_PER_ROUND=10   runs of the no-op in each round (a few milliseconds each; hyperfine -N)
#   QUIET_WAIT=60 seconds each run may wait for the other processes to quieten (lib.sh; its default is 10)
# Besides the medians of all rounds the report gives, per round, the two tools' times, CPU times and what others
# used of the CPU during the run (lib.sh), and the ratio over the rounds where others used under 5 % during both.
# Takes about 8 minutes on 2 quiet cores (two 28 s builds a round, the warm-up round, three untimed builds);
# longer on a busy machine (lib.sh's QUIET_WAIT).
source "$(dirname "$0")/lib.sh"
forget 'i15\.'
rm -f "$RESULTS_DIR"/i15-*

ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-1}
BIG=${BIG:-500}
NOOP_PER_ROUND=${NOOP_PER_ROUND:-10}
# Wait longer for quiet than lib.sh's default: a 25 s run on a machine another session builds on.
QUIET_WAIT=${QUIET_WAIT:-60}
J=$JOBS
d=$BENCH_WORK/i15

note i15.binary "$IMGMAKE ($("$IMGMAKE" --version 2>/dev/null | head -1))"
note i15.jobs "$J"
note i15.rounds "$ROUNDS timed round(s) after $WARMUP warm-up round(s); the no-op $NOOP_PER_ROUND runs a round"
note i15.python "$PY ($("$PY" -c 'import sys, PIL; print("Python", sys.version.split()[0] + ", Pillow", PIL.__version__)'))"

# --- the set and the recipe ---------------------------------------------------------------------------------------
rm -rf "$d"; mkdir -p "$d"
make_corpus "$d/c42"
repeat_corpus "$d/c42" "$d/corpus" "$BIG"
note i15.images "$(ls "$d/corpus" | wc -l)"
note i15.bytes "$(du -sb "$d/corpus" | cut -f1)"
cat > "$d/Imgmakefile" <<EOF
OUT = out
PYTHON = $PY
crops: \$(OUT)/{name}.webp <- corpus/*
    python $BENCH_DIR/userfunc.py:thumbnail size=320
EOF
cp "$d/Imgmakefile" "$RESULTS_DIR/i15-Imgmakefile"
# A recipe that has been used before: imgmake's state folder holds the libvips catalog's answers (untimed).
"$IMGMAKE" -C "$d" -q -n OUT=o-imgmake >/dev/null 2>&1 || true

# --- timed, interleaved ---------------------------------------------------------------------------------------------
tool_add i15-imgmake "imgmake -B -j$J, python rule" "$ROUNDS" "rm -rf '$d/o-imgmake'" \
    "'$IMGMAKE' -C '$d' -q -B -j$J OUT=o-imgmake"
# The no-op of the build just before it (same OUT, same state); -N: no shell to subtract from a few milliseconds.
tool_add i15-noop "imgmake -j$J no-op (the same, without -B)" "$ROUNDS" "" \
    "'$IMGMAKE' -C '$d' -q -j$J OUT=o-imgmake" "$NOOP_PER_ROUND" "-N"
tool_add i15-mpscript "mpscript.py $J (Pool.apply_async + Manager().dict())" "$ROUNDS" \
    "rm -rf '$d/o-mpscript' && mkdir -p '$d/o-mpscript'" \
    "cd '$d' && '$PY' '$BENCH_DIR/mpscript.py' $J o-mpscript corpus/*"
# Warm-up rounds by hand, so that every timed round is one hyperfine run with /proc/stat read around it (others'
# CPU use during the round, lib.sh): the first reads of the 500 copies, Python's and Pillow's files.
for w in $(seq 1 "$WARMUP"); do
    log "i15: warm-up round $w/$WARMUP"
    rm -rf "$d/o-imgmake"; "$IMGMAKE" -C "$d" -q -B -j"$J" OUT=o-imgmake
    "$IMGMAKE" -C "$d" -q -j"$J" OUT=o-imgmake
    rm -rf "$d/o-mpscript"; mkdir -p "$d/o-mpscript"
    ( cd "$d" && "$PY" "$BENCH_DIR/mpscript.py" "$J" o-mpscript corpus/* 2>/dev/null )
done
tools_run 0

n=$(ls "$d/corpus" | wc -l)
for t in imgmake mpscript; do
    got=$(count_files "$d/o-$t")
    note "i15-$t.outputs" "$got/$n"
    [ "$got" = "$n" ] || log "i15-$t: WARNING: $got outputs, expected $n"
done
same=0; differ=0
for f in "$d"/o-imgmake/*; do
    if cmp -s "$f" "$d/o-mpscript/${f##*/}"; then same=$((same + 1)); else differ=$((differ + 1)); fi
done
note i15.identical "$same identical, $differ different"
line=$("$IMGMAKE" -C "$d" -n OUT=o-imgmake 2>&1 | grep -E 'to build' | tail -1 || true)
note i15.noop.dry "${line:-no answer}"

# --- processes started (strace -f), untimed -----------------------------------------------------------------------
# trace_procs ID COMMAND...: the execve calls of the whole tree (-f), and the process creations (clone/clone3/fork/
# vfork without CLONE_THREAD) into $RESULTS_DIR/i15-procs-ID.txt; notes how many execve, how many of Python, how
# many processes.
trace_procs() {
    local id=$1; shift
    local t=$BENCH_WORK/strace-$id
    strace -f -qq -o "$t" -e trace=execve,clone,clone3,fork,vfork "$@" >/dev/null 2>&1 || log "i15: $id exited non-zero under strace"
    local execs pyexecs forks
    execs=$(grep -cE 'execve\(' "$t" || true)
    pyexecs=$(grep -E 'execve\(' "$t" | grep -ciE 'python' || true)
    forks=$(grep -E '(clone3?|fork|vfork)\(' "$t" | grep -vc 'CLONE_THREAD' || true)
    { echo "# $*"; echo "# execve: $execs, of them Python: $pyexecs; processes created (not threads): $forks"
      grep -E 'execve\(|(clone3?|fork|vfork)\(' "$t" | grep -v CLONE_THREAD | cut -c1-300; } > "$RESULTS_DIR/i15-procs-$id.txt"
    note "i15.procs.$id" "$execs execve ($pyexecs of Python), $forks processes created besides threads"
}
trace_procs noop "$IMGMAKE" -C "$d" -q -j"$J" OUT=o-imgmake
rm -rf "$d/o-imgmake"
trace_procs build "$IMGMAKE" -C "$d" -q -B -j"$J" OUT=o-imgmake
rm -rf "$d/o-mpscript"; mkdir -p "$d/o-mpscript"
( cd "$d" && trace_procs mpscript "$PY" "$BENCH_DIR/mpscript.py" "$J" o-mpscript corpus/* )

# --- one full build with --report (untimed): the results and the jobs' durations ---------------------------------
rm -rf "$d/o-imgmake"
s=$(date +%s.%N)
"$IMGMAKE" -C "$d" -q -B -j"$J" OUT=o-imgmake --report "$RESULTS_DIR/i15-report.json"
e=$(date +%s.%N)
"$PY" - "$RESULTS_DIR/i15-report.json" "$(echo "$e - $s" | bc)" "$J" >> "$RESULTS_DIR/facts.tsv" <<'PYEOF'
import json, statistics, sys
doc, wall, jobs = json.load(open(sys.argv[1])), float(sys.argv[2]), int(sys.argv[3])
outs = doc["outputs"]
built = [o for o in outs if o.get("status") == "built"]
ds = [o["duration"] for o in built if o.get("duration") is not None]
res = [o for o in built if isinstance(o.get("result"), dict) and {"width", "height"} <= set(o["result"])]
print(f"i15.report.results\t{len(res)} of {len(outs)} outputs carry a result ({{\"width\", \"height\"}}); e.g. "
      + (json.dumps(res[0]["result"]) + " for " + res[0]["target"] if res else "none"))
if ds:
    print(f"i15.report.durations\tjobs: median {statistics.median(ds) * 1000:.0f} ms, mean {statistics.mean(ds) * 1000:.0f} ms, "
          f"sum {sum(ds):.2f} s over a {wall:.2f} s build at -j{jobs}: the jobs' time is {sum(ds) / (wall * jobs) * 100:.0f} % "
          f"of the {jobs} slots' wall time")
PYEOF

"$PY" "$BENCH_DIR/report.py" issue15 "$RESULTS_DIR" > "$RESULTS_DIR/issue15.md"
cat "$RESULTS_DIR/issue15.md" >&2
log "issue15: done -> $RESULTS_DIR/issue15.md"
