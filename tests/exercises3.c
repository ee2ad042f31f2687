/* exercises3.c: the checkpoint tests of chapter 3's exercises (prototypes in exercises3.h).
 * Expected numbers come from the math, computed here with the C library, never from the
 * engine.
 */
#include "harness.h"
#include <math.h>
#include "exercises3.h"

/* Exercise 3.1 */

START_TEST(tanh_local_derivative_matches_central_difference)
{
    const double xs[] = { -20.0, -3.0, -1.0, -0.4, 0.0, 0.7, 1.5, 3.0, 20.0 };
    const double h = 1e-5;
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        double slope = (tanh(x + h) - tanh(x - h)) / (2.0 * h);
        ck_assert_double_eq_tol(tanh_local_derivative(x), slope, 1e-9);
    }
    ck_assert_double_eq(tanh_local_derivative(0.0), 1.0);
    ck_assert_double_eq_tol(tanh_local_derivative(20.0), 0.0, 1e-15);
}
END_TEST

/* Exercise 3.2 */

typedef struct { double x1, w1, x2, w2, b; } NeuronInputs;

static const NeuronInputs neurons[] = {
    { 2.0, -3.0, 0.0, 1.0, 6.8813735870195432 },   /* the chapter's neuron */
    { 0.5, -1.5, 2.0, 0.25, 0.1 },
    { -1.0, 0.3, 0.8, -2.0, -0.5 },
};

/* The leaves of one neuron as Values of g, and value_neuron2 of them. */
static Value *build_neuron2(Graph *g, const NeuronInputs *in, Value **x1, Value **w1,
                            Value **x2, Value **w2, Value **b)
{
    *x1 = value_new(g, in->x1, "x1");
    *w1 = value_new(g, in->w1, "w1");
    *x2 = value_new(g, in->x2, "x2");
    *w2 = value_new(g, in->w2, "w2");
    *b = value_new(g, in->b, "b");
    return value_neuron2(g, *x1, *w1, *x2, *w2, *b);
}

START_TEST(neuron2_computes_tanh_of_weighted_sum)
{
    for (size_t i = 0; i < sizeof neurons / sizeof neurons[0]; i++) {
        const NeuronInputs *in = &neurons[i];
        Graph *g = graph_new();
        Value *x1, *w1, *x2, *w2, *b;
        Value *o = build_neuron2(g, in, &x1, &w1, &x2, &w2, &b);
        ck_assert_ptr_nonnull(o);
        ck_assert_double_eq_tol(o->data, tanh(in->x1 * in->w1 + in->x2 * in->w2 + in->b), 1e-14);
        ck_assert_int_eq(o->op, OP_TANH);
        ck_assert_uint_eq(graph_size(g), 10);   /* 5 leaves, 2 products, 2 sums, 1 tanh */
        ck_assert_double_eq(x1->data, in->x1);
        ck_assert_double_eq(b->data, in->b);
        graph_free(g);
    }
}
END_TEST

START_TEST(neuron2_backward_gives_chain_rule_gradients)
{
    for (size_t i = 0; i < sizeof neurons / sizeof neurons[0]; i++) {
        const NeuronInputs *in = &neurons[i];
        Graph *g = graph_new();
        Value *x1, *w1, *x2, *w2, *b;
        Value *o = build_neuron2(g, in, &x1, &w1, &x2, &w2, &b);
        neuron2_backward(o);
        double t = tanh(in->x1 * in->w1 + in->x2 * in->w2 + in->b);
        double dn = 1.0 - t * t;                       /* do/dn */
        ck_assert_double_eq(o->grad, 1.0);
        ck_assert_double_eq_tol(x1->grad, in->w1 * dn, 1e-12);
        ck_assert_double_eq_tol(w1->grad, in->x1 * dn, 1e-12);
        ck_assert_double_eq_tol(x2->grad, in->w2 * dn, 1e-12);
        ck_assert_double_eq_tol(w2->grad, in->x2 * dn, 1e-12);
        ck_assert_double_eq_tol(b->grad, dn, 1e-12);
        graph_free(g);
    }
}
END_TEST

/* Exercises 3.3 and 3.4: the chapter's neuron, o = tanh((x1 w1 + x2 w2) + b), built with the
   engine's own operations (not with the reader's value_neuron2). */
