package dev.marauder.gateway.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Runs one stream per principal ("p0", "p1", ...) on its own thread, all through one detector. */
final class Concurrency {
    private Concurrency() {}

    static List<List<Alert>> interleaved(QueryStreamDetector detector, List<Streams.Stream> streams)
            throws InterruptedException {
        List<List<Alert>> alerts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < streams.size(); p++) {
            List<Alert> mine = new ArrayList<>();
            alerts.add(mine);
            Streams.Stream stream = streams.get(p);
            String principal = "p" + p;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int q = 0; q < stream.size(); q++) {
                        detector.observe(principal, stream.inputs().get(q), stream.classes()[q])
                                .ifPresent(mine::add);
                        if (q % 16 == 0) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a detector thread failed", failures.get(0));
        }
        return alerts;
    }
}
