package dev.marauder.cli;

import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.gateway.GatewayConfig;
import dev.marauder.gateway.log.AuditLog;
import dev.marauder.gateway.log.LogSettings;
import dev.marauder.gateway.log.Verification;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder audit-log verify|export}: checks the gateway's tamper-evident audit log (hash
 * chain and signed checkpoints, naming the first bad record) and exports its records as JSON lines.
 */
@Command(
        name = "audit-log",
        mixinStandardHelpOptions = true,
        description = "Verify or export the secure prediction gateway's tamper-evident audit log.",
        subcommands = {AuditLogCommand.Verify.class, AuditLogCommand.Export.class})
final class AuditLogCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: verify or export");
    }

    /** Where the log is: a gateway configuration, or a database URL with credentials. */
    static final class Location {
        @Option(names = "--config", paramLabel = "FILE", description = "The gateway's configuration (gateway.yaml).")
        Path config;

        @Option(
                names = "--url",
                paramLabel = "JDBC",
                description = "The log's database instead: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB.")
        String url;
    }

    /** The options shared by both subcommands. */
    static final class LogOptions {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Location where;

        @Option(names = "--user", paramLabel = "USER", description = "Database user (with --url, PostgreSQL).")
        String user;

        @Option(
                names = "--password-env",
                paramLabel = "VAR",
                description = "Environment variable holding the database password (with --url, PostgreSQL).")
        String passwordEnv;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description =
                        "The Ed25519 public key (PEM) that verifies the checkpoints; default: the .pub file beside"
                                + " the configuration's signing key. An auditor needs only this, not the private key.")
        Path publicKey;

        LogSettings settings() {
            if (where.config != null) {
                GatewayConfig cfg = GatewayConfig.load(where.config);
                GatewayConfig.AuditLogConfig l = cfg.auditLog();
                return new LogSettings(
                        l.url(),
                        l.user(),
                        l.passwordEnv() == null ? null : System.getenv(l.passwordEnv()),
                        l.signingKey(),
                        l.checkpointEvery());
            }
            if (!where.url.startsWith("jdbc:sqlite:") && !where.url.startsWith("jdbc:postgresql://")) {
                throw new UsageException(
                        "--url must be jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, got " + where.url);
            }
            if (where.url.startsWith("jdbc:sqlite:") && !Files.isRegularFile(Path.of(where.url.substring(12)))) {
                throw new IllegalArgumentException(where.url.substring(12) + ": no audit log database there");
            }
            if (publicKey == null) {
                throw new UsageException("--url needs --public-key (the .pub file beside the gateway's signing key)");
            }
            String password = null;
            if (passwordEnv != null) {
                password = System.getenv(passwordEnv);
                if (password == null) {
                    throw new UsageException("--password-env: the environment variable " + passwordEnv + " is not set");
                }
            }
            return new LogSettings(where.url, user, password, publicKey.resolveSibling(".unused-signing-key"), 1000);
        }

        PublicKey key(LogSettings settings) {
            Path file = publicKey != null ? publicKey : Path.of(settings.signingKey() + ".pub");
            Inputs.requireExists(file, "--public-key");
            return AuditLog.readPublicKey(file);
        }
    }

    /** {@code audit-log verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check the audit log's hash chain and every signed checkpoint with the public key alone; names the"
                        + " first record altered, deleted or out of place. Exit 0 if intact, 1 if not."
            })
    static final class Verify implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        LogOptions log;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            LogSettings settings = log.settings();
            PublicKey key = log.key(settings);
            output.checkWritable(java.util.List.of());
            Verification v = AuditLog.verify(settings, key);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("log", settings.database());
            result.put("intact", v.intact());
            result.put("records", v.records());
            result.put("checkpoints", v.checkpoints());
            result.put("first_bad_sequence", v.firstBadSequence());
            result.put("problem", v.problem());
            output.emit(
                    spec.commandLine().getOut(),
                    result,
                    v.intact()
                            ? "audit log intact: " + v.records() + " records, " + v.checkpoints()
                                    + " signed checkpoints verified"
                            : "audit log NOT intact: record " + v.firstBadSequence() + ": " + v.problem());
            if (!v.intact()) {
                spec.commandLine()
                        .getErr()
                        .println("marauder: audit log " + settings.database() + ": record " + v.firstBadSequence()
                                + ": " + v.problem());
                return 1;
            }
            return 0;
        }
    }

    /** {@code audit-log export}. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write the audit log's records as JSON lines (one record per line, with its hashes).")
    static final class Export implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        LogOptions log;

        @Option(
                names = "--records",
                paramLabel = "FILE",
                description = "The JSON-lines file to write (default: standard output); replaced atomically, never a"
                        + " file of the log itself.")
        Path records;

        @Option(
                names = "--from",
                defaultValue = "1",
                paramLabel = "N",
                description = "First sequence number (default 1).")
        long from;

        @Option(
                names = "--to",
                defaultValue = "9223372036854775806",
                paramLabel = "N",
                description = "Last sequence number (default: the last record).")
        long to;

        @Override
        public Integer call() {
            if (from < 1 || to < from) {
                throw new UsageException("--from must be at least 1 and --to at least --from");
            }
            LogSettings settings = log.settings();
            if (records != null) {
                Path target = records.toAbsolutePath().normalize();
                if (Files.isDirectory(target)) {
                    throw new RefusedOutputException(records, "is a directory; --records names the file to write");
                }
                if (settings.jdbcUrl().startsWith("jdbc:sqlite:")
                        && target.startsWith(Path.of(settings.jdbcUrl().substring(12))
                                .toAbsolutePath()
                                .normalize())) {
                    throw new RefusedOutputException(records, "is the audit log's own database");
                }
            }
            if (records == null) {
                Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
                AuditLog.exportJsonLines(settings, w, from, to);
                try {
                    w.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else {
                AtomicFiles.write(records, out -> {
                    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    AuditLog.exportJsonLines(settings, w, from, to);
                    w.flush();
                });
                PrintWriter err = spec.commandLine().getErr();
                err.println("marauder: wrote " + records);
            }
            return 0;
        }
    }
}
