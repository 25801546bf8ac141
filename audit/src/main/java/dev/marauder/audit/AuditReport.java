package dev.marauder.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.ModelCard;
import dev.marauder.report.Chart;
import dev.marauder.report.ImageGrid;
import dev.marauder.report.Report;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an {@link AuditResult} into the audit {@link Report}: one section per capability, each
 * built here from that capability's result type, so the report module knows nothing of attacks.
 */
public final class AuditReport {
    private AuditReport() {}

    /** The full report of an audit. */
    public static Report of(AuditResult result) {
        Report.Builder b = Report.builder("Marauder audit: " + result.model().name())
                .provenance(Json.mapper().convertValue(result.provenance(), new TypeReference<Map<String, Object>>() {}));
        b.section(modelSection(result));
        b.section(evasionSection(result));
        b.section(privacySection(result));
        b.section(leakageSection(result));
        return b.build();
    }

    static ReportSection modelSection(AuditResult r) {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("name", r.model().name());
        kv.put("format", r.model().format().name().toLowerCase(Locale.ROOT));
        kv.put("input shape", java.util.Arrays.toString(r.inputSpec().shape()));
        kv.put("input bounds", "[" + r.inputSpec().lower() + ", " + r.inputSpec().upper() + "]");
        kv.put("classes", r.classes());
        kv.put("output", r.outputKind().name().toLowerCase(Locale.ROOT));
        kv.put("test data", r.data());
        kv.put("test examples", r.testExamples());
        kv.put("clean accuracy", r.cleanAccuracy());
        ModelCard card = r.card();
        Section.Builder s = Section.builder("model", "Model");
        if (card != null) {
            kv.put("architecture", card.architecture());
            kv.put("trained on", card.dataset() + " (" + card.trainExamples() + " examples)");
            kv.put("training", card.epochs() + " epochs, batch " + card.batchSize() + ", " + card.optimizer()
                    + " lr " + card.learningRate() + ", seed " + card.seed());
            kv.put("test accuracy at training", card.testAccuracy());
            kv.put("training seconds", card.trainingSeconds());
            kv.put("differential privacy", card.privacy() == null ? "none (no formal guarantee)" : card.privacy());
            s.paragraph("A Marauder model directory; its model card is summarised below.");
        } else {
            s.paragraph("A model file trained elsewhere; the input specification below was given to Marauder.");
        }
        r.model().fileHashes().forEach((path, hash) -> kv.put("sha256 " + java.nio.file.Path.of(path).getFileName(), hash));
        s.keyValues(kv);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", r.model().name());
        data.put("format", r.model().format().name().toLowerCase(Locale.ROOT));
        data.put("input_shape", r.inputSpec().shape());
        data.put("input_bounds", new float[] {r.inputSpec().lower(), r.inputSpec().upper()});
        data.put("classes", r.classes());
        data.put("test_data", r.data());
        data.put("test_examples", r.testExamples());
        data.put("clean_accuracy", r.cleanAccuracy());
        data.put("file_sha256", r.model().fileHashes());
        if (card != null) {
            data.put("model_card", Json.mapper().convertValue(card, new TypeReference<Map<String, Object>>() {}));
        }
        s.data(data);
        return s.build();
    }

