package dev.marauder.gateway.policy;

import dev.marauder.gateway.auth.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Charges every principal's queries against its role's {@link Budget}: a batch larger than the
 * bucket's burst is refused outright; then the quota (a request that would take the window's count
 * beyond the quota is refused with the wait until the window ends); then the rate limit (a request
 * the bucket cannot pay for is refused with the wait until it can). A refused request costs nothing. Counts live in memory, per server run. Thread-safe.
 */
public final class QueryBudgets {
    private final Map<dev.marauder.gateway.auth.Role, Budget> budgets;
    private final LongSupplier clock;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    /** The outcome of a charge. */
    public sealed interface Charge {
        /** Charged: {@code used} of {@code limit} examples in the current window (limit -1: no quota). */
        record Accepted(long used, long limit) implements Charge {}

        /** Refused: why, and after how many seconds to retry (at least 1). */
        record Refused(String reason, long retryAfterSeconds) implements Charge {}
    }

    /**
     * Budgets per role, on {@code clock} (nanoseconds; {@link System#nanoTime} in a server).
     *
     * @param budgets each role's budget; a role not listed is unlimited
     */
    public QueryBudgets(Map<dev.marauder.gateway.auth.Role, Budget> budgets, LongSupplier clock) {
        this.budgets = Map.copyOf(budgets);
        this.clock = clock;
    }

    /** Charges {@code n} examples to {@code principal}. */
    public Charge charge(Principal principal, int n) {
        Budget b = budgets.getOrDefault(principal.role(), Budget.UNLIMITED);
        if (!b.hasQuota() && !b.hasRate()) {
            return new Charge.Accepted(0, -1);
        }
        long now = clock.getAsLong();
        Account a = accounts.computeIfAbsent(principal.name(), k -> new Account(b, now));
        return a.charge(b, n, now);
    }

    /** Examples charged to {@code principal} in its current window. */
    public long used(String principal) {
        Account a = accounts.get(principal);
        return a == null ? 0 : a.used();
    }

    private static final class Account {
        private final TokenBucket bucket;
        private long windowStart;
        private long used;

        Account(Budget b, long now) {
            this.bucket = b.hasRate() ? new TokenBucket(b.rate(), b.burst(), now) : null;
            this.windowStart = now;
        }

        synchronized long used() {
            return used;
        }

        synchronized Charge charge(Budget b, int n, long now) {
            if (bucket != null && n > bucket.capacity()) {
                return new Charge.Refused(
                        "a batch of " + n + " examples is larger than the burst of " + (long) bucket.capacity()
                                + " this principal may send at once; send smaller batches",
                        1);
            }
            long windowNanos = b.window().toNanos();
            if (now - windowStart >= windowNanos) {
                windowStart += (now - windowStart) / windowNanos * windowNanos;
                used = 0;
            }
            if (b.hasQuota() && used + n > b.maxQueries()) {
                long left = windowNanos - (now - windowStart);
                return new Charge.Refused(
                        "query budget spent: " + used + " of " + b.maxQueries() + " examples used in this window of "
                                + b.window().toSeconds() + " s",
                        Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
            }
            if (bucket != null) {
                long wait = bucket.tryTake(n, now);
                if (wait > 0) {
                    return new Charge.Refused(
                            "rate limit: at most " + b.rate() + " examples per second (bursts of " + (long) b.burst()
                                    + ")",
                            Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
                }
            }
            used += n;
            return new Charge.Accepted(used, b.hasQuota() ? b.maxQueries() : -1);
        }
    }
}
