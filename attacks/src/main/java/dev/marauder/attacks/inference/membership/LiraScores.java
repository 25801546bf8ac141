package dev.marauder.attacks.inference.membership;

/**
 * The membership scores of {@link Lira}, one per target example (higher meaning "more likely a
 * member"), with how often each fallback was needed. Immutable: the array is copied in and out.
 *
 * @param scores the score of each example, finite
 * @param offlineFallbacks online attack only: examples that no shadow model trained on, scored
 *     with the offline test instead (its scale differs from the online likelihood ratio, so a
 *     large count makes the ranking less coherent; train more shadow models)
 * @param pooledVarianceFallbacks per-example variance only: examples for which the IN or the OUT
 *     variance came from the pooled estimate because they had fewer than 2 such observations or
 *     all of them were equal
 * @param shiftedOutMeanFallbacks examples that every shadow model trained on, whose OUT mean was
 *     taken as their IN mean minus the average IN-OUT gap of the other examples
 */
public record LiraScores(
        double[] scores, int offlineFallbacks, int pooledVarianceFallbacks, int shiftedOutMeanFallbacks) {

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException if the scores are null or a count is negative
     */
    public LiraScores {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        if (offlineFallbacks < 0 || pooledVarianceFallbacks < 0 || shiftedOutMeanFallbacks < 0) {
            throw new IllegalArgumentException("fallback counts must be >= 0");
        }
        scores = scores.clone();
    }

    /** A copy of the scores. */
    @Override
    public double[] scores() {
        return scores.clone();
    }

    /** The number of examples scored. */
    public int size() {
        return scores.length;
    }
}
