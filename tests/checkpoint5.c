/* checkpoint5.c: what chapter 5 promises. Runs on every snapshot from chapter 5 on.
 *
 * The generator (PCG32's published outputs, uniform and normal numbers), the neuron's sum in
 * its fixed order, the parameter count and order of an MLP, its forward pass against plain
 * doubles, its gradients against central differences, the two Graphs (nothing built in the
 * parameter Graph, a scratch Graph that stays the same size across resets), and the contracts.
 * Uses nn.h and micrograd.h only. */
#define _POSIX_C_SOURCE 200809L   /* fork and pipe, for expect_stop.h */
#include "harness.h"
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include "micrograd.h"
#include "nn.h"
#include "expect_stop.h"

static const size_t small_sizes[] = {4, 4, 1};    /* MLP(3, [4, 4, 1]) */
static const size_t moons_sizes[] = {16, 16, 1};  /* MLP(2, [16, 16, 1]) */

static MLP *small_mlp(uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed, 54);
    return mlp_new(3, small_sizes, 3, ACT_TANH, ACT_TANH, &rng);
}

static MLP *moons_mlp(uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed, 54);
    return mlp_new(2, moons_sizes, 3, ACT_RELU, ACT_LINEAR, &rng);
}

/* The first output of m on the inputs x, made in g. */
static Value *run(MLP *m, Graph *g, const double *x)
{
    Value *in[16], *out[16];
    for (size_t i = 0; i < m->nin; i++)
        in[i] = value_new(g, x[i], NULL);
    mlp_forward(m, g, in, out);
    return out[0];
}

static double activate(Activation act, double n)
{
    switch (act) {
    case ACT_TANH: return tanh(n);
    case ACT_RELU: return n > 0.0 ? n : 0.0;
    case ACT_LINEAR: break;
    }
    return n;
}

/* ------------------------------------------------------------ the generator */

START_TEST(pcg32_reproduces_the_published_outputs)
{
    /* pcg32-demo of the PCG reference code: seed 42, stream 54 */
    static const uint32_t want[6] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                     0x83d2f293, 0xbfa4784b, 0xcbed606e};
    Rng rng;
    rng_seed(&rng, 42, 54);
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(rng_next(&rng), want[i]);
}
END_TEST

START_TEST(seeds_and_streams_give_different_sequences_and_a_seed_repeats)
{
    Rng a, b, c, d;
    rng_seed(&a, 42, 54);
    rng_seed(&b, 42, 55);
    rng_seed(&c, 43, 54);
    rng_seed(&d, 42, 54);
    int ab = 0, ac = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t x = rng_next(&a);
        ab += x == rng_next(&b);
        ac += x == rng_next(&c);
        ck_assert_uint_eq(x, rng_next(&d));            /* same seed, same stream: same */
    }
    ck_assert_int_le(ab, 1);                           /* 100 draws of 32 bits: no repeats */
    ck_assert_int_le(ac, 1);
}
END_TEST

START_TEST(uniform_is_built_from_53_bits_of_two_outputs)
{
    Rng rng;
    rng_seed(&rng, 42, 54);
    uint64_t k = (((uint64_t)0xa15c02b7 << 32) | 0x7b47f409) >> 11;
    ck_assert_double_eq(rng_uniform(&rng, 0.0, 1.0), (double)k / 9007199254740992.0);
    uint64_t k2 = (((uint64_t)0xba1d3330 << 32) | 0x83d2f293) >> 11;
    double u2 = (double)k2 / 9007199254740992.0;
    ck_assert_double_eq(rng_uniform(&rng, -1.0, 1.0), -1.0 + 2.0 * u2);
}
END_TEST

/* 200,000 draws on [-1, 1): the mean has standard deviation sqrt(1/3 / N) = 0.0013, the
   variance (1/3) about 0.0007. The tolerances are about six of those: a correct generator
   never fails them, a biased or badly scaled one does. */
