package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The invariants every evasion attack must keep, as a table over attacks and norms (in the
 * manner of foolbox's attack tests): perturbation within epsilon, values within the model's
 * bounds, the input batch untouched, deterministic results, and a real success rate on an
 * undefended model.
 */
class EvasionAttackInvariantsTest {
    private static BuiltinClassifier model;
    private static LabeledData batch;

    @BeforeAll
    static void train() {
        TrainTestSplit data = Datasets.load("fashion-mnist");
        TrainTestSplit small = new TrainTestSplit(
                "small", data.train().slice(0, 3000), data.test().slice(0, 200));
        model = Training.train(
                new TrainingSettings(Architecture.MLP, 2, 64, 1e-3, 11), small, new float[] {0, 1}, Progress.NONE);
        batch = data.test().slice(0, 128);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Attack, epsilons that are small / large for its norm, and the success rate expected at the large one. */
    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of(FastGradientMethod.fgsm(), new double[] {0, 0.01, 0.1, 0.3}, 0.5),
                Arguments.of(new FastGradientMethod(Norm.L2), new double[] {0, 0.5, 2.0, 4.0}, 0.5),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.LINF)
                                .optSteps(10)
                                .optSeed(3)
                                .build(),
                        new double[] {0, 0.01, 0.1},
                        0.85),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.LINF)
                                .optSteps(10)
                                .optRandomStart(false)
                                .build(),
                        new double[] {0.03, 0.1},
                        0.85),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.LINF)
                                .optSteps(5)
                                .optRestarts(3)
                                .optSeed(5)
                                .build(),
                        new double[] {0.05, 0.1},
                        0.85),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.L2)
                                .optSteps(10)
                                .optSeed(3)
                                .build(),
                        new double[] {0, 0.5, 2.0},
                        0.9),
                Arguments.of(
                        AutoPgd.builder(Norm.LINF).optSteps(10).optSeed(3).build(), new double[] {0, 0.01, 0.1}, 0.85),
                Arguments.of(AutoPgd.builder(Norm.L2).optSteps(10).build(), new double[] {0, 0.5, 2.0}, 0.9),
                Arguments.of(
                        AutoPgd.builder(Norm.LINF).optSteps(5).optTargets(3).build(), new double[] {0, 0.1}, 0.85),
                Arguments.of(MomentumIterativeFgsm.paperDefaults(), new double[] {0, 0.05, 0.1}, 0.85),
                Arguments.of(new MomentumIterativeFgsm(Norm.L2, 10, 1.0), new double[] {0.5, 2.0}, 0.8),
                Arguments.of(new CarliniWagnerL2(3, 50, 0.05, 0.1, 0), new double[] {0, 0.5, 3.0}, 0.9),
                Arguments.of(DeepFool.defaults(Norm.L2), new double[] {0, 0.5, 3.0}, 0.9),
                Arguments.of(DeepFool.defaults(Norm.LINF), new double[] {0, 0.05, 0.2}, 0.9),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.LINF)
                                .optSteps(10)
                                .optSeed(3)
                                .optLoss(AttackLoss.DLR)
                                .build(),
                        new double[] {0, 0.1},
                        0.85),
                // L1 (measured: PGD 0.34, FGM 0.2+, MI-FGSM 0.31 at the largest budget). The sparse step is
                // not box-aware: coordinates already at 0 or 1 keep being chosen and clipped, the weakness
                // Croce & Hein 2021 ("Mind the box") fix in APGD-L1; hence the lower bars.
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.L1)
                                .optSteps(20)
                                .optSeed(3)
                                .build(),
                        new double[] {0, 2.5, 10},
                        0.25),
                Arguments.of(new FastGradientMethod(Norm.L1), new double[] {0, 10, 30}, 0.15),
                Arguments.of(new MomentumIterativeFgsm(Norm.L1, 10, 1.0), new double[] {2.5, 10}, 0.2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void invariantsHold(EvasionAttack<DifferentiableClassifier> attack, double[] epsilons, double minSuccess) {
        Norm norm = attack.norm();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features());
            NDArray y = Tensors.labels(m, batch.labels());
            float[] original = x.toFloatArray();
            Criterion criterion = Criterion.misclassification(y);
            int arraysBefore = m.getManagedArrays().size();
            EvasionResult first = attack.run(model, x, criterion, epsilons);
            assertThat(m.getManagedArrays()).as("no native arrays left behind").hasSize(arraysBefore);
            EvasionResult second = attack.run(model, x, criterion, epsilons);
            assertThat(Arrays.equals(x.toFloatArray(), original))
                    .as("input untouched")
                    .isTrue();
            assertThat(first.outcomes()).hasSize(epsilons.length);
            int[] clean = model.classify(batch.features(), 128);
            for (int k = 0; k < epsilons.length; k++) {
                EvasionResult.Outcome o = first.outcomes().get(k);
                assertThat(o.epsilon()).isEqualTo(epsilons[k]);
                float[] adv = o.adversarial().data();
                assertThat(o.adversarial().shape()).isEqualTo(batch.features().shape());
                assertThat(o.adversarial().min()).isGreaterThanOrEqualTo(0f);
                assertThat(o.adversarial().max()).isLessThanOrEqualTo(1f);
                // Norms: reported values are right and within the budget.
                float[] recomputed = norms(norm, original, adv, batch.features().exampleSize());
                float largest = 0;
                float disagreement = 0;
                for (int i = 0; i < recomputed.length; i++) {
                    largest = Math.max(largest, recomputed[i]);
                    disagreement = Math.max(disagreement, Math.abs(o.perturbationNorms()[i] - recomputed[i]));
                }
                // L1 sums every coordinate's change, and each adversarial value x + delta was rounded to
                // float32 once (at most 6e-8 in [0, 1]): allow that much per coordinate, and a relative
                // 1e-6 for float32 summation of the reported norms.
                double rounding = norm == Norm.L1 ? batch.features().exampleSize() * 6e-8 : 0;
                assertThat((double) largest).isLessThanOrEqualTo(epsilons[k] + 1e-6 + rounding);
                assertThat((double) disagreement).isLessThan(1e-5 + (norm == Norm.L1 ? 1e-6 * epsilons[k] : 0));
                assertThat(Arrays.equals(second.outcomes().get(k).adversarial().data(), adv))
                        .as("deterministic")
                        .isTrue();
                if (epsilons[k] == 0) {
                    assertThat(Arrays.equals(adv, original))
                            .as("eps 0 leaves the input")
                            .isTrue();
                    for (int i = 0; i < clean.length; i++) {
                        assertThat(o.success()[i]).isEqualTo(clean[i] != batch.labels()[i]);
                    }
                }
            }
            boolean[] success = first.outcomes().get(epsilons.length - 1).success();
            int flipped = 0;
            int correct = 0;
            for (int i = 0; i < success.length; i++) {
                if (clean[i] == batch.labels()[i]) {
                    correct++;
                    if (success[i]) {
                        flipped++;
                    }
                }
            }
            assertThat(correct).isGreaterThan(64);
            assertThat((double) flipped / correct)
                    .as("success rate at the largest epsilon")
                    .isGreaterThan(minSuccess);
        }
    }

    @Test
    void pgdIsAtLeastAsStrongAsFgsmAndCarliniWagnerFindsSmallPerturbations() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features());
            Criterion c = Criterion.misclassification(Tensors.labels(m, batch.labels()));
            long fgsm = countTrue(FastGradientMethod.fgsm()
                    .run(model, x, c, 0.05)
                    .outcomes()
                    .get(0)
                    .success());
            long pgd = countTrue(ProjectedGradientDescent.builder(Norm.LINF)
                    .optSteps(20)
                    .build()
                    .run(model, x, c, 0.05)
                    .outcomes()
                    .get(0)
                    .success());
            assertThat(pgd).isGreaterThanOrEqualTo(fgsm);
            EvasionResult.Outcome cw = new CarliniWagnerL2(3, 50, 0.05, 0.1, 0)
                    .run(model, x, c, Double.POSITIVE_INFINITY)
                    .outcomes()
                    .get(0);
            EvasionResult.Outcome deepfool = DeepFool.defaults(Norm.L2)
                    .run(model, x, c, Double.POSITIVE_INFINITY)
                    .outcomes()
                    .get(0);
            // Unbounded minimisation attacks fool (almost) every example, with small L2 perturbations.
            assertThat(countTrue(cw.success())).isGreaterThan(115);
            assertThat(countTrue(deepfool.success())).isGreaterThan(115);
            assertThat(median(cw.perturbationNorms())).isLessThan(1.5f);
            assertThat(median(deepfool.perturbationNorms())).isLessThan(1.5f);
        }
    }

    private static float median(float[] v) {
        float[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void targetedFgsmReachesTheTarget() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features());
            int[] targets = Arrays.stream(batch.labels()).map(l -> (l + 1) % 10).toArray();
            Criterion criterion = Criterion.targetedMisclassification(Tensors.labels(m, targets));
            EvasionResult r = FastGradientMethod.fgsm().run(model, x, criterion, 0, 0.05, 0.1, 0.2);
            long[] hits =
                    r.outcomes().stream().mapToLong(o -> countTrue(o.success())).toArray();
            assertThat(hits[2]).isGreaterThan(hits[0] + 20);
        }
    }

    /**
     * The loss strategy left the default attacks bit for bit as they were: FGSM, targeted FGM in L2
     * and two targeted BIM steps equal the formulas written out with the cross-entropy gradient
     * ({@code lossGradient}) and an explicit sign for the direction.
     */
    @Test
    void defaultCrossEntropyAttacksMatchTheirFormulasExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features().slice(0, 32));
            NDArray y = Tensors.labels(m, Arrays.copyOf(batch.labels(), 32));
            NDArray t = Tensors.labels(
                    m,
                    Arrays.stream(batch.labels())
                            .limit(32)
                            .map(l -> (l + 1) % 10)
                            .toArray());
            NDArray g = model.lossGradient(x, y).gradient();
            NDArray candidate = x.add(g.sign().mul(0.05));
            float[] fgsm = x.add(Norm.LINF.projectToBall(candidate.sub(x), 0.05))
                    .clip(0, 1)
                    .toFloatArray();
            assertThat(FastGradientMethod.fgsm()
                            .run(model, x, Criterion.misclassification(y), 0.05)
                            .outcomes()
                            .get(0)
                            .adversarial()
                            .data())
                    .containsExactly(fgsm);
            NDArray gt = model.lossGradient(x, t).gradient();
            float[] fgmTargeted = x.sub(Norm.L2.steepestAscent(gt).mul(1.5)).toFloatArray();
            NDArray expected = m.create(fgmTargeted, x.getShape());
            float[] projected = x.add(Norm.L2.projectToBall(expected.sub(x), 1.5))
                    .clip(0, 1)
                    .toFloatArray();
            assertThat(new FastGradientMethod(Norm.L2)
                            .run(model, x, Criterion.targetedMisclassification(t), 1.5)
                            .outcomes()
                            .get(0)
                            .adversarial()
                            .data())
                    .containsExactly(projected);
            NDArray adv = x;
            for (int i = 0; i < 2; i++) {
                NDArray step = model.lossGradient(adv, t).gradient().sign().mul(-0.05);
                adv = adv.add(step)
                        .maximum(x.sub(0.1).maximum(0))
                        .minimum(x.add(0.1).minimum(1));
            }
            NDArray bim = adv;
            assertThat(ProjectedGradientDescent.builder(Norm.LINF)
                            .optSteps(2)
                            .optStep(0.05)
                            .optRandomStart(false)
                            .build()
                            .run(model, x, Criterion.targetedMisclassification(t), 0.1)
                            .outcomes()
                            .get(0)
                            .adversarial()
                            .data())
                    .containsExactly(x.add(Norm.LINF.projectToBall(bim.sub(x), 0.1))
                            .clip(0, 1)
                            .toFloatArray());
        }
    }

    @Test
    void targetedPgdWithTheDlrLossReachesTheTargets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features());
            NDArray y = Tensors.labels(m, batch.labels());
            NDArray t = Tensors.labels(
                    m, Arrays.stream(batch.labels()).map(l -> (l + 1) % 10).toArray());
            ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                    .optSteps(20)
                    .optLoss(AttackLoss.DLR)
                    .build();
            EvasionResult r = pgd.run(model, x, Criterion.targetedMisclassification(t, y), 0, 0.2);
            long before = countTrue(r.outcomes().get(0).success());
            long hits = countTrue(r.outcomes().get(1).success());
            // Measured 50 of 128 (targeted DLR pushes the target above the true class, not above every class).
            assertThat(hits).isGreaterThan(before + 32);
            // Without the true labels the targeted DLR loss cannot be formed, and says so.
            assertThatThrownBy(() -> pgd.run(model, x, Criterion.targetedMisclassification(t), 0.2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("true labels");
        }
    }

    @Test
    void deepFoolRefusesL1() {
        assertThatThrownBy(() -> DeepFool.defaults(Norm.L1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linf and l2");
    }

    @Test
    void robustnessEvaluationSummarisesPerEpsilon() {
        RobustnessResult r = new RobustnessEvaluation(50, 4, true)
                .evaluate(model, FastGradientMethod.fgsm(), batch, null, Progress.NONE, 0, 0.1);
        assertThat(r.examples()).isEqualTo(128);
        assertThat(r.perEpsilon().get(0).robustAccuracy()).isEqualTo(r.cleanAccuracy());
        assertThat(r.perEpsilon().get(0).attackSuccessRate()).isZero();
        assertThat(r.perEpsilon().get(1).robustAccuracy()).isLessThan(r.cleanAccuracy() - 0.3);
        assertThat(r.perEpsilon().get(1).meanPerturbation()).isGreaterThan(0.09).isLessThanOrEqualTo(0.1 + 1e-6);
        assertThat(r.perEpsilon().get(1).adversarial().shape()).containsExactly(128, 1, 28, 28);
        assertThat(r.sampleOriginals().shape()).containsExactly(4, 1, 28, 28);
        // The kept samples are the first adversarial examples, batch boundaries notwithstanding.
        assertThat(r.perEpsilon().get(1).sampleAdversarials().data())
                .containsExactly(r.perEpsilon().get(1).adversarial().slice(0, 4).data());
        // Robust accuracy is recomputed from the predictions: consistent with them.
        int robust = 0;
        for (int i = 0; i < 128; i++) {
            if (r.cleanPredictions()[i] == r.labels()[i]
                    && r.perEpsilon().get(1).predictions()[i] == r.labels()[i]) {
                robust++;
            }
        }
        assertThat(r.perEpsilon().get(1).robustAccuracy()).isEqualTo(robust / 128.0);
    }

    @Test
    void badEpsilonsAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.toNDArray(m, batch.features().slice(0, 2));
            Criterion c = Criterion.misclassification(Tensors.labels(m, new int[] {0, 1}));
            assertThatThrownBy(() -> FastGradientMethod.fgsm().run(model, x, c, -0.1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-0.1");
            assertThatThrownBy(() -> FastGradientMethod.fgsm().run(model, x, c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least one epsilon");
            assertThatThrownBy(() -> FastGradientMethod.fgsm().run(model, x, c, Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static float[] norms(Norm norm, float[] a, float[] b, int size) {
        float[] out = new float[a.length / size];
        for (int i = 0; i < out.length; i++) {
            double acc = 0;
            for (int j = i * size; j < (i + 1) * size; j++) {
                double d = Math.abs((double) b[j] - a[j]);
                acc = norm == Norm.LINF ? Math.max(acc, d) : norm == Norm.L1 ? acc + d : acc + d * d;
            }
            out[i] = (float) (norm == Norm.L2 ? Math.sqrt(acc) : acc);
        }
        return out;
    }

    private static long countTrue(boolean[] b) {
        long n = 0;
        for (boolean v : b) {
            if (v) {
                n++;
            }
        }
        return n;
    }
}
