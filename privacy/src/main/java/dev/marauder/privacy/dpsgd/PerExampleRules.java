package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.IdEmbedding;
import dev.marauder.core.nn.GroupNorm;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-example gradient rules of the layers DP-SGD supports. Each rule turns a layer's recorded
 * calls (its inputs {@code a} and the gradients {@code g} of the summed loss with respect to its
 * outputs, row n belonging to example n) into each example's squared gradient norm and, given the
 * clipping factors, the clipped gradient sum, without a backward pass per example:
 * <ul>
 *   <li>Linear, {@code y = a W^T + b}, possibly applied to T positions (a sequence, or the same
 *       layer called at T time steps): {@code dW_n = sum_t g_nt a_nt^T}. For T = 1 the norm is
 *       {@code ||g_n||^2 ||a_n||^2}; otherwise either the "ghost norm" {@code sum_{t,s} (g_nt . g_ns)
 *       (a_nt . a_ns)} (Goodfellow 2015; Li et al. 2022, "Large Language Models Can Be Strong
 *       Differentially Private Learners") or the materialised {@code [N, O, I]} gradients, whichever
 *       costs fewer operations. The clipped sum is one matrix product over all positions.
 *   <li>Conv2d: per-example weight gradients by im2col and one batched matrix product.
 *   <li>Embedding: row v of {@code dE_n} is the sum of {@code g_nt} over the positions t whose token is
 *       v, so {@code ||dE_n||^2 = sum_{t,s} [tok_nt = tok_ns] (g_nt . g_ns)}; the clipped sum is a
 *       one-hot matrix product (a scatter-add).
 *   <li>LayerNorm and GroupNorm: {@code dgamma_n} is {@code g_n * xhat_n} and {@code dbeta_n} is
 *       {@code g_n}, summed over the axes the parameters are shared across, with {@code xhat} the
 *       normalised input recomputed from the recorded input; materialised, as they are small.
 * </ul>
 */
final class PerExampleRules {
    private PerExampleRules() {}

    /**
     * One layer's per-example gradients.
     *
     * @param squaredNorms {@code [N]}: each example's squared gradient norm over this layer's parameters
     * @param clippedSums given the factors {@code [N]}, each parameter's sum over examples of
     *     {@code factors[n]} times example n's gradient
     */
    record LayerGradients(NDArray squaredNorms, Function<NDArray, Map<Parameter, NDArray>> clippedSums) {
        /** Each parameter's clipped sum for {@code factors}. */
        Map<Parameter, NDArray> clippedSums(NDArray factors) {
            return clippedSums.apply(factors);
        }
    }

    /** A per-example gradient rule for one kind of layer. */
    interface Rule {
        /** Rejects a layer configuration the rule cannot handle; the message names the problem. */
        default void check(Block layer) {}

        /** The per-example gradients from the layer's calls ({@code inputs[k]}, {@code outputGradients[k]}). */
        LayerGradients gradients(Block layer, List<NDArray> inputs, List<NDArray> outputGradients);
    }

    /** The rule for {@code layer}, or null when there is none. */
    static Rule of(Block layer) {
        if (layer instanceof Linear) {
            return PerExampleRules::linear;
        }
        if (layer instanceof Conv2d) {
            return new Rule() {
                @Override
                public void check(Block l) {
                    Conv2d conv = (Conv2d) l;
                    if (conv.getGroups() != 1
                            || conv.getDilation().get(0) != 1
                            || conv.getDilation().get(1) != 1) {
                        throw new IllegalArgumentException("DP-SGD supports Conv2d with groups 1 and dilation 1 only");
                    }
                }

                @Override
                public LayerGradients gradients(Block l, List<NDArray> inputs, List<NDArray> grads) {
                    return conv2d((Conv2d) l, inputs, grads);
                }
            };
        }
        if (layer instanceof IdEmbedding || layer instanceof Embedding<?>) {
            return PerExampleRules::embedding;
        }
        if (layer instanceof LayerNorm norm) {
            float epsilon = (Float) layerNormField(norm, "epsilon");
            if (!(Boolean) layerNormField(norm, "center") || !(Boolean) layerNormField(norm, "scale")) {
                return new Rule() {
                    @Override
                    public void check(Block l) {
                        throw new IllegalArgumentException(
                                "DP-SGD supports LayerNorm with both scale and centre (gamma" + " and beta) enabled");
                    }

                    @Override
                    public LayerGradients gradients(Block l, List<NDArray> inputs, List<NDArray> grads) {
                        throw new IllegalStateException("unchecked LayerNorm");
                    }
                };
            }
            return (l, inputs, grads) -> affineNorm(
                    l,
                    inputs,
                    grads,
                    a -> {
                        Shape normalized =
                                l.getParameters().get("gamma").getArray().getShape();
                        NDArray ones = a.getManager().ones(normalized, a.getDataType());
                        return LayerNorm.layerNorm(a, normalized, ones, ones.zerosLike(), epsilon)
                                .singletonOrThrow();
                    },
                    normalizedAxes(inputs.get(0), l));
        }
        if (layer instanceof GroupNorm norm) {
            return (l, inputs, grads) ->
                    affineNorm(l, inputs, grads, a -> GroupNorm.normalize(a, norm.groups(), norm.epsilon()), 1);
        }
        return null;
    }

    /** LayerNorm's parameters cover its last {@code gamma.dimension()} axes; the rest are summed. */
    private static int normalizedAxes(NDArray input, Block layer) {
        return input.getShape().dimension()
                - layer.getParameters().get("gamma").getArray().getShape().dimension();
    }

    /** DJL keeps LayerNorm's settings in protected fields; the rule needs them to recompute {@code xhat}. */
    private static Object layerNormField(LayerNorm norm, String name) {
        try {
            Field field = LayerNorm.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(norm);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the " + name + " setting of a DJL LayerNorm (" + e + "); DP-SGD needs it", e);
        }
    }

    private static LayerGradients linear(Block layer, List<NDArray> inputs, List<NDArray> grads) {
        Parameter weight = layer.getDirectParameters().get("weight");
        Parameter bias = layer.getDirectParameters().get("bias");
        long n = inputs.get(0).getShape().get(0);
        long in = weight.getArray().getShape().get(1);
        long out = weight.getArray().getShape().get(0);
        NDArray a = concatPositions(inputs, n, in);
        NDArray g = concatPositions(grads, n, out);
        long positions = a.getShape().get(1);
        NDArray weightNorms;
        if (positions == 1) {
            weightNorms = g.square().sum(new int[] {1, 2}).mul(a.square().sum(new int[] {1, 2}));
        } else if (2 * positions * (in + out) < in * out) {
            NDArray gg = g.matMul(g.transpose(0, 2, 1));
            NDArray aa = a.matMul(a.transpose(0, 2, 1));
            weightNorms = gg.mul(aa).sum(new int[] {1, 2});
        } else {
            weightNorms = g.transpose(0, 2, 1).matMul(a).square().sum(new int[] {1, 2});
        }
        NDArray biasGradients = g.sum(new int[] {1});
        NDArray norms = bias == null
                ? weightNorms
                : weightNorms.add(biasGradients.square().sum(new int[] {1}));
        return new LayerGradients(norms, factors -> {
            NDArray scaled = g.mul(factors.reshape(n, 1, 1));
            Map<Parameter, NDArray> sums = new LinkedHashMap<>();
            sums.put(weight, scaled.reshape(-1, out).transpose().matMul(a.reshape(-1, in)));
            if (bias != null) {
                sums.put(bias, scaled.sum(new int[] {0, 1}));
            }
            return sums;
        });
    }

    /** The calls' rows as {@code [N, positions, width]}, every call's positions side by side. */
    private static NDArray concatPositions(List<NDArray> calls, long n, long width) {
        NDList parts = new NDList(calls.size());
        for (NDArray call : calls) {
            parts.add(call.reshape(n, -1, width));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    }

    private static LayerGradients conv2d(Conv2d conv, List<NDArray> inputs, List<NDArray> grads) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(
                    "DP-SGD supports a Conv2d layer called once per forward pass, this one was" + " called "
                            + inputs.size() + " times");
        }
        NDArray a = inputs.get(0);
        NDArray g = grads.get(0);
        long n = a.getShape().get(0);
        Parameter weight = conv.getDirectParameters().get("weight");
        Parameter bias = conv.getDirectParameters().get("bias");
        NDArray w = perExampleConvWeightGradients(conv, a, g).reshape(n, -1);
        NDArray biasGradients = g.sum(new int[] {2, 3});
        NDArray weightNorms = w.square().sum(new int[] {1});
        NDArray norms = bias == null
                ? weightNorms
                : weightNorms.add(biasGradients.square().sum(new int[] {1}));
        return new LayerGradients(norms, factors -> {
            Map<Parameter, NDArray> sums = new LinkedHashMap<>();
            Shape shape = weight.getArray().getShape(); // [O, C, kh, kw]
            NDArray weighted = factors.reshape(1, n)
                    .matMul(w) // [1, C kh kw O]
                    .reshape(shape.get(1), shape.get(2), shape.get(3), shape.get(0));
            sums.put(weight, weighted.transpose(3, 0, 1, 2));
            if (bias != null) {
                sums.put(bias, factors.reshape(1, n).matMul(biasGradients).reshape(-1));
            }
            return sums;
        });
    }

    /**
     * Per-example weight gradients of a Conv2d layer in the layout {@code [N, C, kh, kw, O]}: each
     * example's unfolded input {@code [C kh kw, H'W']} (im2col) times its output gradient
     * {@code [H'W', O]}, one batched matrix product for the whole batch. The unfolded input is
     * built from {@code kh * kw} strided views of the padded input, copied once by a single
     * concatenation.
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
        NDList columns = new NDList(kh * kw);
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                String index = String.format(
                        ":, :, %d:%d:%d, %d:%d:%d", i, i + sh * (outH - 1) + 1, sh, j, j + sw * (outW - 1) + 1, sw);
                columns.add(padded.get(index).expandDims(2)); // views: [N, C, 1, H', W']
            }
        }
        NDArray unfolded = NDArrays.concat(columns, 2).reshape(n, c * kh * kw, outH * outW);
        return unfolded.matMul(g.reshape(n, o, outH * outW).transpose(0, 2, 1)).reshape(n, c, kh, kw, o);
    }

    private static LayerGradients embedding(Block layer, List<NDArray> inputs, List<NDArray> grads) {
        Parameter table = layer.getDirectParameters().get("embedding");
        long vocabulary = table.getArray().getShape().get(0);
        long width = table.getArray().getShape().get(1);
        long n = inputs.get(0).getShape().get(0);
        NDList tokenParts = new NDList(inputs.size());
        for (NDArray tokens : inputs) {
            tokenParts.add(tokens.toType(DataType.INT64, false).reshape(n, -1));
        }
        NDArray tokens = tokenParts.size() == 1 ? tokenParts.get(0) : NDArrays.concat(tokenParts, 1);
        NDArray g = concatPositions(grads, n, width);
        NDArray same = tokens.expandDims(2).eq(tokens.expandDims(1)).toType(g.getDataType(), false);
        NDArray norms = g.matMul(g.transpose(0, 2, 1)).mul(same).sum(new int[] {1, 2});
        return new LayerGradients(norms, factors -> {
            NDArray oneHot = tokens.reshape(-1).oneHot((int) vocabulary, g.getDataType());
            NDArray scaled = g.mul(factors.reshape(n, 1, 1)).reshape(-1, width);
            return Map.of(table, oneHot.transpose().matMul(scaled));
        });
    }

    /**
     * LayerNorm/GroupNorm: {@code y = xhat * gamma + beta}, with the parameters shared over all axes
     * but the batch axis and the parameter axes ({@code firstParameterAxis} onward for LayerNorm;
     * axis 1, the channels, for GroupNorm when {@code firstParameterAxis} is 1).
     */
    private static LayerGradients affineNorm(
            Block layer,
            List<NDArray> inputs,
            List<NDArray> grads,
            java.util.function.UnaryOperator<NDArray> normalize,
            int firstParameterAxis) {
        Parameter gamma = layer.getDirectParameters().get("gamma");
        Parameter beta = layer.getDirectParameters().get("beta");
        NDArray gammaGradients = null;
        NDArray betaGradients = null;
        for (int k = 0; k < inputs.size(); k++) {
            NDArray a = inputs.get(k);
            NDArray g = grads.get(k);
            int[] shared = sharedAxes(
                    a.getShape().dimension(),
                    firstParameterAxis,
                    gamma.getArray().getShape().dimension());
            NDArray dGamma = sum(g.mul(normalize.apply(a)), shared);
            NDArray dBeta = sum(g, shared);
            gammaGradients = gammaGradients == null ? dGamma : gammaGradients.add(dGamma);
            betaGradients = betaGradients == null ? dBeta : betaGradients.add(dBeta);
        }
        long n = inputs.get(0).getShape().get(0);
        NDArray perGamma = gammaGradients.reshape(n, -1);
        NDArray perBeta = betaGradients.reshape(n, -1);
        NDArray norms =
                perGamma.square().sum(new int[] {1}).add(perBeta.square().sum(new int[] {1}));
        return new LayerGradients(norms, factors -> {
            Map<Parameter, NDArray> sums = new LinkedHashMap<>();
            Shape shape = gamma.getArray().getShape();
            sums.put(
                    gamma,
                    perGamma.mul(factors.reshape(n, 1)).sum(new int[] {0}).reshape(shape));
            sums.put(beta, perBeta.mul(factors.reshape(n, 1)).sum(new int[] {0}).reshape(shape));
            return sums;
        });
    }

    /** The axes (other than the batch axis 0) that a parameter of {@code parameterRank} axes starting at {@code first} is shared across. */
    private static int[] sharedAxes(int rank, int first, int parameterRank) {
        return java.util.stream.IntStream.range(1, rank)
                .filter(d -> d < first || d >= first + parameterRank)
                .toArray();
    }

    private static NDArray sum(NDArray x, int[] axes) {
        return axes.length == 0 ? x : x.sum(axes);
    }
}
