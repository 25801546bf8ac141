package dev.marauder.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marauder.core.io.Messages;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.provenance.BuildInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Serves one {@link Classifier} over the Open Inference Protocol (v2) REST API, as KServe, Triton
 * and MLServer speak it (<a href="https://github.com/kserve/open-inference-protocol">the
 * specification</a>, "HTTP/REST"):
 *
 * <ul>
 *   <li>{@code GET /v2/health/live}, {@code GET /v2/health/ready}: {@code {"live": true}}, {@code
 *       {"ready": true}};
 *   <li>{@code GET /v2}: server metadata ({@code name}, {@code version}, {@code extensions});
 *   <li>{@code GET /v2/models/NAME}: model metadata ({@code name}, {@code versions}, {@code
 *       platform}, one FP32 input of shape {@code [-1, ...]}, one FP32 output of shape {@code [-1,
 *       classes]} named after what the scores are: {@code logits}, {@code probabilities} or {@code
 *       labels});
 *   <li>{@code GET /v2/models/NAME/ready};
 *   <li>{@code POST /v2/models/NAME/infer}: one FP32 input tensor of shape {@code [N, ...]} whose
 *       {@code data} is flat or nested (row-major), answered with the scores {@code [N, classes]}.
 * </ul>
 *
 * <p>Errors are {@code {"error": "..."}} with 400 (a malformed request), 404 (an unknown model or
 * path), 413 (a body or tensor above the limits) or 500 (the model failed). A request's declared
 * shape is checked against the model, against {@link Settings#maxElements()} and against the
 * length of its body before any tensor is allocated, so a small request cannot make the server
 * allocate a large one. Inference runs one request at a time (the server holds the classifier's
 * monitor while it predicts; a mediator that uses the model holds it too). It binds to {@code 127.0.0.1} by
 * default: a model served on other interfaces is open to anyone who reaches them.
 *
 * <p>Every request passes through a {@link Mediator} (none for the plain server): the secure
 * gateway's policy layer authenticates, budgets, hardens outputs, admits and records each request
 * there, and a request it refuses gets its status (401, 403, 422, 429, ...) in the same error
 * format.
 *
 * <p>The server does not own the classifier: closing the server leaves it open.
 */
public final class InferenceServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_SENT = "marauder.error";

    private final Classifier model;
    private final Settings settings;
    private final Mediator mediator;
    private Javalin app;

    /**
     * What the server is and where it listens.
     *
     * @param host the interface to bind ({@code 127.0.0.1} by default)
     * @param port the port, or 0 for a free one (the default)
     * @param name the model's name in the URLs ({@code /v2/models/NAME})
     * @param maxElements the most values one request's input tensor may declare (default 2^22)
     * @param maxBodyBytes the longest request body read (default 64 MiB)
     */
    public record Settings(String host, int port, String name, long maxElements, long maxBodyBytes) {
        /** The default host: the loopback interface only. */
        public static final String LOOPBACK = "127.0.0.1";

        public Settings {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("the host must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the port must be in 0..65535, got " + port);
            }
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
                throw new IllegalArgumentException("a model name is 1 to 128 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit; got '" + name + "'");
            }
            if (maxElements < 1 || maxBodyBytes < 1) {
                throw new IllegalArgumentException("the limits must be positive");
            }
        }

        /** The defaults for a model named {@code name}: 127.0.0.1, a free port, 2^22 values, 64 MiB. */
        public static Settings of(String name) {
            return new Settings(LOOPBACK, 0, name, 1L << 22, 64L << 20);
        }

        /** These settings on another interface. */
        public Settings withHost(String h) {
            return new Settings(h, port, name, maxElements, maxBodyBytes);
        }

        /** These settings on another port. */
        public Settings withPort(int p) {
            return new Settings(host, p, name, maxElements, maxBodyBytes);
        }

        /** These settings with other request limits. */
        public Settings withLimits(long elements, long bodyBytes) {
            return new Settings(host, port, name, elements, bodyBytes);
        }
    }

    /** A plain server for {@code model} with {@code settings} ({@link Mediator#NONE}); {@link #start()} starts it. */
    public InferenceServer(Classifier model, Settings settings) {
        this(model, settings, Mediator.NONE);
    }

    /**
     * A server for {@code model} with {@code settings} whose every request passes through {@code
     * mediator}; {@link #start()} starts it.
     */
    public InferenceServer(Classifier model, Settings settings, Mediator mediator) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.mediator = Objects.requireNonNull(mediator, "mediator");
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException if already started
     * @throws UncheckedIOException if the address cannot be bound
     */
    public synchronized InferenceServer start() {
        if (app != null) {
            throw new IllegalStateException("the server is already started");
        }
        Javalin created = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.routes.get(
                    "/v2/health/live",
                    ctx -> mediated(
                            ctx,
                            Mediator.Endpoint.HEALTH,
                            ex -> json(JSON.createObjectNode().put("live", true))));
            config.routes.get(
                    "/v2/health/ready",
                    ctx -> mediated(
                            ctx,
                            Mediator.Endpoint.HEALTH,
                            ex -> json(JSON.createObjectNode().put("ready", true))));
            config.routes.get("/v2", ctx -> mediated(ctx, Mediator.Endpoint.METADATA, ex -> json(serverMetadata())));
            config.routes.get(
                    "/v2/models/{name}",
                    ctx -> mediated(ctx, Mediator.Endpoint.METADATA, ex -> {
                        requireKnown(ctx);
                        return json(modelMetadata(ex.outputName(outputName())));
                    }));
            config.routes.get(
                    "/v2/models/{name}/ready",
                    ctx -> mediated(ctx, Mediator.Endpoint.METADATA, ex -> {
                        requireKnown(ctx);
                        return json(JSON.createObjectNode()
                                .put("name", settings.name())
                                .put("ready", true));
                    }));
            config.routes.post(
                    "/v2/models/{name}/infer",
                    ctx -> mediated(ctx, Mediator.Endpoint.INFER, ex -> {
                        requireKnown(ctx);
                        return infer(ctx, ex);
                    }));
            for (Mediator.Route route : mediator.routes()) {
                config.routes.get(
                        route.path(),
                        ctx -> mediated(
                                ctx,
                                Mediator.Endpoint.OTHER,
                                route.contentType(),
                                ex -> route.answer().answer(ctx::queryParam)));
            }
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ERROR_SENT) == null) {
                    mediated(ctx, Mediator.Endpoint.OTHER, ex -> {
                        throw new OipException(404, "no such endpoint: " + ctx.method() + " " + ctx.path());
                    });
                }
            });
            config.routes.error(405, ctx -> {
                if (ctx.attribute(ERROR_SENT) == null) {
                    mediated(ctx, Mediator.Endpoint.OTHER, ex -> {
                        throw new OipException(405, "method not allowed: " + ctx.method() + " " + ctx.path());
                    });
                }
            });
        });
        try {
            created.start();
        } catch (RuntimeException e) {
            created.stop();
            throw new UncheckedIOException(new IOException(
                    "cannot serve on " + settings.host() + ":" + settings.port() + " ("
                            + Messages.firstLine(e.getCause() == null ? e : e.getCause()) + ")",
                    e));
        }
        app = created;
        return this;
    }

    /** The port bound ({@code 0}'s choice after {@link #start()}). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("the server is not started");
        }
        return app.port();
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The model's URL, {@code http://HOST:PORT/v2/models/NAME}. */
    public String modelUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port() + "/v2/models/" + settings.name();
    }

    /** Stops serving; the model stays open. Idempotent. */
    public synchronized void stop() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void requireKnown(Context ctx) {
        String name = ctx.pathParam("name");
        if (!name.equals(settings.name())) {
            throw new OipException(404, "unknown model '" + name + "'; this server serves '" + settings.name() + "'");
        }
    }

    /** Produces a 200 answer's body, or throws an {@link OipException}. */
    @FunctionalInterface
    private interface Answer {
        byte[] apply(Mediator.Exchange exchange) throws IOException;
    }

    /**
     * Runs one request through the mediator: {@link Mediator.Exchange#authorize()} before anything
     * is read, the answer, then {@link Mediator.Exchange#complete} before the response is sent (a
     * failure there sends 503 and nothing of the answer).
     */
    private void mediated(Context ctx, Mediator.Endpoint endpoint, Answer answer) {
        mediated(ctx, endpoint, "application/json", answer);
    }

    private void mediated(Context ctx, Mediator.Endpoint endpoint, String contentType, Answer answer) {
        Mediator.Exchange exchange = mediator.begin(
                new Mediator.RequestHead(ctx.method().name(), ctx.path(), endpoint, ctx::header, ctx.ip()));
        int status;
        byte[] body;
        String type = contentType;
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            exchange.authorize();
            body = answer.apply(exchange);
            status = 200;
        } catch (OipException e) {
            status = e.status();
            body = errorBody(e.getMessage());
            type = "application/json";
            headers.putAll(e.headers());
        } catch (IOException | RuntimeException e) {
            status = 500;
            body = errorBody("inference failed: " + Messages.firstLine(e));
            type = "application/json";
        }
        try {
            exchange.complete(status, body);
            headers.putAll(exchange.responseHeaders());
        } catch (RuntimeException e) {
            status = 503;
            body = errorBody("the request could not be recorded (" + Messages.firstLine(e) + "); nothing was released");
            type = "application/json";
            headers.clear();
        }
        ctx.attribute(ERROR_SENT, Boolean.TRUE);
        headers.forEach(ctx::header);
        ctx.status(status).contentType(type).result(body);
    }

    private static byte[] json(JsonNode node) throws IOException {
        return JSON.writeValueAsBytes(node);
    }

    private static byte[] errorBody(String message) {
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode serverMetadata() {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", "marauder");
        o.put("version", BuildInfo.version());
        o.putArray("extensions");
        return o;
    }

    /**
     * The model metadata of the specification's {@code $metadata_model_response}, naming the output
     * {@code outputName} (what this caller receives).
     */
    ObjectNode modelMetadata(String outputName) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", settings.name());
        o.putArray("versions");
        o.put("platform", platform(model.info().format()));
        ObjectNode input = o.putArray("inputs").addObject();
        input.put("name", "input");
        input.put("datatype", "FP32");
        ArrayNode shape = input.putArray("shape").add(-1);
        for (int d : model.inputSpec().shape()) {
            shape.add(d);
        }
        ObjectNode output = o.putArray("outputs").addObject();
        output.put("name", outputName);
        output.put("datatype", "FP32");
        output.putArray("shape").add(-1).add(model.classes());
        return o;
    }

    private String outputName() {
        return model.outputKind() == OutputKind.LOGITS
                ? "logits"
                : model.outputKind().name().toLowerCase(Locale.ROOT);
    }

    private static String platform(ModelFormat format) {
        return switch (format) {
            case TORCHSCRIPT -> "pytorch_torchscript";
            case ONNX -> "onnxruntime_onnx";
            case MARAUDER -> "marauder_djl";
            case REMOTE -> "marauder_remote";
        };
    }

    private byte[] infer(Context ctx, Mediator.Exchange exchange) throws IOException {
        byte[] body = readBody(ctx);
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            throw new OipException(400, "the body is not JSON (" + Messages.firstLine(e) + ")");
        }
        if (request == null || !request.isObject()) {
            throw new OipException(400, "the body must be a JSON object with \"inputs\"");
        }
        JsonNode inputs = request.path("inputs");
        if (!inputs.isArray() || inputs.size() != 1) {
            throw new OipException(
                    400,
                    "\"inputs\" must hold exactly one tensor (the model's input \"input\"), got "
                            + (inputs.isArray() ? inputs.size() : "none"));
        }
        JsonNode tensor = inputs.get(0);
        String name = tensor.path("name").asText("");
        if (!name.equals("input")) {
            throw new OipException(400, "unknown input '" + name + "'; the model's input is \"input\"");
        }
        String datatype = tensor.path("datatype").asText("");
        if (!datatype.equals("FP32")) {
            throw new OipException(400, "input datatype must be FP32, got '" + datatype + "'");
        }
        JsonNode parameters = tensor.path("parameters");
        if (parameters.has("binary_data_size")) {
            throw new OipException(400, "binary tensor data are not supported; send \"data\" as JSON numbers");
        }
        int n = checkShape(tensor.path("shape"), body.length);
        JsonNode outputs = request.path("outputs");
        if (outputs.isArray()) {
            for (JsonNode o : outputs) {
                String seen = exchange.outputName(outputName());
                if (!seen.equals(o.path("name").asText())
                        && !outputName().equals(o.path("name").asText())) {
                    throw new OipException(
                            400,
                            "unknown output '" + o.path("name").asText() + "'; the model's output is \"" + seen + "\"");
                }
            }
        }
        int size = model.inputSpec().size();
        float[] values = new float[Math.multiplyExact(n, size)];
        int count = flatten(tensor.path("data"), values, 0);
        if (count != values.length) {
            throw new OipException(
                    400,
                    "\"data\" holds " + (count > values.length ? "more than " + values.length : count)
                            + " values; shape " + tensor.path("shape") + " needs " + values.length);
        }
        exchange.admit(values, n, size);
        float[] scores;
        int classes;
        synchronized (model) {
            try (NDManager manager = NDManager.newBaseManager()) {
                long[] dims = new long[model.inputSpec().shape().length + 1];
                dims[0] = n;
                for (int i = 1; i < dims.length; i++) {
                    dims[i] = model.inputSpec().shape()[i - 1];
                }
                NDArray out = model.predict(manager.create(values, new Shape(dims)));
                scores = out.toFloatArray();
                classes = (int) out.getShape().get(1);
            }
        }
        Mediator.Scores released = exchange.release(values, new Mediator.Scores(outputName(), n, classes, scores));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(scores.length * 12 + 256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_name", settings.name());
            if (request.hasNonNull("id")) {
                g.writeStringField("id", request.get("id").asText());
            }
            g.writeArrayFieldStart("outputs");
            g.writeStartObject();
            g.writeStringField("name", released.output());
            g.writeArrayFieldStart("shape");
            g.writeNumber(released.n());
            g.writeNumber(released.classes());
            g.writeEndArray();
            g.writeStringField("datatype", "FP32");
            g.writeArrayFieldStart("data");
            for (float v : released.data()) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /**
     * Checks a declared input shape {@code [N, ...]} against the model, the element limit and the
     * body length, before anything is allocated; returns N.
     */
    private int checkShape(JsonNode shape, int bodyLength) {
        int[] example = model.inputSpec().shape();
        if (!shape.isArray() || shape.size() != example.length + 1) {
            throw new OipException(400, "input shape must be [N, " + join(example) + "], got " + shape);
        }
        for (JsonNode d : shape) {
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 1) {
                throw new OipException(400, "input shape must hold positive whole numbers, got " + shape);
            }
        }
        for (int i = 0; i < example.length; i++) {
            if (shape.get(i + 1).asLong() != example[i]) {
                throw new OipException(400, "input shape must be [N, " + join(example) + "], got " + shape);
            }
        }
        long n = shape.get(0).asLong();
        // n and every dimension are at least 1: the product overflows only above maxElements anyway
        long elements = n > settings.maxElements()
                ? Long.MAX_VALUE
                : n * model.inputSpec().size();
        if (elements > settings.maxElements()) {
            throw new OipException(
                    413,
                    "input shape " + shape + " declares more than the limit of " + settings.maxElements()
                            + " values per request; send smaller batches");
        }
        // every JSON number takes at least one character and one separator
        if (elements > bodyLength / 2 + 1) {
            throw new OipException(
                    400,
                    "input shape " + shape + " declares " + elements + " values, more than a body of " + bodyLength
                            + " bytes can hold");
        }
        return (int) n;
    }

    private static String join(int[] dims) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return b.toString();
    }

    private static int flatten(JsonNode node, float[] into, int at) {
        if (node.isNumber()) {
            if (at >= into.length) {
                return at + 1; // counted, then refused: more values than the shape
            }
            float v = node.floatValue();
            if (!Float.isFinite(v)) {
                throw new OipException(400, "\"data\" holds a value out of the FP32 range: " + node);
            }
            into[at] = v;
            return at + 1;
        }
        if (!node.isArray()) {
            throw new OipException(
                    400,
                    "\"data\" must hold numbers, flat or nested, got "
                            + (node.isMissingNode() ? "nothing" : abbreviated(node)));
        }
        int next = at;
        for (JsonNode v : node) {
            next = flatten(v, into, next);
            if (next > into.length) {
                return next;
            }
        }
        return next;
    }

    private static String abbreviated(JsonNode node) {
        String s = node.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > settings.maxBodyBytes()) {
            throw new OipException(
                    413, "the body of " + declared + " bytes is above the limit of " + settings.maxBodyBytes());
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            if (bytes.length > settings.maxBodyBytes()) {
                throw new OipException(413, "the body is above the limit of " + settings.maxBodyBytes() + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new OipException(400, "the body cannot be read (" + Messages.firstLine(e) + ")");
        }
    }
}
