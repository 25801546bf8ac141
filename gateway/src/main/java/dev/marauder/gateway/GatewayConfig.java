package dev.marauder.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.marauder.core.io.Messages;
import dev.marauder.gateway.auth.Role;
import dev.marauder.gateway.policy.Budget;
import dev.marauder.gateway.policy.OutputHardening;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's configuration, read from a YAML (or JSON) file and validated whole: every problem
 * is listed, and the server refuses to start on any ({@link GatewayConfigException}). Paths are
 * relative to the file's directory. The defaults are the fail-safe ones: loopback only,
 * authentication on, request limits on, clients get the top class with two decimals within a
 * quota and a rate limit, the audit log on.
 *
 * <pre>{@code
 * listen: {host: 127.0.0.1, port: 8080}
 * model:
 *   path: models/fmnist-cnn      # or upstream: http://127.0.0.1:9000/v2/models/fmnist
 *   sha256: 3f2a...               # required for a local model (marauder gateway pin --model M)
 *   allowed_paths: [models]       # models only from these directories (default: the config's)
 *   name: fmnist
 * limits: {max_body_bytes: 67108864, max_elements: 4194304}
 * auth: {enabled: true, secret_file: gateway.secret, keys_file: gateway-keys.yaml}
 * roles:
 *   client: {output: top-k, top_k: 1, decimals: 2, max_queries: 100000, window_seconds: 86400,
 *            rate: 50, burst: 100}
 *   owner: {output: full}
 * admission: {min_confidence: 0.5, deep_knn: dknn, min_credibility: 0.05}
 * detection:
 *   calibration_data: fashion-mnist   # benign queries both detectors are calibrated on
 *   false_positive_rate: 0.001        # the stateful detector's rate on them
 *   prada: {enabled: true, min_distances: 100}     # delta: 0.95 instead of calibrating
 *   stateful: {enabled: true, k: 50, buffer: 1000, encoded_dims: 256}   # threshold: 1.5 instead
 *   outlier: {enabled: true, window: 100, outlier_rate: 0.01, significance: 1e-6}   # needs calibration_data
 *   block: true
 * audit_log: {url: jdbc:sqlite:gateway-log.db, signing_key: gateway-log.key, checkpoint_every: 1000}
 *   # PostgreSQL: url: jdbc:postgresql://127.0.0.1/marauder, user: ..., password_env: VAR
 * }</pre>
 *
 * @param source the file read
 * @param host the interface to bind
 * @param port the port (0: a free one)
 * @param model where the model comes from
 * @param maxBodyBytes the longest request body read
 * @param maxElements the most input values one request may declare
 * @param auth authentication
 * @param roles each role's output hardening and budget
 * @param admission admission control
 * @param detection the query-stream detectors
 * @param auditLog the audit log's store and signing key
 */
