package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;

/**
 * Decides which model outputs count as a successful adversarial example, for one batch
 * (foolbox's criteria, bound to the batch's labels).
 */
public interface Criterion {

    /** A boolean array {@code [N]}: true where the scores {@code [N, classes]} are adversarial. */
    NDArray isAdversarial(NDArray scores);

    /**
     * The labels the attack's loss uses: the true labels for an untargeted attack (the loss is
     * ascended), the target labels for a targeted one (the loss is descended).
     */
    NDArray lossLabels();

    /** True if success means reaching chosen target classes. */
    boolean targeted();

    /** Untargeted: any label other than the true one. */
    static Criterion misclassification(NDArray labels) {
        return new Criterion() {
            @Override
            public NDArray isAdversarial(NDArray scores) {
                return scores.argMax(1).neq(labels);
            }

            @Override
            public NDArray lossLabels() {
                return labels;
            }

            @Override
            public boolean targeted() {
                return false;
            }
        };
    }

    /** Targeted: the predicted label must equal the target label. */
    static Criterion targetedMisclassification(NDArray targets) {
        return new Criterion() {
            @Override
            public NDArray isAdversarial(NDArray scores) {
                return scores.argMax(1).eq(targets);
            }

            @Override
            public NDArray lossLabels() {
                return targets;
            }

            @Override
            public boolean targeted() {
                return true;
            }
        };
    }
}
