package dev.marauder.cli;

import dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment;
import dev.marauder.attacks.inference.inversion.AttributeInferenceResult;
import dev.marauder.attacks.inference.inversion.AttributeMetrics;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.TabularDatasets;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.TrainingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder attribute}: attribute inference end to end (Fredrikson et al. 2014 and 2015):
 * train a model on half of a table's rows, then infer a hidden sensitive attribute of members and
 * non-members from the model's answers; see
 * {@link dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment}.
 */
@Command(
        name = "attribute",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Attribute inference (MAP estimator, Fredrikson et al. 2014/2015): train a model on half of a",
            "table's rows, then guess each row's sensitive attribute from the model's scores, members against",
            "non-members, compared with always guessing the most common value."
        })
final class AttributeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D",
            description = "penguins (built in; label species) or a CSV file with a header row.")
    String data;

    @Option(
            names = "--sensitive",
            required = true,
            paramLabel = "ATTR",
            description = "The categorical column to infer (penguins: sex or island).")
    String sensitive;

    @Option(names = "--label", paramLabel = "COL", description = "The label column of a CSV file (penguins: species).")
    String label;

    @Option(
            names = "--arch",
            defaultValue = "mlp",
            paramLabel = "mlp|logreg",
            description = "Target model architecture (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--epochs", paramLabel = "E", description = "Training epochs (default 30).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Mini-batch size (default 16).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "L", description = "Adam learning rate (default 0.01).")
    Double lr;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Seeds the member/non-member split and training (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    OutputOptions output;

    /** Precision and recall of one value, for members and non-members. */
    record PerValue(
            String value,
            int supportMembers,
            Double precisionMembers,
            Double recallMembers,
            int supportNonMembers,
            Double precisionNonMembers,
            Double recallNonMembers) {}

    /** The JSON result of {@code marauder attribute}. */
    record AttributeResult(
            String dataset,
            String label,
            String sensitive,
            String arch,
            int members,
            int nonMembers,
            double accuracyMembers,
            double accuracyNonMembers,
            double baseline,
            double baselineMembers,
            double baselineNonMembers,
            String baselineValue,
            List<String> values,
            double[] prior,
            List<PerValue> perValue,
            long queries,
            double modelAccuracyMembers,
            double modelAccuracyNonMembers,
            Provenance provenance) {}

    @Override
    public Integer call() {
        Architecture architecture;
        try {
            architecture = Architecture.of(arch);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--arch: " + e.getMessage());
        }
        if (architecture == Architecture.CNN) {
            throw new UsageException("--arch cnn needs images; use logreg or mlp for a table");
        }
        TrainingSettings defaults = AttributeInferenceExperiment.defaultTraining(architecture, seed);
        TrainingSettings training;
        try {
            training = new TrainingSettings(
                    architecture,
                    epochs == null ? defaults.epochs() : epochs,
                    batch == null ? defaults.batchSize() : batch,
                    lr == null ? defaults.learningRate() : lr,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        SensitiveTable table = table();
        AttributeInferenceExperiment.Outcome outcome =
                AttributeInferenceExperiment.run(table, training, output.progress());
        AttributeInferenceResult r = outcome.inference();
        AttributeMetrics m = r.members();
        AttributeMetrics n = r.nonMembers();
        List<PerValue> perValue = new ArrayList<>();
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "attribute inference of %s (%s, label %s, %s): %d members, %d non-members, %d queries%n",
                outcome.sensitive(),
                outcome.dataset(),
                outcome.label(),
                architecture.id(),
                m.rows(),
                n.rows(),
                r.queries()));
        text.append(String.format(
                Locale.ROOT, "  members      accuracy %.4f  (baseline %.4f)%n", m.accuracy(), m.baselineAccuracy()));
        text.append(String.format(
                Locale.ROOT, "  non-members  accuracy %.4f  (baseline %.4f)%n", n.accuracy(), n.baselineAccuracy()));
        text.append(String.format(
                Locale.ROOT,
                "  baseline: always %s, accuracy %.4f over all rows%n",
                r.baselineValue(),
                r.baselineAccuracy()));
        for (int v = 0; v < r.values().size(); v++) {
            AttributeMetrics.ValueMetrics a = m.perValue().get(v);
            AttributeMetrics.ValueMetrics b = n.perValue().get(v);
            perValue.add(new PerValue(
                    a.value(), a.support(), a.precision(), a.recall(), b.support(), b.precision(), b.recall()));
            text.append(String.format(
                    Locale.ROOT,
                    "  %-12s precision %s / %s  recall %s / %s  (members / non-members)%n",
                    a.value(),
                    number(a.precision()),
                    number(b.precision()),
                    number(a.recall()),
                    number(b.recall())));
        }
        text.append(String.format(
                Locale.ROOT,
                "  model accuracy: members %.4f, non-members %.4f",
                outcome.trainAccuracy(),
                outcome.testAccuracy()));
        AttributeResult json = new AttributeResult(
                outcome.dataset(),
                outcome.label(),
                outcome.sensitive(),
                architecture.id(),
                m.rows(),
                n.rows(),
                m.accuracy(),
                n.accuracy(),
                r.baselineAccuracy(),
                m.baselineAccuracy(),
                n.baselineAccuracy(),
                r.baselineValue(),
                r.values(),
                r.prior(),
                perValue,
                r.queries(),
                outcome.trainAccuracy(),
                outcome.testAccuracy(),
                outcome.provenance());
        output.emit(spec.commandLine().getOut(), json, text.toString());
        return 0;
    }

    private SensitiveTable table() {
        if (TabularDatasets.PENGUINS.equals(data)) {
            if (label != null && !TabularDatasets.PENGUINS_LABEL.equals(label)) {
                throw new UsageException("the penguins' label is " + TabularDatasets.PENGUINS_LABEL + ", not '" + label
                        + "'; drop --label");
            }
            return UsageException.wrap(() -> TabularDatasets.penguins(sensitive));
        }
        if (label == null) {
            throw new UsageException("--label COL is required for a CSV file");
        }
        Path file = Path.of(data);
        Inputs.requireExists(file, "--data");
        return TabularDatasets.readCsv(file, label, sensitive);
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }
}
