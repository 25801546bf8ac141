package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Result of a white-box gradient query.
 *
 * @param logits the logits of the forward pass the gradient was taken through
 * @param gradient derivative of the objective with respect to the input, same shape as the input
 * @param objective the value of the objective (a scalar)
 */
public record InputGradient(NDArray logits, NDArray gradient, double objective) {}
