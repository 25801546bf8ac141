package dev.marauder.attacks.evasion;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Square attack (Andriushchenko, Croce, Flammarion &amp; Hein 2020, "Square Attack: a
 * query-efficient black-box adversarial attack via random search"), L-inf and L2.
 *
 * <p>Threat model: black-box, score-based (the model's scores, no gradients), untargeted or
 * targeted (the criterion decides). Random search on the margin loss
 * {@code s_y - max_{j != y} s_j} of the log-probabilities (equal to the logit margin of a logits
 * model): each iteration changes the perturbation on one random square window and keeps the change
 * if the margin drops; an example stops at success or when its {@code maxQueries} are spent (one
 * query per iteration, plus one for the clean input and one for the initial point).
 *
 * <p>As in the paper's code: L-inf starts from vertical stripes ({@code +-eps} per channel and
 * column) and sets each window to {@code +-eps} per channel; L2 starts from a grid of
 * pseudo-Gaussian bumps rescaled to norm {@code eps} and moves mass between two windows. The window
 * side follows the paper's piecewise-constant schedule of {@code p} (the share of the image
 * changed), halved at iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 out of 10000,
 * rescaled to the query budget. Values stay inside the model's per-channel bounds.
 */
public final class SquareAttack extends QueryAttack {
    private final double pInit;

    private SquareAttack(Builder b) {
        super(b.norm, b.maxQueries, b.seed);
        this.pInit = b.pInit;
    }

    /** A builder: L-inf p_init 0.05, L2 p_init 0.1 (the paper's), 1000 queries, seed 0. */
    public static Builder builder(Norm norm) {
        return new Builder(norm);
    }

    @Override
    public String name() {
        return "square";
    }

    @Override
    public Settings settings() {
        return new Settings(norm(), maxQueries(), pInit, seed());
    }

