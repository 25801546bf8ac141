package dev.marauder.attacks.extraction;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.provenance.Provenance;

/**
 * Path-finding extraction of a decision tree from an API that names the node of each prediction
 * (Tramer, Zhang, Juels, Reiter &amp; Ristenpart 2016, "Stealing Machine Learning Models via
 * Prediction APIs", Section 4.2, Algorithm 1, and its variant with incomplete queries). Black-box,
 * untargeted: the attacker knows each feature's range and sees, for inputs of its choice, the
 * predicted label and an opaque node identifier ({@link LeafOracle}). Numeric features with
 * axis-aligned splits {@code x <= t}.
 *
 * <p>The attack rebuilds the tree top-down over boxes of the input space. In a box, with some
 * features set and (with incomplete queries) the others left out, the API names the node where
 * evaluation stops: a leaf, or the first node that tests a missing feature.
 * <ol>
 *   <li>For each set feature, the two ends of its range in the box are queried; if they reach
 *       different nodes, a split on that feature lies inside the box (the first node on the path
 *       whose threshold is inside the box sends the two ends into different subtrees).
 *   <li>Otherwise, with incomplete queries, the missing features are set: if the node does not
 *       change, the box is a leaf; if it does, the node evaluation stopped at tests one of them,
 *       found by binary search over groups of missing features (a group changes the node exactly
 *       when it holds that feature): {@code 1 + log2(m)} queries for {@code m} missing features,
 *       where the paper sets them one at a time. Without incomplete queries every feature is set
 *       from the start and step 1 finds every split.
 *   <li>A threshold is found by bisection over the <em>floating-point numbers</em> between the two
 *       ends (at most 32 queries, usually fewer): the largest float that still reaches the left end's
 *       node is the threshold, exactly, so the extracted tree agrees with the target on every float
 *       input in the range (the paper's line search stops at a tolerance epsilon instead).
 *   <li>The box is cut at the threshold and both halves are explored; a box in which no set feature
 *       splits and no missing feature changes the node is a leaf, with the label the API returned.
 * </ol>
 * The extracted tree can split a box at a different (but genuine) threshold first than the target
 * does, so its shape may differ; its predictions on the input box do not.
 *
 * <p>Tramer et al. report, for eight BigML trees, the queries their attack needed with and without
 * incomplete queries in their Table 5; this implementation reports its own count in
 * {@link Result#queries()} (see the README's "Model extraction" section for measured numbers).
 *
 * @param incompleteQueries leave features out (when the API allows it): fewer queries per split
 */
public record PathFindingExtraction(boolean incompleteQueries) {

    /**
     * An extracted tree.
     *
     * @param queries queries the attack sent
     * @param leaves leaves of the extracted tree
     * @param depth depth of the extracted tree
     * @param incompleteQueries whether features were left out
     * @param seconds wall-clock time
     * @param provenance settings and timing
     * @param tree the extracted tree
     */
    public record Result(
            long queries,
            int leaves,
            int depth,
            boolean incompleteQueries,
            double seconds,
            Provenance provenance,
            @JsonIgnore DecisionTree tree) {}

    /**
     * Extracts the tree behind {@code oracle}.
     *
     * @throws IllegalArgumentException if incomplete queries are asked for but the API refuses them
     */
    public Result extract(LeafOracle oracle) {
        if (incompleteQueries && !oracle.acceptsIncompleteQueries()) {
            throw new IllegalArgumentException("the API does not accept incomplete queries");
        }
        long start = System.nanoTime();
        Provenance.Recorder provenance = Provenance.start()
                .setting("attack", "path-finding tree extraction (Tramer et al. 2016)")
                .setting("incomplete_queries", incompleteQueries);
        long before = oracle.queries();
        InputSpec spec = oracle.inputSpec();
        int d = spec.size();
        float[] lo = new float[d];
        float[] hi = new float[d];
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
            lo[j] = spec.lowerAt(j);
            hi[j] = spec.upperAt(j);
            v[j] = incompleteQueries ? Float.NaN : middle(lo[j], hi[j]);
        }
        Explorer explorer = new Explorer(oracle);
        DecisionTree.Node root = explorer.explore(lo, hi, v);
        int classes = explorer.maxLabel + 1;
        DecisionTree tree = new DecisionTree(root, d, Math.max(classes, 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
                oracle.queries() - before,
                tree.leaves(),
                tree.depth(),
                incompleteQueries,
                seconds,
                provenance.finish(),
                tree);
    }

