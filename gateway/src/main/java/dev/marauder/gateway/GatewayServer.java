package dev.marauder.gateway;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Classifier;
import dev.marauder.defenses.detection.FittedDeepKnn;
import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Role;
import dev.marauder.gateway.detect.OutlierStreamDetector;
import dev.marauder.gateway.detect.PradaDetector;
import dev.marauder.gateway.detect.QueryStreamDetector;
import dev.marauder.gateway.detect.StatefulDetector;
import dev.marauder.gateway.log.AuditLog;
import dev.marauder.gateway.log.LogSettings;
import dev.marauder.gateway.policy.AdmissionControl;
import dev.marauder.gateway.policy.Budget;
import dev.marauder.gateway.policy.OutputHardening;
import dev.marauder.gateway.policy.QueryBudgets;
import dev.marauder.serve.InferenceServer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The secure prediction gateway assembled from its {@link GatewayConfig}: the plain Open
 * Inference Protocol server ({@link InferenceServer}) with the {@link Gateway} policy as its
 * mediator, the API keys, the audit log, the detectors and admission control. {@link
 * #checkModel} checks a local model against the configuration (allowed paths, SHA-256 pin)
 * before anything loads it.
 */
public final class GatewayServer implements AutoCloseable {
    private static final int CALIBRATION_QUERIES = 5000;
    private static final int PRADA_STREAM = 2000;
    private static final double PRADA_MARGIN = 0.01;
    private static final int OUTLIER_REFERENCES = 2000;

    private final InferenceServer server;
    private final Gateway gateway;
    private final AuditLog log;
    private final double statefulThreshold;
    private final double pradaDelta;
    private final double outlierThreshold;

    private GatewayServer(
            InferenceServer server,
            Gateway gateway,
            AuditLog log,
            double statefulThreshold,
            double pradaDelta,
            double outlierThreshold) {
        this.server = server;
        this.gateway = gateway;
        this.log = log;
        this.statefulThreshold = statefulThreshold;
        this.pradaDelta = pradaDelta;
        this.outlierThreshold = outlierThreshold;
    }

    /**
     * Checks the model source: exactly one of a local path and an upstream URL; a local model
     * inside the allowed paths and matching its pinned SHA-256.
     *
     * @throws GatewayConfig.GatewayConfigException listing every problem
     */
    public static void checkModel(GatewayConfig config, GatewayConfig.ModelSource source) {
        List<String> problems = new ArrayList<>(GatewayConfig.checkModel(source));
        if (problems.isEmpty() && source.path() != null) {
            if (!Files.exists(source.path())) {
                problems.add("model.path: " + source.path() + " does not exist");
            } else if (!ModelPin.isAllowed(source.path(), source.allowedPaths())) {
                problems.add("model.path: " + source.path() + " is outside the allowed paths " + source.allowedPaths());
            } else {
                String actual = ModelPin.sha256(source.path());
                if (!actual.equals(source.sha256())) {
                    problems.add("model.sha256: " + source.path() + " has SHA-256 " + actual + ", not the pinned "
                            + source.sha256() + " (the model changed, or the pin is wrong)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new GatewayConfig.GatewayConfigException(config.source(), problems);
        }
    }

    /**
     * Opens the keys, the audit log, the detectors and admission control, and starts serving
     * {@code model} as {@code name}. On any failure whatever was opened is closed again.
     *
     * @param config the validated configuration
     * @param model the model, already checked and opened (a local model or the upstream server)
     * @param name the model's name in the URLs
     * @param host the interface to bind (the configuration's unless overridden)
     * @param port the port (the configuration's unless overridden)
     * @throws IllegalArgumentException with a one-line message for a key, secret, signing key,
     *     Deep k-NN or calibration data that cannot be used
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static GatewayServer start(GatewayConfig config, Classifier model, String name, String host, int port) {
        ApiKeys keys = config.auth().enabled()
                ? ApiKeys.open(config.auth().keysFile(), config.auth().secretFile())
                : null;
        Map<Role, OutputHardening> hardening = new EnumMap<>(Role.class);
        Map<Role, Budget> budgets = new EnumMap<>(Role.class);
        config.roles().forEach((role, policy) -> {
            hardening.put(role, policy.hardening());
            budgets.put(role, policy.budget());
        });
        AdmissionControl admission = admission(config.admission(), model);
        GatewayConfig.Detection d = config.detection();
        List<float[]> benign =
                d.calibrationData() == null || !(d.prada() || d.stateful() || d.outlier()) ? null : benign(d, model);
        List<QueryStreamDetector> detectors = new ArrayList<>();
        double delta = Double.NaN;
        if (d.prada()) {
            delta = Double.isNaN(d.pradaDelta())
                    ? calibrateDelta(benign, model, d.pradaMinDistances())
                    : d.pradaDelta();
            detectors.add(new PradaDetector(
                    new PradaDetector.Settings(delta, d.pradaMinDistances(), PradaDetector.Settings.DEFAULT_MAX_KEPT)));
        }
        double threshold = Double.NaN;
        if (d.stateful()) {
            threshold = Double.isNaN(d.threshold())
                    ? StatefulDetector.calibrateThreshold(
                            benign, d.k(), d.buffer(), d.encodedDims(), d.falsePositiveRate())
                    : d.threshold();
            detectors.add(
                    new StatefulDetector(new StatefulDetector.Settings(d.k(), d.buffer(), d.encodedDims(), threshold)));
        }
        double outlierThreshold = Double.NaN;
        if (d.outlier()) {
            OutlierStreamDetector outliers = new OutlierStreamDetector(
                    d.outlierSettings(), benign.subList(0, Math.min(benign.size(), OUTLIER_REFERENCES)));
            outlierThreshold = outliers.threshold();
            detectors.add(outliers);
        }
        GatewayConfig.AuditLogConfig l = config.auditLog();
        AuditLog log = AuditLog.open(new LogSettings(
                l.url(),
                l.user(),
                l.passwordEnv() == null ? null : System.getenv(l.passwordEnv()),
                l.signingKey(),
                l.checkpointEvery()));
        try {
            Gateway gateway = new Gateway(
                    model,
                    keys,
                    hardening,
                    new QueryBudgets(budgets, System::nanoTime),
                    admission,
                    detectors,
                    d.block(),
                    log);
            InferenceServer server = new InferenceServer(
                            model,
                            InferenceServer.Settings.of(name)
                                    .withHost(host)
                                    .withPort(port)
                                    .withLimits(config.maxElements(), config.maxBodyBytes()),
                            gateway)
                    .start();
            return new GatewayServer(server, gateway, log, threshold, delta, outlierThreshold);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private static AdmissionControl admission(GatewayConfig.Admission a, Classifier model) {
        if (!a.enabled()) {
            return AdmissionControl.NONE;
        }
        FittedDeepKnn knn = null;
        if (a.deepKnn() != null) {
            knn = FittedDeepKnn.load(a.deepKnn());
            if (knn.classes() != model.classes()) {
                throw new IllegalArgumentException("admission.deep_knn: " + a.deepKnn() + " was fitted on a model of "
                        + knn.classes() + " classes; the served model has " + model.classes());
            }
        }
        return new AdmissionControl(a.minConfidence(), knn, a.minCredibility());
    }

    /** At most 5,000 benign queries from the training split of the calibration data. */
    private static List<float[]> benign(GatewayConfig.Detection d, Classifier model) {
        FloatTensor x = Datasets.load(d.calibrationData()).train().features();
        if (x.exampleSize() != model.inputSpec().size()) {
            throw new IllegalArgumentException("detection.calibration_data: examples of " + x.exampleSize()
                    + " values do not fit the model's input of "
                    + model.inputSpec().size());
        }
        int n = Math.min(x.examples(), CALIBRATION_QUERIES);
        List<float[]> benign = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            benign.add(x.slice(i, i + 1).data());
        }
        return benign;
    }

    /**
     * PRADA's delta from benign traffic: the benign queries, labelled by the model, replayed as
     * streams of {@value #PRADA_STREAM} queries; delta lies {@value #PRADA_MARGIN} below the lowest
     * W any of them reached (so that such streams raise no alert), and never above {@link
     * GatewayConfig#DEFAULT_PRADA_DELTA}.
     */
    private static double calibrateDelta(List<float[]> benign, Classifier model, int minDistances) {
        if (benign == null) {
            return GatewayConfig.DEFAULT_PRADA_DELTA;
        }
        int[] shape = model.inputSpec().shape();
        int[] dims = new int[shape.length + 1];
        dims[0] = benign.size();
        System.arraycopy(shape, 0, dims, 1, shape.length);
        float[] all = new float[benign.size() * model.inputSpec().size()];
        for (int i = 0; i < benign.size(); i++) {
            System.arraycopy(
                    benign.get(i),
                    0,
                    all,
                    i * model.inputSpec().size(),
                    model.inputSpec().size());
        }
        int[] classes;
        synchronized (model) {
            classes = model.classify(new FloatTensor(all, dims), 256);
        }
        double lowest = Double.POSITIVE_INFINITY;
        PradaDetector.Settings probe = new PradaDetector.Settings(
                GatewayConfig.DEFAULT_PRADA_DELTA, minDistances, PradaDetector.Settings.DEFAULT_MAX_KEPT);
        for (int from = 0; from < benign.size(); from += PRADA_STREAM) {
            int to = Math.min(benign.size(), from + PRADA_STREAM);
            PradaDetector.Replay r = PradaDetector.replay(
                    probe, benign.subList(from, to), java.util.Arrays.copyOfRange(classes, from, to));
            if (!Double.isNaN(r.lowestStatistic())) {
                lowest = Math.min(lowest, r.lowestStatistic());
            }
        }
        return Math.min(GatewayConfig.DEFAULT_PRADA_DELTA, lowest - PRADA_MARGIN);
    }

    /** The outlier-stream detector's distance threshold (NaN when it is off). */
    public double outlierThreshold() {
        return outlierThreshold;
    }

    /** The PRADA delta in use (NaN when PRADA is off). */
    public double pradaDelta() {
        return pradaDelta;
    }

    /** The stateful detector's threshold in use (NaN when it is off). */
    public double statefulThreshold() {
        return statefulThreshold;
    }

    /** The port the gateway listens on (the one bound when the configuration asked for 0). */
    public int port() {
        return server.port();
    }

    /** The underlying server. */
    public InferenceServer server() {
        return server;
    }

    /** The policy. */
    public Gateway gateway() {
        return gateway;
    }

    /** The audit log. */
    public AuditLog log() {
        return log;
    }

    /**
     * Stops serving, lets the detectors observe what is queued, then closes the audit log (writing
     * its final checkpoint).
     */
    @Override
    public void close() {
        try {
            server.stop();
            gateway.close();
        } finally {
            log.close();
        }
    }
}
