package dev.marauder.defenses.certification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import dev.marauder.defenses.certification.RandomizedSmoothing.Certificate;
import dev.marauder.defenses.training.NoiseAugmentedTrainer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Randomized smoothing against a base classifier whose smoothed version is known exactly: a
 * half-space {@code w . x > b}. Its smoothed classifier is the same half-space, with top-class
 * probability {@code Phi(d / sigma)} at distance {@code d} from the boundary, so the exact robust
 * radius is {@code d} itself: CERTIFY must never certify more (beyond its failure probability) and,
 * with enough samples, nearly that much.
 */
class RandomizedSmoothingTest {
    private static final int D = 5;
    private static final float[] W = {0.6f, -0.8f, 0f, 0f, 0f}; // unit norm

    /** Class 1 where {@code w . x > 0}, else 0; labels only. */
    static final class HalfSpace implements Classifier {
        private final AtomicLong queries = new AtomicLong();

        @Override
        public NDArray predict(NDArray x) {
            queries.addAndGet(x.getShape().get(0));
            NDArray w = x.getManager().create(W).reshape(D, 1);
            NDArray positive = x.matMul(w).reshape(-1).gt(0);
            NDArray one = positive.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            return NDArrays.stack(new ai.djl.ndarray.NDList(one.neg().add(1), one), 1);
        }

        @Override
        public OutputKind outputKind() {
            return OutputKind.PROBABILITIES;
        }

        @Override
        public InputSpec inputSpec() {
            return new InputSpec(new int[] {D}, -10f, 10f);
        }

        @Override
        public int classes() {
            return 2;
        }

        @Override
        public long queries() {
            return queries.get();
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("half-space", ModelFormat.MARAUDER, Map.of());
        }

        @Override
        public void close() {}
    }

    /** A point at signed distance {@code d} from the boundary (positive: class 1). */
    private static float[] at(double d) {
        float[] x = new float[D];
        for (int j = 0; j < D; j++) {
            x[j] = (float) (W[j] * d);
        }
        x[2] = 0.7f; // off the normal line: irrelevant to the half-space
        return x;
    }

    @Test
    void certifiedRadiiNeverExceedTheDistanceToTheBoundaryAndComeClose() {
        double sigma = 0.5;
        RandomizedSmoothing smoothing = new RandomizedSmoothing(sigma, 100, 20_000, 0.001, 5000, 42L);
        SplittableRandom random = smoothing.generator();
        try (HalfSpace base = new HalfSpace()) {
            for (double d : new double[] {0.1, 0.3, 0.6, 1.0, -0.4, -0.8}) {
                Certificate c = smoothing.certify(base, at(d), random);
                assertThat(c.prediction()).isEqualTo(d > 0 ? 1 : 0);
                assertThat(c.radius()).as("radius at distance " + d).isLessThanOrEqualTo(Math.abs(d));
                assertThat(c.radius()).as("radius at distance " + d).isGreaterThan(0.85 * Math.abs(d) - 0.02);
                double p = NormalDistribution.of(0, 1).cumulativeProbability(Math.abs(d) / sigma);
                assertThat(c.pLower()).isLessThanOrEqualTo(p).isGreaterThan(p - 0.02);
                assertThat(c.radius())
                        .isCloseTo(
                                sigma * NormalDistribution.of(0, 1).inverseCumulativeProbability(c.pLower()),
                                within(1e-12));
            }
            // on the boundary the smoothed classifier is a coin: CERTIFY and PREDICT abstain
            assertThat(smoothing.certify(base, at(0), random).abstained()).isTrue();
            assertThat(smoothing.predict(base, at(0.0), random)).isEqualTo(RandomizedSmoothing.ABSTAIN);
            assertThat(smoothing.predict(base, at(0.5), random)).isEqualTo(1);
            assertThat(smoothing.predict(base, at(-0.5), random)).isEqualTo(0);
            // n0 + n queries per certificate, 10 certificates so far... counted by the base model
            assertThat(base.queries()).isEqualTo(7 * (100 + 20_000) + 3 * 20_000);
        }
    }

