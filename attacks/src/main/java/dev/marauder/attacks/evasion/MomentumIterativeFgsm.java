package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import java.util.function.UnaryOperator;

/**
 * Momentum iterative FGSM (Dong et al. 2018, "Boosting Adversarial Attacks with Momentum"):
 * iterative steps of size {@code eps / steps} along the norm's steepest-ascent direction of an
 * accumulated gradient {@code g = decay * g + grad / ||grad||_1}, projected onto the epsilon ball
 * and the bounds. The momentum stabilises the direction and improves transfer to other models.
 *
 * <p>Threat model: white-box; untargeted criteria ascend the loss (default the cross-entropy, as
 * in the paper), targeted criteria its targeted form. Any {@link Norm}: the momentum is always
 * normalised by its L1 norm as in the paper, the step follows the budget norm's steepest ascent.
 */
public final class MomentumIterativeFgsm extends FixedEpsilonAttack<DifferentiableClassifier> {
    private final int steps;
    private final double decay;
    private final AttackLoss loss;

    /**
     * An MI-FGSM attack.
     *
     * @param norm budget norm (the paper's L-infinity, or L2)
     * @param steps iterations (paper: 10)
     * @param decay momentum decay factor mu (paper: 1.0)
     */
    public MomentumIterativeFgsm(Norm norm, int steps, double decay) {
        this(norm, steps, decay, AttackLoss.CROSS_ENTROPY);
    }

    /**
     * An MI-FGSM attack on {@code loss}.
     *
     * @param norm budget norm
     * @param steps iterations (at least 1)
     * @param decay momentum decay factor mu (finite, at least 0)
     * @param loss the loss ascended
     */
    public MomentumIterativeFgsm(Norm norm, int steps, double decay, AttackLoss loss) {
        super(norm);
        if (loss == null) {
            throw new IllegalArgumentException("loss is required");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("decay must be a finite number >= 0, got " + decay);
        }
        this.steps = steps;
        this.decay = decay;
        this.loss = loss;
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
    public Settings settings() {
        return new Settings(norm(), steps, decay, loss);
    }

    /**
     * The settings of an MI-FGSM attack.
     *
     * @param norm the budget's norm
     * @param steps iterations
     * @param decay momentum decay factor
     * @param loss the loss ascended; written to JSON only when it is not the default cross-entropy
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm, int steps, double decay, @JsonIgnore AttackLoss loss) implements EvasionSettings {

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
        NDManager scope = x.getManager();
        UnaryOperator<NDArray> feasible = norm().projectionAround(
                        x,
                        epsilon,
                        model.inputSpec().lowerArray(scope),
                        model.inputSpec().upperArray(scope));
        LogitsObjective objective = criterion.objective(loss);
        double alpha = epsilon / steps;
        NDArray adv = x.duplicate();
        NDArray momentum = x.zerosLike();
        long[] perExample = Tensors.perExampleShape(x);
        for (int i = 0; i < steps; i++) {
            try (NDManager step = scope.newSubManager()) {
                adv.attach(step);
                momentum.attach(step);
                NDArray gradient = model.gradient(adv, objective).gradient();
                NDArray l1 = Norm.L1.norms(gradient).reshape(perExample).maximum(1e-12f);
                NDArray nextMomentum = momentum.mul(decay).add(gradient.div(l1));
                NDArray next = feasible.apply(
                        adv.add(norm().steepestAscent(nextMomentum).mul(alpha)));
                nextMomentum.attach(scope);
                next.attach(scope);
                momentum = nextMomentum;
                adv = next;
            }
        }
        return adv;
    }
}
