/* checkpoint3.c: what chapter 3 promises. Runs on every snapshot from chapter 3 on.
 *
 * value_tanh, and value_backward_step: the chain rule at one node. Every expected number is
 * worked out here from the math (tanh through exp, local derivatives by formula), never by
 * asking the engine.
 */
#define _POSIX_C_SOURCE 200809L   /* fork and pipe, for expect_stop.h */
#include "harness.h"
#include <math.h>
#include "micrograd.h"
#include "expect_stop.h"

/* tanh and its derivative from their definitions, independent of the engine and of libm's tanh. */
static double tanh_by_exp(double x)
{
    double u = exp(2.0 * x);
    return (u - 1.0) / (u + 1.0);
}

static double tanh_slope_by_exp(double x)
{
    double u = exp(2.0 * x);
    return 4.0 * u / ((u + 1.0) * (u + 1.0));
}

START_TEST(tanh_computes_forward_and_records_its_operand)
{
    const double xs[] = { -3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0 };
    Graph *g = graph_new();
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        Value *a = value_new(g, xs[i], "a");
        Value *t = value_tanh(g, a);
        ck_assert_double_eq_tol(t->data, tanh_by_exp(xs[i]), 1e-14);
        ck_assert_int_eq(t->op, OP_TANH);
        ck_assert_ptr_eq(t->operands[0], a);
        ck_assert_ptr_null(t->operands[1]);
        ck_assert_double_eq(t->grad, 0.0);
        ck_assert_double_eq(a->data, xs[i]);
    }
    ck_assert_double_eq(value_tanh(g, value_new(g, 0.0, NULL))->data, 0.0);
    ck_assert_double_eq_tol(value_tanh(g, value_new(g, 30.0, NULL))->data, 1.0, 1e-15);
    ck_assert_double_eq_tol(value_tanh(g, value_new(g, -30.0, NULL))->data, -1.0, 1e-15);
    graph_free(g);
}
END_TEST

START_TEST(tanh_is_named_tanh)
{
    ck_assert_str_eq(op_name(OP_TANH), "tanh");
}
END_TEST

START_TEST(backward_step_of_add_passes_grad_to_both_operands)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *b = value_new(g, -2.0, "b");
    Value *s = value_add(g, a, b);
    s->grad = 5.0;
    value_backward_step(s);
    ck_assert_double_eq(a->grad, 5.0);   /* ds/da = 1 */
    ck_assert_double_eq(b->grad, 5.0);   /* ds/db = 1 */
    ck_assert_double_eq(s->grad, 5.0);   /* its own grad is left alone */
    ck_assert_double_eq(a->data, 3.0);
    ck_assert_double_eq(b->data, -2.0);
    graph_free(g);
}
END_TEST

START_TEST(backward_step_of_mul_gives_each_operand_the_other)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *b = value_new(g, -2.0, "b");
    Value *p = value_mul(g, a, b);
    p->grad = 5.0;
    value_backward_step(p);
    ck_assert_double_eq(a->grad, 5.0 * -2.0);   /* dp/da = b */
    ck_assert_double_eq(b->grad, 5.0 * 3.0);    /* dp/db = a */
    ck_assert_double_eq(p->grad, 5.0);
    graph_free(g);
}
END_TEST

START_TEST(backward_step_of_tanh_multiplies_by_one_minus_its_square)
{
    const double xs[] = { -2.0, -0.5, 0.0, 0.3, 1.0, 4.0 };
    Graph *g = graph_new();
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        Value *a = value_new(g, xs[i], "a");
        Value *t = value_tanh(g, a);
        t->grad = 2.0;
        value_backward_step(t);
        ck_assert_double_eq_tol(a->grad, 2.0 * tanh_slope_by_exp(xs[i]), 1e-13);
        ck_assert_double_eq(t->grad, 2.0);
    }
    Value *zero = value_new(g, 0.0, "zero");
    Value *t = value_tanh(g, zero);
    t->grad = 1.0;
    value_backward_step(t);
    ck_assert_double_eq(zero->grad, 1.0);   /* slope 1 at 0, exactly */
    graph_free(g);
}
END_TEST

