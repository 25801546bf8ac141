package dev.marauder.bench;

import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times epsilon for long DP-SGD runs with both accountants, after JIT warm-up: the median
 * wall-clock time of a fresh accountant (construction, one {@code step} of all steps, one
 * {@code epsilon}), so that nothing is cached between runs. Not a unit test: timings depend on
 * the machine and its load. Run by {@code marauder bench accounting [--steps N]}.
 */
public final class AccountingBenchmark {
    private AccountingBenchmark() {}

    /** One timed setting. */
    public record Row(
            double noiseMultiplier, double sampleRate, String accountant, double epsilon, double medianMilliseconds) {}

    /** The outcome: epsilon at {@code delta} after {@code steps} steps, per setting and accountant. */
    public record Result(long steps, double delta, List<Row> rows) {}

    /** Runs the benchmark for {@code steps} steps (the README uses 100,000). */
    public static Result run(long steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        double delta = 1e-5;
        double[][] settings = {
            {1.1, 256.0 / 60_000}, // TF Privacy's MNIST tutorial: batch 256 of 60,000, noise 1.1
            {1.0, 0.01},
            {0.8, 0.004},
        };
        List<Row> rows = new ArrayList<>();
        for (double[] s : settings) {
            for (AccountantType type : AccountantType.values()) {
                Supplier<PrivacyAccountant> factory = type::newAccountant;
                int warmup = type == AccountantType.RDP ? 30 : 3;
                int runs = type == AccountantType.RDP ? 30 : 5;
                double epsilon = Double.NaN;
                for (int i = 0; i < warmup; i++) {
                    epsilon = run(factory, s[0], s[1], steps, delta);
                }
                double[] times = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    epsilon = run(factory, s[0], s[1], steps, delta);
                    times[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                rows.add(new Row(s[0], s[1], type.label(), epsilon, times[runs / 2]));
            }
        }
        return new Result(steps, delta, rows);
    }

    private static double run(
            Supplier<PrivacyAccountant> factory, double noise, double rate, long steps, double delta) {
        PrivacyAccountant a = factory.get();
        a.step(noise, rate, steps);
        return a.epsilon(delta);
    }
}
