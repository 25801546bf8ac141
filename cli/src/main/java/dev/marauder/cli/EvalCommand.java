package dev.marauder.cli;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder eval}: accuracy of any supported model on labelled data. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model's accuracy (model directory, TorchScript .pt or .onnx).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M", description = "Model directory, .pt or .onnx file.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "X",
            description = "Features file (.npy, IDX), or a dataset name/directory whose test split is used.")
    String data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels file (.npy, IDX) for --data.")
    Path labels;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--bounds", defaultValue = "0,1", paramLabel = "LO,HI",
            description = "Valid input range for .pt/.onnx models (default ${DEFAULT-VALUE}).")
    String bounds;

    @Mixin
    OutputOptions output;

    /** The JSON result of {@code marauder eval}. */
    record EvalResult(double accuracy, int examples, int correct, double seconds, String model, String format,
            Provenance provenance) {}

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        float[] range = Inputs.bounds(bounds);
        Inputs.requireExists(model, "--model");
        Provenance.Recorder prov = Provenance.start();
        LabeledData d = Inputs.evaluationData(data, labels);
        try (Classifier c = Inputs.openChecked(model, d, range)) {
            long t0 = System.nanoTime();
            double accuracy = Training.accuracy(c, d, batch);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int correct = (int) Math.round(accuracy * d.size());
            prov.setting("batch", batch).hashes(c.info().fileHashes()).hash("data", d.sha256());
            EvalResult r = new EvalResult(accuracy, d.size(), correct, seconds, model.toString(),
                    c.info().format().name().toLowerCase(java.util.Locale.ROOT), prov.finish());
            output.emit(spec.commandLine().getOut(), r, String.format(
                    "accuracy %.4f (%d/%d) in %.2f s", accuracy, correct, d.size(), seconds));
        }
        return 0;
    }
}