typedef struct { Value *x1, *w1, *x2, *w2, *b, *n, *o; } ChapterNeuron;

static ChapterNeuron build_chapter_neuron(Graph *g)
{
    const NeuronInputs *in = &neurons[0];
    ChapterNeuron c;
    c.x1 = value_new(g, in->x1, "x1");
    c.x2 = value_new(g, in->x2, "x2");
    c.w1 = value_new(g, in->w1, "w1");
    c.w2 = value_new(g, in->w2, "w2");
    c.b = value_new(g, in->b, "b");
    Value *s = value_add(g, value_mul(g, c.x1, c.w1), value_mul(g, c.x2, c.w2));
    c.n = value_add(g, s, c.b);
    c.o = value_tanh(g, c.n);
    return c;
}

/* Exercise 3.3 */

START_TEST(backward_by_hand_on_the_neuron)
{
    const NeuronInputs *in = &neurons[0];
    Graph *g = graph_new();
    ChapterNeuron c = build_chapter_neuron(g);
    graph_backward_by_hand(g, c.o);
    const double dn = 0.5;   /* 1 - o^2 with o = 1/sqrt(2) */
    ck_assert_double_eq(c.o->grad, 1.0);
    ck_assert_double_eq_tol(c.n->grad, dn, 1e-12);
    ck_assert_double_eq_tol(c.x1->grad, in->w1 * dn, 1e-12);
    ck_assert_double_eq_tol(c.w1->grad, in->x1 * dn, 1e-12);
    ck_assert_double_eq_tol(c.x2->grad, in->w2 * dn, 1e-12);
    ck_assert_double_eq_tol(c.w2->grad, in->x2 * dn, 1e-12);
    ck_assert_double_eq_tol(c.b->grad, dn, 1e-12);
    graph_free(g);
}
END_TEST

START_TEST(backward_by_hand_with_a_shared_operand)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *d = value_add(g, value_mul(g, a, a), a);   /* d = a^2 + a */
    graph_backward_by_hand(g, d);
    ck_assert_double_eq(a->grad, 2.0 * 3.0 + 1.0);    /* 2a + 1 */

    const double x = 0.5;
    Graph *h = graph_new();
    Value *vx = value_new(h, x, "x");
    Value *y = value_mul(h, value_tanh(h, vx), vx);   /* y = x tanh x */
    graph_backward_by_hand(h, y);
    double t = tanh(x);
    ck_assert_double_eq_tol(vx->grad, t + x * (1.0 - t * t), 1e-12);
    graph_free(h);
    graph_free(g);
}
END_TEST

START_TEST(backward_by_hand_ignores_values_made_after_the_root)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    Value *root = value_add(g, value_mul(g, a, b), c);    /* a*b + c */
    Value *later = value_mul(g, root, root);              /* made after the root */
    Value *other = value_tanh(g, a);
    for (size_t i = 0; i < graph_size(g); i++)
        graph_value(g, i)->grad = 99.0;                   /* stale grads from an earlier pass */
    graph_backward_by_hand(g, root);
    ck_assert_double_eq(root->grad, 1.0);
    ck_assert_double_eq(a->grad, -3.0);   /* b */
    ck_assert_double_eq(b->grad, 2.0);    /* a */
    ck_assert_double_eq(c->grad, 1.0);
    ck_assert_double_eq(later->grad, 0.0);
    ck_assert_double_eq(other->grad, 0.0);
    graph_free(g);
}
END_TEST

/* Exercise 3.4 */

START_TEST(forward_derivative_of_the_neuron)
{
    const NeuronInputs *in = &neurons[0];
    Graph *g = graph_new();
    ChapterNeuron c = build_chapter_neuron(g);
    double t = tanh(in->x1 * in->w1 + in->x2 * in->w2 + in->b), dn = 1.0 - t * t;
    ck_assert_double_eq_tol(graph_forward_derivative(g, c.x1, c.o), in->w1 * dn, 1e-12);
    ck_assert_double_eq_tol(graph_forward_derivative(g, c.w1, c.o), in->x1 * dn, 1e-12);
    ck_assert_double_eq_tol(graph_forward_derivative(g, c.x2, c.o), in->w2 * dn, 1e-12);
    ck_assert_double_eq_tol(graph_forward_derivative(g, c.w2, c.o), in->x2 * dn, 1e-12);
    ck_assert_double_eq_tol(graph_forward_derivative(g, c.b, c.o), dn, 1e-12);
    ck_assert_double_eq_tol(c.o->data, t, 1e-15);        /* data left alone */
    ck_assert_double_eq(c.x1->data, in->x1);
    graph_free(g);
}
END_TEST

