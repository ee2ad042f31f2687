/* engine.c: a libFuzzer target for the engine.
 *
 * The input bytes are read as a small program: a few input leaves, then up to MAX_STEPS
 * operations over every op of the engine, each taking its operands from earlier results (so
 * sub-expressions are shared), and a CHAIN step that repeats an addition thousands of times
 * (deep graphs). The program is built with the engine, run forward and backward, and checked:
 *
 *  1. forward: every Value holds exactly what a plain evaluation of the program in doubles
 *     gives (NaN where that gives NaN): the engine computes nothing else;
 *  2. value_topo_order lists each Value under the root once, each after its operands;
 *  3. linear programs (add, sub, neg and multiplication by integer constants only): the
 *     gradient of every input is exact, compared with == against a reverse pass written here
 *     over the program's own steps, whenever a bound shows that every partial sum in any order
 *     is an integer below 2^52 (so no rounding can happen in either computation);
 *  4. smooth, well-conditioned programs (every value finite and at most 1e3 in size, no ReLU
 *     operand within 1e-3 of its corner, at the point and at every nudged point, no ReLU
 *     operand changing sides, and central differences with steps h and h/2 that agree to
 *     1e-6): each input's gradient is within 1e-5 (1 + |g|) of the central difference.
 * A violation aborts with a message; AddressSanitizer and UBSan catch the rest.
 */
#define _POSIX_C_SOURCE 200809L   /* mkstemp and unlink, for fuzzing.h */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "micrograd.h"
#include "fuzzing.h"

enum { S_INPUT, S_CONST, S_ADD, S_MUL, S_TANH, S_EXP, S_POW, S_RELU, S_NEG, S_SUB, S_DIV,
       S_SCALE, S_CHAIN, S_KINDS };
static const char *const step_names[S_KINDS] = {"input", "const", "add", "mul", "tanh", "exp",
    "pow", "relu", "neg", "sub", "div", "scale", "chain"};

#define MAX_INPUTS 4
#define MAX_STEPS  64
#define MAX_CHAIN  8192

typedef struct {
    int kind;
    int a, b;         /* operand steps (earlier); -1 where unused */
    double k;         /* the exponent of pow, the factor of scale, the length of chain */
} Step;

typedef struct {
    Step step[MAX_INPUTS + MAX_STEPS];
    int n;            /* steps in use */
    int inputs;       /* steps 0 .. inputs-1 are the inputs */
} Program;

/* ------------------------------------------------------------------ reading the bytes */


/* An operand: 0 is the step just made, 1 the one before, ...: small bytes make deep graphs. */
static int pick(Bytes *in, int n)
{
    return n - 1 - (int)(next_byte(in) % (unsigned)n);
}

static void read_program(Bytes *in, Program *pr, double x[MAX_INPUTS])
{
    static const double exponents[8] = {2, 3, -1, -2, 0.5, 1.5, 0, 1};
    static const double factors[8] = {-3, -2, -1, 0, 1, 2, 3, 1};
    pr->inputs = 1 + (int)(next_byte(in) % MAX_INPUTS);
    for (int i = 0; i < pr->inputs; i++) {
        x[i] = ((double)next_byte(in) - 128.0) / 32.0;          /* -4 to 3.97 */
        pr->step[i] = (Step){S_INPUT, -1, -1, 0};
    }
    pr->n = pr->inputs;
    while (in->left > 0 && pr->n < MAX_INPUTS + MAX_STEPS) {
        Step s = {S_ADD + (int)(next_byte(in) % (S_KINDS - S_ADD)), -1, -1, 0};
        s.a = pick(in, pr->n);
        s.b = pick(in, pr->n);
        unsigned extra = next_byte(in);
        if (s.kind == S_POW)
            s.k = exponents[extra % 8];
        else if (s.kind == S_SCALE)
            s.k = factors[extra % 8];
        else if (s.kind == S_CHAIN)
            s.k = (double)(1 + extra * (MAX_CHAIN / 256));
        pr->step[pr->n++] = s;
    }
}

/* ------------------------------------------------------------------ two evaluations */

/* C's pow through a pointer the compiler cannot see through: with a constant exponent it may
   otherwise rewrite pow(b, -1.0) as 1.0 / b, which can round differently. */
static double (*volatile power)(double, double) = pow;

