package dev.marauder.cli;

import dev.marauder.audit.Audit;
import dev.marauder.audit.AuditReport;
import dev.marauder.audit.AuditResult;
import dev.marauder.audit.AuditSettings;
import dev.marauder.audit.DemoModel;
import dev.marauder.audit.DemoPrivacyAudit;
import dev.marauder.audit.LeakageAudit;
import dev.marauder.audit.PrivacyLeakage;
import dev.marauder.core.data.ClassNames;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.Report;
import dev.marauder.report.ReportWriter;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder audit}: with no arguments, the demo (a cached CNN on the shipped Fashion-MNIST
 * subset); with {@code --model}, the user's model on the user's data. Writes {@code index.html}
 * and {@code report.json}.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Audit a model and write an HTML + JSON report.",
            "Without --model: trains (or reuses) the demo CNN on the shipped Fashion-MNIST subset."})
final class AuditCommand implements Callable<Integer> {
    /** Members and non-members each in the report's threshold membership inference. */
    static final int MIA_EXAMPLES = 2000;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "M", description = "Model directory, .pt or .onnx file (default: the demo model).")
    Path model;

    @Option(names = "--data", paramLabel = "X",
            description = "Test features file, or a dataset name/directory (its test split). Required with --model.")
    String data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels file for --data.")
    Path labels;

    @Option(names = "--bounds", defaultValue = "0,1", paramLabel = "LO,HI",
            description = "Valid input range for .pt/.onnx models (default ${DEFAULT-VALUE}).")
    String bounds;

    @Option(names = "--eps", split = ",", paramLabel = "E",
            description = "L-infinity epsilons for FGSM and PGD (default 0,0.02,0.05,0.1,0.2).")
    double[] eps;

    @Option(names = "--pgd-steps", defaultValue = "20", paramLabel = "K", description = "PGD iterations (default ${DEFAULT-VALUE}).")
    int pgdSteps;

    @Option(names = "--examples", defaultValue = "1000", paramLabel = "N",
            description = "Test examples to attack (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--out", defaultValue = "marauder-report", paramLabel = "DIR",
            description = "Report directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where the demo model is cached (default ~/.cache/marauder).")
    Path cache;

    @Option(names = "--privacy-audit", paramLabel = "FILE",
            description = "JSON of 'marauder privacy audit --out FILE' to show beside the model's privacy guarantee.")
    Path privacyAudit;

    @Option(names = "--mia", paramLabel = "FILE", split = ",",
            description = "JSON of 'marauder mia --out FILE' (e.g. LiRA) to add to the privacy-leakage section.")
    List<Path> mia;

    @Option(names = "--exposure", paramLabel = "FILE", split = ",",
            description = "JSON of 'marauder exposure --out FILE' (a language model's canary exposure) for the privacy-leakage section.")
    List<Path> exposure;

    @Option(names = "--no-privacy-audit",
            description = "Demo only: skip the empirical privacy audit of the demo's training recipe (two extra training runs, cached).")
    boolean noPrivacyAudit;

    @Option(names = "--json", description = "Also print report.json on standard output.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        AuditSettings defaults = AuditSettings.defaults();
        AuditSettings settings;
        try {
            settings = new AuditSettings(eps == null ? defaults.epsilons() : eps, pgdSteps, examples,
                    defaults.batchSize(), defaults.gridExamples());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (model == null && (data != null || labels != null)) {
            throw new UsageException("--data and --labels need --model (without --model the demo model and data are used)");
        }
        if (model != null && data == null) {
            throw new UsageException("--model needs --data (and --labels unless --data names a dataset)");
        }
        if (out.toFile().isFile()) {
            throw new UsageException("--out must be a directory, but " + out + " is a file");
        }
        OutputOptions o = new OutputOptions();
        o.quiet = quiet;
        Progress progress = o.progress();
        AuditResult result;
        if (model == null) {
            TrainTestSplit split = Datasets.load(DemoModel.DATASET);
            Path dir = cache == null ? DemoModel.defaultCache() : cache;
            try (Classifier c = DemoModel.obtain(split, dir, progress)) {
                result = new Audit(settings).run(c, split.test(), DemoModel.DATASET, ClassNames.of(DemoModel.DATASET), progress);
                PrivacyLeakage leakage = PrivacyLeakage.none().withMembership(
                        LeakageAudit.thresholdAttack(c, split.train(), split.test(), MIA_EXAMPLES));
                if (c instanceof dev.marauder.core.model.DifferentiableClassifier white) {
                    leakage = leakage.withInversion(LeakageAudit.inversion(white));
                }
                result = result.withLeakage(leakage);
            }
            if (!noPrivacyAudit) {
                var stderr = spec.commandLine().getErr();
                result = result.withPrivacy(result.privacy().withEmpiricalAudits(DemoPrivacyAudit.obtain(split, dir, progress,
                        w -> stderr.println("marauder: warning: " + w))));
            }
        } else {
            float[] range = Inputs.bounds(bounds);
            Inputs.requireExists(model, "--model");
            LabeledData test = Inputs.evaluationData(data, labels);
            List<String> names = labels == null ? ClassNames.of(data) : List.of();
            try (Classifier c = Inputs.openChecked(model, test, range)) {
                result = new Audit(settings).run(c, test, data, names, progress);
                PrivacyLeakage leakage = PrivacyLeakage.none();
                var members = c instanceof dev.marauder.core.model.BuiltinClassifier b
                        ? LeakageAudit.trainingData(b.card()) : java.util.Optional.<LabeledData>empty();
                if (members.isPresent()) {
                    leakage = leakage.withMembership(LeakageAudit.thresholdAttack(c, members.get(), test, MIA_EXAMPLES));
                } else {
                    leakage = leakage.withNote("Membership inference needs the model's training data, which this model's"
                            + " card does not identify; run 'marauder mia' with --members and --non-members and pass its"
                            + " result with --mia.");
                }
                if (c instanceof dev.marauder.core.model.DifferentiableClassifier white) {
                    leakage = leakage.withInversion(LeakageAudit.inversion(white));
                }
                result = result.withLeakage(leakage);
            }
        }
        for (Path file : mia == null ? List.<Path>of() : mia) {
            Inputs.requireExists(file, "--mia");
            Map<String, Object> run;
            try {
                run = dev.marauder.core.json.Json.mapper().readValue(file.toFile(),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
            } catch (java.io.IOException e) {
                throw new dev.marauder.core.io.DataFormatException(file, "not a JSON membership-inference result ("
                        + dev.marauder.core.io.Messages.firstLine(e) + ")", e);
            }
            if (!(run.get("attacks") instanceof Map) || !run.containsKey("auc")) {
                throw new dev.marauder.core.io.DataFormatException(file, "has no auc and attacks: not written by 'marauder mia'");
            }
            result = result.withLeakage(result.leakage().withMembership(run));
        }
        for (Path file : exposure == null ? List.<Path>of() : exposure) {
            Inputs.requireExists(file, "--exposure");
            Map<String, Object> run;
            try {
                run = dev.marauder.core.json.Json.mapper().readValue(file.toFile(),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
            } catch (java.io.IOException e) {
                throw new dev.marauder.core.io.DataFormatException(file, "not a JSON exposure result ("
                        + dev.marauder.core.io.Messages.firstLine(e) + ")", e);
            }
            if (!(run.get("mean_exposure_by_repetitions") instanceof Map) || !(run.get("canaries") instanceof List)) {
                throw new dev.marauder.core.io.DataFormatException(file,
                        "has no mean_exposure_by_repetitions and canaries: not written by 'marauder exposure'");
            }
            result = result.withLeakage(result.leakage().withExposure(run));
        }
        if (privacyAudit != null) {
            Inputs.requireExists(privacyAudit, "--privacy-audit");
            Map<String, Object> audit;
            try {
                audit = dev.marauder.core.json.Json.mapper().readValue(privacyAudit.toFile(),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
            } catch (java.io.IOException e) {
                throw new dev.marauder.core.io.DataFormatException(privacyAudit, "not a JSON privacy audit ("
                        + dev.marauder.core.io.Messages.firstLine(e) + ")", e);
            }
            if (!audit.containsKey("epsilon_lower_bound")) {
                throw new dev.marauder.core.io.DataFormatException(privacyAudit,
                        "has no epsilon_lower_bound: not written by 'marauder privacy audit'");
            }
            result = result.withPrivacy(result.privacy().withEmpiricalAudits(List.of(audit)));
        }
        Report report = AuditReport.of(result);
        ReportWriter.write(report, out);
        var stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(ReportWriter.toJson(report));
        } else {
            stdout.printf("audited %s: clean accuracy %.4f%n", result.model().name(), result.cleanAccuracy());
            result.evasion().forEach(a -> a.perEpsilon().forEach(e -> stdout.printf("  %-5s eps %-5s robust accuracy %.4f%n",
                    a.attack(), e.epsilon(), e.robustAccuracy())));
            if (result.diagnostics() != null) {
                result.diagnostics().warnings().forEach(w -> stdout.println("  warning: possible gradient masking: " + w));
            }
            stdout.println("wrote " + out.resolve(ReportWriter.HTML_FILE) + " and " + out.resolve(ReportWriter.JSON_FILE));
        }
        stdout.flush();
        return 0;
    }

}
