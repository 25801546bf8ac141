package dev.marauder.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.gateway.auth.Role;
import dev.marauder.gateway.policy.OutputHardening;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail-safe defaults, and every problem of a bad configuration listed at once. */
class GatewayConfigTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultsAreFailSafe() throws Exception {
        Path f = dir.resolve("g.yaml");
        Files.writeString(f, "auth: {secret_file: s, keys_file: k}\ndetection: {stateful: {threshold: 1.5}}\n");
        GatewayConfig c = GatewayConfig.load(f);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.auth().enabled()).isTrue();
        assertThat(c.roles().get(Role.CLIENT).hardening())
                .isEqualTo(new OutputHardening(OutputHardening.Mode.TOP_K, 1, 2));
        assertThat(c.roles().get(Role.CLIENT).budget().hasQuota()).isTrue();
        assertThat(c.roles().get(Role.CLIENT).budget().hasRate()).isTrue();
        assertThat(c.roles().get(Role.OWNER).hardening().isIdentity()).isTrue();
        assertThat(c.detection().prada()).isTrue();
        assertThat(c.detection().block()).isTrue();
        assertThat(c.auditLog().url())
                .isEqualTo("jdbc:sqlite:" + dir.toAbsolutePath().resolve("gateway-log.db"));
        assertThat(c.model().allowedPaths())
                .containsExactly(dir.toAbsolutePath().normalize());
    }

    @Test
    void everyProblemIsListed() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(
                f,
                "listen: {host: 127.0.0.1, port: 70000}\n"
                        + "auth: {enabled: true}\n"
                        + "roles: {client: {output: blurred, decimals: 12}, guest: {}}\n"
                        + "admission: {min_confidence: 1.5}\n"
                        + "audit_log: {url: 'jdbc:sqlite::memory:'}\n"
                        + "model: {sha256: XYZ}\n"
                        + "limts: {}\n");
        assertThatThrownBy(() -> GatewayConfig.load(f))
                .isInstanceOfSatisfying(
                        GatewayConfig.GatewayConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(10)
                                .anyMatch(p -> p.startsWith("listen.port"))
                                .anyMatch(p -> p.startsWith("auth:"))
                                .anyMatch(p -> p.startsWith("roles.client.output"))
                                .anyMatch(p -> p.startsWith("roles.client.decimals"))
                                .anyMatch(p -> p.startsWith("roles.guest"))
                                .anyMatch(p -> p.startsWith("admission.min_confidence"))
                                .anyMatch(p -> p.startsWith("audit_log.url"))
                                .anyMatch(p -> p.startsWith("model.sha256"))
                                .anyMatch(p -> p.startsWith("limts"))
                                .anyMatch(p -> p.startsWith("detection.stateful")))
                .hasMessageStartingWith(f + ": 10 problems: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aLocalModelIsPinnedAndConfinedToTheAllowedPaths() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path model = Files.writeString(models.resolve("m.pt"), "weights");
        Path elsewhere = Files.writeString(dir.resolve("other.pt"), "weights");
        Path f = dir.resolve("g.yaml");
        Files.writeString(
                f,
                "model: {path: models/m.pt, sha256: " + ModelPin.sha256(model) + ", allowed_paths: [models]}\n"
                        + "auth: {enabled: false}\ndetection: {stateful: {enabled: false}}\n");
        GatewayConfig c = GatewayConfig.load(f);
        GatewayServer.checkModel(c, c.model());
        Files.writeString(model, "weights, changed");
        assertThatThrownBy(() -> GatewayServer.checkModel(c, c.model())).hasMessageContaining("not the pinned");
        assertThatThrownBy(() -> GatewayServer.checkModel(c, c.model().withPath(elsewhere)))
                .hasMessageContaining("outside the allowed paths");
        assertThatThrownBy(() ->
                        GatewayServer.checkModel(c, c.model().withPath(null).withUpstream("ftp://x")))
                .hasMessageContaining("Open Inference Protocol model URL");
        Path d = Files.createDirectories(models.resolve("dir"));
        Files.writeString(d.resolve("a"), "1");
        String before = ModelPin.sha256(d);
        Files.writeString(d.resolve("b"), "");
        assertThat(ModelPin.sha256(d)).isNotEqualTo(before).matches("[0-9a-f]{64}");
    }
}
