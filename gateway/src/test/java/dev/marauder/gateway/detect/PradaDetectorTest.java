package dev.marauder.gateway.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PRADA on seeded synthetic streams in 50 dimensions with two Gaussian class blobs (centres with
 * N(0, 1) coordinates, queries at N(0, 1) around them): natural streams stay quiet, and a
 * Jacobian-augmentation extraction stream is caught within a few hundred queries.
 */
class PradaDetectorTest {
    private static final float[][] CENTRES = Streams.centres(2, 50, 7);

    @Test
    void naturalStreamsRaiseNoAlertOver2000Queries() {
        for (long seed = 1; seed <= 3; seed++) {
            Streams.Stream benign = Streams.natural(CENTRES, 1, 2000, seed);
            PradaDetector.Replay replay =
                    PradaDetector.replay(PradaDetector.Settings.defaults(), benign.inputs(), benign.classes());
            assertThat(replay.alerts())
                    .as(
                            "alerts on benign stream %d (first at query %d, lowest W %.4f)",
                            seed, replay.firstAlert(), replay.lowestStatistic())
                    .isZero();
            assertThat(replay.tests()).isEqualTo(2000 - 2 - 99); // the first query of each class has no distance
            // the margin the default delta relies on (see PradaDetector's class comment: 0.965 to
            // 0.992 over seeds 1 to 10; the lowest W comes early, when D has about 100 values)
            assertThat(replay.lowestStatistic()).as("lowest benign W").isGreaterThan(0.96);
        }
    }

    @Test
    void jacobianAugmentationIsCaughtWithinAFewHundredQueries() {
        Streams.Stream attack = Streams.jacobianAugmentation(CENTRES, 10, 0.1, 1000, 11);
        PradaDetector detector = new PradaDetector();
        List<Alert> alerts = replay(detector, "mallory", attack);
        assertThat(alerts).as("alerts on the extraction stream").isNotEmpty();
        Alert first = alerts.get(0);
        assertThat(first.query()).as("query of the first alert: %s", first).isLessThanOrEqualTo(300);
        assertThat(first.detector()).isEqualTo("prada");
        assertThat(first.principal()).isEqualTo("mallory");
        assertThat(first.statistic()).isLessThan(0.95);
        assertThat(first.threshold()).isEqualTo(0.95);
        assertThat(first.reason()).startsWith("PRADA: Shapiro-Wilk W 0.").contains("is below 0.950");
        assertThat(detector.observed("mallory")).isEqualTo(1000);
    }

    @Test
    void alertsAreSpacedByMinDistances() {
        Streams.Stream attack = Streams.jacobianAugmentation(CENTRES, 10, 0.1, 2000, 11);
        List<Alert> alerts = replay(new PradaDetector(), "mallory", attack);
        assertThat(alerts).as("repeated alerts on a long extraction stream").hasSizeGreaterThan(1);
        for (int i = 1; i < alerts.size(); i++) {
            // every query after the first of each class adds one distance
            assertThat(alerts.get(i).query() - alerts.get(i - 1).query()).isGreaterThanOrEqualTo(100);
        }
        assertThat(alerts.size()).isLessThanOrEqualTo(2000 / 100);
    }

    @Test
    void forgetDropsThePrincipalsState() {
        Streams.Stream attack = Streams.jacobianAugmentation(CENTRES, 10, 0.1, 400, 11);
        PradaDetector detector = new PradaDetector();
        long firstAlert = replay(detector, "mallory", attack).get(0).query();
        detector.forget("mallory");
        assertThat(detector.observed("mallory")).isZero();
        assertThat(replay(detector, "mallory", attack).get(0).query()).isEqualTo(firstAlert);
        assertThat(detector.observed("nobody")).isZero();
    }

    @Test
    void replayCountsAlertsAndTheLowestStatistic() {
        Streams.Stream attack = Streams.jacobianAugmentation(CENTRES, 10, 0.1, 1000, 11);
        PradaDetector.Replay replay =
                PradaDetector.replay(PradaDetector.Settings.defaults(), attack.inputs(), attack.classes());
        List<Alert> alerts = replay(new PradaDetector(), "mallory", attack);
        assertThat(replay.alerts()).isEqualTo(alerts.size());
        assertThat(replay.firstAlert()).isEqualTo(alerts.get(0).query());
        assertThat(replay.lowestStatistic()).isLessThan(0.95);
        assertThat(replay.alertRate()).isEqualTo(alerts.size() / 1000.0);
    }

    @Test
    void concurrentPrincipalsGiveTheSequentialResults() throws InterruptedException {
        List<Streams.Stream> streams = List.of(
                Streams.jacobianAugmentation(CENTRES, 10, 0.1, 600, 21),
                Streams.natural(CENTRES, 1, 600, 22),
                Streams.jacobianAugmentation(CENTRES, 6, 0.05, 600, 23),
                Streams.natural(CENTRES, 1, 600, 24));
        List<List<Alert>> sequential = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            sequential.add(replay(new PradaDetector(), "p" + p, streams.get(p)));
        }
        PradaDetector shared = new PradaDetector();
        List<List<Alert>> concurrent = Concurrency.interleaved(shared, streams);
        assertThat(concurrent).isEqualTo(sequential);
        assertThat(sequential.get(0)).isNotEmpty();
        for (int p = 0; p < 4; p++) {
            assertThat(shared.observed("p" + p)).isEqualTo(600);
        }
    }

    @Test
    void refusesBadSettingsAndInputs() {
        assertThatThrownBy(() -> new PradaDetector.Settings(0, 100, 10)).hasMessageContaining("delta");
        assertThatThrownBy(() -> new PradaDetector.Settings(1, 100, 10)).hasMessageContaining("delta");
        assertThatThrownBy(() -> new PradaDetector.Settings(Double.NaN, 100, 10))
                .hasMessageContaining("delta");
        assertThatThrownBy(() -> new PradaDetector.Settings(0.9, 2, 10)).hasMessageContaining("minDistances");
        assertThatThrownBy(() -> new PradaDetector.Settings(0.9, 5001, 10)).hasMessageContaining("minDistances");
        assertThatThrownBy(() -> new PradaDetector.Settings(0.9, 100, 0)).hasMessageContaining("maxKept");
        assertThatThrownBy(() -> new PradaDetector(null)).isInstanceOf(IllegalArgumentException.class);
        PradaDetector detector = new PradaDetector();
        assertThatThrownBy(() -> detector.observe(null, new float[] {1}, 0)).hasMessageContaining("principal");
        assertThatThrownBy(() -> detector.observe("p", new float[0], 0)).hasMessageContaining("empty");
        assertThatThrownBy(() -> detector.observe("p", new float[] {Float.NaN}, 0))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> detector.observe("p", new float[] {1}, -1)).hasMessageContaining("class");
        detector.observe("p", new float[] {1, 2}, 0);
        assertThatThrownBy(() -> detector.observe("p", new float[] {1, 2, 3}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values")
                .hasMessageContaining("had 2");
        assertThat(detector.observed("p")).isEqualTo(1);
    }

    static List<Alert> replay(QueryStreamDetector detector, String principal, Streams.Stream stream) {
        List<Alert> alerts = new ArrayList<>();
        for (int q = 0; q < stream.size(); q++) {
            detector.observe(principal, stream.inputs().get(q), stream.classes()[q])
                    .ifPresent(alerts::add);
        }
        return alerts;
    }
}