/* The program in plain doubles, composed exactly as the engine composes neg, sub and div. */
static void evaluate(const Program *pr, const double x[], double out[])
{
    for (int i = 0; i < pr->n; i++) {
        const Step *s = &pr->step[i];
        double a = s->a >= 0 ? out[s->a] : 0, b = s->b >= 0 ? out[s->b] : 0;
        switch (s->kind) {
        case S_INPUT: out[i] = x[i]; break;
        case S_ADD:   out[i] = a + b; break;
        case S_MUL:   out[i] = a * b; break;
        case S_TANH:  out[i] = tanh(a); break;
        case S_EXP:   out[i] = exp(a); break;
        case S_POW:   out[i] = power(a, s->k); break;
        case S_RELU:  out[i] = a <= 0.0 ? 0.0 : a; break;   /* as the engine: NaN stays NaN */
        case S_NEG:   out[i] = a * -1.0; break;
        case S_SUB:   out[i] = a + b * -1.0; break;
        case S_DIV:   out[i] = a * power(b, -1.0); break;
        case S_SCALE: out[i] = a * s->k; break;
        case S_CHAIN: {
            double z = a;
            for (int r = 0; r < (int)s->k; r++)
                z = z + b;
            out[i] = z;
            break;
        }
        default: out[i] = 0; break;
        }
    }
}

/* The program with the engine; v[i] is the Value of step i. */
static void build(Graph *g, const Program *pr, const double x[], Value *v[])
{
    for (int i = 0; i < pr->n; i++) {
        const Step *s = &pr->step[i];
        Value *a = s->a >= 0 ? v[s->a] : NULL, *b = s->b >= 0 ? v[s->b] : NULL;
        switch (s->kind) {
        case S_INPUT: v[i] = value_new(g, x[i], "x"); break;
        case S_ADD:   v[i] = value_add(g, a, b); break;
        case S_MUL:   v[i] = value_mul(g, a, b); break;
        case S_TANH:  v[i] = value_tanh(g, a); break;
        case S_EXP:   v[i] = value_exp(g, a); break;
        case S_POW:   v[i] = value_pow(g, a, s->k); break;
        case S_RELU:  v[i] = value_relu(g, a); break;
        case S_NEG:   v[i] = value_neg(g, a); break;
        case S_SUB:   v[i] = value_sub(g, a, b); break;
        case S_DIV:   v[i] = value_div(g, a, b); break;
        case S_SCALE: v[i] = value_mul(g, a, value_new(g, s->k, "k")); break;
        case S_CHAIN: {
            Value *z = a;
            for (int r = 0; r < (int)s->k; r++)
                z = value_add(g, z, b);
            v[i] = z;
            break;
        }
        default: v[i] = NULL; break;
        }
    }
}

static void fail(const Program *pr, int step, const char *what, double got, double want)
{
    fprintf(stderr, "fuzz engine: step %d (%s) of %d: %s: engine %.17g, expected %.17g\n",
            step, step_names[pr->step[step].kind], pr->n, what, got, want);
    abort();
}

static int same(double a, double b)      /* equal, or both NaN */
{
    return a == b || (isnan(a) && isnan(b));
}

/* ------------------------------------------------------------------ the checks */

static int by_address(const void *p, const void *q)
{
    uintptr_t a = (uintptr_t)*(Value *const *)p, b = (uintptr_t)*(Value *const *)q;
    return (a > b) - (a < b);
}

/* 2: each Value under the root once, each after its operands, the root last. */
static void check_order(const Program *pr, Value *root)
{
    size_t n;
    Value **order = value_topo_order(root, &n);
    Value **sorted = malloc(n * sizeof *sorted);
    size_t *position = malloc(n * sizeof *position);
    if (sorted == NULL || position == NULL)
        abort();
    memcpy(sorted, order, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_address);
    for (size_t i = 1; i < n; i++)
        if (sorted[i] == sorted[i - 1])
            fail(pr, pr->n - 1, "a Value listed twice by value_topo_order", (double)i, 0);
    for (size_t i = 0; i < n; i++) {
        Value **at = bsearch(&order[i], sorted, n, sizeof *sorted, by_address);
        position[at - sorted] = i;
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2 && order[i]->operands[k] != NULL; k++) {
            Value **at = bsearch(&order[i]->operands[k], sorted, n, sizeof *sorted, by_address);
            if (at == NULL || position[at - sorted] >= i)
                fail(pr, pr->n - 1, "an operand missing or after its user", (double)i, 0);
        }
    if (n == 0 || order[n - 1] != root)
        fail(pr, pr->n - 1, "the root is not last in the order", (double)n, 0);
    free(position);
    free(sorted);
    free(order);
}

static int is_linear(const Program *pr)
{
    for (int i = pr->inputs; i < pr->n; i++)
        switch (pr->step[i].kind) {
        case S_ADD: case S_SUB: case S_NEG: case S_SCALE: case S_CHAIN: break;
        default: return 0;
        }
    return 1;
}

/* A reverse pass over the steps of a linear program; with magnitudes, a bound on every
   partial sum of the adjoints (each an integer, since every factor is one). */
