package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.engine.Autograd;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Common machinery of classifiers that run inside the DJL engine: input validation, query
 * counting, scoping of temporaries, and input gradients through {@link Autograd}.
 *
 * <p>Subclasses supply one forward pass, {@link #forward(NDArray, boolean)}, which must run the
 * network in evaluation mode whether or not gradients are recorded.
 */
public abstract class EngineClassifier implements DifferentiableClassifier {
    private final InputSpec inputSpec;
    private final int classes;
    private final ModelInfo info;
    private final AtomicLong queries = new AtomicLong();

    protected EngineClassifier(InputSpec inputSpec, int classes, ModelInfo info) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        this.inputSpec = inputSpec;
        this.classes = classes;
        this.info = info;
    }

    /**
     * One evaluation-mode forward pass producing logits {@code [N, classes]}.
     *
     * @param x input batch; its manager receives the output and all intermediates
     * @param recordGradients true when called under a gradient collector with an input that
     *     requires gradients: the pass must then be recorded by autograd
     */
    protected abstract NDArray forward(NDArray x, boolean recordGradients);

    @Override
    public final NDArray logits(NDArray x) {
        checkInput(x);
        queries.addAndGet(x.getShape().get(0));
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            NDArray out = ModelOutputs.checked(forward(x, false), x.getShape().get(0), classes, info);
            out.attach(parent);
            return out;
        }
    }

    @Override
    public final InputGradient gradient(NDArray x, LogitsObjective objective) {
        checkInput(x);
        queries.addAndGet(x.getShape().get(0));
        NDManager parent = x.getManager();
        return Autograd.collect(collector -> {
            try (NDManager scope = parent.newSubManager()) {
                // A detached alias shares x's storage without copying it; marking the alias as
                // requiring gradients leaves the caller's array untouched.
                NDArray input = x.stopGradient();
                input.attach(scope);
                input.setRequiresGradient(true);
                NDArray raw = forward(input, true);
                ModelOutputs.checked(raw.stopGradient(), x.getShape().get(0), classes, info);
                NDArray logits = raw.getDataType() == DataType.FLOAT32 ? raw : raw.toType(DataType.FLOAT32, false);
                NDArray value = objective.apply(logits);
                if (value.getShape().size() != 1) {
                    throw new IllegalArgumentException("the objective must be a scalar, got shape " + value.getShape());
                }
                collector.backward(value);
                NDArray grad = input.getGradient(); // its own handle: outlives the input's
                NDArray detached = logits.stopGradient();
                double objectiveValue = value.toType(DataType.FLOAT64, false).getDouble();
                grad.attach(parent);
                detached.attach(parent);
                return new InputGradient(detached, grad, objectiveValue);
            }
        });
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        long[] expected = new long[inputSpec.shape().length + 1];
        expected[0] = s.dimension() > 0 ? s.get(0) : -1;
        int[] spec = inputSpec.shape();
        for (int i = 0; i < spec.length; i++) {
            expected[i + 1] = spec[i];
        }
        if (!Arrays.equals(s.getShape(), expected)) {
            throw new IllegalArgumentException("input of shape " + s + " does not match the model's input "
                    + Arrays.toString(spec) + " (with a leading batch dimension)");
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("input must be float32, got " + x.getDataType());
        }
    }

    @Override
    public InputSpec inputSpec() {
        return inputSpec;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public long queries() {
        return queries.get();
    }

    @Override
    public ModelInfo info() {
        return info;
    }
}
