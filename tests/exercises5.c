/* exercises5.c: the checkpoints of the exercises of chapter 5 (prototypes in exercises5.h). */
#include "harness.h"
#include <math.h>
#include <stdlib.h>
#include "micrograd.h"
#include "nn.h"
#include "exercises5.h"

/* Exercise 5.1 */

static size_t measured_size(size_t nin, const size_t *sizes, size_t nlayers,
                            Activation hidden, Activation output)
{
    Rng rng;
    rng_seed(&rng, 1, 1);
    MLP *m = mlp_new(nin, sizes, nlayers, hidden, output, &rng);
    Graph *g = graph_new();
    Value *x[8], *out[8];
    for (size_t i = 0; i < nin; i++)
        x[i] = value_new(g, 0.25 * (double)i, NULL);
    mlp_forward(m, g, x, out);
    size_t made = graph_size(g) - nin;
    graph_free(g);
    mlp_free(m);
    return made;
}

START_TEST(forward_size_matches_graph_size)
{
    static const size_t a[] = {4, 4, 1}, b[] = {16, 16, 1}, c[] = {5}, d[] = {3, 7, 2, 6};
    static const struct { size_t nin; const size_t *sizes; size_t nlayers; } nets[] = {
        {3, a, 3}, {2, b, 3}, {8, c, 1}, {1, d, 4},
    };
    static const Activation acts[3] = {ACT_LINEAR, ACT_TANH, ACT_RELU};
    for (size_t k = 0; k < sizeof nets / sizeof nets[0]; k++)
        for (int h = 0; h < 3; h++)
            for (int o = 0; o < 3; o++)
                ck_assert_uint_eq(mlp_forward_size(nets[k].nin, nets[k].sizes, nets[k].nlayers,
                                                   acts[h], acts[o]),
                                  measured_size(nets[k].nin, nets[k].sizes, nets[k].nlayers,
                                                acts[h], acts[o]));
}
END_TEST

/* Exercise 5.2 */

static void softmax_by_hand(const double *z, size_t n, double *s)
{
    double top = z[0], total = 0.0;
    for (size_t j = 1; j < n; j++)
        top = fmax(top, z[j]);
    for (size_t j = 0; j < n; j++)
        total += exp(z[j] - top);
    for (size_t k = 0; k < n; k++)
        s[k] = exp(z[k] - top) / total;
}

START_TEST(softmax_sums_to_one_and_matches_the_formula)
{
    const double z[4] = {0.5, -1.0, 2.0, 0.0};
    double want[4];
    softmax_by_hand(z, 4, want);
    Graph *g = graph_new();
    Value *in[4], *out[4];
    for (int j = 0; j < 4; j++)
        in[j] = value_new(g, z[j], NULL);
    value_softmax(g, in, 4, out);
    double total = 0.0;
    for (int k = 0; k < 4; k++) {
        ck_assert_double_eq_tol(out[k]->data, want[k], 1e-15);
        total += out[k]->data;
    }
    ck_assert_double_eq_tol(total, 1.0, 1e-15);
    value_softmax(g, in, 1, out);                      /* one class: probability 1 */
    ck_assert_double_eq_tol(out[0]->data, 1.0, 1e-15);
    graph_free(g);
}
END_TEST

START_TEST(softmax_gradient_is_s_times_delta_minus_s)
{
    const double z[3] = {0.3, -0.8, 1.1};
    double s[3];
    softmax_by_hand(z, 3, s);
    for (int k = 0; k < 3; k++) {
        Graph *g = graph_new();
        Value *in[3], *out[3];
        for (int j = 0; j < 3; j++)
            in[j] = value_new(g, z[j], NULL);
        value_softmax(g, in, 3, out);
        value_backward(out[k]);
        for (int j = 0; j < 3; j++)
            ck_assert_double_eq_tol(in[j]->grad, s[k] * ((j == k) - s[j]), 1e-14);
        graph_free(g);
    }
}
END_TEST

