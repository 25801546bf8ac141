package dev.marauder.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One line of the verdict table at the top of a {@link Report}: one threat, what was run against
 * it, the headline number, a severity and the rule that produced it, and the command that
 * reproduces the finding. It is written to {@code report.json} under {@code summary} as an object
 * with the keys {@code threat}, {@code tried}, {@code headline}, {@code severity}, {@code rule} and
 * {@code command}, and shown in the HTML before every section.
 *
 * <pre>{@code
 * new SummaryLine(
 *     "Evasion (white-box)",
 *     "PGD-20 L-inf, eps 0.1, 1000 test images",
 *     "robust accuracy 0.03 at eps 0.1 (clean 0.99)",
 *     Severity.HIGH,
 *     "high if robust accuracy < 0.5 x clean accuracy at the stated budget",
 *     "marauder attack pgd --model m --data test.csv --eps 0.1 --steps 20")
 * }</pre>
 *
 * <p>All fields are plain text (HTML-escaped on output).
 *
 * @param threat the threat as a reader names it, e.g. {@code "Membership inference"}; not blank
 * @param tried what was run, with its budget, e.g. {@code "LiRA, 64 shadow models"}; may be empty
 *     when nothing was run (then the severity is usually {@link Severity#NOT_ASSESSED})
 * @param headline the number and what it means, e.g. {@code "TPR 0.075 at 0.1% FPR"}; not blank
 * @param severity the verdict
 * @param rule the documented rule that turned the headline into the severity, e.g. {@code "high if
 *     TPR at 0.1% FPR > 10x the FPR"}; not blank
 * @param command the marauder command line that reproduces the finding; may be empty
 * @param check the id of the check that produced the line (the rule id of SARIF output); may be
 *     empty
 * @param classification the ATLAS techniques and mitigations, the OWASP ML Top 10 entries and the
 *     remediation of the finding ({@link Classification#NONE} when unclassified)
 * @param figures the headline numbers in machine-readable form, compared with a baseline audit's
 *     when one is given; may be empty
 */
@JsonPropertyOrder({"threat", "tried", "headline", "severity", "rule", "command", "check", "classification", "figures"})
public record SummaryLine(
        String threat,
        String tried,
        String headline,
        Severity severity,
        String rule,
        String command,
        String check,
        Classification classification,
        java.util.List<Figure> figures) {

    /** A line not yet attributed to a check nor classified, without figures. */
    public SummaryLine(String threat, String tried, String headline, Severity severity, String rule, String command) {
        this(threat, tried, headline, severity, rule, command, "", Classification.NONE, java.util.List.of());
    }

    /** A line attributed to {@code check} and classified, without figures. */
    public SummaryLine(
            String threat,
            String tried,
            String headline,
            Severity severity,
            String rule,
            String command,
            String check,
            Classification classification) {
        this(threat, tried, headline, severity, rule, command, check, classification, java.util.List.of());
    }

    /** This line, attributed to {@code checkId} and classified. */
    public SummaryLine attributed(String checkId, Classification c) {
        return new SummaryLine(threat, tried, headline, severity, rule, command, checkId, c, figures);
    }

    /** This line with {@code newFigures} as its figures. */
    public SummaryLine withFigures(Figure... newFigures) {
        return withFigures(java.util.List.of(newFigures));
    }

    /** This line with {@code newFigures} as its figures. */
    public SummaryLine withFigures(java.util.List<Figure> newFigures) {
        return new SummaryLine(threat, tried, headline, severity, rule, command, check, classification, newFigures);
    }

    /** Whether any figure regressed against the baseline. */
    public boolean regressed() {
        return figures.stream().anyMatch(Figure::regressed);
    }

    /** Validates the fields. */
    public SummaryLine {
        requireNonBlank(threat, "threat");
        Objects.requireNonNull(tried, () -> "tried of summary line \"" + threat + "\"");
        requireNonBlank(headline, "headline of summary line \"" + threat + "\"");
        Objects.requireNonNull(severity, () -> "severity of summary line \"" + threat + "\"");
        requireNonBlank(rule, "rule of summary line \"" + threat + "\"");
        Objects.requireNonNull(command, () -> "command of summary line \"" + threat + "\"");
        Objects.requireNonNull(check, () -> "check of summary line \"" + threat + "\"");
        Objects.requireNonNull(classification, () -> "classification of summary line \"" + threat + "\"");
        figures = java.util.List.copyOf(figures);
    }

    static String requireNonBlank(String text, String what) {
        Objects.requireNonNull(text, what);
        if (text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank, got \"" + text + "\"");
        }
        return text;
    }
}
