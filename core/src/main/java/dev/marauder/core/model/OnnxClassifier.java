package dev.marauder.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.provenance.FileHash;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Black-box access to an ONNX model through ONNX Runtime: queries only, no gradients. Models
 * exported from any framework can be audited this way with score-based, decision-based,
 * extraction and inference attacks.
 */
public final class OnnxClassifier implements Classifier {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final InputSpec spec;
    private final int classes;
    private final OutputKind outputKind;
    private final ModelInfo info;
    private final AtomicLong queries = new AtomicLong();

    private OnnxClassifier(
            OrtEnvironment env,
            OrtSession session,
            String inputName,
            InputSpec spec,
            int classes,
            OutputKind kind,
            ModelInfo info) {
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.spec = spec;
        this.classes = classes;
        this.outputKind = kind;
        this.info = info;
    }

    /**
     * Loads an ONNX file whose first output is the score matrix {@code [N, classes]}.
     *
     * @param file the {@code .onnx} file
     * @param spec input shape and bounds
     * @param kind whether the first output holds logits or probabilities
     */
    private static OrtEnvironment environment;

    /**
     * ONNX Runtime's environment. Loading its native library leaves an {@code onnxruntime-java*}
     * folder in the temporary directory each time (its library files are removed at exit, the
     * folder is not); the folders this process made are removed when it exits, and no other.
     */
    private static synchronized OrtEnvironment environment() {
        if (environment == null) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            java.util.Set<Path> before = onnxTemporaryFolders(tmp);
            environment = OrtEnvironment.getEnvironment();
            java.util.Set<Path> ours = onnxTemporaryFolders(tmp);
            ours.removeAll(before);
            if (!ours.isEmpty()) {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> ours.forEach(OnnxClassifier::removeFolder), "remove-onnxruntime-folder"));
            }
        }
        return environment;
    }

    /** Removes ONNX Runtime's extracted libraries from {@code dir}, then {@code dir} if it is empty. */
    private static void removeFolder(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().contains("onnxruntime"))
                    .toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir); // only if empty now: anything else stays
        } catch (java.io.IOException | RuntimeException e) {
            // left behind: harmless
        }
    }

    private static java.util.Set<Path> onnxTemporaryFolders(Path tmp) {
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(tmp)) {
            return list.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        } catch (java.io.IOException | RuntimeException e) {
            return new java.util.HashSet<>();
        }
    }

    public static OnnxClassifier load(Path file, InputSpec spec, OutputKind kind) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "model file not found");
        }
        String hash = FileHash.sha256(file);
        OrtEnvironment env = environment();
        OrtSession session;
        try {
            session = env.createSession(file.toAbsolutePath().toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new DataFormatException(file, "not an ONNX model (" + Messages.firstLine(e) + ")", e);
        }
        String inputName = session.getInputNames().iterator().next();
        OnnxClassifier probe = new OnnxClassifier(
                env,
                session,
                inputName,
                spec,
                -1,
                kind,
                new ModelInfo(
                        file.getFileName().toString(),
                        ModelFormat.ONNX,
                        Map.of(file.toAbsolutePath().normalize().toString(), hash)));
        float[] zeros = new float[spec.size()];
        float[][] out;
        try {
            out = probe.run(zeros, 1);
        } catch (RuntimeException e) {
            probe.close();
            throw new DataFormatException(
                    file,
                    "model does not accept inputs of shape " + Arrays.toString(spec.shape()) + " ("
                            + Messages.firstLine(e) + ")",
                    e);
        }
        return new OnnxClassifier(env, session, inputName, spec, out[0].length, kind, probe.info);
    }

    private float[][] run(float[] values, int n) {
        long[] shape = new long[spec.shape().length + 1];
        shape[0] = n;
        for (int i = 0; i < spec.shape().length; i++) {
            shape[i + 1] = spec.shape()[i];
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
                OrtSession.Result result = session.run(Map.of(inputName, input))) {
            Object value = result.get(0).getValue();
            if (!(value instanceof float[][] scores)) {
                throw new IllegalStateException("first model output is not a float matrix [N, classes]");
            }
            return scores;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + Messages.firstLine(e), e);
        }
    }

    @Override
    public NDArray predict(NDArray x) {
        long[] s = x.getShape().getShape();
        int n = Math.toIntExact(s[0]);
        if (x.getShape().size() != (long) n * spec.size()) {
            throw new IllegalArgumentException("input of shape " + x.getShape() + " does not match the model's input "
                    + Arrays.toString(spec.shape()));
        }
        float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
        queries.addAndGet(n);
        float[][] scores = run(values, n);
        ModelOutputs.check(scores, n, classes, info);
        float[] flat = new float[n * classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(scores[i], 0, flat, i * classes, classes);
        }
        return x.getManager().create(flat, new Shape(n, classes));
    }

    @Override
    public OutputKind outputKind() {
        return outputKind;
    }

    @Override
    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public long queries() {
        return queries.get();
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
