package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.norm.Norm;

/**
 * The fast gradient method: one step of size epsilon along the norm's steepest-ascent direction
 * of the loss. With the L-infinity norm this is FGSM (Goodfellow, Shlens &amp; Szegedy 2015,
 * "Explaining and Harnessing Adversarial Examples"): {@code x + eps * sign(grad)}; with L2 it is
 * FGM ({@code x + eps * grad / ||grad||}); with L1 a sparse step on the largest gradient
 * coordinates (see {@link Norm#L1}).
 *
 * <p>Threat model: white-box (needs input gradients). Untargeted criteria ascend the loss of the
 * true label (by default the cross-entropy); targeted criteria ascend its targeted form (for the
 * cross-entropy, descend that of the target label).
 */
public final class FastGradientMethod extends FixedEpsilonAttack<DifferentiableClassifier> {
    private final AttackLoss loss;

    /** An FGM attack in {@code norm} on the cross-entropy; {@link Norm#LINF} gives FGSM. */
    public FastGradientMethod(Norm norm) {
        this(norm, AttackLoss.CROSS_ENTROPY);
    }

    /** An FGM attack in {@code norm} on {@code loss}. */
    public FastGradientMethod(Norm norm, AttackLoss loss) {
        super(norm);
        if (loss == null) {
            throw new IllegalArgumentException("loss is required");
        }
        this.loss = loss;
    }

    /** FGSM: the L-infinity fast gradient sign method. */
    public static FastGradientMethod fgsm() {
        return new FastGradientMethod(Norm.LINF);
    }

    /** {@code fgsm} for the L-infinity norm (the sign method), {@code fgm} for the others. */
    @Override
    public String name() {
        return norm() == Norm.LINF ? "fgsm" : "fgm";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), loss);
    }

    /**
     * The settings of a fast gradient attack.
     *
     * @param norm the budget's norm
     * @param loss the loss ascended; written to JSON only when it is not the default cross-entropy
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(Norm norm, @JsonIgnore AttackLoss loss) implements EvasionSettings {

        /** The loss as written to JSON: null (left out) for the default cross-entropy. */
        @JsonProperty("loss")
        AttackLoss chosenLoss() {
            return loss == AttackLoss.CROSS_ENTROPY ? null : loss;
        }

        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    protected NDArray perturb(DifferentiableClassifier model, NDArray x, Criterion criterion, double epsilon) {
        NDArray gradient = model.gradient(x, criterion.objective(loss)).gradient();
        return x.add(norm().steepestAscent(gradient).mul(epsilon));
    }
}
