/* exercises2.c: the checkpoint tests of chapter 2's exercises (tests/exercises2.h). */
#include "harness.h"
#include <math.h>
#include <stddef.h>
#include "micrograd.h"
#include "running_example.h"
#include "exercises2.h"

Suite *exercises2_suite(void);

/* ---- helpers ---------------------------------------------------------------------------- */

/* the gradients of the running example at a = 2, b = -3, c = 10, f = -2, from the math */
static void set_running_example_grads(Example x)
{
    x.L->grad = 1.0;
    x.d->grad = -2.0;
    x.f->grad = 4.0;
    x.e->grad = -2.0;
    x.c->grad = -2.0;
    x.a->grad = 6.0;
    x.b->grad = -4.0;
}

static const double running[4] = {2.0, -3.0, 10.0, -2.0};

/* ---- Exercise 2.1: nudge_leaves ---------------------------------------------------------- */

START_TEST(test_nudge_leaves_moves_each_leaf_by_step_times_grad)
{
    Graph *g = graph_new();
    Example x = build_example(g, running);
    set_running_example_grads(x);
    nudge_leaves(g, 0.01);
    ck_assert_double_eq_tol(x.a->data, 2.0 + 0.01 * 6.0, 1e-12);
    ck_assert_double_eq_tol(x.b->data, -3.0 + 0.01 * -4.0, 1e-12);
    ck_assert_double_eq_tol(x.c->data, 10.0 + 0.01 * -2.0, 1e-12);
    ck_assert_double_eq_tol(x.f->data, -2.0 + 0.01 * 4.0, 1e-12);
    graph_free(g);
}
END_TEST

START_TEST(test_nudge_leaves_leaves_computed_values_alone)
{
    Graph *g = graph_new();
    Example x = build_example(g, running);
    set_running_example_grads(x);
    nudge_leaves(g, 0.5);
    ck_assert_double_eq(x.e->data, -6.0);
    ck_assert_double_eq(x.d->data, 4.0);
    ck_assert_double_eq(x.L->data, -8.0);
    ck_assert_double_eq(x.L->grad, 1.0);
    ck_assert_double_eq(x.d->grad, -2.0);
    ck_assert_double_eq(x.e->grad, -2.0);
    ck_assert_double_eq(x.a->grad, 6.0);
    ck_assert_double_eq(x.f->grad, 4.0);
    ck_assert_uint_eq(graph_size(g), 7);
    graph_free(g);
}
END_TEST

START_TEST(test_nudge_leaves_downhill_lowers_the_rebuilt_output)
{
    Graph *g = graph_new();
    Example x = build_example(g, running);
    set_running_example_grads(x);
    nudge_leaves(g, -0.01);
    const double moved[4] = {x.a->data, x.b->data, x.c->data, x.f->data};
    Graph *again = graph_new();
    double after = build_example(again, moved).L->data;
    /* first order: -8 - 0.01 * (36 + 16 + 4 + 16) = -8.72 */
    ck_assert_double_lt(after, -8.5);
    ck_assert_double_gt(after, -9.0);
    graph_free(again);
    graph_free(g);
}
END_TEST

/* ---- Exercise 2.2: numeric_grad ---------------------------------------------------------- */

static Value *running_example_builder(Graph *g, const double *leaf)
{
    return build_example(g, leaf).L;
}

static Value *cube_builder(Graph *g, const double *leaf)
{
    Value *x = value_new(g, leaf[0], "x");
    return value_mul(g, value_mul(g, x, x), x);
}

static Value *product_builder(Graph *g, const double *leaf)
{
    return value_mul(g, value_new(g, leaf[0], "x"), value_new(g, leaf[1], "y"));
}

START_TEST(test_numeric_grad_matches_the_running_example)
{
    double leaf[4] = {2.0, -3.0, 10.0, -2.0};
    const double expected[4] = {6.0, -4.0, -2.0, 4.0};
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq_tol(numeric_grad(running_example_builder, leaf, i, 1e-4), expected[i],
                                1e-7);
}
END_TEST

START_TEST(test_numeric_grad_is_central)
{
    /* x^3 at 2: the central difference is 3x^2 + h^2 = 12 + h^2 exactly (a one-sided
       difference would give 12 + 6h + h^2). */
    double leaf[1] = {2.0};
    const double h = 1e-3;
    ck_assert_double_eq_tol(numeric_grad(cube_builder, leaf, 0, h), 12.0 + h * h, 1e-9);
}
END_TEST