START_TEST(backward_step_of_a_leaf_changes_nothing)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    a->grad = 3.0;
    value_backward_step(a);
    ck_assert_double_eq(a->grad, 3.0);
    ck_assert_double_eq(a->data, 2.0);
    ck_assert_int_eq(a->op, OP_LEAF);
    graph_free(g);
}
END_TEST

START_TEST(backward_step_adds_to_operand_grads)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *b = value_new(g, -2.0, "b");
    Value *p = value_mul(g, a, b);
    a->grad = 1.0;              /* a share that arrived earlier, from elsewhere */
    p->grad = 5.0;
    value_backward_step(p);
    ck_assert_double_eq(a->grad, 1.0 + 5.0 * -2.0);
    ck_assert_double_eq(b->grad, 5.0 * 3.0);
    value_backward_step(p);     /* a second call adds a second share */
    ck_assert_double_eq(a->grad, 1.0 + 2.0 * (5.0 * -2.0));
    ck_assert_double_eq(b->grad, 2.0 * (5.0 * 3.0));
    graph_free(g);
}
END_TEST

START_TEST(backward_step_of_add_and_tanh_add_to_operand_grads)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *b = value_new(g, -2.0, "b");
    Value *s = value_add(g, a, b);
    Value *t = value_tanh(g, b);
    a->grad = 1.0;              /* shares that arrived earlier, from elsewhere */
    b->grad = -1.0;
    s->grad = 5.0;
    value_backward_step(s);
    ck_assert_double_eq(a->grad, 1.0 + 5.0);
    ck_assert_double_eq(b->grad, -1.0 + 5.0);
    t->grad = 2.0;
    value_backward_step(t);
    ck_assert_double_eq_tol(b->grad, 4.0 + 2.0 * tanh_slope_by_exp(-2.0), 1e-13);
    graph_free(g);
}
END_TEST

START_TEST(backward_step_of_a_shared_operand_collects_both_shares)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *sq = value_mul(g, a, a);     /* a*a: both operands are a */
    sq->grad = 1.0;
    value_backward_step(sq);
    ck_assert_double_eq(a->grad, 2.0 * 3.0);   /* d(a^2)/da = 2a */
    graph_free(g);
}
END_TEST

START_TEST(neuron_gradients_follow_the_chain_rule)
{
    const double x1 = 2.0, x2 = 0.0, w1 = -3.0, w2 = 1.0, bias = 6.8813735870195432;
    Graph *g = graph_new();
    Value *vx1 = value_new(g, x1, "x1");
    Value *vx2 = value_new(g, x2, "x2");
    Value *vw1 = value_new(g, w1, "w1");
    Value *vw2 = value_new(g, w2, "w2");
    Value *vb = value_new(g, bias, "b");
    Value *p1 = value_mul(g, vx1, vw1);
    Value *p2 = value_mul(g, vx2, vw2);
    Value *s = value_add(g, p1, p2);
    Value *n = value_add(g, s, vb);
    Value *o = value_tanh(g, n);
    ck_assert_double_eq_tol(n->data, log(1.0 + sqrt(2.0)), 1e-12);
    ck_assert_double_eq_tol(o->data, 1.0 / sqrt(2.0), 1e-12);

    o->grad = 1.0;
    value_backward_step(o);
    value_backward_step(n);
    value_backward_step(s);
    value_backward_step(p1);
    value_backward_step(p2);

    const double dn = 0.5;   /* 1 - o^2 with o = 1/sqrt(2) */
    ck_assert_double_eq_tol(n->grad, dn, 1e-12);
    ck_assert_double_eq_tol(s->grad, dn, 1e-12);
    ck_assert_double_eq_tol(vb->grad, dn, 1e-12);
    ck_assert_double_eq_tol(p1->grad, dn, 1e-12);
    ck_assert_double_eq_tol(p2->grad, dn, 1e-12);
    ck_assert_double_eq_tol(vx1->grad, w1 * dn, 1e-12);   /* -1.5 */
    ck_assert_double_eq_tol(vw1->grad, x1 * dn, 1e-12);   /*  1   */
    ck_assert_double_eq_tol(vx2->grad, w2 * dn, 1e-12);   /*  0.5 */
    ck_assert_double_eq_tol(vw2->grad, x2 * dn, 1e-12);   /*  0   */
    ck_assert_double_eq(o->grad, 1.0);
    graph_free(g);
}
END_TEST

