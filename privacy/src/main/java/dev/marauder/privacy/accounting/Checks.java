package dev.marauder.privacy.accounting;

/** Argument checks shared by the accountants and the math, with messages that name the value. */
final class Checks {
    private Checks() {}

    static void delta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
    }

    static void mechanism(double noiseMultiplier, double sampleRate) {
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sample rate must be in [0, 1], got " + sampleRate);
        }
    }
}
