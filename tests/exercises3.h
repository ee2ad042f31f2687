/* exercises3.h: the exercises of chapter 3, "The chain rule".
 * Worked solutions: appendix A (chapters/A-solutions.nw). Your own: exercises/chapter3.c,
 * checked with `make exercise3`.
 */
#ifndef EXERCISES3_H
#define EXERCISES3_H

#include "micrograd.h"

/* Exercise 3.1. The derivative of tanh at x, found by the engine: a leaf x, its tanh seeded
 * with grad 1, one value_backward_step; returns the leaf's grad. Frees what it allocates. */
double tanh_local_derivative(double x);

/* Exercise 3.2. A two-input neuron, tanh(x1*w1 + x2*w2 + b), built in g from the engine's
 * operations; returns the output node. */
Value *value_neuron2(Graph *g, Value *x1, Value *w1, Value *x2, Value *w2, Value *b);

/* Exercise 3.2. Given an output o made by value_neuron2 (all grads 0), seeds o->grad = 1 and
 * calls value_backward_step on each node of the neuron in an order that leaves every node,
 * the five leaves included, with d(o)/d(node). */
void neuron2_backward(Value *o);

/* Exercise 3.3. Sets the grad of every Value of g to 0, root->grad to 1, then calls
 * value_backward_step on every Value of g from the last made to the first.
 * root must be a Value of g. */
void graph_backward_by_hand(Graph *g, Value *root);

/* Exercise 3.4. d(root)/dx for a leaf x, every Value under root in g and made by value_new,
 * value_add, value_mul or value_tanh. Walks g once, from the first Value made to the last;
 * may use the grad fields as scratch; leaves every data as it was. */
double graph_forward_derivative(Graph *g, Value *x, Value *root);

#endif
