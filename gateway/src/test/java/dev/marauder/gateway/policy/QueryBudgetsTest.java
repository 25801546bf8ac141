package dev.marauder.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Quotas and token buckets on a clock the test moves by hand. */
class QueryBudgetsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final Principal alice = new Principal("alice", Role.CLIENT);
    private final Principal bob = new Principal("bob", Role.CLIENT);
    private final Principal owner = new Principal("olga", Role.OWNER);

    @Test
    void theRateLimitRefusesABurstAndSaysWhenToRetry() {
        QueryBudgets b =
                new QueryBudgets(Map.of(Role.CLIENT, new Budget(Long.MAX_VALUE, Duration.ofDays(1), 2, 4)), now::get);
        for (int i = 0; i < 4; i++) {
            assertThat(b.charge(alice, 1)).isInstanceOf(QueryBudgets.Charge.Accepted.class);
        }
        QueryBudgets.Charge refused = b.charge(alice, 1);
        assertThat(refused).isInstanceOf(QueryBudgets.Charge.Refused.class);
        assertThat(((QueryBudgets.Charge.Refused) refused).retryAfterSeconds()).isEqualTo(1);
        assertThat(b.charge(bob, 1)).isInstanceOf(QueryBudgets.Charge.Accepted.class); // per principal
        now.addAndGet(SECOND / 2); // one token back at 2 per second
        assertThat(b.charge(alice, 1)).isInstanceOf(QueryBudgets.Charge.Accepted.class);
        assertThat(b.charge(alice, 1)).isInstanceOf(QueryBudgets.Charge.Refused.class);
        assertThat(b.charge(alice, 5))
                .isInstanceOfSatisfying(
                        QueryBudgets.Charge.Refused.class,
                        r -> assertThat(r.reason()).contains("larger than the burst"));
    }

    @Test
    void theQuotaCountsExamplesPerWindowAndResets() {
        QueryBudgets b = new QueryBudgets(
                Map.of(Role.CLIENT, new Budget(10, Duration.ofSeconds(60), Double.POSITIVE_INFINITY, 1)), now::get);
        assertThat(b.charge(alice, 6)).isEqualTo(new QueryBudgets.Charge.Accepted(6, 10));
        QueryBudgets.Charge refused = b.charge(alice, 5);
        assertThat(refused).isInstanceOfSatisfying(QueryBudgets.Charge.Refused.class, r -> {
            assertThat(r.reason()).contains("6 of 10");
            assertThat(r.retryAfterSeconds()).isEqualTo(60);
        });
        assertThat(b.charge(alice, 4)).isEqualTo(new QueryBudgets.Charge.Accepted(10, 10)); // a refusal costs nothing
        now.addAndGet(59 * SECOND);
        assertThat(b.charge(alice, 1))
                .isInstanceOfSatisfying(
                        QueryBudgets.Charge.Refused.class,
                        r -> assertThat(r.retryAfterSeconds()).isEqualTo(1));
        now.addAndGet(SECOND);
        assertThat(b.charge(alice, 1)).isEqualTo(new QueryBudgets.Charge.Accepted(1, 10));
        assertThat(b.used("alice")).isEqualTo(1);
    }

    @Test
    void aRoleWithoutBudgetIsUnlimited() {
        QueryBudgets b = new QueryBudgets(
                Map.of(Role.CLIENT, new Budget(1, Duration.ofSeconds(60), Double.POSITIVE_INFINITY, 1)), now::get);
        for (int i = 0; i < 100; i++) {
            assertThat(b.charge(owner, 1000)).isInstanceOf(QueryBudgets.Charge.Accepted.class);
        }
    }

    @Test
    void theTokenBucketRefillsAtItsRateUpToItsCapacity() {
        TokenBucket t = new TokenBucket(10, 5, 0);
        assertThat(t.tryTake(5, 0)).isZero();
        assertThat(t.tryTake(1, 0)).isEqualTo(100_000_000L);
        assertThat(t.tokens(SECOND)).isEqualTo(5.0); // capped
        assertThat(t.tryTake(3, SECOND)).isZero();
        assertThat(t.tokens(SECOND)).isEqualTo(2.0);
    }
}
