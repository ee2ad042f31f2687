/* checkpoint4.c: what chapter 4 promises. Runs on every snapshot from chapter 4 on.
 *
 * value_topo_order and value_backward, the ops exp, pow, relu, neg, sub and div, micrograd's
 * two reference expressions, regression tests for bugs that C ports of micrograd have had,
 * and a property test: gradients of random expression graphs against central differences. */
#define _POSIX_C_SOURCE 200809L   /* fork and pipe, for expect_stop.h */
#include "harness.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "micrograd.h"
#include "expect_stop.h"

/* |got - want| within rel * |want|: for results that rounding may move in the last digits. */
#define ck_assert_close(got, want, rel) \
    ck_assert_double_le(fabs((got) - (want)), (rel) * fabs(want))

/* The index of v in g, or -1: lets a test keep a flag per Value. */
static long index_in(Graph *g, const Value *v)
{
    for (size_t i = 0; i < graph_size(g); i++)
        if (graph_value(g, i) == v)
            return (long)i;
    return -1;
}

/* L = (a*b + c) * f with a = 2, b = -3, c = 10, f = -2, built in a fresh Graph. */
static Value *build_L(Graph *g, Value **a, Value **b, Value **c, Value **f, Value **d)
{
    *a = value_new(g, 2.0, "a");
    *b = value_new(g, -3.0, "b");
    *c = value_new(g, 10.0, "c");
    *f = value_new(g, -2.0, "f");
    *d = value_add(g, value_mul(g, *a, *b), *c);
    return value_mul(g, *d, *f);
}

/* ------------------------------------------------------------ topological order */

START_TEST(topo_order_lists_each_value_under_the_root_once_after_its_operands)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 1.5, "a"), *b = value_new(g, -2.0, "b");
    Value *stray = value_mul(g, a, b);                 /* made, but not under the root */
    Value *u = value_mul(g, a, b);
    Value *w = value_add(g, u, value_tanh(g, u));      /* u is used twice */
    Value *root = value_mul(g, value_add(g, w, a), w); /* so are a and w */
    size_t n = 0;
    Value **order = value_topo_order(root, &n);
    ck_assert_uint_eq(n, graph_size(g) - 1);           /* everything but stray */
    int seen[16] = {0};
    for (size_t i = 0; i < n; i++) {
        long k = index_in(g, order[i]);
        ck_assert_int_ge(k, 0);
        ck_assert_int_eq(seen[k], 0);                  /* listed once */
        for (int j = 0; j < 2; j++)
            if (order[i]->operands[j] != NULL)         /* operands listed before */
                ck_assert_int_eq(seen[index_in(g, order[i]->operands[j])], 1);
        seen[k] = 1;
    }
    ck_assert_int_eq(seen[index_in(g, stray)], 0);
    ck_assert_ptr_eq(order[n - 1], root);
    free(order);
    graph_free(g);
}
END_TEST

START_TEST(topo_order_leaves_every_mark_clear)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_add(g, a, a);
    Value *c = value_mul(g, b, value_exp(g, b));
    size_t n1 = 0, n2 = 0;
    Value **first = value_topo_order(c, &n1);
    for (size_t i = 0; i < graph_size(g); i++)
        ck_assert_int_eq(graph_value(g, i)->visited, 0);
    Value **second = value_topo_order(c, &n2);         /* a second sort sees every Value */
    ck_assert_uint_eq(n1, 4);
    ck_assert_uint_eq(n2, 4);
    free(first);
    free(second);
    graph_free(g);
}
END_TEST

