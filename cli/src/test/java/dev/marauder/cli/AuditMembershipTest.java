package dev.marauder.cli;

import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marauder audit --members X1,Y1 --non-members X2,Y2}: the threshold membership attacks
 * run for any model whose members and non-members are given, not only for Marauder models whose
 * card names loadable training data.
 */
class AuditMembershipTest {

    private static Path[] write(Path dir, String name, LabeledData d) {
        Path x = dir.resolve(name + "_x.npy");
        Path y = dir.resolve(name + "_y.npy");
        NpyWriter.write(x, d.features());
        NpyWriter.writeLabels(y, d.labels());
        return new Path[] {x, y};
    }

    @Test
    void givenMembersAndNonMembersAreAttackedAndReported(@TempDir Path dir) throws Exception {
        TrainTestSplit mnist = Datasets.load("mnist");
        LabeledData members = mnist.train().slice(0, 100);
        LabeledData nonMembers = mnist.test().slice(0, 100);
        // an MLP overfit on 100 examples, under a dataset name that does not load: its card cannot
        // tell the audit its training data
        Path model = dir.resolve("overfit");
        try (BuiltinClassifier m = Training.train(
                Architecture.MLP,
                new AdamTrainer(20, 20, 2e-3, 0),
                new TrainTestSplit("private-table", members, nonMembers),
                new float[] {0, 1},
                Progress.NONE,
                w -> {})) {
            m.save(model);
        }
        Path[] in = write(dir, "in", members);
        Path[] out = write(dir, "out", nonMembers);
        Path[] test = write(dir, "test", mnist.test().slice(100, 150));
        String[] common = {
            "audit",
            "--model",
            model.toString(),
            "--data",
            test[0].toString(),
            "--labels",
            test[1].toString(),
            "--examples",
            "20",
            "--eps",
            "0,0.1",
            "--pgd-steps",
            "2",
            "--quiet"
        };

        // without members: the check is skipped, with the reason
        Path before = dir.resolve("before");
        CliTest.Run skipped = run(concat(common, "--report", before.toString()));
        assertThat(skipped.code()).as(skipped.err()).isZero();
        JsonNode r0 = JSON.readTree(before.resolve("report.json").toFile());
        assertThat(r0.get("sections").has("membership_inference")).isFalse();
        assertThat(r0.get("skipped").toString()).contains("--members X1,Y1 --non-members X2,Y2");

        Path after = dir.resolve("after");
        CliTest.Run audited = run(concat(
                common,
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                out[0] + "," + out[1],
                "--report",
                after.toString()));
        assertThat(audited.code()).as(audited.err()).isZero();
        assertThat(audited.out()).contains("Membership inference");
        JsonNode report = JSON.readTree(after.resolve("report.json").toFile());
        JsonNode section = report.get("sections").get("membership_inference");
        assertThat(section.get("runs")).hasSize(1);
        JsonNode loss = section.get("runs").get(0).get("attacks").get("loss");
        assertThat(loss.get("members").asInt()).isEqualTo(100);
        assertThat(loss.get("non_members").asInt()).isEqualTo(100);
        // members are fit perfectly, non-members are not; 0.65 leaves a margin of about 4 standard
        // errors of an AUC from 100 + 100 examples (about 0.04) above chance
        assertThat(section.get("runs").get(0).get("auc").asDouble()).isGreaterThan(0.65);
        JsonNode line = null;
        for (JsonNode l : report.get("summary")) {
            if (l.get("threat").asText().equals("Membership inference")) {
                line = l;
            }
        }
        assertThat(line).isNotNull();
        assertThat(line.get("command").asText())
                .contains("marauder mia --kind threshold --model " + model)
                .contains("--members " + in[0] + "," + in[1]);
        assertThat(line.get("headline").asText()).contains("AUC");

        // with the user's own reference models (here 4 logistic regressions, each trained on the
        // candidates i with (i + k) % 4 < 2, so every candidate has 2 IN and 2 OUT models) the audit
        // adds online LiRA, with the numbers 'marauder mia --reference-models' gives
        LabeledData candidates =
                dev.marauder.attacks.inference.membership.MembershipInference.concat(members, nonMembers);
        Path refs = java.nio.file.Files.createDirectories(dir.resolve("refs"));
        for (int k = 0; k < 4; k++) {
            int shift = k;
            int[] rows = java.util.stream.IntStream.range(0, candidates.size())
                    .filter(i -> (i + shift) % 4 < 2)
                    .toArray();
            int[] keep = new int[candidates.size()];
            for (int i : rows) {
                keep[i] = 1;
            }
            try (BuiltinClassifier ref = Training.train(
                    Architecture.LOGREG,
                    new AdamTrainer(10, 20, 5e-3, k),
                    new TrainTestSplit("reference", candidates.select(rows), nonMembers.slice(0, 10)),
                    new float[] {0, 1},
                    Progress.NONE,
                    w -> {})) {
                ref.save(refs.resolve("ref-" + k));
            }
            NpyWriter.writeLabels(refs.resolve("ref-" + k + ".keep.npy"), keep);
        }
        Path withRefs = dir.resolve("with-refs");
        CliTest.Run lira = run(concat(
                common,
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                out[0] + "," + out[1],
                "--reference-models",
                refs.toString(),
                "--report",
                withRefs.toString()));
        assertThat(lira.code()).as(lira.err()).isZero();
        JsonNode runs = JSON.readTree(withRefs.resolve("report.json").toFile())
                .get("sections")
                .get("membership_inference")
                .get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).get("kind").asText()).isEqualTo("lira");
        assertThat(runs.get(1)
                        .get("attacks")
                        .get("lira_online_global_variance")
                        .get("members")
                        .asInt())
                .isEqualTo(100);
        CliTest.Run mia = run(
                "mia",
                "--kind",
                "lira",
                "--model",
                model.toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                out[0] + "," + out[1],
                "--reference-models",
                refs.toString(),
                "--json",
                "--quiet");
        assertThat(mia.code()).as(mia.err()).isZero();
        JsonNode miaJson = JSON.readTree(mia.out());
        assertThat(runs.get(1).get("auc").asDouble())
                .isEqualTo(miaJson.get("auc").asDouble());
        assertThat(runs.get(1)
                        .get("attacks")
                        .get("lira_offline_global_variance")
                        .get("auc")
                        .asDouble())
                .isEqualTo(miaJson.get("attacks")
                        .get("lira_offline_global_variance")
                        .get("auc")
                        .asDouble());
        JsonNode summary = null;
        for (JsonNode l :
                JSON.readTree(withRefs.resolve("report.json").toFile()).get("summary")) {
            if (l.get("threat").asText().equals("Membership inference")) {
                summary = l;
            }
        }
        assertThat(summary.get("command").asText())
                .startsWith("marauder mia --kind lira --model " + model)
                .contains("--reference-models " + refs);
        // --reference-models without members, and masks without models, are usage errors
        CliTest.Run noMembers = run(concat(
                common,
                "--reference-models",
                refs.toString(),
                "--report",
                dir.resolve("x").toString()));
        assertThat(noMembers.code()).isEqualTo(2);
        assertThat(noMembers.err()).contains("--reference-models needs --members");
    }

    @Test
    void anOnnxModelIsAttackedToo(@TempDir Path dir) throws Exception {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        Path[] in = write(dir, "in", fashion.train().slice(0, 100)); // the fixture was trained on the shipped subset
        Path[] out = write(dir, "out", fashion.test().slice(200, 300));
        Path report = dir.resolve("report");
        CliTest.Run r = run(
                "audit",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                CliTest.FIXTURES.resolve("fmnist_test_200_x.npy").toString(),
                "--labels",
                CliTest.FIXTURES.resolve("fmnist_test_200_y.npy").toString(),
                "--members",
                in[0] + "," + in[1],
                "--non-members",
                out[0] + "," + out[1],
                "--report",
                report.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        JsonNode runs = j.get("sections").get("membership_inference").get("runs");
        assertThat(runs.get(0).get("attacks").get("loss").get("members").asInt())
                .isEqualTo(100);
        assertThat(runs.get(0).get("auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(runs.get(0).get("target").get("model").asText()).contains("fmnist_mlp");
    }

    @Test
    void badMembershipOptionsAreRefused(@TempDir Path dir) {
        String onnx = CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString();
        String x = CliTest.FIXTURES.resolve("fmnist_test_200_x.npy").toString();
        String y = CliTest.FIXTURES.resolve("fmnist_test_200_y.npy").toString();
        String report = dir.resolve("r").toString();
        CliTest.Run alone =
                run("audit", "--model", onnx, "--data", x, "--labels", y, "--members", x + "," + y, "--report", report);
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--members and --non-members go together");
        CliTest.Run demo = run("audit", "--members", x + "," + y, "--non-members", x + "," + y, "--report", report);
        assertThat(demo.code()).isEqualTo(2);
        assertThat(demo.err()).contains("need --model");
        CliTest.Run oneFile = run(
                "audit",
                "--model",
                onnx,
                "--data",
                x,
                "--labels",
                y,
                "--members",
                x,
                "--non-members",
                x + "," + y,
                "--report",
                report);
        assertThat(oneFile.code()).isEqualTo(2);
        assertThat(oneFile.err()).contains("--members needs FEATURES,LABELS");
        CliTest.Run missing = run(
                "audit",
                "--model",
                onnx,
                "--data",
                x,
                "--labels",
                y,
                "--members",
                dir.resolve("nope.npy") + "," + y,
                "--non-members",
                x + "," + y,
                "--report",
                report);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.npy").contains("--members");
        // labels that are not classes of the model: refused before any work, naming the file
        Path bad = dir.resolve("bad_y.npy");
        NpyWriter.writeLabels(
                bad, java.util.stream.IntStream.range(0, 200).map(i -> 17).toArray());
        CliTest.Run badLabels = run(
                "audit",
                "--model",
                onnx,
                "--data",
                x,
                "--labels",
                y,
                "--members",
                x + "," + bad,
                "--non-members",
                x + "," + y,
                "--report",
                report);
        assertThat(badLabels.code()).isEqualTo(1);
        assertThat(badLabels.err()).contains("bad_y.npy");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
