package dev.marauder.cli;

import dev.marauder.core.data.DataChecks;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.ModelOutput;
import dev.marauder.core.model.Models;
import dev.marauder.core.model.Normalization;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.remote.RemoteClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Turns the command line's model and data arguments into checked library objects. */
final class Inputs {
    private Inputs() {}

    /**
     * Evaluation data: a built-in dataset name or dataset directory (its test split) when no
     * labels file is given, otherwise a features file and a labels file.
     */
    static LabeledData evaluationData(String data, Path labels) {
        if (labels == null) {
            return Datasets.load(data).test();
        }
        return Datasets.loadPair(Path.of(data), labels);
    }

    /** The input spec for formats that do not record one: the data's example shape and the bounds. */
    static InputSpec specFor(LabeledData data, float[] bounds) {
        return new InputSpec(data.features().exampleShape(), bounds[0], bounds[1]);
    }

    /**
     * Opens a model for black-box use as {@code description} says (the shape from the data when
     * it gives none) and checks that the data and the class names fit it.
     */
    static Classifier openChecked(Path model, LabeledData data, ModelDescription description) {
        requireFits(description, data.features().exampleShape());
        Classifier c = Models.open(model, description, data.features().exampleShape());
        return check(check(c, data), description);
    }

    /**
     * Opens a model given on the command line for black-box use: a model behind an API ({@code
     * http://...}, queried as {@code remote} says) or a model file or directory (when {@code
     * remote} must be unused), as {@code description} says, and checks that the data and the
     * class names fit it.
     *
     * @throws UsageException for remote options given with a local model, or malformed ones
     */
    static Classifier openChecked(
            String location, LabeledData data, ModelDescription description, RemoteOptions remote) {
        if (!Models.isUrl(location)) {
            remote.requireUnused(location);
            Path path = Path.of(location);
            requireExists(path, "--model");
            return openChecked(path, data, description);
        }
        requireFits(description, data.features().exampleShape());
        InputSpec given = description.inputSpec(data.features().exampleShape());
        OutputKind kind = description.outputOrDefault() == ModelOutput.PROBABILITIES
                ? OutputKind.PROBABILITIES
                : OutputKind.LOGITS;
        Classifier c = RemoteClassifier.open(location, remote.settings(), given, kind);
        Normalization n = description.normalization();
        if (n != null) {
            try {
                n.requireFits(c.inputSpec());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mean/--std: " + e.getMessage());
            }
            c = n.prepend(c, c.inputSpec());
        }
        return check(check(c, data), description);
    }

    /**
     * Refuses a model behind an API where gradients are needed.
     *
     * @throws UsageException naming the command's need
     */
    static void requireLocal(String location, String what) {
        if (Models.isUrl(location)) {
            throw new UsageException(what + " needs white-box access (gradients), but --model " + location
                    + " is a model behind an API (black-box: queries only); give a TorchScript .pt file or a Marauder"
                    + " model directory");
        }
    }

    /** Opens a model for white-box use as {@code description} says and checks the data fit it. */
    static DifferentiableClassifier openDifferentiableChecked(
            Path model, LabeledData data, ModelDescription description) {
        requireFits(description, data.features().exampleShape());
        DifferentiableClassifier c =
                Models.openDifferentiable(model, description, data.features().exampleShape());
        return check(check(c, data), description);
    }

