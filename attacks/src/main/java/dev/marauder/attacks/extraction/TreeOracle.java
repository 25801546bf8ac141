package dev.marauder.attacks.extraction;

import dev.marauder.core.model.InputSpec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DecisionTree} behind a prediction API that names the node of each prediction: the
 * adapter {@link PathFindingExtraction} attacks.
 */
public final class TreeOracle implements LeafOracle {
    private final DecisionTree tree;
    private final InputSpec spec;
    private final boolean incomplete;
    private final AtomicLong queries = new AtomicLong();

    /**
     * Serves {@code tree}.
     *
     * @param spec the input range the API accepts ({@code [features]} values)
     * @param incomplete whether features may be left out
     * @throws IllegalArgumentException if {@code spec} does not describe the tree's features
     */
    public TreeOracle(DecisionTree tree, InputSpec spec, boolean incomplete) {
        if (spec.size() != tree.features() || spec.shape().length != 1) {
            throw new IllegalArgumentException(
                    "the input spec " + spec + " does not describe " + tree.features() + " features");
        }
        this.tree = tree;
        this.spec = spec;
        this.incomplete = incomplete;
    }

    @Override
    public Answer predict(float[] x) {
        if (!incomplete) {
            for (float v : x) {
                if (Float.isNaN(v)) {
                    throw new IllegalArgumentException(
                            "this API needs every feature; it does not accept incomplete" + " queries");
                }
            }
        }
        queries.incrementAndGet();
        DecisionTree.Node n = tree.route(x);
        return new Answer(n.label(), n.id());
    }

    @Override
    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public boolean acceptsIncompleteQueries() {
        return incomplete;
    }

    @Override
    public long queries() {
        return queries.get();
    }
}
