package dev.marauder.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The audit's read-side view of a Secret Sharer run (Carlini et al. 2019) on a language model:
 * the JSON that {@code marauder exposure --out FILE} writes, with the fields the report shows.
 * Unknown fields are ignored.
 *
 * @param canaries each canary's outcome
 * @param maxExposure the largest possible exposure, log2 of the number of candidate secrets
 * @param exact whether exposures were computed exactly (every candidate scored)
 * @param meanExposureByRepetitions mean exposure per insertion count, in increasing count order
 * @param privacy the language model's DP guarantee, if trained with DP-SGD
 * @param seconds how long the run took
 * @param provenance the run's provenance, as written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExposureRun(
        List<Canary> canaries,
        double maxExposure,
        boolean exact,
        Map<Integer, Double> meanExposureByRepetitions,
        Privacy privacy,
        Double seconds,
        JsonNode provenance) {

    /** Copies the collections. */
    public ExposureRun {
        canaries = canaries == null ? List.of() : List.copyOf(canaries);
        meanExposureByRepetitions = meanExposureByRepetitions == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(meanExposureByRepetitions));
    }

    /**
     * One canary's outcome.
     *
     * @param secret the inserted secret
     * @param repetitions how often it was inserted
     * @param exposure the exact exposure in bits, null when not enumerated
     * @param extrapolatedExposure the exposure estimated from sampled candidates
     * @param extractionRank the rank at which the extraction search found the secret; 0 if not found
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Canary(
            String secret, int repetitions, Double exposure, double extrapolatedExposure, long extractionRank) {

        /** The exact exposure if known, else the extrapolated one. */
        public double bestExposure() {
            return exposure != null ? exposure : extrapolatedExposure;
        }
    }

    /**
     * The DP guarantee of the language model.
     *
     * @param epsilon its formal epsilon
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Privacy(double epsilon) {}

    /** Canaries the extraction search recovered. */
    public long extracted() {
        return canaries.stream().filter(c -> c.extractionRank() > 0).count();
    }

    /** The highest exposure of any canary, 0 without canaries. */
    public double highestExposure() {
        return canaries.stream().mapToDouble(Canary::bestExposure).max().orElse(0);
    }

    /**
     * Reads a {@code marauder exposure} result.
     *
     * @throws DataFormatException if the file is not JSON or lacks {@code mean_exposure_by_repetitions}
     *     and {@code canaries}
     */
    public static ExposureRun read(Path file) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new DataFormatException(file, "not a JSON exposure result (" + Messages.firstLine(e) + ")", e);
        }
        if (tree == null
                || !tree.path("mean_exposure_by_repetitions").isObject()
                || !tree.path("canaries").isArray()) {
            throw new DataFormatException(
                    file, "has no mean_exposure_by_repetitions and canaries: not written by 'marauder exposure'");
        }
        try {
            return Json.mapper().treeToValue(tree, ExposureRun.class);
        } catch (IOException e) {
            throw new DataFormatException(file, "not a JSON exposure result (" + Messages.firstLine(e) + ")", e);
        }
    }
}
