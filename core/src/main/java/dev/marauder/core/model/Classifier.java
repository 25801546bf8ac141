package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;

/**
 * Black-box access to a classifier: it answers batched queries and nothing more.
 *
 * <p>This is the threat model of an adversary behind a prediction API (Tramer et al. 2016,
 * "Stealing Machine Learning Models via Prediction APIs"): score-based and decision-based attacks,
 * extraction and membership inference need only this. Every example sent through {@link #predict}
 * is counted in {@link #queries()}.
 *
 * <p>Arrays passed in are not modified; arrays returned belong to the input's manager.
 */
public interface Classifier extends AutoCloseable {

    /**
     * Scores for a batch.
     *
     * @param x inputs of shape {@code [N, ...inputSpec().shape()]} with values inside the bounds
     * @return scores of shape {@code [N, classes()]}, of the kind {@link #outputKind()} declares,
     *     attached to {@code x}'s manager
     */
    NDArray predict(NDArray x);

    /**
     * Class probabilities {@code [N, classes]} for a batch: the one place where scores become
     * probabilities. Logits go through the softmax; probabilities are returned as the model gave
     * them; label-only models give their one-hot rows (probability 1 on the predicted label).
     * One query per example, like {@link #predict}; the result belongs to {@code x}'s manager and
     * the intermediate scores are freed.
     */
    default NDArray probabilities(NDArray x) {
        NDArray scores = predict(x);
        if (outputKind() != OutputKind.LOGITS) {
            return scores;
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            scores.attach(scope);
            NDArray p = scores.softmax(1);
            p.attach(x.getManager());
            return p;
        }
    }

    /** Whether {@link #predict} returns logits, probabilities or one-hot labels. */
    OutputKind outputKind();

    /** Shape of one example and the valid value range. */
    InputSpec inputSpec();

    /** Number of classes. */
    int classes();

    /** Number of examples queried through {@link #predict} since creation. */
    long queries();

    /** Name, format and file hashes of the model. */
    ModelInfo info();

    /**
     * What a policy layer in front of a remote model reported and refused so far (output
     * hardening, budget use, alerts, refusals); empty for a model that is not behind an API.
     * Wrappers forward their model's.
     */
    default java.util.Optional<dev.marauder.core.model.ServingPolicy> servingPolicy() {
        return java.util.Optional.empty();
    }

    /**
     * Predicted labels for many examples, in batches of {@code batchSize}, with all temporaries
     * freed.
     */
    default int[] classify(FloatTensor x, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int n = x.examples();
        int[] out = new int[n];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                try (NDManager sub = manager.newSubManager()) {
                    NDArray batch = Tensors.toNDArray(sub, x.slice(start, end));
                    long[] labels = predict(batch).argMax(1).toLongArray();
                    for (int i = 0; i < labels.length; i++) {
                        out[start + i] = (int) labels[i];
                    }
                }
            }
        }
        return out;
    }

    /** Releases native resources. */
    @Override
    void close();
}
