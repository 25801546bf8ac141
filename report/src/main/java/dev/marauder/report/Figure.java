package dev.marauder.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A headline number of a finding in machine-readable form, with the direction in which it gets
 * worse, so that an audit can be compared with an earlier one of the same model family: a
 * regression is a figure worse than its baseline by more than a tolerance.
 *
 * @param name the figure, e.g. {@code robust_accuracy}
 * @param value its value in this audit
 * @param higherIsWorse true when a larger value is worse (membership AUC, epsilon), false when a
 *     smaller one is (robust accuracy, queries to extract)
 * @param baseline the value in the baseline audit, or null when not compared
 * @param regressed whether it is worse than the baseline by more than the tolerance
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(String name, double value, boolean higherIsWorse, Double baseline, boolean regressed) {
    public Figure {
        SummaryLine.requireNonBlank(name, "figure name");
    }

    /** A figure not yet compared with a baseline. */
    public static Figure of(String name, double value, boolean higherIsWorse) {
        return new Figure(name, value, higherIsWorse, null, false);
    }

    /**
     * This figure compared with {@code baselineValue}: regressed when worse by more than {@code
     * tolerance x max(1, |baselineValue|)} (an absolute tolerance for rates and accuracies, a
     * relative one for epsilons and query counts). Non-finite values never count as regressions
     * unless the baseline was finite and this one is not on the worse side.
     */
    public Figure comparedWith(double baselineValue, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("a regression tolerance must be >= 0, got " + tolerance);
        }
        double worse = higherIsWorse ? value - baselineValue : baselineValue - value;
        boolean finite = Double.isFinite(value) && Double.isFinite(baselineValue);
        boolean regressed = finite
                ? worse > tolerance * Math.max(1, Math.abs(baselineValue))
                : Double.isFinite(baselineValue) && (higherIsWorse ? value > baselineValue : value < baselineValue);
        return new Figure(name, value, higherIsWorse, baselineValue, regressed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Figure f
                && name.equals(f.name)
                && Double.compare(value, f.value) == 0
                && higherIsWorse == f.higherIsWorse
                && Objects.equals(baseline, f.baseline)
                && regressed == f.regressed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value, higherIsWorse, baseline, regressed);
    }
}