START_TEST(topo_order_of_a_leaf_is_the_leaf)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    size_t n = 0;
    Value **order = value_topo_order(a, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_eq(order[0], a);
    free(order);
    graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ backward */

START_TEST(backward_gives_the_gradients_of_L_found_by_hand)
{
    Graph *g = graph_new();
    Value *a, *b, *c, *f, *d;
    Value *L = build_L(g, &a, &b, &c, &f, &d);
    value_backward(L);
    ck_assert_double_eq(L->grad, 1.0);
    ck_assert_double_eq(d->grad, -2.0);                /* f */
    ck_assert_double_eq(f->grad, 4.0);                 /* d = a*b + c */
    ck_assert_double_eq(c->grad, -2.0);                /* f */
    ck_assert_double_eq(a->grad, 6.0);                 /* f * b */
    ck_assert_double_eq(b->grad, -4.0);                /* f * a */
    graph_free(g);
}
END_TEST

START_TEST(backward_twice_doubles_the_leaf_gradients_only)
{
    Graph *g = graph_new();
    Value *a, *b, *c, *f, *d;
    Value *L = build_L(g, &a, &b, &c, &f, &d);
    value_backward(L);
    value_backward(L);
    ck_assert_double_eq(a->grad, 12.0);
    ck_assert_double_eq(b->grad, -8.0);
    ck_assert_double_eq(c->grad, -4.0);
    ck_assert_double_eq(f->grad, 8.0);
    ck_assert_double_eq(d->grad, -2.0);                /* interior: this pass's gradient */
    ck_assert_double_eq(L->grad, 1.0);
    graph_free(g);

    /* The same with every op of the chapter in the graph: each Value made by an op gets this
       pass's gradient again, whatever its op, and each leaf twice its first gradient. */
    g = graph_new();
    Value *x = value_new(g, 0.5, "x"), *y = value_new(g, -1.5, "y"), *z = value_new(g, 2.0, "z");
    Value *t = value_tanh(g, value_mul(g, x, y));
    Value *p = value_pow(g, value_add(g, value_exp(g, t), z), 2.0);
    Value *r = value_relu(g, value_sub(g, p, x));
    Value *root = value_add(g, value_div(g, value_neg(g, r), z), t);
    value_backward(root);
    size_t n = graph_size(g);
    double *first = malloc(n * sizeof *first);
    ck_assert_ptr_nonnull(first);
    for (size_t i = 0; i < n; i++)
        first[i] = graph_value(g, i)->grad;
    value_backward(root);
    for (size_t i = 0; i < n; i++) {
        Value *v = graph_value(g, i);
        double want = v->op == OP_LEAF ? 2.0 * first[i] : first[i];
        ck_assert_msg(fabs(v->grad - want) <= 1e-14 * fabs(want), "Value %zu (op \"%s\"): grad "
                      "%.17g after the second pass, expected %.17g", i, op_name(v->op), v->grad,
                      want);
    }
    ck_assert_double_ne(x->grad, 0.0);
    ck_assert_double_ne(y->grad, 0.0);
    ck_assert_double_ne(z->grad, 0.0);
    free(first);
    graph_free(g);
}
END_TEST

START_TEST(zero_grad_then_backward_gives_the_single_gradients)
{
    Graph *g = graph_new();
    Value *a, *b, *c, *f, *d;
    Value *L = build_L(g, &a, &b, &c, &f, &d);
    value_backward(L);
    value_backward(L);
    graph_zero_grad(g);
    value_backward(L);
    ck_assert_double_eq(a->grad, 6.0);
    ck_assert_double_eq(b->grad, -4.0);
    ck_assert_double_eq(c->grad, -2.0);
    ck_assert_double_eq(f->grad, 4.0);
    graph_free(g);
}
END_TEST

START_TEST(backward_leaves_values_outside_the_root_alone)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a"), *b = value_new(g, 5.0, "b");
    Value *other = value_mul(g, a, b);                 /* not under the root */
    Value *root = value_add(g, a, a);
    other->grad = 7.0;
    b->grad = 3.0;
    value_backward(root);
    ck_assert_double_eq(other->grad, 7.0);
    ck_assert_double_eq(b->grad, 3.0);
    ck_assert_double_eq(a->grad, 2.0);
    graph_free(g);
}
END_TEST

/* Two losses sharing an interior Value: backward on each in turn sums their leaf gradients,
 * because the second pass clears the shared Value instead of resending the first's. */
START_TEST(two_losses_sharing_an_interior_value_sum_their_gradients)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a"), *b = value_new(g, -3.0, "b");
    Value *s = value_mul(g, a, b);                     /* shared, interior */
    Value *L1 = value_mul(g, s, s);                    /* dL1/da = 2 s b = 36 */
    Value *L2 = value_add(g, s, b);                    /* dL2/da = b = -3 */
    value_backward(L1);
    double a1 = a->grad, b1 = b->grad;
    graph_zero_grad(g);
    value_backward(L2);
    double a2 = a->grad, b2 = b->grad;
    graph_zero_grad(g);
    value_backward(L1);
    value_backward(L2);
    ck_assert_double_eq(a1, 36.0);
    ck_assert_double_eq(a2, -3.0);
    ck_assert_double_eq(a->grad, a1 + a2);
    ck_assert_double_eq(b->grad, b1 + b2);
    graph_free(g);
}
END_TEST

START_TEST(backward_of_a_leaf_sets_its_gradient_to_1)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    value_backward(a);
    ck_assert_double_eq(a->grad, 1.0);
    graph_free(g);
}
END_TEST

static void backward_of_null(void)
{
    value_backward(NULL);
}

static void topo_order_of_null(void)
{
    size_t n;
    value_topo_order(NULL, &n);
}

START_TEST(backward_of_null_stops)
{
    expect_stop(backward_of_null, "value_backward");
}
END_TEST

