/* checkpoint6.c: what chapter 6 promises. Runs on every snapshot from chapter 6 on.
 *
 * The training module (training.h): data sets, the two moons, the squared error and the hinge
 * loss with their gradients, the L2 penalty, the update step, the learning-rate schedule, the
 * moons step (loss before the update, scratch Graph reset, the same number of Values every
 * step), the default training reaching 100%, and the two readers with their error messages. */
#define _POSIX_C_SOURCE 200809L   /* mkstemp, unlink; fork and pipe, for expect_stop.h */
#include "harness.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "micrograd.h"
#include "nn.h"
#include "training.h"
#include "readers.h"
#include "expect_stop.h"

/* A network of one linear neuron of one input: score = b + w x. */
static MLP *line_network(double w, double b)
{
    static const size_t sizes[] = {1};
    Rng rng;
    rng_seed(&rng, 1, WEIGHTS_STREAM);
    MLP *m = mlp_new(1, sizes, 1, ACT_LINEAR, ACT_LINEAR, &rng);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    ck_assert_uint_eq(count, 2);
    p[0]->data = w;
    p[1]->data = b;
    return m;
}

/* A data set of one input from n pairs (x, y). */
static Dataset line_data(const double *xy, size_t n)
{
    Dataset d = dataset_new(n, 1);
    for (size_t i = 0; i < n; i++) {
        d.x[i] = xy[2 * i];
        d.y[i] = xy[2 * i + 1];
    }
    return d;
}

