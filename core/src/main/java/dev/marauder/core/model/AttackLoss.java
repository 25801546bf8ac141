package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The loss a gradient attack ascends, as a strategy: PGD, MI-FGSM and FGM take one as a setting
 * instead of hard-coding the cross-entropy, so margin losses and later attacks (APGD, adaptive
 * attacks) reuse the same loop. Each loss has an untargeted form (the labels are the true labels)
 * and a targeted form (the attack wants the target labels); both return, per example, the value
 * the attack <em>increases</em>, so a targeted loss is already negated where needed.
 *
 * <p>Every value is built from differentiable NDArray operations on the logits, so it can be
 * turned into a {@link LogitsObjective} for {@link DifferentiableClassifier#gradient}. Serialised
 * to JSON as its {@link #id()}.
 */
public enum AttackLoss {
    /**
     * Softmax cross-entropy (Goodfellow, Shlens &amp; Szegedy 2015; Madry et al. 2018): untargeted,
     * the cross-entropy of the true label; targeted, the negated cross-entropy of the target label
     * (Kurakin, Goodfellow &amp; Bengio 2017), so ascending it descends the target's loss.
     */
    CROSS_ENTROPY("ce") {
        @Override
        public NDArray untargeted(NDArray logits, NDArray labels) {
            return LogitsObjective.perExampleCrossEntropy(logits, labels);
        }

        @Override
        public NDArray targeted(NDArray logits, NDArray targets, NDArray trueLabels) {
            return LogitsObjective.perExampleCrossEntropy(logits, targets).neg();
        }
    },
    /**
     * The difference of logits ratio of Croce &amp; Hein 2020 ("Reliable evaluation of adversarial
     * robustness with an ensemble of diverse parameter-free attacks", eq. 5 and 6), with
     * {@code z} the logits sorted so that {@code z_pi1 >= z_pi2 >= ...}:
     * <ul>
     *   <li>untargeted: {@code DLR(z, y) = -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3)}, needing
     *       at least 3 classes;
     *   <li>targeted: {@code DLR_T(z, y, t) = -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2)}, needing
     *       at least 4 classes and the true labels {@code y} as well as the targets {@code t}.
     * </ul>
     * Like the margin loss of Carlini &amp; Wagner 2017 it is positive exactly when the example is
     * misclassified (untargeted), and the denominator makes it invariant to shifting and to
     * positive rescaling of the logits, so a model cannot defeat it by scaling its outputs (which
     * saturates the softmax of the cross-entropy). A denominator of 0 is guarded by 1e-12, as in
     * the authors' code.
     */
    DLR("dlr") {
        @Override
        public NDArray untargeted(NDArray logits, NDArray labels) {
            int classes = classes(logits, 3, "untargeted");
            NDArray own = oneHot(logits, labels);
            NDArray zy = logits.mul(own).sum(new int[] {1});
            // The largest other logit: the own logit pushed far below every other.
            NDArray otherMax = logits.sub(own.mul(MASK)).max(new int[] {1});
            NDArray sorted = logits.sort(1);
            NDArray scale = column(sorted, classes - 1).sub(column(sorted, classes - 3));
            return zy.sub(otherMax).neg().div(scale.add(GUARD));
        }

        @Override
        public NDArray targeted(NDArray logits, NDArray targets, NDArray trueLabels) {
            int classes = classes(logits, 4, "targeted");
            if (trueLabels == null) {
                throw new IllegalArgumentException(
                        "the targeted DLR loss needs the true labels as well as the targets; give them to the criterion");
            }
            NDArray zy = logits.mul(oneHot(logits, trueLabels)).sum(new int[] {1});
            NDArray zt = logits.mul(oneHot(logits, targets)).sum(new int[] {1});
            NDArray sorted = logits.sort(1);
            NDArray scale = column(sorted, classes - 1)
                    .sub(column(sorted, classes - 3)
                            .add(column(sorted, classes - 4))
                            .mul(0.5f));
            return zy.sub(zt).neg().div(scale.add(GUARD));
        }
    };

    /** Guards the DLR denominator (Croce &amp; Hein's code uses the same constant). */
    static final float GUARD = 1e-12f;
    /** Subtracted from a logit to exclude it from a maximum. */
    private static final float MASK = 1e9f;

    private final String id;

    AttackLoss(String id) {
        this.id = id;
    }

    /** The name used on the command line and in results ({@code ce}, {@code dlr}). */
    @JsonValue
    public String id() {
        return id;
    }

    /**
     * The per-example value {@code [N]} an untargeted attack ascends.
     *
     * @param logits logits {@code [N, classes]}
     * @param labels true labels {@code [N]} (integers)
     */
    public abstract NDArray untargeted(NDArray logits, NDArray labels);

    /**
     * The per-example value {@code [N]} a targeted attack ascends.
     *
     * @param logits logits {@code [N, classes]}
     * @param targets target labels {@code [N]}
     * @param trueLabels true labels {@code [N]}, or null if unknown (losses that need them refuse)
     */
    public abstract NDArray targeted(NDArray logits, NDArray targets, NDArray trueLabels);

    /** The loss named {@code id}: {@code ce} (or {@code cross-entropy}) or {@code dlr}. */
    @JsonCreator
    public static AttackLoss of(String id) {
        return switch (id.toLowerCase(Locale.ROOT).replace("_", "-")) {
            case "ce", "cross-entropy", "xent" -> CROSS_ENTROPY;
            case "dlr" -> DLR;
            default -> throw new IllegalArgumentException("unknown loss '" + id + "'; choose ce or dlr");
        };
    }

    private static int classes(NDArray logits, int least, String form) {
        int classes = (int) logits.getShape().get(1);
        if (classes < least) {
            throw new IllegalArgumentException(
                    "the " + form + " DLR loss needs at least " + least + " classes, got " + classes);
        }
        return classes;
    }

    /** One-hot rows of {@code labels}, created in the logits' scope (so its temporaries die with it). */
    private static NDArray oneHot(NDArray logits, NDArray labels) {
        NDArray scoped = logits.getManager().create(labels.toLongArray());
        return scoped.oneHot((int) logits.getShape().get(1), logits.getDataType());
    }

    /** Column {@code k} of {@code a} {@code [N, C]} as {@code [N]}, by a differentiable masked sum. */
    private static NDArray column(NDArray a, int k) {
        float[] mask = new float[(int) a.getShape().get(1)];
        mask[k] = 1;
        return a.mul(a.getManager().create(mask).toType(a.getDataType(), false)).sum(new int[] {1});
    }
}