    /** The recursive exploration, with the node ids of the extracted tree. */
    private static final class Explorer {
        private final LeafOracle oracle;
        private int nextId;
        private int maxLabel;

        Explorer(LeafOracle oracle) {
            this.oracle = oracle;
        }

        private LeafOracle.Answer ask(float[] x) {
            LeafOracle.Answer a = oracle.predict(x);
            maxLabel = Math.max(maxLabel, a.label());
            return a;
        }

        DecisionTree.Node explore(float[] lo, float[] hi, float[] v) {
            LeafOracle.Answer here = ask(v);
            // 1. a split on a feature that is set, inside the box
            for (int j = 0; j < v.length; j++) {
                if (Float.isNaN(v[j]) || lo[j] == hi[j]) {
                    continue;
                }
                float[] w = v.clone();
                w[j] = lo[j];
                LeafOracle.Answer atLow = ask(w);
                if (atLow.node() != here.node()) {
                    return split(lo, hi, v, j, threshold(w, j, lo[j], v[j], atLow.node()));
                }
                w[j] = hi[j];
                LeafOracle.Answer atHigh = ask(w);
                if (atHigh.node() != here.node()) {
                    return split(lo, hi, v, j, threshold(w, j, v[j], hi[j], here.node()));
                }
            }
            // 2. the feature of the node where evaluation stopped, among the missing ones: setting a
            // group of them changes the node exactly when the group holds that feature, so one query
            // tells a leaf and a binary search over the missing features finds it in log2(m) more
            java.util.List<Integer> missing = new java.util.ArrayList<>();
            for (int j = 0; j < v.length; j++) {
                if (Float.isNaN(v[j])) {
                    missing.add(j);
                }
            }
            if (!missing.isEmpty() && ask(withMiddles(v, lo, hi, missing)).node() != here.node()) {
                while (missing.size() > 1) {
                    java.util.List<Integer> half = missing.subList(0, missing.size() / 2);
                    boolean inHalf = ask(withMiddles(v, lo, hi, half)).node() != here.node();
                    missing = new java.util.ArrayList<>(inHalf ? half : missing.subList(half.size(), missing.size()));
                }
                float[] w = withMiddles(v, lo, hi, missing);
                return explore(lo, hi, w); // now set: step 1 finds its split
            }
            return new DecisionTree.Node(nextId++, -1, 0f, here.label(), null, null);
        }

        /**
         * The largest float {@code t} in {@code [from, to)} such that the input with feature
         * {@code j} at {@code t} still reaches {@code node} while {@code nextUp(t)} does not: the
         * threshold of a split, by bisection over the floats (their bit patterns are ordered).
         */
        private static float[] withMiddles(float[] v, float[] lo, float[] hi, java.util.List<Integer> features) {
            float[] w = v.clone();
            for (int j : features) {
                w[j] = middle(lo[j], hi[j]);
            }
            return w;
        }

        private float threshold(float[] w, int j, float from, float to, long node) {
            int a = key(from);
            int b = key(to);
            // invariant: value(a) reaches node, value(b) does not
            while (b - a > 1) {
                int m = (int) (((long) a + b) >>> 1);
                w[j] = value(m);
                if (ask(w).node() == node) {
                    a = m;
                } else {
                    b = m;
                }
            }
            return value(a);
        }

        private DecisionTree.Node split(float[] lo, float[] hi, float[] v, int j, float t) {
            int id = nextId++;
            float[] leftHi = hi.clone();
            leftHi[j] = t;
            float[] leftV = v.clone();
            leftV[j] = middle(lo[j], t);
            float[] rightLo = lo.clone();
            rightLo[j] = Math.nextUp(t);
            float[] rightV = v.clone();
            rightV[j] = middle(rightLo[j], hi[j]);
            DecisionTree.Node left = explore(lo, leftHi, leftV);
            DecisionTree.Node right = explore(rightLo, hi, rightV);
            return new DecisionTree.Node(id, j, t, left.label(), left, right);
        }
    }

    /** A float in {@code [lo, hi]} halfway between them. */
    static float middle(float lo, float hi) {
        float m = (float) ((lo + (double) hi) / 2);
        return Math.max(lo, Math.min(hi, m));
    }

    /** An int whose order is the order of the finite floats. */
    static int key(float f) {
        int bits = Float.floatToIntBits(f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    /** The float of {@link #key}. */
    static float value(int key) {
        return Float.intBitsToFloat(key >= 0 ? key : key ^ 0x7fffffff);
    }
}
