package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.norm.Norm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Momentum iterative FGSM (Dong et al. 2018, "Boosting Adversarial Attacks with Momentum"):
 * iterative steps of size {@code eps / steps} along the norm's steepest-ascent direction of an
 * accumulated gradient {@code g = decay * g + grad / ||grad||_1}, projected onto the epsilon ball
 * and the bounds. The momentum stabilises the direction and improves transfer to other models.
 *
 * <p>Threat model: white-box; targeted criteria descend the target's loss.
 */
public final class MomentumIterativeFgsm extends FixedEpsilonAttack<DifferentiableClassifier> {
    private final int steps;
    private final double decay;

    /**
     * An MI-FGSM attack.
     *
     * @param norm budget norm (the paper's L-infinity, or L2)
     * @param steps iterations (paper: 10)
     * @param decay momentum decay factor mu (paper: 1.0)
     */
    public MomentumIterativeFgsm(Norm norm, int steps, double decay) {
        super(norm);
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("decay must be a finite number >= 0, got " + decay);
        }
        this.steps = steps;
        this.decay = decay;
    }

    /** The paper's setting: L-infinity, 10 steps, decay 1.0. */
    public static MomentumIterativeFgsm paperDefaults() {
        return new MomentumIterativeFgsm(Norm.LINF, 10, 1.0);
    }

    @Override
    public String name() {
        return "mifgsm";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm", norm().id());
        m.put("steps", steps);
        m.put("decay", decay);
        return m;
    }

    @Override
    protected NDArray perturb(DifferentiableClassifier model, NDArray x, Criterion criterion, double epsilon) {
        NDManager scope = x.getManager();
        BallProjection ball = new BallProjection(norm(), x, epsilon, model.inputSpec());
        double alpha = (criterion.targeted() ? -epsilon : epsilon) / steps;
        NDArray adv = x.duplicate();
        NDArray momentum = x.zerosLike();
        long[] perExample = dev.marauder.core.model.Tensors.perExampleShape(x);
        for (int i = 0; i < steps; i++) {
            try (NDManager step = scope.newSubManager()) {
                adv.attach(step);
                momentum.attach(step);
                NDArray gradient = model.lossGradient(adv, criterion.lossLabels()).gradient();
                NDArray l1 = gradient.abs().reshape(perExample[0], -1).sum(new int[] {1}).reshape(perExample)
                        .maximum(1e-12f);
                NDArray nextMomentum = momentum.mul(decay).add(gradient.div(l1));
                NDArray next = ball.project(adv.add(norm().steepestAscent(nextMomentum).mul(alpha)));
                nextMomentum.attach(scope);
                next.attach(scope);
                momentum = nextMomentum;
                adv = next;
            }
        }
        return adv;
    }
}
