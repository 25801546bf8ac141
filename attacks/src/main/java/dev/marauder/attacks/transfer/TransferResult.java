package dev.marauder.attacks.transfer;

import dev.marauder.core.provenance.Provenance;
import java.util.List;

/**
 * What a {@link TransferAttack} found.
 *
 * @param attack the white-box attack crafted on the substitute
 * @param substituteArchitecture the substitute's architecture
 * @param substituteQueries target queries spent labelling the substitute's training set
 * @param evaluationQueries target queries spent measuring the transfer (clean and adversarial)
 * @param rounds the substitute's training rounds
 * @param examples evaluation examples
 * @param targetAccuracy the target's clean accuracy on them
 * @param substituteAccuracy the substitute's clean accuracy on them
 * @param agreement share of them on which substitute and target predict the same label
 * @param perEpsilon results per budget, in request order
 * @param seconds wall time, substitute training included
 * @param provenance settings, seeds and data hashes
 */
public record TransferResult(
        String attack,
        String substituteArchitecture,
        long substituteQueries,
        long evaluationQueries,
        List<SubstituteTraining.Round> rounds,
        int examples,
        double targetAccuracy,
        double substituteAccuracy,
        double agreement,
        List<AtEpsilon> perEpsilon,
        double seconds,
        Provenance provenance) {

    /** Copies the lists. */
    public TransferResult {
        rounds = List.copyOf(rounds);
        perEpsilon = List.copyOf(perEpsilon);
    }

    /**
     * Results at one budget.
     *
     * @param epsilon the budget
     * @param targetRobustAccuracy the target's accuracy on the transferred examples (examples it
     *     already got wrong count as failures)
     * @param transferSuccessRate share of the examples the target classifies correctly that the
     *     transferred example makes it misclassify
     * @param substituteSuccessRate the white-box attack's success rate on the substitute itself
     * @param substituteRobustAccuracy the substitute's accuracy on its own adversarial examples
     * @param meanPerturbation mean perturbation norm
     */
    public record AtEpsilon(
            double epsilon,
            double targetRobustAccuracy,
            double transferSuccessRate,
            double substituteSuccessRate,
            double substituteRobustAccuracy,
            double meanPerturbation) {}
}
