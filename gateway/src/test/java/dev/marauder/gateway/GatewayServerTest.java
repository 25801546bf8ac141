package dev.marauder.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.gateway.log.AuditRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on 127.0.0.1: authentication and roles, hardened outputs, budgets, admission
 * control, metrics, the audit-log endpoints, blocking after an alert, and every request recorded
 * in a chain that verifies.
 */
@Timeout(60)
class GatewayServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    record Answer(int status, String body, HttpResponse<String> response) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Answer get(GatewayServer g, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + g.server().port() + path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    static Answer infer(GatewayServer g, String key, float... x) throws Exception {
        return post(g, key, x.length / 4 + ",4", x);
    }

    /** One 1x28x28 image. */
    static Answer infer784(GatewayServer g, String key, float[] x) throws Exception {
        return post(g, key, "1,1,28,28", x);
    }

    private static Answer post(GatewayServer g, String key, String shape, float[] x) throws Exception {
        StringBuilder data = new StringBuilder();
        for (float v : x) {
            data.append(data.length() == 0 ? "" : ",").append(v);
        }
        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + shape + "],\"datatype\":\"FP32\",\"data\":["
                + data + "]}]}";
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + g.server().port() + "/v2/models/linear/infer"))
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("X-API-Key", key);
        }
        HttpResponse<String> r = HTTP.send(
                b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    @Test
    void keysRolesAndHardenedOutputs() throws Exception {
        GatewayFixture f =
                new GatewayFixture(dir, "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
        try (GatewayServer g = f.start()) {
            assertThat(infer(g, null, 1, 2, 0, 0).status()).isEqualTo(401);
            Answer bad = infer(g, "mrd_00000000_nope", 1, 2, 0, 0);
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.response().headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(infer(g, f.keys.get("ada"), 1, 2, 0, 0).status()).isEqualTo(403);

            // logits [3, 0, 2]: probabilities 0.705, 0.035, 0.259
            Answer client = infer(g, f.keys.get("alice"), 1, 2, 0, 0);
            assertThat(client.status()).isEqualTo(200);
            JsonNode out = client.json().get("outputs").get(0);
            assertThat(out.get("name").asText()).isEqualTo("probabilities");
            assertThat(out.get("data").toString()).isEqualTo("[0.71,0.0,0.0]");
            assertThat(client.response().headers().firstValue("X-Marauder-Output"))
                    .contains("top-1, 2 decimals");
            assertThat(client.response().headers().firstValue("X-Marauder-Budget"))
                    .contains("1/100000");

            Answer owner = infer(g, f.keys.get("olga"), 1, 2, 0, 0);
            assertThat(owner.json().get("outputs").get(0).get("name").asText()).isEqualTo("logits");
            assertThat(owner.json().get("outputs").get(0).get("data").toString())
                    .isEqualTo("[3.0,0.0,2.0]");

            assertThat(get(g, "/v2/health/ready", null).status()).isEqualTo(200);
            assertThat(get(g, "/v2/models/linear", null).status()).isEqualTo(401);
            assertThat(get(g, "/v2/models/linear", f.keys.get("alice")).status())
                    .isEqualTo(200);

            assertThat(get(g, "/metrics", f.keys.get("alice")).status()).isEqualTo(403);
            Answer metrics = get(g, "/metrics", f.keys.get("olga"));
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("marauder_gateway_requests_total")
                    .contains("marauder_gateway_rejections_total{reason=\"auth\"}")
                    .contains("marauder_gateway_request_latency_seconds_bucket");

            assertThat(get(g, "/audit-log", f.keys.get("olga")).status()).isEqualTo(403);
            Answer log = get(g, "/audit-log?from=1&limit=3", f.keys.get("ada"));
            assertThat(log.status()).isEqualTo(200);
            assertThat(log.body().lines()).hasSize(3);
            Answer verify = get(g, "/audit-log/verify", f.keys.get("ada"));
            assertThat(verify.json().get("intact").asBoolean()).isTrue();

            List<AuditRecord> records = g.log().read(1, 100);
            assertThat(records).hasSize(13);
            assertThat(records.get(0).entry().status()).isEqualTo(401);
            assertThat(records.get(0).entry().principal()).isEqualTo("-");
            AuditRecord third = records.get(2);
            assertThat(third.entry().principal()).isEqualTo("ada");
            assertThat(third.entry().decisions()).anyMatch(d -> d.startsWith("role:refused 403"));
            AuditRecord served = records.get(3);
            assertThat(served.entry().principal()).isEqualTo("alice");
            assertThat(served.entry().inputSha256()).isEqualTo(Gateway.sha256(new float[] {1, 2, 0, 0}));
            assertThat(served.entry().output()).contains("[0.71,0.0,0.0]");
            assertThat(served.entry().decisions()).contains("harden:top-1, 2 decimals");
            assertThat(served.entry().inputSketch()).contains("\"pooled\"");
            assertThat(g.log().verify().intact()).isTrue();
        }
    }

    @Test
    void budgetsAnswer429WithRetryAfterAndAdmissionControlAnswers422() throws Exception {
        GatewayFixture f = new GatewayFixture(
                dir,
                "roles: {client: {output: label, max_queries: 5, window_seconds: 3600, rate: 1000, burst: 3}}\n"
                        + "admission: {min_confidence: 0.6}\n"
                        + "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
        try (GatewayServer g = f.start()) {
            String alice = f.keys.get("alice");
            Answer label = infer(g, alice, 1, 2, 0, 0);
            assertThat(label.json().get("outputs").get(0).get("name").asText()).isEqualTo("labels");
            assertThat(label.json().get("outputs").get(0).get("data").toString())
                    .isEqualTo("[1.0,0.0,0.0]");
            // logits [1, 0, 1]: top probability 0.42 < 0.6
            Answer refused = infer(g, alice, 0.5f, 0.5f, 0, 0);
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().get("error").asText())
                    .contains("confidence 0.422")
                    .contains("0.600");
            Answer batch = infer(g, alice, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0);
            assertThat(batch.status()).isEqualTo(429);
            assertThat(batch.json().get("error").asText()).contains("larger than the burst");
            assertThat(infer(g, alice, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 0).status())
                    .isEqualTo(200);
            Answer spent = infer(g, alice, 1, 2, 0, 0);
            assertThat(spent.status()).isEqualTo(429);
            assertThat(spent.json().get("error").asText()).contains("query budget spent: 5 of 5");
            long retry = Long.parseLong(
                    spent.response().headers().firstValue("Retry-After").orElseThrow());
            assertThat(retry).isBetween(3500L, 3600L);
            assertThat(infer(g, f.keys.get("olga"), 1, 2, 0, 0).status()).isEqualTo(200); // owner: no budget
        }
    }

    @Test
    void anAlertBlocksThePrincipalAndIsRecorded() throws Exception {
        GatewayFixture f = new GatewayFixture(
                dir,
                "roles: {client: {rate: 1000, burst: 100}}\n"
                        + "detection: {prada: {enabled: false}, stateful: {k: 5, buffer: 50, threshold: 0.5}}\n");
        try (GatewayServer g = f.start()) {
            String alice = f.keys.get("alice");
            int first403 = -1;
            for (int i = 0; i < 20 && first403 < 0; i++) {
                // an attack-like stream: tiny steps around one point
                Answer a = infer(g, alice, 1 + i * 1e-3f, 2, 0, 0);
                g.gateway().awaitDetection(); // the detectors run beside the responses
                if (a.status() == 403) {
                    first403 = i;
                    assertThat(a.json().get("error").asText()).contains("blocked");
                }
            }
            // k = 5: the sixth query is the first with 5 neighbours; it alerts, the next is refused
            assertThat(first403).isEqualTo(6);
            assertThat(g.gateway().alerts()).singleElement().satisfies(a -> {
                assertThat(a.detector()).isEqualTo("stateful");
                assertThat(a.query()).isEqualTo(6);
            });
            assertThat(g.gateway().blocked()).containsKey("alice");
            assertThat(infer(g, f.keys.get("olga"), 1, 2, 0, 0).status()).isEqualTo(200);
            assertThat(g.log().read(1, 100))
                    .anyMatch(r -> r.entry().method().equals("ALERT")
                            && r.entry().principal().equals("alice")
                            && r.entry().decisions().stream().anyMatch(d -> d.startsWith("alert:stateful query 6"))
                            && r.entry().decisions().contains("block:alice"));
            assertThat(get(g, "/metrics", f.keys.get("olga")).body())
                    .contains("marauder_gateway_alerts_total{detector=\"stateful\"} 1.0");
            g.gateway().unblock("alice");
            assertThat(infer(g, alice, 3, 0, 1, 0).status()).isEqualTo(200);
        }
    }
}
