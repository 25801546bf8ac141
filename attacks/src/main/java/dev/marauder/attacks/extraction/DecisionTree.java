package dev.marauder.attacks.extraction;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.data.LabeledData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A binary decision tree over numeric features with axis-aligned splits {@code x[feature] <=
 * threshold} (left) — the model class of Tramer et al. 2016's tree extraction — and a CART learner
 * for it (Breiman, Friedman, Olshen &amp; Stone 1984: greedy splits minimising the weighted Gini
 * impurity, thresholds halfway between adjacent distinct values). Immutable.
 *
 * <p>Both the targets of {@link PathFindingExtraction} (trained with {@link #fit}) and the trees it
 * extracts are instances. Tribuo's CART ({@code tribuo-classification-dtree}) would be the natural
 * target, but that artifact is not served by the package registry this project builds from, so the
 * learner is written here (about a hundred lines).
 *
 * @param root the root node
 * @param features the number of features an input has
 * @param classes the number of classes
 */
public record DecisionTree(Node root, int features, int classes) {

    /**
     * A node: a split ({@code left} and {@code right} set) or a leaf. Every node carries the label it
     * would predict (the majority of its training examples), which an API returns when an input
     * lacks the node's feature.
     *
     * @param id the node's identifier (unique in its tree)
     * @param feature the split feature (-1 for a leaf)
     * @param threshold inputs with {@code x[feature] <= threshold} go left
     * @param label the predicted label
     * @param left the left child (null for a leaf)
     * @param right the right child (null for a leaf)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(int id, int feature, float threshold, int label, Node left, Node right) {

        /** Checks the node's shape. */
        public Node {
            if ((left == null) != (right == null) || (left == null) != (feature < 0)) {
                throw new IllegalArgumentException("a node has a feature and two children, or neither");
            }
        }

        /** True for a leaf. */
        @JsonIgnore
        public boolean isLeaf() {
            return left == null;
        }
    }

    /** Checks the tree. */
    public DecisionTree {
        Objects.requireNonNull(root, "root");
        if (features < 1 || classes < 1) {
            throw new IllegalArgumentException("a tree needs features and classes");
        }
    }

    /** The predicted label of a complete input. */
    public int predict(float[] x) {
        return route(x).label();
    }

    /**
     * The node where evaluating {@code x} stops: a leaf, or the first node whose feature is missing
     * from {@code x} ({@link Float#NaN}), as BigML's API answers incomplete queries (Tramer et al.
     * 2016, Section 4.2).
     */
    public Node route(float[] x) {
        if (x.length != features) {
            throw new IllegalArgumentException("input has " + x.length + " features, the tree takes " + features);
        }
        Node n = root;
        while (!n.isLeaf() && !Float.isNaN(x[n.feature()])) {
            n = x[n.feature()] <= n.threshold() ? n.left() : n.right();
        }
        return n;
    }

    /** The number of leaves. */
    public int leaves() {
        return count(root, true);
    }

    /** The number of nodes (splits and leaves). */
    public int nodes() {
        return count(root, false);
    }

    /** The number of splits on the longest path from the root to a leaf. */
    public int depth() {
        return depth(root);
    }

    private static int count(Node n, boolean leavesOnly) {
        if (n.isLeaf()) {
            return 1;
        }
        return (leavesOnly ? 0 : 1) + count(n.left(), leavesOnly) + count(n.right(), leavesOnly);
    }

    private static int depth(Node n) {
        return n.isLeaf() ? 0 : 1 + Math.max(depth(n.left()), depth(n.right()));
    }

    /** The predicted label of every example of {@code x} ({@code [N, features]}). */
    public int[] classify(dev.marauder.core.data.FloatTensor x) {
        int d = x.exampleSize();
        if (d != features) {
            throw new IllegalArgumentException("inputs have " + d + " features, the tree takes " + features);
        }
        int[] out = new int[x.examples()];
        float[] data = x.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = predict(Arrays.copyOfRange(data, i * d, (i + 1) * d));
        }
        return out;
    }

    /** The share of the examples of {@code x} on which this tree and {@code other} predict the same label. */
    public double agreement(DecisionTree other, dev.marauder.core.data.FloatTensor x) {
        int[] p = classify(x);
        int[] q = other.classify(x);
        int same = 0;
        for (int i = 0; i < p.length; i++) {
            same += p[i] == q[i] ? 1 : 0;
        }
        return p.length == 0 ? Double.NaN : (double) same / p.length;
    }

    /**
     * Grows a CART tree on {@code data} (rows of {@code features} values).
     *
     * @param maxDepth splits on the longest path (at least 1)
     * @param minLeaf examples each leaf keeps at least (at least 1)
     * @throws IllegalArgumentException for bad settings or empty data
     */
    public static DecisionTree fit(LabeledData data, int maxDepth, int minLeaf) {
        if (maxDepth < 1 || minLeaf < 1) {
            throw new IllegalArgumentException(
                    "max depth and min leaf size must be at least 1, got " + maxDepth + " and " + minLeaf);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.source() + ": no examples to grow a tree on");
        }
        int d = data.features().exampleSize();
        float[] x = data.features().data();
        int[] y = data.labels();
        int classes = data.classCount();
        int[] all = new int[data.size()];
        Arrays.setAll(all, i -> i);
        int[] nextId = {0};
        Node root = grow(x, d, y, classes, all, maxDepth, minLeaf, nextId);
        return new DecisionTree(root, d, classes);
    }

    private static Node grow(
            float[] x, int d, int[] y, int classes, int[] rows, int depthLeft, int minLeaf, int[] nextId) {
        int id = nextId[0]++;
        int[] counts = new int[classes];
        for (int r : rows) {
            counts[y[r]]++;
        }
        int label = 0;
        for (int c = 1; c < classes; c++) {
            label = counts[c] > counts[label] ? c : label;
        }
        if (depthLeft == 0 || counts[label] == rows.length || rows.length < 2 * minLeaf) {
            return new Node(id, -1, 0f, label, null, null);
        }
        double parent = gini(counts, rows.length);
        double best = parent - 1e-12; // a split must lower the impurity
        int bestFeature = -1;
        float bestThreshold = 0;
        long[] packed = new long[rows.length];
        int[] order = new int[rows.length];
        for (int j = 0; j < d; j++) {
            // sort rows by value: the order-preserving int of each float above the row index
            for (int k = 0; k < rows.length; k++) {
                packed[k] = ((long) PathFindingExtraction.key(x[rows[k] * d + j]) << 32) | rows[k];
            }
            Arrays.sort(packed);
            for (int k = 0; k < rows.length; k++) {
                order[k] = (int) packed[k];
            }
            int[] left = new int[classes];
            for (int k = 0; k < rows.length - 1; k++) {
                left[y[order[k]]]++;
                float a = x[order[k] * d + j];
                float b = x[order[k + 1] * d + j];
                int nl = k + 1;
                int nr = rows.length - nl;
                if (a == b || nl < minLeaf || nr < minLeaf) {
                    continue;
                }
                int[] right = new int[classes];
                for (int c = 0; c < classes; c++) {
                    right[c] = counts[c] - left[c];
                }
                double impurity = (nl * gini(left, nl) + nr * gini(right, nr)) / rows.length;
                if (impurity < best) {
                    best = impurity;
                    bestFeature = j;
                    float mid = (float) ((a + (double) b) / 2);
                    bestThreshold = mid >= b ? a : mid;
                }
            }
        }
        if (bestFeature < 0) {
            return new Node(id, -1, 0f, label, null, null);
        }
        List<Integer> l = new ArrayList<>();
        List<Integer> r = new ArrayList<>();
        for (int row : rows) {
            (x[row * d + bestFeature] <= bestThreshold ? l : r).add(row);
        }
        Node left = grow(x, d, y, classes, toArray(l), depthLeft - 1, minLeaf, nextId);
        Node right = grow(x, d, y, classes, toArray(r), depthLeft - 1, minLeaf, nextId);
        return new Node(id, bestFeature, bestThreshold, label, left, right);
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double gini(int[] counts, int n) {
        double sum = 0;
        for (int c : counts) {
            double p = (double) c / n;
            sum += p * p;
        }
        return 1 - sum;
    }
}
