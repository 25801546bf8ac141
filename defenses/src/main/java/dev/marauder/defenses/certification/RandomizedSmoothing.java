package dev.marauder.defenses.certification;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.stats.ClopperPearson;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.BinomialTest;

/**
 * Randomized smoothing (Cohen, Rosenfeld &amp; Kolter 2019, "Certified Adversarial Robustness via
 * Randomized Smoothing"): the smoothed classifier {@code g(x) = argmax_c P[f(x + N(0, sigma^2 I)) =
 * c]} of a base classifier {@code f}, with the paper's two Monte Carlo algorithms.
 *
 * <ul>
 *   <li>{@link #predict PREDICT}: {@code n} noisy copies; the top class if a two-sided binomial
 *       test of its count against the runner-up's rejects equality at level {@code alpha}, else
 *       abstain. Wrong with probability at most {@code alpha} (Theorem 2).
 *   <li>{@link #certify CERTIFY}: the top class guessed from {@code n0} copies, its probability
 *       bounded below by the one-sided Clopper-Pearson bound {@code pA} from {@code n} fresh copies
 *       at level {@code 1 - alpha}; if {@code pA > 1/2} the prediction is certified for every
 *       perturbation of L2 norm below {@code sigma * PhiInverse(pA)} (Theorem 1), else abstain.
 * </ul>
 *
 * <p>Only the base classifier's labels are used, so any model (including one behind an API)
 * can be smoothed. The noise is not clipped to the input bounds, as in the paper. An immutable
 * settings object: the classifier and inputs are given at call time. Noise comes from a
 * {@link SecureRandom}-seeded generator unless a seed is given for a reproducible experiment.
 *
 * @param sigma the noise's standard deviation (in input units)
 * @param n0 noisy copies that select the top class in CERTIFY
 * @param n noisy copies that estimate its probability (CERTIFY) or decide (PREDICT)
 * @param alpha the failure probability
 * @param batchSize noisy copies per call to the base classifier
 * @param seed seeds the noise for reproducible experiments, or null for secure seeding
 */
public record RandomizedSmoothing(double sigma, int n0, int n, double alpha, int batchSize, Long seed) {

    /** Marks an abstention in {@link Certificate#prediction()}. */
    public static final int ABSTAIN = -1;

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);
    private static final SecureRandom SEEDS = new SecureRandom();

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public RandomizedSmoothing {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
        }
        if (n0 < 1 || n < 1) {
            throw new IllegalArgumentException("n0 and n must be at least 1, got " + n0 + " and " + n);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }

    /** The paper's settings for its ImageNet and CIFAR-10 tables: n0 = 100, n = 100,000, alpha = 0.001. */
    public static RandomizedSmoothing of(double sigma) {
        return new RandomizedSmoothing(sigma, 100, 100_000, 0.001, 400, null);
    }

    /** The same settings with {@code n} estimation copies. */
    public RandomizedSmoothing withSamples(int n0Value, int nValue) {
        return new RandomizedSmoothing(sigma, n0Value, nValue, alpha, batchSize, seed);
    }

    /** The same settings with noise seeded by {@code value} (reproducible) or securely (null). */
    public RandomizedSmoothing withSeed(Long value) {
        return new RandomizedSmoothing(sigma, n0, n, alpha, batchSize, value);
    }

    /**
     * The certificate of one input.
     *
     * @param prediction the smoothed classifier's class, or {@link #ABSTAIN}
     * @param radius the certified L2 radius ({@code sigma * PhiInverse(pA)}; 0 when abstaining)
     * @param pLower the lower confidence bound {@code pA} of the top class's probability
     * @param topCount the top class's count among the {@code n} estimation copies
     */
    public record Certificate(int prediction, double radius, double pLower, int topCount) {

        /** Whether the smoothed classifier abstained. */
        public boolean abstained() {
            return prediction == ABSTAIN;
        }
    }

    /**
     * CERTIFY for one input.
     *
     * @param base the base classifier
     * @param x one example (its shape is the model's input shape)
     * @param random the noise generator
     */
    public Certificate certify(Classifier base, float[] x, SplittableRandom random) {
        int classes = base.classes();
        int guess = argMax(counts(base, x, n0, random, classes));
        int[] counts = counts(base, x, n, random, classes);
        double pLower = ClopperPearson.lowerBound(counts[guess], n, 1 - alpha);
        if (!(pLower > 0.5)) {
            return new Certificate(ABSTAIN, 0, pLower, counts[guess]);
        }
        return new Certificate(
                guess, sigma * STANDARD_NORMAL.inverseCumulativeProbability(pLower), pLower, counts[guess]);
    }

    /**
     * PREDICT for one input: the top class of {@code n} noisy copies, or {@link #ABSTAIN} when a
     * two-sided binomial test cannot tell it from the runner-up at level {@code alpha}.
     */
    public int predict(Classifier base, float[] x, SplittableRandom random) {
        int[] counts = counts(base, x, n, random, base.classes());
        int top = argMax(counts);
        int second = -1;
        for (int c = 0; c < counts.length; c++) {
            if (c != top && (second < 0 || counts[c] > counts[second])) {
                second = c;
            }
        }
        int decided = counts[top] + counts[second];
        double p = BinomialTest.withDefaults().test(decided, counts[top], 0.5).getPValue();
        return p <= alpha ? top : ABSTAIN;
    }

    /**
     * CERTIFY for every example of {@code data}, with the certified accuracy at each radius.
     *
     * @param base the base classifier
     * @param data the examples and their labels
     * @param progress receives one step per example
     */
    public CertificationResult certifyAll(Classifier base, LabeledData data, Progress progress) {
        long start = System.nanoTime();
        long queriesBefore = base.queries();
        SplittableRandom random = generator();
        int size = data.features().exampleSize();
        float[] all = data.features().data();
        List<Certificate> certificates = new ArrayList<>(data.size());
        try (Progress.Task task = progress.start("certify (sigma " + sigma + ")", data.size())) {
            for (int i = 0; i < data.size(); i++) {
                float[] x = java.util.Arrays.copyOfRange(all, i * size, (i + 1) * size);
                certificates.add(certify(base, x, random));
                task.advance(1);
            }
        }
        return CertificationResult.of(
                this, certificates, data.labels(), base.queries() - queriesBefore, (System.nanoTime() - start) / 1e9);
    }

    /** The noise generator: seeded, or from {@link SecureRandom}. */
    SplittableRandom generator() {
        return seed != null ? new SplittableRandom(seed) : new SplittableRandom(nextSecureSeed());
    }

    private static synchronized long nextSecureSeed() {
        return SEEDS.nextLong();
    }

    /** How many of {@code copies} noisy versions of {@code x} the base classifier puts in each class. */
    int[] counts(Classifier base, float[] x, int copies, SplittableRandom random, int classes) {
        int[] counts = new int[classes];
        int[] exampleShape = base.inputSpec().shape();
        int size = x.length;
        for (int done = 0; done < copies; ) {
            int b = Math.min(batchSize, copies - done);
            float[] noisy = new float[b * size];
            for (int k = 0; k < b; k++) {
                int offset = k * size;
                for (int j = 0; j < size; j++) {
                    noisy[offset + j] = (float) (x[j] + sigma * random.nextGaussian());
                }
            }
            int[] shape = new int[exampleShape.length + 1];
            shape[0] = b;
            System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
            for (int label : base.classify(new FloatTensor(noisy, shape), b)) {
                counts[label]++;
            }
            done += b;
        }
        return counts;
    }

    private static int argMax(int[] counts) {
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }
}
