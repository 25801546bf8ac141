package dev.marauder.attacks.inference.memorization;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.core.data.TextCorpus;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The Secret Sharer experiment (Carlini, Liu, Erlingsson, Kos &amp; Song 2019): random canaries
 * ("my pin is 281265") are inserted into a real text, each secret repeated a chosen number of
 * times; a character-level language model is trained on the result, and every canary's exposure
 * is measured: exactly (rank among all candidate secrets, when the space has at most
 * {@code enumerationLimit} secrets) and extrapolated from a skew-normal fit to sampled candidates.
 * A best-first search then tries to extract the secrets from the model. Repeated secrets are
 * memorised more; DP-SGD bounds the exposure.
 *
 * <p>The secrets and their positions are the auditor's choices, drawn from {@code seed} so runs can
 * be repeated; the model's DP noise stays secure.
 *
 * @param format the canary template
 * @param repetitions how often each group of canaries is inserted (e.g. 1, 4, 16, 64)
 * @param canariesPerRepetition canaries per repetition count
 * @param characters how much of the corpus to use (its first characters), or 0 for all
 * @param model the language model's architecture
 * @param trainer how it is trained (plain, or DP-SGD with each sequence as one example)
 * @param samples candidates sampled for the extrapolated exposure
 * @param enumerationLimit the largest space whose secrets are all scored for exact exposure
 * @param extractionBudget prefixes the extraction search may score
 * @param seed the auditor's randomness
 */
