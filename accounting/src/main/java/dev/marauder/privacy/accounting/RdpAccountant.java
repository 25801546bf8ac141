package dev.marauder.privacy.accounting;

import dev.marauder.stats.Require;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moments-accountant style accounting of DP-SGD with Rényi differential privacy: the RDP of every
 * recorded step is summed per order ({@link RdpMath#rdp}, Mironov, Talwar and Zhang 2019) and
 * converted to (epsilon, delta) with the conversion of Balle et al. 2020
 * ({@link RdpMath#epsilon}). This is what Opacus's {@code RDPAccountant} and TensorFlow Privacy's
 * {@code compute_dp_sgd_privacy} compute; it is fast (milliseconds for any number of steps) and a
 * valid upper bound, though looser than {@link PldAccountant}.
 *
 * <p>Stateful, not thread-safe; {@link #copy()} gives an independent accountant.
 */
public final class RdpAccountant implements PrivacyAccountant {
    private final double[] orders;
    private final History history;
    /**
     * Per-step RDP vectors of the most recently used (noise, rate) pairs, so that a training loop
     * asking for epsilon after every step does not recompute them.
     */
    private final Map<List<Double>, double[]> perStep = newCache();

    /** An accountant over {@link RdpMath#defaultOrders()}. */
    public RdpAccountant() {
        this(RdpMath.defaultOrders());
    }

    /**
     * An accountant over the given Rényi orders (each above 1; copied).
     *
     * @throws IllegalArgumentException if there are no orders or one is not above 1
     */
    public RdpAccountant(double[] orders) {
        if (orders.length == 0) {
            throw new IllegalArgumentException("at least one RDP order is needed");
        }
        for (double a : orders) {
            if (!(a > 1)) {
                throw new IllegalArgumentException("RDP order must be > 1, got " + a);
            }
        }
        this.orders = orders.clone();
        this.history = new History();
    }

    private RdpAccountant(RdpAccountant other) {
        this.orders = other.orders;
        this.history = new History(other.history);
        this.perStep.putAll(other.perStep);
    }

    private static Map<List<Double>, double[]> newCache() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Double>, double[]> eldest) {
                return size() > 32;
            }
        };
    }

    @Override
    public void step(double noiseMultiplier, double sampleRate, long steps) {
        history.add(noiseMultiplier, sampleRate, steps);
    }

    @Override
    public double epsilon(double delta) {
        return spent(delta).epsilon();
    }

    /** The epsilon for {@code delta} together with the optimal order. */
    public RdpMath.EpsilonAndOrder spent(double delta) {
        Require.delta(delta);
        if (history.segments().isEmpty()) {
            return new RdpMath.EpsilonAndOrder(0, Double.NaN);
        }
        return RdpMath.epsilon(orders, rdp(), delta);
    }

    /** The total RDP of the history at each of {@link #orders()}. */
    public double[] rdp() {
        double[] total = new double[orders.length];
        for (Segment s : history.segments()) {
            double[] one = perStep.computeIfAbsent(
                    List.of(s.noiseMultiplier(), s.sampleRate()),
                    key -> RdpMath.rdp(s.noiseMultiplier(), s.sampleRate(), 1, orders));
            for (int k = 0; k < total.length; k++) {
                total[k] += one[k] * s.steps();
            }
        }
        return total;
    }

    /** The Rényi orders (a copy). */
    public double[] orders() {
        return orders.clone();
    }

    @Override
    public List<Segment> history() {
        return history.segments();
    }

    @Override
    public RdpAccountant copy() {
        return new RdpAccountant(this);
    }

    @Override
    public String mechanism() {
        return "rdp";
    }
}
