package dev.marauder.audit;

import dev.marauder.attacks.extraction.EquationSolvingExtraction;
import dev.marauder.attacks.extraction.ExtractionResult;
import dev.marauder.attacks.extraction.Fidelity;
import dev.marauder.attacks.extraction.LearningExtraction;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
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
 * Model extraction (Tramer et al. 2016, "Stealing Machine Learning Models via Prediction APIs"): how
 * many black-box queries does a stolen copy that agrees with the model on {@value #TARGET_FIDELITY}
 * of the test inputs cost? Applies to every model that returns confidences (logits or
 * probabilities); a label-only model is skipped (steal it with {@code marauder extract --kind
 * learning --label-only}).
 *
 * <p>The check first solves for a logistic regression from {@code d + 1} uniform random queries
 * ({@link EquationSolvingExtraction}): exact for a logistic-regression model, and a cheap first
 * try for any other. If that copy falls short and the input is small (at most
 * {@value #LEARNING_MAX_FEATURES} values, e.g. a table), it trains MLP substitutes on the
 * confidences of adaptively chosen queries ({@link LearningExtraction}) with budgets of 10 and
 * 100 times {@code d + 1}. Larger inputs (images) are left to {@code marauder extract --kind
 * learning}, which an audit cannot afford to run on every model. Fidelity is the share of the test
 * inputs on which the copy predicts the model's label.
 */
public final class ModelExtractionCheck implements AuditCheck<ModelExtractionCheck.Result> {
    /** The fidelity an extraction must reach to count. */
    public static final double TARGET_FIDELITY = 0.99;
    /** Inputs of at most this many values also get the learning-based attempts. */
    public static final int LEARNING_MAX_FEATURES = 100;
    /** Uniform random inputs on which fidelity is also measured. */
    static final int UNIFORM = 2000;

    /**
     * One extraction attempt.
     *
     * @param method {@code equation-solving} or {@code learning}
     * @param architecture the stolen copy's architecture
     * @param queries queries spent
     * @param fidelityTest agreement with the model on the test inputs
     * @param fidelityUniform agreement on uniform random inputs within the input bounds
     * @param seconds wall-clock time of the attack
     */
    public record Attempt(
            String method,
            String architecture,
            long queries,
            double fidelityTest,
            double fidelityUniform,
            double seconds) {}

    /**
     * The attempts, cheapest first.
     *
     * @param features input values {@code d} of one example
     * @param testExamples test inputs fidelity was measured on
     * @param attempts the attempts made (they stop at the first that reaches the target fidelity)
     * @param queriesToTarget queries of the first attempt that reached {@value #TARGET_FIDELITY}
     *     test fidelity, or null if none did
     * @param command the {@code marauder extract} command that reproduces the decisive attempt
     */
    public record Result(int features, int testExamples, List<Attempt> attempts, Long queriesToTarget, String command) {

        /** Copies the list. */
        public Result {
            attempts = List.copyOf(attempts);
        }

        /** The highest test fidelity of any attempt, NaN without attempts. */
        public double bestFidelity() {
            return attempts.stream().mapToDouble(Attempt::fidelityTest).max().orElse(Double.NaN);
        }
    }

    @Override
    public String id() {
        return "model_extraction";
    }

    @Override
    public String name() {
        return "model extraction";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.model().outputKind() == OutputKind.LABELS) {
            return Applicability.no("the model returns labels only, and the audit's extraction solves for and learns"
                    + " from confidences; run 'marauder extract --kind learning --label-only'");
        }
        return Applicability.yes();
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        Classifier model = context.model();
        LabeledData test = context.test();
        int d = model.inputSpec().size();
        List<Attempt> attempts = new ArrayList<>();
        String base = "marauder extract --target " + context.modelArgument() + " " + context.dataArguments();
        String command = base + " --kind equation --out extract.json";
        Attempt equation;
        try (ExtractionResult r = EquationSolvingExtraction.minimal().extract(model)) {
            equation = attempt(r, model, test);
        }
        attempts.add(equation);
        Long reached = equation.fidelityTest() >= TARGET_FIDELITY ? equation.queries() : null;
        if (reached == null && d <= LEARNING_MAX_FEATURES) {
            for (int multiple : new int[] {10, 100}) {
                int budget = multiple * (d + 1);
                LearningExtraction learning = new LearningExtraction(
                        Architecture.MLP,
                        budget,
                        LearningExtraction.Strategy.ADAPTIVE,
                        5,
                        new AdamTrainer(50, 32, 0.01, 0),
                        0);
                Attempt a;
                try (ExtractionResult r = learning.extract(model, progress)) {
                    a = attempt(r, model, test);
                }
                attempts.add(a);
                command = base + " --kind learning --arch mlp --budget " + budget + " --out extract.json";
                if (a.fidelityTest() >= TARGET_FIDELITY) {
                    reached = a.queries();
                    break;
                }
            }
        }
        return new Result(d, test.size(), attempts, reached, command);
    }

    private static Attempt attempt(ExtractionResult r, Classifier model, LabeledData test) {
        Fidelity f = Fidelity.measure(model, r.stolen(), test, UNIFORM, 0);
        return new Attempt(r.technique(), r.architecture(), r.queries(), f.test(), f.uniform(), r.seconds());
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Model extraction");
        s.paragraph("Model extraction (Tramer et al. 2016): an attacker who can query the model builds a copy that"
                + " predicts like it, stealing a paid-for or confidential model and gaining a white-box stand-in for"
                + " evasion and privacy attacks. Equation-solving reads a logistic regression's weights off d + 1"
                + " confidence vectors; learning-based extraction trains a substitute on the model's answers. Fidelity"
                + " is the share of inputs on which the copy predicts the model's label. Rounding confidences or"
                + " returning labels only raises the cost (see 'marauder extract --round K' and '--label-only').");
        List<List<Object>> rows = new ArrayList<>();
        for (Attempt a : r.attempts()) {
            rows.add(Arrays.asList(
                    a.method(), a.architecture(), a.queries(), a.fidelityTest(), a.fidelityUniform(), a.seconds()));
        }
        s.table(
                List.of("method", "stolen architecture", "queries", "test fidelity", "uniform fidelity", "seconds"),
                rows);
        if (r.queriesToTarget() == null && r.features() > LEARNING_MAX_FEATURES) {
            s.note(String.format(
                    Locale.ROOT,
                    "Inputs of %d values: the audit tries equation-solving only; learning-based extraction"
                            + " ('marauder extract --kind learning') may reach the target fidelity at a higher cost.",
                    r.features()));
        }
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        String tried = r.attempts().stream()
                .map(a -> String.format(Locale.ROOT, "%s (%d queries)", a.method(), a.queries()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("nothing");
        String headline = r.queriesToTarget() != null
                ? String.format(
                        Locale.ROOT,
                        "%.2f test fidelity with %d queries (d + 1 = %d)",
                        TARGET_FIDELITY,
                        r.queriesToTarget(),
                        r.features() + 1)
                : String.format(
                        Locale.ROOT,
                        "%.2f test fidelity not reached; best %.4f with %d queries",
                        TARGET_FIDELITY,
                        r.bestFidelity(),
                        r.attempts().stream().mapToLong(Attempt::queries).max().orElse(0));
        return List.of(new SummaryLine(
                        "Model extraction",
                        tried,
                        headline,
                        SeverityRules.extraction(r.queriesToTarget(), r.features()),
                        SeverityRules.EXTRACTION,
                        r.command())
                .withFigures(Figure.of("best_fidelity", r.bestFidelity(), true)));
    }
}
