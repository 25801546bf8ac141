package dev.marauder.cli;

import dev.marauder.attacks.inference.membership.MembershipInference;
import dev.marauder.attacks.inference.membership.ReferenceModels;
import dev.marauder.audit.Audit;
import dev.marauder.audit.AuditContext;
import dev.marauder.audit.AuditOutcome;
import dev.marauder.audit.AuditReport;
import dev.marauder.audit.AuditSettings;
import dev.marauder.audit.BaselineComparison;
import dev.marauder.audit.CanaryAuditRun;
import dev.marauder.audit.DemoModel;
import dev.marauder.audit.EvasionCheck;
import dev.marauder.audit.ExposureRun;
import dev.marauder.audit.MembershipRun;
import dev.marauder.core.data.ClassNames;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.BuildInfo;
import dev.marauder.report.JunitReport;
import dev.marauder.report.Report;
import dev.marauder.report.ReportWriter;
import dev.marauder.report.SarifLog;
import dev.marauder.report.Severity;
import dev.marauder.report.SkippedCheck;
import dev.marauder.report.SummaryLine;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder audit}: with no arguments, the demo (a cached CNN on the shipped Fashion-MNIST
 * subset); with {@code --model}, the user's model on the user's data. Runs every check of {@link
 * dev.marauder.audit.AuditChecks#all()} that applies, writes {@code index.html} and {@code
 * report.json} into the {@code --report} directory ({@code --out FILE} writes the same JSON to a file,
 * as every command's {@code --out} does), and prints the verdict (one line per summary line) and the skipped checks with
 * their reasons ("skipped CHECK: REASON").
 *
 * <p>For CI: {@code --sarif FILE} writes the verdict as a SARIF 2.1.0 log ({@link SarifLog}),
 * {@code --junit FILE} as JUnit XML ({@link JunitReport}, failing the checks at or above {@code
 * --fail-on}, high by default), both atomically after {@code report.json}; {@code --fail-on LEVEL}
 * then exits with {@link Main#FINDINGS} when a finding is at or above LEVEL. Both files are checked
 * before the audit runs: writable, and neither an input, a directory, nor another output.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Audit a model and write an HTML + JSON report.",
            "Without --model: trains (or reuses) the demo CNN on the shipped Fashion-MNIST subset."
        })
