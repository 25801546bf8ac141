package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One DP-SGD update (Abadi et al. 2016): the clipped per-example gradient sum of a Poisson-sampled
 * batch ({@link PerExampleClipping}), plus Gaussian noise of standard deviation {@code sigma * C} on
 * every parameter, divided by the expected batch size B, handed to the optimiser. Shared by every
 * DP trainer (classifiers, language models), so the mechanism the accountant analyses is written
 * once.
 *
 * <p>An empty sample still adds noise and updates: skipping it would change the mechanism.
 */
public final class DpSgdStep implements AutoCloseable {
    private final Block block;
    private final ParameterStore parameters;
    private final Optimizer optimizer;
    private final NoiseSource random;
    private final double noiseStd;
    private final double clip;
    private final int expectedBatchSize;
    private final List<Parameter> order;
    private final int[] sizes;
    private final ExecutorService prefetcher;
    private Future<float[]> nextNoise;

    /**
     * @param block the network, parameters frozen, every layer with a per-example rule
     * @param parameters its parameter store
     * @param optimizer applied to the noisy mean gradient
     * @param random the noise source (secure for a private run)
     * @param noiseMultiplier sigma
     * @param clip the clipping norm C
     * @param expectedBatchSize B, the divisor of the noisy sum
     */
    public DpSgdStep(
            Block block,
            ParameterStore parameters,
            Optimizer optimizer,
            NoiseSource random,
            double noiseMultiplier,
            double clip,
            int expectedBatchSize) {
        PerExampleClipping.validate(block);
        this.block = block;
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.random = random;
        this.noiseStd = noiseMultiplier * clip;
        this.clip = clip;
        this.expectedBatchSize = expectedBatchSize;
        this.order = new ArrayList<>();
        block.getParameters().forEach(p -> order.add(p.getValue()));
        this.sizes = order.stream()
                .mapToInt(p -> Math.toIntExact(p.getArray().getShape().size()))
                .toArray();
        // Secure noise does not depend on the data, so the next step's noise (AES-CTR keystream and
        // Box-Muller transform) is drawn on a background thread while the engine computes this step's
        // gradients. A seeded source is not shared across threads, so that its runs stay reproducible.
        this.prefetcher = random.isSecure()
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "dp-sgd-noise");
                    t.setDaemon(true);
                    return t;
                })
                : null;
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
        if (prefetcher != null && nextNoise == null) {
            nextNoise = prefetcher.submit(this::drawNoise);
        }
        Map<Parameter, NDArray> sums = Map.of();
        double loss = Double.NaN;
        if (x != null && x.getShape().get(0) > 0) {
            PerExampleClipping.Result result =
                    PerExampleClipping.clippedGradientSum(block, parameters, x, labels, clip);
            sums = result.gradientSum();
            loss = result.loss();
        }
        float[] noise = takeNoise();
        int offset = 0;
        for (int i = 0; i < order.size(); i++) {
            Parameter p = order.get(i);
            NDArray weight = p.getArray();
            NDArray n = scope.create(java.nio.FloatBuffer.wrap(noise, offset, sizes[i]), weight.getShape());
            offset += sizes[i];
            NDArray sum = sums.containsKey(p) ? sums.get(p).add(n) : n;
            optimizer.update(p.getId(), weight, sum.div(expectedBatchSize));
        }
        return loss;
    }

    /** This step's noise, all parameters in order; starts drawing the next step's. */
    private float[] takeNoise() {
        if (prefetcher == null) {
            return drawNoise();
        }
        try {
            float[] noise = nextNoise.get();
            nextNoise = prefetcher.submit(this::drawNoise);
            return noise;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing DP-SGD noise", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("drawing DP-SGD noise failed: " + e.getCause(), e.getCause());
        }
    }

    private float[] drawNoise() {
        return random.gaussian(java.util.Arrays.stream(sizes).sum(), noiseStd);
    }

    /** Stops the background noise thread; noise already drawn for a step that will not run is discarded. */
    @Override
    public void close() {
        if (prefetcher != null) {
            prefetcher.shutdownNow();
        }
    }
}
