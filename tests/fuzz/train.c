/* train.c: a libFuzzer target for the trainer's command line.
 *
 * The trainer's own source (chapter 6's train.c) is compiled into this target with main
 * renamed train_main, and called in the process with a fuzzed argv: train.c ends every run by
 * returning from main, never by exit(), so a call is a whole run, and LeakSanitizer sees
 * anything a run leaves allocated. Standard output and standard error are files of their own
 * during the call.
 *
 * The input is the arguments, each ended by a NUL byte, then an empty argument, then the
 * bytes of a data file, a NUL pair, and the bytes of a parameter file. An argument "@D" is the
 * data file's name, "@I" the parameter file's. "--steps 2" goes before the arguments when
 * none of them is "--steps" (so that a run without --steps does not train for 100 steps; with
 * one, ours would be an option given twice), and a --steps value of more than 3 becomes 3:
 * both are whole numbers in range, so neither changes what the command line means otherwise. The target follows the command line as train --help documents it and checks:
 *
 *  - a bad command line (an unknown option, an option without its value, a number that is not
 *    a whole number in range, an option given twice, an empty --data or --init file name)
 *    before any --help: exit status 2, nothing on standard output,
 *    one line "train: ..." on standard error (more lines only if an argument has newlines);
 *  - --help first: status 0, the usage on standard output, nothing on standard error;
 *  - otherwise status 0 with nothing on standard error and exactly one line
 *    "step K loss L accuracy A%" per step, K from 0, L finite, A from 0 to 100; or status 1
 *    with one line "train: ..." on standard error (a bad file, or a loss that is not finite),
 *    the step lines before it well formed.
 * Anything else (another status, a crash, a leak, an exit from inside the library) fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzzing.h"

int train_main(int argc, char **argv);

enum { MAX_ARGS = 16, MAX_STEPS = 3, OUTPUT_SIZE = 1 << 16 };

static char data_path[64], init_path[64], out_path[64], err_path[64];

static void temporary(char *path, size_t size)
{
    fuzz_temporary("train", path, size);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    temporary(data_path, sizeof data_path);
    temporary(init_path, sizeof init_path);
    temporary(out_path, sizeof out_path);
    temporary(err_path, sizeof err_path);
    return 0;
}

static void write_file(const char *path, const uint8_t *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
        perror("fuzz train: writing a file");
        abort();
    }
}

static char out_text[OUTPUT_SIZE], err_text[OUTPUT_SIZE];

static void read_back(FILE *f, char *text)
{
    fflush(f);
    rewind(f);
    size_t n = fread(text, 1, OUTPUT_SIZE - 1, f);
    text[n] = '\0';
    fclose(f);
}

static void fail(int argc, char **argv, int status, const char *problem)
{
    fprintf(stderr, "fuzz train: %s\n  command:", problem);
    for (int i = 0; i < argc; i++)
        fprintf(stderr, " \"%s\"", argv[i]);
    fprintf(stderr, "\n  status %d\n  stdout: \"%.300s\"\n  stderr: \"%.300s\"\n", status,
            out_text, err_text);
    abort();
}

/* A whole number from low to high, as train --help says: digits only, no sign, in range. */
static int whole(const char *text, uint64_t low, uint64_t high, uint64_t *x)
{
    if (text[0] == '\0' || text[strspn(text, "0123456789")] != '\0')
        return 0;
    errno = 0;
    *x = strtoull(text, NULL, 10);
    return errno != ERANGE && *x >= low && *x <= high;
}

/* What the command line asks for: 2 for a bad one, 1 for --help, else 0 and the steps. */
static int expect(int argc, char **argv, uint64_t *steps)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t x;
        if (!strcmp(a, "--help"))
            return 1;
        if (strcmp(a, "--data") && strcmp(a, "--init") && strcmp(a, "--steps")
            && strcmp(a, "--seed"))
            return 2;
        if (i + 1 == argc)
            return 2;
        const char *value = argv[++i];
        for (int j = 1; j < i - 1; j += 2)
            if (!strcmp(argv[j], a))
                return 2;                 /* an option given twice */
        if ((!strcmp(a, "--data") || !strcmp(a, "--init")) && value[0] == '\0')
            return 2;                     /* an empty file name */
        if (!strcmp(a, "--steps")) {
            if (!whole(value, 1, 1000000000, &x))
                return 2;
            if (x > MAX_STEPS)
                argv[i] = "3";            /* a whole number in range, as the value was */
            *steps = x > MAX_STEPS ? MAX_STEPS : x;
        } else if (!strcmp(a, "--seed") && !whole(value, 0, UINT64_MAX, &x))
            return 2;
    }
    return 0;
}

