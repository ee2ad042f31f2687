/* readers.c: a libFuzzer target for the trainer's two readers.
 *
 * The input bytes are written to a file, and both readers of chapter 6 read it: the data set
 * reader (dataset_read_csv, two inputs and a label) and the parameter reader (parameters_read,
 * into a small network). For each the target checks:
 *
 *  - an accepted file gives what the contract promises: a data set of at least one example
 *    whose inputs are finite and whose labels are -1 or 1; parameters that are all finite;
 *  - a rejected file gives -1 and a message "FILE:LINE: problem" whose line is a line of the
 *    file (or "FILE: problem" for a problem with the whole file, such as no examples), and
 *    leaves the network's parameters exactly as they were;
 *  - and, with AddressSanitizer and UBSan, that neither reader reads or writes out of bounds.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "training.h"

static char path[64];
static MLP *net;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/tmp/fuzz-readers-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("fuzz readers: mkstemp");
        abort();
    }
    close(fd);
    Rng rng;
    rng_seed(&rng, 1, 1);
    static const size_t sizes[] = {3, 1};
    net = mlp_new(2, sizes, 2, ACT_TANH, ACT_LINEAR, &rng);
    return 0;
}

static void fail(const char *reader, const char *problem, const char *error)
{
    fprintf(stderr, "fuzz readers: %s: %s (message: \"%s\")\n", reader, problem, error);
    unlink(path);
    abort();
}

/* "PATH:LINE: problem" with 1 <= LINE <= lines, or "PATH: problem"; a non-empty problem. */
static void check_message(const char *reader, const char *error, size_t lines)
{
    size_t n = strlen(path);
    if (strncmp(error, path, n) != 0 || error[n] != ':')
        fail(reader, "the message does not start with the file name", error);
    const char *rest = error + n + 1;
    if (isdigit((unsigned char)*rest)) {
        char *end;
        unsigned long line = strtoul(rest, &end, 10);
        if (*end != ':' || line < 1 || line > lines)
            fail(reader, "the message names no line of the file", error);
        rest = end + 1;
    }
    if (*rest != ' ' || rest[1] == '\0')
        fail(reader, "the message states no problem", error);
}

static void check_dataset(const uint8_t *data, size_t size, size_t lines)
{
    Dataset d = {0};
    char error[512] = "";
    (void)data;
    (void)size;
    int status = dataset_read_csv(path, 2, &d, error, sizeof error);
    if (status == -1) {
        check_message("dataset_read_csv", error, lines);
        if (d.x != NULL || d.count != 0)
            fail("dataset_read_csv", "a rejected file left a data set behind", error);
        return;
    }
    if (status != 0)
        fail("dataset_read_csv", "returned neither 0 nor -1", error);
    if (d.count == 0 || d.nin != 2)
        fail("dataset_read_csv", "accepted a file with no examples", "");
    for (size_t i = 0; i < d.count; i++) {
        if (d.y[i] != -1.0 && d.y[i] != 1.0)
            fail("dataset_read_csv", "accepted a label other than -1 and 1", "");
        if (!isfinite(d.x[2 * i]) || !isfinite(d.x[2 * i + 1]))
            fail("dataset_read_csv", "accepted an input that is not finite", "");
    }
    dataset_free(&d);
}

static void check_parameters(size_t lines)
{
    size_t n;
    Value **p = mlp_parameters(net, &n);
    for (size_t j = 0; j < n; j++)
        p[j]->data = 0.25 * (double)j;            /* a known state before each read */
    char error[512] = "";
    int status = parameters_read(net, path, error, sizeof error);
    if (status == -1) {
        check_message("parameters_read", error, lines);
        for (size_t j = 0; j < n; j++)
            if (p[j]->data != 0.25 * (double)j)
                fail("parameters_read", "a rejected file changed the parameters", error);
        return;
    }
    if (status != 0)
        fail("parameters_read", "returned neither 0 nor -1", error);
    for (size_t j = 0; j < n; j++)
        if (!isfinite(p[j]->data))
            fail("parameters_read", "accepted a parameter that is not finite", "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(data, 1, size, out) != size || fclose(out) != 0) {
        perror("fuzz readers: writing the input file");
        abort();
    }
    size_t lines = 1;                                  /* a last line without a newline too */
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    check_dataset(data, size, lines);
    check_parameters(lines);
    return 0;
}
