/* exercises4.c: the checkpoints of the exercises of chapter 4. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "micrograd.h"
#include "exercises4.h"

/* Exercise 4.1 */
START_TEST(sigmoid_matches_the_formula_and_its_derivative)
{
    const double xs[] = {-3.0, -0.5, 0.0, 0.5, 4.0};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        Graph *g = graph_new();
        Value *x = value_new(g, xs[i], "x");
        Value *s = value_sigmoid(g, x);
        double want = 1.0 / (1.0 + exp(-xs[i]));
        ck_assert_int_ne(s->op, OP_LEAF);              /* built from ops, not a constant */
        value_backward(s);
        ck_assert_double_eq_tol(s->data, want, 1e-14);
        ck_assert_double_eq_tol(x->grad, want * (1.0 - want), 1e-14);
        graph_free(g);
    }
}
END_TEST

/* Exercise 4.2: a small graph with a shared node, sorted by the engine. */
static Value **sorted_example(Graph *g, size_t *n)
{
    Value *a = value_new(g, 2.0, "a"), *b = value_new(g, -1.0, "b");
    Value *u = value_mul(g, a, b);
    Value *root = value_add(g, value_exp(g, u), value_mul(g, u, b));
    return value_topo_order(root, n);
}

static void assert_marks_clear(const Graph *g)
{
    for (size_t i = 0; i < graph_size(g); i++)
        ck_assert_int_eq(graph_value(g, i)->visited, 0);
}

START_TEST(topo_order_validator_accepts_a_sorted_order)
{
    Graph *g = graph_new();
    size_t n;
    Value **order = sorted_example(g, &n);
    ck_assert_int_eq(topo_order_is_valid(order, n), 1);
    assert_marks_clear(g);
    ck_assert_int_eq(topo_order_is_valid(order, n), 1);   /* again: the marks were cleared */
    ck_assert_int_eq(topo_order_is_valid(order, 0), 1);   /* nothing listed: nothing wrong */
    free(order);
    graph_free(g);
}
END_TEST

START_TEST(topo_order_validator_rejects_broken_orders)
{
    Graph *g = graph_new();
    size_t n;
    Value **order = sorted_example(g, &n);
    Value *first = order[0], *last = order[n - 1];
    order[0] = last;                                      /* the root before its operands */
    order[n - 1] = first;
    ck_assert_int_eq(topo_order_is_valid(order, n), 0);
    assert_marks_clear(g);
    order[0] = first;
    order[n - 1] = order[n - 2];                          /* a Value listed twice */
    ck_assert_int_eq(topo_order_is_valid(order, n), 0);
    assert_marks_clear(g);
    ck_assert_int_eq(topo_order_is_valid(order + 1, n - 2), 0);  /* an operand missing */
    assert_marks_clear(g);
    free(order);
    graph_free(g);
}
END_TEST

/* Exercise 4.3 */
START_TEST(count_paths_counts_every_route_through_a_diamond)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 1.0, "a"), *b = value_new(g, 2.0, "b");
    Value *c = value_new(g, 3.0, "c"), *stray = value_new(g, 4.0, "stray");
    Value *root = value_mul(g, value_add(g, a, b), value_mul(g, a, c));
    ck_assert_double_eq(value_count_paths(root, a), 2.0);
    ck_assert_double_eq(value_count_paths(root, b), 1.0);
    ck_assert_double_eq(value_count_paths(root, stray), 0.0);
    ck_assert_double_eq(value_count_paths(root, root), 1.0);
    Value *twice = value_add(g, a, a);
    ck_assert_double_eq(value_count_paths(twice, a), 2.0);
    graph_free(g);
}
END_TEST

START_TEST(count_paths_of_sixty_doublings_is_two_to_the_sixty)
{
    Graph *g = graph_new();
    Value *z0 = value_new(g, 1.0, "z0");
    Value *z = z0;
    for (int i = 0; i < 60; i++)
        z = value_add(g, z, z);
    ck_assert_double_eq(value_count_paths(z, z0), ldexp(1.0, 60));
    graph_free(g);
}
END_TEST

Suite *exercises4_suite(void)
{
    Suite *s = suite_create("exercises 4: Backward");
    TCase *tc = tcase_create("exercises");
    tcase_set_timeout(tc, 10);          /* a walk over 2^60 paths never finishes */
    tcase_add_test(tc, sigmoid_matches_the_formula_and_its_derivative);
    tcase_add_test(tc, topo_order_validator_accepts_a_sorted_order);
    tcase_add_test(tc, topo_order_validator_rejects_broken_orders);
    tcase_add_test(tc, count_paths_counts_every_route_through_a_diamond);
    tcase_add_test(tc, count_paths_of_sixty_doublings_is_two_to_the_sixty);
    suite_add_tcase(s, tc);
    return s;
}
