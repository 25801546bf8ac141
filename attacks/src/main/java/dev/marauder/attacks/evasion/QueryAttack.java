package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Template for black-box attacks, which see the model only through queries (score-based: the
 * scores; decision-based: the predicted label). This class copies the batch to the host, gives
 * the attack an {@link Oracle} that batches the queries of many examples into one model call and
 * charges each query to its example, stops no example beyond {@link #maxQueries()}, and judges
 * the result like every other attack, adding the queries spent per example to each
 * {@link EvasionResult.Outcome}.
 *
 * <p>Fixed-budget attacks (NES, SPSA, Square) run once per epsilon; minimal-perturbation attacks
 * (HopSkipJump, Boundary) search once, unbounded, and each epsilon restricts what they found (as
 * in {@link MinimizationAttack}), so every epsilon reports the same queries. Implementations
 * live in this package (they need the package's query access). The judging query
 * of each epsilon is not charged to the budget: it is the evaluation's, not the attacker's.
 */
public abstract class QueryAttack implements EvasionAttack<Classifier> {
    private final Norm norm;
    private final long maxQueries;
    private final long seed;

    QueryAttack(Norm norm, long maxQueries, long seed) {
        if (norm == null) {
            throw new IllegalArgumentException("norm is required");
        }
        if (maxQueries < 1) {
            throw new IllegalArgumentException("max queries must be at least 1, got " + maxQueries);
        }
        this.norm = norm;
        this.maxQueries = maxQueries;
        this.seed = seed;
    }

    @Override
    public Norm norm() {
        return norm;
    }

    /** The query budget per example (and per epsilon for fixed-budget attacks). */
    public long maxQueries() {
        return maxQueries;
    }

    /** The seed of the attack's random choices. */
    public long seed() {
        return seed;
    }

    /** True for decision-based minimal-perturbation attacks, which search once for all epsilons. */
    abstract boolean minimizes();

    /** True if the attack needs scores (probabilities or logits), not just labels. */
    abstract boolean needsScores();

    /**
     * The attack proper on host rows.
     *
     * @param oracle the model's query access, with the budget
     * @param x clean rows, flattened, inside the bounds; not to be modified
     * @param epsilon the budget ({@code +infinity} for minimisation attacks)
     * @param random one generator per example
     * @return an adversarial candidate per example (the clean row where none was found); it is
     *     projected onto the epsilon ball and the bounds afterwards
     */
    abstract float[][] attack(Oracle oracle, float[][] x, double epsilon, SplittableRandom[] random);

    @Override
    public final EvasionResult run(Classifier model, NDArray x, Criterion criterion, double... epsilons) {
        Outcomes.checkEpsilons(epsilons, minimizes());
        if (needsScores() && model.outputKind() == OutputKind.LABELS) {
            throw new IllegalArgumentException(name() + " needs scores, but the model returns labels only");
        }
        int n = Math.toIntExact(x.getShape().get(0));
        int d = model.inputSpec().size();
        float[] flat = x.toFloatArray();
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        long[] l = criterion.lossLabels().toLongArray();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) l[i];
        }
        List<EvasionResult.Outcome> outcomes = new ArrayList<>();
        NDManager parent = x.getManager();
        if (minimizes()) {
            try (NDManager scope = parent.newSubManager()) {
                long searchStart = System.nanoTime();
                Oracle oracle = new Oracle(model, scope, labels, criterion.targeted(), maxQueries);
                float[][] found = attack(oracle, rows, Double.POSITIVE_INFINITY, randoms(n, 0));
                double share = (System.nanoTime() - searchStart) / 1e9 / epsilons.length;
                for (double eps : epsilons) {
                    long start = System.nanoTime();
                    try (NDManager perEpsilon = scope.newSubManager()) {
                        outcomes.add(judge(model, perEpsilon, x, found, eps, criterion, start, share, oracle));
                    }
                }
            }
        } else {
            for (double eps : epsilons) {
                long start = System.nanoTime();
                try (NDManager scope = parent.newSubManager()) {
                    Oracle oracle = new Oracle(model, scope, labels, criterion.targeted(), maxQueries);
                    float[][] adv = eps == 0 ? rows : attack(oracle, rows, eps, randoms(n, eps));
                    outcomes.add(judge(model, scope, x, adv, eps, criterion, start, 0, oracle));
                }
            }
        }
        return new EvasionResult(name(), norm, outcomes);
    }

    private EvasionResult.Outcome judge(
            Classifier model,
            NDManager scope,
            NDArray x,
            float[][] adv,
            double eps,
            Criterion criterion,
            long start,
            double extra,
            Oracle oracle) {
        NDArray clean = x.duplicate();
        clean.attach(scope);
        int d = adv.length == 0 ? 0 : adv[0].length;
        float[] flat = new float[adv.length * d];
        for (int i = 0; i < adv.length; i++) {
            System.arraycopy(adv[i], 0, flat, i * d, d);
        }
        NDArray candidate = scope.create(flat, new Shape(x.getShape().getShape()));
        return Outcomes.judge(model, norm, clean, candidate, eps, criterion, start, extra, oracle.queries());
    }

    /** Clamps {@code adv} in place into the L-inf ball of radius {@code eps} around {@code x} and the bounds. */
    static void projectLinf(float[] adv, float[] x, double eps, dev.marauder.core.model.InputSpec spec) {
        for (int k = 0; k < adv.length; k++) {
            float lo = Math.max(spec.lowerAt(k), (float) (x[k] - eps));
            float hi = Math.min(spec.upperAt(k), (float) (x[k] + eps));
            adv[k] = Math.min(hi, Math.max(lo, adv[k]));
        }
    }

    /** One generator per example, from the seed and the budget (so budgets draw independently). */
    private SplittableRandom[] randoms(int n, double epsilon) {
        SplittableRandom base = new SplittableRandom(seed ^ Double.doubleToLongBits(epsilon));
        SplittableRandom[] out = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            out[i] = base.split();
        }
        return out;
    }
}