final class AuditCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "M",
            description =
                    "Model directory, .pt or .onnx file, or a model behind an API (http://HOST:PORT/v2/models/NAME"
                            + " or http://HOST:PORT/v1/models/NAME:predict: the checks that need gradients are skipped)"
                            + " (default: the demo model).")
    String model;

    @picocli.CommandLine.Mixin
    RemoteOptions remote;

    @Option(
            names = "--data",
            paramLabel = "X",
            description = "Test features file, or a dataset name/directory (its test split). Required with --model.")
    String data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels file for --data.")
    Path labels;

    @picocli.CommandLine.Mixin
    ModelOptions described;

    @Option(
            names = "--eps",
            split = ",",
            paramLabel = "E",
            description = "L-infinity epsilons for FGSM and PGD (default 0,0.02,0.05,0.1,0.2).")
    double[] eps;

    @Option(
            names = "--pgd-steps",
            defaultValue = "20",
            paramLabel = "K",
            description = "PGD iterations (default ${DEFAULT-VALUE}).")
    int pgdSteps;

    @Option(
            names = "--examples",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Test examples to attack (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--report",
            defaultValue = "marauder-report",
            paramLabel = "DIR",
            description = "Directory of the HTML report (index.html) and its report.json (default ${DEFAULT-VALUE}).")
    Path reportDir;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "Where the demo model is cached (default ~/.cache/marauder).")
    Path cache;

    @Option(
            names = "--privacy-audit",
            paramLabel = "FILE",
            description = "JSON of 'marauder privacy audit --out FILE' to show beside the model's privacy guarantee.")
    Path privacyAudit;

    @Option(
            names = "--members",
            paramLabel = "X1,Y1",
            description = "Features and labels of known training examples of --model: the membership-inference"
                    + " section then runs the threshold attacks on them against --non-members (any model format).")
    String members;

    @Option(
            names = "--non-members",
            paramLabel = "X2,Y2",
            description = "Features and labels of examples --model was not trained on (with --members).")
    String nonMembers;

    @Option(
            names = "--reference-models",
            paramLabel = "DIR",
            description = "With --members/--non-members: your own reference models (as 'marauder mia"
                    + " --reference-models'), whose masks cover the members then the non-members; the audit adds LiRA.")
    Path referenceModels;

    @Option(
            names = "--reference-masks",
            paramLabel = "FILE",
            description = "The [models, examples] masks of --reference-models (else NAME.keep.npy beside each model).")
    Path referenceMasks;

    @Option(
            names = "--mia",
            paramLabel = "FILE",
            split = ",",
            description = "JSON of 'marauder mia --out FILE' (e.g. LiRA) to add to the privacy-leakage section.")
    List<Path> mia;

    @Option(
            names = "--exposure",
            paramLabel = "FILE",
            split = ",",
            description =
                    "JSON of 'marauder exposure --out FILE' (a language model's canary exposure) for the privacy-leakage section.")
    List<Path> exposure;

    @Option(
            names = "--no-privacy-audit",
            description =
                    "Demo only: skip the empirical privacy audit of the demo's training recipe (two extra training runs, cached).")
    boolean noPrivacyAudit;

    @Option(
            names = "--defense",
            paramLabel = "D",
            split = ",",
            description = "Input transformations to evaluate in front of the model in the defenses section, against"
                    + " non-adaptive and adaptive (BPDA/EOT) PGD: jpeg, bitdepth, median, tv, thermometer, resize.")
    List<String> defenses;

    @Option(
            names = "--certify-sigma",
            paramLabel = "S",
            description = "Certify the model's randomized-smoothing version with noise S in the defenses section"
                    + " (a model trained with `defend train --method noise` is certified with its own sigma).")
    Double certifySigma;

    @Option(
            names = "--dknn",
            paramLabel = "DIR",
            description = "A Deep k-NN fitted to this model ('marauder dknn fit --save DIR'): the defenses section"
                    + " reports its admission-control trade-off under PGD.")
    Path dknn;

    @Option(
            names = "--fail-on",
            paramLabel = "LEVEL",
            description = "high, medium or low: after writing every output, exit with code 3 when any finding is at"
                    + " or above this severity (a release gate for CI); 0 otherwise.")
    String failOn;

    @Option(
            names = "--baseline",
            paramLabel = "REPORT",
            description = "report.json of an earlier audit of the same model family: each headline figure is compared"
                    + " and regressions are reported beside it (robust accuracy lower, membership AUC or TPR at low"
                    + " FPR higher, epsilon higher, extraction fidelity higher).")
    Path baseline;

    @Option(
            names = "--regression-tolerance",
            defaultValue = "0.02",
            paramLabel = "T",
            description = "A figure regresses when worse than the baseline's by more than T x max(1, |baseline|)"
                    + " (default ${DEFAULT-VALUE}: 0.02 for rates and accuracies, 2% of larger figures).")
    double regressionTolerance;

    @Option(
            names = "--fail-on-regression",
            description = "With --baseline: exit with code 3 (after writing every output) when any figure regressed.")
    boolean failOnRegression;

    @Option(
            names = "--sarif",
            paramLabel = "FILE",
            description = "Also write the findings as a SARIF 2.1.0 log (one rule per check, one result per"
                    + " finding, located at the model) for code-scanning dashboards.")
    Path sarif;

    @Option(
            names = "--junit",
            paramLabel = "FILE",
            description = "Also write JUnit XML: one test case per check, failed when a finding is at or above"
                    + " --fail-on (high when --fail-on is not given); skipped checks are skipped test cases.")
    Path junit;

    /** --out FILE writes report.json's content to FILE, --json prints it, as every command's --out does. */
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        Severity gate = failOn == null ? null : gateLevel(failOn);
        if (failOnRegression && baseline == null) {
            throw new UsageException("--fail-on-regression needs --baseline REPORT");
        }
        if (!(regressionTolerance >= 0) || Double.isInfinite(regressionTolerance)) {
            throw new UsageException("--regression-tolerance must be a number >= 0, got " + regressionTolerance);
        }
        if (baseline != null) {
            Inputs.requireExists(baseline, "--baseline");
            BaselineComparison.requireReadable(baseline); // before hours of work
        }
        checkCiOutputs();
        if (defenses != null) {
            for (String id : defenses) {
                try {
                    dev.marauder.defenses.transform.Transformations.of(id);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--defense: " + e.getMessage());
                }
            }
        }
        if (certifySigma != null && (!(certifySigma > 0) || !Double.isFinite(certifySigma))) {
            throw new UsageException("--certify-sigma must be positive and finite, got " + certifySigma);
        }
        dev.marauder.defenses.detection.FittedDeepKnn admission = null;
        if (dknn != null) {
            Inputs.requireExists(dknn, "--dknn");
            admission = dev.marauder.defenses.detection.FittedDeepKnn.load(dknn);
        }
        AuditSettings defaults = AuditSettings.defaults();
        AuditSettings settings;
        try {
            settings = new AuditSettings(
                    eps == null ? defaults.epsilons() : eps,
                    pgdSteps,
                    examples,
                    defaults.batchSize(),
                    defaults.gridExamples());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (model == null && (data != null || labels != null)) {
            throw new UsageException(
                    "--data and --labels need --model (without --model the demo model and data are used)");
        }
        if (model != null && data == null) {
            throw new UsageException("--model needs --data (and --labels unless --data names a dataset)");
        }
        if ((members == null) != (nonMembers == null)) {
            throw new UsageException("--members and --non-members go together");
        }
        if (referenceModels != null && members == null) {
            throw new UsageException("--reference-models needs --members and --non-members (the masks cover them)");
        }
        if (referenceMasks != null && referenceModels == null) {
            throw new UsageException("--reference-masks goes with --reference-models DIR");
        }
        if (model == null && members != null) {
            throw new UsageException(
                    "--members and --non-members need --model (the demo model's training data are" + " known)");
        }
        String[] memberFiles = members == null ? null : LabelledFiles.parse(members, "--members");
        String[] nonMemberFiles = nonMembers == null ? null : LabelledFiles.parse(nonMembers, "--non-members");
        Inputs.requireReportDirectory(reportDir);
        // results of separate runs, read (and checked) before any long computation
        List<MembershipRun> miaRuns = new ArrayList<>();
        for (Path file : mia == null ? List.<Path>of() : mia) {
            Inputs.requireExists(file, "--mia");
            miaRuns.add(MembershipRun.read(file));
        }
        List<ExposureRun> exposureRuns = new ArrayList<>();
        for (Path file : exposure == null ? List.<Path>of() : exposure) {
            Inputs.requireExists(file, "--exposure");
            exposureRuns.add(ExposureRun.read(file));
        }
        List<CanaryAuditRun> privacyAudits = new ArrayList<>();
        if (privacyAudit != null) {
            Inputs.requireExists(privacyAudit, "--privacy-audit");
            privacyAudits.add(CanaryAuditRun.read(privacyAudit));
        }
        Progress progress = output.progress();
        PrintWriter stderr = spec.commandLine().getErr();
        Consumer<String> warnings = w -> stderr.println("marauder: warning: " + w);
        AuditOutcome outcome;
        if (model == null) {
            remote.requireUnused("the demo model");
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            Path dir = cacheDir();
            try (Classifier c = DemoModel.obtain(split, dir, progress)) {
                AuditContext context = AuditContext.builder(c, split.test(), settings)
                        .optDataName(DemoModel.DATASET)
                        .optClassNames(ClassNames.of(DemoModel.DATASET))
                        .optTrainingData(split.train())
                        .optMembershipRuns(miaRuns)
                        .optExposureRuns(exposureRuns)
                        .optPrivacyAudits(privacyAudits)
                        .optDemoCache(noPrivacyAudit ? null : dir)
                        .optDefenses(defenses == null ? List.of() : defenses, certifySigma)
                        .optAdmissionControl(admission)
                        .optCommandArguments(dir.resolve("demo-cnn").toString(), "--data " + DemoModel.DATASET)
                        .build();
                outcome = new Audit().run(context, progress, warnings);
            }
        } else {
            ModelDescription description = described.describe(model);
            LabeledData test = Inputs.shapedFor(Inputs.evaluationData(data, labels), description);
            List<String> names = description.classNames() != null
                    ? description.classNames()
                    : labels == null ? ClassNames.of(data) : List.of();
            AuditContext.Membership known = null;
            if (memberFiles != null) {
                LabeledData in = Inputs.shapedFor(LabelledFiles.load(memberFiles, "--members"), description);
                LabeledData out = Inputs.shapedFor(LabelledFiles.load(nonMemberFiles, "--non-members"), description);
                // the same checks as the test data: shapes, bounds, labels
                Inputs.openChecked(model, in, description, remote).close();
                Inputs.openChecked(model, out, description, remote).close();
                String arguments = "--members " + members + " --non-members " + nonMembers;
                if (referenceModels == null) {
                    known = new AuditContext.Membership(in, out, arguments);
                } else {
                    ReferenceModels refs = ReferenceInputs.query(
                            referenceModels, referenceMasks, MembershipInference.concat(in, out), described);
                    try {
                        known = new AuditContext.Membership(
                                in,
                                out,
                                arguments,
                                refs,
                                "--reference-models " + referenceModels
                                        + (referenceMasks == null ? "" : " --reference-masks " + referenceMasks));
                    } catch (IllegalArgumentException e) {
                        throw new DataFormatException(referenceModels + ": " + e.getMessage());
                    }
                }
            }
            try (Classifier c = Inputs.openChecked(model, test, description, remote)) {
                AuditContext context = AuditContext.builder(c, test, settings)
                        .optDataName(data)
                        .optMembership(known)
                        .optClassNames(names)
                        .optMembershipRuns(miaRuns)
                        .optExposureRuns(exposureRuns)
                        .optPrivacyAudits(privacyAudits)
                        .optDefenses(defenses == null ? List.of() : defenses, certifySigma)
                        .optAdmissionControl(admission)
                        .optCommandArguments(
                                model,
                                "--data " + data + (labels == null ? "" : " --labels " + labels)
                                        + described.commandArguments() + remote.commandArguments())
                        .build();
                outcome = new Audit().run(context, progress, warnings);
            }
        }
        List<SummaryLine> lines = outcome.summary();
        BaselineComparison.Result comparison = null;
        if (baseline != null) {
            comparison = BaselineComparison.compare(lines, baseline, regressionTolerance);
            lines = comparison.lines();
        }
        Report report = AuditReport.of(outcome, lines);
        ReportWriter.write(report, reportDir);
        List<Path> written = new ArrayList<>();
        if (sarif != null) {
            String location =
                    model != null ? model : cacheDir().resolve("demo-cnn").toString();
            byte[] log = SarifLog.render(report, SarifLog.artifactUri(location), BuildInfo.version(), null)
                    .getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(sarif, o -> o.write(log));
            written.add(sarif);
        }
        if (junit != null) {
            byte[] xml = JunitReport.render(report, gate == null ? Severity.HIGH : gate)
                    .getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(junit, o -> o.write(xml));
            written.add(junit);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        // with --json, standard output holds the JSON only, so the verdict goes to standard error
        PrintWriter verdict = output.json ? stderr : stdout;
        verdict.println("audited " + outcome.modelName() + ":");
        for (SummaryLine line : report.summary()) {
            verdict.printf("  %-13s %s: %s%n", "[" + line.severity().label() + "]", line.threat(), line.headline());
        }
        outcome.result(EvasionCheck.Result.class)
                .map(EvasionCheck.Result::gradientMasking)
                .ifPresent(
                        d -> d.warnings().forEach(w -> verdict.println("  warning: possible gradient masking: " + w)));
        for (SkippedCheck s : report.skipped()) {
            verdict.println("skipped " + s.name() + ": " + s.reason());
        }
        verdict.println("wrote " + reportDir.resolve(ReportWriter.HTML_FILE) + " and "
                + reportDir.resolve(ReportWriter.JSON_FILE));
        for (Path file : written) {
            verdict.println("wrote " + file);
        }
        verdict.flush();
        output.emitJson(stdout, ReportWriter.toJson(report));
        stderr.flush();
        if (comparison != null) {
            stderr.println("marauder: baseline " + baseline + ": " + comparison.compared() + " figures compared, "
                    + comparison.regressions() + (comparison.regressions() == 1 ? " regression" : " regressions")
                    + describe(report.summary()));
            if (failOnRegression && comparison.regressions() > 0) {
                stderr.println("marauder: --fail-on-regression: exit " + Main.FINDINGS);
                stderr.flush();
                return Main.FINDINGS;
            }
        }
        if (gate != null) {
            List<SummaryLine> failing = report.summary().stream()
                    .filter(l -> l.severity() != Severity.NOT_ASSESSED
                            && l.severity().compareTo(gate) <= 0)
                    .toList();
            if (!failing.isEmpty()) {
                stderr.println("marauder: --fail-on " + failOn + ": " + failing.size()
                        + (failing.size() == 1 ? " finding" : " findings") + " at or above " + failOn + " ("
                        + failing.stream().map(SummaryLine::threat).collect(java.util.stream.Collectors.joining(", "))
                        + "); exit " + Main.FINDINGS);
                stderr.flush();
                return Main.FINDINGS;
            }
        }
        return 0;
    }

    /** The regressed figures, e.g. {@code : Evasion (white-box) robust_accuracy 0.6600 -> 0.0300}. */
    private static String describe(List<SummaryLine> lines) {
        StringBuilder t = new StringBuilder();
        for (SummaryLine l : lines) {
            for (dev.marauder.report.Figure f : l.figures()) {
                if (f.regressed()) {
                    t.append(t.length() == 0 ? ": " : "; ")
                            .append(l.threat())
                            .append(' ')
                            .append(f.name())
                            .append(String.format(java.util.Locale.ROOT, " %.4g -> %.4g", f.baseline(), f.value()));
                }
            }
        }
        return t.toString();
    }

    private Path cacheDir() {
        return cache == null ? DemoModel.defaultCache() : cache;
    }

    /**
     * Before any work: {@code --sarif} and {@code --junit} can be written (their directory may be
     * the {@code --report} directory, created later), are no input of the audit, and are neither
     * each other, {@code --out}, nor a file of the report directory.
     */
    private void checkCiOutputs() {
        if (sarif == null && junit == null) {
            return;
        }
        List<Path> inputs = new ArrayList<>();
        for (String given : new String[] {model, data, members, nonMembers}) {
            if (given == null) {
                continue;
            }
            for (String part : given.split(",")) {
                try {
                    Path p = Path.of(part.strip());
                    if (java.nio.file.Files.exists(p)) {
                        inputs.add(p);
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    // a dataset name or a URL: no file
                }
            }
        }
        for (Path p : new Path[] {labels, privacyAudit, dknn, referenceModels, referenceMasks, cache, baseline}) {
            if (p != null) {
                inputs.add(p);
            }
        }
        inputs.addAll(mia == null ? List.of() : mia);
        inputs.addAll(exposure == null ? List.of() : exposure);
        List<Path> outputs = new ArrayList<>();
        outputs.add(reportDir.resolve(ReportWriter.HTML_FILE));
        outputs.add(reportDir.resolve(ReportWriter.JSON_FILE));
        if (output.out != null) {
            outputs.add(output.out);
        }
        checkCiOutput(sarif, "--sarif", "the SARIF file", inputs, outputs);
        if (sarif != null) {
            outputs.add(sarif);
        }
        checkCiOutput(junit, "--junit", "the JUnit XML file", inputs, outputs);
    }

    private void checkCiOutput(Path file, String option, String what, List<Path> inputs, List<Path> outputs) {
        if (file == null) {
            return;
        }
        OutputOptions.checkWritable(file, option, what, inputs, reportDir);
        Path target = file.toAbsolutePath().normalize();
        for (Path other : outputs) {
            if (other.toAbsolutePath().normalize().equals(target)) {
                throw new dev.marauder.core.io.RefusedOutputException(
                        file, "is also written by this audit (" + other + "): choose another " + option);
            }
        }
    }

    /** The severity {@code --fail-on} names. */
    private static Severity gateLevel(String level) {
        return switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "high" -> Severity.HIGH;
            case "medium" -> Severity.MEDIUM;
            case "low" -> Severity.LOW;
            default -> throw new UsageException("--fail-on must be high, medium or low, got '" + level + "'");
        };
    }
}
