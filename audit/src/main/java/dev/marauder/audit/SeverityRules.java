package dev.marauder.audit;

import dev.marauder.report.Severity;

/**
 * Every rule that turns an audit's headline number into a {@link Severity}, in one place. Each rule
 * has a text (the {@code rule} column of the summary table, copied to the README) and a method that
 * applies it; the thresholds are the public constants below, and the texts name them.
 *
 * <p>The thresholds are judgement calls, chosen to be easy to state and to err towards a higher
 * severity: a practical attack at the audit's own (small) budget is high; one that needs a large
 * budget or succeeds only partly is medium.
 */
public final class SeverityRules {
    /** Evasion: high when robust accuracy at the largest budget is at most this share of clean accuracy. */
    public static final double EVASION_HIGH_RATIO = 0.1;
    /** Evasion: medium when robust accuracy at the largest budget is at most this share of clean accuracy. */
    public static final double EVASION_MEDIUM_RATIO = 0.5;
    /** Membership inference: the false-positive rate at which the true-positive rate is read (0.1%). */
    public static final double MEMBERSHIP_FPR = 0.001;
    /** Membership inference: high when TPR at 0.1% FPR reaches this (10x the FPR). */
    public static final double MEMBERSHIP_HIGH_TPR = 0.01;
    /** Membership inference: medium when TPR at 0.1% FPR reaches this (2x the FPR). */
    public static final double MEMBERSHIP_MEDIUM_TPR = 0.002;
    /** Membership inference: high when the AUC reaches this. */
    public static final double MEMBERSHIP_HIGH_AUC = 0.8;
    /** Membership inference: medium when the AUC reaches this. */
    public static final double MEMBERSHIP_MEDIUM_AUC = 0.6;
    /** Differential privacy: high above this formal epsilon. */
    public static final double DP_HIGH_EPSILON = 10;
    /** Differential privacy: medium above this formal epsilon, low at or below it. */
    public static final double DP_MEDIUM_EPSILON = 1;
    /** Empirical audit of a run without DP: high when the epsilon lower bound reaches this. */
    public static final double AUDIT_NON_PRIVATE_HIGH = 1;
    /** Memorization: high when the highest canary exposure reaches this share of the maximum. */
    public static final double EXPOSURE_HIGH_SHARE = 0.9;
    /** Memorization: medium when the highest canary exposure reaches this share of the maximum. */
    public static final double EXPOSURE_MEDIUM_SHARE = 0.5;

    /** The rule of {@link #evasion}. */
    public static final String EVASION = "high if robust accuracy at the largest budget <= 0.1 x clean accuracy,"
            + " medium if <= 0.5 x, else low; low becomes medium when gradient masking is suspected;"
            + " not assessed when clean accuracy or the largest budget is 0";
    /** The rule of {@link #blackBoxEvasion}. */
    public static final String BLACK_BOX_EVASION = "high if a query-only attack brings robust accuracy at the largest"
            + " budget to <= 0.1 x clean accuracy, medium if <= 0.5 x, else low; not assessed when clean accuracy or"
            + " the largest budget is 0";
    /** The rule of {@link #membership}. */
    public static final String MEMBERSHIP = "high if TPR at 0.1% FPR >= 0.01 (10x the FPR) or AUC >= 0.8;"
            + " medium if TPR at 0.1% FPR >= 0.002 (2x the FPR) or AUC >= 0.6; else low (best attack of every run)";
    /** The rule of {@link #differentialPrivacy}. */
    public static final String DIFFERENTIAL_PRIVACY =
            "high if not trained with DP, if DP-SGD used seeded (reproducible,"
                    + " not private) noise and sampling, or if formal epsilon > 10; medium if epsilon > 1; low if epsilon <= 1";
    /** The rule of {@link #empiricalAudit}. */
    public static final String EMPIRICAL_AUDIT = "DP run: high if the audited epsilon lower bound exceeds the claimed"
            + " epsilon (an implementation or accounting bug), else low; run without DP: high if the lower bound >= 1,"
            + " medium if > 0, low if 0";
    /** The rule of {@link #memorization}. */
    public static final String MEMORIZATION = "high if any canary was extracted or the highest exposure >= 0.9 x the"
            + " maximum; medium if >= 0.5 x the maximum; else low";
    /** The rule of {@link #inversion}. */
    public static final String INVERSION = "not assessed: the model's confidence in each reconstruction is measured,"
            + " not its similarity to training data; judge the images";
    /** The rule of {@link #inputTransformation}. */
    public static final String INPUT_TRANSFORMATION = "high if an adaptive attack (BPDA/EOT) removes the defense's gain"
            + " over the undefended model (broken) or it has none; medium if it keeps a gain but the gradient-masking"
            + " checks warn; else low";
    /** The rule of {@link #certification}. */
    public static final String CERTIFICATION = "low if the certified accuracy at L2 radius sigma / 2 is >= 0.5 x the"
            + " model's clean accuracy; medium if >= 0.1 x; else high";

