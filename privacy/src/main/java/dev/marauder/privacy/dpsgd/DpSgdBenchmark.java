package dev.marauder.privacy.dpsgd;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times one DP-SGD epoch against one non-private epoch of the same architecture, data and
 * (expected) batch size, and reports the peak resident memory of each. A benchmark, not a test.
 */
public final class DpSgdBenchmark {
    private DpSgdBenchmark() {}

    /** The comparison. */
    public record Result(String architecture, int examples, int batchSize, double nonPrivateSeconds, double privateSeconds,
            double ratio, long nonPrivatePeakRssBytes, long privatePeakRssBytes, double nonPrivateAccuracy,
            double privateAccuracy, double epsilon) {}

    /** Runs both epochs (after a short warm-up of each). */
    public static Result run(TrainingSettings oneEpoch, DpSgdSettings dp, TrainTestSplit data) {
        TrainTestSplit warm = new TrainTestSplit("warm-up", data.train().slice(0, Math.min(512, data.train().size())),
                data.test().slice(0, Math.min(64, data.test().size())));
        float[] unit = {0f, 1f};
        try (BuiltinClassifier a = Training.train(oneEpoch, warm, unit, Progress.NONE);
                BuiltinClassifier b = DpTraining.train(oneEpoch, dp, warm, unit, Progress.NONE, w -> { })) {
            // warm-up only
        }
        resetPeak();
        long t0 = System.nanoTime();
        double plainAccuracy;
        try (BuiltinClassifier plain = Training.train(oneEpoch, data, unit, Progress.NONE)) {
            plainAccuracy = plain.card().testAccuracy();
        }
        double plainSeconds = (System.nanoTime() - t0) / 1e9;
        long plainPeak = peakBytes();
        resetPeak();
        long t1 = System.nanoTime();
        double privateAccuracy;
        double epsilon;
        try (BuiltinClassifier priv = DpTraining.train(oneEpoch, dp, data, unit, Progress.NONE, w -> { })) {
            privateAccuracy = priv.card().testAccuracy();
            epsilon = (Double) priv.card().privacy().get("epsilon");
        }
        double privateSeconds = (System.nanoTime() - t1) / 1e9;
        long privatePeak = peakBytes();
        return new Result(oneEpoch.architecture().id(), data.train().size(), oneEpoch.batchSize(), plainSeconds,
                privateSeconds, privateSeconds / plainSeconds, plainPeak, privatePeak, plainAccuracy, privateAccuracy,
                epsilon);
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
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
