/* exercises4.c: the checkpoints of the exercises of chapter 4. */
#include "harness.h"
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

static void assert_marks_clear(Graph *g)
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

/* Exercise 4.4 */

/* An expression with every op of chapter 4, from two leaves; leaf[0], leaf[1] get them. */
static Value *every_op(Graph *g, double x, double y, Value **leaf)
{
    Value *a = leaf[0] = value_new(g, x, "a"), *b = leaf[1] = value_new(g, y, "b");
    Value *p = value_add(g, value_pow(g, a, 3.0), value_pow(g, value_exp(g, b), 0.5));
    Value *q = value_relu(g, value_sub(g, a, b));
    Value *r = value_div(g, value_tanh(g, value_mul(g, p, b)), value_add(g, q, p));
    return value_add(g, value_mul(g, r, value_neg(g, q)), value_pow(g, p, -1.0));
}

START_TEST(forward_matches_a_fresh_build_after_the_leaves_move)
{
    /* (x, y) pairs: the relu's operand a - b changes sign between the first two */
    const double at[3][2] = {{1.5, 0.5}, {0.25, 0.75}, {-0.5, -1.25}};
    Graph *g = graph_new(), *fresh = graph_new();
    Value *leaf[2], *fresh_leaf[2];
    Value *root = every_op(g, at[0][0], at[0][1], leaf);
    for (int k = 1; k < 3; k++) {
        leaf[0]->data = at[k][0];
        leaf[1]->data = at[k][1];
        value_forward(root);
        graph_reset(fresh);
        every_op(fresh, at[k][0], at[k][1], fresh_leaf);
        ck_assert_uint_eq(graph_size(g), graph_size(fresh));
        for (size_t i = 0; i < graph_size(g); i++) {
            double want = graph_value(fresh, i)->data;
            ck_assert_double_eq_tol(graph_value(g, i)->data, want, 1e-12 * (1.0 + fabs(want)));
        }
    }
    graph_free(fresh);
    graph_free(g);
}
END_TEST

START_TEST(forward_leaves_grads_and_leaves_alone)
{
    Graph *g = graph_new();
    Value *leaf[2];
    Value *root = every_op(g, 1.5, 0.5, leaf);
    value_backward(root);
    double grads[64];
    size_t n = graph_size(g);
    ck_assert_uint_le(n, 64);
    for (size_t i = 0; i < n; i++)
        grads[i] = graph_value(g, i)->grad;
    leaf[0]->data = 0.75;
    value_forward(root);
    ck_assert_double_eq(leaf[0]->data, 0.75);
    ck_assert_double_eq(leaf[1]->data, 0.5);
    for (size_t i = 0; i < n; i++) {
        Value *v = graph_value(g, i);
        ck_assert(v->grad == grads[i]);
        ck_assert_int_eq(v->visited, 0);
        if (v->op == OP_LEAF && v != leaf[0] && v != leaf[1])   /* the constants -1, 1 */
            ck_assert(v->data == 1.0 || v->data == -1.0);
    }
    graph_free(g);
}
END_TEST

START_TEST(forward_survives_a_million_node_chain)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.5, "x");
    Value *z = x;
    for (int i = 0; i < 1000000; i++)
        z = value_add(g, z, x);
    x->data = 2.0;
    value_forward(z);
    ck_assert_double_eq(z->data, 2.0 * 1000001.0);
    graph_free(g);
}
END_TEST

START_TEST(descent_with_forward_and_backward_on_one_graph)
{
    /* loss = (w x - y)^2 is smallest at w = y / x = 2; one graph, built once */
    Graph *g = graph_new();
    Value *w = value_new(g, 0.0, "w"), *x = value_new(g, 1.5, "x");
    Value *y = value_new(g, 3.0, "y");
    Value *loss = value_pow(g, value_sub(g, value_mul(g, w, x), y), 2.0);
    ck_assert_double_eq(loss->data, 9.0);
    size_t size = graph_size(g);
    for (int step = 0; step < 50; step++) {
        graph_zero_grad(g);
        value_backward(loss);
        w->data -= 0.1 * w->grad;
        value_forward(loss);
    }
    ck_assert_double_eq_tol(w->data, 2.0, 1e-9);
    ck_assert_double_lt(loss->data, 1e-12);
    ck_assert_uint_eq(graph_size(g), size);               /* nothing was rebuilt */
    graph_free(g);
}
END_TEST

/* Exercise 4.3: a leaf not under the root has no path to it, whatever gradient it holds. */
START_TEST(count_paths_is_0_for_an_outside_leaf_with_a_gradient)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 1.0, "a"), *stray = value_new(g, 4.0, "stray");
    Value *root = value_add(g, a, a);
    stray->grad = 7.0;                                 /* left from an earlier pass */
    ck_assert_double_eq(value_count_paths(root, stray), 0.0);
    ck_assert_double_eq(value_count_paths(root, a), 2.0);
    graph_free(g);
}
END_TEST

Suite *exercises4_suite(void)
{
    Suite *s = suite_create("exercises 4: Backward");
    TCase *tc = harness_tcase("exercises");
    tcase_set_timeout(tc, 10);          /* a walk over 2^60 paths never finishes */
    harness_add(tc, sigmoid_matches_the_formula_and_its_derivative);
    harness_add(tc, topo_order_validator_accepts_a_sorted_order);
    harness_add(tc, topo_order_validator_rejects_broken_orders);
    harness_add(tc, count_paths_counts_every_route_through_a_diamond);
    harness_add(tc, count_paths_of_sixty_doublings_is_two_to_the_sixty);
    suite_add_tcase(s, tc);
    TCase *forward = harness_tcase("4.4 value_forward");
    tcase_set_timeout(forward, 60);                     /* generous: valgrind is slow */
    harness_add(forward, forward_matches_a_fresh_build_after_the_leaves_move);
    harness_add(forward, forward_leaves_grads_and_leaves_alone);
    harness_add(forward, forward_survives_a_million_node_chain);
    harness_add(forward, descent_with_forward_and_backward_on_one_graph);
    suite_add_tcase(s, forward);
    TCase *closer = harness_tcase("closer checks");
    harness_add(closer, count_paths_is_0_for_an_outside_leaf_with_a_gradient);
    suite_add_tcase(s, closer);
    return s;
}
