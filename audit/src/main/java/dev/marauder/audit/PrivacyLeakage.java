package dev.marauder.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the audited model gives away about its training data: membership-inference results (in the
 * JSON form of {@code marauder mia}), and a note when they could not be computed (for instance
 * because the model's training data are unknown).
 *
 * @param membership membership-inference runs, each {@link dev.marauder.attacks.inference.membership.MembershipInference.Report#asMap()}
 * @param exposure Secret Sharer runs on language models ({@code marauder exposure} JSON)
 * @param inversion MI-Face reconstructions of each class (image classifiers), or null
 * @param notes why something is missing
 */
public record PrivacyLeakage(List<Map<String, Object>> membership, List<Map<String, Object>> exposure,
        dev.marauder.attacks.inference.inversion.InversionResult inversion, List<String> notes) {

    public PrivacyLeakage {
        membership = List.copyOf(membership);
        exposure = List.copyOf(exposure);
        notes = List.copyOf(notes);
    }

    /** Nothing measured yet. */
    public static PrivacyLeakage none() {
        return new PrivacyLeakage(List.of(), List.of(), null, List.of());
    }

    /** A copy with a Secret Sharer run ({@code marauder exposure} JSON) added. */
    public PrivacyLeakage withExposure(Map<String, Object> run) {
        List<Map<String, Object>> all = new ArrayList<>(exposure);
        all.add(run);
        return new PrivacyLeakage(membership, all, inversion, notes);
    }

    /** A copy with {@code run} added. */
    public PrivacyLeakage withMembership(Map<String, Object> run) {
        List<Map<String, Object>> all = new ArrayList<>(membership);
        all.add(run);
        return new PrivacyLeakage(all, exposure, inversion, notes);
    }

    /** A copy with the model-inversion reconstructions {@code result}. */
    public PrivacyLeakage withInversion(dev.marauder.attacks.inference.inversion.InversionResult result) {
        return new PrivacyLeakage(membership, exposure, result, notes);
    }

    /** A copy with {@code note} added. */
    public PrivacyLeakage withNote(String note) {
        List<String> all = new ArrayList<>(notes);
        all.add(note);
        return new PrivacyLeakage(membership, exposure, inversion, all);
    }
}
