package dev.marauder.cli;

import dev.marauder.audit.DemoModel;
import dev.marauder.bench.PgdBenchmark;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.provenance.Provenance;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder bench pgd}: PGD against a bare DJL loop, and native memory over a long PGD run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (run on a quiet machine).",
        subcommands = {
            BenchCommand.Pgd.class,
            BenchCommand.DpSgd.class,
            BenchCommand.Accounting.class,
            BenchCommand.AdversarialTraining.class,
            BenchCommand.Gateway.class,
            BenchCommand.GatewayDetection.class
        })
final class BenchCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(),
                "choose a benchmark: pgd, dpsgd, accounting, advtrain, gateway or gateway-detection");
    }

    /** {@code marauder bench dpsgd}: one DP-SGD epoch against one non-private epoch. */
    @Command(
            name = "dpsgd",
            mixinStandardHelpOptions = true,
            description = {
                "One DP-SGD epoch of the demo CNN on the shipped Fashion-MNIST subset against one",
                "non-private epoch at the same (expected) batch size, with peak memory of each; the two",
                "alternate for --repeats rounds and the fastest epoch of each kind is compared."
            })
    static final class DpSgd implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--batch",
                defaultValue = "256",
                paramLabel = "B",
                description = "Expected batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--examples",
                defaultValue = "10000",
                paramLabel = "N",
                description = "Training examples (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(
                names = "--repeats",
                defaultValue = "5",
                paramLabel = "R",
                description = "Pairs of epochs, alternating (default ${DEFAULT-VALUE}).")
        int repeats;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record Result(dev.marauder.bench.DpSgdBenchmark.Result dpsgd, Provenance provenance) {}

        @Override
        public Integer call() {
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            if (batch < 1 || examples < batch || examples > split.train().size()) {
                throw new UsageException(
                        "need 1 <= --batch <= --examples <= " + split.train().size());
            }
            if (repeats < 1) {
                throw new UsageException("--repeats must be at least 1, got " + repeats);
            }
            TrainTestSplit data = new TrainTestSplit(split.name(), split.train().slice(0, examples), split.test());
            var settings = new dev.marauder.core.train.TrainingSettings(
                    DemoModel.SETTINGS.architecture(), 1, batch, DemoModel.SETTINGS.learningRate(), 0);
            var dp = dev.marauder.privacy.dpsgd.DpSgdSettings.withNoise(1.0, 1.0, 1e-5);
            Provenance.Recorder prov = Provenance.start()
                    .setting("batch", batch)
                    .setting("examples", examples)
                    .setting("repeats", repeats);
            var r = dev.marauder.bench.DpSgdBenchmark.run(settings, dp, data, repeats);
            String text = String.format(
                    Locale.ROOT,
                    "one epoch of %s on %d images, batch %d, fastest of %d: non-private %.2f s (peak RSS %.0f MB,"
                            + " +%.0f MB in the epoch, accuracy %.4f), DP-SGD %.2f s (peak RSS %.0f MB, +%.0f MB in the"
                            + " epoch, accuracy %.4f, epsilon %.3f): ratio %.3f"
                            + " (ratio of medians %.3f)%n  non-private epochs (s): %s%n  DP-SGD epochs (s): %s",
                    r.architecture(),
                    r.examples(),
                    r.batchSize(),
                    repeats,
                    r.fastestNonPrivate(),
                    r.nonPrivatePeakRssBytes() / 1e6,
                    r.nonPrivatePeakGrowthBytes() / 1e6,
                    r.nonPrivateAccuracy(),
                    r.fastestPrivate(),
                    r.privatePeakRssBytes() / 1e6,
                    r.privatePeakGrowthBytes() / 1e6,
                    r.privateAccuracy(),
                    r.epsilon(),
                    r.ratioOfFastest(),
                    r.ratioOfMedians(),
                    seconds(r.nonPrivateSeconds()),
                    seconds(r.privateSeconds()));
            output.emit(spec.commandLine().getOut(), new Result(r, prov.finish()), text);
            return 0;
        }
    }

    /** {@code marauder bench advtrain}: one PGD-k adversarial-training epoch against one plain epoch. */
    @Command(
            name = "advtrain",
            mixinStandardHelpOptions = true,
            description = {
                "One PGD-k adversarial-training epoch of the demo CNN on the shipped Fashion-MNIST subset against",
                "one plain epoch at the same batch size; the two alternate for --repeats rounds and the fastest",
                "of each kind is compared (target: at most k + 1.2 times)."
            })
    static final class AdversarialTraining implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Batch size (default 64).")
        int batch;

        @Option(
                names = "--examples",
                defaultValue = "10000",
                paramLabel = "N",
                description = "Training examples (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(names = "--steps", defaultValue = "7", paramLabel = "K", description = "PGD steps k (default 7).")
        int steps;

        @Option(names = "--eps", defaultValue = "0.1", paramLabel = "E", description = "L-inf radius (default 0.1).")
        double eps;

        @Option(
                names = "--repeats",
                defaultValue = "3",
                paramLabel = "R",
                description = "Pairs of epochs, alternating (default ${DEFAULT-VALUE}).")
        int repeats;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record Result(dev.marauder.bench.AdversarialTrainingBenchmark.Result advtrain, Provenance provenance) {}

        @Override
        public Integer call() {
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            if (batch < 1 || examples < batch || examples > split.train().size()) {
                throw new UsageException(
                        "need 1 <= --batch <= --examples <= " + split.train().size());
            }
            if (repeats < 1 || steps < 1 || !(eps > 0)) {
                throw new UsageException("--repeats and --steps must be at least 1 and --eps positive");
            }
            TrainTestSplit data = new TrainTestSplit(split.name(), split.train().slice(0, examples), split.test());
            var settings = new dev.marauder.core.train.TrainingSettings(
                    DemoModel.SETTINGS.architecture(), 1, batch, DemoModel.SETTINGS.learningRate(), 0);
            Provenance.Recorder prov = Provenance.start()
                    .setting("batch", batch)
                    .setting("examples", examples)
                    .setting("steps", steps)
                    .setting("eps", eps)
                    .setting("repeats", repeats);
            var r = dev.marauder.bench.AdversarialTrainingBenchmark.run(settings, eps, steps, data, repeats);
            String text = String.format(
                    Locale.ROOT,
                    "one epoch of %s on %d images, batch %d, fastest of %d: plain %.2f s, PGD-%d adversarial"
                            + " training %.2f s: ratio %.3f (ratio of medians %.3f; target <= %.1f)%n"
                            + "  plain epochs (s): %s%n  adversarial epochs (s): %s",
                    r.architecture(),
                    r.examples(),
                    r.batchSize(),
                    repeats,
                    java.util.Collections.min(r.cleanSeconds()),
                    steps,
                    java.util.Collections.min(r.adversarialSeconds()),
                    r.ratioOfFastest(),
                    r.ratioOfMedians(),
                    r.target(),
                    seconds(r.cleanSeconds()),
                    seconds(r.adversarialSeconds()));
            output.emit(spec.commandLine().getOut(), new Result(r, prov.finish()), text);
            return 0;
        }
    }

    /** {@code marauder bench accounting}: the cost of epsilon for long runs with both accountants. */
    @Command(
            name = "accounting",
            mixinStandardHelpOptions = true,
            description = {
                "Epsilon after --steps DP-SGD steps with the RDP and PLD accountants, three settings;",
                "the median time of a fresh accountant after JIT warm-up."
            })
    static final class Accounting implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--steps",
                defaultValue = "100000",
                paramLabel = "N",
                description = "Steps (default ${DEFAULT-VALUE}).")
        long steps;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record Result(dev.marauder.bench.AccountingBenchmark.Result accounting, Provenance provenance) {}

        @Override
        public Integer call() {
            if (steps < 1 || steps > Integer.MAX_VALUE) {
                throw new UsageException("--steps must be between 1 and " + Integer.MAX_VALUE + ", got " + steps);
            }
            Provenance.Recorder prov = Provenance.start().setting("steps", steps);
            var r = dev.marauder.bench.AccountingBenchmark.run(steps);
            StringBuilder text = new StringBuilder(String.format(
                    Locale.ROOT,
                    "epsilon at delta %.0e after %,d steps (median of timed runs after warm-up)%n",
                    r.delta(),
                    steps));
            for (var row : r.rows()) {
                text.append(String.format(
                        Locale.ROOT,
                        "  noise %.2f, rate %.6f, %s: epsilon %.6f in %.1f ms%n",
                        row.noiseMultiplier(),
                        row.sampleRate(),
                        row.accountant(),
                        row.epsilon(),
                        row.medianMilliseconds()));
            }
            output.emit(
                    spec.commandLine().getOut(),
                    new Result(r, prov.finish()),
                    text.toString().stripTrailing());
            return 0;
        }
    }

    /** {@code marauder bench gateway-detection}: our black-box attacks through a real gateway. */
    @Command(
            name = "gateway-detection",
            mixinStandardHelpOptions = true,
            description = {
                "Starts the secure prediction gateway on 127.0.0.1 in front of the model: PRADA",
                "and the stateful detector on (calibrated on the training split at 0.1% FPR), no",
                "blocking, no budgets. Runs Square, HopSkipJump, NES and learning-based extraction",
                "through it (equation-solving on a logistic regression trained here), each as its",
                "own client: queries sent and the query of each detector's first alert. Then a",
                "benign replay of the test split by several clients (false-alert rate), and the",
                "extraction attacks through full, top-1 2-decimal and label-only outputs."
            })
    static final class GatewayDetection implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--model",
                paramLabel = "M",
                description = "A model directory, .pt or .onnx taking Fashion-MNIST images in [0, 1] (default: the"
                        + " demo CNN).")
        Path model;

        @Option(names = "--cache", paramLabel = "DIR", description = "Demo model cache (default ~/.cache/marauder).")
        Path cache;

        @Option(
                names = "--images",
                defaultValue = "5",
                paramLabel = "N",
                description = "Test images per evasion attack (default ${DEFAULT-VALUE}).")
        int images;

        @Option(
                names = "--queries",
                defaultValue = "1000",
                paramLabel = "Q",
                description = "Query budget per image of each evasion attack (default ${DEFAULT-VALUE}).")
        long queries;

        @Option(
                names = "--learning-budgets",
                defaultValue = "1000,4000",
                split = ",",
                paramLabel = "Q",
                description = "Learning-based extraction's budgets; the first is the detection run's (default"
                        + " ${DEFAULT-VALUE}).")
        java.util.List<Integer> learningBudgets;

        @Option(
                names = "--benign-clients",
                defaultValue = "5",
                paramLabel = "C",
                description = "Clients replaying the test split, each in its own order (default ${DEFAULT-VALUE}).")
        int benignClients;

        @Option(
                names = "--seed",
                defaultValue = "0",
                paramLabel = "S",
                description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record Result(dev.marauder.bench.GatewayDetectionBenchmark.Result gatewayDetection, Provenance provenance) {}

        @Override
        public Integer call() throws java.io.IOException {
            dev.marauder.bench.GatewayDetectionBenchmark.Settings settings;
            try {
                var d = dev.marauder.bench.GatewayDetectionBenchmark.Settings.defaults();
                settings = new dev.marauder.bench.GatewayDetectionBenchmark.Settings(
                        images,
                        queries,
                        d.linfEpsilon(),
                        d.l2Epsilon(),
                        learningBudgets,
                        d.equationBudgetFactors(),
                        d.substituteEpochs(),
                        benignClients,
                        0,
                        seed);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            Provenance.Recorder prov = Provenance.start()
                    .setting("model", model == null ? "demo-cnn" : model.toString())
                    .setting("images", images)
                    .setting("queries", queries)
                    .setting("learning_budgets", learningBudgets)
                    .setting("benign_clients", benignClients)
                    .seed(seed);
            Path work = java.nio.file.Files.createTempDirectory("marauder-gateway-bench");
            try (dev.marauder.core.model.Classifier target = model != null
                    ? dev.marauder.core.model.Models.open(
                            model,
                            new dev.marauder.core.model.InputSpec(
                                    split.test().features().exampleShape(), 0f, 1f))
                    : DemoModel.obtain(split, cache == null ? DemoModel.defaultCache() : cache, output.progress())) {
                var r = dev.marauder.bench.GatewayDetectionBenchmark.run(
                        target, model == null ? "demo-cnn" : model.toString(), DemoModel.DATASET, settings, work);
                output.emit(
                        spec.commandLine().getOut(),
                        new Result(r, prov.finish()),
                        dev.marauder.bench.GatewayDetectionBenchmark.summary(r));
            } finally {
                deleteTree(work);
            }
            return 0;
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    private static String seconds(java.util.List<Double> values) {
        return values.stream()
                .map(v -> String.format(Locale.ROOT, "%.2f", v))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /** {@code marauder bench pgd}: PGD against a bare DJL loop, and memory over a long PGD run. */
    @Command(
            name = "pgd",
            mixinStandardHelpOptions = true,
            description = {
                "PGD-40 on the demo CNN against a bare DJL/libtorch loop of the same forward+backward",
                "passes, and resident memory over a long PGD run."
            })
    static final class Pgd implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--examples",
                defaultValue = "1000",
                paramLabel = "N",
                description = "Test images (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(
                names = "--steps",
                defaultValue = "40",
                paramLabel = "K",
                description = "PGD steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--eps",
                defaultValue = "0.03",
                paramLabel = "E",
                description = "L-infinity budget (default ${DEFAULT-VALUE}).")
        double eps;

        @Option(
                names = "--repeats",
                defaultValue = "5",
                paramLabel = "R",
                description = "Timed repeats (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(
                names = "--memory-steps",
                defaultValue = "10000",
                paramLabel = "S",
                description = "PGD steps of the memory run, 0 to skip (default ${DEFAULT-VALUE}).")
        long memorySteps;

        @Option(
                names = "--memory-batch",
                defaultValue = "100",
                paramLabel = "B",
                description = "Batch of the memory run (default ${DEFAULT-VALUE}).")
        int memoryBatch;

        @Option(names = "--cache", paramLabel = "DIR", description = "Demo model cache (default ~/.cache/marauder).")
        Path cache;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record BenchResult(PgdBenchmark.Timing pgd, PgdBenchmark.Memory memory, Provenance provenance) {}

        @Override
        public Integer call() {
            if (examples < 1 || steps < 1 || repeats < 1 || memorySteps < 0 || memoryBatch < 1 || !(eps > 0)) {
                throw new UsageException(
                        "--examples, --steps, --repeats, --memory-batch must be >= 1, --memory-steps >= 0"
                                + " and --eps > 0");
            }
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            LabeledData data =
                    split.test().slice(0, Math.min(examples, split.test().size()));
            Provenance.Recorder prov = Provenance.start()
                    .setting("examples", data.size())
                    .setting("steps", steps)
                    .setting("eps", eps)
                    .setting("repeats", repeats)
                    .setting("memory_steps", memorySteps)
                    .setting("threads", Runtime.getRuntime().availableProcessors());
            try (BuiltinClassifier model =
                    DemoModel.obtain(split, cache == null ? DemoModel.defaultCache() : cache, output.progress())) {
                PgdBenchmark.Timing t = PgdBenchmark.compare(model, data, steps, eps, repeats);
                PgdBenchmark.Memory m = memorySteps == 0
                        ? null
                        : PgdBenchmark.memory(model, split.test(), memorySteps, memoryBatch, eps);
                String text = String.format(
                        Locale.ROOT,
                        "PGD-%d (linf, eps %s, no random start) on %d images, median of %d:%n"
                                + "  marauder %.3f s, bare DJL loop %.3f s, median paired ratio %.3f%n",
                        steps,
                        eps,
                        data.size(),
                        repeats,
                        t.marauderMedian(),
                        t.bareMedian(),
                        t.ratio());
                if (m != null) {
                    text += String.format(
                            Locale.ROOT,
                            "  memory: %d PGD steps on %d images, RSS %.1f MB after warm-up, %.1f MB at"
                                    + " the end (growth %.1f MB)",
                            m.steps(),
                            m.batch(),
                            m.rssAfterWarmupBytes() / 1e6,
                            m.rssAtEndBytes() / 1e6,
                            m.growthBytes() / 1e6);
                }
                output.emit(spec.commandLine().getOut(), new BenchResult(t, m, prov.finish()), text.stripTrailing());
            }
            return 0;
        }
    }

    /** {@code marauder bench gateway}: the full gateway's latency against the plain server's, under wrk. */
    @Command(
            name = "gateway",
            mixinStandardHelpOptions = true,
            description = {
                "Load on 127.0.0.1 with wrk (Debian's package): the demo CNN (or --model) behind the plain server, then",
                "behind the full gateway with every policy and the audit log on; throughput, p50 and p99 latency of",
                "each and the ratio of the medians (target: at most 2)."
            })
    static final class Gateway implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--model",
                paramLabel = "DIR",
                description = "A Marauder model directory trained on Fashion-MNIST (default: the demo CNN).")
        java.nio.file.Path model;

        @Option(
                names = "--seconds",
                defaultValue = "15",
                paramLabel = "S",
                description = "Measured seconds per server"
                        + " (default ${DEFAULT-VALUE}; a warm-up of a third of it comes first).")
        int seconds;

        @Option(
                names = "--connections",
                defaultValue = "8",
                paramLabel = "C",
                description = "Concurrent connections" + " (default ${DEFAULT-VALUE}).")
        int connections;

        @Option(
                names = "--threads",
                defaultValue = "2",
                paramLabel = "T",
                description = "wrk threads (default" + " ${DEFAULT-VALUE}).")
        int threads;

        @Mixin
        OutputOptions output;

        /** The JSON result. */
        record Result(dev.marauder.bench.GatewayLoadBenchmark.Result gateway, Provenance provenance) {}

        @Override
        public Integer call() throws java.io.IOException {
            var settings = UsageException.wrap(
                    () -> new dev.marauder.bench.GatewayLoadBenchmark.Settings(threads, connections, seconds, 200));
            if (model != null && !java.nio.file.Files.isDirectory(model)) {
                throw new UsageException("--model must be a Marauder model directory, got " + model);
            }
            output.checkWritable(model == null ? List.of() : List.of(model));
            TrainTestSplit data = Datasets.load(DemoModel.DATASET);
            java.nio.file.Path work = java.nio.file.Files.createTempDirectory("marauder-bench-gateway");
            Provenance.Recorder prov = Provenance.start()
                    .setting("seconds", seconds)
                    .setting("connections", connections)
                    .setting("threads", threads);
            dev.marauder.bench.GatewayLoadBenchmark.Result r;
            try (dev.marauder.core.model.Classifier c = model == null
                    ? DemoModel.obtain(data, DemoModel.defaultCache(), output.progress())
                    : BuiltinClassifier.load(model)) {
                r = dev.marauder.bench.GatewayLoadBenchmark.run(
                        c, data.test().features(), DemoModel.DATASET, work, settings);
            } finally {
                deleteTree(work);
            }
            output.emit(
                    spec.commandLine().getOut(),
                    new Result(r, prov.finish()),
                    dev.marauder.bench.GatewayLoadBenchmark.describe(r));
            return 0;
        }

        /** Deletes the benchmark's own temporary directory (created above, so ours to delete). */
        private static void deleteTree(java.nio.file.Path root) throws java.io.IOException {
            try (var walk = java.nio.file.Files.walk(root)) {
                for (java.nio.file.Path p :
                        walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }
}
