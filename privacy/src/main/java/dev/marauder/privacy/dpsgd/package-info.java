/**
 * DP-SGD on the engine: per-example gradient clipping, secure Gaussian noise and Poisson
 * sampling, and the private training loop. The privacy analysis lives in
 * {@code dev.marauder.privacy.accounting}, which has no engine code.
 */
package dev.marauder.privacy.dpsgd;
