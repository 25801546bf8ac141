package dev.marauder.audit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.GradientMaskingCheck;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.Chart;
import dev.marauder.report.Figure;
import dev.marauder.report.ImageGrid;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * White-box evasion robustness: untargeted FGSM (Goodfellow, Shlens and Szegedy 2015) and PGD
 * (Madry et al. 2018) under an L-infinity budget at each of the settings' epsilons, with checks for
 * gradient masking (Athalye, Carlini and Wagner 2018). Applies only to a {@link
 * DifferentiableClassifier}: a black-box model (ONNX) gives no gradients.
 */
public final class EvasionCheck implements AuditCheck<EvasionCheck.Result> {

    /**
     * Robustness under FGSM and PGD.
     *
     * @param examples test examples attacked
     * @param cleanAccuracy accuracy on them
     * @param attacks each attack's curve, FGSM then PGD
     * @param gradientMasking the gradient-masking checks
     * @param command the command that reproduces the PGD finding at the largest budget
     * @param raw the attacks' full results (adversarial images for the grid); not serialised
     * @param inputSpec the model's input specification; not serialised
     * @param classNames class names for image captions; not serialised
     */
    public record Result(
            int examples,
            double cleanAccuracy,
            List<Curve> attacks,
            EvasionDiagnostics gradientMasking,
            String command,
            @JsonIgnore List<RobustnessResult> raw,
            @JsonIgnore InputSpec inputSpec,
            @JsonIgnore List<String> classNames) {

        /** Copies the lists. */
        public Result {
            attacks = List.copyOf(attacks);
            raw = List.copyOf(raw);
            classNames = List.copyOf(classNames);
        }

        /** The largest budget tried. */
        public double largestEpsilon() {
            return attacks.stream()
                    .flatMap(a -> a.perEpsilon().stream())
                    .mapToDouble(Point::eps)
                    .max()
                    .orElse(0);
        }

        /** The lowest robust accuracy of any attack at {@link #largestEpsilon()}. */
        public double worstRobustAccuracy() {
            double largest = largestEpsilon();
            return attacks.stream()
                    .flatMap(a -> a.perEpsilon().stream())
                    .filter(p -> p.eps() == largest)
                    .mapToDouble(Point::robustAccuracy)
                    .min()
                    .orElse(Double.NaN);
        }
    }

    /**
     * One attack's robustness curve.
     *
     * @param attack the attack's id ({@code fgsm}, {@code pgd})
     * @param norm the norm of the budget
     * @param settings the attack's settings, as it reports them
     * @param examples examples attacked
     * @param cleanAccuracy accuracy on them
     * @param perEpsilon the outcome at each budget
     */
    public record Curve(
            String attack, String norm, JsonNode settings, int examples, double cleanAccuracy, List<Point> perEpsilon) {

        /** Copies the list. */
        public Curve {
            perEpsilon = List.copyOf(perEpsilon);
        }

        static Curve of(RobustnessResult r) {
            List<Point> points = r.perEpsilon().stream()
                    .map(e -> new Point(
                            e.epsilon(), e.robustAccuracy(), e.attackSuccessRate(), e.meanPerturbation(), e.seconds()))
                    .toList();
            return new Curve(
                    r.attack(),
                    "linf",
                    Json.mapper().valueToTree(r.settings()),
                    r.examples(),
                    r.cleanAccuracy(),
                    points);
        }
    }

    /**
     * An attack's outcome at one budget.
     *
     * @param eps the L-infinity budget
     * @param robustAccuracy share of examples still classified correctly (already-wrong ones count as failures)
     * @param attackSuccessRate share of correctly classified examples the attack made misclassified
     * @param meanPerturbation mean L-infinity size of the perturbations
     * @param seconds time taken
     */
    public record Point(
            double eps, double robustAccuracy, double attackSuccessRate, double meanPerturbation, double seconds) {}

    @Override
    public String id() {
        return "evasion";
    }

