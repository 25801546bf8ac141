package dev.marauder.attacks.extraction;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.provenance.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Equation-solving extraction of (multinomial) logistic regression from confidence scores
 * (Tramer, Zhang, Juels, Reiter &amp; Ristenpart 2016, "Stealing Machine Learning Models via
 * Prediction APIs", Section 4.1). Black-box, untargeted: the attacker sees the class probabilities
 * (or logits) the model returns for inputs of its choice.
 *
 * <p>For a softmax model {@code p_c(x) = exp(w_c.x + b_c) / sum_k exp(w_k.x + b_k)} the log-ratio
 * {@code log(p_c(x) / p_r(x)) = (w_c - w_r).x + (b_c - b_r)} is linear in {@code x}: each answer
 * gives one linear equation per class in the {@code d + 1} unknowns {@code (w_c - w_r, b_c - b_r)}.
 * {@code d + 1} random inputs (uniform in the target's input box) therefore determine the model up
 * to the shift by {@code (w_r, b_r)}, which softmax ignores; more queries are solved in the
 * least-squares sense ({@link LeastSquares}, Tribuo's LU and Cholesky solvers). The reference class
 * {@code r} is the class with the most usable answers.
 *
 * <p>Answers of probability 0 give no equation (a rounding countermeasure, {@link
 * dev.marauder.core.model.RoundedClassifier}, produces them). If fewer than {@code d + 1} answers
 * remain usable for a class, a 0 is read as half the smallest positive probability returned (the
 * middle of the interval a rounded 0 stands for), which is the best the attacker can do; rounding
 * to {@code k} decimals thus costs fidelity, and more queries buy some of it back (the paper's
 * Section 7). Label-only targets ({@link OutputKind#LABELS}) are refused: there is no equation to
 * solve; use {@link LearningExtraction}.
 *
 * <p>The stolen model is a Marauder {@link Architecture#LOGREG} model whose logits are
 * {@code (w_c - w_r).x + (b_c - b_r)}: exactly the target's probabilities when the answers are
 * exact. Immutable and thread-safe; the target is given at call time.
 *
 * @param queries examples to query; 0 means {@code d + 1}, the fewest that determine the model
 * @param seed seeds the random inputs
 */
public record EquationSolvingExtraction(int queries, long seed) {

    /** Checks the settings. */
    public EquationSolvingExtraction {
        if (queries < 0) {
            throw new IllegalArgumentException("queries must be 0 (d + 1) or positive, got " + queries);
        }
    }

    /** {@code d + 1} queries with seed 0. */
    public static EquationSolvingExtraction minimal() {
        return new EquationSolvingExtraction(0, 0);
    }

    /**
     * Steals {@code target}.
     *
     * @throws IllegalArgumentException if the target returns labels only, or {@link #queries()} is
     *     fewer than {@code d + 1}
     * @throws IllegalStateException if the answers do not determine a model (a singular system)
     */
    public ExtractionResult extract(Classifier target) {
        if (target.outputKind() == OutputKind.LABELS) {
            throw new IllegalArgumentException("equation-solving extraction needs confidence scores, but "
                    + target.info().name() + " returns labels only; use learning-based extraction");
        }
        long start = System.nanoTime();
        int d = target.inputSpec().size();
        int n = queries == 0 ? d + 1 : queries;
        if (n < d + 1) {
            throw new IllegalArgumentException(n + " queries cannot determine a logistic regression of " + d
                    + " features: at least " + (d + 1) + " are needed");
        }
        Provenance.Recorder provenance = Provenance.start()
                .setting("attack", "equation-solving extraction (Tramer et al. 2016)")
                .setting("queries", n)
                .setting("target", target.info().name())
                .hashes(target.info().fileHashes())
                .seed(seed);
        long before = target.queries();
        FloatTensor x = Oracle.uniform(target.inputSpec(), n, new SplittableRandom(seed));
        float[][] answers = Oracle.answers(target, x);
        long spent = target.queries() - before;
        double[][] logScores = logScores(answers, target.outputKind() == OutputKind.LOGITS);
        int classes = target.classes();
        int reference = reference(logScores, classes);
        double[][] weights = new double[classes][d];
        double[] bias = new double[classes];
        float[] data = x.data();
        // classes whose usable answers are the same rows share one factorisation
        java.util.Map<java.util.BitSet, List<Integer>> groups = new java.util.LinkedHashMap<>();
        double floor = floor(logScores);
        for (int c = 0; c < classes; c++) {
            if (c != reference) {
                groups.computeIfAbsent(usable(logScores, c, reference, d), u -> new ArrayList<>())
                        .add(c);
            }
        }
        for (java.util.Map.Entry<java.util.BitSet, List<Integer>> g : groups.entrySet()) {
            int[] rows = g.getKey().stream().toArray();
            double[][] a = new double[rows.length][d + 1];
            for (int k = 0; k < rows.length; k++) {
                for (int j = 0; j < d; j++) {
                    a[k][j] = data[rows[k] * d + j];
                }
                a[k][d] = 1;
            }
            double[][] rhs = new double[g.getValue().size()][rows.length];
            for (int t = 0; t < rhs.length; t++) {
                int c = g.getValue().get(t);
                for (int k = 0; k < rows.length; k++) {
                    rhs[t][k] = orFloor(logScores[rows[k]][c], floor) - orFloor(logScores[rows[k]][reference], floor);
                }
            }
            double[][] solutions = LeastSquares.solve(a, rhs);
            for (int t = 0; t < rhs.length; t++) {
                int c = g.getValue().get(t);
                System.arraycopy(solutions[t], 0, weights[c], 0, d);
                bias[c] = solutions[t][d];
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Provenance finished = provenance.finish();
        ModelCard card = StolenModels.card(
                Architecture.LOGREG, target, spent, 0, n, 0, "equation-solving", seed, seconds, finished);
        BuiltinClassifier stolen = StolenModels.logisticRegression(
                target.inputSpec(),
                weights,
                bias,
                card,
                "stolen-" + target.info().name());
        return new ExtractionResult("equation-solving", Architecture.LOGREG.id(), spent, seconds, finished, stolen);
    }

    /**
     * The log-scores of every answer: logits as they are, else the logarithm of each probability,
     * with a 0 (no information) kept as negative infinity.
     */
    static double[][] logScores(float[][] answers, boolean logits) {
        double[][] out = new double[answers.length][];
        for (int i = 0; i < answers.length; i++) {
            out[i] = new double[answers[i].length];
            for (int c = 0; c < answers[i].length; c++) {
                out[i][c] =
                        logits ? answers[i][c] : answers[i][c] > 0 ? Math.log(answers[i][c]) : Double.NEGATIVE_INFINITY;
            }
        }
        return out;
    }

    /** The class with the most finite log-scores (the lowest index of ties). */
    private static int reference(double[][] logScores, int classes) {
        int best = 0;
        int bestCount = -1;
        for (int c = 0; c < classes; c++) {
            int count = 0;
            for (double[] row : logScores) {
                count += Double.isFinite(row[c]) ? 1 : 0;
            }
            if (count > bestCount) {
                best = c;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * The answers that give an equation for class {@code c}: those with both {@code c}'s and the
     * reference's probability positive, if there are at least {@code d + 1}; else all of them (a 0
     * then reads as the floor).
     */
    private static java.util.BitSet usable(double[][] logScores, int c, int r, int d) {
        java.util.BitSet rows = new java.util.BitSet(logScores.length);
        for (int i = 0; i < logScores.length; i++) {
            if (Double.isFinite(logScores[i][c]) && Double.isFinite(logScores[i][r])) {
                rows.set(i);
            }
        }
        if (rows.cardinality() < d + 1) {
            rows.set(0, logScores.length);
        }
        return rows;
    }

    /** Half the smallest positive probability returned, as a log: what a rounded 0 is read as. */
    private static double floor(double[][] logScores) {
        double smallest = Double.POSITIVE_INFINITY;
        for (double[] row : logScores) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    smallest = Math.min(smallest, v);
                }
            }
        }
        return smallest - Math.log(2);
    }

    private static double orFloor(double v, double floor) {
        return Double.isFinite(v) ? v : floor;
    }
}
