package dev.marauder.gateway.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.core.io.Messages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The audit log's tables, as SQL both SQLite and PostgreSQL run, and their rows as Java values. */
final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    static final String COLUMNS = "seq, time_micros, principal, method, path, status, input_sha256, input_sketch,"
            + " output, decisions, latency_micros, previous_hash, hash";
    static final String INSERT_RECORD =
            "INSERT INTO audit_record (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_CHECKPOINT =
            "INSERT INTO audit_checkpoint (seq, hash, time_micros, key_id, signature) VALUES (?, ?, ?, ?, ?)";
    static final String PAGE =
            "SELECT " + COLUMNS + " FROM audit_record WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?";
    static final String LAST = "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1";
    static final String LAST_CHECKPOINT = "SELECT MAX(seq) FROM audit_checkpoint";
    static final String CHECKPOINTS =
            "SELECT seq, hash, time_micros, key_id, signature FROM audit_checkpoint WHERE seq <= ? ORDER BY seq";

    private Rows() {}

    /** A signed checkpoint: record {@code sequence} had {@code hash} at {@code timeMicros}. */
    record Checkpoint(long sequence, String hash, long timeMicros, String keyId, String signature) {}

    /** A stored row: its record, or why it is not one (a tampered row may not even parse). */
    record Row(long sequence, AuditRecord record, String problem) {}

    static String decisionsJson(List<String> decisions) {
        try {
            return JSON.writeValueAsString(decisions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write decisions as JSON: " + Messages.firstLine(e), e);
        }
    }

    /** Binds {@code r} to {@link #INSERT_RECORD}. */
    static void bind(PreparedStatement ps, AuditRecord r, String decisionsJson) throws SQLException {
        AuditEntry e = r.entry();
        ps.setLong(1, r.sequence());
        ps.setLong(2, e.timeMicros());
        ps.setString(3, e.principal());
        ps.setString(4, e.method());
        ps.setString(5, e.path());
        ps.setInt(6, e.status());
        ps.setString(7, e.inputSha256());
        ps.setString(8, e.inputSketch());
        ps.setString(9, e.output());
        ps.setString(10, decisionsJson);
        ps.setLong(11, e.latencyMicros());
        ps.setString(12, r.previousHash());
        ps.setString(13, r.hash());
    }

    /** Up to {@code limit} rows with sequence in {@code [from, to]}, in order, through {@code page} ({@link #PAGE}). */
    static List<Row> page(PreparedStatement page, long from, long to, int limit) throws SQLException {
        page.setLong(1, from);
        page.setLong(2, to);
        page.setInt(3, limit);
        List<Row> rows = new ArrayList<>(Math.min(limit, 1024));
        try (ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    /** The records with sequence in {@code [from, to]}, at most {@code limit}; a row that is not a record throws. */
    static List<AuditRecord> records(Connection c, long from, long to, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PAGE)) {
            List<Row> rows = page(ps, from, to, limit);
            List<AuditRecord> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                if (r.record() == null) {
                    throw new AuditLogException("record " + r.sequence() + " is not readable: " + r.problem());
                }
                out.add(r.record());
            }
            return out;
        }
    }

    static List<Checkpoint> checkpoints(Connection c, long to) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CHECKPOINTS)) {
            ps.setLong(1, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Checkpoint(
                            rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    private static Row row(ResultSet rs) throws SQLException {
        long seq = rs.getLong(1);
        try {
            List<String> decisions = JSON.readValue(text(rs, 10), STRINGS);
            AuditEntry e = new AuditEntry(
                    AuditEntry.instantOfMicros(rs.getLong(2)),
                    text(rs, 3),
                    text(rs, 4),
                    text(rs, 5),
                    rs.getInt(6),
                    text(rs, 7),
                    text(rs, 8),
                    text(rs, 9),
                    decisions,
                    rs.getLong(11));
            return new Row(seq, new AuditRecord(seq, e, text(rs, 12), text(rs, 13)), null);
        } catch (JsonProcessingException e) {
            return new Row(seq, null, "its decisions are not a JSON array of strings");
        } catch (RuntimeException e) {
            return new Row(seq, null, Messages.firstLine(e));
        }
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        if (s == null) {
            throw new IllegalStateException("column " + rs.getMetaData().getColumnName(column) + " is NULL");
        }
        return s;
    }
}
