package dev.marauder.audit;

import dev.marauder.core.progress.Progress;
import dev.marauder.report.Chart;
import dev.marauder.report.Figure;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Memorization (Carlini et al. 2019, The Secret Sharer): random canaries inserted into a language
 * model's training text, and how highly the trained model ranks them among all candidate secrets.
 * The runs train their own language model, so they are made with {@code marauder exposure --out
 * FILE} and given to the audit with {@code --exposure}; the check applies when any is given.
 */
public final class MemorizationCheck implements AuditCheck<MemorizationCheck.Result> {

    /**
     * The Secret Sharer runs.
     *
     * @param exposure each run, in the order given
     * @param command the command that produces such a run
     */
    public record Result(List<ExposureRun> exposure, String command) {

        /** Copies the list. */
        public Result {
            exposure = List.copyOf(exposure);
        }
    }

    @Override
    public String id() {
        return "memorization";
    }

    @Override
    public String name() {
        return "memorization";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (!context.exposureRuns().isEmpty()) {
            return Applicability.yes();
        }
        return Applicability.no("no canary-exposure result was given; run 'marauder exposure --out FILE' (it trains a"
                + " language model with inserted canaries) and pass its result with --exposure FILE");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        return new Result(
                context.exposureRuns(),
                "marauder exposure --format 'my pin is NNN' --repetitions 1,4,16,64" + " --out exposure.json");
    }

    private static String label(int run, ExposureRun r) {
        return r.privacy() == null
                ? "run " + run + ": no DP"
                : String.format(
                        Locale.ROOT,
                        "run %d: DP-SGD, epsilon %.3g",
                        run,
                        r.privacy().epsilon());
    }

    @Override
    public ReportSection section(Result result) {
        Section.Builder s = Section.builder(id(), "Memorization");
        s.paragraph("Memorisation (Carlini et al. 2019, The Secret Sharer): random canaries inserted into the training"
                + " text a given number of times. Exposure is log2 of the number of candidate secrets minus log2 of the"
                + " canary's rank among them by model likelihood; the maximum means the model ranks the secret first.");
        Chart.Builder chart = Chart.builder("Canary exposure vs. repetitions")
                .xAxis("insertions")
                .yAxis("exposure (bits)")
                .logX();
        List<List<Object>> rows = new ArrayList<>();
        int run = 0;
        for (ExposureRun r : result.exposure()) {
            run++;
            String label = label(run, r);
            double[] x = r.meanExposureByRepetitions().keySet().stream()
                    .mapToDouble(Integer::doubleValue)
                    .toArray();
            double[] y = r.meanExposureByRepetitions().values().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            chart.line(label, x, y);
            rows.add(Arrays.asList(
                    label,
                    r.meanExposureByRepetitions().toString(),
                    r.maxExposure(),
                    r.extracted() + " of " + r.canaries().size()));
        }
        s.table(List.of("run", "mean exposure by insertions", "maximum exposure", "secrets extracted"), rows);
        s.chart("exposure_vs_repetitions", chart.build());
        s.data(result);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result result) {
        List<SummaryLine> lines = new ArrayList<>();
        int run = 0;
        for (ExposureRun r : result.exposure()) {
            run++;
            String tried = String.format(
                    Locale.ROOT, "Secret Sharer, %d canaries, %s", r.canaries().size(), label(run, r));
            String headline = String.format(
                    Locale.ROOT,
                    "highest exposure %.2f of %.2f bits; %d of %d secrets extracted",
                    r.highestExposure(),
                    r.maxExposure(),
                    r.extracted(),
                    r.canaries().size());
            lines.add(new SummaryLine(
                            "Memorization (language model)",
                            tried,
                            headline,
                            SeverityRules.memorization(r.extracted(), r.highestExposure(), r.maxExposure()),
                            SeverityRules.MEMORIZATION,
                            result.command())
                    .withFigures(
                            Figure.of("highest_exposure", r.highestExposure(), true),
                            Figure.of("secrets_extracted", r.extracted(), true)));
        }
        return lines;
    }
}
