package dev.marauder.gateway.detect;

import dev.marauder.stats.Require;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stateful detection of black-box evasion attacks (Chen, Carlini and Wagner 2020, "Stateful
 * Detection of Black-Box Adversarial Attacks", ACM SPAI workshop at AsiaCCS). Threat model: a
 * black-box adversary (score- or decision-based: NES, SPSA, Boundary, HopSkipJump) whose attack on
 * one input sends many queries that are small perturbations of each other, far closer together
 * than the queries of benign users.
 *
 * <p>Per principal, a buffer of the encodings of its last {@code bufferSize} queries. For each new
 * query, the mean L2 distance from its encoding to its {@code k} nearest neighbours in the buffer
 * is computed, once the buffer holds at least {@code k} queries (no decision before); a mean below
 * {@code threshold} raises an alert and, as in the paper, clears the buffer (the alerting query
 * included), so the next alert needs {@code k} new queries. Otherwise the query joins the buffer,
 * replacing the oldest when it is full.
 *
 * <p>The encoding: the paper maps queries through a similarity encoder trained with a contrastive
 * loss on the model's training data. This is the simpler, training-free variant: the flattened
 * input is average-pooled to at most {@code encodedDims} values (value {@code j} is the mean of
 * inputs {@code [floor(j n / m), floor((j + 1) n / m))} of {@code n} into {@code m = encodedDims}),
 * and an input with at most {@code encodedDims} values is its own encoding. It is deterministic
 * and needs no training, but it is not robust to the transformations (shifts, rotations, colour
 * changes) that a trained encoder learns to ignore, so an adaptive attacker evades it more easily.
 *
 * <p>{@code threshold} comes from benign traffic: {@link #calibrateThreshold} replays benign
 * queries as one stream and returns the {@code falsePositiveRate} quantile of their k-NN mean
 * distances (the paper calibrates at 0.1%).
 *
 * <p>Memory per principal: {@code bufferSize} encodings of {@code min(inputLength, encodedDims)}
 * floats and a scratch array of {@code bufferSize} doubles, about
 * {@code bufferSize * (4 * min(inputLength, encodedDims) + 24)} bytes; with the defaults about
 * 1 MB. Time per query: {@code O(bufferSize * encodedDims + bufferSize log
 * bufferSize)}. Thread-safe: each principal's state is guarded by its own lock.
 */
public final class StatefulDetector implements QueryStreamDetector {
    /** The detector's id. */
    public static final String ID = "stateful";

    private final Settings settings;
    private final ConcurrentHashMap<String, Buffer> buffers = new ConcurrentHashMap<>();

    /**
     * The detector's settings.
     *
     * @param k the number of nearest neighbours averaged, at least 1 (default 50)
     * @param bufferSize the number of a principal's recent queries kept, at least {@code k}
     * @param encodedDims the largest encoding, at least 1
     * @param threshold alert when the mean k-NN distance is below this, finite and {@code >= 0}
     */
    public record Settings(int k, int bufferSize, int encodedDims, double threshold) {
        /** The default number of nearest neighbours averaged. */
        public static final int DEFAULT_K = 50;
        /** The default number of recent queries kept per principal. */
        public static final int DEFAULT_BUFFER_SIZE = 1000;
        /** The default largest encoding. */
        public static final int DEFAULT_ENCODED_DIMS = 256;
        /** The paper's false-positive rate for calibration, 0.1%. */
        public static final double DEFAULT_FALSE_POSITIVE_RATE = 0.001;

        /** @throws IllegalArgumentException if a setting is outside its range */
        public Settings {
            checkShape(k, bufferSize, encodedDims);
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("stateful threshold must be finite and >= 0, got " + threshold);
            }
        }

        /** k 50, 1000 queries kept, encodings of at most 256 values, and this threshold. */
        public static Settings of(double threshold) {
            return new Settings(DEFAULT_K, DEFAULT_BUFFER_SIZE, DEFAULT_ENCODED_DIMS, threshold);
        }

        /**
         * The default shape with the threshold calibrated on {@code benign} at a false-positive
         * rate of 0.1%, as in the paper.
         *
         * @throws IllegalArgumentException as {@link #calibrateThreshold}
         */
        public static Settings calibrated(List<float[]> benign) {
            return calibrated(
                    benign, DEFAULT_K, DEFAULT_BUFFER_SIZE, DEFAULT_ENCODED_DIMS, DEFAULT_FALSE_POSITIVE_RATE);
        }

        /**
         * These shape settings with the threshold {@link #calibrateThreshold} returns.
         *
         * @throws IllegalArgumentException as {@link #calibrateThreshold}
         */
        public static Settings calibrated(
                List<float[]> benign, int k, int bufferSize, int encodedDims, double falsePositiveRate) {
            return new Settings(
                    k,
                    bufferSize,
                    encodedDims,
                    calibrateThreshold(benign, k, bufferSize, encodedDims, falsePositiveRate));
        }
    }

    /** A detector with these settings. */
    public StatefulDetector(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("stateful settings must not be null");
        }
        this.settings = settings;
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Alert> observe(String principal, float[] input, int predictedClass) {
        Inputs.check(principal, input);
        if (predictedClass < 0) {
            throw new IllegalArgumentException("predicted class must be >= 0, got " + predictedClass);
        }
        float[] encoded = encode(input, settings.encodedDims());
        Buffer buffer = buffers.computeIfAbsent(principal, p -> new Buffer(settings.bufferSize()));
        return Optional.ofNullable(buffer.observe(settings, principal, encoded));
    }

    @Override
    public void forget(String principal) {
        if (principal != null) {
            buffers.remove(principal);
        }
    }

    @Override
    public long observed(String principal) {
        Buffer buffer = principal == null ? null : buffers.get(principal);
        return buffer == null ? 0 : buffer.queries();
    }

    /** How many encodings the buffer of {@code principal} holds now (0 after an alert). */
    public int buffered(String principal) {
        Buffer buffer = principal == null ? null : buffers.get(principal);
        return buffer == null ? 0 : buffer.size();
    }

    /**
     * The encoding of {@code input}: itself (copied) if it has at most {@code encodedDims} values,
     * otherwise its average over {@code encodedDims} contiguous, nearly equal runs.
     *
     * @throws IllegalArgumentException if the input is null or empty or {@code encodedDims < 1}
     */
    public static float[] encode(float[] input, int encodedDims) {
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("input to encode must not be null or empty");
        }
        if (encodedDims < 1) {
            throw new IllegalArgumentException("encodedDims must be at least 1, got " + encodedDims);
        }
        int n = input.length;
        if (n <= encodedDims) {
            return input.clone();
        }
        float[] out = new float[encodedDims];
        for (int j = 0; j < encodedDims; j++) {
            int from = (int) ((long) j * n / encodedDims);
            int to = (int) ((long) (j + 1) * n / encodedDims);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += input[i];
            }
            out[j] = (float) (sum / (to - from));
        }
        return out;
    }

    /**
     * The threshold at which a fraction {@code falsePositiveRate} of benign queries would alert:
     * {@code benign} is replayed as one stream through a buffer of {@code bufferSize} (never
     * cleared), every query from the {@code (k + 1)}-th on gives its mean distance to its
     * {@code k} nearest buffered neighbours, and the threshold is the
     * {@code floor(falsePositiveRate * count)}-th smallest of these {@code count} means (0-based),
     * so that at most that many of them lie strictly below it. At rate 0 it is the smallest mean,
     * and no replayed benign query would alert.
     *
     * @throws IllegalArgumentException if the shape settings are invalid, the rate is outside
     *     [0, 1), {@code benign} has at most {@code k} queries, or a query is invalid or differs
     *     in length from the first
     */
    public static double calibrateThreshold(
            List<float[]> benign, int k, int bufferSize, int encodedDims, double falsePositiveRate) {
        checkShape(k, bufferSize, encodedDims);
        if (!(Require.falsePositiveRate(falsePositiveRate) < 1)) {
            throw new IllegalArgumentException("false positive rate must be below 1, got " + falsePositiveRate);
        }
        if (benign == null || benign.size() <= k) {
            throw new IllegalArgumentException("calibration needs more than k = " + k + " benign queries, got "
                    + (benign == null ? 0 : benign.size()));
        }
        Buffer buffer = new Buffer(bufferSize);
        double[] means = new double[benign.size() - k];
        int count = 0;
        for (float[] query : benign) {
            float[] encoded = encode(Inputs.check("calibration", query), encodedDims);
            Inputs.sameLength("calibration", buffer.length(), encoded.length);
            if (buffer.size() >= k) {
                means[count++] = buffer.meanNearest(encoded, k);
            }
            buffer.add(encoded);
        }
        Arrays.sort(means);
        return means[(int) Math.floor(falsePositiveRate * count)];
    }

    private static void checkShape(int k, int bufferSize, int encodedDims) {
        if (k < 1) {
            throw new IllegalArgumentException("stateful k must be at least 1, got " + k);
        }
        if (bufferSize < k) {
            throw new IllegalArgumentException("stateful bufferSize must be at least k = " + k + ", got " + bufferSize);
        }
        if (encodedDims < 1) {
            throw new IllegalArgumentException("stateful encodedDims must be at least 1, got " + encodedDims);
        }
    }

    /** One principal's ring buffer of encodings; the public methods hold its lock. */
    private static final class Buffer {
        private final float[][] ring;
        private int size;
        private int next;
        private int length = -1;
        private long queries;
        private double[] scratch = new double[0];

        Buffer(int capacity) {
            this.ring = new float[capacity][];
        }

        synchronized long queries() {
            return queries;
        }

        synchronized int size() {
            return size;
        }

        synchronized int length() {
            return length;
        }

        synchronized Alert observe(Settings settings, String principal, float[] encoded) {
            Inputs.sameLength(principal, length, encoded.length);
            queries++;
            if (size >= settings.k()) {
                double mean = meanNearest(encoded, settings.k());
                if (mean < settings.threshold()) {
                    int neighbours = size;
                    Arrays.fill(ring, null);
                    size = 0;
                    next = 0;
                    String reason = String.format(
                            Locale.ROOT,
                            "Stateful: mean L2 distance %.4g to the %d nearest of %d recent queries is below %.4g",
                            mean,
                            settings.k(),
                            neighbours,
                            settings.threshold());
                    return new Alert(ID, principal, queries, mean, settings.threshold(), reason);
                }
            }
            add(encoded);
            return null;
        }

        /** Adds an encoding the caller owns, replacing the oldest when full. */
        synchronized void add(float[] encoded) {
            length = encoded.length;
            ring[next] = encoded;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        }

        /** The mean distance from {@code encoded} to its {@code k <= size} nearest buffered encodings. */
        synchronized double meanNearest(float[] encoded, int k) {
            if (scratch.length < size) {
                scratch = new double[ring.length];
            }
            for (int i = 0; i < size; i++) {
                scratch[i] = Inputs.distance(ring[i], encoded);
            }
            Arrays.sort(scratch, 0, size);
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += scratch[i];
            }
            return sum / k;
        }
    }
}
