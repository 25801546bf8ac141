package dev.marauder.gateway.detect;

import java.util.Optional;

/**
 * A detector that watches each principal's stream of queries and raises an {@link Alert} when the
 * stream looks like an attack. Threat model: a black-box adversary who queries the model through
 * the gateway under one principal (an adversary who spreads queries over many principals, the
 * Sybil attack, is out of scope of every per-principal detector). Implementations are
 * thread-safe: {@link #observe} is called from many request threads, for the same principal as
 * well as for different ones.
 */
public interface QueryStreamDetector {
    /** A short id: "prada" or "stateful". */
    String id();

    /**
     * Observes one query of {@code principal}: the flattened input (row-major, in the model's input
     * units) and the class the model predicted; returns an alert when this query makes the stream
     * suspicious. Never keeps a reference to {@code input}.
     *
     * @throws IllegalArgumentException if the principal is null, the input is null, empty, holds a
     *     NaN or infinite value or differs in length from the principal's earlier inputs, or the
     *     class is negative
     */
    Optional<Alert> observe(String principal, float[] input, int predictedClass);

    /** Drops all state of {@code principal} (e.g. after an administrator unblocks it). */
    void forget(String principal);

    /** How many queries of {@code principal} have been observed so far (since the last {@link #forget}). */
    long observed(String principal);
}
