package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import java.util.Map;

/**
 * One DP-SGD update (Abadi et al. 2016): the clipped per-example gradient sum of a Poisson-sampled
 * batch ({@link PerExampleClipping}), plus Gaussian noise of standard deviation {@code sigma * C} on
 * every parameter, divided by the expected batch size B, handed to the optimiser. Shared by every
 * DP trainer (classifiers, language models), so the mechanism the accountant analyses is written
 * once.
 *
 * <p>An empty sample still adds noise and updates: skipping it would change the mechanism.
 */
public final class DpSgdStep {
    private final Block block;
    private final ParameterStore parameters;
    private final Optimizer optimizer;
    private final NoiseSource random;
    private final double noiseStd;
    private final double clip;
    private final int expectedBatchSize;

    /**
     * @param block the network, parameters frozen, every layer with a per-example rule
     * @param parameters its parameter store
     * @param optimizer applied to the noisy mean gradient
     * @param random the noise source (secure for a private run)
     * @param noiseMultiplier sigma
     * @param clip the clipping norm C
     * @param expectedBatchSize B, the divisor of the noisy sum
     */
    public DpSgdStep(Block block, ParameterStore parameters, Optimizer optimizer, NoiseSource random,
            double noiseMultiplier, double clip, int expectedBatchSize) {
        PerExampleClipping.validate(block);
        this.block = block;
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.random = random;
        this.noiseStd = noiseMultiplier * clip;
        this.clip = clip;
        this.expectedBatchSize = expectedBatchSize;
    }

    /**
     * Applies one update.
     *
     * @param scope the manager for this step's temporaries (closed by the caller)
     * @param x the sampled batch, or null for an empty sample
     * @param labels its labels ({@code [N]}, or {@code [N, T]} for a sequence model), or null
     * @return the batch's summed loss before the update, NaN for an empty sample
     */
    public double update(NDManager scope, NDArray x, NDArray labels) {
        Map<Parameter, NDArray> sums = Map.of();
        double loss = Double.NaN;
        if (x != null && x.getShape().get(0) > 0) {
            PerExampleClipping.Result result = PerExampleClipping.clippedGradientSum(block, parameters, x, labels, clip);
            sums = result.gradientSum();
            loss = result.loss();
        }
        for (var entry : block.getParameters()) {
            Parameter p = entry.getValue();
            NDArray weight = p.getArray();
            NDArray noise = random.gaussian(scope, weight.getShape(), noiseStd);
            NDArray sum = sums.containsKey(p) ? sums.get(p).add(noise) : noise;
            optimizer.update(p.getId(), weight, sum.div(expectedBatchSize));
        }
        return loss;
    }
}
