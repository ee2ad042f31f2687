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
 * A status is only a number, and code under test could end its process with REACHED_END
 * itself, through _Exit, which runs no atexit handler. So the teardown also writes the test's
 * name into a file the runner made (harness_ended) before it exits; after the run, harness_run
 * counts the names: a test that Check counts as passed but whose name is missing did not reach
 * its end. The run then fails, names the tests that did not reach their end, and prints
 * Check's summary line again with them counted as failures (make check reads the last one).
 * The file and the list of registered tests live in the runner: the one file that defines
 * HARNESS_MAIN before including this header (tests/main.c, tests/limits/oom.c).
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

/* The runner's: the file the children write the names of their finished tests into, and
   the names of the tests registered (defined where HARNESS_MAIN is). */
extern FILE *harness_ended;
void harness_register(const TTest *test);

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

/* The checked teardown: only a test that returned gets here. tcase_name() is the name of the
   test being run. */
static void exit_reached_end(void)
{
    test_returned = 1;
    if (harness_ended != NULL) {
        fprintf(harness_ended, "%s\n", tcase_name());
        fflush(harness_ended);
    }
    exit(REACHED_END);
}

static inline TCase *harness_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, arm_the_end_check, exit_reached_end);
    return tc;
}

#define harness_add(tc, test) \
    (harness_register(test), tcase_add_exit_test(tc, test, REACHED_END))

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

int harness_run(SRunner *runner);

#ifdef HARNESS_MAIN
FILE *harness_ended;

static const TTest **registered;
static size_t registered_count, registered_room;

void harness_register(const TTest *test)
{
    if (registered_count == registered_room) {
        registered_room = registered_room ? 2 * registered_room : 256;
        registered = realloc(registered, registered_room * sizeof *registered);
        if (registered == NULL) {
            fprintf(stderr, "harness: out of memory\n");
            abort();
        }
    }
    registered[registered_count++] = test;
}

static char *ended_mark;   /* ended_mark[i]: registered test i wrote its name (reached its end) */

/* How many tests reached their end (the lines of the file), marking each registered test found;
   each registered test that did not is named (a failed test is among them: it did not reach
   its end either). */
static int count_the_ended(FILE *ended, int *unended)
{
    char line[512];
    int count = 0;
    ended_mark = calloc(registered_count + 1, 1);
    if (ended_mark == NULL)
        abort();
    rewind(ended);
    while (fgets(line, sizeof line, ended) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        count++;
        for (size_t i = 0; i < registered_count; i++)
            if (!ended_mark[i] && strcmp(registered[i]->name, line) == 0) {
                ended_mark[i] = 1;
                break;
            }
    }
    *unended = 0;
    for (size_t i = 0; i < registered_count; i++)
        if (!ended_mark[i])
            fprintf(stderr, "%s%s", (*unended)++ ? ", " : "harness: did not reach their end: ",
                    registered[i]->name);
    if (*unended)
        fprintf(stderr, "\n");
    return count;
}

int harness_run(SRunner *runner)
{
    srunner_set_fork_status(runner, CK_FORK);
    harness_ended = tmpfile();
    if (harness_ended == NULL) {
        perror("harness: a file for the names of the tests that ended");
        return EXIT_FAILURE;
    }
    srunner_run_all(runner, CK_NORMAL);
    int ran = srunner_ntests_run(runner);
    int failed = srunner_ntests_failed(runner);
    explain_early_exits(runner);
    int unended = 0;
    int ended = count_the_ended(harness_ended, &unended);
    fclose(harness_ended);
    harness_ended = NULL;
    if (ended < ran - failed) {
        int missing = ran - failed - ended;
        fprintf(stderr, "harness: %d test(s) counted as passed did not reach their end (their "
                "process ended with the harness's own status): the list above holds them, and "
                "the failures\n", missing);
        if (missing == unended)             /* no failure among them: name each as Check would */
            for (size_t i = 0; i < registered_count; i++)
                if (!ended_mark[i])
                    printf("%s:%d:F:(did not reach its end):%s:0: exited before the end of the "
                           "test, with the harness's own exit status (_Exit)\n",
                           registered[i]->file, registered[i]->line, registered[i]->name);
        failed += missing;
        printf("%d%%: Checks: %d, Failures: %d, Errors: 0\n", ran ? 100 * (ran - failed) / ran : 0,
               ran, failed);
    }
    free(ended_mark);
    if (ran == 0)
        fprintf(stderr, "no test ran\n");
    return ran > 0 && failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
#endif

#undef tcase_add_test
#pragma GCC poison tcase_create tcase_add_test

#endif