START_TEST(topo_order_of_null_stops)
{
    expect_stop(topo_order_of_null, "value_topo_order");
}
END_TEST

/* ------------------------------------------------------------ shared nodes */

START_TEST(value_used_twice_in_a_product_gets_both_contributions)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a"), *b = value_new(g, 3.0, "b");
    Value *c = value_new(g, 5.0, "c");
    Value *u = value_mul(g, a, b);
    Value *l = value_add(g, u, value_mul(g, u, c));    /* l = ab + abc */
    value_backward(l);
    ck_assert_double_eq(l->data, 36.0);
    ck_assert_double_eq(a->grad, 3.0 + 3.0 * 5.0);     /* b + bc */
    ck_assert_double_eq(b->grad, 2.0 + 2.0 * 5.0);     /* a + ac */
    ck_assert_double_eq(c->grad, 6.0);                 /* ab */
    graph_free(g);
}
END_TEST

START_TEST(value_added_to_itself_twice_gets_gradient_4)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 1.0, "a");
    Value *b = value_add(g, a, a);
    Value *c = value_add(g, b, b);
    value_backward(c);
    ck_assert_double_eq(c->data, 4.0);
    ck_assert_double_eq(b->grad, 2.0);
    ck_assert_double_eq(a->grad, 4.0);
    graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ the new ops */

/* The ops of this chapter, one row each: how to make it from x (and y, for the ops of two
   operands), its op code (neg, sub and div are built from the others), what it must compute,
   and the gradients value_backward must give x and y. The values are exact in doubles but
   e^0.5's, which is within tol. */
enum { COMPOSED = -1 };   /* an op built from the others: no op code of its own */

typedef struct {
    const char *name;
    int op;
    Value *(*make)(Graph *g, Value *x, Value *y);
    double x, y, data, dx, dy, tol;
} OpRow;

static Value *make_exp(Graph *g, Value *x, Value *y) { (void)y; return value_exp(g, x); }
static Value *make_cube(Graph *g, Value *x, Value *y) { (void)y; return value_pow(g, x, 3.0); }
static Value *make_relu(Graph *g, Value *x, Value *y) { (void)y; return value_relu(g, x); }
static Value *make_neg(Graph *g, Value *x, Value *y) { (void)y; return value_neg(g, x); }
static Value *make_sub(Graph *g, Value *x, Value *y) { return value_sub(g, x, y); }
static Value *make_div(Graph *g, Value *x, Value *y) { return value_div(g, x, y); }

static const OpRow op_rows[] = {
    {"exp at 0.5",        OP_EXP,  make_exp,  0.5,   0.0, 1.6487212707001282, 1.6487212707001282, 0.0, 1e-15},
    {"pow 3 at 0.5",      OP_POW,  make_cube, 0.5,   0.0, 0.125, 0.75,  0.0,  0.0},   /* 3 * 0.5^2 */
    {"relu at 0.5",       OP_RELU, make_relu, 0.5,   0.0, 0.5,   1.0,   0.0,  0.0},
    {"relu below 0",      OP_RELU, make_relu, -0.25, 0.0, 0.0,   0.0,   0.0,  0.0},
    {"relu at 0",         OP_RELU, make_relu, 0.0,   0.0, 0.0,   0.0,   0.0,  0.0},
    {"neg of 3",          COMPOSED, make_neg,  3.0,   0.0, -3.0,  -1.0,  0.0,  0.0},
    {"sub 3 - (-4)",      COMPOSED, make_sub,  3.0,  -4.0, 7.0,   1.0,  -1.0,  0.0},
    {"div 3 / (-4)",      COMPOSED, make_div,  3.0,  -4.0, -0.75, -0.25, -3.0 / 16.0, 0.0}, /* 1/y, -x/y^2 */
};

static void expect_near(const char *row, const char *what, double got, double want, double tol)
{
    ck_assert_msg(fabs(got - want) <= tol, "%s: %s is %.17g, expected %.17g", row, what, got, want);
}

START_TEST(each_op_computes_and_differentiates_as_its_row_of_the_table_says)
{
    for (size_t i = 0; i < sizeof op_rows / sizeof op_rows[0]; i++) {
        const OpRow *r = &op_rows[i];
        Graph *g = graph_new();
        Value *x = value_new(g, r->x, "x"), *y = value_new(g, r->y, "y");
        Value *out = r->make(g, x, y);
        if (r->op != COMPOSED)
            ck_assert_msg((int)out->op == r->op, "%s: op %d, expected %d", r->name, (int)out->op, r->op);
        if (r->op == OP_POW)
            expect_near(r->name, "the constant", out->constant, 3.0, 0.0);
        expect_near(r->name, "its data", out->data, r->data, r->tol);
        value_backward(out);
        expect_near(r->name, "x's gradient", x->grad, r->dx, r->tol);
        expect_near(r->name, "y's gradient", y->grad, r->dy, r->tol);
        graph_free(g);
    }
}
END_TEST

