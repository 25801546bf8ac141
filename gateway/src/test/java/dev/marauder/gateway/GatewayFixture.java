package dev.marauder.gateway;

import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A gateway directory for tests: secret, keys for a client, an owner and an auditor, a configuration. */
final class GatewayFixture {
    final Path dir;
    final Path config;
    final Map<String, String> keys = new LinkedHashMap<>();

    /**
     * Writes the files.
     *
     * @param extra YAML appended to the configuration (roles, admission, detection, ...)
     */
    GatewayFixture(Path dir, String extra) throws IOException {
        this.dir = dir;
        Path secret = dir.resolve("gateway.secret");
        Files.writeString(secret, ApiKeys.newSecret());
        StringBuilder entries = new StringBuilder("keys:\n");
        for (String[] who : new String[][] {{"alice", "client"}, {"olga", "owner"}, {"ada", "auditor"}}) {
            ApiKeys.Issued k = ApiKeys.issue(new Principal(who[0], Role.of(who[1])), ApiKeys.readSecret(secret));
            keys.put(who[0], k.key());
            entries.append(k.yamlEntry());
        }
        Files.writeString(dir.resolve("gateway-keys.yaml"), entries.toString());
        config = dir.resolve("gateway.yaml");
        Files.writeString(
                config,
                "listen: {host: 127.0.0.1, port: 0}\n"
                        + "model: {upstream: 'http://127.0.0.1:1/v2/models/linear'}\n"
                        + "auth: {secret_file: gateway.secret, keys_file: gateway-keys.yaml}\n"
                        + "audit_log: {url: 'jdbc:sqlite:log.db', signing_key: log.key, checkpoint_every: 10}\n"
                        + extra);
    }

    /** Starts a gateway in front of a {@link LinearModel} on a free loopback port. */
    GatewayServer start() {
        GatewayConfig cfg = GatewayConfig.load(config);
        return GatewayServer.start(cfg, new LinearModel(), "linear", "127.0.0.1", 0);
    }
}
