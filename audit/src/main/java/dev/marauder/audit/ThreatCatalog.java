package dev.marauder.audit;

import dev.marauder.report.Classification;
import dev.marauder.report.Classification.Reference;
import dev.marauder.report.SummaryLine;
import java.util.List;
import java.util.Map;

/**
 * The one table that places every audit check's findings in the security field's vocabularies:
 * the MITRE ATLAS techniques a check exercises (ATLAS 5.6, github.com/mitre-atlas/atlas-data), the
 * OWASP Machine Learning Security Top 10 (2023) entries, the ATLAS mitigations that address the
 * finding and the Marauder command that applies or measures one. {@code ThreatCatalogTest} checks
 * every identifier and name against the published catalogues and that every registered check has
 * an entry.
 */
public final class ThreatCatalog {
    private ThreatCatalog() {}

    // MITRE ATLAS techniques
    static final Reference CRAFT_WHITE_BOX = new Reference("AML.T0043.000", "White-Box Optimization");
    static final Reference CRAFT_BLACK_BOX = new Reference("AML.T0043.001", "Black-Box Optimization");
    static final Reference CRAFT_TRANSFER = new Reference("AML.T0043.002", "Black-Box Transfer");
    static final Reference EVADE = new Reference("AML.T0015", "Evade AI Model");
    static final Reference MEMBERSHIP = new Reference("AML.T0024.000", "Infer Training Data Membership");
    static final Reference INVERT = new Reference("AML.T0024.001", "Invert AI Model");
    static final Reference EXTRACT = new Reference("AML.T0024.002", "Extract AI Model");
    static final Reference DATA_LEAKAGE = new Reference("AML.T0057", "LLM Data Leakage");
    static final Reference API_ACCESS = new Reference("AML.T0040", "AI Model Inference API Access");

    // MITRE ATLAS mitigations
    static final Reference OUTPUT_OBFUSCATION = new Reference("AML.M0002", "Passive AI Output Obfuscation");
    static final Reference HARDENING = new Reference("AML.M0003", "Model Hardening");
    static final Reference RESTRICT_QUERIES = new Reference("AML.M0004", "Restrict Number of AI Model Queries");
    static final Reference INPUT_RESTORATION = new Reference("AML.M0010", "Input Restoration");
    static final Reference INPUT_DETECTION = new Reference("AML.M0015", "Adversarial Input Detection");
    static final Reference ACCESS_CONTROL =
            new Reference("AML.M0019", "Control Access to AI Models and Data in Production");
    static final Reference TELEMETRY = new Reference("AML.M0024", "AI Telemetry Logging");

    // OWASP Machine Learning Security Top 10, 2023
    static final Reference INPUT_MANIPULATION = new Reference("ML01:2023", "Input Manipulation Attack");
    static final Reference MODEL_INVERSION = new Reference("ML03:2023", "Model Inversion Attack");
    static final Reference MEMBERSHIP_INFERENCE = new Reference("ML04:2023", "Membership Inference Attack");
    static final Reference MODEL_THEFT = new Reference("ML05:2023", "Model Theft");

    private static final String ADVERSARIAL_TRAINING = "marauder defend train --method pgd --eps E";
    private static final String DP_TRAINING = "marauder train --dp --epsilon-budget E";
    private static final String GATEWAY = "marauder serve --config gateway.yaml (hardened outputs, budgets, detection)";

    private static final Classification BASELINE = Classification.NONE;

