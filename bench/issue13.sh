#!/usr/bin/env bash
# Issue 13's "done when", measured side by side in one run: every target against ninja (or its absolute bound),
# peers interleaved (round 1 of imgmake, round 1 of ninja, round 2 of imgmake, ...: tools_run in lib.sh), medians.
#
#   no-op, 10,000 and 100,000 inputs   imgmake -C noop-N -q  against  ninja -C noop-N      target ≤ 0.5 × ninja
#   peak RSS of the 100,000 no-op      peakrss.py (ru_maxrss), rounds alternated             target ≤ ninja
#   start-up                           imgmake --version  against  ninja --version (-N)      target ≤ 3 × ninja
#   one Tab of the bash completion     `imgmake build <Tab>` in the demo: in one running bash with
#                                      completions/imgmake.bash sourced, the completion function called as bash
#                                      calls it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT), timed with
#                                      EPOCHREALTIME around each call; and the callback process alone (hyperfine)
#                                                                                            target ≤ 10 ms
#   libvips during a no-op             LD_DEBUG=files (every library the loader maps, dlopen included) and
#                                      strace -e openat: no libvips on the 10,000 no-op, the demo no-op, --version,
#                                      the completion callback                               target: none
#
# Writes $RESULTS_DIR/issue13.md (the table: target, imgmake, ninja, ratio, met) and the raw data (i13-*.json,
# facts i13.*). Uses the no-op trees of noop.sh ($BENCH_CACHE/noop-N, checked or laid by noop_ready in lib.sh).
# The binary is $IMGMAKE (lib.sh); `bench/run-all.sh issue13` builds it first (BENCH_BUILD says how) and puts the
# table into RESULTS.md.
#
# Usage: bench/issue13.sh   ROUNDS_10K=15 ROUNDS_100K=7 RSS_ROUNDS=3 VERSION_ROUNDS=10 VERSION_PER_ROUND=30
#                           TAB_RUNS=100 WARMUP=1   SIZES="10000 100000" (QUICK: SIZES=10000; SIZES= : no no-op rows)
source "$(dirname "$0")/lib.sh"
forget 'i13\.'
rm -f "$RESULTS_DIR"/i13-*

ROUNDS_10K=${ROUNDS_10K:-15}
ROUNDS_100K=${ROUNDS_100K:-7}
RSS_ROUNDS=${RSS_ROUNDS:-3}
VERSION_ROUNDS=${VERSION_ROUNDS:-10}
VERSION_PER_ROUND=${VERSION_PER_ROUND:-30}
TAB_RUNS=${TAB_RUNS:-100}
WARMUP=${WARMUP:-1}
read -r -a sizes <<< "${SIZES-10000 100000}"

note i13.binary "$IMGMAKE ($(stat -c %s "$IMGMAKE") bytes; $(ldd "$IMGMAKE" 2>/dev/null | wc -l) shared libraries linked; Swift runtime $(ldd "$IMGMAKE" 2>/dev/null | grep -q libswiftCore && echo 'shared' || echo 'static'))"
note i13.build "${BENCH_BUILD_NOTE:-the binary given by IMGMAKE}"

# --- the trees --------------------------------------------------------------------------------------------------
ready=()
for n in "${sizes[@]}"; do
    if noop_ready "$n" "i13.noop$n"; then
        ready+=("$n")
        note "i13.noop$n.ninja-check" "$(cd "$BENCH_CACHE/noop-$n" && ninja -n 2>&1 | tail -1)"
        note "i13.noop$n.imgmake-check" "$("$IMGMAKE" -C "$BENCH_CACHE/noop-$n" -n 2>&1 | grep -E '[0-9]+ to build' | tail -1)"
    else
        echo "no-op $n: the tree could not be made ready" > "$RESULTS_DIR/i13-noop$n-imgmake.failed"
    fi
done

# --- no-op and --version, interleaved -----------------------------------------------------------------------------
for n in "${ready[@]}"; do
    d=$BENCH_CACHE/noop-$n
    rounds=$ROUNDS_10K; [ "$n" -ge 50000 ] && rounds=$ROUNDS_100K
    tool_add "i13-noop$n-imgmake" "imgmake -C noop-$n -q" "$rounds" "" "$IMGMAKE -C $d -q" 1 -N
    tool_add "i13-noop$n-ninja" "ninja -C noop-$n" "$rounds" "" "ninja -C $d" 1 -N
