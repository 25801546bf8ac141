package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.provenance.Provenance;
import java.util.List;

/**
 * Attribute inference against training members and non-members, the comparison of Fredrikson et
 * al. 2015 (Section 4): a model that has memorised its training rows gives its members' hidden
 * attributes away more readily than those of rows it never saw.
 *
 * @param attack the attack's name
 * @param values the sensitive attribute's values, indexed by value
 * @param prior the marginal prior the attack used, indexed by value
 * @param baselineValue the value the baseline always guesses (the prior's most likely)
 * @param members the attack's metrics on training rows
 * @param nonMembers the attack's metrics on rows the model was not trained on
 * @param queries model queries spent on both groups
 * @param provenance settings, model hashes, versions and timing
 */
public record AttributeInferenceResult(
        String attack,
        List<String> values,
        double[] prior,
        String baselineValue,
        AttributeMetrics members,
        AttributeMetrics nonMembers,
        long queries,
        Provenance provenance) {

    /** Copies the values and the prior, so the record owns them. */
    public AttributeInferenceResult {
        values = List.copyOf(values);
        prior = prior.clone();
    }

    /** The marginal prior the attack used, indexed by value, as a copy. */
    @Override
    public double[] prior() {
        return prior.clone();
    }

    /** Accuracy of always guessing {@link #baselineValue()}, over members and non-members together. */
    public double baselineAccuracy() {
        int n = members.rows() + nonMembers.rows();
        return (members.baselineAccuracy() * members.rows() + nonMembers.baselineAccuracy() * nonMembers.rows()) / n;
    }

    /** Members' accuracy minus non-members': how much more the model reveals about its training rows. */
    public double membershipAdvantage() {
        return members.accuracy() - nonMembers.accuracy();
    }
}
