package dev.marauder.gateway.log;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks a stored log's hash chain and signed checkpoints (see {@link AuditLog#verify(Connection, PublicKey, long, long)}). */
final class ChainVerifier {
    private static final int PAGE = 1000;

    private ChainVerifier() {}

    /**
     * Checks records {@code from..to} (inclusive; {@code to = Long.MAX_VALUE} for the end of the log)
     * of the log in {@code c} with {@code key}. {@code headSequence}/{@code headHash}, when {@code
     * headSequence > 0}, are the last record a live log committed, trusted like a checkpoint.
     */
    static Verification verify(Connection c, PublicKey key, long from, long to, long headSequence, String headHash)
            throws SQLException {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("a range to verify is 1 <= from <= to, got " + from + ".." + to);
        }
        String givenKey = SigningKeys.keyId(key);
        TreeMap<Long, Rows.Checkpoint> checkpoints = new TreeMap<>();
        for (Rows.Checkpoint cp : Rows.checkpoints(c, to)) {
            checkpoints.put(cp.sequence(), cp);
        }
        long records = 0;
        long verifiedCheckpoints = 0;
        // Start from genesis, or from the nearest checkpoint at or before 'from' (whose signature is checked first).
        Map.Entry<Long, Rows.Checkpoint> anchor = from > 1 ? checkpoints.floorEntry(from) : null;
        long start = anchor == null ? 1 : anchor.getKey();
        String previous = anchor == null ? Canonical.GENESIS : null;
        long lastGoodCheckpoint = anchor == null ? 0 : anchor.getKey();
        if (anchor != null && !signed(anchor.getValue(), key)) {
            return Verification.broken(0, 0, start, badSignature(anchor.getValue(), givenKey));
        }
        MessageDigest md = Canonical.sha256();
        long expected = start;
        try (PreparedStatement page = c.prepareStatement(Rows.PAGE)) {
            while (expected <= to) {
                List<Rows.Row> rows = Rows.page(page, expected, to, PAGE);
                if (rows.isEmpty()) {
                    break;
                }
                for (Rows.Row row : rows) {
                    long seq = row.sequence();
                    if (seq != expected) {
                        return Verification.broken(
                                records,
                                verifiedCheckpoints,
                                expected,
                                "record " + expected + " is missing: the record after " + (expected - 1) + " is "
                                        + seq);
                    }
                    if (row.record() == null) {
                        return Verification.broken(
                                records, verifiedCheckpoints, seq, "record " + seq + " was altered: " + row.problem());
                    }
                    AuditRecord r = row.record();
                    if (!Canonical.recordHash(md, seq, r.previousHash(), r.entry())
                            .equals(r.hash())) {
                        return Verification.broken(
                                records,
                                verifiedCheckpoints,
                                seq,
                                "record " + seq + " was altered: its hash does not match its contents");
                    }
                    if (previous != null && !previous.equals(r.previousHash())) {
                        return Verification.broken(
                                records,
                                verifiedCheckpoints,
                                seq,
                                "record " + seq + " does not follow record " + (seq - 1)
                                        + ": its previous hash is not that record's hash");
                    }
                    Rows.Checkpoint cp = checkpoints.get(seq);
                    if (cp != null) {
                        if (!signed(cp, key)) {
                            return Verification.broken(records, verifiedCheckpoints, seq, badSignature(cp, givenKey));
                        }
                        if (!cp.hash().equals(r.hash())) {
                            long first = seq == start && anchor != null ? seq : lastGoodCheckpoint + 1;
                            return Verification.broken(
                                    records,
                                    verifiedCheckpoints,
                                    first,
                                    "record " + seq
                                            + " differs from the signed checkpoint at " + seq + ": records " + first
                                            + ".." + seq
                                            + " were altered and the chain recomputed");
                        }
                        lastGoodCheckpoint = seq;
                        verifiedCheckpoints++;
                    }
                    if (seq == headSequence && !headHash.equals(r.hash())) {
                        return Verification.broken(
                                records,
                                verifiedCheckpoints,
                                seq,
                                "record " + seq + " differs from the one this log committed: the chain was recomputed");
                    }
                    previous = r.hash();
                    records++;
                    expected++;
                }
            }
        }
        long last = expected - 1;
        Map.Entry<Long, Rows.Checkpoint> beyond = checkpoints.ceilingEntry(expected);
        if (beyond != null) {
            if (!signed(beyond.getValue(), key)) {
                return Verification.broken(
                        records, verifiedCheckpoints, beyond.getKey(), badSignature(beyond.getValue(), givenKey));
            }
            return Verification.broken(
                    records,
                    verifiedCheckpoints,
                    expected,
                    "the log ends at record " + last
                            + " but a signed checkpoint covers record " + beyond.getKey() + ": records from " + expected
                            + " were deleted");
        }
        if (headSequence >= expected) {
            return Verification.broken(
                    records,
                    verifiedCheckpoints,
                    expected,
                    "the log ends at record " + last + " but this log committed " + headSequence
                            + " records: records from " + expected + " were deleted");
        }
        if (to != Long.MAX_VALUE && expected <= to) {
            return Verification.broken(
                    records,
                    verifiedCheckpoints,
                    expected,
                    "the log ends at record " + last + ", before the end of the range " + from + ".." + to);
        }
        return Verification.ok(records, verifiedCheckpoints);
    }

    /** Whether {@code cp}'s signature verifies with {@code key}. */
    static boolean signed(Rows.Checkpoint cp, PublicKey key) {
        if (cp.signature() == null || cp.hash() == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(Canonical.checkpointMessage(cp.sequence(), cp.hash(), cp.timeMicros()));
            return s.verify(Base64.getDecoder().decode(cp.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String badSignature(Rows.Checkpoint cp, String givenKey) {
        return "the checkpoint at record " + cp.sequence() + " is not validly signed by key " + givenKey
                + " (it names key " + cp.keyId() + "): it was forged or altered, or the key is not this log's";
    }
}
