package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The standard attack ensemble of Croce &amp; Hein 2020 ("Reliable evaluation of adversarial
 * robustness with an ensemble of diverse parameter-free attacks", AutoAttack's "standard"
 * version): APGD-CE, then APGD-T (the targeted DLR loss towards the 9 most likely other classes),
 * then the Square attack (Andriushchenko et al. 2020) with 5000 queries, run in sequence, each
 * later attack only on the inputs every earlier one left correctly classified. An input counts as
 * robust only if no attack breaks it: the ensemble reports the worst case per input, the robust
 * accuracy after each stage, and which attack broke each input.
 *
 * <p>Threat model: white-box (the two APGD stages need gradients; Square only queries the scores),
 * untargeted, L-infinity or L2. The paper's third attack, FAB-T (Croce &amp; Hein 2020, "Minimally
 * distorted adversarial examples with a fast adaptive boundary attack"), is omitted: Marauder has no
 * FAB yet, and in the paper's tables it rarely breaks an input the APGD stages and Square left
 * standing.
 *
 * <p>Settings: the norm; APGD steps per run (100) and APGD-T targets (9, at most classes - 1);
 * Square's query budget (5000) and initial window share {@code p_init} (0.8, the value the
 * standard version sets; the Square paper's own defaults are smaller); the seed every stage
 * derives its randomness from. Inputs the model misclassifies without attack are not attacked.
 */
public final class AttackEnsemble implements EvasionAttack<DifferentiableClassifier> {
    /** {@link Evaluation.AtEpsilon#brokenBy()} for an input the model gets wrong without attack. */
    public static final String CLEAN = "clean";

    private static final int ROBUST = -1;
    private static final int WRONG = -2;

    private final Norm norm;
    private final int steps;
    private final int targets;
    private final long maxQueries;
    private final double pInit;
    private final long seed;
    private final List<EvasionAttack<? super DifferentiableClassifier>> stages;

    private AttackEnsemble(Builder b) {
        this.norm = b.norm;
        this.steps = b.steps;
        this.targets = b.targets;
        this.maxQueries = b.maxQueries;
        this.pInit = b.pInit;
        this.seed = b.seed;
        this.stages = List.of(
                AutoPgd.builder(norm).optSteps(steps).optSeed(seed).build(),
                AutoPgd.builder(norm)
                        .optSteps(steps)
                        .optTargets(targets)
                        .optSeed(seed)
                        .build(),
                SquareAttack.builder(norm)
                        .optMaxQueries(maxQueries)
                        .optPInit(pInit)
                        .optSeed(seed)
                        .build());
    }

    /** A builder with the standard version's settings: 100 APGD steps, 9 targets, Square with 5000 queries and p_init 0.8. */
    public static Builder builder(Norm norm) {
        return new Builder(norm);
    }

    @Override
    public String name() {
        return "ensemble";
    }

    @Override
    public Norm norm() {
        return norm;
    }

    /** The stages' names, in the order they run. */
    public List<String> stageNames() {
        return stages.stream().map(EvasionAttack::name).toList();
    }

    @Override
    public Settings settings() {
        return new Settings(norm, stageNames(), steps, targets, maxQueries, pInit, seed);
    }

