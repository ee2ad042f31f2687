/* failing_alloc.c: every out-of-memory path of the library, one allocation at a time.
 *
 * Linked with the library's objects and -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free, so that every allocation the library makes passes through the wrappers below
 * (the C library's own, inside fopen say, do not). For each scenario (a piece of work that
 * allocates: a Graph that grows, a backward pass, a network, data sets, the readers, a
 * training step) and for k = 1, 2, ... it runs the scenario in a child in which the k-th
 * allocation fails, until a child completes with no failure injected. Every child in which a
 * failure was injected must stop with abort() after a message "module: function: out of
 * memory..." naming one of the functions the scenario may run out of memory in: the library
 * documents no function that returns an error when memory runs out. A child that completes
 * must have freed everything it allocated. At the end, every out-of-memory message of the
 * library must have been seen at least once.
 *
 * No Check here: its own allocations would be counted. Prints "ok - ..." or "not ok - ..." per
 * scenario and a last line "out-of-memory: N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L   /* fork, pipe, mkstemp */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "micrograd.h"
#include "nn.h"
#include "training.h"
#include "readers.h"

/* ---- the wrappers -------------------------------------------------------------------- */

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);

static long calls;       /* allocations asked for since the scenario began */
static long fail_at;     /* the allocation that fails (0: none) */
static int injected;     /* a failure was injected */
static long live;        /* blocks allocated and not yet freed */

static int this_one_fails(void)
{
    if (++calls == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size)
{
    if (this_one_fails())
        return NULL;
    void *p = __real_malloc(size);
    live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t count, size_t size)
{
    if (this_one_fails())
        return NULL;
    void *p = __real_calloc(count, size);
    live += p != NULL;
    return p;
}

void *__wrap_realloc(void *old, size_t size)
{
    if (this_one_fails())
        return NULL;
    void *p = __real_realloc(old, size);
    live += old == NULL && p != NULL;
    return p;
}

void __wrap_free(void *p)
{
    live -= p != NULL;
    __real_free(p);
}

/* ---- the scenarios ------------------------------------------------------------------- */

static char csv_path[64], params_path[64];   /* files the readers read, made by main */

static void graph_growth(void)
{
    Graph *g = graph_new();
    Value *z = value_new(g, 1.0, "z");
    for (int i = 0; i < 9 * 1024; i++)     /* 10 blocks: the table of 8 grows once */
        z = value_add(g, z, z);
    graph_free(g);
}

static void backward_pass(void)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 1.0, "x"), *z = x;
    for (int i = 0; i < 300; i++)          /* the sort's stack and order grow 64, 128, 256, 512 */
        z = value_add(g, z, x);
    value_backward(z);
    graph_free(g);
}

static void layer_alone(void)
{
    Graph *params = graph_new();
    Value *slots[3 * 3];
    Rng rng;
    rng_seed(&rng, 1, 2);
    Layer layer = layer_make(params, slots, 2, 3, ACT_TANH, &rng);
    layer_free(&layer);
    graph_free(params);
}

static void network(void)
{
    Rng rng;
    rng_seed(&rng, 1, 2);
    MLP *m = mlp_new(2, (size_t[]){16, 16, 1}, 3, ACT_RELU, ACT_LINEAR, &rng);
    Graph *g = graph_new();
    Value *x[2] = {value_new(g, 0.5, "x0"), value_new(g, -1.0, "x1")}, *out;
    mlp_forward(m, g, x, &out);
    value_backward(out);
    graph_free(g);
    mlp_free(m);
}

static void moons(void)
{
    Dataset d = moons_dataset();
    dataset_free(&d);
}

static void read_csv(void)
{
    Dataset d = {0};
    char error[256];
    if (dataset_read_csv(csv_path, 2, &d, error, sizeof error) != 0) {
        fprintf(stderr, "dataset_read_csv returned an error: %s\n", error);
        _exit(4);
    }
    dataset_free(&d);
}

static void read_parameters(void)
{
    MLP *m = moons_network(1);
    char error[256];
    if (parameters_read(m, params_path, error, sizeof error) != 0) {
        fprintf(stderr, "parameters_read returned an error: %s\n", error);
        _exit(4);
    }
    mlp_free(m);
}

static void training_steps(void)
{
    MLP *m = moons_network(1);
    Dataset d = moons_dataset();
    Graph *g = graph_new();
    for (size_t k = 0; k < 2; k++)
        moons_step(m, g, &d, k, 2);
    graph_free(g);
    dataset_free(&d);
    mlp_free(m);
}

static const struct {
    const char *name;
    void (*run)(void);
    const char *may_name;   /* the functions whose out-of-memory message may stop it */
} scenarios[] = {
    {"a Graph that grows to 10 blocks", graph_growth, " graph_new graph_alloc "},
    {"a backward pass on a chain of 300", backward_pass, " graph_new graph_alloc value_topo_order "},
    {"layer_make of 3 neurons", layer_alone, " graph_new graph_alloc layer_make "},
    {"MLP(2, [16, 16, 1]): made, forward, backward, freed", network,
     " graph_new graph_alloc layer_make mlp_new value_topo_order "},
    {"moons_dataset", moons, " dataset_new "},
    {"dataset_read_csv of 300 examples", read_csv, " dataset_new dataset_read_csv "},
    {"parameters_read of 337 numbers", read_parameters,
     " graph_new graph_alloc layer_make mlp_new parameters_read "},
    {"two moons_step of the book's network", training_steps,
     " graph_new graph_alloc layer_make mlp_new dataset_new value_topo_order "},
};

