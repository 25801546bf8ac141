package dev.marauder.gateway.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an {@link AuditLog} is stored and how it is signed.
 *
 * @param jdbcUrl {@code jdbc:sqlite:/path/log.db} (the embedded default) or {@code
 *     jdbc:postgresql://host:port/database} (for teams; the database must use UTF8)
 * @param user the database user, or {@code null} (SQLite needs none)
 * @param password the database password, or {@code null}; never shown by {@link #toString()}
 * @param signingKey the Ed25519 private key file (PKCS#8, PEM or DER); created with owner-only
 *     permissions when absent, never overwritten. Its public key is written beside it as {@code
 *     <signingKey>.pub} (X.509, PEM) for auditors.
 * @param checkpointEvery a signed checkpoint is written at every record whose sequence is a
 *     multiple of this (default 1000), and at the last record when the log is closed
 */
public record LogSettings(String jdbcUrl, String user, String password, Path signingKey, int checkpointEvery) {
    /** The default distance between signed checkpoints. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 1000;

    public LogSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(signingKey, "signingKey");
        Vendor.of(jdbcUrl);
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be at least 1, got " + checkpointEvery);
        }
    }

    /** An SQLite log in {@code dbFile}, signed with {@code signingKey}, a checkpoint every 1000 records. */
    public static LogSettings sqlite(Path dbFile, Path signingKey) {
        return new LogSettings(
                "jdbc:sqlite:" + dbFile.toAbsolutePath().normalize(), null, null, signingKey, DEFAULT_CHECKPOINT_EVERY);
    }

    /** A PostgreSQL log at {@code jdbcUrl}, signed with {@code signingKey}, a checkpoint every 1000 records. */
    public static LogSettings postgresql(String jdbcUrl, String user, String password, Path signingKey) {
        return new LogSettings(jdbcUrl, user, password, signingKey, DEFAULT_CHECKPOINT_EVERY);
    }

    /** These settings with a checkpoint every {@code n} records. */
    public LogSettings withCheckpointEvery(int n) {
        return new LogSettings(jdbcUrl, user, password, signingKey, n);
    }

    /** The database as it may be shown: the URL without its parameters (which may hold a password). */
    public String database() {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    /** The settings without the password (and without the URL's parameters). */
    @Override
    public String toString() {
        return "LogSettings[jdbcUrl=" + database() + ", user=" + user + ", password="
                + (password == null ? "null" : "***") + ", signingKey=" + signingKey + ", checkpointEvery="
                + checkpointEvery + "]";
    }
}
