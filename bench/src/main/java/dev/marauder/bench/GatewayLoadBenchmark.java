package dev.marauder.bench;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.io.Messages;
import dev.marauder.core.model.Classifier;
import dev.marauder.gateway.GatewayConfig;
import dev.marauder.gateway.GatewayServer;
import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import dev.marauder.serve.InferenceServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cost of the secure prediction gateway under load: a real load generator ({@code wrk}, from
 * Debian's package) sends Open Inference Protocol requests of one example each, over loopback
 * only, for a bounded time, first to the plain server ({@code marauder serve}) and then to the full
 * gateway in front of the same model with every policy on (API key, client role with top-1 and
 * rounded outputs, budget and rate limit, admission control, both detectors, the audit log
 * committed to SQLite with {@code synchronous=FULL} before each response). Requests cycle through
 * distinct test inputs, so the detectors see a realistic stream. Reports throughput and the median
 * and 99th-percentile latency of each, and the ratio of the medians (the target: at most 2).
 */
public final class GatewayLoadBenchmark {
    private GatewayLoadBenchmark() {}

    /**
     * How the load is generated.
     *
     * @param threads wrk threads
     * @param connections concurrent connections
     * @param seconds measured seconds per server (after a warm-up of a third of it)
     * @param inputs distinct requests cycled through
     */
    public record Settings(int threads, int connections, int seconds, int inputs) {
        public Settings {
            if (threads < 1 || connections < threads || seconds < 1 || seconds > 600 || inputs < 1) {
                throw new IllegalArgumentException(
                        "need 1 <= threads <= connections, 1 <= seconds <= 600 and" + " inputs >= 1");
            }
        }
    }

    /**
     * One server's numbers, as wrk measured them.
     *
     * @param requests requests completed in the measured window
     * @param requestsPerSecond throughput
     * @param p50Millis median latency
     * @param p99Millis 99th-percentile latency
     * @param failed non-2xx answers and socket errors
     */
    public record Run(long requests, double requestsPerSecond, double p50Millis, double p99Millis, long failed) {}

    /**
     * Both runs and their comparison.
     *
     * @param bare the plain server
     * @param gateway the full gateway
     * @param medianRatio gateway median over bare median
     * @param auditRecords records the gateway's audit log holds after its run
     * @param wrk the load generator's version line
     */
    public record Result(Settings settings, Run bare, Run gateway, double medianRatio, long auditRecords, String wrk) {}

    /**
     * Runs the benchmark.
     *
     * @param model the served model
     * @param inputs test inputs (at least {@code settings.inputs()} examples) cycled through
     * @param calibration the name of the benign data the detectors are calibrated on
     * @param work an empty directory for the gateway's files and wrk's script
     * @throws IllegalStateException if wrk is not installed
     */
    public static Result run(Classifier model, FloatTensor inputs, String calibration, Path work, Settings settings) {
        String version = wrkVersion();
        List<String> bodies = bodies(model, inputs, settings.inputs());
        Run bare;
        try (InferenceServer server = new InferenceServer(model, InferenceServer.Settings.of("model")).start()) {
            bare = load(server.modelUrl() + "/infer", null, bodies, work, settings);
        }
        Path config = gatewayConfig(work, calibration);
        String key = issueKey(work);
        Run gateway;
        long records;
        try (GatewayServer g = GatewayServer.start(GatewayConfig.load(config), model, "model", "127.0.0.1", 0)) {
            gateway = load(g.server().modelUrl() + "/infer", key, bodies, work, settings);
            records = g.log().size();
        }
        return new Result(settings, bare, gateway, gateway.p50Millis() / bare.p50Millis(), records, version);
    }

    private static String wrkVersion() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("wrk").strip();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the load generator wrk is not installed: apt-get install wrk (Debian's package)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One Open Inference Protocol request body per input. */
    private static List<String> bodies(Classifier model, FloatTensor inputs, int n) {
        if (inputs.examples() < n || inputs.exampleSize() != model.inputSpec().size()) {
            throw new IllegalArgumentException(
                    "need " + n + " inputs of " + model.inputSpec().size() + " values");
        }
        List<String> bodies = new ArrayList<>(n);
        StringBuilder shape = new StringBuilder("1");
        for (int d : model.inputSpec().shape()) {
            shape.append(',').append(d);
        }
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder(
                    "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + shape + "],\"datatype\":\"FP32\",\"data\":[");
            float[] x = inputs.slice(i, i + 1).data();
            for (int j = 0; j < x.length; j++) {
                b.append(j == 0 ? "" : ",").append(x[j]);
            }
            bodies.add(b.append("]}]}").toString());
        }
        return bodies;
    }

    private static Path gatewayConfig(Path work, String calibration) {
        try {
            Files.writeString(work.resolve("gateway.secret"), ApiKeys.newSecret());
            Path config = work.resolve("gateway.yaml");
            Files.writeString(
                    config,
                    "listen: {host: 127.0.0.1, port: 0}\n"
                            + "auth: {secret_file: gateway.secret, keys_file: gateway-keys.yaml}\n"
                            + "roles: {client: {output: top-k, top_k: 1, decimals: 2, max_queries: 1000000000,"
                            + " rate: 1000000, burst: 1000000}}\n"
                            + "admission: {min_confidence: 0.01}\n"
                            + "detection: {calibration_data: '" + calibration + "', block: false}\n"
                            + "audit_log: {url: 'jdbc:sqlite:gateway-log.db', signing_key: gateway-log.key}\n");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(work + ": cannot write the gateway's files", e);
        }
    }

    private static String issueKey(Path work) {
        ApiKeys.Issued k =
                ApiKeys.issue(new Principal("load", Role.CLIENT), ApiKeys.readSecret(work.resolve("gateway.secret")));
        try {
            Files.writeString(work.resolve("gateway-keys.yaml"), "keys:\n" + k.yamlEntry());
        } catch (IOException e) {
            throw new UncheckedIOException(work + ": cannot write the keys file", e);
        }
        return k.key();
    }

    /** A warm-up, then the measured wrk run against {@code url}. */
    private static Run load(String url, String key, List<String> bodies, Path work, Settings s) {
        Path script = work.resolve(key == null ? "bare.lua" : "gateway.lua");
        StringBuilder lua = new StringBuilder("local bodies = {\n");
        for (String b : bodies) {
            lua.append("  [==[").append(b).append("]==],\n");
        }
        lua.append("}\nlocal i = 0\n")
                .append("wrk.method = \"POST\"\n")
                .append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        if (key != null) {
            lua.append("wrk.headers[\"Authorization\"] = \"Bearer ").append(key).append("\"\n");
        }
        lua.append("request = function()\n  i = i + 1\n")
                .append("  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])\nend\n");
        try {
            Files.writeString(script, lua.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(script + ": cannot write", e);
        }
        wrk(url, script, s, Math.max(1, s.seconds() / 3)); // warm-up: JIT, connections, caches
        return parse(wrk(url, script, s, s.seconds()));
    }

    private static String wrk(String url, Path script, Settings s, int seconds) {
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalStateException("the load benchmark targets 127.0.0.1 only, not " + url);
        }
        List<String> command = List.of(
                "wrk",
                "-t" + s.threads(),
                "-c" + s.connections(),
                "-d" + seconds + "s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.toString(),
                url);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not finish within " + (seconds + 60) + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "): "
                        + Messages.firstLine(new RuntimeException(out.strip())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("^\\s*([0-9]+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
    private static final Pattern SOCKET =
            Pattern.compile("Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");

    /** wrk's {@code --latency} report: requests, throughput, the 50th and 99th percentiles, failures. */
    static Run parse(String out) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double rate = Double.NaN;
        long total = -1;
        long failed = 0;
        for (String line : out.lines().toList()) {
            Matcher m = PERCENTILE.matcher(line);
            if (m.matches()) {
                double v = Double.parseDouble(m.group(2))
                        * switch (m.group(3)) {
                            case "us" -> 1e-3;
                            case "ms" -> 1.0;
                            default -> 1e3;
                        };
                if (m.group(1).equals("50")) {
                    p50 = v;
                } else {
                    p99 = v;
                }
            }
            m = RATE.matcher(line);
            if (m.find()) {
                rate = Double.parseDouble(m.group(1));
            }
            m = TOTAL.matcher(line);
            if (m.find()) {
                total = Long.parseLong(m.group(1));
            }
            m = NON_2XX.matcher(line);
            if (m.find()) {
                failed += Long.parseLong(m.group(1));
            }
            m = SOCKET.matcher(line);
            if (m.find()) {
                for (int g = 1; g <= 4; g++) {
                    failed += Long.parseLong(m.group(g));
                }
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99) || Double.isNaN(rate) || total < 0) {
            throw new IllegalStateException("cannot read wrk's report: "
                    + out.strip()
                            .replace('\n', ' ')
                            .substring(0, Math.min(200, out.strip().length())));
        }
        return new Run(total, rate, p50, p99, failed);
    }

    /** A one-line summary. */
    public static String describe(Result r) {
        return String.format(
                Locale.ROOT,
                "%s, %d threads, %d connections, %d s each, one example per request:%n"
                        + "  bare serve: %.0f requests/s, p50 %.3f ms, p99 %.3f ms (%d failed)%n"
                        + "  full gateway: %.0f requests/s, p50 %.3f ms, p99 %.3f ms (%d failed; %d audit records)%n"
                        + "  median latency ratio %.2f (target <= 2)",
                r.wrk(),
                r.settings().threads(),
                r.settings().connections(),
                r.settings().seconds(),
                r.bare().requestsPerSecond(),
                r.bare().p50Millis(),
                r.bare().p99Millis(),
                r.bare().failed(),
                r.gateway().requestsPerSecond(),
                r.gateway().p50Millis(),
                r.gateway().p99Millis(),
                r.gateway().failed(),
                r.auditRecords(),
                r.medianRatio());
    }
}
