package dev.marauder.privacy.accounting;

import java.util.Locale;
import java.util.function.Supplier;

/** The accounting methods, by the names used on the command line and in results. */
public enum AccountantType {
    /** Rényi DP of the sampled Gaussian mechanism (Mironov, Talwar and Zhang 2019): {@link RdpAccountant}. */
    RDP(RdpAccountant::new),
    /** Privacy loss distributions (Koskela et al. 2020, Doroshenko et al. 2022): {@link PldAccountant}. */
    PLD(PldAccountant::new);

    private final Supplier<PrivacyAccountant> factory;

    AccountantType(Supplier<PrivacyAccountant> factory) {
        this.factory = factory;
    }

    /** A new, empty accountant of this type with default settings. */
    public PrivacyAccountant newAccountant() {
        return factory.get();
    }

    /** The lower-case name, as in {@link PrivacyAccountant#mechanism()}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