START_TEST(uniform_stays_in_range_with_mean_0_and_variance_one_third)
{
    const int n = 200000;
    Rng rng;
    rng_seed(&rng, 7, 1);
    double sum = 0.0, squares = 0.0, low = 1.0, high = -1.0;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&rng, -1.0, 1.0);
        ck_assert(u >= -1.0 && u < 1.0);
        sum += u;
        squares += u * u;
        low = fmin(low, u);
        high = fmax(high, u);
    }
    ck_assert_double_eq_tol(sum / n, 0.0, 0.008);
    ck_assert_double_eq_tol(squares / n - (sum / n) * (sum / n), 1.0 / 3.0, 0.004);
    ck_assert_double_lt(low, -0.999);                  /* both ends are reached */
    ck_assert_double_gt(high, 0.999);
    for (int i = 0; i < 1000; i++) {
        double u = rng_uniform(&rng, 2.0, 5.0);
        ck_assert(u >= 2.0 && u < 5.0);
    }
}
END_TEST

/* 200,000 normal draws: the mean's standard deviation is 1/sqrt(N) = 0.0022, the sample
   variance's sqrt(2/N) = 0.0032, the share within 1 of 0 (0.6827) has sqrt(p(1-p)/N) = 0.001.
   Tolerances of five to six standard deviations. */
START_TEST(normal_has_mean_0_variance_1_and_the_normal_shape)
{
    const int n = 200000;
    Rng rng;
    rng_seed(&rng, 11, 3);
    double sum = 0.0, squares = 0.0;
    int within = 0;
    for (int i = 0; i < n; i++) {
        double x = rng_normal(&rng);
        ck_assert(isfinite(x));
        sum += x;
        squares += x * x;
        within += fabs(x) < 1.0;
    }
    ck_assert_double_eq_tol(sum / n, 0.0, 0.012);
    ck_assert_double_eq_tol(squares / n - (sum / n) * (sum / n), 1.0, 0.018);
    ck_assert_double_eq_tol((double)within / n, 0.682689, 0.006);
}
END_TEST

/* ------------------------------------------------------------ neuron and layer */

START_TEST(neuron_forward_is_the_left_to_right_sum_to_the_last_bit)
{
    static const Activation acts[3] = {ACT_LINEAR, ACT_TANH, ACT_RELU};
    Rng rng;
    rng_seed(&rng, 5, 5);
    for (int trial = 0; trial < 300; trial++) {
        Graph *params = graph_new(), *g = graph_new();
        Value *slots[6], *x[5];
        Neuron n = neuron_make(params, slots, 5, acts[trial % 3], &rng);
        slots[5]->data = rng_uniform(&rng, -1.0, 1.0);       /* a bias that is not 0 */
        double sum = slots[5]->data;
        for (int i = 0; i < 5; i++) {
            x[i] = value_new(g, rng_uniform(&rng, -2.0, 2.0), NULL);
            sum += slots[i]->data * x[i]->data;
        }
        Value *o = neuron_forward(g, &n, x);
        ck_assert_double_eq(o->data, activate(acts[trial % 3], sum));   /* exactly */
        graph_free(g);
        graph_free(params);
    }
}
END_TEST

START_TEST(neuron_sum_starts_from_the_bias_and_adds_each_product_in_turn)
{
    Graph *params = graph_new(), *g = graph_new();
    Rng rng;
    rng_seed(&rng, 1, 1);
    Value *slots[4], *x[3];
    Neuron n = neuron_make(params, slots, 3, ACT_TANH, &rng);
    for (int i = 0; i < 3; i++)
        x[i] = value_new(g, i + 1.0, NULL);
    Value *o = neuron_forward(g, &n, x);
    ck_assert_int_eq(o->op, OP_TANH);
    Value *sum = o->operands[0];
    for (int i = 2; i >= 0; i--) {                     /* ((b + w0 x0) + w1 x1) + w2 x2 */
        ck_assert_int_eq(sum->op, OP_ADD);
        Value *product = sum->operands[1];
        ck_assert_int_eq(product->op, OP_MUL);
        ck_assert_ptr_eq(product->operands[0], slots[i]);
        ck_assert_ptr_eq(product->operands[1], x[i]);
        sum = sum->operands[0];
    }
    ck_assert_ptr_eq(sum, slots[3]);                   /* the bias, itself */
    graph_free(g);
    graph_free(params);
}
END_TEST

