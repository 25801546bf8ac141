package dev.marauder.audit;

import dev.marauder.attacks.evasion.AttackEnsemble;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.TrainingDefense;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.defenses.certification.CertificationResult;
import dev.marauder.defenses.certification.RandomizedSmoothing;
import dev.marauder.defenses.detection.AdmissionTradeoff;
import dev.marauder.defenses.transform.DefenseEvaluation;
import dev.marauder.defenses.transform.Transformations;
import dev.marauder.report.Chart;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Defenses and their honest evaluation (Athalye, Carlini &amp; Wagner 2018): runs when the model's
 * card declares a defense or the user names one ({@code marauder audit --defense jpeg,bitdepth
 * --certify-sigma 0.25}).
 *
 * <ul>
 *   <li>A declared adversarial training: PGD and the attack ensemble ({@link AttackEnsemble}, with
 *       audit-sized budgets) at the radius the model was trained for.
 *   <li>Each named input transformation in front of a white-box model: robust accuracy under the
 *       non-adaptive and the adaptive attack (BPDA, EOT), the verdict and the gradient-masking
 *       checks ({@link DefenseEvaluation}).
 *   <li>Randomized smoothing (declared Gaussian noise augmentation, or {@code --certify-sigma}):
 *       the certified accuracy against the L2 radius ({@link RandomizedSmoothing}), which needs
 *       labels only and so runs on any model.
 *   <li>A fitted Deep k-NN ({@code --dknn DIR}): the admission-control trade-off between clean
 *       inputs refused and PGD inputs caught, and the detector's AUC.
 * </ul>
 */
public final class DefensesCheck implements AuditCheck<DefensesCheck.Result> {
    /** Examples of the certification (each costs {@value #CERTIFY_N0} + {@value #CERTIFY_N} queries). */
    static final int CERTIFY_EXAMPLES = 100;

    static final int CERTIFY_N0 = 50;
    static final int CERTIFY_N = 500;
    /** Examples of each transformation's evaluation. */
    static final int TRANSFORMATION_EXAMPLES = 100;

    /**
     * The robustness of a declared adversarial training at its own radius.
     *
     * @param method the card's defense id
     * @param norm the radius's norm
     * @param epsilon the radius trained for
     * @param pgdSteps steps of the PGD attack
     * @param cleanAccuracy accuracy on the attacked examples
     * @param robustAccuracy robust accuracy under PGD at {@code epsilon}
     * @param ensembleRobustAccuracy robust accuracy under the attack ensemble (APGD-CE, APGD-T,
     *     Square) at {@code epsilon}, the worst case per input
     * @param ensembleStages the ensemble's stages with the robust accuracy after each
     */
    public record DeclaredRobustness(
            String method,
            Norm norm,
            double epsilon,
            int pgdSteps,
            double cleanAccuracy,
            double robustAccuracy,
            double ensembleRobustAccuracy,
            List<AttackEnsemble.Evaluation.Stage> ensembleStages) {

        /** Copies the list. */
        public DeclaredRobustness {
            ensembleStages = List.copyOf(ensembleStages);
        }
    }

    /** APGD steps and Square queries of the audit's ensemble (AutoAttack's standard: 100 and 5000). */
    static final int ENSEMBLE_STEPS = 50;

    static final int ENSEMBLE_QUERIES = 1000;
    static final int ENSEMBLE_TARGETS = 3;