done
[ ${#ready[@]} -eq 0 ] || tools_run "$WARMUP"
tool_add i13-version-imgmake "imgmake --version" "$VERSION_ROUNDS" "" "$IMGMAKE --version" "$VERSION_PER_ROUND" -N
tool_add i13-version-ninja "ninja --version" "$VERSION_ROUNDS" "" "ninja --version" "$VERSION_PER_ROUND" -N
tools_run 3

# --- peak RSS of the largest no-op, alternated ------------------------------------------------------------------
big=; [ ${#ready[@]} -eq 0 ] || big=${ready[${#ready[@]}-1]}
if [ -n "$big" ]; then
    d=$BENCH_CACHE/noop-$big
    for r in $(seq 1 "$RSS_ROUNDS"); do
        for tool in imgmake ninja; do
            if [ "$tool" = imgmake ]; then cmd=("$IMGMAKE" -C "$d" -q); else cmd=(ninja -C "$d"); fi
            line=$("$PY" "$BENCH_DIR/peakrss.py" -- "${cmd[@]}" 2>/dev/null | tail -1)
            log "rss $big $tool round $r: $line"
            echo "$line" >> "$RESULTS_DIR/i13-rss$big-$tool.txt"
        done
    done
    note i13.rss.size "$big"
fi

# --- one Tab of the bash completion -----------------------------------------------------------------------------
demo=$BENCH_WORK/i13-demo bin=$BENCH_WORK/i13-bin
rm -rf "$demo" "$bin"; mkdir -p "$bin"
cp -r "$ROOT/recipes/demo" "$demo"; rm -rf "$demo/build" "$demo/.imgmake"
log "issue13: building the demo once"
"$IMGMAKE" -C "$demo" -q || log "issue13: the demo's build failed"
# What bash runs on the Tab: the callback's command line, caught once by a wrapper that logs its arguments.
printf '#!/bin/bash\nprintf "%%s\\0" "$@" > %q\nenv | grep ^SAP_ > %q\nexec %q "$@"\n' \
    "$BENCH_WORK/i13-callback.args" "$BENCH_WORK/i13-callback.env" "$IMGMAKE" > "$bin/imgmake"
chmod +x "$bin/imgmake"
tab_script='
source "$1"; cd "$2" || exit 1
tab() {
    COMP_WORDS=(imgmake build ""); COMP_CWORD=2; COMP_LINE="imgmake build "; COMP_POINT=${#COMP_LINE}
    COMP_TYPE=9; COMP_KEY=9; COMPREPLY=()
    _imgmake imgmake "" build
}
tab; printf "%s\n" "${COMPREPLY[@]}" > "$3"
for ((i = 0; i < $4; i++)); do
    t0=$EPOCHREALTIME; tab; t1=$EPOCHREALTIME
    echo "${t0/[.,]/} ${t1/[.,]/}"
done'
if ! PATH=$bin:$PATH bash -c "$tab_script" tab "$ROOT/completions/imgmake.bash" "$demo" \
        "$RESULTS_DIR/i13-tab-replies.txt" 0 > /dev/null 2>"$BENCH_WORK/i13-tab.err"; then
    { echo "bash completion"; cat "$BENCH_WORK/i13-tab.err"; } > "$RESULTS_DIR/i13-tab.failed"
fi
note i13.tab.replies "$(tr '\n' ' ' < "$RESULTS_DIR/i13-tab-replies.txt" 2>/dev/null | cut -c1-200)"
if [ -s "$BENCH_WORK/i13-callback.args" ]; then
    mapfile -d '' cb < "$BENCH_WORK/i13-callback.args"
    note i13.tab.callback "imgmake $(printf '%q ' "${cb[@]}")"
else
    cb=()
    note i13.tab.callback "none (the completion did not run imgmake)"
fi
# The real binary behind `imgmake` on PATH for the timed calls, as in a user's shell.
ln -sf "$IMGMAKE" "$bin/imgmake"
log "issue13: one Tab, $TAB_RUNS times in one bash"
PATH=$bin:$PATH bash -c "$tab_script" tab "$ROOT/completions/imgmake.bash" "$demo" /dev/null "$TAB_RUNS" \
    > "$RESULTS_DIR/i13-tab-times.txt" 2>>"$BENCH_WORK/i13-tab.err" || true
# The completion script's own share: the same calls with `true` as the callback (no answer, the same forks).
ln -sf "$(command -v true)" "$bin/imgmake"
PATH=$bin:$PATH bash -c "$tab_script" tab "$ROOT/completions/imgmake.bash" "$demo" /dev/null "$TAB_RUNS" \
    > "$RESULTS_DIR/i13-tab-script-times.txt" 2>>"$BENCH_WORK/i13-tab.err" || true
ln -sf "$IMGMAKE" "$bin/imgmake"
for part in tab tab-script; do
    "$PY" - "$RESULTS_DIR/i13-$part-times.txt" "$RESULTS_DIR/i13-$part.json" "$part" <<'PYEOF'
import json, statistics, sys
times = [(int(b) - int(a)) / 1e6 for a, b in (l.split() for l in open(sys.argv[1]) if l.strip())]
name = {"tab": "imgmake build <Tab> (bash, completion function)",
        "tab-script": "the same, the callback replaced by true"}[sys.argv[3]]
if times:
    json.dump({"results": [{"command": name, "times": times,
                            "mean": statistics.mean(times), "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
                            "median": statistics.median(times), "min": min(times), "max": max(times)}]},
              open(sys.argv[2], "w"), indent=1)
PYEOF
done
if [ ${#cb[@]} -gt 0 ]; then
    cbcmd="$IMGMAKE $(printf '%q ' "${cb[@]}")"
    # With the environment the completion function gives it (SAP_SHELL=bash, ...).
    (cd "$demo" && while IFS= read -r kv; do export "${kv?}"; done < "$BENCH_WORK/i13-callback.env" \
        && hf i13-tab-callback -N --warmup 3 --runs "$TAB_RUNS" -- "the callback alone" "$cbcmd")
fi

# --- libvips during a no-op ---------------------------------------------------------------------------------------
# vips_mapped NAME COMMAND...: how many libvips libraries the loader mapped (LD_DEBUG=files: the libraries it
# loads at start and those dlopen loads later) and how many libvips files were opened (strace).
vips_mapped() {
    local name=$1; shift
    local ld="$BENCH_WORK/i13-ld-$name.txt" st="$BENCH_WORK/i13-strace-$name.txt" libs vl vo
    LD_DEBUG=files LD_DEBUG_OUTPUT="$ld" "$@" > /dev/null 2>&1 < /dev/null || true
    libs=$(cat "$ld".* 2>/dev/null | grep -c 'generating link map' || true)
    vl=$(cat "$ld".* 2>/dev/null | grep -E 'file=[^ ]*libvips' | grep -c 'generating link map' || true)
    rm -f "$ld".*
    if strace -f -e trace=openat,open -o "$st" "$@" > /dev/null 2>&1 < /dev/null || [ -s "$st" ]; then
        vo=$(grep -v ENOENT "$st" | grep -c 'libvips' || true)
    else
        vo="?"
    fi
    note "i13.vips.$name" "ld_libraries=$libs ld_libvips=$vl strace_libvips_opens=$vo"
    log "libvips in $name: LD_DEBUG maps $libs libraries, $vl of them libvips; strace: $vo libvips opens"
}
for n in "${ready[@]}"; do
    [ "$n" -le 10000 ] && vips_mapped "noop$n" "$IMGMAKE" -C "$BENCH_CACHE/noop-$n" -q
done
vips_mapped noop-demo "$IMGMAKE" -C "$demo" -q
vips_mapped version "$IMGMAKE" --version
[ ${#cb[@]} -eq 0 ] || (cd "$demo" && while IFS= read -r kv; do export "${kv?}"; done < "$BENCH_WORK/i13-callback.env" \
    && vips_mapped tab-callback "$IMGMAKE" "${cb[@]}")
# The control: a command that needs libvips (the operation list), so both methods are seen to find it when loaded.
vips_mapped control-ops "$IMGMAKE" ops

"$PY" "$BENCH_DIR/report.py" issue13 "$RESULTS_DIR" > "$RESULTS_DIR/issue13.md"
cat "$RESULTS_DIR/issue13.md" >&2
log "issue13: done -> $RESULTS_DIR/issue13.md"
