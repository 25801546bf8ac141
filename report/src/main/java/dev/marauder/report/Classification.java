package dev.marauder.report;

import java.util.List;
import java.util.Objects;

/**
 * Where a finding sits in the security field's shared vocabularies, and what to do about it: the
 * MITRE ATLAS techniques it exercises, the OWASP Machine Learning Security Top 10 entries, the ATLAS
 * mitigations that address it, and the command that applies or measures a remediation.
 *
 * @param atlas ATLAS techniques, e.g. {@code AML.T0043.000 White-Box Optimization}
 * @param owasp OWASP ML Top 10 entries, e.g. {@code ML01:2023 Input Manipulation Attack}
 * @param mitigations ATLAS mitigations, e.g. {@code AML.M0003 Model Hardening}
 * @param remediation the command that applies or measures a remediation; may be empty
 */
public record Classification(
        List<Reference> atlas, List<Reference> owasp, List<Reference> mitigations, String remediation) {
    /** No classification. */
    public static final Classification NONE = new Classification(List.of(), List.of(), List.of(), "");

    public Classification {
        atlas = List.copyOf(atlas);
        owasp = List.copyOf(owasp);
        mitigations = List.copyOf(mitigations);
        Objects.requireNonNull(remediation, "remediation");
    }

    /**
     * An entry of a catalogue.
     *
     * @param id its identifier, e.g. {@code AML.T0024.000} or {@code ML04:2023}
     * @param name its name in the catalogue
     */
    public record Reference(String id, String name) {
        public Reference {
            SummaryLine.requireNonBlank(id, "catalogue id");
            SummaryLine.requireNonBlank(name, "catalogue name of " + id);
        }

        @Override
        public String toString() {
            return id + " " + name;
        }
    }
}
