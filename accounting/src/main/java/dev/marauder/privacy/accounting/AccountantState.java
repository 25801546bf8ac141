package dev.marauder.privacy.accounting;

import java.util.List;
import java.util.Locale;

/**
 * What an accountant knows, as a value that serialises to JSON (with the project's mapper:
 * {@code {"accountant": "rdp", "history": [{"noise_multiplier": 1.1, "sample_rate": 0.01,
 * "steps": 600}, ...]}}): its kind and the steps it has recorded. Saved with a training run, it
 * lets the run be resumed (restore, then keep stepping) or its accounting be replayed and checked
 * by anyone, with either accountant (Opacus's accountants keep the same state: their history).
 *
 * @param accountant the accountant's kind, {@code "rdp"} or {@code "pld"}
 * @param history the recorded segments, oldest first
 */
public record AccountantState(String accountant, List<Segment> history) {

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException for an unknown accountant or a missing history
     */
    public AccountantState {
        if (accountant == null || !List.of("rdp", "pld").contains(accountant.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("accountant must be rdp or pld, got " + accountant);
        }
        if (history == null || history.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("an accountant state needs its history (a list of segments)");
        }
        history = List.copyOf(history);
    }

    /** A new accountant of the saved kind (default settings) with the saved history replayed. */
    public PrivacyAccountant restore() {
        return replay(AccountantType.valueOf(accountant.toUpperCase(Locale.ROOT)));
    }

    /** A new accountant of {@code type} with the saved history replayed, e.g. to check RDP's result with PLD. */
    public PrivacyAccountant replay(AccountantType type) {
        PrivacyAccountant a = type.newAccountant();
        for (Segment s : history) {
            a.step(s.noiseMultiplier(), s.sampleRate(), s.steps());
        }
        return a;
    }
}