START_TEST(cube_root_gradient_at_8_is_one_twelfth)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 8.0, "x");
    Value *y = value_pow(g, x, 1.0 / 3.0);
    value_backward(y);
    ck_assert_double_eq_tol(y->data, 2.0, 1e-12);
    ck_assert_double_eq_tol(x->grad, 1.0 / 12.0, 1e-12);
    graph_free(g);
}
END_TEST

START_TEST(pow_gradient_is_finite_at_zero_for_a_positive_power)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.0, "x");
    Value *y = value_pow(g, x, 2.0);
    value_backward(y);
    ck_assert_double_eq(y->data, 0.0);
    ck_assert_double_eq(x->grad, 0.0);                 /* 2 * 0^1, not 2 * 0 / 0 */
    graph_free(g);
}
END_TEST

START_TEST(new_ops_have_names)
{
    ck_assert_str_eq(op_name(OP_EXP), "exp");
    ck_assert_str_eq(op_name(OP_POW), "pow");
    ck_assert_str_eq(op_name(OP_RELU), "relu");
}
END_TEST

START_TEST(tanh_built_from_exp_matches_value_tanh)
{
    const double x[] = {-2.5, -0.3, 0.0, 0.8813735870195432, 1.7};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        Graph *g = graph_new();
        Value *n1 = value_new(g, x[i], "n1"), *n2 = value_new(g, x[i], "n2");
        Value *t1 = value_tanh(g, n1);
        Value *e = value_exp(g, value_mul(g, value_new(g, 2.0, NULL), n2));
        Value *one = value_new(g, 1.0, NULL);
        Value *t2 = value_div(g, value_sub(g, e, one), value_add(g, e, one));
        value_backward(t1);
        value_backward(t2);
        ck_assert_double_eq_tol(t2->data, t1->data, 1e-14);
        ck_assert_double_eq_tol(n2->grad, n1->grad, 1e-14);
        ck_assert_double_eq_tol(n1->grad, 1.0 - tanh(x[i]) * tanh(x[i]), 1e-14);
        graph_free(g);
    }
}
END_TEST

/* ------------------------------------------------------------ micrograd's reference values */

START_TEST(first_reference_expression_gives_y_minus_20_and_slope_46)
{
    Graph *g = graph_new();
    Value *x = value_new(g, -4.0, "x");
    Value *two = value_new(g, 2.0, NULL);
    Value *z = value_add(g, value_add(g, value_mul(g, two, x), two), x);
    Value *q = value_add(g, value_relu(g, z), value_mul(g, z, x));
    Value *h = value_relu(g, value_mul(g, z, z));
    Value *y = value_add(g, value_add(g, h, q), value_mul(g, q, x));
    value_backward(y);
    ck_assert_double_eq(y->data, -20.0);
    ck_assert_double_eq(x->grad, 46.0);
    graph_free(g);
}
END_TEST

START_TEST(second_reference_expression_matches_micrograd)
{
    Graph *g = graph_new();
    Value *a = value_new(g, -4.0, "a"), *b = value_new(g, 2.0, "b");
    Value *one = value_new(g, 1.0, NULL), *two = value_new(g, 2.0, NULL);
    Value *three = value_new(g, 3.0, NULL), *ten = value_new(g, 10.0, NULL);
    Value *c = value_add(g, a, b);
    Value *d = value_add(g, value_mul(g, a, b), value_pow(g, b, 3.0));
    c = value_add(g, c, value_add(g, c, one));
    c = value_add(g, c, value_add(g, value_add(g, one, c), value_neg(g, a)));
    d = value_add(g, d, value_add(g, value_mul(g, two, d), value_relu(g, value_add(g, b, a))));
    d = value_add(g, d, value_add(g, value_mul(g, three, d), value_relu(g, value_sub(g, b, a))));
    Value *e = value_sub(g, c, d);
    Value *f = value_pow(g, e, 2.0);
    Value *out = value_add(g, value_div(g, f, two), value_div(g, ten, f));
    value_backward(out);
    ck_assert_close(out->data, 24.70408163265306, 1e-12);
    ck_assert_close(a->grad, 138.83381924198252, 1e-12);
    ck_assert_close(b->grad, 645.5772594752186, 1e-12);
    graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ size and depth */

START_TEST(backward_survives_a_million_node_chain)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.5, "x");
    Value *z = x;
    for (int i = 0; i < 1000000; i++)
        z = value_add(g, z, x);                        /* z = 1,000,001 x */
    value_backward(z);
    ck_assert_double_eq(z->data, 500000.5);
    ck_assert_double_eq(x->grad, 1000001.0);
    graph_free(g);
}
END_TEST

