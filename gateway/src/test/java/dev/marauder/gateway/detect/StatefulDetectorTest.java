package dev.marauder.gateway.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The stateful detector on seeded synthetic streams of 784-value inputs (28x28 images) from ten
 * Gaussian class blobs, encoded to 256 values: natural streams at the calibrated 0.1% rate, and an
 * attack's perturbations {@code x + N(0, 0.01^2)} of one input.
 */
class StatefulDetectorTest {
    private static final float[][] CENTRES = Streams.centres(10, 784, 3);

    private static StatefulDetector.Settings calibrated() {
        Streams.Stream calibration = Streams.natural(CENTRES, 1, 3000, 100);
        return StatefulDetector.Settings.calibrated(calibration.inputs());
    }

    @Test
    void naturalStreamsAlertAtAboutTheCalibratedRate() {
        StatefulDetector.Settings settings = calibrated();
        assertThat(settings.k()).isEqualTo(50);
        assertThat(settings.bufferSize()).isEqualTo(1000);
        assertThat(settings.encodedDims()).isEqualTo(256);
        assertThat(settings.threshold()).isPositive();
        StatefulDetector detector = new StatefulDetector(settings);
        Streams.Stream benign = Streams.natural(CENTRES, 1, 2000, 101);
        List<Alert> alerts = PradaDetectorTest.replay(detector, "alice", benign);
        // 1950 decisions at a calibrated 0.1% give about 2 alerts by chance; 10 (0.5%) would be
        // far outside Binomial(1950, 0.001) (P[X >= 10] < 1e-4)
        assertThat(alerts)
                .as("alerts on a benign stream of 2000 queries (threshold %.4f): %s", settings.threshold(), alerts)
                .hasSizeLessThan(10);
    }

    @Test
    void perturbationsOfOneInputAreFlaggedRightAfterKQueries() {
        StatefulDetector.Settings settings = calibrated();
        StatefulDetector detector = new StatefulDetector(settings);
        float[] x = Streams.natural(CENTRES, 1, 1, 5).inputs().get(0);
        Streams.Stream attack = Streams.perturbations(x, 0.01, 200, 6);
        List<Alert> alerts = PradaDetectorTest.replay(detector, "mallory", attack);
        assertThat(alerts).as("alerts on the attack stream").isNotEmpty();
        Alert first = alerts.get(0);
        // the first decision is at query k + 1 = 51
        assertThat(first.query()).as("query of the first alert: %s", first).isBetween(51L, 55L);
        assertThat(first.detector()).isEqualTo("stateful");
        assertThat(first.statistic()).isLessThan(first.threshold());
        assertThat(first.reason()).startsWith("Stateful: mean L2 distance").contains("50 nearest of 50 recent queries");
    }

    @Test
    void anAlertClearsTheBuffer() {
        StatefulDetector detector = new StatefulDetector(calibrated());
        float[] x = Streams.natural(CENTRES, 1, 1, 5).inputs().get(0);
        Streams.Stream attack = Streams.perturbations(x, 0.01, 200, 6);
        List<Long> alertQueries = new ArrayList<>();
        for (int q = 0; q < attack.size(); q++) {
            boolean alerted =
                    detector.observe("mallory", attack.inputs().get(q), 0).isPresent();
            if (alerted) {
                alertQueries.add((long) q + 1);
                assertThat(detector.buffered("mallory")).isZero();
            }
        }
        // after each alert the buffer refills with k = 50 queries, and the 51st alerts again
        assertThat(alertQueries).containsExactly(51L, 102L, 153L);
        assertThat(detector.observed("mallory")).isEqualTo(200);
        assertThat(detector.buffered("mallory")).isEqualTo(200 - 153);
        detector.forget("mallory");
        assertThat(detector.observed("mallory")).isZero();
        assertThat(detector.buffered("mallory")).isZero();
    }

    @Test
    void noDecisionBeforeKQueriesAndTheBufferIsBounded() {
        StatefulDetector detector = new StatefulDetector(new StatefulDetector.Settings(3, 5, 256, 1e9));
        float[] x = {1, 2, 3};
        assertThat(detector.observe("p", x, 0)).isEmpty();
        assertThat(detector.observe("p", x, 0)).isEmpty();
        assertThat(detector.observe("p", x, 0)).isEmpty();
        assertThat(detector.buffered("p")).isEqualTo(3);
        assertThat(detector.observe("p", x, 0)).get().extracting(Alert::query).isEqualTo(4L);
        StatefulDetector quiet = new StatefulDetector(new StatefulDetector.Settings(3, 5, 256, 0));
        for (int q = 0; q < 20; q++) {
            assertThat(quiet.observe("p", x, 0)).isEmpty();
        }
        assertThat(quiet.buffered("p")).isEqualTo(5);
    }

    @Test
    void encoderIsTheIdentityUpToEncodedDimsAndAveragesAbove() {
        float[] small = {1, 2, 3};
        float[] encoded = StatefulDetector.encode(small, 3);
        assertThat(encoded).containsExactly(1, 2, 3).isNotSameAs(small);
        assertThat(StatefulDetector.encode(small, 256)).containsExactly(1, 2, 3);
        assertThat(StatefulDetector.encode(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4))
                .containsExactly(1.5f, 3.5f, 5.5f, 7.5f);
        // 10 into 4: runs [0, 2), [2, 5), [5, 7), [7, 10)
        assertThat(StatefulDetector.encode(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 4))
                .containsExactly(0.5f, 3f, 5.5f, 8f);
        assertThat(StatefulDetector.encode(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1))
                .containsExactly(4.5f);
    }

