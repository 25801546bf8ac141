package dev.marauder.cli;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Layout;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.ModelOutput;
import dev.marauder.core.model.Models;
import dev.marauder.core.model.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What a {@code .pt}/{@code .onnx} model does not record about itself, given on the command line
 * or once in a model description file next to it ({@link ModelDescription}): {@code --bounds},
 * {@code --output}, {@code --mean}/{@code --std}, {@code --layout}, {@code --class-names} and
 * {@code --model-description}. Options that contradict the file, or a Marauder model directory's
 * card, are usage errors rather than silently preferred.
 */
final class ModelOptions {
    @Option(
            names = "--bounds",
            paramLabel = "LO,HI",
            description = "Valid raw input range of .pt/.onnx models (default 0,1), or per channel LO1:HI1,LO2:HI2,..."
                    + " A Marauder model directory's own bounds are used; a --bounds that contradicts them is refused.")
    String bounds;

    @Option(
            names = "--output",
            paramLabel = "logits|probabilities|log-probabilities",
            description = "What a .pt/.onnx model returns (default logits); attacks and metrics then use the right"
                    + " transform.")
    String output;

    @Option(
            names = "--mean",
            paramLabel = "M1,M2,...",
            split = ",",
            description = "The normalisation a .pt/.onnx model expects, (x - mean) / std, per channel or one value:"
                    + " folded into the model, so attacks perturb raw inputs within --bounds. Needs --std.")
    float[] mean;

    @Option(names = "--std", paramLabel = "S1,S2,...", split = ",", description = "See --mean.")
    float[] std;

    @Option(
            names = "--layout",
            paramLabel = "nchw|nhwc",
            description = "Where a .pt/.onnx image model expects the channels (default nchw); the data are in the"
                    + " model's layout, and per-channel --bounds, --mean and --std apply along this axis.")
    String layout;

    @Option(
            names = "--class-names",
            paramLabel = "FILE",
            description = "Class names, one per line (index = label), for reports.")
    Path classNames;

    @Option(
            names = "--model-description",
            paramLabel = "FILE",
            description =
                    "A model description file (YAML or JSON: input_shape, layout, bounds, normalization, output,"
                            + " class_names); by default MODEL.yaml, MODEL.yml or MODEL.json next to a .pt/.onnx MODEL is read.")
    Path descriptionFile;

    /**
     * Everything said about {@code model}: a Marauder model directory's card, or for a model file
     * its description file combined with these options.
     *
     * @param model the model path (existing)
     * @throws UsageException for malformed options, options that contradict the description
     *     file or the card, or file-model options given for a model directory
     * @throws DataFormatException for an unreadable description or class-names file
     */
    ModelDescription describe(Path model) {
        ModelDescription options = fromOptions();
        if (model != null && Files.isDirectory(model)) {
            return describeDirectory(model, options);
        }
        Optional<Path> file =
                descriptionFile != null ? Optional.of(descriptionFile) : ModelDescription.besideModel(model);
        if (file.isEmpty()) {
            return options;
        }
        ModelDescription described = ModelDescription.read(file.get());
        try {
            return described.combinedWith(options, file.get().toString(), "the command line");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Everything said about the model at {@code location}: for a model behind an API ({@code
     * http://...}) the options and {@code --model-description} (there is no file beside it to
     * read), else as {@link #describe(Path)}.
     */
    ModelDescription describe(String location) {
        return describe(Models.isUrl(location) ? null : Path.of(location));
    }

    private ModelDescription describeDirectory(Path model, ModelDescription options) {
        if (descriptionFile != null || mean != null || std != null || layout != null || output != null) {
            throw new UsageException("--model-description, --mean, --std, --layout and --output are for .pt/.onnx"
                    + " files; " + model + " is a Marauder model directory, whose card records its inputs and output");
        }
        ModelDescription card = Models.describeDirectory(model);
        if (bounds != null
                && !(java.util.Arrays.equals(options.lowerBounds(), card.lowerBounds())
                        && java.util.Arrays.equals(options.upperBounds(), card.upperBounds()))) {
            throw new UsageException("--bounds " + bounds + " contradicts the bounds " + card.lowerBounds()[0] + ","
                    + card.upperBounds()[0] + " recorded in " + model
                    + "; leave --bounds out for a Marauder model directory");
        }
        List<String> names = options.classNames() != null ? options.classNames() : card.classNames();
        return new ModelDescription(
                card.inputShape(), card.layout(), card.lowerBounds(), card.upperBounds(), null, card.output(), names);
    }

    /** Whether an option that only a given model file can use was given (all but {@code --bounds}). */
    boolean describesAModelFile() {
        return output != null
                || mean != null
                || std != null
                || layout != null
                || classNames != null
                || descriptionFile != null;
    }

    /** The options as given, to repeat in a reproducing command line (empty if none). */
    String commandArguments() {
        StringBuilder b = new StringBuilder();
        append(b, "--bounds", bounds);
        append(b, "--output", output);
        append(b, "--mean", mean == null ? null : join(mean));
        append(b, "--std", std == null ? null : join(std));
        append(b, "--layout", layout);
        append(b, "--class-names", classNames);
        append(b, "--model-description", descriptionFile);
        return b.toString();
    }

    private static void append(StringBuilder b, String option, Object value) {
        if (value != null) {
            b.append(' ').append(option).append(' ').append(value);
        }
    }

    private static String join(float[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.toString();
    }

    /** What the options alone say. */
    private ModelDescription fromOptions() {
        float[][] box = bounds == null ? new float[][] {null, null} : parseBounds(bounds);
        if ((mean == null) != (std == null)) {
            throw new UsageException(mean == null ? "--std needs --mean" : "--mean needs --std");
        }
        Normalization normalization = null;
        if (mean != null) {
            try {
                normalization = new Normalization(mean, std);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mean/--std: " + e.getMessage());
            }
        }
        Layout l = null;
        if (layout != null) {
            try {
                l = Layout.of(layout);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--layout must be nchw or nhwc, got '" + layout + "'");
            }
        }
        ModelOutput o = output == null ? null : Inputs.output(output);
        List<String> names = classNames == null ? null : ModelDescription.readClassNames(classNames);
        return new ModelDescription(null, l, box[0], box[1], normalization, o, names);
    }

    /**
     * Parses {@code --bounds}: {@code LO,HI} for every value, or {@code LO1:HI1,LO2:HI2,...} per
     * channel; finite numbers with {@code LO < HI}.
     *
     * @return {lower bounds, upper bounds}
     */
    static float[][] parseBounds(String text) {
        if (!text.contains(":")) {
            float[] pair = Inputs.bounds(text);
            return new float[][] {{pair[0]}, {pair[1]}};
        }
        String[] channels = text.split(",", -1);
        float[] lower = new float[channels.length];
        float[] upper = new float[channels.length];
        for (int c = 0; c < channels.length; c++) {
            String[] p = channels[c].split(":", -1);
            try {
                if (p.length == 2) {
                    lower[c] = Float.parseFloat(p[0].trim());
                    upper[c] = Float.parseFloat(p[1].trim());
                    if (lower[c] < upper[c] && Float.isFinite(lower[c]) && Float.isFinite(upper[c])) {
                        continue;
                    }
                }
            } catch (NumberFormatException e) {
                // the usage error below
            }
            throw new UsageException("--bounds per channel must be LO1:HI1,LO2:HI2,... with finite LO < HI, got '"
                    + channels[c] + "' in '" + text + "'");
        }
        return new float[][] {lower, upper};
    }
}
