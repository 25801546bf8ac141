package dev.marauder.gateway.log;

import java.util.Objects;

/**
 * The outcome of checking an {@link AuditLog}: its hash chain and its signed checkpoints.
 *
 * @param intact whether every record checked is unaltered, in place and accounted for
 * @param records how many records were checked (up to the first problem)
 * @param checkpoints how many signed checkpoints were checked (up to the first problem)
 * @param firstBadSequence the sequence number of the first record found altered, missing or out of
 *     place (or of a checkpoint whose signature fails), or -1 when intact
 * @param problem what is wrong, on one line, or {@code ""} when intact
 */
public record Verification(boolean intact, long records, long checkpoints, long firstBadSequence, String problem) {
    public Verification {
        Objects.requireNonNull(problem, "problem");
        if (intact != (firstBadSequence == -1) || intact != problem.isEmpty()) {
            throw new IllegalArgumentException("an intact verification has no bad sequence and no problem, and"
                    + " a failed one has both; got intact=" + intact + ", firstBadSequence=" + firstBadSequence);
        }
    }

    static Verification ok(long records, long checkpoints) {
        return new Verification(true, records, checkpoints, -1, "");
    }

    static Verification broken(long records, long checkpoints, long firstBad, String problem) {
        return new Verification(false, records, checkpoints, firstBad, problem);
    }
}