/* Every out-of-memory message the library has (grep the tangled lib/ for alloc). */
static const char *const messages[] = {
    "micrograd: graph_new: out of memory",
    "micrograd: graph_alloc: out of memory growing the table of blocks",
    "micrograd: graph_alloc: out of memory for a block of 1024 Values",
    "micrograd: value_topo_order: out of memory growing the stack or the order",
    "nn: layer_make: out of memory",
    "nn: mlp_new: out of memory",
    "training: dataset_new: out of memory",
    "readers: dataset_read_csv: out of memory",
    "readers: parameters_read: out of memory",
};
enum { MESSAGES = sizeof messages / sizeof messages[0] };
static int seen[MESSAGES];

/* ---- running them -------------------------------------------------------------------- */

enum { COMPLETE = 0, INJECTED_BUT_RETURNED = 3, LEAKED = 5 };

/* In the child: run the scenario with allocation k failing. */
static void child(int which, long k)
{
    calls = 0, fail_at = k, injected = 0, live = 0;
    scenarios[which].run();
    if (injected)
        _exit(INJECTED_BUT_RETURNED);
    if (live != 0) {
        fprintf(stderr, "%ld blocks still allocated at the end\n", live);
        _exit(LEAKED);
    }
    _exit(COMPLETE);
}

/* Run one child; its stderr into text. Returns the wait status. */
static int run_child(int which, long k, char *text, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        child(which, k);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while ((got = read(fds[0], text + n, size - 1 - n)) > 0 && n + (size_t)got < size - 1)
        n += (size_t)got;
    if (got > 0)
        n += (size_t)got;
    text[n] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

/* Is text a message of the library for one of the functions in may_name? Marks it seen. */
static int expected_message(const char *text, const char *may_name)
{
    for (int i = 0; i < MESSAGES; i++) {
        size_t len = strlen(messages[i]);
        if (strncmp(text, messages[i], len) != 0 || text[len] != '\n' || text[len + 1] != '\0')
            continue;
        const char *function = strchr(messages[i], ' ') + 1;
        char word[64];
        snprintf(word, sizeof word, " %.*s ", (int)strcspn(function, ":"), function);
        if (strstr(may_name, word) == NULL)
            return 0;
        seen[i] = 1;
        return 1;
    }
    return 0;
}

/* One scenario, every k: 1 if every injected failure stopped as it should. */
static int every_failure_stops(int which)
{
    char text[4096];
    for (long k = 1; k < 1000000; k++) {
        int status = run_child(which, k, text, sizeof text);
        if (WIFEXITED(status) && WEXITSTATUS(status) == COMPLETE) {
            printf("ok - %s: each of its %ld allocations, failing, stops with its message\n",
                   scenarios[which].name, k - 1);
            return 1;
        }
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT
            && expected_message(text, scenarios[which].may_name))
            continue;
        printf("not ok - %s: each of its allocations, failing, stops with its message\n",
               scenarios[which].name);
        if (WIFSIGNALED(status))
            printf("    allocation %ld failing: killed by signal %d (%s)\n", k, WTERMSIG(status),
                   strsignal(WTERMSIG(status)));
        else if (WEXITSTATUS(status) == LEAKED)
            printf("    the run with no failure injected (%ld allocations) leaks\n", k - 1);
        else if (WEXITSTATUS(status) == INJECTED_BUT_RETURNED)
            printf("    allocation %ld failing: the scenario went on and completed\n", k);
        else
            printf("    allocation %ld failing: exit status %d\n", k, WEXITSTATUS(status));
        printf("    stderr: %s\n", text);
        return 0;
    }
    printf("not ok - %s: no run completed within a million allocations\n", scenarios[which].name);
    return 0;
}

static void write_files(void)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(csv_path, sizeof csv_path, "%.40s/oom-csv-XXXXXX", dir);
    snprintf(params_path, sizeof params_path, "%.40s/oom-params-XXXXXX", dir);
    int a = mkstemp(csv_path), b = mkstemp(params_path);
    FILE *csv = a >= 0 ? fdopen(a, "w") : NULL, *params = b >= 0 ? fdopen(b, "w") : NULL;
    if (csv == NULL || params == NULL) {
        perror("failing_alloc: a file for the readers");
        exit(2);
    }
    fprintf(csv, "x1,x2,y\n");
    for (int i = 0; i < 300; i++)
        fprintf(csv, "%g,%g,%d\n", i * 0.01, 1 - i * 0.01, i % 2 ? 1 : -1);
    for (int j = 0; j < 337; j++)
        fprintf(params, "%g\n", j * 0.001);
    fclose(csv);
    fclose(params);
}

int main(void)
{
    write_files();
    int passed = 0, failed = 0;
    int count = (int)(sizeof scenarios / sizeof scenarios[0]);
    for (int i = 0; i < count; i++)
        every_failure_stops(i) ? passed++ : failed++;
    remove(csv_path);
    remove(params_path);
    int all = 1;
    for (int i = 0; i < MESSAGES; i++)
        all &= seen[i];
    printf("%s - every out-of-memory message of the library is reached\n", all ? "ok" : "not ok");
    for (int i = 0; i < MESSAGES; i++)
        if (!seen[i])
            printf("    never seen: %s\n", messages[i]);
    all ? passed++ : failed++;
    printf("out-of-memory: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