    static ReportSection evasionSection(AuditResult r) {
        Section.Builder s = Section.builder("evasion", "Evasion robustness");
        if (r.evasion().isEmpty()) {
            s.note("This model gives black-box access only (" + r.model().format().name().toLowerCase(Locale.ROOT)
                    + "), so white-box gradient attacks were not run.");
            s.data("available", false);
            return s.build();
        }
        RobustnessResult first = r.evasion().get(0);
        s.paragraph(String.format(Locale.ROOT,
                "White-box, untargeted attacks under an L-infinity budget on the first %d test examples: the fast"
                        + " gradient sign method, FGSM (Goodfellow, Shlens & Szegedy 2015), and projected gradient"
                        + " descent, PGD (Madry et al. 2018). Robust accuracy counts examples the model already got"
                        + " wrong as failures; attack success rate is the share of correctly classified examples the"
                        + " attack made misclassified.", first.examples()));
        EvasionDiagnostics d = r.diagnostics();
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
                .xAxis("epsilon").yAxis("robust accuracy").yRange(0, 1).markers(true);
        List<Map<String, Object>> attacks = new ArrayList<>();
        for (RobustnessResult a : r.evasion()) {
            List<List<?>> rows = new ArrayList<>();
            double[] eps = new double[a.perEpsilon().size()];
            double[] acc = new double[eps.length];
            List<Map<String, Object>> json = new ArrayList<>();
            for (int i = 0; i < eps.length; i++) {
                RobustnessResult.AtEpsilon e = a.perEpsilon().get(i);
                eps[i] = e.epsilon();
                acc[i] = e.robustAccuracy();
                rows.add(List.of(e.epsilon(), e.robustAccuracy(), e.attackSuccessRate(), e.meanPerturbation(),
                        e.seconds()));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("eps", e.epsilon());
                row.put("robust_accuracy", e.robustAccuracy());
                row.put("attack_success_rate", e.attackSuccessRate());
                row.put("mean_perturbation", e.meanPerturbation());
                row.put("seconds", e.seconds());
                json.add(row);
            }
            s.paragraph(a.attack().toUpperCase(Locale.ROOT) + " " + a.settings());
            s.table(List.of("epsilon", "robust accuracy", "attack success rate", "mean L-inf perturbation", "seconds"),
                    rows);
            chart.line(a.attack().toUpperCase(Locale.ROOT), eps, acc);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("attack", a.attack());
            entry.put("norm", "linf");
            entry.put("settings", a.settings());
            entry.put("examples", a.examples());
            entry.put("clean_accuracy", a.cleanAccuracy());
            entry.put("per_epsilon", json);
            attacks.add(entry);
        }
        s.chart("robust_accuracy_vs_epsilon", chart.build());
        RobustnessResult strongest = r.evasion().get(r.evasion().size() - 1);
        ImageGrid grid = grid(r, strongest);
        if (grid != null) {
            s.images(grid);
        }
        s.data("examples", first.examples());
        s.data("clean_accuracy", first.cleanAccuracy());
        s.data("attacks", attacks);
        if (d != null) {
            Map<String, Object> diag = new LinkedHashMap<>();
            diag.put("zero_gradient_fraction", d.zeroGradientFraction());
            diag.put("large_epsilon", d.largeEpsilon());
            diag.put("large_epsilon_accuracy", d.largeEpsilonAccuracy());
            diag.put("warnings", d.warnings());
            s.data("gradient_masking", diag);
            s.keyValues(Map.of("inputs with a zero loss gradient", d.zeroGradientFraction(),
                    "PGD robust accuracy at eps " + d.largeEpsilon(), d.largeEpsilonAccuracy()));
        }
        return s.build();
    }

