package dev.marauder.gateway.policy;

import java.time.Duration;

/**
 * How much a principal of a role may query: at most {@code maxQueries} examples per {@code
 * window} (a quota, the first window starting at the principal's first query), at a sustained
 * {@code rate} of examples per second with bursts of up to {@code burst} (a token bucket). Every
 * example of a batch counts. Either limit may be off: {@link #UNLIMITED} quota or rate.
 *
 * @param maxQueries examples per window, or {@link Long#MAX_VALUE} for no quota
 * @param window the quota's window
 * @param rate examples per second, or {@link Double#POSITIVE_INFINITY} for no rate limit
 * @param burst the token bucket's capacity (at least the largest batch a client sends)
 */
public record Budget(long maxQueries, Duration window, double rate, double burst) {
    /** No quota and no rate limit. */
    public static final Budget UNLIMITED = new Budget(Long.MAX_VALUE, Duration.ofDays(1), Double.POSITIVE_INFINITY, 1);

    public Budget {
        if (maxQueries < 1) {
            throw new IllegalArgumentException("a query budget must allow at least 1 query, got " + maxQueries);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a budget's window must be positive, got " + window);
        }
        if (!(rate > 0) || Double.isNaN(rate)) {
            throw new IllegalArgumentException("a rate limit must be positive, got " + rate);
        }
        if (!(burst >= 1) || !Double.isFinite(burst)) {
            throw new IllegalArgumentException("a burst must be at least 1, got " + burst);
        }
    }

    /** Whether there is a quota. */
    public boolean hasQuota() {
        return maxQueries != Long.MAX_VALUE;
    }

    /** Whether there is a rate limit. */
    public boolean hasRate() {
        return rate != Double.POSITIVE_INFINITY;
    }
}
