package dev.marauder.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.provenance.FileHash;
import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import dev.marauder.gateway.detect.Alert;
import dev.marauder.gateway.detect.QueryStreamDetector;
import dev.marauder.gateway.log.AuditEntry;
import dev.marauder.gateway.log.AuditLog;
import dev.marauder.gateway.log.Verification;
import dev.marauder.gateway.policy.AdmissionControl;
import dev.marauder.gateway.policy.OutputHardening;
import dev.marauder.gateway.policy.QueryBudgets;
import dev.marauder.serve.Mediator;
import dev.marauder.serve.OipException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's policy, as the {@link Mediator} of an Open Inference Protocol server: every request
 * is authenticated (API keys, {@link ApiKeys}) and authorised by role, charged to its principal's
 * {@link QueryBudgets budget}, run past the query-stream detectors, admitted or refused ({@link
 * AdmissionControl}), hardened ({@link OutputHardening}) and recorded in the {@link AuditLog} before
 * its response is sent. Health endpoints answer without a key (probes) but are recorded like every
 * other request.
 *
 * <p>Each response carries what the policy did, for the client and for {@code marauder audit}:
 * {@code X-Marauder-Output} (the hardening applied), {@code X-Marauder-Budget} ({@code used/limit}
 * in the current window) and {@code X-Marauder-Alerts} (alerts raised on this principal so far).
 * A request whose record cannot be committed is answered 503 with nothing of the prediction.
 *
 * <p>The detectors observe each answered batch on a detection thread, so that a response does not
 * wait for them (a full queue of {@value #DETECTION_QUEUE} batches makes requests observe their
 * own, so nothing goes unobserved). An alert is recorded as its own audit record (method {@code
 * ALERT}) and blocks the principal from its next request on.
 */
public final class Gateway implements Mediator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("marauder.gateway");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SKETCH_VALUES = 16;
    private static final int OUTPUT_VALUES = 1024;
    private static final int DETECTION_QUEUE = 1024;

    private final Classifier model;
    private final ApiKeys keys;
    private final Map<Role, OutputHardening> hardening;
    private final QueryBudgets budgets;
    private final AdmissionControl admission;
    private final List<QueryStreamDetector> detectors;
    private final boolean block;
    private final AuditLog log;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Map<String, String> blocked = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> alerts = new ConcurrentHashMap<>();
    private final List<Alert> raised = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Observation STOP = new Observation(Principal.ANONYMOUS, "", new float[0], 1, new int[0]);
    /** Guards {@link #pending}, the batches queued and not yet observed. */
    private final Object drained = new Object();

    private int pending;
    private final java.util.concurrent.BlockingQueue<Observation> detection =
            new java.util.concurrent.LinkedBlockingQueue<>(DETECTION_QUEUE);
    private final Thread detectionThread;

    /**
     * A gateway in front of {@code model}.
     *
     * @param model the served model (for its output kind and admission control's Deep k-NN)
     * @param keys the API keys, or null when authentication is disabled (every request is then
     *     {@link Principal#ANONYMOUS})
     * @param hardening each role's output hardening (a role not listed gets full outputs)
     * @param budgets the budgets
     * @param admission admission control
     * @param detectors the query-stream detectors
     * @param block whether an alert blocks its principal
     * @param log the audit log (not closed by the gateway)
     */
    public Gateway(
            Classifier model,
            ApiKeys keys,
            Map<Role, OutputHardening> hardening,
            QueryBudgets budgets,
            AdmissionControl admission,
            List<QueryStreamDetector> detectors,
            boolean block,
            AuditLog log) {
        this.model = Objects.requireNonNull(model, "model");
        this.keys = keys;
        this.hardening = Map.copyOf(hardening);
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        this.admission = Objects.requireNonNull(admission, "admission");
        this.detectors = List.copyOf(detectors);
        this.block = block;
        this.log = Objects.requireNonNull(log, "log");
        this.detectionThread = new Thread(this::detectionLoop, "marauder-gateway-detection");
        detectionThread.setDaemon(true);
        if (!this.detectors.isEmpty()) {
            detectionThread.start();
        }
    }

    /** The principals blocked after an alert, with the alert's reason. */
    public Map<String, String> blocked() {
        return Map.copyOf(blocked);
    }

    /**
     * Every alert raised since the gateway started, in the order raised (each carries its
     * principal and the principal's 1-based query index): for measuring when a detector fired.
     * Kept in memory for the gateway's life; the detectors raise at most one alert per {@code k}
     * (stateful) or {@code min_distances} (PRADA) queries of a principal, so this stays small
     * next to the detectors' own state.
     */
    public List<Alert> alerts() {
        return List.copyOf(raised);
    }

    /** Lifts a block (the detectors' state of the principal is dropped too). */
    public void unblock(String principal) {
        blocked.remove(principal);
        detectors.forEach(d -> d.forget(principal));
    }

    @Override
    public Exchange begin(RequestHead head) {
        return new GatewayExchange(head);
    }

    @Override
    public List<Route> routes() {
        return List.of(
                new Route(
                        "/metrics",
                        "text/plain; version=0.0.4; charset=utf-8",
                        q -> metrics.scrape().getBytes(StandardCharsets.UTF_8)),
                new Route("/audit-log", "application/x-ndjson", this::auditLogRange),
                new Route("/audit-log/verify", "application/json", q -> verification()));
    }

    private byte[] auditLogRange(java.util.function.Function<String, String> query) {
        long from = parameter(query, "from", 1);
        long limit = parameter(query, "limit", 1000);
        if (from < 1 || limit < 1 || limit > 100_000) {
            throw new OipException(400, "from must be at least 1 and limit in 1..100000");
        }
        java.io.StringWriter out = new java.io.StringWriter();
        log.exportJsonLines(out, from, Math.min(Long.MAX_VALUE - 1, from + limit - 1));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] verification() {
        Verification v = log.verify();
        try {
            return JSON.writeValueAsBytes(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long parameter(java.util.function.Function<String, String> query, String name, long fallback) {
        String v = query.apply(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new OipException(400, name + " must be a whole number, got '" + v + "'");
        }
    }

    /** A batch waiting for the detectors: who sent it, where, the inputs and the predicted classes. */
    private record Observation(Principal principal, String path, float[] input, int size, int[] predicted) {}

    /** The detection thread: observes queued batches in arrival order until the gateway closes. */
    private void detectionLoop() {
        try {
            while (true) {
                Observation o = detection.take();
                if (o == STOP) {
                    return;
                }
                try {
                    detect(o);
                } catch (RuntimeException e) {
                    LOG.error(
                            "detection failed for principal {}: {}",
                            o.principal().name(),
                            e.toString());
                } finally {
                    synchronized (drained) {
                        pending--;
                        drained.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs every detector over a batch, example by example; an alert is raised, logged and recorded. */
    private void detect(Observation o) {
        for (int i = 0; i < o.predicted().length; i++) {
            float[] row = java.util.Arrays.copyOfRange(o.input(), i * o.size(), (i + 1) * o.size());
            for (QueryStreamDetector d : detectors) {
                Optional<Alert> alert = d.observe(o.principal().name(), row, o.predicted()[i]);
                if (alert.isPresent()) {
                    raise(o, row, alert.get());
                }
            }
        }
    }

    /**
     * An alert: counted, exposed as a metric, logged, recorded in the audit log as its own record
     * (method {@code ALERT}, status 0, the alerting query's hash), and the principal blocked when
     * configured.
     */
    private void raise(Observation o, float[] row, Alert alert) {
        String name = o.principal().name();
        alerts.computeIfAbsent(name, p -> new AtomicLong()).incrementAndGet();
        raised.add(alert);
        metrics.alert(alert.detector());
        LOG.warn("alert principal={} detector={} query={} {}", name, alert.detector(), alert.query(), alert.reason());
        List<String> decisions = new ArrayList<>();
        decisions.add("alert:" + alert.detector() + " query " + alert.query() + ": " + alert.reason());
        if (block && o.principal() != Principal.ANONYMOUS) {
            blocked.putIfAbsent(name, alert.reason());
            decisions.add("block:" + name);
        }
        log.append(new AuditEntry(
                Instant.now(), name, "ALERT", o.path(), 0, sha256(row), sketch(row, 1, row.length), "", decisions, 0));
    }

    /** Queues a batch for the detection thread; false when the queue is full. */
    private boolean enqueue(Observation o) {
        synchronized (drained) {
            pending++;
        }
        if (detection.offer(o)) {
            return true;
        }
        synchronized (drained) {
            pending--;
            drained.notifyAll();
        }
        return false;
    }

    /** Waits until the detectors have observed every batch queued so far (for tests and benchmarks). */
    public void awaitDetection() throws InterruptedException {
        synchronized (drained) {
            while (pending > 0) {
                drained.wait(1000);
            }
        }
    }

    /** Stops the detection thread after it has observed every queued batch. Idempotent. */
    @Override
    public void close() {
        if (detectionThread.isAlive()) {
            try {
                detection.put(STOP);
                detectionThread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One request through the policy. */
    private final class GatewayExchange implements Exchange {
        private final RequestHead head;
        private final long start = System.nanoTime();
        private final List<String> decisions = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Principal principal;
        private String inputSha256 = "";
        private String inputSketch = "";
        private String output = "";

        GatewayExchange(RequestHead head) {
            this.head = head;
        }

        @Override
        public void authorize() {
            if (keys == null) {
                principal = Principal.ANONYMOUS;
                decisions.add("auth:disabled");
            } else {
                Optional<String> presented = ApiKeys.presented(head.header());
                if (head.endpoint() == Endpoint.HEALTH && presented.isEmpty()) {
                    decisions.add("auth:not required for health");
                    return;
                }
                ApiKeys.Outcome outcome = keys.authenticate(presented.orElse(null));
                if (outcome instanceof ApiKeys.Outcome.Unavailable u) {
                    LOG.error("{}", u.reason());
                    throw refuse("auth", 503, "authentication is unavailable: the keys file is invalid", Map.of());
                }
                if (outcome instanceof ApiKeys.Outcome.Invalid i) {
                    throw refuse("auth", 401, i.reason(), Map.of("WWW-Authenticate", "Bearer realm=\"marauder\""));
                }
                ApiKeys.Outcome.Valid valid = (ApiKeys.Outcome.Valid) outcome;
                principal = valid.principal();
                decisions.add("auth:ok key " + valid.keyId() + " role "
                        + principal.role().id());
            }
            Role role = principal.role();
            String path = head.path();
            if (head.endpoint() == Endpoint.INFER && !role.mayQuery()) {
                throw refuse("role", 403, "the " + role.id() + " role cannot query the model", Map.of());
            }
            if (head.endpoint() == Endpoint.OTHER && path.startsWith("/audit-log") && !role.mayReadAuditLog()) {
                throw refuse("role", 403, "only the auditor role reads the audit log", Map.of());
            }
            if (head.endpoint() == Endpoint.OTHER && path.equals("/metrics") && !role.mayReadMetrics()) {
                throw refuse("role", 403, "the " + role.id() + " role cannot read the metrics", Map.of());
            }
            String why = blocked.get(principal.name());
            if (why != null && (head.endpoint() == Endpoint.INFER || head.endpoint() == Endpoint.METADATA)) {
                throw refuse("blocked", 403, "this principal is blocked: " + why, Map.of());
            }
        }

        @Override
        public void admit(float[] input, int n, int exampleSize) {
            inputSha256 = sha256(input);
            inputSketch = sketch(input, n, exampleSize);
            QueryBudgets.Charge charge = budgets.charge(principal, n);
            if (charge instanceof QueryBudgets.Charge.Refused r) {
                throw refuse("budget", 429, r.reason(), Map.of("Retry-After", Long.toString(r.retryAfterSeconds())));
            }
            QueryBudgets.Charge.Accepted a = (QueryBudgets.Charge.Accepted) charge;
            if (a.limit() >= 0) {
                decisions.add("budget:ok " + a.used() + "/" + a.limit());
                headers.put("X-Marauder-Budget", a.used() + "/" + a.limit());
                metrics.budgetUsed(principal.name(), a.used());
            }
        }

        @Override
        public Scores release(float[] input, Scores scores) {
            boolean logits =
                    model.outputKind() == OutputKind.LOGITS && scores.output().equals("logits");
            Scores probabilities = new OutputHardening(OutputHardening.Mode.FULL, 0, 8).apply(scores, logits);
            observe(input, scores, probabilities);
            if (admission.enabled()) {
                Optional<String> refusal = admission.refusal(model, input, probabilities);
                if (refusal.isPresent()) {
                    throw refuse("admission", 422, "prediction refused: " + refusal.get(), Map.of());
                }
                decisions.add("admission:ok");
            }
            OutputHardening h = hardening();
            Scores released = h.apply(scores, logits);
            headers.put("X-Marauder-Output", h.describe());
            if (!h.isIdentity()) {
                decisions.add("harden:" + h.describe());
            }
            output = outputJson(released);
            return released;
        }

        /**
         * Hands the batch to the detectors: to the detection thread when its queue has room (the
         * response does not wait for the detectors), else in this thread (no query goes
         * unobserved when the detectors fall behind).
         */
        private void observe(float[] input, Scores scores, Scores probabilities) {
            if (detectors.isEmpty()) {
                return;
            }
            int n = scores.n();
            int size = input.length / n;
            int c = scores.classes();
            int[] predicted = new int[n];
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < c; j++) {
                    if (probabilities.data()[i * c + j] > probabilities.data()[i * c + best]) {
                        best = j;
                    }
                }
                predicted[i] = best;
            }
            Observation o = new Observation(principal, head.path(), input.clone(), size, predicted);
            if (!enqueue(o)) {
                decisions.add("detect:inline (the detection queue is full)");
                detect(o);
            }
        }

        @Override
        public String outputName(String modelOutput) {
            OutputHardening h = hardening();
            if (h.isIdentity()) {
                return modelOutput;
            }
            return h.mode() == OutputHardening.Mode.LABEL ? "labels" : "probabilities";
        }

        private OutputHardening hardening() {
            return principal == null
                    ? OutputHardening.FULL
                    : hardening.getOrDefault(principal.role(), OutputHardening.FULL);
        }

        @Override
        public Map<String, String> responseHeaders() {
            if (principal != null) {
                headers.putIfAbsent("X-Marauder-Output", hardening().describe());
            }
            if (principal != null && !headers.containsKey("X-Marauder-Alerts")) {
                AtomicLong a = alerts.get(principal.name());
                if (a != null) {
                    headers.put("X-Marauder-Alerts", Long.toString(a.get()));
                }
            }
            return headers;
        }

        @Override
        public void complete(int status, byte[] body) {
            if (status != 200 && output.isEmpty()) {
                output = new String(body, StandardCharsets.UTF_8);
            }
            long nanos = System.nanoTime() - start;
            String who = principal == null ? "-" : principal.name();
            log.append(new AuditEntry(
                    Instant.now(),
                    who,
                    head.method(),
                    head.path(),
                    status,
                    inputSha256,
                    inputSketch,
                    output,
                    decisions,
                    nanos / 1000));
            metrics.request(head.endpoint().name().toLowerCase(Locale.ROOT), status, nanos);
            LOG.debug(
                    "request principal={} {} {} status={} micros={} decisions={}",
                    who,
                    head.method(),
                    head.path(),
                    status,
                    nanos / 1000,
                    decisions);
        }

        private OipException refuse(String reason, int status, String message, Map<String, String> extra) {
            decisions.add(reason + ":refused " + status);
            metrics.rejection(reason);
            return new OipException(status, message, extra);
        }
    }

    /** SHA-256 of the input's float32 values, little-endian. */
    static String sha256(float[] input) {
        ByteBuffer b = ByteBuffer.allocate(input.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(input);
        return FileHash.sha256(b.array());
    }

    /**
     * A compact sketch of the input: the batch size, the range, mean and standard deviation of all
     * values, and the first example average-pooled to at most 16 values.
     */
    static String sketch(float[] input, int n, int exampleSize) {
        double sum = 0;
        double sq = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : input) {
            sum += v;
            sq += (double) v * v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / input.length;
        ObjectNode o = JSON.createObjectNode();
        o.put("n", n);
        o.put("size", exampleSize);
        o.put("min", min);
        o.put("max", max);
        o.put("mean", (float) mean);
        o.put("std", (float) Math.sqrt(Math.max(0, sq / input.length - mean * mean)));
        ArrayNode pooled = o.putArray("pooled");
        int bins = Math.min(SKETCH_VALUES, exampleSize);
        for (int b = 0; b < bins; b++) {
            int from = (int) ((long) b * exampleSize / bins);
            int to = (int) ((long) (b + 1) * exampleSize / bins);
            double s = 0;
            for (int i = from; i < to; i++) {
                s += input[i];
            }
            pooled.add((float) (s / (to - from)));
        }
        return o.toString();
    }

    private static String outputJson(Scores s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", s.output());
        o.putArray("shape").add(s.n()).add(s.classes());
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < Math.min(s.data().length, OUTPUT_VALUES); i++) {
            data.add(s.data()[i]);
        }
        if (s.data().length > OUTPUT_VALUES) {
            o.put("truncated", true);
            o.put("sha256", sha256(s.data()));
        }
        return o.toString();
    }
}