    static ReportSection privacySection(AuditResult r) {
        Section.Builder s = Section.builder("privacy", "Differential privacy");
        PrivacySummary p = r.privacy();
        if (p != null && !p.empiricalAudits().isEmpty()) {
            List<String> header = List.of("training audited", "claimed epsilon", "audited epsilon lower bound", "confidence",
                    "correct guesses", "canaries (included)", "test accuracy");
            List<List<Object>> rows = new ArrayList<>();
            for (Map<String, Object> a : p.empiricalAudits()) {
                Object claimed = a.get("claimed_epsilon");
                rows.add(java.util.Arrays.asList(a.get("training"), claimed == null ? "none (no DP)" : claimed, a.get("epsilon_lower_bound"),
                        a.get("confidence"), a.get("correct") + " of " + a.get("guesses"),
                        a.get("canaries") + " (" + a.get("included") + ")", a.get("test_accuracy")));
                if (claimed instanceof Number c && ((Number) a.get("epsilon_lower_bound")).doubleValue() > c.doubleValue()) {
                    s.warning("The audited lower bound of the " + a.get("training") + " run exceeds its claimed epsilon:"
                            + " the DP implementation or its accounting is wrong.");
                }
            }
            s.table(header, rows);
            s.paragraph("Empirical audit (Steinke, Nasr & Jagielski 2023, one training run with canaries): canaries are"
                    + " training examples with a wrong label, each included with probability 1/2; the auditor guesses"
                    + " which were included from the trained model's confidence in the wrong label. The number of correct"
                    + " guesses gives a lower bound on epsilon that holds with the stated confidence. For a DP-SGD run it"
                    + " must sit below the claimed epsilon; for a model without DP it shows how much membership leaks.");
            s.data("empirical_audits", p.empiricalAudits());
        }
        if (p == null || !p.hasGuarantee()) {
            s.warning("This model has no formal privacy guarantee: it was not trained with differential privacy"
                    + " (or not by Marauder, so no guarantee is recorded). Membership inference and memorisation"
                    + " are bounded by nothing but the model's generalisation.");
            s.data("formal_guarantee", false);
            return s.build();
        }
        Map<String, Object> g = p.guarantee();
        s.paragraph(String.format(Locale.ROOT, "Trained with DP-SGD (Abadi et al. 2016): per-example clipping to norm %s,"
                + " Gaussian noise of multiplier %s, Poisson sampling at rate %s for %s steps. The %s accountant gives"
                + " (epsilon, delta) = (%.4g, %s).", g.get("clip_norm"), g.get("noise_multiplier"), g.get("sample_rate"),
                g.get("steps"), String.valueOf(g.get("accountant")).toUpperCase(Locale.ROOT),
                ((Number) g.get("epsilon")).doubleValue(), g.get("delta")));
        if (Boolean.FALSE.equals(g.get("secure_randomness"))) {
            s.warning("This model was trained with a fixed seed for noise and sampling: reproducible but NOT private.");
        }
        s.keyValues(g);
        double[] x = new double[p.steps().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = p.steps()[i];
        }
        s.chart("epsilon_vs_steps", Chart.builder("Epsilon spent vs. training step (delta " + g.get("delta") + ")")
                .xAxis("step").yAxis("epsilon").line("epsilon", x, p.epsilons()).build());
        s.data("formal_guarantee", true);
        s.data("guarantee", g);
        return s.build();
    }

    static ReportSection leakageSection(AuditResult r) {
        Section.Builder s = Section.builder("privacy_leakage", "Privacy leakage");
        PrivacyLeakage leakage = r.leakage() == null ? PrivacyLeakage.none() : r.leakage();
        leakage.notes().forEach(s::note);
        exposure(s, leakage.exposure());
        inversion(s, r, leakage.inversion());
        if (leakage.membership().isEmpty()) {
            s.note("No membership inference was run: the audit needs the model's training data (a model trained by"
                    + " Marauder on a dataset that still loads), or a result of 'marauder mia --out FILE' given with --mia.");
            s.data("membership_inference", List.of());
            return s.build();
        }
        s.paragraph("Membership inference: can an attacker tell the model's training examples (members) from held-out"
                + " examples (non-members)? AUC 0.5 and TPR equal to FPR mean nothing leaks. The true-positive rate at a"
                + " low false-positive rate is the measure that matters (Carlini et al. 2022): an attack that"
                + " confidently identifies even a few members is a privacy failure. The epsilon lower bound follows from"
                + " the attack's TPR and FPR with Clopper-Pearson confidence intervals.");
        List<String> header = List.of("run", "attack", "members", "non-members", "AUC", "balanced accuracy",
                "TPR @ 1% FPR", "TPR @ 0.1% FPR", "epsilon lower bound");
        List<List<Object>> rows = new ArrayList<>();
        Chart.Builder roc = Chart.builder("Membership inference ROC (log-log)").xAxis("false positive rate")
                .yAxis("true positive rate").logX().logY().xRange(1e-3, 1).yRange(1e-3, 1);
        int run = 0;
        boolean several = leakage.membership().size() > 1;
        for (Map<String, Object> m : leakage.membership()) {
            run++;
            String label = run + ": " + describeTarget(m) + " (" + m.get("kind") + ")";
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> attacks = (Map<String, Map<String, Object>>) m.get("attacks");
            for (Map.Entry<String, Map<String, Object>> a : attacks.entrySet()) {
                Map<String, Object> e = a.getValue();
                @SuppressWarnings("unchecked")
                Map<String, Object> tpr = (Map<String, Object>) e.get("tpr_at_fpr");
                rows.add(java.util.Arrays.asList(label, a.getKey(), e.get("members"),
                        e.get("non_members"), e.get("auc"), e.get("balanced_accuracy"), tpr.get("0.01"), tpr.get("0.001"),
                        e.get("epsilon_lower_bound")));
                @SuppressWarnings("unchecked")
                List<List<Number>> points = (List<List<Number>>) e.get("roc");
                // several runs: each run's headline attack and its loss threshold, so the chart stays readable
                boolean drawn = !several || a.getKey().equals(m.get("attack")) || a.getKey().equals("loss");
                if (drawn && points != null && !points.isEmpty()) {
                    double[] fpr = points.stream().mapToDouble(p -> p.get(0).doubleValue()).toArray();
                    double[] tprs = points.stream().mapToDouble(p -> p.get(1).doubleValue()).toArray();
                    roc.line((several ? run + ": " : "") + a.getKey(), fpr, tprs);
                }
            }
        }
        roc.line("chance", new double[] {1e-3, 1}, new double[] {1e-3, 1});
        s.table(header, rows);
        s.chart("membership_roc", roc.build());
        s.data("membership_inference", leakage.membership());
        return s.build();
    }