START_TEST(neuron_make_draws_weights_in_order_and_a_zero_bias)
{
    Graph *params = graph_new();
    Rng rng, again;
    rng_seed(&rng, 9, 2);
    rng_seed(&again, 9, 2);
    Value *slots[8];
    Neuron n = neuron_make(params, slots, 7, ACT_RELU, &rng);
    ck_assert_uint_eq(n.nin, 7);
    ck_assert_ptr_eq(n.w, slots);
    ck_assert_int_eq(n.act, ACT_RELU);
    ck_assert_uint_eq(graph_size(params), 8);
    for (int i = 0; i < 7; i++) {
        ck_assert_double_eq(slots[i]->data, rng_uniform(&again, -1.0, 1.0));
        ck_assert_int_eq(slots[i]->op, OP_LEAF);
    }
    ck_assert_double_eq(slots[7]->data, 0.0);
    ck_assert_uint_eq(rng_next(&rng), rng_next(&again));     /* the bias drew nothing */
    graph_free(params);
}
END_TEST

START_TEST(layer_forward_runs_each_neuron_on_the_same_inputs)
{
    Graph *params = graph_new(), *g = graph_new();
    Rng rng;
    rng_seed(&rng, 3, 3);
    Value *slots[4 * 3], *x[2], *out[4];
    Layer layer = layer_make(params, slots, 2, 4, ACT_TANH, &rng);
    x[0] = value_new(g, 0.5, NULL);
    x[1] = value_new(g, -1.5, NULL);
    layer_forward(g, &layer, x, out);
    for (int j = 0; j < 4; j++) {
        ck_assert_ptr_eq(layer.neurons[j].w, slots + 3 * j);
        ck_assert_double_eq(out[j]->data, neuron_forward(g, &layer.neurons[j], x)->data);
    }
    layer_free(&layer);
    ck_assert_ptr_null(layer.neurons);
    graph_free(g);
    graph_free(params);
}
END_TEST

/* ------------------------------------------------------------ the MLP's parameters */

START_TEST(mlp_parameter_counts_are_41_and_337)
{
    MLP *a = small_mlp(42), *b = moons_mlp(42);
    size_t na = 0, nb = 0;
    mlp_parameters(a, &na);
    mlp_parameters(b, &nb);
    ck_assert_uint_eq(na, 41);
    ck_assert_uint_eq(nb, 337);
    ck_assert_uint_eq(graph_size(a->params), 41);     /* the Graph holds the parameters only */
    ck_assert_uint_eq(graph_size(b->params), 337);
    mlp_free(a);
    mlp_free(b);
}
END_TEST

/* Layer by layer, neuron by neuron, weights then bias; each weight the next draw of a
   generator seeded like the network's, each bias 0 and drawing nothing. */
START_TEST(parameters_are_in_order_layer_by_layer_weights_then_bias)
{
    Rng rng, again;
    rng_seed(&rng, 42, 54);
    rng_seed(&again, 42, 54);
    MLP *m = mlp_new(2, moons_sizes, 3, ACT_RELU, ACT_LINEAR, &rng);
    size_t count, i = 0;
    Value **p = mlp_parameters(m, &count);
    for (size_t l = 0; l < m->nlayers; l++)
        for (size_t j = 0; j < m->layers[l].nout; j++)
            for (size_t k = 0; k <= m->layers[l].nin; k++, i++) {
                int bias = k == m->layers[l].nin;
                ck_assert_double_eq(p[i]->data, bias ? 0.0 : rng_uniform(&again, -1.0, 1.0));
                ck_assert_ptr_eq(p[i], m->layers[l].neurons[j].w[k]);
                ck_assert_ptr_eq(p[i], graph_value(m->params, i));
            }
    ck_assert_uint_eq(i, count);
    ck_assert_uint_eq(m->layers[0].nin, 2);
    ck_assert_uint_eq(m->layers[1].nin, 16);
    ck_assert_uint_eq(m->layers[2].nout, 1);
    ck_assert_int_eq(m->layers[0].neurons[0].act, ACT_RELU);
    ck_assert_int_eq(m->layers[2].neurons[0].act, ACT_LINEAR);
    ck_assert_uint_eq(rng_next(&rng), rng_next(&again));   /* nothing else was drawn */
    mlp_free(m);
}
END_TEST

