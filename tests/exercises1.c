/* exercises1.c: the checkpoint tests of chapter 1's exercises. */
#include "harness.h"
#include <math.h>
#include "exercises1.h"

START_TEST(quadratic_has_the_right_values)
{
    const double xs[] = {3.0, -1.0, 0.0, 0.5, 10.0};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        Graph *g = graph_new();
        double x = xs[i];
        Value *out = build_quadratic(g, value_new(g, x, "x"));
        ck_assert_double_eq_tol(out->data, 3 * x * x - 4 * x + 5, 1e-12);
        graph_free(g);
    }
}
END_TEST

START_TEST(quadratic_is_a_graph_not_a_number)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 3.0, "x");
    Value *out = build_quadratic(g, x);
    ck_assert_int_ne(out->op, OP_LEAF);
    /* at least x*x, two products by a constant and two sums */
    ck_assert_uint_ge(graph_size(g), 1 + 5);
    int uses_x = 0;
    for (size_t i = 0; i < graph_size(g); i++) {
        Value *v = graph_value(g, i);
        uses_x += (v->operands[0] == x) + (v->operands[1] == x);
    }
    ck_assert_int_ge(uses_x, 2);
    graph_free(g);
}
END_TEST

static double cube(double x) { return x * x * x; }
static double quadratic(double x) { return 3 * x * x - 4 * x + 5; }

START_TEST(central_difference_is_exact_for_a_quadratic)
{
    ck_assert_double_eq_tol(slope_central(quadratic, 3.0, 1e-3), 14.0, 1e-8);
    ck_assert_double_eq_tol(slope_central(quadratic, -2.0, 1e-2), -16.0, 1e-8);
}
END_TEST

START_TEST(central_difference_error_shrinks_as_h_squared)
{
    /* For x^3 at 2 the central difference is 12 + h^2, exactly in real arithmetic. */
    double e1 = slope_central(cube, 2.0, 1e-2) - 12.0;
    double e2 = slope_central(cube, 2.0, 1e-3) - 12.0;
    ck_assert_double_eq_tol(e1, 1e-4, 1e-9);
    ck_assert_double_eq_tol(e2, 1e-6, 1e-9);
}
END_TEST

START_TEST(count_ops_of_d_equals_a_times_b_plus_c)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    value_add(g, value_mul(g, a, b), c);
    ck_assert_uint_eq(graph_count_op(g, OP_LEAF), 3);
    ck_assert_uint_eq(graph_count_op(g, OP_MUL), 1);
    ck_assert_uint_eq(graph_count_op(g, OP_ADD), 1);
    graph_reset(g);
    ck_assert_uint_eq(graph_count_op(g, OP_LEAF), 0);
    graph_free(g);
}
END_TEST

/* Exercise 1.4 */

START_TEST(depth_of_d_equals_a_times_b_plus_c)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    Value *e = value_mul(g, a, b);
    Value *d = value_add(g, e, c);
    ck_assert_uint_eq(graph_depth(g, d), 2);
    ck_assert_uint_eq(graph_depth(g, e), 1);
    /* the longest path may go through either operand */
    Value *left = value_add(g, value_mul(g, d, c), a);
    Value *right = value_add(g, a, value_mul(g, d, c));
    ck_assert_uint_eq(graph_depth(g, left), 4);
    ck_assert_uint_eq(graph_depth(g, right), 4);
    ck_assert_double_eq(d->data, 4.0);
    graph_free(g);
}
END_TEST

START_TEST(depth_of_a_leaf_is_zero)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, 5.0, "b");
    value_mul(g, a, value_add(g, a, b));
    ck_assert_uint_eq(graph_depth(g, a), 0);
    ck_assert_uint_eq(graph_depth(g, b), 0);
    graph_free(g);
}
END_TEST

START_TEST(depth_ignores_values_made_after_the_root)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 1.0, "x");
    Value *root = value_mul(g, value_add(g, x, x), x);     /* depth 2 */
    Value *z = root;
    for (int i = 0; i < 10; i++)                            /* deeper, but above root */
        z = value_add(g, z, x);
    ck_assert_uint_eq(graph_depth(g, root), 2);
    ck_assert_uint_eq(graph_depth(g, z), 12);
    graph_free(g);
}
END_TEST

START_TEST(depth_of_a_million_additions)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.5, "x");
    Value *z = x;
    for (int i = 0; i < 1000000; i++)
        z = value_add(g, z, x);
    ck_assert_uint_eq(graph_depth(g, z), 1000000);
    graph_free(g);
}
END_TEST

START_TEST(depth_of_sixty_doublings)
{
    /* 2^60 paths from the top to z0: a walk along every path never finishes */
    Graph *g = graph_new();
    Value *z = value_new(g, 1.0, "z0");
    for (int i = 0; i < 60; i++)
        z = value_add(g, z, z);
    ck_assert_uint_eq(graph_depth(g, z), 60);
    graph_free(g);
}
END_TEST

Suite *exercises1_suite(void)
{
    Suite *s = suite_create("exercises 1: Value");
    TCase *t = harness_tcase("exercises");
    harness_add(t, quadratic_has_the_right_values);
    harness_add(t, quadratic_is_a_graph_not_a_number);
    harness_add(t, central_difference_is_exact_for_a_quadratic);
    harness_add(t, central_difference_error_shrinks_as_h_squared);
    harness_add(t, count_ops_of_d_equals_a_times_b_plus_c);
    suite_add_tcase(s, t);
    TCase *depth = harness_tcase("1.4 graph_depth");
    tcase_set_timeout(depth, 60);                        /* generous: valgrind is slow */
    harness_add(depth, depth_of_d_equals_a_times_b_plus_c);
    harness_add(depth, depth_of_a_leaf_is_zero);
    harness_add(depth, depth_ignores_values_made_after_the_root);
    harness_add(depth, depth_of_a_million_additions);
    suite_add_tcase(s, depth);
    TCase *quick = harness_tcase("1.4 graph_depth, quickly");
    tcase_set_timeout(quick, 10);                        /* a walk over 2^60 paths never ends */
    harness_add(quick, depth_of_sixty_doublings);
    suite_add_tcase(s, quick);
    return s;
}
