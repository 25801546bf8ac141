package dev.marauder.core.model;

/**
 * What a policy layer in front of a remote model (such as {@code marauder serve --config}, the
 * secure prediction gateway) let through, as its answers said: the output hardening it applied
 * ({@code X-Marauder-Output}), the budget use it reported ({@code X-Marauder-Budget}, {@code
 * used/limit}), the alerts it raised on this client ({@code X-Marauder-Alerts}), and how many
 * requests it refused: rate or budget limits (429), forbidden or blocked (403), refused
 * predictions (422).
 *
 * @param gateway whether any answer carried the gateway's headers
 * @param output the last output hardening reported, or "" if none
 * @param budget the last budget use reported, or "" if none
 * @param alerts the most alerts reported on this client
 * @param limited requests answered 429 (each retry counts)
 * @param forbidden requests answered 403
 * @param refused requests answered 422
 * @param requests HTTP requests sent in all
 */
public record ServingPolicy(
        boolean gateway,
        String output,
        String budget,
        long alerts,
        long limited,
        long forbidden,
        long refused,
        long requests) {}
