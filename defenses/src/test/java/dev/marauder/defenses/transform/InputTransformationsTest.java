package dev.marauder.defenses.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.core.model.InputSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each transformation computes what its paper says, and its pull-backs are the adjoints they claim. */
class InputTransformationsTest {
    private static final InputSpec IMAGE = new InputSpec(new int[] {1, 8, 8}, 0f, 1f);
    private static final InputSpec RGB = new InputSpec(new int[] {3, 8, 8}, 0f, 1f);

    private static float[] uniform(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void bitDepthRoundsToItsLevelsAndHasNoGradient() {
        BitDepthReduction three = new BitDepthReduction(3);
        float[] y =
                three.apply(new float[] {0f, 0.07f, 0.08f, 0.5f, 0.99f, 1.2f}, 1, new InputSpec(new int[] {6}, 0f, 1f));
        assertThat(y).containsExactly(0f, 0f, 1 / 7f, 4 / 7f, 1f, 1f);
        assertThat(three.exactPullBack(new float[6], new float[] {1, 1, 1, 1, 1, 1}, 1, IMAGE))
                .containsOnly(0f);
        assertThat(three.approximatePullBack(new float[2], new float[] {2, 3}, 1, IMAGE))
                .containsExactly(2, 3);
    }

    @Test
    void theMedianIsTheWindowsMiddleValueAndItsGradientGoesThere() {
        MedianSmoothing median = new MedianSmoothing(3);
        float[] x = new float[64];
        x[27] = 1f; // one bright pixel disappears
        assertThat(median.apply(x, 1, IMAGE)).containsOnly(0f);
        float[] ramp = new float[64];
        for (int i = 0; i < 64; i++) {
            ramp[i] = i / 64f; // a monotone ramp is its own median away from the corners' repeated edges
        }
        float[] smoothed = median.apply(ramp, 1, IMAGE);
        assertThat(smoothed[3 * 8 + 3]).isEqualTo(ramp[3 * 8 + 3]);
        // apply(x) selects input values, so <apply(x), v> = <x, pullBack(v)>
        float[] xs = uniform(2 * 64, 1);
        float[] v = uniform(2 * 64, 2);
        assertThat(dot(median.apply(xs, 2, IMAGE), v))
                .isCloseTo(dot(xs, median.exactPullBack(xs, v, 2, IMAGE)), within(1e-4));
        assertThatThrownBy(() -> new MedianSmoothing(4)).hasMessageContaining("odd");
    }

    @Test
    void resizingAndPaddingIsLinearWithTheTransposeAsItsPullBackAndEotAveragesDraws() {
        RandomResizePadding resize = new RandomResizePadding(0.6);
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 0; t < 5; t++) {
            InputTransformation.Draw draw = resize.draw(random);
            float[] x = uniform(3 * 64, 10 + t);
            float[] v = uniform(3 * 64, 20 + t);
            float[] y = draw.apply(x, 1, RGB);
            assertThat(dot(y, v)).isCloseTo(dot(x, draw.exactPullBack(x, v, 1, RGB)), within(1e-3));
            assertThat(draw.approximatePullBack(x, v, 1, RGB)).containsExactly(draw.exactPullBack(x, v, 1, RGB));
            for (float value : y) {
                assertThat(value).isBetween(-1e-6f, 1f + 1e-6f);
            }
        }
        // scale 1 keeps the image
        float[] x = uniform(64, 5);
        assertThat(new RandomResizePadding(1).draw(random).apply(x, 1, IMAGE)).containsExactly(x);
    }

    @Test
    void thermometerEncodingAndItsSoftPullBack() {
        ThermometerEncoding four = new ThermometerEncoding(4);
        InputSpec one = new InputSpec(new int[] {1, 1, 2}, 0f, 1f);
        float[] code = four.apply(new float[] {0.3f, 0.9f}, 1, one);
        // bit i of value u is u >= i/4: 0.3 -> 1,1,0,0 ; 0.9 -> 1,1,1,1 (channel-major planes of 2 values)
        assertThat(code).containsExactly(1, 1, 1, 1, 0, 1, 0, 1);
        float[] v = {1, 1, 1, 1, 1, 1, 1, 1};
        // soft thermometer: only level i with 0 < 4u - i < 1 has slope 4: 0.3 -> level 1, 0.9 -> level 3
        assertThat(four.approximatePullBack(new float[] {0.3f, 0.9f}, v, 1, one))
                .containsExactly(4f, 4f);
        assertThat(four.defendedInput(new InputSpec(new int[] {16, 28, 28}, 0f, 1f))
                        .shape())
                .containsExactly(4, 28, 28);
        assertThatThrownBy(() -> four.defendedInput(IMAGE)).hasMessageContaining("multiple of 4");
    }

    @Test
    void jpegAndTotalVariationStayCloseToTheImageAndTvIsRandom() {
        float[] x = new float[3 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 8) < 4 ? 0.2f : 0.8f; // vertical stripes
        }
        float[] jpeg = new JpegCompression(90).apply(x, 1, RGB);
        assertThat(meanAbsDifference(x, jpeg)).isLessThan(0.05).isPositive();
        float[] gray = new JpegCompression(90).apply(java.util.Arrays.copyOf(x, 64), 1, IMAGE);
        assertThat(meanAbsDifference(java.util.Arrays.copyOf(x, 64), gray)).isLessThan(0.05);
        TotalVariationMinimization tv = new TotalVariationMinimization(0.5, 0.03, 60);
        SplittableRandom random = new SplittableRandom(4);
        float[] a = tv.draw(random).apply(x, 1, RGB);
        float[] b = tv.draw(random).apply(x, 1, RGB);
        assertThat(meanAbsDifference(x, a)).isLessThan(0.15);
        assertThat(a).isNotEqualTo(b);
        assertThat(tv.randomized()).isTrue();
        assertThatThrownBy(() -> Transformations.of("blur")).hasMessageContaining("jpeg, bitdepth");
    }

    private static double meanAbsDifference(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }
}
