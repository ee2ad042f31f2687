/* checkpoint1.c: what chapter 1 promises. Runs on every snapshot from chapter 1 on. */
#define _POSIX_C_SOURCE 200809L   /* fork and pipe, for expect_stop.h */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "micrograd.h"
#include "dot_reader.h"
#include "expect_stop.h"

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

START_TEST(dot_has_a_record_per_value_a_node_per_op_and_the_edges)
{
    Graph *g = graph_new();
    Value *a = value_new(g, 2.0, "a");
    Value *b = value_new(g, -3.0, "b");
    Value *c = value_new(g, 10.0, "c");
    Value *e = value_set_label(value_mul(g, a, b), "e");
    Value *d = value_set_label(value_add(g, e, c), "d");
    d->grad = e->grad = c->grad = 1.0;                 /* gradients of d, as by hand */
    a->grad = -3.0;
    b->grad = 2.0;
    char *text = capture(write_dot, g);
    static Dot dot;
    dot_read(&dot, text);
    int records = 0;
    for (int i = 0; i < dot.nodes; i++)
        records += is_record(&dot.node[i]);
    ck_assert_int_eq(records, 5);                      /* one per Value */
    ck_assert_int_eq(dot.nodes - records, 2);          /* one per op */
    ck_assert_int_eq(dot.edges, 2 * 3);                /* per op: to its result, from 2 operands */
    const DotNode *ra = record_of(&dot, "a", 2.0, -3.0), *rb = record_of(&dot, "b", -3.0, 2.0);
    const DotNode *rc = record_of(&dot, "c", 10.0, 1.0), *re = record_of(&dot, "e", -6.0, 1.0);
    const DotNode *rd = record_of(&dot, "d", 4.0, 1.0);
    const DotNode *times = op_node(&dot, "*"), *plus = op_node(&dot, "+");
    ck_assert_edge(&dot, times, re, "from the * node to the record of e");
    ck_assert_edge(&dot, ra, times, "from the record of a to the * node");
    ck_assert_edge(&dot, rb, times, "from the record of b to the * node");
    ck_assert_edge(&dot, plus, rd, "from the + node to the record of d");
    ck_assert_edge(&dot, re, plus, "from the record of e to the + node");
    ck_assert_edge(&dot, rc, plus, "from the record of c to the + node");
    free(text);
    graph_free(g);
}
END_TEST

START_TEST(dot_escapes_record_characters_in_labels)
{
    Graph *g = graph_new();
    value_new(g, 1.0, "a|b{c}");
    char *text = capture(write_dot, g);
    static Dot dot;
    dot_read(&dot, text);
    ck_assert_int_eq(dot.nodes, 1);
    record_of(&dot, "a\\|b\\{c\\}", 1.0, 0.0);         /* one field: the label, escaped */
    free(text);
    graph_free(g);
}
END_TEST

/* A misuse that stops the program cannot free its Graph: keeping it in a static keeps it
 * reachable, so valgrind does not report the memory of a deliberate stop as a leak. */
static Graph *volatile doomed;

static void add_a_null_operand(void)
{
    Graph *g = doomed = graph_new();
    value_add(g, value_new(g, 1.0, "a"), NULL);
}

static void mul_without_a_graph(void)
{
    Graph *g = doomed = graph_new();
    Value *a = value_new(g, 1.0, "a");
    value_mul(NULL, a, a);
}

static void ask_for_a_value_out_of_range(void)
{
    Graph *g = doomed = graph_new();
    value_new(g, 1.0, "a");
    graph_value(g, 1);
}

START_TEST(add_with_a_null_operand_stops)
{
    expect_stop(add_a_null_operand, "value_add");
}
END_TEST

START_TEST(mul_without_a_graph_stops)
{
    expect_stop(mul_without_a_graph, "value_mul");
}
END_TEST

START_TEST(graph_value_out_of_range_stops)
{
    expect_stop(ask_for_a_value_out_of_range, "graph_value");
}
END_TEST

/* ------------------------------------------------------------ closer checks */

