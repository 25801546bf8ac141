package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import dev.marauder.stats.RocCurve;

/**
 * Per-example membership scores from a model's predictions, for the threshold attacks: the
 * attacker flags an example as a member when its score exceeds a threshold. Every score is
 * oriented so that higher means "more likely a member"; feed the scores of known members and
 * non-members to {@link RocCurve} or {@link MembershipMetrics} to evaluate the attack.
 *
 * <p>Threat model: black-box, one query per example, the true label known. The scores:
 * <ul>
 *   <li>{@link #negativeLoss}: minus the cross-entropy loss, {@code log p_y} (Yeom, Giacomelli,
 *       Fredrikson and Jha 2018, "Privacy Risk in Machine Learning: Analyzing the Connection to
 *       Overfitting", CSF 2018): members were trained on, so their loss tends to be lower.</li>
 *   <li>{@link #trueClassProbability}: the confidence {@code p_y} (Song and Mittal 2021,
 *       "Systematic Evaluation of Privacy Risks of Machine Learning Models", USENIX Security
 *       2021; ML Privacy Meter). It is a strictly increasing function of the loss score, so with
 *       one global threshold it gives the same ROC; it is offered on its natural scale.</li>
 *   <li>{@link #negativeEntropy}: {@code sum_c p_c log p_c}, minus the prediction entropy (Song
 *       and Mittal 2021): members tend to get sharper predictions. It ignores the label.</li>
 *   <li>{@link #negativeModifiedEntropy}: minus the modified entropy of Song and Mittal 2021,
 *       {@code Mentr = -(1 - p_y) log p_y - sum_{c != y} p_c log(1 - p_c)}, which, unlike the
 *       entropy, is low only when the prediction is confident <em>and</em> correct.</li>
 *   <li>{@link #logitScaledConfidence}: {@code phi = log(p_y / (1 - p_y))}, the statistic of
 *       LiRA (Carlini, Chien, Nasr, Song, Terzis and Tramer 2022, "Membership Inference Attacks
 *       From First Principles", IEEE S&amp;P 2022), whose distribution over training runs is close
 *       to Gaussian; as a plain threshold score it ranks like the loss, and {@link Lira}
 *       calibrates it per example.</li>
 * </ul>
 * Computed from log-probabilities ({@link ClassProbabilities}), so scores keep their digits for
 * very confident predictions. Song and Mittal also fit class-dependent thresholds on shadow
 * data; these functions give the scores, to which any threshold rule can be applied.
 *
 * <p>All methods are static, pure and thread-safe.
 */
public final class ThresholdScores {
    private ThresholdScores() {}

    /**
     * {@code log p_y}: minus the cross-entropy loss of each example.
     *
     * @param predictions the model's predictions, one row per example
     * @param labels the true label of each example, in [0, classes)
     * @throws IllegalArgumentException if the labels do not match the predictions
     */
    public static double[] negativeLoss(ClassProbabilities predictions, int[] labels) {
        check(predictions, labels);
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictions.logProbability(i, labels[i]);
        }
        return out;
    }

    /**
     * {@code p_y}: the probability given to the true label.
     *
     * @throws IllegalArgumentException if the labels do not match the predictions
     */
    public static double[] trueClassProbability(ClassProbabilities predictions, int[] labels) {
        check(predictions, labels);
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictions.probability(i, labels[i]);
        }
        return out;
    }

    /**
     * {@code sum_c p_c log p_c}: minus the entropy of each prediction (the label is not used).
     *
     * @throws IllegalArgumentException if {@code predictions} is null
     */
    public static double[] negativeEntropy(ClassProbabilities predictions) {
        if (predictions == null) {
            throw new IllegalArgumentException("predictions must not be null");
        }
        double[] out = new double[predictions.examples()];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            for (double logP : predictions.row(i)) {
                sum += Math.exp(logP) * logP;
            }
            out[i] = sum;
        }
        return out;
    }

    /**
     * Minus the modified entropy of Song and Mittal 2021:
     * {@code (1 - p_y) log p_y + sum_{c != y} p_c log(1 - p_c)}.
     *
     * @throws IllegalArgumentException if the labels do not match the predictions
     */
    public static double[] negativeModifiedEntropy(ClassProbabilities predictions, int[] labels) {
        check(predictions, labels);
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            int y = labels[i];
            double[] row = predictions.row(i);
            double oneMinusPy = Math.exp(predictions.logComplement(i, y));
            double sum = oneMinusPy * row[y];
            for (int c = 0; c < row.length; c++) {
                if (c != y) {
                    sum += Math.exp(row[c]) * predictions.logComplement(i, c);
                }
            }
            out[i] = sum;
        }
        return out;
    }

    /**
     * LiRA's logit-scaled confidence {@code phi = log p_y - log(1 - p_y)}. From logits this is
     * {@code z_y - logsumexp_{j != y} z_j} to rounding; from probabilities it is
     * {@code log p_y - log sum_{j != y} p_j} with the floor of {@link ClassProbabilities}.
     *
     * @throws IllegalArgumentException if the labels do not match the predictions
     */
    public static double[] logitScaledConfidence(ClassProbabilities predictions, int[] labels) {
        check(predictions, labels);
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            double[] row = predictions.row(i);
            out[i] = row[labels[i]] - dev.marauder.stats.LogSpace.sumExcept(row, labels[i]);
        }
        return out;
    }

    private static void check(ClassProbabilities predictions, int[] labels) {
        if (predictions == null) {
            throw new IllegalArgumentException("predictions must not be null");
        }
        Require.labels(labels, predictions.examples(), predictions.classes());
    }
}
