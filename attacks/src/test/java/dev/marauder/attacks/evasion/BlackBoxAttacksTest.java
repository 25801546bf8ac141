package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every black-box attack, as a table, on the tiny linear model with per-channel bounds: it lowers
 * robust accuracy within its budget, never queries beyond the budget (checked by a counting
 * wrapper, which also fails on any query outside the bounds), stays inside the bounds and the
 * epsilon ball, and is deterministic. Then the Square attack on the shipped Fashion-MNIST CNN, and
 * the decision-based attacks' distances shrinking with more queries.
 */
class BlackBoxAttacksTest {

    /** Attack, an epsilon (L-inf relative to the narrowest channel, 0.6 wide; L2 absolute), success rate required. */
    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(SquareAttack.builder(Norm.LINF).optMaxQueries(300).build(), 0.25, 0.9),
                Arguments.of(SquareAttack.builder(Norm.L2).optMaxQueries(300).build(), 2.5, 0.9),
                Arguments.of(
                        NesAttack.builder().optMaxQueries(400).optSamples(10).build(), 0.25, 0.9),
                Arguments.of(
                        NesAttack.builder()
                                .optMaxQueries(400)
                                .optSamples(10)
                                .optTopK(2)
                                .build(),
                        0.25,
                        0.9),
                Arguments.of(
                        NesAttack.builder()
                                .optMaxQueries(4000)
                                .optSamples(5)
                                .optLabelOnly(true)
                                .optMu(0.5)
                                .optSigma(0.05)
                                .build(),
                        0.25,
                        0.5),
                Arguments.of(
                        SpsaAttack.builder()
                                .optMaxQueries(400)
                                .optSamples(10)
                                .optLearningRate(0.03)
                                .build(),
                        0.25,
                        0.9),
                Arguments.of(HopSkipJump.builder(Norm.L2).optMaxQueries(500).build(), 2.5, 0.9),
                Arguments.of(HopSkipJump.builder(Norm.LINF).optMaxQueries(500).build(), 0.25, 0.9),
                Arguments.of(BoundaryAttack.builder().optMaxQueries(500).build(), 2.5, 0.9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void keepsItsBudgetBoundsAndBallAndSucceeds(QueryAttack attack, double eps, double success) {
        try (BlackBoxFixtures.Linear linear = BlackBoxFixtures.linear()) {
            LabeledData data = BlackBoxFixtures.linearData(linear, 16, 3);
            BlackBoxFixtures.Counting model = new BlackBoxFixtures.Counting(linear);
            double[] budgets = {0, eps};
            RobustnessResult r =
                    new RobustnessEvaluation(16, 0, true).evaluate(model, attack, data, null, Progress.NONE, budgets);
            assertThat(r.cleanAccuracy()).isEqualTo(1.0);
            long spent = 0;
            for (RobustnessResult.AtEpsilon row : r.perEpsilon()) {
                QueryStats q = row.queries();
                assertThat(q.perExample()).hasSize(16);
                assertThat(Arrays.stream(q.perExample()).max().getAsLong()).isLessThanOrEqualTo(attack.maxQueries());
                assertThat(q.maxQueries()).isEqualTo(attack.maxQueries());
                assertThat(q.total()).isEqualTo(Arrays.stream(q.perExample()).sum());
                spent += q.total();
                checkInside(linear.inputSpec(), data, row, attack.norm());
            }
            // Attack queries (a minimisation attack searches once for both budgets), plus the
            // evaluation's own: clean predictions, and per budget one judging and one scoring query.
            long attackQueries =
                    attack.minimizes() ? r.perEpsilon().get(1).queries().total() : spent;
            assertThat(model.count).isEqualTo(attackQueries + 16 + 2L * 16 * budgets.length);
            RobustnessResult.AtEpsilon atZero = r.perEpsilon().get(0);
            assertThat(atZero.robustAccuracy()).isEqualTo(1.0);
            RobustnessResult.AtEpsilon at = r.perEpsilon().get(1);
            assertThat(at.attackSuccessRate()).as("success at %s", eps).isGreaterThanOrEqualTo(success);
            assertThat(at.robustAccuracy()).isLessThanOrEqualTo(1 - success);
            // Deterministic for a fixed seed.
            RobustnessResult again =
                    new RobustnessEvaluation(16, 0, true).evaluate(linear, attack, data, null, Progress.NONE, budgets);
            assertThat(again.perEpsilon().get(1).adversarial().data())
                    .containsExactly(at.adversarial().data());
            assertThat(again.perEpsilon().get(1).queries().perExample())
                    .containsExactly(at.queries().perExample());
        }
    }

    private static void checkInside(InputSpec spec, LabeledData data, RobustnessResult.AtEpsilon row, Norm norm) {
        float[] adv = row.adversarial().data();
        float[] clean = data.features().data();
        int d = spec.size();
        for (int k = 0; k < adv.length; k++) {
            assertThat(adv[k]).isBetween(spec.lowerAt(k % d), spec.upperAt(k % d));
        }
        for (int i = 0; i < data.size(); i++) {
            double sum = 0;
            double max = 0;
            for (int j = 0; j < d; j++) {
                double v = adv[i * d + j] - clean[i * d + j];
                sum += v * v;
                max = Math.max(max, Math.abs(v));
            }
            double size = norm == Norm.LINF ? max : Math.sqrt(sum);
            assertThat(size).isLessThanOrEqualTo(row.epsilon() + 1e-5);
        }
    }

    @Test
    void squareFoolsTheCnnWithinAThousandQueries() {
        LabeledData data = Datasets.load("fashion-mnist").test().slice(0, 12);
        try (Classifier model = BlackBoxFixtures.cnn()) {
            RobustnessResult r = new RobustnessEvaluation(12, 0, false)
                    .evaluate(
                            model,
                            SquareAttack.builder(Norm.LINF).optPInit(0.3).build(),
                            data,
                            null,
                            Progress.NONE,
                            0.1);
            RobustnessResult.AtEpsilon e = r.perEpsilon().get(0);
            assertThat(r.cleanAccuracy()).isGreaterThan(0.7);
            assertThat(e.attackSuccessRate()).isGreaterThanOrEqualTo(0.7);
            assertThat(e.queries().median()).isLessThan(1000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisionAttacks")
    void decisionBasedDistancesShrinkWithMoreQueries(String name, QueryAttack few, QueryAttack many) {
        try (BlackBoxFixtures.Linear linear = BlackBoxFixtures.linear()) {
            LabeledData data = BlackBoxFixtures.linearData(linear, 12, 5);
            double near = medianDistance(linear, few, data);
            double nearer = medianDistance(linear, many, data);
            assertThat(nearer).isLessThan(0.8 * near);
        }
    }

    static Stream<Arguments> decisionAttacks() {
        return Stream.of(
                Arguments.of(
                        "hsj",
                        HopSkipJump.builder(Norm.L2).optMaxQueries(150).build(),
                        HopSkipJump.builder(Norm.L2).optMaxQueries(1500).build()),
                Arguments.of(
                        "boundary",
                        BoundaryAttack.builder().optMaxQueries(150).build(),
                        BoundaryAttack.builder().optMaxQueries(1500).build()));
    }

    private static double medianDistance(Classifier model, QueryAttack attack, LabeledData data) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, data.features());
            EvasionResult r = attack.run(
                    model, x, Criterion.misclassification(Tensors.labels(m, data.labels())), Double.POSITIVE_INFINITY);
            EvasionResult.Outcome o = r.outcomes().get(0);
            float[] norms = o.perturbationNorms().clone();
            for (boolean s : o.success()) {
                assertThat(s).isTrue();
            }
            Arrays.sort(norms);
            return norms[norms.length / 2];
        }
    }

    @Test
    void scoreAttacksRefuseLabelOnlyModelsAndBadSettings() {
        assertThatThrownBy(() -> SquareAttack.builder(Norm.L1).build()).hasMessageContaining("linf or l2");
        assertThatThrownBy(
                        () -> NesAttack.builder().optTopK(2).optLabelOnly(true).build())
                .hasMessageContaining("drop top-k");
        assertThatThrownBy(() -> SpsaAttack.builder().optSamples(0).build()).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> HopSkipJump.builder(Norm.L2).optMaxQueries(0).build())
                .hasMessageContaining("at least 1");
    }
}
