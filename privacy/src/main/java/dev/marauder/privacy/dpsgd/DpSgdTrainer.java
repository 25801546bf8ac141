package dev.marauder.privacy.dpsgd;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.TrainingExamples;
import dev.marauder.core.train.TrainingRun;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.accounting.NoiseCalibration;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.Schedule;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Differentially private training with DP-SGD (Abadi et al. 2016), the one DP-SGD loop of the
 * code base (classifiers, shadow models and the language model of the memorization attacks all
 * use it): Poisson sampling of each batch at rate {@code q = B / N}, exact per-example gradient
 * clipping to norm C ({@link PerExampleClipping}), Gaussian noise of standard deviation
 * {@code sigma * C} added to the sum, division by the expected batch size B, then an Adam step
 * (post-processing, so the guarantee holds for any optimiser) — {@link DpSgdStep}.
 *
 * <p>The accountant is attached automatically (the idea of Opacus's {@code make_private}): it runs
 * along, the progress bar shows the epsilon spent, and {@link TrainingRun#privacy()} carries the
 * guarantee. The analysis matches the sampling actually used: Poisson sampling with the sampled
 * Gaussian mechanism's RDP (Mironov, Talwar &amp; Zhang 2019) or PLD accounting, for
 * {@code ceil(E * N / B)} steps. One example is one unit of privacy (an image, or a sequence).
 *
 * @param epochs expected passes over the data (sets the number of steps)
 * @param batchSize the expected batch size B
 * @param learningRate Adam's learning rate
 * @param seed seeds parameter initialisation only; noise and sampling come from {@code dp}
 * @param dp the privacy settings
 */
public record DpSgdTrainer(int epochs, int batchSize, double learningRate, long seed, DpSgdSettings dp)
        implements Trainer {

    /**
     * Checks the hyperparameters and that the privacy settings are there.
     *
     * @throws IllegalArgumentException if a hyperparameter is out of range or {@code dp} is null
     */
    public DpSgdTrainer {
        TrainingSettings.checkHyperparameters(epochs, batchSize, learningRate);
        if (dp == null) {
            throw new IllegalArgumentException("DP-SGD needs its privacy settings");
        }
    }

    /** DP-SGD with the hyper-parameters of {@code settings}. */
    public static DpSgdTrainer of(TrainingSettings settings, DpSgdSettings dp) {
        return new DpSgdTrainer(settings.epochs(), settings.batchSize(), settings.learningRate(), settings.seed(), dp);
    }

    /**
     * The trainer a Marauder model card records: DP-SGD with the card's noise, clip and delta when
     * it carries a privacy guarantee, plain Adam otherwise; null when the card records no training
     * (so shadow models can be trained the way the target was).
     */
    public static Trainer recordedIn(ModelCard card) {
        if (card == null || card.architecture() == null || card.epochs() <= 0) {
            return null;
        }
        AdamTrainer plain = new AdamTrainer(card.epochs(), card.batchSize(), card.learningRate(), card.seed());
        PrivacyGuarantee p = card.privacy();
        return p == null
                ? plain
                : new DpSgdTrainer(
                        card.epochs(),
                        card.batchSize(),
                        card.learningRate(),
                        card.seed(),
                        DpSgdSettings.withNoise(p.clipNorm(), p.noiseMultiplier(), p.delta()));
    }

    /** What a DP run over {@code n} examples will do, before it starts. */
    public record Plan(double noiseMultiplier, double sampleRate, long steps, double plannedEpsilon) {}

    /**
     * Works out noise, sample rate, steps and the epsilon a run over {@code trainExamples} will
     * spend, and checks the budget.
     *
     * @throws IllegalArgumentException if the run would exceed the epsilon budget
     */
    public Plan plan(int trainExamples) {
        long steps = Schedule.steps(trainExamples, batchSize, epochs);
        double q = Schedule.sampleRate(trainExamples, batchSize);
        double sigma = Double.isNaN(dp.noiseMultiplier())
                ? NoiseCalibration.calibrate(dp.accountant()::newAccountant, dp.targetEpsilon(), dp.delta(), q, steps)
                        .noiseMultiplier()
                : dp.noiseMultiplier();
        PrivacyAccountant accountant = dp.accountant().newAccountant();
        accountant.step(sigma, q, steps);
        double epsilon = accountant.epsilon(dp.delta());
        if (!Double.isNaN(dp.epsilonBudget()) && !(epsilon <= dp.epsilonBudget())) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "training would spend epsilon %.4g at delta %g, more than the budget %.4g; raise the noise,"
                            + " lower the epochs or the batch size",
                    epsilon,
                    dp.delta(),
                    dp.epsilonBudget()));
        }
        return new Plan(sigma, q, steps, epsilon);
    }

    @Override
    public TrainingRun fit(
            Block block, TrainingExamples examples, String name, Progress progress, Consumer<String> warnings) {
        long start = System.nanoTime();
        Plan plan = plan(examples.size());
        NoiseSource random = dp.seed() == null ? NoiseSource.secure() : NoiseSource.seeded(dp.seed());
        if (!random.isSecure()) {
            warnings.accept("DP-SGD with a fixed seed (" + dp.seed() + ") is reproducible but NOT private:"
                    + " noise and sampling can be recomputed; use it for tests only");
        }
        PerExampleClipping.validate(block);
        NDManager owner = block.getParameters().get(0).getValue().getArray().getManager();
        ParameterStore parameters = new ParameterStore(owner, false);
        Optimizer optimizer = Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed((float) learningRate))
                .build();
        PrivacyAccountant accountant = dp.accountant().newAccountant();
        double last = Double.NaN;
        block.freezeParameters(true);
        try (DpSgdStep update = new DpSgdStep(
                        block, parameters, optimizer, random, plan.noiseMultiplier(), dp.clipNorm(), batchSize);
                NDManager manager = owner.newSubManager();
                Progress.Task task = progress.start("dp-sgd " + name, plan.steps())) {
            for (long step = 1; step <= plan.steps(); step++) {
                int[] batch = random.poissonSample(examples.size(), plan.sampleRate());
                try (NDManager scope = manager.newSubManager()) {
                    if (batch.length == 0) {
                        update.update(scope, null, null); // an empty sample still adds noise
                    } else {
                        var targets = examples.targets(scope, batch);
                        double sum = update.update(scope, examples.inputs(scope, batch), targets);
                        last = sum / targets.getShape().size();
                    }
                }
                accountant.step(plan.noiseMultiplier(), plan.sampleRate());
                task.advance(1);
                if (step % Math.max(1, plan.steps() / 20) == 0 || step == plan.steps()) {
                    task.status(String.format(Locale.ROOT, "epsilon %.3f", accountant.epsilon(dp.delta())));
                }
            }
        } finally {
            block.freezeParameters(false);
        }
        PrivacyGuarantee guarantee = new PrivacyGuarantee(
                "DP-SGD, Poisson-sampled Gaussian, per-example clipping",
                plan.noiseMultiplier(),
                dp.clipNorm(),
                plan.sampleRate(),
                batchSize,
                plan.steps(),
                dp.delta(),
                dp.accountant().label(),
                accountant.epsilon(dp.delta()),
                Double.isNaN(dp.targetEpsilon()) ? null : dp.targetEpsilon(),
                Double.isNaN(dp.epsilonBudget()) ? null : dp.epsilonBudget(),
                random.isSecure(),
                random.isSecure() ? null : dp.seed());
        return new TrainingRun(plan.steps(), last, (System.nanoTime() - start) / 1e9, guarantee);
    }

    @Override
    public DpSgdTrainer withSeed(long value) {
        return new DpSgdTrainer(epochs, batchSize, learningRate, value, dp);
    }
}
