/* nn.c: a libFuzzer target for the networks (nn.c) and their training (training.c).
 *
 * The input bytes choose a small network (1 to 3 inputs, 1 to 3 layers of 1 to 4 neurons, the
 * last of one, each activation tanh, ReLU or linear, a seed), a few examples, a loss (squared
 * error, hinge, L2, the moons loss, or squared error plus L2), a number of steps and a rate.
 * The target then checks:
 *
 *  1. forward: mlp_forward and mlp_score give exactly what a plain evaluation of the network
 *     in doubles gives, from its parameters' data, as nn.h documents it;
 *  2. backward: each parameter's gradient of the loss is within 1e-5 (1 + |g|) of the
 *     central difference of the loss as the library computes it, where differences with steps
 *     h and h/2 agree and no ReLU operand is near its corner or changes sides;
 *  3. repeated backward passes: a second pass after mlp_zero_grad and graph_zero_grad gives
 *     every Value the same gradient, bit for bit; a second pass without them leaves every
 *     Value that is not a leaf as it was and doubles the leaves' gradients (within rounding);
 *  4. mlp_zero_grad sets every parameter's gradient to 0, graph_zero_grad every Value's;
 *  5. training: the steps on one scratch Graph reused with graph_reset give the same loss and
 *     parameters, bit for bit, as the same steps on a second network from the same seed with
 *     a new Graph each step; sgd_step moves each parameter by exactly -rate * grad and leaves
 *     the gradients; from the second step on, the heap holds as many bytes after a step as
 *     after the first, within HEAP_SLACK (graph_reset keeps the memory);
 *  6. moons_step does what training.h says: the same loss, count, Values and parameters as
 *     moons_loss, mlp_zero_grad, value_backward, sgd_step with moons_rate and graph_reset.
 * A violation aborts with a message; AddressSanitizer and UBSan catch the rest.
 */
#define _POSIX_C_SOURCE 200809L   /* mkstemp and unlink, for fuzzing.h */
#include <math.h>
#include <sanitizer/allocator_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "training.h"
#include "fuzzing.h"

enum { HEAP_SLACK = 1024 };   /* bytes a step may differ by from the first (see the training check) */

enum { MAX_IN = 3, MAX_LAYERS = 3, MAX_WIDTH = 4, MAX_EXAMPLES = 4, MAX_STEPS = 4 };
enum { L_SQUARED, L_HINGE, L_L2, L_MOONS, L_SQUARED_L2, L_KINDS };
static const char *const loss_names[L_KINDS] = {"squared error", "hinge", "L2", "moons",
                                                "squared error + L2"};

typedef struct {
    size_t nin, nlayers, sizes[MAX_LAYERS];
    Activation hidden, output;
    uint64_t seed;
    int loss;
    double alpha, rate;
    size_t steps;
    Dataset d;
} Spec;


static void read_spec(Bytes *in, Spec *s)
{
    static const Activation acts[3] = {ACT_TANH, ACT_RELU, ACT_LINEAR};
    s->nin = 1 + next_byte(in) % MAX_IN;
    s->nlayers = 1 + next_byte(in) % MAX_LAYERS;
    for (size_t l = 0; l < s->nlayers; l++)
        s->sizes[l] = l + 1 == s->nlayers ? 1 : 1 + next_byte(in) % MAX_WIDTH;
    s->hidden = acts[next_byte(in) % 3];
    s->output = acts[next_byte(in) % 3];
    s->seed = next_byte(in);
    s->loss = (int)(next_byte(in) % L_KINDS);
    s->alpha = 0.01 * (1 + next_byte(in) % 4);
    s->rate = (1 + next_byte(in) % 8) / 16.0;
    s->steps = 1 + next_byte(in) % MAX_STEPS;
    s->d = dataset_new(1 + next_byte(in) % MAX_EXAMPLES, s->nin);
    for (size_t i = 0; i < s->d.count; i++) {
        for (size_t j = 0; j < s->nin; j++)
            s->d.x[i * s->nin + j] = ((double)next_byte(in) - 128.0) / 32.0;   /* -4 to 3.97 */
        s->d.y[i] = next_byte(in) & 1 ? 1.0 : -1.0;
    }
}

