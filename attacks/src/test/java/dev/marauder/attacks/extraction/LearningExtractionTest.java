package dev.marauder.attacks.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.LabelOnlyClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LearningExtractionTest {
    private static TrainTestSplit data;
    private static BuiltinClassifier target;

    @BeforeAll
    static void train() {
        data = Penguins.standardized();
        target = Penguins.train(Architecture.MLP, data);
        assertThat(target.card().testAccuracy()).isGreaterThan(0.95);
    }

    @AfterAll
    static void close() {
        target.close();
    }

    @Test
    void stealsAnMlpFromConfidences() {
        long before = target.queries();
        try (ExtractionResult r =
                LearningExtraction.defaults(Architecture.MLP, 1000).extract(target, Progress.NONE)) {
            assertThat(r.queries()).isEqualTo(1000);
            assertThat(target.queries() - before).isEqualTo(1000); // the substitute's own scoring is free
            assertThat(r.stolen().card().architecture()).isEqualTo("mlp");
            Fidelity f = Fidelity.measure(target, r.stolen(), data.test(), 10_000, 1);
            System.out.printf(
                    "penguins mlp, 1000 adaptive queries: fidelity test %.4f, uniform %.4f%n", f.test(), f.uniform());
            assertThat(f.test()).isGreaterThanOrEqualTo(0.99);
            assertThat(f.uniform()).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void adaptiveQueriesBeatUniformOnesFromLabelsOnly() {
        LabelOnlyClassifier labels = new LabelOnlyClassifier(target);
        AdamTrainer trainer = new AdamTrainer(50, 32, 0.01, 0);
        LearningExtraction uniform =
                new LearningExtraction(Architecture.MLP, 300, LearningExtraction.Strategy.UNIFORM, 1, trainer, 0);
        LearningExtraction adaptive =
                new LearningExtraction(Architecture.MLP, 300, LearningExtraction.Strategy.ADAPTIVE, 5, trainer, 0);
        try (ExtractionResult u = uniform.extract(labels, Progress.NONE);
                ExtractionResult a = adaptive.extract(labels, Progress.NONE)) {
            double fu = Fidelity.measure(target, u.stolen(), null, 10_000, 1).uniform();
            double fa = Fidelity.measure(target, a.stolen(), null, 10_000, 1).uniform();
            System.out.printf(
                    "penguins mlp, labels only, 300 queries: uniform fidelity %.4f uniform, %.4f adaptive%n", fu, fa);
            assertThat(labels.queries()).isEqualTo(600);
            assertThat(fa).isGreaterThan(fu);
            assertThat(fa).isGreaterThan(0.9);
        }
    }

    @Test
    void refusesBadSettings() {
        AdamTrainer t = new AdamTrainer(1, 1, 0.1, 0);
        assertThatThrownBy(
                        () -> new LearningExtraction(Architecture.MLP, 0, LearningExtraction.Strategy.UNIFORM, 1, t, 0))
                .hasMessageContaining("budget");
        assertThatThrownBy(() ->
                        new LearningExtraction(Architecture.MLP, 10, LearningExtraction.Strategy.UNIFORM, 2, t, 0))
                .hasMessageContaining("one round");
        assertThatThrownBy(() ->
                        new LearningExtraction(Architecture.MLP, 3, LearningExtraction.Strategy.ADAPTIVE, 4, t, 0))
                .hasMessageContaining("rounds");
        assertThatThrownBy(
                        () -> LearningExtraction.defaults(Architecture.CNN, 10).extract(target, Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image");
    }
}
