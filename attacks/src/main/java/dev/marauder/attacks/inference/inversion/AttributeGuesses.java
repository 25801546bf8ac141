package dev.marauder.attacks.inference.inversion;

/**
 * The guesses of an attribute-inference attack for a set of rows.
 *
 * @param guesses the guessed value index of each row
 * @param posteriors per row, the normalised scores {@code P(observed | x_v) * prior(v)} over the
 *     values (the prior itself when the model gives every candidate probability 0)
 * @param queries model queries spent: rows times values
 */
public record AttributeGuesses(int[] guesses, double[][] posteriors, long queries) {

    /** Copies the arrays, so the record owns its values. */
    public AttributeGuesses {
        guesses = guesses.clone();
        double[][] copy = new double[posteriors.length][];
        for (int i = 0; i < posteriors.length; i++) {
            copy[i] = posteriors[i].clone();
        }
        posteriors = copy;
    }

    /** The guessed value index of each row, as a copy. */
    @Override
    public int[] guesses() {
        return guesses.clone();
    }

    /** Per row, the normalised scores over the values, as a copy. */
    @Override
    public double[][] posteriors() {
        double[][] copy = new double[posteriors.length][];
        for (int i = 0; i < posteriors.length; i++) {
            copy[i] = posteriors[i].clone();
        }
        return copy;
    }
}