static size_t newlines(const char *text)
{
    size_t n = 0;
    for (; *text != '\0'; text++)
        n += *text == '\n';
    return n;
}

/* One line "train: ..." and nothing else (a file name with a newline in it may add lines). */
static int one_message(const char *text, int argc, char **argv)
{
    size_t n = strlen(text), extra = 0;
    for (int i = 0; i < argc; i++)
        extra += newlines(argv[i]);
    return strncmp(text, "train: ", 7) == 0 && n > 8 && text[n - 1] == '\n'
           && newlines(text) <= 1 + extra;
}

/* Step lines "step K loss L accuracy A%", K from 0; returns how many, or -1. */
static long step_lines(const char *text)
{
    long k = 0;
    for (const char *line = text; *line != '\0'; k++) {
        const char *end = strchr(line, '\n');
        if (end == NULL)
            return -1;
        char want[32];
        snprintf(want, sizeof want, "step %ld loss ", k);
        if (strncmp(line, want, strlen(want)) != 0)
            return -1;
        char *after;
        double loss = strtod(line + strlen(want), &after);
        unsigned percent;
        int used = 0;
        if (!isfinite(loss) || sscanf(after, " accuracy %u%%%n", &percent, &used) != 1
            || after + used != end || percent > 100)
            return -1;
        line = end + 1;
    }
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[MAX_ARGS + 4] = {"train", "--steps", "2"};
    int argc = 3;
    size_t at = 0;
    while (at < size && copy[at] != '\0' && argc < MAX_ARGS + 3) {   /* the arguments */
        char *a = copy + at;
        at += strlen(a) + 1;
        argv[argc++] = !strcmp(a, "@D") ? data_path : !strcmp(a, "@I") ? init_path : a;
    }
    int own_steps = 0;
    for (int i = 3; i < argc; i++)
        own_steps |= !strcmp(argv[i], "--steps");
    if (own_steps) {                      /* no "--steps 2" of ours: it would be given twice */
        memmove(argv + 1, argv + 3, (size_t)(argc - 3) * sizeof *argv);
        argc -= 2;
    }
    argv[argc] = NULL;
    at = at < size ? at + 1 : size;                                    /* the empty one */
    const uint8_t *rest = data + at, *pair = NULL;
    for (size_t i = 0; i + 1 < size - at; i++)
        if (rest[i] == 0 && rest[i + 1] == 0) {
            pair = rest + i;
            break;
        }
    size_t data_size = pair ? (size_t)(pair - rest) : size - at;
    write_file(data_path, rest, data_size);
    if (pair)
        write_file(init_path, pair + 2, size - at - data_size - 2);
    else
        write_file(init_path, (const uint8_t *)"", 0);

    uint64_t steps = 2;
    int want = expect(argc, argv, &steps);

    FILE *saved_out = stdout, *saved_err = stderr;
    FILE *out = fopen(out_path, "w+"), *err = fopen(err_path, "w+");
    if (out == NULL || err == NULL)
        abort();
    stdout = out;
    stderr = err;
    int status = train_main(argc, argv);
    stdout = saved_out;
    stderr = saved_err;
    read_back(out, out_text);
    read_back(err, err_text);

    if (want == 2) {
        if (status != 2)
            fail(argc, argv, status, "a bad command line, but not exit status 2");
        if (out_text[0] != '\0' || !one_message(err_text, argc, argv))
            fail(argc, argv, status, "a bad command line: not one message on stderr alone");
    } else if (want == 1) {
        if (status != 0 || strncmp(out_text, "usage: train ", 13) != 0 || err_text[0] != '\0')
            fail(argc, argv, status, "--help: not status 0 and the usage on stdout alone");
    } else if (status == 0) {
        if (err_text[0] != '\0')
            fail(argc, argv, status, "status 0 with a message on stderr");
        if (step_lines(out_text) != (long)steps)
            fail(argc, argv, status, "status 0, but not one well-formed line per step");
    } else if (status == 1) {
        if (!one_message(err_text, argc, argv))
            fail(argc, argv, status, "status 1 without one message on stderr");
        long k = step_lines(out_text);
        if (k < 0 || k >= (long)steps)
            fail(argc, argv, status, "status 1 after lines that are not the steps before it");
    } else
        fail(argc, argv, status, "an exit status other than 0, 1 and 2");
    free(copy);
    return 0;
}
