package dev.marauder.cli;

import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.attacks.inference.membership.MembershipInference;
import dev.marauder.attacks.inference.membership.TrainingRecipe;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code marauder mia}, end to end and against a given model. */
class MiaCommandTest {

    @Test
    void endToEndThresholdAttackReportsTheRequiredMetrics(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mia.json");
        CliTest.Run r = run(
                "mia",
                "--kind",
                "threshold",
                "--arch",
                "mlp",
                "--data",
                "mnist",
                "--train-size",
                "300",
                "--epochs",
                "15",
                "--batch",
                "32",
                "--lr",
                "0.002",
                "--seed",
                "1",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("AUC").contains("0.1% FPR");
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(j.get("kind").asText()).isEqualTo("threshold");
        assertThat(j.get("attack").asText()).isEqualTo("loss");
        assertThat(j.get("auc").asDouble()).isGreaterThan(0.6);
        assertThat(j.get("balanced_accuracy").asDouble()).isGreaterThan(0.55);
        assertThat(j.get("tpr_at_fpr").has("0.01")).isTrue();
        assertThat(j.get("tpr_at_fpr").has("0.001")).isTrue();
        assertThat(j.get("epsilon_lower_bound").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(j.get("seconds").asDouble()).isPositive();
        assertThat(j.get("attacks").get("entropy").get("roc").size()).isGreaterThan(2);
        assertThat(j.get("target").get("member_accuracy").asDouble()).isGreaterThan(0.99);
        // the report names each run by its target
        assertThat(dev.marauder.audit.MembershipRun.of(j).describeTarget())
                .isEqualTo(String.format(
                        java.util.Locale.ROOT,
                        "mlp, 15 epochs, no DP, test accuracy %.3f",
                        j.get("target").get("test_accuracy").asDouble()));
        JsonNode dp = JSON.readTree("{\"target\": {\"model\": \"mlp\", \"epsilon\": 7.718, \"test_accuracy\": 0.8031,"
                + " \"training\": {\"epochs\": 60, \"dp\": {\"noise_multiplier\": 1.5}}}}");
        assertThat(dev.marauder.audit.MembershipRun.of(dp).describeTarget())
                .isEqualTo("mlp, 60 epochs, DP-SGD epsilon 7.72, test accuracy 0.803");
        assertThat(dev.marauder.audit.MembershipRun.of(JSON.createObjectNode()).describeTarget())
                .isEqualTo("model");
    }

    @Test
    void givenModelWithMemberAndNonMemberFiles(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m");
        CliTest.Run train = run(
                "train", "--arch", "logreg", "--data", "mnist", "--epochs", "2", "--out", model.toString(), "--quiet");
        assertThat(train.code()).as(train.err()).isZero();
        var split = Datasets.load("mnist");
        Path[] in = write(dir, "in", split.train().slice(0, 300));
        Path[] outFiles = write(dir, "out", split.test().slice(0, 300));
        CliTest.Run r = run(
                "mia",
                "--kind",
                "threshold",
                "--model",
                model.toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("attacks").get("loss").get("members").asInt()).isEqualTo(300);
        assertThat(j.get("auc").asDouble()).isBetween(0.0, 1.0);

        // The audit report runs the threshold attacks itself for a Marauder model whose card names
        // its training data, and adds a given mia result.
        Path miaFile = dir.resolve("mia.json");
        java.nio.file.Files.writeString(miaFile, r.out());
        Path report = dir.resolve("report");
        CliTest.Run audit = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--examples",
                "50",
                "--eps",
                "0,0.1",
                "--mia",
                miaFile.toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode leakage = JSON.readTree(report.resolve("report.json").toFile())
                .get("sections")
                .get("membership_inference");
        assertThat(leakage.get("runs")).hasSize(2);
        assertThat(leakage.get("runs")
                        .get(0)
                        .get("attacks")
                        .get("loss")
                        .get("members")
                        .asInt())
                .isEqualTo(2000);
        assertThat(leakage.get("runs").get(1).get("auc").asDouble())
                .isEqualTo(j.get("auc").asDouble());
        // two runs: each run's headline attack (here the loss threshold) and its loss threshold, and chance
        assertThat(leakage.get("membership_roc").get("series").size()).isEqualTo(3);
        CliTest.Run notMia = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--examples",
                "50",
                "--mia",
                CliTest.FIXTURES.resolve("fmnist_mlp.json").toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(notMia.code()).isEqualTo(1);
        assertThat(notMia.err()).contains("not written by 'marauder mia'");

        // shadow/lira need the recipe, which an ONNX file does not record
        CliTest.Run onnx = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--quiet");
        assertThat(onnx.code()).isIn(1, 2);
    }

    private static Path[] write(Path dir, String name, LabeledData d) {
        Path x = dir.resolve(name + "_x.npy");
        Path y = dir.resolve(name + "_y.npy");
        NpyWriter.write(x, d.features());
        NpyWriter.writeLabels(y, d.labels());
        return new Path[] {x, y};
    }

    /**
     * Reference models trained outside 'marauder mia' (here: the shadows a Java API run saved, read
     * as a plain directory with a masks file) give exactly the metrics of the built-in path on the
     * same models; per-model NAME.keep.npy masks and --candidates with --target-mask give the same.
     */
    @Test
    void referenceModelsWithTheirMasksReproduceTheBuiltInShadows(@TempDir Path dir) throws Exception {
        var split = Datasets.load("mnist");
        LabeledData in = split.train().slice(0, 100);
        LabeledData out = split.train().slice(100, 200);
        int shadows = 6;
        int n = in.size() + out.size();
        // the first seed whose random halves make every candidate IN for some shadow and OUT for another
        long seed = java.util.stream.LongStream.iterate(0, s -> s + 1)
                .filter(s -> {
                    boolean[][] m = halves(n, shadows, s);
                    return java.util.stream.IntStream.range(0, n).allMatch(i -> {
                        int c = 0;
                        for (boolean[] row : m) {
                            c += row[i] ? 1 : 0;
                        }
                        return c > 0 && c < shadows;
                    });
                })
                .findFirst()
                .orElseThrow();
        TrainingRecipe quick = new TrainingRecipe(Architecture.LOGREG, new AdamTrainer(6, 32, 5e-3, 0));
        Path target = dir.resolve("target");
        Path shadowDir = dir.resolve("refs");
        MembershipInference.Report builtIn;
        try (BuiltinClassifier t =
                quick.train(in, split.test().slice(0, 50), "target", new float[] {0, 1}, Progress.NONE, w -> {})) {
            t.save(target);
            builtIn = new MembershipInference(MembershipInference.Kind.LIRA, shadows, seed, null)
                    .attack(t, in, out, quick, shadowDir, new float[] {0, 1}, Progress.NONE, w -> {});
        }
        boolean[][] masks = halves(n, shadows, seed);
        float[] flat = new float[shadows * n];
        for (int k = 0; k < shadows; k++) {
            for (int i = 0; i < n; i++) {
                flat[k * n + i] = masks[k][i] ? 1 : 0;
            }
        }
        Path masksFile = dir.resolve("keep.npy");
        NpyWriter.write(masksFile, new FloatTensor(flat, shadows, n));
        Path[] inFiles = write(dir, "in", in);
        Path[] outFiles = write(dir, "out", out);
        CliTest.Run r = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                target.toString(),
                "--members",
                inFiles[0] + "," + inFiles[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--reference-models",
                shadowDir.toString(),
                "--reference-masks",
                masksFile.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("attack").asText()).isEqualTo(builtIn.headline());
        assertThat(j.get("shadows_trained").asInt()).isZero();
        for (var e : builtIn.attacks().entrySet()) {
            assertThat(j.get("attacks").get(e.getKey()).get("auc").asDouble())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().auc());
        }
        assertThat(j.get("provenance").toString()).contains("shadow-5");

        // one mask file per model, and the candidates interleaved with the target's own mask
        for (int k = 0; k < shadows; k++) {
            int[] row = new int[n];
            for (int c = 0; c < n; c++) {
                int i = c % 2 == 0 ? c / 2 : in.size() + c / 2; // candidate c is pool example i
                row[c] = masks[k][i] ? 1 : 0;
            }
            NpyWriter.writeLabels(shadowDir.resolve("shadow-" + k + ".keep.npy"), row);
        }
        int[] order = java.util.stream.IntStream.range(0, n)
                .map(c -> c % 2 == 0 ? c / 2 : in.size() + c / 2)
                .toArray();
        Path[] candidates =
                write(dir, "candidates", MembershipInference.concat(in, out).select(order));
        Path targetMask = dir.resolve("target.keep.npy");
        NpyWriter.writeLabels(
                targetMask,
                java.util.stream.IntStream.range(0, n)
                        .map(c -> c % 2 == 0 ? 1 : 0)
                        .toArray());
        CliTest.Run pooled = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                target.toString(),
                "--candidates",
                candidates[0] + "," + candidates[1],
                "--target-mask",
                targetMask.toString(),
                "--reference-models",
                shadowDir.toString(),
                "--json",
                "--quiet");
        assertThat(pooled.code()).as(pooled.err()).isZero();
        JsonNode p = JSON.readTree(pooled.out());
        for (var e : builtIn.attacks().entrySet()) {
            assertThat(p.get("attacks").get(e.getKey()).get("auc").asDouble())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().auc());
        }

