package dev.marauder.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.marauder.attacks.evasion.Criterion;
import dev.marauder.attacks.evasion.EvasionResult;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Measures the cost of Marauder's PGD against a bare loop of the same number of forward and
 * backward passes written directly against DJL and libtorch, and the native memory used by a long
 * PGD run. A benchmark, not a test: run it on a quiet machine and read the ratio.
 *
 * <p>The bare loop does exactly what PGD must do per step (forward, cross-entropy, backward, one
 * signed step clipped to the ball and the bounds) with no abstraction in between, so the ratio
 * is the price of Marauder's model layer, scoping and attack template.
 */
public final class PgdBenchmark {
    private PgdBenchmark() {}

    /**
     * Timings of one comparison. The ratio is the median of the per-repeat ratios: each repeat
     * times both sides back to back (alternating which goes first), so slow phases of a noisy
     * machine hit both.
     */
    public record Timing(
            int examples,
            int steps,
            double epsilon,
            int repeats,
            double[] marauderSeconds,
            double[] bareSeconds,
            double marauderMedian,
            double bareMedian,
            double ratio,
            double robustAccuracy) {}

    /**
     * Memory over a long run: the process's resident set, and the same minus the Java heap the JVM
     * has committed (which garbage can grow without any native leak), an estimate of native memory.
     */
    public record Memory(
            long steps,
            int batch,
            long rssAfterWarmupBytes,
            long rssAtEndBytes,
            long growthBytes,
            long nativeAfterWarmupBytes,
            long nativeAtEndBytes,
            long nativeGrowthBytes,
            long[] rssSamplesBytes,
            long secondHalfGrowthBytes) {}

    /** Times PGD-{@code steps} (L-infinity, no random start) against the bare loop, {@code repeats} times each. */
    public static Timing compare(BuiltinClassifier model, LabeledData data, int steps, double epsilon, int repeats) {
        ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                .optSteps(steps)
                .optRandomStart(false)
                .build();
        double step = pgd.stepSize(epsilon);
        double[] ours = new double[repeats];
        double[] bare = new double[repeats];
        double robust = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(manager, data.features());
            NDArray y = Tensors.labels(manager, data.labels());
            Criterion criterion = Criterion.misclassification(y);
            // Warm-up of both paths (native kernels, JIT).
            pgd.run(model, x, criterion, epsilon);
            bareLoop(model, x, y, Math.min(steps, 5), epsilon, step);
            for (int r = 0; r < repeats; r++) {
                if (r % 2 != 0) {
                    long t1 = System.nanoTime();
                    bareLoop(model, x, y, steps, epsilon, step);
                    bare[r] = (System.nanoTime() - t1) / 1e9;
                }
                long t0 = System.nanoTime();
                EvasionResult result = pgd.run(model, x, criterion, epsilon);
                ours[r] = (System.nanoTime() - t0) / 1e9;
                if (r % 2 == 0) {
                    long t1 = System.nanoTime();
                    bareLoop(model, x, y, steps, epsilon, step);
                    bare[r] = (System.nanoTime() - t1) / 1e9;
                }
                int fooled = 0;
                for (boolean s : result.outcomes().get(0).success()) {
                    fooled += s ? 1 : 0;
                }
                robust = 1.0 - (double) fooled / data.size();
            }
        }
        double[] ratios = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            ratios[r] = ours[r] / bare[r];
        }
        return new Timing(
                data.size(), steps, epsilon, repeats, ours, bare, median(ours), median(bare), median(ratios), robust);
    }

    /**
     * The reference: {@code steps} forward+backward passes through the model's DJL block with a
     * signed step each, under the same process-wide gradient lock, nothing else.
     */
    static void bareLoop(BuiltinClassifier model, NDArray x, NDArray y, int steps, double epsilon, double step) {
        Block block = model.djlModel().getBlock();
        ParameterStore ps = new ParameterStore(model.djlModel().getNDManager(), false);
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray lower = x.sub(epsilon).maximum(0f);
            NDArray upper = x.add(epsilon).minimum(1f);
            NDArray oneHot = y.oneHot((int) model.classes());
            oneHot.attach(scope);
            lower.attach(scope);
            upper.attach(scope);
            NDArray adv = x.duplicate();
            adv.attach(scope);
            for (int i = 0; i < steps; i++) {
                try (NDManager s = scope.newSubManager()) {
                    adv.attach(s);
                    NDArray input = adv;
                    NDArray grad = Autograd.collect(gc -> {
                        input.setRequiresGradient(true);
                        NDArray logits =
                                block.forward(ps, new NDList(input), false).singletonOrThrow();
                        NDArray loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
                        gc.backward(loss);
                        return input.getGradient();
                    });
                    NDArray next = adv.stopGradient()
                            .add(grad.sign().mul(step))
                            .maximum(lower)
                            .minimum(upper);
                    next.attach(scope);
                    adv = next;
                }
            }
        }
    }

    /**
     * Runs PGD for {@code totalSteps} gradient steps in batches of {@code batch} examples, and
     * reports the process's resident memory after the first quarter (warm-up: the native allocator
     * settles within about 2,000 steps) and at the end. Start the JVM with a fixed, pre-touched heap
     * ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch}) or fresh heap pages show up as growth.
     */
    public static Memory memory(BuiltinClassifier model, LabeledData data, long totalSteps, int batch, double epsilon) {
        int stepsPerRun = 40;
        ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                .optSteps(stepsPerRun)
                .build();
        long runs = Math.max(1, totalSteps / stepsPerRun);
        long warmupRuns = Math.max(1, runs / 4);
        long afterWarmup = 0;
        long heapAfterWarmup = 0;
        long[] samples = new long[10];
        long sampleEvery = Math.max(1, runs / samples.length);
        try (NDManager manager = NDManager.newBaseManager()) {
            LabeledData b = data.slice(0, Math.min(batch, data.size()));
            NDArray x = Tensors.toNDArray(manager, b.features());
            Criterion criterion = Criterion.misclassification(Tensors.labels(manager, b.labels()));
            for (long r = 0; r < runs; r++) {
                pgd.run(model, x, criterion, epsilon);
                if ((r + 1) % sampleEvery == 0 && (r + 1) / sampleEvery <= samples.length) {
                    samples[(int) ((r + 1) / sampleEvery) - 1] = residentBytes();
                }
                if (r + 1 == warmupRuns) {
                    System.gc();
                    afterWarmup = residentBytes();
                    heapAfterWarmup = Runtime.getRuntime().totalMemory();
                }
            }
        }
        System.gc();
        long end = residentBytes();
        long heapEnd = Runtime.getRuntime().totalMemory();
        long nativeStart = afterWarmup - heapAfterWarmup;
        long nativeEnd = end - heapEnd;
        long half = samples[samples.length / 2 - 1];
        return new Memory(
                runs * stepsPerRun,
                Math.min(batch, data.size()),
                afterWarmup,
                end,
                end - afterWarmup,
                nativeStart,
                nativeEnd,
                nativeEnd - nativeStart,
                samples,
                end - half);
    }

    /** VmRSS of this process (Linux), or -1 where /proc is not available. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Engine description for the benchmark's output. */
    public static String engine() {
        return Engines.description();
    }
}
