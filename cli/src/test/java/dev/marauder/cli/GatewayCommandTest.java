package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.provenance.FileHash;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway init|key|pin}, {@code serve --config} (refusing a bad configuration with every
 * problem; serving with keys), an audit through the gateway that reports what it let through, and
 * {@code audit-log verify|export} on the log that audit left.
 */
@Timeout(300)
class GatewayCommandTest {
    private static final Path MODEL = FIXTURES.resolve("fmnist_cnn.pt");
    private static final String X = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
    private static final String Y = FIXTURES.resolve("fmnist_test_200_y.npy").toString();

    @TempDir
    Path dir;

    @Test
    void initKeyAndPin() throws Exception {
        Path g = dir.resolve("gw");
        CliTest.Run init = run("gateway", "init", "--dir", g.toString(), "--model", MODEL.toString());
        assertThat(init.code()).as(init.err()).isZero();
        String yaml = Files.readString(g.resolve("gateway.yaml"));
        assertThat(yaml).contains("sha256: '" + FileHash.sha256(MODEL) + "'");
        assertThat(Files.readString(g.resolve("gateway.secret")).strip()).matches("[0-9a-f]{64}");
        assertThat(Files.getPosixFilePermissions(g.resolve("gateway.secret")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        CliTest.Run again = run("gateway", "init", "--dir", g.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is not an empty directory").doesNotContain("\tat ");

        CliTest.Run key = run(
                "gateway",
                "key",
                "--config",
                g.resolve("gateway.yaml").toString(),
                "--principal",
                "alice",
                "--role",
                "client",
                "--json");
        assertThat(key.code()).as(key.err()).isZero();
        JsonNode k = JSON.readTree(key.out());
        assertThat(k.get("key").asText()).startsWith("mrd_" + k.get("id").asText() + "_");
        String keys = Files.readString(g.resolve("gateway-keys.yaml"));
        assertThat(keys)
                .contains(k.get("id").asText())
                .doesNotContain(k.get("key").asText());
        CliTest.Run badRole = run(
                "gateway",
                "key",
                "--config",
                g.resolve("gateway.yaml").toString(),
                "--principal",
                "bob",
                "--role",
                "root");
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).contains("unknown role 'root'");

        CliTest.Run pin = run("gateway", "pin", "--model", MODEL.toString());
        assertThat(pin.out().strip()).isEqualTo(FileHash.sha256(MODEL));
    }

    @Test
    void aBadConfigurationIsRefusedWithEveryProblemOnOneLine() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "listen: {port: -1}\nauth: {enabled: true}\ncolour: blue\n");
        CliTest.Run r = run("serve", "--config", cfg.toString(), "--model", MODEL.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .contains("listen.port")
                .contains("auth:")
                .contains("colour")
                .doesNotContain("\tat ");
        Path pinned = dir.resolve("pinned.yaml");
        Files.writeString(
                pinned,
                "model: {path: " + MODEL + ", sha256: '" + "0".repeat(63) + "1', allowed_paths: [" + MODEL.getParent()
                        + "]}\nauth: {enabled: false}\ndetection: {stateful: {enabled: false}}\n");
        CliTest.Run wrong = run("serve", "--config", pinned.toString(), "--input-shape", "1,28,28");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("not the pinned");
    }

    @Test
    void anAuditThroughTheGatewayReportsWhatItLetThroughAndTheLogVerifies() throws Exception {
        Path g = dir.resolve("gw");
        assertThat(run("gateway", "init", "--dir", g.toString(), "--model", MODEL.toString())
                        .code())
                .isZero();
        Path config = g.resolve("gateway.yaml");
        // the default client rate (50 examples per second) would stretch the audit over minutes
        Files.writeString(
                config, Files.readString(config).replace("rate: 50, burst: 100", "rate: 100000, burst: 1000"));
        CliTest.Run key = run(
                "gateway",
                "key",
                "--config",
                config.toString(),
                "--principal",
                "auditor-bot",
                "--role",
                "client",
                "--json");
        Path keyFile = dir.resolve("key.txt");
        Files.writeString(keyFile, JSON.readTree(key.out()).get("key").asText() + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliTest.Run[] served = new CliTest.Run[1];
        Thread server = new Thread(() -> served[0] = run(
                "serve", "--config", config.toString(), "--port", Integer.toString(port), "--input-shape", "1,28,28"));
        server.start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                try {
                    if (http.send(
                                            HttpRequest.newBuilder(URI.create(base + "/v2/health/ready"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    assertThat(System.nanoTime())
                            .as("the gateway did not start")
                            .isLessThan(deadline);
                    assertThat(server.isAlive())
                            .as("serve ended: %s", served[0])
                            .isTrue();
                    Thread.sleep(200);
                }
            }
            Path report = dir.resolve("report");
            CliTest.Run audit = run(
                    "audit",
                    "--model",
                    base + "/v2/models/fmnist_cnn",
                    "--api-key-file",
                    keyFile.toString(),
                    "--data",
                    X,
                    "--labels",
                    Y,
                    "--examples",
                    "20",
                    "--eps",
                    "0,0.1",
                    "--max-batch",
                    "100",
                    "--report",
                    report.toString(),
                    "--json");
            assertThat(audit.code()).as(audit.err()).isZero();
            JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
            JsonNode gateway = json.get("sections").get("gateway");
            assertThat(gateway).as(json.toString()).isNotNull();
            assertThat(gateway.get("policy").get("output").asText()).isEqualTo("top-1, 2 decimals");
            assertThat(gateway.get("policy").get("budget").asText()).endsWith("/100000");
            assertThat(json.get("summary").toString()).contains("Prediction gateway");
        } finally {
            server.interrupt();
            server.join(30_000);
        }
        assertThat(served[0].code()).as(served[0].err()).isZero();

        CliTest.Run verify = run("audit-log", "verify", "--config", config.toString(), "--json");
        assertThat(verify.code()).as(verify.err()).isZero();
        JsonNode v = JSON.readTree(verify.out());
        assertThat(v.get("intact").asBoolean()).isTrue();
        assertThat(v.get("records").asLong()).isGreaterThan(2);
        Path records = dir.resolve("records.jsonl");
        CliTest.Run export = run("audit-log", "export", "--config", config.toString(), "--records", records.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.readAllLines(records))
                .hasSize((int) v.get("records").asLong())
                .allMatch(l -> l.startsWith("{\"sequence\""));
        assertThat(Files.readString(records)).contains("auditor-bot");

        // an edit to the database is named by verify, exit 1
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + g.resolve("gateway-log.db"));
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE audit_record SET principal = 'mallory' WHERE seq = 2");
        }
        CliTest.Run tampered = run("audit-log", "verify", "--config", config.toString());
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).contains("record 2");
    }
}
