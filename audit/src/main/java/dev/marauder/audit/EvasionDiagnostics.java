package dev.marauder.audit;

import java.util.List;

/**
 * The audit's checks for gradient masking beside the robustness curves (Athalye, Carlini and
 * Wagner 2018).
 *
 * @param zeroGradientFraction share of attacked inputs whose loss gradient is exactly zero
 * @param largeEpsilon an L-infinity budget of half the input range, large enough to destroy any input
 * @param largeEpsilonAccuracy PGD robust accuracy at {@code largeEpsilon} (on up to 200 inputs)
 * @param warnings the warning signs found, empty when none
 */
public record EvasionDiagnostics(
        double zeroGradientFraction, double largeEpsilon, double largeEpsilonAccuracy, List<String> warnings) {

    /** Copies the warnings. */
    public EvasionDiagnostics {
        warnings = List.copyOf(warnings);
    }
}
