package dev.marauder.defenses.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deep k-NN: the batched engine search against a brute-force Java computation on a tiny example
 * (neighbours, nonconformity, p-values, credibility, confidence); then on a small Fashion-MNIST MLP,
 * the paper's claim that adversarial examples get lower credibility than clean inputs; saving and
 * loading; and the refusals.
 */
class DeepKnnTest {
    private static final int D = 6;
    private static BuiltinClassifier mlp;
    private static TrainTestSplit data;

    /** A model whose "logits" are its input: the DkNN then searches the raw points. */
    static final class Identity implements Classifier {
        @Override
        public NDArray predict(NDArray x) {
            return x.duplicate();
        }

        @Override
        public OutputKind outputKind() {
            return OutputKind.LOGITS;
        }

        @Override
        public InputSpec inputSpec() {
            return new InputSpec(new int[] {D}, -10f, 10f);
        }

        @Override
        public int classes() {
            return D;
        }

        @Override
        public long queries() {
            return 0;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("identity", ModelFormat.MARAUDER, Map.of());
        }

        @Override
        public void close() {}
    }

    /** A built-in model seen through black-box access only: no layers. */
    record BlackBox(Classifier inner) implements Classifier {
        @Override
        public NDArray predict(NDArray x) {
            return inner.predict(x);
        }

        @Override
        public OutputKind outputKind() {
            return inner.outputKind();
        }

        @Override
        public InputSpec inputSpec() {
            return inner.inputSpec();
        }

        @Override
        public int classes() {
            return inner.classes();
        }

        @Override
        public long queries() {
            return inner.queries();
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("black box", ModelFormat.ONNX, Map.of());
        }

        @Override
        public void close() {}
    }

    @BeforeAll
    static void train() {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        data = new TrainTestSplit(
                "fashion-mnist-1000",
                fashion.train().slice(0, 1000),
                fashion.test().slice(0, 400));
        mlp = Training.train(
                Architecture.MLP, new AdamTrainer(2, 64, 0.002, 0), data, new float[] {0, 1}, Progress.NONE, w -> {});
    }

    @AfterAll
    static void close() {
        mlp.close();
    }

