package dev.marauder.privacy.audit;

/** Argument checks shared by the audits, with messages that name the value. */
final class Checks {
    private Checks() {}

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
