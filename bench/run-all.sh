#!/usr/bin/env bash
# The benchmark, in one command: installs what it needs, builds imgmake in release, runs every workload and writes
# bench/RESULTS.md (tables, machine, targets) and bench/throughput.png (the throughput chart).
#
# Usage: bench/run-all.sh [WORKLOAD...]     WORKLOAD: throughput noop scaling startup issue13 issue14 profile
#                                           (default: all)
#   IMGMAKE=PATH        measure this binary; skip the build
#   BENCH_BUILD=CMD     how the measured binary is built, run by bash in the package folder with $SCRATCH set to the
#                       scratch path (default: swift build -c release --scratch-path "$SCRATCH")
#   BENCH_BIN=PATH      where that build leaves the binary (default: $SCRATCH/release/imgmake; expanded after the build)
#   BENCH_SOURCE=HEAD   build the committed HEAD (exported to .build-bench-src) instead of the working tree
#   QUICK=1             fewer runs and no 500-image / 100,000-input sizes (a smoke test, not for RESULTS.md)
#   and the knobs of each workload script (RUNS_*, BENCH_CACHE, ...: see their headers and bench/lib.sh)
# Takes about 35-40 minutes on 2 quiet cores (issue14 alone about 13) (the first run longer: it builds the 100,000-input no-op state, kept
# in BENCH_CACHE for the next runs); on a busy machine up to twice that.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
workloads=("$@"); [ ${#workloads[@]} -gt 0 ] || workloads=(throughput noop scaling startup issue13 issue14 profile)
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
t_start=$(date +%s)

# --- 1. What the bench needs ----------------------------------------------------------------------------------
apt_updated=
apt_install() {
    [ $# -gt 0 ] || return 0
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
missing=()
for pkg in mate-backgrounds ukui-wallpapers ninja-build make parallel imagemagick libvips-tools hyperfine time \
           strace bc valgrind python3 python3-pip; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
apt_install "${missing[@]}"
PY=$(python3 -c 'import sys; print(sys.executable)')
pip_missing=()
"$PY" -c 'import PIL' 2>/dev/null || pip_missing+=(pillow)
"$PY" -c 'import pyvips' 2>/dev/null || pip_missing+=(pyvips)
"$PY" -c 'import matplotlib' 2>/dev/null || pip_missing+=(matplotlib)
"$PY" -c 'import numpy' 2>/dev/null || pip_missing+=(numpy)
if [ ${#pip_missing[@]} -gt 0 ]; then
    log "pip install ${pip_missing[*]}"
    "$PY" -m pip install -q "${pip_missing[@]}" 2>/dev/null \
        || "$PY" -m pip install -q --break-system-packages "${pip_missing[@]}"
fi
export PYTHON=$PY

# --- 2. imgmake, release ----------------------------------------------------------------------------------------
# The build is a variable, so that another release build (e.g. with a static Swift standard library) can be
# measured the same way: BENCH_BUILD runs in the package folder, BENCH_BIN names its product ($SCRATCH: the scratch path).
BENCH_BUILD=${BENCH_BUILD:-'swift build -c release --scratch-path "$SCRATCH"'}
BENCH_BIN=${BENCH_BIN:-'$SCRATCH/release/imgmake'}
if [ -n "${IMGMAKE:-}" ]; then
    log "measuring $IMGMAKE (not built here)"
    source_note="the binary $IMGMAKE, given by IMGMAKE (not built by this run)"
else
    pkg=$ROOT scratch=$ROOT/.build-bench
    if [ "${BENCH_SOURCE:-}" = HEAD ]; then
        pkg=$ROOT/.build-bench-src scratch=$ROOT/.build-bench-head
        rm -rf "$pkg"; mkdir -p "$pkg"
        git -C "$ROOT" archive HEAD | tar -x -C "$pkg"
        source_note="commit $(git -C "$ROOT" rev-parse --short HEAD) (committed HEAD, exported with git archive)"
    else
        dirty=$(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null | wc -l)
        source_note="the working tree at commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
        [ "$dirty" = 0 ] || source_note="$source_note, with $dirty uncommitted change(s) under Sources/"
    fi
    # Other people may be editing Sources/ while this builds ("modified during the build", or a half-made edit
    # that does not compile): try three times, then fall back to the committed HEAD.
    built=
    for try in 1 2 3 4; do
        if [ "$try" = 4 ] && [ "${BENCH_SOURCE:-}" != HEAD ]; then
            log "the working tree did not build three times: building the committed HEAD instead"
            pkg=$ROOT/.build-bench-src scratch=$ROOT/.build-bench-head
            rm -rf "$pkg"; mkdir -p "$pkg"
            git -C "$ROOT" archive HEAD | tar -x -C "$pkg"
            source_note="commit $(git -C "$ROOT" rev-parse --short HEAD) (committed HEAD: the working tree did not build)"
        elif [ "$try" = 4 ]; then
            break
        fi
        log "$BENCH_BUILD (SCRATCH=${scratch#$ROOT/}, try $try)"
        bin=$(SCRATCH=$scratch bash -c "echo $BENCH_BIN")
        if (cd "$pkg" && SCRATCH=$scratch bash -c "$BENCH_BUILD" 2>&1 | tail -3) \
                && [ -x "$bin" ] && [ "$bin" -nt "$pkg/Package.swift" ]; then
            built=1; break
        fi
        sleep 5
    done
    [ -n "$built" ] || { echo "run-all: the build failed" >&2; exit 1; }
    export IMGMAKE=$bin
    export BENCH_BUILD_NOTE="\`$BENCH_BUILD\` (SCRATCH=${scratch#$ROOT/}) from $source_note"
fi
[ -x "$IMGMAKE" ] || { echo "run-all: no imgmake at $IMGMAKE" >&2; exit 1; }

# --- 3. The workloads -------------------------------------------------------------------------------------------
# The results are gathered in a scratch folder and replace bench/results/ only at the end: a run that is stopped
# half-way leaves the previous results whole.
export BENCH_WORK; BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/imgmake-bench.XXXXXX")
trap 'rm -rf "$BENCH_WORK"' EXIT
export RESULTS_DIR=$BENCH_WORK/results
mkdir -p "$RESULTS_DIR"
# Only some workloads named: the others keep their results of the previous run (each workload drops its own files
# and facts before it runs), so RESULTS.md stays whole. KEEP_RESULTS=0: start from nothing.
kept=
if [ $# -gt 0 ] && [ "${KEEP_RESULTS:-1}" != 0 ] && [ -d "$BENCH_DIR/results" ]; then
    cp -r "$BENCH_DIR/results/." "$RESULTS_DIR/"
    kept=1
fi
if [ -n "${QUICK:-}" ]; then
    export RUNS_IMGMAKE=${RUNS_IMGMAKE:-2} RUNS_PEER=${RUNS_PEER:-2} SKIP_500=${SKIP_500:-1} RUNS=${RUNS:-2}
    export SIZES=${SIZES:-10000} ROUNDS_10K=${ROUNDS_10K:-3} VERSION_ROUNDS=${VERSION_ROUNDS:-3} TAB_RUNS=${TAB_RUNS:-20}
    export ROUNDS=${ROUNDS:-2} EXTRA_SETS=${EXTRA_SETS-}
    noop_sizes=(10000)
else
    noop_sizes=(10000 100000)
fi
loads=()
statuses=()
for w in "${workloads[@]}"; do
    loads+=("$w: $(cut -d' ' -f1-3 /proc/loadavg)")
    log "=== $w (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    s=$(date +%s)
    case $w in
        noop) args=("${noop_sizes[@]}") ;;
        *) args=() ;;
    esac
    if bash "$BENCH_DIR/$w.sh" "${args[@]}"; then rc=ok; else rc="failed (exit $?)"; fi
    statuses+=("$w: $rc, $(( $(date +%s) - s )) s")
done
loads+=("end: $(cut -d' ' -f1-3 /proc/loadavg)")

# --- 4. RESULTS.md ----------------------------------------------------------------------------------------------
t_end=$(date +%s)
ver() { "$@" 2>&1 | head -1 || true; }
{
    echo "# imgmake benchmark results"
    echo
    echo "Written by \`bench/run-all.sh\` on $(date -u -d "@$t_start" '+%Y-%m-%d %H:%M') UTC, in $(( (t_end - t_start + 30) / 60 )) minutes. Reproduce with:"
    echo
    echo '```'
    echo "bench/run-all.sh${*:+ $*}"
    echo '```'
    echo
    echo "(installs what is missing, builds imgmake (${BENCH_BUILD_NOTE:-not built here: IMGMAKE=$IMGMAKE}), runs"
    echo "bench/throughput.sh, noop.sh, scaling.sh, startup.sh, issue13.sh, issue14.sh and profile.sh; each also runs alone once imgmake is built.)"
    echo "Raw data: \`bench/results/\` (hyperfine JSON per benchmark, \`facts.tsv\`). Medians throughout; ratios are"
    echo "imgmake's median ÷ the other's."
    if [ -n "$kept" ]; then
        echo
        echo "**This run measured only: ${workloads[*]}.** The tables of the other workloads are those of an earlier run"
        echo "(kept in \`bench/results/\`), with its binary and its machine load."
    fi
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') |"
    echo "| cores (nproc) | $(nproc) |"
    echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
    echo "| OS | $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r) |"
    echo "| libvips | $(vips --version) |"
    echo "| imgmake | $("$IMGMAKE" --version), built from $source_note |"
    echo "| Swift | $(ver swift --version | sed 's/^Swift version //') |"
    echo "| peers | ninja $(ninja --version); $(ver make --version); $(ver parallel --version); $(ver "${MAGICK:-/usr/bin/convert}" -version | sed 's/^Version: //;s/ https.*//'); Python $("$PY" -c 'import sys; print(sys.version.split()[0])'), Pillow $("$PY" -c 'import PIL; print(PIL.__version__)'), pyvips $("$PY" -c 'import pyvips; print(pyvips.__version__)') (on libvips $("$PY" -c 'import pyvips; print(".".join(str(pyvips.version(i)) for i in range(3)))')); $(ver hyperfine --version) |"
    echo "| load average (1, 5, 15 min) before each workload | $(IFS=';'; echo "${loads[*]}" | sed 's/;/; /g') |"
    echo "| workloads | $(IFS=';'; echo "${statuses[*]}" | sed 's/;/; /g') |"
    echo
    echo "**Noise.** Load averages above $(nproc) mean the bench shared the $(nproc) cores with other work (on this"
    echo "machine: other people's compilers), which makes absolute times noisy and slower than on a quiet machine."
    echo "imgmake and its peers ran interleaved in the same run, one after another, so the ratios are the figures to"
    echo "read; even they move by several per cent from run to run. The medians damp single slow runs, not a busy"
    echo "period that spans all of one tool's runs. The throughput and scaling tables also give each tool's CPU time"
    echo "(user + system, children included), which contention inflates far less than wall time, and how busy the"
    echo "other processes kept the CPU just before the runs."
    echo
    "$PY" "$BENCH_DIR/report.py" targets "$RESULTS_DIR"
    echo
    if [ -f "$RESULTS_DIR/throughput.png" ]; then
        echo "![Throughput: imgmake against each peer](throughput.png)"
        echo
    fi
    for w in issue13 issue14 throughput noop scaling startup profile; do
        [ -f "$RESULTS_DIR/$w.md" ] && { cat "$RESULTS_DIR/$w.md"; echo; }
    done
} > "$RESULTS_DIR/RESULTS.md"
mv "$RESULTS_DIR/RESULTS.md" "$BENCH_DIR/RESULTS.md"
[ -f "$RESULTS_DIR/throughput.png" ] && mv "$RESULTS_DIR/throughput.png" "$BENCH_DIR/throughput.png"
rm -rf "$BENCH_DIR/results"; cp -r "$RESULTS_DIR" "$BENCH_DIR/results"
log "wrote $BENCH_DIR/RESULTS.md and throughput.png, raw data in bench/results/ ($(( (t_end - t_start) / 60 )) min)"
