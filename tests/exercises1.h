/* exercises1.h: the exercises of chapter 1. Solve them in exercises/chapter1.c. */
#ifndef EXERCISES1_H
#define EXERCISES1_H

#include "micrograd.h"

/* Exercise 1.1: build 3x^2 - 4x + 5 in g from x with value_add and value_mul only
 * (constants are leaves); return the node of the whole expression. */
Value *build_quadratic(Graph *g, Value *x);

/* Exercise 1.2: the central difference (f(x + h) - f(x - h)) / (2h). */
double slope_central(double (*f)(double), double x, double h);

/* Exercise 1.3: how many Values of g have the operation op. */
size_t graph_count_op(Graph *g, Op op);

/* Exercise 1.4: the number of operations on the longest path from root down to a leaf,
 * along operand pointers (0 for a leaf). Every Value under root is in g. Time linear in
 * graph_size(g); may use the grad fields of g's Values as scratch. */
size_t graph_depth(Graph *g, const Value *root);

#endif
