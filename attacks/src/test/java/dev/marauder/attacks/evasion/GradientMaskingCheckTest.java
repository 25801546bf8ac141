package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.attacks.evasion.GradientMaskingCheck.Curve;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each warning sign fires on a curve that shows it, and none fires on a healthy evaluation. */
class GradientMaskingCheckTest {
    private final GradientMaskingCheck check = new GradientMaskingCheck(0.02);
    private final double[] eps = {0, 0.05, 0.1};

    @Test
    void healthyEvaluationRaisesNothing() {
        List<Curve> curves = List.of(
                new Curve("fgsm", true, false, eps, new double[] {0.9, 0.4, 0.2}),
                new Curve("pgd", true, true, eps, new double[] {0.9, 0.2, 0.01}));
        assertThat(check.warnings(curves, 0, 0.5, 0.0)).isEmpty();
    }

    @Test
    void eachSignIsReported() {
        List<Curve> curves = List.of(
                new Curve("fgsm", true, false, eps, new double[] {0.9, 0.3, 0.2}),
                new Curve("pgd", true, true, eps, new double[] {0.9, 0.5, 0.6}),
                new Curve("square", false, true, eps, new double[] {0.9, 0.1, 0.05}));
        List<String> w = check.warnings(curves, 0.05, 0.5, 0.4);
        assertThat(w).anyMatch(s -> s.startsWith("fgsm is stronger than pgd at eps 0.05"));
        assertThat(w).anyMatch(s -> s.startsWith("pgd robust accuracy rises from 0.5000 to 0.6000"));
        assertThat(w).anyMatch(s -> s.startsWith("accuracy is still 0.4000"));
        assertThat(w).anyMatch(s -> s.startsWith("the loss gradient is exactly zero for 5.00%"));
        assertThat(w).anyMatch(s -> s.startsWith("black-box square beats every white-box attack at eps 0.05"));
    }
}
