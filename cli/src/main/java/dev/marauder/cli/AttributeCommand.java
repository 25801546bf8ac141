package dev.marauder.cli;

import dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment;
import dev.marauder.attacks.inference.inversion.AttributeInferenceResult;
import dev.marauder.attacks.inference.inversion.AttributeMetrics;
import dev.marauder.attacks.inference.membership.ReferenceModelDirectory;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.TabularDatasets;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelDescription;
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
 * {@code marauder attribute}: attribute inference (Fredrikson et al. 2014 and 2015) against
 * members and non-members of a model's training set: end to end (train a model on half of a
 * table's rows) or against a given model ({@code --model}, any format, with {@code --members}
 * saying which rows it was trained on); see
 * {@link dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment}.
 */
@Command(
        name = "attribute",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Attribute inference (MAP estimator, Fredrikson et al. 2014/2015): train a model on half of a",
            "table's rows (or attack --model M, trained on the rows --members marks), then guess each row's",
            "sensitive attribute from the model's scores, members against non-members, compared with always",
            "guessing the most common value."
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
            names = "--model",
            converter = LocalModelPath.class,
            paramLabel = "M",
            description = {
                "Attack this model (directory, .pt or .onnx) instead of training one. Its inputs are the table's",
                "features: numeric columns, then one-hot blocks (values sorted), in the file's column order, the",
                "label left out; its classes the label's values, sorted."
            })
    Path model;

    @Option(
            names = "--members",
            paramLabel = "FILE",
            description = "With --model: .npy of 0/1 (or bool), one per table row in file order: 1 if the model was"
                    + " trained on the row.")
    Path membersFile;

    @Option(
            names = "--features",
            paramLabel = "standardized|raw",
            description = "With --model: numeric columns standardised with the members' mean and std (default, as"
                    + " Marauder trains) or raw.")
    String features;

    /** {@code --bounds} (default: the range of the encoded rows), {@code --output} and the rest, for {@code --model}. */
    @Mixin
    ModelOptions described;

    @Option(names = "--arch", paramLabel = "mlp|logreg", description = "Target model architecture (default mlp).")
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
            String model,
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
        if (model != null) {
            return attackGivenModel();
        }
        if (membersFile != null || features != null || described.bounds != null || described.describesAModelFile()) {
            throw new UsageException("--members, --features and the model options (--bounds, --output, --mean, --std,"
                    + " --layout, --class-names, --model-description) go with --model");
        }
        if (arch == null) {
            arch = "mlp";
        }
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
        return emit(outcome, architecture.id(), null);
    }

    /** The attack against --model, trained on the rows --members marks. */
    private Integer attackGivenModel() {
        if (arch != null || epochs != null || batch != null || lr != null) {
            throw new UsageException("--arch, --epochs, --batch and --lr train a model; with --model none is trained");
        }
        if (membersFile == null) {
            throw new UsageException("--model needs --members FILE: which rows of the table the model was trained on"
                    + " (attribute inference compares members with non-members)");
        }
        AttributeInferenceExperiment.Encoding encoding;
        try {
            encoding = features == null
                    ? AttributeInferenceExperiment.Encoding.STANDARDIZED
                    : AttributeInferenceExperiment.Encoding.valueOf(features.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--features must be standardized or raw, got '" + features + "'");
        }
        Inputs.requireExists(model, "--model");
        ModelDescription description = described.describe(model);
        Inputs.requireExists(membersFile, "--members");
        SensitiveTable table = table();
        boolean[] members = ReferenceModelDirectory.readMask(membersFile, table.size());
        if (description.lowerBounds() == null) {
            float[] range;
            try {
                range = AttributeInferenceExperiment.inputBounds(table, members, encoding);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(membersFile + ": " + e.getMessage());
            }
            description = new ModelDescription(
                    description.inputShape(),
                    description.layout(),
                    new float[] {range[0]},
                    new float[] {range[1]},
                    description.normalization(),
                    description.output(),
                    description.classNames());
        }
        // the rows as the model sees them, for the checks every command makes (shape, bounds, labels)
        LabeledData rows = encoding == AttributeInferenceExperiment.Encoding.STANDARDIZED
                ? table.toLabeledData(table.select(trueRows(members)).standardization())
                : table.toLabeledData();
        AttributeInferenceExperiment.Outcome outcome;
        try (Classifier target = Inputs.openChecked(model, Inputs.shapedFor(rows, description), description)) {
            outcome = AttributeInferenceExperiment.attack(
                    target, table, members, encoding, java.util.Map.of("model", model.toString()));
        }
        return emit(outcome, null, model.toString());
    }

    private static int[] trueRows(boolean[] mask) {
        return java.util.stream.IntStream.range(0, mask.length)
                .filter(i -> mask[i])
                .toArray();
    }

    private Integer emit(AttributeInferenceExperiment.Outcome outcome, String architectureId, String modelPath) {
        String what = architectureId != null ? architectureId : modelPath;
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
                what,
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
                architectureId,
                modelPath,
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
