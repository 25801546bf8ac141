package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The strongest output countermeasure of Tramer et al. 2016 ("Stealing Machine Learning Models via
 * Prediction APIs", Section 7): the API returns the predicted label only, as a one-hot row
 * ({@link OutputKind#LABELS}). Equation-solving extraction is then impossible and an attacker must
 * fall back on learning from labels (Lowd &amp; Meek 2005; the paper's Section 6).
 *
 * <p>Queries are counted here (and by the wrapped model). The wrapper does not own the model:
 * {@link #close()} leaves it open.
 */
public final class LabelOnlyClassifier implements Classifier {
    private final Classifier model;
    private final AtomicLong queries = new AtomicLong();

    /** Wraps {@code model}. */
    public LabelOnlyClassifier(Classifier model) {
        this.model = java.util.Objects.requireNonNull(model, "model");
    }

    @Override
    public NDArray predict(NDArray x) {
        queries.addAndGet(x.getShape().get(0));
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray scores = model.predict(x);
            scores.attach(scope);
            NDArray oneHot = scores.argMax(1).oneHot(model.classes(), ai.djl.ndarray.types.DataType.FLOAT32);
            oneHot.attach(parent);
            return oneHot;
        }
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.LABELS;
    }

    @Override
    public InputSpec inputSpec() {
        return model.inputSpec();
    }

    @Override
    public int classes() {
        return model.classes();
    }

    @Override
    public long queries() {
        return queries.get();
    }

    @Override
    public java.util.Optional<dev.marauder.core.model.ServingPolicy> servingPolicy() {
        return model.servingPolicy();
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    /** Leaves the wrapped model open: the caller that opened it closes it. */
    @Override
    public void close() {}
}