    @Property(tries = 50)
    void encoderPreservesTheMeanAndIsDeterministic(
            @ForAll @IntRange(min = 1, max = 3000) int length, @ForAll @IntRange(min = 1, max = 300) int dims) {
        float[] x = Streams.natural(new float[1][length], 1, 1, length * 31L + dims)
                .inputs()
                .get(0);
        float[] a = StatefulDetector.encode(x, dims);
        assertThat(a).hasSize(Math.min(length, dims)).containsExactly(StatefulDetector.encode(x, dims));
        // each run has floor(n/m) or ceil(n/m) values; the means of equal-length runs average to the mean
        if (length % Math.min(length, dims) == 0) {
            double mean = 0;
            for (float v : x) {
                mean += v;
            }
            double encodedMean = 0;
            for (float v : a) {
                encodedMean += v;
            }
            assertThat(encodedMean / a.length).isCloseTo(mean / length, org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @Test
    void calibrationTakesTheQuantileOfOneBenignStream() {
        // 1-D inputs 0, 10, 20, ... with k = 1: every mean nearest distance is 10
        List<float[]> spaced = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            spaced.add(new float[] {10 * i});
        }
        assertThat(StatefulDetector.calibrateThreshold(spaced, 1, 1000, 1, 0.001))
                .isEqualTo(10);
        // distances 1, 2, ..., 99 to the previous query (the nearest, k = 1, inputs growing quadratically)
        List<float[]> growing = new ArrayList<>();
        double position = 0;
        for (int i = 0; i < 100; i++) {
            position += i;
            growing.add(new float[] {(float) position});
        }
        assertThat(StatefulDetector.calibrateThreshold(growing, 1, 1000, 1, 0)).isEqualTo(1);
        assertThat(StatefulDetector.calibrateThreshold(growing, 1, 1000, 1, 0.1))
                .isEqualTo(10); // floor(9.9) = 9th
        assertThat(StatefulDetector.calibrateThreshold(growing, 1, 1000, 1, 0.5))
                .isEqualTo(50);
    }

    @Test
    void concurrentPrincipalsGiveTheSequentialResults() throws InterruptedException {
        StatefulDetector.Settings settings = calibrated();
        float[] x = Streams.natural(CENTRES, 1, 1, 5).inputs().get(0);
        List<Streams.Stream> streams = List.of(
                Streams.perturbations(x, 0.01, 300, 31),
                Streams.natural(CENTRES, 1, 300, 32),
                Streams.perturbations(x, 0.02, 300, 33),
                Streams.natural(CENTRES, 1, 300, 34));
        List<List<Alert>> sequential = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            sequential.add(PradaDetectorTest.replay(new StatefulDetector(settings), "p" + p, streams.get(p)));
        }
        StatefulDetector shared = new StatefulDetector(settings);
        assertThat(Concurrency.interleaved(shared, streams)).isEqualTo(sequential);
        assertThat(sequential.get(0)).isNotEmpty();
        for (int p = 0; p < 4; p++) {
            assertThat(shared.observed("p" + p)).isEqualTo(300);
        }
    }

    @Test
    void refusesBadSettingsAndInputs() {
        assertThatThrownBy(() -> new StatefulDetector.Settings(0, 10, 4, 1)).hasMessageContaining("k must be");
        assertThatThrownBy(() -> new StatefulDetector.Settings(5, 4, 4, 1)).hasMessageContaining("bufferSize");
        assertThatThrownBy(() -> new StatefulDetector.Settings(5, 10, 0, 1)).hasMessageContaining("encodedDims");
        assertThatThrownBy(() -> new StatefulDetector.Settings(5, 10, 4, -1)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new StatefulDetector.Settings(5, 10, 4, Double.NaN))
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new StatefulDetector.Settings(5, 10, 4, Double.POSITIVE_INFINITY))
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new StatefulDetector(null)).isInstanceOf(IllegalArgumentException.class);
        List<float[]> few = List.of(new float[] {1}, new float[] {2});
        assertThatThrownBy(() -> StatefulDetector.calibrateThreshold(few, 2, 10, 4, 0.01))
                .hasMessageContaining("more than k = 2");
        List<float[]> enough = List.of(new float[] {1}, new float[] {2}, new float[] {4});
        assertThatThrownBy(() -> StatefulDetector.calibrateThreshold(enough, 1, 10, 4, 1))
                .hasMessageContaining("below 1");
        assertThatThrownBy(() -> StatefulDetector.calibrateThreshold(enough, 1, 10, 4, -0.1))
                .hasMessageContaining("false positive rate");
        List<float[]> mixed = List.of(new float[] {1}, new float[] {2, 3}, new float[] {4});
        assertThatThrownBy(() -> StatefulDetector.calibrateThreshold(mixed, 1, 10, 4, 0.1))
                .hasMessageContaining("values");
        StatefulDetector detector = new StatefulDetector(StatefulDetector.Settings.of(1));
        assertThatThrownBy(() -> detector.observe(null, new float[] {1}, 0)).hasMessageContaining("principal");
        assertThatThrownBy(() -> detector.observe("p", null, 0)).hasMessageContaining("empty");
        assertThatThrownBy(() -> detector.observe("p", new float[] {Float.POSITIVE_INFINITY}, 0))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> detector.observe("p", new float[] {1}, -2)).hasMessageContaining("class");
        detector.observe("p", new float[] {1, 2}, 0);
        assertThatThrownBy(() -> detector.observe("p", new float[] {1}, 0)).hasMessageContaining("had 2");
    }
}
