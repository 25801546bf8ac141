package dev.marauder.cli;

import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.Models;
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
            "Query it with --model http://HOST:PORT/v2/models/NAME in eval, mia and audit. Stops on Ctrl-C."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "M",
            converter = LocalModelPath.class,
            description = "Model directory, TorchScript .pt or .onnx file.")
    Path model;

    @Option(
            names = "--host",
            defaultValue = InferenceServer.Settings.LOOPBACK,
            paramLabel = "HOST",
            description = "Interface to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 serves the"
                    + " model to anyone who can reach the machine).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "P",
            description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

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
        Inputs.requireExists(model, "--model");
        InferenceServer.Settings settings = UsageException.wrap(() -> InferenceServer.Settings.of(modelName())
                .withHost(host)
                .withPort(port)
                .withLimits(maxElements, Math.max(64L << 20, Math.min(Integer.MAX_VALUE - 8, maxElements * 32))));
        ModelDescription description = described.describe(model);
        int[] shape = shape(description);
        Inputs.requireFits(description, shape);
        var err = spec.commandLine().getErr();
        boolean interrupted = false;
        try (Classifier c = Models.open(model, description, shape)) {
            InferenceServer server = new InferenceServer(c, settings).start();
            Thread hook = new Thread(server::stop, "marauder-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                err.println("marauder: serving " + model + " (input "
                        + java.util.Arrays.toString(c.inputSpec().shape()) + ", " + c.classes() + " classes) at "
                        + server.modelUrl());
                if (!isLoopback(host)) {
                    err.println("marauder: warning: listening on " + host + ": anyone who can reach this machine can"
                            + " query the model, without a key");
                }
                err.println("marauder: press Ctrl-C to stop");
                err.flush();
                // serves until the thread is interrupted (an application embedding the command line), or
                // until Ctrl-C ends the JVM, whose shutdown hook stops the server
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted = true; // set again once the server has stopped (Jetty's stop waits for its threads)
            } finally {
                server.stop();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs anyway
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
    }

    private String modelName() {
        if (name != null) {
            return name;
        }
        Path file = model.toAbsolutePath().normalize().getFileName();
        String n = file == null ? "model" : file.toString();
        int dot = n.lastIndexOf('.');
        n = (dot > 0 && !Files.isDirectory(model) ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "model" + n : n;
    }

    private int[] shape(ModelDescription description) {
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
