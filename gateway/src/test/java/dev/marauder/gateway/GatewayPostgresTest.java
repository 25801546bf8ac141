package dev.marauder.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.gateway.log.AuditLog;
import dev.marauder.gateway.log.LogSettings;
import dev.marauder.gateway.log.PostgresServer;
import dev.marauder.gateway.log.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with its audit log in a real PostgreSQL server (a private cluster the test starts,
 * or the one named by {@code MARAUDER_TEST_POSTGRES_URL}): every request is recorded, the chain
 * verifies with the public key alone, and a restarted gateway continues the same chain.
 */
@Timeout(180)
class GatewayPostgresTest {
    @TempDir
    Path dir;

    @Test
    void theAuditLogLivesInPostgresqlAndSurvivesARestart() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            String url = pg.newSchemaUrl();
            GatewayFixture f =
                    new GatewayFixture(dir, "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
            String config = Files.readString(f.config)
                    .replace(
                            "audit_log: {url: 'jdbc:sqlite:log.db', signing_key: log.key, checkpoint_every: 10}",
                            "audit_log: {url: '" + url + "', user: '" + pg.user()
                                    + "', signing_key: log.key, checkpoint_every: 10}");
            assertThat(config).contains("jdbc:postgresql://");
            Files.writeString(f.config, config);
            try (GatewayServer g = f.start()) {
                for (int i = 0; i < 15; i++) {
                    assertThat(GatewayServerTest.infer(g, f.keys.get("alice"), i, 1, 0, 0)
                                    .status())
                            .isEqualTo(200);
                }
                assertThat(GatewayServerTest.infer(g, null, 1, 1, 0, 0).status())
                        .isEqualTo(401);
            }
            try (GatewayServer g = f.start()) {
                assertThat(GatewayServerTest.infer(g, f.keys.get("olga"), 1, 1, 0, 0)
                                .status())
                        .isEqualTo(200);
                assertThat(g.log().size()).isEqualTo(17);
                assertThat(g.log().read(17, 1).get(0).entry().principal()).isEqualTo("olga");
            }
            LogSettings settings = new LogSettings(url, pg.user(), pg.password(), dir.resolve("log.key"), 10);
            Verification v =
                    AuditLog.verify(settings, AuditLog.readPublicKey(Path.of(dir.resolve("log.key") + ".pub")));
            assertThat(v.intact()).as(v.problem()).isTrue();
            assertThat(v.records()).isEqualTo(17);
            assertThat(v.checkpoints()).isGreaterThanOrEqualTo(2);
        }
    }
}
