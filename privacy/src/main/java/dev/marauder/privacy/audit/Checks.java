package dev.marauder.privacy.audit;

/** Argument checks shared by the audits, with messages that name the value. */
final class Checks {
    private Checks() {}

    static double confidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        return confidence;
    }

    static double delta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
        }
        return delta;
    }

    static void counts(int canaries, int guesses, int correct) {
        if (canaries < 1) {
            throw new IllegalArgumentException("canaries must be >= 1, got " + canaries);
        }
        if (guesses < 0 || guesses > canaries) {
            throw new IllegalArgumentException("guesses must be in [0, canaries = " + canaries + "], got " + guesses);
        }
        if (correct < 0 || correct > guesses) {
            throw new IllegalArgumentException("correct guesses must be in [0, guesses = " + guesses + "], got "
                    + correct);
        }
    }
}
