/* checkpoint1.c: what chapter 1 promises. Runs on every snapshot from chapter 1 on. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "micrograd.h"

START_TEST(leaf_holds_its_data_and_label)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.5, "a");
    ck_assert_double_eq(a->data, 2.5);
    ck_assert_double_eq(a->grad, 0.0);
    ck_assert_int_eq(a->op, OP_LEAF);
    ck_assert_ptr_null(a->operands[0]);
    ck_assert_ptr_null(a->operands[1]);
    ck_assert_str_eq(a->label, "a");
    ck_assert_str_eq(value_new(g, 1.0, NULL)->label, "");
    graph_free(g);
}
END_TEST

START_TEST(add_and_mul_compute_forward_and_record_operands)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *s = value_add(g, a, b);
    Value *p = value_mul(g, a, b);
    ck_assert_double_eq(s->data, -1.0);
    ck_assert_double_eq(p->data, -6.0);
    ck_assert_int_eq(s->op, OP_ADD);
    ck_assert_int_eq(p->op, OP_MUL);
    ck_assert_ptr_eq(s->operands[0], a);
    ck_assert_ptr_eq(s->operands[1], b);
    ck_assert_ptr_eq(p->operands[0], a);
    ck_assert_ptr_eq(p->operands[1], b);
    ck_assert_double_eq(s->grad, 0.0);
    graph_free(g);
}
END_TEST

START_TEST(expression_d_is_4)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    Value *d = value_add(g, value_mul(g, a, b), c);
    ck_assert_double_eq(d->data, 2.0 * -3.0 + 10.0);
    ck_assert_uint_eq(graph_size(g), 5);
    ck_assert_ptr_eq(graph_value(g, 4), d);
    ck_assert_ptr_eq(graph_value(g, 0), a);
    graph_free(g);
}
END_TEST

START_TEST(values_keep_their_address_as_the_graph_grows)
{
    Graph *g = graph_new();
    Value *first = value_new(g, 1.0, "first");
    Value *x = first;
    for (int i = 0; i < 100000; i++)
        x = value_add(g, x, first);
    ck_assert_double_eq(first->data, 1.0);
    ck_assert_str_eq(first->label, "first");
    ck_assert_double_eq(x->data, 100001.0);
    ck_assert_uint_eq(graph_size(g), 100001);
    ck_assert_ptr_eq(graph_value(g, 0), first);
    ck_assert_ptr_eq(graph_value(g, 100000), x);
    graph_free(g);
}
END_TEST

START_TEST(reset_forgets_values_and_reuses_memory)
{
    Graph *g = graph_new();
    Value *first = NULL;
    for (int round = 0; round < 3; round++) {
        Value *a = value_new(g, round, "a");
        if (round == 0)
            first = a;
        ck_assert_ptr_eq(a, first);   /* the same slot, reused */
        ck_assert_str_eq(a->label, "a");
        for (int i = 0; i < 5000; i++)
            value_mul(g, a, a);
        ck_assert_uint_eq(graph_size(g), 5001);
        graph_reset(g);
        ck_assert_uint_eq(graph_size(g), 0);
    }
    Value *b = value_new(g, 7.0, NULL);
    ck_assert_double_eq(b->grad, 0.0);  /* a reused slot starts clean */
    ck_assert_str_eq(b->label, "");
    graph_free(g);
}
END_TEST

START_TEST(free_accepts_null)
{
    graph_free(NULL);
}
END_TEST

START_TEST(long_labels_are_cut_not_overflowed)
{
    Graph *g = graph_new();
    Value *v = value_new(g, 0.0, "a label much longer than the room a Value has for it");
    ck_assert_uint_eq(strlen(v->label), VALUE_LABEL_SIZE - 1);
    ck_assert_ptr_eq(value_set_label(v, "x"), v);
    ck_assert_str_eq(v->label, "x");
    graph_free(g);
}
END_TEST

START_TEST(op_names)
{
    ck_assert_str_eq(op_name(OP_ADD), "+");
    ck_assert_str_eq(op_name(OP_MUL), "*");
    ck_assert_str_eq(op_name(OP_LEAF), "");
}
END_TEST

/* Run fn(g) with its output captured in a string; the caller frees it. */
static char *capture(void (*fn)(FILE *, Graph *), Graph *g)
{
    FILE *out = tmpfile();
    ck_assert_ptr_nonnull(out);
    fn(out, g);
    long size = ftell(out);
    ck_assert_int_ge(size, 0);
    char *text = calloc((size_t)size + 1, 1);
    ck_assert_ptr_nonnull(text);
    rewind(out);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, out), (size_t)size);
    fclose(out);
    return text;
}