    /**
     * The settings of the ensemble.
     *
     * @param norm the budget's norm
     * @param stages the attacks in the order they run
     * @param steps APGD iterations per run (both APGD stages)
     * @param targets APGD-T target classes (at most classes - 1)
     * @param maxQueries Square's query budget per input
     * @param pInit Square's initial window share
     * @param seed the seed of every stage
     */
    public record Settings(
            Norm norm, List<String> stages, int steps, int targets, long maxQueries, double pInit, long seed)
            implements EvasionSettings {
        public Settings {
            stages = List.copyOf(stages);
        }

        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    /**
     * Attacks the batch with every stage in turn. The adversarial input of a broken example is the
     * one of the stage that broke it; an example no stage broke keeps its clean input (AutoAttack's
     * convention), so the outcome's success is exactly "some stage broke it".
     *
     * @param criterion must be untargeted (misclassification); the ensemble is an untargeted evaluation
     */
    @Override
    public EvasionResult run(DifferentiableClassifier model, NDArray x, Criterion criterion, double... epsilons) {
        Outcomes.checkEpsilons(epsilons, false);
        if (criterion.targeted()) {
            throw new IllegalArgumentException(
                    "the attack ensemble is untargeted; give it a misclassification criterion");
        }
        long[] labels = criterion.lossLabels().toLongArray();
        List<EvasionResult.Outcome> outcomes = new ArrayList<>();
        for (double eps : epsilons) {
            long start = System.nanoTime();
            try (NDManager scope = x.getManager().newSubManager()) {
                NDArray clean = x.duplicate();
                clean.attach(scope);
                Cascade c = cascade(model, clean, labels, eps);
                NDArray candidate = scope.create(c.adversarial, clean.getShape());
                outcomes.add(Outcomes.judge(model, norm, clean, candidate, eps, criterion, start, 0));
            }
        }
        return new EvasionResult(name(), norm, outcomes);
    }

    /**
     * What the cascade did to one batch at one budget.
     *
     * @param adversarial the worst-case input per example, flattened
     * @param brokenBy per example: the index of the stage that broke it, {@link #ROBUST}, or {@link #WRONG}
     * @param attacked per stage, how many examples it attacked
     * @param seconds per stage, the time it took
     * @param perturbations per example, the norm of its worst-case perturbation
     */
    private record Cascade(
            float[] adversarial, int[] brokenBy, int[] attacked, double[] seconds, float[] perturbations) {}

    private Cascade cascade(DifferentiableClassifier model, NDArray x, long[] labels, double eps) {
        int n = labels.length;
        float[] adversarial = x.toFloatArray();
        int d = n == 0 ? 0 : adversarial.length / n;
        int[] brokenBy = new int[n];
        int[] attacked = new int[stages.size()];
        double[] seconds = new double[stages.size()];
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray own = x.duplicate();
            own.attach(scope); // the prediction's arrays die with this scope
            long[] predicted = model.predict(own).argMax(1).toLongArray();
            for (int i = 0; i < n; i++) {
                brokenBy[i] = predicted[i] == labels[i] ? ROBUST : WRONG;
            }
            float[] clean = adversarial.clone();
            long[] shape = x.getShape().getShape().clone();
            for (int s = 0; s < stages.size(); s++) {
                int[] idx = robust(brokenBy);
                attacked[s] = idx.length;
                if (idx.length == 0) {
                    continue;
                }
                long start = System.nanoTime();
                try (NDManager stage = scope.newSubManager()) {
                    float[] rows = new float[idx.length * d];
                    long[] y = new long[idx.length];
                    for (int j = 0; j < idx.length; j++) {
                        System.arraycopy(clean, idx[j] * d, rows, j * d, d);
                        y[j] = labels[idx[j]];
                    }
                    shape[0] = idx.length;
                    NDArray subset = stage.create(rows, new Shape(shape));
                    EvasionResult.Outcome o = stages.get(s)
                            .run(model, subset, Criterion.misclassification(stage.create(y)), eps)
                            .outcomes()
                            .get(0);
                    float[] found = o.adversarial().data();
                    for (int j = 0; j < idx.length; j++) {
                        if (o.success()[j]) {
                            brokenBy[idx[j]] = s;
                            System.arraycopy(found, j * d, adversarial, idx[j] * d, d);
                        }
                    }
                }
                seconds[s] = (System.nanoTime() - start) / 1e9;
            }
            NDArray worst = scope.create(adversarial, own.getShape());
            float[] perturbations = norm.norms(worst.sub(own)).toFloatArray();
            return new Cascade(adversarial, brokenBy, attacked, seconds, perturbations);
        }
    }

    private static int[] robust(int[] brokenBy) {
        return IntStream.range(0, brokenBy.length)
                .filter(i -> brokenBy[i] == ROBUST)
                .toArray();
    }

    /**
     * Attacks every example of {@code data} at each budget, in batches, and reports per stage.
     *
     * @param batchSize examples per batch
     * @param keepAdversarial whether to keep the worst-case inputs (for saving)
     */
    public Evaluation evaluate(
            DifferentiableClassifier model,
            LabeledData data,
            int batchSize,
            boolean keepAdversarial,
            Progress progress,
            double... epsilons) {
        Outcomes.checkEpsilons(epsilons, false);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        int n = data.size();
        int e = epsilons.length;
        int size = data.features().exampleSize();
        int[][] brokenBy = new int[e][n];
        int[][] attacked = new int[e][stages.size()];
        double[][] seconds = new double[e][stages.size()];
        float[][] adversarial = new float[e][];
        double[] perturbation = new double[e];
        try (NDManager manager = NDManager.newBaseManager();
                Progress.Task task = progress.start(name(), (long) n * e)) {
            for (int k = 0; k < e; k++) {
                adversarial[k] = keepAdversarial ? new float[n * size] : null;
                for (int start = 0; start < n; start += batchSize) {
                    int end = Math.min(n, start + batchSize);
                    try (NDManager scope = manager.newSubManager()) {
                        LabeledData batch = data.slice(start, end);
                        NDArray x = Tensors.toNDArray(scope, batch.features());
                        long[] y = Arrays.stream(batch.labels()).asLongStream().toArray();
                        Cascade c = cascade(model, x, y, epsilons[k]);
                        System.arraycopy(c.brokenBy, 0, brokenBy[k], start, end - start);
                        for (int s = 0; s < stages.size(); s++) {
                            attacked[k][s] += c.attacked[s];
                            seconds[k][s] += c.seconds[s];
                        }
                        for (float p : c.perturbations) {
                            perturbation[k] += p;
                        }
                        if (keepAdversarial) {
                            System.arraycopy(c.adversarial, 0, adversarial[k], start * size, c.adversarial.length);
                        }
                    }
                    task.advance(end - start);
                }
            }
        }
        List<String> names = stageNames();
        List<Evaluation.AtEpsilon> rows = new ArrayList<>();
        int cleanCorrect = 0;
        for (int k = 0; k < e; k++) {
            int robust =
                    (int) Arrays.stream(brokenBy[k]).filter(b -> b != WRONG).count();
            cleanCorrect = robust;
            int correctClean = robust;
            List<Evaluation.Stage> stageRows = new ArrayList<>();
            double total = 0;
            for (int s = 0; s < stages.size(); s++) {
                final int stage = s;
                int broken =
                        (int) Arrays.stream(brokenBy[k]).filter(b -> b == stage).count();
                robust -= broken;
                total += seconds[k][s];
                stageRows.add(
                        new Evaluation.Stage(names.get(s), attacked[k][s], broken, (double) robust / n, seconds[k][s]));
            }
            String[] by = new String[n];
            for (int i = 0; i < n; i++) {
                int b = brokenBy[k][i];
                by[i] = b == WRONG ? CLEAN : b == ROBUST ? null : names.get(b);
            }
            rows.add(new Evaluation.AtEpsilon(
                    epsilons[k],
                    (double) robust / n,
                    correctClean == 0 ? 0 : (double) (correctClean - robust) / correctClean,
                    n == 0 ? 0 : perturbation[k] / n,
                    total,
                    stageRows,
                    by,
                    keepAdversarial
                            ? new FloatTensor(adversarial[k], data.features().shape())
                            : null));
        }
        return new Evaluation(name(), settings(), n, (double) cleanCorrect / n, rows);
    }

