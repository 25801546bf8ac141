package dev.marauder.gateway.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical byte encodings that records are hashed over and checkpoints signed over (described
 * for auditors in {@link AuditLog}). Every value has a fixed width or a length prefix, so no two
 * different records encode to the same bytes.
 */
final class Canonical {
    /** The previous hash of record 1. */
    static final String GENESIS = "0".repeat(64);

    static final String RECORD_TAG = "marauder-audit-record-v1";
    static final String CHECKPOINT_TAG = "marauder-audit-checkpoint-v1";

    private static final HexFormat HEX = HexFormat.of();

    private Canonical() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The hash of the record {@code sequence} holding {@code e} after {@code previousHash}, in hex. */
    static String recordHash(MessageDigest md, long sequence, String previousHash, AuditEntry e) {
        md.reset();
        text(md, RECORD_TAG);
        int64(md, sequence);
        text(md, previousHash);
        int64(md, e.timeMicros());
        text(md, e.principal());
        text(md, e.method());
        text(md, e.path());
        int32(md, e.status());
        text(md, e.inputSha256());
        text(md, e.inputSketch());
        text(md, e.output());
        int32(md, e.decisions().size());
        for (String d : e.decisions()) {
            text(md, d);
        }
        int64(md, e.latencyMicros());
        return HEX.formatHex(md.digest());
    }

    /** The bytes a checkpoint's signature covers. */
    static byte[] checkpointMessage(long sequence, String hash, long timeMicros) {
        byte[] tag = CHECKPOINT_TAG.getBytes(StandardCharsets.UTF_8);
        byte[] h = hash.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + tag.length + 8 + 4 + h.length + 8);
        b.putInt(tag.length).put(tag).putLong(sequence).putInt(h.length).put(h).putLong(timeMicros);
        return b.array();
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static void text(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int32(md, b.length);
        md.update(b);
    }

    private static void int32(MessageDigest md, int v) {
        md.update((byte) (v >>> 24));
        md.update((byte) (v >>> 16));
        md.update((byte) (v >>> 8));
        md.update((byte) v);
    }

    private static void int64(MessageDigest md, long v) {
        int32(md, (int) (v >>> 32));
        int32(md, (int) v);
    }
}