START_TEST(forward_derivative_with_a_shared_operand)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 3.0, "a");
    Value *d = value_add(g, value_mul(g, a, a), a);              /* a^2 + a */
    ck_assert_double_eq_tol(graph_forward_derivative(g, a, d), 7.0, 1e-12);
    Value *q = value_mul(g, value_add(g, a, a), a);              /* 2a^2 */
    ck_assert_double_eq_tol(graph_forward_derivative(g, a, q), 12.0, 1e-12);
    const double x = 0.5, t = tanh(0.5);
    Value *vx = value_new(g, x, "x");
    Value *y = value_mul(g, value_tanh(g, vx), vx);              /* x tanh x */
    ck_assert_double_eq_tol(graph_forward_derivative(g, vx, y), t + x * (1.0 - t * t), 1e-12);
    graph_free(g);
}
END_TEST

/* Gradients by stepping every Value of g backward from the last made: exercise 3.3's walk,
 * written here so that this test does not depend on that exercise. */
static void steps_from_the_last(Graph *g, Value *root)
{
    graph_zero_grad(g);
    root->grad = 1.0;
    for (size_t i = graph_size(g); i > 0; i--)
        value_backward_step(graph_value(g, i - 1));
}

START_TEST(forward_derivative_agrees_with_backward_steps)
{
    Graph *g = graph_new();
    Value *leaf[4] = {value_new(g, 0.3, "p"), value_new(g, -1.2, "q"),
                      value_new(g, 0.8, "r"), value_new(g, 2.0, "s")};
    Value *u = value_tanh(g, value_mul(g, leaf[0], leaf[1]));
    Value *v = value_add(g, value_mul(g, u, leaf[2]), leaf[0]);
    Value *w = value_mul(g, value_tanh(g, value_add(g, v, u)), value_add(g, leaf[3], v));
    Value *root = value_add(g, value_mul(g, w, w), value_tanh(g, value_mul(g, u, leaf[3])));
    steps_from_the_last(g, root);
    double backward[4];
    for (int i = 0; i < 4; i++)
        backward[i] = leaf[i]->grad;
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(graph_forward_derivative(g, leaf[i], root), backward[i],
                                1e-12 * (1.0 + fabs(backward[i])));
    graph_free(g);
}
END_TEST

START_TEST(forward_derivative_of_an_unrelated_leaf_is_zero)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a"), *stray = value_new(g, 5.0, "stray");
    Value *root = value_tanh(g, value_mul(g, a, a));
    Value *later = value_new(g, 7.0, "later");
    value_mul(g, later, root);                                     /* made after the root */
    ck_assert_double_eq(graph_forward_derivative(g, stray, root), 0.0);
    ck_assert_double_eq(graph_forward_derivative(g, later, root), 0.0);
    graph_free(g);
}
END_TEST

Suite *exercises3_suite(void)
{
    Suite *s = suite_create("exercises 3: The chain rule");

    TCase *e1 = harness_tcase("exercise 3.1");
    harness_add(e1, tanh_local_derivative_matches_central_difference);
    suite_add_tcase(s, e1);

    TCase *e2 = harness_tcase("exercise 3.2");
    harness_add(e2, neuron2_computes_tanh_of_weighted_sum);
    harness_add(e2, neuron2_backward_gives_chain_rule_gradients);
    suite_add_tcase(s, e2);

    TCase *e3 = harness_tcase("exercise 3.3");
    harness_add(e3, backward_by_hand_on_the_neuron);
    harness_add(e3, backward_by_hand_with_a_shared_operand);
    harness_add(e3, backward_by_hand_ignores_values_made_after_the_root);
    suite_add_tcase(s, e3);

    TCase *e4 = harness_tcase("exercise 3.4");
    harness_add(e4, forward_derivative_of_the_neuron);
    harness_add(e4, forward_derivative_with_a_shared_operand);
    harness_add(e4, forward_derivative_agrees_with_backward_steps);
    harness_add(e4, forward_derivative_of_an_unrelated_leaf_is_zero);
    suite_add_tcase(s, e4);

    return s;
}