    /**
     * The result of {@link #evaluate}: clean accuracy, and per budget the robust accuracy overall and
     * after each stage, and which stage broke each input.
     *
     * @param attack the ensemble's name
     * @param settings its settings
     * @param examples inputs evaluated
     * @param cleanAccuracy accuracy without attack
     * @param perEpsilon one row per budget, in request order
     */
    public record Evaluation(
            String attack, Settings settings, int examples, double cleanAccuracy, List<AtEpsilon> perEpsilon) {
        public Evaluation {
            perEpsilon = List.copyOf(perEpsilon);
        }

        /**
         * The ensemble at one budget.
         *
         * @param epsilon the budget
         * @param robustAccuracy share of all inputs no stage broke (and the model got right clean)
         * @param attackSuccessRate share of the inputs the model got right clean that some stage broke
         * @param meanPerturbation mean norm of the worst-case perturbation over all inputs (0 for
         *     unbroken ones, which keep their clean values)
         * @param seconds time in the stages
         * @param stages per stage, in order: what it attacked and broke, and the robust accuracy after it
         * @param brokenBy per input: the name of the stage that broke it, {@link #CLEAN} if the model
         *     got it wrong without attack, or null if it is robust
         * @param adversarial the worst-case inputs (a broken input's adversarial example, else the
         *     clean input), when kept; else null
         */
        public record AtEpsilon(
                double epsilon,
                double robustAccuracy,
                double attackSuccessRate,
                double meanPerturbation,
                double seconds,
                List<Stage> stages,
                String[] brokenBy,
                @JsonIgnore FloatTensor adversarial) {
            public AtEpsilon {
                stages = List.copyOf(stages);
            }
        }

        /**
         * One stage at one budget.
         *
         * @param attack the stage's attack
         * @param attacked inputs it attacked (those still robust before it)
         * @param broken inputs it broke
         * @param robustAccuracy share of all inputs still robust after it
         * @param seconds time it took
         */
        public record Stage(String attack, int attacked, int broken, double robustAccuracy, double seconds) {}
    }

    /** Builds an {@link AttackEnsemble}; validated in {@link #build()}. */
    public static final class Builder {
        private final Norm norm;
        private int steps = 100;
        private int targets = AutoPgd.DEFAULT_TARGETS;
        private long maxQueries = 5000;
        private double pInit = 0.8;
        private long seed = 0;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        /** APGD iterations per run, both APGD stages (default 100). */
        public Builder optSteps(int value) {
            steps = value;
            return this;
        }

        /** APGD-T target classes (default 9; capped at classes - 1 when run). */
        public Builder optTargets(int value) {
            targets = value;
            return this;
        }

        /** Square's query budget per input (default 5000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Square's initial window share (default 0.8, the standard version's). */
        public Builder optPInit(double value) {
            pInit = value;
            return this;
        }

        /** Seed of every stage (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The ensemble; the stages' builders check their settings. */
        public AttackEnsemble build() {
            if (norm != Norm.LINF && norm != Norm.L2) {
                throw new IllegalArgumentException("the attack ensemble runs in linf or l2, not " + norm);
            }
            if (targets < 1) {
                throw new IllegalArgumentException("targets must be at least 1, got " + targets);
            }
            return new AttackEnsemble(this);
        }
    }
}
