package dev.marauder.bench;

import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Times epsilon for long DP-SGD runs with both accountants, after JIT warm-up, and prints the
 * median wall-clock time of a fresh accountant (construction, one {@code step} of all steps, one
 * {@code epsilon}), so that nothing is cached between runs. Not a unit test: timings depend on
 * the machine and its load.
 *
 * <pre>
 * java -cp bench/target/classes:privacy/target/classes:stats/target/classes dev.marauder.bench.AccountingBenchmark [steps]
 * </pre>
 */
public final class AccountingBenchmark {
    private AccountingBenchmark() {}

    /** Runs the benchmark; the optional argument is the number of steps (default 100,000). */
    public static void main(String[] args) {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
        double delta = 1e-5;
        double[][] settings = {
            {1.1, 256.0 / 60_000}, // TF Privacy's MNIST tutorial: batch 256 of 60,000, noise 1.1
            {1.0, 0.01},
            {0.8, 0.004},
        };
        System.out.printf(Locale.ROOT, "epsilon at delta %.0e after %,d steps (median of timed runs after warm-up)%n",
                delta, steps);
        System.out.printf(Locale.ROOT, "%-6s %-10s %-5s %12s %12s%n", "noise", "rate", "acct", "epsilon", "time");
        for (double[] s : settings) {
            for (AccountantType type : AccountantType.values()) {
                Supplier<PrivacyAccountant> factory = type::newAccountant;
                int warmup = type == AccountantType.RDP ? 30 : 3;
                int runs = type == AccountantType.RDP ? 30 : 5;
                double[] eps = new double[1];
                for (int i = 0; i < warmup; i++) {
                    eps[0] = run(factory, s[0], s[1], steps, delta);
                }
                double[] times = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    eps[0] = run(factory, s[0], s[1], steps, delta);
                    times[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                System.out.printf(Locale.ROOT, "%-6.2f %-10.6f %-5s %12.6f %9.1f ms%n",
                        s[0], s[1], type.label(), eps[0], times[runs / 2]);
            }
        }
    }

    private static double run(Supplier<PrivacyAccountant> factory, double noise, double rate, long steps,
            double delta) {
        PrivacyAccountant a = factory.get();
        a.step(noise, rate, steps);
        return a.epsilon(delta);
    }
}
