package dev.marauder.attacks.evasion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warning signs that robustness numbers are inflated by gradient masking rather than real
 * robustness, after Athalye, Carlini &amp; Wagner 2018 ("Obfuscated Gradients Give a False Sense of
 * Security") and Carlini et al. 2019 ("On Evaluating Adversarial Robustness"):
 * <ul>
 *   <li>a single-step attack (FGSM) beats an iterative one (PGD) at the same budget;
 *   <li>robust accuracy under an iterative attack rises with a larger budget;
 *   <li>accuracy does not reach (near) zero at a budget large enough to destroy any input;
 *   <li>the loss gradient is exactly zero for some inputs;
 *   <li>a black-box attack does better than every white-box attack.
 * </ul>
 *
 * @param tolerance slack on accuracy comparisons (e.g. 0.02 for sampling noise)
 */
public record GradientMaskingCheck(double tolerance) {

    /** A robust-accuracy curve of one attack. */
    public record Curve(
            String attack, boolean whiteBox, boolean iterative, double[] epsilons, double[] robustAccuracy) {
        public Curve {
            if (epsilons.length != robustAccuracy.length) {
                throw new IllegalArgumentException("epsilons and accuracies differ in length");
            }
        }

        /** The curve of a robustness evaluation. */
        public static Curve of(RobustnessResult r, boolean whiteBox, boolean iterative) {
            double[] e = r.perEpsilon().stream()
                    .mapToDouble(RobustnessResult.AtEpsilon::epsilon)
                    .toArray();
            double[] a = r.perEpsilon().stream()
                    .mapToDouble(RobustnessResult.AtEpsilon::robustAccuracy)
                    .toArray();
            return new Curve(r.attack(), whiteBox, iterative, e, a);
        }

        double at(double eps) {
            for (int i = 0; i < epsilons.length; i++) {
                if (epsilons[i] == eps) {
                    return robustAccuracy[i];
                }
            }
            return Double.NaN;
        }
    }

    /**
     * The warnings for a set of curves.
     *
     * @param curves robust accuracy of each attack
     * @param zeroGradientFraction share of inputs whose loss gradient is exactly zero (NaN if unknown)
     * @param largeEpsilon a budget that should destroy every input (NaN if not measured)
     * @param largeEpsilonAccuracy robust accuracy of an iterative attack at {@code largeEpsilon}
     */
    public List<String> warnings(
            List<Curve> curves, double zeroGradientFraction, double largeEpsilon, double largeEpsilonAccuracy) {
        List<String> out = new ArrayList<>();
        for (Curve single : curves) {
            for (Curve iterative : curves) {
                if (!single.whiteBox() || single.iterative() || !iterative.whiteBox() || !iterative.iterative()) {
                    continue;
                }
                for (double eps : single.epsilons()) {
                    double a = single.at(eps);
                    double b = iterative.at(eps);
                    if (a < b - tolerance) {
                        out.add(String.format(
                                Locale.ROOT,
                                "%s is stronger than %s at eps %s (robust accuracy %.4f vs %.4f): a single step should"
                                        + " never beat many; the gradients may be masked.",
                                single.attack(),
                                iterative.attack(),
                                eps,
                                a,
                                b));
                    }
                }
            }
        }
        for (Curve c : curves) {
            if (!c.iterative()) {
                continue;
            }
            for (int i = 1; i < c.epsilons().length; i++) {
                if (c.epsilons()[i] > c.epsilons()[i - 1]
                        && c.robustAccuracy()[i] > c.robustAccuracy()[i - 1] + tolerance) {
                    out.add(String.format(
                            Locale.ROOT,
                            "%s robust accuracy rises from %.4f to %.4f as eps grows from %s to %s: a larger budget"
                                    + " can only help an attack that works.",
                            c.attack(),
                            c.robustAccuracy()[i - 1],
                            c.robustAccuracy()[i],
                            c.epsilons()[i - 1],
                            c.epsilons()[i]));
                }
            }
        }
        if (!Double.isNaN(largeEpsilon) && largeEpsilonAccuracy > tolerance) {
            out.add(String.format(
                    Locale.ROOT,
                    "accuracy is still %.4f under an iterative attack at eps %s, a budget that can turn any input into"
                            + " any other; it should be (near) zero, so the attack is being blocked.",
                    largeEpsilonAccuracy,
                    largeEpsilon));
        }
        if (zeroGradientFraction > 0) {
            out.add(String.format(
                    Locale.ROOT,
                    "the loss gradient is exactly zero for %.2f%% of inputs: gradient attacks cannot move them"
                            + " (shattered or vanishing gradients); try a black-box or BPDA attack.",
                    100 * zeroGradientFraction));
        }
        for (Curve black : curves) {
            if (black.whiteBox()) {
                continue;
            }
            for (double eps : black.epsilons()) {
                double best = Double.POSITIVE_INFINITY;
                for (Curve white : curves) {
                    if (white.whiteBox() && !Double.isNaN(white.at(eps))) {
                        best = Math.min(best, white.at(eps));
                    }
                }
                if (black.at(eps) < best - tolerance) {
                    out.add(String.format(
                            Locale.ROOT,
                            "black-box %s beats every white-box attack at eps %s (%.4f vs %.4f): the white-box"
                                    + " gradients are not informative.",
                            black.attack(),
                            eps,
                            black.at(eps),
                            best));
                }
            }
        }
        return out;
    }
}
