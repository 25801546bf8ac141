package dev.marauder.defenses.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.io.OwnedDirectories;
import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fitted Deep k-NN (Papernot &amp; McDaniel 2018; see {@link DeepKnn}): the chosen layers'
 * representations of the training data with their labels, and the calibration nonconformity
 * scores. Immutable and safe to share; {@link #score} takes the model it was fitted on.
 *
 * <p>Saved as a directory ({@link #save}): {@value #FILE} (settings, layers, calibration scores,
 * the model's and data's hashes) and {@code neighbours-<hash>.bin}, the training representations
 * as big-endian float32, layer after layer, row-major, then the labels as big-endian int32. The
 * JSON records the binary file's SHA-256, checked on {@link #load}.
 */
public final class FittedDeepKnn {
    /** File name of the description in a Deep k-NN directory. */
    public static final String FILE = "deep-knn.json";
    /** The {@code kind} recorded in {@value #FILE}. */
    static final String KIND = "marauder-deep-knn";
    /** Version of the directory format. */
    static final int FORMAT = 1;

    private final DeepKnn settings;
    private final List<Layer> layers;
    private final boolean hiddenLayers;
    private final int classes;
    private final int[] inputShape;
    private final float[][] representations;
    private final int[] labels;
    private final int[] calibrationScores;
    private final List<String> modelHashes;
    private final String trainingSha256;
    private final String calibrationSha256;

    FittedDeepKnn(
            DeepKnn settings,
            List<Layer> layers,
            boolean hiddenLayers,
            int classes,
            int[] inputShape,
            float[][] representations,
            int[] labels,
            int[] calibrationScores,
            List<String> modelHashes,
            String trainingSha256,
            String calibrationSha256) {
        if (representations.length != layers.size()) {
            throw new IllegalArgumentException(
                    representations.length + " representations for " + layers.size() + " layers");
        }
        for (int l = 0; l < layers.size(); l++) {
            if (representations[l].length
                    != (long) labels.length * layers.get(l).dimension()) {
                throw new IllegalArgumentException(
                        "layer " + layers.get(l).name() + " holds " + representations[l].length + " values, not "
                                + labels.length + " x " + layers.get(l).dimension());
            }
        }
        this.settings = settings;
        this.layers = List.copyOf(layers);
        this.hiddenLayers = hiddenLayers;
        this.classes = classes;
        this.inputShape = inputShape.clone();
        this.representations = representations; // owned: callers hand over fresh arrays
        this.labels = labels.clone();
        int[] sorted = calibrationScores.clone();
        Arrays.sort(sorted);
        this.calibrationScores = sorted;
        this.modelHashes = List.copyOf(modelHashes);
        this.trainingSha256 = trainingSha256;
        this.calibrationSha256 = calibrationSha256;
    }

    FittedDeepKnn withCalibration(int[] scores) {
        return new FittedDeepKnn(
                settings,
                layers,
                hiddenLayers,
                classes,
                inputShape,
                representations,
                labels,
                scores,
                modelHashes,
                trainingSha256,
                calibrationSha256);
    }

    /** The settings it was fitted with. */
    public DeepKnn settings() {
        return settings;
    }

    /** The layers searched, in the model's order. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * True if the layers are hidden layers of a built-in network; false if the model gave no
     * access to its layers and its output scores are the only representation.
     */
    public boolean hiddenLayers() {
        return hiddenLayers;
    }

    /** A sentence saying which representations are searched, for results. */
    public String representation() {
        String names =
                layers.stream().map(l -> l.name() + " (" + l.dimension() + ")").collect(Collectors.joining(", "));
        return hiddenLayers
                ? "hidden layers of the built-in network: " + names
                : "logits only: the model gives no access to its hidden layers, so its output scores ("
                        + layers.get(0).dimension()
                        + ") are the single layer searched; weaker than the paper's Deep k-NN";
    }

    /** The number of classes of the model. */
    public int classes() {
        return classes;
    }

    /** The number of training points searched. */
    public int trainingExamples() {
        return labels.length;
    }

    /** The calibration nonconformity scores, ascending. */
    public int[] calibrationScores() {
        return calibrationScores.clone();
    }

    /** SHA-256 of the training data's file(s). */
    public String trainingSha256() {
        return trainingSha256;
    }

    /** SHA-256 of the calibration data's file(s). */
    public String calibrationSha256() {
        return calibrationSha256;
    }

    /** The hashes that identify the model it was fitted on (empty for an unsaved model). */
    public List<String> modelHashes() {
        return modelHashes;
    }

    /**
     * The DkNN's prediction, credibility and confidence for every input.
     *
     * @param model the model this DkNN was fitted on
     * @param inputs inputs of the model's shape
     * @throws IllegalArgumentException if the model or the inputs do not fit this DkNN
     */
    public DeepKnnScores score(Classifier model, FloatTensor inputs) {
        return score(model, inputs, Progress.NONE);
    }

    /** {@link #score(Classifier, FloatTensor)} with one progress step per input. */
    public DeepKnnScores score(Classifier model, FloatTensor inputs, Progress progress) {
        int n = inputs.examples();
        int[][] alpha;
        try (Progress.Task task = progress.start("deep k-nn scores", n)) {
            alpha = nonconformity(model, inputs, task);
        }
        int[] predictions = new int[n];
        double[] credibility = new double[n];
        double[] confidence = new double[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double first = -1;
            double second = 0;
            for (int j = 0; j < classes; j++) {
                double p = pValue(alpha[i][j]);
                if (p > first) {
                    second = Math.max(second, first);
                    first = p;
                    best = j;
                } else {
                    second = Math.max(second, p);
                }
            }
            predictions[i] = best;
            credibility[i] = first;
            confidence[i] = 1 - second;
        }
        return new DeepKnnScores(layers, hiddenLayers, predictions, credibility, confidence);
    }

    /**
     * The evaluation of credibility as an admission control: {@code clean} inputs and their
     * {@code adversarial} counterparts (same order, same true labels) are scored and the refusal
     * rates compared at every threshold.
     */
    public AdmissionTradeoff tradeoff(Classifier model, LabeledData clean, FloatTensor adversarial) {
        if (adversarial.examples() != clean.size()) {
            throw new IllegalArgumentException(
                    adversarial.examples() + " adversarial inputs for " + clean.size() + " clean ones");
        }
        return AdmissionTradeoff.of(score(model, clean.features()), score(model, adversarial), clean.labels());
    }

    /** The share of calibration scores at least {@code alpha}. */
    double pValue(int alpha) {
        int lo = 0;
        int hi = calibrationScores.length;
        while (lo < hi) { // first index with a score >= alpha
            int mid = (lo + hi) >>> 1;
            if (calibrationScores[mid] < alpha) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) (calibrationScores.length - lo) / calibrationScores.length;
    }

    /** The nonconformity {@code [n][classes]}: per label, the neighbours over all layers with another label. */
    int[][] nonconformity(Classifier model, FloatTensor inputs, Progress.Task task) {
        int n = inputs.examples();
        int[][] alpha = new int[n][classes];
        int k = settings.k();
        for (int[] row : alpha) {
            Arrays.fill(row, layers.size() * k);
        }
        search(model, inputs, task, (layer, example, neighbours) -> {
            for (int index : neighbours) {
                alpha[example][labels[index]]--;
            }
        });
        return alpha;
    }

    /** The training indices of every input's nearest neighbours: {@code [layer][input][k]}, nearest first. */
    int[][][] neighbours(Classifier model, FloatTensor inputs) {
        int[][][] out = new int[layers.size()][inputs.examples()][];
        search(model, inputs, Progress.Task.NONE, (layer, example, neighbours) -> out[layer][example] = neighbours);
        return out;
    }

    /** Receives one input's neighbours in one layer. */
    @FunctionalInterface
    private interface NeighbourSink {
        void accept(int layer, int example, int[] neighbours);
    }

    private void search(Classifier model, FloatTensor inputs, Progress.Task task, NeighbourSink sink) {
        requireFits(model, inputs);
        int n = inputs.examples();
        int batch = settings.batchSize();
        List<NeighbourSearch> searches = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int l = 0; l < layers.size(); l++) {
                searches.add(new NeighbourSearch(
                        representations[l], labels.length, layers.get(l).dimension(), settings.k(), settings.metric()));
            }
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                try (NDManager sub = manager.newSubManager()) {
                    List<NDArray> reps = Representations.of(model, Tensors.toNDArray(sub, inputs.slice(start, end)));
                    for (int l = 0; l < layers.size(); l++) {
                        NDArray r = reps.get(indexOf(layers.get(l), reps));
                        int[][] nearest = searches.get(l).nearest(r);
                        for (int i = 0; i < nearest.length; i++) {
                            sink.accept(l, start + i, nearest[i]);
                        }
                    }
                }
                task.advance(end - start);
            }
        } finally {
            NeighbourSearch.closeAll(searches);
        }
    }

    private static int indexOf(Layer layer, List<NDArray> reps) {
        for (int i = 0; i < reps.size(); i++) {
            if (Representations.name(i, reps.size()).equals(layer.name())
                    && reps.get(i).getShape().get(1) == layer.dimension()) {
                return i;
            }
        }
        throw new IllegalArgumentException("the model has no layer " + layer.name() + " of dimension "
                + layer.dimension() + ": this Deep k-NN was fitted on another model");
    }

    private void requireFits(Classifier model, FloatTensor inputs) {
        if (model.classes() != classes || !Arrays.equals(model.inputSpec().shape(), inputShape)) {
            throw new IllegalArgumentException(
                    "this Deep k-NN was fitted on a model of " + classes + " classes and input "
                            + Arrays.toString(inputShape) + ", got one of " + model.classes() + " classes and input "
                            + Arrays.toString(model.inputSpec().shape()));
        }
        List<String> given = modelHashes(model);
        if (!modelHashes.isEmpty() && !given.isEmpty() && Collections.disjoint(modelHashes, given)) {
            throw new IllegalArgumentException("this Deep k-NN was fitted on another model (parameters "
                    + modelHashes.get(0) + ", given " + given.get(0) + ")");
        }
        if (!Arrays.equals(inputs.exampleShape(), inputShape)) {
            throw new IllegalArgumentException("inputs of shape " + Arrays.toString(inputs.exampleShape())
                    + " do not fit the model's input " + Arrays.toString(inputShape));
        }
    }

    /** What identifies a model: its parameters' hash if it is a saved built-in network, else its file hashes. */
    static List<String> modelHashes(Classifier model) {
        if (model instanceof BuiltinClassifier b) {
            String sha = b.card().parametersSha256();
            return sha == null ? List.of() : List.of(sha);
        }
        return model.info().fileHashes().values().stream().sorted().toList();
    }

    /** The content of {@value #FILE}. */
    record Stored(
            String kind,
            int formatVersion,
            DeepKnn settings,
            List<Layer> layers,
            boolean hiddenLayers,
            int classes,
            int[] inputShape,
            int trainingExamples,
            int[] calibrationScores,
            List<String> modelHashes,
            String trainingSha256,
            String calibrationSha256,
            String dataFile,
            String dataSha256) {}

    /**
     * Saves this DkNN to {@code dir} (created if missing), which a later process can {@link #load}.
     * Nothing the tool did not create is overwritten: {@code dir} must be new, empty, or a Deep
     * k-NN directory written before; the working directory and its parents are refused. The
     * binary file is written under a name of its hash, then {@value #FILE} is replaced atomically
     * ({@link AtomicFiles}), so a kill at any moment leaves the old DkNN or the new one; binary
     * files of earlier saves are removed afterwards.
     *
     * @throws RefusedOutputException if {@code dir} is not ours to write
     */
    public void save(Path dir) {
        requireSavable(dir);
        Path target = dir.toAbsolutePath().normalize();
        long values = 0;
        for (float[] r : representations) {
            values += r.length;
        }
        long size = Float.BYTES * (values + labels.length);
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the training representations (" + (size >> 20)
                    + " MiB) are too large to save in one file; fit on fewer training examples or layers");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size); // big-endian
        for (float[] r : representations) {
            buffer.asFloatBuffer().put(r);
            buffer.position(buffer.position() + Float.BYTES * r.length);
        }
        buffer.asIntBuffer().put(labels);
        byte[] bytes = buffer.array();
        String sha = FileHash.sha256(bytes);
        String file = "neighbours-" + sha.substring(0, 16) + ".bin";
        Stored stored = new Stored(
                KIND,
                FORMAT,
                settings,
                layers,
                hiddenLayers,
                classes,
                inputShape,
                labels.length,
                calibrationScores,
                modelHashes,
                trainingSha256,
                calibrationSha256,
                file,
                sha);
        try {
            Files.createDirectories(target);
            AtomicFiles.write(target.resolve(file), out -> out.write(bytes));
            byte[] json = (Json.write(stored) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(target.resolve(FILE), out -> out.write(json)); // the commit point
            try (Stream<Path> files = Files.list(target)) {
                for (Path old : files.filter(p -> isDataFile(p.getFileName().toString()))
                        .filter(p -> !p.getFileName().toString().equals(file))
                        .toList()) {
                    Files.deleteIfExists(old);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the Deep k-NN to " + dir + ": " + Messages.firstLine(e), e);
        }
    }

    private static boolean isDataFile(String name) {
        return name.matches("neighbours-[0-9a-f]{16}\\.bin");
    }

    /**
     * Checks, before any long work, that a DkNN could be saved to {@code dir} (see {@link #save}).
     *
     * @throws RefusedOutputException if it could not
     */
    public static void requireSavable(Path dir) {
        OwnedDirectories.requireWritable(dir, "a Deep k-NN", "a Deep k-NN directory", target -> {
            try {
                return KIND.equals(Json.read(target.resolve(FILE), Stored.class).kind());
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Loads a DkNN saved by {@link #save}.
     *
     * @throws DataFormatException if the directory or its files are missing, unreadable, modified
     *     or inconsistent
     */
    public static FittedDeepKnn load(Path dir) {
        Path json = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "Deep k-NN directory not found");
        }
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(json, "missing: not a Deep k-NN directory (made by `marauder dknn fit`)");
        }
        Stored s;
        try {
            s = Json.read(json, Stored.class);
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(json, "unreadable (" + Messages.firstLine(e) + ")", e);
        }
        if (!KIND.equals(s.kind()) || s.formatVersion() != FORMAT) {
            throw new DataFormatException(
                    json,
                    "not a Deep k-NN of format " + FORMAT + " (kind " + s.kind() + ", format " + s.formatVersion()
                            + ")");
        }
        if (s.settings() == null
                || s.layers() == null
                || s.layers().isEmpty()
                || s.inputShape() == null
                || s.calibrationScores() == null
                || s.calibrationScores().length == 0
                || s.dataFile() == null
                || !isDataFile(s.dataFile())
                || s.dataSha256() == null
                || s.trainingExamples() < s.settings().k()
                || s.classes() < 2) {
            throw new DataFormatException(json, "incomplete or inconsistent Deep k-NN description");
        }
        Path data = dir.resolve(s.dataFile());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(data);
        } catch (IOException e) {
            throw new DataFormatException(data, "unreadable (" + Messages.firstLine(e) + ")", e);
        }
        String sha = FileHash.sha256(bytes);
        if (!sha.equals(s.dataSha256())) {
            throw new DataFormatException(
                    data,
                    "SHA-256 " + sha + " does not match the recorded " + s.dataSha256()
                            + " (file modified or corrupted)");
        }
        int n = s.trainingExamples();
        long values = 0;
        for (Layer l : s.layers()) {
            values += (long) n * l.dimension();
        }
        if (bytes.length != Float.BYTES * (values + n)) {
            throw new DataFormatException(
                    data, bytes.length + " bytes do not hold " + n + " examples of the recorded layers");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        float[][] reps = new float[s.layers().size()][];
        for (int l = 0; l < reps.length; l++) {
            reps[l] = new float[n * s.layers().get(l).dimension()];
            buffer.asFloatBuffer().get(reps[l]);
            buffer.position(buffer.position() + Float.BYTES * reps[l].length);
        }
        int[] labels = new int[n];
        buffer.asIntBuffer().get(labels);
        for (int label : labels) {
            if (label < 0 || label >= s.classes()) {
                throw new DataFormatException(
                        data, "holds label " + label + " outside the " + s.classes() + " classes");
            }
        }
        try {
            return new FittedDeepKnn(
                    s.settings(),
                    s.layers(),
                    s.hiddenLayers(),
                    s.classes(),
                    s.inputShape(),
                    reps,
                    labels,
                    s.calibrationScores(),
                    s.modelHashes() == null ? List.of() : s.modelHashes(),
                    s.trainingSha256(),
                    s.calibrationSha256());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(json, e.getMessage(), e);
        }
    }
}
