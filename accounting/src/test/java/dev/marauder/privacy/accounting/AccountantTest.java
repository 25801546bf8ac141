package dev.marauder.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every accountant must do, table-driven over both, plus monotonicity properties. */
class AccountantTest {

    private static double epsilon(AccountantType type, double sigma, double q, long steps, double delta) {
        PrivacyAccountant a = type.newAccountant();
        a.step(sigma, q, steps);
        return a.epsilon(delta);
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void historyMergesRepeatedStepsAndCopiesAreIndependent(AccountantType type) {
        PrivacyAccountant a = type.newAccountant();
        assertThat(a.mechanism()).isEqualTo(type.label());
        assertThat(a.epsilon(1e-5)).isZero();
        for (int i = 0; i < 10; i++) {
            a.step(1.0, 0.01);
        }
        a.step(1.0, 0.01, 0); // ignored
        a.step(2.0, 0.02, 5);
        assertThat(a.history()).containsExactly(new Segment(1.0, 0.01, 10), new Segment(2.0, 0.02, 5));
        assertThat(a.totalSteps()).isEqualTo(15);
        PrivacyAccountant copy = a.copy();
        double before = a.epsilon(1e-5);
        copy.step(1.0, 0.05, 100);
        assertThat(a.history()).hasSize(2);
        assertThat(a.epsilon(1e-5)).isEqualTo(before);
        assertThat(copy.epsilon(1e-5)).isGreaterThan(before);
        assertThatThrownBy(() -> a.history().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void heterogeneousCompositionIsOrderIndependent(AccountantType type) {
        // [A, B, A] and [2A, B] compose the same mechanisms; the first has three segments.
        PrivacyAccountant split = type.newAccountant();
        split.step(1.1, 0.02, 300);
        split.step(0.8, 0.005, 200);
        split.step(1.1, 0.02, 300);
        PrivacyAccountant merged = type.newAccountant();
        merged.step(1.1, 0.02, 600);
        merged.step(0.8, 0.005, 200);
        assertThat(split.history()).hasSize(3);
        assertThat(split.epsilon(1e-5)).isCloseTo(merged.epsilon(1e-5), withinPercentage(1e-7));
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void twoIdenticalSegmentsEqualOneOfDoubleSteps(AccountantType type) {
        PrivacyAccountant twice = type.newAccountant();
        twice.step(1.3, 0.01, 500);
        twice.step(1.3, 0.01, 500);
        assertThat(twice.epsilon(1e-6)).isEqualTo(epsilon(type, 1.3, 0.01, 1000, 1e-6));
        // The same with the two composed as separate segments, kept apart by a segment that samples
        // nothing: this checks the composition math, not the merging of the history.
        PrivacyAccountant apart = type.newAccountant();
        apart.step(1.3, 0.01, 500);
        apart.step(1.3, 0.0, 1);
        apart.step(1.3, 0.01, 500);
        assertThat(apart.history()).hasSize(3);
        assertThat(apart.epsilon(1e-6)).isCloseTo(twice.epsilon(1e-6), withinPercentage(1e-7));
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void edgeCases(AccountantType type) {
        assertThat(epsilon(type, 0, 0.1, 10, 1e-5)).isInfinite(); // no noise: no privacy
        assertThat(epsilon(type, 0, 0, 10, 1e-5)).isZero(); // nothing sampled: nothing spent
        assertThat(epsilon(type, 1, 0, 10, 1e-5)).isZero();
        assertThat(epsilon(type, 1e3, 0.001, 1, 1e-5)).isLessThan(1e-3);
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void theStateRoundTripsThroughJsonAndRestoresTheSameEpsilon(AccountantType type) throws Exception {
        PrivacyAccountant a = type.newAccountant();
        a.step(1.1, 0.01, 500);
        a.step(0.9, 0.02, 100);
        // the naming of the project's mapper (core.json.Json, which the command line saves with);
        // this module does not depend on core, so the test configures the same naming itself
        var mapper = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .build();
        String json = mapper.writeValueAsString(a.state());
        assertThat(json).contains("\"accountant\":\"" + type.label()).contains("\"noise_multiplier\":1.1");
        AccountantState read = mapper.readValue(json, AccountantState.class);
        assertThat(read).isEqualTo(a.state());
        PrivacyAccountant restored = read.restore();
        assertThat(restored.mechanism()).isEqualTo(type.label());
        assertThat(restored.history()).isEqualTo(a.history());
        assertThat(restored.epsilon(1e-5)).isEqualTo(a.epsilon(1e-5));
        assertThatThrownBy(() -> new AccountantState("gdp", List.of())).hasMessageContaining("rdp or pld");
    }

    @ParameterizedTest
    @EnumSource(AccountantType.class)
    void invalidArgumentsNameTheValue(AccountantType type) {
        PrivacyAccountant a = type.newAccountant();
        assertThatThrownBy(() -> a.step(-1, 0.1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise multiplier must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> a.step(1, 1.2, 1)).hasMessage("sample rate must be in [0, 1], got 1.2");
        assertThatThrownBy(() -> a.step(1, 0.1, -3)).hasMessage("steps must be >= 0, got -3");
        PrivacyAccountant spent = type.newAccountant();
        spent.step(1, 0.1, 10);
        assertThat(spent.epsilon(0))
                .as("no finite epsilon at delta 0 after Gaussian steps")
                .isInfinite();
        assertThatThrownBy(() -> a.epsilon(1)).hasMessage("delta must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> a.epsilon(Double.NaN)).hasMessageContaining("delta");
        assertThat(a.history()).isEmpty();
    }

    @Test
    void rdpAccountantReportsTheOptimalOrder() {
        RdpAccountant a = new RdpAccountant(RdpMath.opacusOrders());
        for (int i = 0; i < 2250; i++) {
            a.step(1.5, 0.04); // one step at a time, as in a training loop (and in Opacus's test)
        }
        assertThat(a.history()).containsExactly(new Segment(1.5, 0.04, 2250));
        assertThat(a.spent(1e-5).epsilon()).isCloseTo(7.32911117143, withinPercentage(1e-9));
        assertThat(a.spent(1e-5).order()).isEqualTo(3.9);
        assertThat(a.orders()).hasSize(151);
        assertThatThrownBy(() -> new RdpAccountant(new double[] {2, 1})).hasMessageContaining("got 1.0");
    }

    @Test
    void pldAccountantExposesItsDistributions() {
        PldAccountant a = new PldAccountant(1e-3);
        a.step(1.0, 0.05, 100);
        assertThat(a.interval()).isEqualTo(1e-3);
        PrivacyLossDistribution remove = a.distribution(PrivacyLossDistribution.Adjacency.REMOVE);
        PrivacyLossDistribution add = a.distribution(PrivacyLossDistribution.Adjacency.ADD);
        assertThat(a.epsilon(1e-5)).isEqualTo(Math.max(remove.epsilonForDelta(1e-5), add.epsilonForDelta(1e-5)));
        // A coarser grid is still an upper bound: above the default grid's epsilon.
        PldAccountant fine = new PldAccountant();
        fine.step(1.0, 0.05, 100);
        assertThat(a.epsilon(1e-5)).isGreaterThanOrEqualTo(fine.epsilon(1e-5));
        assertThatThrownBy(() -> new PldAccountant(0)).hasMessageContaining("interval");
    }

    // ---- properties: epsilon grows with steps and sample rate, shrinks with noise -----------

    @Property(tries = 40)
    void rdpMonotonicity(
            @ForAll @DoubleRange(min = 0.6, max = 4) double sigma,
            @ForAll @DoubleRange(min = 1e-4, max = 0.2) @Scale(6) double q,
            @ForAll @IntRange(min = 1, max = 100_000) int steps) {
        checkMonotone(AccountantType.RDP, sigma, q, steps);
    }

    @Property(tries = 4)
    void pldMonotonicity(
            @ForAll @DoubleRange(min = 0.8, max = 3) double sigma,
            @ForAll @DoubleRange(min = 1e-3, max = 0.1) @Scale(6) double q,
            @ForAll @IntRange(min = 1, max = 200) int steps) {
        checkMonotone(AccountantType.PLD, sigma, q, steps);
    }

    private static void checkMonotone(AccountantType type, double sigma, double q, int steps) {
        double delta = 1e-5;
        double base = epsilon(type, sigma, q, steps, delta);
        assertThat(epsilon(type, sigma, q, 2L * steps, delta)).isGreaterThanOrEqualTo(base);
        assertThat(epsilon(type, sigma, Math.min(1, 2 * q), steps, delta)).isGreaterThanOrEqualTo(base);
        assertThat(epsilon(type, 1.25 * sigma, q, steps, delta)).isLessThanOrEqualTo(base);
        assertThat(epsilon(type, sigma, q, steps, delta / 10)).isGreaterThanOrEqualTo(base);
    }

    @Property(tries = 4)
    void pldNeverAboveRdp(
            @ForAll @DoubleRange(min = 0.8, max = 3) double sigma,
            @ForAll @DoubleRange(min = 1e-3, max = 0.1) @Scale(6) double q,
            @ForAll @IntRange(min = 10, max = 2000) int steps) {
        assertThat(epsilon(AccountantType.PLD, sigma, q, steps, 1e-5))
                .isLessThanOrEqualTo(epsilon(AccountantType.RDP, sigma, q, steps, 1e-5));
    }
}
