package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import org.junit.jupiter.api.Test;

class DataChecksTest {
    private final FloatTensor images =
            new FloatTensor(new float[] {0f, 0.5f, 1f, 0.25f, 0f, 1f, 0.75f, 0f}, 2, 1, 2, 2);

    @Test
    void passingChecksReturnTheirArgument() {
        assertThat(DataChecks.requireFinite(images, "x")).isSameAs(images);
        assertThat(DataChecks.requireWithin(images, 0f, 1f, "x")).isSameAs(images);
        assertThat(DataChecks.requireExampleShape(images, new int[] {1, 2, 2}, "x"))
                .isSameAs(images);
        int[] labels = {0, 9, 3};
        assertThat(DataChecks.requireLabelsBelow(labels, 10, "y")).isSameAs(labels);
        LabeledData d = new LabeledData(images, new int[] {0, 1}, "src", "0".repeat(64));
        assertThat(DataChecks.requireFinite(d, "train")).isSameAs(d);
    }

    @Test
    void finiteNamesTheFirstNonFiniteValue() {
        float[] v = images.data().clone();
        v[6] = Float.POSITIVE_INFINITY;
        v[7] = Float.NaN;
        FloatTensor t = new FloatTensor(v, 2, 1, 2, 2);
        assertThatThrownBy(() -> DataChecks.requireFinite(t, "x_test.npy"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("x_test.npy: value Infinity at example 1, index [0, 1, 0] is not finite");
        LabeledData d = new LabeledData(t, new int[] {0, 1}, "a.npy + b.npy", "0".repeat(64));
        assertThatThrownBy(() -> DataChecks.requireFinite(d, "test data"))
                .hasMessage("test data (a.npy + b.npy): value Infinity at example 1, index [0, 1, 0] is not finite");
        FloatTensor vector = new FloatTensor(new float[] {1, Float.NaN}, 2);
        assertThatThrownBy(() -> DataChecks.requireFinite(vector, "v"))
                .hasMessage("v: value NaN at example 1 is not finite");
    }

    @Test
    void withinNamesTheFirstValueOutsideTheBounds() {
        assertThatThrownBy(() -> DataChecks.requireWithin(images, 0f, 0.9f, "inputs"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("inputs: value 1.0 at example 0, index [0, 1, 0] is outside the bounds [0.0, 0.9]");
        FloatTensor nan = new FloatTensor(new float[] {Float.NaN}, 1, 1);
        assertThatThrownBy(() -> DataChecks.requireWithin(nan, 0f, 1f, "n"))
                .hasMessage("n: value NaN at example 0, index [0] is outside the bounds [0.0, 1.0]");
        assertThatThrownBy(() -> DataChecks.requireWithin(images, 1f, 0f, "n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exampleShapeNamesTheFirstDifferingDimension() {
        assertThatThrownBy(() -> DataChecks.requireExampleShape(images, new int[] {1, 2, 3}, "images"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        "images: examples have shape [1, 2, 2], expected [1, 2, 3] (dimension 2 is 2 instead of 3)");
        assertThatThrownBy(() -> DataChecks.requireExampleShape(images, new int[] {4}, "images"))
                .hasMessage("images: examples have shape [1, 2, 2], expected [4] (3 dimensions instead of 1)");
    }

    @Test
    void labelsBelowNamesTheFirstOutOfRangeLabel() {
        assertThatThrownBy(() -> DataChecks.requireLabelsBelow(new int[] {0, 3, 10, -1}, 10, "y_test.npy"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("y_test.npy: label 10 at example 2 is not a class index 0..9");
        assertThatThrownBy(() -> DataChecks.requireLabelsBelow(new int[] {-1}, 10, "y"))
                .hasMessage("y: label -1 at example 0 is not a class index 0..9");
        assertThatThrownBy(() -> DataChecks.requireLabelsBelow(new int[] {0}, 0, "y"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
