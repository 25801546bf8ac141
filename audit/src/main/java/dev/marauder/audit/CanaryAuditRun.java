package dev.marauder.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The audit's read-side view of an empirical privacy audit (the one-run canary audit of Steinke,
 * Nasr and Jagielski 2023): the JSON that {@code marauder privacy audit --out FILE} writes, with the
 * fields the report shows. Unknown fields are ignored.
 *
 * @param epsilonLowerBound the audited lower bound on epsilon
 * @param confidence the confidence with which the bound holds
 * @param claimedEpsilon the run's formal epsilon, or null for a run without DP (written as null)
 * @param delta the delta of the claimed and audited epsilon
 * @param canaries canaries in the audit
 * @param included canaries that were included in training
 * @param guesses guesses the auditor made
 * @param correct correct guesses
 * @param method how the bound was computed
 * @param training {@code "non-private"} or {@code "dp-sgd"}
 * @param testAccuracy the audited run's test accuracy
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CanaryAuditRun(
        Double epsilonLowerBound,
        Double confidence,
        @JsonInclude(JsonInclude.Include.ALWAYS) Double claimedEpsilon,
        Double delta,
        Integer canaries,
        Integer included,
        Integer guesses,
        Integer correct,
        String method,
        String training,
        Double testAccuracy) {

    /**
     * Reads a {@code marauder privacy audit} result.
     *
     * @throws DataFormatException if the file is not JSON or has no {@code epsilon_lower_bound}
     */
    public static CanaryAuditRun read(Path file) {
        CanaryAuditRun run;
        try {
            run = Json.mapper().readValue(file.toFile(), CanaryAuditRun.class);
        } catch (IOException e) {
            throw new DataFormatException(file, "not a JSON privacy audit (" + Messages.firstLine(e) + ")", e);
        }
        if (run == null || run.epsilonLowerBound() == null) {
            throw new DataFormatException(file, "has no epsilon_lower_bound: not written by 'marauder privacy audit'");
        }
        return run;
    }

    /** Converts {@code json}, an audit result in its JSON form (a tree or a map), to a run. */
    public static CanaryAuditRun of(Object json) {
        return Json.mapper().convertValue(json, CanaryAuditRun.class);
    }
}
