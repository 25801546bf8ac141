package dev.marauder.core.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.OutputKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RemoteClassifier} against stub servers on 127.0.0.1 (the JDK's HttpServer): the Open
 * Inference Protocol's and TensorFlow Serving's JSON as their specifications show it (the pairs in
 * {@code src/test/resources/remote}), the budget, retries, timeouts, the API key and one-line
 * errors. The real server is tested in the serve module.
 */
@Timeout(30)
class RemoteClassifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InputSpec SPEC = new InputSpec(new int[] {4}, 0f, 1f);
    private static final float[] TWO_EXAMPLES = {0f, 0.25f, 0.5f, 1f, 1f, 0.75f, 0.5f, 0f};

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private interface Handler {
        void handle(HttpExchange ex, String body) throws IOException;
    }

    /** A stub on 127.0.0.1 and a free port; every request body and Authorization header is recorded. */
    private String serve(String path, Handler handler) throws IOException {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.start();
        }
        server.createContext(path, ex -> {
            try (InputStream in = ex.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!body.isEmpty()) {
                    bodies.add(body);
                }
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                authorizations.add(auth == null ? "" : auth);
                handler.handle(ex, body);
            } finally {
                ex.close();
            }
        });
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RemoteClassifierTest.class.getResourceAsStream("/remote/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The stub of the OIP pairs: metadata, then the recorded answer to any inference request. */
    private String oipStub() throws IOException {
        String metadata = resource("oip_model_metadata.json");
        String response = resource("oip_infer_response.json");
        return serve(
                "/v2/models/stub",
                (ex, body) -> answer(ex, 200, ex.getRequestURI().getPath().endsWith("/infer") ? response : metadata));
    }

    private static float[] predict(RemoteClassifier model, float[] values, int n) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(values, new Shape(n, values.length / n));
            return model.predict(x).toFloatArray();
        }
    }

    @Test
    void speaksTheOpenInferenceProtocolAsTheSpecificationsExamplesShowIt() throws Exception {
        String base = oipStub();
        try (RemoteClassifier model = RemoteClassifier.open(
                base + "/v2/models/stub", RemoteSettings.DEFAULTS, SPEC, OutputKind.PROBABILITIES)) {
            assertThat(model.classes())
                    .as("from the output's metadata shape [-1, 3]")
                    .isEqualTo(3);
            assertThat(model.inputSpec().shape()).containsExactly(4);
            assertThat(model.endpoint().protocol()).isEqualTo(RemoteProtocol.OPEN_INFERENCE_V2);
            assertThat(model.queries()).as("metadata costs no query").isZero();
            float[] scores = predict(model, TWO_EXAMPLES, 2);
            assertThat(scores).containsExactly(1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f);
            assertThat(JSON.readTree(bodies.get(0))).isEqualTo(JSON.readTree(resource("oip_infer_request.json")));
            assertThat(model.queries()).isEqualTo(2);
            assertThat(model.requests()).as("metadata and one inference").isEqualTo(2);
        }
    }

    @Test
    void speaksTensorFlowServingsRowFormatAndReadsTheClassCountFromTheFirstAnswer() throws Exception {
        String response = resource("tf_predict_response.json");
        String base = serve("/v1/models/tf", (ex, body) -> {
            JsonNode instances = JSON.readTree(body).get("instances");
            StringBuilder rows = new StringBuilder("{\"predictions\": [");
            for (int i = 0; i < instances.size(); i++) {
                rows.append(i == 0 ? "" : ",").append("[0.2, 0.5, 0.3]");
            }
            boolean recorded = instances.size() == 2;
            answer(ex, 200, recorded ? response : rows.append("]}").toString());
        });
        InputSpec square = new InputSpec(new int[] {2, 2}, 0f, 1f);
        try (RemoteClassifier model = RemoteClassifier.open(
                base + "/v1/models/tf:predict", RemoteSettings.DEFAULTS, square, OutputKind.PROBABILITIES)) {
            assertThat(model.endpoint().protocol()).isEqualTo(RemoteProtocol.TF_SERVING_V1);
            assertThat(model.classes()).isEqualTo(3);
            assertThat(model.queries())
                    .as("the probe that found the class count")
                    .isEqualTo(1);
            try (NDManager m = NDManager.newBaseManager()) {
                float[] scores = model.predict(m.create(TWO_EXAMPLES, new Shape(2, 2, 2)))
                        .toFloatArray();
                assertThat(scores).containsExactly(0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f);
            }
            assertThat(JSON.readTree(bodies.get(1))).isEqualTo(JSON.readTree(resource("tf_predict_request.json")));
            assertThat(model.queries()).isEqualTo(3);
        }
    }

    @Test
    void splitsBatchesAndRefusesABatchThatWouldExceedTheBudgetBeforeSendingIt() throws Exception {
        String base = serve("/v2/models/stub", (ex, body) -> {
            if (!ex.getRequestURI().getPath().endsWith("/infer")) {
                answer(ex, 200, resource("oip_model_metadata.json"));
                return;
            }
            int n = JSON.readTree(body).get("inputs").get(0).get("shape").get(0).asInt();
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 3 * n; i++) {
                data.append(i == 0 ? "" : ",").append(i);
            }
            answer(
                    ex,
                    200,
                    "{\"outputs\":[{\"name\":\"scores\",\"shape\":[" + n + ",3],\"datatype\":\"FP32\"," + "\"data\":["
                            + data + "]}]}");
        });
        RemoteSettings settings =
                RemoteSettings.builder().optMaxBatch(2).optMaxQueries(5).build();
        try (RemoteClassifier model =
                RemoteClassifier.open(base + "/v2/models/stub", settings, SPEC, OutputKind.LOGITS)) {
            float[] three = new float[12];
            float[] scores = predict(model, three, 3);
            assertThat(scores).containsExactly(0, 1, 2, 3, 4, 5, 0, 1, 2);
            assertThat(model.requests()).as("metadata, then batches of 2 and 1").isEqualTo(3);
            int sent = bodies.size();
            assertThatThrownBy(() -> predict(model, three, 3))
                    .isInstanceOf(QueryBudgetExceededException.class)
                    .hasMessage("query budget exhausted for " + base + "/v2/models/stub: 3 of 5 queries used, and 3"
                            + " more would exceed it (--query-budget)");
            assertThat(bodies).as("nothing of the refused batch was sent").hasSize(sent);
            assertThat(model.queries()).isEqualTo(3);
            predict(model, new float[8], 2);
            assertThat(model.queries()).as("the budget is used up exactly").isEqualTo(5);
        }
    }

    @Test
    void retriesOn429AfterTheRetryAfterItAsksForThenAnswers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String response = resource("oip_infer_response.json");
        String metadata = resource("oip_model_metadata.json");
        String base = serve("/v2/models/stub", (ex, body) -> {
            if (!ex.getRequestURI().getPath().endsWith("/infer")) {
                answer(ex, 200, metadata);
            } else if (calls.incrementAndGet() <= 2) {
                ex.getResponseHeaders().add("Retry-After", "1");
                answer(ex, 429, "{\"error\": \"slow down\"}");
            } else {
                answer(ex, 200, response);
            }
        });
        try (RemoteClassifier model =
                RemoteClassifier.open(base + "/v2/models/stub", RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS)) {
            long t0 = System.nanoTime();
            float[] scores = predict(model, TWO_EXAMPLES, 2);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(scores).containsExactly(1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f);
            assertThat(calls).hasValue(3);
            assertThat(seconds).as("two waits of Retry-After: 1").isGreaterThanOrEqualTo(2.0);
            assertThat(model.queries())
                    .as("retries send the same examples again: counted once")
                    .isEqualTo(2);
            assertThat(model.requests()).isEqualTo(4);
        }
    }

    @Test
    void givesUpAfterTheRetriesAllowedAndOnALongerRetryAfterThanItWaits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String metadata = resource("oip_model_metadata.json");
        String base = serve("/v2/models/stub", (ex, body) -> {
            if (!ex.getRequestURI().getPath().endsWith("/infer")) {
                answer(ex, 200, metadata);
                return;
            }
            ex.getResponseHeaders().add("Retry-After", calls.incrementAndGet() <= 3 ? "0" : "3600");
            answer(ex, 503, "{\"error\": \"model is loading\"}");
        });
        RemoteSettings twoRetries = RemoteSettings.builder().optMaxRetries(2).build();
        try (RemoteClassifier model =
                RemoteClassifier.open(base + "/v2/models/stub", twoRetries, SPEC, OutputKind.LOGITS)) {
            assertThatThrownBy(() -> predict(model, TWO_EXAMPLES, 2))
                    .isInstanceOf(RemoteModelException.class)
                    .hasMessage(base + "/v2/models/stub/infer answered HTTP 503 after 2 retries: model is loading");
            assertThat(calls).hasValue(3);
            assertThatThrownBy(() -> predict(model, TWO_EXAMPLES, 2))
                    .isInstanceOf(RemoteModelException.class)
                    .hasMessageContaining("asks to retry after 3600 s, longer than the longest wait of 30 s");
        }
    }

    @Test
    void timesOutOnAServerThatDoesNotAnswer() throws Exception {
        String metadata = resource("oip_model_metadata.json");
        String base = serve("/v2/models/stub", (ex, body) -> {
            if (!ex.getRequestURI().getPath().endsWith("/infer")) {
                answer(ex, 200, metadata);
                return;
            }
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RemoteSettings quick =
                RemoteSettings.builder().optTimeout(Duration.ofMillis(300)).build();
        try (RemoteClassifier model = RemoteClassifier.open(base + "/v2/models/stub", quick, SPEC, OutputKind.LOGITS)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> predict(model, TWO_EXAMPLES, 2))
                    .isInstanceOf(RemoteModelException.class)
                    .hasMessage("no answer from " + base + "/v2/models/stub/infer within 0.3 s (--timeout)");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(4.0);
        }
    }

    @Test
    void sendsTheApiKeyAsABearerTokenOrInTheHeaderGiven() throws Exception {
        String base = oipStub();
        RemoteSettings bearer = RemoteSettings.builder().optApiKey("s3cret").build();
        RemoteClassifier.open(base + "/v2/models/stub", bearer, SPEC, OutputKind.LOGITS)
                .close();
        assertThat(authorizations).containsExactly("Bearer s3cret");
        assertThat(bearer.toString()).doesNotContain("s3cret");
        List<String> keys = new CopyOnWriteArrayList<>();
        String other = serve("/v2/models/keyed", (ex, body) -> {
            keys.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Api-Key")));
            answer(ex, 200, resource("oip_model_metadata.json"));
        });
        RemoteClassifier.open(
                        other + "/v2/models/keyed",
                        RemoteSettings.builder().optApiKey("X-Api-Key", "k").build(),
                        SPEC,
                        OutputKind.LOGITS)
                .close();
        assertThat(keys).containsExactly("k");
    }

    @Test
    void reportsHttpAndProtocolErrorsInOneLineNamingTheUrl() throws Exception {
        String base = serve("/v2/models/", (ex, body) -> {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/v2/models/missing")) {
                answer(ex, 404, "{\"error\": \"unknown model 'missing'\"}");
            } else if (path.startsWith("/v2/models/html")) {
                answer(ex, 200, "<html>\n<body>hello</body></html>");
            } else {
                answer(ex, 200, "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"INT64\", \"shape\": [-1, 4]}]}");
            }
        });
        assertThatThrownBy(() -> RemoteClassifier.open(
                        base + "/v2/models/missing", RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS))
                .isInstanceOf(RemoteModelException.class)
                .hasMessage(base + "/v2/models/missing answered HTTP 404: unknown model 'missing'");
        assertThatThrownBy(() -> RemoteClassifier.open(
                        base + "/v2/models/html", RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS))
                .isInstanceOf(RemoteModelException.class)
                .hasMessageStartingWith(base + "/v2/models/html does not answer as the Open Inference Protocol (v2):"
                        + " the answer is not JSON")
                .message()
                .doesNotContain("\n");
        assertThatThrownBy(() -> RemoteClassifier.open(
                        base + "/v2/models/ints", RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS))
                .hasMessage(base + "/v2/models/ints does not answer as the Open Inference Protocol (v2): the model's"
                        + " input is of datatype 'INT64'; Marauder sends FP32");
    }

    @Test
    void refusesAConnectionThatCannotBeMadeAndAUrlThatNamesNoModel() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed + "/v2/models/m";
        assertThatThrownBy(() -> RemoteClassifier.open(url, RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS))
                .isInstanceOf(RemoteModelException.class)
                .hasMessageStartingWith("cannot connect to " + url + " (");
        assertThatThrownBy(() -> RemoteClassifier.open(
                        "http://127.0.0.1:1/models/m", RemoteSettings.DEFAULTS, SPEC, OutputKind.LOGITS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a model URL: 'http://127.0.0.1:1/models/m': its path is neither");
        assertThatThrownBy(() -> RemoteProtocol.parse("ftp://h/v2/models/m"))
                .hasMessageContaining("only http and https");
        assertThat(RemoteProtocol.parse("https://h:8443/prefix/v2/models/m/versions/3/")
                        .inference())
                .hasToString("https://h:8443/prefix/v2/models/m/versions/3/infer");
        assertThat(RemoteProtocol.parse("http://h/v1/models/m:predict").inference())
                .hasToString("http://h/v1/models/m:predict");
    }
}
