package dev.marauder.cli;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import dev.marauder.privacy.accounting.AccountantState;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.NoiseCalibration;
import dev.marauder.privacy.accounting.PldAccountant;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.RdpAccountant;
import dev.marauder.privacy.accounting.RdpMath;
import dev.marauder.privacy.accounting.Schedule;
import java.io.IOException;
import java.nio.file.Path;
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
@Command(
        name = "privacy",
        mixinStandardHelpOptions = true,
        description = "Differential-privacy accounting of DP-SGD (Poisson sampling at rate B/N, ceil(E*N/B) steps).",
        subcommands = {PrivacyCommand.Epsilon.class, PrivacyCommand.Noise.class, PrivacyCommand.Audit.class})
final class PrivacyCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required (epsilon, noise, audit)");
    }

    /** The training run: data set size, batch, epochs, delta and accountant, shared by both subcommands. */
    static final class Run {
        @Option(names = "--n", required = true, paramLabel = "N", description = "Number of training examples.")
        long n;

        @Option(
                names = "--batch",
                required = true,
                paramLabel = "B",
                description = "Expected batch size; each example is sampled with probability B/N at every step.")
        long batch;

        @Option(
                names = "--epochs",
                required = true,
                paramLabel = "E",
                description = "Epochs, possibly fractional; the run has ceil(E*N/B) steps.")
        double epochs;

        @Option(names = "--delta", required = true, paramLabel = "D", description = "Target delta, in (0, 1).")
        double delta;

        @Option(
                names = "--accountant",
                defaultValue = "rdp",
                paramLabel = "rdp|pld",
                description =
                        "rdp (Renyi DP, fast) or pld (privacy loss distributions, tighter); default ${DEFAULT-VALUE}.")
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
            try {
                dev.marauder.stats.Require.delta(delta);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--" + e.getMessage());
            }
            if (steps() > Integer.MAX_VALUE) {
                throw new UsageException(
                        "--epochs " + epochs + " gives " + steps() + " steps, more than " + Integer.MAX_VALUE);
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
    record EpsilonResult(
            double epsilon,
            double delta,
            long steps,
            double sampleRate,
            String accountant,
            Double order,
            double noiseMultiplier,
            long n,
            long batch,
            double epochs) {}

    /** The JSON result of {@code marauder privacy noise}. */
    record NoiseResult(
            double noiseMultiplier,
            double epsilon,
            double targetEpsilon,
            double delta,
            long steps,
            double sampleRate,
            String accountant,
            long n,
            long batch,
            double epochs) {}

    /** {@code marauder privacy epsilon}: the epsilon a DP-SGD run spends. */
    @Command(
            name = "epsilon",
            mixinStandardHelpOptions = true,
            description = "Epsilon spent by DP-SGD with the given noise multiplier, at the given delta.")
    static final class Epsilon implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Run run;

        @Option(
                names = "--noise",
                required = true,
                paramLabel = "SIGMA",
                description = "Noise multiplier: noise standard deviation over the clipping norm.")
        double noise;

        @Option(
                names = "--history",
                paramLabel = "FILE",
                description = "Resume: replay the steps of a saved accountant history (JSON) before this run's.")
        Path history;

        @Option(
                names = "--save-history",
                paramLabel = "FILE",
                description = "Write the accountant's history after this run (JSON), to resume or replay it later.")
        Path saveHistory;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            run.validate();
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new UsageException("--noise must be finite and >= 0, got " + noise);
            }
            PrivacyAccountant accountant = run.accountant.newAccountant();
            if (history != null) {
                Inputs.requireExists(history, "--history");
                AccountantState saved;
                try {
                    saved = Json.read(history, AccountantState.class);
                } catch (IOException | IllegalArgumentException e) {
                    throw new DataFormatException(history, "not an accountant history: " + Messages.firstLine(e));
                }
                accountant = saved.replay(run.accountant);
            }
            accountant.step(noise, run.sampleRate(), run.steps());
            if (saveHistory != null) {
                Json.writeFile(saveHistory, accountant.state());
            }
            double epsilon;
            Double order = null;
            if (accountant instanceof RdpAccountant rdp) {
                RdpMath.EpsilonAndOrder spent = rdp.spent(run.delta);
                epsilon = spent.epsilon();
                order = Double.isNaN(spent.order()) ? null : spent.order();
            } else {
                epsilon = accountant.epsilon(run.delta);
            }
            EpsilonResult r = new EpsilonResult(
                    epsilon,
                    run.delta,
                    run.steps(),
                    run.sampleRate(),
                    accountant.mechanism(),
                    order,
                    noise,
                    run.n,
                    run.batch,
                    run.epochs);
            output.emit(
                    spec.commandLine().getOut(),
                    r,
                    String.format(
                            Locale.ROOT,
                            "epsilon %.4f at delta %s (%s%s): %s, noise multiplier %s",
                            epsilon,
                            number(run.delta),
                            accountant.mechanism(),
                            order == null ? "" : ", optimal order " + number(order),
                            run.describe(),
                            number(noise)));
            return 0;
        }
    }

    /** {@code marauder privacy noise}: the smallest noise multiplier for a privacy budget. */
    @Command(
            name = "noise",
            mixinStandardHelpOptions = true,
            description = "Smallest noise multiplier whose epsilon at the given delta is at most the target.")
    static final class Noise implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Run run;

        @Option(
                names = "--target-epsilon",
                required = true,
                paramLabel = "EPS",
                description = "Privacy budget epsilon.")
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
            NoiseCalibration.Result r =
                    NoiseCalibration.calibrate(RdpAccountant::new, targetEpsilon, run.delta, q, steps);
            if (run.accountant == AccountantType.PLD && r.noiseMultiplier() > 0) {
                // PLD needs a little less noise than RDP: start its search from the RDP answer.
                r = NoiseCalibration.calibrate(
                        PldAccountant::new,
                        targetEpsilon,
                        run.delta,
                        q,
                        steps,
                        r.noiseMultiplier(),
                        NoiseCalibration.DEFAULT_TOLERANCE);
            }
            NoiseResult result = new NoiseResult(
                    r.noiseMultiplier(),
                    r.epsilon(),
                    targetEpsilon,
                    run.delta,
                    steps,
                    q,
                    run.accountant.label(),
                    run.n,
                    run.batch,
                    run.epochs);
            output.emit(
                    spec.commandLine().getOut(),
                    result,
                    String.format(
                            Locale.ROOT,
                            "noise multiplier %s gives epsilon %.4f <= %s at delta %s (%s): %s",
                            number(r.noiseMultiplier()),
                            r.epsilon(),
                            number(targetEpsilon),
                            number(run.delta),
                            run.accountant.label(),
                            run.describe()));
            return 0;
        }
    }

    /** {@code marauder privacy audit}: an empirical epsilon lower bound from one training run with canaries. */
    @Command(
            name = "audit",
            mixinStandardHelpOptions = true,
            description = {
                "Empirical privacy audit (Steinke, Nasr & Jagielski 2023): train once with canaries,",
                "each included with probability 1/2, and bound epsilon from below by guessing which were."
            })
    static final class Audit implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--arch",
                defaultValue = "mlp",
                paramLabel = "A",
                description = "logreg, mlp or cnn (default ${DEFAULT-VALUE}).")
        String arch;

        @Option(
                names = "--data",
                defaultValue = "fashion-mnist",
                paramLabel = "D",
                description = "Dataset (default ${DEFAULT-VALUE}).")
        String data;

        @Option(
                names = "--canaries",
                defaultValue = "1000",
                paramLabel = "M",
                description = "Canaries (default ${DEFAULT-VALUE}).")
        int canaries;

        @Option(
                names = "--epochs",
                defaultValue = "5",
                paramLabel = "E",
                description = "Epochs (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(
                names = "--batch",
                defaultValue = "128",
                paramLabel = "B",
                description = "(Expected) batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--lr",
                defaultValue = "0.001",
                paramLabel = "L",
                description = "Learning rate (default ${DEFAULT-VALUE}).")
        double lr;

        @Mixin
        DpOptions dpOptions;

        @Option(
                names = "--confidence",
                defaultValue = "0.95",
                paramLabel = "P",
                description = "Confidence of the bound (default ${DEFAULT-VALUE}).")
        double confidence;

        @Option(
                names = "--seed",
                defaultValue = "0",
                paramLabel = "S",
                description =
                        "Seeds the auditor's canaries and coins and the initialisation; DP noise stays secure (default ${DEFAULT-VALUE}).")
        long seed;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            dev.marauder.core.train.TrainingSettings settings;
            dev.marauder.privacy.dpsgd.DpSgdSettings privacy = null;
            dev.marauder.privacy.audit.CanaryAudit audit;
            try {
                settings = new dev.marauder.core.train.TrainingSettings(
                        dev.marauder.core.model.Architecture.of(arch), epochs, batch, lr, seed);
                privacy = dpOptions.settings();
                audit = new dev.marauder.privacy.audit.CanaryAudit(canaries, confidence, seed);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            var split = dev.marauder.core.data.Datasets.load(data);
            var stderr = spec.commandLine().getErr();
            var r = audit.run(
                    settings, privacy, split, output.progress(), w -> stderr.println("marauder: warning: " + w));
            var b = r.bound();
            String claim = Double.isInfinite(r.claimedEpsilon())
                    ? "no formal guarantee (non-private training)"
                    : String.format(Locale.ROOT, "claimed epsilon %.4f", r.claimedEpsilon());
            output.emit(
                    spec.commandLine().getOut(),
                    r,
                    String.format(
                            Locale.ROOT,
                            "audited epsilon lower bound %.4f with confidence %s at delta %s (%d of %d guesses correct on %d"
                                    + " canaries, %d included); %s; test accuracy %.4f",
                            b.epsilonLowerBound(),
                            number(b.confidence()),
                            number(r.delta()),
                            b.correct(),
                            b.guesses(),
                            b.canaries(),
                            r.included(),
                            claim,
                            r.testAccuracy()));
            return 0;
        }
    }
}
