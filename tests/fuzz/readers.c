/* readers.c: a libFuzzer target for the trainer's two readers.
 *
 * The input bytes are written to a file, and both readers of chapter 6 read it: the data set
 * reader (dataset_read_csv, two inputs and a label) and the parameter reader (parameters_read,
 * into a small network). The target reads the same bytes itself, with a reference reader
 * written here from the contract as README.md ("The trainer") and tests/CONTRACT.md state it,
 * over the bytes, not over C strings, and checks for each reader:
 *
 *  - it accepts exactly the files the reference accepts, and what it accepts equals the
 *    numbers on the file's lines: every example is the line's fields read by strtod, in the
 *    file's order; every parameter the file's words, in order;
 *  - a rejected file gives -1 and a message "FILE:LINE: problem" whose line is the first bad
 *    line the reference finds (or "FILE: problem" for a problem with the whole file, such as
 *    no examples), and leaves the data set alone and the network's parameters as they were;
 *  - and, with AddressSanitizer and UBSan, that neither reader reads or writes out of bounds.
 *
 * The reference's rules, for both files:
 *  - a line ends at '\n'; its ending is that '\n', or "\r\n"; the last line may have no
 *    ending, and then every byte of it is its own, a '\r' at the end included;
 *  - a UTF-8 byte-order mark (EF BB BF) as the file's first three bytes is skipped; one
 *    anywhere else makes its line bad;
 *  - a line of more than LINE_CHARS bytes, the ending and a skipped mark not counted, is bad;
 *    so is a line that holds a NUL byte, or a '\r' followed by any byte but '\n' (a lone
 *    '\r', the line ending of an old Mac file);
 *  - a number is a text that strtod reads whole, white space aside, to a finite double.
 * The data set: a line of nothing but spaces and tabs is blank and skipped; the first other
 * line is a header, and skipped, if it has NIN + 1 fields (cut at commas) and none of them is
 * blank or has a start that strtod reads; every other line is NIN + 1 numbers, the last -1 or
 * 1; the example after CSV_MAX_EXAMPLES makes its line bad; no example is a problem of the
 * whole file. The parameters: words cut at spaces, tabs, '\r', '\v' and '\f', each a number,
 * one per parameter; a word past the last parameter makes its line bad, too few numbers is a
 * problem of the whole file.
 *
 * The file is made in $TMPDIR (or /tmp) and unlinked at once: the readers open it as
 * /proc/self/fd/N, so no run, passing or failing, leaves a file behind.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "readers.h"
#include "fuzzing.h"

enum { NIN = 2 };                     /* the inputs of an example */

static char path[64];
static MLP *net;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_temporary("readers", path, sizeof path);
    Rng rng;
    rng_seed(&rng, 1, 1);
    static const size_t sizes[] = {3, 1};
    net = mlp_new(2, sizes, 2, ACT_TANH, ACT_LINEAR, &rng);
    return 0;
}

static void fail(const char *reader, const char *problem, const char *error)
{
    fprintf(stderr, "fuzz readers: %s: %s (message: \"%s\")\n", reader, problem, error);
    abort();
}

/* ------------------------------------------------------------------ the reference reader */

/* A line: its bytes p[0..n-1], without its ending and, on line 1, without a skipped mark; bad
   if it breaks a rule that holds in both files (too long, a NUL byte, a mark). */
typedef struct { const uint8_t *p; size_t n; int bad; } Line;

typedef struct {
    Line *line;
    size_t count;
} Lines;

static const uint8_t mark[3] = {0xEF, 0xBB, 0xBF};

static int holds(const uint8_t *p, size_t n, const uint8_t *what, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, what, k) == 0)
            return 1;
    return 0;
}

static Lines split_lines(const uint8_t *data, size_t size)
{
    Lines l = {malloc((size + 1) * sizeof(Line)), 0};
    if (l.line == NULL)
        abort();
    size_t start = size >= 3 && memcmp(data, mark, 3) == 0 ? 3 : 0;
    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t stop = nl ? (size_t)(nl - data) : size, n = stop - start;
        if (nl && n > 0 && data[stop - 1] == '\r')
            n--;                                 /* "\r\n": the '\r' is the ending's */
        Line line = {data + start, n, 0};
        size_t raw = stop - start;               /* the line's bytes before its '\n' */
        line.bad = n > LINE_CHARS || memchr(line.p, '\0', n) != NULL
                   || holds(line.p, n, mark, 3)
                   || (raw > 1 && memchr(line.p, '\r', raw - 1) != NULL);   /* a lone '\r' */
        l.line[l.count++] = line;
        start = stop + 1;
    }
    return l;
}

