/* exercises5.h: the functions the exercises of chapter 5 ask for. */
#ifndef EXERCISES5_H
#define EXERCISES5_H

#include "micrograd.h"
#include "nn.h"

/* Exercise 5.1: how many Values one mlp_forward of MLP(nin, sizes[0..nlayers-1]) with these
   activations adds to the scratch Graph, not counting the inputs. Builds no network. */
size_t mlp_forward_size(size_t nin, const size_t *sizes, size_t nlayers,
                        Activation act_hidden, Activation act_output);

/* Exercise 5.2: out[k] = e^z[k] / (e^z[0] + ... + e^z[n-1]) for k < n, made in g from the
   engine's operations; finite for any finite inputs (z[k] = 1000 included). n > 0. */
void value_softmax(Graph *g, Value **z, size_t n, Value **out);

/* Exercise 5.3: if every neuron of m is linear, writes W (nout rows of m->nin numbers, row by
   row; nout = neurons of the last layer) and c (nout numbers) such that m computes W x + c,
   and returns 1. Otherwise returns 0 and writes nothing. */
int mlp_affine_map(const MLP *m, double *W, double *c);

#endif
