package dev.marauder.audit;

import java.util.List;

/**
 * The registry of audit checks: {@code marauder audit} runs every check listed here that applies to
 * the model, in this order (which is also the order of the report's sections and summary lines).
 * A new capability joins the audit by adding its {@link AuditCheck} here.
 */
public final class AuditChecks {
    private static final List<AuditCheck<?>> ALL = List.of(
            new ModelCheck(),
            new EvasionCheck(),
            new BlackBoxEvasionCheck(),
            new MembershipInferenceCheck(),
            new DifferentialPrivacyCheck(),
            new EmpiricalPrivacyAuditCheck(),
            new ModelInversionCheck(),
            new ModelExtractionCheck(),
            new DefensesCheck(),
            new MemorizationCheck(),
            new GatewayCheck());

    private AuditChecks() {}

    /** Every check, in report order. */
    public static List<AuditCheck<?>> all() {
        return ALL;
    }
}
