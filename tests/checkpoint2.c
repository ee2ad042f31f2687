/* checkpoint2.c: what chapter 2 established.
 *
 * The running example L = (a*b + c) * f, its gradients derived by hand and checked against
 * central differences computed here through the public API, and graph_zero_grad.
 */
#define _POSIX_C_SOURCE 200809L   /* fork and pipe, for expect_stop.h */
#include "harness.h"
#include <stddef.h>
#include "micrograd.h"
#include "expect_stop.h"
#include "running_example.h"

Suite *checkpoint2_suite(void);


/* (L(leaf[i] + h) - L(leaf[i] - h)) / 2h, each L from a graph built afresh */
static double central_difference(const double leaf[4], int i, double h)
{
    Graph *g = graph_new();
    double moved[4] = {leaf[0], leaf[1], leaf[2], leaf[3]};
    moved[i] = leaf[i] + h;
    double up = build_example(g, moved).L->data;
    graph_reset(g);
    moved[i] = leaf[i] - h;
    double down = build_example(g, moved).L->data;
    graph_free(g);
    return (up - down) / (2.0 * h);
}

/* The chapter's hand derivation, as formulas in the leaves: dL/da = f*1*b, dL/db = f*1*a,
   dL/dc = f*1, dL/df = d = a*b + c. */
static void hand_gradients(const double leaf[4], double grad[4])
{
    double a = leaf[0], b = leaf[1], c = leaf[2], f = leaf[3];
    grad[0] = f * b;
    grad[1] = f * a;
    grad[2] = f;
    grad[3] = a * b + c;
}

static const double running[4] = {2.0, -3.0, 10.0, -2.0};

START_TEST(test_running_example_forward_values)
{
    Graph *g = graph_new();
    Example x = build_example(g, running);
    ck_assert_double_eq_tol(x.e->data, -6.0, 1e-12);
    ck_assert_double_eq_tol(x.d->data, 4.0, 1e-12);
    ck_assert_double_eq_tol(x.L->data, -8.0, 1e-12);
    ck_assert_uint_eq(graph_size(g), 7);
    graph_free(g);
}
END_TEST

START_TEST(test_running_example_starts_with_zero_grads)
{
    Graph *g = graph_new();
    build_example(g, running);
    for (size_t i = 0; i < graph_size(g); i++)
        ck_assert_double_eq(graph_value(g, i)->grad, 0.0);
    graph_free(g);
}
END_TEST

START_TEST(test_running_example_gradients_are_6_minus4_minus2_4)
{
    const double expected[4] = {6.0, -4.0, -2.0, 4.0};
    double hand[4];
    hand_gradients(running, hand);
    for (int i = 0; i < 4; i++) {
        ck_assert_double_eq_tol(hand[i], expected[i], 1e-12);
        ck_assert_double_eq_tol(central_difference(running, i, 1e-4), expected[i], 1e-7);
    }
}
END_TEST

START_TEST(test_hand_gradients_match_central_differences_elsewhere)
{
    const double points[][4] = {
        {0.5, 1.5, -2.0, 3.0}, {-1.25, 0.75, 0.0, -0.5}, {3.0, -2.0, 7.0, 0.25}, {0.0, 0.0, 1.0, 1.0},
    };
    for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
        double hand[4];
        hand_gradients(points[p], hand);
        for (int i = 0; i < 4; i++)
            ck_assert_double_eq_tol(central_difference(points[p], i, 1e-4), hand[i], 1e-7);
    }
}
END_TEST

START_TEST(test_inner_gradients_match_central_differences)
{
    /* Treat d and e as leaves: L = d*f and L = (e + c)*f, nudged directly. */
    const double h = 1e-4, d = 4.0, e = -6.0, c = 10.0, f = -2.0;
    Graph *g = graph_new();
    Value *fv = value_new(g, f, "f");
    double up = value_mul(g, value_new(g, d + h, "d"), fv)->data;
    double down = value_mul(g, value_new(g, d - h, "d"), fv)->data;
    ck_assert_double_eq_tol((up - down) / (2 * h), f, 1e-7);   /* dL/dd = f */
    Value *cv = value_new(g, c, "c");
    up = value_mul(g, value_add(g, value_new(g, e + h, "e"), cv), fv)->data;
    down = value_mul(g, value_add(g, value_new(g, e - h, "e"), cv), fv)->data;
    ck_assert_double_eq_tol((up - down) / (2 * h), f * 1.0, 1e-7);   /* dL/de = dL/dd * 1 */
    graph_free(g);
}
END_TEST

