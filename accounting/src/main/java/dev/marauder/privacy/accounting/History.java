package dev.marauder.privacy.accounting;

import java.util.ArrayList;
import java.util.List;

/** The shared history bookkeeping of the accountants: validation and merging of segments. */
final class History {
    private final List<Segment> segments = new ArrayList<>();
    private long version;

    History() {}

    History(History other) {
        segments.addAll(other.segments);
    }

    /** Appends steps, merging them into the last segment when noise and rate are unchanged. */
    void add(double noiseMultiplier, double sampleRate, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        Segment s = new Segment(noiseMultiplier, sampleRate, Math.max(1, steps)); // validates
        if (steps == 0) {
            return;
        }
        int last = segments.size() - 1;
        if (last >= 0 && segments.get(last).sameMechanism(s)) {
            segments.set(last, segments.get(last).plus(steps));
        } else {
            segments.add(s);
        }
        version++;
    }

    List<Segment> segments() {
        return List.copyOf(segments);
    }

    /** Changes whenever the history does; used to invalidate cached results. */
    long version() {
        return version;
    }
}
