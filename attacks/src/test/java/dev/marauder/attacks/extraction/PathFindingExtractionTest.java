package dev.marauder.attacks.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Layout;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathFindingExtractionTest {

    /** Per-feature bounds: each feature's range over the whole table, widened by 1. */
    static InputSpec spec(TrainTestSplit data) {
        int d = data.train().features().exampleSize();
        float[] lo = new float[d];
        float[] hi = new float[d];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (LabeledData part : new LabeledData[] {data.train(), data.test()}) {
            float[] x = part.features().data();
            for (int i = 0; i < x.length; i++) {
                lo[i % d] = Math.min(lo[i % d], x[i] - 1);
                hi[i % d] = Math.max(hi[i % d], x[i] + 1);
            }
        }
        return new InputSpec(new int[] {d}, Layout.NCHW, lo, hi);
    }

    static double agreement(DecisionTree a, DecisionTree b, FloatTensor x) {
        return a.agreement(b, x);
    }

    @ParameterizedTest(name = "depth {0}, min leaf {1}, incomplete queries {2}")
    @CsvSource({"3, 1, true", "3, 1, false", "8, 1, true", "8, 1, false", "12, 1, true", "12, 1, false"})
    void extractsPenguinTreesExactly(int depth, int minLeaf, boolean incomplete) {
        TrainTestSplit data = Penguins.raw();
        DecisionTree target = DecisionTree.fit(data.train(), depth, minLeaf);
        InputSpec spec = spec(data);
        TreeOracle oracle = new TreeOracle(target, spec, true);
        PathFindingExtraction.Result r = new PathFindingExtraction(incomplete).extract(oracle);
        assertThat(r.queries()).isEqualTo(oracle.queries());
        assertThat(agreement(target, r.tree(), data.test().features())).isEqualTo(1.0);
        assertThat(agreement(target, r.tree(), Oracle.uniform(spec, 20_000, new SplittableRandom(1))))
                .isEqualTo(1.0);
        // at least the target's leaves are found (the extracted shape may split a box differently first)
        assertThat(r.leaves()).isGreaterThanOrEqualTo(target.leaves());
        System.out.printf(
                "depth %d: target %d leaves (depth %d), extracted %d leaves, %d queries, incomplete %s%n",
                depth, target.leaves(), target.depth(), r.leaves(), r.queries(), incomplete);
    }

    @Test
    void extractsAFashionMnistTreeOfHundredsOfLeavesExactly() {
        TrainTestSplit data = dev.marauder.core.data.Datasets.load("fashion-mnist");
        LabeledData train = data.train().slice(0, 3000);
        DecisionTree target = DecisionTree.fit(flat(train), 12, 1);
        InputSpec spec = new InputSpec(new int[] {784}, 0f, 1f);
        TreeOracle oracle = new TreeOracle(target, spec, true);
        PathFindingExtraction.Result r = new PathFindingExtraction(true).extract(oracle);
        LabeledData test = flat(data.test());
        assertThat(target.leaves()).isGreaterThan(200);
        assertThat(agreement(target, r.tree(), test.features())).isEqualTo(1.0);
        assertThat(agreement(target, r.tree(), Oracle.uniform(spec, 5_000, new SplittableRandom(2))))
                .isEqualTo(1.0);
        System.out.printf(
                "fashion-mnist: target %d leaves (depth %d), extracted %d leaves, %d queries (%.1f per leaf)%n",
                target.leaves(), target.depth(), r.leaves(), r.queries(), (double) r.queries() / target.leaves());
    }

    private static LabeledData flat(LabeledData d) {
        return new LabeledData(d.features().reshape(d.size(), 784), d.labels(), d.source(), d.sha256());
    }

    @Test
    void incompleteQueriesNeedFewerQueries() {
        TrainTestSplit data = Penguins.raw();
        DecisionTree target = DecisionTree.fit(data.train(), 12, 1);
        InputSpec spec = spec(data);
        long with = new PathFindingExtraction(true)
                .extract(new TreeOracle(target, spec, true))
                .queries();
        long without = new PathFindingExtraction(false)
                .extract(new TreeOracle(target, spec, true))
                .queries();
        assertThat(with).isLessThan(without);
    }

    @Test
    void findsAThresholdExactlyToTheFloat() {
        // x0 <= 0.3f goes left (label 0), else right (label 1); with 2 features
        DecisionTree.Node left = new DecisionTree.Node(1, -1, 0, 0, null, null);
        DecisionTree.Node right = new DecisionTree.Node(2, -1, 0, 1, null, null);
        DecisionTree target = new DecisionTree(new DecisionTree.Node(0, 0, 0.3f, 0, left, right), 2, 2);
        InputSpec spec = new InputSpec(new int[] {2}, -5f, 5f);
        PathFindingExtraction.Result r = new PathFindingExtraction(true).extract(new TreeOracle(target, spec, true));
        assertThat(r.tree().root().feature()).isEqualTo(0);
        assertThat(r.tree().root().threshold()).isEqualTo(0.3f);
        assertThat(r.tree().predict(new float[] {0.3f, 0})).isEqualTo(0);
        assertThat(r.tree().predict(new float[] {Math.nextUp(0.3f), 0})).isEqualTo(1);
        assertThat(r.leaves()).isEqualTo(2);
    }

    @Test
    void refusesIncompleteQueriesTheApiDoesNotTake() {
        TrainTestSplit data = Penguins.raw();
        DecisionTree target = DecisionTree.fit(data.train(), 3, 1);
        TreeOracle strict = new TreeOracle(target, spec(data), false);
        assertThatThrownBy(() -> new PathFindingExtraction(true).extract(strict))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("incomplete");
        assertThat(new PathFindingExtraction(false).extract(strict).queries()).isPositive();
    }

    @Property
    void floatKeysAreOrderedAndInvertible(@ForAll float a, @ForAll float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return;
        }
        assertThat(PathFindingExtraction.value(PathFindingExtraction.key(a))).isEqualTo(a);
        if (a < b) {
            assertThat(PathFindingExtraction.key(a)).isLessThan(PathFindingExtraction.key(b));
        }
    }
}