static MLP *network(const Spec *s)
{
    Rng rng;
    rng_seed(&rng, s->seed, WEIGHTS_STREAM);
    return mlp_new(s->nin, s->sizes, s->nlayers, s->hidden, s->output, &rng);
}

static void fail(const Spec *s, const char *what, double got, double want)
{
    fprintf(stderr, "fuzz nn: MLP(%zu, [%zu", s->nin, s->sizes[0]);
    for (size_t l = 1; l < s->nlayers; l++)
        fprintf(stderr, ", %zu", s->sizes[l]);
    fprintf(stderr, "]), loss %s, %zu examples: %s: got %.17g, expected %.17g\n",
            loss_names[s->loss], s->d.count, what, got, want);
    abort();
}

/* The loss the spec chose, made in g. */
static Value *loss_of(const Spec *s, MLP *m, Graph *g)
{
    size_t correct;
    switch (s->loss) {
    case L_SQUARED: return loss_squared_error(m, g, &s->d);
    case L_HINGE:   return loss_hinge(m, g, &s->d, &correct);
    case L_L2:      return loss_l2(m, g, s->alpha);
    case L_MOONS:   return moons_loss(m, g, &s->d, &correct);
    default:        return value_add(g, loss_squared_error(m, g, &s->d), loss_l2(m, g, s->alpha));
    }
}

/* ------------------------------------------------------------------ 1: forward */

static double activate(Activation a, double z)
{
    switch (a) {
    case ACT_TANH: return tanh(z);
    case ACT_RELU: return z <= 0.0 ? 0.0 : z;
    default:       return z;
    }
}

/* The network's one output on x, in doubles: act(b + w0 x0 + w1 x1 + ...), in that order. */
static double plain_forward(const MLP *m, const double *x)
{
    double a[MAX_WIDTH > MAX_IN ? MAX_WIDTH : MAX_IN], b[MAX_WIDTH];
    memcpy(a, x, m->nin * sizeof *x);
    for (size_t l = 0; l < m->nlayers; l++) {
        const Layer *layer = &m->layers[l];
        for (size_t j = 0; j < layer->nout; j++) {
            const Neuron *n = &layer->neurons[j];
            double z = n->w[n->nin]->data;
            for (size_t i = 0; i < n->nin; i++)
                z = z + n->w[i]->data * a[i];
            b[j] = activate(n->act, z);
        }
        memcpy(a, b, layer->nout * sizeof *b);
    }
    return a[0];
}

static void check_forward(const Spec *s, MLP *m, Graph *g)
{
    for (size_t i = 0; i < s->d.count; i++) {
        Value *x[MAX_IN], *out;
        for (size_t j = 0; j < s->nin; j++)
            x[j] = value_new(g, s->d.x[i * s->nin + j], "x");
        mlp_forward(m, g, x, &out);
        double want = plain_forward(m, &s->d.x[i * s->nin]);
        if (!(out->data == want))
            fail(s, "mlp_forward against a plain evaluation", out->data, want);
        Value *score = mlp_score(m, g, &s->d, i);
        if (!(score->data == want))
            fail(s, "mlp_score against a plain evaluation", score->data, want);
    }
    graph_reset(g);
}

/* ------------------------------------------------------------------ 2: central differences */

/* Is every Value of g finite and at most 1e6, every ReLU operand at least 1e-3 from 0 and, if
   side is not NULL, on the side side[i] says (1 above, 0 below)? With record, fill side. */
static int tame(Graph *g, unsigned char *side, int record)
{
    for (size_t i = 0; i < graph_size(g); i++) {
        Value *v = graph_value(g, i);
        if (!isfinite(v->data) || fabs(v->data) > 1e6)
            return 0;
        if (v->op == OP_RELU) {
            double z = v->operands[0]->data;
            if (fabs(z) < 1e-3)
                return 0;
            if (record)
                side[i] = z > 0;
            else if (side[i] != (z > 0))
                return 0;
        }
    }
    return 1;
}

