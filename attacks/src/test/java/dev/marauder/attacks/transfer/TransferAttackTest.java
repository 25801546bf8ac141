package dev.marauder.attacks.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransferAttackTest {
    private static BuiltinClassifier target;
    private static LabeledData seeds;
    private static LabeledData evaluation;

    @BeforeAll
    static void train() {
        TrainTestSplit data = Datasets.load("fashion-mnist");
        TrainTestSplit small = new TrainTestSplit(
                "small", data.train().slice(0, 3000), data.test().slice(0, 200));
        target = Training.train(
                new TrainingSettings(Architecture.MLP, 3, 64, 1e-3, 5), small, new float[] {0, 1}, Progress.NONE);
        evaluation = data.test().slice(0, 200);
        seeds = data.test().slice(200, 350);
    }

    @AfterAll
    static void close() {
        target.close();
    }

    private static SubstituteTraining substitute(int rounds, long budget) {
        return new SubstituteTraining(
                Architecture.MLP,
                new TrainingSettings(Architecture.MLP, 6, 32, 1e-3, 1).trainer(),
                rounds,
                0.1,
                3,
                budget,
                0);
    }

    @Test
    void aSubstituteTrainedFromLabelsAloneCarriesFgsmExamplesOverToTheTarget() {
        long before = target.queries();
        TransferResult r = new TransferAttack(substitute(4, 1200), FastGradientMethod.fgsm(), 100)
                .run(target, seeds, evaluation, Progress.NONE, w -> {}, 0.05, 0.3);
        // 150 seeds doubled by each of three augmentations: 150 + 150 + 300 + 600 labels
        assertThat(r.substituteQueries()).isEqualTo(1200);
        assertThat(r.rounds()).extracting(SubstituteTraining.Round::examples).containsExactly(150, 300, 600, 1200);
        assertThat(r.evaluationQueries()).isEqualTo(200 * 3);
        assertThat(target.queries() - before).isEqualTo(r.substituteQueries() + r.evaluationQueries());
        assertThat(r.agreement()).isGreaterThan(0.6);
        TransferResult.AtEpsilon small = r.perEpsilon().get(0);
        TransferResult.AtEpsilon large = r.perEpsilon().get(1);
        assertThat(large.transferSuccessRate()).isGreaterThan(0.5).isGreaterThan(small.transferSuccessRate());
        assertThat(large.targetRobustAccuracy()).isLessThan(r.targetAccuracy() - 0.3);
        assertThat(large.substituteSuccessRate()).isGreaterThanOrEqualTo(large.transferSuccessRate() - 0.2);
        assertThat(r.provenance().settings()).containsKeys("substitute", "craft", "epsilons");
    }

    @Test
    void aBudgetThatCannotLabelARoundLabelsARandomSubsetThenStops() {
        List<String> warnings = new ArrayList<>();
        try (SubstituteTraining.Substitute s =
                substitute(4, 400).train(target, seeds.features(), evaluation, Progress.NONE, warnings::add)) {
            assertThat(s.queries()).isEqualTo(400);
            assertThat(s.rounds())
                    .extracting(SubstituteTraining.Round::examples)
                    .containsExactly(150, 300, 400);
            assertThat(s.model().classes()).isEqualTo(target.classes());
        }
        assertThat(warnings).singleElement().asString().contains("query budget of 400 was spent after 3 of 4");
        assertThatThrownBy(() -> substitute(2, 100).train(target, seeds.features(), evaluation, Progress.NONE, w -> {}))
                .hasMessageContaining("150 seed examples exceed the query budget of 100");
    }

    @Test
    void theJacobianStepMovesEveryValueByLambdaInsideTheBounds() {
        FloatTensor x = seeds.features().slice(0, 20);
        FloatTensor moved = SubstituteTraining.augment(target, x, target.classify(x, 20), -0.1, target.inputSpec());
        float[] a = x.data();
        float[] b = moved.data();
        int exact = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isBetween(0f, 1f);
            float d = Math.abs(b[i] - a[i]);
            assertThat(d).isLessThanOrEqualTo(0.1f + 1e-6f);
            exact += Math.abs(d - 0.1f) < 1e-5 ? 1 : 0;
        }
        // only values clipped at a bound, or with a zero gradient, move by less than lambda
        assertThat(exact).isGreaterThan(a.length / 10);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> substitute(0, 10)).hasMessageContaining("rounds must be at least 1");
        assertThatThrownBy(() -> new SubstituteTraining(
                        Architecture.MLP,
                        new TrainingSettings(Architecture.MLP, 1, 8, 1e-3, 1).trainer(),
                        1,
                        0,
                        0,
                        10,
                        0))
                .hasMessageContaining("lambda must be in (0, 1]");
        assertThatThrownBy(() -> substitute(1, 0)).hasMessageContaining("query budget must be at least 1");
    }
}
