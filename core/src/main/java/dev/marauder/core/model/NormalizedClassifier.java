package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * A classifier with its input normalisation folded in (see {@link Normalization#prepend}): it
 * answers for raw inputs inside the raw bounds, which it normalises before the wrapped model sees
 * them.
 */
class NormalizedClassifier implements Classifier {
    private final Classifier inner;
    final InputSpec raw;
    final Normalization normalization;
    private final ModelInfo info;

    NormalizedClassifier(Classifier inner, InputSpec raw, Normalization normalization) {
        if (!Arrays.equals(inner.inputSpec().shape(), raw.shape())) {
            throw new IllegalArgumentException(
                    "the raw input shape " + Arrays.toString(raw.shape()) + " differs from the model's "
                            + Arrays.toString(inner.inputSpec().shape()));
        }
        this.inner = inner;
        this.raw = raw;
        this.normalization = normalization;
        ModelInfo i = inner.info();
        this.info =
                new ModelInfo(i.name(), i.format(), i.fileHashes(), "normalised inside: " + normalization.describe());
    }

    /** The normalised batch, in a scope the caller closes. */
    final NDArray normalized(NDArray x, NDManager scope) {
        NDArray z = normalization.apply(x, raw);
        z.attach(scope);
        return z;
    }

    @Override
    public NDArray predict(NDArray x) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray out = inner.predict(normalized(x, scope));
            out.attach(parent);
            return out;
        }
    }

    @Override
    public OutputKind outputKind() {
        return inner.outputKind();
    }

    @Override
    public InputSpec inputSpec() {
        return raw;
    }

    @Override
    public int classes() {
        return inner.classes();
    }

    @Override
    public long queries() {
        return inner.queries();
    }

    @Override
    public java.util.Optional<dev.marauder.core.model.ServingPolicy> servingPolicy() {
        return inner.servingPolicy();
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        inner.close();
    }

    /** White-box: gradients with respect to the raw input. */
    static final class Differentiable extends NormalizedClassifier implements DifferentiableClassifier {
        private final DifferentiableClassifier inner;

        Differentiable(DifferentiableClassifier inner, InputSpec raw, Normalization normalization) {
            super(inner, raw, normalization);
            this.inner = inner;
        }

        @Override
        public NDArray logits(NDArray x) {
            NDManager parent = x.getManager();
            try (NDManager scope = parent.newSubManager()) {
                NDArray out = inner.logits(normalized(x, scope));
                out.attach(parent);
                return out;
            }
        }

        @Override
        public NDArray predict(NDArray x) {
            return logits(x);
        }

        @Override
        public OutputKind outputKind() {
            return OutputKind.LOGITS;
        }

        @Override
        public InputGradient gradient(NDArray x, LogitsObjective objective) {
            NDManager parent = x.getManager();
            try (NDManager scope = parent.newSubManager()) {
                InputGradient g = inner.gradient(normalized(x, scope), objective);
                NDArray logits = g.logits();
                NDArray gradient = g.gradient();
                logits.attach(scope);
                gradient.attach(scope);
                NDArray ofRaw = normalization.chainRule(gradient, raw);
                ofRaw.attach(parent);
                logits.attach(parent);
                return new InputGradient(logits, ofRaw, g.objective());
            }
        }
    }
}
