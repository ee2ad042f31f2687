/* oom.c: what the engine does when memory runs out.
 *
 * Each test runs in a child process (expect_stop.h) whose address space is limited with
 * setrlimit, builds more than fits, and must stop with abort() after a message on stderr that
 * names the function and says that memory ran out: never a segmentation fault, never a silent
 * success. Not run under AddressSanitizer or valgrind: both need more address space than the
 * limit. A runner of its own, so that make check can run it apart from the checkpoints.
 */
#define _POSIX_C_SOURCE 200809L   /* setrlimit; fork and pipe, for expect_stop.h */
#define HARNESS_MAIN
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "micrograd.h"
#include "expect_stop.h"

#define LIMIT (256L * 1024 * 1024)   /* bytes of address space for each child */

static void limit_memory(void)
{
    struct rlimit r = {LIMIT, LIMIT};
    if (setrlimit(RLIMIT_AS, &r) != 0) {
        perror("setrlimit");
        _exit(100);                  /* returns: expect_stop reports it */
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
    value_backward(z);               /* should not fit: returning fails the test */
}

START_TEST(a_graph_that_outgrows_memory_stops_naming_graph_alloc)
{
    expect_stop(grow_a_graph, "graph_alloc: out of memory");
}
END_TEST

START_TEST(a_sort_that_outgrows_memory_stops_naming_value_topo_order)
{
    expect_stop(sort_a_long_chain, "value_topo_order: out of memory");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("out of memory");
    TCase *t = harness_tcase("limited address space");
    harness_add(t, a_graph_that_outgrows_memory_stops_naming_graph_alloc);
    harness_add(t, a_sort_that_outgrows_memory_stops_naming_value_topo_order);
    suite_add_tcase(s, t);
    SRunner *runner = srunner_create(s);
    int status = harness_run(runner);
    srunner_free(runner);
    return status;
}