/* %g, not a longer format: 0.1 prints as 0.1 (with %.17g it would be 0.10000000000000001). */
START_TEST(print_writes_numbers_as_percent_g)
{
    Graph *g = graph_new();
    Value *x = value_new(g, 0.1, "x");
    value_set_label(value_mul(g, x, value_new(g, 0.125, "y")), "p")->grad = 0.3;
    char *text = capture(print_last, g);
    ck_assert_str_eq(text, "Value(label=p, op=*, data=0.0125, grad=0.3)\n");
    free(text);
    graph_free(g);
}
END_TEST

/* Every one of the seven characters a record label must escape, each with its backslash, and
 * numbers that two decimals would round wrong (0.125 and 0.0625 need three and four). */
START_TEST(dot_escapes_all_seven_record_characters)
{
    Graph *g = graph_new();
    value_new(g, 0.125, "<>\"\\")->grad = 0.0625;
    value_new(g, 1.0, "}{|");
    int all_seven = VALUE_LABEL_SIZE >= 8;             /* room for 7 characters and the '\0' */
    if (all_seven)
        value_new(g, -0.375, "{}|<>\"\\");
    char *text = capture(write_dot, g);
    static Dot dot;
    dot_read(&dot, text);
    ck_assert_int_eq(dot.nodes, 2 + all_seven);
    record_of(&dot, "\\<\\>\"\\\\", 0.125, 0.0625);   /* read: \< \> " \\ (a DOT \" is a ") */
    record_of(&dot, "\\}\\{\\|", 1.0, 0.0);
    if (all_seven)
        record_of(&dot, "\\{\\}\\|\\<\\>\"\\\\", -0.375, 0.0);
    free(text);
    graph_free(g);
}
END_TEST

/* After graph_reset every Value made starts clean: a leaf made with a NULL label and a Value
 * made by an op have the label "", whatever label the slot held before. */
START_TEST(values_made_after_a_reset_have_an_empty_label)
{
    Graph *g = graph_new();
    for (int round = 0; round < 2; round++) {
        Value *a = value_new(g, 1.0, NULL), *b = value_new(g, 2.0, NULL);
        Value *v = a;
        for (int i = 0; i < 50; i++)
            v = i % 2 ? value_add(g, v, b) : value_mul(g, v, b);
        for (size_t i = 0; i < graph_size(g); i++) {
            Value *w = graph_value(g, i);
            ck_assert_msg(w->label[0] == '\0', "round %d: Value %zu (op \"%s\") has the label "
                          "\"%s\", expected \"\"", round, i, op_name(w->op), w->label);
            ck_assert_msg(w->grad == 0.0, "round %d: Value %zu has grad %g", round, i, w->grad);
        }
        for (size_t i = 0; i < graph_size(g); i++) {    /* dirty every slot for the next round */
            value_set_label(graph_value(g, i), "old");
            graph_value(g, i)->grad = 5.0;
        }
        graph_reset(g);
    }
    graph_free(g);
}
END_TEST

Suite *checkpoint1_suite(void)
{
    Suite *s = suite_create("checkpoint 1: Value");
    TCase *t = harness_tcase("values and graphs");
    harness_add(t, leaf_holds_its_data_and_label);
    harness_add(t, add_and_mul_compute_forward_and_record_operands);
    harness_add(t, expression_d_is_4);
    harness_add(t, values_keep_their_address_as_the_graph_grows);
    harness_add(t, reset_forgets_values_and_reuses_memory);
    harness_add(t, free_accepts_null);
    harness_add(t, long_labels_are_cut_not_overflowed);
    harness_add(t, op_names);
    harness_add(t, print_shows_label_op_data_and_grad);
    harness_add(t, dot_has_a_record_per_value_a_node_per_op_and_the_edges);
    harness_add(t, dot_escapes_record_characters_in_labels);
    suite_add_tcase(s, t);
    TCase *contracts = harness_tcase("broken contracts");
    harness_add(contracts, add_with_a_null_operand_stops);
    harness_add(contracts, mul_without_a_graph_stops);
    harness_add(contracts, graph_value_out_of_range_stops);
    suite_add_tcase(s, contracts);
    TCase *closer = harness_tcase("closer checks");
    harness_add(closer, print_writes_numbers_as_percent_g);
    harness_add(closer, dot_escapes_all_seven_record_characters);
    harness_add(closer, values_made_after_a_reset_have_an_empty_label);
    suite_add_tcase(s, closer);
    return s;
}