    @Test
    void theCurveCountsCorrectCertifiedExamplesAndAbstentionsAreWrong() {
        double sigma = 0.5;
        float[] rows = new float[4 * D];
        double[] distances = {0.2, 0.6, -0.3, 0.0};
        for (int i = 0; i < 4; i++) {
            System.arraycopy(at(distances[i]), 0, rows, i * D, D);
        }
        // labels: right, right, wrong (the model says 0, the label says 1), the boundary (abstains)
        LabeledData data = new LabeledData(new FloatTensor(rows, 4, D), new int[] {1, 1, 1, 1}, "synthetic", "x");
        try (HalfSpace base = new HalfSpace()) {
            CertificationResult r =
                    new RandomizedSmoothing(sigma, 50, 5000, 0.001, 5000, 3L).certifyAll(base, data, Progress.NONE);
            assertThat(r.examples()).isEqualTo(4);
            assertThat(r.abstained()).isEqualTo(1);
            assertThat(r.accuracy()).isEqualTo(0.5);
            assertThat(r.queries()).isEqualTo(4 * 5050);
            List<CertificationResult.CurvePoint> curve = r.curve();
            assertThat(curve.get(0).radius()).isZero();
            assertThat(curve.get(0).certifiedAccuracy()).isEqualTo(0.5);
            assertThat(curve.get(curve.size() - 1).certifiedAccuracy()).isZero();
            for (int k = 1; k < curve.size(); k++) {
                assertThat(curve.get(k).certifiedAccuracy())
                        .isLessThanOrEqualTo(curve.get(k - 1).certifiedAccuracy());
                assertThat(curve.get(k).certifiedAccuracy())
                        .isEqualTo(r.certifiedAccuracy(curve.get(k).radius()));
            }
            assertThat(r.certifiedAccuracy(0.3)).isEqualTo(0.25); // only the example at 0.6
            assertThat(r.medianRadius()).isBetween(0.15, 0.6);
        }
    }

    @Test
    void aNoiseTrainedBaseModelIsCertifiedOnFashionMnist() {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        TrainTestSplit data =
                new TrainTestSplit("fashion-mnist-1200", fashion.train().slice(0, 1200), fashion.test());
        NoiseAugmentedTrainer trainer = new NoiseAugmentedTrainer(0.25, new AdamTrainer(3, 64, 0.002, 0));
        try (BuiltinClassifier base =
                Training.train(Architecture.MLP, trainer, data, new float[] {0, 1}, Progress.NONE, w -> {})) {
            assertThat(base.card().defense().method()).isEqualTo("gaussian-noise-augmentation");
            assertThat(base.card().defense().settings()).containsEntry("sigma", 0.25);
            CertificationResult r = new RandomizedSmoothing(0.25, 20, 200, 0.001, 200, 5L)
                    .certifyAll(base, fashion.test().slice(0, 30), Progress.NONE);
            assertThat(r.accuracy()).as("certified accuracy at radius 0").isGreaterThan(0.5);
            assertThat(r.certifiedAccuracy(0.25)).isGreaterThan(0.2);
            assertThat(r.medianRadius()).isPositive();
        }
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> RandomizedSmoothing.of(0)).hasMessageContaining("sigma");
        assertThatThrownBy(() -> RandomizedSmoothing.of(0.5).withSamples(0, 10)).hasMessageContaining("n0");
        assertThatThrownBy(() -> new RandomizedSmoothing(0.5, 1, 1, 1, 1, null)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new RandomizedSmoothing(0.5, 1, 1, 0.01, 0, null))
                .hasMessageContaining("batch");
        assertThatThrownBy(() -> new NoiseAugmentedTrainer(Double.NaN, new AdamTrainer(1, 1, 0.1, 0)))
                .hasMessageContaining("sigma");
    }
}
