/* exercises6.h: the functions the exercises of chapter 6 ask for. */
#ifndef EXERCISES6_H
#define EXERCISES6_H

#include "micrograd.h"
#include "nn.h"
#include "training.h"

/* Exercise 6.1: write m's parameters to the file at path, in parameter order, so that
   parameters_read gives back exactly the same doubles. 0, or -1 if the file cannot be
   written. */
int parameters_write(MLP *m, const char *path);

/* Exercise 6.2: gradient descent with momentum. velocity holds one number per parameter
   (all 0 before the first step): velocity[j] = beta * velocity[j] + grad of parameter j,
   then parameter j's data -= rate * velocity[j]. */
void sgd_momentum_step(MLP *m, double *velocity, double rate, double beta);

/* Exercise 6.3: the largest |backpropagated gradient - central difference with step h| over
   m's parameters, for loss_squared_error of m on d. Leaves every parameter's data as it
   was. */
double loss_gradient_error(MLP *m, const Dataset *d, double h);

#endif
