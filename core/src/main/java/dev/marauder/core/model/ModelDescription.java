package dev.marauder.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a model file trained elsewhere needs said about it, given once: the shape of one input,
 * the layout of its channels, the valid input box (one interval, or one per channel), the
 * normalisation the model expects (folded into the model, so that attacks work in raw input
 * units), what it outputs, and the names of its classes. TorchScript and ONNX files record none
 * of this; a Marauder model directory records all of it in its card.
 *
 * <p>Read from a <em>model description file</em> next to the model, named after the model file
 * with {@code .yaml}, {@code .yml} or {@code .json} appended ({@code net.pt.yaml} for {@code
 * net.pt}, see {@link #besideModel}), or built from command-line options. Every field may be left
 * out (null): the shape then comes from the data, the layout is {@code nchw}, the bounds are
 * {@code [0, 1]}, there is no normalisation, and the output is logits.
 *
 * <pre>{@code
 * input_shape: [3, 32, 32]
 * layout: nchw                  # or nhwc
 * bounds: [0, 1]                # or per channel: {lower: [0, 0, 0], upper: [1, 1, 1]}
 * normalization: {mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616]}
 * output: logits                # or probabilities, log-probabilities
 * class_names: [airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck]
 * # or: class_names_file: classes.txt   (one name per line, relative to this file)
 * }</pre>
 *
 * @param inputShape shape of one example without the batch axis, or null to take the data's
 * @param layout where the channels are, or null for {@code nchw}
 * @param lowerBounds one lower bound, or one per channel; null with {@code upperBounds} for [0, 1]
 * @param upperBounds one upper bound, or one per channel
 * @param normalization the normalisation the model applies to its input, or null for none
 * @param output what the model returns, or null for logits
 * @param classNames class names, index = label, or null
 */
public record ModelDescription(
        int[] inputShape,
        Layout layout,
        float[] lowerBounds,
        float[] upperBounds,
        Normalization normalization,
        ModelOutput output,
        List<String> classNames) {

    /** Files larger than this are not description files. */
    static final long MAX_FILE_BYTES = 1 << 20;
    /** Class-name files larger than this are refused. */
    static final long MAX_CLASS_NAMES_BYTES = 16 << 20;

    private static final Set<String> KEYS =
            Set.of("input_shape", "layout", "bounds", "normalization", "output", "class_names", "class_names_file");

    /** A description that says nothing: every default applies. */
    public static final ModelDescription NONE = new ModelDescription(null, null, null, null, null, null, null);

    public ModelDescription {
        inputShape = inputShape == null ? null : inputShape.clone();
        lowerBounds = lowerBounds == null ? null : lowerBounds.clone();
        upperBounds = upperBounds == null ? null : upperBounds.clone();
        if ((lowerBounds == null) != (upperBounds == null)) {
            throw new IllegalArgumentException("give both lower and upper bounds, or neither");
        }
        if (lowerBounds != null) {
            if (lowerBounds.length == 0 || lowerBounds.length != upperBounds.length) {
                throw new IllegalArgumentException(lowerBounds.length + " lower bounds but " + upperBounds.length
                        + " upper bounds; give one pair, or one per channel");
            }
            for (int c = 0; c < lowerBounds.length; c++) {
                if (!(lowerBounds[c] < upperBounds[c])) {
                    throw new IllegalArgumentException(
                            "bounds must satisfy lower < upper, got [" + lowerBounds[c] + ", " + upperBounds[c] + "]");
                }
            }
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    @Override
    public int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public float[] lowerBounds() {
        return lowerBounds == null ? null : lowerBounds.clone();
    }

    @Override
    public float[] upperBounds() {
        return upperBounds == null ? null : upperBounds.clone();
    }

    /** True if nothing is said. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /** What the model returns: the declared kind, or logits. */
    public ModelOutput outputOrDefault() {
        return output == null ? ModelOutput.LOGITS : output;
    }

    /**
     * The raw input specification: the declared shape (else {@code dataShape}), layout and bounds
     * ([0, 1] when none are declared).
     *
     * @throws IllegalArgumentException if the bounds do not fit the shape's channels
     */
    public InputSpec inputSpec(int[] dataShape) {
        int[] shape = inputShape != null ? inputShape : dataShape;
        return new InputSpec(
                shape,
                layout == null ? Layout.NCHW : layout,
                lowerBounds == null ? new float[] {0f} : lowerBounds,
                upperBounds == null ? new float[] {1f} : upperBounds);
    }

    /**
     * This description completed by {@code other}: a field this one leaves out is taken from
     * {@code other}; a field both give must agree.
     *
     * @param thisSource what this description came from, for messages (e.g. the file)
     * @param otherSource what {@code other} came from (e.g. "the command line")
     * @throws IllegalArgumentException naming the field and both sources if they disagree
     */
    public ModelDescription combinedWith(ModelDescription other, String thisSource, String otherSource) {
        return new ModelDescription(
                pick(inputShape, other.inputShape, Arrays::equals, "input shape", thisSource, otherSource),
                pick(layout, other.layout, Objects::equals, "layout", thisSource, otherSource),
                pick(lowerBounds, other.lowerBounds, Arrays::equals, "lower bounds", thisSource, otherSource),
                pick(upperBounds, other.upperBounds, Arrays::equals, "upper bounds", thisSource, otherSource),
                pick(normalization, other.normalization, Objects::equals, "normalisation", thisSource, otherSource),
                pick(output, other.output, Objects::equals, "output", thisSource, otherSource),
                pick(classNames, other.classNames, Objects::equals, "class names", thisSource, otherSource));
    }

    private static <T> T pick(
            T mine,
            T theirs,
            java.util.function.BiPredicate<T, T> same,
            String field,
            String mySource,
            String theirSource) {
        if (mine == null) {
            return theirs;
        }
        if (theirs != null && !same.test(mine, theirs)) {
            throw new IllegalArgumentException(
                    theirSource + " gives a " + field + " that differs from " + mySource + "'s; give it once");
        }
        return mine;
    }

    /**
     * The description file of the model file {@code model}, if there is one: {@code model} with
     * {@code .yaml}, {@code .yml} or {@code .json} appended. Model directories have none (their
     * card describes them).
     *
     * @throws DataFormatException if more than one such file exists
     */
    public static java.util.Optional<Path> besideModel(Path model) {
        if (model == null || Files.isDirectory(model) || model.getFileName() == null) {
            return java.util.Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        for (String ext : List.of(".yaml", ".yml", ".json")) {
            Path p = model.resolveSibling(model.getFileName() + ext);
            if (Files.isRegularFile(p)) {
                found.add(p);
            }
        }
        if (found.size() > 1) {
            throw new DataFormatException(model, "has more than one description file (" + found + "); keep one");
        }
        return found.stream().findFirst();
    }

    /**
     * Reads a description file: YAML for {@code .yaml}/{@code .yml}, JSON otherwise.
     *
     * @throws DataFormatException naming the file for anything unreadable, an unknown key (a
     *     misspelt key is never silently ignored) or a value out of range
     */
    public static ModelDescription read(Path file) {
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new DataFormatException(file, "model description file not found");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new DataFormatException(
                        file, "is " + Files.size(file) + " bytes; a model description is at most " + MAX_FILE_BYTES);
            }
            String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
            ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? Json.yaml() : Json.mapper();
            root = mapper.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(file, "not a readable model description (" + Messages.firstLine(e) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new DataFormatException(file, "a model description must be a mapping of keys to values");
        }
        try {
            return parse(root, file);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, e.getMessage(), e);
        }
    }

    private static ModelDescription parse(JsonNode root, Path file) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; known keys: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        int[] shape = null;
        if (root.hasNonNull("input_shape")) {
            float[] dims = numbers(root.get("input_shape"), "input_shape");
            shape = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                if (!(dims[i] >= 1 && dims[i] <= Integer.MAX_VALUE && dims[i] == Math.rint(dims[i]))) {
                    throw new IllegalArgumentException("input_shape must hold positive whole numbers, got " + dims[i]);
                }
                shape[i] = (int) dims[i];
            }
        }
        Layout layout = root.hasNonNull("layout") ? Layout.of(text(root.get("layout"), "layout")) : null;
        float[] lower = null;
        float[] upper = null;
        JsonNode bounds = root.get("bounds");
        if (bounds != null && !bounds.isNull()) {
            if (bounds.isArray()) {
                float[] pair = numbers(bounds, "bounds");
                if (pair.length != 2) {
                    throw new IllegalArgumentException(
                            "bounds must be [lower, upper] or {lower: [...], upper: [...]}, got " + pair.length
                                    + " numbers");
                }
                lower = new float[] {pair[0]};
                upper = new float[] {pair[1]};
            } else if (bounds.isObject() && bounds.has("lower") && bounds.has("upper") && bounds.size() == 2) {
                lower = numbers(bounds.get("lower"), "bounds.lower");
                upper = numbers(bounds.get("upper"), "bounds.upper");
            } else {
                throw new IllegalArgumentException("bounds must be [lower, upper] or {lower: [...], upper: [...]}");
            }
            requireFinite(lower, "bounds");
            requireFinite(upper, "bounds");
        }
        Normalization normalization = null;
        JsonNode n = root.get("normalization");
        if (n != null && !n.isNull()) {
            if (!n.isObject() || !n.has("mean") || !n.has("std") || n.size() != 2) {
                throw new IllegalArgumentException("normalization must be {mean: [...], std: [...]}");
            }
            normalization = new Normalization(
                    numbers(n.get("mean"), "normalization.mean"), numbers(n.get("std"), "normalization.std"));
        }
        ModelOutput output = root.hasNonNull("output") ? ModelOutput.of(text(root.get("output"), "output")) : null;
        List<String> classNames = null;
        if (root.hasNonNull("class_names") && root.hasNonNull("class_names_file")) {
            throw new IllegalArgumentException("give class_names or class_names_file, not both");
        }
        if (root.hasNonNull("class_names")) {
            JsonNode names = root.get("class_names");
            if (!names.isArray()) {
                throw new IllegalArgumentException("class_names must be a list");
            }
            classNames = new ArrayList<>();
            for (JsonNode v : names) {
                classNames.add(text(v, "class_names"));
            }
        } else if (root.hasNonNull("class_names_file")) {
            Path names = Path.of(text(root.get("class_names_file"), "class_names_file"));
            Path dir = file.toAbsolutePath().getParent();
            classNames = readClassNames(names.isAbsolute() || dir == null ? names : dir.resolve(names));
        }
        if (classNames != null && new java.util.HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("class_names holds the same name twice");
        }
        return new ModelDescription(shape, layout, lower, upper, normalization, output, classNames);
    }

    /**
     * Class names from a text file: one per line (UTF-8), index = label; a trailing empty line is
     * ignored, empty names and repeated names are refused.
     *
     * @throws DataFormatException naming the file
     */
    public static List<String> readClassNames(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new DataFormatException(file, "class names file not found");
            }
            if (Files.size(file) > MAX_CLASS_NAMES_BYTES) {
                throw new DataFormatException(
                        file, "is too large for a class names file (" + Files.size(file) + " bytes)");
            }
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String name = lines.get(i).strip();
                if (name.isEmpty()) {
                    throw new DataFormatException(file, "line " + (i + 1) + " is empty; one class name per line");
                }
                names.add(name);
            }
            if (names.size() < 2) {
                throw new DataFormatException(
                        file, "holds " + names.size() + " class names; a classifier has at least 2");
            }
            if (new java.util.HashSet<>(names).size() != names.size()) {
                throw new DataFormatException(file, "holds the same class name twice");
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot be read (" + Messages.firstLine(e) + ")", e);
        }
    }

    private static float[] numbers(JsonNode node, String key) {
        if (node.isNumber()) {
            return new float[] {node.floatValue()};
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a number or a non-empty list of numbers");
        }
        if (node.size() > 1 << 16) {
            throw new IllegalArgumentException(key + " has " + node.size() + " values; at most 65536");
        }
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw new IllegalArgumentException(key + " must hold numbers, got '" + v.asText() + "'");
            }
            out[i] = v.floatValue();
        }
        return out;
    }

    private static void requireFinite(float[] values, String key) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(key + " must be finite, got " + v);
            }
        }
    }

    private static String text(JsonNode node, String key) {
        if (!node.isTextual() && !node.isNumber()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return node.asText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDescription d
                && Arrays.equals(inputShape, d.inputShape)
                && layout == d.layout
                && Arrays.equals(lowerBounds, d.lowerBounds)
                && Arrays.equals(upperBounds, d.upperBounds)
                && Objects.equals(normalization, d.normalization)
                && output == d.output
                && Objects.equals(classNames, d.classNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(inputShape),
                layout,
                Arrays.hashCode(lowerBounds),
                Arrays.hashCode(upperBounds),
                normalization,
                output,
                classNames);
    }

    @Override
    public String toString() {
        return "ModelDescription[shape=" + Arrays.toString(inputShape) + ", layout=" + layout + ", bounds="
                + Arrays.toString(lowerBounds) + ".." + Arrays.toString(upperBounds) + ", normalization="
                + normalization + ", output=" + output + ", classes=" + classNames + "]";
    }
}
