/**
 * Network blocks that DJL lacks or that per-example gradient rules need: an LSTM written out of
 * linear layers (as Opacus's DPLSTM), GroupNorm, and the forward tap that records each layer's
 * input and output gradient.
 */
package dev.marauder.core.nn;
