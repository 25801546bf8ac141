package dev.marauder.gateway.log;

import java.nio.file.Path;

/** The databases an {@link AuditLog} is stored in, with their Flyway migration locations. */
enum Vendor {
    SQLITE("jdbc:sqlite:", "classpath:db/migration/sqlite"),
    POSTGRESQL("jdbc:postgresql:", "classpath:db/migration/postgresql");

    final String prefix;
    final String migrations;

    Vendor(String prefix, String migrations) {
        this.prefix = prefix;
        this.migrations = migrations;
    }

    /** The vendor of {@code jdbcUrl}. */
    static Vendor of(String jdbcUrl) {
        for (Vendor v : values()) {
            if (jdbcUrl.startsWith(v.prefix)) {
                return v;
            }
        }
        int q = jdbcUrl.indexOf('?');
        throw new IllegalArgumentException("the audit log is stored in SQLite (jdbc:sqlite:FILE) or PostgreSQL"
                + " (jdbc:postgresql://HOST/DB); got '" + (q < 0 ? jdbcUrl : jdbcUrl.substring(0, q)) + "'");
    }

    /** The database file of an SQLite URL. */
    static Path sqliteFile(String jdbcUrl) {
        String rest = jdbcUrl.substring(SQLITE.prefix.length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":resource:")) {
            throw new IllegalArgumentException(
                    "an SQLite audit log must be a file (jdbc:sqlite:/path/log.db); an in-memory log loses every"
                            + " record");
        }
        return Path.of(rest);
    }
}