    /**
     * The settings of a Square attack.
     *
     * @param norm linf or l2
     * @param maxQueries query budget per example
     * @param pInit initial share of the image changed per iteration
     * @param seed seed of the random search
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(Norm norm, long maxQueries, double pInit, long seed) implements EvasionSettings {
        @Override
        public String toString() {
            return EvasionSettings.describe(this);
        }
    }

    @Override
    boolean minimizes() {
        return false;
    }

    @Override
    boolean needsScores() {
        return true;
    }

    /** The paper's schedule of p: the iteration rescaled to 10000, p_init halved at set points. */
    static double pSelection(double pInit, long iteration, long iterations) {
        long it = (long) ((double) iteration / iterations * 10000);
        long[] cuts = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000, 10000};
        for (int k = 0; k < cuts.length - 1; k++) {
            if (cuts[k] < it && it <= cuts[k + 1]) {
                return pInit / (2L << k);
            }
        }
        return pInit;
    }

    @Override
    float[][] attack(Oracle oracle, float[][] x, double epsilon, SplittableRandom[] random) {
        InputSpec spec = oracle.spec();
        ImageGeometry g = ImageGeometry.of(spec);
        if (norm() == Norm.L2 && (g.height() < 5 || g.width() < 5)) {
            throw new IllegalArgumentException(
                    "square L2 needs images at least 5 x 5, but one example is " + g.height() + " x " + g.width());
        }
        int n = x.length;
        float[][] best = new float[n][];
        double[] margin = new double[n];
        boolean[] done = new boolean[n];
        // The clean input: already adversarial examples need nothing more.
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
            best[i] = x[i].clone();
        }
        evaluate(oracle, x, all, best, margin, done, true);
        List<Integer> starting = active(oracle, done, n);
        float[][] init = new float[starting.size()][];
        for (int k = 0; k < init.length; k++) {
            int i = starting.get(k);
            init[k] = norm() == Norm.L2
                    ? initL2(x[i], epsilon, g, spec, random[i])
                    : initLinf(x[i], epsilon, g, spec, random[i]);
        }
        evaluate(oracle, init, toArray(starting), best, margin, done, true);
        long iterations = maxQueries(); // the schedule is spread over the whole budget
        for (long it = 0; ; it++) {
            List<Integer> act = active(oracle, done, n);
            if (act.isEmpty()) {
                break;
            }
            double p = pSelection(pInit, it, iterations);
            float[][] candidates = new float[act.size()][];
            for (int k = 0; k < candidates.length; k++) {
                int i = act.get(k);
                candidates[k] = norm() == Norm.L2
                        ? stepL2(x[i], best[i], epsilon, p, g, spec, random[i])
                        : stepLinf(x[i], best[i], epsilon, p, g, spec, random[i]);
            }
            evaluate(oracle, candidates, toArray(act), best, margin, done, false);
        }
        return best;
    }

    private static List<Integer> active(Oracle oracle, boolean[] done, int n) {
        List<Integer> act = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!done[i] && oracle.remaining(i) > 0) {
                act.add(i);
            }
        }
        return act;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Queries the candidates; keeps those that lower the margin (or all, when {@code force}). */
    private static void evaluate(
            Oracle oracle,
            float[][] candidates,
            int[] owners,
            float[][] best,
            double[] margin,
            boolean[] done,
            boolean force) {
        if (owners.length == 0) {
            return;
        }
        float[][] scores = oracle.logScores(candidates, owners);
        for (int k = 0; k < owners.length; k++) {
            int i = owners[k];
            double m = oracle.margin(scores[k], i);
            if (force || m < margin[i]) {
                margin[i] = m;
                best[i] = candidates[k];
                done[i] = oracle.isAdversarial(scores[k], i);
            }
        }
    }

    private static float clip(float v, InputSpec spec, int index) {
        return Math.min(spec.upperAt(index), Math.max(spec.lowerAt(index), v));
    }

    /** Vertical stripes: {@code +-eps} per channel and column, the same down each column. */
    private static float[] initLinf(float[] x, double eps, ImageGeometry g, InputSpec spec, SplittableRandom r) {
        float[] out = new float[x.length];
        for (int c = 0; c < g.channels(); c++) {
            for (int w = 0; w < g.width(); w++) {
                float delta = (float) (r.nextBoolean() ? eps : -eps);
                for (int h = 0; h < g.height(); h++) {
                    int at = g.index(c, h, w);
                    out[at] = clip(x[at] + delta, spec, at);
                }
            }
        }
        return out;
    }

    private static float[] stepLinf(
            float[] x, float[] best, double eps, double p, ImageGeometry g, InputSpec spec, SplittableRandom r) {
        int c = g.channels();
        int s = (int) Math.round(Math.sqrt(p * g.size() / c));
        int sh = Math.min(Math.max(s, 1), Math.max(g.height() - 1, 1));
        int sw = Math.min(Math.max(s, 1), Math.max(g.width() - 1, 1));
        int h0 = g.height() > sh ? r.nextInt(g.height() - sh) : 0;
        int w0 = g.width() > sw ? r.nextInt(g.width() - sw) : 0;
        float[] out = best.clone();
        // Redraw the window's signs until the window changes (the paper's loop), at most 100 times.
        for (int attempt = 0; attempt < 100; attempt++) {
            boolean changed = false;
            for (int ch = 0; ch < c; ch++) {
                float delta = (float) (r.nextBoolean() ? eps : -eps);
                for (int h = h0; h < h0 + sh; h++) {
                    for (int w = w0; w < w0 + sw; w++) {
                        int at = g.index(ch, h, w);
                        out[at] = clip(x[at] + delta, spec, at);
                        changed |= Math.abs(out[at] - best[at]) >= 1e-7f;
                    }
                }
            }
            if (changed) {
                break;
            }
        }
        return out;
    }

    /** The paper's pseudo-Gaussian bump on an {@code x}-by-{@code y} rectangle, unit norm. */
    static double[][] pseudoGaussianRectangle(int x, int y) {
        double[][] delta = new double[x][y];
        int xc = x / 2 + 1;
        int yc = y / 2 + 1;
        int c0 = xc - 1;
        int c1 = yc - 1;
        for (int counter = 0; counter < Math.max(xc, yc); counter++) {
            for (int i = Math.max(c0, 0); i < Math.min(c0 + 2 * counter + 1, x); i++) {
                for (int j = Math.max(c1, 0); j < Math.min(c1 + 2 * counter + 1, y); j++) {
                    delta[i][j] += 1.0 / ((counter + 1) * (counter + 1));
                }
            }
            c0--;
            c1--;
        }
        normalise(delta);
        return delta;
    }

    /** Two opposite bumps stacked (the paper's meta pseudo-Gaussian), transposed half the time. */
    static double[][] metaPseudoGaussian(int s, SplittableRandom r) {
        double[][] delta = new double[s][s];
        double[][] top = pseudoGaussianRectangle(s / 2, s);
        double[][] bottom = pseudoGaussianRectangle(s - s / 2, s);
        for (int i = 0; i < s / 2; i++) {
            delta[i] = top[i].clone();
        }
        for (int i = s / 2; i < s; i++) {
            for (int j = 0; j < s; j++) {
                delta[i][j] = -bottom[i - s / 2][j];
            }
        }
        normalise(delta);
        if (r.nextDouble() > 0.5) {
            double[][] t = new double[s][s];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    t[i][j] = delta[j][i];
                }
            }
            delta = t;
        }
        return delta;
    }

    private static void normalise(double[][] delta) {
        double sum = 0;
        for (double[] row : delta) {
            for (double v : row) {
                sum += v * v;
            }
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (double[] row : delta) {
                for (int j = 0; j < row.length; j++) {
                    row[j] /= norm;
                }
            }
        }
    }

    /** A grid of {@code h/5}-sided bumps with random signs per channel, scaled to norm eps. */
    private static float[] initL2(float[] x, double eps, ImageGeometry g, InputSpec spec, SplittableRandom r) {
        int s = g.height() / 5;
        int start = (g.height() - s * 5) / 2;
        double[] delta = new double[x.length];
        int hc = start;
        for (int a = 0; a < g.height() / s; a++) {
            int wc = start;
            for (int b = 0; b < g.width() / s; b++) {
                double[][] bump = metaPseudoGaussian(s, r);
                for (int ch = 0; ch < g.channels(); ch++) {
                    double sign = r.nextBoolean() ? 1 : -1;
                    for (int i = 0; i < s && hc + i < g.height(); i++) {
                        for (int j = 0; j < s && wc + j < g.width(); j++) {
                            delta[g.index(ch, hc + i, wc + j)] += bump[i][j] * sign;
                        }
                    }
                }
                wc += s;
            }
            hc += s;
        }
        return rescaled(x, delta, eps, spec);
    }

    /** {@code clip(x + delta / ||delta|| * eps)}. */
    private static float[] rescaled(float[] x, double[] delta, double eps, InputSpec spec) {
        double sum = 0;
        for (double v : delta) {
            sum += v * v;
        }
        double scale = sum > 0 ? eps / Math.sqrt(sum) : 0;
        float[] out = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            out[k] = clip((float) (x[k] + delta[k] * scale), spec, k);
        }
        return out;
    }

    private static float[] stepL2(
            float[] x, float[] best, double eps, double p, ImageGeometry g, InputSpec spec, SplittableRandom r) {
        int c = g.channels();
        int hgt = g.height();
        int wid = g.width();
        int s = Math.max((int) Math.round(Math.sqrt(p * g.size() / c)), 3);
        if (s % 2 == 0) {
            s++;
        }
        int limit = Math.min(hgt, wid) - 1;
        if (s > limit) {
            s = limit % 2 != 0 ? limit : limit - 1;
        }
        int h1 = r.nextInt(hgt - s);
        int w1 = r.nextInt(wid - s);
        int h2 = r.nextInt(hgt - s);
        int w2 = r.nextInt(wid - s);
        double[] delta = new double[x.length];
        double image = 0;
        for (int k = 0; k < x.length; k++) {
            delta[k] = (double) best[k] - x[k];
            image += delta[k] * delta[k];
        }
        double[][] bump = metaPseudoGaussian(s, r);
        double[][][] fresh = new double[c][s][s];
        for (int ch = 0; ch < c; ch++) {
            double window = 0;
            double windows = 0;
            for (int h = 0; h < hgt; h++) {
                for (int w = 0; w < wid; w++) {
                    boolean in1 = h >= h1 && h < h1 + s && w >= w1 && w < w1 + s;
                    boolean in2 = h >= h2 && h < h2 + s && w >= w2 && w < w2 + s;
                    double v = delta[g.index(ch, h, w)];
                    if (in1) {
                        window += v * v;
                    }
                    if (in1 || in2) {
                        windows += v * v;
                    }
                }
            }
            double windowNorm = Math.sqrt(window);
            double sign = r.nextBoolean() ? 1 : -1;
            double sum = 0;
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    double v = bump[i][j] * sign + delta[g.index(ch, h1 + i, w1 + j)] / (1e-10 + windowNorm);
                    fresh[ch][i][j] = v;
                    sum += v * v;
                }
            }
            double target = Math.sqrt(Math.max(eps * eps - image, 0) / c + windows);
            double scale = sum > 0 ? target / Math.sqrt(sum) : 0;
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    fresh[ch][i][j] *= scale;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    delta[g.index(ch, h2 + i, w2 + j)] = 0;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    delta[g.index(ch, h1 + i, w1 + j)] = fresh[ch][i][j];
                }
            }
        }
        return rescaled(x, delta, eps, spec);
    }

    /** Builds a {@link SquareAttack}; validated in {@link #build()}. */
    public static final class Builder {
        private final Norm norm;
        private long maxQueries = 1000;
        private double pInit = Double.NaN;
        private long seed = 0;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        /** Query budget per example (default 1000). */
        public Builder optMaxQueries(long value) {
            maxQueries = value;
            return this;
        }

        /** Initial share of the image changed per iteration, in (0, 1] (default 0.05 L-inf, 0.1 L2). */
        public Builder optPInit(double value) {
            pInit = value;
            return this;
        }

        /** Seed of the random search (default 0). */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /** The attack. */
        public SquareAttack build() {
            if (norm != Norm.LINF && norm != Norm.L2) {
                throw new IllegalArgumentException("square attacks in linf or l2, not " + norm);
            }
            if (Double.isNaN(pInit)) {
                pInit = norm == Norm.LINF ? 0.05 : 0.1;
            }
            if (!(pInit > 0 && pInit <= 1)) {
                throw new IllegalArgumentException("p_init must be in (0, 1], got " + pInit);
            }
            return new SquareAttack(this);
        }
    }
}
