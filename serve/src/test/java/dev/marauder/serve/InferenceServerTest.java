package dev.marauder.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import dev.marauder.core.model.Models;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.model.remote.RemoteClassifier;
import dev.marauder.core.model.remote.RemoteSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link InferenceServer} on 127.0.0.1 and a free port: the shipped TorchScript fixture served and
 * queried through {@link RemoteClassifier} gives the local model's scores exactly; the metadata,
 * health and error answers of the Open Inference Protocol; the specification-shaped exchanges in
 * {@code src/test/resources/oip} with a tiny model whose scores are known by hand.
 */
@Timeout(60)
class InferenceServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Classifier cnn;
    private static InferenceServer cnnServer;
    private static final TinyModel TINY = new TinyModel();
    private static InferenceServer tinyServer;

    static Path fixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("core/src/test/resources/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("fixtures directory not found");
    }

    @BeforeAll
    static void start() {
        cnn = Models.open(fixtures().resolve("fmnist_cnn.pt"), new InputSpec(new int[] {1, 28, 28}, 0f, 1f));
        cnnServer = new InferenceServer(cnn, InferenceServer.Settings.of("fmnist")).start();
        tinyServer =
                new InferenceServer(TINY, InferenceServer.Settings.of("tiny").withLimits(40, 4096)).start();
    }

    @AfterAll
    static void stop() {
        cnnServer.stop();
        tinyServer.stop();
        cnn.close();
    }

    /** A linear model of 4 inputs and 3 classes: scores {@code [x0 + x1, x2 - x3, 2 x0]}. */
    static final class TinyModel implements Classifier {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public NDArray predict(NDArray x) {
            calls.incrementAndGet();
            float[] v = x.toFloatArray();
            int n = v.length / 4;
            float[] s = new float[n * 3];
            for (int i = 0; i < n; i++) {
                s[3 * i] = v[4 * i] + v[4 * i + 1];
                s[3 * i + 1] = v[4 * i + 2] - v[4 * i + 3];
                s[3 * i + 2] = 2 * v[4 * i];
            }
            return x.getManager().create(s, new Shape(n, 3));
        }

        @Override
        public OutputKind outputKind() {
            return OutputKind.LOGITS;
        }

        @Override
        public InputSpec inputSpec() {
            return new InputSpec(new int[] {4}, 0f, 4f);
        }

        @Override
        public int classes() {
            return 3;
        }

        @Override
        public long queries() {
            return 0;
        }

        @Override
        public ModelInfo info() {
            return new ModelInfo("tiny", ModelFormat.MARAUDER, Map.of());
        }

        @Override
        public void close() {}
    }

    private record Answer(int status, JsonNode json) {}

    private static Answer get(InferenceServer s, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static Answer post(InferenceServer s, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = InferenceServerTest.class.getResourceAsStream("/oip/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aServedModelQueriedThroughTheApiGivesExactlyTheLocalModelsScores() {
        FloatTensor x = NpyReader.read(fixtures().resolve("fmnist_test_200_x.npy"))
                .toFloatTensor()
                .slice(0, 100);
        RemoteSettings settings = RemoteSettings.builder().optMaxBatch(50).build();
        try (RemoteClassifier remote = RemoteClassifier.open(
                        cnnServer.modelUrl(),
                        settings,
                        new InputSpec(new int[] {1, 28, 28}, 0f, 1f),
                        OutputKind.LOGITS);
                NDManager m = NDManager.newBaseManager()) {
            assertThat(remote.classes()).isEqualTo(10);
            assertThat(remote.inputSpec().shape()).containsExactly(1, 28, 28);
            float[] viaApi = remote.predict(Tensors.toNDArray(m, x)).toFloatArray();
            // the server runs batches of 50, so the local model runs the same batches
            float[] first = cnn.predict(Tensors.toNDArray(m, x.slice(0, 50))).toFloatArray();
            float[] second = cnn.predict(Tensors.toNDArray(m, x.slice(50, 100))).toFloatArray();
            float[] local = new float[first.length + second.length];
            System.arraycopy(first, 0, local, 0, first.length);
            System.arraycopy(second, 0, local, first.length, second.length);
            assertThat(viaApi).containsExactly(local);
            assertThat(remote.queries()).isEqualTo(100);
            assertThat(remote.requests()).as("metadata and two batches").isEqualTo(3);
            assertThat(remote.classify(x, 64)).containsExactly(cnn.classify(x, 50));
        }
    }

    @Test
    void answersHealthServerAndModelMetadata() throws Exception {
        assertThat(get(cnnServer, "/v2/health/live")).isEqualTo(new Answer(200, JSON.readTree("{\"live\":true}")));
        assertThat(get(cnnServer, "/v2/health/ready")).isEqualTo(new Answer(200, JSON.readTree("{\"ready\":true}")));
        Answer server = get(cnnServer, "/v2");
        assertThat(server.json().get("name").asText()).isEqualTo("marauder");
        assertThat(server.json().has("version")).isTrue();
        assertThat(server.json().get("extensions").isArray()).isTrue();
        JsonNode meta = get(cnnServer, "/v2/models/fmnist").json();
        assertThat(meta.get("platform").asText()).isEqualTo("pytorch_torchscript");
        assertThat(meta.get("inputs").get(0).toString())
                .isEqualTo("{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,1,28,28]}");
        assertThat(meta.get("outputs").get(0).toString())
                .isEqualTo("{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[-1,10]}");
        assertThat(get(cnnServer, "/v2/models/fmnist/ready").json().get("ready").asBoolean())
                .isTrue();
        assertThat(get(tinyServer, "/v2/models/tiny").json())
                .isEqualTo(JSON.readTree(resource("tiny_model_metadata.json")));
    }

    @Test
    void answersTheSpecificationShapedExchangesFlatAndNested() throws Exception {
        JsonNode expected = JSON.readTree(resource("tiny_infer_response.json"));
        assertThat(post(tinyServer, "/v2/models/tiny/infer", resource("tiny_infer_request.json")))
                .isEqualTo(new Answer(200, expected));
        assertThat(post(tinyServer, "/v2/models/tiny/infer", resource("tiny_infer_request_nested.json")))
                .isEqualTo(new Answer(200, expected));
        Answer spec = post(tinyServer, "/v2/models/tiny/infer", resource("spec_two_inputs_request.json"));
        assertThat(spec.status()).isEqualTo(400);
        assertThat(spec.json().get("error").asText())
                .isEqualTo("\"inputs\" must hold exactly one tensor (the model's input \"input\"), got 2");
    }

    private static String request(String shape, String datatype, String data) {
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":"
                + data + "}]}";
    }

    @Test
    void refusesBadRequestsWith400AndUnknownModelsWith404AsJsonErrors() throws Exception {
        String infer = "/v2/models/tiny/infer";
        assertThat(post(tinyServer, infer, "{not json")).satisfies(a -> {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.json().get("error").asText()).startsWith("the body is not JSON");
        });
        assertThat(post(tinyServer, infer, request("[1,4]", "INT32", "[1,2,3,4]")))
                .isEqualTo(new Answer(400, error("input datatype must be FP32, got 'INT32'")));
        assertThat(post(tinyServer, infer, request("[1,5]", "FP32", "[1,2,3,4,5]")))
                .isEqualTo(new Answer(400, error("input shape must be [N, 4], got [1,5]")));
        assertThat(post(tinyServer, infer, request("[2,4]", "FP32", "[1,2,3,4]")))
                .isEqualTo(new Answer(400, error("\"data\" holds 4 values; shape [2,4] needs 8")));
        assertThat(post(tinyServer, infer, request("[1,4]", "FP32", "[1,2,3,4,5]")))
                .isEqualTo(new Answer(400, error("\"data\" holds more than 4 values; shape [1,4] needs 4")));
        assertThat(post(tinyServer, infer, request("[1,4]", "FP32", "[1,2,\"x\",4]")))
                .isEqualTo(new Answer(400, error("\"data\" must hold numbers, flat or nested, got \"x\"")));
        assertThat(post(tinyServer, "/v2/models/other/infer", request("[1,4]", "FP32", "[1,2,3,4]")))
                .isEqualTo(new Answer(404, error("unknown model 'other'; this server serves 'tiny'")));
        assertThat(get(tinyServer, "/v2/models/other"))
                .isEqualTo(new Answer(404, error("unknown model 'other'; this server serves 'tiny'")));
        assertThat(get(tinyServer, "/v1/models/tiny"))
                .isEqualTo(new Answer(404, error("no such endpoint: GET /v1/models/tiny")));
    }

    @Test
    void refusesATooLargeDeclaredShapeWith413BeforeAllocatingAndABodyAboveTheLimit() throws Exception {
        int before = TINY.calls.get();
        // 2^31 - 1 examples of 4 values: allocating them would take 32 GiB
        Answer huge = post(tinyServer, "/v2/models/tiny/infer", request("[2147483647,4]", "FP32", "[1,2,3,4]"));
        assertThat(huge)
                .isEqualTo(new Answer(
                        413,
                        error("input shape [2147483647,4] declares more than the limit of 40"
                                + " values per request; send smaller batches")));
        // under the element limit (40) but more values than the body can hold
        Answer liar = post(tinyServer, "/v2/models/tiny/infer", request("[10,4]", "FP32", "[1]"));
        assertThat(liar.status()).isEqualTo(400);
        assertThat(liar.json().get("error").asText())
                .startsWith("input shape [10,4] declares 40 values, more than a body of");
        StringBuilder long_ = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            long_.append(i == 0 ? "" : ",").append("1.0");
        }
        Answer tooLong = post(tinyServer, "/v2/models/tiny/infer", request("[1,4]", "FP32", long_ + "]"));
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.json().get("error").asText()).contains("above the limit of 4096");
        assertThat(TINY.calls.get()).as("the model never ran").isEqualTo(before);
    }

    @Test
    void aPortInUseIsAnErrorNamingTheAddress() {
        InferenceServer second =
                new InferenceServer(TINY, InferenceServer.Settings.of("tiny").withPort(tinyServer.port()));
        org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("cannot serve on 127.0.0.1:" + tinyServer.port());
        second.stop();
    }

    @Test
    void refusesASettingOutOfRange() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InferenceServer.Settings.of("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 'a b'");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> InferenceServer.Settings.of("m").withPort(70000))
                .hasMessage("the port must be in 0..65535, got 70000");
    }

    private static JsonNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }
}