START_TEST(sixty_doublings_give_two_to_the_sixty_without_walking_every_path)
{
    Graph *g = graph_new();
    Value *z0 = value_new(g, 1.0, "z0");
    Value *z = z0;
    for (int i = 0; i < 60; i++)
        z = value_add(g, z, z);                        /* 2^60 paths from z down to z0 */
    value_backward(z);                                 /* the tcase timeout catches a walk */
    ck_assert_double_eq(z->data, ldexp(1.0, 60));
    ck_assert_double_eq(z0->grad, ldexp(1.0, 60));
    graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ random graphs */

/* A random expression graph is kept as a recipe: one step per Value, each naming its kind,
 * the indices of its operands among the earlier steps, and a constant (a leaf's number or
 * pow's exponent). Rebuilding the recipe with one leaf nudged by h gives the finite
 * differences; backward on the first build gives the gradients they must match. */
enum { R_LEAF, R_ADD, R_MUL, R_TANH, R_EXP, R_POW, R_RELU, R_NEG, R_SUB, R_DIV, R_KINDS };
enum { MAX_LEAVES = 4, MAX_STEPS = 20, GRAPHS = 3000 };

typedef struct { int kind, a, b; double k; } Step;
typedef struct { int n; Step step[MAX_STEPS]; } Recipe;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *state)                  /* in [0, 1) */
{
    return (double)(splitmix64(state) >> 11) / 9007199254740992.0;
}

static int below(uint64_t *state, int n)                /* in 0 .. n-1 */
{
    return (int)(uniform(state) * n);
}

static Value *make_step(Graph *g, const Step *s, Value **v, double nudge)
{
    switch (s->kind) {
    case R_LEAF: return value_new(g, s->k + nudge, NULL);
    case R_ADD:  return value_add(g, v[s->a], v[s->b]);
    case R_MUL:  return value_mul(g, v[s->a], v[s->b]);
    case R_TANH: return value_tanh(g, v[s->a]);
    case R_EXP:  return value_exp(g, v[s->a]);
    case R_POW:  return value_pow(g, v[s->a], s->k);
    case R_RELU: return value_relu(g, v[s->a]);
    case R_NEG:  return value_neg(g, v[s->a]);
    case R_SUB:  return value_sub(g, v[s->a], v[s->b]);
    default:     return value_div(g, v[s->a], v[s->b]);
    }
}

/* Builds the recipe into g with leaf `nudged` moved by h; returns the root (the last step). */
static Value *build_recipe(Graph *g, const Recipe *r, Value **v, int nudged, double h)
{
    for (int i = 0; i < r->n; i++)
        v[i] = make_step(g, &r->step[i], v, i == nudged ? h : 0.0);
    return v[r->n - 1];
}

/* Is step s safe at these operand values: finite, moderate, smooth for a small nudge? */
static int step_is_safe(const Step *s, double x, double y, double out)
{
    if (!isfinite(out) || fabs(out) > 50.0)
        return 0;
    switch (s->kind) {
    case R_EXP:  return fabs(x) < 3.0;
    case R_POW:  return s->k == floor(s->k) ? (s->k > 0.0 || fabs(x) > 0.5) : x > 0.5;
    case R_RELU: return fabs(x) > 1e-3;                 /* away from the kink */
    case R_DIV:  return fabs(y) > 0.5;
    default:     return 1;
    }
}

/* Appends one random step to r, built into g as v[r->n]; falls back to tanh when unsafe. */
static void add_random_step(uint64_t *rng, Graph *g, Recipe *r, Value **v)
{
    static const double exponents[] = {2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5};
    Step *s = &r->step[r->n];
    s->kind = 1 + below(rng, R_KINDS - 1);
    s->a = uniform(rng) < 0.5 ? r->n - 1 : below(rng, r->n);   /* often the last: depth */
    s->b = below(rng, r->n);                                    /* any earlier: sharing */
    s->k = exponents[below(rng, sizeof exponents / sizeof exponents[0])];
    v[r->n] = make_step(g, s, v, 0.0);
    if (!step_is_safe(s, v[s->a]->data, v[s->b]->data, v[r->n]->data)) {
        s->kind = R_TANH;
        v[r->n] = make_step(g, s, v, 0.0);
    }
    r->n++;
}

static void random_recipe(uint64_t *rng, Graph *g, Recipe *r, Value **v)
{
    int leaves = 1 + below(rng, MAX_LEAVES);
    int steps = leaves + 1 + below(rng, MAX_STEPS - leaves);
    r->n = 0;
    for (int i = 0; i < leaves; i++) {
        r->step[i] = (Step){R_LEAF, 0, 0, 4.0 * uniform(rng) - 2.0};
        v[i] = make_step(g, &r->step[i], v, 0.0);
        r->n++;
    }
    while (r->n < steps)
        add_random_step(rng, g, r, v);
}