START_TEST(test_numeric_grad_restores_the_leaf_exactly)
{
    /* 1.1 + 1e-3 - 2e-3 + 1e-3 is not 1.1 in binary floating point, nor is
       0.7 + 1e-5 - 2e-5 + 1e-5 equal to 0.7. */
    double leaf[2] = {1.1, 0.7};
    const double saved[2] = {1.1, 0.7};
    ck_assert_double_eq_tol(numeric_grad(product_builder, leaf, 0, 1e-3), 0.7, 1e-9);
    ck_assert(leaf[0] == saved[0] && leaf[1] == saved[1]);
    ck_assert_double_eq_tol(numeric_grad(product_builder, leaf, 1, 1e-5), 1.1, 1e-9);
    ck_assert(leaf[0] == saved[0] && leaf[1] == saved[1]);
}
END_TEST

/* ---- Exercise 2.3: build_sum_times_product ----------------------------------------------- */

/* L = (a + b) * (a * c) through the API, for central differences */
static double sum_times_product(const double v[3])
{
    Graph *g = graph_new();
    Value *a = value_new(g, v[0], "a");
    double L = value_mul(g, value_add(g, a, value_new(g, v[1], "b")),
                         value_mul(g, a, value_new(g, v[2], "c")))->data;
    graph_free(g);
    return L;
}

static double sum_times_product_slope(const double v[3], int i)
{
    const double h = 1e-4;
    double up[3] = {v[0], v[1], v[2]}, down[3] = {v[0], v[1], v[2]};
    up[i] += h;
    down[i] -= h;
    return (sum_times_product(up) - sum_times_product(down)) / (2.0 * h);
}

START_TEST(test_sum_times_product_builds_three_values)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    Value *L = build_sum_times_product(g, a, b, c);
    ck_assert_uint_eq(graph_size(g), 6);
    Value *s = graph_value(g, 3), *p = graph_value(g, 4);
    ck_assert_ptr_eq(graph_value(g, 5), L);
    ck_assert(s->op == OP_ADD && s->operands[0] == a && s->operands[1] == b);
    ck_assert(p->op == OP_MUL && p->operands[0] == a && p->operands[1] == c);
    ck_assert(L->op == OP_MUL && L->operands[0] == s && L->operands[1] == p);
    ck_assert_double_eq_tol(L->data, (2.0 - 3.0) * (2.0 * 10.0), 1e-12);
    graph_free(g);
}
END_TEST

START_TEST(test_sum_times_product_inner_grads)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 1.5, "a");
    Value *b = value_new(g, 0.5, "b");
    Value *c = value_new(g, -4.0, "c");
    Value *L = build_sum_times_product(g, a, b, c);
    Value *s = graph_value(g, 3), *p = graph_value(g, 4);
    ck_assert_double_eq(L->grad, 1.0);
    ck_assert_double_eq_tol(s->grad, p->data, 1e-12);   /* dL/ds = p */
    ck_assert_double_eq_tol(p->grad, s->data, 1e-12);   /* dL/dp = s */
    graph_free(g);
}
END_TEST

START_TEST(test_sum_times_product_grads_match_central_differences)
{
    const double points[][3] = {{2.0, -3.0, 10.0}, {0.5, 1.5, -2.0}, {-1.0, 4.0, 0.5}, {3.0, 0.25, 2.0}};
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++) {
        Graph *g = graph_new();
        Value *leaf[3];
        for (int i = 0; i < 3; i++)
            leaf[i] = value_new(g, points[k][i], NULL);
        build_sum_times_product(g, leaf[0], leaf[1], leaf[2]);
        for (int i = 0; i < 3; i++)
            ck_assert_double_eq_tol(leaf[i]->grad, sum_times_product_slope(points[k], i), 1e-6);
        graph_free(g);
    }
}
END_TEST

START_TEST(test_sum_times_product_ignores_old_grads)
{
    const double v[3] = {2.0, -3.0, 10.0};
    Graph *g = graph_new();
    Value *a = value_new(g, v[0], "a");
    Value *b = value_new(g, v[1], "b");
    Value *c = value_new(g, v[2], "c");
    a->grad = 100.0;
    b->grad = -7.0;
    c->grad = 3.0;
    build_sum_times_product(g, a, b, c);
    ck_assert_double_eq_tol(a->grad, sum_times_product_slope(v, 0), 1e-6);
    ck_assert_double_eq_tol(b->grad, sum_times_product_slope(v, 1), 1e-6);
    ck_assert_double_eq_tol(c->grad, sum_times_product_slope(v, 2), 1e-6);
    graph_free(g);
}
END_TEST