    /**
     * Checks that per-channel bounds and the normalisation fit the input's channels.
     *
     * @throws UsageException naming the mismatch (they come from options or the description file)
     */
    static void requireFits(ModelDescription description, int[] dataShape) {
        try {
            dev.marauder.core.model.InputSpec spec = description.inputSpec(dataShape);
            if (description.normalization() != null) {
                description.normalization().requireFits(spec);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--bounds/--mean/--std or the model description: " + e.getMessage());
        }
    }

    /**
     * The data in the shape the description declares, when it declares one of the same size
     * ({@code [N, 784]} rows for a model of {@code [1, 28, 28]} inputs); otherwise unchanged, and
     * a shape that does not fit is reported when the model is opened.
     */
    static LabeledData shapedFor(LabeledData data, ModelDescription description) {
        int[] declared = description.inputShape();
        FloatTensor x = data.features();
        if (declared == null || x.rank() == 0 || Arrays.equals(x.exampleShape(), declared)) {
            return data;
        }
        long size = 1;
        for (int d : declared) {
            size *= d;
        }
        if (size != x.exampleSize()) {
            return data;
        }
        int[] shape = new int[declared.length + 1];
        shape[0] = x.examples();
        System.arraycopy(declared, 0, shape, 1, declared.length);
        return new LabeledData(x.reshape(shape), data.labels(), data.source(), data.sha256());
    }

    private static <C extends Classifier> C check(C model, ModelDescription description) {
        List<String> names = description.classNames();
        if (names != null && names.size() != model.classes()) {
            model.close();
            throw new DataFormatException("the class names given hold " + names.size() + " names, but the model has "
                    + model.classes() + " classes");
        }
        return model;
    }

    /**
     * The narrowest and the widest channel of the input box a description declares ([0, 1] when
     * none): default epsilons scale with the first; an L-infinity budget above the second is
     * meaningless.
     */
    static double[] widths(ModelDescription description) {
        float[] lo = description.lowerBounds() == null ? new float[] {0f} : description.lowerBounds();
        float[] hi = description.upperBounds() == null ? new float[] {1f} : description.upperBounds();
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        for (int c = 0; c < lo.length; c++) {
            smallest = Math.min(smallest, hi[c] - lo[c]);
            largest = Math.max(largest, hi[c] - lo[c]);
        }
        return new double[] {smallest, largest};
    }

    /** Opens a model for black-box use and checks the data fits it. */
    static Classifier openChecked(Path model, LabeledData data, float[] bounds) {
        return openChecked(model, data, bounds, ModelOutput.LOGITS);
    }

    /** Opens a model for black-box use, declaring what a .pt/.onnx file returns, and checks the data fits it. */
    static Classifier openChecked(Path model, LabeledData data, float[] bounds, ModelOutput output) {
        Classifier c = Models.open(model, specFor(data, bounds), output);
        return check(c, data);
    }

    /** Opens a model for white-box use and checks the data fits it. */
    static DifferentiableClassifier openDifferentiableChecked(Path model, LabeledData data, float[] bounds) {
        return openDifferentiableChecked(model, data, bounds, ModelOutput.LOGITS);
    }

    /** Opens a model for white-box use, declaring what a .pt file returns, and checks the data fits it. */
    static DifferentiableClassifier openDifferentiableChecked(
            Path model, LabeledData data, float[] bounds, ModelOutput output) {
        DifferentiableClassifier c = Models.openDifferentiable(model, specFor(data, bounds), output);
        return check(c, data);
    }

    private static <C extends Classifier> C check(C model, LabeledData data) {
        try {
            if (data.size() == 0) {
                throw new DataFormatException(
                        data.source() + ": holds no examples; an accuracy of nothing means nothing");
            }
            InputSpec spec = model.inputSpec();
            DataChecks.requireExampleShape(data.features(), spec.shape(), data.source());
            DataChecks.requireFinite(data.features(), data.source());
            DataChecks.requireWithinPerChannel(
                    data.features(), spec.lowerBounds(), spec.upperBounds(), spec.channelAxis(), data.source());
            DataChecks.requireLabelsBelow(data.labels(), model.classes(), data.source());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Target labels of a targeted attack: one per example, each a class of the model. */
    static int[] targetLabels(Path file, int examples, int classes) {
        int[] t = Datasets.loadLabels(file);
        if (t.length != examples) {
            throw new DataFormatException(file, t.length + " target labels for " + examples + " examples");
        }
        DataChecks.requireLabelsBelow(t, classes, file.toString());
        return t;
    }

    /** Parses {@code --bounds LO,HI}: two finite numbers with {@code LO < HI}. */
    static float[] bounds(String text) {
        String[] p = text.split(",");
        try {
            if (p.length == 2) {
                float lo = Float.parseFloat(p[0].trim());
                float hi = Float.parseFloat(p[1].trim());
                if (lo < hi && Float.isFinite(lo) && Float.isFinite(hi)) {
                    return new float[] {lo, hi};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw new UsageException("--bounds must be two finite numbers LO,HI with LO < HI, got '" + text + "'");
    }

    /** The bounds of a model whose format records none, when {@code --bounds} is not given. */
    static final String DEFAULT_BOUNDS = "0,1";

    /**
     * The valid input range of {@code model}: what a Marauder model directory records in its card,
     * else {@code --bounds} ({@value #DEFAULT_BOUNDS} when not given). A {@code --bounds} that
     * contradicts the card is a usage error rather than silently ignored.
     *
     * @param model the model path, or null when there is none (bounds for training)
     * @param text the {@code --bounds} option, or null when not given
     */
    static float[] boundsFor(Path model, String text) {
        if (model != null && Files.isDirectory(model)) {
            ModelCard card = BuiltinClassifier.readCard(model);
            float[] own = {card.inputLower(), card.inputUpper()};
            if (text != null && !Arrays.equals(bounds(text), own)) {
                throw new UsageException("--bounds " + text + " contradicts the bounds " + own[0] + "," + own[1]
                        + " recorded in " + model + "; leave --bounds out for a Marauder model directory");
            }
            return own;
        }
        return bounds(text == null ? DEFAULT_BOUNDS : text);
    }

    /**
     * Checks, before any work, that a report can be written to {@code dir}: a new or empty
     * directory, or one holding an earlier Marauder report (its {@code report.json} names
     * {@code sections}); never a file, nor a directory whose {@code index.html} or {@code
     * report.json} is someone else's.
     */
    static void requireReportDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--report must be a directory, but " + dir + " is a file");
        }
        Path html = dir.resolve("index.html");
        Path json = dir.resolve("report.json");
        if (!Files.exists(html) && !Files.exists(json)) {
            return;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode report =
                    dev.marauder.core.json.Json.mapper().readTree(json.toFile());
            if (report != null && report.has("sections") && report.has("generated_at")) {
                return;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not a report of ours: refused below
        }
        throw new dev.marauder.core.io.RefusedOutputException(
                dir,
                "holds an index.html or report.json that is not a"
                        + " Marauder report; Marauder never overwrites what it did not create: choose another --report");
    }

    /** Parses {@code --output}: what a .pt/.onnx model returns (logits when not given). */
    static ModelOutput output(String text) {
        try {
            return text == null ? ModelOutput.LOGITS : ModelOutput.of(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Fails early with a clear message if a named file is missing. */
    static void requireExists(Path p, String option) {
        if (p != null && !p.toFile().exists()) {
            throw new DataFormatException(p, "not found (given with " + option + ")");
        }
    }
}