static void reverse_linear(const Program *pr, double adj[], int magnitudes)
{
    for (int i = 0; i < pr->n; i++)
        adj[i] = 0.0;
    adj[pr->n - 1] = 1.0;
    for (int i = pr->n - 1; i >= pr->inputs; i--) {
        const Step *s = &pr->step[i];
        double minus = magnitudes ? 1.0 : -1.0, k = magnitudes ? fabs(s->k) : s->k;
        switch (s->kind) {
        case S_ADD:   adj[s->a] += adj[i]; adj[s->b] += adj[i]; break;
        case S_SUB:   adj[s->a] += adj[i]; adj[s->b] += minus * adj[i]; break;
        case S_NEG:   adj[s->a] += minus * adj[i]; break;
        case S_SCALE: adj[s->a] += k * adj[i]; break;
        case S_CHAIN: adj[s->a] += adj[i]; adj[s->b] += k * adj[i]; break;
        default: break;
        }
    }
}

/* 3: exact gradients of linear programs. */
static void check_linear(const Program *pr, Value *v[])
{
    double bound[MAX_INPUTS + MAX_STEPS], want[MAX_INPUTS + MAX_STEPS];
    reverse_linear(pr, bound, 1);
    for (int i = 0; i < pr->n; i++)
        if (!(bound[i] < 0x1p52))
            return;                  /* a sum could round: no exact answer to compare */
    reverse_linear(pr, want, 0);
    for (int i = 0; i < pr->inputs; i++)
        if (v[i]->grad != want[i])
            fail(pr, i, "gradient of a linear program", v[i]->grad, want[i]);
}

/* Is the program smooth and tame at x, so that central differences can be trusted? */
static int tame(const Program *pr, const double out[])
{
    for (int i = 0; i < pr->n; i++) {
        const Step *s = &pr->step[i];
        if (!isfinite(out[i]) || fabs(out[i]) > 1e3)
            return 0;
        if (s->kind == S_RELU && fabs(out[s->a]) < 1e-3)
            return 0;                                   /* near the corner */
        if (s->kind == S_POW && s->k < 1.0 && fabs(out[s->a]) < 1e-3)
            return 0;                                   /* the slope blows up at 0 */
        if (s->kind == S_DIV && fabs(out[s->b]) < 1e-3)
            return 0;
    }
    return 1;
}

/* Does the program at a nudged point stay tame, with every ReLU operand on the same side of
   the corner as at the unnudged point (base)? */
static int tame_near(const Program *pr, const double out[], const double base[])
{
    if (!tame(pr, out))
        return 0;
    for (int i = 0; i < pr->n; i++)
        if (pr->step[i].kind == S_RELU && (out[pr->step[i].a] > 0) != (base[pr->step[i].a] > 0))
            return 0;
    return 1;
}

/* The central difference of the root along one input, or NaN if the program is not tame at
   either nudged point: a difference over a region where values explode or a ReLU changes
   side measures that region, not the derivative. */
static double central_difference(const Program *pr, const double x[], const double base[],
                                  int input, double h)
{
    double moved[MAX_INPUTS], out[MAX_INPUTS + MAX_STEPS];
    memcpy(moved, x, sizeof moved);
    moved[input] = x[input] + h;
    evaluate(pr, moved, out);
    double up = out[pr->n - 1];
    int ok = tame_near(pr, out, base);
    moved[input] = x[input] - h;
    evaluate(pr, moved, out);
    ok = ok && tame_near(pr, out, base);
    return ok ? (up - out[pr->n - 1]) / (2.0 * h) : NAN;
}

/* 4: gradients against central differences, where the differences agree with themselves. */
static void check_smooth(const Program *pr, const double x[], const double base[], Value *v[])
{
    const double h = 1e-5;
    for (int i = 0; i < pr->inputs; i++) {
        double fd = central_difference(pr, x, base, i, h);
        double fd_half = central_difference(pr, x, base, i, h / 2);
        if (!(fabs(fd - fd_half) <= 1e-6 * (1.0 + fabs(fd_half))))
            continue;                   /* not smooth enough at this scale (or not tame) */
        double g = v[i]->grad;
        if (!(fabs(g - fd_half) <= 1e-5 * (1.0 + fabs(g))))
            fail(pr, i, "gradient against a central difference", g, fd_half);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Bytes in = {data, size};
    Program pr;
    double x[MAX_INPUTS] = {0}, out[MAX_INPUTS + MAX_STEPS];
    Value *v[MAX_INPUTS + MAX_STEPS];
    read_program(&in, &pr, x);
    Graph *g = graph_new();
    build(g, &pr, x, v);
    evaluate(&pr, x, out);
    for (int i = 0; i < pr.n; i++)                          /* 1 */
        if (!same(v[i]->data, out[i]))
            fail(&pr, i, "forward value", v[i]->data, out[i]);
    Value *root = v[pr.n - 1];
    value_backward(root);
    check_order(&pr, root);                                  /* 2 */
    if (is_linear(&pr))
        check_linear(&pr, v);                                /* 3 */
    if (tame(&pr, out))
        check_smooth(&pr, x, out, v);                        /* 4 */
    graph_free(g);
    return 0;
}
