package dev.marauder.defenses.detection;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.nn.LayerTap;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-layer representations of a batch, as the Deep k-NN sees them.
 *
 * <p>A built-in network ({@link BuiltinClassifier}, a sequential block) is walked child by child
 * with {@link LayerTap#run}, in evaluation mode: the input of every parametric layer after the
 * first (flattened) is a hidden representation ({@code hidden1}, {@code hidden2}, ...), and the
 * logits are the last. For the MLP these are the 256 ReLU activations and the 10 logits; for the
 * CNN the first pooled feature maps, the second, the 128 ReLU units and the logits. Any other
 * model gives no access to its layers: its output scores are the only representation.
 */
final class Representations {
    private Representations() {}

    /** Whether the Deep k-NN can see {@code model}'s hidden layers. */
    static boolean hasLayerAccess(Classifier model) {
        return model instanceof BuiltinClassifier b && b.djlModel().getBlock() instanceof SequentialBlock;
    }

    /**
     * Every representation of the batch {@code x}, in order (hidden layers, then the logits or
     * output scores), each {@code [N, dimension]} float32 and attached to {@code x}'s manager.
     *
     * @throws IllegalArgumentException if the model answers with labels only, or {@code x} does
     *     not fit its input
     */
    static List<NDArray> of(Classifier model, NDArray x) {
        if (model.outputKind() == OutputKind.LABELS) {
            throw new IllegalArgumentException(
                    "Deep k-NN needs a model that gives scores; " + model.info().name() + " answers with labels only");
        }
        requireShape(model, x);
        long n = x.getShape().get(0);
        NDManager parent = x.getManager();
        List<NDArray> out = new ArrayList<>();
        if (!hasLayerAccess(model)) {
            try (NDManager scope = parent.newSubManager()) {
                NDArray scores = model.predict(x);
                scores.attach(scope);
                NDArray flat = scores.toType(DataType.FLOAT32, true).reshape(n, -1);
                flat.attach(parent);
                out.add(flat);
            }
            return out;
        }
        Model djl = ((BuiltinClassifier) model).djlModel();
        SequentialBlock block = (SequentialBlock) djl.getBlock();
        // copy=false: the store hands out the model's own (frozen) parameter arrays
        ParameterStore parameters = new ParameterStore(djl.getNDManager(), false);
        try (NDManager scope = parent.newSubManager()) {
            NDArray h = x.duplicate();
            h.attach(scope);
            boolean afterFirstParametric = false;
            for (Block child : block.getChildren().values()) {
                if (!child.getParameters().isEmpty()) {
                    if (afterFirstParametric) {
                        out.add(h.reshape(n, -1));
                    }
                    afterFirstParametric = true;
                }
                h = LayerTap.run(child, parameters, h, false, LayerTap.PLAIN);
            }
            out.add(h.reshape(n, -1));
            for (NDArray r : out) {
                r.attach(parent);
            }
        }
        return out;
    }

    /** The names and sizes of {@link #of}'s representations, found from a pass over {@code x}. */
    static List<Layer> layers(Classifier model, NDArray x) {
        List<Layer> layers = new ArrayList<>();
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray probe = x.duplicate();
            probe.attach(scope);
            List<NDArray> reps = of(model, probe);
            for (int i = 0; i < reps.size(); i++) {
                int dimension = Math.toIntExact(reps.get(i).getShape().get(1));
                layers.add(new Layer(name(i, reps.size()), dimension));
            }
        }
        return layers;
    }

    /** The name of representation {@code i} of {@code count}: {@code hidden<i+1>}, the last {@code logits}. */
    static String name(int i, int count) {
        return i == count - 1 ? Layer.LOGITS : "hidden" + (i + 1);
    }

    private static void requireShape(Classifier model, NDArray x) {
        int[] spec = model.inputSpec().shape();
        long[] s = x.getShape().getShape();
        boolean fits = s.length == spec.length + 1;
        for (int i = 0; fits && i < spec.length; i++) {
            fits = s[i + 1] == spec[i];
        }
        if (!fits) {
            throw new IllegalArgumentException("inputs of shape " + x.getShape() + " do not fit the model's input "
                    + java.util.Arrays.toString(spec) + " (with a leading batch dimension)");
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("inputs must be float32, got " + x.getDataType());
        }
    }
}