/* Central difference of the root with respect to leaf i, rebuilding the recipe twice. */
static double central_difference(Graph *scratch, const Recipe *r, int i, double h)
{
    Value *v[MAX_STEPS];
    graph_reset(scratch);
    double up = build_recipe(scratch, r, v, i, h)->data;
    graph_reset(scratch);
    double down = build_recipe(scratch, r, v, i, -h)->data;
    return (up - down) / (2.0 * h);
}

/* Tolerance: |backward - central difference| <= 1e-6 + 1e-6 |backward|. With h = 1e-5 the
 * central difference is off by about h^2/6 times the third derivative, plus rounding of about
 * 1e-16 |root| / h; the graphs are kept moderate (step_is_safe) so both stay far below it. */
START_TEST(random_graphs_match_central_differences)
{
    const double h = 1e-5, tol = 1e-6;
    uint64_t rng = 20240601u;
    int kinds[R_KINDS] = {0}, compared = 0;
    Graph *g = graph_new(), *scratch = graph_new();
    for (int t = 0; t < GRAPHS; t++) {
        Recipe r;
        Value *v[MAX_STEPS];
        graph_reset(g);
        random_recipe(&rng, g, &r, v);
        Value *root = v[r.n - 1];
        value_backward(root);
        size_t n;
        Value **order = value_topo_order(root, &n);
        int under[MAX_STEPS];                           /* is step i under the root? */
        for (int i = 0; i < r.n; i++) {
            under[i] = 0;
            for (size_t j = 0; j < n && !under[i]; j++)
                under[i] = order[j] == v[i];
            if (under[i])
                kinds[r.step[i].kind]++;
        }
        free(order);
        for (int i = 0; i < r.n && r.step[i].kind == R_LEAF; i++) {
            if (!under[i])
                continue;
            compared++;
            double fd = central_difference(scratch, &r, i, h);
            ck_assert_msg(fabs(v[i]->grad - fd) <= tol + tol * fabs(v[i]->grad),
                          "graph %d, leaf %d: backward %.12g, central difference %.12g",
                          t, i, v[i]->grad, fd);
        }
    }
    for (int k = R_ADD; k < R_KINDS; k++)
        ck_assert_int_ge(kinds[k], 500);                /* every op under a root, 500 times */
    ck_assert_int_gt(compared, 3000);
    graph_free(scratch);
    graph_free(g);
}
END_TEST

/* ------------------------------------------------------------ the numeric domain */

/* d(out)/dx after value_backward(out), where out = op(x) for a leaf x. */
typedef struct {
    const char *name;
    Value *(*build)(Graph *g, Value *x);
} UnaryCase;

static Value *add_one(Graph *g, Value *x)  { return value_add(g, x, value_new(g, 1.0, NULL)); }
static Value *times_two(Graph *g, Value *x) { return value_mul(g, x, value_new(g, 2.0, NULL)); }
static Value *square(Graph *g, Value *x)   { return value_pow(g, x, 2.0); }
static Value *root2(Graph *g, Value *x)    { return value_pow(g, x, 0.5); }
static Value *minus_one(Graph *g, Value *x) { return value_sub(g, x, value_new(g, 1.0, NULL)); }
static Value *half(Graph *g, Value *x)     { return value_div(g, x, value_new(g, 2.0, NULL)); }
static Value *inverse(Graph *g, Value *x)  { return value_div(g, value_new(g, 1.0, NULL), x); }

static const UnaryCase unary_cases[] = {
    {"x + 1", add_one}, {"x * 2", times_two}, {"tanh", value_tanh}, {"exp", value_exp},
    {"x^2", square}, {"x^0.5", root2}, {"relu", value_relu}, {"-x", value_neg},
    {"x - 1", minus_one}, {"x / 2", half}, {"1 / x", inverse},
};
enum { UNARY_CASES = sizeof unary_cases / sizeof unary_cases[0] };

/* The slope each case has whatever x is (NaN where the local derivative reads x). */
static const double slope_at_nan[UNARY_CASES] = {1.0, 2.0, NAN, NAN, NAN, NAN, NAN, -1.0,
                                                 1.0, 0.5, NAN};

