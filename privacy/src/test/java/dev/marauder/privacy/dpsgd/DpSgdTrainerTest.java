package dev.marauder.privacy.dpsgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.accounting.AccountantType;
import dev.marauder.privacy.accounting.RdpAccountant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DP-SGD training end to end: utility, the accounted epsilon, calibration, budget, reproducibility. */
class DpSgdTrainerTest {
    private static final float[] UNIT = {0f, 1f};
    private static TrainTestSplit small;

    @BeforeAll
    static void data() {
        TrainTestSplit full = Datasets.load("fashion-mnist");
        small = new TrainTestSplit(
                "fashion-mnist[small]", full.train().slice(0, 2000), full.test().slice(0, 500));
    }

    @Test
    void privateTrainingLearnsAndRecordsTheEpsilonItSpent(@TempDir Path dir) {
        TrainingSettings s = new TrainingSettings(Architecture.LOGREG, 2, 100, 0.01, 5);
        DpSgdSettings dp = DpSgdSettings.withNoise(1.0, 1.1, 1e-5).withSeed(9);
        List<String> warnings = new ArrayList<>();
        ModelCard a;
        ModelCard b;
        try (BuiltinClassifier m = train(s, dp, warnings::add)) {
            a = m.save(dir.resolve("a"));
        }
        try (BuiltinClassifier m = train(s, dp, w -> {})) {
            b = m.save(dir.resolve("b"));
        }
        assertThat(warnings).singleElement().asString().contains("NOT private");
        assertThat(a.parametersSha256()).as("seeded runs repeat").isEqualTo(b.parametersSha256());
        assertThat(a.testAccuracy()).isGreaterThan(0.55);
        var p = a.privacy();
        assertThat(p.steps()).isEqualTo(40L);
        assertThat(p.sampleRate()).isEqualTo(0.05);
        assertThat(p.secureRandomness()).isFalse();
        assertThat(p.isPrivate()).isFalse();
        RdpAccountant expected = new RdpAccountant();
        expected.step(1.1, 0.05, 40);
        assertThat(p.epsilon()).isCloseTo(expected.epsilon(1e-5), within(1e-12));
    }

    @Test
    void secureRunsDiffer() {
        TrainingSettings s = new TrainingSettings(Architecture.LOGREG, 1, 200, 0.01, 5);
        DpSgdSettings dp = DpSgdSettings.withNoise(1.0, 1.0, 1e-5);
        try (BuiltinClassifier a = train(s, dp, w -> {});
                BuiltinClassifier b = train(s, dp, w -> {})) {
            assertThat(a.card().privacy().secureRandomness()).isTrue();
            float[] wa = a.djlModel()
                    .getBlock()
                    .getParameters()
                    .get(0)
                    .getValue()
                    .getArray()
                    .toFloatArray();
            float[] wb = b.djlModel()
                    .getBlock()
                    .getParameters()
                    .get(0)
                    .getValue()
                    .getArray()
                    .toFloatArray();
            assertThat(wa).isNotEqualTo(wb);
        }
    }

    private static BuiltinClassifier train(
            TrainingSettings s, DpSgdSettings dp, java.util.function.Consumer<String> w) {
        return Training.train(s.architecture(), DpSgdTrainer.of(s, dp), small, UNIT, Progress.NONE, w);
    }

    @Test
    void theTrainerRoundTripsThroughJsonAsATrainer() throws Exception {
        Trainer t = new DpSgdTrainer(
                3, 64, 1e-3, 7, new DpSgdSettings(0.8, Double.NaN, 2.5, 1e-6, AccountantType.PLD, 9.0, 4L));
        var mapper = dev.marauder.core.json.Json.mapper();
        assertThat(mapper.readValue(mapper.writeValueAsString(t), Trainer.class))
                .isEqualTo(t);
        Trainer plain = new AdamTrainer(2, 32, 1e-2, 3);
        assertThat(mapper.readValue(mapper.writeValueAsString(plain), Trainer.class))
                .isEqualTo(plain);
    }

    @Test
    void calibratedNoiseMeetsButDoesNotExceedTheTarget() {
        TrainingSettings s = new TrainingSettings(Architecture.LOGREG, 3, 100, 0.01, 1);
        DpSgdSettings dp = new DpSgdSettings(1.0, Double.NaN, 2.0, 1e-5, AccountantType.RDP, Double.NaN, 3L);
        DpSgdTrainer.Plan plan = DpSgdTrainer.of(s, dp).plan(small.train().size());
        assertThat(plan.steps()).isEqualTo(60);
        assertThat(plan.plannedEpsilon()).isLessThanOrEqualTo(2.0).isGreaterThan(1.99);
    }

    @Test
    void aBudgetTheRunWouldExceedIsRefusedBeforeTraining() {
        TrainingSettings s = new TrainingSettings(Architecture.LOGREG, 10, 100, 0.01, 1);
        DpSgdSettings dp = new DpSgdSettings(1.0, 0.7, Double.NaN, 1e-5, AccountantType.RDP, 1.0, null);
        assertThatThrownBy(() -> train(s, dp, w -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the budget 1");
    }
}
