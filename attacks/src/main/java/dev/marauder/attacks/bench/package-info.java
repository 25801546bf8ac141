/** Benchmarks of the attacks against bare engine loops (run by {@code marauder bench}). */
package dev.marauder.attacks.bench;