    @Override
    public String name() {
        return "evasion (white-box)";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (context.model() instanceof DifferentiableClassifier) {
            return Applicability.yes();
        }
        return Applicability.no(
                "the model (" + context.model().info().format().name().toLowerCase(Locale.ROOT)
                        + ") gives no gradients (black-box access only), and FGSM and PGD are white-box attacks");
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        DifferentiableClassifier white = (DifferentiableClassifier) context.model();
        AuditSettings settings = context.settings();
        LabeledData attacked = context.test()
                .slice(0, Math.min(settings.attackExamples(), context.test().size()));
        RobustnessEvaluation evaluation =
                new RobustnessEvaluation(settings.batchSize(), settings.gridExamples(), false);
        RobustnessResult fgsm =
                evaluation.evaluate(white, FastGradientMethod.fgsm(), attacked, null, progress, settings.epsilons());
        ProjectedGradientDescent pgd = ProjectedGradientDescent.builder(Norm.LINF)
                .optSteps(settings.pgdSteps())
                .optSeed(0)
                .build();
        RobustnessResult pgdResult = evaluation.evaluate(white, pgd, attacked, null, progress, settings.epsilons());
        EvasionDiagnostics diagnostics = diagnose(white, attacked, pgd, fgsm, pgdResult, settings, progress);
        double largest = Arrays.stream(settings.epsilons()).max().orElse(0);
        String command = String.format(
                Locale.ROOT,
                "marauder attack pgd --model %s %s --norm linf --eps %s --steps %d",
                context.modelArgument(),
                context.dataArguments(),
                largest,
                settings.pgdSteps());
        return new Result(
                attacked.size(),
                fgsm.cleanAccuracy(),
                List.of(Curve.of(fgsm), Curve.of(pgdResult)),
                diagnostics,
                command,
                List.of(fgsm, pgdResult),
                white.inputSpec(),
                context.classNames());
    }

