package dev.marauder.cli;

import dev.marauder.core.model.remote.RemoteSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a model behind an API ({@code --model http://HOST:PORT/v2/models/NAME} or {@code
 * .../v1/models/NAME:predict}) is queried: {@code --query-budget}, {@code --max-batch}, {@code
 * --timeout}, {@code --api-key-env}, {@code --api-key-file} and {@code --api-key-header}. The API
 * key is read from an environment variable or a file, never from the command line, where other
 * users of the machine and the shell's history would see it. The options are refused for a model file or directory.
 */
final class RemoteOptions {
    @Option(
            names = "--query-budget",
            paramLabel = "Q",
            description = "Query budget of a model behind an API (--model http://...): at most Q examples are sent;"
                    + " a batch that would exceed it is refused before it is sent (default: no budget).")
    Long maxQueries;

    @Option(
            names = "--max-batch",
            paramLabel = "B",
            description = "At most B examples per HTTP request to a model behind an API (default 64).")
    Integer maxBatch;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Connect and request timeout of a model behind an API, in seconds (default 10 to connect, 60"
                    + " per answer).")
    Double timeout;

    @Option(
            names = "--api-key-env",
            paramLabel = "VAR",
            description = "Environment variable holding the API key of a model behind an API (sent as"
                    + " 'Authorization: Bearer KEY', or in --api-key-header).")
    String apiKeyEnv;

    @Option(
            names = "--api-key-file",
            paramLabel = "FILE",
            description = "File whose first line is the API key (instead of --api-key-env), e.g. the output of"
                    + " marauder gateway key.")
    java.nio.file.Path apiKeyFile;

    @Option(
            names = "--api-key-header",
            paramLabel = "NAME",
            description = "Header carrying the API key as it is, e.g. X-API-Key (default Authorization: Bearer KEY).")
    String apiKeyHeader;

    /** The environment the API key is read from (the process's; tests give their own). */
    Map<String, String> environment = System.getenv();

    /** True if any option was given. */
    boolean given() {
        return maxQueries != null
                || maxBatch != null
                || timeout != null
                || apiKeyEnv != null
                || apiKeyFile != null
                || apiKeyHeader != null;
    }

    /**
     * Refuses the options for a model that is not behind an API.
     *
     * @throws UsageException if any was given
     */
    void requireUnused(String model) {
        if (given()) {
            throw new UsageException(
                    "--query-budget, --max-batch, --timeout, --api-key-env, --api-key-file and --api-key-header are for"
                            + " a model behind an API (--model http://HOST:PORT/v2/models/NAME); " + model
                            + " is not one");
        }
    }

    /**
     * The settings the options give.
     *
     * @throws UsageException for a value out of range, an unset variable or a header without a key
     */
    RemoteSettings settings() {
        RemoteSettings.Builder b = RemoteSettings.builder();
        if (maxQueries != null) {
            if (maxQueries < 1) {
                throw new UsageException("--query-budget must be at least 1, got " + maxQueries);
            }
            b.optMaxQueries(maxQueries);
        }
        if (maxBatch != null) {
            if (maxBatch < 1) {
                throw new UsageException("--max-batch must be at least 1, got " + maxBatch);
            }
            b.optMaxBatch(maxBatch);
        }
        if (timeout != null) {
            if (!(timeout > 0) || timeout > 86_400) {
                throw new UsageException("--timeout must be a number of seconds in (0, 86400], got " + timeout);
            }
            b.optTimeout(Duration.ofMillis(Math.max(1, Math.round(timeout * 1000))));
        }
        if (apiKeyHeader != null && apiKeyEnv == null && apiKeyFile == null) {
            throw new UsageException(
                    "--api-key-header needs --api-key-env VAR or --api-key-file FILE (where the key is read from)");
        }
        if (apiKeyEnv != null && apiKeyFile != null) {
            throw new UsageException("give --api-key-env or --api-key-file, not both");
        }
        if (apiKeyEnv != null || apiKeyFile != null) {
            String key;
            if (apiKeyEnv != null) {
                key = environment.get(apiKeyEnv);
                if (key == null || key.isEmpty()) {
                    throw new UsageException("--api-key-env " + apiKeyEnv + ": the environment variable " + apiKeyEnv
                            + " is not set or empty");
                }
            } else {
                key = keyFromFile(apiKeyFile);
            }
            String header = apiKeyHeader == null ? RemoteSettings.AUTHORIZATION : apiKeyHeader;
            UsageException.wrap(() -> b.optApiKey(header, key.strip()).build());
        }
        return UsageException.wrap(b::build);
    }

    /** The options as given, to repeat in a reproducing command line (never the key itself). */
    String commandArguments() {
        StringBuilder s = new StringBuilder();
        if (maxQueries != null) {
            s.append(" --query-budget ").append(maxQueries);
        }
        if (maxBatch != null) {
            s.append(" --max-batch ").append(maxBatch);
        }
        if (timeout != null) {
            s.append(" --timeout ").append(timeout);
        }
        if (apiKeyEnv != null) {
            s.append(" --api-key-env ").append(apiKeyEnv);
        }
        if (apiKeyFile != null) {
            s.append(" --api-key-file ").append(apiKeyFile);
        }
        if (apiKeyHeader != null) {
            s.append(" --api-key-header ").append(apiKeyHeader);
        }
        return s.toString();
    }

    /** The first line of {@code file}, stripped; at most 4 KiB are read. */
    private static String keyFromFile(java.nio.file.Path file) {
        Inputs.requireExists(file, "--api-key-file");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            String text = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            String key = text.lines().findFirst().orElse("").strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(file + ": --api-key-file is empty");
            }
            return key;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot read the API key (" + e.getMessage() + ")", e);
        }
    }
}
