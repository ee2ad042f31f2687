/* dot_reader.h: read the DOT that graph_write_dot writes, to test a drawing's structure (which
 * nodes, which labels, which edges) rather than its spelling (spacing, attribute order, names
 * of the nodes). For checkpoint1.c. */
#ifndef DOT_READER_H
#define DOT_READER_H

#include "harness.h"   /* Check, with doubles printed in full */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A DOT graph is `digraph name { statements }`. A statement is a node `ID [attr=value, ...]`,
 * an edge `ID -> ID [...]` (a chain `a -> b -> c` is two edges), defaults `node [...]`, or an
 * attribute `rankdir=LR`. IDs and values are bare words, numbers or "quoted strings"; `;` and
 * `,` between statements are optional; whitespace is free. A node ID may carry a port (`n:f0`),
 * which is dropped. Anything else fails the test, naming where the reading stopped. */

enum { DOT_MAX = 32, DOT_TEXT = 128 };

typedef struct { char id[DOT_TEXT], shape[DOT_TEXT], label[DOT_TEXT]; } DotNode;
typedef struct { char from[DOT_TEXT], to[DOT_TEXT]; } DotEdge;
typedef struct {
    const char *at;                     /* the reading position */
    char token[DOT_TEXT];               /* the last token read; "" at the end */
    int nodes, edges;
    DotNode node[DOT_MAX];
    DotEdge edge[DOT_MAX];
} Dot;

/* Read the next token into d->token: a punctuation mark, "->", a bare word, or the contents
 * of a quoted string (with \" read as "; every other backslash kept, as records need them). */
static void dot_next(Dot *d)
{
    const char *p = d->at;
    for (;;) {                                         /* skip blanks and comments */
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '/' && p[1] == '/')
            p += strcspn(p, "\n");
        else if (p[0] == '/' && p[1] == '*' && strstr(p + 2, "*/") != NULL)
            p = strstr(p + 2, "*/") + 2;
        else
            break;
    }
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p != '\0' && *p != '"' && n < DOT_TEXT - 1; p++) {
            if (p[0] == '\\' && p[1] == '"')
                p++;
            else if (p[0] == '\\' && p[1] != '\0' && n < DOT_TEXT - 2)
                d->token[n++] = *p++;
            d->token[n++] = *p;
        }
        ck_assert_msg(*p == '"', "DOT: a quoted string is not closed or too long: %.40s", d->at);
        p++;
    } else if (p[0] == '-' && p[1] == '>') {
        d->token[n++] = '-';
        d->token[n++] = '>';
        p += 2;
    } else if (*p != '\0' && strchr("{}[]=;,:", *p) != NULL) {
        d->token[n++] = *p++;
    } else {
        while ((isalnum((unsigned char)*p) || strchr("_.-", *p) != NULL) && *p != '\0'
               && !(p[0] == '-' && p[1] == '>') && n < DOT_TEXT - 1)
            d->token[n++] = *p++;
        ck_assert_msg(n > 0 || *p == '\0', "DOT: cannot read this: %.40s", p);
    }
    d->token[n] = '\0';
    d->at = p;
}

static int dot_is(const Dot *d, const char *token)
{
    return strcmp(d->token, token) == 0;
}

/* An ID at d->token, with an optional port after it; leaves the next token read. */
static void dot_id(Dot *d, char id[DOT_TEXT])
{
    ck_assert_msg(d->token[0] != '\0' && strchr("{}[]=;,:", d->token[0]) == NULL,
                  "DOT: expected a node name, found \"%s\" before: %.40s", d->token, d->at);
    strcpy(id, d->token);
    dot_next(d);
    while (dot_is(d, ":")) {                           /* n:port or n:port:compass */
        dot_next(d);
        dot_next(d);
    }
}

/* Attribute lists [k=v, ...] (any number, one after the other); keeps shape and label. */
static void dot_attributes(Dot *d, char shape[DOT_TEXT], char label[DOT_TEXT])
{
    while (dot_is(d, "[")) {
        for (dot_next(d); !dot_is(d, "]"); ) {
            ck_assert_msg(d->token[0] != '\0', "DOT: an attribute list is not closed");
            char key[DOT_TEXT];
            strcpy(key, d->token);
            dot_next(d);
            ck_assert_msg(dot_is(d, "="), "DOT: expected = after %s, found \"%s\"", key, d->token);
            dot_next(d);
            if (strcmp(key, "shape") == 0 && shape != NULL)
                strcpy(shape, d->token);
            if (strcmp(key, "label") == 0 && label != NULL)
                strcpy(label, d->token);
            dot_next(d);
            if (dot_is(d, ",") || dot_is(d, ";"))
                dot_next(d);
        }
        dot_next(d);
    }
}

static DotNode *dot_node(Dot *d, const char *id)
{
    for (int i = 0; i < d->nodes; i++)
        if (strcmp(d->node[i].id, id) == 0)
            return &d->node[i];
    ck_assert_int_lt(d->nodes, DOT_MAX);
    DotNode *n = &d->node[d->nodes++];
    strcpy(n->id, id);
    n->shape[0] = n->label[0] = '\0';
    return n;
}

