/**
 * The workloads behind {@code marauder bench}: PGD against a bare DJL loop and its native memory
 * over many steps ({@link dev.marauder.bench.PgdBenchmark}), a DP-SGD epoch against a non-private
 * one ({@link dev.marauder.bench.DpSgdBenchmark}), and PLD accounting cost
 * ({@link dev.marauder.bench.AccountingBenchmark}). Kept out of the library jars.
 */
package dev.marauder.bench;
