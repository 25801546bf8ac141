/**
 * The engine boundary: the PyTorch engine's set-up and seeding
 * ({@link dev.marauder.core.engine.Engines}) and the one gradient collector of the process
 * ({@link dev.marauder.core.engine.Autograd}): DJL allows one at a time, so all gradient work
 * goes through it.
 */
package dev.marauder.core.engine;
