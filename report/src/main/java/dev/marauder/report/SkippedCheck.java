package dev.marauder.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An audit check that did not run, and why; listed in the HTML under the summary table as "Not
 * run: <i>name</i> because <i>reason</i>", and in {@code report.json} under {@code skipped} as an
 * object with the keys {@code name} and {@code reason}.
 *
 * <pre>{@code
 * new SkippedCheck("evasion (white-box)",
 *     "the model is an ONNX file, which gives no gradients (black-box access only)")
 * }</pre>
 *
 * @param name the check, as the audit names it; not blank, unique within a report
 * @param reason why it did not apply, phrased to follow "because"; not blank. Plain text
 *     (HTML-escaped on output).
 */
@JsonPropertyOrder({"name", "reason"})
public record SkippedCheck(String name, String reason) {

    /** Validates the fields. */
    public SkippedCheck {
        SummaryLine.requireNonBlank(name, "name of skipped check");
        SummaryLine.requireNonBlank(reason, "reason of skipped check \"" + name + "\"");
    }
}
