#!/usr/bin/env bash
# Workload 4, start-up: `imgmake --version`, a no-op build of the demo recipe (recipes/demo, copied to a temporary
# folder and built once first), and the shell (started over the demo and quit at once), against vipsthumbnail
# --help, vips --version, python3 -c pass and true for scale. Also whether each imgmake run starts libvips (opens
# libvips' loadable modules, which vips_init does), from strace.
#
# The shell's first prompt is timed on a pseudo-terminal (firstprompt.py): from its start until "imgmake> " shows.
# Usage: bench/startup.sh   RUNS=20 WARMUP=3
source "$(dirname "$0")/lib.sh"
forget 'su\.'

RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
rm -f "$RESULTS_DIR"/su-*
demo=$BENCH_WORK/demo
rm -rf "$demo"; mkdir -p "$BENCH_WORK/home"
if [ -d "$ROOT/recipes/demo" ]; then
    cp -r "$ROOT/recipes/demo" "$demo"
    rm -rf "$demo/build" "$demo/.imgmake"
else
    # No demo recipe: a small stand-in, the throughput recipe over five corpus images.
    mkdir -p "$demo/corpus" "$BENCH_WORK/home"
    make_corpus "$BENCH_WORK/su-corpus"; cp "$(ls -d "$BENCH_WORK"/su-corpus/* | head -5)" "$demo/corpus/"
    printf 'thumbs: out/{name}.webp <- corpus/*\n    thumbnail width=320 height=320\n    save Q=80 strip=true\n' \
        > "$demo/Imgmakefile"
    note su.demo "recipes/demo is missing: a stand-in recipe (5 corpus images -> 320 px WebP) was used"
fi
log "startup: building the demo once"
s=$(date +%s.%N)
"$IMGMAKE" -C "$demo" -q || log "startup: the demo's first build failed"
note su.demo-build "$(printf '%.1f' "$(echo "$(date +%s.%N) - $s" | bc)") s"

# Does a run start libvips? vips_init opens every module in vips-modules-8.14 (heif, magick, jxl, ...).
vips_started() {
    if strace -f -e trace=openat,open -o "$BENCH_WORK/strace.out" "$@" >/dev/null 2>&1 </dev/null \
            || [ -s "$BENCH_WORK/strace.out" ]; then
        if grep -q 'vips-modules' "$BENCH_WORK/strace.out"; then echo yes; else echo no; fi
    else
        echo "unknown (strace failed)"
    fi
}
note su.vips.version "$(vips_started "$IMGMAKE" --version)"
note su.vips.noop "$(vips_started "$IMGMAKE" -C "$demo" -q)"
note su.vips.vipsthumbnail "$(vips_started vipsthumbnail --help)"
note su.vips.vips "$(vips_started vips --version)"

shell_ok=yes
if ! "$IMGMAKE" shell -C "$demo" -c quit >/dev/null 2>&1 </dev/null; then shell_ok=no; fi

hf su-version -N --warmup "$WARMUP" --runs "$RUNS" -- "imgmake --version" "$IMGMAKE --version"
hf su-noop-demo -N --warmup "$WARMUP" --runs "$RUNS" -- "imgmake no-op (demo)" "$IMGMAKE -C $demo -q"
if [ "$shell_ok" = yes ]; then
    note su.vips.shell "$(vips_started "$IMGMAKE" shell -C "$demo" -c quit)"
    note su.shell "the first-prompt row starts \`imgmake shell -C demo\` on a pseudo-terminal (firstprompt.py) and times until \`imgmake> \` is on the screen; the \`-c quit\` and stdin rows time the whole run (start, recipe, quit, exit) without a terminal."
    hf su-shell -N --warmup "$WARMUP" --runs "$RUNS" -- "imgmake shell -c quit" "$IMGMAKE shell -C $demo -c quit"
    log "su-prompt: imgmake shell, time to the first prompt on a pty"
    HOME=$BENCH_WORK/home $PY "$BENCH_DIR/firstprompt.py" "$IMGMAKE" "$demo" "$RUNS" "$WARMUP" "$RESULTS_DIR/su-prompt.json" >&2 \
        || { echo "imgmake shell (first prompt)" > "$RESULTS_DIR/su-prompt.failed"; log "su-prompt: FAILED"; }
    hf su-shell-stdin --warmup "$WARMUP" --runs "$RUNS" -- "echo quit | imgmake shell" "echo quit | $IMGMAKE shell -C $demo"
    note su.vips.shell-stdin "$( (echo quit | strace -f -e trace=openat -o "$BENCH_WORK/strace2.out" "$IMGMAKE" shell -C "$demo" >/dev/null 2>&1); grep -q vips-modules "$BENCH_WORK/strace2.out" && echo yes || echo no)"
else
    note su.shell "\`imgmake shell -c quit\` failed: the shell is not there (or not working) in this build; not timed."
fi
hf su-vipsthumbnail -N --warmup "$WARMUP" --runs "$RUNS" -- "vipsthumbnail --help" "vipsthumbnail --help"
hf su-vips-version -N --warmup "$WARMUP" --runs "$RUNS" -- "vips --version" "vips --version"
hf su-python -N --warmup "$WARMUP" --runs "$RUNS" -- "python3 -c pass" "$PY -c pass"
hf su-true -N --warmup "$WARMUP" --runs "$RUNS" -- "true" "true"
$PY "$BENCH_DIR/report.py" startup "$RESULTS_DIR" > "$RESULTS_DIR/startup.md"
log "startup: done -> $RESULTS_DIR/startup.md"