    /**
     * The section's results.
     *
     * @param declared the defense the model card declares, or null
     * @param declaredRobustness the declared adversarial training at its radius, or null
     * @param transformations one report per named input transformation
     * @param certification the randomized-smoothing certification, or null
     * @param cleanAccuracy the undefended model's accuracy on the certified examples (NaN without)
     * @param admission the Deep k-NN's admission-control trade-off under PGD, or null
     * @param admissionEpsilon the PGD budget of that trade-off
     * @param skipped what could not run, and why
     * @param modelArgument how commands that reproduce the results name the model
     * @param dataArguments how they name the test data
     */
    public record Result(
            TrainingDefense declared,
            DeclaredRobustness declaredRobustness,
            List<DefenseEvaluation.Report> transformations,
            CertificationResult certification,
            double cleanAccuracy,
            AdmissionTradeoff admission,
            double admissionEpsilon,
            List<String> skipped,
            String modelArgument,
            String dataArguments) {

        /** Copies the lists. */
        public Result {
            transformations = List.copyOf(transformations);
            skipped = List.copyOf(skipped);
        }
    }

    @Override
    public String id() {
        return "defenses";
    }

    @Override
    public String name() {
        return "defenses";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        if (declared(context) == null
                && context.defenses().isEmpty()
                && context.certifySigma() == null
                && context.admission() == null) {
            return Applicability.no(
                    "the model declares no defense and none was named (--defense, --certify-sigma, --dknn)");
        }
        return Applicability.yes();
    }

    private static TrainingDefense declared(AuditContext context) {
        return context.model() instanceof BuiltinClassifier b ? b.card().defense() : null;
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        Classifier model = context.model();
        TrainingDefense declared = declared(context);
        List<String> skipped = new ArrayList<>();
        LabeledData attacked = context.test().slice(0, Math.min(context.test().size(), TRANSFORMATION_EXAMPLES));
        int steps = context.settings().pgdSteps();
        int batch = context.settings().batchSize();
        DeclaredRobustness robustness = null;
        if (declared != null
                && declared.settings().get("epsilon") instanceof Number eps
                && model instanceof DifferentiableClassifier white) {
            Norm norm = Norm.of(String.valueOf(declared.settings().getOrDefault("norm", "linf")));
            RobustnessResult r = new RobustnessEvaluation(batch, 0, false)
                    .evaluate(
                            white,
                            ProjectedGradientDescent.builder(norm)
                                    .optSteps(steps)
                                    .optSeed(0)
                                    .build(),
                            attacked,
                            null,
                            progress,
                            eps.doubleValue());
            AttackEnsemble.Evaluation.AtEpsilon ensemble = AttackEnsemble.builder(norm)
                    .optSteps(ENSEMBLE_STEPS)
                    .optTargets(Math.min(ENSEMBLE_TARGETS, model.classes() - 1))
                    .optMaxQueries(ENSEMBLE_QUERIES)
                    .optSeed(0)
                    .build()
                    .evaluate(white, attacked, batch, false, progress, eps.doubleValue())
                    .perEpsilon()
                    .get(0);
            robustness = new DeclaredRobustness(
                    declared.method(),
                    norm,
                    eps.doubleValue(),
                    steps,
                    r.cleanAccuracy(),
                    r.perEpsilon().get(0).robustAccuracy(),
                    ensemble.robustAccuracy(),
                    ensemble.stages());
        }
        List<DefenseEvaluation.Report> reports = new ArrayList<>();
        if (!context.defenses().isEmpty()) {
            if (model instanceof DifferentiableClassifier white) {
                double eps = largest(context.settings().epsilons());
                DefenseEvaluation evaluation = new DefenseEvaluation(
                        eps,
                        Norm.LINF,
                        DefenseEvaluation.Attack.PGD,
                        steps,
                        DefenseEvaluation.Adaptive.AUTO,
                        10,
                        batch,
                        0);
                for (String id : context.defenses()) {
                    try {
                        reports.add(evaluation.evaluate(white, Transformations.of(id), attacked, progress));
                    } catch (IllegalArgumentException e) {
                        skipped.add(id + ": " + e.getMessage());
                        warnings.accept("defense " + id + " skipped: " + e.getMessage());
                    }
                }
            } else {
                skipped.add("input transformations: the model gives no gradients, and BPDA needs them");
            }
        }
        Double sigma = context.certifySigma();
        if (sigma == null && declared != null && declared.settings().get("sigma") instanceof Number s) {
            sigma = s.doubleValue();
        }
        CertificationResult certification = null;
        double clean = Double.NaN;
        if (sigma != null) {
            LabeledData certified =
                    context.test().slice(0, Math.min(context.test().size(), CERTIFY_EXAMPLES));
            certification = new RandomizedSmoothing(sigma, CERTIFY_N0, CERTIFY_N, 0.001, CERTIFY_N, 0L)
                    .certifyAll(model, certified, progress);
            clean = Training.accuracy(model, certified, batch);
        }
        AdmissionTradeoff admission = null;
        double admissionEps = largest(context.settings().epsilons());
        if (context.admission() != null) {
            if (model instanceof DifferentiableClassifier white) {
                RobustnessResult crafted = new RobustnessEvaluation(batch, 0, true)
                        .evaluate(
                                white,
                                ProjectedGradientDescent.builder(Norm.LINF)
                                        .optSteps(steps)
                                        .optSeed(0)
                                        .build(),
                                attacked,
                                null,
                                progress,
                                admissionEps);
                admission = context.admission()
                        .tradeoff(model, attacked, crafted.perEpsilon().get(0).adversarial());
            } else {
                skipped.add("admission control: the trade-off is measured under PGD, which needs gradients");
            }
        }
        return new Result(
                declared,
                robustness,
                reports,
                certification,
                clean,
                admission,
                admissionEps,
                skipped,
                context.modelArgument(),
                context.dataArguments());
    }

