# Shared by the workload scripts (sourced, not run). Sets the paths and the helpers every workload uses.
#
# Environment (all optional):
#   IMGMAKE=PATH       the imgmake binary to measure (default: .build-bench/release/imgmake, built by run-all.sh)
#   JOBS=N             the parallelism of every tool (default: nproc)
#   RESULTS_DIR=DIR    where the raw hyperfine JSON and the report fragments go (default: bench/results)
#   BENCH_WORK=DIR     scratch space for corpora and outputs (default: a fresh folder under /tmp, removed at exit)
#   PYTHON=PATH        the Python with Pillow and pyvips (default: the python3 on PATH, resolved to its executable)
#   BENCH_CACHE=DIR    where the no-op trees (10,000 and 100,000 inputs, with their built state) are kept between
#                      runs (default: /var/tmp/imgmake-bench-cache)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}
IMGMAKE=${IMGMAKE:-$ROOT/.build-bench/release/imgmake}
JOBS=${JOBS:-$(nproc)}
BENCH_CACHE=${BENCH_CACHE:-/var/tmp/imgmake-bench-cache}
# The interpreter itself, not a wrapper on PATH (a pyenv shim is a bash script that would add its own start-up).
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
# The real ImageMagick: Debian's /usr/bin/convert (a `convert` earlier on PATH may be something else).
MAGICK=${MAGICK:-/usr/bin/convert}
export PARALLEL_HOME=${PARALLEL_HOME:-${TMPDIR:-/tmp}/imgmake-bench-parallel-home}
mkdir -p "$PARALLEL_HOME" "$RESULTS_DIR"

[ -x "$IMGMAKE" ] || { echo "bench: no imgmake at $IMGMAKE (run bench/run-all.sh, or set IMGMAKE)" >&2; exit 2; }

if [ -z "${BENCH_WORK:-}" ]; then
    BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/imgmake-bench.XXXXXX")
    trap 'rm -rf "$BENCH_WORK"' EXIT
