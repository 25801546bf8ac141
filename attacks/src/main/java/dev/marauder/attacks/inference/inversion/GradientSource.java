package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.Classifier;
import java.util.SplittableRandom;

/**
 * How {@link MiFace} obtains the gradient of its model term {@code m(x) = 1 - p_target(x)}:
 * exactly through the model's autograd ({@link ExactGradient}, white-box) or estimated from
 * queries ({@link NesGradient}, black-box). The strategy, not a class hierarchy of attacks, is
 * what differs between the two access modes.
 *
 * @param <M> the model access the strategy needs
 */
interface GradientSource<M extends Classifier> {

    /** {@code white-box} or {@code black-box}. */
    String access();

    /** The strategy's own settings, for results and provenance. */
    Settings settings();

    /**
     * A gradient strategy's settings as recorded in results.
     *
     * @param gradient "exact" or "nes"
     * @param samples NES: antithetic sample pairs per estimate, or null
     * @param sigma NES: the probe radius relative to the input range, or null
     * @param seed NES: the seed of the probes, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Settings(String gradient, Integer samples, Double sigma, Long seed) {}

    /** Model queries one call of {@link #gradient} spends per row. */
    long queriesPerRow();

    /** True if {@link #gradient} also returns {@code p_target(x)}, so that no separate query is needed. */
    boolean returnsProbabilities();

    /** The random stream of target class {@code target}, or null if the strategy is deterministic. */
    SplittableRandom random(int target);

    /**
     * The gradient of {@code 1 - p_target(x)} for each row.
     *
     * @param scope receives every temporary array; the caller closes it
     * @param x rows, each a flattened example inside the model's bounds; not modified
     * @param targets the target class of each row
     * @param random the random stream of each row's target (entries null for deterministic strategies)
     */
    Estimate gradient(M model, NDManager scope, float[][] x, int[] targets, SplittableRandom[] random);

    /**
     * A gradient per row, and {@code p_target(x)} per row when the strategy gets it for free
     * (otherwise null).
     */
    record Estimate(float[][] gradient, double[] probabilities) {}
}
