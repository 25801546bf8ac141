package dev.marauder.core.model;

import java.util.Locale;

/**
 * What a model file trained elsewhere returns: the user declares it ({@code --output}); it is never
 * guessed. TorchScript and ONNX models are then seen through logits-equivalent scores: log
 * probabilities are logits already ({@code softmax(log p) = p}), and probabilities become
 * {@code log p}, so attacks, losses and membership scores use the right transform and a softmax
 * model gives the same numbers as its logits twin.
 */
public enum ModelOutput {
    /** Unnormalised scores. */
    LOGITS("logits"),
    /** A probability vector per example (non-negative, rows summing to one). */
    PROBABILITIES("probabilities"),
    /** The logarithms of a probability vector (e.g. a final log_softmax). */
    LOG_PROBABILITIES("log-probabilities");

    private final String id;

    ModelOutput(String id) {
        this.id = id;
    }

    /** The name on the command line. */
    public String id() {
        return id;
    }

    /** The kind named {@code id}. */
    public static ModelOutput of(String id) {
        for (ModelOutput o : values()) {
            if (o.id.equals(id.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                return o;
            }
        }
        throw new IllegalArgumentException(
                "--output must be logits, probabilities or log-probabilities, got '" + id + "'");
    }
}
