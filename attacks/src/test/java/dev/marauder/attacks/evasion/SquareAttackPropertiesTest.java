package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Square and NES on the linear model: inside the bounds and the ball, within budget, for any seed and epsilon. */
class SquareAttackPropertiesTest {

    @Property(tries = 30)
    void insideBoundsBallAndBudget(
            @ForAll @LongRange(min = 0, max = 1000) long seed,
            @ForAll @DoubleRange(min = 0.01, max = 0.6) double eps,
            @ForAll @IntRange(min = 0, max = 2) int which,
            @ForAll @LongRange(min = 1, max = 40) long maxQueries) {
        QueryAttack attack = switch (which) {
            case 0 ->
                SquareAttack.builder(Norm.LINF)
                        .optSeed(seed)
                        .optMaxQueries(maxQueries)
                        .build();
            case 1 ->
                SquareAttack.builder(Norm.L2)
                        .optSeed(seed)
                        .optMaxQueries(maxQueries)
                        .build();
            default ->
                NesAttack.builder()
                        .optSeed(seed)
                        .optSamples(2)
                        .optMaxQueries(maxQueries)
                        .build();
        };
        double budget = which == 1 ? eps * 5 : eps;
        try (BlackBoxFixtures.Linear model = BlackBoxFixtures.linear();
                NDManager m = NDManager.newBaseManager()) {
            LabeledData data = BlackBoxFixtures.linearData(model, 3, seed);
            NDArray x = Tensors.toNDArray(m, data.features());
            BlackBoxFixtures.Counting counting = new BlackBoxFixtures.Counting(model);
            EvasionResult r =
                    attack.run(counting, x, Criterion.misclassification(Tensors.labels(m, data.labels())), budget);
            EvasionResult.Outcome o = r.outcomes().get(0);
            InputSpec spec = model.inputSpec();
            float[] adv = o.adversarial().data();
            int d = spec.size();
            for (int k = 0; k < adv.length; k++) {
                assertThat(adv[k]).isBetween(spec.lowerAt(k % d), spec.upperAt(k % d));
            }
            for (float n : o.perturbationNorms()) {
                assertThat((double) n).isLessThanOrEqualTo(budget + 1e-5);
            }
            long total = 0;
            for (long q : o.queries()) {
                assertThat(q).isBetween(1L, maxQueries);
                total += q;
            }
            assertThat(counting.count).isEqualTo(total + 3); // plus the judging query per example
        }
    }
}
