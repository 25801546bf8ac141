package dev.marauder.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic sample reports for tests, with synthetic digits, charts and tables. */
final class SampleReports {
    static final Instant GENERATED_AT = Instant.parse("2025-01-31T12:34:56Z");
    static final double[] EPSILONS = {0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3};

    private SampleReports() {}

    /** Provenance of the kind the audit module supplies. */
    static Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("marauder_version", "0.1.0-SNAPSHOT");
        p.put("git_commit", "3f2c9e1d0b7a");
        p.put("java", "17.0.15 (Debian)");
        p.put("os", "Linux 6.1 amd64");
        p.put("engine", "PyTorch 2.7.1 via DJL 0.35.1");
        p.put("seed", 42L);
        p.put("settings", Map.of("norm", "linf", "steps", 40));
        p.put("model_sha256", "9b74c9897bac770ffc029102a200c5de");
        p.put("started_at", Instant.parse("2025-01-31T12:30:00Z"));
        return p;
    }

    /** A report exercising every block type, with two sections and a log-log ROC chart. */
    static Report full() {
        return Report.builder("Marauder audit: mnist-cnn")
                .generatedAt(GENERATED_AT)
                .provenance(provenance())
                .summaryLines(summary())
                .skipped("model inversion", "the model has no class-conditional generator to invert")
                .section(evasion())
                .section(membership())
                .build();
    }

    /** One verdict line per severity, as the audit module's checks would write them. */
    static List<SummaryLine> summary() {
        return List.of(
                new SummaryLine(
                        "Evasion (white-box)",
                        "PGD-40 L-inf, eps 0.15, 1000 test images",
                        "robust accuracy 0.061 at eps 0.15 (clean 0.991)",
                        Severity.HIGH,
                        "high if robust accuracy < 0.5 x clean accuracy at the stated eps",
                        "marauder attack pgd --model mnist-cnn --data test.csv --eps 0.15 --steps 40"),
                new SummaryLine(
                        "Membership inference",
                        "LiRA (online), 64 shadow models",
                        "TPR 0.0123 at 0.1% FPR",
                        Severity.MEDIUM,
                        "medium if TPR at 0.1% FPR is between 3x and 10x the FPR",
                        "marauder membership lira --model mnist-cnn --shadows 64"),
                new SummaryLine(
                        "Differential privacy",
                        "DP-SGD accountant (RDP)",
                        "formal epsilon 1.2 at delta 1e-5",
                        Severity.LOW,
                        "low if formal epsilon <= 2 at delta <= 1/n",
                        "marauder privacy epsilon --model mnist-cnn"),
                new SummaryLine(
                        "Model inversion",
                        "",
                        "not run",
                        Severity.NOT_ASSESSED,
                        "not assessed when the check does not apply",
                        ""));
    }

    static Section evasion() {
        double[] clean = {0.991, 0.991, 0.991, 0.991, 0.991, 0.991, 0.991};
        double[] fgsm = {0.991, 0.842, 0.513, 0.262, 0.118, 0.054, 0.021};
        double[] pgd = {0.991, 0.781, 0.305, 0.061, 0.008, 0.001, 0.0};
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < EPSILONS.length; i++) {
            rows.add(List.of(EPSILONS[i], fgsm[i], pgd[i]));
        }
        Chart chart = Chart.builder("Robust accuracy vs. epsilon (L-infinity)")
                .xAxis("epsilon")
                .yAxis("accuracy")
                .yRange(0, 1)
                .markers(true)
                .line("clean", EPSILONS, clean)
                .line("FGSM", EPSILONS, fgsm)
                .line("PGD-40", EPSILONS, pgd)
                .build();
        return Section.builder("evasion", "Evasion robustness")
                .paragraph("White-box, untargeted attacks under an L-infinity budget on 1000 test images. PGD"
                        + " follows Madry et al. (2018) with 40 steps of size epsilon/10 and a random"
                        + " start; FGSM follows Goodfellow et al. (2015).")
                .warning("Robust accuracy under PGD falls below 10% at epsilon = 0.15.")
                .keyValues(keyValues())
                .table(List.of("epsilon", "FGSM accuracy", "PGD-40 accuracy"), rows)
                .chart("accuracy_vs_epsilon", chart)
                .images(digits())
                .note("Perturbations are magnified to full contrast; mid-grey is zero.")
                .data("clean_accuracy", 0.991)
                .data("epsilons", EPSILONS)
                .build();
    }

    private static Map<String, Object> keyValues() {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("clean accuracy", 0.991);
        kv.put("examples", 1000);
        kv.put("threat model", "white-box, untargeted");
        return kv;
    }

    static Section membership() {
        double[][] roc = roc(new Random(7), 4000, 1.2);
        double[][] weak = roc(new Random(8), 4000, 0.3);
        Chart chart = Chart.builder("Membership inference ROC (log-log)")
                .xAxis("false positive rate")
                .yAxis("true positive rate")
                .logX()
                .logY()
                .xRange(1e-4, 1)
                .yRange(1e-4, 1)
                .line("LiRA (online)", roc[0], roc[1])
                .line("loss threshold", weak[0], weak[1])
                .reference("chance", new double[] {1e-4, 1}, new double[] {1e-4, 1})
                .build();
        return Section.builder("membership", "Membership inference")
                .paragraph("Black-box attack with shadow models; TPR at low FPR is what matters.")
                .chart("roc_curve", chart)
                .table(
                        List.of("attack", "AUC", "TPR @ 0.1% FPR"),
                        List.of(List.of("LiRA (online)", 0.801, 0.0123), List.of("loss threshold", 0.58, "0.0011")))
                .build();
    }

    /** ROC points of a binormal score model with separation {@code d}, from sampled scores. */
    static double[][] roc(Random rnd, int n, double d) {
        double[] in = new double[n];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            in[i] = rnd.nextGaussian() + d;
            out[i] = rnd.nextGaussian();
        }
        Arrays.sort(in);
        Arrays.sort(out);
        double[] fpr = new double[n + 1];
        double[] tpr = new double[n + 1];
        int j = n; // members above the threshold
        for (int k = n; k >= 0; k--) {
            double threshold = k == n ? Double.POSITIVE_INFINITY : out[k];
            while (j > 0 && in[j - 1] >= threshold) {
                j--;
            }
            fpr[n - k] = (double) (n - k) / n;
            tpr[n - k] = (double) (n - j) / n;
        }
        return new double[][] {fpr, tpr};
    }

    /** Clean digit, adversarial digit and magnified perturbation, three rows, plus a colour row. */
    static ImageGrid digits() {
        Random rnd = new Random(1);
        ImageGrid.Builder grid =
                ImageGrid.builder().title("PGD-40 at epsilon = 0.1").columns("clean", "adversarial", "perturbation");
        String[] labels = {"3", "7", "8"};
        String[] preds = {"5 0.93", "1 0.88", "3 0.71"};
        for (int r = 0; r < labels.length; r++) {
            float[] x = glyph(labels[r], 28);
            float[] delta = new float[x.length];
            float[] adv = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                delta[i] = (rnd.nextBoolean() ? 0.1f : -0.1f) * (rnd.nextFloat() < 0.8f ? 1 : 0);
                adv[i] = Math.max(0, Math.min(1, x[i] + delta[i]));
                delta[i] = adv[i] - x[i];
            }
            grid.row(
                    ImageGrid.Cell.of(x, 28, 28, 1, 0, 1, "true: " + labels[r]),
                    ImageGrid.Cell.of(adv, 28, 28, 1, 0, 1, "pred: " + preds[r]),
                    ImageGrid.Cell.perturbation(delta, 28, 28, 1, "|max| = 0.1"));
        }
        grid.row(ImageGrid.Cell.of(colour(32), 32, 32, 3, 0, 1, "colour (CHW)"));
        return grid.build();
    }

    /** A white-on-black glyph, like an MNIST digit, as values in [0, 1]. */
    static float[] glyph(String text, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size - 6));
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (size - w) / 2, size - 5);
        g.dispose();
        float[] v = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                v[y * size + x] = img.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        return v;
    }

    /** A CHW colour test pattern: red ramp left to right, green ramp top to bottom, blue disc. */
    static float[] colour(int size) {
        float[] v = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - size / 2.0;
                double dy = y - size / 2.0;
                v[y * size + x] = x / (size - 1f);
                v[plane + y * size + x] = y / (size - 1f);
                v[2 * plane + y * size + x] = dx * dx + dy * dy < size * size / 9.0 ? 1f : 0f;
            }
        }
        return v;
    }
}