/* A misuse that stops the program cannot free its Graph: keeping it in a static keeps it
 * reachable, so valgrind does not report the memory of a deliberate stop as a leak. */
static Graph *volatile doomed;

static void backward_step_on_null(void)
{
    value_backward_step(NULL);
}

static void tanh_of_null(void)
{
    Graph *g = doomed = graph_new();
    value_tanh(g, NULL);
}

static void tanh_in_null_graph(void)
{
    Graph *g = doomed = graph_new();
    Value *a = value_new(g, 1.0, "a");
    value_tanh(NULL, a);
}

START_TEST(backward_step_on_null_stops)
{
    expect_stop(backward_step_on_null, "value_backward_step");
}
END_TEST

START_TEST(tanh_of_null_stops)
{
    expect_stop(tanh_of_null, "value_tanh");
}
END_TEST

START_TEST(tanh_in_null_graph_stops)
{
    expect_stop(tanh_in_null_graph, "value_tanh");
}
END_TEST

/* Far from 0, tanh is near 1 but not 1: its data and slope there are C's tanh and 1 - t^2,
 * within the tolerances above, not 1 and 0 (an engine that saturates early fails here). */
START_TEST(tanh_is_exact_far_from_zero)
{
    const double at[] = {6.0, -6.0, 8.0, -8.0, 12.0, -12.0};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        Graph *g = graph_new();
        Value *x = value_new(g, at[i], "x");
        Value *t = value_tanh(g, x);
        double want = tanh(at[i]);
        ck_assert_msg(fabs(t->data - want) <= 1e-14 * fabs(want), "tanh(%g) is %.17g, expected "
                      "%.17g", at[i], t->data, want);
        t->grad = 1.0;
        value_backward_step(t);
        double slope = 1.0 - t->data * t->data;
        ck_assert_msg(fabs(x->grad - slope) <= 1e-13, "the slope of tanh at %g "
                      "is %.17g, expected 1 - tanh^2 = %.17g", at[i], x->grad, slope);
        graph_free(g);
    }
}
END_TEST

Suite *checkpoint3_suite(void)
{
    Suite *s = suite_create("checkpoint 3: The chain rule");

    TCase *tanh_case = harness_tcase("tanh");
    harness_add(tanh_case, tanh_computes_forward_and_records_its_operand);
    harness_add(tanh_case, tanh_is_named_tanh);
    suite_add_tcase(s, tanh_case);

    TCase *step = harness_tcase("backward_step");
    harness_add(step, backward_step_of_add_passes_grad_to_both_operands);
    harness_add(step, backward_step_of_mul_gives_each_operand_the_other);
    harness_add(step, backward_step_of_tanh_multiplies_by_one_minus_its_square);
    harness_add(step, backward_step_of_a_leaf_changes_nothing);
    harness_add(step, backward_step_adds_to_operand_grads);
    harness_add(step, backward_step_of_add_and_tanh_add_to_operand_grads);
    harness_add(step, backward_step_of_a_shared_operand_collects_both_shares);
    suite_add_tcase(s, step);

    TCase *neuron = harness_tcase("neuron");
    harness_add(neuron, neuron_gradients_follow_the_chain_rule);
    suite_add_tcase(s, neuron);

    TCase *contracts = harness_tcase("contracts");
    harness_add(contracts, backward_step_on_null_stops);
    harness_add(contracts, tanh_of_null_stops);
    harness_add(contracts, tanh_in_null_graph_stops);
    suite_add_tcase(s, contracts);

    TCase *closer = harness_tcase("closer checks");
    harness_add(closer, tanh_is_exact_far_from_zero);
    suite_add_tcase(s, closer);

    return s;
}
