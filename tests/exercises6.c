/* exercises6.c: the checkpoints of the exercises of chapter 6. */
#include "harness.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "exercises6.h"

/* The chapter's four examples and MLP(3, [4, 4, 1]) with tanh, weights from seed. */
static Dataset four_examples(void)
{
    static const double x[12] = {2, 3, -1, 3, -1, 0.5, 0.5, 1, 1, 1, 1, -1};
    static const double y[4] = {1, -1, -1, 1};
    Dataset d = dataset_new(4, 3);
    memcpy(d.x, x, sizeof x);
    memcpy(d.y, y, sizeof y);
    return d;
}

static MLP *four_network(uint64_t seed)
{
    static const size_t sizes[] = {4, 4, 1};
    Rng rng;
    rng_seed(&rng, seed, WEIGHTS_STREAM);
    return mlp_new(3, sizes, 3, ACT_TANH, ACT_TANH, &rng);
}

/* Exercise 6.1 */
START_TEST(shuffle_keeps_every_example_with_its_label)
{
    enum { N = 50 };
    Dataset d = dataset_new(N, 2);
    for (size_t i = 0; i < N; i++) {
        d.x[2 * i] = (double)i, d.x[2 * i + 1] = -2.0 * (double)i;
        d.y[i] = i % 3 == 0 ? 1.0 : -1.0;
    }
    Rng rng, again;
    rng_seed(&rng, 7, 3);
    dataset_shuffle(&d, &rng);
    int seen[N] = {0}, moved = 0;
    for (size_t i = 0; i < N; i++) {
        double k = d.x[2 * i];
        ck_assert(k >= 0 && k < N && k == floor(k));
        size_t j = (size_t)k;
        ck_assert_msg(!seen[j], "example %zu appears twice", j);
        seen[j] = 1;
        moved += j != i;
        ck_assert(d.x[2 * i + 1] == -2.0 * k);            /* its inputs stay together */
        ck_assert(d.y[i] == (j % 3 == 0 ? 1.0 : -1.0));   /* and its label with them */
    }
    ck_assert_int_gt(moved, N / 2);
    Dataset e = dataset_new(N, 2);                          /* the same seed: the same order */
    for (size_t i = 0; i < N; i++)
        e.x[2 * i] = (double)i;
    rng_seed(&again, 7, 3);
    dataset_shuffle(&e, &again);
    for (size_t i = 0; i < N; i++)
        ck_assert(e.x[2 * i] == d.x[2 * i]);
    dataset_free(&d);
    dataset_free(&e);
}
END_TEST

/* The exact order is the contract: Fisher-Yates from the last example down to the second,
   swapping example i with example j drawn uniformly from 0..i by rejection (draw rng_next
   again while it is below 2^32 mod (i + 1); j is the first draw kept, modulo i + 1). Here the
   order of 0..n-1 by that algorithm, or by its biased variant with a plain rng_next % (i + 1)
   (unbiased 0), as position -> example. */
static void reference_shuffle(size_t *order, size_t n, Rng *rng, int unbiased)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        uint32_t k = (uint32_t)(i + 1), skip = unbiased ? (uint32_t)(-k) % k : 0, r;
        do
            r = rng_next(rng);
        while (r < skip);
        size_t j = r % k, t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* From seed 117 on stream 6, the shuffle of 3200 examples meets a draw that must be thrown
   away (checked below): a % k shuffle, which the statistics cannot tell apart, gives another
   order. */
START_TEST(shuffle_is_fisher_yates_with_unbiased_draws)
{
    enum { N = 3200 };
    static size_t exact[N], biased[N];
    Rng rng;
    rng_seed(&rng, 117, 6);
    reference_shuffle(exact, N, &rng, 1);
    rng_seed(&rng, 117, 6);
    reference_shuffle(biased, N, &rng, 0);
    ck_assert_msg(memcmp(exact, biased, sizeof exact) != 0,
                  "the test's seed no longer tells the two draws apart");
    Dataset d = dataset_new(N, 1);
    for (size_t i = 0; i < N; i++)
        d.x[i] = (double)i, d.y[i] = (double)i;
    rng_seed(&rng, 117, 6);
    dataset_shuffle(&d, &rng);
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(d.x[i] == (double)exact[i] && d.y[i] == (double)exact[i],
                      "position %zu holds example %.17g, expected %zu%s", i, d.x[i], exact[i],
                      d.x[i] == (double)biased[i] ? " (the order a plain rng_next % k gives)" : "");
    dataset_free(&d);
}
END_TEST

/* Shuffle three examples many times and count each of the 6 orders. Each should come up
   with probability 1/6: count 10000 of 60000, standard deviation about 91. The classic bug,
   swapping each example with any of the three, makes three of the orders 5/27 and three
   4/27 likely: counts near 11111 and 8889. */
START_TEST(shuffle_makes_every_order_equally_often)
{
    enum { TRIALS = 60000 };
    Rng rng;
    rng_seed(&rng, 11, 5);
    long count[3][3][3] = {{{0}}};
    Dataset d = dataset_new(3, 1);
    for (int t = 0; t < TRIALS; t++) {
        for (int i = 0; i < 3; i++)
            d.x[i] = i, d.y[i] = 1.0;
        dataset_shuffle(&d, &rng);
        count[(int)d.x[0]][(int)d.x[1]][(int)d.x[2]]++;
    }
    int orders = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 3; c++)
                if (a != b && b != c && a != c) {
                    orders++;
                    ck_assert_msg(labs(count[a][b][c] - TRIALS / 6) < 500,
                                  "order %d %d %d came up %ld times of %d, expected about %d",
                                  a, b, c, count[a][b][c], TRIALS, TRIALS / 6);
                }
    ck_assert_int_eq(orders, 6);
    dataset_free(&d);
}
END_TEST

