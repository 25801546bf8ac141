package dev.marauder.privacy.accounting;

/**
 * A run of identical DP-SGD steps: {@code steps} applications of the sampled Gaussian mechanism,
 * each with Poisson sampling of every example at rate {@code sampleRate} and Gaussian noise of
 * standard deviation {@code noiseMultiplier} times the L2 clipping norm (the sensitivity).
 * An accountant's history is a list of segments, so noise and sample rate may change during
 * training (heterogeneous composition).
 *
 * @param noiseMultiplier noise standard deviation divided by the sensitivity; {@code >= 0}, where 0
 *     means no noise (no privacy unless the sample rate is 0)
 * @param sampleRate probability that each example takes part in a step, in {@code [0, 1]}
 * @param steps number of steps, {@code >= 1}
 */
public record Segment(double noiseMultiplier, double sampleRate, long steps) {
    /** Validates the settings; the message names the offending value. */
    public Segment {
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in [0, 1], got " + sampleRate);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
    }

    /** True when the steps leak nothing: nothing is sampled. */
    boolean isNoOp() {
        return sampleRate == 0;
    }

    /** True when the steps have no privacy at all: examples are sampled and no noise is added. */
    boolean isNonPrivate() {
        return sampleRate > 0 && noiseMultiplier == 0;
    }

    /** True when {@code other} has the same noise and sample rate, so the two can be merged. */
    boolean sameMechanism(Segment other) {
        return Double.compare(noiseMultiplier, other.noiseMultiplier) == 0
                && Double.compare(sampleRate, other.sampleRate) == 0;
    }

    /** This segment with {@code more} steps added. */
    Segment plus(long more) {
        return new Segment(noiseMultiplier, sampleRate, Math.addExact(steps, more));
    }
}