    private static final Map<String, Classification> BY_CHECK = Map.ofEntries(
            Map.entry("model", BASELINE),
            Map.entry(
                    "evasion",
                    new Classification(
                            List.of(CRAFT_WHITE_BOX, EVADE),
                            List.of(INPUT_MANIPULATION),
                            List.of(HARDENING, INPUT_DETECTION),
                            ADVERSARIAL_TRAINING)),
            Map.entry(
                    "black_box_evasion",
                    new Classification(
                            List.of(CRAFT_BLACK_BOX, EVADE),
                            List.of(INPUT_MANIPULATION),
                            List.of(HARDENING, RESTRICT_QUERIES, INPUT_DETECTION),
                            GATEWAY)),
            Map.entry(
                    "membership_inference",
                    new Classification(
                            List.of(MEMBERSHIP),
                            List.of(MEMBERSHIP_INFERENCE),
                            List.of(OUTPUT_OBFUSCATION, RESTRICT_QUERIES),
                            DP_TRAINING)),
            Map.entry(
                    "privacy",
                    new Classification(List.of(MEMBERSHIP), List.of(MEMBERSHIP_INFERENCE), List.of(), DP_TRAINING)),
            Map.entry(
                    "empirical_privacy_audit",
                    new Classification(List.of(MEMBERSHIP), List.of(MEMBERSHIP_INFERENCE), List.of(), DP_TRAINING)),
            Map.entry(
                    "model_inversion",
                    new Classification(
                            List.of(INVERT),
                            List.of(MODEL_INVERSION),
                            List.of(OUTPUT_OBFUSCATION, RESTRICT_QUERIES, ACCESS_CONTROL),
                            GATEWAY)),
            Map.entry(
                    "model_extraction",
                    new Classification(
                            List.of(EXTRACT),
                            List.of(MODEL_THEFT),
                            List.of(OUTPUT_OBFUSCATION, RESTRICT_QUERIES, ACCESS_CONTROL, TELEMETRY),
                            GATEWAY)),
            Map.entry(
                    "defenses",
                    new Classification(
                            List.of(CRAFT_WHITE_BOX, EVADE),
                            List.of(INPUT_MANIPULATION),
                            List.of(HARDENING, INPUT_RESTORATION, INPUT_DETECTION),
                            ADVERSARIAL_TRAINING)),
            Map.entry(
                    "memorization",
                    new Classification(
                            List.of(DATA_LEAKAGE), List.of(MODEL_INVERSION), List.of(OUTPUT_OBFUSCATION), DP_TRAINING)),
            Map.entry(
                    "gateway",
                    new Classification(
                            List.of(API_ACCESS, EXTRACT, CRAFT_BLACK_BOX),
                            List.of(MODEL_THEFT, INPUT_MANIPULATION),
                            List.of(RESTRICT_QUERIES, ACCESS_CONTROL, TELEMETRY, OUTPUT_OBFUSCATION),
                            GATEWAY)));

    /** Whether the catalog has an entry for the check {@code id}. */
    public static boolean covers(String checkId) {
        return BY_CHECK.containsKey(checkId);
    }

    /**
     * The classification of a line of the check {@code checkId}: the check's entry, except for the
     * transfer attack's line of the black-box check (ATLAS's black-box transfer sub-technique).
     *
     * @throws IllegalArgumentException for a check the catalog does not know
     */
    public static Classification classify(String checkId, SummaryLine line) {
        Classification c = BY_CHECK.get(checkId);
        if (c == null) {
            throw new IllegalArgumentException(
                    "no threat classification for the check '" + checkId + "': add it to ThreatCatalog");
        }
        if (checkId.equals("black_box_evasion")
                && line.threat().toLowerCase(java.util.Locale.ROOT).contains("transfer")) {
            return new Classification(List.of(CRAFT_TRANSFER, EVADE), c.owasp(), c.mitigations(), c.remediation());
        }
        return c;
    }

    /** Every reference the catalog uses, for checking against the published catalogues. */
    static List<Reference> references() {
        return java.util.stream.Stream.concat(
                        BY_CHECK.values().stream()
                                .flatMap(c -> java.util.stream.Stream.of(c.atlas(), c.owasp(), c.mitigations()))
                                .flatMap(List::stream),
                        java.util.stream.Stream.of(CRAFT_TRANSFER))
                .distinct()
                .toList();
    }
}