START_TEST(softmax_of_large_inputs_is_finite)
{
    const double z[3] = {1000.0, 1001.0, 1002.0};
    double want[3];
    softmax_by_hand(z, 3, want);
    Graph *g = graph_new();
    Value *in[3], *out[3];
    for (int j = 0; j < 3; j++)
        in[j] = value_new(g, z[j], NULL);
    value_softmax(g, in, 3, out);
    value_backward(out[2]);
    for (int k = 0; k < 3; k++) {
        ck_assert(isfinite(out[k]->data) && isfinite(in[k]->grad));
        ck_assert_double_eq_tol(out[k]->data, want[k], 1e-15);
    }
    ck_assert_double_eq_tol(in[2]->grad, want[2] * (1.0 - want[2]), 1e-14);
    graph_free(g);
}
END_TEST

/* Exercise 5.3 */

/* A network of linear neurons (or with a tanh hidden layer), with random biases. */
static MLP *network(Activation hidden, const size_t *sizes, size_t nlayers)
{
    Rng rng;
    rng_seed(&rng, 21, 5);
    MLP *m = mlp_new(3, sizes, nlayers, hidden, ACT_LINEAR, &rng);
    for (size_t l = 0; l < m->nlayers; l++)
        for (size_t j = 0; j < m->layers[l].nout; j++)
            m->layers[l].neurons[j].w[m->layers[l].nin]->data = rng_uniform(&rng, -1.0, 1.0);
    return m;
}

START_TEST(affine_map_reproduces_a_deep_linear_network)
{
    static const size_t shapes[3][4] = {{2}, {5, 4, 2}, {4, 6, 3, 2}};
    static const size_t depth[3] = {1, 3, 4};
    Rng rng;
    rng_seed(&rng, 2, 2);
    for (int s = 0; s < 3; s++) {
        MLP *m = network(ACT_LINEAR, shapes[s], depth[s]);
        double W[2 * 3], c[2];
        ck_assert_int_eq(mlp_affine_map(m, W, c), 1);
        Graph *g = graph_new();
        for (int trial = 0; trial < 10; trial++) {
            double x[3];
            Value *in[3], *out[2];
            for (int i = 0; i < 3; i++)
                in[i] = value_new(g, x[i] = rng_uniform(&rng, -2.0, 2.0), NULL);
            mlp_forward(m, g, in, out);
            for (int r = 0; r < 2; r++) {
                double y = c[r] + W[3 * r] * x[0] + W[3 * r + 1] * x[1] + W[3 * r + 2] * x[2];
                ck_assert_double_eq_tol(y, out[r]->data, 1e-12 * (1.0 + fabs(y)));
            }
            graph_reset(g);
        }
        graph_free(g);
        mlp_free(m);
    }
}
END_TEST

START_TEST(affine_map_refuses_a_tanh_network)
{
    static const size_t sizes[] = {4, 1};
    MLP *m = network(ACT_TANH, sizes, 2);
    double W[3] = {7.0, 7.0, 7.0}, c[1] = {7.0};
    ck_assert_int_eq(mlp_affine_map(m, W, c), 0);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq(W[i], 7.0);                /* nothing written */
    ck_assert_double_eq(c[0], 7.0);
    mlp_free(m);
}
END_TEST

Suite *exercises5_suite(void)
{
    Suite *s = suite_create("exercises 5: Neuron, Layer, MLP");
    TCase *count = harness_tcase("forward size");
    harness_add(count, forward_size_matches_graph_size);
    suite_add_tcase(s, count);
    TCase *softmax = harness_tcase("softmax");
    harness_add(softmax, softmax_sums_to_one_and_matches_the_formula);
    harness_add(softmax, softmax_gradient_is_s_times_delta_minus_s);
    harness_add(softmax, softmax_of_large_inputs_is_finite);
    suite_add_tcase(s, softmax);
    TCase *affine = harness_tcase("affine map");
    harness_add(affine, affine_map_reproduces_a_deep_linear_network);
    harness_add(affine, affine_map_refuses_a_tanh_network);
    suite_add_tcase(s, affine);
    return s;
}
