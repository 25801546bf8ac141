package dev.marauder.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.gateway.log.AuditLog;
import dev.marauder.gateway.log.AuditRecord;
import dev.marauder.gateway.log.LogSettings;
import dev.marauder.gateway.log.Verification;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No acknowledged request is lost: a gateway in its own JVM is killed with SIGKILL while four
 * clients send requests; every request that got a response is in the log, and the chain verifies.
 */
@Timeout(120)
class GatewayKillTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRequestSurvivesSigkill() throws Exception {
        GatewayFixture f =
                new GatewayFixture(dir, "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        GatewayProcess.class.getName(),
                        f.config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the gateway process's first line").startsWith("PORT ");
            int port = Integer.parseInt(line.substring(5).strip());
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            AtomicInteger counter = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread c = new Thread(() -> {
                    while (!stop.get()) {
                        int i = counter.incrementAndGet();
                        float[] x = {i, 0.5f, 1f / i, 2};
                        String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
                                + "\"data\":[" + x[0] + "," + x[1] + "," + x[2] + "," + x[3] + "]}]}";
                        try {
                            HttpResponse<String> r = http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + port + "/v2/models/linear/infer"))
                                            .timeout(Duration.ofSeconds(10))
                                            .header("X-API-Key", f.keys.get("olga"))
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                acknowledged.add(Gateway.sha256(x));
                            }
                        } catch (Exception e) {
                            return; // the server is gone
                        }
                    }
                });
                c.start();
                clients.add(c);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acknowledged.size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no final checkpoint
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            for (Thread c : clients) {
                c.join(15_000);
            }
        } finally {
            p.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
        LogSettings settings = LogSettings.sqlite(dir.resolve("log.db"), dir.resolve("log.key"))
                .withCheckpointEvery(10);
        Verification v = AuditLog.verify(settings, AuditLog.readPublicKey(Path.of(dir.resolve("log.key") + ".pub")));
        assertThat(v.intact()).as(v.problem()).isTrue();
        Set<String> logged = new HashSet<>();
        try (AuditLog log = AuditLog.open(settings)) {
            for (long from = 1; ; ) {
                List<AuditRecord> page = log.read(from, 1000);
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(r -> logged.add(r.entry().inputSha256()));
                from = page.get(page.size() - 1).sequence() + 1;
            }
        }
        assertThat(logged).containsAll(acknowledged);
    }
}
