package dev.marauder.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Noise calibration: Opacus's pinned values, and never over budget. */
class NoiseCalibrationTest {

    @ParameterizedTest
    @CsvSource({
        // Opacus, opacus/tests/accountants_test.py: get_noise_multiplier(target_epsilon=8,
        // target_delta=1e-5, sample_rate=0.04, epochs=90 (2250 steps) or steps=2000) with RDP ->
        // 1.416 and 1.3562 (assertAlmostEqual, 4 places). Opacus stops once epsilon is within 0.01
        // of the target, so it returns a slightly larger noise (epsilon 7.99816 at 1.416). The
        // smallest noise meeting the target, by bisection on Opacus's own rdp.py, is 1.4157871 and
        // 1.3561342; we must return it within our 1e-4 relative tolerance, and no more than
        // Opacus's value (up to the 5e-5 its test allows).
        "2250, 1.416,  1.4157871",
        "2000, 1.3562, 1.3561342",
    })
    void opacusPinnedRdpCalibration(long steps, double opacus, double smallest) {
        NoiseCalibration.Result r =
                NoiseCalibration.calibrate(() -> new RdpAccountant(RdpMath.opacusOrders()), 8, 1e-5, 0.04, steps);
        assertThat(r.epsilon()).isLessThanOrEqualTo(8).isGreaterThan(7.99);
        assertThat(r.noiseMultiplier())
                .isLessThanOrEqualTo(opacus + 5e-5)
                .isGreaterThanOrEqualTo(smallest)
                .isLessThanOrEqualTo(smallest * (1 + 1e-4));
        RdpAccountant check = new RdpAccountant(RdpMath.opacusOrders());
        check.step(r.noiseMultiplier(), 0.04, steps);
        assertThat(check.epsilon(1e-5)).isEqualTo(r.epsilon());
    }

    @Test
    void pldCalibrationNeedsLessNoise() {
        // Opacus's PRV accountant (Gopi et al. 2021, another numerical PLD method) gives 1.34765625
        // for the 2250-step case (test_get_noise_multiplier_prv_epochs); bisection on dp_accounting's
        // PLD accountant gives 1.34590. A coarser tolerance (1e-3) and the RDP answer as the first
        // guess keep this test fast.
        double rdp = NoiseCalibration.calibrate(RdpAccountant::new, 8, 1e-5, 0.04, 2250)
                .noiseMultiplier();
        NoiseCalibration.Result pld = NoiseCalibration.calibrate(PldAccountant::new, 8, 1e-5, 0.04, 2250, rdp, 1e-3);
        assertThat(pld.epsilon()).isLessThanOrEqualTo(8);
        assertThat(pld.noiseMultiplier()).isLessThan(rdp).isCloseTo(1.34590, within(1.34590 * 1.5e-3));
    }

    @Property(tries = 40)
    void neverExceedsTheTarget(
            @ForAll @DoubleRange(min = 0.5, max = 10) double target,
            @ForAll @DoubleRange(min = 1e-4, max = 0.1) @Scale(6) double q,
            @ForAll @IntRange(min = 1, max = 50_000) int steps) {
        NoiseCalibration.Result r = NoiseCalibration.calibrate(RdpAccountant::new, target, 1e-5, q, steps);
        RdpAccountant a = new RdpAccountant();
        a.step(r.noiseMultiplier(), q, steps);
        assertThat(a.epsilon(1e-5)).isLessThanOrEqualTo(target).isEqualTo(r.epsilon());
        // ... and it is the smallest within the tolerance: a little less noise overshoots.
        RdpAccountant less = new RdpAccountant();
        less.step(r.noiseMultiplier() * (1 - 2 * NoiseCalibration.DEFAULT_TOLERANCE), q, steps);
        assertThat(less.epsilon(1e-5)).isGreaterThan(target);
    }

    @Test
    void edgeCasesAndErrors() {
        assertThat(NoiseCalibration.calibrate(RdpAccountant::new, 1, 1e-5, 0, 100))
                .isEqualTo(new NoiseCalibration.Result(0, 0));
        assertThatThrownBy(() -> NoiseCalibration.calibrate(RdpAccountant::new, 0, 1e-5, 0.1, 100))
                .hasMessage("target epsilon must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> NoiseCalibration.calibrate(RdpAccountant::new, 1, 2, 0.1, 100))
                .hasMessage("delta must be in [0, 1), got 2.0");
        // Without sampling, epsilon 1e-4 after 1e9 steps needs a noise multiplier far above 1e6.
        assertThatThrownBy(() -> NoiseCalibration.calibrate(RdpAccountant::new, 1e-4, 1e-5, 1, 1_000_000_000))
                .hasMessageContaining("not reachable");
    }
}
