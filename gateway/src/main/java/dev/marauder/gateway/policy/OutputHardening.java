package dev.marauder.gateway.policy;

import dev.marauder.serve.Mediator;

/**
 * What a role sees of the model's scores. Tramer, Zhang, Juels, Reiter &amp; Ristenpart (2016),
 * "Stealing Machine Learning Models via Prediction APIs" (USENIX Security), Section 7, show that
 * rounding confidences or returning only the label raises the number of queries extraction needs
 * or defeats equation-solving outright; withholding all but the top-k classes removes the rest of
 * the information the attacks solve for.
 *
 * <p>Hardened outputs are probabilities (the model's logits pass through a softmax first):
 * {@link Mode#TOP_K} keeps the k largest and sets the rest to zero, then {@code decimals}
 * rounding applies (when not negative); {@link Mode#LABEL} returns a one-hot row of the predicted
 * class under the output name {@code labels}. Ties go to the lower class index, as in {@code
 * argmax}.
 *
 * @param mode full scores, top-k probabilities or the label only
 * @param topK how many classes keep their probability (TOP_K)
 * @param decimals round probabilities to this many decimal places, or -1 for no rounding
 */
public record OutputHardening(Mode mode, int topK, int decimals) {
    /** No hardening: the model's own scores. */
    public static final OutputHardening FULL = new OutputHardening(Mode.FULL, 0, -1);

    /** What is returned. */
    public enum Mode {
        /** The model's scores unchanged (probabilities when {@code decimals} is set). */
        FULL,
        /** The k largest probabilities, the others zero. */
        TOP_K,
        /** The predicted class only, one-hot. */
        LABEL
    }

    public OutputHardening {
        if (mode == null) {
            throw new IllegalArgumentException("output hardening needs a mode (full, top-k or label)");
        }
        if (mode == Mode.TOP_K && topK < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + topK);
        }
        if (decimals < -1 || decimals > 8) {
            throw new IllegalArgumentException("decimals must be in 0..8 (or -1 for none), got " + decimals);
        }
    }

    /** Whether the scores pass unchanged. */
    public boolean isIdentity() {
        return mode == Mode.FULL && decimals < 0;
    }

    /** A short description for the audit log and response headers, e.g. {@code top-1, 2 decimals}. */
    public String describe() {
        String m = switch (mode) {
            case FULL -> "full";
            case TOP_K -> "top-" + topK;
            case LABEL -> "label";
        };
        return mode != Mode.LABEL && decimals >= 0 ? m + ", " + decimals + " decimals" : m;
    }

    /**
     * The hardened version of {@code scores}.
     *
     * @param scores the model's scores
     * @param logits whether they are logits (a softmax comes first) rather than probabilities
     */
    public Mediator.Scores apply(Mediator.Scores scores, boolean logits) {
        if (isIdentity()) {
            return scores;
        }
        int n = scores.n();
        int c = scores.classes();
        float[] in = scores.data();
        float[] out = new float[in.length];
        double[] p = new double[c];
        for (int i = 0; i < n; i++) {
            int at = i * c;
            probabilities(in, at, c, logits && !scores.output().equals("labels"), p);
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            switch (mode) {
                case LABEL -> out[at + best] = 1f;
                case TOP_K -> {
                    boolean[] keep = topK(p, Math.min(topK, c));
                    for (int j = 0; j < c; j++) {
                        out[at + j] = keep[j] ? round(p[j]) : 0f;
                    }
                }
                case FULL -> {
                    for (int j = 0; j < c; j++) {
                        out[at + j] = round(p[j]);
                    }
                }
            }
        }
        return new Mediator.Scores(mode == Mode.LABEL ? "labels" : "probabilities", n, c, out);
    }

    private float round(double p) {
        if (decimals < 0) {
            return (float) p;
        }
        double scale = Math.pow(10, decimals);
        return (float) (Math.round(p * scale) / scale);
    }

    private static void probabilities(float[] in, int at, int c, boolean softmax, double[] p) {
        if (!softmax) {
            for (int j = 0; j < c; j++) {
                p[j] = in[at + j];
            }
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            max = Math.max(max, in[at + j]);
        }
        double sum = 0;
        for (int j = 0; j < c; j++) {
            p[j] = Math.exp(in[at + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < c; j++) {
            p[j] /= sum;
        }
    }

    /** The k largest entries (ties to the lower index). */
    private static boolean[] topK(double[] p, int k) {
        boolean[] keep = new boolean[p.length];
        for (int t = 0; t < k; t++) {
            int best = -1;
            for (int j = 0; j < p.length; j++) {
                if (!keep[j] && (best < 0 || p[j] > p[best])) {
                    best = j;
                }
            }
            keep[best] = true;
        }
        return keep;
    }
}
