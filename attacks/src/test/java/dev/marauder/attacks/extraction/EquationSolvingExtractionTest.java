package dev.marauder.attacks.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.LabelOnlyClassifier;
import dev.marauder.core.model.RoundedClassifier;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquationSolvingExtractionTest {
    private static TrainTestSplit data;
    private static BuiltinClassifier target;

    @BeforeAll
    static void train() {
        data = Penguins.standardized();
        target = Penguins.train(Architecture.LOGREG, data);
        assertThat(target.card().testAccuracy()).isGreaterThan(0.95); // a real model, not a constant
    }

    @AfterAll
    static void close() {
        target.close();
    }

    @Test
    void stealsLogisticRegressionWithDPlusOneQueries(@TempDir Path dir) {
        int d = target.inputSpec().size();
        long before = target.queries();
        try (ExtractionResult r = EquationSolvingExtraction.minimal().extract(target)) {
            assertThat(r.queries()).isEqualTo(d + 1);
            assertThat(target.queries() - before).isEqualTo(d + 1);
            Fidelity f = Fidelity.measure(target, r.stolen(), data.test(), 10_000, 1);
            assertThat(f.test()).isGreaterThanOrEqualTo(0.999);
            assertThat(f.uniform()).isGreaterThanOrEqualTo(0.999);
            // the stolen model is a Marauder model directory that loads and predicts the same
            r.stolen().save(dir.resolve("stolen"));
            try (BuiltinClassifier loaded = BuiltinClassifier.load(dir.resolve("stolen"))) {
                assertThat(loaded.card().dataset()).isEqualTo(StolenModels.DATASET_PREFIX + "logreg");
                assertThat(Fidelity.agreement(target, loaded, data.test().features()))
                        .isEqualTo(f.test());
            }
        }
    }

    @Test
    void recoversTheTargetsProbabilities() {
        try (ExtractionResult r = new EquationSolvingExtraction(0, 7).extract(target);
                ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var x = dev.marauder.core.model.Tensors.toNDArray(m, data.test().features());
            float[] p = target.probabilities(x).toFloatArray();
            float[] q = r.stolen().probabilities(x).toFloatArray();
            double worst = 0;
            for (int i = 0; i < p.length; i++) {
                worst = Math.max(worst, Math.abs(p[i] - q[i]));
            }
            // float32 logits leave about 1e-6 of relative error in each equation; the solved
            // weights reproduce the probabilities to well within 1e-3
            assertThat(worst).isLessThan(1e-3);
        }
    }

    @Test
    void roundingCostsFidelityAtDPlusOneQueries() {
        RoundedClassifier rounded = new RoundedClassifier(target, 2);
        try (ExtractionResult exact = EquationSolvingExtraction.minimal().extract(target);
                ExtractionResult coarse = EquationSolvingExtraction.minimal().extract(rounded)) {
            double exactUniform =
                    Fidelity.measure(target, exact.stolen(), null, 10_000, 2).uniform();
            double coarseUniform =
                    Fidelity.measure(target, coarse.stolen(), null, 10_000, 2).uniform();
            assertThat(coarseUniform).isLessThan(exactUniform);
            assertThat(rounded.queries()).isEqualTo(target.inputSpec().size() + 1);
        }
    }

    /**
     * The rounding countermeasure (Tramer et al. 2016, Section 7) against equation-solving: fidelity
     * on uniform inputs at k = 2, 3 and 4 decimals as the queries grow. Printed for the README.
     */
    @Test
    void moreQueriesBuyBackFidelityLostToRounding() {
        int d = target.inputSpec().size();
        int[] multiples = {1, 5, 20, 100};
        double[][] fidelity = new double[5][multiples.length];
        for (int k = 2; k <= 4; k++) {
            RoundedClassifier rounded = new RoundedClassifier(target, k);
            for (int m = 0; m < multiples.length; m++) {
                try (ExtractionResult r = new EquationSolvingExtraction(multiples[m] * (d + 1), 0).extract(rounded)) {
                    fidelity[k][m] = Fidelity.measure(target, r.stolen(), data.test(), 10_000, 1)
                            .uniform();
                }
                System.out.printf(
                        "rounding k=%d, %d queries: uniform fidelity %.4f%n",
                        k, multiples[m] * (d + 1), fidelity[k][m]);
            }
        }
        // four decimals and 100 (d + 1) queries: the countermeasure costs the attacker queries, not success
        assertThat(fidelity[4][multiples.length - 1]).isGreaterThanOrEqualTo(0.99);
        // coarser rounding costs more at d + 1 queries
        assertThat(fidelity[2][0]).isLessThan(fidelity[4][0]);
    }

    @Test
    void refusesLabelOnlyTargetsAndTooFewQueries() {
        assertThatThrownBy(() -> EquationSolvingExtraction.minimal().extract(new LabelOnlyClassifier(target)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels only");
        assertThatThrownBy(() -> new EquationSolvingExtraction(3, 0).extract(target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10");
        assertThatThrownBy(() -> new EquationSolvingExtraction(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
