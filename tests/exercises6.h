/* exercises6.h: the functions the exercises of chapter 6 ask for. */
#ifndef EXERCISES6_H
#define EXERCISES6_H

#include "micrograd.h"
#include "nn.h"
#include "training.h"

/* Exercise 6.1: put the examples of d in a random order, every order equally likely, each
   example's inputs moving with its label; rng is the only source of randomness. The order is
   exact: for i from count - 1 down to 1, swap examples i and j, with j drawn from 0..i as the
   first rng_next(rng) not below 2^32 mod (i + 1), taken modulo i + 1. */
void dataset_shuffle(Dataset *d, Rng *rng);

/* Exercise 6.2: gradient descent with momentum. velocity holds one number per parameter
   (all 0 before the first step): velocity[j] = beta * velocity[j] + grad of parameter j,
   then parameter j's data -= rate * velocity[j]. */
void sgd_momentum_step(MLP *m, double *velocity, double rate, double beta);

/* Exercise 6.3: the largest |backpropagated gradient - central difference with step h| over
   m's parameters, for loss_squared_error of m on d. Leaves every parameter's data as it
   was. */
double loss_gradient_error(MLP *m, const Dataset *d, double h);

#endif
