package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.LogitsObjective;

/**
 * Decides which model outputs count as a successful adversarial example, for one batch
 * (foolbox's criteria, bound to the batch's labels), and turns an {@link AttackLoss} into the
 * value a gradient attack ascends for it: the untargeted form for misclassification, the targeted
 * form for targeted misclassification.
 */
public interface Criterion {

    /** A boolean array {@code [N]}: true where the scores {@code [N, classes]} are adversarial. */
    NDArray isAdversarial(NDArray scores);

    /**
     * The labels the attack's loss is about: the true labels for an untargeted attack, the target
     * labels for a targeted one.
     */
    NDArray lossLabels();

    /** True if success means reaching chosen target classes. */
    boolean targeted();

    /**
     * The per-example value {@code [N]} of {@code loss} on {@code logits} that an attack with this
     * criterion increases; built from differentiable operations on the logits.
     */
    NDArray loss(AttackLoss loss, NDArray logits);

    /** The summed {@link #loss} as an objective for {@link dev.marauder.core.model.DifferentiableClassifier#gradient}. */
    default LogitsObjective objective(AttackLoss loss) {
        return logits -> loss(loss, logits).sum();
    }

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

            @Override
            public NDArray loss(AttackLoss loss, NDArray logits) {
                return loss.untargeted(logits, labels);
            }
        };
    }

    /**
     * Targeted: the predicted label must equal the target label. The true labels are unknown, so
     * losses that need them (targeted DLR) refuse; see {@link #targetedMisclassification(NDArray, NDArray)}.
     */
    static Criterion targetedMisclassification(NDArray targets) {
        return targetedMisclassification(targets, null);
    }

    /**
     * Targeted: the predicted label must equal the target label.
     *
     * @param targets target label per example {@code [N]}
     * @param trueLabels true label per example {@code [N]}, for losses that use it (targeted DLR), or null
     */
    static Criterion targetedMisclassification(NDArray targets, NDArray trueLabels) {
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

            @Override
            public NDArray loss(AttackLoss loss, NDArray logits) {
                return loss.targeted(logits, targets, trueLabels);
            }
        };
    }
}