public record GatewayConfig(
        Path source,
        String host,
        int port,
        ModelSource model,
        long maxBodyBytes,
        long maxElements,
        Auth auth,
        Map<Role, RolePolicy> roles,
        Admission admission,
        Detection detection,
        AuditLogConfig auditLog) {

    /**
     * Where the model comes from: a local file or directory (pinned by SHA-256, only from the
     * allowed paths) or an upstream Open Inference Protocol server.
     */
    public record ModelSource(Path path, String sha256, String upstream, String name, List<Path> allowedPaths) {
        public ModelSource {
            allowedPaths = List.copyOf(allowedPaths);
        }

        /** This source with a local model at {@code p} instead. */
        public ModelSource withPath(Path p) {
            return new ModelSource(p, sha256, null, name, allowedPaths);
        }

        /** This source with an upstream server at {@code url} instead. */
        public ModelSource withUpstream(String url) {
            return new ModelSource(null, sha256, url, name, allowedPaths);
        }
    }

    /** Authentication: on unless {@code enabled} is false; keys hashed under the server secret. */
    public record Auth(boolean enabled, Path secretFile, Path keysFile) {}

    /** A role's outputs and budget. */
    public record RolePolicy(OutputHardening hardening, Budget budget) {}

    /**
     * Admission control: a prediction below {@code minConfidence} (the top probability; NaN: off)
     * or, with a fitted Deep k-NN in {@code deepKnn}, below {@code minCredibility} is refused.
     */
    public record Admission(double minConfidence, Path deepKnn, double minCredibility) {
        /** Whether any admission rule is on. */
        public boolean enabled() {
            return !Double.isNaN(minConfidence) || deepKnn != null;
        }
    }

    /**
     * The detectors: PRADA ({@code delta}, or NaN to calibrate it on {@code calibrationData};
     * {@code minDistances}) and stateful detection ({@code k}, {@code buffer}, {@code
     * encodedDims}, a {@code threshold} or NaN to calibrate it on {@code calibrationData} at
     * {@code falsePositiveRate}); outlier-stream detection ({@code outlierSettings}, on by default
     * when there is calibration data, its reference); {@code block} blocks a principal on an alert.
     */
    public record Detection(
            boolean prada,
            double pradaDelta,
            int pradaMinDistances,
            boolean stateful,
            int k,
            int buffer,
            int encodedDims,
            double threshold,
            String calibrationData,
            double falsePositiveRate,
            boolean block,
            boolean outlier,
            dev.marauder.gateway.detect.OutlierStreamDetector.Settings outlierSettings) {}

    /**
     * The audit log: a JDBC URL ({@code jdbc:sqlite:FILE} by default, or PostgreSQL), credentials
     * for a server database ({@code password} read from the environment variable {@code
     * passwordEnv}), the Ed25519 signing key file and the checkpoint interval.
     */
    public record AuditLogConfig(String url, String user, String passwordEnv, Path signingKey, int checkpointEvery) {}

    /** The configuration is invalid: every problem, one per line after the first. */
    public static final class GatewayConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        GatewayConfigException(Path file, List<String> problems) {
            super(file + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ": "
                    + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        /** Every problem found. */
        public List<String> problems() {
            return problems;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * PRADA's threshold on the Shapiro-Wilk W when neither a delta nor calibration data is given
     * (Juuti et al. tune it per model; calibrating on the deployment's benign data is better).
     */
    public static final double DEFAULT_PRADA_DELTA = 0.95;

    /**
     * Reads and validates {@code file}.
     *
     * @throws GatewayConfigException listing every problem
     */
    public static GatewayConfig load(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > (1 << 20)) {
                throw new GatewayConfigException(file, List.of("the configuration is larger than 1 MiB"));
            }
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new GatewayConfigException(file, List.of("cannot read (" + Messages.firstLine(e) + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new GatewayConfigException(file, List.of("the configuration must be a YAML mapping"));
        }
        Path base = file.toAbsolutePath().getParent();
        ConfigReader r = new ConfigReader(base);
        r.keys(root, "", Set.of("listen", "model", "limits", "auth", "roles", "admission", "detection", "audit_log"));

        JsonNode listen = r.object(root, "listen", "", Set.of("host", "port"));
        String host = r.text(listen, "host", "listen.", "127.0.0.1");
        int port = (int) r.integer(listen, "port", "listen.", 8080, 0, 65535);

        JsonNode m = r.object(root, "model", "", Set.of("path", "sha256", "upstream", "name", "allowed_paths"));
        Path modelPath = r.path(m, "path", "model.");
        String sha = r.text(m, "sha256", "model.", null);
        if (sha != null && !sha.matches("[0-9a-f]{64}")) {
            r.problem("model.sha256", "must be 64 lowercase hex digits (marauder gateway pin --model M prints it)");
        }
        String upstream = r.text(m, "upstream", "model.", null);
        List<Path> allowed = r.paths(m, "allowed_paths", "model.");
        if (allowed.isEmpty()) {
            allowed = List.of(base.toAbsolutePath().normalize());
        }
        ModelSource model = new ModelSource(modelPath, sha, upstream, r.text(m, "name", "model.", null), allowed);

        JsonNode limits = r.object(root, "limits", "", Set.of("max_body_bytes", "max_elements"));
        long body = r.integer(limits, "max_body_bytes", "limits.", 64L << 20, 1024, Integer.MAX_VALUE - 8);
        long elements = r.integer(limits, "max_elements", "limits.", 1L << 22, 1, 1L << 31);

        JsonNode a = r.object(root, "auth", "", Set.of("enabled", "secret_file", "keys_file"));
        boolean authOn = r.bool(a, "enabled", "auth.", true);
        Path secret = r.path(a, "secret_file", "auth.");
        Path keys = r.path(a, "keys_file", "auth.");
        if (authOn && (secret == null || keys == null)) {
            r.problem(
                    "auth",
                    "authentication is on (the default) and needs secret_file and keys_file (marauder gateway init"
                            + " creates both); set enabled: false only for a trusted network");
        }
        Auth auth = new Auth(authOn, secret, keys);

        Map<Role, RolePolicy> roles = new EnumMap<>(Role.class);
        JsonNode rs = r.object(root, "roles", "", Set.of("client", "owner", "auditor"));
        for (Role role : Role.values()) {
            roles.put(role, rolePolicy(r, rs, role));
        }

        JsonNode adm = r.object(root, "admission", "", Set.of("min_confidence", "deep_knn", "min_credibility"));
        Admission admission = new Admission(
                r.number(adm, "min_confidence", "admission.", Double.NaN, 0, 1),
                r.path(adm, "deep_knn", "admission."),
                r.number(adm, "min_credibility", "admission.", 0.05, 0, 1));

        JsonNode d = r.object(
                root, "detection", "", Set.of("prada", "stateful", "block", "calibration_data", "false_positive_rate"));
        String calibration = r.text(d, "calibration_data", "detection.", null);
        JsonNode p = r.object(d, "prada", "detection", Set.of("enabled", "delta", "min_distances"));
        JsonNode s =
                r.object(d, "stateful", "detection", Set.of("enabled", "k", "buffer", "encoded_dims", "threshold"));
        boolean pradaOn = r.bool(p, "enabled", "detection.prada.", true);
        double delta = r.number(p, "delta", "detection.prada.", Double.NaN, 0, 1);
        if (pradaOn && Double.isNaN(delta) && calibration == null) {
            delta = DEFAULT_PRADA_DELTA;
        }
        JsonNode o = r.object(
                d, "outlier", "detection", Set.of("enabled", "encoded_dims", "window", "outlier_rate", "significance"));
        boolean outlierOn = r.bool(o, "enabled", "detection.outlier.", calibration != null);
        if (outlierOn && calibration == null) {
            r.problem(
                    "detection.outlier", "needs detection.calibration_data (the benign reference), or enabled: false");
        }
        dev.marauder.gateway.detect.OutlierStreamDetector.Settings outlierSettings = null;
        try {
            var defaults = dev.marauder.gateway.detect.OutlierStreamDetector.Settings.DEFAULT;
            outlierSettings = new dev.marauder.gateway.detect.OutlierStreamDetector.Settings(
                    (int) r.integer(o, "encoded_dims", "detection.outlier.", defaults.encodedDims(), 1, 1 << 20),
                    (int) r.integer(o, "window", "detection.outlier.", defaults.window(), 1, 100_000),
                    r.number(o, "outlier_rate", "detection.outlier.", defaults.outlierRate(), 1e-6, 0.49),
                    r.number(o, "significance", "detection.outlier.", defaults.significance(), 1e-300, 0.49));
        } catch (IllegalArgumentException e) {
            r.problem("detection.outlier", e.getMessage());
        }
        boolean statefulOn = r.bool(s, "enabled", "detection.stateful.", true);
        double threshold = r.number(s, "threshold", "detection.stateful.", Double.NaN, 0, Double.MAX_VALUE);
        if (statefulOn && Double.isNaN(threshold) && calibration == null) {
            r.problem(
                    "detection.stateful",
                    "needs a threshold, or detection.calibration_data (benign queries it is calibrated on), or"
                            + " enabled: false");
        }
        Detection detection = new Detection(
                pradaOn,
                delta,
                (int) r.integer(p, "min_distances", "detection.prada.", 100, 3, 5000),
                statefulOn,
                (int) r.integer(s, "k", "detection.stateful.", 50, 1, 10_000),
                (int) r.integer(s, "buffer", "detection.stateful.", 1000, 2, 1_000_000),
                (int) r.integer(s, "encoded_dims", "detection.stateful.", 256, 1, 1 << 20),
                threshold,
                calibration,
                r.number(d, "false_positive_rate", "detection.", 0.001, 1e-6, 0.5),
                r.bool(d, "block", "detection.", true),
                outlierOn,
                outlierSettings);

        JsonNode l = r.object(
                root, "audit_log", "", Set.of("url", "user", "password_env", "signing_key", "checkpoint_every"));
        String url = r.text(l, "url", "audit_log.", null);
        if (url == null) {
            url = "jdbc:sqlite:" + base.resolve("gateway-log.db");
        } else if (url.startsWith("jdbc:sqlite:")) {
            String f = url.substring("jdbc:sqlite:".length());
            if (f.isBlank() || f.startsWith(":memory:") || f.startsWith("file::memory")) {
                r.problem("audit_log.url", "an in-memory database loses the log; name a file");
            } else {
                url = "jdbc:sqlite:" + base.resolve(f).normalize();
            }
        } else if (!url.startsWith("jdbc:postgresql://")) {
            r.problem("audit_log.url", "must be jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DB, got " + url);
        }
        String passwordEnv = r.text(l, "password_env", "audit_log.", null);
        if (passwordEnv != null && System.getenv(passwordEnv) == null) {
            r.problem("audit_log.password_env", "the environment variable " + passwordEnv + " is not set");
        }
        Path signing = r.path(l, "signing_key", "audit_log.");
        AuditLogConfig log = new AuditLogConfig(
                url,
                r.text(l, "user", "audit_log.", null),
                passwordEnv,
                signing == null ? base.resolve("gateway-log.key") : signing,
                (int) r.integer(l, "checkpoint_every", "audit_log.", 1000, 1, 1_000_000));

        if (!r.problems().isEmpty()) {
            throw new GatewayConfigException(file, r.problems());
        }
        return new GatewayConfig(
                file, host, port, model, body, elements, auth, Map.copyOf(roles), admission, detection, log);
    }

    private static RolePolicy rolePolicy(ConfigReader r, JsonNode roles, Role role) {
        String at = "roles." + role.id() + ".";
        JsonNode n = r.object(
                roles,
                role.id(),
                "roles",
                Set.of("output", "top_k", "decimals", "max_queries", "window_seconds", "rate", "burst"));
        boolean client = role == Role.CLIENT;
        String output = r.text(n, "output", at, client ? "top-k" : "full");
        OutputHardening.Mode mode = switch (output) {
            case "full" -> OutputHardening.Mode.FULL;
            case "top-k" -> OutputHardening.Mode.TOP_K;
            case "label" -> OutputHardening.Mode.LABEL;
            default -> {
                r.problem(at + "output", "must be full, top-k or label, got '" + output + "'");
                yield OutputHardening.Mode.FULL;
            }
        };
        int topK = (int) r.integer(n, "top_k", at, 1, 1, 1_000_000);
        int decimals = (int) r.integer(n, "decimals", at, client ? 2 : -1, -1, 8);
        long maxQueries = r.integer(n, "max_queries", at, client ? 100_000 : Long.MAX_VALUE, 1, Long.MAX_VALUE);
        long window = r.integer(n, "window_seconds", at, 86_400, 1, 366L * 86_400);
        double rate = r.number(n, "rate", at, client ? 50 : Double.POSITIVE_INFINITY, 1e-6, Double.POSITIVE_INFINITY);
        double burst = r.number(n, "burst", at, client ? 100 : 1, 1, 1e9);
        return new RolePolicy(
                new OutputHardening(mode, topK, decimals),
                new Budget(maxQueries, Duration.ofSeconds(window), rate, burst));
    }

    /** The problems of a configuration that combine with the command line (the model's source). */
    static List<String> checkModel(ModelSource m) {
        List<String> problems = new ArrayList<>();
        if ((m.path() == null) == (m.upstream() == null)) {
            problems.add("model: give exactly one of path (or --model) and upstream (or --upstream)");
        }
        if (m.path() != null && m.sha256() == null) {
            problems.add("model.sha256: a local model is pinned by its SHA-256 (marauder gateway pin --model "
                    + m.path() + " prints it)");
        }
        if (m.upstream() != null && !m.upstream().matches("https?://.+/v2/models/[^/]+")) {
            problems.add("model.upstream: must be an Open Inference Protocol model URL"
                    + " http://HOST:PORT/v2/models/NAME, got " + m.upstream());
        }
        return problems;
    }
}
