/* main.c: the checkpoint runner.
 *
 * Compiled once per snapshot with -DCHAPTER=N: it runs the checkpoint suite and the exercise
 * suite of every chapter 1..N against the engine as it stands at the end of chapter N.
 * Compiled with -DEXERCISES_ONLY=N it runs only the exercises of chapter N (make exerciseN).
 * Compiled with -DCHECKPOINTS_ONLY as well as -DCHAPTER=N it runs only the checkpoint suites
 * of chapters 1..N (make check-engine: a reader's own engine, without the book's solutions).
 *
 *   checkpoints        run every suite compiled in
 *   checkpoints K      run only the suites of chapter K (tools/check-engine: one row per chapter)
 *
 * Exit status: 0 only when at least one test ran and every test passed, each to its end
 * (harness.h: a test that exits early fails, whatever its exit status; the tests always run in
 * fork mode, whatever CK_FORK says).
 */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITES(k) Suite *checkpoint##k##_suite(void); Suite *exercises##k##_suite(void);
SUITES(1)
SUITES(2)
SUITES(3)
SUITES(4)
SUITES(5)
SUITES(6)

typedef struct {
    int chapter;
    Suite *(*checkpoint)(void);
    Suite *(*exercises)(void);
} Chapter;

/* Under EXERCISES_ONLY the checkpoint suites are not linked in: leave them out of the table. */
#ifdef EXERCISES_ONLY
#define ENTRY(k) {k, NULL, exercises##k##_suite}
#elif defined CHECKPOINTS_ONLY
#define ENTRY(k) {k, checkpoint##k##_suite, NULL}
#else
#define ENTRY(k) {k, checkpoint##k##_suite, exercises##k##_suite}
#endif

static const Chapter chapters[] = {
#if CHAPTER >= 1 || EXERCISES_ONLY == 1
    ENTRY(1),
#endif
#if CHAPTER >= 2 || EXERCISES_ONLY == 2
    ENTRY(2),
#endif
#if CHAPTER >= 3 || EXERCISES_ONLY == 3
    ENTRY(3),
#endif
#if CHAPTER >= 4 || EXERCISES_ONLY == 4
    ENTRY(4),
#endif
#if CHAPTER >= 5 || EXERCISES_ONLY == 5
    ENTRY(5),
#endif
#if CHAPTER >= 6 || EXERCISES_ONLY == 6
    ENTRY(6),
#endif
};

int main(int argc, char **argv)
{
    const size_t count = sizeof chapters / sizeof chapters[0];
    int only = 0;                                   /* 0: every chapter compiled in */
    if (argc > 2 || (argc == 2 && (only = atoi(argv[1])) <= 0)) {
        fprintf(stderr, "usage: %s [CHAPTER]\n", argv[0]);
        return EXIT_FAILURE;
    }
    SRunner *runner = srunner_create(NULL);
    int found = 0;
    for (size_t i = 0; i < count; i++) {
        if (only != 0 && chapters[i].chapter != only)
            continue;
        found = 1;
        if (chapters[i].checkpoint != NULL)
            srunner_add_suite(runner, chapters[i].checkpoint());
        if (chapters[i].exercises != NULL)
            srunner_add_suite(runner, chapters[i].exercises());
    }
    if (!found) {
        fprintf(stderr, "checkpoints: chapter %d is not in this runner (chapters 1..%d)\n", only,
                count > 0 ? chapters[count - 1].chapter : 0);
        srunner_free(runner);
        return EXIT_FAILURE;
    }
    int status = harness_run(runner);
    srunner_free(runner);
    return status;
}