START_TEST(mlp_zero_grad_zeroes_every_parameter_gradient)
{
    MLP *m = small_mlp(1);
    Graph *g = graph_new();
    const double x[3] = {2.0, 3.0, -1.0};
    value_backward(run(m, g, x));
    size_t count;
    Value **p = mlp_parameters(m, &count);
    int nonzero = 0;
    for (size_t i = 0; i < count; i++)
        nonzero += p[i]->grad != 0.0;
    ck_assert_int_gt(nonzero, 20);                     /* backward reached the parameters */
    mlp_zero_grad(m);
    for (size_t i = 0; i < count; i++)
        ck_assert_double_eq(p[i]->grad, 0.0);
    graph_free(g);
    mlp_free(m);
}
END_TEST

/* ------------------------------------------------------------ the forward pass */

/* The forward pass of m in plain doubles, in the contract's order; one output. */
static double forward_by_hand(const MLP *m, const double *x)
{
    double in[16], out[16];
    for (size_t i = 0; i < m->nin; i++)
        in[i] = x[i];
    for (size_t l = 0; l < m->nlayers; l++) {
        const Layer *layer = &m->layers[l];
        for (size_t j = 0; j < layer->nout; j++) {
            const Neuron *n = &layer->neurons[j];
            double sum = n->w[n->nin]->data;
            for (size_t i = 0; i < n->nin; i++)
                sum += n->w[i]->data * in[i];
            out[j] = activate(n->act, sum);
        }
        for (size_t j = 0; j < layer->nout; j++)
            in[j] = out[j];
    }
    return in[0];
}

/* Give every bias of m a random value, so that where the bias enters the sum matters. */
static void randomize_biases(MLP *m, Rng *rng)
{
    for (size_t l = 0; l < m->nlayers; l++)
        for (size_t j = 0; j < m->layers[l].nout; j++)
            m->layers[l].neurons[j].w[m->layers[l].nin]->data = rng_uniform(rng, -1.0, 1.0);
}

START_TEST(mlp_forward_matches_a_forward_pass_in_doubles)
{
    MLP *a = small_mlp(2), *b = moons_mlp(2);
    Graph *g = graph_new();
    Rng rng;
    rng_seed(&rng, 8, 8);
    randomize_biases(a, &rng);
    randomize_biases(b, &rng);
    for (int trial = 0; trial < 50; trial++) {
        double x[3];
        for (int i = 0; i < 3; i++)
            x[i] = rng_uniform(&rng, -2.0, 2.0);
        ck_assert_double_eq(run(a, g, x)->data, forward_by_hand(a, x));     /* exactly */
        ck_assert_double_eq(run(b, g, x)->data, forward_by_hand(b, x));
        graph_reset(g);
    }
    graph_free(g);
    mlp_free(a);
    mlp_free(b);
}
END_TEST

START_TEST(mlp_forward_builds_nothing_in_the_parameter_graph)
{
    MLP *m = small_mlp(3);
    Graph *g = graph_new();
    const double x[3] = {0.5, -1.0, 2.0};
    run(m, g, x);
    run(m, g, x);
    ck_assert_uint_eq(graph_size(m->params), 41);
    ck_assert_uint_gt(graph_size(g), 3);
    graph_free(g);
    mlp_free(m);
}
END_TEST

START_TEST(a_scratch_graph_stays_the_same_size_across_resets)
{
    MLP *m = moons_mlp(4);
    Graph *g = graph_new();
    Rng rng;
    rng_seed(&rng, 4, 4);
    size_t first = 0;
    for (int step = 0; step < 20; step++) {
        double x[2] = {rng_uniform(&rng, -1, 1), rng_uniform(&rng, -1, 1)};
        mlp_zero_grad(m);
        value_backward(run(m, g, x));
        if (step == 0)
            first = graph_size(g);
        ck_assert_uint_eq(graph_size(g), first);
        ck_assert_uint_eq(graph_size(m->params), 337);
        graph_reset(g);
        ck_assert_uint_eq(graph_size(g), 0);
    }
    graph_free(g);
    mlp_free(m);
}
END_TEST

/* ------------------------------------------------------------ gradients */

/* Every parameter's gradient from one backward pass against a central difference of the
   output. h = 1e-5: the difference's error is about h^2 |o'''| / 6 plus rounding of about
   1e-16 / h, both far below the tolerance 1e-7 (1 + |g|). */
