package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.OutputKind;

/**
 * A black-box attack's only access to the model: batched queries of host rows, each charged to
 * the example it serves, with the per-example budget enforced (an attack that asks beyond it is a
 * bug, so this throws). Scores come back as log-probabilities, so a margin on them equals the
 * margin on the logits for a logits model (the softmax's normaliser cancels). Success is the
 * criterion's: the predicted label differs from the true one (untargeted) or equals the target.
 */
final class Oracle {
    /** Rows per model call: large enough to amortise a call, small enough to bound memory. */
    private static final int CHUNK = 512;

    private final Classifier model;
    private final NDManager scope;
    private final InputSpec spec;
    private final int[] labels;
    private final boolean targeted;
    private final long maxQueries;
    private final long[] used;

    Oracle(Classifier model, NDManager scope, int[] labels, boolean targeted, long maxQueries) {
        this.model = model;
        this.scope = scope;
        this.spec = model.inputSpec();
        this.labels = labels;
        this.targeted = targeted;
        this.maxQueries = maxQueries;
        this.used = new long[labels.length];
    }

    InputSpec spec() {
        return spec;
    }

    int examples() {
        return labels.length;
    }

    int classes() {
        return model.classes();
    }

    /** Queries left for example {@code i}. */
    long remaining(int i) {
        return maxQueries - used[i];
    }

    /** Queries spent per example so far (a copy). */
    long[] queries() {
        return used.clone();
    }

    /** Log-probabilities {@code [rows][classes]} of each row; one query charged to each row's owner. */
    float[][] logScores(float[][] rows, int[] owners) {
        if (model.outputKind() == OutputKind.LABELS) {
            throw new IllegalStateException("the model returns labels only");
        }
        return query(rows, owners, true);
    }

    /** Whether each row is adversarial for its owner, from the predicted label only; one query each. */
    boolean[] adversarial(float[][] rows, int[] owners) {
        float[][] scores = query(rows, owners, false);
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = isAdversarial(scores[i], owners[i]);
        }
        return out;
    }

    /** Whether scores (of any monotone kind) are adversarial for example {@code owner}. */
    boolean isAdversarial(float[] scores, int owner) {
        int top = argMax(scores);
        return targeted ? top == labels[owner] : top != labels[owner];
    }

    /**
     * The margin loss an attack minimises, on log-probabilities: untargeted
     * {@code s_y - max_{j != y} s_j}, targeted {@code max_{j != t} s_j - s_t}; at most 0 when
     * adversarial (ties aside).
     */
    double margin(float[] logScores, int owner) {
        int y = labels[owner];
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < logScores.length; j++) {
            if (j != y) {
                other = Math.max(other, logScores[j]);
            }
        }
        double m = (double) logScores[y] - other;
        return targeted ? -m : m;
    }

    /** The label the criterion is about (true label, or target). */
    int label(int owner) {
        return labels[owner];
    }

    boolean targeted() {
        return targeted;
    }

    static int argMax(float[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    private float[][] query(float[][] rows, int[] owners, boolean logProbabilities) {
        for (int owner : owners) {
            if (++used[owner] > maxQueries) {
                throw new IllegalStateException("example " + owner + " would exceed its query budget of " + maxQueries);
            }
        }
        int d = spec.size();
        int[] s = spec.shape();
        float[][] out = new float[rows.length][];
        for (int start = 0; start < rows.length; start += CHUNK) {
            int end = Math.min(rows.length, start + CHUNK);
            long[] shape = new long[s.length + 1];
            shape[0] = end - start;
            for (int i = 0; i < s.length; i++) {
                shape[i + 1] = s[i];
            }
            float[] flat = new float[(end - start) * d];
            for (int i = start; i < end; i++) {
                System.arraycopy(rows[i], 0, flat, (i - start) * d, d);
            }
            try (NDManager q = scope.newSubManager()) {
                NDArray scores = model.predict(q.create(flat, new Shape(shape)));
                if (logProbabilities) {
                    scores = model.outputKind() == OutputKind.LOGITS
                            ? scores.logSoftmax(1)
                            : scores.clip(1e-30f, 1f).log();
                }
                float[] values = scores.toFloatArray();
                int classes = values.length / (end - start);
                for (int i = start; i < end; i++) {
                    out[i] = new float[classes];
                    System.arraycopy(values, (i - start) * classes, out[i], 0, classes);
                }
            }
        }
        return out;
    }
}
