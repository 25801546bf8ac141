package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attack ensemble on the shipped Fashion-MNIST CNN, with small budgets (10 APGD steps, 3
 * targets, 200 Square queries): it is at least as strong as each of its attacks alone, its stages
 * only attack what earlier stages left, and its per-input record agrees with the model.
 */
class AttackEnsembleTest {
    private static final double EPS = 0.05;
    private static DifferentiableClassifier model;
    private static LabeledData data;
    private static AttackEnsemble ensemble;
    private static AttackEnsemble.Evaluation result;

    @BeforeAll
    static void attack() {
        model = AutoPgdTest.fixtureModel();
        data = AutoPgdTest.fixtureData(0, 40);
        ensemble = AttackEnsemble.builder(Norm.LINF)
                .optSteps(10)
                .optTargets(3)
                .optMaxQueries(200)
                .build();
        result = ensemble.evaluate(model, data, 20, true, Progress.NONE, EPS);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void isAtLeastAsStrongAsEachAttackAlone() {
        AttackEnsemble.Evaluation.AtEpsilon row = result.perEpsilon().get(0);
        RobustnessEvaluation eval = new RobustnessEvaluation(20, 0, false);
        List<EvasionAttack<DifferentiableClassifier>> alone = List.of(
                AutoPgd.builder(Norm.LINF).optSteps(10).build(),
                AutoPgd.builder(Norm.LINF).optSteps(10).optTargets(3).build());
        double[] robustAlone = new double[3];
        for (int s = 0; s < 2; s++) {
            robustAlone[s] = eval.evaluate(model, alone.get(s), data, null, Progress.NONE, EPS)
                    .perEpsilon()
                    .get(0)
                    .robustAccuracy();
        }
        robustAlone[2] = eval.evaluate(
                        model,
                        SquareAttack.builder(Norm.LINF)
                                .optMaxQueries(200)
                                .optPInit(0.8)
                                .build(),
                        data,
                        null,
                        Progress.NONE,
                        EPS)
                .perEpsilon()
                .get(0)
                .robustAccuracy();
        for (int s = 0; s < 3; s++) {
            assertThat(row.robustAccuracy()).as(ensemble.stageNames().get(s)).isLessThanOrEqualTo(robustAlone[s]);
            assertThat(row.stages().get(s).robustAccuracy()).isGreaterThanOrEqualTo(row.robustAccuracy());
        }
        // The first stage is APGD-CE on the inputs the model gets right, and APGD's random starts do
        // not depend on the batch: it leaves exactly what APGD-CE alone leaves.
        assertThat(row.stages().get(0).robustAccuracy()).isEqualTo(robustAlone[0]);
        assertThat(row.robustAccuracy()).isLessThan(result.cleanAccuracy() - 0.2);
    }

    @Test
    void stagesAttackOnlyWhatEarlierStagesLeft() {
        AttackEnsemble.Evaluation.AtEpsilon row = result.perEpsilon().get(0);
        assertThat(row.stages())
                .extracting(AttackEnsemble.Evaluation.Stage::attack)
                .containsExactly("apgd-ce", "apgd-t", "square");
        int n = data.size();
        int correct = (int) Math.round(result.cleanAccuracy() * n);
        assertThat(row.stages().get(0).attacked()).isEqualTo(correct);
        double before = result.cleanAccuracy();
        for (int s = 0; s < 3; s++) {
            AttackEnsemble.Evaluation.Stage stage = row.stages().get(s);
            if (s > 0) {
                AttackEnsemble.Evaluation.Stage previous = row.stages().get(s - 1);
                assertThat(stage.attacked()).isEqualTo(previous.attacked() - previous.broken());
            }
            assertThat(stage.robustAccuracy()).isEqualTo((double) (stage.attacked() - stage.broken()) / n);
            assertThat(stage.robustAccuracy()).isLessThanOrEqualTo(before);
            before = stage.robustAccuracy();
        }
        assertThat(row.robustAccuracy()).isEqualTo(row.stages().get(2).robustAccuracy());
    }

    @Test
    void perInputWorstCaseAgreesWithTheModel() {
        AttackEnsemble.Evaluation.AtEpsilon row = result.perEpsilon().get(0);
        FloatTensor adversarial = row.adversarial();
        int[] clean = model.classify(data.features(), 40);
        int[] attacked = model.classify(adversarial, 40);
        int d = data.features().exampleSize();
        int robust = 0;
        for (int i = 0; i < data.size(); i++) {
            int y = data.labels()[i];
            String by = row.brokenBy()[i];
            assertThat(AttackEnsemble.CLEAN.equals(by))
                    .as("clean mistake %d", i)
                    .isEqualTo(clean[i] != y);
            assertThat(by != null).as("broken %d", i).isEqualTo(attacked[i] != y);
            if (by == null) {
                robust++;
            }
            float worst = 0;
            for (int j = 0; j < d; j++) {
                float a = adversarial.data()[i * d + j];
                worst = Math.max(worst, Math.abs(a - data.features().data()[i * d + j]));
                assertThat(a).isBetween(0f, 1f);
            }
            assertThat((double) worst).isLessThanOrEqualTo(EPS + 1e-6);
            if (by == null || by.equals(AttackEnsemble.CLEAN)) {
                assertThat(worst).as("unbroken inputs keep their clean values").isZero();
            }
        }
        assertThat(row.robustAccuracy()).isEqualTo((double) robust / data.size());
        for (int s = 0; s < 3; s++) {
            String name = ensemble.stageNames().get(s);
            long broken =
                    java.util.Arrays.stream(row.brokenBy()).filter(name::equals).count();
            assertThat(row.stages().get(s).broken()).isEqualTo((int) broken);
        }
    }

    @Test
    void runAsAnEvasionAttackGivesTheSameWorstCase() {
        LabeledData first = data.slice(0, 20);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, first.features());
            NDArray y = Tensors.labels(m, first.labels());
            EvasionResult r = ensemble.run(model, x, Criterion.misclassification(y), EPS);
            boolean[] success = r.outcomes().get(0).success();
            String[] by = result.perEpsilon().get(0).brokenBy();
            for (int i = 0; i < 20; i++) {
                assertThat(success[i]).as("example %d", i).isEqualTo(by[i] != null);
            }
            assertThatThrownBy(() -> ensemble.run(model, x, Criterion.targetedMisclassification(y), EPS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("untargeted");
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> AttackEnsemble.builder(Norm.L1).build()).hasMessageContaining("linf or l2");
        assertThatThrownBy(() -> AttackEnsemble.builder(Norm.LINF).optTargets(0).build())
                .hasMessageContaining("targets");
        assertThatThrownBy(
                        () -> AttackEnsemble.builder(Norm.LINF).optMaxQueries(0).build())
                .hasMessageContaining("max queries");
        assertThatThrownBy(() -> AttackEnsemble.builder(Norm.LINF).optSteps(0).build())
                .hasMessageContaining("steps");
    }
}