/* Write text to a new temporary file; its name goes to path (room for 32 chars). */
static void temp_file(char *path, const char *text)
{
    strcpy(path, "/tmp/checkpoint6.XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* ------------------------------------------------------------ data sets and the moons */

START_TEST(dataset_new_is_zeroed)
{
    Dataset d = dataset_new(3, 2);
    ck_assert_uint_eq(d.count, 3);
    ck_assert_uint_eq(d.nin, 2);
    for (size_t i = 0; i < 6; i++)
        ck_assert(d.x[i] == 0.0);
    for (size_t i = 0; i < 3; i++)
        ck_assert(d.y[i] == 0.0);
    dataset_free(&d);
    ck_assert_ptr_null(d.x);
    dataset_free(NULL);
    Dataset empty = dataset_new(0, 2);                 /* no examples is allowed */
    dataset_free(&empty);
}
END_TEST

START_TEST(moons_without_noise_lie_on_the_two_half_circles)
{
    Rng rng;
    rng_seed(&rng, 7, 7);
    Dataset d = moons_make(7, 0.0, &rng);              /* 3 upper, 4 lower */
    ck_assert_uint_eq(d.nin, 2);
    const double want[7][3] = {{1, 0, -1}, {0, 1, -1}, {-1, 0, -1},
                               {0, 0.5, 1}, {0.5, 0.5 - sqrt(0.75), 1},
                               {1.5, 0.5 - sqrt(0.75), 1}, {2, 0.5, 1}};
    for (size_t i = 0; i < 7; i++) {
        ck_assert_double_eq_tol(d.x[2 * i], want[i][0], 1e-12);
        ck_assert_double_eq_tol(d.x[2 * i + 1], want[i][1], 1e-12);
        ck_assert(d.y[i] == want[i][2]);
    }
    dataset_free(&d);
}
END_TEST

/* The noise is drawn point by point, the x deviate then the y deviate, each one call of
   rng_normal: a statistical look at the points would not see another order. */
START_TEST(moons_noise_is_drawn_point_by_point_x_then_y)
{
    Rng rng, again;
    rng_seed(&rng, 7, 7);
    Dataset plain = moons_make(7, 0.0, &rng);          /* the points without noise */
    rng_seed(&rng, 9, 4);
    rng_seed(&again, 9, 4);
    Dataset d = moons_make(7, 0.25, &rng);
    for (size_t i = 0; i < 14; i++) {
        double want = plain.x[i] + 0.25 * rng_normal(&again);
        ck_assert_msg(fabs(d.x[i] - want) <= 1e-12, "point %zu, %s: %.17g, expected %.17g",
                      i / 2, i % 2 ? "y" : "x", d.x[i], want);
    }
    ck_assert_uint_eq(rng_next(&rng), rng_next(&again));   /* and nothing else */
    dataset_free(&plain);
    dataset_free(&d);
}
END_TEST

START_TEST(the_books_moons_are_fixed_and_near_their_circles)
{
    Dataset a = moons_dataset(), b = moons_dataset();
    ck_assert_uint_eq(a.count, 100);
    ck_assert_int_eq(memcmp(a.x, b.x, 200 * sizeof(double)), 0);   /* the same every time */
    size_t lower = 0;
    double spread = 0.0;
    for (size_t i = 0; i < 100; i++) {
        double cx = a.y[i] > 0 ? 1.0 : 0.0, cy = a.y[i] > 0 ? 0.5 : 0.0;
        double r = hypot(a.x[2 * i] - cx, a.x[2 * i + 1] - cy);
        ck_assert_double_lt(fabs(r - 1.0), 0.5);
        spread += fabs(r - 1.0) / 100.0;
        lower += a.y[i] > 0;
        ck_assert(a.y[i] == (i < 50 ? -1.0 : 1.0));
    }
    ck_assert_uint_eq(lower, 50);
    ck_assert_double_gt(spread, 0.03);                  /* noise of 0.1: about 0.08 */
    ck_assert_double_lt(spread, 0.15);
    dataset_free(&a);
    dataset_free(&b);
}
END_TEST

/* ------------------------------------------------------------ losses and the update */

START_TEST(squared_error_sums_the_squared_misses_and_differentiates)
{
    const double xy[] = {1.0, 1.0, -1.0, 0.0};          /* scores 2.5 and -1.5 */
    Dataset d = line_data(xy, 2);
    MLP *m = line_network(2.0, 0.5);
    Graph *g = graph_new();
    Value *loss = loss_squared_error(m, g, &d);
    ck_assert_double_eq_tol(loss->data, 2.25 + 2.25, 1e-15);
    mlp_zero_grad(m);
    value_backward(loss);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    ck_assert_double_eq_tol(p[0]->grad, 2 * 1.5 * 1.0 + 2 * -1.5 * -1.0, 1e-15);  /* dL/dw */
    ck_assert_double_eq_tol(p[1]->grad, 2 * 1.5 + 2 * -1.5, 1e-15);               /* dL/db */
    graph_free(g);
    mlp_free(m);
    dataset_free(&d);
}
END_TEST

START_TEST(hinge_loss_is_the_mean_shortfall_and_counts_right_signs)
{
    /* scores 2, 0.5, 0.5, 0: margins 2, 0.5, -0.5, 0 */
    const double xy[] = {2.0, 1.0, 0.5, 1.0, 0.5, -1.0, 0.0, 1.0};
    Dataset d = line_data(xy, 4);
    MLP *m = line_network(1.0, 0.0);
    Graph *g = graph_new();
    size_t correct = 99;
    Value *loss = loss_hinge(m, g, &d, &correct);
    ck_assert_double_eq_tol(loss->data, (0.0 + 0.5 + 1.5 + 1.0) / 4, 1e-15);
    ck_assert_uint_eq(correct, 2);                     /* a score of 0 counts as wrong */
    mlp_zero_grad(m);
    value_backward(loss);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    ck_assert_double_eq_tol(p[0]->grad, (-0.5 + 0.5 - 0.0) / 4, 1e-15);   /* -y x, if active */
    ck_assert_double_eq_tol(p[1]->grad, (-1.0 + 1.0 - 1.0) / 4, 1e-15);   /* -y, if active */
    ck_assert_ptr_nonnull(loss_hinge(m, g, &d, NULL));  /* correct may be NULL */
    graph_free(g);
    mlp_free(m);
    dataset_free(&d);
}
END_TEST

START_TEST(l2_penalty_is_alpha_times_the_squares_with_gradient_two_alpha_w)
{
    MLP *m = line_network(3.0, -2.0);
    Graph *g = graph_new();
    Value *penalty = loss_l2(m, g, 0.5);
    ck_assert_double_eq_tol(penalty->data, 0.5 * (9.0 + 4.0), 1e-15);
    mlp_zero_grad(m);
    value_backward(penalty);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    ck_assert_double_eq_tol(p[0]->grad, 2 * 0.5 * 3.0, 1e-15);
    ck_assert_double_eq_tol(p[1]->grad, 2 * 0.5 * -2.0, 1e-15);
    ck_assert_uint_eq(graph_size(m->params), 2);       /* nothing was built among the parameters */
    graph_free(g);
    mlp_free(m);
}
END_TEST

START_TEST(sgd_step_moves_every_parameter_against_its_gradient)
{
    MLP *m = line_network(3.0, -2.0);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    p[0]->grad = 4.0;
    p[1]->grad = -1.0;
    sgd_step(m, 0.25);
    ck_assert(p[0]->data == 2.0);
    ck_assert(p[1]->data == -1.75);
    ck_assert(p[0]->grad == 4.0);                      /* the step leaves the gradients */
    mlp_free(m);
}
END_TEST

START_TEST(the_learning_rate_falls_from_one_by_nine_tenths)
{
    ck_assert(moons_rate(0, 100) == 1.0);
    ck_assert_double_eq_tol(moons_rate(50, 100), 0.55, 1e-15);
    ck_assert_double_eq_tol(moons_rate(99, 100), 0.109, 1e-15);
    ck_assert_double_eq_tol(moons_rate(10, 20), 0.55, 1e-15);
}
END_TEST

/* ------------------------------------------------------------ the moons training */

START_TEST(moons_network_has_337_parameters_from_its_seed)
{
    MLP *a = moons_network(1), *b = moons_network(1), *c = moons_network(2);
    size_t na, nc;
    Value **pa = mlp_parameters(a, &na), **pb = mlp_parameters(b, &na);
    Value **pc = mlp_parameters(c, &nc);
    ck_assert_uint_eq(na, 337);
    ck_assert_uint_eq(nc, 337);
    int same = 1, differ = 0;
    for (size_t j = 0; j < na; j++) {
        same = same && pa[j]->data == pb[j]->data;
        differ = differ || pa[j]->data != pc[j]->data;
    }
    ck_assert(same && differ);
    mlp_free(a);
    mlp_free(b);
    mlp_free(c);
}
END_TEST

START_TEST(moons_step_reports_the_loss_before_the_update_and_resets_the_scratch_graph)
{
    Dataset d = moons_dataset();
    MLP *m = moons_network(1);
    Graph *g = graph_new();
    size_t correct;
    Value *loss = moons_loss(m, g, &d, &correct);
    double want = loss->data;
    size_t values = graph_size(g);
    graph_reset(g);
    StepResult r = moons_step(m, g, &d, 0, 100);
    ck_assert(r.loss == want);                         /* the same expression, to the bit */
    ck_assert_uint_eq(r.correct, correct);
    ck_assert_uint_eq(r.values, values);
    ck_assert_uint_eq(graph_size(g), 0);               /* reset after the update */
    ck_assert_uint_eq(graph_size(m->params), 337);
    loss = moons_loss(m, g, &d, NULL);
    ck_assert_double_lt(loss->data, want);             /* the update lowered the loss */
    graph_free(g);
    mlp_free(m);
    dataset_free(&d);
}
END_TEST

/* A step's gradients are this step's alone: gradients left over from before the step (as a
   forgotten mlp_zero_grad would leave them) change neither the update nor the gradients. */
START_TEST(moons_step_zeroes_the_gradients_before_its_backward_pass)
{
    Dataset d = moons_dataset();
    MLP *clean = moons_network(1), *stale = moons_network(1);
    Graph *g = graph_new();
    size_t count;
    Value **p = mlp_parameters(clean, &count), **q = mlp_parameters(stale, &count);
    mlp_zero_grad(clean);
    for (size_t j = 0; j < count; j++)
        q[j]->grad = 1000.0 + (double)j;               /* left over from an earlier pass */
    moons_step(clean, g, &d, 3, 100);
    moons_step(stale, g, &d, 3, 100);
    for (size_t j = 0; j < count; j++) {
        ck_assert_msg(q[j]->grad == p[j]->grad, "parameter %zu: gradient %.17g after the step, "
                      "expected %.17g: the step added to an old gradient", j, q[j]->grad,
                      p[j]->grad);
        ck_assert_msg(q[j]->data == p[j]->data, "parameter %zu: %.17g after the step, expected "
                      "%.17g", j, q[j]->data, p[j]->data);
    }
    graph_free(g);
    mlp_free(clean);
    mlp_free(stale);
    dataset_free(&d);
}
END_TEST

START_TEST(the_default_moons_training_reaches_100_percent_in_constant_memory)
{
    Dataset d = moons_dataset();
    MLP *m = moons_network(1);
    Graph *g = graph_new();
    StepResult first = moons_step(m, g, &d, 0, 100), r = first;
    for (size_t k = 1; k < 100; k++) {
        r = moons_step(m, g, &d, k, 100);
        ck_assert_uint_eq(r.values, first.values);     /* every step the same size */
    }
    ck_assert_uint_eq(r.correct, 100);
    ck_assert_double_lt(r.loss, first.loss / 10);
    graph_free(g);
    mlp_free(m);
    dataset_free(&d);
}
END_TEST

/* ------------------------------------------------------------ the readers */

/* Read text as a CSV file of two inputs; it must fail with a message containing want. */
static void assert_csv_refused(const char *text, const char *want)
{
    char path[32], error[256], expected[300];
    temp_file(path, text);
    Dataset d = {.count = 12345};
    ck_assert_int_eq(dataset_read_csv(path, 2, &d, error, sizeof error), -1);
    ck_assert_uint_eq(d.count, 12345);                 /* untouched */
    snprintf(expected, sizeof expected, "%s%s", path, want);
    ck_assert_msg(strstr(error, expected) == error, "got \"%s\", want \"%s...\"", error,
                  expected);
    unlink(path);
}

START_TEST(csv_reader_skips_a_header_and_blank_lines)
{
    char path[32], error[256];
    temp_file(path, "x1,x2,y\r\n1.5, -2,1\r\n\n  \n0,1e-3,-1\n-0.25,4,+1");
    Dataset d;
    ck_assert_int_eq(dataset_read_csv(path, 2, &d, error, sizeof error), 0);
    ck_assert_uint_eq(d.count, 3);
    ck_assert(d.x[0] == 1.5 && d.x[1] == -2.0 && d.y[0] == 1.0);
    ck_assert(d.x[2] == 0.0 && d.x[3] == 1e-3 && d.y[1] == -1.0);
    ck_assert(d.x[4] == -0.25 && d.x[5] == 4.0 && d.y[2] == 1.0);
    dataset_free(&d);
    unlink(path);
    temp_file(path, "\n \t\nx1,x2,y\n1,2,-1\n");    /* blank lines, then the header */
    ck_assert_msg(dataset_read_csv(path, 2, &d, error, sizeof error) == 0, "%s", error);
    ck_assert_uint_eq(d.count, 1);
    ck_assert(d.x[0] == 1.0 && d.x[1] == 2.0 && d.y[0] == -1.0);
    dataset_free(&d);
    unlink(path);
    assert_csv_refused("x1,x2,y\nx1,x2,y\n1,2,1\n", ":2: field 1, \"x1\", is not a number");
}
END_TEST

START_TEST(csv_reader_names_the_file_and_line_of_each_problem)
{
    assert_csv_refused("1,2,1\n1,x,1\n", ":2: field 2, \"x\", is not a number");
    assert_csv_refused("1,2,1\n1,2.5e,1\n", ":2: field 2, \"2.5e\", is not a number");
    assert_csv_refused("1,2,nan\n", ":1: field 3, \"nan\", is not a number");
    assert_csv_refused("x,y,label\n1,2,1\n3,4\n", ":3: 2 fields, expected 3");
    assert_csv_refused("1,2,1,0\n", ":1: 4 fields, expected 3");
    assert_csv_refused("1,2,1\n\n1,2,0\n", ":3: label 0 is not -1 or 1");
    assert_csv_refused("1,2,0.5\n", ":1: label 0.5 is not -1 or 1");
    assert_csv_refused("", ": no examples");
    assert_csv_refused("x1,x2,y\n\n", ": no examples");
    char error[256];
    Dataset d;
    ck_assert_int_eq(dataset_read_csv("/nonexistent/moons.csv", 2, &d, error, sizeof error), -1);
    ck_assert_str_eq(error, "/nonexistent/moons.csv: cannot open: No such file or directory");
}
END_TEST

START_TEST(parameters_read_sets_every_parameter_or_none)
{
    char path[32], error[256];
    MLP *m = line_network(7.0, 8.0);
    size_t count;
    Value **p = mlp_parameters(m, &count);
    temp_file(path, "  0.5\n\n-1e2  \n");
    ck_assert_int_eq(parameters_read(m, path, error, sizeof error), 0);
    ck_assert(p[0]->data == 0.5 && p[1]->data == -100.0);
    unlink(path);
    const char *bad[][2] = {{"1\n", ": 1 numbers, but the network has 2 parameters"},
                            {"1 2\n3\n", ":2: more numbers than the network's 2 parameters"},
                            {"1\n2x\n", ":2: \"2x\" is not a number"}};
    for (size_t i = 0; i < 3; i++) {
        char expected[300];
        temp_file(path, bad[i][0]);
        ck_assert_int_eq(parameters_read(m, path, error, sizeof error), -1);
        snprintf(expected, sizeof expected, "%s%s", path, bad[i][1]);
        ck_assert_str_eq(error, expected);
        ck_assert(p[0]->data == 0.5 && p[1]->data == -100.0);   /* untouched */
        unlink(path);
    }
    mlp_free(m);
}
END_TEST

/* ------------------------------------------------------------ contracts */

/* The objects a misuse is given are global: they stay reachable when the misuse stops the
   child process, so valgrind does not report them as lost. (Not static: the compiler may drop
   stores to a static variable that nothing in this file reads.) */
MLP *checkpoint6_misused_network;
Dataset checkpoint6_misused_data;
Graph *checkpoint6_misused_graph;

static void score_of_a_data_set_that_does_not_fit(void)
{
    checkpoint6_misused_network = line_network(1.0, 0.0);   /* one input */
    checkpoint6_misused_data = dataset_new(1, 2);           /* two inputs */
    checkpoint6_misused_graph = graph_new();
    mlp_score(checkpoint6_misused_network, checkpoint6_misused_graph, &checkpoint6_misused_data,
              0);
}

static void hinge_loss_of_no_examples(void)
{
    checkpoint6_misused_network = line_network(1.0, 0.0);
    checkpoint6_misused_data = dataset_new(0, 1);
    checkpoint6_misused_graph = graph_new();
    loss_hinge(checkpoint6_misused_network, checkpoint6_misused_graph, &checkpoint6_misused_data,
               NULL);
}

START_TEST(score_of_a_data_set_that_does_not_fit_stops)
{
    expect_stop(score_of_a_data_set_that_does_not_fit, "mlp_score");
}
END_TEST

START_TEST(hinge_loss_of_no_examples_stops)
{
    expect_stop(hinge_loss_of_no_examples, "loss_hinge");
}
END_TEST

/* ------------------------------------------------------------ size arithmetic */

/* 2^20 examples of SIZE_MAX / 2^20 + 1 inputs: the product wraps around to 0 */
static void dataset_new_whose_size_overflows(void)
{
    Dataset d = dataset_new((size_t)1 << 20, SIZE_MAX / ((size_t)1 << 20) + 1);
    dataset_free(&d);
}

START_TEST(dataset_new_whose_size_overflows_stops)
{
    expect_stop(dataset_new_whose_size_overflows, "dataset_new");
}
END_TEST

/* ------------------------------------------------------------ closer checks */

/* The inputs of a data set larger than a few examples are all 0 as well, to the last one. */
START_TEST(dataset_new_zeroes_every_input_and_target_of_a_large_set)
{
    Dataset d = dataset_new(1000, 3);
    for (size_t i = 0; i < 3000; i++)
        ck_assert_msg(d.x[i] == 0.0, "input %zu is %.17g, not 0", i, d.x[i]);
    for (size_t i = 0; i < 1000; i++)
        ck_assert_msg(d.y[i] == 0.0, "target %zu is %.17g, not 0", i, d.y[i]);
    dataset_free(&d);
}
END_TEST

/* Step k of steps, taken on network seed 1, against the same step done by hand: each
   parameter ends at data - moons_rate(k, steps) * grad, to the bit, and g ends empty. */
static void assert_step_is_exact(size_t k, size_t steps)
{
    Dataset d = moons_dataset();
    MLP *by_hand = moons_network(1), *stepped = moons_network(1);
    Graph *g = graph_new();
    size_t count;
    Value **p = mlp_parameters(by_hand, &count), **q = mlp_parameters(stepped, &count);
    Value *loss = moons_loss(by_hand, g, &d, NULL);
    mlp_zero_grad(by_hand);
    value_backward(loss);
    double rate = moons_rate(k, steps);
    graph_reset(g);
    moons_step(stepped, g, &d, k, steps);
    ck_assert_msg(graph_size(g) == 0, "step %zu of %zu left %zu Values in the scratch Graph", k,
                  steps, graph_size(g));
    for (size_t j = 0; j < count; j++) {
        double want = p[j]->data - rate * p[j]->grad;
        ck_assert_msg(q[j]->data == want, "step %zu of %zu, parameter %zu: %.17g after the step, "
                      "expected data - moons_rate(%zu, %zu) * grad = %.17g", k, steps, j,
                      q[j]->data, k, steps, want);
    }
    graph_free(g);
    mlp_free(by_hand);
    mlp_free(stepped);
    dataset_free(&d);
}

START_TEST(moons_step_k_updates_with_the_rate_of_step_k)
{
    assert_step_is_exact(37, 100);
    assert_step_is_exact(1, 3);
}
END_TEST

START_TEST(the_last_moons_step_also_leaves_the_scratch_graph_empty)
{
    assert_step_is_exact(99, 100);
    assert_step_is_exact(0, 1);
}
END_TEST

/* Infinity, a number too large for a double, and a line that ends in a comma are refused. */
START_TEST(csv_reader_refuses_infinities_and_a_trailing_comma)
{
    assert_csv_refused("inf,0,1\n", ":1: field 1, \"inf\", is not a number");
    assert_csv_refused("0,-infinity,1\n", ":1: field 2, \"-infinity\", is not a number");
    assert_csv_refused("1,2,1\n1e309,0,1\n", ":2: field 1, \"1e309\", is not a number");
    assert_csv_refused("1,2,1,\n", ":1: 4 fields, expected 3");
    assert_csv_refused("1,2,1\n3,4,-1,\n", ":2: 4 fields, expected 3");
}
END_TEST

Suite *checkpoint6_suite(void)
{
    Suite *s = suite_create("checkpoint 6: Training");
    TCase *data = harness_tcase("data");
    harness_add(data, dataset_new_is_zeroed);
    harness_add(data, moons_without_noise_lie_on_the_two_half_circles);
    harness_add(data, moons_noise_is_drawn_point_by_point_x_then_y);
    harness_add(data, the_books_moons_are_fixed_and_near_their_circles);
    suite_add_tcase(s, data);
    TCase *losses = harness_tcase("losses");
    harness_add(losses, squared_error_sums_the_squared_misses_and_differentiates);
    harness_add(losses, hinge_loss_is_the_mean_shortfall_and_counts_right_signs);
    harness_add(losses, l2_penalty_is_alpha_times_the_squares_with_gradient_two_alpha_w);
    harness_add(losses, sgd_step_moves_every_parameter_against_its_gradient);
    harness_add(losses, the_learning_rate_falls_from_one_by_nine_tenths);
    suite_add_tcase(s, losses);
    TCase *moons = harness_tcase("moons");
    tcase_set_timeout(moons, 120);                     /* slow under valgrind */
    harness_add(moons, moons_network_has_337_parameters_from_its_seed);
    harness_add(moons, moons_step_reports_the_loss_before_the_update_and_resets_the_scratch_graph);
    harness_add(moons, moons_step_zeroes_the_gradients_before_its_backward_pass);
    harness_add(moons, the_default_moons_training_reaches_100_percent_in_constant_memory);
    suite_add_tcase(s, moons);
    TCase *readers = harness_tcase("readers");
    harness_add(readers, csv_reader_skips_a_header_and_blank_lines);
    harness_add(readers, csv_reader_names_the_file_and_line_of_each_problem);
    harness_add(readers, parameters_read_sets_every_parameter_or_none);
    suite_add_tcase(s, readers);
    TCase *contracts = harness_tcase("contracts");
    harness_add(contracts, score_of_a_data_set_that_does_not_fit_stops);
    harness_add(contracts, hinge_loss_of_no_examples_stops);
    suite_add_tcase(s, contracts);
    TCase *sizes = harness_tcase("size arithmetic");
    harness_add(sizes, dataset_new_whose_size_overflows_stops);
    suite_add_tcase(s, sizes);
    TCase *closer = harness_tcase("closer checks");
    tcase_set_timeout(closer, 120);                    /* slow under valgrind */
    harness_add(closer, dataset_new_zeroes_every_input_and_target_of_a_large_set);
    harness_add(closer, moons_step_k_updates_with_the_rate_of_step_k);
    harness_add(closer, the_last_moons_step_also_leaves_the_scratch_graph_empty);
    harness_add(closer, csv_reader_refuses_infinities_and_a_trailing_comma);
    suite_add_tcase(s, closer);
    return s;
}