static void print_last(FILE *out, Graph *g)
{
    value_print(out, graph_value(g, graph_size(g) - 1));
}

static void write_dot(FILE *out, Graph *g)
{
    graph_write_dot(out, g);
}

START_TEST(print_shows_label_op_data_and_grad)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    value_set_label(value_mul(g, a, value_new(g, -3.0, "b")), "e");
    char *text = capture(print_last, g);
    ck_assert_str_eq(text, "Value(label=e, op=*, data=-6, grad=0)\n");
    free(text);
    graph_free(g);
}
END_TEST

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

START_TEST(dot_has_a_record_per_value_and_a_node_per_op)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    value_set_label(value_add(g, value_set_label(value_mul(g, a, b), "e"), c), "d");
    char *dot = capture(write_dot, g);
    ck_assert_ptr_nonnull(strstr(dot, "digraph"));
    ck_assert_ptr_nonnull(strstr(dot, "rankdir=LR"));
    ck_assert_int_eq(count(dot, "shape=record"), 5);
    ck_assert_int_eq(count(dot, "shape=circle"), 2);
    ck_assert_int_eq(count(dot, "->"), 2 + 2 + 2);  /* op->result and two operands, twice */
    ck_assert_ptr_nonnull(strstr(dot, "d | data 4.0000 | grad 0.0000\""));
    ck_assert_ptr_nonnull(strstr(dot, "b | data -3.0000 | grad 0.0000\""));
    ck_assert_ptr_nonnull(strstr(dot, "label=\"*\""));
    ck_assert_ptr_nonnull(strstr(dot, "label=\"+\""));
    free(dot);
    graph_free(g);
}
END_TEST

START_TEST(dot_escapes_record_characters_in_labels)
{
    Graph *g = graph_new();
    value_new(g, 1.0, "a|b{c}");
    char *dot = capture(write_dot, g);
    ck_assert_ptr_nonnull(strstr(dot, "a\\|b\\{c\\}"));
    free(dot);
    graph_free(g);
}
END_TEST

/* A test that aborts cannot free its Graph: keeping it in a static keeps it reachable, so
 * valgrind does not report the memory of a deliberately aborted test as a leak. */
static Graph *volatile doomed;

START_TEST(add_with_a_null_operand_aborts)
{
    Graph *g = doomed = graph_new();
    value_add(g, value_new(g, 1.0, "a"), NULL);
}
END_TEST

START_TEST(mul_without_a_graph_aborts)
{
    Graph *g = doomed = graph_new();
    Value *a = value_new(g, 1.0, "a");
    value_mul(NULL, a, a);
}
END_TEST

START_TEST(graph_value_out_of_range_aborts)
{
    Graph *g = doomed = graph_new();
    value_new(g, 1.0, "a");
    graph_value(g, 1);
}
END_TEST

Suite *checkpoint1_suite(void)
{
    Suite *s = suite_create("checkpoint 1: Value");
    TCase *t = tcase_create("values and graphs");
    tcase_add_test(t, leaf_holds_its_data_and_label);
    tcase_add_test(t, add_and_mul_compute_forward_and_record_operands);
    tcase_add_test(t, expression_d_is_4);
    tcase_add_test(t, values_keep_their_address_as_the_graph_grows);
    tcase_add_test(t, reset_forgets_values_and_reuses_memory);
    tcase_add_test(t, free_accepts_null);
    tcase_add_test(t, long_labels_are_cut_not_overflowed);
    tcase_add_test(t, op_names);
    tcase_add_test(t, print_shows_label_op_data_and_grad);
    tcase_add_test(t, dot_has_a_record_per_value_and_a_node_per_op);
    tcase_add_test(t, dot_escapes_record_characters_in_labels);
    suite_add_tcase(s, t);
    TCase *contracts = tcase_create("broken contracts");
    tcase_add_test_raise_signal(contracts, add_with_a_null_operand_aborts, SIGABRT);
    tcase_add_test_raise_signal(contracts, mul_without_a_graph_aborts, SIGABRT);
    tcase_add_test_raise_signal(contracts, graph_value_out_of_range_aborts, SIGABRT);
    suite_add_tcase(s, contracts);
    return s;
}
