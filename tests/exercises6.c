/* exercises6.c: the checkpoints of the exercises of chapter 6. */
#define _POSIX_C_SOURCE 200809L   /* mkstemp, unlink */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
START_TEST(written_parameters_read_back_bit_for_bit)
{
    MLP *a = moons_network(3), *b = moons_network(4);
    size_t count;
    Value **pa = mlp_parameters(a, &count), **pb = mlp_parameters(b, &count);
    pa[0]->data = 1.0 / 3.0;                           /* numbers %g would round */
    pa[1]->data = -DBL_MIN;
    pa[2]->data = 1e300 / 7.0;
    pa[3]->data = 0.1 + 0.2;
    char path[32] = "/tmp/exercises6.XXXXXX", error[256];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(parameters_write(a, path), 0);
    ck_assert_int_eq(parameters_read(b, path, error, sizeof error), 0);
    for (size_t j = 0; j < count; j++)
        ck_assert_msg(pa[j]->data == pb[j]->data, "parameter %zu: %.17g read back as %.17g",
                      j, pa[j]->data, pb[j]->data);
    unlink(path);
    ck_assert_int_eq(parameters_write(a, "/nonexistent/dir/params.txt"), -1);
    mlp_free(a);
    mlp_free(b);
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

Suite *exercises6_suite(void)
{
    Suite *s = suite_create("exercises 6: Training");
    TCase *tc = tcase_create("exercises");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, written_parameters_read_back_bit_for_bit);
    tcase_add_test(tc, momentum_with_beta_zero_is_gradient_descent);
    tcase_add_test(tc, momentum_with_beta_one_is_a_forgotten_zero_grad);
    tcase_add_test(tc, momentum_trains_the_four_examples);
    tcase_add_test(tc, loss_gradient_error_is_small_for_the_four_examples);
    tcase_add_test(tc, loss_gradient_error_leaves_the_parameters_alone);
    suite_add_tcase(s, tc);
    return s;
}
