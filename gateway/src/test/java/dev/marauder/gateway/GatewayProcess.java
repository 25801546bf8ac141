package dev.marauder.gateway;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway in front of a {@link LinearModel} in its own JVM, for {@link GatewayKillTest}: prints
 * {@code PORT n} once serving, then serves until killed.
 */
public final class GatewayProcess {
    private GatewayProcess() {}

    public static void main(String[] args) throws InterruptedException {
        GatewayServer g =
                GatewayServer.start(GatewayConfig.load(Path.of(args[0])), new LinearModel(), "linear", "127.0.0.1", 0);
        System.out.println("PORT " + g.server().port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
