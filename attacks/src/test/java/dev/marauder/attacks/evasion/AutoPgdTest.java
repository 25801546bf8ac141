package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyArray;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Models;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * APGD (Croce &amp; Hein 2020) on the shipped Fashion-MNIST CNN: its checkpoint schedule, that it
 * is at least as strong as PGD with the same budget and steps, APGD-T, and its settings checks.
 */
class AutoPgdTest {
    private static DifferentiableClassifier model;
    private static LabeledData data;

    @BeforeAll
    static void open() {
        model = fixtureModel();
        data = fixtureData(0, 40);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static DifferentiableClassifier fixtureModel() {
        return Models.openDifferentiable(
                BlackBoxFixtures.fixture("fmnist_cnn.pt"), new InputSpec(new int[] {1, 28, 28}, 0f, 1f));
    }

    /** Examples {@code [from, to)} of the 200 shipped Fashion-MNIST test images. */
    static LabeledData fixtureData(int from, int to) {
        NpyArray x = NpyReader.read(BlackBoxFixtures.fixture("fmnist_test_200_x.npy"));
        NpyArray y = NpyReader.read(BlackBoxFixtures.fixture("fmnist_test_200_y.npy"));
        return new LabeledData(x.toFloatTensor(), y.toLabels(), "fmnist_test_200", "").slice(from, to);
    }

    @Test
    void checkpointsFollowThePaper() {
        // p = 0, 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99 (Croce & Hein 2020, section 3.2).
        assertThat(AutoPgd.checkpoints(100)).containsExactly(22, 41, 57, 70, 80, 87, 93, 99);
        assertThat(AutoPgd.checkpoints(10)).containsExactly(3, 5, 6, 7, 8, 9, 10);
        assertThat(AutoPgd.checkpoints(1)).containsExactly(1);
    }

    /**
     * With the same budget and number of gradient steps APGD-CE breaks at least as many inputs as
     * PGD (measured on these 40 inputs, clean accuracy 0.8: L-inf 0.05 PGD 0.525, APGD 0.500; L2 1.0
     * PGD 0.475, APGD 0.450).
     */
    @Test
    void atLeastAsStrongAsPgdWithTheSameSteps() {
        RobustnessEvaluation eval = new RobustnessEvaluation(40, 0, false);
        for (Object[] row : new Object[][] {{Norm.LINF, 0.05}, {Norm.L2, 1.0}}) {
            Norm norm = (Norm) row[0];
            double eps = (double) row[1];
            RobustnessResult pgd = eval.evaluate(
                    model, ProjectedGradientDescent.builder(norm).optSteps(10).build(), data, null, Progress.NONE, eps);
            RobustnessResult apgd =
                    eval.evaluate(model, AutoPgd.builder(norm).optSteps(10).build(), data, null, Progress.NONE, eps);
            double pgdRobust = pgd.perEpsilon().get(0).robustAccuracy();
            double apgdRobust = apgd.perEpsilon().get(0).robustAccuracy();
            assertThat(apgdRobust).as(norm.id()).isLessThanOrEqualTo(pgdRobust);
            assertThat(apgdRobust).as(norm.id()).isLessThan(apgd.cleanAccuracy() - 0.2);
            assertThat(apgd.perEpsilon().get(0).meanPerturbation()).isLessThanOrEqualTo(eps + 1e-6);
        }
    }

    @Test
    void targetedVersionBreaksInputsAndNamesItself() {
        AutoPgd apgdT = AutoPgd.builder(Norm.LINF).optSteps(10).optTargets(3).build();
        assertThat(apgdT.name()).isEqualTo("apgd-t");
        assertThat(apgdT.settings().loss()).isEqualTo(AttackLoss.DLR);
        assertThat(apgdT.settings().targets()).isEqualTo(3);
        RobustnessResult r =
                new RobustnessEvaluation(40, 0, false).evaluate(model, apgdT, data, null, Progress.NONE, 0.05);
        assertThat(r.perEpsilon().get(0).robustAccuracy()).isLessThan(r.cleanAccuracy() - 0.2);
        // A targeted criterion leaves APGD-T nothing to choose.
        int[] targets = new int[data.size()];
        assertThatThrownBy(() -> new RobustnessEvaluation(40, 0, false)
                        .evaluate(model, apgdT, data, targets, Progress.NONE, 0.05))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("untargeted criterion");
    }

    @Test
    void anExampleGetsTheSameAttackInAnyBatch() {
        AutoPgd apgd = AutoPgd.builder(Norm.LINF).optSteps(5).build();
        RobustnessResult whole = new RobustnessEvaluation(20, 0, true)
                .evaluate(model, apgd, data.slice(0, 20), null, Progress.NONE, 0.05);
        RobustnessResult part = new RobustnessEvaluation(20, 0, true)
                .evaluate(model, apgd, data.slice(10, 20), null, Progress.NONE, 0.05);
        float[] a = whole.perEpsilon().get(0).adversarial().slice(10, 20).data();
        float[] b = part.perEpsilon().get(0).adversarial().data();
        // The random starts depend only on the seed and the example; the batch shares nothing else.
        // A batched convolution may round differently by batch size, so allow float32 noise.
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertThat(worst).isLessThan(1e-3);
        assertThat(part.perEpsilon().get(0).predictions())
                .containsExactly(
                        java.util.Arrays.copyOfRange(whole.perEpsilon().get(0).predictions(), 10, 20));
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> AutoPgd.builder(Norm.L1).build()).hasMessageContaining("linf or l2");
        assertThatThrownBy(() -> AutoPgd.builder(Norm.LINF).optSteps(0).build()).hasMessageContaining("steps");
        assertThatThrownBy(() -> AutoPgd.builder(Norm.LINF).optRestarts(0).build())
                .hasMessageContaining("restarts");
        assertThatThrownBy(() -> AutoPgd.builder(Norm.LINF).optTargets(-1).build())
                .hasMessageContaining("targets");
        assertThat(AutoPgd.builder(Norm.L2).build().name()).isEqualTo("apgd-ce");
        assertThat(AutoPgd.builder(Norm.L2).optLoss(AttackLoss.DLR).build().name())
                .isEqualTo("apgd-dlr");
    }
}
