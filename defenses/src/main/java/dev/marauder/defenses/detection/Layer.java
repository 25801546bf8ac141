package dev.marauder.defenses.detection;

/**
 * One representation a Deep k-NN searches: a hidden layer of a built-in network, or the model's
 * output scores when it gives no access to its layers.
 *
 * @param name {@code hidden1}, {@code hidden2}, ... (the input of the second, third, ...
 *     parametric layer, flattened) or {@code logits} (the model's output)
 * @param dimension the number of features of one example's representation
 */
public record Layer(String name, int dimension) {
    /** Name of the output layer. */
    public static final String LOGITS = "logits";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException for a blank name or a dimension below 1
     */
    public Layer {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a layer needs a name");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("layer " + name + " has dimension " + dimension);
        }
    }
}
