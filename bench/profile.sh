#!/usr/bin/env bash
# Workload 5 (diagnostic, not a target): where a no-op build of N inputs spends its time, on the tree that noop.sh
# keeps in $BENCH_CACHE/noop-N (laid and checked by noop_ready in lib.sh, so it runs alone too).
#  - syscalls: strace -f -c (how many stat/open/getdents calls, and their share of system time)
#  - instructions: valgrind --tool=callgrind (counts instructions: repeatable on a noisy machine): the phase table
#    below (inclusive counts of named functions), total and per input, then the functions with the most
#    instructions of their own (self) and in total (inclusive), Swift names demangled; ninja on the same tree for
#    scale; and `imgmake --version`
#  - perf stat, where the kernel lets it count (often not in a VM)
# Usage: bench/profile.sh [N...]   (default 10000; 100000 takes some 10 minutes under valgrind)
#
# Two traps, handled here: valgrind 3.19 cannot read Swift's DWARF 5 debug information, so the profiled binary is a
# copy made with `objcopy --strip-debug`; and the catalog cache (.imgmake/catalog.json) is keyed by the running
# executable, which under valgrind is valgrind's own, so each command runs once under callgrind before the measured
# run (else the measured run loads libvips to rebuild the catalog; the table says whether it did).
#
# The phases: LABEL | PATTERN ; PATTERN ... (the format is in phases.py). A phase is the inclusive instruction count
# of the function a pattern names (a regular expression on the demangled name, matched at its start; of several
# matches the largest); patterns after ";" add; a label indented by two spaces is a part of the phase above it.
# A pattern that matches nothing prints "not found": when functions are renamed, update the names here.
PHASES='
start-up before main (loader, relocations, initialisers) | _dl_start ; _dl_init
argument parsing (ArgumentParser, or the fast path)     | ParsableCommand\.parseAsRoot|ImgmakeMain\.parse|FastPath\.
catalog cache load                                      | CachedCatalog\.init
recipe load + check                                     | RecipeLoader\.load ; RecipeChecker\.check\(_:\)
state load                                              | BuildState\.init\(root|BuildState\.load\(|StateSnapshot\.|BuildState\.open
graph build                                             | GraphBuilder\.build\(\)|BuildGraph\.init\(recipe
  walk (directories, globs)                             | GraphBuilder\.readDisk\(
  expansion                                             | GraphBuilder\.expand\(
  edges                                                 | GraphBuilder\.makeEdges\(
  an ImageJob per edge (or per rule)                    | JobExpander\.job\(for:|JobTable\.add\(
  outside-tree check                                    | OutsideTreeCheck\.reason\(
  dependencies between edges                            | GraphBuilder\.linkDependencies\(
build run: staleness and recording (Builder.build)      | Builder\.build\(
  staleness                                             | StalenessChecker\.evaluate\(_:\)
  staleness: stamps (stat)                              | StalenessChecker\.prefetchStamps\(
  staleness: recipe fingerprint                         | RecipeFingerprint\.of\(|BuildGraph\.fingerprint\(|JobTable\.fingerprint\(
  recording up-to-date outputs                          | Builder\.recordUpToDate\(
  an Edge made from the graph (wherever it is made)     | BuildGraph\.edge\(
  placeholder values of edges (wherever computed)       | InputPlaceholder\.values\(
teardown (Session deinit, exit handlers)                 | Session\.deinit ; __run_exit_handlers
work on other threads                                   | start_thread
'
source "$(dirname "$0")/lib.sh"

sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000)
out=$RESULTS_DIR/profile.md
commas() { "$PY" -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }
printf '%s\n' "$PHASES" > "$BENCH_WORK/phases.txt"
# The profiled copy: without debug information (valgrind 3.19 cannot read Swift's DWARF 5), symbols kept.
pbin=$BENCH_WORK/profiled/imgmake
mkdir -p "$(dirname "$pbin")"
objcopy --strip-debug "$IMGMAKE" "$pbin" 2>/dev/null || cp "$IMGMAKE" "$pbin"
# cg OUT COMMAND...: callgrind of COMMAND into OUT, after one unmeasured run under callgrind (the catalog cache).
cg() {
    local o=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$o.warm" "$@" >/dev/null 2>"$o.err" || true
    rm -f "$o.warm"
    valgrind --tool=callgrind --callgrind-out-file="$o" "$@" >/dev/null 2>"$o.err" || true
}
total_of() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' || true; }
# Did the profiled run load libvips (then the catalog had to be rebuilt, and the profile is not a plain no-op)?
vips_in() { if callgrind_annotate "$1" 2>/dev/null | grep -q 'libvips\.so'; then echo "yes"; else echo "no"; fi; }

{
for n in "${sizes[@]}"; do
    d=$BENCH_CACHE/noop-$n
    if ! noop_ready "$n" "profile$n" >/dev/null; then
        echo "## 5. Profile: no no-op tree of $n inputs (noop_ready failed); skipped"
        continue
    fi
    echo "## 5. Profile: a no-op build of $(commas "$n") inputs"
    echo
    echo "Diagnostic (no target): the no-op tree of workload 2, \`imgmake -C noop-$n -q\`, the measured release build."
    echo
    if command -v valgrind >/dev/null; then
        log "profile: callgrind of the $n no-op (twice: the first run keys the catalog cache for valgrind)"
        c=$BENCH_WORK/callgrind-$n.out
        cg "$c" "$pbin" -C "$d" -q
        if [ -s "$c" ]; then
            total=$(total_of "$c")
            echo "Instructions (\`valgrind --tool=callgrind\`, on a copy made with \`objcopy --strip-debug\`, after one"
            echo "unmeasured run under callgrind): $(commas "${total:-0}") in all, $(commas $(( ${total:-0} / n ))) per input;"
            echo "libvips loaded during the measured run: $(vips_in "$c"). By phase (inclusive counts of the functions"
            echo "named in \`bench/profile.sh\`'s table; indented rows are parts of the row above):"
            echo
            "$PY" "$BENCH_DIR/phases.py" "$c" "$BENCH_WORK/phases.txt" "$n"
            echo
            if [ -f "$d/build.ninja" ] && command -v ninja >/dev/null; then
                cn=$BENCH_WORK/callgrind-ninja-$n.out
                valgrind --tool=callgrind --callgrind-out-file="$cn" ninja -C "$d" >/dev/null 2>&1 || true
                nt=$(total_of "$cn")
                [ -z "$nt" ] || echo "For scale, \`ninja -C noop-$n\` on the same tree: $(commas "$nt") instructions, $(commas $(( nt / n ))) per input ($(awk -v a="${total:-0}" -v b="$nt" 'BEGIN { printf "imgmake %.2f ×", a / b }'))."
                echo
            fi
            echo "The functions with the most instructions of their own (self):"
            echo
            $PY "$BENCH_DIR/cgtop.py" "$c" 15 self
            echo
            echo "The functions with the most instructions including their callees (inclusive):"
            echo
            $PY "$BENCH_DIR/cgtop.py" "$c" 25 inclusive
            echo
            echo "To see the whole profile: \`objcopy --strip-debug IMGMAKE /tmp/imgmake\`, run"
            echo "\`valgrind --tool=callgrind /tmp/imgmake -C $BENCH_CACHE/noop-$n -q\` twice, then \`callgrind_annotate\`"
            echo "(or KCachegrind) on the second callgrind.out file."
        else
            echo "callgrind produced no profile: $(tail -2 "$c.err" | tr '\n' ' ')"
        fi
        echo
    fi
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
    if command -v perf >/dev/null; then
        if perf stat -x, -o "$BENCH_WORK/perf.txt" -e task-clock,instructions,cycles,page-faults,context-switches \
                "$IMGMAKE" -C "$d" -q >/dev/null 2>&1; then
            echo "\`perf stat\`: $(grep -v '^#' "$BENCH_WORK/perf.txt" | awk -F, 'NF > 2 && $1 != "" { printf "%s %s; ", $1, $3 }')"
        else
            echo "\`perf stat\` could not count here."
        fi
        echo
    fi
    # The tree's catalog cache is keyed for valgrind now: one plain run keys it for the real binary again.
    "$IMGMAKE" -C "$d" -q >/dev/null 2>&1 || true
done
if command -v valgrind >/dev/null; then
    log "profile: callgrind of imgmake --version"
    cgv=$BENCH_WORK/callgrind-version.out
    (cd "$BENCH_WORK" && cg "$cgv" "$pbin" --version)
    if [ -s "$cgv" ]; then
        total=$(total_of "$cgv")
        dl=$(callgrind_annotate --inclusive=yes "$cgv" 2>/dev/null | awk '/:_dl_start / { gsub(",", "", $1); print $1; exit }' || true)
        echo "### \`imgmake --version\`"
        echo
        echo "$(commas "${total:-0}") instructions, of which $(commas "${dl:-0}") ($(( ${dl:-0} * 100 / (${total:-1} + 0) )) %) in the"
        echo "dynamic loader (\`_dl_start\`: loading and relocating the $(ldd "$IMGMAKE" 2>/dev/null | wc -l) shared libraries that imgmake links)"
        echo "before \`main\` runs; libvips loaded: $(vips_in "$cgv"). By phase:"
        echo
        "$PY" "$BENCH_DIR/phases.py" "$cgv" "$BENCH_WORK/phases.txt" 0 --only-found
        echo
        echo "The top functions (inclusive):"
        echo
        $PY "$BENCH_DIR/cgtop.py" "$cgv" 12 inclusive
        echo
    fi
fi
} > "$out"
log "profile: done -> $out"
