package dev.marauder.attacks.inference.memorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.core.data.TextCorpus;
import dev.marauder.core.progress.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Secret Sharer on the shipped text with a small character LSTM. */
class SecretSharerTest {

    @Test
    void repeatedCanariesAreExposedAndTheScorerAgreesWithTheModel() {
        CanaryFormat format = CanaryFormat.digits("my pin is ", 4);
        CharLanguageModel.Settings lm = new CharLanguageModel.Settings(16, 64, 32);
        SecretSharer experiment = new SecretSharer(
                format,
                new int[] {1, 64},
                1,
                30_000,
                lm,
                new dev.marauder.core.train.AdamTrainer(4, 32, 1e-2, 0),
                500,
                1_000_000,
                2_000,
                3);
        SecretSharer.Result r = experiment.run(TextCorpus.shipped(), Progress.NONE, w -> {});
        assertThat(r.exact()).isTrue();
        assertThat(r.maxExposure()).isCloseTo(Math.log(1e4) / Math.log(2), within(1e-9));
        assertThat(r.canaries()).hasSize(2);
        for (SecretSharer.Canary c : r.canaries()) {
            assertThat(c.exactExposure()).isBetween(0.0, r.maxExposure() + 1e-9);
            assertThat(c.logPerplexity()).isPositive();
        }
        SecretSharer.Canary once = r.canaries().get(0);
        SecretSharer.Canary often = r.canaries().get(1);
        assertThat(once.repetitions()).isEqualTo(1);
        assertThat(often.repetitions()).isEqualTo(64);
        // A secret seen 64 times is memorised: it ranks (nearly) first among the 10^4 candidates and is extracted.
        assertThat(often.exactExposure()).isGreaterThan(once.exactExposure()).isGreaterThan(r.maxExposure() - 2);
        assertThat(often.extractionRank()).isBetween(1L, 4L);
        assertThat(r.meanExposureByRepetitions()).containsOnlyKeys(1, 64);
        assertThat(r.training().parameters()).isPositive();
        assertThat(r.training().characters())
                .as("30,000 characters and 65 canary lines")
                .isEqualTo(30_000 + 65 * "my pin is 0000\n".length());
        assertThat(r.training().finalLoss()).isFinite();
        assertThat(r.privacy()).isNull();
    }

    @Test
    void batchedSecretScoresEqualTheSumOfPerSlotLogProbabilities() {
        CanaryFormat format = CanaryFormat.digits("pin ", 3);
        // a scorer whose next-symbol log-probabilities depend on the prefix
        SequenceScorer scorer = prefixes -> prefixes.stream()
                .map(p -> {
                    double[] row = new double[10];
                    for (int k = 0; k < 10; k++) {
                        row[k] = -0.1 * (k + 1) * (p.length + 1) - (p.length > 0 ? 0.01 * p[p.length - 1] : 0);
                    }
                    return row;
                })
                .toArray(double[][]::new);
        double[] got = SecretSharer.logProbabilities(format, scorer, List.of("000", "907", "123"));
        double expected = -0.1 * 10 * 1 - (0.1 * 1 * 2 + 0.01 * 9) - (0.1 * 8 * 3 + 0.0);
        assertThat(got[1]).isCloseTo(expected, within(1e-12));
        double[] all = new SecretExtraction(10, 1000, 64).logProbabilities(format, scorer);
        assertThat(got[0]).isCloseTo(all[0], within(1e-12));
        assertThat(got[2]).isCloseTo(all[123], within(1e-12));
    }
}
