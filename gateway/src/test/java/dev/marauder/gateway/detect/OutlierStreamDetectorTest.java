package dev.marauder.gateway.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Benign queries from the reference's distribution raise no alert; uniform random queries (the
 * extraction attacks' queries) are flagged within a few queries; the binomial rule and the window
 * reset.
 */
class OutlierStreamDetectorTest {
    private static final int DIM = 50;

    /** Queries near one of five centres, the "real inputs" of this test. */
    private static List<float[]> natural(Random r, int n) {
        Random centres = new Random(7);
        float[][] c = new float[5][DIM];
        for (float[] row : c) {
            for (int j = 0; j < DIM; j++) {
                row[j] = centres.nextFloat();
            }
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = c[r.nextInt(5)].clone();
            for (int j = 0; j < DIM; j++) {
                x[j] = Math.min(1, Math.max(0, x[j] + (float) (0.05 * r.nextGaussian())));
            }
            out.add(x);
        }
        return out;
    }

    private static List<float[]> uniform(Random r, int n) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                x[j] = r.nextFloat();
            }
            out.add(x);
        }
        return out;
    }

    @Test
    void benignStreamsRaiseNoAlertAndUniformQueriesAreFlaggedAtOnce() {
        OutlierStreamDetector d =
                new OutlierStreamDetector(OutlierStreamDetector.Settings.DEFAULT, natural(new Random(1), 1000));
        assertThat(d.threshold()).isPositive();
        for (int client = 0; client < 3; client++) {
            int alerts = 0;
            for (float[] x : natural(new Random(100 + client), 2000)) {
                alerts += d.observe("benign-" + client, x, 0).isPresent() ? 1 : 0;
            }
            assertThat(alerts).as("alerts on benign client %d", client).isZero();
        }
        long first = -1;
        int alerts = 0;
        for (float[] x : uniform(new Random(3), 200)) {
            Optional<Alert> a = d.observe("extractor", x, 0);
            if (a.isPresent()) {
                alerts++;
                if (first < 0) {
                    first = a.get().query();
                    assertThat(a.get().reason()).startsWith("Outliers: ");
                    assertThat(a.get().detector()).isEqualTo("outlier");
                }
            }
        }
        // at a 1% benign rate, 1e-6 needs 4 outliers among the first 4 queries
        assertThat(first).isEqualTo(4);
        assertThat(alerts).isEqualTo(50); // the window restarts after each alert
        assertThat(d.observed("extractor")).isEqualTo(200);
        d.forget("extractor");
        assertThat(d.observed("extractor")).isZero();
    }

    @Test
    void aMixedStreamIsFlaggedOnceItsOutlierShareIsImprobable() {
        OutlierStreamDetector d = new OutlierStreamDetector(
                new OutlierStreamDetector.Settings(256, 100, 0.01, 1e-6), natural(new Random(1), 1000));
        Random r = new Random(5);
        List<float[]> benign = natural(new Random(6), 400);
        List<float[]> noise = uniform(new Random(8), 400);
        long first = -1;
        for (int i = 0; i < 400 && first < 0; i++) {
            // one query in five is synthetic
            float[] x = i % 5 == 4 ? noise.get(i) : benign.get(i);
            Optional<Alert> a = d.observe("mixed", x, r.nextInt(3));
            if (a.isPresent()) {
                first = a.get().query();
            }
        }
        assertThat(first).isBetween(20L, 60L);
    }

    @Test
    void badSettingsAndReferencesAreRefused() {
        assertThatThrownBy(() -> new OutlierStreamDetector.Settings(0, 100, 0.01, 1e-6))
                .hasMessageContaining("encodedDims");
        assertThatThrownBy(() -> new OutlierStreamDetector.Settings(256, 100, 0.6, 1e-6))
                .hasMessageContaining("outlier rate");
        assertThatThrownBy(() ->
                        new OutlierStreamDetector(OutlierStreamDetector.Settings.DEFAULT, natural(new Random(1), 99)))
                .hasMessageContaining("at least 100");
        OutlierStreamDetector d =
                new OutlierStreamDetector(OutlierStreamDetector.Settings.DEFAULT, natural(new Random(1), 100));
        assertThatThrownBy(() -> d.observe("p", new float[DIM + 1], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
