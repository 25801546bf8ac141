package dev.marauder.audit;

import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model and its clean accuracy on the test data: the baseline every other number is read
 * against. Applies to every model (black-box queries suffice).
 */
public final class ModelCheck implements AuditCheck<ModelCheck.Result> {

    /**
     * What the audit knows about the model, and its clean accuracy.
     *
     * @param name the model's name
     * @param format its file format, lower case
     * @param inputShape its input shape
     * @param inputBounds its valid input range {@code [lower, upper]}
     * @param classes its number of classes
     * @param output what its scores are (logits, probabilities...)
     * @param testData name or path of the test data
     * @param testExamples number of test examples
     * @param cleanAccuracy accuracy on the clean test data
     * @param seconds time to compute it
     * @param fileSha256 SHA-256 of each model file, by path
     * @param modelCard the model card of a Marauder model, else null
     * @param command the command that reproduces the accuracy
     */
    public record Result(
            String name,
            String format,
            int[] inputShape,
            float[] inputBounds,
            int classes,
            String output,
            String testData,
            int testExamples,
            double cleanAccuracy,
            double seconds,
            Map<String, String> fileSha256,
            ModelCard modelCard,
            String command) {}

    @Override
    public String id() {
        return "model";
    }

    @Override
    public String name() {
        return "clean accuracy";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        return Applicability.yes();
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        Classifier m = context.model();
        long t0 = System.nanoTime();
        double accuracy =
                Training.accuracy(m, context.test(), context.settings().batchSize());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(
                m.info().name(),
                m.info().format().name().toLowerCase(Locale.ROOT),
                m.inputSpec().shape(),
                new float[] {m.inputSpec().lower(), m.inputSpec().upper()},
                m.classes(),
                m.outputKind().name().toLowerCase(Locale.ROOT),
                context.dataName(),
                context.test().size(),
                accuracy,
                seconds,
                m.info().fileHashes(),
                context.card().orElse(null),
                "marauder eval --model " + context.modelArgument() + " " + context.dataArguments());
    }

    @Override
    public ReportSection section(Result r) {
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("name", r.name());
        kv.put("format", r.format());
        kv.put("input shape", Arrays.toString(r.inputShape()));
        kv.put("input bounds", "[" + r.inputBounds()[0] + ", " + r.inputBounds()[1] + "]");
        kv.put("classes", Integer.toString(r.classes()));
        kv.put("output", r.output());
        kv.put("test data", r.testData());
        kv.put("test examples", Integer.toString(r.testExamples()));
        kv.put("clean accuracy", Double.toString(r.cleanAccuracy()));
        ModelCard card = r.modelCard();
        Section.Builder s = Section.builder(id(), "Model");
        if (card != null) {
            kv.put("architecture", card.architecture());
            kv.put("trained on", card.dataset() + " (" + card.trainExamples() + " examples)");
            kv.put(
                    "training",
                    card.epochs() + " epochs, batch " + card.batchSize() + ", " + card.optimizer() + " lr "
                            + card.learningRate() + ", seed " + card.seed());
            kv.put("test accuracy at training", Double.toString(card.testAccuracy()));
            kv.put("training seconds", Double.toString(card.trainingSeconds()));
            kv.put(
                    "differential privacy",
                    card.privacy() == null ? "none (no formal guarantee)" : String.valueOf(card.privacy()));
            s.paragraph("A Marauder model directory; its model card is summarised below.");
        } else {
            s.paragraph("A model file trained elsewhere; the input specification below was given to Marauder.");
        }
        r.fileSha256().forEach((path, hash) -> kv.put("sha256 " + Path.of(path).getFileName(), hash));
        s.keyValues(kv);
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        return List.of(new SummaryLine(
                "Baseline (clean accuracy)",
                r.testExamples() + " examples of " + r.testData(),
                String.format(Locale.ROOT, "clean accuracy %.4f", r.cleanAccuracy()),
                SeverityRules.baseline(),
                SeverityRules.BASELINE,
                r.command()));
    }
}
