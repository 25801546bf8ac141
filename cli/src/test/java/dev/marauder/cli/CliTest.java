package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.data.NpyWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line end to end through {@link Main#execute}: exit codes, messages, JSON. */
class CliTest {
    static final Path FIXTURES = findFixtures();
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path findFixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("core/src/test/resources/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("fixtures directory not found");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("a command is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "train", "eval", "audit"})
    void helpOnEveryCommand(String command) {
        Run r = command.isEmpty() ? run("--help") : run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage:");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("eval", "--model", "x.pt", "--data", "y", "--frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void aSoftmaxOrLogSoftmaxModelDeclaredAsSuchGivesTheNumbersOfItsLogitsTwin() throws Exception {
        String xs = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
        String ys = FIXTURES.resolve("fmnist_test_200_y.npy").toString();
        String[][] models = {
            {"fmnist_cnn.pt", "logits"},
            {"fmnist_cnn_softmax.pt", "probabilities"},
            {"fmnist_cnn_logsoftmax.pt", "log-probabilities"}
        };
        double[] robust = new double[models.length];
        double[] clean = new double[models.length];
        for (int i = 0; i < models.length; i++) {
            Run r = run(
                    "attack",
                    "pgd",
                    "--model",
                    FIXTURES.resolve(models[i][0]).toString(),
                    "--data",
                    xs,
                    "--labels",
                    ys,
                    "--output",
                    models[i][1],
                    "--eps",
                    "0.03",
                    "--steps",
                    "10",
                    "--json",
                    "--quiet");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode json = JSON.readTree(r.out());
            clean[i] = json.get("clean_accuracy").asDouble();
            robust[i] = json.get("per_epsilon").get(0).get("robust_accuracy").asDouble();
        }
        // Same predictions, and the same attack up to float rounding in log(softmax): at most one of
        // the 200 examples may fall on the other side.
        assertThat(clean[1]).isEqualTo(clean[0]);
        assertThat(clean[2]).isEqualTo(clean[0]);
        assertThat(robust[1]).isCloseTo(robust[0], org.assertj.core.api.Assertions.within(0.0051));
        assertThat(robust[2]).isCloseTo(robust[0], org.assertj.core.api.Assertions.within(0.0051));
        // a logits model declared as probabilities is an error, not a silent wrong number
        Run wrong = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                xs,
                "--labels",
                ys,
                "--output",
                "probabilities");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("not probability vectors");
        Run bad = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                xs,
                "--labels",
                ys,
                "--output",
                "scores");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--output must be logits, probabilities or log-probabilities");
    }

    @Test
    void anOnnxRunLeavesNoTemporaryFolderBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<java.util.Set<String>> onnxFolders = () -> {
            try (var list = Files.list(tmp)) {
                return list.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("onnxruntime-java"))
                        .collect(java.util.stream.Collectors.toSet());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        java.util.Set<String> before = onnxFolders.get();
        String javaCommand =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        javaCommand,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dai.djl.offline=true",
                        Main.class.getName(),
                        "eval",
                        "--model",
                        FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                        "--data",
                        FIXTURES.resolve("fmnist_test_200_x.npy").toString(),
                        "--labels",
                        FIXTURES.resolve("fmnist_test_200_y.npy").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        java.util.Set<String> after = onnxFolders.get();
        after.removeAll(before);
        assertThat(after).as("folders ONNX Runtime left in " + tmp).isEmpty();
    }

    @Test
    void outputsAreCheckedBeforeAnyWorkAndNeverOverwriteAnInput(@TempDir Path dir) throws Exception {
        Path model = FIXTURES.resolve("fmnist_cnn.pt");
        Path xs = Files.copy(FIXTURES.resolve("fmnist_test_200_x.npy"), dir.resolve("x.npy"));
        Path ys = Files.copy(FIXTURES.resolve("fmnist_test_200_y.npy"), dir.resolve("y.npy"));
        byte[] before = Files.readAllBytes(xs);
        Run onInput = run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                xs.toString(),
                "--labels",
                ys.toString(),
                "--out",
                xs.toString());
        assertThat(onInput.code()).isEqualTo(1);
        assertThat(onInput.err()).contains("is an input of this command").doesNotContain("\tat ");
        assertThat(Files.readAllBytes(xs)).isEqualTo(before);
        Run missingDir = run(
                "attack",
                "pgd",
                "--model",
                model.toString(),
                "--data",
                xs.toString(),
                "--labels",
                ys.toString(),
                "--out",
                dir.resolve("no/such/dir/r.json").toString());
        assertThat(missingDir.code()).isEqualTo(1);
        assertThat(missingDir.err()).contains("does not exist");
        Run nan = run(
                "attack",
                "pgd",
                "--model",
                model.toString(),
                "--data",
                xs.toString(),
                "--labels",
                ys.toString(),
                "--step",
                "NaN");
        assertThat(nan.code()).isEqualTo(2);
        assertThat(nan.err()).contains("--step must be a number, got NaN");
        Run budget = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--dp",
                "--noise",
                "1",
                "--epsilon-budget",
                "NaN",
                "--out",
                dir.resolve("m").toString());
        assertThat(budget.code()).isEqualTo(2);
        assertThat(budget.err()).contains("--epsilon-budget must be a number, got NaN");
        NpyWriter.write(dir.resolve("empty-x.npy"), new FloatTensor(new float[0], new int[] {0, 1, 28, 28}));
        NpyWriter.writeLabels(dir.resolve("empty-y.npy"), new int[0]);
        Run empty = run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                dir.resolve("empty-x.npy").toString(),
                "--labels",
                dir.resolve("empty-y.npy").toString());
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("holds no examples");
    }

    @Test
    void commandsTakeTheBoundsTheModelDirectoryRecords(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m");
        Run train = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--epochs",
                "1",
                "--bounds",
                "0,2",
                "--out",
                model.toString(),
                "--quiet");
        assertThat(train.code()).as(train.err()).isZero();
        Run attack = run("attack", "fgsm", "--model", model.toString(), "--data", "fashion-mnist", "--json", "--quiet");
        assertThat(attack.code()).as(attack.err()).isZero();
        JsonNode rows = JSON.readTree(attack.out()).get("per_epsilon");
        // default budgets are 0.01, 0.03, 0.1 times the model's own input range [0, 2]
        assertThat(rows.get(0).get("eps").asDouble()).isEqualTo(0.02);
        assertThat(rows.get(2).get("eps").asDouble()).isEqualTo(0.2);
        Run contradicted = run("eval", "--model", model.toString(), "--data", "fashion-mnist", "--bounds", "0,1");
        assertThat(contradicted.code()).isEqualTo(2);
        assertThat(contradicted.err()).contains("--bounds 0,1 contradicts the bounds 0.0,2.0");
        Run infinite = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "fashion-mnist",
                "--bounds",
                "-Infinity,Infinity",
                "--out",
                dir.resolve("n").toString());
        assertThat(infinite.code()).isEqualTo(2);
        assertThat(infinite.err()).contains("--bounds must be two finite numbers");
    }

    @Test
    void trainRefusesADirectoryItDidNotCreateBeforeTraining(@TempDir Path dir) throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("thesis.tex"), "years of work");
        long start = System.nanoTime();
        Run r = run("train", "--arch", "mlp", "--data", "fashion-mnist", "--epochs", "50", "--out", project.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("marauder: error: " + project)
                .contains("not a Marauder model directory")
                .doesNotContain("\tat ");
        assertThat(project.resolve("thesis.tex")).hasContent("years of work");
        assertThat((System.nanoTime() - start) / 1e9)
                .as("refused before training, not after 50 epochs")
                .isLessThan(60);
    }

    @Test
    void nonsenseTrainingSettingsAreUsageErrors(@TempDir Path dir) {
        Run epochs = run(
                "train",
                "--arch",
                "mlp",
                "--data",
                "mnist",
                "--epochs",
                "0",
                "--out",
                dir.resolve("m").toString());
        assertThat(epochs.code()).isEqualTo(2);
        assertThat(epochs.err()).isEqualTo("marauder: epochs must be at least 1, got 0" + System.lineSeparator());
        Run arch = run(
                "train",
                "--arch",
                "resnet",
                "--data",
                "mnist",
                "--out",
                dir.resolve("m").toString());
        assertThat(arch.code()).isEqualTo(2);
        assertThat(arch.err()).contains("unknown architecture 'resnet'");
        Run data = run(
                "train",
                "--arch",
                "mlp",
                "--data",
                "no-such-dataset",
                "--out",
                dir.resolve("m").toString());
        assertThat(data.code()).isEqualTo(1);
        assertThat(data.err()).contains("no-such-dataset").contains("fashion-mnist");
        assertThat(dir.resolve("m")).doesNotExist();
    }

    @Test
    void evalOfAPyTorchTrainedTorchScriptModelGivesPyTorchsAccuracy(@TempDir Path dir) throws Exception {
        JsonNode expected = JSON.readTree(FIXTURES.resolve("fmnist_cnn.json").toFile());
        Path out = dir.resolve("eval.json");
        Run r = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                FIXTURES.resolve("fmnist_test_200_x.npy").toString(),
                "--labels",
                FIXTURES.resolve("fmnist_test_200_y.npy").toString(),
                "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = JSON.readTree(out.toFile());
        assertThat(result.get("accuracy").asDouble())
                .isEqualTo(expected.get("test200_accuracy").asDouble());
        assertThat(result.get("examples").asInt()).isEqualTo(200);
        assertThat(result.get("correct").asInt())
                .isEqualTo(expected.get("test200_correct").asInt());
        assertThat(result.has("seconds")).isTrue();
        assertThat(result.get("provenance").get("hashes").size()).isEqualTo(2);

        // The whole shipped test split, named as a dataset: again exactly PyTorch's figure.
        Run full = run(
                "eval", "--model", FIXTURES.resolve("fmnist_cnn.pt").toString(), "--data", "fashion-mnist", "--json");
        assertThat(full.code()).as(full.err()).isZero();
        JsonNode fullResult = JSON.readTree(full.out());
        assertThat(fullResult.get("correct").asInt())
                .isEqualTo(expected.get("test_correct").asInt());
        assertThat(fullResult.get("accuracy").asDouble())
                .isEqualTo(expected.get("test_accuracy").asDouble());
    }

    @Test
    void evalOfAnOnnxModel() throws Exception {
        JsonNode expected = JSON.readTree(FIXTURES.resolve("fmnist_mlp.json").toFile());
        Run r = run(
                "eval", "--model", FIXTURES.resolve("fmnist_mlp.onnx").toString(), "--data", "fashion-mnist", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("correct").asInt())
                .isEqualTo(expected.get("test_correct").asInt());
    }

    @Test
    void auditOfABlackBoxOnnxModelSkipsWhiteBoxAttacks(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r");
        Run r = run(
                "audit",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                "fashion-mnist",
                "--report",
                report.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
        JsonNode expected = JSON.readTree(FIXTURES.resolve("fmnist_mlp.json").toFile());
        assertThat(json.get("sections").get("model").get("clean_accuracy").asDouble())
                .isEqualTo(expected.get("test_accuracy").asDouble());
        // White-box checks and those needing the training data are listed as skipped, with reasons.
        assertThat(json.get("sections").has("evasion")).isFalse();
        assertThat(skippedReason(json, "evasion (white-box)")).contains("black-box access only");
        assertThat(skippedReason(json, "membership inference")).contains("training data are unknown");
        assertThat(Files.readString(report.resolve("index.html"))).contains("black-box access only");
        assertThat(r.out()).contains("skipped evasion (white-box): the model (onnx) gives no gradients");
        assertThat(json.get("summary").get(0).get("threat").asText()).isEqualTo("Baseline (clean accuracy)");
    }

    @Test
    void auditOfAnOnnxModelOnNpyFilesWritesTheVerdictAndTheSkippedChecks(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r");
        Run r = run(
                "audit",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                FIXTURES.resolve("fmnist_test_200_x.npy").toString(),
                "--labels",
                FIXTURES.resolve("fmnist_test_200_y.npy").toString(),
                "--report",
                report.toString(),
                "--out",
                dir.resolve("audit.json").toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
        // --out FILE means what it means for every command: the JSON result, here report.json's content
        assertThat(JSON.readTree(dir.resolve("audit.json").toFile())).isEqualTo(json);
        JsonNode summary = json.get("summary");
        assertThat(summary).isNotEmpty();
        for (JsonNode line : summary) {
            assertThat(line.get("threat").asText()).isNotBlank();
            assertThat(line.get("headline").asText()).isNotBlank();
            assertThat(line.get("severity").asText()).isIn("high", "medium", "low", "not_assessed");
            assertThat(line.get("rule").asText()).isNotBlank();
        }
        assertThat(skippedReason(json, "evasion (white-box)"))
                .isEqualTo(
                        "the model (onnx) gives no gradients (black-box access only), and FGSM and PGD are white-box attacks");
        assertThat(skippedReason(json, "model inversion")).contains("no gradients");
        assertThat(json.get("sections").fieldNames())
                .toIterable()
                .containsExactly("model", "black_box_evasion", "model_extraction");
        assertThat(r.out())
                .contains("skipped evasion (white-box): ")
                .contains("skipped membership inference: ")
                .contains("[not assessed] Baseline (clean accuracy): clean accuracy");
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html.indexOf("Baseline (clean accuracy)")).isPositive().isLessThan(html.indexOf("id=\"model\""));

        // a directory whose index.html is someone else's is refused, before any work
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>my homepage</h1>");
        Run foreign = run(
                "audit",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                FIXTURES.resolve("fmnist_test_200_x.npy").toString(),
                "--labels",
                FIXTURES.resolve("fmnist_test_200_y.npy").toString(),
                "--report",
                site.toString());
        assertThat(foreign.code()).isEqualTo(1);
        assertThat(foreign.err()).contains("not a Marauder report");
        assertThat(site.resolve("index.html")).hasContent("<h1>my homepage</h1>");
    }

    static String skippedReason(JsonNode report, String check) {
        for (JsonNode s : report.get("skipped")) {
            if (s.get("name").asText().equals(check)) {
                return s.get("reason").asText();
            }
        }
        throw new AssertionError(check + " is not skipped in " + report.get("skipped"));
    }

    @Test
    void badInputsAreOneLineErrorsAndLeaveExistingOutputAlone(@TempDir Path dir) throws Exception {
        FloatTensor x = NpyReader.read(FIXTURES.resolve("fmnist_test_200_x.npy"))
                .toFloatTensor()
                .slice(0, 10);
        int[] y = Arrays.copyOf(
                NpyReader.read(FIXTURES.resolve("fmnist_test_200_y.npy")).toLabels(), 10);
        Path model = FIXTURES.resolve("fmnist_cnn.pt");
        Path xs = dir.resolve("x.npy");
        Path ys = dir.resolve("y.npy");
        NpyWriter.write(xs, x);
        NpyWriter.writeLabels(ys, y);
        Path out = dir.resolve("result.json");
        Files.writeString(out, "{\"previous\": true}");

        Path shortLabels = dir.resolve("y9.npy");
        NpyWriter.writeLabels(shortLabels, Arrays.copyOf(y, 9));
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        xs.toString(),
                        "--labels",
                        shortLabels.toString(),
                        "--out",
                        out.toString()),
                1,
                "9",
                "10");

        float[] nan = x.data().clone();
        nan[5] = Float.NaN;
        Path nanFile = dir.resolve("nan.npy");
        NpyWriter.write(nanFile, new FloatTensor(nan, x.shape()));
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        nanFile.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "nan.npy",
                "NaN");

        float[] big = x.data().clone();
        big[7] = 3f;
        Path bigFile = dir.resolve("big.npy");
        NpyWriter.write(bigFile, new FloatTensor(big, x.shape()));
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        bigFile.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "big.npy",
                "3.0");

        Path flat = dir.resolve("flat.npy");
        NpyWriter.write(flat, x.reshape(10, 784));
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        flat.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "[784]");

        Path truncated = dir.resolve("truncated.npy");
        byte[] bytes = Files.readAllBytes(xs);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        truncated.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "truncated.npy");

        Path badLabels = dir.resolve("labels-too-big.npy");
        int[] wrong = y.clone();
        wrong[0] = 12;
        NpyWriter.writeLabels(badLabels, wrong);
        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        xs.toString(),
                        "--labels",
                        badLabels.toString(),
                        "--out",
                        out.toString()),
                1,
                "12");

        assertFailure(
                run(
                        "eval",
                        "--model",
                        dir.resolve("missing.pt").toString(),
                        "--data",
                        xs.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "missing.pt");

        Path notAModel = dir.resolve("garbage.pt");
        Files.writeString(notAModel, "garbage");
        assertFailure(
                run(
                        "eval",
                        "--model",
                        notAModel.toString(),
                        "--data",
                        xs.toString(),
                        "--labels",
                        ys.toString(),
                        "--out",
                        out.toString()),
                1,
                "garbage.pt",
                "not a TorchScript model");

        assertFailure(
                run(
                        "eval",
                        "--model",
                        model.toString(),
                        "--data",
                        xs.toString(),
                        "--labels",
                        ys.toString(),
                        "--bounds",
                        "1,0"),
                2,
                "--bounds");

        assertThat(Files.readString(out)).isEqualTo("{\"previous\": true}");
    }

    private static void assertFailure(Run r, int code, String... mentions) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        String message = r.err().strip();
        assertThat(message).doesNotContain("\n").doesNotContain("Exception").startsWith("marauder: ");
        for (String m : mentions) {
            assertThat(message).contains(m);
        }
    }

    @Test
    void trainEvalAndAuditAUsersModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("mnist-logreg");
        Run train = run(
                "train",
                "--arch",
                "logreg",
                "--data",
                "mnist",
                "--epochs",
                "1",
                "--batch",
                "128",
                "--lr",
                "0.01",
                "--seed",
                "3",
                "--out",
                model.toString(),
                "--json");
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode card = JSON.readTree(train.out());
        assertThat(card.get("architecture").asText()).isEqualTo("logreg");
        assertThat(card.get("dataset").asText()).isEqualTo("mnist");
        assertThat(card.get("test_accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(card.get("provenance").get("seed").asLong()).isEqualTo(3);
        assertThat(model.resolve("model.json")).exists();

        Run eval = run("eval", "--model", model.toString(), "--data", "mnist", "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(JSON.readTree(eval.out()).get("accuracy").asDouble())
                .isEqualTo(card.get("test_accuracy").asDouble());

        Path report = dir.resolve("report");
        Run audit = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--examples",
                "100",
                "--eps",
                "0,0.1",
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
        JsonNode evasion = json.get("sections").get("evasion");
        assertThat(evasion.get("attacks")).hasSize(2);
        for (JsonNode attack : evasion.get("attacks")) {
            JsonNode perEps = attack.get("per_epsilon");
            assertThat(perEps).hasSize(2);
            assertThat(perEps.get(1).get("robust_accuracy").asDouble())
                    .isLessThan(perEps.get(0).get("robust_accuracy").asDouble());
        }
        assertThat(evasion.get("gradient_masking").get("warnings")).isEmpty();
        assertThat(evasion.get("gradient_masking").get("large_epsilon_accuracy").asDouble())
                .isLessThan(0.02);
        assertThat(json.get("sections").get("model").get("clean_accuracy").asDouble())
                .isEqualTo(card.get("test_accuracy").asDouble());
        assertThat(Files.readString(report.resolve("index.html"))).contains("Evasion robustness");

        Run negative = run(
                "audit",
                "--model",
                model.toString(),
                "--data",
                "mnist",
                "--eps",
                "-0.1",
                "--report",
                report.toString());
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("epsilon must be a finite number >= 0, got -0.1");
        Run noData = run("audit", "--model", model.toString());
        assertThat(noData.code()).isEqualTo(2);
    }

    @Test
    void demoAuditTrainsOnceThenReusesTheCachedModel(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path report = dir.resolve("report");
        Run first = run(
                "audit", "--cache", cache.toString(), "--report", report.toString(), "--examples", "200", "--quiet");
        assertThat(first.code()).as(first.err()).isZero();
        Path card = cache.resolve("demo-cnn/model.json");
        assertThat(card).exists();
        long modified = Files.getLastModifiedTime(card).toMillis();
        JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
        assertThat(json.get("provenance").get("engine").asText()).contains("PyTorch");
        assertThat(json.get("provenance").get("hashes").size()).isGreaterThanOrEqualTo(3);
        assertThat(json.get("sections").get("model").get("clean_accuracy").asDouble())
                .isGreaterThan(0.8);
        JsonNode pgd = json.get("sections").get("evasion").get("attacks").get(1);
        assertThat(pgd.get("attack").asText()).isEqualTo("pgd");
        JsonNode perEps = pgd.get("per_epsilon");
        assertThat(perEps.get(perEps.size() - 1).get("robust_accuracy").asDouble())
                .isLessThan(0.1);
        // The empirical privacy audit of the demo recipe: leakage shows without DP, and the DP-SGD
        // counterpart's audited bound stays below its claimed epsilon.
        JsonNode audits = json.get("sections").get("empirical_privacy_audit").get("empirical_audits");
        assertThat(audits).hasSize(2);
        assertThat(audits.get(0).get("training").asText()).isEqualTo("non-private");
        assertThat(audits.get(0).get("claimed_epsilon").isNull()).isTrue();
        assertThat(audits.get(0).get("epsilon_lower_bound").asDouble()).isGreaterThan(0.3);
        assertThat(audits.get(1).get("training").asText()).isEqualTo("dp-sgd");
        assertThat(audits.get(1).get("epsilon_lower_bound").asDouble())
                .isLessThan(audits.get(1).get("claimed_epsilon").asDouble());
        JsonNode mia = json.get("sections").get("membership_inference").get("runs");
        assertThat(mia).hasSize(1);
        assertThat(mia.get(0).get("kind").asText()).isEqualTo("threshold");
        assertThat(mia.get(0).get("attacks").get("loss").get("members").asInt()).isEqualTo(2000);
        assertThat(mia.get(0).get("auc").asDouble()).isBetween(0.45, 1.0);
        JsonNode inversion = json.get("sections").get("model_inversion").get("reconstructions");
        assertThat(inversion).hasSize(10);
        assertThat(inversion.get(0).get("confidence").asDouble()).isGreaterThan(0.5);
        Path auditCache = cache.resolve("demo-privacy-audit.json");
        assertThat(auditCache).exists();
        long auditModified = Files.getLastModifiedTime(auditCache).toMillis();

        // The report opens in a browser without network access: headless Chromium renders every
        // section and image (required on CI, skipped on a machine without Chromium).
        Path chromium = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(chromium) || "true".equals(System.getenv("CI"))) {
            Path script = FIXTURES.resolve("../../../../../scripts/check-report-renders.sh")
                    .normalize();
            Process p = new ProcessBuilder("bash", script.toString(), report.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(output).isZero();
        }

        Run second = run(
                "audit", "--cache", cache.toString(), "--report", report.toString(), "--examples", "200", "--quiet");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(Files.getLastModifiedTime(card).toMillis()).isEqualTo(modified);
        assertThat(Files.getLastModifiedTime(auditCache).toMillis()).isEqualTo(auditModified);
        assertThat(JSON.readTree(report.resolve("report.json").toFile())
                        .get("sections")
                        .get("empirical_privacy_audit")
                        .get("empirical_audits")
                        .get(0)
                        .get("epsilon_lower_bound")
                        .asDouble())
                .isEqualTo(audits.get(0).get("epsilon_lower_bound").asDouble());
    }
}