    private static double largest(double[] epsilons) {
        double max = 0;
        for (double e : epsilons) {
            max = Math.max(max, e);
        }
        return max > 0 ? max : 0.1;
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Defenses");
        s.paragraph(
                "A defense counts only if it survives an attack that knows about it (Athalye, Carlini & Wagner"
                        + " 2018): input transformations are attacked with the naive gradient (non-adaptive) and with BPDA, and"
                        + " EOT for random ones (adaptive); a defense whose gain the adaptive attack removes is broken."
                        + " Randomized smoothing (Cohen et al. 2019) gives provable L2 radii, with probability 1 - alpha each.");
        if (r.declared() != null) {
            s.paragraph(String.format(
                    Locale.ROOT,
                    "The model card declares %s (%s) with %s.",
                    r.declared().method(),
                    r.declared().reference(),
                    r.declared().settings()));
        }
        if (r.declaredRobustness() != null) {
            DeclaredRobustness d = r.declaredRobustness();
            s.table(
                    List.of("declared defense", "norm", "epsilon", "PGD steps", "clean accuracy", "robust accuracy"),
                    List.of(Arrays.asList(
                            d.method(),
                            d.norm().id(),
                            d.epsilon(),
                            d.pgdSteps(),
                            d.cleanAccuracy(),
                            d.robustAccuracy())));
        }
        if (!r.transformations().isEmpty()) {
            List<List<Object>> rows = new ArrayList<>();
            for (DefenseEvaluation.Report t : r.transformations()) {
                rows.add(Arrays.asList(
                        t.defense(),
                        t.cleanAccuracy(),
                        t.defendedCleanAccuracy(),
                        t.undefendedRobustAccuracy(),
                        t.nonAdaptiveRobustAccuracy(),
                        t.adaptiveRobustAccuracy(),
                        t.adaptiveAttack(),
                        t.verdict()));
            }
            s.table(
                    List.of(
                            "defense",
                            "clean (undefended)",
                            "clean (defended)",
                            "robust (undefended)",
                            "robust (non-adaptive)",
                            "robust (adaptive)",
                            "adaptive attack",
                            "verdict"),
                    rows);
            for (DefenseEvaluation.Report t : r.transformations()) {
                for (String w : t.maskingWarnings()) {
                    s.warning(t.defense() + ": " + w);
                }
            }
        }
        if (r.certification() != null) {
            CertificationResult c = r.certification();
            double[] radius = c.curve().stream()
                    .mapToDouble(CertificationResult.CurvePoint::radius)
                    .toArray();
            double[] accuracy = c.curve().stream()
                    .mapToDouble(CertificationResult.CurvePoint::certifiedAccuracy)
                    .toArray();
            s.paragraph(String.format(
                    Locale.ROOT,
                    "Randomized smoothing with sigma %s, n0 %d, n %d, alpha %s on %d examples: accuracy %.4f of the"
                            + " smoothed model (%d abstentions; the model itself: %.4f), median certified radius %.4f.",
                    c.settings().sigma(),
                    c.settings().n0(),
                    c.settings().n(),
                    c.settings().alpha(),
                    c.examples(),
                    c.accuracy(),
                    c.abstained(),
                    r.cleanAccuracy(),
                    c.medianRadius()));
            s.chart(
                    "certified_accuracy",
                    Chart.builder("Certified accuracy vs. L2 radius (sigma "
                                    + c.settings().sigma() + ")")
                            .xAxis("L2 radius")
                            .yAxis("certified accuracy")
                            .line("certified accuracy", radius, accuracy)
                            .build());
        }
        if (r.admission() != null) {
            AdmissionTradeoff a = r.admission();
            s.paragraph(String.format(
                    Locale.ROOT,
                    "Admission control with a Deep k-NN (Papernot & McDaniel 2018): inputs whose credibility is below"
                            + " a threshold are refused. On %d clean test inputs and their PGD versions (L-inf eps %s),"
                            + " mean credibility %.3f against %.3f; credibility detects the adversarial inputs with AUC"
                            + " %.3f. The attack does not know of the Deep k-NN.",
                    a.cleanInputs(),
                    r.admissionEpsilon(),
                    a.meanCleanCredibility(),
                    a.meanAdversarialCredibility(),
                    a.detectorAuc()));
            List<List<Object>> rows = new ArrayList<>();
            for (double threshold : new double[] {0.1, 0.2, 0.3, 0.5}) {
                AdmissionTradeoff.Point p = a.at(threshold);
                rows.add(Arrays.asList(threshold, p.cleanRefused(), p.adversarialCaught()));
            }
            s.table(List.of("refuse below credibility", "clean inputs refused", "adversarial inputs caught"), rows);
            s.chart(
                    "admission_tradeoff",
                    Chart.builder("Deep k-NN admission control: adversarial caught vs clean refused")
                            .xAxis("clean inputs refused")
                            .yAxis("adversarial inputs caught")
                            .line(
                                    "credibility threshold",
                                    a.curve().stream()
                                            .mapToDouble(AdmissionTradeoff.Point::cleanRefused)
                                            .toArray(),
                                    a.curve().stream()
                                            .mapToDouble(AdmissionTradeoff.Point::adversarialCaught)
                                            .toArray())
                            .build());
        }
        for (String why : r.skipped()) {
            s.note("Not evaluated: " + why);
        }
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        List<SummaryLine> lines = new ArrayList<>();
        if (r.declaredRobustness() != null) {
            DeclaredRobustness d = r.declaredRobustness();
            lines.add(new SummaryLine(
                    "Declared defense: " + d.method(),
                    String.format(
                            Locale.ROOT,
                            "PGD-%d, %s eps %s",
                            d.pgdSteps(),
                            d.norm().id(),
                            d.epsilon()),
                    String.format(
                            Locale.ROOT,
                            "robust accuracy %.4f at the trained radius (clean %.4f)",
                            d.robustAccuracy(),
                            d.cleanAccuracy()),
                    SeverityRules.evasion(d.robustAccuracy(), d.cleanAccuracy(), d.epsilon(), false),
                    SeverityRules.EVASION,
                    String.format(
                            Locale.ROOT,
                            "marauder attack ensemble --model %s %s --norm %s --eps %s",
                            r.modelArgument(),
                            r.dataArguments(),
                            d.norm().id(),
                            d.epsilon())));
        }
        for (DefenseEvaluation.Report t : r.transformations()) {
            lines.add(new SummaryLine(
                    "Defense: " + t.defense(),
                    String.format(Locale.ROOT, "PGD non-adaptive vs %s, eps %s", t.adaptiveAttack(), t.epsilon()),
                    String.format(
                            Locale.ROOT,
                            "%s: robust accuracy %.4f non-adaptive, %.4f adaptive (undefended %.4f)",
                            t.verdict(),
                            t.nonAdaptiveRobustAccuracy(),
                            t.adaptiveRobustAccuracy(),
                            t.undefendedRobustAccuracy()),
                    SeverityRules.inputTransformation(
                            t.verdict(), t.maskingWarnings().size()),
                    SeverityRules.INPUT_TRANSFORMATION,
                    String.format(
                            Locale.ROOT,
                            "marauder defend evaluate --model %s %s --defense %s --eps %s --examples %d",
                            r.modelArgument(),
                            r.dataArguments(),
                            t.defense(),
                            t.epsilon(),
                            t.examples())));
        }
        if (r.certification() != null) {
            CertificationResult c = r.certification();
            double sigma = c.settings().sigma();
            double half = c.certifiedAccuracy(sigma / 2);
            lines.add(new SummaryLine(
                    "Certified robustness (randomized smoothing)",
                    String.format(
                            Locale.ROOT,
                            "sigma %s, n %d, %d examples",
                            sigma,
                            c.settings().n(),
                            c.examples()),
                    String.format(
                            Locale.ROOT,
                            "certified accuracy %.4f at L2 radius %s, median radius %.4f",
                            half,
                            sigma / 2,
                            c.medianRadius()),
                    SeverityRules.certification(half, r.cleanAccuracy()),
                    SeverityRules.CERTIFICATION,
                    String.format(
                            Locale.ROOT,
                            "marauder certify --model %s %s --sigma %s --n %d --n0 %d --examples %d",
                            r.modelArgument(),
                            r.dataArguments(),
                            sigma,
                            c.settings().n(),
                            c.settings().n0(),
                            c.examples())));
        }
        if (r.admission() != null) {
            AdmissionTradeoff a = r.admission();
            AdmissionTradeoff.Point p = a.at(0.3);
            lines.add(new SummaryLine(
                    "Admission control (Deep k-NN)",
                    String.format(
                            Locale.ROOT,
                            "%d clean inputs and their PGD versions, eps %s",
                            a.cleanInputs(),
                            r.admissionEpsilon()),
                    String.format(
                            Locale.ROOT,
                            "detector AUC %.3f; refusing below credibility 0.3 refuses %.1f%% of clean inputs and"
                                    + " catches %.1f%% of adversarial ones",
                            a.detectorAuc(),
                            100 * p.cleanRefused(),
                            100 * p.adversarialCaught()),
                    SeverityRules.admissionControl(a.detectorAuc()),
                    SeverityRules.ADMISSION_CONTROL,
                    String.format(
                            Locale.ROOT,
                            "marauder dknn score --model %s --dknn DIR %s --attack pgd --eps %s",
                            r.modelArgument(),
                            r.dataArguments(),
                            r.admissionEpsilon())));
        }
        if (lines.isEmpty()) {
            lines.add(new SummaryLine(
                    "Defenses",
                    r.declared() == null
                            ? "nothing"
                            : "declared: " + r.declared().method(),
                    r.skipped().isEmpty() ? "nothing evaluated" : "not evaluated: " + String.join("; ", r.skipped()),
                    dev.marauder.report.Severity.NOT_ASSESSED,
                    SeverityRules.INPUT_TRANSFORMATION,
                    "marauder defend evaluate --help"));
        }
        return lines;
    }
}
