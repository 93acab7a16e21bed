#!/usr/bin/env bash
# Builds and runs the test suite under ThreadSanitizer and/or AddressSanitizer (issue 7).
#   scripts/sanitizers.sh [thread|address|both] [SWIFT TEST ARGUMENTS...]
#   e.g. scripts/sanitizers.sh thread --filter 'ImgmakeCoreTests|ProcessPoolTests|IncrementalTests'   (CI)
# Scratch folders: .build-tsan, .build-asan. The imgmake executable the end-to-end tests spawn is
# instrumented too. Every process writes its sanitizer reports to .build-tsan/sanitizer-reports/ or .build-asan/... (log_path), not to
# stderr, so that tests reading imgmake's stderr and exit status are not disturbed (exitcode=0); the script
# then counts the reports and prints them. TSan reports inside libvips/GLib (not instrumented) are
# suppressed by scripts/tsan.supp, and only those.
# Exit status: 0 when the tests pass and no report was written.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kind="${1:-both}"
[ $# -gt 0 ] && shift
case $kind in thread|address) kinds=$kind ;; both) kinds="thread address" ;;
    *) echo "usage: scripts/sanitizers.sh [thread|address|both] [SWIFT TEST ARGUMENTS...]"; exit 2 ;; esac

status=0
for k in $kinds; do
    case $k in thread) scratch=.build-tsan; short=tsan ;; address) scratch=.build-asan; short=asan ;; esac
    reports=$PWD/$scratch/sanitizer-reports
    rm -rf "$reports"; mkdir -p "$reports"
    echo "==> [$short] swift build --build-tests --scratch-path $scratch --sanitize=$k"
    t0=$(date +%s)
    if ! swift build --build-tests --scratch-path "$scratch" --sanitize="$k" 2>&1 | grep -E "error:|^Build complete|Compiling.*failed"; then :; fi
    if [ "${PIPESTATUS[0]}" != 0 ]; then echo "[$short] build failed"; status=1; continue; fi
    t1=$(date +%s)
    echo "==> [$short] swift test --skip-build $*"
    export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan.supp:log_path=$reports/report:exitcode=0:halt_on_error=0:second_deadlock_stack=1:history_size=4"
    # Leaks are not checked: libvips and GLib keep caches and per-thread buffers for the life of the process.
    export ASAN_OPTIONS="log_path=$reports/report:detect_leaks=0:halt_on_error=1:detect_stack_use_after_return=0"
    export SWIFT_BACKTRACE=enable=no
    swift test --skip-build --scratch-path "$scratch" --sanitize="$k" "$@" >"$reports/test.log" 2>&1
    test_status=$?
    t2=$(date +%s)
    unset TSAN_OPTIONS ASAN_OPTIONS
    grep -E "Test run with .* (passed|failed)|tests? (passed|failed)|Executed .* tests" "$reports/test.log" | tail -3
    grep -E "✘ Test .* (failed|recorded an issue)" "$reports/test.log" | head -20
    files=$(ls "$reports"/report.* 2>/dev/null | wc -l)
    warnings=$(cat "$reports"/report.* 2>/dev/null | grep -c "^WARNING: ThreadSanitizer\|^==[0-9]*==ERROR: AddressSanitizer")
    echo "[$short] build $((t1 - t0)) s, tests $((t2 - t1)) s, test exit $test_status; $warnings sanitizer reports in $files files ($reports)"
    if [ "$warnings" -gt 0 ]; then
        # One line per distinct report: its kind and the first frame of imgmake's own code (or the first frame).
        for f in "$reports"/report.*; do
            awk '/^WARNING: ThreadSanitizer|ERROR: AddressSanitizer/{kind=$0; found=0}
                 /#[0-9]+ / && kind != "" && !found && /Imgmake|imgmake/ {print kind " @ " $0; found=1}' "$f"
        done | sed 's/0x[0-9a-f]*//g; s/ (.*+)//' | sort | uniq -c | sort -rn | head -30
        status=1
    fi
    [ $test_status = 0 ] || status=1
done
exit $status
