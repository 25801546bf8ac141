package dev.marauder.core.model;

import dev.marauder.core.io.DataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens a model from a path the user gives, choosing the format by what the path is: a Marauder
 * model directory, a TorchScript file ({@code .pt}, {@code .pth}, {@code .torchscript}) or an
 * ONNX file ({@code .onnx}).
 */
public final class Models {
    private Models() {}

    /**
     * Opens any supported model with black-box access.
     *
     * @param path the model directory or file
     * @param spec input shape and bounds for formats that do not record them (TorchScript, ONNX);
     *     ignored for Marauder model directories, whose card records them
     */
    public static Classifier open(Path path, InputSpec spec) {
        return open(path, spec, ModelOutput.LOGITS);
    }

    /**
     * Opens a model with black-box access, declaring what a TorchScript or ONNX file returns
     * (ignored for Marauder model directories, which give logits).
     */
    public static Classifier open(Path path, InputSpec spec, ModelOutput output) {
        return switch (formatOf(path)) {
            case MARAUDER -> BuiltinClassifier.load(path);
            case TORCHSCRIPT -> TorchScriptClassifier.load(path, spec, output);
            case ONNX ->
                OnnxClassifier.load(
                        path, spec, output == ModelOutput.PROBABILITIES ? OutputKind.PROBABILITIES : OutputKind.LOGITS);
            case REMOTE -> throw notAFile(path);
        };
    }

    /**
     * Opens any supported model with black-box access, as its description says: shape, layout
     * and bounds of the raw input, the normalisation folded in front of the model, and what it
     * returns.
     *
     * @param description what the model file does not record; must be empty (apart from class
     *     names) for a Marauder model directory, whose card records it
     * @param dataShape the shape of one example of the data, used when the description gives none
     */
    public static Classifier open(Path path, ModelDescription description, int[] dataShape) {
        if (formatOf(path) == ModelFormat.MARAUDER) {
            requireNothingForDirectory(path, description);
            return BuiltinClassifier.load(path);
        }
        InputSpec spec = description.inputSpec(dataShape);
        Normalization n = description.normalization();
        if (n != null) {
            n.requireFits(spec);
        }
        Classifier model = open(path, spec, description.outputOrDefault());
        return n == null ? model : n.prepend(model, spec);
    }

    /** Opens a model with white-box access as its description says; see {@link #open(Path, ModelDescription, int[])}. */
    public static DifferentiableClassifier openDifferentiable(
            Path path, ModelDescription description, int[] dataShape) {
        if (formatOf(path) == ModelFormat.MARAUDER) {
            requireNothingForDirectory(path, description);
            return BuiltinClassifier.load(path);
        }
        InputSpec spec = description.inputSpec(dataShape);
        Normalization n = description.normalization();
        if (n != null) {
            n.requireFits(spec);
        }
        DifferentiableClassifier model = openDifferentiable(path, spec, description.outputOrDefault());
        return n == null ? model : n.prepend(model, spec);
    }

    private static void requireNothingForDirectory(Path path, ModelDescription d) {
        if (d.normalization() != null) {
            throw new IllegalArgumentException(path + " is a Marauder model directory, trained on raw inputs: a"
                    + " normalisation applies to .pt/.onnx files only");
        }
        ModelDescription card = describeDirectory(path);
        ModelDescription given = new ModelDescription(
                d.inputShape(), d.layout(), d.lowerBounds(), d.upperBounds(), d.normalization(), d.output(), null);
        try {
            card.combinedWith(given, path.toString(), "the description given");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (a Marauder model directory's card records its input"
                    + " shape, bounds and output; layout, normalisation and output options are for .pt/.onnx files)");
        }
    }

    /**
     * What a Marauder model directory's card says: input shape, channels first, bounds, no
     * normalisation, logits, and its class names if it records them.
     */
    public static ModelDescription describeDirectory(Path dir) {
        ModelCard card = BuiltinClassifier.readCard(dir);
        List<String> names = card.classNames() == null || card.classNames().isEmpty() ? null : card.classNames();
        return new ModelDescription(
                card.inputShape(),
                Layout.NCHW,
                new float[] {card.inputLower()},
                new float[] {card.inputUpper()},
                null,
                ModelOutput.LOGITS,
                names);
    }

    /**
     * Opens a model with white-box (gradient) access.
     *
     * @throws DataFormatException if the format allows only black-box access (ONNX)
     */
    public static DifferentiableClassifier openDifferentiable(Path path, InputSpec spec) {
        return openDifferentiable(path, spec, ModelOutput.LOGITS);
    }

    /** Opens a model with white-box access, declaring what a TorchScript file returns. */
    public static DifferentiableClassifier openDifferentiable(Path path, InputSpec spec, ModelOutput output) {
        return switch (formatOf(path)) {
            case MARAUDER -> BuiltinClassifier.load(path);
            case TORCHSCRIPT -> TorchScriptClassifier.load(path, spec, output);
            case ONNX ->
                throw new DataFormatException(
                        path,
                        "ONNX models give black-box access only; gradient-based work needs a TorchScript file or a Marauder model directory");
            case REMOTE -> throw notAFile(path);
        };
    }

    private static IllegalStateException notAFile(Path path) {
        return new IllegalStateException("formatOf never calls " + path + " a remote model");
    }

    /**
     * True if {@code location} names a model behind an HTTP API ({@code http://} or {@code
     * https://}) rather than a file or directory: such a model gives black-box access only and
     * opens through {@code dev.marauder.core.model.remote.RemoteClassifier}.
     */
    public static boolean isUrl(String location) {
        String l = location == null ? "" : location.strip().toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    /** The format of the model at {@code path}, judged by what exists there and its extension. */
    public static ModelFormat formatOf(Path path) {
        if (Files.isDirectory(path)) {
            return ModelFormat.MARAUDER;
        }
        if (!Files.exists(path)) {
            throw new DataFormatException(path, "model not found");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return ModelFormat.ONNX;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript") || name.endsWith(".zip")) {
            return ModelFormat.TORCHSCRIPT;
        }
        throw new DataFormatException(
                path,
                "unknown model format; expected a Marauder model directory, a TorchScript .pt file or an .onnx file");
    }

    /** True if the model at {@code path} records its own input specification. */
    public static boolean recordsInputSpec(Path path) {
        return Files.isDirectory(path);
    }
}
