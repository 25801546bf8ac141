package dev.marauder.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.report.Classification;
import dev.marauder.report.Figure;
import dev.marauder.report.Report;
import dev.marauder.report.ReportWriter;
import dev.marauder.report.Severity;
import dev.marauder.report.SummaryLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions against a baseline report.json: by direction, with the tolerance, by check and threat. */
class BaselineComparisonTest {
    @TempDir
    Path dir;

    private static SummaryLine line(String check, String threat, Figure... figures) {
        return new SummaryLine(threat, "t", "h", Severity.LOW, "r", "marauder x", check, Classification.NONE)
                .withFigures(figures);
    }

    private Path baseline(SummaryLine... lines) {
        Report r = Report.builder("baseline").summaryLines(List.of(lines)).build();
        Path out = dir.resolve("baseline");
        ReportWriter.write(r, out);
        return out.resolve(ReportWriter.JSON_FILE);
    }

    @Test
    void worseFiguresBeyondTheToleranceAreRegressions() {
        Path b = baseline(
                line("evasion", "Evasion (white-box)", Figure.of("robust_accuracy", 0.66, false)),
                line("membership_inference", "Membership inference", Figure.of("auc", 0.55, true)),
                line("privacy", "Differential privacy (formal)", Figure.of("epsilon", 8.0, true)));
        BaselineComparison.Result r = BaselineComparison.compare(
                List.of(
                        line("evasion", "Evasion (white-box)", Figure.of("robust_accuracy", 0.03, false)),
                        line("membership_inference", "Membership inference", Figure.of("auc", 0.565, true)),
                        line("privacy", "Differential privacy (formal)", Figure.of("epsilon", 8.1, true)),
                        line("model_extraction", "Model extraction", Figure.of("best_fidelity", 1.0, true))),
                b,
                BaselineComparison.DEFAULT_TOLERANCE);
        assertThat(r.compared()).isEqualTo(3);
        assertThat(r.regressions()).isEqualTo(1);
        Figure evasion = r.lines().get(0).figures().get(0);
        assertThat(evasion.regressed()).isTrue();
        assertThat(evasion.baseline()).isEqualTo(0.66);
        // 0.015 worse AUC and 1.25% worse epsilon are within the tolerance
        assertThat(r.lines().get(1).regressed()).isFalse();
        assertThat(r.lines().get(2).regressed()).isFalse();
        // not in the baseline: not compared
        assertThat(r.lines().get(3).figures().get(0).baseline()).isNull();
    }

    @Test
    void improvementsAndInfiniteEpsilonsAreHandled() {
        Path b = baseline(
                line("privacy", "Differential privacy (formal)", Figure.of("epsilon", Double.POSITIVE_INFINITY, true)));
        BaselineComparison.Result better = BaselineComparison.compare(
                List.of(line("privacy", "Differential privacy (formal)", Figure.of("epsilon", 3.0, true))), b, 0.02);
        assertThat(better.regressions()).isZero();
        Path finite = baseline(line("privacy", "Differential privacy (formal)", Figure.of("epsilon", 3.0, true)));
        BaselineComparison.Result worse = BaselineComparison.compare(
                List.of(line(
                        "privacy",
                        "Differential privacy (formal)",
                        Figure.of("epsilon", Double.POSITIVE_INFINITY, true))),
                finite,
                0.02);
        assertThat(worse.regressions()).isEqualTo(1);
    }

    @Test
    void aFileThatIsNotAReportIsRefusedWithItsName() throws Exception {
        Path bad = Files.writeString(dir.resolve("x.json"), "{\"a\": 1}");
        assertThatThrownBy(() -> BaselineComparison.requireReadable(bad))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(bad.toString());
        assertThatThrownBy(() -> BaselineComparison.compare(List.of(), bad, -1)).hasMessageContaining("tolerance");
    }
}
