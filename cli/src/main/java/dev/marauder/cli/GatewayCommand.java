package dev.marauder.cli;

import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.gateway.GatewayConfig;
import dev.marauder.gateway.ModelPin;
import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder gateway init|key|pin}: sets up the secure prediction gateway's files, issues API
 * keys and prints the SHA-256 that pins a model.
 */
@Command(
        name = "gateway",
        mixinStandardHelpOptions = true,
        description = "Set up the secure prediction gateway (serve --config): init, key, pin.",
        subcommands = {GatewayCommand.Init.class, GatewayCommand.Key.class, GatewayCommand.Pin.class})
final class GatewayCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: init, key or pin");
    }

    /** {@code gateway init}: a directory with a configuration, a server secret and an empty keys file. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = {
                "Create DIR with gateway.yaml (fail-safe defaults), gateway.secret (the HMAC key of the API keys,"
                        + " owner-only) and gateway-keys.yaml (no keys yet: add them with gateway key).",
                "DIR must not exist or be empty; nothing is overwritten."
            })
    static final class Init implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The directory to create.")
        Path dir;

        @Option(
                names = "--model",
                paramLabel = "M",
                description = "A model to serve: pinned in gateway.yaml by its SHA-256.")
        Path model;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(dir)) {
                try (var entries = Files.list(dir)) {
                    if (!Files.isDirectory(dir) || entries.findAny().isPresent()) {
                        throw new RefusedOutputException(
                                dir, "exists and is not an empty directory; nothing was written");
                    }
                }
            }
            if (model != null) {
                Inputs.requireExists(model, "--model");
            }
            Files.createDirectories(dir);
            Path secret = dir.resolve("gateway.secret");
            writeOwnerOnly(secret, ApiKeys.newSecret() + "\n");
            AtomicFiles.write(
                    dir.resolve("gateway-keys.yaml"),
                    out -> out.write(
                            ("# API keys, stored as HMAC-SHA256 under gateway.secret; add with: marauder gateway key\n"
                                            + "keys: []\n")
                                    .getBytes(StandardCharsets.UTF_8)));
            StringBuilder yaml = new StringBuilder();
            yaml.append("# The secure prediction gateway: marauder serve --config ")
                    .append(dir.resolve("gateway.yaml"))
                    .append('\n');
            yaml.append("listen: {host: 127.0.0.1, port: 8080}\n");
            if (model != null) {
                Path abs = model.toAbsolutePath().normalize();
                yaml.append("model:\n  path: ")
                        .append(quoted(abs.toString()))
                        .append("\n  sha256: ")
                        .append(quoted(ModelPin.sha256(abs)))
                        .append("\n  allowed_paths: [")
                        .append(quoted(String.valueOf(abs.getParent())))
                        .append("]\n");
            } else {
                yaml.append(
                        "# model: {path: MODEL, sha256: (marauder gateway pin --model MODEL), allowed_paths: [DIR]}\n");
            }
            yaml.append("auth: {enabled: true, secret_file: gateway.secret, keys_file: gateway-keys.yaml}\n");
            yaml.append("roles:\n");
            yaml.append("  client: {output: top-k, top_k: 1, decimals: 2, max_queries: 100000, window_seconds: 86400,"
                    + " rate: 50, burst: 100}\n");
            yaml.append("  owner: {output: full}\n");
            yaml.append("admission: {}   # min_confidence: 0.5, deep_knn: DIR, min_credibility: 0.05\n");
            yaml.append(
                    "detection:\n  # benign queries both detectors are calibrated on (use your own traffic's data)\n");
            yaml.append("  calibration_data: fashion-mnist\n  false_positive_rate: 0.001\n");
            yaml.append("  prada: {enabled: true, min_distances: 100}\n");
            yaml.append("  stateful: {enabled: true, k: 50, buffer: 1000, encoded_dims: 256}\n  block: true\n");
            yaml.append("audit_log: {url: 'jdbc:sqlite:gateway-log.db', signing_key: gateway-log.key,"
                    + " checkpoint_every: 1000}\n");
            AtomicFiles.write(
                    dir.resolve("gateway.yaml"),
                    out -> out.write(yaml.toString().getBytes(StandardCharsets.UTF_8)));
            spec.commandLine()
                    .getErr()
                    .println("marauder: wrote " + dir.resolve("gateway.yaml") + ", " + secret
                            + " (keep it secret) and " + dir.resolve("gateway-keys.yaml")
                            + "; issue keys with: marauder gateway key --config " + dir.resolve("gateway.yaml")
                            + " --principal NAME --role client|owner|auditor");
            return 0;
        }
    }

    /** A YAML single-quoted scalar: read back as the same text, whatever it holds. */
    static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Writes a new file readable by its owner only (where the file system has POSIX permissions). */
    static void writeOwnerOnly(Path file, String text) {
        try {
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** {@code gateway key}: issues an API key and adds its hash to the keys file. */
    @Command(
            name = "key",
            mixinStandardHelpOptions = true,
            description = {
                "Issue an API key for a principal: its HMAC is added to the configuration's keys file (the running"
                        + " gateway picks it up within a second); the key itself is printed once and stored nowhere."
            })
    static final class Key implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The gateway's configuration.")
        Path config;

        @Option(names = "--principal", required = true, paramLabel = "NAME", description = "Who the key is for.")
        String principal;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "client (hardened outputs), owner (full outputs, metrics) or auditor (audit log).")
        String role;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws IOException {
            Principal p = UsageException.wrap(() -> new Principal(principal, Role.of(role)));
            GatewayConfig cfg = GatewayConfig.load(config);
            if (!cfg.auth().enabled()) {
                throw new UsageException(
                        config + " disables authentication (auth.enabled: false): keys would be unused");
            }
            output.checkWritable(
                    java.util.List.of(config, cfg.auth().keysFile(), cfg.auth().secretFile()));
            ApiKeys.open(cfg.auth().keysFile(), cfg.auth().secretFile()); // refuses a broken file before changing it
            ApiKeys.Issued issued =
                    ApiKeys.issue(p, ApiKeys.readSecret(cfg.auth().secretFile()));
            String old = Files.readString(cfg.auth().keysFile(), StandardCharsets.UTF_8);
            String updated = old.replaceFirst("(?m)^keys:\\s*\\[\\]\\s*$", "keys:");
            if (!updated.matches("(?s).*(^|\\n)keys:.*")) {
                updated = updated + (updated.endsWith("\n") || updated.isEmpty() ? "" : "\n") + "keys:\n";
            }
            String text = (updated.endsWith("\n") ? updated : updated + "\n") + issued.yamlEntry();
            AtomicFiles.write(cfg.auth().keysFile(), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            ApiKeys check = ApiKeys.open(cfg.auth().keysFile(), cfg.auth().secretFile());
            if (!(check.authenticate(issued.key()) instanceof ApiKeys.Outcome.Valid)) {
                AtomicFiles.write(cfg.auth().keysFile(), out -> out.write(old.getBytes(StandardCharsets.UTF_8)));
                throw new IllegalStateException(cfg.auth().keysFile() + ": the new key did not verify; file restored");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("key", issued.key());
            result.put("id", issued.id());
            result.put("principal", p.name());
            result.put("role", p.role().id());
            result.put("keys_file", cfg.auth().keysFile().toString());
            output.emit(
                    spec.commandLine().getOut(),
                    result,
                    issued.key() + "\n(key " + issued.id() + " for " + p.name() + ", role "
                            + p.role().id() + "; shown once: it is stored only as an HMAC in "
                            + cfg.auth().keysFile() + ")");
            return 0;
        }
    }

    /** {@code gateway pin}: the SHA-256 that pins a model in the configuration. */
    @Command(
            name = "pin",
            mixinStandardHelpOptions = true,
            description = "Print the SHA-256 that pins a model (model.sha256 in gateway.yaml).")
    static final class Pin implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--model",
                required = true,
                paramLabel = "M",
                description = "A .pt/.onnx file or a model directory.")
        Path model;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            Inputs.requireExists(model, "--model");
            output.checkWritable(java.util.List.of(model));
            String sha = ModelPin.sha256(model);
            output.emit(spec.commandLine().getOut(), Map.of("model", model.toString(), "sha256", sha), sha);
            return 0;
        }
    }
}