/* Exercise 6.2: train two copies of the four-example network for steps steps: one with
   momentum (zeroing the gradients each step), one with plain steps, zeroing or not. */
static void train_pair(double beta, int zero_plain, int steps, MLP *with, MLP *plain)
{
    Dataset d = four_examples();
    Graph *g = graph_new();
    size_t count;
    mlp_parameters(with, &count);
    double *velocity = calloc(count, sizeof *velocity);
    ck_assert_ptr_nonnull(velocity);
    for (int k = 0; k < steps; k++) {
        Value *loss = loss_squared_error(with, g, &d);
        mlp_zero_grad(with);
        value_backward(loss);
        sgd_momentum_step(with, velocity, 0.05, beta);
        loss = loss_squared_error(plain, g, &d);
        if (zero_plain)
            mlp_zero_grad(plain);
        value_backward(loss);
        sgd_step(plain, 0.05);
        graph_reset(g);
    }
    free(velocity);
    graph_free(g);
    dataset_free(&d);
}

START_TEST(momentum_with_beta_zero_is_gradient_descent)
{
    MLP *with = four_network(1), *plain = four_network(1);
    train_pair(0.0, 1, 10, with, plain);
    size_t count;
    Value **a = mlp_parameters(with, &count), **b = mlp_parameters(plain, &count);
    for (size_t j = 0; j < count; j++)
        ck_assert(a[j]->data == b[j]->data);           /* to the last bit */
    mlp_free(with);
    mlp_free(plain);
}
END_TEST

START_TEST(momentum_with_beta_one_is_a_forgotten_zero_grad)
{
    MLP *with = four_network(1), *plain = four_network(1);
    train_pair(1.0, 0, 5, with, plain);
    size_t count;
    Value **a = mlp_parameters(with, &count), **b = mlp_parameters(plain, &count);
    for (size_t j = 0; j < count; j++)
        ck_assert_double_eq_tol(a[j]->data, b[j]->data, 1e-9 * (1.0 + fabs(b[j]->data)));
    mlp_free(with);
    mlp_free(plain);
}
END_TEST

START_TEST(momentum_trains_the_four_examples)
{
    MLP *with = four_network(1), *plain = four_network(1);
    train_pair(0.9, 1, 60, with, plain);
    Dataset d = four_examples();
    Graph *g = graph_new();
    double momentum = loss_squared_error(with, g, &d)->data;
    double gradient_descent = loss_squared_error(plain, g, &d)->data;
    ck_assert_double_lt(momentum, 0.01);
    ck_assert_double_lt(momentum, gradient_descent);   /* faster than without momentum */
    graph_free(g);
    dataset_free(&d);
    mlp_free(with);
    mlp_free(plain);
}
END_TEST

/* Exercise 6.3 */
START_TEST(loss_gradient_error_is_small_for_the_four_examples)
{
    Dataset d = four_examples();
    for (uint64_t seed = 1; seed <= 3; seed++) {
        MLP *m = four_network(seed);
        double error = loss_gradient_error(m, &d, 1e-5);
        ck_assert_double_ge(error, 0.0);
        ck_assert_double_lt(error, 1e-7);
        mlp_free(m);
    }
    dataset_free(&d);
}
END_TEST

START_TEST(loss_gradient_error_leaves_the_parameters_alone)
{
    Dataset d = four_examples();
    MLP *m = four_network(2), *copy = four_network(2);
    size_t count;
    Value **p = mlp_parameters(m, &count), **q = mlp_parameters(copy, &count);
    loss_gradient_error(m, &d, 0.1);                   /* a large h: restoring must not round */
    for (size_t j = 0; j < count; j++)
        ck_assert(p[j]->data == q[j]->data);
    mlp_free(m);
    mlp_free(copy);
    dataset_free(&d);
}
END_TEST

/* Exercise 6.3 with gradients already in the parameters: they must not count. */
START_TEST(loss_gradient_error_ignores_gradients_left_in_the_parameters)
{
    Dataset d = four_examples();
    MLP *m = four_network(1);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    for (size_t j = 0; j < count; j++)
        p[j]->grad = 3.0 + (double)j;                  /* left over from an earlier pass */
    double error = loss_gradient_error(m, &d, 1e-5);
    ck_assert_double_ge(error, 0.0);
    ck_assert_double_lt(error, 1e-7);
    mlp_free(m);
    dataset_free(&d);
}
END_TEST

Suite *exercises6_suite(void)
{
    Suite *s = suite_create("exercises 6: Training");
    TCase *tc = harness_tcase("exercises");
    tcase_set_timeout(tc, 60);
    harness_add(tc, shuffle_keeps_every_example_with_its_label);
    harness_add(tc, shuffle_makes_every_order_equally_often);
    harness_add(tc, shuffle_is_fisher_yates_with_unbiased_draws);
    harness_add(tc, momentum_with_beta_zero_is_gradient_descent);
    harness_add(tc, momentum_with_beta_one_is_a_forgotten_zero_grad);
    harness_add(tc, momentum_trains_the_four_examples);
    harness_add(tc, loss_gradient_error_is_small_for_the_four_examples);
    harness_add(tc, loss_gradient_error_leaves_the_parameters_alone);
    suite_add_tcase(s, tc);
    TCase *closer = harness_tcase("closer checks");
    tcase_set_timeout(closer, 60);
    harness_add(closer, loss_gradient_error_ignores_gradients_left_in_the_parameters);
    suite_add_tcase(s, closer);
    return s;
}
