package dev.marauder.attacks.extraction;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;

/**
 * How often a stolen model predicts the target's label (Tramer et al. 2016, Section 4: "extraction
 * accuracy", measured as 1 - R_test on test inputs and 1 - R_unif on inputs drawn uniformly from
 * the input space).
 *
 * @param test agreement of predicted labels on the test inputs (NaN if none were given)
 * @param uniform agreement on uniform random inputs within the target's input bounds
 * @param testExamples test inputs compared
 * @param uniformExamples uniform inputs compared
 */
public record Fidelity(double test, double uniform, int testExamples, int uniformExamples) {

    /** Uniform inputs compared by default. */
    public static final int DEFAULT_UNIFORM = 10_000;

    /**
     * Compares {@code stolen} with {@code target} on {@code test} (may be null) and on
     * {@code uniform} inputs drawn with {@code seed}. These queries are not the attack's: they
     * measure it.
     */
    public static Fidelity measure(Classifier target, Classifier stolen, LabeledData test, int uniform, long seed) {
        if (uniform < 1) {
            throw new IllegalArgumentException("uniform inputs must be at least 1, got " + uniform);
        }
        double onTest = test == null ? Double.NaN : agreement(target, stolen, test.features());
        FloatTensor random = uniformInputs(target.inputSpec(), uniform, seed);
        return new Fidelity(onTest, agreement(target, stolen, random), test == null ? 0 : test.size(), uniform);
    }

    /**
     * {@code n} inputs drawn uniformly from the box of {@code spec} for measuring fidelity, from a
     * stream of {@code seed} that differs from the one the attacks draw their queries from.
     */
    public static FloatTensor uniformInputs(InputSpec spec, int n, long seed) {
        return Oracle.uniform(spec, n, new SplittableRandom(seed ^ 0x5EEDF1DL));
    }

    /** The share of {@code x} on which both models predict the same label. */
    public static double agreement(Classifier target, Classifier stolen, FloatTensor x) {
        int[] a = target.classify(x, Oracle.BATCH);
        int[] b = stolen.classify(x, Oracle.BATCH);
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return a.length == 0 ? Double.NaN : (double) same / a.length;
    }
}
