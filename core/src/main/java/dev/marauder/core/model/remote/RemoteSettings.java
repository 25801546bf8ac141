package dev.marauder.core.model.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RemoteClassifier} talks to a model behind an HTTP API: immutable, built with
 * {@link #builder()} ({@code opt} methods for optional values, checked in {@link
 * Builder#build()}).
 *
 * @param maxBatch at most this many examples per HTTP request (default 64)
 * @param maxQueries the query budget: at most this many examples sent in all, or {@link
 *     Long#MAX_VALUE} for no budget (the default)
 * @param connectTimeout how long to wait for a connection (default 10 s)
 * @param requestTimeout how long to wait for each answer (default 60 s)
 * @param maxRetries how often a request answered with 429 (Too Many Requests) or 503 (Service
 *     Unavailable) is sent again (default 4); other failures are not retried
 * @param initialBackoff the wait before the first retry when the server gives no {@code
 *     Retry-After}; it doubles on each retry (default 0.5 s)
 * @param maxBackoff the longest wait before a retry; a {@code Retry-After} asking for longer ends
 *     the retries with an error (default 30 s)
 * @param apiKey the key sent with every request, or null for none; it never appears in {@link
 *     #toString()}
 * @param apiKeyHeader the header that carries the key (default {@code Authorization}, sent as
 *     {@code Bearer KEY}; any other header carries the key as it is)
 * @param maxResponseBytes an answer longer than this is refused (default 64 MiB)
 */
public record RemoteSettings(
        int maxBatch,
        long maxQueries,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        String apiKey,
        String apiKeyHeader,
        long maxResponseBytes) {

    /** The default header of the API key. */
    public static final String AUTHORIZATION = "Authorization";

    /** Every default: batches of 64, no budget, 10 s to connect, 60 s per answer, 4 retries. */
    public static final RemoteSettings DEFAULTS = builder().build();

    public RemoteSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, got " + maxBatch);
        }
        if (maxQueries < 0) {
            throw new IllegalArgumentException("the query budget must be at least 0, got " + maxQueries);
        }
        requirePositive(connectTimeout, "the connect timeout");
        requirePositive(requestTimeout, "the request timeout");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("the number of retries must be at least 0, got " + maxRetries);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoffs must satisfy 0 <= initial <= max, got " + initialBackoff + " and " + maxBackoff);
        }
        if (apiKeyHeader == null || !apiKeyHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("not an HTTP header name: '" + apiKeyHeader + "'");
        }
        if (apiKey != null && (apiKey.isEmpty() || apiKey.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("the API key is empty or holds control characters");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("the response limit must be positive, got " + maxResponseBytes);
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    /** True if a query budget is set. */
    public boolean hasBudget() {
        return maxQueries != Long.MAX_VALUE;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxBatch = maxBatch;
        b.maxQueries = maxQueries;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.maxRetries = maxRetries;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.apiKey = apiKey;
        b.apiKeyHeader = apiKeyHeader;
        b.maxResponseBytes = maxResponseBytes;
        return b;
    }

    @Override
    public String toString() {
        return "RemoteSettings[maxBatch=" + maxBatch + ", maxQueries="
                + (hasBudget() ? String.valueOf(maxQueries) : "unlimited") + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries + ", initialBackoff="
                + initialBackoff + ", maxBackoff=" + maxBackoff + ", apiKey=" + (apiKey == null ? "none" : "(hidden)")
                + ", apiKeyHeader=" + apiKeyHeader + ", maxResponseBytes=" + maxResponseBytes + "]";
    }

    /** Builds {@link RemoteSettings}; every value starts at its default. */
    public static final class Builder {
        private int maxBatch = 64;
        private long maxQueries = Long.MAX_VALUE;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxRetries = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private String apiKey;
        private String apiKeyHeader = AUTHORIZATION;
        private long maxResponseBytes = 64L << 20;

        private Builder() {}

        /** At most {@code n} examples per HTTP request. */
        public Builder optMaxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        /** At most {@code n} examples sent in all. */
        public Builder optMaxQueries(long n) {
            this.maxQueries = n;
            return this;
        }

        /** The connect timeout. */
        public Builder optConnectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** The timeout of each request. */
        public Builder optRequestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        /** Both timeouts at once. */
        public Builder optTimeout(Duration d) {
            this.connectTimeout = d;
            this.requestTimeout = d;
            return this;
        }

        /** Retries of requests answered with 429 or 503. */
        public Builder optMaxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        /** The first backoff and the longest wait before a retry. */
        public Builder optBackoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** The API key, in the {@code Authorization} header as {@code Bearer KEY}. */
        public Builder optApiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** The API key in {@code header}: {@code Bearer KEY} for {@code Authorization}, else the key as it is. */
        public Builder optApiKey(String header, String key) {
            this.apiKeyHeader = header;
            this.apiKey = key;
            return this;
        }

        /** The longest answer accepted, in bytes. */
        public Builder optMaxResponseBytes(long n) {
            this.maxResponseBytes = n;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException for a value out of range
         */
        public RemoteSettings build() {
            return new RemoteSettings(
                    maxBatch,
                    maxQueries,
                    connectTimeout,
                    requestTimeout,
                    maxRetries,
                    initialBackoff,
                    maxBackoff,
                    apiKey,
                    apiKeyHeader,
                    maxResponseBytes);
        }
    }
}
