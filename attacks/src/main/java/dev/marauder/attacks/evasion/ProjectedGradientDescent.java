package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Projected gradient descent on the loss (Madry, Makelov, Schmidt, Tsipras &amp; Vladu 2018,
 * "Towards Deep Learning Models Resistant to Adversarial Attacks"); without a random start it is
 * the basic iterative method, BIM (Kurakin, Goodfellow &amp; Bengio 2017).
 *
 * <p>Threat model: white-box, untargeted or targeted (the criterion decides). Each step moves by
 * {@code step} along the norm's steepest-ascent direction of the loss (its targeted form for a
 * targeted criterion, which for the cross-entropy descends the target's loss), then projects back
 * onto the epsilon ball and the model's bounds. With restarts, each example keeps its strongest
 * result: a successful one over an unsuccessful one, then the higher loss.
 *
 * <p>Settings: norm (any {@link Norm}); steps (at least 1); step size, absolute or relative to
 * epsilon (default {@code 2.5 * eps / steps}, Madry et al.'s choice); random start from a uniform
 * point of the ball; restarts (at least 1; more than one needs the random start); seed of the
 * random start; the loss (default the cross-entropy of Madry et al.; {@link AttackLoss#DLR} is the
 * margin loss of Croce &amp; Hein 2020's APGD-DLR, which resists rescaled logits).
 */
public final class ProjectedGradientDescent extends FixedEpsilonAttack<DifferentiableClassifier> {
    private final int steps;
    private final double absoluteStep;
    private final double relativeStep;
    private final boolean randomStart;
    private final int restarts;
    private final long seed;
    private final AttackLoss loss;

    private ProjectedGradientDescent(Builder b) {
        super(b.norm);
        this.steps = b.steps;
        this.absoluteStep = b.absoluteStep;
        this.relativeStep = b.relativeStep;
        this.randomStart = b.randomStart;
        this.restarts = b.restarts;
        this.seed = b.seed;
        this.loss = b.loss;
    }

    /** A builder with Madry et al.'s defaults: 40 steps of 2.5 eps / 40, random start, one run, cross-entropy. */
    public static Builder builder(Norm norm) {
        return new Builder(norm);
    }

    @Override
    public String name() {
        return randomStart ? "pgd" : "bim";
    }

    @Override
    public Settings settings() {
        boolean relative = Double.isNaN(absoluteStep);
        return new Settings(
                norm(),
                steps,
                relative ? null : absoluteStep,
                relative ? relativeStep : null,
                randomStart,
                restarts,
                randomStart ? seed : null,
                loss);
    }

    /**
     * The settings of a PGD (or BIM) attack.
     *
     * @param norm the budget's norm
     * @param steps gradient steps
     * @param step absolute step size, or null when relative
     * @param relativeStep step size as a fraction of epsilon, or null when absolute
     * @param randomStart whether each run starts from a uniform point of the ball
     * @param restarts runs per example
     * @param seed seed of the random start, or null without one
     * @param loss the loss ascended; written to JSON only when it is not the default cross-entropy, so
     *     results of the default attack keep their earlier form
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            Norm norm,
            int steps,
            Double step,
            Double relativeStep,
            boolean randomStart,
            int restarts,
            Long seed,
            @JsonIgnore AttackLoss loss)
            implements EvasionSettings {

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

    /** Step size used at budget {@code epsilon}. */
    public double stepSize(double epsilon) {
        return Double.isNaN(absoluteStep) ? relativeStep * epsilon : absoluteStep;
    }

    @Override
    protected NDArray perturb(DifferentiableClassifier model, NDArray x, Criterion criterion, double epsilon) {
        LogitsObjective objective = criterion.objective(loss);
        SplittableRandom random = new SplittableRandom(seed ^ Double.doubleToLongBits(epsilon));
        NDArray best = null;
        NDArray bestScore = null;
        for (int r = 0; r < restarts; r++) {
            NDArray adv = ascend(model, x, objective, epsilon, random);
            if (restarts == 1) {
                return adv;
            }
            NDArray score = strength(model, adv, criterion, loss);
            if (best == null) {
                best = adv;
                bestScore = score;
            } else {
                NDArray better = score.gt(bestScore);
                best = NDArrays.where(broadcastable(better, adv), adv, best);
                bestScore = score.maximum(bestScore);
            }
        }
        return best;
    }

    /**
     * One run of this attack's steps on any objective: from {@code x} (or, with the random start,
     * a uniform point of the ball drawn from {@code random}), the attack's steps of the norm's
     * steepest ascent of {@code objective}, each projected onto the epsilon ball around {@code x}
     * and the model's bounds. The attacks use it with their criterion's loss; adversarial training
     * uses it as its inner maximisation, with the cross-entropy or TRADES's KL divergence.
     *
     * @param model the model whose input gradients are followed
     * @param x the centre of the ball, {@code [N, ...]}; its manager receives the result
     * @param objective the scalar the steps ascend
     * @param epsilon the radius of the ball
     * @param random the random start's generator (unused without a random start)
     * @return the last iterate, in the ball and the bounds
     */
    public NDArray ascend(
            DifferentiableClassifier model,
            NDArray x,
            LogitsObjective objective,
            double epsilon,
            SplittableRandom random) {
        NDManager scope = x.getManager();
        UnaryOperator<NDArray> feasible = norm().projectionAround(
                        x,
                        epsilon,
                        model.inputSpec().lowerArray(scope),
                        model.inputSpec().upperArray(scope));
        double step = stepSize(epsilon);
        NDArray adv = randomStart ? feasible.apply(x.add(norm().uniformInBall(x, epsilon, random))) : x.duplicate();
        for (int i = 0; i < steps; i++) {
            try (NDManager iteration = scope.newSubManager()) {
                adv.attach(iteration); // the previous iterate dies with this step
                NDArray gradient = model.gradient(adv, objective).gradient();
                NDArray next =
                        feasible.apply(adv.add(norm().steepestAscent(gradient).mul(step)));
                next.attach(scope);
                adv = next;
            }
        }
        return adv;
    }

    /**
     * How strong each example's result is: successful results score above all others, then by the
     * value of the ascended loss.
     */
    private static NDArray strength(DifferentiableClassifier model, NDArray adv, Criterion criterion, AttackLoss loss) {
        NDArray logits = model.logits(adv);
        NDArray value = criterion.loss(loss, logits);
        NDArray success = criterion.isAdversarial(logits).toType(value.getDataType(), false);
        // Squash the loss into (-1, 1) so that success (+2) always dominates.
        return value.tanh().add(success.mul(2));
    }

    private static NDArray broadcastable(NDArray perExample, NDArray like) {
        return perExample.reshape(Tensors.perExampleShape(like)).broadcast(like.getShape());
    }

    /** Builds a {@link ProjectedGradientDescent}; validated in {@link #build()}. */
    public static final class Builder {
        private final Norm norm;
        private int steps = 40;
        private double absoluteStep = Double.NaN;
        private double relativeStep = Double.NaN;
        private boolean randomStart = true;
        private int restarts = 1;
        private long seed = 0;
        private AttackLoss loss = AttackLoss.CROSS_ENTROPY;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        /** Number of gradient steps (default 40). */
        public Builder optSteps(int value) {
            steps = value;
            return this;
        }

        /** Absolute step size (default: relative, 2.5 / steps of epsilon). */
        public Builder optStep(double value) {
            absoluteStep = value;
            return this;
        }

        /** Step size as a fraction of epsilon. */
        public Builder optRelativeStep(double value) {
            relativeStep = value;
            return this;
        }

        /** Start from a uniform random point of the ball (default true); false gives BIM. */
        public Builder optRandomStart(boolean value) {
            randomStart = value;
            return this;
        }

        /** Independent runs per example, keeping the strongest (default 1). */
        public Builder optRestarts(int value) {
            restarts = value;
            return this;
        }

        /** Seed of the random start (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The loss to ascend (default {@link AttackLoss#CROSS_ENTROPY}, Madry et al.'s). */
        public Builder optLoss(AttackLoss value) {
            loss = value;
            return this;
        }

        /** The attack. */
        public ProjectedGradientDescent build() {
            if (loss == null) {
                throw new IllegalArgumentException("loss is required");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (!Double.isNaN(absoluteStep) && !Double.isNaN(relativeStep)) {
                throw new IllegalArgumentException("give either an absolute or a relative step size, not both");
            }
            if (!Double.isNaN(absoluteStep) && !(absoluteStep > 0 && Double.isFinite(absoluteStep))) {
                throw new IllegalArgumentException("step size must be a positive number, got " + absoluteStep);
            }
            if (!Double.isNaN(relativeStep) && !(relativeStep > 0 && Double.isFinite(relativeStep))) {
                throw new IllegalArgumentException("relative step size must be a positive number, got " + relativeStep);
            }
            if (Double.isNaN(absoluteStep) && Double.isNaN(relativeStep)) {
                relativeStep = 2.5 / steps;
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be at least 1, got " + restarts);
            }
            if (restarts > 1 && !randomStart) {
                throw new IllegalArgumentException(
                        "restarts without a random start would repeat the same run; enable the random start");
            }
            return new ProjectedGradientDescent(this);
        }
    }
}
