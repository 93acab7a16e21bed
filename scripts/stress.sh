#!/usr/bin/env bash
# Stress and kill test (issue 7, SPEC §2 and §4).
#   scripts/stress.sh [KILLS]      default 200
# 1. Repeated -j16 builds of STRESS_IMAGES (default 2000) generated 64-px images, STRESS_REPEATS times in each
#    pool (default 2): every output file's SHA-256 and the set of state records (output, fingerprint, inputs)
#    must be identical each time, and `imgmake list` must say the same thing.
# 2. A kill loop over KILL_IMAGES (default 300) images, until KILLS signals have landed in a running build (a
#    signal that comes after the build finished interrupts nothing and is not counted): start a build (thread or
#    process pool at random), kill it after a random delay with SIGINT or SIGKILL (at random), then check: SIGINT exits 130 and leaves no
#    temporary; no process is left; every output that exists is a complete image (decoded in full); the state
#    loads (`imgmake -n` works). Every RESUME_EVERY kills (default 5), and at the end, a run is let finish: its
#    outputs must be byte-identical to a clean reference build, no temporary may remain anywhere, and the run
#    after it must find everything up to date.
# Environment: IMGMAKE_BIN (default: built in .build-rel), STRESS_DIR (default: a fresh temp dir, removed).
# Prints the counts; exits 1 when any check failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STATE_RECORDS=$PWD/scripts/state-records.py
KILLS="${1:-200}"
IMAGES="${STRESS_IMAGES:-2000}"
REPEATS="${STRESS_REPEATS:-2}"
KILL_IMAGES="${KILL_IMAGES:-300}"
RESUME_EVERY="${RESUME_EVERY:-5}"
BIN="${IMGMAKE_BIN:-}"
if [ -z "$BIN" ]; then
    swift build -c release --scratch-path .build-rel --product imgmake >/dev/null 2>&1 || { echo "build failed"; exit 2; }
    BIN=$PWD/.build-rel/release/imgmake
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK="${STRESS_DIR:-$(mktemp -d /tmp/imgmake-stress.XXXXXX)}"
[ -z "${STRESS_DIR:-}" ] && trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A tree of N distinct 64×64 images: one noise picture cut into tiles by imgmake itself (a `with` matrix).
make_tree() {  # DIR N
    local dir=$1 n=$2 cols rows xs="" ys=""
    cols=50; rows=$(( (n + cols - 1) / cols ))
    mkdir -p "$dir"
    vips gaussnoise "$dir/noise.v" $((cols * 64)) $((rows * 64)) --sigma 60 --seed 7 \
        && vips cast "$dir/noise.v" "$dir/grey.v" uchar \
        && vips bandjoin "$dir/grey.v $dir/grey.v $dir/grey.v" "$dir/t.v" || exit 2
    rm -f "$dir/noise.v" "$dir/grey.v"
    for ((i = 0; i < cols; i++)); do xs+=" $((i * 64))"; done
    for ((i = 0; i < rows; i++)); do ys+=" $((i * 64))"; done
    # (A .v file: libvips maps it and reads any tile at once; a PNG would be decoded whole for every tile.)
    printf 'tiles: src/{name}-{y}-{x}.png <- t.v\n    with x =%s\n    with y =%s\n    extract_area {x} {y} 64 64\n' "$xs" "$ys" \
        > "$dir/tiles.imgmake"
    (cd "$dir" && "$BIN" -q -f tiles.imgmake -j2) || exit 2
    rm -rf "$dir/.imgmake" "$dir/tiles.imgmake" "$dir/t.v"
    # Keep exactly n.
    ls "$dir/src" | sort | tail -n +$((n + 1)) | while read -r f; do rm "$dir/src/$f"; done
    cat > "$dir/Imgmakefile" <<'RECIPE'
all: thumbs turned sheet
thumbs: out/t/{name}.webp <- src/*.png
    thumbnail 48 height=48 crop=centre
    sharpen sigma=0.5
    save Q=80
turned: out/r/{name}.png <- src/*.png
    rotate 90
    gaussblur sigma=0.8
sheet: out/sheet.jpg <- out/t/t-0-*.webp
    arrayjoin across=10 shim=2
    save Q=85
RECIPE
}

hashes() { (cd "$1" && find out -type f ! -name '.*' -print0 | sort -z | xargs -0 -r sha256sum); }
# The state as a set: output, fingerprint, input paths (times differ from run to run, these must not).
# The live records (output, fingerprint, inputs) of the snapshot and the journals over it.
records() { python3 "$STATE_RECORDS" "$1"; }
temporaries() { find "$1" -name '.*.imgmake-*.tmp' | sort; }
no_workers_left() {  # waits (up to 10 s) for every live process of this binary working in DIR to be gone
    # Workers are spawned as "imgmake __worker ..." (argv[0] is not the path), so processes are found by their
    # executable; a zombie (exited, not yet reaped by init) is gone.
    local i pid busy
    for ((i = 0; i < 100; i++)); do
        busy=0
        for pid in $(pgrep -x imgmake; pgrep -f "^$BIN"); do
            [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$BIN" ] || continue
            [ "$(awk '/^State/{print $2}' "/proc/$pid/status" 2>/dev/null)" = Z ] && continue
            [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$1" ] && busy=1
        done
        [ $busy = 0 ] && return 0
        sleep 0.1
    done
    return 1
}
# Decodes every listed image in full, in one process; on failure, one by one to name the culprit.
decode_all() {  # DIR FILES...
    local dir=$1; shift
    [ $# -eq 0 ] && return 0
    local list="" f
    for f in "$@"; do list+="$dir/$f[fail-on=warning] "; done
    if vips arrayjoin "$list" /tmp/imgmake-stress-decode-$$.v --across 20 >/dev/null 2>&1; then
        rm -f /tmp/imgmake-stress-decode-$$.v; return 0
    fi
    rm -f /tmp/imgmake-stress-decode-$$.v
    for f in "$@"; do vips avg "$dir/$f[fail-on=warning]" >/dev/null 2>&1 || echo "$f"; done
    return 1
}

echo "==> imgmake $("$BIN" --version) at $BIN; work in $WORK"
start=$(date +%s)

# ---------------------------------------------------------------- 1. repeated -j16 builds
if [ "$REPEATS" -gt 0 ]; then
    echo "==> $IMAGES images: -j16 builds, $REPEATS per pool"
    make_tree "$WORK/big" "$IMAGES"
    ref_hash="" ref_records="" ref_list="" builds=0
    for pool in thread process; do
        for ((r = 1; r <= REPEATS; r++)); do
            rm -rf "$WORK/big/out" "$WORK/big/.imgmake"
            t0=$(date +%s.%N)
            (cd "$WORK/big" && "$BIN" -q -j16 --pool $pool) || fail "-j16 --pool $pool build $r exited $?"
            t1=$(date +%s.%N)
            h=$(hashes "$WORK/big"); rec=$(records "$WORK/big"); lst=$(cd "$WORK/big" && "$BIN" list)
            n=$(printf '%s\n' "$h" | grep -c .)
            printf '    %-7s run %d: %d files in %.1f s\n' $pool "$r" "$n" "$(echo "$t1 - $t0" | bc)"
            if [ -z "$ref_hash" ]; then ref_hash=$h; ref_records=$rec; ref_list=$lst
            else
                [ "$h" = "$ref_hash" ] || fail "$pool run $r: outputs differ from the first build ($(diff <(echo "$ref_hash") <(echo "$h") | grep -c '^>') files)"
                [ "$rec" = "$ref_records" ] || fail "$pool run $r: state records differ from the first build"
                [ "$lst" = "$ref_list" ] || fail "$pool run $r: 'imgmake list' differs"
            fi
            [ -z "$(temporaries "$WORK/big")" ] || fail "$pool run $r left temporaries"
            builds=$((builds + 1))
        done
    done
    expected=$((IMAGES * 2 + 1))
    [ "$(printf '%s\n' "$ref_hash" | grep -c .)" = "$expected" ] || fail "expected $expected outputs"
    [ "$(printf '%s\n' "$ref_records" | grep -c .)" = "$expected" ] || fail "expected $expected records"
    echo "    $builds builds of $expected outputs: identical outputs and state"
    rm -rf "$WORK/big"
fi

# ---------------------------------------------------------------- 2. kill loop
if [ "$KILLS" -gt 0 ]; then
    echo "==> kill loop: $KILLS kills over $KILL_IMAGES images"
    make_tree "$WORK/k" "$KILL_IMAGES"
    D="$WORK/k"
    # The reference: a clean build, and how long it takes.
    t0=$(date +%s%N)
    (cd "$D" && "$BIN" -q -j4) || { echo "reference build failed"; exit 2; }
    t1=$(date +%s%N)
    full_ms=$(( (t1 - t0) / 1000000 ))
    ref_hash=$(hashes "$D"); ref_records=$(records "$D")
    echo "    reference build: $(printf '%s\n' "$ref_hash" | grep -c .) outputs in $full_ms ms"
    rm -rf "$D/out" "$D/.imgmake"
    declare -A killed=()
    declare -A exits=()
    declare -A landed=()
    finished_first=0 fresh=0
    completions=0 partial_outputs=0 stale_tmp_after_kill9=0 decoded=0
    marker="$WORK/marker"
    landed_total=0
    for ((k = 1; landed_total < KILLS && k <= 3 * KILLS; k++)); do
        pool=$([ $((RANDOM % 2)) = 0 ] && echo thread || echo process)
        sig=$([ $((RANDOM % 2)) = 0 ] && echo INT || echo KILL)
        jobs=$((RANDOM % 2 == 0 ? 16 : 4))
        delay_ms=$((RANDOM % (full_ms + 200) + 10))
        # Temporaries already there were left by an earlier kill -9; a SIGINT that lands before this run's
        # clean-up started may leave them to the next run, but must add none of its own.
        tmps_before=$(temporaries "$D")
        touch "$marker"; sleep 0.01
        (cd "$D" && exec "$BIN" -q -j$jobs --pool $pool >"$WORK/run.out" 2>"$WORK/run.err") &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        kill -s $sig $pid 2>/dev/null
        { wait $pid; } 2>/dev/null; status=$?
        key="$pool/SIG$sig"
        killed[$key]=$(( ${killed[$key]:-0} + 1 ))
        # A signal that came after the build had finished interrupted nothing (still checked below); count the
        # ones that landed, and start the next round from scratch so that it has a whole build to interrupt.
        if [ $status = 0 ]; then finished_first=$((finished_first + 1)); fresh=1; else landed[$key]=$(( ${landed[$key]:-0} + 1 )); landed_total=$((landed_total + 1)); fresh=0; fi
        exits["$key exit $status"]=$(( ${exits["$key exit $status"]:-0} + 1 ))
        if [ $sig = INT ] && [ $status != 130 ] && [ $status != 0 ]; then fail "kill $k ($key after $delay_ms ms): exit $status, not 130: $(tail -3 "$WORK/run.err")"; fi
        if [ $sig = KILL ] && [ $status != 137 ] && [ $status != 0 ]; then fail "kill $k ($key after $delay_ms ms): exit $status: $(tail -3 "$WORK/run.err")"; fi
        no_workers_left "$D" || fail "kill $k ($key): imgmake processes still running in $D after 10 s"
        tmps=$(temporaries "$D")
        if [ -n "$tmps" ]; then
            new_tmps=$(comm -13 <(printf '%s\n' "$tmps_before") <(printf '%s\n' "$tmps") | grep . || true)
            if [ $sig = INT ] && [ -n "$new_tmps" ]; then fail "kill $k ($key after $delay_ms ms, exit $status): temporaries left: $new_tmps"
            elif [ $sig = KILL ]; then stale_tmp_after_kill9=$((stale_tmp_after_kill9 + $(printf '%s\n' "$new_tmps" | grep -c .))); fi
        fi
        # Every output written in this run is a whole image.
        mapfile -t new < <(cd "$D" && find out -type f ! -name '.*' -newer "$marker" 2>/dev/null)
        bad=$(decode_all "$D" "${new[@]}") || { fail "kill $k ($key): undecodable outputs: $bad"; partial_outputs=$((partial_outputs + 1)); }
        decoded=$((decoded + ${#new[@]}))
        # The state loads.
        (cd "$D" && "$BIN" -n -q >/dev/null 2>"$WORK/dry.err") || fail "kill $k ($key): 'imgmake -n' failed: $(cat "$WORK/dry.err")"
        grep -qi "fatal\|crash" "$WORK/dry.err" && fail "kill $k: $(cat "$WORK/dry.err")"
        if [ $((k % RESUME_EVERY)) = 0 ] || [ $landed_total -ge "$KILLS" ]; then
            pool=$([ $((RANDOM % 2)) = 0 ] && echo thread || echo process)
            (cd "$D" && "$BIN" -q -j4 --pool $pool >/dev/null 2>"$WORK/resume.err") || fail "completing run after kill $k exited $?: $(tail -3 "$WORK/resume.err")"
            [ "$(hashes "$D")" = "$ref_hash" ] || fail "after kill $k: outputs differ from the clean reference build: $(diff <(echo "$ref_hash") <(hashes "$D") | head -4)"
            [ "$(records "$D")" = "$ref_records" ] || fail "after kill $k: state records differ from the reference"
            tmps=$(temporaries "$D"); [ -z "$tmps" ] || fail "after the completing run $k: temporaries remain: $tmps"
            again=$(cd "$D" && "$BIN" -j2 2>&1 | tail -1)
            case $again in *"up to date"*) ;; *) fail "after kill $k: the run after a completing run was not a no-op: $again" ;; esac
            completions=$((completions + 1))
            # Start again from scratch, or from half the outputs deleted (a CI cache), or leave it built.
            case $((RANDOM % 3)) in
                0) rm -rf "$D/out" "$D/.imgmake" ;;
                1) find "$D/out" -type f | awk 'NR % 2' | xargs -r rm -f ;;
                2) rm -rf "$D/out/t" ;;
            esac
        fi
        [ $fresh = 1 ] && rm -rf "$D/out" "$D/.imgmake"
        if [ $((k % 20)) = 0 ]; then echo "    $k signals sent, $landed_total landed in a running build, $failures failures"; fi
    done
    echo "==> kills by pool and signal:"
    for key in $(printf '%s\n' "${!killed[@]}" | sort); do echo "    $key: ${killed[$key]}"; done
    echo "==> signals that interrupted a running build, by pool and signal:"
    for key in $(printf '%s\n' "${!landed[@]}" | sort); do echo "    $key: ${landed[$key]}"; done
    echo "    ($finished_first signals came after the build had finished)"
    echo "==> exit statuses:"
    for key in "${!exits[@]}"; do echo "    $key: ${exits[$key]}"; done | sort
    echo "==> $((k - 1)) signals sent, $landed_total landed in a running build; $completions completing runs all byte-identical to the reference; $decoded outputs written by killed runs decoded in full, $partial_outputs undecodable; $stale_tmp_after_kill9 temporaries left by kill -9 (removed by the next run)"
fi
echo "==> $failures failures in $(( $(date +%s) - start )) s"
[ $failures = 0 ]
