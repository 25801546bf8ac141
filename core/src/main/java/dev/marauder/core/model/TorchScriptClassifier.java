package dev.marauder.core.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * White-box access to a TorchScript model trained elsewhere in PyTorch ({@code torch.jit.save}).
 *
 * <p>Gradients are taken in evaluation mode. DJL's usual forward path either runs under
 * libtorch's inference mode (no autograd at all) or switches the module to {@code train()}, which
 * changes BatchNorm to batch statistics and turns Dropout on. Here the module is loaded with
 * trainable (non-inference) parameters, put in {@code eval()} once, its parameters frozen, and
 * the gradient pass calls the module's {@code forward} with autograd enabled but without touching
 * its mode. The plain pass keeps libtorch's inference mode for speed.
 */
public final class TorchScriptClassifier extends EngineClassifier {
    private final Model model;
    private final PtSymbolBlock block;
    private final ModelOutput output;

    private TorchScriptClassifier(
            Model model, PtSymbolBlock block, InputSpec spec, int classes, ModelInfo info, ModelOutput output) {
        super(spec, classes, info);
        this.model = model;
        this.block = block;
        this.output = output;
    }

    /** Loads a TorchScript file whose output is logits; see {@link #load(Path, InputSpec, ModelOutput)}. */
    public static TorchScriptClassifier load(Path file, InputSpec spec) {
        return load(file, spec, ModelOutput.LOGITS);
    }

    /**
     * Loads a TorchScript file.
     *
     * @param file path of the {@code .pt} file, read only from where the user points
     * @param spec input shape and bounds (TorchScript files do not record them)
     * @param output what the model returns; probabilities and log probabilities are turned into
     *     logits-equivalent scores inside the forward pass, so gradients see the same transform
     * @throws DataFormatException if the file is missing or is not a TorchScript archive, or the
     *     model's output does not have the shape {@code [N, classes]}
     */
    public static TorchScriptClassifier load(Path file, InputSpec spec, ModelOutput output) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "model file not found");
        }
        String hash = FileHash.sha256(file);
        Engines.pytorch();
        Model model = Model.newInstance(file.getFileName().toString(), Engines.PYTORCH);
        try {
            model.load(file.toAbsolutePath(), null, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new DataFormatException(file, "not a TorchScript model (" + Messages.firstLine(e) + ")", e);
        }
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        JniUtils.enableInferenceMode(block); // module.eval(): BatchNorm running stats, Dropout off
        block.freezeParameters(true); // gradients flow to the input only
        int classes;
        try (NDManager probe = model.getNDManager().newSubManager()) {
            long[] shape = new long[spec.shape().length + 1];
            shape[0] = 1;
            for (int i = 0; i < spec.shape().length; i++) {
                shape[i + 1] = spec.shape()[i];
            }
            NDArray out = IValueUtils.forward(block, new NDList(probe.zeros(new Shape(shape))), false)
                    .singletonOrThrow();
            if (out.getShape().dimension() != 2 || out.getShape().get(0) != 1) {
                throw new DataFormatException(
                        file,
                        "model output has shape " + out.getShape() + " for one input of shape " + new Shape(shape)
                                + "; expected [1, classes]");
            }
            classes = Math.toIntExact(out.getShape().get(1));
        } catch (RuntimeException e) {
            model.close();
            if (e instanceof DataFormatException) {
                throw e;
            }
            throw new DataFormatException(
                    file,
                    "model does not accept inputs of shape " + java.util.Arrays.toString(spec.shape()) + " ("
                            + Messages.firstLine(e) + ")",
                    e);
        }
        ModelInfo info = new ModelInfo(
                file.getFileName().toString(),
                ModelFormat.TORCHSCRIPT,
                Map.of(file.toAbsolutePath().normalize().toString(), hash));
        return new TorchScriptClassifier(model, block, spec, classes, info, output);
    }

    @Override
    protected NDArray forward(NDArray x, boolean recordGradients) {
        NDArray out = IValueUtils.forward(block, new NDList(x), recordGradients).singletonOrThrow();
        if (output == ModelOutput.PROBABILITIES) {
            ModelOutputs.requireProbabilities(out.stopGradient(), info());
            return out.maximum(1e-30f).log(); // softmax(log p) = p: logits-equivalent, differentiable
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
