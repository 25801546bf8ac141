package dev.marauder.cli;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.ModelDescription;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of commands that run a model over labelled data ({@code eval}, {@code attack}):
 * {@code --model}, {@code --data}, {@code --labels}, {@code --batch} and what the model does not
 * record about itself ({@link ModelOptions}), with one description and one set of checks.
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

    @Mixin
    ModelOptions described;

    @Option(
            names = "--batch",
            defaultValue = "256",
            paramLabel = "B",
            description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    /**
     * Checks the batch size and returns what is known about the model: its directory's card, or
     * its description file and the options for a {@code .pt}/{@code .onnx} file (see {@link
     * ModelOptions#describe}).
     *
     * @throws UsageException for a batch below 1, or malformed or contradicting options
     */
    ModelDescription description() {
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        return described.describe(existingModel());
    }

    /** The model path, after checking that it exists. */
    Path existingModel() {
        Inputs.requireExists(model, "--model");
        return model;
    }

    /** The labelled data, in the input shape the model's description declares if it declares one. */
    LabeledData labelledData() {
        return Inputs.shapedFor(Inputs.evaluationData(data, labels), description());
    }
}
