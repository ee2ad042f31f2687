/* harness.h: the one way a Check test is added and run in this project.
 *
 * Check runs each test in a child process and judges it by how the child ends. Left to
 * itself, a child that exits with status 0 before the end of its test (an engine that calls
 * exit(0) halfway through) is counted as a pass. Here a test passes only if it proves that it
 * ran to its end:
 *   - harness_tcase(name) makes a test case whose last checked teardown exits the child with
 *     REACHED_END; a checked teardown runs in the child only after the test function returned;
 *   - harness_add(tc, test) registers a test that passes only on the exit status REACHED_END.
 * A checked setup arms an atexit handler in the child that turns any exit() before the test
 * returned (even exit(REACHED_END)) into the status EARLY_EXIT. An early exit, whatever its
 * status, is then a failure of that test, by name: Check prints "Early exit with return value
 * 78" (or 0, for _Exit(0)), and harness_run adds a line saying that the test exited before its
 * end. A failed assertion, a crash, a timeout fail as before.
 *
 * harness_run(runner) runs the suites in fork mode whatever CK_FORK says (timeouts and the
 * protocol above need a child per test), prints Check's summary, and returns the exit status
 * of the runner: EXIT_SUCCESS only when at least one test ran and every test passed.
 *
 * A failed comparison of doubles prints both with all their digits (CK_FLOATING_DIG below).
 *
 * After this header, tcase_create and tcase_add_test are poisoned: a test written without the
 * protocol does not compile.
 */
#ifndef HARNESS_H
#define HARNESS_H

/* Check prints the two doubles of a failed ck_assert_double_* with CK_FLOATING_DIG significant
 * digits, 6 unless told: two doubles that differ in their last bits would look equal. 17 digits
 * tell any two doubles apart. Every test file includes Check through this header. */
#define CK_FLOATING_DIG 17
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    REACHED_END = 77,   /* the status of a child whose test returned */
    EARLY_EXIT = 78     /* the status of a child that called exit() before its test's end */
};

/* In the child: set when the test function has returned. */
static int test_returned;

/* An exit() before the test's end, with any status (even REACHED_END), becomes EARLY_EXIT. */
static void refuse_an_early_exit(void)
{
    if (!test_returned)
        _Exit(EARLY_EXIT);
}

static void arm_the_end_check(void)
{
    test_returned = 0;
    atexit(refuse_an_early_exit);
}

static void exit_reached_end(void)
{
    test_returned = 1;
    exit(REACHED_END);
}

static inline TCase *harness_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, arm_the_end_check, exit_reached_end);
    return tc;
}

#define harness_add(tc, test) tcase_add_exit_test(tc, test, REACHED_END)

/* Say in words what Check reports as "Early exit with return value N". */
static inline void explain_early_exits(SRunner *runner)
{
    TestResult **results = srunner_failures(runner);
    int n = srunner_ntests_failed(runner);
    for (int i = 0; i < n; i++) {
        const char *msg = tr_msg(results[i]);
        if (msg != NULL && strncmp(msg, "Early exit with return value", 28) == 0)
            fprintf(stderr, "%s:%d: a test of \"%s\" exited before its end (the line is the last "
                    "assertion it passed)\n", tr_lfile(results[i]), tr_lno(results[i]),
                    tr_tcname(results[i]));
    }
    free(results);
}

static inline int harness_run(SRunner *runner)
{
    srunner_set_fork_status(runner, CK_FORK);
    srunner_run_all(runner, CK_NORMAL);
    int ran = srunner_ntests_run(runner);
    int failed = srunner_ntests_failed(runner);
    explain_early_exits(runner);
    if (ran == 0)
        fprintf(stderr, "no test ran\n");
    return ran > 0 && failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#undef tcase_add_test
#pragma GCC poison tcase_create tcase_add_test

#endif
