package dev.marauder.defenses.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Deep k-Nearest Neighbors (Papernot &amp; McDaniel 2018, "Deep k-Nearest Neighbors: Towards
 * Confident, Interpretable and Robust Deep Learning"): the settings, and {@link #fit} which
 * builds a {@link FittedDeepKnn} from a trained model, its training data and held-out
 * calibration data.
 *
 * <p>The DkNN looks up, in every layer's representation, the {@code k} training points nearest
 * to an input. The nonconformity of label {@code j} is the number of those neighbours, summed
 * over the layers, whose label is not {@code j}; its p-value is the share of calibration examples
 * whose nonconformity (for their true label) is at least as large. The prediction is the label of
 * largest p-value, its <em>credibility</em> that p-value and its <em>confidence</em> one minus the
 * second largest. Adversarial examples move the logits but usually not every hidden layer, so their
 * neighbours disagree and their credibility is low: a threshold on credibility is an admission
 * control (Section 5 of the paper). Threat model: the defender's own model, white-box to the
 * defender; the attacker may or may not know of the DkNN (the paper evaluates attacks that do not).
 *
 * <p>An immutable settings object: the model and data are given at call time.
 *
 * @param k neighbours per layer (the paper uses 75)
 * @param layers the names of the layers searched ({@code hidden1}, ..., {@code logits}; see
 *     {@link #availableLayers}); empty for all of them
 * @param calibration calibration examples used, the first ones of the calibration data (the paper
 *     holds out 750 test examples)
 * @param batchSize examples per forward pass and per distance computation
 * @param metric the distance: L2 (the paper's) or cosine
 * @param memoryLimitBytes the most memory the training representations and the distance
 *     computation may take (an estimate, see {@link #memoryNeeded}); larger fits are refused
 */
public record DeepKnn(
        int k, List<String> layers, int calibration, int batchSize, Metric metric, long memoryLimitBytes) {

    /** The paper's k. */
    public static final int DEFAULT_K = 75;
    /** The paper's calibration size. */
    public static final int DEFAULT_CALIBRATION = 750;
    /** Default memory limit: 1 GiB. */
    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

    /** How distances between representations are measured. */
    public enum Metric {
        /** Euclidean distance. */
        L2,
        /** One minus the cosine similarity (the L2 distance between unit-length representations). */
        COSINE;

        /** The metric named {@code l2} or {@code cosine}. */
        public static Metric of(String name) {
            for (Metric m : values()) {
                if (m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown metric '" + name + "'; choose l2 or cosine");
        }
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if one is out of range
     */
    public DeepKnn {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (calibration < 1) {
            throw new IllegalArgumentException("calibration size must be at least 1, got " + calibration);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (metric == null) {
            throw new IllegalArgumentException("metric is required (l2 or cosine)");
        }
        if (memoryLimitBytes < 1) {
            throw new IllegalArgumentException("memory limit must be positive, got " + memoryLimitBytes);
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        if (layers.stream().distinct().count() != layers.size()) {
            throw new IllegalArgumentException("layers named twice: " + layers);
        }
    }

    /** The paper's settings: k = 75, all layers, 750 calibration examples, L2; batches of 256, 1 GiB. */
    public static DeepKnn defaults() {
        return new DeepKnn(DEFAULT_K, List.of(), DEFAULT_CALIBRATION, 256, Metric.L2, DEFAULT_MEMORY_LIMIT);
    }

    /** The same settings with {@code value} neighbours per layer. */
    public DeepKnn withK(int value) {
        return new DeepKnn(value, layers, calibration, batchSize, metric, memoryLimitBytes);
    }

    /** The same settings searching only the named layers (empty: all). */
    public DeepKnn withLayers(List<String> value) {
        return new DeepKnn(k, value, calibration, batchSize, metric, memoryLimitBytes);
    }

    /** The same settings with {@code value} calibration examples. */
    public DeepKnn withCalibration(int value) {
        return new DeepKnn(k, layers, value, batchSize, metric, memoryLimitBytes);
    }

    /** The same settings with batches of {@code value}. */
    public DeepKnn withBatchSize(int value) {
        return new DeepKnn(k, layers, calibration, value, metric, memoryLimitBytes);
    }

    /** The same settings with another distance. */
    public DeepKnn withMetric(Metric value) {
        return new DeepKnn(k, layers, calibration, batchSize, value, memoryLimitBytes);
    }

    /** The same settings with another memory limit, in bytes. */
    public DeepKnn withMemoryLimit(long value) {
        return new DeepKnn(k, layers, calibration, batchSize, metric, value);
    }

    /**
     * Every layer the DkNN can search in {@code model}, found with one forward pass over {@code
     * example} (one input of the model's shape): the hidden layers of a built-in network and its
     * logits, or only the output scores of a model without layer access.
     */
    public static List<Layer> availableLayers(Classifier model, FloatTensor example) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Representations.layers(model, Tensors.toNDArray(manager, example.slice(0, 1)));
        }
    }

    /** The layers these settings choose among {@code available}, in the model's order. */
    List<Layer> chosen(List<Layer> available) {
        if (layers.isEmpty()) {
            return available;
        }
        List<String> names = available.stream().map(Layer::name).toList();
        for (String name : layers) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("the model has no layer '" + name + "'; its layers are "
                        + available.stream()
                                .map(l -> l.name() + " (" + l.dimension() + ")")
                                .collect(Collectors.joining(", ")));
            }
        }
        return available.stream().filter(l -> layers.contains(l.name())).toList();
    }

    /**
     * An estimate of the memory a fit with {@code trainingExamples} training points needs for the
     * chosen {@code layers}: the representations on the Java heap and on the engine, the
     * transposed copy the search keeps, and the distance matrices of one batch.
     */
    public long memoryNeeded(List<Layer> chosenLayers, int trainingExamples) {
        long features = chosenLayers.stream().mapToLong(Layer::dimension).sum();
        return 3L * Float.BYTES * trainingExamples * features + 3L * Float.BYTES * batchSize * trainingExamples;
    }

    /**
     * Checks, before any work, that a fit of {@code model} with {@code trainingExamples}
     * training points stays within the memory limit.
     *
     * @param example one input of the model's shape (for the layer sizes)
     * @throws IllegalArgumentException if it would not; the message names the settings to lower
     */
    public void requireMemory(Classifier model, FloatTensor example, int trainingExamples) {
        requireMemory(chosen(availableLayers(model, example)), trainingExamples);
    }

    private void requireMemory(List<Layer> chosenLayers, int trainingExamples) {
        long needed = memoryNeeded(chosenLayers, trainingExamples);
        if (needed > memoryLimitBytes) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "a Deep k-NN over %d training examples and the layers %s needs about %d MiB, more than the"
                            + " limit of %d MiB: use fewer training examples or fewer layers, or raise the memory"
                            + " limit",
                    trainingExamples,
                    chosenLayers.stream()
                            .map(l -> l.name() + " (" + l.dimension() + ")")
                            .collect(Collectors.joining(", ")),
                    needed >> 20,
                    memoryLimitBytes >> 20));
        }
    }

    /**
     * Fits the DkNN: the chosen layers' representations of every training example, and the
     * nonconformity of the first {@link #calibration} calibration examples for their true labels.
     *
     * @param model the trained model (its hidden layers are used if it is a built-in network)
     * @param training the model's training data (or a part of it): the neighbours
     * @param calibrationData held-out labelled data, not used to train the model
     * @param progress receives one step per example represented
     * @throws IllegalArgumentException if the data do not fit the model, there are fewer than
     *     {@code k} training or {@code calibration} calibration examples, a named layer does not
     *     exist, or the memory limit would be exceeded
     */
    public FittedDeepKnn fit(Classifier model, LabeledData training, LabeledData calibrationData, Progress progress) {
        int n = training.size();
        if (n < k) {
            throw new IllegalArgumentException(
                    "k = " + k + " neighbours need at least as many training examples, got " + n);
        }
        if (calibrationData.size() < calibration) {
            throw new IllegalArgumentException("the calibration data hold " + calibrationData.size()
                    + " examples, fewer than the calibration size " + calibration);
        }
        requireLabels(model, training, "training");
        requireLabels(model, calibrationData, "calibration");
        List<Layer> available = availableLayers(model, training.features());
        List<Layer> chosen = chosen(available);
        requireMemory(chosen, n);
        List<Integer> indices = new ArrayList<>();
        for (Layer l : chosen) {
            indices.add(available.indexOf(l));
        }
        LabeledData calibrationSet = calibrationData.slice(0, calibration);
        try (Progress.Task task = progress.start("deep k-nn", (long) n + calibration)) {
            float[][] representations = represent(model, training.features(), indices, chosen, task);
            FittedDeepKnn uncalibrated = new FittedDeepKnn(
                    this,
                    chosen,
                    Representations.hasLayerAccess(model),
                    model.classes(),
                    model.inputSpec().shape(),
                    representations,
                    training.labels(),
                    new int[0],
                    FittedDeepKnn.modelHashes(model),
                    training.sha256(),
                    calibrationSet.sha256());
            int[][] alpha = uncalibrated.nonconformity(model, calibrationSet.features(), task);
            int[] scores = new int[calibration];
            for (int i = 0; i < calibration; i++) {
                scores[i] = alpha[i][calibrationSet.labels()[i]];
            }
            return uncalibrated.withCalibration(scores);
        }
    }

    /** Representations of every example, per chosen layer, {@code [n * dimension]} row-major. */
    float[][] represent(
            Classifier model, FloatTensor x, List<Integer> indices, List<Layer> chosen, Progress.Task task) {
        int n = x.examples();
        float[][] out = new float[chosen.size()][];
        for (int l = 0; l < chosen.size(); l++) {
            out[l] = new float[Math.multiplyExact(n, chosen.get(l).dimension())];
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                try (NDManager sub = manager.newSubManager()) {
                    List<NDArray> reps = Representations.of(model, Tensors.toNDArray(sub, x.slice(start, end)));
                    for (int l = 0; l < chosen.size(); l++) {
                        float[] values = reps.get(indices.get(l)).toFloatArray();
                        System.arraycopy(
                                values, 0, out[l], start * chosen.get(l).dimension(), values.length);
                    }
                }
                task.advance(end - start);
            }
        }
        return out;
    }

    private static void requireLabels(Classifier model, LabeledData data, String what) {
        if (!Arrays.equals(data.features().exampleShape(), model.inputSpec().shape())) {
            throw new IllegalArgumentException("the " + what + " examples have shape "
                    + Arrays.toString(data.features().exampleShape()) + ", the model takes "
                    + Arrays.toString(model.inputSpec().shape()));
        }
        for (int label : data.labels()) {
            if (label < 0 || label >= model.classes()) {
                throw new IllegalArgumentException("the " + what + " data hold label " + label
                        + ", outside the model's " + model.classes() + " classes");
            }
        }
    }
}
