package dev.marauder.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.report.Figure;
import dev.marauder.report.SummaryLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares an audit with an earlier one of the same model family (its {@code report.json}): each
 * summary line is matched by its check and threat, each of its figures by name, and a figure worse
 * than the baseline's by more than the tolerance is a regression ({@link Figure#comparedWith}):
 * robust accuracy lower, membership AUC or TPR at low FPR higher, epsilon higher, extraction
 * fidelity higher. Lines or figures the baseline does not have are left uncompared.
 */
public final class BaselineComparison {
    private BaselineComparison() {}

    /** The default tolerance: 0.02 for rates and accuracies, 2% of larger figures. */
    public static final double DEFAULT_TOLERANCE = 0.02;

    /**
     * The outcome.
     *
     * @param lines the summary lines with every matched figure compared
     * @param compared figures compared
     * @param regressions figures that regressed
     * @param baseline the baseline report
     */
    public record Result(List<SummaryLine> lines, int compared, int regressions, Path baseline) {}

    /**
     * Compares {@code current} with the summary of the report in {@code baselineJson}.
     *
     * @throws DataFormatException naming the file if it is not a Marauder report
     */
    public static Result compare(List<SummaryLine> current, Path baselineJson, double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("the regression tolerance must be a number >= 0, got " + tolerance);
        }
        Map<String, Map<String, Double>> baseline = read(baselineJson);
        List<SummaryLine> lines = new ArrayList<>();
        int compared = 0;
        int regressions = 0;
        for (SummaryLine line : current) {
            Map<String, Double> before = baseline.get(key(line.check(), line.threat()));
            if (before == null || line.figures().isEmpty()) {
                lines.add(line);
                continue;
            }
            List<Figure> figures = new ArrayList<>();
            for (Figure f : line.figures()) {
                Double b = before.get(f.name());
                if (b == null) {
                    figures.add(f);
                    continue;
                }
                Figure c = f.comparedWith(b, tolerance);
                compared++;
                regressions += c.regressed() ? 1 : 0;
                figures.add(c);
            }
            lines.add(line.withFigures(figures));
        }
        return new Result(List.copyOf(lines), compared, regressions, baselineJson);
    }

    /**
     * Checks that {@code file} is a readable Marauder report, before an audit's long work.
     *
     * @throws DataFormatException naming the file if not
     */
    public static void requireReadable(Path file) {
        read(file);
    }

    private static String key(String check, String threat) {
        return check + "\u0000" + threat;
    }

    private static Map<String, Map<String, Double>> read(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > (64L << 20)) {
                throw new DataFormatException(file, "is larger than 64 MiB; not a Marauder report.json");
            }
            root = dev.marauder.core.json.Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read the baseline report (" + e.getMessage() + ")", e);
        }
        JsonNode summary = root == null ? null : root.get("summary");
        if (summary == null || !summary.isArray()) {
            throw new DataFormatException(file, "is not a Marauder report.json (no summary)");
        }
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (JsonNode line : summary) {
            Map<String, Double> figures = new HashMap<>();
            for (JsonNode f : line.path("figures")) {
                JsonNode v = f.get("value");
                if (f.hasNonNull("name") && v != null && (v.isNumber() || v.isTextual())) {
                    try {
                        figures.put(
                                f.get("name").asText(), v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(
                                file, "figure " + f.get("name").asText() + " is not a number");
                    }
                }
            }
            out.put(key(line.path("check").asText(""), line.path("threat").asText("")), figures);
        }
        return out;
    }
}