START_TEST(nan_propagates_through_every_op_forward_and_backward)
{
    for (int i = 0; i < UNARY_CASES; i++) {
        Graph *g = graph_new();
        Value *x = value_new(g, NAN, "x");
        Value *out = unary_cases[i].build(g, x);
        ck_assert_msg(isnan(out->data), "%s of NaN is %g, not NaN", unary_cases[i].name,
                      out->data);
        value_backward(out);
        if (isnan(slope_at_nan[i]))
            ck_assert_msg(isnan(x->grad), "%s: gradient %g at NaN, not NaN",
                          unary_cases[i].name, x->grad);
        else
            ck_assert_msg(x->grad == slope_at_nan[i], "%s: gradient %g at NaN, not %g",
                          unary_cases[i].name, x->grad, slope_at_nan[i]);
        graph_free(g);
    }
}
END_TEST

START_TEST(pow_of_nan_to_the_zero_is_one_as_c_says)
{
    Graph *g = graph_new();
    Value *x = value_new(g, NAN, "x");
    Value *out = value_pow(g, x, 0.0);
    ck_assert(out->data == 1.0);                   /* C's pow(NaN, 0) is 1: IEEE's choice */
    value_backward(out);
    ck_assert(isnan(x->grad));                     /* 0 * NaN^-1 */
    graph_free(g);
}
END_TEST

START_TEST(overflow_and_division_by_zero_give_ieee_infinities)
{
    Graph *g = graph_new();
    Value *big = value_new(g, 710.0, "big");
    Value *e = value_exp(g, big);                  /* e^710 > DBL_MAX */
    value_backward(e);
    ck_assert(isinf(e->data) && e->data > 0 && isinf(big->grad) && big->grad > 0);
    graph_reset(g);
    Value *one = value_new(g, 1.0, "one"), *zero = value_new(g, 0.0, "zero");
    Value *q = value_div(g, one, zero);            /* 1 * 0^-1 */
    value_backward(q);
    ck_assert(isinf(q->data) && q->data > 0);
    ck_assert(isinf(one->grad) && one->grad > 0);  /* d/da a/b = 1/b */
    ck_assert(isinf(zero->grad) && zero->grad < 0); /* d/db a/b = -a/b^2 */
    graph_reset(g);
    Value *d = value_sub(g, q, q);                 /* inf - inf */
    ck_assert(isnan(d->data));
    graph_free(g);
}
END_TEST

START_TEST(pow_of_a_negative_base_to_a_fraction_is_nan)
{
    Graph *g = graph_new();
    Value *x = value_new(g, -8.0, "x");
    Value *r = value_pow(g, x, 1.0 / 3.0);
    value_backward(r);
    ck_assert(isnan(r->data) && isnan(x->grad));
    graph_reset(g);
    x = value_new(g, -8.0, "x");
    Value *c = value_pow(g, x, 3.0);               /* an integer power is fine */
    value_backward(c);
    ck_assert(c->data == -512.0 && x->grad == 192.0);
    graph_free(g);
}
END_TEST

START_TEST(tanh_of_infinity_is_one_with_slope_zero)
{
    const double at[2] = {20.0, INFINITY};           /* tanh 20 already rounds to 1 */
    for (int i = 0; i < 2; i++) {
        Graph *g = graph_new();
        Value *x = value_new(g, at[i], "x");
        Value *t = value_tanh(g, x);
        value_backward(t);
        ck_assert(t->data == 1.0 && x->grad == 0.0);
        graph_free(g);
    }
}
END_TEST

START_TEST(division_by_minus_zero_and_x_minus_x_at_infinity)
{
    Graph *g = graph_new();
    Value *one = value_new(g, 1.0, "one"), *zero = value_new(g, -0.0, "zero");
    Value *q = value_div(g, one, zero);            /* 1 * (-0)^-1 */
    value_backward(q);
    ck_assert(isinf(q->data) && q->data < 0);
    ck_assert(isinf(zero->grad) && zero->grad < 0); /* -1/x^2 is -inf on both sides of 0 */
    graph_reset(g);
    Value *x = value_new(g, INFINITY, "x");
    Value *d = value_sub(g, x, x);                 /* inf - inf */
    value_backward(d);
    ck_assert(isnan(d->data));
    ck_assert(x->grad == 0.0);                     /* the slope of x - x is 1 - 1 */
    graph_free(g);
}
END_TEST

START_TEST(relu_at_zero_is_zero_with_slope_zero)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.0, "x");
    Value *r = value_relu(g, x);
    value_backward(r);
    ck_assert(r->data == 0.0 && x->grad == 0.0);
    graph_free(g);
}
END_TEST


/* ------------------------------------------------------------ closer checks */

/* A leaf as the root: its gradient is set to 1, not added to, however often backward runs. */
START_TEST(backward_of_a_leaf_twice_leaves_its_gradient_1)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    a->grad = 5.0;
    value_backward(a);
    ck_assert_double_eq(a->grad, 1.0);
    value_backward(a);
    ck_assert_double_eq(a->grad, 1.0);
    graph_free(g);
}
END_TEST

