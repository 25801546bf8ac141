package dev.marauder.attacks.inference.memorization;

import java.util.List;

/**
 * A language model seen through the slots of a canary: for partial secrets, the log-probability
 * of each possible next slot symbol. This is all that {@link SecretExtraction} needs, and what an
 * engine-backed model implements (one batched forward pass per call, the canary's prefix text
 * prepended to each partial secret).
 *
 * <p>Black-box: it needs the model's output probabilities (or log-probabilities), not its
 * gradients.
 */
@FunctionalInterface
public interface SequenceScorer {
    /**
     * For each partial secret, the log-probabilities of the next symbol.
     *
     * @param prefixes partial secrets, each the positions in the format's slot alphabet of the
     *     symbols chosen so far (length 0 to {@code slots - 1}); the text before them is the
     *     format's prefix, which the scorer knows. The arrays must not be changed.
     * @return one row per prefix, in the same order, with one entry per slot-alphabet symbol:
     *     {@code log Pr(next symbol = alphabet[k] | prefix text, partial secret)}, each at most 0
     *     (minus infinity for impossible symbols). The natural logarithm is expected but any base
     *     works, used consistently. A row need not sum to 1 over the slot alphabet: the model may
     *     put probability on symbols outside it.
     */
    double[][] nextLogProbabilities(List<int[]> prefixes);
}