static void check_gradients(MLP *m, const double *x)
{
    const double h = 1e-5;
    Graph *g = graph_new();
    mlp_zero_grad(m);
    value_backward(run(m, g, x));
    graph_reset(g);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    for (size_t i = 0; i < count; i++) {
        const double saved = p[i]->data;
        p[i]->data = saved + h;
        double up = run(m, g, x)->data;
        p[i]->data = saved - h;
        double down = run(m, g, x)->data;
        p[i]->data = saved;
        graph_reset(g);
        double tolerance = 1e-7 * (1.0 + fabs(p[i]->grad));
        ck_assert_double_eq_tol(p[i]->grad, (up - down) / (2.0 * h), tolerance);
    }
    graph_free(g);
}

START_TEST(mlp_gradients_match_central_differences)
{
    const double x3[3] = {2.0, 3.0, -1.0}, x2[2] = {0.3, -0.7};
    MLP *a = small_mlp(42), *b = moons_mlp(42);
    check_gradients(a, x3);
    check_gradients(b, x2);
    mlp_free(a);
    mlp_free(b);
}
END_TEST

/* ------------------------------------------------------------ contracts */

static void mlp_forward_in_the_parameter_graph(void)
{
    MLP *m = small_mlp(1);
    Value *x[3], *out[1];
    for (int i = 0; i < 3; i++)
        x[i] = value_new(m->params, 1.0, NULL);
    mlp_forward(m, m->params, x, out);
}

START_TEST(mlp_forward_in_the_parameter_graph_stops)
{
    expect_stop(mlp_forward_in_the_parameter_graph, "mlp_forward");
}
END_TEST

static void mlp_forward_without_inputs(void)
{
    MLP *m = small_mlp(1);
    Graph *g = graph_new();
    Value *out[1];
    mlp_forward(m, g, NULL, out);
}

START_TEST(mlp_forward_without_inputs_stops)
{
    expect_stop(mlp_forward_without_inputs, "mlp_forward");
}
END_TEST

static void rng_seed_of_null(void)
{
    rng_seed(NULL, 1, 1);
}

START_TEST(rng_seed_of_null_stops)
{
    expect_stop(rng_seed_of_null, "rng_seed");
}
END_TEST

static void rng_normal_of_null(void)
{
    rng_normal(NULL);
}

START_TEST(rng_normal_of_null_stops)
{
    expect_stop(rng_normal_of_null, "rng_normal");
}
END_TEST

static void neuron_make_without_a_graph(void)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    Value *slots[3];
    neuron_make(NULL, slots, 2, ACT_TANH, &rng);
}

START_TEST(neuron_make_without_a_graph_stops)
{
    expect_stop(neuron_make_without_a_graph, "neuron_make");
}
END_TEST

static void mlp_new_with_an_empty_layer(void)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    const size_t sizes[] = {4, 0, 1};
    mlp_new(3, sizes, 3, ACT_TANH, ACT_TANH, &rng);
}

START_TEST(mlp_new_with_an_empty_layer_stops)
{
    expect_stop(mlp_new_with_an_empty_layer, "mlp_new");
}
END_TEST

static void mlp_parameters_without_a_count(void)
{
    MLP *m = small_mlp(1);
    mlp_parameters(m, NULL);
}

START_TEST(mlp_parameters_without_a_count_stops)
{
    expect_stop(mlp_parameters_without_a_count, "mlp_parameters");
}
END_TEST

static void mlp_zero_grad_of_null(void)
{
    mlp_zero_grad(NULL);
}

START_TEST(mlp_zero_grad_of_null_stops)
{
    expect_stop(mlp_zero_grad_of_null, "mlp_zero_grad");
}
END_TEST

START_TEST(mlp_free_of_null_does_nothing)
{
    mlp_free(NULL);
    layer_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ size arithmetic */

/* 2 + 2 (SIZE_MAX / 4 + 1) parameters fit a size_t; as many pointers do not. */
static void mlp_new_whose_parameter_array_overflows(void)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    const size_t sizes[] = {1, SIZE_MAX / 4 + 1};
    mlp_new(1, sizes, 2, ACT_TANH, ACT_LINEAR, &rng);
}

START_TEST(mlp_new_whose_parameter_array_overflows_stops)
{
    expect_stop(mlp_new_whose_parameter_array_overflows, "mlp_new");
}
END_TEST

