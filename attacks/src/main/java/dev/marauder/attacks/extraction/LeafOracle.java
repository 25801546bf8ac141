package dev.marauder.attacks.extraction;

import dev.marauder.core.model.InputSpec;

/**
 * A decision-tree prediction API that names the node each prediction comes from, as BigML's did
 * (Tramer et al. 2016, Section 4.2): the threat model of {@link PathFindingExtraction}. Black-box:
 * the attacker sees the label and an opaque node identifier, and knows each feature's range.
 */
public interface LeafOracle {

    /**
     * What the API answers.
     *
     * @param label the predicted label
     * @param node an identifier of the node the prediction comes from, unique within the tree:
     *     a leaf for a complete input
     */
    record Answer(int label, long node) {}

    /**
     * Predicts {@code x}, one query. A feature given as {@link Float#NaN} is left out (an incomplete
     * query): evaluation stops at the first node that needs it and that node is named.
     *
     * @throws IllegalArgumentException if {@code x} has the wrong length or incomplete queries are
     *     not accepted
     */
    Answer predict(float[] x);

    /** The features (one value each) and the range the API accepts for each. */
    InputSpec inputSpec();

    /** Whether features may be left out. */
    boolean acceptsIncompleteQueries();

    /** Queries answered so far. */
    long queries();
}
