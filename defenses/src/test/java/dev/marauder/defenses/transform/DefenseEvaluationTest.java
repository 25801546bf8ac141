package dev.marauder.defenses.transform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Models;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.defenses.transform.DefenseEvaluation.Adaptive;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Athalye et al.'s lesson on the Fashion-MNIST CNN fixture: bit-depth reduction looks robust to
 * PGD with the naive gradient (which is zero), the masking checks say so, and BPDA breaks it;
 * random resizing is attacked with EOT.
 */
class DefenseEvaluationTest {
    private static DifferentiableClassifier cnn;
    private static LabeledData data;

    static Path fixture(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("core/src/test/resources/fixtures").resolve(name);
            if (Files.exists(f)) {
                return f;
            }
        }
        throw new IllegalStateException("fixture " + name + " not found");
    }

    @BeforeAll
    static void open() {
        cnn = (DifferentiableClassifier)
                Models.open(fixture("fmnist_cnn.pt"), new InputSpec(new int[] {1, 28, 28}, 0f, 1f));
        data = Datasets.load("fashion-mnist").test().slice(0, 60);
    }

    @AfterAll
    static void close() {
        cnn.close();
    }

    @Test
    void bitDepthReductionMasksGradientsAndBpdaBreaksIt() {
        DefenseEvaluation.Report r = new DefenseEvaluation(
                        0.1, Norm.LINF, DefenseEvaluation.Attack.PGD, 10, Adaptive.AUTO, 4, 60, 0)
                .evaluate(cnn, new BitDepthReduction(4), data, Progress.NONE);
        System.out.println(r);
        assertThat(r.zeroGradientFraction()).isEqualTo(1.0);
        assertThat(r.maskingWarnings()).anyMatch(w -> w.contains("exactly zero"));
        // PGD cannot move (only its random start does): robust accuracy stays near the clean accuracy
        assertThat(r.nonAdaptiveRobustAccuracy()).isGreaterThan(r.defendedCleanAccuracy() - 0.1);
        assertThat(r.nonAdaptiveRobustAccuracy()).isGreaterThan(r.undefendedRobustAccuracy() + 0.3);
        assertThat(r.adaptiveRobustAccuracy()).isLessThan(r.undefendedRobustAccuracy() + 0.1);
        assertThat(r.adaptiveAttack()).isEqualTo("pgd with bpda");
        assertThat(r.verdict()).isEqualTo("broken");
    }

    @Test
    void randomResizingIsAttackedWithEot() {
        DefenseEvaluation.Report r = new DefenseEvaluation(
                        0.1, Norm.LINF, DefenseEvaluation.Attack.PGD, 10, Adaptive.AUTO, 4, 60, 0)
                .evaluate(cnn, new RandomResizePadding(0.8), data, Progress.NONE);
        System.out.println(r);
        assertThat(r.adaptiveAttack()).isEqualTo("pgd with eot (4 samples)");
        assertThat(r.zeroGradientFraction()).isZero();
        assertThat(r.adaptiveRobustAccuracy()).isLessThanOrEqualTo(r.nonAdaptiveRobustAccuracy() + 0.05);
        assertThat(r.adaptiveRobustAccuracy()).isLessThan(0.25);
        assertThat(r.verdict()).isIn("no gain", "broken");
    }
}