fi
mkdir -p "$BENCH_WORK"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The corpus: every JPEG and PNG that Debian's mate-backgrounds and ukui-wallpapers packages install (42 files),
# copied into $1 under unique names (the package's file name; a clash gets the package name in front).
make_corpus() {
    local dest=$1 pkg f name
    mkdir -p "$dest"
    for pkg in mate-backgrounds ukui-wallpapers; do
        dpkg -L "$pkg" >/dev/null 2>&1 || { echo "bench: package $pkg is not installed (run bench/run-all.sh)" >&2; exit 2; }
        while IFS= read -r f; do
            [ -f "$f" ] && [ ! -L "$f" ] || continue
            name=$(basename "$f"); name=${name// /_}
            [ -e "$dest/$name" ] && name="$pkg-$name"
            cp "$f" "$dest/$name"
        done < <(dpkg -L "$pkg" | grep -iE '\.(jpe?g|png)$' | sort)
    done
}

# $1 = source folder, $2 = destination, $3 = how many: copies of the source's files under new names (NNNN-name),
# round-robin over the sorted file list, so every source file appears about equally often.
repeat_corpus() {
    local src=$1 dest=$2 count=$3 i=0 files
    mkdir -p "$dest"
    mapfile -t files < <(ls "$src" | sort)
    while [ "$i" -lt "$count" ]; do
        cp "$src/${files[$((i % ${#files[@]}))]}" "$dest/$(printf '%04d' "$i")-${files[$((i % ${#files[@]}))]}"
        i=$((i + 1))
    done
}

# thumb_imgmakefile DIR: DIR/Imgmakefile, 320 px WebP thumbnails (Q80, stripped) of DIR/corpus/* into $(OUT).
thumb_imgmakefile() {
    cat > "$1/Imgmakefile" <<'EOF'
OUT = out
thumbs: $(OUT)/{name}.webp <- corpus/*
    thumbnail width=320 height=320
    save Q=80 strip=true
EOF
}

# thumb_recipes DIR: the throughput recipe for DIR/corpus/*: DIR/Imgmakefile (thumb_imgmakefile) and DIR/peers.mk,
# the same for make + vipsthumbnail (as in ../shared/reference/peer-bench.sh: one pattern rule per input extension;
# make -f DIR/peers.mk OUT=FOLDER). Then seeds imgmake's state folder (.imgmake/: the libvips catalog answers) once,
# untimed: a recipe that has been used before. A first-ever build in a fresh folder pays that one query on top (a
# fraction of a second).
thumb_recipes() {
    local d=$1 ext
    thumb_imgmakefile "$d"
    {
        printf 'SRC := $(wildcard %s/corpus/*)\n' "$d"
        printf 'all: $(patsubst %%,$(OUT)/%%.webp,$(basename $(notdir $(SRC))))\n'
        for ext in jpg jpeg png JPG PNG; do
            printf '$(OUT)/%%.webp: %s/corpus/%%.%s\n\tvipsthumbnail $< --size 320x320 -o $@[Q=80,strip]\n' "$d" "$ext"
        done
    } > "$d/peers.mk"
    "$IMGMAKE" -C "$d" -q -n >/dev/null 2>&1 || true
}

# hf ID [hyperfine options...] -- NAME COMMAND: one hyperfine benchmark of one command, exported to
# $RESULTS_DIR/ID.json. A failing command (non-zero exit) is recorded as $RESULTS_DIR/ID.failed and does not stop
# the workload: the report shows it as failed.
hf() {
    local id=$1; shift
    local opts=()
    while [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
    local name=$1 cmd=$2
    rm -f "$RESULTS_DIR/$id.json" "$RESULTS_DIR/$id.failed"
    log "$id: $name"
    if ! hyperfine --style basic "${opts[@]}" --export-json "$RESULTS_DIR/$id.json" --command-name "$name" "$cmd" \
            > "$RESULTS_DIR/$id.log" 2>&1; then
        tail -5 "$RESULTS_DIR/$id.log" >&2
        { echo "$name"; echo "$cmd"; tail -20 "$RESULTS_DIR/$id.log"; } > "$RESULTS_DIR/$id.failed"
        rm -f "$RESULTS_DIR/$id.json"
        log "$id: FAILED (see $RESULTS_DIR/$id.failed)"
        return 0
    fi
    grep -E 'Time \(' "$RESULTS_DIR/$id.log" | sed 's/^/    /' >&2 || true
}

# Interleaved benchmarks: on a shared, noisy machine a busy minute should hit every tool alike, not all the runs
# of one tool. tool_add registers a benchmark; tools_run runs round 1 of every registered tool, then round 2, ...
# (hyperfine --runs 1 each time, the first round with --warmup W), and merges each tool's rounds into ID.json.
#   tool_add ID NAME RUNS PREPARE COMMAND [PER_ROUND [HYPERFINE_OPTIONS]]
#   tools_run WARMUP
# PER_ROUND (default 1): hyperfine runs in each round, for commands of a few milliseconds, where one run per round
# would spend most of the time waiting for quiet (RUNS is the number of rounds: RUNS x PER_ROUND runs in all).
# HYPERFINE_OPTIONS (split on spaces): e.g. -N, to run the command without a shell (no shell start to subtract).
#   QUIET_WAIT=10  before each run, wait up to this many seconds while other processes keep over QUIET_BUSY % of
#   QUIET_BUSY=25  the CPU busy (sampled over 1 s from /proc/stat); what was seen is kept with the results,
#                  and so is what others used during each round without warm-up runs (/proc/stat's busy time
#                  around the round less the command's own user + system: others_busy_percent_during_rounds).
T_ID=(); T_NAME=(); T_RUNS=(); T_PREP=(); T_CMD=(); T_PER=(); T_OPT=()
# cpu_busy: per cent of all CPU time not idle over the next second (nothing of ours runs meanwhile).
cpu_busy() {
    local a b
    a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
    local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    [ "$total" -gt 0 ] || { echo 0; return; }
    echo $(( 100 * (total - idle) / total ))
}
wait_quiet() {
    local waited=0 busy
    busy=$(cpu_busy)
    while [ "$busy" -gt "${QUIET_BUSY:-25}" ] && [ "$waited" -lt "${QUIET_WAIT:-10}" ]; do
        sleep 4; waited=$(( waited + 5 )); busy=$(cpu_busy)
    done
    echo "$busy $waited"
}
tool_add() { T_ID+=("$1"); T_NAME+=("$2"); T_RUNS+=("$3"); T_PREP+=("$4"); T_CMD+=("$5"); T_PER+=("${6:-1}")
            T_OPT+=("${7:-}"); }
tools_run() {
    local warmup=$1 max=0 i r parts=$RESULTS_DIR/parts
    mkdir -p "$parts"
    for i in "${!T_ID[@]}"; do
        [ "${T_RUNS[$i]}" -gt "$max" ] && max=${T_RUNS[$i]}
        rm -f "$RESULTS_DIR/${T_ID[$i]}.json" "$RESULTS_DIR/${T_ID[$i]}.failed" "$parts/${T_ID[$i]}".*.json
    done
    for r in $(seq 1 "$max"); do
        for i in "${!T_ID[@]}"; do
            local id=${T_ID[$i]}
            [ "$r" -le "${T_RUNS[$i]}" ] && [ ! -f "$RESULTS_DIR/$id.failed" ] || continue
            local w=0; [ "$r" = 1 ] && w=$warmup
            local q; q=$(wait_quiet)
            echo "$q" > "$parts/$id.$r.busy"
            log "$id: round $r/${T_RUNS[$i]}: ${T_NAME[$i]} (others kept ${q%% *} % of the CPU busy; waited ${q##* } s)"
            local hopts; read -r -a hopts <<< "${T_OPT[$i]}"
            [ -z "${T_PREP[$i]}" ] || hopts+=(--prepare "${T_PREP[$i]}")
            # /proc/stat around the round (not a round with warm-up runs, whose CPU time hyperfine does not
            # report): what others used meanwhile is the busy time less the command's own user + system.
            [ "$w" != 0 ] || head -1 /proc/stat > "$parts/$id.$r.stat"
            if ! hyperfine --style basic "${hopts[@]}" --runs "${T_PER[$i]}" --warmup "$w" \
                    --export-json "$parts/$id.$r.json" --command-name "${T_NAME[$i]}" "${T_CMD[$i]}" \
                    > "$parts/$id.$r.log" 2>&1; then
                tail -5 "$parts/$id.$r.log" >&2
                { echo "${T_NAME[$i]}"; echo "${T_CMD[$i]}"; tail -20 "$parts/$id.$r.log"; } > "$RESULTS_DIR/$id.failed"
                log "$id: FAILED in round $r (see $RESULTS_DIR/$id.failed)"
            else
                [ "$w" != 0 ] || head -1 /proc/stat >> "$parts/$id.$r.stat"
                grep -E 'Time \(' "$parts/$id.$r.log" | sed 's/^/    /' >&2 || true
            fi
        done
    done
    for i in "${!T_ID[@]}"; do
        local id=${T_ID[$i]}
        [ -f "$RESULTS_DIR/$id.failed" ] && continue
        "$PY" - "$RESULTS_DIR/$id.json" "$parts/$id".*.json <<'PYEOF'
import json, statistics, sys
out, parts = sys.argv[1], sys.argv[2:]
parts = sorted(parts, key=lambda p: int(p.rsplit(".", 2)[1]))
rs = [json.load(open(p))["results"][0] for p in parts]
busy = []
for p in parts:
    try:
        busy.append(int(open(p[:-len(".json")] + ".busy").read().split()[0]))
    except (OSError, ValueError, IndexError):
        pass
# Others' share of all CPU time during each round (per cent), where /proc/stat was read around it (lib.sh above).
during = []
for p, r in zip(parts, rs):
    try:
        a, b = [[int(x) for x in l.split()[1:9]] for l in open(p[:-len(".json")] + ".stat").read().splitlines()[:2]]
    except (OSError, ValueError):
        continue
    total = sum(b) - sum(a)
    busy_jiffies = total - ((b[3] + b[4]) - (a[3] + a[4]))
    own = (r.get("user", 0.0) + r.get("system", 0.0)) * len(r["times"]) * 100  # USER_HZ
    if total > 0:
        during.append(round(max(0.0, busy_jiffies - own) * 100 / total, 1))
times = [t for r in rs for t in r["times"]]
m = dict(rs[0])
m.update(times=times, mean=statistics.mean(times), stddev=statistics.stdev(times) if len(times) > 1 else 0.0,
         median=statistics.median(times), min=min(times), max=max(times),
         user=statistics.mean(r["user"] for r in rs), system=statistics.mean(r["system"] for r in rs),
         exit_codes=[c for r in rs for c in r.get("exit_codes", [])],
         round_cpu=[(r.get("user") or 0.0) + (r.get("system") or 0.0) for r in rs])
json.dump({"results": [m], "interleaved_rounds": len(rs), "others_busy_percent_before_runs": busy,
           "others_busy_percent_during_rounds": during},
          open(out, "w"), indent=1)
PYEOF
    done
    rm -rf "$parts"
    T_ID=(); T_NAME=(); T_RUNS=(); T_PREP=(); T_CMD=(); T_PER=(); T_OPT=()
}

# Records a fact for the report: note KEY VALUE -> $RESULTS_DIR/facts.tsv (last value of a key wins).
note() {
    local key=$1; shift
    printf '%s\t%s\n' "$key" "$*" >> "$RESULTS_DIR/facts.tsv"
}

# forget REGEX: drops the facts whose key matches ^REGEX (a workload's own, before it runs again).
forget() {
    [ -f "$RESULTS_DIR/facts.tsv" ] && sed -i -E "/^($1)/d" "$RESULTS_DIR/facts.tsv"
    return 0
}

count_files() { find "$1" -type f 2>/dev/null | wc -l; }

# noop_ready N KEY: makes $BENCH_CACHE/noop-N (the no-op tree of N inputs, see noop_tree.py) ready to time with
# $IMGMAKE: every output up to date in imgmake's state and in ninja's and make's. The tree is kept between runs:
# imgmake's state there was really built by imgmake once (at 100,000 inputs that takes minutes). A reused tree is
# asked (dry run) whether everything is up to date, then built once for real (a no-op that leaves the state in this
# binary's format, should it read an older one); when the dry run finds work (imgmake's state format or rules
# changed incompatibly), or FRESH is set, the tree is laid anew, so the state holds exactly one build's records.
# Records how the tree was made as the fact KEY.prebuild. Fails (returns 1) when imgmake cannot build the tree.
noop_ready() {
    local n=$1 key=$2 d=$BENCH_CACHE/noop-$1 line seed=$BENCH_CACHE/seed-8x8.png
    mkdir -p "$BENCH_CACHE"
    [ -f "$seed" ] || vips black "$seed" 8 8 --bands 3
    if [ -z "${FRESH:-}" ] && [ -f "$d/.ninja_log" ] && [ -d "$d/.imgmake" ]; then
        line=$("$IMGMAKE" -C "$d" -n 2>&1 | grep -E '[0-9]+ to build' | tail -1 || true)
        if [[ "$line" =~ ^0\ to\ build ]] && "$IMGMAKE" -C "$d" -q; then
            note "$key.prebuild" "reused from $d (built by $(cat "$d/.imgmake-version" 2>/dev/null || echo imgmake) in an earlier run; checked up to date)"
            return 0
        fi
        log "noop $n: cached state was stale (${line:-no answer}): laying anew"
    fi
    log "noop $n: laying out $d"
    rm -rf "$d"
    "$PY" "$BENCH_DIR/noop_tree.py" "$d" "$n" "$seed"
    local s e
    s=$(date +%s.%N)
    "$IMGMAKE" -C "$d" -q -j"$JOBS" || { log "noop $n: imgmake's first build failed"; return 1; }
    e=$(date +%s.%N)
    note "$key.prebuild" "built by imgmake -j$JOBS in $(printf '%.0f' "$(echo "$e - $s" | bc)") s in this run"
    "$IMGMAKE" --version > "$d/.imgmake-version"
}
