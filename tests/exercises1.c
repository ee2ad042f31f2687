/* exercises1.c: the checkpoint tests of chapter 1's exercises. */
#include <check.h>
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

Suite *exercises1_suite(void)
{
    Suite *s = suite_create("exercises 1: Value");
    TCase *t = tcase_create("exercises");
    tcase_add_test(t, quadratic_has_the_right_values);
    tcase_add_test(t, quadratic_is_a_graph_not_a_number);
    tcase_add_test(t, central_difference_is_exact_for_a_quadratic);
    tcase_add_test(t, central_difference_error_shrinks_as_h_squared);
    tcase_add_test(t, count_ops_of_d_equals_a_times_b_plus_c);
    suite_add_tcase(s, t);
    return s;
}
