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
size_t graph_count_op(const Graph *g, Op op);

#endif