static void dot_read(Dot *d, const char *text)
{
    d->at = text;
    d->nodes = d->edges = 0;
    dot_next(d);
    if (dot_is(d, "strict"))
        dot_next(d);
    ck_assert_msg(dot_is(d, "digraph"), "DOT: expected digraph, found \"%s\"", d->token);
    dot_next(d);
    if (!dot_is(d, "{"))
        dot_next(d);                                   /* the graph's name */
    ck_assert_msg(dot_is(d, "{"), "DOT: expected {, found \"%s\"", d->token);
    for (dot_next(d); !dot_is(d, "}"); ) {
        ck_assert_msg(d->token[0] != '\0', "DOT: the graph is not closed with }");
        if (dot_is(d, ";") || dot_is(d, ",")) {
            dot_next(d);
        } else if (dot_is(d, "node") || dot_is(d, "edge") || dot_is(d, "graph")) {
            dot_next(d);
            dot_attributes(d, NULL, NULL);
        } else {
            char id[DOT_TEXT];
            dot_id(d, id);
            if (dot_is(d, "=")) {                      /* rankdir=LR */
                dot_next(d);
                dot_next(d);
            } else if (dot_is(d, "->")) {
                while (dot_is(d, "->")) {
                    ck_assert_int_lt(d->edges, DOT_MAX);
                    DotEdge *e = &d->edge[d->edges++];
                    strcpy(e->from, id);
                    dot_next(d);
                    dot_id(d, id);
                    strcpy(e->to, id);
                }
                dot_attributes(d, NULL, NULL);
            } else {
                DotNode *n = dot_node(d, id);
                dot_attributes(d, n->shape, n->label);
            }
        }
    }
}

/* Field i of a record label: split at each | not escaped by a backslash, with the blanks
 * around it, any record braces { } and any port tag <f0> taken off. "" if there is none. */
static void record_field(const char *label, int i, char field[DOT_TEXT])
{
    for (; i > 0 && *label != '\0'; label++) {
        if (label[0] == '\\' && label[1] != '\0')
            label++;
        else if (*label == '|')
            i--;
    }
    size_t n = 0;
    for (; *label != '\0' && *label != '|' && n < DOT_TEXT - 2; label++) {
        if (label[0] == '\\' && label[1] != '\0') {
            field[n++] = *label++;
            field[n++] = *label;
        } else if (*label == '<' && strchr(label, '>') != NULL) {
            label = strchr(label, '>');
        } else if (*label != '{' && *label != '}') {
            field[n++] = *label;
        }
    }
    while (n > 0 && isspace((unsigned char)field[n - 1]))
        n--;
    field[n] = '\0';
    size_t lead = strspn(field, " \t");
    memmove(field, field + lead, n - lead + 1);
}

/* Does some field of the record read `name` followed by `want` (after blanks, = or :)? */
static int record_shows(const char *label, const char *name, double want)
{
    char field[DOT_TEXT];
    for (int i = 1; i < 8; i++) {
        record_field(label, i, field);
        size_t len = strlen(name);
        if (strncmp(field, name, len) != 0)
            continue;
        const char *p = field + len + strspn(field + len, " \t=:");
        char *end;
        double got = strtod(p, &end);
        if (end != p && fabs(got - want) <= 1e-3 * (1.0 + fabs(want)))
            return 1;
    }
    return 0;
}

static int is_record(const DotNode *n)
{
    return strcmp(n->shape, "record") == 0 || strcmp(n->shape, "Mrecord") == 0;
}

/* The record whose first field is `label` and that shows `data` and `grad`; fails otherwise. */
static const DotNode *record_of(const Dot *d, const char *label, double data, double grad)
{
    const DotNode *found = NULL;
    char field[DOT_TEXT];
    for (int i = 0; i < d->nodes; i++) {
        record_field(d->node[i].label, 0, field);
        if (is_record(&d->node[i]) && strcmp(field, label) == 0) {
            ck_assert_msg(found == NULL, "DOT: two records are labelled %s", label);
            found = &d->node[i];
        }
    }
    ck_assert_msg(found != NULL, "DOT: no record node (shape=record) whose first field is %s",
                  label);
    ck_assert_msg(record_shows(found->label, "data", data),
                  "DOT: the record of %s does not show \"data %g\": \"%s\"", label, data,
                  found->label);
    ck_assert_msg(record_shows(found->label, "grad", grad),
                  "DOT: the record of %s does not show \"grad %g\": \"%s\"", label, grad,
                  found->label);
    return found;
}

/* The one node that is not a record and is labelled with the op's name. */
static const DotNode *op_node(const Dot *d, const char *name)
{
    const DotNode *found = NULL;
    for (int i = 0; i < d->nodes; i++) {
        if (!is_record(&d->node[i]) && strcmp(d->node[i].label, name) == 0) {
            ck_assert_msg(found == NULL, "DOT: two op nodes are labelled %s", name);
            found = &d->node[i];
        }
    }
    ck_assert_msg(found != NULL, "DOT: no op node labelled %s", name);
    return found;
}

static int edges_between(const Dot *d, const DotNode *from, const DotNode *to)
{
    int n = 0;
    for (int i = 0; i < d->edges; i++)
        n += strcmp(d->edge[i].from, from->id) == 0 && strcmp(d->edge[i].to, to->id) == 0;
    return n;
}

#define ck_assert_edge(d, from, to, what) \
    ck_assert_msg(edges_between(d, from, to) == 1, "DOT: expected one edge %s", what)

#endif
