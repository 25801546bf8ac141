package dev.marauder.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the audited model gives away about its training data: membership-inference results (in the
 * JSON form of {@code marauder mia}), and a note when they could not be computed (for instance
 * because the model's training data are unknown).
 *
 * @param membership membership-inference runs, each {@link dev.marauder.privacy.membership.MembershipInference.Report#asMap()}
 * @param notes why something is missing
 */
public record PrivacyLeakage(List<Map<String, Object>> membership, List<String> notes) {

    public PrivacyLeakage {
        membership = List.copyOf(membership);
        notes = List.copyOf(notes);
    }

    /** Nothing measured yet. */
    public static PrivacyLeakage none() {
        return new PrivacyLeakage(List.of(), List.of());
    }

    /** A copy with {@code run} added. */
    public PrivacyLeakage withMembership(Map<String, Object> run) {
        List<Map<String, Object>> all = new ArrayList<>(membership);
        all.add(run);
        return new PrivacyLeakage(all, notes);
    }

    /** A copy with {@code note} added. */
    public PrivacyLeakage withNote(String note) {
        List<String> all = new ArrayList<>(notes);
        all.add(note);
        return new PrivacyLeakage(membership, all);
    }
}
