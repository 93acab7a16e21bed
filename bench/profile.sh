#!/usr/bin/env bash
# Workload 5 (diagnostic, not a target): where a no-op build of 10,000 inputs spends its time, on the tree that
# noop.sh keeps in $BENCH_CACHE/noop-10000 (run noop.sh first).
#  - syscalls: strace -f -c (how many stat/open/getdents calls, and their share of system time)
#  - instructions: valgrind --tool=callgrind (counts instructions: repeatable on a noisy machine), the functions with
#    the most instructions of their own (self) and in total (inclusive), Swift names demangled
#  - perf stat, where the kernel lets it count (often not in a VM)
# Usage: bench/profile.sh [N]   (default 10000)
source "$(dirname "$0")/lib.sh"

n=${1:-10000}
d=$BENCH_CACHE/noop-$n
out=$RESULTS_DIR/profile.md
if [ ! -d "$d/.imgmake" ]; then
    log "profile: no no-op tree at $d (run bench/noop.sh $n first); skipped"
    exit 0
fi

"$IMGMAKE" -C "$d" -q  # make sure it is a no-op
commas() { "$PY" -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }
{
    echo "## 5. Profile: a no-op build of $(commas "$n") inputs"
    echo
    echo "Diagnostic (no target): the no-op tree of workload 2, \`imgmake -C noop-$n -q\`, release build."
    echo
    if command -v strace >/dev/null; then
        strace -f -c -o "$BENCH_WORK/strace-c.txt" "$IMGMAKE" -C "$d" -q >/dev/null 2>&1 || true
        echo "System calls (\`strace -f -c\`, the 12 most frequent):"
        echo
        echo "| calls | syscall | % of syscall time |"
        echo "|---:|---|---:|"
        awk 'NR > 2 && $1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { name = $NF; calls = $4; print calls "\t" name "\t" $1 }' \
            "$BENCH_WORK/strace-c.txt" | sort -t$'\t' -k1,1nr | head -12 | awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' || true
        total=$(awk '/^100.00/ { print $(NF-2) " calls" }' "$BENCH_WORK/strace-c.txt" | head -1 || true)
        echo
        echo "Total: ${total:-?}."
        echo
        # The same path asked about again and again (each path should be read once).
        strace -f -e trace=readlink,newfstatat,stat,lstat,statx,openat,access -o "$BENCH_WORK/strace-paths.txt" \
            "$IMGMAKE" -C "$d" -q >/dev/null 2>&1 || true
        echo "The (syscall, path) pairs asked most often (\`strace -f -e trace=readlink,newfstatat,statx,openat,...\`):"
        echo
        echo "| times | syscall and path |"
        echo "|---:|---|"
        sed -nE 's/^([0-9]+ +)?([a-z0-9_]+)\((AT_FDCWD, )?"([^"]*)".*/\2 \4/p' "$BENCH_WORK/strace-paths.txt" \
            | sort | uniq -c | sort -rn | head -8 | awk '{ c = $1; $1 = ""; printf "| %s | `%s` |\n", c, substr($0, 2) }' || true
        echo
    fi
    if command -v valgrind >/dev/null; then
        log "profile: callgrind (a minute or so)"
        cg=$BENCH_WORK/callgrind.out
        valgrind --tool=callgrind --callgrind-out-file="$cg" "$IMGMAKE" -C "$d" -q >/dev/null 2>"$BENCH_WORK/cg.err" || true
        if [ -s "$cg" ]; then
            total=$(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' || true)
            echo "Instructions (\`valgrind --tool=callgrind\`): $(commas "${total:-0}") in all, $(commas $(( ${total:-0} / n ))) per input."
            echo "The functions with the most instructions of their own (self):"
            echo
            $PY "$BENCH_DIR/cgtop.py" "$cg" 15 self
            echo
            echo "The functions with the most instructions including their callees (inclusive):"
            echo
            $PY "$BENCH_DIR/cgtop.py" "$cg" 20 inclusive
            echo
            echo "To see the whole profile: \`valgrind --tool=callgrind IMGMAKE -C $BENCH_CACHE/noop-$n -q\`, then"
            echo "\`callgrind_annotate\` (or KCachegrind) on the callgrind.out file."
        else
            echo "callgrind produced no profile: $(tail -2 "$BENCH_WORK/cg.err" | tr '\n' ' ')"
        fi
        echo
    fi
    if command -v valgrind >/dev/null; then
        log "profile: callgrind of imgmake --version"
        cgv=$BENCH_WORK/callgrind-version.out
        valgrind --tool=callgrind --callgrind-out-file="$cgv" "$IMGMAKE" --version >/dev/null 2>&1 || true
        if [ -s "$cgv" ]; then
            total=$(callgrind_annotate "$cgv" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' || true)
            dl=$(callgrind_annotate --inclusive=yes "$cgv" 2>/dev/null | awk '/:_dl_start / { gsub(",", "", $1); print $1; exit }' || true)
            echo "### \`imgmake --version\`"
            echo
            echo "$(commas "${total:-0}") instructions, of which $(commas "${dl:-0}") ($(( ${dl:-0} * 100 / (${total:-1} + 0) )) %) in the"
            echo "dynamic loader (\`_dl_start\`: loading and relocating the $(ldd "$IMGMAKE" | wc -l) shared libraries that imgmake links,"
            echo "libvips' dependencies for the most part), before \`main\` runs. The top functions (inclusive):"
            echo
            $PY "$BENCH_DIR/cgtop.py" "$cgv" 12 inclusive
            echo
        fi
    fi
    if command -v perf >/dev/null; then
        if perf stat -x, -o "$BENCH_WORK/perf.txt" -e task-clock,instructions,cycles,page-faults,context-switches \
                "$IMGMAKE" -C "$d" -q >/dev/null 2>&1; then
            echo "\`perf stat\`: $(grep -v '^#' "$BENCH_WORK/perf.txt" | awk -F, 'NF > 2 && $1 != "" { printf "%s %s; ", $1, $3 }')"
        else
            echo "\`perf stat\` could not count here."
        fi
        echo
    fi
} > "$out"
log "profile: done -> $out"
