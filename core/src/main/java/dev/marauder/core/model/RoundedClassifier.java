package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A countermeasure against model extraction that acts after the model: the prediction API returns
 * class probabilities rounded to {@code decimals} decimal places (Tramer et al. 2016, "Stealing
 * Machine Learning Models via Prediction APIs", Section 7: "rounding confidences"). Rounding
 * removes the low-order digits that equation-solving attacks read the exact log-odds from; it
 * costs honest users nothing at the precision they need.
 *
 * <p>Black-box only: it answers {@link OutputKind#PROBABILITIES} rows, each value a multiple of
 * {@code 10^-decimals} (a row may then sum to slightly more or less than 1, as a real API's would).
 * Queries are counted here (and by the wrapped model). The wrapper does not own the model:
 * {@link #close()} leaves it open.
 */
public final class RoundedClassifier implements Classifier {
    private final Classifier model;
    private final int decimals;
    private final AtomicLong queries = new AtomicLong();

    /**
     * Wraps {@code model}.
     *
     * @param model the model behind the API
     * @param decimals decimal places kept, 1 to 8
     * @throws IllegalArgumentException if {@code decimals} is outside 1..8
     */
    public RoundedClassifier(Classifier model, int decimals) {
        if (decimals < 1 || decimals > 8) {
            throw new IllegalArgumentException("decimals must be between 1 and 8, got " + decimals);
        }
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.decimals = decimals;
    }

    /** The decimal places kept. */
    public int decimals() {
        return decimals;
    }

    @Override
    public NDArray predict(NDArray x) {
        queries.addAndGet(x.getShape().get(0));
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray p = model.probabilities(x);
            p.attach(scope);
            float scale = (float) Math.pow(10, decimals);
            // to double before scaling, so that 0.12345 * 1e4 is not rounded on the wrong side in float
            NDArray rounded = p.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .mul(scale)
                    .round()
                    .div(scale)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            rounded.attach(parent);
            return rounded;
        }
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.PROBABILITIES;
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
