/* oom.c: what the engine does when memory runs out.
 *
 * Each case runs in a child process whose address space is limited with setrlimit, builds
 * more than fits, and must stop with a message on stderr that names the function and what it
 * was allocating, and a non-zero status: never a segmentation fault, never a silent success.
 * Not run under AddressSanitizer or valgrind: both need more address space than the limit.
 * Prints "ok - ..." / "not ok - ..." per case and a last line "oom: N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "micrograd.h"

#define LIMIT (256L * 1024 * 1024)   /* bytes of address space for each child */

static void limit_memory(void)
{
    struct rlimit r = {LIMIT, LIMIT};
    if (setrlimit(RLIMIT_AS, &r) != 0) {
        perror("setrlimit");
        _exit(100);
    }
}

/* Add Values to one Graph until memory runs out. */
static void grow_a_graph(void)
{
    limit_memory();
    Graph *g = graph_new();
    Value *z = value_new(g, 1.0, "z");
    for (;;)
        z = value_add(g, z, z);
}

/* A chain that fits, then a backward pass whose sort needs more than is left. */
static void sort_a_long_chain(void)
{
    limit_memory();
    Graph *g = graph_new();
    Value *x = value_new(g, 1.0, "x"), *z = x;
    size_t n = (size_t)(LIMIT * 0.8) / sizeof(Value);
    for (size_t i = 0; i < n; i++)
        z = value_add(g, z, x);
    value_backward(z);
    _exit(0);                                  /* the sort should not have fitted */
}

static int passed, failed;

/* Run one case in a child; its stderr goes to a pipe that we read back. */
static void run_case(const char *name, void (*body)(void), const char *expected)
{
    int fds[2];
    char text[4096] = "";
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        body();
        _exit(0);
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t got;
    while ((got = read(fds[0], text + used, sizeof text - 1 - used)) > 0)
        used += (size_t)got;
    text[used] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    int stopped = (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) ||
                  (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 100);
    if (stopped && strstr(text, expected) != NULL) {
        printf("ok - %s: %s", name, text);
        passed++;
    } else {
        printf("not ok - %s: expected a stop with \"%s\"; status %d, stderr: %s\n", name,
               expected, status, text);
        failed++;
    }
}

int main(void)
{
    run_case("a Graph that outgrows memory", grow_a_graph,
             "micrograd: graph_alloc: out of memory");
    run_case("a sort that outgrows memory", sort_a_long_chain,
             "micrograd: value_topo_order: out of memory");
    printf("oom: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