/* Is bytes[0..n-1] a number, read by strtod as a whole, white space aside, and finite? */
static int number(const uint8_t *bytes, size_t n, double *x)
{
    if (memchr(bytes, '\0', n) != NULL)
        return 0;
    char *text = malloc(n + 1), *end;
    if (text == NULL)
        abort();
    memcpy(text, bytes, n);
    text[n] = '\0';
    *x = strtod(text, &end);
    int ok = end != text;
    while (isspace((unsigned char)*end))
        end++;
    ok = ok && *end == '\0' && isfinite(*x);
    free(text);
    return ok;
}

static int only_blanks(const uint8_t *p, size_t n)   /* spaces and tabs, or nothing */
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* Does strtod read a number from the start of bytes[0..n-1]? */
static int starts_like_a_number(const uint8_t *bytes, size_t n)
{
    char *text = malloc(n + 1), *end;
    if (text == NULL)
        abort();
    memcpy(text, bytes, n);
    text[n] = '\0';
    (void)strtod(text, &end);
    int starts = end != text;
    free(text);
    return starts;
}

/* The reference's verdict: 0, or -1 and the line of the first problem (0: the whole file). */
typedef struct { int status; size_t line; double *value; size_t count; } Verdict;

static Verdict refuse(Verdict v, size_t line)
{
    v.status = -1;
    v.line = line;
    return v;
}

/* The data set (see the top). */
static Verdict reference_dataset(const Lines *l)
{
    Verdict v = {0, 0, malloc((l->count + 1) * (NIN + 1) * sizeof(double)), 0};
    if (v.value == NULL)
        abort();
    int first = 1;
    for (size_t k = 0; k < l->count; k++) {
        const Line *line = &l->line[k];
        if (line->bad)
            return refuse(v, k + 1);
        if (only_blanks(line->p, line->n))
            continue;
        size_t start[NIN + 1], end[NIN + 1], fields = 0;
        for (size_t i = 0, s = 0; i <= line->n; i++)
            if (i == line->n || line->p[i] == ',') {
                if (fields <= NIN) {
                    start[fields] = s;
                    end[fields] = i;
                }
                fields++;
                s = i + 1;
            }
        if (first) {
            first = 0;
            int header = fields == NIN + 1;
            for (size_t j = 0; header && j <= NIN; j++) {
                const uint8_t *f = line->p + start[j];
                size_t n = end[j] - start[j];
                header = !only_blanks(f, n) && !starts_like_a_number(f, n);
            }
            if (header)
                continue;
        }
        double row[NIN + 1];
        if (fields != NIN + 1)
            return refuse(v, k + 1);
        for (size_t j = 0; j <= NIN; j++)
            if (!number(line->p + start[j], end[j] - start[j], &row[j]))
                return refuse(v, k + 1);
        if (row[NIN] != -1.0 && row[NIN] != 1.0)
            return refuse(v, k + 1);
        if (v.count == CSV_MAX_EXAMPLES)
            return refuse(v, k + 1);
        memcpy(v.value + v.count * (NIN + 1), row, sizeof row);
        v.count++;
    }
    return v.count == 0 ? refuse(v, 0) : v;
}

static int separator(uint8_t c)      /* white space, '\n' aside: it ends the line */
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The parameters: words separated by white space, each a number, exactly as many as wanted. */
static Verdict reference_parameters(const Lines *l, size_t wanted)
{
    Verdict v = {0, 0, malloc((wanted + 1) * sizeof(double)), 0};
    if (v.value == NULL)
        abort();
    for (size_t k = 0; k < l->count; k++) {
        const Line *line = &l->line[k];
        if (line->bad)
            return refuse(v, k + 1);
        for (size_t i = 0; i < line->n;) {
            if (separator(line->p[i])) {
                i++;
                continue;
            }
            size_t s = i;
            while (i < line->n && !separator(line->p[i]))
                i++;
            double x;
            if (!number(line->p + s, i - s, &x) || v.count == wanted)
                return refuse(v, k + 1);
            v.value[v.count++] = x;
        }
    }
    return v.count < wanted ? refuse(v, 0) : v;
}