    /**
     * Gradient-masking checks: zero gradients, PGD at a budget of half the input range (which can
     * make any input grey), and the comparisons of {@link GradientMaskingCheck}.
     */
    private static EvasionDiagnostics diagnose(
            DifferentiableClassifier model,
            LabeledData attacked,
            ProjectedGradientDescent pgd,
            RobustnessResult fgsm,
            RobustnessResult pgdResult,
            AuditSettings settings,
            Progress progress) {
        int zero = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < attacked.size(); start += settings.batchSize()) {
                try (NDManager scope = manager.newSubManager()) {
                    LabeledData b = attacked.slice(start, Math.min(attacked.size(), start + settings.batchSize()));
                    NDArray g = model.lossGradient(
                                    Tensors.toNDArray(scope, b.features()), Tensors.labels(scope, b.labels()))
                            .gradient();
                    float[] maxAbs =
                            g.abs().reshape(b.size(), -1).max(new int[] {1}).toFloatArray();
                    for (float v : maxAbs) {
                        if (v == 0f) {
                            zero++;
                        }
                    }
                }
            }
        }
        double zeroFraction = attacked.size() == 0 ? 0 : (double) zero / attacked.size();
        InputSpec spec = model.inputSpec();
        double large = spec.smallestWidth() / 2.0;
        LabeledData sample = attacked.slice(0, Math.min(200, attacked.size()));
        RobustnessResult big = new RobustnessEvaluation(settings.batchSize(), 0, false)
                .evaluate(model, pgd, sample, null, progress, large);
        double bigAccuracy = big.perEpsilon().get(0).robustAccuracy();
        List<GradientMaskingCheck.Curve> c = List.of(
                GradientMaskingCheck.Curve.of(fgsm, true, false), GradientMaskingCheck.Curve.of(pgdResult, true, true));
        List<String> warnings = new GradientMaskingCheck(0.02).warnings(c, zeroFraction, large, bigAccuracy);
        return new EvasionDiagnostics(zeroFraction, large, bigAccuracy, warnings);
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Evasion robustness");
        s.paragraph(String.format(
                Locale.ROOT,
                "White-box, untargeted attacks under an L-infinity budget on the first %d test examples: the fast"
                        + " gradient sign method, FGSM (Goodfellow, Shlens & Szegedy 2015), and projected gradient"
                        + " descent, PGD (Madry et al. 2018). Robust accuracy counts examples the model already got"
                        + " wrong as failures; attack success rate is the share of correctly classified examples the"
                        + " attack made misclassified.",
                r.examples()));
        EvasionDiagnostics d = r.gradientMasking();
        if (d != null) {
            if (d.warnings().isEmpty()) {
                s.note("No sign of gradient masking: PGD is at least as strong as FGSM, robust accuracy falls as the"
                        + " budget grows, no input has a zero gradient, and PGD at eps " + d.largeEpsilon()
                        + " leaves accuracy " + String.format(Locale.ROOT, "%.4f", d.largeEpsilonAccuracy()) + ".");
            }
            for (String w : d.warnings()) {
                s.warning("Possible gradient masking: " + w);
            }
        }
        Chart.Builder chart = Chart.builder("Robust accuracy vs. epsilon (L-infinity)")
                .xAxis("epsilon")
                .yAxis("robust accuracy")
                .yRange(0, 1)
                .markers(true);
        for (Curve a : r.attacks()) {
            List<List<?>> rows = new ArrayList<>();
            double[] eps = new double[a.perEpsilon().size()];
            double[] acc = new double[eps.length];
            for (int i = 0; i < eps.length; i++) {
                Point e = a.perEpsilon().get(i);
                eps[i] = e.eps();
                acc[i] = e.robustAccuracy();
                rows.add(
                        List.of(e.eps(), e.robustAccuracy(), e.attackSuccessRate(), e.meanPerturbation(), e.seconds()));
            }
            s.paragraph(a.attack().toUpperCase(Locale.ROOT) + " " + a.settings());
            s.table(
                    List.of("epsilon", "robust accuracy", "attack success rate", "mean L-inf perturbation", "seconds"),
                    rows);
            chart.line(a.attack().toUpperCase(Locale.ROOT), eps, acc);
        }
        s.chart("robust_accuracy_vs_epsilon", chart.build());
        if (!r.raw().isEmpty()) {
            ImageGrid grid = grid(r, r.raw().get(r.raw().size() - 1));
            if (grid != null) {
                s.images(grid);
            }
        }
        s.data(r);
        if (d != null) {
            s.keyValues(Map.of(
                    "inputs with a zero loss gradient",
                    d.zeroGradientFraction(),
                    "PGD robust accuracy at eps " + d.largeEpsilon(),
                    d.largeEpsilonAccuracy()));
        }
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        double largest = r.largestEpsilon();
        double worst = r.worstRobustAccuracy();
        boolean masking =
                r.gradientMasking() != null && !r.gradientMasking().warnings().isEmpty();
        String tried =
                String.format(Locale.ROOT, "FGSM and PGD L-inf, eps up to %s, %d test examples", largest, r.examples());
        String headline = String.format(
                Locale.ROOT,
                "robust accuracy %.4f at eps %s (clean %.4f)%s",
                worst,
                largest,
                r.cleanAccuracy(),
                masking ? "; gradient masking suspected" : "");
        return List.of(new SummaryLine(
                        "Evasion (white-box)",
                        tried,
                        headline,
                        SeverityRules.evasion(worst, r.cleanAccuracy(), largest, masking),
                        SeverityRules.EVASION,
                        r.command())
                .withFigures(
                        Figure.of("robust_accuracy", worst, false),
                        Figure.of("clean_accuracy", r.cleanAccuracy(), false)));
    }

    /** Originals and adversarials at each epsilon, plus the magnified perturbation at the largest. */
    static ImageGrid grid(Result r, RobustnessResult f) {
        FloatTensor originals = f.sampleOriginals();
        if (originals == null) {
            return null;
        }
        InputSpec spec = r.inputSpec();
        int[] chw = ImageLayout.channelsFirstShape(spec);
        if (chw == null || originals.examples() == 0) {
            return null;
        }
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        int n = originals.examples();
        int size = c * h * w;
        double lo = r.inputSpec().lower();
        double hi = r.inputSpec().upper();
        List<String> headings = new ArrayList<>();
        headings.add("original");
        List<RobustnessResult.AtEpsilon> shown =
                f.perEpsilon().stream().filter(e -> e.epsilon() > 0).toList();
        shown.forEach(e -> headings.add("eps " + e.epsilon()));
        if (!shown.isEmpty()) {
            headings.add("perturbation, eps " + shown.get(shown.size() - 1).epsilon() + " (magnified)");
        }
        ImageGrid.Builder g = ImageGrid.builder()
                .title(f.attack().toUpperCase(Locale.ROOT) + " adversarial examples")
                .columns(headings.toArray(String[]::new))
                .scale(3);
        for (int i = 0; i < n; i++) {
            float[] orig =
                    ImageLayout.channelsFirst(Arrays.copyOfRange(originals.data(), i * size, (i + 1) * size), spec);
            List<ImageGrid.Cell> cells = new ArrayList<>();
            cells.add(ImageGrid.Cell.of(
                    orig,
                    w,
                    h,
                    c,
                    lo,
                    hi,
                    String.format(
                            Locale.ROOT,
                            "true %s / pred %s %.2f",
                            name(r, f.labels()[i]),
                            name(r, f.cleanPredictions()[i]),
                            f.cleanConfidences()[i])));
            float[] lastDelta = null;
            for (RobustnessResult.AtEpsilon e : shown) {
                float[] adv = ImageLayout.channelsFirst(
                        Arrays.copyOfRange(e.sampleAdversarials().data(), i * size, (i + 1) * size), spec);
                cells.add(ImageGrid.Cell.of(
                        adv,
                        w,
                        h,
                        c,
                        lo,
                        hi,
                        String.format(Locale.ROOT, "pred %s %.2f", name(r, e.predictions()[i]), e.confidences()[i])));
                lastDelta = new float[size];
                for (int k = 0; k < size; k++) {
                    lastDelta[k] = adv[k] - orig[k];
                }
            }
            if (lastDelta != null) {
                cells.add(ImageGrid.Cell.perturbation(lastDelta, w, h, c, "magnified"));
            }
            g.row(cells);
        }
        return g.build();
    }

    private static String name(Result r, int label) {
        return label >= 0 && label < r.classNames().size() ? r.classNames().get(label) : Integer.toString(label);
    }
}
