package dev.marauder.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How bad a finding in the report's summary table is, as decided by a documented rule (see {@link
 * SummaryLine#rule()}). The report module only shows the severity; the rules that assign it live
 * with the audit checks.
 *
 * <p>In {@code report.json} a severity is one of the stable strings {@code "high"}, {@code
 * "medium"}, {@code "low"} and {@code "not_assessed"} ({@link #key()}); the HTML shows {@link
 * #label()} styled with the CSS class {@code severity-<key with hyphens>}, e.g. {@code
 * severity-not-assessed}.
 */
public enum Severity {
    /** The threat is practical against this model at the tested budget; act on it. */
    HIGH,
    /** The threat is partly effective, or effective only at a large budget. */
    MEDIUM,
    /** The threat was tested and found ineffective at the tested budget. */
    LOW,
    /** The threat was not tested, or the test cannot support a verdict. */
    NOT_ASSESSED;

    /**
     * The stable JSON form: the constant's name in lower snake_case, e.g. {@code "not_assessed"}.
     *
     * @return the key written to {@code report.json}
     */
    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The text shown in the HTML, e.g. {@code "not assessed"}.
     *
     * @return the key with spaces for underscores
     */
    public String label() {
        return key().replace('_', ' ');
    }

    /** The CSS class of this severity's badge and table row, e.g. {@code "severity-high"}. */
    String cssClass() {
        return "severity-" + key().replace('_', '-');
    }

    /**
     * The severity whose {@link #key()} is {@code key}, so that {@code report.json} reads back.
     *
     * @param key e.g. {@code "medium"}
     * @return the severity
     * @throws IllegalArgumentException naming the key if no severity has it
     */
    @JsonCreator
    public static Severity ofKey(String key) {
        for (Severity s : values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown severity \"" + key + "\"; expected high, medium, low or not_assessed");
    }
}
