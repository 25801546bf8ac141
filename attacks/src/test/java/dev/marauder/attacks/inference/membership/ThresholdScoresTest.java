package dev.marauder.attacks.inference.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The threshold-attack scores and the predictions they are computed from. Reference values from
 * mpmath at 30 digits with the formulas in the Javadoc; tolerance 1e-14, a few ulps of values of
 * order 1.
 */
class ThresholdScoresTest {
    private static final double TOLERANCE = 1e-14;

    @Test
    void scoresFromLogitsMatchReferenceValues() {
        ClassProbabilities predictions = ClassProbabilities.fromLogits(new double[][] {{2, 0, -1}});
        int[] labels = {0};
        assertThat(ThresholdScores.negativeLoss(predictions, labels)[0])
                .isCloseTo(-0.169846019556285649, within(TOLERANCE));
        assertThat(ThresholdScores.trueClassProbability(predictions, labels)[0])
                .isCloseTo(0.84379473448133947, within(TOLERANCE));
        assertThat(ThresholdScores.negativeEntropy(predictions)[0]).isCloseTo(-0.52426661672767276, within(TOLERANCE));
        assertThat(ThresholdScores.negativeModifiedEntropy(predictions, labels)[0])
                .isCloseTo(-0.042180988725440812, within(TOLERANCE));
        assertThat(ThresholdScores.logitScaledConfidence(predictions, labels)[0])
                .isCloseTo(1.68673831248177717, within(TOLERANCE));
    }

    @Test
    void scoresFromProbabilitiesMatchReferenceValues() {
        ClassProbabilities predictions = ClassProbabilities.fromProbabilities(new float[][] {{0.7f, 0.2f, 0.1f}});
        // float inputs carry about 1e-8 relative error
        double floatTolerance = 1e-7;
        assertThat(ThresholdScores.negativeLoss(predictions, new int[] {1})[0])
                .isCloseTo(-1.60943791243410037, within(floatTolerance));
        assertThat(ThresholdScores.negativeEntropy(predictions)[0])
                .isCloseTo(-0.801818552543337309, within(floatTolerance));
        assertThat(ThresholdScores.negativeModifiedEntropy(predictions, new int[] {1})[0])
                .isCloseTo(-2.14086734454121812, within(floatTolerance));
        assertThat(ThresholdScores.negativeModifiedEntropy(predictions, new int[] {0})[0])
                .isCloseTo(-0.162167245010244295, within(floatTolerance));
        assertThat(ThresholdScores.logitScaledConfidence(predictions, new int[] {0})[0])
                .isCloseTo(0.847297860387203614, within(floatTolerance));
    }

    @Test
    void logitScaledConfidenceKeepsItsDigitsWhereProbabilitiesRoundToOne() {
        // p_y = 1 - 2e-44 rounds to 1, yet phi = z_y - logsumexp(others) = 100 - log 2 exactly
        ClassProbabilities predictions = ClassProbabilities.fromLogits(new double[][] {{100, 0, 0}, {0, 0, 100}});
        double[] phi = ThresholdScores.logitScaledConfidence(predictions, new int[] {0, 0});
        assertThat(phi[0]).isCloseTo(100 - Math.log(2), within(1e-12));
        assertThat(phi[1]).isCloseTo(-100 - Math.log(1 + Math.exp(-100)), within(1e-12));
        assertThat(ThresholdScores.negativeLoss(predictions, new int[] {0, 0})[0])
                .isCloseTo(-2 * Math.exp(-100), within(1e-50));
    }

    @Test
    void probabilitiesOfZeroAndOneAreFlooredLikeTheReferenceCode() {
        ClassProbabilities predictions = ClassProbabilities.fromProbabilities(new double[][] {{1, 0}, {0, 1}});
        double[] phi = ThresholdScores.logitScaledConfidence(predictions, new int[] {0, 0});
        assertThat(phi[0]).isCloseTo(-Math.log(ClassProbabilities.PROBABILITY_FLOOR), within(1e-12));
        assertThat(phi[1]).isCloseTo(Math.log(ClassProbabilities.PROBABILITY_FLOOR), within(1e-12));
        assertThat(ThresholdScores.negativeModifiedEntropy(predictions, new int[] {0, 0})[0])
                .isCloseTo(0, within(1e-40));
    }

    @Test
    void membersLikeScoresAreHigher() {
        // a confident correct prediction beats a diffuse one and a confident wrong one, for every score
        ClassProbabilities predictions = ClassProbabilities.fromProbabilities(
                new double[][] {{0.98, 0.01, 0.01}, {0.4, 0.3, 0.3}, {0.01, 0.98, 0.01}});
        int[] labels = {0, 0, 0};
        for (double[] s : new double[][] {
            ThresholdScores.negativeLoss(predictions, labels),
            ThresholdScores.trueClassProbability(predictions, labels),
            ThresholdScores.negativeModifiedEntropy(predictions, labels),
            ThresholdScores.logitScaledConfidence(predictions, labels)
        }) {
            assertThat(s[0]).isGreaterThan(s[1]).isGreaterThan(s[2]);
        }
        // the plain entropy cannot tell a confident wrong prediction from a confident right one
        double[] entropy = ThresholdScores.negativeEntropy(predictions);
        assertThat(entropy[0]).isEqualTo(entropy[2]).isGreaterThan(entropy[1]);
    }

    @Test
    void rejectsBadInputNamingTheProblem() {
        assertThatThrownBy(() -> ClassProbabilities.fromProbabilities(new double[][] {{2, -1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities[0][0]")
                .hasMessageContaining("fromLogits");
        assertThatThrownBy(() -> ClassProbabilities.fromProbabilities(new double[][] {{0.5, 0.5}, {0.2, 0.2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities[1] must sum to 1");
        assertThatThrownBy(() -> ClassProbabilities.fromLogits(new double[][] {{1, Double.NaN}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[0][1] must be finite");
        assertThatThrownBy(() -> ClassProbabilities.fromLogits(new double[][] {{1, 2}, {1, 2, 3}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[1] must have 2 classes");
        assertThatThrownBy(() -> ClassProbabilities.fromLogits(new double[][] {{1}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> ClassProbabilities.fromLogits(new double[0][]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one row");
        ClassProbabilities predictions = ClassProbabilities.fromLogits(new double[][] {{1, 2}, {3, 4}});
        assertThatThrownBy(() -> ThresholdScores.negativeLoss(predictions, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 labels for 2 examples");
        assertThatThrownBy(() -> ThresholdScores.negativeLoss(predictions, new int[] {0, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label[1] must be in [0, 2)");
    }
}
