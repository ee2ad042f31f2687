/* exercises4.h: the functions the exercises of chapter 4 ask for. */
#ifndef EXERCISES4_H
#define EXERCISES4_H

#include "micrograd.h"

/* Exercise 4.1: the logistic sigmoid 1 / (1 + e^-x), built from the ops of chapter 4. */
Value *value_sigmoid(Graph *g, Value *x);

/* Exercise 4.2: 1 if order[0..n-1] lists each Value once, each after its operands (so every
   operand is in the list too); 0 otherwise. Leaves every visited mark clear. */
int topo_order_is_valid(Value **order, size_t n);

/* Exercise 4.3: how many paths lead from root down to leaf along operand links (b = a + a
   has two paths to a); 0 if leaf is not under root. Time linear in the Values under root.
   May use the grad of every Value under root as scratch. */
double value_count_paths(Value *root, Value *leaf);

/* Exercise 4.4: recompute the data of every Value under root that is not a leaf from the
   current data of its operands, for every op of chapter 4, so that each holds what a fresh
   build from the same leaves would hold. Leaves every grad and every leaf alone; time linear
   in the Values under root; no recursion. */
void value_forward(Value *root);

#endif
