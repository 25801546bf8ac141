package dev.marauder.attacks.inference.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.stats.RocCurve;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shadow-model attack of Shokri et al. 2017 on synthetic prediction vectors. */
class ShadowModelAttackTest {
    private static final int CLASSES = 5;

    /** Synthetic predictions: the true class's logit is {@code member ? memberLogit : nonMemberLogit} plus noise. */
    private record Data(ClassProbabilities predictions, int[] labels, boolean[] members) {}

    private static Data generate(
            SplittableRandom random, int n, int classesUsed, double[] memberLogit, double[] nonMemberLogit) {
        double[][] logits = new double[n][CLASSES];
        int[] labels = new int[n];
        boolean[] members = new boolean[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classesUsed);
            members[i] = random.nextBoolean();
            for (int c = 0; c < CLASSES; c++) {
                logits[i][c] = 0.5 * gaussian(random);
            }
            logits[i][labels[i]] += (members[i] ? memberLogit : nonMemberLogit)[labels[i]] + 0.5 * gaussian(random);
        }
        return new Data(ClassProbabilities.fromLogits(logits), labels, members);
    }

    @Test
    void learnsASeparableProblemAndScoresUnseenClassesWithTheGlobalModel() {
        double[] memberLogit = {5, 5, 5, 5, 5};
        double[] nonMemberLogit = {1, 1, 1, 1, 1};
        // shadow data has classes 0..3 only; class 4 must fall back to the global model
        Data shadow = generate(new SplittableRandom(1), 2000, 4, memberLogit, nonMemberLogit);
        Data target = generate(new SplittableRandom(2), 1000, CLASSES, memberLogit, nonMemberLogit);
        ShadowAttackModel model =
                ShadowModelAttack.builder().build().train(shadow.predictions(), shadow.labels(), shadow.members());
        assertThat(model.classesWithOwnModel()).containsExactlyInAnyOrder(0, 1, 2, 3);
        double[] scores = model.score(target.predictions(), target.labels());
        assertThat(java.util.Arrays.stream(scores).boxed()).allMatch(p -> p >= 0 && p <= 1);
        // observed: 0.99998 overall, 1.0 on class 4
        assertThat(auc(scores, target.members(), target.labels(), -1)).isGreaterThan(0.99);
        assertThat(auc(scores, target.members(), target.labels(), 4)).isGreaterThan(0.99);
        // members get a high probability, non-members a low one
        assertThat(mean(scores, target.members(), true)).isGreaterThan(0.8);
        assertThat(mean(scores, target.members(), false)).isLessThan(0.2);
        // training is deterministic for a fixed seed
        double[] again = ShadowModelAttack.builder()
                .build()
                .train(shadow.predictions(), shadow.labels(), shadow.members())
                .score(target.predictions(), target.labels());
        assertThat(again).containsExactly(scores);
    }

    @Test
    void perClassModelsCaptureClassDependentConfidence() {
        // Class 0 is easy (members at logit 6, non-members at 3), class 1 hard (members at 3,
        // non-members at 0): a non-member of class 0 looks like a member of class 1, so one
        // global model cannot separate both, while one model per class can.
        double[] memberLogit = {6, 3, 6, 3, 6};
        double[] nonMemberLogit = {3, 0, 3, 0, 3};
        Data shadow = generate(new SplittableRandom(3), 3000, CLASSES, memberLogit, nonMemberLogit);
        Data target = generate(new SplittableRandom(4), 2000, CLASSES, memberLogit, nonMemberLogit);
        ShadowModelAttack.Builder settings = ShadowModelAttack.builder()
                .optTopClasses(3)
                .optFeatures(ShadowModelAttack.Features.SORTED_LOG_PROBABILITIES);
        double[] perClass = settings.build()
                .train(shadow.predictions(), shadow.labels(), shadow.members())
                .score(target.predictions(), target.labels());
        ShadowAttackModel globalOnly = settings.optMinExamplesPerClass(1_000_000)
                .build()
                .train(shadow.predictions(), shadow.labels(), shadow.members());
        assertThat(globalOnly.classesWithOwnModel()).isEmpty();
        double[] global = globalOnly.score(target.predictions(), target.labels());
        double perClassAuc = auc(perClass, target.members(), target.labels(), -1);
        double globalAuc = auc(global, target.members(), target.labels(), -1);
        // observed: 0.996 per class, 0.880 global (as good as the loss threshold, 0.881)
        assertThat(perClassAuc).isGreaterThan(0.98).isGreaterThan(globalAuc + 0.08);
    }

    @Test
    void attackClassifierPredictsAnExampleAtTheTrainingMean() {
        // the standardised features of this example are all 0, which Tribuo must still accept
        AttackClassifier classifier = AttackClassifier.train(
                List.of(new double[] {0}, new double[] {2}), List.of(false, true), 5, 1, "two rows");
        double p = classifier.memberProbability(new double[] {1});
        assertThat(p).isBetween(0.0, 1.0);
        assertThat(classifier.memberProbability(new double[] {3})).isGreaterThan(p);
    }

    @Test
    void rejectsBadInputNamingTheProblem() {
        Data shadow = generate(new SplittableRandom(5), 50, CLASSES, new double[] {3, 3, 3, 3, 3}, new double[5]);
        ShadowModelAttack attack = ShadowModelAttack.builder().build();
        assertThatThrownBy(() -> attack.train(null, shadow.labels(), shadow.members()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shadow predictions must not be null");
        assertThatThrownBy(() -> attack.train(shadow.predictions(), new int[3], shadow.members()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 labels for 50 examples");
        assertThatThrownBy(() -> attack.train(shadow.predictions(), shadow.labels(), new boolean[49]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one membership flag per shadow example");
        assertThatThrownBy(() -> attack.train(shadow.predictions(), shadow.labels(), new boolean[50]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only non-members");
        ShadowAttackModel model = attack.train(shadow.predictions(), shadow.labels(), shadow.members());
        ClassProbabilities threeClasses = ClassProbabilities.fromLogits(new double[][] {{1, 2, 3}});
        assertThatThrownBy(() -> model.score(threeClasses, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must have 5 classes");
        assertThatThrownBy(() -> ShadowModelAttack.builder().optTopClasses(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top classes");
        assertThatThrownBy(() -> ShadowModelAttack.builder().optEpochs(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epochs");
        assertThatThrownBy(() ->
                        ShadowModelAttack.builder().optMinExamplesPerClass(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min examples per class");
    }

    /** The AUC of the scores of the examples of one class ({@code -1}: all). */
    private static double auc(double[] scores, boolean[] members, int[] labels, int only) {
        java.util.List<Double> in = new java.util.ArrayList<>();
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (only < 0 || labels[i] == only) {
                (members[i] ? in : out).add(scores[i]);
            }
        }
        return RocCurve.of(
                        in.stream().mapToDouble(Double::doubleValue).toArray(),
                        out.stream().mapToDouble(Double::doubleValue).toArray())
                .auc();
    }

    private static double mean(double[] scores, boolean[] members, boolean which) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (members[i] == which) {
                sum += scores[i];
                n++;
            }
        }
        return sum / n;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
