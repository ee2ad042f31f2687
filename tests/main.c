/* main.c: the checkpoint runner.
 *
 * Compiled once per snapshot: it runs the checkpoint suite and the exercise suite of every
 * chapter 1..N against the engine as it stands at the end of chapter N. Which suites it holds
 * is said by suites.h (below): for make exerciseN only the exercises of chapter N, for make
 * check-engine only the checkpoints (a reader's own engine, without the book's solutions).
 *
 *   checkpoints        run every suite compiled in
 *   checkpoints K      run only the suites of chapter K (tools/check-engine: one row per chapter)
 *
 * Exit status: 0 only when at least one test ran and every test passed, each to its end
 * (harness.h: a test that exits early fails, whatever its exit status; the tests always run in
 * fork mode, whatever CK_FORK says).
 */
#define HARNESS_MAIN
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The suites of this runner, one line per chapter that has tests, written by tools/suites:
 *   CHAPTER_SUITES(K, checkpointK_suite, exercisesK_suite)
 * with NO_SUITE for a part the runner leaves out. The build writes suites.h for each
 * snapshot; make exerciseN and make check-engine write their own (SUITES_H names it). */
#ifndef SUITES_H
#define SUITES_H "suites.h"
#endif
#define NO_SUITE no_suite

Suite *no_suite(void) { return NULL; }

#define CHAPTER_SUITES(k, checkpoint, exercises) Suite *checkpoint(void); Suite *exercises(void);
#include SUITES_H
#undef CHAPTER_SUITES

typedef struct {
    int chapter;
    Suite *(*checkpoint)(void);
    Suite *(*exercises)(void);
} Chapter;

static const Chapter chapters[] = {
#define CHAPTER_SUITES(k, checkpoint, exercises) {k, checkpoint, exercises},
#include SUITES_H
#undef CHAPTER_SUITES
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
        Suite *checkpoint = chapters[i].checkpoint(), *exercises = chapters[i].exercises();
        if (checkpoint != NULL)
            srunner_add_suite(runner, checkpoint);
        if (exercises != NULL)
            srunner_add_suite(runner, exercises);
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
