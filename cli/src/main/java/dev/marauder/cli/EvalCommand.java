package dev.marauder.cli;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code marauder eval}: accuracy of any supported model on labelled data. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate a model's accuracy (model directory, TorchScript .pt or .onnx, or a model behind an API:"
                        + " http://HOST:PORT/v2/models/NAME).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    EvaluationOptions in;

    @Mixin
    OutputOptions output;

    /** The JSON result of {@code marauder eval}. */
    record EvalResult(
            double accuracy,
            int examples,
            int correct,
            double seconds,
            String model,
            String format,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            Long queries,

            Provenance provenance) {}

    @Override
    public Integer call() {
        in.description(); // the batch size and the model options, checked before the data are read
        String model = in.model;
        in.checkBlackBoxModel();
        int batch = in.batch;
        Provenance.Recorder prov = Provenance.start();
        LabeledData d = in.labelledData();
        try (Classifier c = in.openBlackBox(d)) {
            long t0 = System.nanoTime();
            double accuracy = Training.accuracy(c, d, batch);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int correct = (int) Math.round(accuracy * d.size());
            prov.setting("batch", batch).hashes(c.info().fileHashes()).hash("data", d.sha256());
            EvalResult r = new EvalResult(
                    accuracy,
                    d.size(),
                    correct,
                    seconds,
                    model,
                    c.info().format().name().toLowerCase(java.util.Locale.ROOT),
                    c.info().format() == dev.marauder.core.model.ModelFormat.REMOTE ? c.queries() : null,
                    prov.finish());
            output.emit(
                    spec.commandLine().getOut(),
                    r,
                    String.format("accuracy %.4f (%d/%d) in %.2f s", accuracy, correct, d.size(), seconds));
        }
        return 0;
    }
}