/* nin + 1 weights and bias: SIZE_MAX + 1 wraps around to 0 */
static void mlp_new_whose_neuron_size_overflows(void)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    const size_t sizes[] = {1};
    mlp_new(SIZE_MAX, sizes, 1, ACT_TANH, ACT_LINEAR, &rng);
}

START_TEST(mlp_new_whose_neuron_size_overflows_stops)
{
    expect_stop(mlp_new_whose_neuron_size_overflows, "mlp_new");
}
END_TEST

/* SIZE_MAX / 8 + 1 Neurons of more than 8 bytes each do not fit a size_t */
static void layer_make_whose_neuron_array_overflows(void)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    Graph *g = graph_new();
    Value *slots[4];
    layer_make(g, slots, 1, SIZE_MAX / 8 + 1, ACT_TANH, &rng);
}

START_TEST(layer_make_whose_neuron_array_overflows_stops)
{
    expect_stop(layer_make_whose_neuron_array_overflows, "layer_make");
}
END_TEST

Suite *checkpoint5_suite(void)
{
    Suite *s = suite_create("checkpoint 5: Neuron, Layer, MLP");
    TCase *rng = harness_tcase("generator");
    harness_add(rng, pcg32_reproduces_the_published_outputs);
    harness_add(rng, seeds_and_streams_give_different_sequences_and_a_seed_repeats);
    harness_add(rng, uniform_is_built_from_53_bits_of_two_outputs);
    suite_add_tcase(s, rng);
    /* Hundreds of thousands of draws and no memory of their own: tagged so that the valgrind
       run of make check leaves them out (they run natively and under ASan and UBSan). */
    TCase *statistics = harness_tcase("generator statistics");
    harness_add(statistics, uniform_stays_in_range_with_mean_0_and_variance_one_third);
    harness_add(statistics, normal_has_mean_0_variance_1_and_the_normal_shape);
    tcase_set_tags(statistics, "statistics");
    tcase_set_timeout(statistics, 30);
    suite_add_tcase(s, statistics);

    TCase *neuron = harness_tcase("neuron and layer");
    harness_add(neuron, neuron_forward_is_the_left_to_right_sum_to_the_last_bit);
    harness_add(neuron, neuron_sum_starts_from_the_bias_and_adds_each_product_in_turn);
    harness_add(neuron, neuron_make_draws_weights_in_order_and_a_zero_bias);
    harness_add(neuron, layer_forward_runs_each_neuron_on_the_same_inputs);
    suite_add_tcase(s, neuron);

    TCase *mlp = harness_tcase("MLP");
    harness_add(mlp, mlp_parameter_counts_are_41_and_337);
    harness_add(mlp, parameters_are_in_order_layer_by_layer_weights_then_bias);
    harness_add(mlp, mlp_zero_grad_zeroes_every_parameter_gradient);
    harness_add(mlp, mlp_forward_matches_a_forward_pass_in_doubles);
    harness_add(mlp, mlp_forward_builds_nothing_in_the_parameter_graph);
    harness_add(mlp, a_scratch_graph_stays_the_same_size_across_resets);
    harness_add(mlp, mlp_gradients_match_central_differences);
    tcase_set_timeout(mlp, 60);                        /* generous: valgrind is slow */
    suite_add_tcase(s, mlp);

    TCase *contracts = harness_tcase("contracts");
    harness_add(contracts, mlp_forward_in_the_parameter_graph_stops);
    harness_add(contracts, mlp_forward_without_inputs_stops);
    harness_add(contracts, rng_seed_of_null_stops);
    harness_add(contracts, rng_normal_of_null_stops);
    harness_add(contracts, neuron_make_without_a_graph_stops);
    harness_add(contracts, mlp_new_with_an_empty_layer_stops);
    harness_add(contracts, mlp_parameters_without_a_count_stops);
    harness_add(contracts, mlp_zero_grad_of_null_stops);
    harness_add(contracts, mlp_free_of_null_does_nothing);
    suite_add_tcase(s, contracts);

    TCase *sizes = harness_tcase("size arithmetic");
    harness_add(sizes, mlp_new_whose_parameter_array_overflows_stops);
    harness_add(sizes, mlp_new_whose_neuron_size_overflows_stops);
    harness_add(sizes, layer_make_whose_neuron_array_overflows_stops);
    suite_add_tcase(s, sizes);
    return s;
}
