package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.marauder.core.engine.Autograd;
import dev.marauder.core.nn.LayerTap;
import dev.marauder.core.nn.TapAwareBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exact per-example gradient clipping for DP-SGD (Abadi et al. 2016, "Deep Learning with
 * Differential Privacy"), computed layer by layer in one forward and one backward pass, never one
 * backward pass per example.
 *
 * <p>The forward pass goes through a {@link LayerTap} that records each parametric layer call's
 * input {@code a} and adds a zero "probe" that requires gradients to its output, so the single
 * backward pass of the summed loss yields {@code g = dL/d(output)}, exactly each example's own
 * output gradient (no supported layer mixes examples). The per-example gradients of every layer
 * follow from {@code a} and {@code g} by the rules of {@link PerExampleRules} (Linear, Conv2d,
 * Embedding, LayerNorm, GroupNorm, and blocks built from them such as {@link dev.marauder.core.nn.Lstm},
 * whose layers are called once per time step), as in Goodfellow 2015 ("Efficient per-example
 * gradient computations") and Opacus's grad samplers. Each example's gradient is scaled by
 * {@code c_n = min(1, C / ||grad_n||)} and the scaled gradients are summed.
 *
 * <p>Layers that mix examples (BatchNorm) have no per-example gradient and are refused; other
 * parametric layers without a rule are refused too, never silently mishandled.
 */
public final class PerExampleClipping {
    private PerExampleClipping() {}

    /** The clipped gradient sum of one batch. */
    public record Result(Map<Parameter, NDArray> gradientSum, float[] perExampleNorms, double loss) {}

    /**
     * Checks that every parametric layer of {@code block} has a per-example rule.
     *
     * @throws IllegalArgumentException naming the first offending layer
     */
    public static void validate(Block block) {
        if (block instanceof BatchNorm) {
            throw new IllegalArgumentException("BatchNorm mixes the examples of a batch, so per-example gradients"
                    + " (and DP-SGD) are undefined for it; use GroupNorm or LayerNorm instead");
        }
        if (block instanceof SequentialBlock || block instanceof TapAwareBlock) {
            if (!block.getDirectParameters().isEmpty()) {
                throw new IllegalArgumentException("no per-example gradient rule for the own parameters of "
                        + block.getClass().getSimpleName());
            }
            for (Block child : block.getChildren().values()) {
                validate(child);
            }
            return;
        }
        PerExampleRules.Rule rule = PerExampleRules.of(block);
        if (rule != null) {
            rule.check(block);
        } else if (!block.getDirectParameters().isEmpty()
                || !block.getChildren().isEmpty()) {
            throw new IllegalArgumentException("no per-example gradient rule for layer "
                    + block.getClass().getSimpleName() + "; DP-SGD supports Linear, Conv2d, Embedding, LayerNorm,"
                    + " GroupNorm and LSTM (dev.marauder.core.nn.Lstm) layers");
        }
    }

    /** Every recorded call of one parametric layer: its inputs and the probes added to its outputs. */
    private record Calls(List<NDArray> inputs, List<NDArray> probes) {}

    /**
     * Computes {@code sum_n clip(grad_n L_n, C)} for the summed softmax cross-entropy of a batch,
     * where {@code L_n} is example n's loss: for outputs {@code [N, classes]} and labels {@code [N]}
     * one classification loss; for outputs {@code [N, T, classes]} and labels {@code [N, T]} (a
     * sequence model) the sum over the example's T positions. The model's parameters must be frozen
     * (not requiring gradients); nothing accumulates on them.
     *
     * @param block the network, built of layers that have per-example rules (see {@link #validate})
     * @param parameters its parameter store
     * @param x the batch {@code [N, ...]}, N >= 1
     * @param labels integer labels {@code [N]} or {@code [N, T]}
     * @param clip the L2 clipping norm C
     * @return the clipped gradient sums per parameter (attached to {@code x}'s manager), the
     *     unclipped per-example gradient norms, and the batch's summed loss
     */
    public static Result clippedGradientSum(
            Block block, ParameterStore parameters, NDArray x, NDArray labels, double clip) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            Map<Block, Calls> recorded = new LinkedHashMap<>();
            // each layer's rule, looked up once (an LSTM calls its hidden layer at every time step)
            Map<Block, Optional<PerExampleRules.Rule>> rules = new HashMap<>();
            LayerTap tap = (layer, store, in, training) -> {
                NDArray out = LayerTap.PLAIN.forward(layer, store, in, training);
                if (rules.computeIfAbsent(layer, l -> Optional.ofNullable(PerExampleRules.of(l)))
                        .isEmpty()) {
                    return out;
                }
                NDArray probe = out.zerosLike();
                probe.setRequiresGradient(true);
                Calls calls = recorded.computeIfAbsent(layer, l -> new Calls(new ArrayList<>(), new ArrayList<>()));
                calls.inputs().add(in);
                calls.probes().add(probe);
                return out.add(probe);
            };
            NDArray input = x.duplicate();
            input.attach(scope);
            NDArray targets = labels.duplicate(); // oneHot's temporaries live in the labels' manager
            targets.attach(scope);
            double loss = Autograd.collect(collector -> {
                NDArray out = LayerTap.run(block, parameters, input, true, tap);
                NDArray onehot =
                        targets.oneHot((int) out.getShape().get(out.getShape().dimension() - 1), out.getDataType());
                NDArray total = out.logSoftmax(-1).mul(onehot).sum().neg();
                collector.backward(total);
                return (double) total.getFloat();
            });
            int n = (int) x.getShape().get(0);
            List<PerExampleRules.LayerGradients> layers = new ArrayList<>();
            NDArray squaredNorms = scope.zeros(new Shape(n));
            for (Map.Entry<Block, Calls> entry : recorded.entrySet()) {
                Calls calls = entry.getValue();
                List<NDArray> inputs = new ArrayList<>();
                List<NDArray> gradients = new ArrayList<>();
                for (int k = 0; k < calls.inputs().size(); k++) {
                    inputs.add(calls.inputs().get(k).stopGradient());
                    gradients.add(calls.probes().get(k).getGradient());
                }
                PerExampleRules.LayerGradients g =
                        rules.get(entry.getKey()).orElseThrow().gradients(entry.getKey(), inputs, gradients);
                layers.add(g);
                squaredNorms = squaredNorms.add(g.squaredNorms());
            }
            NDArray norms = squaredNorms.sqrt();
            NDArray factors = norms.add(1e-6f).pow(-1).mul(clip).minimum(1f);
            Map<Parameter, NDArray> sums = new LinkedHashMap<>();
            for (PerExampleRules.LayerGradients g : layers) {
                for (Map.Entry<Parameter, NDArray> sum : g.clippedSums(factors).entrySet()) {
                    sum.getValue().attach(parent);
                    sums.put(sum.getKey(), sum.getValue());
                }
            }
            return new Result(sums, norms.toFloatArray(), loss);
        }
    }
}
