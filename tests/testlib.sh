# testlib.sh: the one protocol of the project's shell test drivers. Source it, then:
#
#   testlib_begin SUITE       the word of the summary line ("pipeline", "trainer", ...)
#   expect NAME COMMAND...    one test, named once: COMMAND (a function, usually) runs in this
#                             shell, so it may set variables that later tests read; it passes
#                             when it returns 0. What it prints is its evidence: shown, indented,
#                             under "not ok - NAME" only. Returns COMMAND's verdict (0 or 1).
#   fail NAME [LINE...]       a test that cannot even be run, counted as failed, LINEs shown
#   evidence LINE...          in a COMMAND: print LINEs as evidence and return 1 (fail)
#   expect_results FILE       count the "ok - " and "not ok - " lines of FILE (a report written
#                             by a background job that used expect) and print them
#   testlib_end               print "1..N" and the summary line "SUITE: N passed, M failed",
#                             and exit: 0 only when no test failed and at least one ran
#
# The output is TAP (one "ok - NAME" or "not ok - NAME" a test, the plan at the end) followed by
# the one line that tools/run-checks counts.

testlib_suite="" testlib_passed=0 testlib_failed=0
# A test's evidence waits in a file here, chosen now: a driver may point TMPDIR at a folder
# that a test checks for leftovers.
testlib_tmp=${TMPDIR:-/tmp}

testlib_begin() { testlib_suite=${1:?usage: testlib_begin SUITE}; }

testlib_count() {   # testlib_count 0|1 NAME: count one verdict and print its line
    if [ "$1" -eq 0 ]; then
        echo "ok - $2"; testlib_passed=$((testlib_passed + 1))
    else
        echo "not ok - $2"; testlib_failed=$((testlib_failed + 1))
    fi
}

expect() {
    local name=$1; shift
    if [ $# -eq 0 ]; then
        echo "testlib: expect \"$name\" has no command" >&2
        exit 2
    fi
    local log verdict=0
    log=$(mktemp "$testlib_tmp/testlib.XXXXXX")
    "$@" > "$log" 2>&1 || verdict=1
    testlib_count $verdict "$name"
    [ $verdict -eq 0 ] || sed 's/^/    /' "$log"
    rm -f "$log"
    return $verdict
}

fail() {
    testlib_count 1 "$1"; shift
    [ $# -eq 0 ] || printf '    %s\n' "$@"
}

evidence() {
    printf '%s\n' "$@"
    return 1
}

expect_results() {
    cat "$1"
    testlib_passed=$((testlib_passed + $(grep -c '^ok - ' "$1")))
    testlib_failed=$((testlib_failed + $(grep -c '^not ok - ' "$1")))
}

testlib_end() {
    local total=$((testlib_passed + testlib_failed))
    [ $total -gt 0 ] || echo "testlib: $testlib_suite ran no test" >&2
    echo "1..$total"
    echo "$testlib_suite: $testlib_passed passed, $testlib_failed failed"
    [ $testlib_failed -eq 0 ] && [ $testlib_passed -gt 0 ]
    exit
}