    /**
     * A membership-inference run's target in a few words: model, epochs, DP-SGD epsilon or "no DP",
     * test accuracy, as far as the run recorded them (end-to-end runs record all of it).
     */
    public static String describeTarget(Map<String, Object> run) {
        if (!(run.get("target") instanceof Map<?, ?> target)) {
            return "model";
        }
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(target.get("model")));
        if (target.get("training") instanceof Map<?, ?> training) {
            if (training.get("epochs") != null) {
                parts.add(training.get("epochs") + " epochs");
            }
            Object dp = training.get("dp");
            if (target.get("epsilon") instanceof Number eps) {
                parts.add(String.format(Locale.ROOT, "DP-SGD epsilon %.3g", eps.doubleValue()));
            } else {
                parts.add(dp == null || "none".equals(dp) ? "no DP" : "DP-SGD");
            }
        }
        if (target.get("test_accuracy") instanceof Number acc) {
            parts.add(String.format(Locale.ROOT, "test accuracy %.3f", acc.doubleValue()));
        } else if (target.get("non_member_accuracy") instanceof Number acc) {
            parts.add(String.format(Locale.ROOT, "non-member accuracy %.3f", acc.doubleValue()));
        }
        return String.join(", ", parts);
    }

    /** MI-Face reconstructions, one image per class, with the confidence the model gives each. */
    private static void inversion(Section.Builder s, AuditResult r, dev.marauder.attacks.inference.inversion.InversionResult inv) {
        if (inv == null || inv.reconstructions().isEmpty()) {
            return;
        }
        int[] shape = inv.inputSpec().shape();
        int c = shape[0];
        int h = shape[1];
        int w = shape[2];
        ImageGrid.Builder g = ImageGrid.builder().title("Model inversion (MI-Face, " + inv.access() + ")").scale(3);
        List<ImageGrid.Cell> cells = new ArrayList<>();
        List<Map<String, Object>> data = new ArrayList<>();
        for (var rec : inv.reconstructions()) {
            cells.add(ImageGrid.Cell.of(rec.image().data(), w, h, c, inv.inputSpec().lower(), inv.inputSpec().upper(),
                    String.format(Locale.ROOT, "%s p=%.2f", name(r, rec.targetClass()), rec.confidence())));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", rec.targetClass());
            m.put("confidence", rec.confidence());
            m.put("iterations", rec.iterations());
            m.put("queries", rec.queries());
            data.add(m);
        }
        for (int start = 0; start < cells.size(); start += 5) {
            g.row(cells.subList(start, Math.min(cells.size(), start + 5)));
        }
        s.paragraph("Model inversion (Fredrikson, Jha & Ristenpart 2015, MI-Face): gradient descent on the input to"
                + " maximise each class's confidence, with smoothing between steps. Recognisable class prototypes mean"
                + " the model's confidence scores reveal what its training data look like.");
        s.images(g.build());
        s.data("inversion", data);
    }

    /** The Secret Sharer runs: mean exposure per repetition count, one line per run (non-private, DP-SGD). */
    private static void exposure(Section.Builder s, List<Map<String, Object>> runs) {
        if (runs.isEmpty()) {
            return;
        }
        s.paragraph("Memorisation (Carlini et al. 2019, The Secret Sharer): random canaries inserted into the training"
                + " text a given number of times. Exposure is log2 of the number of candidate secrets minus log2 of the"
                + " canary's rank among them by model likelihood; the maximum means the model ranks the secret first.");
        Chart.Builder chart = Chart.builder("Canary exposure vs. repetitions").xAxis("insertions").yAxis("exposure (bits)")
                .logX();
        List<List<Object>> rows = new ArrayList<>();
        int run = 0;
        for (Map<String, Object> r : runs) {
            run++;
            @SuppressWarnings("unchecked")
            Map<String, Object> means = (Map<String, Object>) r.get("mean_exposure_by_repetitions");
            @SuppressWarnings("unchecked")
            Map<String, Object> privacy = (Map<String, Object>) r.get("privacy");
            String label = privacy == null ? "run " + run + ": no DP"
                    : String.format(Locale.ROOT, "run %d: DP-SGD, epsilon %.3g", run, ((Number) privacy.get("epsilon")).doubleValue());
            double[] x = means.keySet().stream().mapToDouble(Double::parseDouble).toArray();
            double[] y = means.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            chart.line(label, x, y);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> canaries = (List<Map<String, Object>>) r.get("canaries");
            long extracted = canaries.stream().filter(c -> ((Number) c.get("extraction_rank")).longValue() > 0).count();
            rows.add(java.util.Arrays.asList(label, means.toString(), r.get("max_exposure"),
                    extracted + " of " + canaries.size()));
        }
        s.table(List.of("run", "mean exposure by insertions", "maximum exposure", "secrets extracted"), rows);
        s.chart("exposure_vs_repetitions", chart.build());
        s.data("exposure", runs);
    }

    /** Originals and adversarials at each epsilon, plus the magnified perturbation at the largest. */
    static ImageGrid grid(AuditResult r, RobustnessResult f) {
        FloatTensor originals = f.sampleOriginals();
        int[] shape = originals.shape();
        if (shape.length != 4 || (shape[1] != 1 && shape[1] != 3) || shape[0] == 0) {
            return null;
        }
        int c = shape[1];
        int h = shape[2];
        int w = shape[3];
        int n = shape[0];
        int size = c * h * w;
        double lo = r.inputSpec().lower();
        double hi = r.inputSpec().upper();
        List<String> headings = new ArrayList<>();
        headings.add("original");
        List<RobustnessResult.AtEpsilon> shown = f.perEpsilon().stream().filter(e -> e.epsilon() > 0).toList();
        shown.forEach(e -> headings.add("eps " + e.epsilon()));
        if (!shown.isEmpty()) {
            headings.add("perturbation, eps " + shown.get(shown.size() - 1).epsilon() + " (magnified)");
        }
        ImageGrid.Builder g = ImageGrid.builder().title(f.attack().toUpperCase(Locale.ROOT) + " adversarial examples").columns(headings.toArray(String[]::new)).scale(3);
        for (int i = 0; i < n; i++) {
            float[] orig = java.util.Arrays.copyOfRange(originals.data(), i * size, (i + 1) * size);
            List<ImageGrid.Cell> cells = new ArrayList<>();
            cells.add(ImageGrid.Cell.of(orig, w, h, c, lo, hi, String.format(Locale.ROOT, "true %s / pred %s %.2f",
                    name(r, f.labels()[i]), name(r, f.cleanPredictions()[i]), f.cleanConfidences()[i])));
            float[] lastDelta = null;
            for (RobustnessResult.AtEpsilon e : shown) {
                float[] adv = java.util.Arrays.copyOfRange(e.sampleAdversarials().data(), i * size, (i + 1) * size);
                cells.add(ImageGrid.Cell.of(adv, w, h, c, lo, hi, String.format(Locale.ROOT, "pred %s %.2f",
                        name(r, e.predictions()[i]), e.confidences()[i])));
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

    private static String name(AuditResult r, int label) {
        return label < r.classNames().size() ? r.classNames().get(label) : Integer.toString(label);
    }
}
