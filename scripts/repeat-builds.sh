#!/usr/bin/env bash
# Repeated thread-pool builds of one tree from varied partial states, until one fails (issue 7: how the liborc
# crash of RELIABILITY.md §"Bugs found" was reproduced, and how its fix was checked).
#   scripts/repeat-builds.sh DIR [RUNS]      DIR holds an Imgmakefile (e.g. the kill loop's tree: STRESS_DIR/k)
# (With the liborc race back and the machine loaded, the kill loop's tree built 150 times without meeting it;
# five convolutions and resizes over the same images, rebuilt whole with -B -j16, met it on run 8: RELIABILITY.md
# §"Bugs found" 5.)
# Each run first deletes all outputs, half of them, or one output folder (at random), then builds with -j16 or
# -j4. A run that exits non-zero stops the loop (exit 1) with its stderr; core dumps are allowed (ulimit -c).
# Environment: IMGMAKE_BIN (default: the release build in .build-rel).
set -uo pipefail
DIR=${1:?usage: scripts/repeat-builds.sh DIR [RUNS]}
RUNS=${2:-100}
BIN=${IMGMAKE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/.build-rel/release/imgmake}
cd "$DIR" || exit 2
ulimit -c unlimited
for ((i = 1; i <= RUNS; i++)); do
    case $((RANDOM % 4)) in
        0) rm -rf out .imgmake ;;
        1) find out -type f 2>/dev/null | awk 'NR % 2' | xargs -r rm -f ;;
        2) rm -rf out/t ;;
        3) rm -rf out/r ;;
    esac
    j=$([ $((RANDOM % 2)) = 0 ] && echo 16 || echo 4)
    "$BIN" -q -j$j --pool thread >/dev/null 2>run.err
    status=$?
    if [ $status -ne 0 ]; then echo "run $i (-j$j): exit $status"; tail -20 run.err; exit 1; fi
    [ $((i % 25)) = 0 ] && echo "$i runs, no failure"
done
echo "$RUNS runs, no failure"
