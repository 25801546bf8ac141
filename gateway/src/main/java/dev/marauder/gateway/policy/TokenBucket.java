package dev.marauder.gateway.policy;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code rate} tokens per second; a request
 * for {@code n} tokens takes them when the bucket holds that many, and otherwise is told how long
 * to wait. The clock is passed in (nanoseconds), so the arithmetic is deterministic under test.
 * Thread-safe.
 */
public final class TokenBucket {
    private final double rate;
    private final double capacity;
    private double tokens;
    private long last;

    /**
     * A full bucket.
     *
     * @param rate tokens added per second (positive)
     * @param capacity the most tokens held (the burst; at least 1)
     * @param now the current time in nanoseconds
     */
    public TokenBucket(double rate, double capacity, long now) {
        if (!(rate > 0) || !Double.isFinite(rate) || !(capacity >= 1) || !Double.isFinite(capacity)) {
            throw new IllegalArgumentException(
                    "a token bucket needs a positive rate and a capacity of at least 1, got " + rate + ", " + capacity);
        }
        this.rate = rate;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = now;
    }

    /**
     * Takes {@code n} tokens if the bucket holds them.
     *
     * @return 0 if taken, else the nanoseconds until {@code n} tokens will be there (a request
     *     larger than the capacity waits for a full bucket and then is still refused: it is the
     *     caller's to refuse such a request outright)
     */
    public synchronized long tryTake(int n, long now) {
        refill(now);
        if (tokens >= n) {
            tokens -= n;
            return 0;
        }
        double missing = Math.min(n, capacity) - tokens;
        return Math.max(1, (long) Math.ceil(missing / rate * 1e9));
    }

    /** The tokens held now. */
    public synchronized double tokens(long now) {
        refill(now);
        return tokens;
    }

    /** The most tokens held. */
    public double capacity() {
        return capacity;
    }

    private void refill(long now) {
        if (now > last) {
            tokens = Math.min(capacity, tokens + (now - last) * 1e-9 * rate);
            last = now;
        }
    }
}
