package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.norm.Norm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fast gradient method: one step of size epsilon along the steepest-ascent direction of the
 * loss. With the L-infinity norm this is FGSM (Goodfellow, Shlens &amp; Szegedy 2015, "Explaining
 * and Harnessing Adversarial Examples"): {@code x + eps * sign(grad)}; with L2 it is FGM
 * ({@code x + eps * grad / ||grad||}).
 *
 * <p>Threat model: white-box (needs input gradients). Untargeted criteria ascend the
 * cross-entropy of the true label; targeted criteria descend that of the target label.
 */
public final class FastGradientMethod extends FixedEpsilonAttack<DifferentiableClassifier> {

    /** An FGM attack in {@code norm}; {@link Norm#LINF} gives FGSM. */
    public FastGradientMethod(Norm norm) {
        super(norm);
    }

    /** FGSM: the L-infinity fast gradient sign method. */
    public static FastGradientMethod fgsm() {
        return new FastGradientMethod(Norm.LINF);
    }

    @Override
    public String name() {
        return norm() == Norm.LINF ? "fgsm" : "fgm";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm", norm().id());
        return m;
    }

    @Override
    protected NDArray perturb(DifferentiableClassifier model, NDArray x, Criterion criterion, double epsilon) {
        NDArray gradient = model.lossGradient(x, criterion.lossLabels()).gradient();
        NDArray step = norm().steepestAscent(gradient).mul(epsilon);
        return criterion.targeted() ? x.sub(step) : x.add(step);
    }
}