/* ---- Exercise 2.4: numeric_grad_extrapolated --------------------------------------------- */

/* x^4 + y x^3: a quartic in x. leaf = {x, y} */
static Value *quartic_builder(Graph *g, const double *leaf)
{
    Value *x = value_new(g, leaf[0], "x"), *y = value_new(g, leaf[1], "y");
    Value *x2 = value_mul(g, x, x);
    return value_add(g, value_mul(g, x2, x2), value_mul(g, y, value_mul(g, x2, x)));
}

/* x^5 */
static Value *quintic_builder(Graph *g, const double *leaf)
{
    Value *x = value_new(g, leaf[0], "x");
    Value *x2 = value_mul(g, x, x);
    return value_mul(g, value_mul(g, x2, x2), x);
}

START_TEST(test_extrapolated_grad_is_exact_for_a_quartic)
{
    /* a central difference alone is off here by h^2/6 (24x + 6y), about 0.06 */
    double leaf[2] = {1.3, 0.7};
    const double x = 1.3, y = 0.7;
    ck_assert_double_eq_tol(numeric_grad_extrapolated(quartic_builder, leaf, 0, 0.1),
                            4 * x * x * x + 3 * y * x * x, 1e-9);
    ck_assert_double_eq_tol(numeric_grad_extrapolated(quartic_builder, leaf, 1, 0.1),
                            x * x * x, 1e-9);
}
END_TEST

START_TEST(test_extrapolated_grad_error_shrinks_as_h_to_the_fourth)
{
    /* For x^5 at 1 an estimate that errs like h^4 is off by exactly C h^4 (the fifth
       derivative is constant): halving h divides the error by 16. A central difference is
       off by 10 h^2, which halving only divides by 4. */
    double leaf[1] = {1.0};
    double e1 = numeric_grad_extrapolated(quintic_builder, leaf, 0, 0.2) - 5.0;
    double e2 = numeric_grad_extrapolated(quintic_builder, leaf, 0, 0.1) - 5.0;
    ck_assert_double_lt(fabs(e1), 0.02);
    ck_assert_double_le(fabs(e2), fabs(e1) / 12.0 + 1e-9);
}
END_TEST

START_TEST(test_extrapolated_grad_restores_the_leaf_exactly)
{
    double leaf[2] = {1.1, 0.7};
    const double saved[2] = {1.1, 0.7};
    ck_assert_double_eq_tol(numeric_grad_extrapolated(product_builder, leaf, 0, 1e-3), 0.7,
                            1e-9);
    ck_assert(leaf[0] == saved[0] && leaf[1] == saved[1]);
    ck_assert_double_eq_tol(numeric_grad_extrapolated(product_builder, leaf, 1, 1e-5), 1.1,
                            1e-9);
    ck_assert(leaf[0] == saved[0] && leaf[1] == saved[1]);
}
END_TEST

Suite *exercises2_suite(void)
{
    Suite *s = suite_create("exercises 2: Manual backprop");
    TCase *nudge = harness_tcase("2.1 nudge_leaves");
    harness_add(nudge, test_nudge_leaves_moves_each_leaf_by_step_times_grad);
    harness_add(nudge, test_nudge_leaves_leaves_computed_values_alone);
    harness_add(nudge, test_nudge_leaves_downhill_lowers_the_rebuilt_output);
    suite_add_tcase(s, nudge);

    TCase *numeric = harness_tcase("2.2 numeric_grad");
    harness_add(numeric, test_numeric_grad_matches_the_running_example);
    harness_add(numeric, test_numeric_grad_is_central);
    harness_add(numeric, test_numeric_grad_restores_the_leaf_exactly);
    suite_add_tcase(s, numeric);

    TCase *two_paths = harness_tcase("2.3 build_sum_times_product");
    harness_add(two_paths, test_sum_times_product_builds_three_values);
    harness_add(two_paths, test_sum_times_product_inner_grads);
    harness_add(two_paths, test_sum_times_product_grads_match_central_differences);
    harness_add(two_paths, test_sum_times_product_ignores_old_grads);
    suite_add_tcase(s, two_paths);

    TCase *extrapolated = harness_tcase("2.4 numeric_grad_extrapolated");
    harness_add(extrapolated, test_extrapolated_grad_is_exact_for_a_quartic);
    harness_add(extrapolated, test_extrapolated_grad_error_shrinks_as_h_to_the_fourth);
    harness_add(extrapolated, test_extrapolated_grad_restores_the_leaf_exactly);
    suite_add_tcase(s, extrapolated);
    return s;
}
