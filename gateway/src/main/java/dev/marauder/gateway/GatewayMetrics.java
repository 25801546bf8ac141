package dev.marauder.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's metrics in the Prometheus text format (Micrometer): requests by endpoint and
 * status, the latency histogram, rejections by reason, alerts by detector, and budget use per
 * principal.
 */
final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer latency;
    private final Map<String, AtomicLong> budgetUse = new ConcurrentHashMap<>();

    GatewayMetrics() {
        latency = Timer.builder("marauder.gateway.request.latency")
                .description("Time from a request's arrival to its recorded answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void request(String endpoint, int status, long nanos) {
        Counter.builder("marauder.gateway.requests")
                .description("Requests answered, by endpoint and HTTP status")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
        latency.record(Duration.ofNanos(nanos));
    }

    void rejection(String reason) {
        Counter.builder("marauder.gateway.rejections")
                .description("Requests refused by the policy, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    void alert(String detector) {
        Counter.builder("marauder.gateway.alerts")
                .description("Alerts raised by the query-stream detectors")
                .tag("detector", detector)
                .register(registry)
                .increment();
    }

    void budgetUsed(String principal, long used) {
        budgetUse
                .computeIfAbsent(
                        principal,
                        p -> registry.gauge(
                                "marauder.gateway.budget.used",
                                io.micrometer.core.instrument.Tags.of("principal", p),
                                new AtomicLong()))
                .set(used);
    }

    /** The Prometheus text exposition of every metric. */
    String scrape() {
        return registry.scrape();
    }
}
