package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.marauder.core.engine.Autograd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact per-example gradient clipping for DP-SGD (Abadi et al. 2016, "Deep Learning with
 * Differential Privacy"), computed layer by layer in one forward and one backward pass, never one
 * backward pass per example.
 *
 * <p>The forward pass records each parametric layer's input {@code a} and adds a zero "probe"
 * that requires gradients to its output, so the single backward pass of the summed loss yields
 * {@code g = dL/d(output)}, exactly each example's own output gradient (no layer mixes examples).
 * Per-example parameter gradients follow in closed form, as in Goodfellow 2015 ("Efficient
 * per-example gradient computations") and Opacus's grad samplers:
 * <ul>
 *   <li>Linear ({@code y = a W^T + b}): {@code dW_n = g_n a_n^T}, so {@code ||dW_n||^2 = ||g_n||^2 ||a_n||^2}
 *       without materialising it; the clipped sum is one matrix product {@code (c * g)^T a}.
 *   <li>Conv2d: {@code dW_n = g_n unfold(a_n)^T} for all examples at once, one batched matrix
 *       product with the unfolded (im2col) inputs.
 * </ul>
 * Each example's gradient is scaled by {@code c_n = min(1, C / ||grad_n||)} and the scaled
 * gradients are summed. Layers that mix examples (BatchNorm) have no per-example gradient and are
 * refused; other parametric layers without a rule are refused too, never silently mishandled.
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
        for (Block layer : layers(block)) {
            if (layer instanceof BatchNorm) {
                throw new IllegalArgumentException("BatchNorm mixes the examples of a batch, so per-example gradients"
                        + " (and DP-SGD) are undefined for it; use GroupNorm or LayerNorm instead");
            }
            if (layer instanceof Conv2d conv) {
                if (conv.getGroups() != 1 || conv.getDilation().getShape()[0] != 1 || conv.getDilation().getShape()[1] != 1) {
                    throw new IllegalArgumentException("DP-SGD supports Conv2d with groups 1 and dilation 1 only");
                }
            } else if (!(layer instanceof Linear) && !layer.getDirectParameters().isEmpty()) {
                throw new IllegalArgumentException("no per-example gradient rule for layer "
                        + layer.getClass().getSimpleName() + "; DP-SGD supports Linear and Conv2d layers");
            }
        }
    }

    /** The leaf layers of {@code block}, nested sequential blocks flattened, in forward order. */
    static List<Block> layers(Block block) {
        List<Block> out = new ArrayList<>();
        if (block instanceof SequentialBlock seq) {
            for (Block child : seq.getChildren().values()) {
                out.addAll(layers(child));
            }
        } else {
            out.add(block);
        }
        return out;
    }

    /**
     * Computes {@code sum_n clip(grad_n L_n, C)} for the summed softmax cross-entropy of a batch.
     * The model's parameters must be frozen (not requiring gradients); nothing accumulates on them.
     *
     * @param block the network (a sequential block of supported layers)
     * @param parameters its parameter store
     * @param x the batch {@code [N, ...]}, N >= 1
     * @param labels integer labels {@code [N]}
     * @param clip the L2 clipping norm C
     * @return the clipped gradient sums per parameter (attached to {@code x}'s manager), the
     *     unclipped per-example gradient norms, and the batch's summed loss
     */
    public static Result clippedGradientSum(Block block, ParameterStore parameters, NDArray x, NDArray labels,
            double clip) {
        List<Block> layers = layers(block);
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            List<NDArray> inputs = new ArrayList<>();
            List<NDArray> probes = new ArrayList<>();
            List<Block> parametric = new ArrayList<>();
            NDArray input = x.duplicate();
            input.attach(scope);
            long[] labelValues = labels.toLongArray();
            double loss = Autograd.collect(collector -> {
                NDArray h = input;
                for (Block layer : layers) {
                    if (layer instanceof Linear || layer instanceof Conv2d) {
                        inputs.add(h);
                        NDArray out = layer.forward(parameters, new NDList(h), true).singletonOrThrow();
                        NDArray probe = out.zerosLike();
                        probe.setRequiresGradient(true);
                        probes.add(probe);
                        parametric.add(layer);
                        h = out.add(probe);
                    } else {
                        h = layer.forward(parameters, new NDList(h), true).singletonOrThrow();
                    }
                }
                NDArray onehot = scope.create(labelValues).oneHot((int) h.getShape().get(1), h.getDataType());
                NDArray total = h.logSoftmax(1).mul(onehot).sum().neg();
                collector.backward(total);
                return (double) total.getFloat();
            });
            int n = (int) x.getShape().get(0);
            List<NDArray> outputGradients = new ArrayList<>();
            NDArray squaredNorms = scope.zeros(new Shape(n));
            List<NDArray> perExampleConv = new ArrayList<>();
            for (int i = 0; i < parametric.size(); i++) {
                NDArray g = probes.get(i).getGradient();
                outputGradients.add(g);
                NDArray a = inputs.get(i).stopGradient();
                inputs.set(i, a);
                if (parametric.get(i) instanceof Linear) {
                    NDArray g2 = g.square().sum(new int[] {1});
                    NDArray a2 = a.square().sum(new int[] {1});
                    squaredNorms = squaredNorms.add(g2.mul(a2.add(1))); // weight and bias
                    perExampleConv.add(null);
                } else {
                    NDArray w = perExampleConvWeightGradients((Conv2d) parametric.get(i), a, g);
                    perExampleConv.add(w);
                    NDArray bias = g.sum(new int[] {2, 3});
                    squaredNorms = squaredNorms.add(w.square().reshape(n, -1).sum(new int[] {1}))
                            .add(bias.square().sum(new int[] {1}));
                }
            }
            NDArray norms = squaredNorms.sqrt();
            NDArray factors = norms.add(1e-6f).pow(-1).mul(clip).minimum(1f);
            Map<Parameter, NDArray> sums = new LinkedHashMap<>();
            for (int i = 0; i < parametric.size(); i++) {
                Block layer = parametric.get(i);
                NDArray g = outputGradients.get(i);
                Parameter weight = layer.getDirectParameters().get("weight");
                Parameter bias = layer.getDirectParameters().get("bias");
                NDArray weightSum;
                NDArray biasSum;
                if (layer instanceof Linear) {
                    NDArray scaled = g.mul(factors.reshape(n, 1));
                    weightSum = scaled.transpose().matMul(inputs.get(i));
                    biasSum = scaled.sum(new int[] {0});
                } else {
                    NDArray w = perExampleConv.get(i);
                    weightSum = w.mul(factors.reshape(n, 1, 1, 1, 1)).sum(new int[] {0});
                    biasSum = g.sum(new int[] {2, 3}).mul(factors.reshape(n, 1)).sum(new int[] {0});
                }
                weightSum.attach(parent);
                sums.put(weight, weightSum);
                if (bias != null) {
                    biasSum.attach(parent);
                    sums.put(bias, biasSum);
                }
            }
            return new Result(sums, norms.toFloatArray(), loss);
        }
    }

    /**
     * Per-example weight gradients of a Conv2d layer, {@code [N, O, C, kh, kw]}: each example's
     * output gradient {@code [O, H'W']} times its unfolded input {@code [C kh kw, H'W']}
     * (im2col built from {@code kh * kw} strided slices of the padded input), one batched matrix
     * product for the whole batch.
     */
    static NDArray perExampleConvWeightGradients(Conv2d conv, NDArray a, NDArray g) {
        long n = a.getShape().get(0);
        long c = a.getShape().get(1);
        long o = g.getShape().get(1);
        long outH = g.getShape().get(2);
        long outW = g.getShape().get(3);
        int kh = (int) conv.getKernelShape().get(0);
        int kw = (int) conv.getKernelShape().get(1);
        long sh = conv.getStride().get(0);
        long sw = conv.getStride().get(1);
        long ph = conv.getPadding().get(0);
        long pw = conv.getPadding().get(1);
        // torch.nn.functional.pad order: the last dimension first
        NDArray padded = ph == 0 && pw == 0 ? a : a.pad(new Shape(pw, pw, ph, ph), 0);
        NDList columns = new NDList();
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                String index = String.format(":, :, %d:%d:%d, %d:%d:%d", i, i + sh * (outH - 1) + 1, sh, j,
                        j + sw * (outW - 1) + 1, sw);
                columns.add(padded.get(index).reshape(n, c, 1, outH * outW));
            }
        }
        NDArray unfolded = NDArrays.concat(columns, 2).reshape(n, c * kh * kw, outH * outW);
        NDArray grads = g.reshape(n, o, outH * outW).matMul(unfolded.transpose(0, 2, 1));
        return grads.reshape(n, o, c, kh, kw);
    }
}
