/* running_example.h: chapter 2's running example L = (a*b + c) * f, built through the public
 * API, for the tests of chapter 2 and its exercises. */
#ifndef RUNNING_EXAMPLE_H
#define RUNNING_EXAMPLE_H

#include "micrograd.h"

typedef struct {
    Value *a, *b, *c, *e, *d, *f, *L;
} Example;

/* leaf holds a, b, c, f in that order */
static inline Example build_example(Graph *g, const double leaf[4])
{
    Example x;
    x.a = value_new(g, leaf[0], "a");
    x.b = value_new(g, leaf[1], "b");
    x.c = value_new(g, leaf[2], "c");
    x.e = value_mul(g, x.a, x.b);
    x.d = value_add(g, x.e, x.c);
    x.f = value_new(g, leaf[3], "f");
    x.L = value_mul(g, x.d, x.f);
    return x;
}

#endif
