package dev.marauder.privacy.accounting;

import dev.marauder.privacy.accounting.PrivacyLossDistribution.Adjacency;
import dev.marauder.stats.Require;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accounting of DP-SGD with privacy loss distributions: for each direction of add-or-remove
 * adjacency, the pessimistic PLD of one step of every recorded segment is composed with itself
 * for the segment's steps and with the other segments ({@link PrivacyLossDistribution}, Koskela,
 * Jälkö and Honkela 2020; Doroshenko et al. 2022), and epsilon is the larger of the two
 * directions' epsilons. The result is an upper bound on the true epsilon, tighter than
 * {@link RdpAccountant}'s (RDP's conversion to (epsilon, delta) loses a little at every order);
 * how tight is set by the grid step, {@code interval}. This is what dp_accounting's
 * {@code PLDAccountant} computes for Poisson-sampled Gaussian events.
 *
 * <p>Cost: one discretisation and one FFT self-composition per segment (both directions share
 * the FFT), plus one FFT convolution per additional segment; about 0.1 to 0.4 s for 100,000 steps
 * of one segment at the default interval (see the bench module's {@code AccountingBenchmark}). Many different
 * segments (a noise schedule that changes at every step) cost one convolution each.
 *
 * <p>Stateful, not thread-safe; the composed distributions are cached until the history changes.
 * {@link #copy()} gives an independent accountant.
 */
public final class PldAccountant implements PrivacyAccountant {
    private final double interval;
    private final History history;
    private long cachedVersion = -1;
    private PrivacyLossDistribution cachedRemove;
    private PrivacyLossDistribution cachedAdd;
    private boolean cachedNonPrivate;
    /** One-step PLDs of the most recently used (noise, rate, direction) triples. */
    private final Map<List<Object>, PrivacyLossDistribution> oneStepCache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, PrivacyLossDistribution> eldest) {
            return size() > 8;
        }
    };

    /** An accountant with losses on a grid of {@link PrivacyLossDistribution#DEFAULT_INTERVAL}. */
    public PldAccountant() {
        this(PrivacyLossDistribution.DEFAULT_INTERVAL);
    }

    /**
     * An accountant with losses on a grid of step {@code interval}: smaller is tighter and slower
     * (the work grows about as {@code 1/interval}).
     *
     * @throws IllegalArgumentException if {@code interval} is not finite and positive
     */
    public PldAccountant(double interval) {
        if (!(interval > 0) || Double.isInfinite(interval)) {
            throw new IllegalArgumentException("interval must be finite and > 0, got " + interval);
        }
        this.interval = interval;
        this.history = new History();
    }

    private PldAccountant(PldAccountant other) {
        this.interval = other.interval;
        this.history = new History(other.history);
        this.oneStepCache.putAll(other.oneStepCache);
    }

    @Override
    public void step(double noiseMultiplier, double sampleRate, long steps) {
        history.add(noiseMultiplier, sampleRate, steps);
    }

    @Override
    public double epsilon(double delta) {
        Require.delta(delta);
        compose();
        if (cachedNonPrivate) {
            return Double.POSITIVE_INFINITY;
        }
        if (cachedRemove == null) {
            // No grid can hold these distributions: RDP's epsilon is a valid (looser) upper bound.
            RdpAccountant rdp = new RdpAccountant();
            history.segments().forEach(s -> rdp.step(s.noiseMultiplier(), s.sampleRate(), s.steps()));
            return rdp.epsilon(delta);
        }
        return Math.max(cachedRemove.epsilonForDelta(delta), cachedAdd.epsilonForDelta(delta));
    }

    /**
     * The grid step actually used: {@link #interval()}, or a coarser one (10x, 100x, ... up to
     * {@value #MAX_COARSENING}x) when the losses of a step do not fit a grid that fine (tiny noise
     * multipliers); NaN when none fits and {@link #epsilon} falls back to RDP's upper bound. A
     * coarser grid gives a looser but still valid (pessimistic) epsilon.
     */
    public double effectiveInterval() {
        compose();
        return cachedRemove == null ? Double.NaN : cachedRemove.interval();
    }

    /** The smallest delta for which the history is (epsilon, delta)-DP, by this accountant's PLDs. */
    public double delta(double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        compose();
        if (cachedNonPrivate || cachedRemove == null) {
            return 1; // no finite guarantee computed: the only safe delta
        }
        return Math.max(cachedRemove.deltaForEpsilon(epsilon), cachedAdd.deltaForEpsilon(epsilon));
    }

    /**
     * The composed PLD of the whole history in one direction ({@code null} if a step without
     * noise makes it undefined).
     */
    public PrivacyLossDistribution distribution(Adjacency adjacency) {
        compose();
        if (cachedNonPrivate) {
            return null;
        }
        return adjacency == Adjacency.REMOVE ? cachedRemove : cachedAdd;
    }

    /** The grid step of the losses. */
    public double interval() {
        return interval;
    }

    @Override
    public List<Segment> history() {
        return history.segments();
    }

    @Override
    public PldAccountant copy() {
        return new PldAccountant(this);
    }

    @Override
    public String mechanism() {
        return "pld";
    }

    /** The largest factor by which the grid is coarsened before falling back to RDP. */
    static final int MAX_COARSENING = 100_000;

    /**
     * The most grid points one step's distribution may take before the grid is coarsened: only
     * very small noise multipliers (below about 0.2) reach it, whose epsilons are in the
     * hundreds or more, where a coarser grid costs nothing that matters and saves minutes.
     */
    static final double MAX_ONE_STEP_POINTS = 1 << 20;

    private void compose() {
        if (cachedVersion == history.version()) {
            return;
        }
        List<Segment> segments = history.segments();
        cachedNonPrivate = segments.stream().anyMatch(Segment::isNonPrivate);
        cachedRemove = null;
        cachedAdd = null;
        if (!cachedNonPrivate) {
            double start = interval;
            for (Segment s : segments) {
                while (!s.isNoOp()
                        && start <= interval * MAX_COARSENING
                        && Math.max(
                                        PrivacyLossDistribution.gridPoints(
                                                s.noiseMultiplier(), s.sampleRate(), Adjacency.REMOVE, start),
                                        PrivacyLossDistribution.gridPoints(
                                                s.noiseMultiplier(), s.sampleRate(), Adjacency.ADD, start))
                                > MAX_ONE_STEP_POINTS) {
                    start *= 10;
                }
            }
            for (double h = start; h <= interval * MAX_COARSENING; h *= 10) {
                try {
                    composeAt(segments, h);
                    break;
                } catch (IllegalArgumentException | ArithmeticException e) {
                    // the losses do not fit this grid: try a coarser one
                    cachedRemove = null;
                    cachedAdd = null;
                }
            }
        }
        cachedVersion = history.version();
    }

    private void composeAt(List<Segment> segments, double h) {
        // With q = 1 everywhere the two directions have the same distribution.
        boolean symmetric = segments.stream().allMatch(s -> s.sampleRate() == 1 || s.isNoOp());
        PrivacyLossDistribution remove = PrivacyLossDistribution.identity(h);
        PrivacyLossDistribution add = remove;
        for (Segment s : segments) {
            if (s.isNoOp()) {
                continue;
            }
            PrivacyLossDistribution[] composed = PrivacyLossDistribution.selfCompose(
                    oneStep(s, Adjacency.REMOVE, h), symmetric ? null : oneStep(s, Adjacency.ADD, h), s.steps());
            remove = remove.compose(composed[0]);
            add = symmetric ? remove : add.compose(composed[1]);
        }
        cachedRemove = remove;
        cachedAdd = add;
    }

    private PrivacyLossDistribution oneStep(Segment s, Adjacency adjacency, double h) {
        return oneStepCache.computeIfAbsent(
                List.of(s.noiseMultiplier(), s.sampleRate(), adjacency, h),
                key -> PrivacyLossDistribution.subsampledGaussian(s.noiseMultiplier(), s.sampleRate(), adjacency, h));
    }
}
