package dev.marauder.privacy.dpsgd;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.marauder.core.data.DataChecks;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.accounting.NoiseCalibration;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.Schedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Differentially private training of a built-in architecture with DP-SGD (Abadi et al. 2016):
 * Poisson sampling of each batch at rate {@code q = B / N}, exact per-example gradient clipping to
 * norm C ({@link PerExampleClipping}), Gaussian noise of standard deviation {@code sigma * C} added
 * to the sum, division by the expected batch size B, then an Adam step (post-processing, so the
 * guarantee holds for any optimiser). The accountant runs along: the progress bar shows the
 * epsilon spent, and the model card records noise, clip, sample rate, steps, delta, accountant
 * and epsilon.
 *
 * <p>The analysis matches the sampling actually used: Poisson sampling with the sampled Gaussian
 * mechanism's RDP (Mironov, Talwar &amp; Zhang 2019) or PLD accounting, for
 * {@code ceil(E * N / B)} steps.
 */
public final class DpTraining {
    private DpTraining() {}

    /** What a DP run was configured to do, before it starts. */
    public record Plan(double noiseMultiplier, double sampleRate, long steps, double plannedEpsilon) {}

    /**
     * Works out noise, sample rate, steps and the epsilon the run will spend, and checks the
     * budget.
     *
     * @throws IllegalArgumentException if the run would exceed the epsilon budget
     */
    public static Plan plan(TrainingSettings settings, DpSgdSettings dp, int trainExamples) {
        long steps = Schedule.steps(trainExamples, settings.batchSize(), settings.epochs());
        double q = Schedule.sampleRate(trainExamples, settings.batchSize());
        double sigma = Double.isNaN(dp.noiseMultiplier())
                ? NoiseCalibration.calibrate(dp.accountant()::newAccountant, dp.targetEpsilon(), dp.delta(), q, steps)
                        .noiseMultiplier()
                : dp.noiseMultiplier();
        PrivacyAccountant accountant = dp.accountant().newAccountant();
        accountant.step(sigma, q, steps);
        double epsilon = accountant.epsilon(dp.delta());
        if (!Double.isNaN(dp.epsilonBudget()) && epsilon > dp.epsilonBudget()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "training would spend epsilon %.4g at delta %g, more than the budget %.4g; raise the noise,"
                            + " lower the epochs or the batch size", epsilon, dp.delta(), dp.epsilonBudget()));
        }
        return new Plan(sigma, q, steps, epsilon);
    }

    /**
     * Trains with DP-SGD.
     *
     * @param settings architecture, epochs, expected batch size B, learning rate, and the seed of
     *     parameter initialisation
     * @param dp the privacy settings
     * @param data training and test data
     * @param bounds valid input range for the model card
     * @param progress receives one unit per step, with the epsilon spent as status
     * @param warnings receives warnings for the user (e.g. a seeded, non-private run)
     */
    public static BuiltinClassifier train(TrainingSettings settings, DpSgdSettings dp, TrainTestSplit data,
            float[] bounds, Progress progress, Consumer<String> warnings) {
        LabeledData train = data.train();
        int[] exampleShape = train.features().exampleShape();
        settings.architecture().checkInput(exampleShape);
        DataChecks.requireFinite(train.features(), train.source());
        int classes = Math.max(train.classCount(), data.test().classCount());
        Plan plan = plan(settings, dp, train.size());
        NoiseSource random = dp.seed() == null ? NoiseSource.secure() : NoiseSource.seeded(dp.seed());
        if (!random.isSecure()) {
            warnings.accept("DP-SGD with a fixed seed (" + dp.seed() + ") is reproducible but NOT private:"
                    + " noise and sampling can be recomputed; use it for tests only");
        }
        Provenance.Recorder provenance = Provenance.start().settings(settings.asMap()).seed(settings.seed())
                .hash("dataset", train.sha256());
        long start = System.nanoTime();
        Engines.seed(settings.seed());
        Model model = BuiltinClassifier.newModel(settings.architecture(), classes);
        PrivacyAccountant accountant = dp.accountant().newAccountant();
        try {
            BuiltinClassifier.initialize(model, exampleShape);
            Block block = model.getBlock();
            PerExampleClipping.validate(block);
            block.freezeParameters(true);
            ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
            Optimizer optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate()))
                    .build();
            try (DpSgdStep update = new DpSgdStep(block, parameters, optimizer, random, plan.noiseMultiplier(),
                        dp.clipNorm(), settings.batchSize());
                    NDManager manager = model.getNDManager().newSubManager();
                    Progress.Task task = progress.start("dp-sgd " + settings.architecture().id(), plan.steps())) {
                for (long step = 1; step <= plan.steps(); step++) {
                    int[] batch = random.poissonSample(train.size(), plan.sampleRate());
                    try (NDManager scope = manager.newSubManager()) {
                        if (batch.length > 0) {
                            LabeledData b = train.select(batch);
                            update.update(scope, Tensors.toNDArray(scope, b.features()), Tensors.labels(scope, b.labels()));
                        } else {
                            update.update(scope, null, null);
                        }
                    }
                    accountant.step(plan.noiseMultiplier(), plan.sampleRate());
                    task.advance(1);
                    if (step % Math.max(1, plan.steps() / 20) == 0 || step == plan.steps()) {
                        task.status(String.format(Locale.ROOT, "epsilon %.3f", accountant.epsilon(dp.delta())));
                    }
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double epsilon = accountant.epsilon(dp.delta());
        Map<String, Object> privacy = new LinkedHashMap<>();
        privacy.put("mechanism", "DP-SGD, Poisson-sampled Gaussian, per-example clipping");
        privacy.put("noise_multiplier", plan.noiseMultiplier());
        privacy.put("clip_norm", dp.clipNorm());
        privacy.put("sample_rate", plan.sampleRate());
        privacy.put("expected_batch_size", settings.batchSize());
        privacy.put("steps", plan.steps());
        privacy.put("delta", dp.delta());
        privacy.put("accountant", dp.accountant().label());
        privacy.put("epsilon", epsilon);
        if (!Double.isNaN(dp.targetEpsilon())) {
            privacy.put("target_epsilon", dp.targetEpsilon());
        }
        if (!Double.isNaN(dp.epsilonBudget())) {
            privacy.put("epsilon_budget", dp.epsilonBudget());
        }
        privacy.put("secure_randomness", random.isSecure());
        if (!random.isSecure()) {
            privacy.put("seed", dp.seed());
        }
        InputSpec spec = new InputSpec(exampleShape, bounds[0], bounds[1]);
        Provenance prov = provenance.settings(privacy).finish();
        ModelCard provisional = Training.card(settings, data, spec, classes, Double.NaN, seconds, privacy, prov);
        BuiltinClassifier classifier = new BuiltinClassifier(model, provisional,
                new ModelInfo(settings.architecture().id(), ModelFormat.MARAUDER, Map.of()));
        double accuracy = Training.accuracy(classifier, data.test(), 256);
        return new BuiltinClassifier(model, Training.card(settings, data, spec, classes, accuracy, seconds, privacy, prov),
                classifier.info());
    }
}