public record SecretSharer(
        CanaryFormat format,
        int[] repetitions,
        int canariesPerRepetition,
        int characters,
        CharLanguageModel.Settings model,
        Trainer trainer,
        int samples,
        long enumerationLimit,
        long extractionBudget,
        long seed) {

    public SecretSharer {
        if (format == null || model == null || trainer == null) {
            throw new IllegalArgumentException("the Secret Sharer needs a canary format, model settings and a trainer");
        }
        if (repetitions == null
                || repetitions.length == 0
                || Arrays.stream(repetitions).anyMatch(r -> r < 1)) {
            throw new IllegalArgumentException(
                    "repetitions must be positive counts, got " + Arrays.toString(repetitions));
        }
        if (canariesPerRepetition < 1 || samples < 10 || characters < 0 || extractionBudget < 1) {
            throw new IllegalArgumentException("canaries per repetition >= 1, samples >= 10, characters >= 0 and an"
                    + " extraction budget >= 1 are needed");
        }
        repetitions = repetitions.clone();
    }

    /** One canary's outcome. */
    public record Canary(
            String secret,
            int repetitions,
            double logPerplexity,
            @JsonIgnore double exactExposure,
            double extrapolatedExposure,
            long extractionRank) {

        /** The exact exposure, or null when the space was too large to enumerate. */
        @JsonProperty("exposure")
        public Double exposure() {
            return Double.isNaN(exactExposure) ? null : exactExposure;
        }
    }

    /**
     * The outcome of a run; its JSON (shared by {@code marauder exposure} and the audit report) has
     * {@code canaries, max_exposure, exact, training, privacy, seconds, provenance} and
     * {@code mean_exposure_by_repetitions} (keys are the counts).
     */
    public record Result(
            List<Canary> canaries,
            double maxExposure,
            boolean exact,
            CharLanguageModel.Run training,
            PrivacyGuarantee privacy,
            double seconds,
            Provenance provenance) {

        /** Mean exposure (exact where available, else extrapolated) per repetition count. */
        @JsonProperty("mean_exposure_by_repetitions")
        public Map<Integer, Double> meanExposureByRepetitions() {
            Map<Integer, double[]> sums = new java.util.TreeMap<>();
            for (Canary c : canaries) {
                double e = exact ? c.exactExposure() : c.extrapolatedExposure();
                double[] s = sums.computeIfAbsent(c.repetitions(), k -> new double[2]);
                s[0] += e;
                s[1]++;
            }
            Map<Integer, Double> out = new LinkedHashMap<>();
            sums.forEach((k, v) -> out.put(k, v[0] / v[1]));
            return out;
        }
    }

    /** Inserts the canaries into {@code corpus}, trains with the trainer and measures. */
    public Result run(TextCorpus corpus, Progress progress, Consumer<String> warnings) {
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        String text =
                characters > 0 && characters < corpus.length() ? corpus.text().substring(0, characters) : corpus.text();
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        List<String> secrets = format.randomSecrets(repetitions.length * canariesPerRepetition, random);
        int[] repeats = new int[secrets.size()];
        for (int i = 0; i < secrets.size(); i++) {
            repeats[i] = repetitions[i / canariesPerRepetition];
            for (int r = 0; r < repeats[i]; r++) {
                lines.add(random.nextInt(lines.size() + 1), format.canary(secrets.get(i)));
            }
        }
        String withCanaries = String.join("\n", lines);
        if (!corpus.alphabet().containsAll(withCanaries)) {
            throw new IllegalArgumentException("the canary format uses characters outside the corpus alphabet "
                    + corpus.alphabet().symbols());
        }
        int[] encoded = corpus.alphabet().encode(withCanaries);
        List<Canary> results = new ArrayList<>();
        CharLanguageModel.Run training;
        PrivacyGuarantee privacy;
        boolean exact = format.space() <= enumerationLimit;
        try (CharLanguageModel lm =
                CharLanguageModel.train(encoded, corpus.alphabet(), model, trainer, progress, warnings)) {
            training = lm.run();
            privacy = lm.privacy();
            SequenceScorer scorer = lm.scorer(format);
            SecretExtraction search = new SecretExtraction(Math.max(100, secrets.size()), extractionBudget, 1024);
            double[] canaryLogProbabilities = logProbabilities(format, scorer, secrets);
            double[] all = exact ? search.logProbabilities(format, scorer) : null;
            List<String> sampled = format.randomSecrets(samples, random);
            double[] sample = logProbabilities(format, scorer, sampled);
            for (int i = 0; i < sample.length; i++) {
                sample[i] = -sample[i];
            }
            SecretExtraction.Result extraction = search.run(format, scorer);
            List<String> extracted = extraction.completions().stream()
                    .map(SecretExtraction.Completion::secret)
                    .toList();
            double[] perplexities = null;
            if (exact) {
                perplexities = new double[all.length];
                for (int k = 0; k < all.length; k++) {
                    perplexities[k] = -all[k];
                }
            }
            for (int i = 0; i < secrets.size(); i++) {
                double perplexity = -canaryLogProbabilities[i];
                double exactExposure = Double.NaN;
                if (exact) {
                    exactExposure = Exposure.exact(perplexities, (int) format.index(secrets.get(i)));
                }
                int rank = extracted.indexOf(secrets.get(i));
                results.add(new Canary(
                        secrets.get(i),
                        repeats[i],
                        perplexity,
                        exactExposure,
                        Exposure.extrapolated(perplexity, sample),
                        rank < 0 ? -1 : rank + 1));
            }
        }
        Provenance provenance = Provenance.start()
                .setting("format", format.toString())
                .setting("repetitions", Arrays.toString(repetitions))
                .setting("canaries_per_repetition", canariesPerRepetition)
                .setting("samples", samples)
                .setting("model", model)
                .setting("trainer", trainer)
                .hash("corpus", corpus.sha256())
                .seed(seed)
                .finish();
        return new Result(
                results, format.log2Space(), exact, training, privacy, (System.nanoTime() - start) / 1e9, provenance);
    }

    /** Natural-log probability of each full secret after the format's prefix, slot by slot, in batches. */
    static double[] logProbabilities(CanaryFormat format, SequenceScorer scorer, List<String> secrets) {
        double[] out = new double[secrets.size()];
        int[][] symbols = secrets.stream().map(format::symbols).toArray(int[][]::new);
        for (int start = 0; start < symbols.length; start += 2048) {
            int end = Math.min(symbols.length, start + 2048);
            for (int depth = 0; depth < format.slots(); depth++) {
                List<int[]> prefixes = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    prefixes.add(Arrays.copyOf(symbols[i], depth));
                }
                double[][] rows = scorer.nextLogProbabilities(prefixes);
                for (int i = start; i < end; i++) {
                    out[i] += rows[i - start][symbols[i][depth]];
                }
            }
        }
        return out;
    }
}
