package dev.marauder.core.model.remote;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.core.io.Messages;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.ServingPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Black-box access to a model behind an HTTP API: the threat model of an adversary who can only
 * send inputs and read scores (Tramer et al. 2016, "Stealing Machine Learning Models via
 * Prediction APIs"). It speaks the Open Inference Protocol (v2) REST API of KServe, Triton,
 * MLServer and {@code marauder serve} (<a
 * href="https://github.com/kserve/open-inference-protocol">the specification</a>: model metadata
 * by {@code GET /v2/models/NAME}, tensors in and out by {@code POST /v2/models/NAME/infer}), and
 * TensorFlow Serving's REST predict API ({@code POST /v1/models/NAME:predict}, {@code instances}
 * in, {@code predictions} out); see {@link RemoteProtocol}.
 *
 * <p>When it opens it reads the model's metadata (Open Inference Protocol): the input's name and
 * shape ({@code [-1, ...]}) and the output's class count ({@code [-1, classes]}). What the
 * server does not say comes from the {@link InputSpec} given (always the input bounds, which no
 * protocol records; the shape for TensorFlow Serving), and a class count the server does not give
 * is read from the answer to one query (an example at the lower bounds), which counts against the
 * budget like any other.
 *
 * <p>What is counted: {@link #queries()} is the number of examples sent (each example once, also
 * when its request is retried or fails); {@link #requests()} is the number of HTTP requests,
 * metadata and retries included. A {@link #predict} call that would take {@link #queries()} beyond
 * {@link RemoteSettings#maxQueries()} is refused whole with a {@link QueryBudgetExceededException}
 * before anything is sent. Batches are split into requests of at most {@link
 * RemoteSettings#maxBatch()} examples. Requests answered with 429 or 503 are retried at most
 * {@link RemoteSettings#maxRetries()} times, after the server's {@code Retry-After} or an
 * exponential backoff; every other failure is a {@link RemoteModelException} whose one-line
 * message names the URL. Safe to call from several threads.
 */
public final class RemoteClassifier implements Classifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final RemoteProtocol.Endpoint endpoint;
    private final RemoteSettings settings;
    private final HttpClient client;
    private final InputSpec spec;
    private final OutputKind outputKind;
    private final String inputName;
    private final String outputName;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong limited = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private volatile String hardening = "";
    private volatile String budget = "";
    private volatile int classes;
    private final ModelInfo info;

    private RemoteClassifier(
            RemoteProtocol.Endpoint endpoint,
            RemoteSettings settings,
            HttpClient client,
            InputSpec spec,
            OutputKind kind,
            String inputName,
            String outputName) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.client = client;
        this.spec = spec;
        this.outputKind = kind;
        this.inputName = inputName;
        this.outputName = outputName;
        this.info = new ModelInfo(endpoint.model().toString(), ModelFormat.REMOTE, Map.of());
    }

    /**
     * Opens the model at {@code url}, reading its metadata (Open Inference Protocol) or, when the
     * server gives no class count, the answer to one query.
     *
     * @param url {@code http://HOST:PORT/v2/models/NAME} or {@code http://HOST:PORT/v1/models/NAME:predict}
     * @param settings batching, budget, timeouts, retries and API key
     * @param given the input bounds and layout, and the shape of one example when the server does
     *     not give it; a shape the server gives wins (a data set that does not fit it is refused
     *     where the data are checked)
     * @param kind what the model's scores are: the protocols do not say, the user declares it;
     *     but an Open Inference Protocol output named {@code probabilities} or {@code labels} (as
     *     Marauder's servers and gateway name them) turns the default {@link OutputKind#LOGITS}
     *     into that kind, since a softmax of probabilities would be wrong
     * @throws IllegalArgumentException for a URL that names no model endpoint
     * @throws RemoteModelException if the server cannot be reached or its metadata make no sense
     */
    public static RemoteClassifier open(String url, RemoteSettings settings, InputSpec given, OutputKind kind) {
        RemoteProtocol.Endpoint endpoint = RemoteProtocol.parse(url);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        RemoteClassifier probe = new RemoteClassifier(endpoint, settings, client, given, kind, "input", null);
        int[] shape = given.shape();
        String input = "input";
        String output = null;
        int classes = -1;
        if (endpoint.protocol() == RemoteProtocol.OPEN_INFERENCE_V2) {
            JsonNode meta = probe.get(endpoint.model());
            JsonNode inputs = meta.path("inputs");
            if (!inputs.isArray() || inputs.size() != 1) {
                throw probe.protocolError(
                        endpoint.model(),
                        "the model metadata must list exactly one input, got "
                                + (inputs.isArray() ? inputs.size() : "none"));
            }
            JsonNode in = inputs.get(0);
            input = in.path("name").asText("input");
            String datatype = in.path("datatype").asText("");
            if (!datatype.equals("FP32")) {
                throw probe.protocolError(
                        endpoint.model(), "the model's input is of datatype '" + datatype + "'; Marauder sends FP32");
            }
            int[] served = exampleShape(in.path("shape"));
            if (served != null) {
                shape = served;
            }
            JsonNode outputs = meta.path("outputs");
            if (outputs.isArray() && outputs.size() > 0) {
                JsonNode out = outputs.get(0);
                output = out.path("name").isTextual() ? out.path("name").asText() : null;
                int[] scores = exampleShape(out.path("shape"));
                if (scores != null && scores.length == 1 && scores[0] >= 2) {
                    classes = scores[0];
                }
            }
        }
        InputSpec spec;
        try {
            spec = Arrays.equals(shape, given.shape()) ? given : given.withShape(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(endpoint.model() + " takes inputs of shape " + Arrays.toString(shape)
                    + ", which the bounds given do not fit: " + e.getMessage());
        }
        OutputKind served = kind;
        if (kind == OutputKind.LOGITS && "probabilities".equals(output)) {
            served = OutputKind.PROBABILITIES;
        } else if (kind == OutputKind.LOGITS && "labels".equals(output)) {
            served = OutputKind.LABELS;
        }
        RemoteClassifier model = new RemoteClassifier(endpoint, settings, client, spec, served, input, output);
        model.requests.set(probe.requests.get());
        model.hardening = probe.hardening;
        model.budget = probe.budget;
        model.alerts.set(probe.alerts.get());
        if (classes > 0) {
            model.classes = classes;
        } else {
            float[] example = new float[spec.size()];
            for (int i = 0; i < example.length; i++) {
                example[i] = spec.lowerAt(i);
            }
            model.reserve(1);
            model.classes = model.infer(example, 1)[0].length;
        }
        return model;
    }

    /** The shape after the batch axis of a tensor's metadata, or null if unknown (any {@code -1}). */
    private static int[] exampleShape(JsonNode shape) {
        if (!shape.isArray() || shape.size() < 2) {
            return null;
        }
        int[] out = new int[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
            JsonNode d = shape.get(i);
            if (!d.canConvertToInt() || d.asInt() < 1) {
                return null;
            }
            out[i - 1] = d.asInt();
        }
        return out;
    }

    @Override
    public NDArray predict(NDArray x) {
        long[] s = x.getShape().getShape();
        if (s.length == 0) {
            throw new IllegalArgumentException("a batch needs a batch axis, got a scalar");
        }
        int n = Math.toIntExact(s[0]);
        if (x.getShape().size() != (long) n * spec.size()) {
            throw new IllegalArgumentException("input of shape " + x.getShape() + " does not match the model's input "
                    + Arrays.toString(spec.shape()));
        }
        reserve(n);
        float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
        int c = classes;
        float[] flat = new float[n * c];
        int size = spec.size();
        for (int start = 0; start < n; start += settings.maxBatch()) {
            int count = Math.min(settings.maxBatch(), n - start);
            float[] chunk = Arrays.copyOfRange(values, start * size, (start + count) * size);
            float[][] scores = infer(chunk, count);
            for (int i = 0; i < count; i++) {
                System.arraycopy(scores[i], 0, flat, (start + i) * c, c);
            }
        }
        return x.getManager().create(flat, new Shape(n, c));
    }

    /** Counts {@code n} examples against the budget, or refuses them all. */
    private void reserve(int n) {
        while (true) {
            long used = queries.get();
            if (used + n > settings.maxQueries()) {
                throw new QueryBudgetExceededException(
                        settings.maxQueries(), used, n, endpoint.model().toString());
            }
            if (queries.compareAndSet(used, used + n)) {
                return;
            }
        }
    }

    /** Scores of {@code n} examples, {@code [n][classes]}, from one request. */
    private float[][] infer(float[] values, int n) {
        byte[] body =
                endpoint.protocol() == RemoteProtocol.OPEN_INFERENCE_V2 ? oipRequest(values, n) : tfRequest(values, n);
        URI uri = endpoint.inference();
        JsonNode answer = send(HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        float[][] scores = endpoint.protocol() == RemoteProtocol.OPEN_INFERENCE_V2
                ? oipScores(answer, n, uri)
                : tfScores(answer, n, uri);
        int c = classes;
        if (c > 0 && scores[0].length != c) {
            throw protocolError(uri, "answered " + scores[0].length + " scores per example, expected " + c);
        }
        return scores;
    }

    private byte[] oipRequest(float[] values, int n) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(values.length * 12 + 256);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("inputs");
            g.writeStartObject();
            g.writeStringField("name", inputName);
            g.writeArrayFieldStart("shape");
            g.writeNumber(n);
            for (int d : spec.shape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            g.writeStringField("datatype", "FP32");
            g.writeArrayFieldStart("data");
            for (float v : values) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            if (outputName != null) {
                g.writeArrayFieldStart("outputs");
                g.writeStartObject();
                g.writeStringField("name", outputName);
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private byte[] tfRequest(float[] values, int n) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(values.length * 12 + 256);
        int[] shape = spec.shape();
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("instances");
            int size = spec.size();
            for (int i = 0; i < n; i++) {
                writeNested(g, values, i * size, shape, 0);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes the values from {@code offset} as nested arrays of {@code shape[axis..]}; returns the next offset. */
    private static int writeNested(JsonGenerator g, float[] values, int offset, int[] shape, int axis)
            throws IOException {
        if (axis == shape.length) {
            g.writeNumber(values[offset]);
            return offset + 1;
        }
        g.writeStartArray();
        int at = offset;
        for (int i = 0; i < shape[axis]; i++) {
            at = writeNested(g, values, at, shape, axis + 1);
        }
        g.writeEndArray();
        return at;
    }

    private float[][] oipScores(JsonNode answer, int n, URI uri) {
        JsonNode outputs = answer.path("outputs");
        if (!outputs.isArray() || outputs.isEmpty()) {
            throw protocolError(uri, "the answer holds no outputs");
        }
        JsonNode out = outputs.get(0);
        if (outputName != null) {
            for (JsonNode o : outputs) {
                if (outputName.equals(o.path("name").asText())) {
                    out = o;
                }
            }
        }
        String datatype = out.path("datatype").asText("");
        if (!datatype.startsWith("FP") && !datatype.startsWith("INT") && !datatype.startsWith("UINT")) {
            throw protocolError(uri, "the output is of datatype '" + datatype + "'; scores must be numbers");
        }
        JsonNode shape = out.path("shape");
        long elements = 1;
        if (!shape.isArray()
                || shape.size() != 2
                || shape.get(0).asLong() != n
                || shape.get(1).asLong() < 1) {
            throw protocolError(uri, "the output's shape is " + shape + "; expected [" + n + ", classes]");
        }
        int c = shape.get(1).asInt();
        elements = (long) n * c;
        float[] flat = new float[Math.toIntExact(elements)];
        int count = flatten(out.path("data"), flat, 0, uri);
        if (count != elements) {
            throw protocolError(uri, "the output holds " + count + " values for its shape " + shape);
        }
        float[][] rows = new float[n][c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * c, rows[i], 0, c);
        }
        return rows;
    }

    private int flatten(JsonNode node, float[] into, int at, URI uri) {
        if (node.isNumber()) {
            if (at >= into.length) {
                throw protocolError(uri, "the output holds more values than its shape says");
            }
            into[at] = node.floatValue();
            return at + 1;
        }
        if (!node.isArray()) {
            throw protocolError(uri, "the output's data must be numbers (flat or nested), got '" + node + "'");
        }
        int next = at;
        for (JsonNode v : node) {
            next = flatten(v, into, next, uri);
        }
        return next;
    }

    private float[][] tfScores(JsonNode answer, int n, URI uri) {
        JsonNode predictions = answer.path("predictions");
        if (!predictions.isArray() || predictions.size() != n) {
            throw protocolError(
                    uri,
                    "expected \"predictions\" with " + n + " rows, got "
                            + (predictions.isArray() ? predictions.size() + " rows" : "none"));
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            JsonNode row = predictions.get(i);
            if (row.isObject()) {
                throw protocolError(uri, "the predictions are named outputs; Marauder reads one score vector per row");
            }
            int c = row.isArray() ? row.size() : 0;
            if (c < 1 || (i > 0 && c != rows[0].length)) {
                throw protocolError(uri, "prediction row " + i + " holds " + c + " scores");
            }
            rows[i] = new float[c];
            if (flatten(row, rows[i], 0, uri) != c) {
                throw protocolError(uri, "prediction row " + i + " is not a list of numbers");
            }
        }
        return rows;
    }

    private JsonNode get(URI uri) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json")
                .GET());
    }

    /** Sends a request, retrying on 429 and 503, and returns the JSON of a 200 answer. */
    private JsonNode send(HttpRequest.Builder builder) {
        if (settings.apiKey() != null) {
            builder.header(
                    settings.apiKeyHeader(),
                    settings.apiKeyHeader().equalsIgnoreCase(RemoteSettings.AUTHORIZATION)
                            ? "Bearer " + settings.apiKey()
                            : settings.apiKey());
        }
        HttpRequest request = builder.build();
        URI uri = request.uri();
        for (int attempt = 0; ; attempt++) {
            requests.incrementAndGet();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpConnectTimeoutException e) {
                throw new RemoteModelException(
                        "cannot connect to " + uri + " within " + seconds(settings.connectTimeout()) + " (--timeout)",
                        e);
            } catch (HttpTimeoutException e) {
                throw new RemoteModelException(
                        "no answer from " + uri + " within " + seconds(settings.requestTimeout()) + " (--timeout)", e);
            } catch (ConnectException e) {
                // the JDK's client gives a refused connection no message
                String why = e.getMessage() == null ? "connection refused" : Messages.firstLine(e);
                throw new RemoteModelException("cannot connect to " + uri + " (" + why + ")", e);
            } catch (IOException e) {
                throw new RemoteModelException("request to " + uri + " failed (" + reason(e) + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteModelException("interrupted while waiting for " + uri, e);
            }
            int status = response.statusCode();
            observePolicy(response);
            byte[] body = read(response, uri);
            if (status == 200) {
                try {
                    JsonNode json = JSON.readTree(body);
                    if (json == null || !json.isObject()) {
                        throw protocolError(uri, "the answer is not a JSON object");
                    }
                    return json;
                } catch (IOException e) {
                    throw protocolError(uri, "the answer is not JSON (" + Messages.firstLine(e) + ")");
                }
            }
            if ((status == 429 || status == 503) && attempt < settings.maxRetries()) {
                Duration wait = retryAfter(response).orElse(backoff(attempt));
                if (wait.compareTo(settings.maxBackoff()) > 0) {
                    throw new RemoteModelException(uri + " answered " + status + " and asks to retry after "
                            + seconds(wait) + ", longer than the longest wait of " + seconds(settings.maxBackoff()));
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RemoteModelException("interrupted while waiting to retry " + uri, e);
                }
                continue;
            }
            String retried = attempt > 0 ? " after " + attempt + (attempt == 1 ? " retry" : " retries") : "";
            throw new RemoteModelException(uri + " answered HTTP " + status + retried + ": " + errorText(body));
        }
    }

    private byte[] read(HttpResponse<InputStream> response, URI uri) {
        try (InputStream in = response.body()) {
            long limit = settings.maxResponseBytes();
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw protocolError(uri, "the answer is longer than " + limit + " bytes");
            }
            return bytes;
        } catch (HttpTimeoutException e) {
            throw new RemoteModelException(
                    "no answer from " + uri + " within " + seconds(settings.requestTimeout()) + " (--timeout)", e);
        } catch (IOException e) {
            throw new RemoteModelException("reading the answer of " + uri + " failed (" + reason(e) + ")", e);
        }
    }

    /** Notes what a gateway's answer says of its policy ({@link ServingPolicy}). */
    private void observePolicy(HttpResponse<?> response) {
        switch (response.statusCode()) {
            case 429 -> limited.incrementAndGet();
            case 403 -> forbidden.incrementAndGet();
            case 422 -> refused.incrementAndGet();
            default -> {}
        }
        response.headers().firstValue("X-Marauder-Output").ifPresent(v -> hardening = v);
        response.headers().firstValue("X-Marauder-Budget").ifPresent(v -> budget = v);
        response.headers().firstValue("X-Marauder-Alerts").ifPresent(v -> {
            try {
                alerts.accumulateAndGet(Long.parseLong(v.strip()), Math::max);
            } catch (NumberFormatException e) {
                // not a count: ignored
            }
        });
    }

    /**
     * What a policy layer in front of the model (the secure prediction gateway) reported and
     * refused so far.
     */
    @Override
    public java.util.Optional<ServingPolicy> servingPolicy() {
        return java.util.Optional.of(new ServingPolicy(
                !hardening.isEmpty() || !budget.isEmpty(),
                hardening,
                budget,
                alerts.get(),
                limited.get(),
                forbidden.get(),
                refused.get(),
                requests.get()));
    }

    /** The wait a 429/503 answer asks for: {@code Retry-After} in seconds or as an HTTP date. */
    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).flatMap(v -> {
            try {
                long s = Long.parseLong(v);
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, s)));
            } catch (NumberFormatException e) {
                try {
                    Duration d = Duration.between(
                            ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                    return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (DateTimeParseException e2) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    private Duration backoff(int attempt) {
        Duration d = settings.initialBackoff().multipliedBy(1L << Math.min(attempt, 20));
        return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
    }

    /** The server's error message: the {@code error} field of a JSON body, else the body's first line. */
    private static String errorText(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && json.hasNonNull("error")) {
                text = json.get("error").isTextual()
                        ? json.get("error").asText()
                        : json.get("error").toString();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the text as it is
        }
        text = Messages.firstLine(new RuntimeException(text.isBlank() ? "(empty body)" : text.strip()));
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String reason(IOException e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : Messages.firstLine(t);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private RemoteModelException protocolError(URI uri, String what) {
        return new RemoteModelException(uri + " does not answer as "
                + (endpoint.protocol() == RemoteProtocol.OPEN_INFERENCE_V2
                        ? "the Open Inference Protocol (v2)"
                        : "TensorFlow Serving's REST API")
                + ": " + what);
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

    /** Examples sent, each once (retries of a request do not count again). */
    @Override
    public long queries() {
        return queries.get();
    }

    /** HTTP requests sent: metadata, inference and retries. */
    public long requests() {
        return requests.get();
    }

    /** The protocol, model URL and name. */
    public RemoteProtocol.Endpoint endpoint() {
        return endpoint;
    }

    /** How the model is queried. */
    public RemoteSettings settings() {
        return settings;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** Nothing to release: each request opens and closes its own exchange. */
    @Override
    public void close() {
        // the JDK's HttpClient (Java 17) has no close(); its connections end with it
    }
}
