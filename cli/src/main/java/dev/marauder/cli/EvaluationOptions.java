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
            description = "Model directory, TorchScript .pt or .onnx file, or a model behind an API:"
                    + " http://HOST:PORT/v2/models/NAME (Open Inference Protocol) or"
                    + " http://HOST:PORT/v1/models/NAME:predict (TensorFlow Serving); white-box attacks need a"
                    + " directory or .pt.")
    String model;

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

    @Mixin
    RemoteOptions remote;

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
        return described.describe(model);
    }

    /**
     * The model file or directory of a white-box command, after checking that it exists.
     *
     * @param what what needs gradients, for the message
     * @throws UsageException for a model behind an API, or options that only such a model takes
     */
    Path existingModel(String what) {
        Inputs.requireLocal(model, what);
        remote.requireUnused(model);
        Path path = Path.of(model);
        Inputs.requireExists(path, "--model");
        return path;
    }

    /**
     * Checks, before the data are read, that a model file or directory exists (and takes no
     * options of a model behind an API), or that a model behind an API has well-formed options.
     */
    void checkBlackBoxModel() {
        if (dev.marauder.core.model.Models.isUrl(model)) {
            remote.settings();
        } else {
            remote.requireUnused(model);
            Inputs.requireExists(Path.of(model), "--model");
        }
    }

    /** Opens the model, local or behind an API, for black-box use, and checks the data fit it. */
    dev.marauder.core.model.Classifier openBlackBox(LabeledData data) {
        return Inputs.openChecked(model, data, description(), remote);
    }

    /** The labelled data, in the input shape the model's description declares if it declares one. */
    LabeledData labelledData() {
        return Inputs.shapedFor(Inputs.evaluationData(data, labels), description());
    }
}
