package dev.marauder.cli;

import dev.marauder.privacy.accounting.Schedule;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.NoiseCalibration;
import dev.marauder.privacy.accounting.PldAccountant;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.RdpAccountant;
import dev.marauder.privacy.accounting.RdpMath;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder privacy}: differential-privacy accounting of DP-SGD with Poisson sampling at
 * rate {@code B/N} for {@code ceil(E * N / B)} steps, by RDP (Mironov, Talwar and Zhang 2019) or
 * privacy loss distributions (Koskela et al. 2020, Doroshenko et al. 2022); see
 * {@code dev.marauder.privacy.accounting}.
 */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Differential-privacy accounting of DP-SGD (Poisson sampling at rate B/N, ceil(E*N/B) steps).",
        subcommands = {PrivacyCommand.Epsilon.class, PrivacyCommand.Noise.class})
final class PrivacyCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (epsilon, noise)");
    }

    /** The training run: data set size, batch, epochs, delta and accountant, shared by both subcommands. */
    static final class Run {
        @Option(names = "--n", required = true, paramLabel = "N", description = "Number of training examples.")
        long n;

        @Option(names = "--batch", required = true, paramLabel = "B",
                description = "Expected batch size; each example is sampled with probability B/N at every step.")
        long batch;

        @Option(names = "--epochs", required = true, paramLabel = "E",
                description = "Epochs, possibly fractional; the run has ceil(E*N/B) steps.")
        double epochs;

        @Option(names = "--delta", required = true, paramLabel = "D", description = "Target delta, in (0, 1).")
        double delta;

        @Option(names = "--accountant", defaultValue = "rdp", paramLabel = "rdp|pld",
                description = "rdp (Renyi DP, fast) or pld (privacy loss distributions, tighter); default ${DEFAULT-VALUE}.")
        AccountantType accountant;

        void validate() {
            if (n < 1) {
                throw new UsageException("--n must be at least 1, got " + n);
            }
            if (batch < 1 || batch > n) {
                throw new UsageException("--batch must be between 1 and --n (" + n + "), got " + batch);
            }
            if (!(epochs > 0) || Double.isInfinite(epochs)) {
                throw new UsageException("--epochs must be positive, got " + epochs);
            }
            if (!(delta > 0 && delta < 1)) {
                throw new UsageException("--delta must be in (0, 1), got " + delta);
            }
            if (steps() > Integer.MAX_VALUE) {
                throw new UsageException("--epochs " + epochs + " gives " + steps() + " steps, more than " + Integer.MAX_VALUE);
            }
        }

        double sampleRate() {
            return Schedule.sampleRate(n, batch);
        }

        long steps() {
            return Schedule.steps(n, batch, epochs);
        }

        String describe() {
            return steps() + " steps, sample rate " + number(sampleRate());
        }
    }

    /** A number for humans: up to 6 significant digits, no trailing zeros ({@code 1e-05}, {@code 0.00426667}). */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        String s = String.format(Locale.ROOT, "%.6g", value);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }

    /**
     * The JSON result of {@code marauder privacy epsilon}.
     *
     * @param order the optimal RDP order (RDP only)
     */
    record EpsilonResult(double epsilon, double delta, long steps, double sampleRate, String accountant, Double order,
            double noiseMultiplier, long n, long batch, double epochs) {}

    /** The JSON result of {@code marauder privacy noise}. */
    record NoiseResult(double noiseMultiplier, double epsilon, double targetEpsilon, double delta, long steps,
            double sampleRate, String accountant, long n, long batch, double epochs) {}

    /** {@code marauder privacy epsilon}: the epsilon a DP-SGD run spends. */
    @Command(name = "epsilon", mixinStandardHelpOptions = true,
            description = "Epsilon spent by DP-SGD with the given noise multiplier, at the given delta.")
    static final class Epsilon implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Run run;

        @Option(names = "--noise", required = true, paramLabel = "SIGMA",
                description = "Noise multiplier: noise standard deviation over the clipping norm.")
        double noise;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            run.validate();
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new UsageException("--noise must be finite and >= 0, got " + noise);
            }
            PrivacyAccountant accountant = run.accountant.newAccountant();
            accountant.step(noise, run.sampleRate(), run.steps());
            double epsilon;
            Double order = null;
            if (accountant instanceof RdpAccountant rdp) {
                RdpMath.EpsilonAndOrder spent = rdp.spent(run.delta);
                epsilon = spent.epsilon();
                order = Double.isNaN(spent.order()) ? null : spent.order();
            } else {
                epsilon = accountant.epsilon(run.delta);
            }
            EpsilonResult r = new EpsilonResult(epsilon, run.delta, run.steps(), run.sampleRate(), accountant.mechanism(),
                    order, noise, run.n, run.batch, run.epochs);
            output.emit(spec.commandLine().getOut(), r, String.format(Locale.ROOT,
                    "epsilon %.4f at delta %s (%s%s): %s, noise multiplier %s", epsilon, number(run.delta),
                    accountant.mechanism(), order == null ? "" : ", optimal order " + number(order), run.describe(),
                    number(noise)));
            return 0;
        }
    }

    /** {@code marauder privacy noise}: the smallest noise multiplier for a privacy budget. */
    @Command(name = "noise", mixinStandardHelpOptions = true,
            description = "Smallest noise multiplier whose epsilon at the given delta is at most the target.")
    static final class Noise implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Run run;

        @Option(names = "--target-epsilon", required = true, paramLabel = "EPS", description = "Privacy budget epsilon.")
        double targetEpsilon;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            run.validate();
            if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
                throw new UsageException("--target-epsilon must be positive, got " + targetEpsilon);
            }
            double q = run.sampleRate();
            long steps = run.steps();
            NoiseCalibration.Result r = NoiseCalibration.calibrate(RdpAccountant::new, targetEpsilon, run.delta, q, steps);
            if (run.accountant == AccountantType.PLD && r.noiseMultiplier() > 0) {
                // PLD needs a little less noise than RDP: start its search from the RDP answer.
                r = NoiseCalibration.calibrate(PldAccountant::new, targetEpsilon, run.delta, q, steps,
                        r.noiseMultiplier(), NoiseCalibration.DEFAULT_TOLERANCE);
            }
            NoiseResult result = new NoiseResult(r.noiseMultiplier(), r.epsilon(), targetEpsilon, run.delta, steps, q,
                    run.accountant.label(), run.n, run.batch, run.epochs);
            output.emit(spec.commandLine().getOut(), result, String.format(Locale.ROOT,
                    "noise multiplier %s gives epsilon %.4f <= %s at delta %s (%s): %s", number(r.noiseMultiplier()),
                    r.epsilon(), number(targetEpsilon), number(run.delta), run.accountant.label(), run.describe()));
            return 0;
        }
    }
}