    private static LabeledData gaussian(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * D];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(D);
            for (int j = 0; j < D; j++) {
                // a cluster per label, so that neighbours mostly agree but not always
                x[i * D + j] = (float) (random.nextGaussian() + (j == y[i] ? 1.5 : 0));
            }
        }
        return new LabeledData(new FloatTensor(x, n, D), y, "gaussian-" + seed, "sha-" + seed);
    }

    /** The indices of the k training points nearest to {@code q}, by exact double arithmetic. */
    private static int[] bruteForce(LabeledData train, float[] q, int k, boolean cosine) {
        float[] t = train.features().data();
        double[] dist = new double[train.size()];
        for (int i = 0; i < train.size(); i++) {
            double dot = 0;
            double nt = 0;
            double nq = 0;
            double sq = 0;
            for (int j = 0; j < D; j++) {
                double a = t[i * D + j];
                double b = q[j];
                dot += a * b;
                nt += a * a;
                nq += b * b;
                sq += (a - b) * (a - b);
            }
            dist[i] = cosine ? 1 - dot / Math.sqrt(nt * nq) : sq;
        }
        return IntStream.range(0, train.size())
                .boxed()
                .sorted(Comparator.comparingDouble(i -> dist[i]))
                .limit(k)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }

    private static float[] row(LabeledData d, int i) {
        return Arrays.copyOfRange(d.features().data(), i * D, (i + 1) * D);
    }

    @Test
    void batchedSearchAndScoresAgreeWithABruteForceComputation() {
        LabeledData train = gaussian(60, 1);
        LabeledData calibration = gaussian(20, 2);
        LabeledData queries = gaussian(15, 3);
        int k = 7;
        for (DeepKnn.Metric metric : DeepKnn.Metric.values()) {
            boolean cosine = metric == DeepKnn.Metric.COSINE;
            // batch 4: several batches, the last one partial
            DeepKnn settings = DeepKnn.defaults()
                    .withK(k)
                    .withCalibration(20)
                    .withBatchSize(4)
                    .withMetric(metric);
            Identity model = new Identity();
            FittedDeepKnn fitted = settings.fit(model, train, calibration, Progress.NONE);
            assertThat(fitted.hiddenLayers()).isFalse();
            assertThat(fitted.layers()).containsExactly(new Layer("logits", D));

            int[][] found = fitted.neighbours(model, queries.features())[0];
            int[] calibrationAlpha = new int[20];
            for (int i = 0; i < 20; i++) {
                int[] nb = bruteForce(train, row(calibration, i), k, cosine);
                int truth = calibration.labels()[i];
                calibrationAlpha[i] = (int) Arrays.stream(nb)
                        .filter(j -> train.labels()[j] != truth)
                        .count();
            }
            assertThat(fitted.calibrationScores())
                    .containsExactly(Arrays.stream(calibrationAlpha).sorted().toArray());
            DeepKnnScores scores = fitted.score(model, queries.features());
            for (int q = 0; q < queries.size(); q++) {
                int[] expected = bruteForce(train, row(queries, q), k, cosine);
                int[] got = found[q].clone();
                Arrays.sort(got);
                assertThat(got).as(metric + " query " + q).containsExactly(expected);
                double[] p = new double[D];
                for (int c = 0; c < D; c++) {
                    int label = c;
                    long alpha = Arrays.stream(expected)
                            .filter(j -> train.labels()[j] != label)
                            .count();
                    p[c] = Arrays.stream(calibrationAlpha)
                                    .filter(a -> a >= alpha)
                                    .count()
                            / 20.0;
                }
                int best = 0;
                for (int c = 1; c < D; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                double[] sorted = p.clone();
                Arrays.sort(sorted);
                assertThat(scores.predictions()[q]).isEqualTo(best);
                assertThat(scores.credibility()[q]).isEqualTo(sorted[D - 1], within(1e-12));
                assertThat(scores.confidence()[q]).isEqualTo(1 - sorted[D - 2], within(1e-12));
            }
        }
    }

    private static FittedDeepKnn fitMlp(Classifier model) {
        return DeepKnn.defaults()
                .withK(15)
                .withCalibration(200)
                .fit(model, data.train().slice(0, 800), data.test().slice(0, 200), Progress.NONE);
    }

    @Test
    void adversarialExamplesOfAnMlpGetLowerCredibilityThanCleanInputs() {
        FittedDeepKnn fitted = fitMlp(mlp);
        assertThat(fitted.hiddenLayers()).isTrue();
        assertThat(fitted.layers()).containsExactly(new Layer("hidden1", 256), new Layer("logits", 10));
        assertThat(fitted.calibrationScores()).hasSize(200);
        LabeledData clean = data.test().slice(200, 400);
        List<EvasionAttack<DifferentiableClassifier>> attacks = List.of(
                FastGradientMethod.fgsm(),
                ProjectedGradientDescent.builder(Norm.LINF)
                        .optSteps(10)
                        .optSeed(1)
                        .build());
        for (EvasionAttack<DifferentiableClassifier> attack : attacks) {
            FloatTensor adversarial = new RobustnessEvaluation(100, 0, true)
                    .evaluate(mlp, attack, clean, null, Progress.NONE, 0.1)
                    .perEpsilon()
                    .get(0)
                    .adversarial();
            AdmissionTradeoff t = fitted.tradeoff(mlp, clean, adversarial);
            System.out.printf(
                    "%s eps 0.1: clean credibility %.3f, adversarial %.3f, AUC %.3f, DkNN accuracy %.3f / %.3f%n",
                    attack.name(),
                    t.meanCleanCredibility(),
                    t.meanAdversarialCredibility(),
                    t.detectorAuc(),
                    t.cleanAccuracy(),
                    t.adversarialAccuracy());
            assertThat(t.cleanInputs()).isEqualTo(200);
            assertThat(t.meanCleanCredibility()).as(attack.name()).isGreaterThan(t.meanAdversarialCredibility() + 0.1);
            assertThat(t.detectorAuc()).as(attack.name()).isGreaterThan(0.6);
            assertThat(t.cleanAccuracy()).isGreaterThan(0.6);
            // the curve starts by refusing nothing and its rates only grow with the threshold
            assertThat(t.curve().get(0)).isEqualTo(new AdmissionTradeoff.Point(0, 0, 0));
            for (int i = 1; i < t.curve().size(); i++) {
                assertThat(t.curve().get(i).cleanRefused())
                        .isGreaterThanOrEqualTo(t.curve().get(i - 1).cleanRefused());
                assertThat(t.curve().get(i).adversarialCaught())
                        .isGreaterThanOrEqualTo(t.curve().get(i - 1).adversarialCaught());
            }
            AdmissionTradeoff.Point mid = t.at(0.1);
            double[] cleanCredibility = fitted.score(mlp, clean.features()).credibility();
            assertThat(mid.cleanRefused())
                    .isEqualTo(
                            Arrays.stream(cleanCredibility).filter(c -> c < 0.1).count() / 200.0);
        }
    }

    @Test
    void aModelWithoutLayerAccessIsSearchedOnItsLogitsAndSaysSo() {
        BlackBox box = new BlackBox(mlp);
        FittedDeepKnn fitted = fitMlp(box);
        assertThat(fitted.hiddenLayers()).isFalse();
        assertThat(fitted.layers()).containsExactly(new Layer("logits", 10));
        assertThat(fitted.representation()).startsWith("logits only");
        DeepKnnScores s = fitted.score(box, data.test().slice(200, 260).features());
        assertThat(s.hiddenLayers()).isFalse();
        assertThat(s.accuracy(data.test().slice(200, 260).labels())).isGreaterThan(0.5);
    }

    @Test
    void aSavedDeepKnnLoadsAndScoresIdentically(@TempDir Path dir) throws Exception {
        FittedDeepKnn fitted = fitMlp(mlp);
        FloatTensor inputs = data.test().slice(200, 300).features();
        DeepKnnScores before = fitted.score(mlp, inputs);
        Path out = dir.resolve("dknn");
        fitted.save(out);
        fitted.save(out); // replacing our own output is allowed
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .hasSize(2)
                    .contains(FittedDeepKnn.FILE);
        }
        FittedDeepKnn loaded = FittedDeepKnn.load(out);
        DeepKnnScores after = loaded.score(mlp, inputs);
        assertThat(after.predictions()).containsExactly(before.predictions());
        assertThat(after.credibility()).containsExactly(before.credibility());
        assertThat(after.confidence()).containsExactly(before.confidence());
        assertThat(loaded.calibrationScores()).containsExactly(fitted.calibrationScores());
        assertThat(loaded.settings()).isEqualTo(fitted.settings());

        // a directory that is not ours is never written
        Path notOurs = dir.resolve("project");
        Files.createDirectories(notOurs);
        Files.writeString(notOurs.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> fitted.save(notOurs))
                .isInstanceOf(RefusedOutputException.class)
                .hasMessageContaining("not a Deep k-NN directory");
        assertThat(Files.readString(notOurs.resolve("notes.txt"))).isEqualTo("mine");
        assertThatThrownBy(() -> FittedDeepKnn.load(notOurs))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("deep-knn.json");

        // a modified binary file is refused
        Path bin;
        try (var files = Files.list(out)) {
            bin = files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(bin);
        bytes[100] ^= 1;
        Files.write(bin, bytes);
        assertThatThrownBy(() -> FittedDeepKnn.load(out))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void settingsAndMisfitsAreRefusedWithMessagesThatSayWhatToChange() {
        assertThatThrownBy(() -> DeepKnn.defaults().withK(0)).hasMessageContaining("k must be");
        assertThatThrownBy(() -> DeepKnn.defaults().withCalibration(0)).hasMessageContaining("calibration");
        assertThatThrownBy(() -> DeepKnn.Metric.of("l1")).hasMessageContaining("l2 or cosine");
        LabeledData train = data.train().slice(0, 800);
        LabeledData calibration = data.test().slice(0, 200);
        // 800 x (256 + 10) floats, three times over, is about 2.4 MiB
        assertThatThrownBy(() -> DeepKnn.defaults()
                        .withCalibration(200)
                        .withMemoryLimit(1 << 20)
                        .fit(mlp, train, calibration, Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer training examples or fewer layers")
                .hasMessageContaining("hidden1 (256), logits (10)");
        assertThatThrownBy(() -> DeepKnn.defaults()
                        .withCalibration(200)
                        .withLayers(List.of("hidden7"))
                        .fit(mlp, train, calibration, Progress.NONE))
                .hasMessageContaining("no layer 'hidden7'")
                .hasMessageContaining("hidden1 (256), logits (10)");
        assertThatThrownBy(() -> DeepKnn.defaults().fit(mlp, train, calibration, Progress.NONE))
                .hasMessageContaining("fewer than the calibration size 750");
        FittedDeepKnn logitsOnly = DeepKnn.defaults()
                .withK(10)
                .withCalibration(200)
                .withLayers(List.of("logits"))
                .fit(mlp, train, calibration, Progress.NONE);
        assertThat(logitsOnly.layers()).containsExactly(new Layer("logits", 10));
        assertThat(logitsOnly.hiddenLayers()).isTrue();
        assertThatThrownBy(() -> logitsOnly.score(new Identity(), gaussian(3, 1).features()))
                .hasMessageContaining("fitted on a model of 10 classes");
    }
}