        // bad masks: one line naming the file, exit 1
        NpyWriter.write(masksFile, new FloatTensor(java.util.Arrays.copyOf(flat, (shadows - 1) * n), shadows - 1, n));
        CliTest.Run wrongShape = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                target.toString(),
                "--members",
                inFiles[0] + "," + inFiles[1],
                "--non-members",
                outFiles[0] + "," + outFiles[1],
                "--reference-models",
                shadowDir.toString(),
                "--reference-masks",
                masksFile.toString(),
                "--quiet");
        assertThat(wrongShape.code()).isEqualTo(1);
        assertThat(wrongShape.err().strip())
                .doesNotContain("\n")
                .contains("keep.npy")
                .contains("[models, examples] = [6, 200]")
                .contains("shape is [5, 200]");
        // candidate 0 IN for every model: online LiRA refuses and points to lira-offline, which runs
        float[] allIn = flat.clone();
        for (int k = 0; k < shadows; k++) {
            allIn[k * n] = 1;
        }
        NpyWriter.write(masksFile, new FloatTensor(allIn, shadows, n));
        String[] noOut = {
            "mia",
            "--kind",
            "lira",
            "--model",
            target.toString(),
            "--members",
            inFiles[0] + "," + inFiles[1],
            "--non-members",
            outFiles[0] + "," + outFiles[1],
            "--reference-models",
            shadowDir.toString(),
            "--reference-masks",
            masksFile.toString(),
            "--quiet"
        };
        CliTest.Run online = run(noOut);
        assertThat(online.code()).isEqualTo(1);
        assertThat(online.err())
                .contains("refs")
                .contains("online LiRA needs")
                .contains("first: candidate 0, IN for 6 of 6")
                .contains("use lira-offline");
        noOut[2] = "lira-offline";
        CliTest.Run offline = run(noOut);
        assertThat(offline.code()).isEqualTo(1); // candidate 0 has no OUT model either
        assertThat(offline.err()).contains("offline LiRA needs");
        NpyWriter.write(masksFile, new FloatTensor(flat, shadows, n));
        CliTest.Run offlineOk = run(noOut);
        assertThat(offlineOk.code()).as(offlineOk.err()).isZero();
        assertThat(offlineOk.out()).contains("lira-offline (lira_offline_global_variance)");
    }

    private static boolean[][] halves(int n, int shadows, long seed) {
        boolean[][] m = new boolean[shadows][n];
        for (int k = 0; k < shadows; k++) {
            int[] perm = dev.marauder.core.data.Permutations.shuffled(n, new java.util.SplittableRandom(seed + k));
            for (int i = 0; i < n / 2; i++) {
                m[k][perm[i]] = true;
            }
        }
        return m;
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--kind magic --arch mlp --data mnist --train-size 10|unknown membership inference kind",
                "--kind threshold|give --model M",
                "--kind threshold --arch mlp --data mnist|needs --arch, --data and --train-size",
                "--kind threshold --arch mlp --data mnist --train-size 9000|--train-size must be between 2 and half",
                "--kind lira --shadow 1 --arch mlp --data mnist --train-size 10|at least 2 shadow models",
                "--kind lira --workers 0 --arch mlp --data mnist --train-size 10|--workers must be at least 1, got 0",
                "--kind threshold --arch mlp --data mnist --train-size 10 --noise 1|--noise needs --dp",
                "--kind threshold --model m --arch mlp|not both",
                "--kind threshold --model m --members a.npy --non-members b.npy|--members needs FEATURES,LABELS",
                "--kind threshold --model m --members a,b --non-members c,d --reference-models r|--reference-models is"
                        + " for --kind shadow",
                "--kind lira --model m --members a,b --non-members c,d --reference-masks k.npy|--reference-masks goes"
                        + " with --reference-models",
                "--kind lira --model m --members a,b --non-members c,d --reference-models r --shadow 4|with"
                        + " --reference-models your own models are used",
                "--kind lira --model m --members a,b --candidates c,d|not both",
                "--kind lira --model m --candidates c,d|--candidates and --target-mask go together",
                "--kind lira --arch mlp --data mnist --train-size 10 --reference-models r|are for a given --model",
            })
    void badCombinationsAreUsageErrors(String args, String message) {
        CliTest.Run r = run(("mia " + args).split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
