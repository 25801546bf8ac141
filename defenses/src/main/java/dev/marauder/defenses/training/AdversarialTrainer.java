package dev.marauder.defenses.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.TrainingDefense;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamObjectiveTrainer;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.BatchObjective;
import dev.marauder.core.train.Losses;
import dev.marauder.core.train.TrainingExamples;
import dev.marauder.core.train.TrainingRun;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Adversarial training: each mini-batch is replaced by (or joined with) adversarial examples
 * crafted against the current parameters, then the network takes an Adam step, through the same
 * loop as plain training ({@link AdamTrainer#fit(Block, TrainingExamples, String, Progress,
 * BatchObjective)}). An immutable settings object: the network and data come at call time.
 *
 * <p>The methods ({@link Method}):
 * <ul>
 *   <li>{@code pgd}: Madry, Makelov, Schmidt, Tsipras &amp; Vladu 2018, "Towards Deep Learning
 *       Models Resistant to Adversarial Attacks": minimise the cross-entropy on PGD examples
 *       (random start, {@code attackSteps} steps of {@code attackStep}) of the epsilon ball.
 *   <li>{@code trades}: Zhang, Yu, Jiao, Xing, El Ghaoui &amp; Jordan 2019, "Theoretically
 *       Principled Trade-off between Robustness and Accuracy": minimise the clean cross-entropy
 *       plus {@code beta} times the KL divergence between the clean and the adversarial output
 *       distributions, the adversarial point maximising that divergence by PGD.
 *   <li>{@code fast}: Wong, Rice &amp; Kolter 2020, "Fast is better than free: Revisiting
 *       adversarial training": one FGSM step of {@code 1.25 epsilon} from a uniform random start,
 *       projected onto the ball; about the cost of two clean epochs.
 * </ul>
 *
 * <p>The inner maximisation is the project's {@link ProjectedGradientDescent#ascend}, so the
 * examples the model is trained on are exactly those the {@code pgd} attack would craft, with
 * the parameters frozen while it runs (input gradients only). The progress line reports, per
 * epoch, the accuracy on the clean training batches and on their adversarial versions; the model
 * card records the defense ({@link #defense()}).
 *
 * @param method the training objective
 * @param norm the threat model's norm
 * @param epsilon the radius of the ball trained against (in input units)
 * @param attackSteps the inner attack's steps (1 for {@code fast})
 * @param attackStep the inner attack's step size (absolute)
 * @param beta TRADES's weight of the robustness term; null for the other methods
 * @param lower the smallest valid input value (the attack stays in the bounds)
 * @param upper the largest valid input value
 * @param updates epochs, batch size, learning rate and seed of the Adam updates
 */
public record AdversarialTrainer(
        Method method,
        Norm norm,
        double epsilon,
        int attackSteps,
        double attackStep,
        Double beta,
        float lower,
        float upper,
        AdamTrainer updates)
        implements AdamObjectiveTrainer {

    /** TRADES's default weight of the robustness term (Zhang et al. 2019 use 1 to 6; 6 on CIFAR-10). */
    public static final double DEFAULT_TRADES_BETA = 6.0;

    /** Adversarial training objectives. */
    public enum Method {
        /** PGD adversarial training (Madry et al. 2018). */
        PGD(
                "pgd",
                "Madry, Makelov, Schmidt, Tsipras & Vladu 2018, Towards Deep Learning Models Resistant"
                        + " to Adversarial Attacks"),
        /** TRADES (Zhang et al. 2019). */
        TRADES(
                "trades",
                "Zhang, Yu, Jiao, Xing, El Ghaoui & Jordan 2019, Theoretically Principled Trade-off"
                        + " between Robustness and Accuracy"),
        /** Fast FGSM training with a random start (Wong et al. 2020). */
        FAST("fast", "Wong, Rice & Kolter 2020, Fast is better than free: Revisiting adversarial training");

        private final String id;
        private final String reference;

        Method(String id, String reference) {
            this.id = id;
            this.reference = reference;
        }

        /** The method's id: {@code pgd}, {@code trades} or {@code fast}. */
        @JsonValue
        public String id() {
            return id;
        }

        /** The paper that defines it. */
        public String reference() {
            return reference;
        }

        /** The method of {@code id}. */
        @JsonCreator
        public static Method of(String id) {
            for (Method m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "adversarial training method must be pgd, trades or fast, got '" + id + "'");
        }
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a setting is out of range
     */
    public AdversarialTrainer {
        if (method == null || norm == null || updates == null) {
            throw new IllegalArgumentException("method, norm and updates are required");
        }
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
        if (attackSteps < 1) {
            throw new IllegalArgumentException("the inner attack needs at least 1 step, got " + attackSteps);
        }
        if (method == Method.FAST && attackSteps != 1) {
            throw new IllegalArgumentException("fast adversarial training takes exactly 1 attack step");
        }
        if (!(attackStep > 0) || !Double.isFinite(attackStep)) {
            throw new IllegalArgumentException("the attack step must be positive and finite, got " + attackStep);
        }
        if ((method == Method.TRADES) != (beta != null)) {
            throw new IllegalArgumentException("beta is a setting of trades only");
        }
        if (beta != null && (!(beta >= 0) || !Double.isFinite(beta))) {
            throw new IllegalArgumentException("beta must be non-negative and finite, got " + beta);
        }
        if (!(lower < upper) || !Float.isFinite(lower) || !Float.isFinite(upper)) {
            throw new IllegalArgumentException(
                    "input bounds must be finite with lower < upper, got [" + lower + ", " + upper + "]");
        }
    }

    /**
     * The method's published defaults at radius {@code epsilon}: {@code pgd} takes 7 steps of
     * {@code 2.5 epsilon / 7} (Madry et al.'s step rule), {@code trades} 10 steps of
     * {@code 2.5 epsilon / 10} with beta 6, {@code fast} one step of {@code 1.25 epsilon}.
     *
     * @param bounds the valid input range {@code [lower, upper]}
     */
    public static AdversarialTrainer of(Method method, Norm norm, double epsilon, float[] bounds, AdamTrainer updates) {
        int steps = defaultSteps(method);
        double step = method == Method.FAST ? 1.25 * epsilon : 2.5 * epsilon / steps;
        return new AdversarialTrainer(
                method,
                norm,
                epsilon,
                steps,
                step,
                method == Method.TRADES ? DEFAULT_TRADES_BETA : null,
                bounds[0],
                bounds[1],
                updates);
    }

    /** The default number of inner attack steps of {@code method}. */
    public static int defaultSteps(Method method) {
        return switch (method) {
            case PGD -> 7;
            case TRADES -> 10;
            case FAST -> 1;
        };
    }

    /** The same settings with an inner attack of {@code steps} steps of {@code step}. */
    public AdversarialTrainer withAttack(int steps, double step) {
        return new AdversarialTrainer(method, norm, epsilon, steps, step, beta, lower, upper, updates);
    }

    /** The same settings with TRADES weight {@code value}. */
    public AdversarialTrainer withBeta(double value) {
        return new AdversarialTrainer(method, norm, epsilon, attackSteps, attackStep, value, lower, upper, updates);
    }

    @Override
    public TrainingRun fit(
            Block block, TrainingExamples examples, String name, Progress progress, Consumer<String> warnings) {
        ProjectedGradientDescent inner = ProjectedGradientDescent.builder(norm)
                .optSteps(attackSteps)
                .optStep(attackStep)
                .optRandomStart(true)
                .build();
        return updates.fit(
                block,
                examples,
                name + " (" + method.id() + " adversarial training)",
                progress,
                new Objective(inner, new SplittableRandom(updates.seed() ^ 0x9E3779B97F4A7C15L)));
    }

    @Override
    public TrainingDefense defense() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("norm", norm.id());
        settings.put("epsilon", epsilon);
        settings.put("attack_steps", attackSteps);
        settings.put("attack_step", attackStep);
        settings.put("random_start", true);
        if (beta != null) {
            settings.put("beta", beta);
        }
        return new TrainingDefense(method.id() + "-adversarial-training", method.reference(), settings);
    }

    @Override
    public AdversarialTrainer withSeed(long value) {
        return new AdversarialTrainer(
                method, norm, epsilon, attackSteps, attackStep, beta, lower, upper, updates.withSeed(value));
    }

    /** One run's batch objective: crafts the adversarial batch, forms the loss, counts accuracies. */
    private final class Objective implements BatchObjective {
        private final ProjectedGradientDescent inner;
        private final SplittableRandom random;
        private long seen;
        private long cleanCorrect;
        private long robustCorrect;

        Objective(ProjectedGradientDescent inner, SplittableRandom random) {
            this.inner = inner;
            this.random = random;
        }

        @Override
        public boolean prepares() {
            return true;
        }

        @Override
        public NDArray prepare(Block block, ParameterStore parameters, NDArray x, NDArray y) {
            NDArray clean = BatchObjective.forward(block, parameters, x, false);
            int classes = (int) clean.getShape().get(1);
            cleanCorrect += correct(clean, y);
            seen += y.getShape().get(0);
            int[] shape = Arrays.stream(x.getShape().slice(1).getShape())
                    .mapToInt(Math::toIntExact)
                    .toArray();
            BlockView view = new BlockView(block, parameters, new InputSpec(shape, lower, upper), classes);
            LogitsObjective ascended;
            if (method == Method.TRADES) {
                NDArray target = clean.softmax(1).stopGradient();
                NDArray logTarget = clean.logSoftmax(1).stopGradient();
                ascended = logits -> klDivergence(target, logTarget, logits).sum();
            } else {
                ascended = LogitsObjective.crossEntropy(y);
            }
            return inner.ascend(view, x, ascended, epsilon, random);
        }

        @Override
        public NDArray loss(Block block, ParameterStore parameters, NDArray x, NDArray prepared, NDArray y) {
            NDArray adversarial = BatchObjective.forward(block, parameters, prepared, true);
            robustCorrect += correct(adversarial, y);
            if (method != Method.TRADES) {
                return Losses.meanCrossEntropy(adversarial, y);
            }
            NDArray clean = BatchObjective.forward(block, parameters, x, true);
            NDArray robustness = klDivergence(clean.softmax(1), clean.logSoftmax(1), adversarial)
                    .mean();
            return Losses.meanCrossEntropy(clean, y).add(robustness.mul(beta.floatValue()));
        }

        @Override
        public String endEpoch() {
            String line = seen == 0
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            "clean acc %.4f robust acc %.4f (training batches, eps %.4g %s)",
                            (double) cleanCorrect / seen,
                            (double) robustCorrect / seen,
                            epsilon,
                            norm.id());
            seen = 0;
            cleanCorrect = 0;
            robustCorrect = 0;
            return line;
        }
    }

    /** Per-example {@code KL(p || softmax(logits))} for {@code p} given with its logarithm. */
    static NDArray klDivergence(NDArray p, NDArray logP, NDArray logits) {
        return p.mul(logP.sub(logits.logSoftmax(1))).sum(new int[] {1});
    }

    private static long correct(NDArray logits, NDArray labels) {
        long[] truth = labels.toLongArray();
        long[] predicted;
        try (NDManager scope = logits.getManager().newSubManager()) {
            NDArray detached = logits.stopGradient();
            detached.attach(scope);
            predicted = detached.argMax(1).toType(DataType.INT64, false).toLongArray();
        }
        long hits = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                hits++;
            }
        }
        return hits;
    }
}
