package dev.marauder.attacks.inference.memorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SecretExtractionTest {
    private static final CanaryFormat PIN = CanaryFormat.digits("my pin is ", 6);
    private static final double LOG_09 = Math.log(0.9);
    private static final double LOG_REST = Math.log(0.1 / 9);

    /**
     * A model that has memorised {@code planted}: after a beginning of it, the next planted symbol
     * has probability 0.9 and each other 0.1/9; after anything else, all ten are equally likely.
     * Counts the prefixes it is asked about.
     */
    private static final class PlantedScorer implements SequenceScorer {
        final int[] planted;
        long prefixes;
        long calls;

        PlantedScorer(String secret) {
            planted = PIN.symbols(secret);
        }

        @Override
        public double[][] nextLogProbabilities(List<int[]> batch) {
            calls++;
            prefixes += batch.size();
            double[][] out = new double[batch.size()][10];
            for (int b = 0; b < batch.size(); b++) {
                int[] p = batch.get(b);
                boolean onPath = Arrays.equals(p, Arrays.copyOf(planted, p.length));
                for (int k = 0; k < 10; k++) {
                    out[b][k] = !onPath ? Math.log(0.1) : k == planted[p.length] ? LOG_09 : LOG_REST;
                }
            }
            return out;
        }
    }

    /** Every next symbol equally likely: a model that has learned nothing. */
    private static final SequenceScorer UNIFORM = batch -> {
        double[][] out = new double[batch.size()][10];
        for (double[] row : out) {
            Arrays.fill(row, Math.log(0.1));
        }
        return out;
    };

    @Test
    void findsThePlantedSecretFirstAlongItsPath() {
        PlantedScorer alone = new PlantedScorer("314159");
        SecretExtraction.Result first = new SecretExtraction(1, 1000, 1).run(PIN, alone, "314159");
        assertThat(first.completions())
                .extracting(SecretExtraction.Completion::secret)
                .containsExactly("314159");
        // best-first one prefix at a time: just the six prefixes along the planted path
        assertThat(first.prefixesScored()).isEqualTo(alone.prefixes).isEqualTo(6);
        assertThat(first.scorerCalls()).isEqualTo(6);

        PlantedScorer scorer = new PlantedScorer("314159");
        SecretExtraction.Result r = new SecretExtraction(10, 1000, 1).run(PIN, scorer, "314159");
        assertThat(r.completions().get(0).secret()).isEqualTo("314159");
        assertThat(r.completions().get(0).index()).isEqualTo(314_159);
        assertThat(r.completions().get(0).logProbability()).isCloseTo(6 * LOG_09, within(1e-12));
        assertThat(r.secretRank()).hasValue(1);
        // then the nine secrets that leave the path at the last slot, tied, in symbol order
        assertThat(r.completions().subList(1, 10))
                .extracting(SecretExtraction.Completion::secret)
                .containsExactly(
                        "314150", "314151", "314152", "314153", "314154", "314155", "314156", "314157", "314158");
        assertThat(r.completions().get(1).logProbability()).isCloseTo(5 * LOG_09 + LOG_REST, within(1e-12));
        // those nine cost 5 ln(1/0.9) + ln 90 = 5.03 nats; first, every prefix that leaves the path
        // cheaper is expanded: the 9 at each of the first five slots (ln 90 + j ln(1/0.9) <= 4.92)
        assertThat(r.prefixesScored()).isEqualTo(scorer.prefixes).isEqualTo(6 + 45);
        assertThat(r.scorerCalls()).isEqualTo(scorer.calls).isEqualTo(51);
        assertThat(r.budgetExhausted()).isFalse();
    }

    @Test
    void batchingDoesNotChangeTheOrder() {
        List<String> one = secrets(new SecretExtraction(50, 100_000, 1).run(PIN, new PlantedScorer("271828")));
        for (int batch : new int[] {2, 7, 256}) {
            PlantedScorer scorer = new PlantedScorer("271828");
            SecretExtraction.Result r = new SecretExtraction(50, 100_000, batch).run(PIN, scorer);
            assertThat(secrets(r)).isEqualTo(one);
            assertThat(r.prefixesScored()).isEqualTo(scorer.prefixes);
            assertThat(r.secretRank()).isEmpty();
        }
        assertThat(one.get(0)).isEqualTo("271828");
    }

    @Test
    void respectsTheBudget() {
        PlantedScorer scorer = new PlantedScorer("000000");
        // the uniform part of the space is reached only after the planted path; 3 prefixes cannot do it
        SecretExtraction.Result r = new SecretExtraction(5, 3, 2).run(PIN, scorer, "000000");
        assertThat(r.prefixesScored()).isEqualTo(3).isEqualTo(scorer.prefixes);
        assertThat(r.budgetExhausted()).isTrue();
        assertThat(r.completions()).isEmpty();
        assertThat(r.secretRank()).isEmpty();

        // a model that learned nothing: the search is breadth-first, and meets the secrets in index
        // order once all 1 + 10 + 100 prefixes of a 3-digit space are scored
        CanaryFormat three = CanaryFormat.digits("", 3);
        CountingScorer uniform = new CountingScorer(UNIFORM);
        SecretExtraction.Result u = new SecretExtraction(3, 500, 64).run(three, uniform, "042");
        assertThat(u.prefixesScored()).isEqualTo(111).isEqualTo(uniform.prefixes);
        assertThat(u.scorerCalls()).isEqualTo(4); // batches of 1, 10, 64 and 36 prefixes
        assertThat(secrets(u)).containsExactly("000", "001", "002");
        assertThat(u.secretRank()).hasValue(43);
        assertThat(u.budgetExhausted()).isFalse();
        CountingScorer limited = new CountingScorer(UNIFORM);
        SecretExtraction.Result far = new SecretExtraction(3, 100, 64).run(three, limited, "999");
        assertThat(far.budgetExhausted()).isTrue();
        assertThat(far.prefixesScored()).isEqualTo(100).isEqualTo(limited.prefixes);
        assertThat(far.completions()).isEmpty();
        assertThat(far.secretRank()).isEmpty();
    }

    @Test
    void impossibleSymbolsAreNeverCompleted() {
        CanaryFormat f = new CanaryFormat("", 3, "abc", "");
        SequenceScorer noA = batch -> batch.stream()
                .map(p -> new double[] {Double.NEGATIVE_INFINITY, Math.log(0.5), Math.log(0.5)})
                .toArray(double[][]::new);
        SecretExtraction.Result r = new SecretExtraction(100, 1000).run(f, noA);
        assertThat(r.completions())
                .hasSize(8)
                .allSatisfy(c -> assertThat(c.secret()).doesNotContain("a"));
        assertThat(r.budgetExhausted()).isFalse();
        assertThat(r.prefixesScored()).isEqualTo(1 + 2 + 4);
    }

    /** A scorer whose log-probabilities are a fixed random function of the prefix. */
    private static SequenceScorer randomModel(long seed, int symbols) {
        return batch -> {
            double[][] out = new double[batch.size()][];
            for (int b = 0; b < batch.size(); b++) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003 + Arrays.hashCode(batch.get(b)));
                double[] w = r.doubles(symbols, 0.01, 1).toArray();
                double sum = Arrays.stream(w).sum() * (1 + r.nextDouble()); // some mass elsewhere
                out[b] = Arrays.stream(w).map(v -> Math.log(v / sum)).toArray();
            }
            return out;
        };
    }

    @Property(tries = 40)
    void searchOrderIsTheEnumeratedOrder(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 20) int batch) {
        CanaryFormat f = new CanaryFormat("p", 4, "wxyz", "");
        SequenceScorer model = randomModel(seed, 4);
        double[] all = new SecretExtraction(1, 1, batch).logProbabilities(f, model);
        Integer[] order = IntStream.range(0, all.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -all[i]));
        String truth = f.secret(order[37]);
        SecretExtraction.Result r = new SecretExtraction(256, 10_000, batch).run(f, model, truth);
        assertThat(r.completions()).hasSize(256);
        for (int k = 0; k < 256; k++) {
            SecretExtraction.Completion c = r.completions().get(k);
            assertThat(c.index()).isEqualTo(order[k].longValue());
            assertThat(c.logProbability()).isCloseTo(all[order[k]], within(1e-12));
        }
        assertThat(r.secretRank()).hasValue(38);
        assertThat(r.prefixesScored()).isEqualTo(1 + 4 + 16 + 64);
    }

    @Test
    void theMemorisedSecretHasFullExposureAmongAMillion() {
        PlantedScorer scorer = new PlantedScorer("314159");
        double[] logP = new SecretExtraction(1, 1, 1024).logProbabilities(PIN, scorer);
        assertThat(logP).hasSize(1_000_000);
        assertThat(scorer.prefixes).isEqualTo(111_111); // 1 + 10 + ... + 10^5
        assertThat(logP[314_159]).isCloseTo(6 * LOG_09, within(1e-12));
        double[] px = Arrays.stream(logP).map(v -> -v).toArray();
        assertThat(Exposure.exact(px, 314_159)).isEqualTo(PIN.log2Space());
        // a secret off the path at the first slot ties with 900,000 others
        assertThat(Exposure.rank(px, 0)).isEqualTo(1_000_000);
    }

    @Test
    void misbehavingScorersAndBadSettingsAreReported() {
        SequenceScorer positive = batch -> new double[][] {{0.5, -1}};
        CanaryFormat bits = new CanaryFormat("", 2, "01", "");
        assertThatThrownBy(() -> new SecretExtraction(1, 10).run(bits, positive))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("scorer returned log-probability 0.5 for '0' after prefix \"\"; log-probabilities must be"
                        + " <= 0");
        SequenceScorer rounding = batch ->
                batch.stream().map(p -> new double[] {1e-7, Math.log(1e-9)}).toArray(double[][]::new);
        assertThat(new SecretExtraction(1, 10)
                        .run(bits, rounding)
                        .completions()
                        .get(0)
                        .logProbability())
                .isZero();
        SequenceScorer wrongRows = batch -> new double[0][];
        assertThatThrownBy(() -> new SecretExtraction(1, 10).run(bits, wrongRows))
                .hasMessage("scorer returned 0 rows for 1 prefixes");
        SequenceScorer wrongWidth = batch -> new double[][] {{-1, -1, -1}};
        assertThatThrownBy(() -> new SecretExtraction(1, 10).run(bits, wrongWidth))
                .hasMessage("scorer returned 3 log-probabilities for prefix \"\"; the slot alphabet has 2 symbols");
        assertThatThrownBy(() -> new SecretExtraction(0, 10)).hasMessage("completions must be >= 1, got 0");
        assertThatThrownBy(() -> new SecretExtraction(1, 0))
                .hasMessage("budget (prefixes to score) must be >= 1, got 0");
        assertThatThrownBy(() -> new SecretExtraction(1, 1, 0)).hasMessage("batch size must be >= 1, got 0");
        assertThatThrownBy(() -> new SecretExtraction(1, 10).run(PIN, UNIFORM, "12345"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret \"12345\" has 5 symbols, the format 6");
    }

    private static List<String> secrets(SecretExtraction.Result r) {
        List<String> out = new ArrayList<>();
        r.completions().forEach(c -> out.add(c.secret()));
        return out;
    }

    private static final class CountingScorer implements SequenceScorer {
        final SequenceScorer inner;
        long prefixes;

        CountingScorer(SequenceScorer inner) {
            this.inner = inner;
        }

        @Override
        public double[][] nextLogProbabilities(List<int[]> batch) {
            prefixes += batch.size();
            return inner.nextLogProbabilities(batch);
        }
    }
}
