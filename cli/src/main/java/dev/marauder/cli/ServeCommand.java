package dev.marauder.cli;

import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.ModelOutput;
import dev.marauder.core.model.Models;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.remote.RemoteClassifier;
import dev.marauder.core.model.remote.RemoteSettings;
import dev.marauder.gateway.GatewayConfig;
import dev.marauder.gateway.GatewayServer;
import dev.marauder.serve.InferenceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder serve}: any supported model over the Open Inference Protocol (v2) REST API
 * ({@link InferenceServer}), until interrupted (Ctrl-C). The model is described as in every other
 * command ({@link ModelOptions}); the shape of one input, which a {@code .pt}/{@code .onnx} file
 * does not record and serving has no data to take it from, comes from {@code --input-shape} or
 * the model description file.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve a model over the Open Inference Protocol (v2) REST API, as KServe, Triton and MLServer speak it:",
            "GET /v2/health/live, /v2/health/ready, /v2, /v2/models/NAME, /v2/models/NAME/ready;"
                    + " POST /v2/models/NAME/infer (FP32).",
            "Query it with --model http://HOST:PORT/v2/models/NAME in eval, mia and audit. Stops on Ctrl-C.",
            "With --config gateway.yaml it runs as the secure prediction gateway: API keys and roles, budgets and"
                    + " rate limits (429), hardened outputs, admission control (422), a tamper-evident audit log,"
                    + " detection of extraction and attack query streams, Prometheus metrics at /metrics;"
                    + " --upstream URL puts it in front of another Open Inference Protocol server."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "M",
            converter = LocalModelPath.class,
            description = "Model directory, TorchScript .pt or .onnx file (with --config: instead of the"
                    + " configuration's model.path, still pinned by its model.sha256).")
    Path model;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Run as the secure prediction gateway with this configuration (YAML); every problem in it"
                    + " is listed and the server refuses to start on any.")
    Path config;

    @Option(
            names = "--upstream",
            paramLabel = "URL",
            description = "With --config: guard another Open Inference Protocol server,"
                    + " http://HOST:PORT/v2/models/NAME, instead of a local model.")
    String upstream;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description = "Interface to listen on (default: the configuration's, else 127.0.0.1: this machine only;"
                    + " 0.0.0.0 serves the model to anyone who can reach the machine).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "P",
            description = "Port (default: the configuration's, else 8080; 0 picks a free one).")
    Integer port;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The model's name in the URLs, /v2/models/NAME (default: the file or directory name"
                    + " without its extension).")
    String name;

    @Option(
            names = "--input-shape",
            split = ",",
            paramLabel = "D1,D2,...",
            description = "Shape of one input without the batch axis, e.g. 1,28,28, for a .pt/.onnx model whose"
                    + " description file gives none.")
    int[] inputShape;

    @Option(
            names = "--max-elements",
            defaultValue = "4194304",
            paramLabel = "N",
            description = "The most input values one request may declare; larger ones are refused with 413 before"
                    + " anything is allocated (default ${DEFAULT-VALUE}).")
    long maxElements;

    @Mixin
    ModelOptions described;

    @Override
    public Integer call() {
        if (config != null) {
            return gateway();
        }
        if (upstream != null) {
            throw new UsageException("--upstream runs the gateway in front of another server: give --config too");
        }
        if (model == null) {
            throw new UsageException("serve needs --model (or --config with a model)");
        }
        Inputs.requireExists(model, "--model");
        String h = host == null ? InferenceServer.Settings.LOOPBACK : host;
        InferenceServer.Settings settings = UsageException.wrap(() -> InferenceServer.Settings.of(modelName(model))
                .withHost(h)
                .withPort(port == null ? 8080 : port)
                .withLimits(maxElements, Math.max(64L << 20, Math.min(Integer.MAX_VALUE - 8, maxElements * 32))));
        ModelDescription description = described.describe(model);
        int[] shape = shape(model, description);
        Inputs.requireFits(description, shape);
        var err = spec.commandLine().getErr();
        try (Classifier c = Models.open(model, description, shape)) {
            InferenceServer server = new InferenceServer(c, settings).start();
            err.println("marauder: serving " + model + " (input "
                    + java.util.Arrays.toString(c.inputSpec().shape()) + ", " + c.classes() + " classes) at "
                    + server.modelUrl());
            if (!isLoopback(h)) {
                err.println("marauder: warning: listening on " + h + ": anyone who can reach this machine can"
                        + " query the model, without a key (serve --config gateway.yaml adds API keys)");
            }
            serveUntilStopped(server::stop);
        }
        return 0;
    }

    /** {@code serve --config}: the secure prediction gateway. */
    private int gateway() {
        GatewayConfig cfg = GatewayConfig.load(config);
        GatewayConfig.ModelSource source = cfg.model();
        if (model != null && upstream != null) {
            throw new UsageException("give --model or --upstream, not both");
        }
        if (model != null) {
            source = source.withPath(model.toAbsolutePath().normalize());
        } else if (upstream != null) {
            source = source.withUpstream(upstream);
        }
        GatewayServer.checkModel(cfg, source);
        String h = host != null ? host : cfg.host();
        int p = port != null ? port : cfg.port();
        var err = spec.commandLine().getErr();
        Classifier c;
        String name;
        if (source.path() != null) {
            ModelDescription description = described.describe(source.path());
            int[] shape = shape(source.path(), description);
            Inputs.requireFits(description, shape);
            c = Models.open(source.path(), description, shape);
            name = source.name() != null ? source.name() : modelName(source.path());
        } else {
            ModelDescription description = described.describe(source.upstream());
            OutputKind kind = description.outputOrDefault() == ModelOutput.PROBABILITIES
                    ? OutputKind.PROBABILITIES
                    : OutputKind.LOGITS;
            c = RemoteClassifier.open(
                    source.upstream(),
                    RemoteSettings.DEFAULTS,
                    new InputSpec(inputShape == null ? new int[] {1} : inputShape, 0f, 1f),
                    kind);
            name = source.name() != null
                    ? source.name()
                    : source.upstream().substring(source.upstream().lastIndexOf('/') + 1);
        }
        try (Classifier served = c;
                GatewayServer server = GatewayServer.start(cfg, served, name, h, p)) {
            err.println("marauder: gateway serving " + (source.path() != null ? source.path() : source.upstream())
                    + " (input " + java.util.Arrays.toString(served.inputSpec().shape()) + ", " + served.classes()
                    + " classes) at " + server.server().modelUrl());
            if (!cfg.auth().enabled()) {
                err.println("marauder: WARNING: authentication is DISABLED (auth.enabled: false): anyone who reaches "
                        + h + ":" + server.server().port() + " queries the model with owner rights");
            }
            if (!isLoopback(h)) {
                err.println("marauder: warning: listening on " + h + ", reachable from other machines");
            }
            err.println("marauder: audit log " + cfg.auditLog().url() + "; metrics at /metrics");
            if (!Double.isNaN(server.pradaDelta())) {
                err.println("marauder: PRADA detection, delta " + server.pradaDelta());
            }
            if (!Double.isNaN(server.statefulThreshold())) {
                err.println("marauder: stateful detection, threshold " + server.statefulThreshold());
            }
            if (!Double.isNaN(server.outlierThreshold())) {
                err.println("marauder: outlier-stream detection, distance threshold " + server.outlierThreshold());
            }
            serveUntilStopped(server::close);
        }
        return 0;
    }

    /**
     * Serves until the thread is interrupted (an application embedding the command line), or until
     * Ctrl-C ends the JVM, whose shutdown hook runs {@code stop}.
     */
    private void serveUntilStopped(Runnable stop) {
        var err = spec.commandLine().getErr();
        Thread hook = new Thread(stop, "marauder-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            err.println("marauder: press Ctrl-C to stop");
            err.flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            interrupted = true; // set again once the server has stopped (Jetty's stop waits for its threads)
        } finally {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
    }

    private String modelName(Path model) {
        if (name != null) {
            return name;
        }
        Path file = model.toAbsolutePath().normalize().getFileName();
        String n = file == null ? "model" : file.toString();
        int dot = n.lastIndexOf('.');
        n = (dot > 0 && !Files.isDirectory(model) ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "model" + n : n;
    }

    private int[] shape(Path model, ModelDescription description) {
        int[] declared = description.inputShape();
        if (inputShape != null) {
            if (Files.isDirectory(model)) {
                throw new UsageException("--input-shape is for .pt/.onnx files; " + model
                        + " is a Marauder model directory, whose card records its input shape");
            }
            if (declared != null && !java.util.Arrays.equals(declared, inputShape)) {
                throw new UsageException("--input-shape " + java.util.Arrays.toString(inputShape)
                        + " differs from the model description's input shape " + java.util.Arrays.toString(declared));
            }
            for (int d : inputShape) {
                if (d < 1) {
                    throw new UsageException(
                            "--input-shape must hold positive numbers, got " + java.util.Arrays.toString(inputShape));
                }
            }
            return inputShape.clone();
        }
        if (declared != null) {
            return declared;
        }
        throw new UsageException("serve needs the shape of one input of " + model + ": give --input-shape (e.g."
                + " 1,28,28) or input_shape in its model description file ("
                + String.valueOf(model.getFileName()).toLowerCase(Locale.ROOT) + ".yaml)");
    }
}
