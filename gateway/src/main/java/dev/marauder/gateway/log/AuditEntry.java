package dev.marauder.gateway.log;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway records for one request, before the {@link AuditLog} gives it a sequence number
 * and chains it.
 *
 * <p>The constructor makes the entry exactly storable, so that the record read back from SQLite or
 * PostgreSQL equals this entry and its hash verifies after the round trip: {@code time} is cut to
 * whole microseconds; {@code null} optional texts become {@code ""} and {@code null} decisions an
 * empty list; a NUL character (which PostgreSQL's {@code text} cannot hold) and an unpaired
 * surrogate (which UTF-8 cannot encode) are recorded as U+FFFD.
 *
 * @param time when the request arrived (microsecond precision)
 * @param principal who asked: {@code "anonymous"} when authentication is off, {@code "-"} when the
 *     request was not authenticated
 * @param method the HTTP method
 * @param path the request path
 * @param status the HTTP status returned
 * @param inputSha256 the SHA-256 of the input, in hex, or {@code ""} when the request had no
 *     readable input
 * @param inputSketch a compact JSON sketch of the input, may be {@code ""}
 * @param output the JSON text of what was returned (scores or an error), may be {@code ""}
 * @param decisions the policy decisions in the order taken, e.g. {@code "auth:ok"}, {@code
 *     "budget:ok 12/1000"}, {@code "admission:refused confidence 0.31 < 0.5"}
 * @param latencyMicros the time the gateway took to answer, in microseconds
 */
public record AuditEntry(
        Instant time,
        String principal,
        String method,
        String path,
        int status,
        String inputSha256,
        String inputSketch,
        String output,
        List<String> decisions,
        long latencyMicros) {
    /** The earliest and latest times that fit in a signed 64-bit count of microseconds. */
    private static final Instant MIN_TIME = Instant.ofEpochSecond(Long.MIN_VALUE / 1_000_000L + 1);

    private static final Instant MAX_TIME = Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000L - 1);

    public AuditEntry {
        Objects.requireNonNull(time, "time");
        if (time.isBefore(MIN_TIME) || time.isAfter(MAX_TIME)) {
            throw new IllegalArgumentException("an audit time must fit in 64-bit epoch microseconds, got " + time);
        }
        time = time.truncatedTo(ChronoUnit.MICROS);
        principal = storable(Objects.requireNonNull(principal, "principal"));
        method = storable(Objects.requireNonNull(method, "method"));
        path = storable(Objects.requireNonNull(path, "path"));
        inputSha256 = storable(inputSha256 == null ? "" : inputSha256);
        inputSketch = storable(inputSketch == null ? "" : inputSketch);
        output = storable(output == null ? "" : output);
        if (decisions == null) {
            decisions = List.of();
        } else {
            List<String> copy = new ArrayList<>(decisions.size());
            for (String d : decisions) {
                copy.add(storable(Objects.requireNonNull(d, "a decision")));
            }
            decisions = List.copyOf(copy);
        }
    }

    /** {@link #time()} as microseconds since the epoch, as stored and hashed. */
    public long timeMicros() {
        return micros(time);
    }

    /** {@code t} as whole microseconds since the epoch. */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** The instant {@code micros} microseconds after the epoch. */
    static Instant instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** {@code s} with NUL and unpaired surrogates replaced by U+FFFD (usually {@code s} itself). */
    static String storable(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                b.append('\uFFFD');
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
