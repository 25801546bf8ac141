package dev.marauder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run: a logistic regression behind the gateway, one image, small budgets. */
class GatewayDetectionBenchmarkTest {
    @Test
    @Timeout(120)
    void tinyRunHasEveryRowAndFlagsNes(@TempDir Path work) {
        TrainTestSplit data = Datasets.load("fashion-mnist");
        TrainTestSplit small = new TrainTestSplit(data.name(), data.train().slice(0, 2000), data.test());
        GatewayDetectionBenchmark.Settings settings =
                new GatewayDetectionBenchmark.Settings(1, 120, 0.1, 2.0, List.of(20), List.of(1), 1, 1, 200, 0);
        try (BuiltinClassifier model = Training.train(
                new TrainingSettings(Architecture.LOGREG, 1, 64, 1e-2, 0),
                small,
                new float[] {0f, 1f},
                Progress.NONE)) {
            GatewayDetectionBenchmark.Result r =
                    GatewayDetectionBenchmark.run(model, "tiny logreg", "fashion-mnist", settings, work);

            Map<String, GatewayDetectionBenchmark.AttackRun> attacks = r.attacks().stream()
                    .collect(Collectors.toMap(GatewayDetectionBenchmark.AttackRun::attack, Function.identity()));
            assertThat(attacks).containsOnlyKeys("square", "hsj", "nes", "learning", "equation-x1");
            assertThat(attacks.values()).allSatisfy(a -> {
                assertThat(a.error()).isNull();
                assertThat(a.queries()).isPositive();
            });
            // NES estimates gradients from 50 tightly clustered queries per step: the stateful detector
            // (k = 50) decides from the 51st query of the principal on, and must flag it there or soon after.
            GatewayDetectionBenchmark.AttackRun nes = attacks.get("nes");
            assertThat(nes.firstStatefulAlert()).isNotNull().isBetween(51L, nes.queries());
            assertThat(nes.detected()).isTrue();
            // equation-solving spends exactly d + 1 queries and recovers a logistic regression from full scores
            assertThat(attacks.get("equation-x1").queries()).isEqualTo(785);
            // uniform random queries are outliers: flagged within the first few queries
            assertThat(attacks.get("equation-x1").firstOutlierAlert())
                    .isNotNull()
                    .isLessThan(20L);
            assertThat(attacks.get("equation-x1").fidelityTest()).isGreaterThan(0.99);

            assertThat(r.benign()).singleElement().satisfies(b -> {
                assertThat(b.queries()).isEqualTo(200);
                assertThat(b.falseAlertRate())
                        .isEqualTo((double) (b.pradaAlerts() + b.statefulAlerts() + b.outlierAlerts()) / b.queries());
            });
            assertThat(r.detection().block()).isFalse();
            assertThat(r.detection().statefulThreshold()).isPositive();
            assertThat(r.detection().outlierThreshold()).isPositive();
            assertThat(r.detection().pradaDelta()).isBetween(0.5, 0.95);

            // 3 outputs x (equation on the logreg, learning on the logreg, learning on the model)
            assertThat(r.hardening()).hasSize(9);
            assertThat(r.hardening())
                    .filteredOn(h -> h.attack().equals("equation") && h.output().equals("label"))
                    .singleElement()
                    .satisfies(h -> {
                        assertThat(h.ran()).isFalse();
                        assertThat(h.reason()).contains("labels only");
                    });
            assertThat(r.hardening())
                    .filteredOn(h -> h.attack().equals("equation") && h.output().equals("full"))
                    .singleElement()
                    .satisfies(h -> assertThat(h.fidelityTest()).isGreaterThan(0.99));
            assertThat(GatewayDetectionBenchmark.summary(r)).contains("nes", "benign-1", "fails:");
            assertThat(r.provenance()).isNotNull();
        }
    }
}
