/* exercises2.h: the exercises of chapter 2 (Manual backprop). */
#ifndef EXERCISES2_H
#define EXERCISES2_H

#include "micrograd.h"

/* Exercise 2.1. For every leaf of g (op == OP_LEAF) add step * grad to data. Values made by
   an operation keep their data and grad; so do the leaves' grads. g must not be NULL. */
void nudge_leaves(Graph *g, double step);

/* A function that builds an expression from leaf values in g and returns its output. */
typedef Value *(*ExpressionBuilder)(Graph *g, const double *leaf);

/* Exercise 2.2. The central difference (L(leaf[i] + h) - L(leaf[i] - h)) / (2h), where L is
   the output of build and the other leaves keep their values. Builds in a Graph of its own
   and frees it. On return every leaf[k] holds exactly the value it held on entry. */
double numeric_grad(ExpressionBuilder build, double *leaf, size_t i, double h);

/* Exercise 2.3. Makes exactly three Values in g, in this order: s = a + b, p = a * c,
   L = s * p, and returns L. Sets the grad of L, p, s, a, b and c to dL/d(that Value),
   whatever they held before. */
Value *build_sum_times_product(Graph *g, Value *a, Value *b, Value *c);

/* Exercise 2.4. Like numeric_grad, an estimate of dL/d(leaf[i]) that builds in a Graph of its
   own, frees it and restores every leaf[k] exactly; but its error shrinks like h^4: exact up to
   rounding when L is a polynomial of degree at most 4 in leaf[i]. Builds the expression a
   fixed number of times, whatever h is. */
double numeric_grad_extrapolated(ExpressionBuilder build, double *leaf, size_t i, double h);

#endif
