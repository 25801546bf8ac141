package dev.marauder.attacks.inference.inversion;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.provenance.Provenance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * MI-Face, the model-inversion attack of Fredrikson, Jha &amp; Ristenpart 2015, "Model Inversion
 * Attacks that Exploit Confidence Information and Basic Countermeasures" (CCS 2015), Algorithm 1:
 * reconstructs a representative input of a target class from a model's confidence scores.
 *
 * <p>Threat model: the attacker knows a class (a person's name, a digit) and wants an input the
 * model finds typical of it, revealing what the model learned about that class's training data.
 * Targeted at one class per reconstruction. Two access modes, chosen by the builder and visible
 * in the type:
 * <ul>
 *   <li>{@link #whiteBox()}: a {@link DifferentiableClassifier}; exact input gradients through the
 *       model's autograd, one query per class and iteration.</li>
 *   <li>{@link #blackBox()}: any {@link Classifier} that returns scores; the gradient is estimated
 *       from queries by antithetic NES (Ilyas, Engstrom, Athalye &amp; Lin 2018), {@code 2n + 1}
 *       queries per class and iteration ({@code n} antithetic pairs plus the cost of the new
 *       iterate), within a per-class query budget.</li>
 * </ul>
 *
 * <p>The algorithm, for each target class {@code t}: the cost is
 * {@code c(x) = 1 - p_t(x) + AuxTerm(x)}, with {@code p_t} the softmax of the logits (or the
 * returned probability). Starting from {@code x_0} (the zero image, as in the paper, or another
 * start), repeat {@code x_i = PROCESS(x_{i-1} - lambda * grad c(x_{i-1}))} for at most
 * {@code alpha} iterations; stop when {@code c(x_i) >= max(c(x_{i-1}), ..., c(x_{i-beta}))} (the
 * paper's window rule: the cost has risen to the worst of the last {@code beta} iterates) or when
 * {@code c(x_i) <= gamma}; return the iterate of lowest cost. {@code PROCESS} is documented in
 * {@link ProcessStep}: optional 3x3 Gaussian smoothing blended with strength {@code s}, then clipping
 * to the model's input bounds. All target classes descend together in one batch; a class that
 * has stopped is no longer queried.
 *
 * <p>Settings (builder, validated in {@code build()}): {@code steps} alpha (default 1000),
 * {@code step} lambda (default 1: on the built-in models, inputs in [0, 1], a step of 0.1 reaches
 * the same images in about ten times as many iterations), {@code patience} beta (default 100),
 * {@code threshold} gamma on the cost (default 0.01, i.e. stop at confidence 0.99),
 * {@code smoothing} s in [0, 1] (default 0: PROCESS only clips, and any input shape works),
 * {@code start}, an auxiliary term (default none), and a per-class query budget (white-box
 * default unlimited, black-box default 20,000). Black-box only: NES pairs {@code samples}
 * (default 25), radius {@code sigma} as a fraction of the input range (default 0.01) and the
 * seed of the noise (default 0).
 *
 * <p>Smoothing matters for legibility: on an MLP trained on the shipped MNIST digits, the
 * unsmoothed reconstructions are faint and speckled (black-box ones mostly noise, since the NES
 * noise accumulates), while {@code smoothing} 0.05 (white-box) or 0.2 (black-box) gives digit-like
 * blobs, at the price of more iterations (white-box about 5 times, black-box about 10 times the
 * queries). On a logistic regression it raises the mean correlation of a reconstruction with its
 * class's mean training image from 0.49 to 0.66 ({@code MiFaceTest}).
 *
 * <p>Instances are immutable and may be shared; the model is passed to {@link #invert}.
 *
 * @param <M> the model access the attack needs
 */
public final class MiFace<M extends Classifier> {
    /** Where the descent starts. */
    public enum Start {
        /** The zero image, clipped into the model's bounds: the paper's {@code x_0 = 0}. */
        ZERO,
        /** The middle of the model's input range, {@code (lower + upper) / 2}. */
        MIDPOINT
    }

    private final GradientSource<M> gradients;
    private final int steps;
    private final double step;
    private final int patience;
    private final double threshold;
    private final double smoothing;
    private final Start start;
    private final FloatTensor startImage;
    private final AuxiliaryTerm auxiliary;
    private final long queryBudget;

    private MiFace(Builder<M, ?> b, GradientSource<M> gradients) {
        this.gradients = gradients;
        this.steps = b.steps;
        this.step = b.step;
        this.patience = b.patience;
        this.threshold = b.threshold;
        this.smoothing = b.smoothing;
        this.start = b.start;
        this.startImage = b.startImage == null ? null : b.startImage.copy();
        this.auxiliary = b.auxiliary;
        this.queryBudget = b.queryBudget;
    }

    /** A builder for white-box MI-Face with exact gradients. */
    public static WhiteBoxBuilder whiteBox() {
        return new WhiteBoxBuilder();
    }

    /** A builder for black-box MI-Face with NES-estimated gradients. */
    public static BlackBoxBuilder blackBox() {
        return new BlackBoxBuilder();
    }

    /** The attack's name, {@code mi-face}. */
    public String name() {
        return "mi-face";
    }

    /** {@code white-box} or {@code black-box}. */
    public String access() {
        return gradients.access();
    }

    /** The most queries spent on one target class. */
    public long queryBudget() {
        return queryBudget;
    }

    /**
     * The settings of an MI-Face attack, as recorded in results and provenance.
     *
     * @param access "white-box" or "black-box"
     * @param steps the most gradient steps per class
     * @param step the step size
     * @param patience steps without improvement before stopping
     * @param threshold the confidence at which a class is done
     * @param smoothing the smoothing strength of the process step
     * @param start "zero", "mean", "random" or "image"
     * @param auxiliary the auxiliary term of the cost
     * @param queryBudget the query budget, or null for none
     * @param gradient how gradients are obtained
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(
            String access,
            int steps,
            double step,
            int patience,
            double threshold,
            double smoothing,
            String start,
            String auxiliary,
            Long queryBudget,
            @JsonUnwrapped GradientSource.Settings gradient) {}

    /** The settings, for results and provenance. */
    public Settings settings() {
        return new Settings(
                access(),
                steps,
                step,
                patience,
                threshold,
                smoothing,
                startImage != null ? "image" : start.name().toLowerCase(Locale.ROOT),
                auxiliary.description(),
                queryBudget == Long.MAX_VALUE ? null : queryBudget,
                gradients.settings());
    }

    /**
     * Inverts the model for each target class, in a manager of its own.
     *
     * @param targetClasses the classes to reconstruct, distinct; none means every class
     * @see #invert(Classifier, NDManager, int...)
     */
    public InversionResult invert(M model, int... targetClasses) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return invert(model, manager, targetClasses);
        }
    }

    /**
     * Inverts the model for each target class. Every temporary array lives in a sub-manager of
     * {@code parent} that is closed before this returns; the result holds no native memory.
     *
     * @param model the model under attack; must return scores (logits or probabilities)
     * @param parent the manager whose sub-managers hold the queries
     * @param targetClasses the classes to reconstruct, distinct; none means every class
     * @return per class, in request order: the reconstruction, its confidence, iterations and queries
     * @throws IllegalArgumentException if the model returns labels only, a class is out of range
     *     or repeated, smoothing is asked for non-image inputs, or the start image does not fit
     */
    public InversionResult invert(M model, NDManager parent, int... targetClasses) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(parent, "parent");
        Queries.requireScores(model, "MI-Face");
        int[] targets = targetClasses(model.classes(), targetClasses);
        InputSpec spec = model.inputSpec();
        int[] shape = spec.shape();
        if (smoothing > 0 && !ProcessStep.isImage(shape)) {
            throw new IllegalArgumentException("smoothing needs image inputs [H, W] or [C, H, W], but the model takes "
                    + Arrays.toString(shape) + "; set smoothing to 0");
        }
        float[] x0 = startPoint(spec);
        Provenance.Recorder provenance =
                Provenance.start().settings(settings()).hashes(model.info().fileHashes());
        if (gradients instanceof NesGradient nes) {
            provenance.seed(nes.seed());
        }
        int k = targets.length;
        Descent[] descents = new Descent[k];
        for (int r = 0; r < k; r++) {
            descents[r] = new Descent(targets[r], x0.clone(), gradients.random(targets[r]), patience);
        }
        long perIteration = gradients.queriesPerRow() + (gradients.returnsProbabilities() ? 0 : 1);

        try (NDManager scope = parent.newSubManager()) {
            evaluate(model, scope, descents);
        }
        while (true) {
            List<Descent> active = new ArrayList<>();
            for (Descent d : descents) {
                if (d.stop != null) {
                    continue;
                }
                if (d.cost <= threshold) {
                    d.stop = InversionResult.Stop.THRESHOLD;
                } else if (d.iterations >= steps) {
                    d.stop = InversionResult.Stop.MAX_ITERATIONS;
                } else if (d.queries + perIteration > queryBudget) {
                    d.stop = InversionResult.Stop.QUERY_BUDGET;
                } else {
                    active.add(d);
                }
            }
            if (active.isEmpty()) {
                break;
            }
            Descent[] batch = active.toArray(Descent[]::new);
            try (NDManager scope = parent.newSubManager()) {
                float[][] gradient;
                if (gradients.returnsProbabilities()) {
                    gradient = new float[batch.length][];
                    for (int i = 0; i < batch.length; i++) {
                        gradient[i] = batch[i].gradient;
                    }
                } else {
                    gradient = gradients
                            .gradient(model, scope, points(batch), targets(batch), randoms(batch))
                            .gradient();
                    for (Descent d : batch) {
                        d.queries += gradients.queriesPerRow();
                    }
                }
                for (int i = 0; i < batch.length; i++) {
                    float[] x = batch[i].x;
                    float[] g = gradient[i];
                    auxiliary.addGradient(x, g);
                    for (int j = 0; j < x.length; j++) {
                        x[j] -= (float) (step * g[j]);
                    }
                    ProcessStep.apply(x, shape, smoothing, spec);
                    batch[i].iterations++;
                }
            }
            try (NDManager scope = parent.newSubManager()) {
                evaluate(model, scope, batch);
            }
        }

        List<InversionResult.Reconstruction> out = new ArrayList<>();
        for (Descent d : descents) {
            out.add(new InversionResult.Reconstruction(
                    d.target,
                    new FloatTensor(d.best, shape),
                    d.bestConfidence,
                    d.bestCost,
                    d.iterations,
                    d.queries,
                    d.stop));
        }
        return new InversionResult(name(), access(), spec, out, provenance.finish());
    }

    /**
     * Queries the cost of each descent's current point (and, white-box, the gradient there),
     * then records it: best point so far and the paper's window rule.
     */
    private void evaluate(M model, NDManager scope, Descent[] batch) {
        double[] p;
        if (gradients.returnsProbabilities()) {
            GradientSource.Estimate e = gradients.gradient(model, scope, points(batch), targets(batch), randoms(batch));
            p = e.probabilities();
            for (int i = 0; i < batch.length; i++) {
                batch[i].gradient = e.gradient()[i];
                batch[i].queries += gradients.queriesPerRow();
            }
        } else {
            float[][] all = Queries.probabilities(model, Queries.batch(scope, points(batch), model.inputSpec()));
            p = new double[batch.length];
            for (int i = 0; i < batch.length; i++) {
                p[i] = all[i][batch[i].target];
                batch[i].queries++;
            }
        }
        for (int i = 0; i < batch.length; i++) {
            batch[i].record(p[i], 1 - p[i] + auxiliary.value(batch[i].x));
        }
    }

    private float[] startPoint(InputSpec spec) {
        int d = spec.size();
        float[] x = new float[d];
        if (startImage != null) {
            if (!Arrays.equals(startImage.shape(), spec.shape())) {
                throw new IllegalArgumentException("start image has shape " + Arrays.toString(startImage.shape())
                        + ", the model's input " + Arrays.toString(spec.shape()));
            }
            float[] v = startImage.data();
            for (int j = 0; j < d; j++) {
                if (!(v[j] >= spec.lowerAt(j) && v[j] <= spec.upperAt(j))) {
                    throw new IllegalArgumentException("start image value " + j + " is " + v[j]
                            + ", outside the model's bounds [" + spec.lowerAt(j) + ", " + spec.upperAt(j) + "]");
                }
            }
            return v.clone();
        }
        for (int j = 0; j < d; j++) {
            x[j] = start == Start.MIDPOINT
                    ? (spec.lowerAt(j) + spec.upperAt(j)) / 2
                    : Math.min(spec.upperAt(j), Math.max(spec.lowerAt(j), 0f));
        }
        return x;
    }

    /**
     * The classes to reconstruct: all {@code classes} when none are requested, otherwise the
     * requested ones, checked.
     *
     * @throws IllegalArgumentException for a class outside {@code 0..classes-1} or one listed twice
     */
    public static int[] targetClasses(int classes, int[] requested) {
        if (requested == null || requested.length == 0) {
            int[] all = new int[classes];
            for (int c = 0; c < classes; c++) {
                all[c] = c;
            }
            return all;
        }
        boolean[] seen = new boolean[classes];
        for (int c : requested) {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("target class " + c + " is outside 0.." + (classes - 1));
            }
            if (seen[c]) {
                throw new IllegalArgumentException("target class " + c + " is listed twice");
            }
            seen[c] = true;
        }
        return requested.clone();
    }

    private static float[][] points(Descent[] batch) {
        float[][] x = new float[batch.length][];
        for (int i = 0; i < batch.length; i++) {
            x[i] = batch[i].x;
        }
        return x;
    }

    private static int[] targets(Descent[] batch) {
        int[] t = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            t[i] = batch[i].target;
        }
        return t;
    }

    private static SplittableRandom[] randoms(Descent[] batch) {
        SplittableRandom[] r = new SplittableRandom[batch.length];
        for (int i = 0; i < batch.length; i++) {
            r[i] = batch[i].random;
        }
        return r;
    }

    /** The state of one target class's descent, on the host. */
    private static final class Descent {
        final int target;
        final float[] x;
        final SplittableRandom random;
        /** Costs of the last beta iterates, a ring buffer. */
        final double[] window;

        int recorded;
        float[] gradient;
        double cost;
        float[] best;
        double bestCost = Double.POSITIVE_INFINITY;
        double bestConfidence = Double.NaN;
        int iterations;
        long queries;
        InversionResult.Stop stop;

        Descent(int target, float[] x, SplittableRandom random, int patience) {
            this.target = target;
            this.x = x;
            this.random = random;
            this.window = new double[patience];
        }

        void record(double confidence, double newCost) {
            if (Double.isNaN(newCost)) {
                throw new IllegalStateException(
                        "the model's confidence for class " + target + " is NaN at iteration " + iterations);
            }
            cost = newCost;
            if (best == null || newCost < bestCost) {
                best = x.clone();
                bestCost = newCost;
                bestConfidence = confidence;
            }
            if (recorded >= window.length) {
                double worst = Double.NEGATIVE_INFINITY;
                for (double c : window) {
                    worst = Math.max(worst, c);
                }
                if (newCost >= worst) {
                    stop = InversionResult.Stop.NO_IMPROVEMENT;
                }
            }
            window[recorded % window.length] = newCost;
            recorded++;
        }
    }

    /**
     * Settings shared by both access modes; validated in {@code build()}.
     *
     * @param <M> the model access of the attack built
     * @param <B> the concrete builder
     */
    public abstract static class Builder<M extends Classifier, B extends Builder<M, B>> {
        private int steps = 1000;
        private double step = 1;
        private int patience = 100;
        private double threshold = 0.01;
        private double smoothing = 0;
        private Start start = Start.ZERO;
        private FloatTensor startImage;
        private AuxiliaryTerm auxiliary = AuxiliaryTerm.none();
        private long queryBudget;

        Builder(long defaultBudget) {
            this.queryBudget = defaultBudget;
        }

        abstract B self();

        /** Maximum gradient steps per class, the paper's alpha (default 1000). */
        public B optSteps(int value) {
            steps = value;
            return self();
        }

        /** Gradient step size, the paper's lambda (default 1). */
        public B optStep(double value) {
            step = value;
            return self();
        }

        /** Window of the no-improvement rule, the paper's beta (default 100). */
        public B optPatience(int value) {
            patience = value;
            return self();
        }

        /** Stop once the cost is at most this, the paper's gamma (default 0.01: confidence 0.99). */
        public B optThreshold(double value) {
            threshold = value;
            return self();
        }

        /** Strength in [0, 1] of the smoothing in PROCESS (default 0: clipping only). */
        public B optSmoothing(double value) {
            smoothing = value;
            return self();
        }

        /** The start point (default {@link Start#ZERO}). */
        public B optStart(Start value) {
            start = value;
            startImage = null;
            return self();
        }

        /** Start from this image, e.g. the mean of auxiliary data; shaped like one model input. */
        public B optStartImage(FloatTensor value) {
            startImage = Objects.requireNonNull(value, "start image");
            return self();
        }

        /** The auxiliary term of the cost (default {@link AuxiliaryTerm#none()}). */
        public B optAuxiliary(AuxiliaryTerm value) {
            auxiliary = value;
            return self();
        }

        /** The most queries to spend on one target class (at least 1). */
        public B optQueryBudget(long value) {
            queryBudget = value;
            return self();
        }

        /** The attack. */
        public abstract MiFace<M> build();

        void validate() {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (!(step > 0) || Double.isInfinite(step)) {
                throw new IllegalArgumentException("step size must be a positive number, got " + step);
            }
            if (patience < 1) {
                throw new IllegalArgumentException("patience must be at least 1, got " + patience);
            }
            if (!(threshold >= 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in [0, 1), got " + threshold);
            }
            if (!(smoothing >= 0 && smoothing <= 1)) {
                throw new IllegalArgumentException("smoothing must be in [0, 1], got " + smoothing);
            }
            if (start == null) {
                throw new IllegalArgumentException("start is required");
            }
            if (auxiliary == null) {
                throw new IllegalArgumentException("auxiliary term is required; use AuxiliaryTerm.none()");
            }
            if (queryBudget < 1) {
                throw new IllegalArgumentException("query budget must be at least 1, got " + queryBudget);
            }
        }
    }

    /** Builds white-box MI-Face. */
    public static final class WhiteBoxBuilder extends Builder<DifferentiableClassifier, WhiteBoxBuilder> {
        private WhiteBoxBuilder() {
            super(Long.MAX_VALUE);
        }

        @Override
        WhiteBoxBuilder self() {
            return this;
        }

        @Override
        public MiFace<DifferentiableClassifier> build() {
            validate();
            return new MiFace<>(this, ExactGradient.INSTANCE);
        }
    }

    /** Builds black-box MI-Face; adds the settings of the NES gradient estimate. */
    public static final class BlackBoxBuilder extends Builder<Classifier, BlackBoxBuilder> {
        private int samples = 25;
        private double sigma = 0.01;
        private long seed = 0;

        private BlackBoxBuilder() {
            super(20_000);
        }

        @Override
        BlackBoxBuilder self() {
            return this;
        }

        /** Antithetic pairs per gradient estimate, {@code 2 *} that many queries (default 25). */
        public BlackBoxBuilder optSamples(int value) {
            samples = value;
            return this;
        }

        /** NES smoothing radius as a fraction of the input range, in (0, 1] (default 0.01). */
        public BlackBoxBuilder optSigma(double value) {
            sigma = value;
            return this;
        }

        /** Seed of the NES noise (default 0). */
        public BlackBoxBuilder optSeed(long value) {
            seed = value;
            return this;
        }

        @Override
        public MiFace<Classifier> build() {
            validate();
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be at least 1, got " + samples);
            }
            if (!(sigma > 0 && sigma <= 1)) {
                throw new IllegalArgumentException(
                        "sigma must be in (0, 1] (a fraction of the input range), got " + sigma);
            }
            return new MiFace<>(this, new NesGradient(samples, sigma, seed));
        }
    }
}