START_TEST(test_zero_grad_clears_every_grad)
{
    Graph *g = graph_new();
    build_example(g, running);
    for (size_t i = 0; i < graph_size(g); i++)
        graph_value(g, i)->grad = 1.5 + (double)i;
    graph_zero_grad(g);
    for (size_t i = 0; i < graph_size(g); i++)
        ck_assert_double_eq(graph_value(g, i)->grad, 0.0);
    graph_free(g);
}
END_TEST

START_TEST(test_zero_grad_keeps_data_ops_and_operands)
{
    Graph *g = graph_new();
    Example x = build_example(g, running);
    x.L->grad = 1.0;
    x.a->grad = 6.0;
    graph_zero_grad(g);
    ck_assert_uint_eq(graph_size(g), 7);
    ck_assert_double_eq(x.a->data, 2.0);
    ck_assert_double_eq_tol(x.L->data, -8.0, 1e-12);
    ck_assert_int_eq(x.L->op, OP_MUL);
    ck_assert_ptr_eq(x.L->operands[0], x.d);
    ck_assert_ptr_eq(x.L->operands[1], x.f);
    ck_assert_int_eq(x.d->op, OP_ADD);
    ck_assert_ptr_eq(x.d->operands[0], x.e);
    ck_assert_str_eq(x.a->label, "a");
    graph_free(g);
}
END_TEST

START_TEST(test_zero_grad_reaches_every_value_of_a_large_graph)
{
    const size_t n = 5000;
    Graph *g = graph_new();
    Value *sum = value_new(g, 0.0, "x0");
    while (graph_size(g) < n)
        sum = value_add(g, sum, value_new(g, 1.0, NULL));
    for (size_t i = 0; i < graph_size(g); i++)
        graph_value(g, i)->grad = -2.0;
    graph_zero_grad(g);
    for (size_t i = 0; i < graph_size(g); i++)
        ck_assert_double_eq(graph_value(g, i)->grad, 0.0);
    graph_free(g);
}
END_TEST

START_TEST(test_zero_grad_on_an_empty_graph_does_nothing)
{
    Graph *g = graph_new();
    graph_zero_grad(g);
    ck_assert_uint_eq(graph_size(g), 0);
    build_example(g, running);
    graph_reset(g);
    graph_zero_grad(g);
    ck_assert_uint_eq(graph_size(g), 0);
    graph_free(g);
}
END_TEST

START_TEST(test_zero_grad_then_second_pass_has_no_stale_grads)
{
    /* The chapter's second question: the gradient of d, asked after the gradient of L. */
    Graph *g = graph_new();
    Example x = build_example(g, running);
    x.L->grad = 1.0;
    x.f->grad = x.d->data;
    x.d->grad = x.f->data;
    graph_zero_grad(g);
    x.d->grad = 1.0;
    x.e->grad = x.c->grad = x.d->grad;
    x.a->grad = x.e->grad * x.b->data;
    x.b->grad = x.e->grad * x.a->data;
    ck_assert_double_eq(x.f->grad, 0.0);
    ck_assert_double_eq(x.L->grad, 0.0);
    ck_assert_double_eq_tol(x.a->grad, -3.0, 1e-12);
    graph_free(g);
}
END_TEST

static void zero_grad_of_null(void)
{
    graph_zero_grad(NULL);
}

START_TEST(test_zero_grad_of_null_graph_stops)
{
    expect_stop(zero_grad_of_null, "graph_zero_grad");
}
END_TEST

Suite *checkpoint2_suite(void)
{
    Suite *s = suite_create("checkpoint 2: Manual backprop");
    TCase *example = harness_tcase("running example");
    harness_add(example, test_running_example_forward_values);
    harness_add(example, test_running_example_starts_with_zero_grads);
    harness_add(example, test_running_example_gradients_are_6_minus4_minus2_4);
    harness_add(example, test_hand_gradients_match_central_differences_elsewhere);
    harness_add(example, test_inner_gradients_match_central_differences);
    suite_add_tcase(s, example);

    TCase *zero = harness_tcase("graph_zero_grad");
    tcase_set_timeout(zero, 10);
    harness_add(zero, test_zero_grad_clears_every_grad);
    harness_add(zero, test_zero_grad_keeps_data_ops_and_operands);
    harness_add(zero, test_zero_grad_reaches_every_value_of_a_large_graph);
    harness_add(zero, test_zero_grad_on_an_empty_graph_does_nothing);
    harness_add(zero, test_zero_grad_then_second_pass_has_no_stale_grads);
    harness_add(zero, test_zero_grad_of_null_graph_stops);
    suite_add_tcase(s, zero);
    return s;
}