    /** The rule of {@link #admissionControl}. */
    public static final String ADMISSION_CONTROL = "low if credibility tells adversarial from clean inputs with AUC"
            + " >= 0.9; medium if >= 0.7; else high (the admission control protects little)";

    /** The rule of {@link #extraction}. */
    public static final String EXTRACTION = "high if a copy agreeing with the model on 0.99 of the test inputs took at"
            + " most 10 (d + 1) queries (d: input values); medium if it took more (up to the audit's 100 (d + 1));"
            + " low if no attempt reached 0.99 (a stronger attacker may still)";

    /** Queries per input value, plus one, up to which an extraction is rated high. */
    public static final int EXTRACTION_HIGH_QUERIES_PER_FEATURE = 10;

    /** The rule of {@link #baseline}. */
    public static final String BASELINE = "informational: the clean accuracy every other number is read against";

    public static final String GATEWAY = "of three protections seen during the audit's own attacks (hardened outputs;"
            + " a budget or rate limit enforced or reported; an alert raised): low if two or more, medium if one,"
            + " high if none";

    private SeverityRules() {}

    /**
     * Evasion robustness ({@link #EVASION}).
     *
     * @param robustAccuracy the lowest robust accuracy of any attack at the largest budget
     * @param cleanAccuracy accuracy on the same unperturbed examples
     * @param largestEpsilon the largest budget tried
     * @param maskingSuspected whether a gradient-masking check warned
     */
    public static Severity evasion(
            double robustAccuracy, double cleanAccuracy, double largestEpsilon, boolean maskingSuspected) {
        if (!(cleanAccuracy > 0) || !(largestEpsilon > 0)) {
            return Severity.NOT_ASSESSED;
        }
        double ratio = robustAccuracy / cleanAccuracy;
        if (ratio <= EVASION_HIGH_RATIO) {
            return Severity.HIGH;
        }
        if (ratio <= EVASION_MEDIUM_RATIO || maskingSuspected) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    /**
     * Black-box evasion ({@link #BLACK_BOX_EVASION}): the thresholds of {@link #evasion}, for attacks
     * that only query the model.
     *
     * @param robustAccuracy the lowest robust accuracy of any black-box attack at the largest budget
     * @param cleanAccuracy accuracy on the same unperturbed examples
     * @param largestEpsilon the largest budget tried
     */
    public static Severity blackBoxEvasion(double robustAccuracy, double cleanAccuracy, double largestEpsilon) {
        return evasion(robustAccuracy, cleanAccuracy, largestEpsilon, false);
    }

    /**
     * Membership inference ({@link #MEMBERSHIP}).
     *
     * @param tprAtLowFpr the best true-positive rate at 0.1% false-positive rate, NaN if not measured
     * @param auc the best area under the ROC curve, NaN if not measured
     */
    public static Severity membership(double tprAtLowFpr, double auc) {
        if (Double.isNaN(tprAtLowFpr) && Double.isNaN(auc)) {
            return Severity.NOT_ASSESSED;
        }
        if (tprAtLowFpr >= MEMBERSHIP_HIGH_TPR || auc >= MEMBERSHIP_HIGH_AUC) {
            return Severity.HIGH;
        }
        if (tprAtLowFpr >= MEMBERSHIP_MEDIUM_TPR || auc >= MEMBERSHIP_MEDIUM_AUC) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    /**
     * The formal guarantee ({@link #DIFFERENTIAL_PRIVACY}).
     *
     * @param trainedWithDp whether the model card records DP training
     * @param secureRandomness whether its noise and sampling were secure (ignored without DP)
     * @param epsilon the formal epsilon (ignored without DP)
     */
    public static Severity differentialPrivacy(boolean trainedWithDp, boolean secureRandomness, double epsilon) {
        if (!trainedWithDp || !secureRandomness || !(epsilon <= DP_HIGH_EPSILON)) {
            return Severity.HIGH;
        }
        return epsilon > DP_MEDIUM_EPSILON ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * One empirical privacy audit ({@link #EMPIRICAL_AUDIT}).
     *
     * @param claimedEpsilon the run's formal epsilon, or null for a run without DP
     * @param lowerBound the audited epsilon lower bound
     */
    public static Severity empiricalAudit(Double claimedEpsilon, double lowerBound) {
        if (claimedEpsilon != null) {
            return lowerBound > claimedEpsilon ? Severity.HIGH : Severity.LOW;
        }
        if (lowerBound >= AUDIT_NON_PRIVATE_HIGH) {
            return Severity.HIGH;
        }
        return lowerBound > 0 ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * Canary memorization ({@link #MEMORIZATION}).
     *
     * @param extracted canaries the extraction search recovered
     * @param highestExposure the highest exposure of any canary, in bits
     * @param maxExposure the largest possible exposure (log2 of the number of candidates)
     */
    public static Severity memorization(long extracted, double highestExposure, double maxExposure) {
        if (extracted > 0) {
            return Severity.HIGH;
        }
        if (!(maxExposure > 0)) {
            return Severity.NOT_ASSESSED;
        }
        double share = highestExposure / maxExposure;
        if (share >= EXPOSURE_HIGH_SHARE) {
            return Severity.HIGH;
        }
        return share >= EXPOSURE_MEDIUM_SHARE ? Severity.MEDIUM : Severity.LOW;
    }

    /** Model inversion ({@link #INVERSION}): no number measures reconstruction quality, so not assessed. */
    public static Severity inversion() {
        return Severity.NOT_ASSESSED;
    }

    /**
     * Model extraction ({@link #EXTRACTION}).
     *
     * @param queriesToTarget queries of the first attempt that reached 0.99 test fidelity, or null
     * @param features input values d of one example
     */
    public static Severity extraction(Long queriesToTarget, int features) {
        if (queriesToTarget == null) {
            return Severity.LOW;
        }
        return queriesToTarget <= (long) EXTRACTION_HIGH_QUERIES_PER_FEATURE * (features + 1)
                ? Severity.HIGH
                : Severity.MEDIUM;
    }

    /** The clean-accuracy baseline ({@link #BASELINE}): informational, not assessed. */
    public static Severity baseline() {
        return Severity.NOT_ASSESSED;
    }

    /**
     * An input-transformation defense ({@link #INPUT_TRANSFORMATION}).
     *
     * @param verdict {@code broken}, {@code holds} or {@code no gain}
     * @param maskingWarnings how many gradient-masking warnings the defended model raised
     */
    public static Severity inputTransformation(String verdict, int maskingWarnings) {
        if (!"holds".equals(verdict)) {
            return Severity.HIGH;
        }
        return maskingWarnings > 0 ? Severity.MEDIUM : Severity.LOW;
    }

    /**
     * Randomized-smoothing certification ({@link #CERTIFICATION}).
     *
     * @param certifiedAtHalfSigma certified accuracy at radius {@code sigma / 2}
     * @param cleanAccuracy the model's clean accuracy on the same examples
     */
    public static Severity certification(double certifiedAtHalfSigma, double cleanAccuracy) {
        if (!(cleanAccuracy > 0) || Double.isNaN(certifiedAtHalfSigma)) {
            return Severity.NOT_ASSESSED;
        }
        if (certifiedAtHalfSigma >= 0.5 * cleanAccuracy) {
            return Severity.LOW;
        }
        return certifiedAtHalfSigma >= 0.1 * cleanAccuracy ? Severity.MEDIUM : Severity.HIGH;
    }

    /** Deep k-NN admission control ({@link #ADMISSION_CONTROL}), from the detector's AUC. */
    public static Severity admissionControl(double auc) {
        if (Double.isNaN(auc)) {
            return Severity.NOT_ASSESSED;
        }
        return auc >= 0.9 ? Severity.LOW : auc >= 0.7 ? Severity.MEDIUM : Severity.HIGH;
    }

    /**
     * What a secure prediction gateway let through during the audit ({@link #GATEWAY}).
     *
     * @param hardened whether the outputs were hardened (not the model's full scores)
     * @param limited whether a budget or rate limit was reported or enforced
     * @param alerted whether an alert was raised on the audit's queries
     */
    public static Severity gateway(boolean hardened, boolean limited, boolean alerted) {
        int protections = (hardened ? 1 : 0) + (limited ? 1 : 0) + (alerted ? 1 : 0);
        return protections >= 2 ? Severity.LOW : protections == 1 ? Severity.MEDIUM : Severity.HIGH;
    }
}
