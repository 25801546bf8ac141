package dev.marauder.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit log on both stores: the same append, verify and tamper suite on SQLite (a file) and on
 * a real PostgreSQL server ({@link PostgresServer}); tampering is done with plain JDBC, as an
 * attacker with database access would.
 */
class AuditLogTest {
    private static final String[] CONTENT = {
        "time_micros",
        "principal",
        "method",
        "path",
        "status",
        "input_sha256",
        "input_sketch",
        "output",
        "decisions",
        "latency_micros",
        "previous_hash",
        "hash"
    };

    private static PostgresServer postgres;

    @TempDir
    Path dir;

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start();
        }
        return postgres;
    }

    /** A new, empty log on {@code store}, a checkpoint every 10 records. */
    private LogSettings settings(String store) {
        Path key = dir.resolve("signing.key");
        LogSettings s = store.equals("sqlite")
                ? LogSettings.sqlite(dir.resolve("audit.db"), key)
                : LogSettings.postgresql(
                        postgres().newSchemaUrl(), postgres().user(), postgres().password(), key);
        return s.withCheckpointEvery(10);
    }

    private static Connection plain(LogSettings s) throws SQLException {
        return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
    }

    static AuditEntry entry(int i) {
        return new AuditEntry(
                Instant.parse("2026-12-07T10:00:00Z").plusNanos(i * 1_234_567_891L),
                i % 5 == 0 ? "anonymous" : "analyst-" + (i % 3),
                "POST",
                "/v2/models/mnist/infer",
                i % 7 == 0 ? 403 : 200,
                Canonical.hex(Canonical.sha256().digest(("input " + i).getBytes(StandardCharsets.UTF_8))),
                "{\"shape\":[1,784],\"mean\":0." + i + ",\"note\":\"é ✓ \uD83D\uDE00\"}",
                "{\"scores\":[0.1,0.9]}",
                List.of("auth:ok", "budget:ok " + i + "/1000", "harden:top-1"),
                100 + i);
    }

    /** Appends {@code n} entries to a new log on {@code store} and closes it; returns its settings. */
    private LogSettings filled(String store, int n) {
        LogSettings s = settings(store);
        try (AuditLog log = AuditLog.open(s)) {
            for (int i = 1; i <= n; i++) {
                assertThat(log.append(entry(i))).isEqualTo(i);
            }
        }
        return s;
    }

    private static PublicKey publicKey(LogSettings s) {
        return AuditLog.readPublicKey(SigningKeys.publicKeyFile(s.signingKey()));
    }

    private static Verification audit(LogSettings s) {
        return AuditLog.verify(s, publicKey(s));
    }

    private static void update(LogSettings s, String sql, Object... args) throws SQLException {
        try (Connection c = plain(s);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void recordsRoundTripExactlyAndVerify(String store) {
        LogSettings s = settings(store);
        AuditEntry odd = new AuditEntry(
                Instant.parse("2026-12-07T10:00:00.123456789Z"),
                "-",
                "GET",
                "/v2/models/m",
                401,
                null,
                null,
                "{\"error\":\"nul \u0000 and lone \uD800\"}",
                null,
                7);
        assertThat(odd.time()).isEqualTo(Instant.parse("2026-12-07T10:00:00.123456Z"));
        assertThat(odd.output()).isEqualTo("{\"error\":\"nul \uFFFD and lone \uFFFD\"}");
        List<AuditEntry> entries = new ArrayList<>();
        try (AuditLog log = AuditLog.open(s)) {
            assertThat(log.size()).isZero();
            assertThat(log.verify()).isEqualTo(new Verification(true, 0, 0, -1, ""));
            for (int i = 1; i <= 24; i++) {
                entries.add(i == 3 ? odd : entry(i));
                assertThat(log.append(entries.get(i - 1))).isEqualTo(i);
            }
            assertThat(log.size()).isEqualTo(24);
            List<AuditRecord> records = log.read(1, 100);
            assertThat(records).extracting(AuditRecord::entry).containsExactlyElementsOf(entries);
            assertThat(records.get(0).previousHash()).isEqualTo("0".repeat(64));
            for (int i = 1; i < records.size(); i++) {
                assertThat(records.get(i).previousHash())
                        .isEqualTo(records.get(i - 1).hash());
            }
            assertThat(log.read(23, 5)).extracting(AuditRecord::sequence).containsExactly(23L, 24L);
            assertThat(log.verify()).isEqualTo(new Verification(true, 24, 2, -1, ""));
        }
        // close() signed the last record too
        assertThat(audit(s)).isEqualTo(new Verification(true, 24, 3, -1, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void editingAnyFieldOfAnyRecordIsDetected(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        for (String column : CONTENT) {
            for (long seq : new long[] {1, 17, 25}) {
                String original;
                try (Connection c = plain(s);
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT " + column + " FROM audit_record WHERE seq = " + seq)) {
                    assertThat(rs.next()).isTrue();
                    original = rs.getString(1);
                }
                String forged = switch (column) {
                    case "time_micros", "status", "latency_micros" -> String.valueOf(Long.parseLong(original) + 1);
                    case "decisions" -> "[\"auth:ok\",\"budget:ok 0/1000\",\"harden:top-1\"]";
                    case "previous_hash", "hash" ->
                        original.replace(original.charAt(0), original.charAt(0) == 'a' ? 'b' : 'a');
                    default -> original + " ";
                };
                boolean numeric =
                        column.equals("time_micros") || column.equals("status") || column.equals("latency_micros");
                update(
                        s,
                        "UPDATE audit_record SET " + column + " = ? WHERE seq = ?",
                        numeric ? (Object) Long.parseLong(forged) : forged,
                        seq);
                Verification v = audit(s);
                assertThat(v.intact()).as(column + " of " + seq).isFalse();
                assertThat(v.firstBadSequence()).as(column + " of " + seq).isEqualTo(seq);
                assertThat(v.problem()).doesNotContain("\n");
                update(
                        s,
                        "UPDATE audit_record SET " + column + " = ? WHERE seq = ?",
                        numeric ? (Object) Long.parseLong(original) : original,
                        seq);
                assertThat(audit(s).intact())
                        .as("restored " + column + " of " + seq)
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void deletingAMiddleRecordIsDetected(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        update(s, "DELETE FROM audit_record WHERE seq = 12");
        Verification v = audit(s);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(12);
        assertThat(v.records()).isEqualTo(11);
        assertThat(v.problem()).isEqualTo("record 12 is missing: the record after 11 is 13");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void deletingTheLastRecordsIsDetectedByTheClosingCheckpoint(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        update(s, "DELETE FROM audit_record WHERE seq > 22");
        Verification v = audit(s);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(23);
        assertThat(v.problem()).contains("ends at record 22").contains("covers record 25");
        assertThatThrownBy(() -> AuditLog.open(s))
                .isInstanceOf(AuditLogException.class)
                .hasMessageContaining("ends at record 22 but a checkpoint covers record 25");
        // The documented limit: deleting the records together with the only checkpoint that covers them.
        update(s, "DELETE FROM audit_checkpoint WHERE seq = 25");
        assertThat(audit(s)).isEqualTo(new Verification(true, 22, 2, -1, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void deletingTheLastRecordsOfALiveLogIsDetectedAgainstItsHead(String store) throws SQLException {
        LogSettings s = settings(store);
        try (AuditLog log = AuditLog.open(s)) {
            for (int i = 1; i <= 14; i++) {
                log.append(entry(i));
            }
            update(s, "DELETE FROM audit_record WHERE seq > 12");
            Verification v = log.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBadSequence()).isEqualTo(13);
            assertThat(v.problem()).contains("this log committed 14 records");
            // What the database alone shows: nothing (no checkpoint covers 13 and 14 yet).
            try (Connection c = plain(s)) {
                assertThat(AuditLog.verify(c, log.publicKey()).intact()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void swappingTwoRecordsIsDetected(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        try (Connection c = plain(s)) {
            Map<String, Object> five = row(c, 5);
            Map<String, Object> nine = row(c, 9);
            setRow(c, 5, nine);
            setRow(c, 9, five);
        }
        Verification v = audit(s);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void editingARecordAndRecomputingTheChainIsCaughtByTheNextCheckpoint(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        try (Connection c = plain(s)) {
            List<AuditRecord> records = Rows.records(c, 1, 100, 100);
            String previous = records.get(11).hash(); // record 12
            for (long seq = 13; seq <= 25; seq++) {
                AuditEntry e = records.get((int) seq - 1).entry();
                if (seq == 13) {
                    e = new AuditEntry(
                            e.time(),
                            "someone-else",
                            e.method(),
                            e.path(),
                            e.status(),
                            e.inputSha256(),
                            e.inputSketch(),
                            e.output(),
                            e.decisions(),
                            e.latencyMicros());
                }
                String hash = Canonical.recordHash(Canonical.sha256(), seq, previous, e);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE audit_record SET principal = ?, previous_hash = ?, hash = ? WHERE seq = ?")) {
                    ps.setString(1, e.principal());
                    ps.setString(2, previous);
                    ps.setString(3, hash);
                    ps.setLong(4, seq);
                    ps.executeUpdate();
                }
                previous = hash;
            }
        }
        Verification v = audit(s);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(11);
        assertThat(v.problem())
                .isEqualTo("record 20 differs from the signed checkpoint at 20: records 11..20 were altered and the"
                        + " chain recomputed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void checkpointsVerifyWithThePublicKeyAloneAndAForgedOneIsDetected(String store) throws Exception {
        LogSettings s = filled(store, 25);
        assertThat(audit(s)).isEqualTo(new Verification(true, 25, 3, -1, ""));
        PublicKey other =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        Verification wrongKey = AuditLog.verify(s, other);
        assertThat(wrongKey.intact()).isFalse();
        assertThat(wrongKey.firstBadSequence()).isEqualTo(10);
        assertThat(wrongKey.problem()).contains("not validly signed by key " + SigningKeys.keyId(other));

        // A checkpoint re-signed with the attacker's key, over a hash the attacker chose.
        PrivateKey attacker =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        long micros;
        try (Connection c = plain(s);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT time_micros FROM audit_checkpoint WHERE seq = 20")) {
            assertThat(rs.next()).isTrue();
            micros = rs.getLong(1);
        }
        String fakeHash = "ab".repeat(32);
        Signature sig = Signature.getInstance("Ed25519");
        sig.initSign(attacker);
        sig.update(Canonical.checkpointMessage(20, fakeHash, micros));
        update(
                s,
                "UPDATE audit_checkpoint SET hash = ?, signature = ? WHERE seq = 20",
                fakeHash,
                Base64.getEncoder().encodeToString(sig.sign()));
        Verification forged = audit(s);
        assertThat(forged.intact()).isFalse();
        assertThat(forged.firstBadSequence()).isEqualTo(20);
        assertThat(forged.checkpoints()).isEqualTo(1);
        assertThat(forged.problem()).startsWith("the checkpoint at record 20 is not validly signed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRangeIsVerifiedFromTheNearestCheckpoint(String store) throws SQLException {
        LogSettings s = filled(store, 25);
        update(s, "UPDATE audit_record SET output = '{}' WHERE seq = 5");
        try (Connection c = plain(s)) {
            PublicKey key = publicKey(s);
            assertThat(AuditLog.verify(c, key).firstBadSequence()).isEqualTo(5);
            // 15..18 is anchored at the checkpoint at 10: records 10..18 are checked, record 5 is not.
            assertThat(AuditLog.verify(c, key, 15, 18)).isEqualTo(new Verification(true, 9, 1, -1, ""));
            assertThat(AuditLog.verify(c, key, 4, 6).firstBadSequence()).isEqualTo(5);
            assertThat(AuditLog.verify(c, key, 20, 30).problem())
                    .isEqualTo("the log ends at record 25, before the end of the range 20..30");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentAppendsGetAGapFreeSequenceAndAVerifyingChain(String store) throws Exception {
        LogSettings s = settings(store).withCheckpointEvery(100);
        int threads = 8;
        int each = 200;
        ConcurrentLinkedQueue<Long> sequences = new ConcurrentLinkedQueue<>();
        try (AuditLog log = AuditLog.open(s)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        sequences.add(log.append(entry(thread * each + i)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(log.size()).isEqualTo(threads * each);
            assertThat(log.verify()).isEqualTo(new Verification(true, threads * each, 16, -1, ""));
        }
        assertThat(sequences).hasSize(threads * each).doesNotHaveDuplicates();
        assertThat(sequences.stream().mapToLong(Long::longValue).min().orElseThrow())
                .isEqualTo(1);
        assertThat(sequences.stream().mapToLong(Long::longValue).max().orElseThrow())
                .isEqualTo(threads * each);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void reopeningResumesTheChain(String store) {
        LogSettings s = filled(store, 5);
        PublicKey first = publicKey(s);
        try (AuditLog log = AuditLog.open(s)) {
            assertThat(log.size()).isEqualTo(5);
            assertThat(log.publicKey()).isEqualTo(first);
            assertThat(log.append(entry(6))).isEqualTo(6);
            List<AuditRecord> r = log.read(5, 2);
            assertThat(r.get(1).previousHash()).isEqualTo(r.get(0).hash());
            assertThat(log.verify().intact()).isTrue();
        }
        // closing checkpoints at 5 and 6
        assertThat(audit(s)).isEqualTo(new Verification(true, 6, 2, -1, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void exportWritesOneJsonObjectPerLineFromWhichAnAuditorRecomputesTheHashes(String store) throws Exception {
        LogSettings s = filled(store, 6);
        StringWriter out = new StringWriter();
        List<AuditRecord> records;
        try (AuditLog log = AuditLog.open(s)) {
            log.exportJsonLines(out, 2, 4);
            records = log.read(2, 3);
        }
        String[] lines = out.toString().split("\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(lines[3]).isEmpty();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 3; i++) {
            assertThat(lines[i]).startsWith("{\"sequence\":" + (i + 2) + ",").endsWith("}");
            JsonNode n = json.readTree(lines[i]);
            AuditRecord r = records.get(i);
            assertThat(n.fieldNames())
                    .toIterable()
                    .containsExactly(
                            "sequence",
                            "time",
                            "time_micros",
                            "principal",
                            "method",
                            "path",
                            "status",
                            "input_sha256",
                            "input_sketch",
                            "output",
                            "decisions",
                            "latency_micros",
                            "previous_hash",
                            "hash");
            assertThat(n.get("sequence").asLong()).isEqualTo(i + 2);
            assertThat(Instant.parse(n.get("time").asText()))
                    .isEqualTo(r.entry().time());
            List<String> decisions = new ArrayList<>();
            n.get("decisions").forEach(d -> decisions.add(d.asText()));
            AuditEntry e = new AuditEntry(
                    AuditEntry.instantOfMicros(n.get("time_micros").asLong()),
                    n.get("principal").asText(),
                    n.get("method").asText(),
                    n.get("path").asText(),
                    n.get("status").asInt(),
                    n.get("input_sha256").asText(),
                    n.get("input_sketch").asText(),
                    n.get("output").asText(),
                    decisions,
                    n.get("latency_micros").asLong());
            assertThat(e).isEqualTo(r.entry());
            assertThat(Canonical.recordHash(
                            Canonical.sha256(), i + 2, n.get("previous_hash").asText(), e))
                    .isEqualTo(n.get("hash").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aFailedCommitThrowsAndTheChainContinuesWithoutAGap(String store) throws SQLException {
        LogSettings s = settings(store);
        boolean sqlite = store.equals("sqlite");
        try (AuditLog log = AuditLog.open(s)) {
            log.append(entry(1));
            if (sqlite) {
                update(
                        s,
                        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_record BEGIN SELECT RAISE(ABORT, 'disk full'); END");
            } else {
                update(
                        s,
                        "CREATE FUNCTION full_disk() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
                                + " LANGUAGE plpgsql");
                update(
                        s,
                        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_record FOR EACH ROW EXECUTE FUNCTION full_disk()");
            }
            assertThatThrownBy(() -> log.append(entry(2)))
                    .isInstanceOf(AuditLogException.class)
                    .hasMessageContaining("could not commit 1 record(s)")
                    .hasMessageContaining("disk full")
                    .message()
                    .doesNotContain("\n");
            assertThat(log.size()).isEqualTo(1);
            update(s, sqlite ? "DROP TRIGGER full_disk" : "DROP TRIGGER full_disk ON audit_record");
            assertThat(log.append(entry(3))).isEqualTo(2);
            assertThat(log.verify()).isEqualTo(new Verification(true, 2, 0, -1, ""));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void appendingToAClosedLogIsRefused(String store) {
        LogSettings s = settings(store);
        AuditLog log = AuditLog.open(s);
        log.close();
        log.close();
        assertThatThrownBy(() -> log.append(entry(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("is closed");
    }

    private static Map<String, Object> row(Connection c, long seq) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT " + String.join(", ", CONTENT) + " FROM audit_record WHERE seq = " + seq)) {
            assertThat(rs.next()).isTrue();
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (String column : CONTENT) {
                row.put(column, rs.getObject(column));
            }
            return row;
        }
    }

    private static void setRow(Connection c, long seq, Map<String, Object> row) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE audit_record SET ");
        sql.append(String.join(" = ?, ", CONTENT)).append(" = ? WHERE seq = ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String column : CONTENT) {
                ps.setObject(i++, row.get(column));
            }
            ps.setLong(i, seq);
            ps.executeUpdate();
        }
    }
}
