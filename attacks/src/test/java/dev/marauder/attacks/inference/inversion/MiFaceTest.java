package dev.marauder.attacks.inference.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MI-Face on a logistic regression trained on the shipped MNIST digits: confidence, bounds and
 * query accounting in both access modes, resemblance of the reconstructions to the class means,
 * the paper's stopping rules, native memory, and bad input.
 */
class MiFaceTest {
    private static BuiltinClassifier model;
    private static float[][] classMeans;
    private static InversionResult whiteBox;
    private static long whiteBoxModelQueries;

    @BeforeAll
    static void trainAndInvert() {
        TrainTestSplit data = Datasets.load("mnist");
        LabeledData train = data.train().slice(0, 3000);
        model = Training.train(
                new TrainingSettings(Architecture.LOGREG, 2, 64, 0.005, 1),
                new TrainTestSplit("mnist-3000", train, data.test().slice(0, 500)),
                new float[] {0, 1},
                Progress.NONE);
        classMeans = classMeans(train);
        long before = model.queries();
        whiteBox = MiFace.whiteBox().build().invert(model);
        whiteBoxModelQueries = model.queries() - before;
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void whiteBoxReachesTheThresholdForEveryClassInsideTheBounds() {
        assertThat(model.card().testAccuracy()).isGreaterThan(0.8);
        assertThat(whiteBox.access()).isEqualTo("white-box");
        assertThat(whiteBox.reconstructions())
                .extracting(InversionResult.Reconstruction::targetClass)
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (InversionResult.Reconstruction r : whiteBox.reconstructions()) {
            assertThat(r.confidence()).as("class %d", r.targetClass()).isGreaterThanOrEqualTo(0.99);
            assertThat(r.stop()).isEqualTo(InversionResult.Stop.THRESHOLD);
            assertThat(r.cost()).isCloseTo(1 - r.confidence(), within(1e-12));
            assertThat(r.image().shape()).containsExactly(1, 28, 28);
            assertThat(r.image().min()).isGreaterThanOrEqualTo(0f);
            assertThat(r.image().max()).isLessThanOrEqualTo(1f);
            // One gradient query for the start and one per iteration.
            assertThat(r.queries()).isEqualTo(r.iterations() + 1);
            assertThat(r.iterations()).isBetween(1, 1000);
        }
        assertThat(whiteBox.queries()).isEqualTo(whiteBoxModelQueries);
        // The confidence reported is the model's own, on the image returned.
        FloatTensor images = whiteBox.images();
        assertThat(images.shape()).containsExactly(10, 1, 28, 28);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] p = model.logits(Tensors.toNDArray(m, images)).softmax(1).toFloatArray();
            for (int k = 0; k < 10; k++) {
                assertThat((double) p[k * 10 + k])
                        .isCloseTo(whiteBox.forClass(k).confidence(), within(1e-5));
            }
        }
        assertThat(whiteBox.provenance().settings())
                .containsEntry("access", "white-box")
                .containsEntry("step", 1.0);
    }

    @Test
    void reconstructionsResembleTheMeanTrainingImageOfTheirOwnClass() {
        // Pearson correlation with each class's mean training image: the reconstruction of class
        // k should be closest to mean k. A start image, or noise, would match no class in
        // particular; the measured result is 10 of 10.
        int closest = closestToOwnMean(whiteBox);
        System.out.printf(
                "white-box: min confidence %.4f, iterations %s, queries %d, closest to own mean %d/10%n",
                whiteBox.reconstructions().stream()
                        .mapToDouble(InversionResult.Reconstruction::confidence)
                        .min()
                        .orElseThrow(),
                whiteBox.reconstructions().stream()
                        .map(c -> String.valueOf(c.iterations()))
                        .toList(),
                whiteBox.queries(),
                closest);
        assertThat(closest).isGreaterThanOrEqualTo(8);
    }

    @Test
    void blackBoxReachesAUsefulConfidenceWithinItsBudgetAndCountsEveryQuery() {
        MiFace<Classifier> attack =
                MiFace.blackBox().optQueryBudget(4000).optSeed(5).build();
        long before = model.queries();
        InversionResult r = attack.invert(model);
        assertThat(r.queries()).isEqualTo(model.queries() - before);
        assertThat(r.access()).isEqualTo("black-box");
        for (InversionResult.Reconstruction c : r.reconstructions()) {
            assertThat(c.confidence()).as("class %d", c.targetClass()).isGreaterThan(0.9);
            assertThat(c.queries()).isLessThanOrEqualTo(4000);
            // The start costs one query; each iteration 25 antithetic pairs and the new cost.
            assertThat(c.queries()).isEqualTo(1 + 51L * c.iterations());
            assertThat(c.image().min()).isGreaterThanOrEqualTo(0f);
            assertThat(c.image().max()).isLessThanOrEqualTo(1f);
        }
        int closest = closestToOwnMean(r);
        System.out.printf(
                "black-box: min confidence %.4f, queries per class %s, total %d, closest to own mean %d/10%n",
                r.reconstructions().stream()
                        .mapToDouble(InversionResult.Reconstruction::confidence)
                        .min()
                        .orElseThrow(),
                r.reconstructions().stream()
                        .map(c -> String.valueOf(c.queries()))
                        .toList(),
                r.queries(),
                closest);
        assertThat(closest).isGreaterThanOrEqualTo(7);
        assertThat(r.provenance().seed()).isEqualTo(5L);

        // Seeded: the same call gives the same image. Each class has its own noise stream, so
        // inverting class 3 alone gives the same image up to the model's float rounding, which
        // depends on the batch size.
        InversionResult alone = attack.invert(model, 3);
        assertThat(attack.invert(model, 3).forClass(3).image().data())
                .containsExactly(alone.forClass(3).image().data());
        float[] batched = r.forClass(3).image().data();
        float[] single = alone.forClass(3).image().data();
        float largest = 0;
        for (int j = 0; j < batched.length; j++) {
            largest = Math.max(largest, Math.abs(batched[j] - single[j]));
        }
        assertThat(largest).isLessThan(0.01f);
    }

    @Test
    void stopsAtTheStepLimitAndTheQueryBudget() {
        InversionResult steps = MiFace.whiteBox().optSteps(3).build().invert(model, 4, 2);
        assertThat(steps.reconstructions())
                .extracting(InversionResult.Reconstruction::targetClass)
                .containsExactly(4, 2);
        for (InversionResult.Reconstruction r : steps.reconstructions()) {
            assertThat(r.stop()).isEqualTo(InversionResult.Stop.MAX_ITERATIONS);
            assertThat(r.iterations()).isEqualTo(3);
            assertThat(r.queries()).isEqualTo(4);
        }
        InversionResult.Reconstruction budget =
                MiFace.whiteBox().optQueryBudget(5).build().invert(model, 8).forClass(8);
        assertThat(budget.stop()).isEqualTo(InversionResult.Stop.QUERY_BUDGET);
        assertThat(budget.queries()).isEqualTo(5);
        assertThat(budget.iterations()).isEqualTo(4);
        // Black-box: 1 query for the start, 51 per iteration; a budget of 100 allows one iteration.
        InversionResult.Reconstruction black = MiFace.blackBox()
                .optQueryBudget(100)
                .build()
                .invert((Classifier) model, 8)
                .forClass(8);
        assertThat(black.stop()).isEqualTo(InversionResult.Stop.QUERY_BUDGET);
        assertThat(black.iterations()).isEqualTo(1);
        assertThat(black.queries()).isEqualTo(52);
        InversionResult.Reconstruction none = MiFace.blackBox()
                .optQueryBudget(1)
                .build()
                .invert((Classifier) model, 8)
                .forClass(8);
        assertThat(none.iterations()).isZero();
        assertThat(none.queries()).isEqualTo(1);
        assertThat(none.image().max()).isZero();
    }

    @Test
    void stopsWhenTheCostHasNotImprovedOverThePatienceWindow() {
        // A model whose confidence never moves: the NES gradient is zero, the cost stays 0.5,
        // and the paper's rule c(x_i) >= max(c(x_{i-1}), ..., c(x_{i-beta})) holds at i = beta.
        try (ConstantModel constant = new ConstantModel(OutputKind.PROBABILITIES, 1, 4, 4)) {
            InversionResult.Reconstruction r = MiFace.blackBox()
                    .optPatience(7)
                    .optSamples(2)
                    .build()
                    .invert(constant, 1)
                    .forClass(1);
            assertThat(r.stop()).isEqualTo(InversionResult.Stop.NO_IMPROVEMENT);
            assertThat(r.iterations()).isEqualTo(7);
            assertThat(r.queries()).isEqualTo(1 + 7 * 5).isEqualTo(constant.queries());
            assertThat(r.confidence()).isEqualTo(0.5);
        }
    }

    @Test
    void anAuxiliaryTermPullsTheReconstructionTowardsItsReference() {
        FloatTensor mean3 = new FloatTensor(classMeans[3].clone(), 1, 28, 28);
        AuxiliaryTerm aux = AuxiliaryTerm.squaredDistance(mean3, 5);
        InversionResult.Reconstruction with = MiFace.whiteBox()
                .optAuxiliary(aux)
                .optSteps(150)
                .build()
                .invert(model, 3)
                .forClass(3);
        assertThat(with.cost())
                .isCloseTo(1 - with.confidence() + aux.value(with.image().data()), within(1e-9));
        double distanceWith = distance(with.image().data(), classMeans[3]);
        double distanceWithout = distance(whiteBox.forClass(3).image().data(), classMeans[3]);
        assertThat(distanceWith).isLessThan(0.8 * distanceWithout);
        assertThat(with.confidence()).isGreaterThan(0.5);
    }

    @Test
    void smoothingInProcessMakesReconstructionsMoreLikeTheClassMeans() {
        int[] classes = {0, 1, 6};
        InversionResult smooth =
                MiFace.whiteBox().optSmoothing(0.05).optSteps(120).build().invert(model, classes);
        double plain = 0;
        double smoothed = 0;
        for (int k : classes) {
            plain += pearson(whiteBox.forClass(k).image().data(), classMeans[k]);
            smoothed += pearson(smooth.forClass(k).image().data(), classMeans[k]);
            assertThat(smooth.forClass(k).confidence()).isGreaterThan(0.9);
        }
        System.out.printf(
                "mean correlation with the own class mean: %.3f plain, %.3f smoothed%n", plain / 3, smoothed / 3);
        assertThat(smoothed).isGreaterThan(plain + 0.1 * classes.length);
    }

    @Test
    void processBlursWithTheBinomialKernelAndClipsToTheBounds() {
        float[] constant = new float[25];
        Arrays.fill(constant, 0.3f);
        ProcessStep.apply(constant, new int[] {1, 5, 5}, 1, new InputSpec(new int[] {1, 5, 5}, 0, 1));
        for (float v : constant) {
            assertThat(v).isEqualTo(0.3f);
        }
        float[] dot = new float[25];
        dot[12] = 1;
        ProcessStep.apply(dot, new int[] {5, 5}, 1, new InputSpec(new int[] {5, 5}, 0, 1));
        float[] kernel = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                boolean inside = Math.abs(i - 2) <= 1 && Math.abs(j - 2) <= 1;
                float expected = inside ? kernel[(i - 1) * 3 + (j - 1)] / 16 : 0;
                assertThat(dot[i * 5 + j]).as("(%d, %d)", i, j).isEqualTo(expected);
            }
        }
        float[] half = {0, 0, 0, 0, 2, 0, 0, 0, -1};
        ProcessStep.apply(half, new int[] {3, 3}, 0.5, new InputSpec(new int[] {3, 3}, -0.5f, 0.5f));
        // Centre: 0.5 * 2 + 0.5 * 0.4375 = 1.22, clipped to 0.5; corner: 0.5 * -1 + 0.5 * -0.4375, clipped to -0.5.
        assertThat(half[4]).isEqualTo(0.5f);
        assertThat(half[8]).isEqualTo(-0.5f);
        float[] vector = {-3, 0.2f, 7};
        ProcessStep.apply(vector, new int[] {3}, 0, new InputSpec(new int[] {3}, 0, 1));
        assertThat(vector).containsExactly(0, 0.2f, 1);
    }

    @Test
    void leavesNoNativeArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray keep = m.create(new float[] {1, 2, 3});
            int before = m.getManagedArrays().size();
            int modelArrays = model.djlModel().getNDManager().getManagedArrays().size();
            MiFace.whiteBox().optSteps(5).optSmoothing(0.2).build().invert(model, m, 0, 1);
            assertThat(m.getManagedArrays()).as("white-box").hasSize(before);
            MiFace.blackBox().optSteps(3).optSamples(4).build().invert(model, m, 2, 3);
            assertThat(m.getManagedArrays()).as("black-box").hasSize(before);
            assertThat(model.djlModel().getNDManager().getManagedArrays())
                    .as("model")
                    .hasSize(modelArrays);
            assertThat(keep.toFloatArray()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        MiFace<DifferentiableClassifier> attack = MiFace.whiteBox().build();
        assertThatThrownBy(() -> attack.invert(model, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target class 10 is outside 0..9");
        assertThatThrownBy(() -> attack.invert(model, 2, 5, 2)).hasMessage("target class 2 is listed twice");
        assertThatThrownBy(() -> MiFace.whiteBox()
                        .optStartImage(new FloatTensor(new float[784], 784))
                        .build()
                        .invert(model, 1))
                .hasMessage("start image has shape [784], the model's input [1, 28, 28]");
        float[] bright = new float[784];
        bright[17] = 2;
        assertThatThrownBy(() -> MiFace.whiteBox()
                        .optStartImage(new FloatTensor(bright, 1, 28, 28))
                        .build()
                        .invert(model, 1))
                .hasMessage("start image value 17 is 2.0, outside the model's bounds [0.0, 1.0]");
        assertThatThrownBy(() -> MiFace.whiteBox().optSteps(0).build()).hasMessage("steps must be at least 1, got 0");
        assertThatThrownBy(() -> MiFace.whiteBox().optStep(-1).build())
                .hasMessage("step size must be a positive number, got -1.0");
        assertThatThrownBy(() -> MiFace.whiteBox().optPatience(0).build())
                .hasMessage("patience must be at least 1, got 0");
        assertThatThrownBy(() -> MiFace.whiteBox().optThreshold(1).build())
                .hasMessage("threshold must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> MiFace.whiteBox().optSmoothing(1.5).build())
                .hasMessage("smoothing must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> MiFace.whiteBox().optQueryBudget(0).build())
                .hasMessage("query budget must be at least 1, got 0");
        assertThatThrownBy(() -> MiFace.blackBox().optSamples(0).build())
                .hasMessage("samples must be at least 1, got 0");
        assertThatThrownBy(() -> MiFace.blackBox().optSigma(0).build())
                .hasMessage("sigma must be in (0, 1] (a fraction of the input range), got 0.0");
        assertThatThrownBy(() -> AuxiliaryTerm.squaredDistance(new FloatTensor(new float[1], 1), 0))
                .hasMessage("auxiliary term weight must be positive and finite, got 0.0");
        try (ConstantModel labels = new ConstantModel(OutputKind.LABELS, 1, 4, 4)) {
            assertThatThrownBy(() -> MiFace.blackBox().build().invert(labels))
                    .hasMessage("MI-Face needs confidence scores, but the model returns labels only");
        }
        try (ConstantModel vector = new ConstantModel(OutputKind.PROBABILITIES, 6)) {
            assertThatThrownBy(() -> MiFace.blackBox().optSmoothing(0.1).build().invert(vector))
                    .hasMessage("smoothing needs image inputs [H, W] or [C, H, W], but the model takes [6];"
                            + " set smoothing to 0");
            assertThat(vector.queries()).isZero();
        }
    }

    /** A two-class model that answers 0.5 / 0.5 to everything. */
    static final class ConstantModel implements Classifier {
        private final OutputKind kind;
        private final int[] shape;
        private long queries;

        ConstantModel(OutputKind kind, int... shape) {
            this.kind = kind;
            this.shape = shape;
        }

        @Override
        public NDArray predict(NDArray x) {
            int n = Math.toIntExact(x.getShape().get(0));
            queries += n;
            float[] out = new float[2 * n];
            for (int i = 0; i < n; i++) {
                out[2 * i] = kind == OutputKind.LABELS ? 1 : 0.5f;
                out[2 * i + 1] = kind == OutputKind.LABELS ? 0 : 0.5f;
            }
            return x.getManager().create(out, new Shape(n, 2));
        }

        @Override
        public OutputKind outputKind() {
            return kind;
        }

        @Override
        public InputSpec inputSpec() {
            return new InputSpec(shape, 0, 1);
        }

        @Override
        public int classes() {
            return 2;
        }

        @Override
        public long queries() {
            return queries;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("constant", ModelFormat.MARAUDER, Map.of());
        }

        @Override
        public void close() {}
    }

    private static int closestToOwnMean(InversionResult r) {
        int closest = 0;
        for (InversionResult.Reconstruction c : r.reconstructions()) {
            int best = -1;
            double bestCorrelation = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classMeans.length; k++) {
                double corr = pearson(c.image().data(), classMeans[k]);
                if (corr > bestCorrelation) {
                    bestCorrelation = corr;
                    best = k;
                }
            }
            if (best == c.targetClass()) {
                closest++;
            }
        }
        return closest;
    }

    private static float[][] classMeans(LabeledData d) {
        int n = d.features().exampleSize();
        int classes = d.classCount();
        float[][] m = new float[classes][n];
        int[] count = new int[classes];
        float[] x = d.features().data();
        for (int i = 0; i < d.size(); i++) {
            int y = d.labels()[i];
            count[y]++;
            for (int j = 0; j < n; j++) {
                m[y][j] += x[i * n + j];
            }
        }
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < n; j++) {
                m[k][j] /= count[k];
            }
        }
        return m;
    }

    static double pearson(float[] a, float[] b) {
        double ma = Arrays.stream(toDouble(a)).average().orElse(0);
        double mb = Arrays.stream(toDouble(b)).average().orElse(0);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma;
            double y = b[i] - mb;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