/* ------------------------------------------------------------------ the checks */

/* "PATH:LINE: problem" with LINE the reference's line, or "PATH: problem" if that is 0. */
static void check_message(const char *reader, const char *error, size_t want)
{
    size_t n = strlen(path);
    if (strncmp(error, path, n) != 0 || error[n] != ':')
        fail(reader, "the message does not start with the file name", error);
    const char *rest = error + n + 1;
    size_t line = 0;
    if (isdigit((unsigned char)*rest)) {
        char *end;
        line = strtoul(rest, &end, 10);
        if (*end != ':' || line == 0)
            fail(reader, "the message names no line of the file", error);
        rest = end + 1;
    }
    if (*rest != ' ' || rest[1] == '\0')
        fail(reader, "the message states no problem", error);
    if (line != want) {
        char problem[128];
        snprintf(problem, sizeof problem, "the message names line %zu, the first bad line is %zu",
                 line, want);
        fail(reader, problem, error);
    }
}

static void check_dataset(const Lines *l)
{
    Dataset d = {0};
    char error[512] = "";
    Verdict want = reference_dataset(l);
    int status = dataset_read_csv(path, NIN, &d, error, sizeof error);
    if (status != 0 && status != -1)
        fail("dataset_read_csv", "returned neither 0 nor -1", error);
    if (status == -1) {
        if (want.status == 0)
            fail("dataset_read_csv", "refused a file that the contract accepts", error);
        check_message("dataset_read_csv", error, want.line);
        if (d.x != NULL || d.count != 0)
            fail("dataset_read_csv", "a rejected file left a data set behind", error);
    } else {
        if (want.status == -1) {
            snprintf(error, sizeof error, "the first bad line is %zu", want.line);
            fail("dataset_read_csv", "accepted a file that the contract refuses", error);
        }
        if (d.count != want.count || d.nin != NIN)
            fail("dataset_read_csv", "accepted a number of examples other than the file's", "");
        for (size_t i = 0; i < d.count; i++)
            if (d.x[NIN * i] != want.value[(NIN + 1) * i]
                || d.x[NIN * i + 1] != want.value[(NIN + 1) * i + 1]
                || d.y[i] != want.value[(NIN + 1) * i + NIN])
                fail("dataset_read_csv", "an example differs from the numbers on its line", "");
        dataset_free(&d);
    }
    free(want.value);
}

static void check_parameters(const Lines *l)
{
    size_t n;
    Value **p = mlp_parameters(net, &n);
    for (size_t j = 0; j < n; j++)
        p[j]->data = 0.25 * (double)j;            /* a known state before each read */
    char error[512] = "";
    Verdict want = reference_parameters(l, n);
    int status = parameters_read(net, path, error, sizeof error);
    if (status != 0 && status != -1)
        fail("parameters_read", "returned neither 0 nor -1", error);
    if (status == -1) {
        if (want.status == 0)
            fail("parameters_read", "refused a file that the contract accepts", error);
        check_message("parameters_read", error, want.line);
        for (size_t j = 0; j < n; j++)
            if (p[j]->data != 0.25 * (double)j)
                fail("parameters_read", "a rejected file changed the parameters", error);
    } else {
        if (want.status == -1) {
            snprintf(error, sizeof error, "the first bad line is %zu", want.line);
            fail("parameters_read", "accepted a file that the contract refuses", error);
        }
        for (size_t j = 0; j < n; j++)
            if (p[j]->data != want.value[j])
                fail("parameters_read", "a parameter differs from the file's number", "");
    }
    free(want.value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(data, 1, size, out) != size || fclose(out) != 0) {
        perror("fuzz readers: writing the input file");
        abort();
    }
    Lines lines = split_lines(data, size);
    check_dataset(&lines);
    check_parameters(&lines);
    free(lines.line);
    return 0;
}