/* The central difference of the loss along parameter j, or NaN where it cannot be trusted. */
static double central_difference(const Spec *s, MLP *m, Graph *g, Value *p, unsigned char *side,
                                 size_t values, double h)
{
    double keep = p->data, f[2];
    int ok = 1;
    for (int k = 0; k < 2; k++) {
        p->data = keep + (k == 0 ? h : -h);
        f[k] = loss_of(s, m, g)->data;
        ok = ok && graph_size(g) == values && tame(g, side, 0);
        graph_reset(g);
    }
    p->data = keep;
    return ok ? (f[0] - f[1]) / (2.0 * h) : NAN;
}

static void check_gradients(const Spec *s, MLP *m, Graph *g)
{
    Value *loss = loss_of(s, m, g);
    size_t values = graph_size(g), count;
    unsigned char *side = calloc(values, 1);
    if (side == NULL)
        abort();
    int ok = tame(g, side, 1);
    mlp_zero_grad(m);
    value_backward(loss);
    Value **p = mlp_parameters(m, &count);
    double *grad = malloc(count * sizeof *grad);
    if (grad == NULL)
        abort();
    for (size_t j = 0; j < count; j++)
        grad[j] = p[j]->grad;
    graph_reset(g);
    const double h = 1e-5;
    for (size_t j = 0; ok && j < count; j++) {
        double fd = central_difference(s, m, g, p[j], side, values, h);
        double fd_half = central_difference(s, m, g, p[j], side, values, h / 2);
        if (!(fabs(fd - fd_half) <= 1e-6 * (1.0 + fabs(fd_half))))
            continue;
        if (!(fabs(grad[j] - fd_half) <= 1e-5 * (1.0 + fabs(grad[j]))))
            fail(s, "a parameter's gradient against a central difference", grad[j], fd_half);
    }
    free(grad);
    free(side);
}

/* ------------------------------------------------------------------ 3, 4: repeated passes */

static void check_repeated_backward(const Spec *s, MLP *m, Graph *g)
{
    Value *loss = loss_of(s, m, g);
    size_t n = graph_size(g), count;
    Value **p = mlp_parameters(m, &count);
    double *first = malloc((n + count) * sizeof *first);
    if (first == NULL)
        abort();
    mlp_zero_grad(m);
    value_backward(loss);
    for (size_t i = 0; i < n; i++)
        first[i] = graph_value(g, i)->grad;
    for (size_t j = 0; j < count; j++)
        first[n + j] = p[j]->grad;

    mlp_zero_grad(m);
    graph_zero_grad(g);
    for (size_t j = 0; j < count; j++)
        if (p[j]->grad != 0.0)
            fail(s, "a parameter's gradient after mlp_zero_grad", p[j]->grad, 0.0);
    for (size_t i = 0; i < n; i++)
        if (graph_value(g, i)->grad != 0.0)
            fail(s, "a Value's gradient after graph_zero_grad", graph_value(g, i)->grad, 0.0);
    value_backward(loss);
    for (size_t i = 0; i < n; i++)
        if (graph_value(g, i)->grad != first[i])
            fail(s, "a Value's gradient on a second pass after zeroing", graph_value(g, i)->grad,
                 first[i]);
    for (size_t j = 0; j < count; j++)
        if (p[j]->grad != first[n + j])
            fail(s, "a parameter's gradient on a second pass after zeroing", p[j]->grad,
                 first[n + j]);

    value_backward(loss);                                   /* again, not zeroed */
    double scale = 1.0;
    for (size_t i = 0; i < n + count; i++)
        if (isfinite(first[i]) && fabs(first[i]) > scale)
            scale = fabs(first[i]);
    for (size_t i = 0; i < n + count; i++) {
        Value *v = i < n ? graph_value(g, i) : p[i - n];
        if (!isfinite(first[i]))
            continue;
        if (v->op != OP_LEAF) {
            if (v->grad != first[i])
                fail(s, "a Value that is no leaf changed on a pass not zeroed", v->grad, first[i]);
        } else if (!(fabs(v->grad - 2.0 * first[i]) <= 1e-9 * scale))
            fail(s, "a leaf's gradient after two passes, not twice its gradient", v->grad,
                 2.0 * first[i]);
    }
    free(first);
    graph_reset(g);
}

/* ------------------------------------------------------------------ 5, 6: training */

