package dev.marauder.cli;

import dev.marauder.core.data.LabeledData;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of commands that run a model over labelled data ({@code eval}, {@code attack}):
 * {@code --model}, {@code --data}, {@code --labels}, {@code --bounds} and {@code --batch}, with
 * one description and one set of checks.
 */
final class EvaluationOptions {
    @Option(
            names = "--model",
            required = true,
            paramLabel = "M",
            description = "Model directory, TorchScript .pt or .onnx file (white-box attacks need a directory or .pt).")
    Path model;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "X",
            description = "Features file (.npy, IDX), or a dataset name/directory whose test split is used.")
    String data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels file (.npy, IDX) for --data.")
    Path labels;

    @Option(
            names = "--bounds",
            paramLabel = "LO,HI",
            description = "Valid input range of .pt/.onnx models (default 0,1); a Marauder model directory's own bounds"
                    + " are used, and a --bounds that contradicts them is refused.")
    String bounds;

    @Option(
            names = "--output",
            paramLabel = "logits|probabilities|log-probabilities",
            description = "What a .pt/.onnx model returns (default logits); attacks and metrics then use the right"
                    + " transform.")
    String output;

    @Option(
            names = "--batch",
            defaultValue = "256",
            paramLabel = "B",
            description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    /**
     * Checks the batch size and returns the model's input bounds: those its directory records, or
     * {@code --bounds} for formats that record none (see {@link Inputs#boundsFor}).
     *
     * @throws UsageException for a batch below 1 or malformed or contradicting bounds
     */
    float[] checkedBounds() {
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        return Inputs.boundsFor(existingModel(), bounds);
    }

    /** The model path, after checking that it exists. */
    Path existingModel() {
        Inputs.requireExists(model, "--model");
        return model;
    }

    /** What the model returns, as declared with {@code --output}. */
    dev.marauder.core.model.ModelOutput modelOutput() {
        return Inputs.output(output);
    }

    /** The labelled data. */
    LabeledData labelledData() {
        return Inputs.evaluationData(data, labels);
    }
}
