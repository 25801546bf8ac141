package dev.marauder.gateway.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.marauder.core.io.Messages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
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
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's tamper-evident audit log: one record per request (who, when, a hash and a sketch
 * of the input, what was returned, the policy decisions), chained by SHA-256 and anchored by
 * Ed25519-signed checkpoints, stored in SQLite (the embedded default) or PostgreSQL. This is the
 * "compromise recording" of Saltzer and Schroeder: it does not prevent an attacker who controls the
 * database from changing it, but makes the change evident to an auditor who holds the public key.
 *
 * <h2>Durability and throughput</h2>
 *
 * {@link #append} returns only after the record is committed: SQLite runs in WAL mode with {@code
 * synchronous=FULL}, PostgreSQL with its default synchronous commit. Appends are group-committed:
 * request threads queue their entries, and one writer thread takes every pending entry, gives them
 * consecutive sequence numbers, chains their hashes in that order, inserts them as one batch in one
 * transaction, commits, and only then releases the callers. If the commit fails, every caller of that
 * batch gets an {@link AuditLogException} (the gateway answers 503 and does not release the
 * prediction); the writer then reconnects if it must and resumes from the last record the database
 * holds. A commit whose outcome is unknown (the connection dropped during {@code COMMIT}) may leave
 * records of requests that were refused: the log may hold more than was acknowledged, never less.
 * One {@code AuditLog} must own a log: two writers on one database would fork the chain (the primary
 * key on the sequence makes the second writer's inserts fail rather than interleave).
 *
 * <h2>The record hash</h2>
 *
 * A record's {@code hash} is the lower-case hex SHA-256 of this encoding, where {@code int32} and
 * {@code int64} are big-endian two's complement and {@code text(s)} is {@code int32(byte length)}
 * followed by the UTF-8 bytes of {@code s}:
 *
 * <pre>
 * text("marauder-audit-record-v1")  int64(sequence)  text(previousHash)
 * int64(time as microseconds since 1970-01-01T00:00:00Z)
 * text(principal)  text(method)  text(path)  int32(status)
 * text(inputSha256)  text(inputSketch)  text(output)
 * int32(number of decisions)  text(decision) for each, in order
 * int64(latencyMicros)
 * </pre>
 *
 * {@code previousHash} is the hex hash of the record before, and 64 zeros ({@code "000...0"}) for
 * record 1. The tables store exactly these values ({@code time_micros} as an integer, {@code
 * decisions} as a JSON array of strings), so an auditor can recompute every hash from a plain
 * {@code SELECT} or from {@link #exportJsonLines}.
 *
 * <h2>Checkpoints</h2>
 *
 * At every record whose sequence is a multiple of {@link LogSettings#checkpointEvery()}, and at the
 * last record when the log is {@linkplain #close() closed}, the log stores a checkpoint: the record's
 * sequence and hash and the time, signed with Ed25519 over {@code text("marauder-audit-checkpoint-v1")
 * int64(sequence) text(hash) int64(time in microseconds)} (same encoding as above; the signature is
 * stored in base64). Whoever holds the public key (written beside the signing key as {@code
 * <signingKey>.pub}) can check the log without trusting the database: {@link #verify(Connection,
 * PublicKey, long, long)}.
 *
 * <h2>What is detected</h2>
 *
 * <ul>
 *   <li>Editing any stored field of a record: its hash no longer matches its contents.
 *   <li>Editing a record and recomputing every hash after it: the next signed checkpoint no longer
 *       matches (and, while the log is open, the head this log committed no longer matches).
 *   <li>Deleting a record in the middle: a gap in the sequence. Reordering (swapping two rows'
 *       contents): the sequence is part of the hash and each record names the previous hash.
 *   <li>Deleting the last records: detected when a signed checkpoint covers a deleted record (the
 *       checkpoint written by {@code close()} covers the whole log), or, while the log is open, by
 *       {@link #verify()} against the head it committed. A log that ends before one of its
 *       checkpoints is also refused by {@link #open}.
 *   <li>A forged or altered checkpoint: its signature does not verify with the public key.
 * </ul>
 *
 * Not detected from the database alone: deleting the records after the last checkpoint together
 * with nothing else (before close, or after a crash that skipped the close checkpoint), or deleting
 * records and every checkpoint that covers them. Deleting a checkpoint alone loses no record but
 * weakens the log: a chain rewritten after the previous checkpoint is then caught only by a later
 * one. Against all of this, an auditor keeps the latest checkpoint (or the whole export) outside the
 * database and checks that the log still holds it; a live log also checks the database against the
 * last record it committed ({@link #verify()}).
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_BATCH = 1024;
    private static final JsonFactory JSON = new JsonFactory();

    /** The last committed record: sequence and hash (0 and the genesis hash for an empty log). */
    private record Head(long sequence, String hash) {}

    /** One caller's entry waiting for the writer. */
    private static final class Pending {
        final AuditEntry entry;
        final CompletableFuture<Long> done = new CompletableFuture<>();

        Pending(AuditEntry entry) {
            this.entry = entry;
        }
    }

    private static final Pending STOP = new Pending(null);

    private final LogSettings settings;
    private final Vendor vendor;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object state = new Object();
    private final Object reading = new Object();
    private final Thread writer;
    private final Connection readConnection;
    private volatile Head head;
    private boolean closed;
    private AuditLogException writerFailure;

    // Owned by the writer thread (and by close() once the writer has stopped).
    private Connection writeConnection;
    private PreparedStatement insertRecord;
    private PreparedStatement insertCheckpoint;
    private volatile long lastCheckpoint;
    private boolean resync;
    private final Signature signer;
    private final java.security.MessageDigest digest = Canonical.sha256();

    private AuditLog(LogSettings settings, KeyPair keys, Connection writeConnection, Connection readConnection) {
        this.settings = settings;
        this.vendor = Vendor.of(settings.jdbcUrl());
        this.privateKey = keys.getPrivate();
        this.publicKey = keys.getPublic();
        this.keyId = SigningKeys.keyId(publicKey);
        this.writeConnection = writeConnection;
        this.readConnection = readConnection;
        try {
            this.signer = Signature.getInstance("Ed25519");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519: " + Messages.firstLine(e), e);
        }
        this.writer = new Thread(this::writeLoop, "marauder-audit-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Opens the log: creates the database's tables or migrates them (Flyway), loads the signing key
     * (or creates it, owner-only, with its public key beside it), and resumes the chain after the last
     * stored record.
     *
     * @throws IllegalArgumentException if the signing key file is not an Ed25519 PKCS#8 key, or an
     *     SQLite path is not a file that can be written
     * @throws AuditLogException if the database cannot be opened or migrated, or the stored log ends
     *     before one of its signed checkpoints (records were deleted)
     */
    public static AuditLog open(LogSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Vendor vendor = Vendor.of(settings.jdbcUrl());
        if (vendor == Vendor.SQLITE) {
            prepareSqliteFile(Vendor.sqliteFile(settings.jdbcUrl()));
        }
        KeyPair keys = SigningKeys.loadOrCreate(settings.signingKey());
        Connection write = null;
        Connection read = null;
        try {
            write = connect(settings, false);
            migrate(settings, vendor);
            read = connect(settings, false);
            AuditLog log = new AuditLog(settings, keys, write, read);
            log.prepare();
            if (log.lastCheckpoint > log.head.sequence()) {
                throw new AuditLogException(
                        "the audit log " + where(settings) + " ends at record " + log.head.sequence()
                                + " but a checkpoint covers record " + log.lastCheckpoint
                                + ": records were deleted; verify and archive it before appending");
            }
            log.writer.start();
            return log;
        } catch (SQLException e) {
            closeQuietly(read);
            closeQuietly(write);
            throw new AuditLogException(
                    "cannot open the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
        } catch (RuntimeException e) {
            closeQuietly(read);
            closeQuietly(write);
            throw e;
        }
    }

    /**
     * Records {@code entry} and returns its sequence number (from 1) once it is committed.
     *
     * @throws AuditLogException if the commit failed: the record is not acknowledged
     * @throws IllegalStateException if the log is closed
     */
    public long append(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Pending p = new Pending(entry);
        synchronized (state) {
            if (closed) {
                throw new IllegalStateException("the audit log " + where(settings) + " is closed");
            }
            if (writerFailure != null) {
                throw new AuditLogException(writerFailure.getMessage(), writerFailure);
            }
            queue.add(p);
        }
        try {
            return p.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** The number of records committed (the sequence number of the last one). */
    public long size() {
        return head.sequence();
    }

    /** Up to {@code limit} records from sequence {@code fromSequence} on, in order. */
    public List<AuditRecord> read(long fromSequence, int limit) {
        if (fromSequence < 1 || limit < 0) {
            throw new IllegalArgumentException(
                    "read from a sequence >= 1 at most limit >= 0 records, got " + fromSequence + " and " + limit);
        }
        synchronized (reading) {
            requireOpen();
            try {
                return Rows.records(readConnection, fromSequence, Long.MAX_VALUE, limit);
            } catch (SQLException e) {
                throw new AuditLogException(
                        "cannot read the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
            }
        }
    }

    /**
     * Checks the whole chain and every checkpoint signature with this log's public key, and that the
     * database still holds the last record this log committed, unchanged.
     */
    public Verification verify() {
        Head h = head;
        synchronized (reading) {
            requireOpen();
            try {
                return ChainVerifier.verify(readConnection, publicKey, 1, Long.MAX_VALUE, h.sequence(), h.hash());
            } catch (SQLException e) {
                throw new AuditLogException(
                        "cannot read the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
            }
        }
    }

    /**
     * What an auditor runs with only the public key: checks the whole log in {@code settings}'
     * database without migrating or writing it ({@code settings.signingKey()} is not read).
     */
    public static Verification verify(LogSettings settings, PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        try (Connection c = connect(settings, true)) {
            return verify(c, publicKey);
        } catch (SQLException e) {
            throw new AuditLogException(
                    "cannot read the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
        }
    }

    /** Checks the whole log in {@code connection} with {@code publicKey} (see {@link #verify(Connection, PublicKey, long, long)}). */
    public static Verification verify(Connection connection, PublicKey publicKey) {
        return verify(connection, publicKey, 1, Long.MAX_VALUE);
    }

    /**
     * Checks records {@code fromSequence..toSequence} (inclusive; {@code Long.MAX_VALUE} for the end)
     * of the log in {@code connection}, trusting only {@code publicKey}: the chain is recomputed from
     * the nearest checkpoint at or before {@code fromSequence} (whose signature is checked), or from
     * record 1 when there is none; every record's hash must match its contents and name the hash
     * before it, and every checkpoint in the range must be validly signed and match its record. The
     * first problem found is reported with the sequence number of the first bad record.
     */
    public static Verification verify(Connection connection, PublicKey publicKey, long fromSequence, long toSequence) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(publicKey, "publicKey");
        try {
            return ChainVerifier.verify(connection, publicKey, fromSequence, toSequence, 0, Canonical.GENESIS);
        } catch (SQLException e) {
            throw new AuditLogException("cannot read the audit log: " + Messages.firstLine(e), e);
        }
    }

    /** Reads an Ed25519 public key (X.509, PEM or DER), such as the {@code .pub} file beside a signing key. */
    public static PublicKey readPublicKey(Path file) {
        return SigningKeys.readPublic(file);
    }

    /**
     * Writes records {@code fromSequence..toSequence} (inclusive) to {@code out}, one JSON object per
     * line with the keys {@code sequence, time} (ISO-8601), {@code time_micros, principal, method,
     * path, status, input_sha256, input_sketch, output} (the JSON texts as strings, exactly as
     * hashed), {@code decisions} (an array), {@code latency_micros, previous_hash, hash}. {@code out}
     * is flushed, not closed.
     */
    public void exportJsonLines(Writer out, long fromSequence, long toSequence) {
        export(out, fromSequence, toSequence, settings, (from, to) -> {
            synchronized (reading) {
                requireOpen();
                return Rows.records(readConnection, from, to, 1000);
            }
        });
    }

    /**
     * What an auditor runs to export a log without opening it for writing (no migration, no signing
     * key, no checkpoint written): the records {@code fromSequence..toSequence} of the log in
     * {@code settings}, as {@link #exportJsonLines(Writer, long, long)} writes them.
     *
     * @throws AuditLogException if the log cannot be read
     */
    public static void exportJsonLines(LogSettings settings, Writer out, long fromSequence, long toSequence) {
        try (Connection c = connect(settings, true)) {
            export(out, fromSequence, toSequence, settings, (from, to) -> Rows.records(c, from, to, 1000));
        } catch (SQLException e) {
            throw new AuditLogException(
                    "cannot read the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
        }
    }

    /** Reads a page of records from {@code from} to at most {@code to}. */
    @FunctionalInterface
    private interface Pages {
        List<AuditRecord> page(long from, long to) throws SQLException;
    }

    private static void export(Writer out, long fromSequence, long toSequence, LogSettings settings, Pages pages) {
        Objects.requireNonNull(out, "out");
        if (fromSequence < 1 || toSequence < fromSequence) {
            throw new IllegalArgumentException(
                    "export a range 1 <= from <= to, got " + fromSequence + ".." + toSequence);
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null); // the lines are separated by the newlines written below
            long next = fromSequence;
            while (next <= toSequence) {
                List<AuditRecord> page = pages.page(next, toSequence);
                if (page.isEmpty()) {
                    break;
                }
                for (AuditRecord r : page) {
                    writeJson(g, r);
                    g.writeRaw('\n');
                }
                next = page.get(page.size() - 1).sequence() + 1;
            }
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log export: " + Messages.firstLine(e), e);
        } catch (SQLException e) {
            throw new AuditLogException(
                    "cannot read the audit log " + where(settings) + ": " + Messages.firstLine(e), e);
        }
    }

    /** The public key that verifies this log's checkpoints. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * Commits every pending append, writes a checkpoint at the last record (unless one is there) and
     * closes the database connections. Appends after this throw {@link IllegalStateException}.
     *
     * @throws AuditLogException if the final checkpoint could not be committed (the connections are
     *     closed all the same)
     */
    @Override
    public void close() {
        synchronized (state) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        AuditLogException failure = null;
        try {
            ensureWriteConnection();
            Head h = head;
            if (h.sequence() > lastCheckpoint) {
                addCheckpoint(h.sequence(), h.hash());
                insertCheckpoint.executeBatch();
                writeConnection.commit();
                lastCheckpoint = h.sequence();
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            failure = new AuditLogException(
                    "cannot write the closing checkpoint of the audit log " + where(settings) + ": "
                            + Messages.firstLine(reason(e)),
                    e);
        } finally {
            synchronized (reading) {
                closeQuietly(readConnection);
            }
            closeQuietly(writeConnection);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- the writer thread ----

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        boolean stop = false;
        try {
            while (!stop) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    continue; // only close() stops the writer, and only after every entry before STOP
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                if (batch.get(batch.size() - 1) == STOP) {
                    batch.remove(batch.size() - 1);
                    stop = true;
                }
                if (!batch.isEmpty()) {
                    write(batch);
                }
                batch.clear();
            }
        } catch (Throwable t) {
            // An Error (write() handles exceptions): fail this batch and every later append rather than
            // leave request threads waiting for a writer that is gone.
            AuditLogException failure = new AuditLogException(
                    "the audit log writer of " + where(settings) + " stopped: " + Messages.firstLine(t), t);
            synchronized (state) {
                writerFailure = failure;
            }
            for (Pending p : batch) {
                p.done.completeExceptionally(failure);
            }
            for (Pending p = queue.poll(); p != null; p = queue.poll()) {
                p.done.completeExceptionally(failure);
            }
            throw t;
        }
    }

    /** Sequences, chains, inserts and commits {@code batch}, then releases its callers. */
    private void write(List<Pending> batch) {
        long[] sequences = new long[batch.size()];
        try {
            ensureWriteConnection();
            Head h = head;
            long seq = h.sequence();
            String previous = h.hash();
            long checkpoint = lastCheckpoint;
            for (int i = 0; i < batch.size(); i++) {
                AuditEntry e = batch.get(i).entry;
                seq++;
                String hash = Canonical.recordHash(digest, seq, previous, e);
                Rows.bind(insertRecord, new AuditRecord(seq, e, previous, hash), Rows.decisionsJson(e.decisions()));
                insertRecord.addBatch();
                if (seq % settings.checkpointEvery() == 0) {
                    addCheckpoint(seq, hash);
                    checkpoint = seq;
                }
                sequences[i] = seq;
                previous = hash;
            }
            insertRecord.executeBatch();
            if (checkpoint != lastCheckpoint) {
                insertCheckpoint.executeBatch();
            }
            writeConnection.commit();
            head = new Head(seq, previous);
            lastCheckpoint = checkpoint;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            resync = true;
            String message = "the audit log " + where(settings) + " could not commit " + batch.size() + " record(s): "
                    + Messages.firstLine(reason(e));
            LOG.warn(message);
            AuditLogException failure = new AuditLogException(message, e);
            for (Pending p : batch) {
                p.done.completeExceptionally(failure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done.complete(sequences[i]);
        }
    }

    /**
     * What to report of a failed write: for a batch, the database's error rather than the batch
     * entry (whose text, with PostgreSQL, holds the record's values).
     */
    private static Throwable reason(Throwable e) {
        if (e instanceof java.sql.BatchUpdateException b && b.getNextException() != null) {
            return b.getNextException();
        }
        return e;
    }

    private void addCheckpoint(long seq, String hash) throws SQLException {
        long micros = AuditEntry.micros(Instant.now());
        byte[] signature;
        try {
            signer.initSign(privateKey);
            signer.update(Canonical.checkpointMessage(seq, hash, micros));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint: " + Messages.firstLine(e), e);
        }
        insertCheckpoint.setLong(1, seq);
        insertCheckpoint.setString(2, hash);
        insertCheckpoint.setLong(3, micros);
        insertCheckpoint.setString(4, keyId);
        insertCheckpoint.setString(5, Base64.getEncoder().encodeToString(signature));
        insertCheckpoint.addBatch();
    }

    /** Reconnects after a failure that broke the connection, and reloads the head from the database. */
    private void ensureWriteConnection() throws SQLException {
        if (!resync) {
            return;
        }
        if (writeConnection == null || !writeConnection.isValid(5)) {
            closeQuietly(writeConnection);
            writeConnection = null;
            writeConnection = connect(settings, false);
        }
        prepare();
        resync = false;
    }

    /** Prepares the writer's statements and loads the head and the last checkpoint. */
    private void prepare() throws SQLException {
        writeConnection.setAutoCommit(false);
        closeQuietly(insertRecord);
        closeQuietly(insertCheckpoint);
        insertRecord = writeConnection.prepareStatement(Rows.INSERT_RECORD);
        insertCheckpoint = writeConnection.prepareStatement(Rows.INSERT_CHECKPOINT);
        Head h = new Head(0, Canonical.GENESIS);
        long cp = 0;
        try (Statement s = writeConnection.createStatement()) {
            try (ResultSet rs = s.executeQuery(Rows.LAST)) {
                if (rs.next()) {
                    h = new Head(rs.getLong(1), rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery(Rows.LAST_CHECKPOINT)) {
                if (rs.next()) {
                    cp = rs.getLong(1);
                }
            }
        }
        writeConnection.commit();
        head = h;
        lastCheckpoint = cp;
    }

    private void rollbackQuietly() {
        try {
            if (writeConnection != null) {
                writeConnection.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is checked before the next batch
        }
    }

    // ---- connections ----

    /** A connection with the log's settings: for SQLite WAL, synchronous=FULL and a busy timeout. */
    private static Connection connect(LogSettings settings, boolean readOnly) throws SQLException {
        Properties p = new Properties();
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        Vendor vendor = Vendor.of(settings.jdbcUrl());
        if (vendor == Vendor.SQLITE) {
            if (readOnly) {
                p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: an auditor's check never creates a file
            }
            Connection c = DriverManager.getConnection(settings.jdbcUrl(), p);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                if (!readOnly) {
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("PRAGMA synchronous = FULL");
                }
            } catch (SQLException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        }
        p.setProperty("reWriteBatchedInserts", "true");
        Connection c = DriverManager.getConnection(settings.jdbcUrl(), p);
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_encoding")) {
            if (rs.next() && !"UTF8".equalsIgnoreCase(rs.getString(1))) {
                throw new SQLException("the database's encoding is " + rs.getString(1) + ", not UTF8");
            }
            if (readOnly) {
                c.setReadOnly(true);
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private static void migrate(LogSettings settings, Vendor vendor) {
        try {
            Flyway.configure(AuditLog.class.getClassLoader())
                    .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                    .locations(vendor.migrations)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new AuditLogException(
                    "cannot create or migrate the audit log tables in " + where(settings) + ": "
                            + Messages.firstLine(e),
                    e);
        }
    }

    /**
     * Checks that an SQLite log file can be written before SQLite tries, and creates it owner-only
     * when absent (SQLite gives its WAL files the database's permissions).
     */
    private static void prepareSqliteFile(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("the audit log " + file + " is a directory; give a file");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "the audit log " + file + " cannot be created: " + dir + " is not a directory");
        }
        if (Files.exists(abs)) {
            if (!Files.isWritable(abs)) {
                throw new IllegalArgumentException("the audit log " + file + " is not writable");
            }
            return;
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException(
                    "the audit log " + file + " cannot be created: " + dir + " is not writable");
        }
        try {
            if (abs.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the audit log " + file + " cannot be created: " + Messages.firstLine(e), e);
        }
    }

    private static void writeJson(JsonGenerator g, AuditRecord r) throws IOException {
        AuditEntry e = r.entry();
        g.writeStartObject();
        g.writeNumberField("sequence", r.sequence());
        g.writeStringField("time", e.time().toString());
        g.writeNumberField("time_micros", e.timeMicros());
        g.writeStringField("principal", e.principal());
        g.writeStringField("method", e.method());
        g.writeStringField("path", e.path());
        g.writeNumberField("status", e.status());
        g.writeStringField("input_sha256", e.inputSha256());
        g.writeStringField("input_sketch", e.inputSketch());
        g.writeStringField("output", e.output());
        g.writeArrayFieldStart("decisions");
        for (String d : e.decisions()) {
            g.writeString(d);
        }
        g.writeEndArray();
        g.writeNumberField("latency_micros", e.latencyMicros());
        g.writeStringField("previous_hash", r.previousHash());
        g.writeStringField("hash", r.hash());
        g.writeEndObject();
    }

    private void requireOpen() {
        synchronized (state) {
            if (closed) {
                throw new IllegalStateException("the audit log " + where(settings) + " is closed");
            }
        }
    }

    /** The database as it may be named in a message (an SQLite file, or a URL without parameters). */
    private static String where(LogSettings settings) {
        return settings.database().startsWith(Vendor.SQLITE.prefix)
                ? settings.database().substring(Vendor.SQLITE.prefix.length())
                : settings.database();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing after a failure: the first failure is the one reported
        }
    }
}