static void same_parameters(const Spec *s, const MLP *a, const MLP *b, const char *what)
{
    size_t na, nb;
    Value **pa = mlp_parameters(a, &na), **pb = mlp_parameters(b, &nb);
    if (na != nb)
        fail(s, what, (double)na, (double)nb);
    for (size_t j = 0; j < na; j++)
        if (!(pa[j]->data == pb[j]->data) && !(isnan(pa[j]->data) && isnan(pb[j]->data)))
            fail(s, what, pa[j]->data, pb[j]->data);
}

static void same(const Spec *s, double got, double want, const char *what)
{
    if (!(got == want) && !(isnan(got) && isnan(want)))
        fail(s, what, got, want);
}

static void check_training(const Spec *s)
{
    MLP *a = network(s), *b = network(s);
    Graph *g = graph_new();
    size_t count, first_values = 0, heap = 0;
    Value **p = mlp_parameters(a, &count);
    double *before = malloc(2 * count * sizeof *before);
    if (before == NULL)
        abort();
    for (size_t k = 0; k < s->steps; k++) {
        Value *loss = loss_of(s, a, g);
        if (k == 0)
            first_values = graph_size(g);
        else if (graph_size(g) != first_values)
            fail(s, "Values made by a step on a reset Graph", (double)graph_size(g),
                 (double)first_values);
        mlp_zero_grad(a);
        value_backward(loss);
        for (size_t j = 0; j < count; j++) {
            before[j] = p[j]->data;
            before[count + j] = p[j]->grad;
        }
        sgd_step(a, s->rate);
        for (size_t j = 0; j < count; j++) {
            same(s, p[j]->data, before[j] - s->rate * before[count + j],
                 "a parameter after sgd_step");
            same(s, p[j]->grad, before[count + j], "a gradient after sgd_step");
        }
        double got = loss->data;
        graph_reset(g);
        if (graph_size(g) != 0)
            fail(s, "Values left after graph_reset", (double)graph_size(g), 0);

        Graph *fresh = graph_new();                        /* the same step, a new Graph */
        Value *loss_b = loss_of(s, b, fresh);
        mlp_zero_grad(b);
        value_backward(loss_b);
        sgd_step(b, s->rate);
        same(s, got, loss_b->data, "the loss on a reused Graph against a new one");
        graph_free(fresh);
        same_parameters(s, a, b, "a parameter after a step on a reused Graph against a new one");

        /* The count covers every thread, libFuzzer's own too, which now and then holds a few
           bytes more or less (32 were seen); a Graph that grew by one block of Values would
           show tens of kilobytes, and a leak is LeakSanitizer's to find. */
        size_t now = __sanitizer_get_current_allocated_bytes();
        if (k == 0)
            heap = now;
        else if (now > heap + HEAP_SLACK || now + HEAP_SLACK < heap)
            fail(s, "bytes on the heap after a step against after the first", (double)now,
                 (double)heap);
    }
    free(before);

    MLP *c = network(s), *e = network(s);                  /* 6: moons_step */
    graph_reset(g);
    Graph *h = graph_new();
    for (size_t k = 0; k < s->steps; k++) {
        StepResult r = moons_step(c, g, &s->d, k, s->steps);
        size_t correct;
        Value *loss = moons_loss(e, h, &s->d, &correct);
        same(s, r.loss, loss->data, "moons_step's loss");
        same(s, (double)r.correct, (double)correct, "moons_step's count of correct examples");
        same(s, (double)r.values, (double)graph_size(h), "moons_step's count of Values");
        mlp_zero_grad(e);
        value_backward(loss);
        sgd_step(e, moons_rate(k, s->steps));
        graph_reset(h);
        same(s, (double)graph_size(g), 0, "Values left in the Graph after moons_step");
        same_parameters(s, c, e, "a parameter after moons_step");
    }
    graph_free(h);
    graph_free(g);
    mlp_free(e);
    mlp_free(c);
    mlp_free(b);
    mlp_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Bytes in = {data, size};
    Spec s;
    read_spec(&in, &s);
    MLP *m = network(&s);
    Graph *g = graph_new();
    check_forward(&s, m, g);                                 /* 1 */
    check_gradients(&s, m, g);                               /* 2 */
    check_repeated_backward(&s, m, g);                       /* 3, 4 */
    graph_free(g);
    mlp_free(m);
    check_training(&s);                                      /* 5, 6 */
    dataset_free(&s.d);
    return 0;
}
