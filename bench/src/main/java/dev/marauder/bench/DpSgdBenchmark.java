package dev.marauder.bench;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times one DP-SGD epoch against one non-private epoch of the same architecture, data and
 * (expected) batch size, and reports the peak resident memory of each. A benchmark, not a test.
 *
 * <p>The two kinds of epoch alternate for a number of repeats, so that both see the same machine
 * state; the headline ratio is that of the fastest epoch of each kind (the least disturbed by
 * other load on a shared machine), and the ratio of the medians is reported beside it.
 */
public final class DpSgdBenchmark {
    private DpSgdBenchmark() {}

    /**
     * The comparison; times in seconds, one entry per repeat, in the order run. Peak RSS is the
     * largest over the epochs of a kind and includes what the process already held (the JVM heap,
     * memory the allocator kept from earlier epochs); peak growth is the largest rise of the peak
     * above the resident memory at the start of an epoch, the epoch's own extra memory.
     */
    public record Result(
            String architecture,
            int examples,
            int batchSize,
            List<Double> nonPrivateSeconds,
            List<Double> privateSeconds,
            double ratioOfFastest,
            double ratioOfMedians,
            long nonPrivatePeakRssBytes,
            long privatePeakRssBytes,
            long nonPrivatePeakGrowthBytes,
            long privatePeakGrowthBytes,
            double nonPrivateAccuracy,
            double privateAccuracy,
            double epsilon) {
        /** The fastest non-private epoch. */
        public double fastestNonPrivate() {
            return Collections.min(nonPrivateSeconds);
        }

        /** The fastest DP-SGD epoch. */
        public double fastestPrivate() {
            return Collections.min(privateSeconds);
        }
    }

    /**
     * Runs a short warm-up of each kind, then {@code repeats} pairs of epochs, non-private first.
     *
     * @throws IllegalArgumentException if {@code repeats < 1}
     */
    public static Result run(TrainingSettings oneEpoch, DpSgdSettings dp, TrainTestSplit data, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        TrainTestSplit warm = new TrainTestSplit(
                "warm-up",
                data.train().slice(0, Math.min(512, data.train().size())),
                data.test().slice(0, Math.min(64, data.test().size())));
        float[] unit = {0f, 1f};
        try (BuiltinClassifier a = Training.train(oneEpoch, warm, unit, Progress.NONE);
                BuiltinClassifier b = Training.train(
                        oneEpoch.architecture(), DpSgdTrainer.of(oneEpoch, dp), warm, unit, Progress.NONE, w -> {})) {
            // warm-up only
        }
        List<Double> plainSeconds = new ArrayList<>();
        List<Double> privateSeconds = new ArrayList<>();
        long plainPeak = -1;
        long privatePeak = -1;
        long plainGrowth = -1;
        long privateGrowth = -1;
        double plainAccuracy = Double.NaN;
        double privateAccuracy = Double.NaN;
        double epsilon = Double.NaN;
        for (int r = 0; r < repeats; r++) {
            resetPeak();
            long plainStart = residentBytes();
            long t0 = System.nanoTime();
            try (BuiltinClassifier plain = Training.train(oneEpoch, data, unit, Progress.NONE)) {
                plainAccuracy = plain.card().testAccuracy();
            }
            plainSeconds.add((System.nanoTime() - t0) / 1e9);
            plainPeak = Math.max(plainPeak, peakBytes());
            plainGrowth = Math.max(plainGrowth, peakBytes() - plainStart);
            resetPeak();
            long privateStart = residentBytes();
            long t1 = System.nanoTime();
            try (BuiltinClassifier priv = Training.train(
                    oneEpoch.architecture(), DpSgdTrainer.of(oneEpoch, dp), data, unit, Progress.NONE, w -> {})) {
                privateAccuracy = priv.card().testAccuracy();
                epsilon = priv.card().privacy().epsilon();
            }
            privateSeconds.add((System.nanoTime() - t1) / 1e9);
            privatePeak = Math.max(privatePeak, peakBytes());
            privateGrowth = Math.max(privateGrowth, peakBytes() - privateStart);
        }
        double ratioOfFastest = Collections.min(privateSeconds) / Collections.min(plainSeconds);
        double ratioOfMedians = median(privateSeconds) / median(plainSeconds);
        return new Result(
                oneEpoch.architecture().id(),
                data.train().size(),
                oneEpoch.batchSize(),
                List.copyOf(plainSeconds),
                List.copyOf(privateSeconds),
                ratioOfFastest,
                ratioOfMedians,
                plainPeak,
                privatePeak,
                plainGrowth,
                privateGrowth,
                plainAccuracy,
                privateAccuracy,
                epsilon);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Resets the kernel's record of peak resident memory (Linux: {@code clear_refs} 5). */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux: peaks then include earlier phases
        }
    }

    /** VmHWM, the peak resident memory since the last reset (-1 where unavailable). */
    static long peakBytes() {
        return status("VmHWM:");
    }

    /** VmRSS, the resident memory now (-1 where unavailable). */
    static long residentBytes() {
        return status("VmRSS:");
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
