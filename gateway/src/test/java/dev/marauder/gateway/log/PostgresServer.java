package dev.marauder.gateway.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests. With {@code MARAUDER_TEST_POSTGRES_URL} (and {@code _USER},
 * {@code _PASSWORD}) set it uses that server; otherwise it starts a private throwaway cluster: the
 * first {@code initdb}/{@code pg_ctl} on the PATH or in {@code /usr/lib/postgresql/<newest>/bin},
 * a new temporary directory (given to the {@code postgres} user, and the commands run through
 * {@code runuser -u postgres --}, when the tests run as root, since initdb refuses root), trust
 * authentication, listening only on 127.0.0.1 on a free port with its socket in that directory.
 * {@link #close()} stops the cluster and deletes the directory. Every process has a timeout. Without
 * PostgreSQL binaries, {@link #start()} throws: the tests fail rather than skip.
 *
 * <p>Each test takes a fresh schema ({@link #newSchemaUrl()}), so one server serves a whole class.
 */
public final class PostgresServer implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 120;
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    private final String url;
    private final String user;
    private final String password;
    private final Path dir; // null for an external server
    private final Path bin;
    private final boolean asPostgres;
    private final Thread shutdownHook;

    private PostgresServer(String url, String user, String password, Path dir, Path bin, boolean asPostgres) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.dir = dir;
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.shutdownHook = dir == null ? null : new Thread(this::stopQuietly, "marauder-test-postgres-stop");
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** The server named by the environment, or a new private cluster. */
    public static PostgresServer start() {
        String external = System.getenv("MARAUDER_TEST_POSTGRES_URL");
        if (external != null && !external.isBlank()) {
            return new PostgresServer(
                    external,
                    System.getenv("MARAUDER_TEST_POSTGRES_USER"),
                    System.getenv("MARAUDER_TEST_POSTGRES_PASSWORD"),
                    null,
                    null,
                    false);
        }
        Path bin = requireBinaries(System.getenv("PATH"), Path.of("/usr/lib/postgresql"));
        boolean root = "0".equals(run(List.of("id", "-u"), null, 10).trim());
        Path dir;
        try {
            dir = Files.createTempDirectory("marauder-pg");
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName("postgres"));
                GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a directory for a PostgreSQL cluster: " + e.getMessage(), e);
        }
        try {
            Path data = dir.resolve("data");
            run(
                    command(
                            root,
                            bin.resolve("initdb"),
                            "-D",
                            data.toString(),
                            "-U",
                            "postgres",
                            "-A",
                            "trust",
                            "-E",
                            "UTF8",
                            "--no-locale",
                            "--no-sync"),
                    dir,
                    TIMEOUT_SECONDS);
            int port = -1;
            RuntimeException last = null;
            for (int attempt = 0; attempt < 3 && port < 0; attempt++) {
                int p = freePort();
                try {
                    run(
                            command(
                                    root,
                                    bin.resolve("pg_ctl"),
                                    "-D",
                                    data.toString(),
                                    "-l",
                                    dir.resolve("server.log").toString(),
                                    "-w",
                                    "-t",
                                    "60",
                                    "-o",
                                    "-c listen_addresses=127.0.0.1 -p " + p + " -c unix_socket_directories=" + dir
                                            + " -c fsync=off",
                                    "start"),
                            dir,
                            90);
                    port = p;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            if (port < 0) {
                throw last;
            }
            PostgresServer server = new PostgresServer(
                    "jdbc:postgresql://127.0.0.1:" + port + "/marauder_test", "postgres", null, dir, bin, root);
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE marauder_test ENCODING 'UTF8'");
            } catch (SQLException e) {
                server.close();
                throw new IllegalStateException("cannot create the test database: " + e.getMessage(), e);
            }
            return server;
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The URL of a new, empty schema (the connection's current schema), so that tests do not share tables. */
    public String newSchemaUrl() {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + ": " + e.getMessage(), e);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Stops a private cluster and deletes its directory; nothing for an external server. */
    @Override
    public void close() {
        if (dir == null) {
            return;
        }
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }

    private synchronized void stopQuietly() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            run(
                    command(
                            asPostgres,
                            bin.resolve("pg_ctl"),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "-t",
                            "30",
                            "stop"),
                    dir,
                    60);
        } catch (RuntimeException e) {
            System.err.println("could not stop the test PostgreSQL cluster in " + dir + ": " + e.getMessage());
        }
        deleteTree(dir);
    }

    private static List<String> command(boolean asPostgres, Path program, String... args) {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.add(program.toString());
        c.addAll(List.of(args));
        return c;
    }

    /** Runs {@code command}, returning its output; throws with the output on failure or timeout. */
    private static String run(List<String> command, Path workDir, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            Path out = Files.createTempFile("marauder-pg-cmd", ".out");
            pb.redirectOutput(out.toFile());
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds
                            + " s: " + Files.readString(out));
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(
                            String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.strip());
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
    }

    /**
     * The directory holding initdb and pg_ctl: the first on {@code path}, else the newest {@code
     * lib/N/bin}; throws (so that the tests fail, not skip) when there is none.
     */
    static Path requireBinaries(String path, Path lib) {
        return binaries(path, lib)
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (no"
                        + " initdb and pg_ctl on the PATH or in " + lib
                        + "/*/bin): install the Debian package postgresql, as"
                        + " the project's CI script does, or set MARAUDER_TEST_POSTGRES_URL"));
    }

    private static Optional<Path> binaries(String path, Path lib) {
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(d);
                if (Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl"))) {
                    return Optional.of(p);
                }
            }
        }
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(lib)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PostgresServer::version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