/* A chain of 300 links, v' = v * c + v: each interior v is an operand of two Values, and all
   but the last few are far (hundreds of Values) from the root. Both shares must reach each of
   them, so the leaf's gradient is (1 + c)^300 and link k's is (1 + c)^(300 - k). */
START_TEST(shared_interior_values_far_from_the_root_collect_both_shares)
{
    enum { LINKS = 300 };
    const double c = 0.001;
    Graph *g = graph_new();
    Value *k = value_new(g, c, "c");
    Value *link[LINKS + 1];
    link[0] = value_new(g, 0.75, "x");
    for (int i = 0; i < LINKS; i++)
        link[i + 1] = value_add(g, value_mul(g, link[i], k), link[i]);
    value_backward(link[LINKS]);
    for (int i = 0; i <= LINKS; i++) {
        double want = pow(1.0 + c, LINKS - i);
        ck_assert_msg(fabs(link[i]->grad - want) <= 1e-12 * want, "link %d of %d (%d links from "
                      "the root): grad %.17g, expected (1 + c)^%d = %.17g", i, LINKS, LINKS - i,
                      link[i]->grad, LINKS - i, want);
    }
    graph_free(g);
}
END_TEST

Suite *checkpoint4_suite(void)
{
    Suite *s = suite_create("checkpoint 4: Backward");
    TCase *order = harness_tcase("topological order");
    harness_add(order, topo_order_lists_each_value_under_the_root_once_after_its_operands);
    harness_add(order, topo_order_leaves_every_mark_clear);
    harness_add(order, topo_order_of_a_leaf_is_the_leaf);
    harness_add(order, topo_order_of_null_stops);
    suite_add_tcase(s, order);

    TCase *backward = harness_tcase("backward");
    harness_add(backward, backward_gives_the_gradients_of_L_found_by_hand);
    harness_add(backward, backward_twice_doubles_the_leaf_gradients_only);
    harness_add(backward, zero_grad_then_backward_gives_the_single_gradients);
    harness_add(backward, backward_leaves_values_outside_the_root_alone);
    harness_add(backward, backward_of_a_leaf_sets_its_gradient_to_1);
    harness_add(backward, two_losses_sharing_an_interior_value_sum_their_gradients);
    harness_add(backward, value_used_twice_in_a_product_gets_both_contributions);
    harness_add(backward, value_added_to_itself_twice_gets_gradient_4);
    harness_add(backward, backward_of_null_stops);
    suite_add_tcase(s, backward);

    TCase *ops = harness_tcase("ops");
    harness_add(ops, each_op_computes_and_differentiates_as_its_row_of_the_table_says);
    harness_add(ops, cube_root_gradient_at_8_is_one_twelfth);
    harness_add(ops, pow_gradient_is_finite_at_zero_for_a_positive_power);
    harness_add(ops, new_ops_have_names);
    harness_add(ops, tanh_built_from_exp_matches_value_tanh);
    harness_add(ops, first_reference_expression_gives_y_minus_20_and_slope_46);
    harness_add(ops, second_reference_expression_matches_micrograd);
    suite_add_tcase(s, ops);

    TCase *domain = harness_tcase("numeric domain");
    harness_add(domain, nan_propagates_through_every_op_forward_and_backward);
    harness_add(domain, pow_of_nan_to_the_zero_is_one_as_c_says);
    harness_add(domain, overflow_and_division_by_zero_give_ieee_infinities);
    harness_add(domain, pow_of_a_negative_base_to_a_fraction_is_nan);
    harness_add(domain, tanh_of_infinity_is_one_with_slope_zero);
    harness_add(domain, division_by_minus_zero_and_x_minus_x_at_infinity);
    harness_add(domain, relu_at_zero_is_zero_with_slope_zero);
    suite_add_tcase(s, domain);

    TCase *big = harness_tcase("size and depth");
    tcase_set_timeout(big, 60);                        /* generous: valgrind is slow */
    harness_add(big, backward_survives_a_million_node_chain);
    suite_add_tcase(s, big);

    TCase *fast = harness_tcase("paths");
    tcase_set_timeout(fast, 10);
    harness_add(fast, sixty_doublings_give_two_to_the_sixty_without_walking_every_path);
    suite_add_tcase(s, fast);

    TCase *random = harness_tcase("random graphs");
    tcase_set_timeout(random, 120);
    harness_add(random, random_graphs_match_central_differences);
    suite_add_tcase(s, random);
    TCase *closer = harness_tcase("closer checks");
    harness_add(closer, backward_of_a_leaf_twice_leaves_its_gradient_1);
    harness_add(closer, shared_interior_values_far_from_the_root_collect_both_shares);
    suite_add_tcase(s, closer);
    return s;
}
