package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputGradient;
import dev.marauder.core.model.LogitsObjective;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Auto-PGD, APGD (Croce &amp; Hein 2020, "Reliable evaluation of adversarial robustness with an
 * ensemble of diverse parameter-free attacks", Algorithm 1): projected gradient ascent whose step
 * size needs no tuning.
 *
 * <p>Threat model: white-box, L-infinity or L2. Untargeted (APGD-CE, APGD-DLR) or targeted as the
 * criterion decides; or, with {@code targets > 0}, APGD-T: an untargeted criterion is attacked
 * through targeted runs towards each of the {@code targets} classes with the highest clean logits
 * after the top one (at most {@code classes - 1}), with the targeted DLR loss by default, each run
 * only on the examples no earlier run has broken; success is any misclassification.
 *
 * <p>One run, per example and batched: from a uniform random point of the ball, a first plain step
 * of size {@code eta = 2 eps} along the norm's steepest-ascent direction, then steps with momentum
 * {@code x' = P(x + 0.75 (z - x) + 0.25 (x - x_prev))}, where {@code z = P(x + eta * dir(grad))}
 * and {@code P} projects onto the ball and the input box. At the checkpoints
 * {@code w_j = ceil(p_j * steps)}, {@code p_0 = 0}, {@code p_1 = 0.22},
 * {@code p_(j+1) = p_j + max(p_j - p_(j-1) - 0.03, 0.06)}, an example halves its step and restarts
 * from its best point (highest loss so far, momentum cleared) if the loss increased in fewer than
 * {@code rho = 0.75} of the steps since the last checkpoint, or if neither its step nor its best
 * loss changed since the last checkpoint (the paper's conditions 1 and 2). The result of an example
 * is its first misclassified iterate, or else its best point. With restarts, later runs attack only
 * the examples not yet broken (under a targeted criterion, whose true labels this class cannot
 * subset, every example is rerun and only unbroken ones take the new result).
 *
 * <p>Settings: norm ({@link Norm#LINF} or {@link Norm#L2}; APGD-L1 is a different algorithm);
 * steps, the gradient iterations per run (the paper's 100; one more gradient is taken at the start);
 * restarts, runs per example (and per target for APGD-T); targets (0 for the plain attack, the
 * paper's 9 for APGD-T); the loss ({@link AttackLoss#CROSS_ENTROPY} by default, {@link
 * AttackLoss#DLR} by default for APGD-T, where it is the targeted DLR of the paper's eq. 6); seed
 * of the random starts. Each example's start is drawn from the seed, the budget, the run and the
 * example's own values, so an example gets the same attack whichever batch it is in (the
 * {@link AttackEnsemble} attacks subsets of a batch and stays comparable with APGD run alone).
 */
public final class AutoPgd extends FixedEpsilonAttack<DifferentiableClassifier> {
    /** The momentum weight alpha of Croce &amp; Hein's Algorithm 1. */
    public static final double MOMENTUM = 0.75;
    /** The share rho of loss-increasing steps below which the step is halved (condition 1). */
    public static final double RHO = 0.75;
    /** The number of target classes of APGD-T in the paper's standard evaluation. */
    public static final int DEFAULT_TARGETS = 9;
    /** Separates the seeds of the runs (restarts, targets) of one attack. */
    private static final long RUN_STRIDE = 0x632BE59BD9B4E019L;

    private final int steps;
    private final int restarts;
    private final int targets;
    private final AttackLoss loss;
    private final long seed;

    private AutoPgd(Builder b) {
        super(b.norm);
        this.steps = b.steps;
        this.restarts = b.restarts;
        this.targets = b.targets;
        this.loss = b.loss;
        this.seed = b.seed;
    }

    /** A builder with the paper's defaults: 100 steps, one run, untargeted, cross-entropy, seed 0. */
    public static Builder builder(Norm norm) {
        return new Builder(norm);
    }

    /** {@code apgd-ce} or {@code apgd-dlr}; {@code apgd-t} for APGD-T with the DLR loss ({@code apgd-t-ce} with the cross-entropy). */
    @Override
    public String name() {
        if (targets > 0) {
            return loss == AttackLoss.DLR ? "apgd-t" : "apgd-t-" + loss.id();
        }
        return "apgd-" + loss.id();
    }

    @Override
    public Settings settings() {
        Integer chosen = null; // left out of the JSON for the plain attack
        if (targets > 0) {
            chosen = targets;
        }
        return new Settings(norm(), steps, restarts, chosen, loss, seed);
    }

    /**
     * The settings of an APGD attack.
     *
     * @param norm the budget's norm
     * @param steps gradient iterations per run
     * @param restarts runs per example (per target for APGD-T)
     * @param targets APGD-T: how many of the most likely other classes are targeted (at most
     *     classes - 1); null for the plain attack
     * @param loss the loss ascended
     * @param seed seed of the random starts
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(Norm norm, int steps, int restarts, Integer targets, AttackLoss loss, long seed)
            implements EvasionSettings {
        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    /**
     * The checkpoints {@code w_1 < w_2 < ...} of a run of {@code steps} iterations (the paper's
     * {@code ceil(p_j * steps)} for {@code p_j <= 1}, repeated values dropped, at least 1): after
     * iteration {@code w_j} the step size is reconsidered. For 100 steps: 22, 41, 57, 70, 80, 87,
     * 93, 99.
     */
    static int[] checkpoints(int steps) {
        List<Integer> out = new ArrayList<>();
        double before = 0;
        double p = 0.22;
        while (p <= 1 + 1e-9) {
            // The small slack keeps ceil(0.41 * 100) at 41 despite 0.22 + 0.19 = 0.41000000000000003.
            int w = Math.max(1, (int) Math.ceil(p * steps - 1e-9));
            if (out.isEmpty() || w > out.get(out.size() - 1)) {
                out.add(w);
            }
            double next = p + Math.max(p - before - 0.03, 0.06);
            before = p;
            p = next;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    protected NDArray perturb(DifferentiableClassifier model, NDArray x, Criterion criterion, double epsilon) {
        NDManager scope = x.getManager();
        int n = Math.toIntExact(x.getShape().get(0));
        Rows rows = new Rows(x);
        long base = seed ^ Double.doubleToLongBits(epsilon);
        int[] labels = ints(criterion.lossLabels().toLongArray());
        if (targets == 0) {
            for (int r = 0; r < restarts && !rows.allFound(); r++) {
                int[] idx = criterion.targeted() || r == 0 ? all(n) : rows.unfound();
                Criterion c = criterion.targeted()
                        ? criterion
                        : Criterion.misclassification(scope.create(labels(idx, labels)));
                run(model, rows, idx, c, c, epsilon, base + r * RUN_STRIDE);
            }
            return rows.toNDArray(scope);
        }
        if (criterion.targeted()) {
            throw new IllegalArgumentException(
                    name() + " chooses its own targets; attack with an untargeted criterion (or use targets 0)");
        }
        int classes = model.classes();
        int k = Math.min(targets, classes - 1);
        long[] ranked;
        try (NDManager ranking = scope.newSubManager()) {
            NDArray logits = model.logits(x);
            logits.attach(ranking);
            ranked = logits.argSort(1, false).toLongArray();
        }
        for (int t = 1; t <= k && !rows.allFound(); t++) {
            for (int r = 0; r < restarts && !rows.allFound(); r++) {
                int[] idx = rows.started() ? rows.unfound() : all(n);
                long[] y = labels(idx, labels);
                long[] goal = new long[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    goal[j] = ranked[idx[j] * classes + t];
                }
                NDArray yArr = scope.create(y);
                Criterion towards = Criterion.targetedMisclassification(scope.create(goal), yArr);
                long runSeed = base + ((long) t * restarts + r) * RUN_STRIDE;
                run(model, rows, idx, towards, Criterion.misclassification(yArr), epsilon, runSeed);
            }
        }
        return rows.toNDArray(scope);
    }

    /** One APGD run on the examples {@code idx} of {@code rows}; merges its results into {@code rows}. */
    private void run(
            DifferentiableClassifier model,
            Rows rows,
            int[] idx,
            Criterion lossCriterion,
            Criterion success,
            double epsilon,
            long runSeed) {
        NDManager owner = rows.manager;
        try (NDManager scope = owner.newSubManager()) {
            NDArray x = rows.cleanSubset(scope, idx);
            NDArray start = feasibleStart(rows, idx, x, epsilon, runSeed);
            Search s = new Search(model, x, start, lossCriterion, success, epsilon);
            s.iterate();
            rows.merge(idx, s.result(), s.found);
        }
    }

    /**
     * The random start of each example of a run: a uniform point of the ball drawn from a generator
     * seeded by the run's seed and the example's own values, so that an example gets the same run
     * whichever batch it is in (the ensemble attacks subsets of a batch and stays comparable with
     * this attack run alone).
     */
    private NDArray feasibleStart(Rows rows, int[] idx, NDArray x, double epsilon, long runSeed) {
        NDManager m = x.getManager();
        long[] one = x.getShape().getShape().clone();
        one[0] = 1;
        NDList parts = new NDList(idx.length);
        for (int i : idx) {
            SplittableRandom random = new SplittableRandom(runSeed ^ (rows.hash[i] * 0x9E3779B97F4A7C15L));
            parts.add(norm().uniformInBall(m.zeros(new Shape(one)), epsilon, random));
        }
        return NDArrays.concat(parts, 0);
    }

    /** The state of one batched run; every array it keeps belongs to the run's scope. */
    private final class Search {
        private final DifferentiableClassifier model;
        private final NDManager scope;
        private final UnaryOperator<NDArray> feasible;
        private final Criterion lossCriterion;
        private final Criterion success;
        private final LogitsObjective objective;
        private final int n;
        private final float[] eta;
        private final boolean[] found;
        private NDArray current;
        private NDArray previous;
        private NDArray gradient;
        private float[] loss;
        private NDArray best;
        private NDArray bestGradient;
        private float[] bestLoss;
        private NDArray firstSuccess;

        Search(
                DifferentiableClassifier model,
                NDArray x,
                NDArray start,
                Criterion lossCriterion,
                Criterion success,
                double epsilon) {
            this.model = model;
            this.scope = x.getManager();
            this.lossCriterion = lossCriterion;
            this.success = success;
            this.objective = lossCriterion.objective(AutoPgd.this.loss);
            this.n = Math.toIntExact(x.getShape().get(0));
            this.feasible = norm().projectionAround(
                            x,
                            epsilon,
                            model.inputSpec().lowerArray(scope),
                            model.inputSpec().upperArray(scope));
            this.eta = new float[n];
            Arrays.fill(eta, (float) (2 * epsilon));
            this.found = new boolean[n];
            current = feasible.apply(x.add(start));
            InputGradient g = model.gradient(current, objective);
            gradient = g.gradient();
            loss = lossCriterion.loss(AutoPgd.this.loss, g.logits()).toFloatArray();
            boolean[] adversarial = success.isAdversarial(g.logits()).toBooleanArray();
            System.arraycopy(adversarial, 0, found, 0, n);
            previous = current;
            best = current;
            bestGradient = gradient;
            bestLoss = loss.clone();
            firstSuccess = current;
        }

        void iterate() {
            int[] checkpoints = checkpoints(steps);
            int next = 0;
            int last = 0;
            int[] increases = new int[n];
            boolean[] reducedBefore = new boolean[n];
            float[] bestAtLast = bestLoss.clone();
            for (int k = 0; k < steps; k++) {
                try (NDManager it = scope.newSubManager()) {
                    for (NDArray a : new NDArray[] {current, previous, gradient, best, bestGradient, firstSuccess}) {
                        a.attach(it); // what is not kept below dies with this iteration
                    }
                    NDArray step = it.create(eta).reshape(Tensors.perExampleShape(current));
                    NDArray z = feasible.apply(
                            current.add(norm().steepestAscent(gradient).mul(step)));
                    NDArray candidate = k == 0
                            ? z
                            : feasible.apply(current.add(z.sub(current).mul(MOMENTUM))
                                    .add(current.sub(previous).mul(1 - MOMENTUM)));
                    InputGradient g = model.gradient(candidate, objective);
                    float[] value =
                            lossCriterion.loss(AutoPgd.this.loss, g.logits()).toFloatArray();
                    boolean[] adversarial = success.isAdversarial(g.logits()).toBooleanArray();
                    boolean[] fresh = new boolean[n];
                    boolean[] improved = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        fresh[i] = adversarial[i] && !found[i];
                        found[i] |= adversarial[i];
                        if (value[i] > loss[i]) {
                            increases[i]++;
                        }
                        improved[i] = value[i] > bestLoss[i];
                        if (improved[i]) {
                            bestLoss[i] = value[i];
                        }
                    }
                    firstSuccess = select(fresh, candidate, firstSuccess);
                    best = select(improved, candidate, best);
                    bestGradient = select(improved, g.gradient(), bestGradient);
                    previous = current;
                    current = candidate;
                    gradient = g.gradient();
                    loss = value;
                    if (next < checkpoints.length && k + 1 == checkpoints[next]) {
                        int span = checkpoints[next] - last;
                        boolean[] reduce = new boolean[n];
                        for (int i = 0; i < n; i++) {
                            boolean fewIncreases = increases[i] < RHO * span;
                            boolean stalled = !reducedBefore[i] && bestLoss[i] <= bestAtLast[i];
                            reduce[i] = fewIncreases || stalled;
                            if (reduce[i]) {
                                eta[i] /= 2;
                                loss[i] = bestLoss[i];
                            }
                        }
                        current = select(reduce, best, current);
                        previous = select(reduce, best, previous);
                        gradient = select(reduce, bestGradient, gradient);
                        reducedBefore = reduce;
                        bestAtLast = bestLoss.clone();
                        Arrays.fill(increases, 0);
                        last = checkpoints[next];
                        next++;
                    }
                    for (NDArray a : new NDArray[] {current, previous, gradient, best, bestGradient, firstSuccess}) {
                        a.attach(scope);
                    }
                }
            }
        }

        /** Per example: its first adversarial iterate if any, else its highest-loss point. */
        NDArray result() {
            return select(found, firstSuccess, best);
        }

        /** Per example, {@code a} where {@code mask} holds, else {@code b}; a new array in {@code a}'s manager. */
        private NDArray select(boolean[] mask, NDArray a, NDArray b) {
            NDManager m = a.getManager();
            try (NDManager tmp = m.newSubManager()) {
                NDArray cond =
                        tmp.create(mask).reshape(Tensors.perExampleShape(a)).broadcast(a.getShape());
                NDArray out = NDArrays.where(cond, a, b);
                out.attach(m);
                return out;
            }
        }
    }

    /**
     * The host copy of a batch and of its results so far: which examples some run has broken, and
     * each example's current candidate.
     */
    private static final class Rows {
        private final NDManager manager;
        private final Shape shape;
        private final int d;
        private final float[] clean;
        private final float[] result;
        private final boolean[] found;
        private final long[] hash;
        private boolean started;

        Rows(NDArray x) {
            this.manager = x.getManager();
            this.shape = x.getShape();
            int n = Math.toIntExact(shape.get(0));
            this.clean = x.toFloatArray();
            this.d = n == 0 ? 0 : clean.length / n;
            this.result = clean.clone();
            this.found = new boolean[n];
            this.hash = new long[n];
            for (int i = 0; i < n; i++) {
                hash[i] = Arrays.hashCode(Arrays.copyOfRange(clean, i * d, (i + 1) * d));
            }
        }

        boolean started() {
            return started;
        }

        boolean allFound() {
            for (boolean f : found) {
                if (!f) {
                    return false;
                }
            }
            return true;
        }

        int[] unfound() {
            int count = 0;
            for (boolean f : found) {
                if (!f) {
                    count++;
                }
            }
            int[] out = new int[count];
            int j = 0;
            for (int i = 0; i < found.length; i++) {
                if (!found[i]) {
                    out[j++] = i;
                }
            }
            return out;
        }

        NDArray cleanSubset(NDManager scope, int[] idx) {
            float[] v = new float[idx.length * d];
            for (int j = 0; j < idx.length; j++) {
                System.arraycopy(clean, idx[j] * d, v, j * d, d);
            }
            long[] s = shape.getShape().clone();
            s[0] = idx.length;
            return scope.create(v, new Shape(s));
        }

        /** Takes a run's results: the first run sets every example's candidate, later runs only their successes. */
        void merge(int[] idx, NDArray candidates, boolean[] success) {
            float[] v = candidates.toFloatArray();
            for (int j = 0; j < idx.length; j++) {
                int i = idx[j];
                if (found[i]) {
                    continue;
                }
                if (!started || success[j]) {
                    System.arraycopy(v, j * d, result, i * d, d);
                }
                found[i] = success[j];
            }
            started = true;
        }

        NDArray toNDArray(NDManager scope) {
            return scope.create(result, shape);
        }
    }

    private static int[] all(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    private static long[] labels(int[] idx, int[] labels) {
        long[] out = new long[idx.length];
        for (int j = 0; j < idx.length; j++) {
            out[j] = labels[idx[j]];
        }
        return out;
    }

    /** Builds an {@link AutoPgd}; validated in {@link #build()}. */
    public static final class Builder {
        private final Norm norm;
        private int steps = 100;
        private int restarts = 1;
        private int targets = 0;
        private AttackLoss loss;
        private long seed = 0;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        /** Gradient iterations per run (default 100, the paper's). */
        public Builder optSteps(int value) {
            steps = value;
            return this;
        }

        /** Runs per example, later ones only on examples not yet broken (default 1). */
        public Builder optRestarts(int value) {
            restarts = value;
            return this;
        }

        /**
         * APGD-T: target each of the {@code value} most likely classes after the top one in turn
         * (capped at classes - 1; {@link #DEFAULT_TARGETS} in the paper); 0 (the default) for the
         * plain attack, whose criterion decides between untargeted and targeted.
         */
        public Builder optTargets(int value) {
            targets = value;
            return this;
        }

        /** The loss to ascend (default the cross-entropy; for APGD-T, the targeted DLR). */
        public Builder optLoss(AttackLoss value) {
            if (value == null) {
                throw new IllegalArgumentException("loss is required");
            }
            loss = value;
            return this;
        }

        /** Seed of the random starts (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public AutoPgd build() {
            if (norm != null && norm != Norm.LINF && norm != Norm.L2) {
                throw new IllegalArgumentException("apgd attacks in linf or l2, not " + norm.id());
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("restarts must be at least 1, got " + restarts);
            }
            if (targets < 0) {
                throw new IllegalArgumentException("targets must be >= 0, got " + targets);
            }
            if (loss == null) {
                loss = targets > 0 ? AttackLoss.DLR : AttackLoss.CROSS_ENTROPY;
            }
            return new AutoPgd(this);
        }
    }
}
