package dev.marauder.audit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an audit runs: immutable, validated on construction.
 *
 * @param fgsmEpsilons L-infinity budgets for the FGSM evasion section (each {@code >= 0})
 * @param attackExamples how many test examples the attacks use (the first ones of the test split)
 * @param batchSize attack batch size
 * @param gridExamples how many examples the picture grid shows
 */
public record AuditSettings(double[] fgsmEpsilons, int attackExamples, int batchSize, int gridExamples) {

    public AuditSettings {
        fgsmEpsilons = fgsmEpsilons.clone();
        if (fgsmEpsilons.length == 0) {
            throw new IllegalArgumentException("at least one FGSM epsilon is required");
        }
        for (double e : fgsmEpsilons) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("epsilon must be a finite number >= 0, got " + e);
            }
        }
        if (attackExamples < 1) {
            throw new IllegalArgumentException("attack examples must be at least 1, got " + attackExamples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (gridExamples < 0) {
            throw new IllegalArgumentException("grid examples must be >= 0, got " + gridExamples);
        }
    }

    /** Defaults for inputs in [0, 1]: FGSM at 0, 0.02, 0.05, 0.1 and 0.2 on 1,000 test images. */
    public static AuditSettings defaults() {
        return new AuditSettings(new double[] {0, 0.02, 0.05, 0.1, 0.2}, 1000, 250, 6);
    }

    @Override
    public double[] fgsmEpsilons() {
        return fgsmEpsilons.clone();
    }

    /** The settings as an ordered map for provenance. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fgsm_epsilons", Arrays.stream(fgsmEpsilons).boxed().toList());
        m.put("attack_examples", attackExamples);
        m.put("batch_size", batchSize);
        m.put("grid_examples", gridExamples);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditSettings s && Arrays.equals(fgsmEpsilons, s.fgsmEpsilons)
                && attackExamples == s.attackExamples && batchSize == s.batchSize && gridExamples == s.gridExamples;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fgsmEpsilons) + 31 * attackExamples + 17 * batchSize + gridExamples;
    }

    @Override
    public String toString() {
        return "AuditSettings" + asMap();
    }
}
