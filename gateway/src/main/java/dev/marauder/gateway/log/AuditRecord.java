package dev.marauder.gateway.log;

import java.util.Objects;

/**
 * One stored, chained record of the {@link AuditLog}.
 *
 * @param sequence the record's position in the log, from 1, without gaps
 * @param entry what was recorded
 * @param previousHash the {@link #hash()} of record {@code sequence - 1}, or 64 zeros for record 1
 * @param hash the SHA-256 of this record's canonical encoding, in lower-case hex (see {@link
 *     AuditLog} for the encoding)
 */
public record AuditRecord(long sequence, AuditEntry entry, String previousHash, String hash) {
    public AuditRecord {
        if (sequence < 1) {
            throw new IllegalArgumentException("a record's sequence starts at 1, got " + sequence);
        }
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }
}
