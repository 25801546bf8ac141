package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code marauder invert} and {@code marauder attribute} end to end: results, files and usage errors. */
class InversionCommandTest {
    @TempDir
    static Path shared;

    static Path modelDir;

    @BeforeAll
    static void trainModel() {
        TrainTestSplit data = Datasets.load("mnist");
        try (BuiltinClassifier model = Training.train(
                new TrainingSettings(Architecture.LOGREG, 2, 64, 0.005, 1),
                new TrainTestSplit(
                        "mnist-3000", data.train().slice(0, 3000), data.test().slice(0, 500)),
                new float[] {0, 1},
                Progress.NONE)) {
            modelDir = shared.resolve("logreg");
            model.save(modelDir);
        }
    }

    /**
     * Runs the command line like {@link CliTest#run}. Until {@code Main} lists
     * {@link InvertCommand} and {@link AttributeCommand} among its subcommands, they are added here
     * with the same exception handling as {@link Main#execute}; once registered, this is plain
     * {@link CliTest#run}.
     */
    static CliTest.Run run(String... args) {
        if (new CommandLine(new Main()).getSubcommands().containsKey(args[0])) {
            return CliTest.run(args);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new InvertCommand());
        cl.addSubcommand(new AttributeCommand());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println("marauder: " + ex.getMessage());
            return Main.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UsageException
                    || ex instanceof IllegalArgumentException && !(ex instanceof NumberFormatException)) {
                e.println("marauder: " + Main.oneLine(ex));
                return Main.USAGE;
            }
            e.println("marauder: error: " + Main.oneLine(ex)
                    + (ex instanceof DataFormatException || ex instanceof UncheckedIOException
                            ? ""
                            : " (" + ex.getClass().getSimpleName() + ")"));
            return Main.FAILURE;
        });
        int code = cl.execute(args);
        return new CliTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void whiteBoxInversionReportsEveryClassAndSavesTheImagesStacked(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("invert.json");
        Path images = dir.resolve("images.npy");
        CliTest.Run r = run(
                "invert",
                "--model",
                modelDir.toString(),
                "--classes",
                "0,3,7",
                "--save-images",
                images.toString(),
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mi-face (white-box)").contains("class 3").contains("wrote " + out);
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.get("attack").asText()).isEqualTo("mi-face");
        assertThat(json.get("access").asText()).isEqualTo("white-box");
        JsonNode classes = json.get("classes");
        assertThat(classes).hasSize(3);
        long total = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode c = classes.get(i);
            assertThat(c.get("class").asInt()).isEqualTo(new int[] {0, 3, 7}[i]);
            assertThat(c.get("confidence").asDouble()).isGreaterThanOrEqualTo(0.99);
            assertThat(c.get("queries").asLong()).isEqualTo(c.get("iterations").asLong() + 1);
            assertThat(c.get("stop").asText()).isEqualTo("threshold");
            assertThat(c.get("image").asText()).isEqualTo(images.toString());
            assertThat(c.get("image_index").asInt()).isEqualTo(i);
            total += c.get("queries").asLong();
        }
        assertThat(json.get("queries").asLong()).isEqualTo(total);
        assertThat(json.get("settings").get("step").asDouble()).isEqualTo(1.0);
        assertThat(json.get("provenance").get("settings").get("access").asText())
                .isEqualTo("white-box");
        FloatTensor saved = NpyReader.read(images).toFloatTensor();
        assertThat(saved.shape()).containsExactly(3, 1, 28, 28);
        assertThat(saved.min()).isGreaterThanOrEqualTo(0f);
        assertThat(saved.max()).isLessThanOrEqualTo(1f);
    }

    @Test
    void blackBoxInversionOfAnOnnxModelStaysWithinItsBudgetAndSavesOneFilePerClass(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images");
        CliTest.Run r = run(
                "invert",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--access",
                "black",
                "--shape",
                "1,28,28",
                "--classes",
                "1,8",
                "--queries",
                "3000",
                "--seed",
                "4",
                "--save-images",
                images.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("access").asText()).isEqualTo("black-box");
        assertThat(json.get("settings").get("samples").asInt()).isEqualTo(25);
        assertThat(json.get("provenance").get("seed").asLong()).isEqualTo(4);
        for (JsonNode c : json.get("classes")) {
            int k = c.get("class").asInt();
            assertThat(c.get("confidence").asDouble()).as("class %d", k).isGreaterThan(0.9);
            assertThat(c.get("queries").asLong())
                    .isLessThanOrEqualTo(3000)
                    .isEqualTo(1 + 51 * c.get("iterations").asLong());
            Path file = images.resolve("class_" + k + ".npy");
            assertThat(c.get("image").asText()).isEqualTo(file.toString());
            assertThat(c.has("image_index")).isFalse();
            assertThat(NpyReader.read(file).toFloatTensor().shape()).containsExactly(1, 28, 28);
        }
        // An ONNX model offers no gradients.
        CliTest.Run white = run(
                "invert",
                "--model",
                FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--shape",
                "1,28,28",
                "--classes",
                "1");
        assertThat(white.code()).isEqualTo(1);
        assertThat(white.err()).contains("black-box access only");
    }

    @Test
    void whiteBoxInversionOfATorchScriptModelNeedsItsShape() throws Exception {
        CliTest.Run r = run(
                "invert",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--shape",
                "1,28,28",
                "--classes",
                "2",
                "--steps",
                "200",
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode c = JSON.readTree(r.out()).get("classes").get(0);
        assertThat(c.get("confidence").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(c.has("image")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--access grey|--access must be white or black, got 'grey'",
                "--samples 5|--samples is for --access black",
                "--steps 0|steps must be at least 1, got 0",
                "--smoothing 2|smoothing must be in [0, 1], got 2.0",
                "--access black --sigma 2|sigma must be in (0, 1] (a fraction of the input range), got 2.0",
                "--classes 12|target class 12 is outside 0..9",
                "--classes 1,1|target class 1 is listed twice",
                "--start middle|--start must be zero or midpoint, got 'middle'",
                "--shape 1,28,28|--shape is for .pt and .onnx models; a model directory records its input shape"
            })
    void wrongInvertOptionsAreUsageErrors(String args, String message) {
        List<String> all = new ArrayList<>(List.of("invert", "--model", modelDir.toString()));
        all.addAll(Arrays.asList(args.split(" ")));
        CliTest.Run r = run(all.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("marauder: " + message);
    }

    @Test
    void torchScriptModelsWithoutAShapeAreUsageErrors() {
        CliTest.Run r =
                run("invert", "--model", FIXTURES.resolve("fmnist_cnn.pt").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--shape C,H,W is required for .pt and .onnx models");
        CliTest.Run missing =
                run("invert", "--model", shared.resolve("nothing-here").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nothing-here").contains("not found");
    }

    @Test
    void attributeInferenceOnPenguinsComparesMembersNonMembersAndTheBaseline(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("attribute.json");
        CliTest.Run r = run(
                "attribute",
                "--data",
                "penguins",
                "--sensitive",
                "island",
                "--arch",
                "logreg",
                "--seed",
                "1",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("attribute inference of island (penguins, label species, logreg)")
                .contains("baseline: always Biscoe");
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.get("members").asInt()).isEqualTo(167);
        assertThat(json.get("non_members").asInt()).isEqualTo(166);
        assertThat(json.get("queries").asLong()).isEqualTo(333 * 3);
        assertThat(json.get("baseline").asDouble()).isCloseTo(163 / 333.0, within(1e-9));
        assertThat(json.get("baseline_value").asText()).isEqualTo("Biscoe");
        // The same run as the library test (logreg, 30 epochs, seed 1): members 0.581, non-members 0.596.
        assertThat(json.get("accuracy_members").asDouble())
                .isGreaterThan(json.get("baseline_members").asDouble() + 0.05);
        assertThat(json.get("accuracy_non_members").asDouble())
                .isGreaterThan(json.get("baseline_non_members").asDouble() + 0.05);
        JsonNode perValue = json.get("per_value");
        assertThat(perValue).hasSize(3);
        assertThat(perValue.get(1).get("value").asText()).isEqualTo("Dream");
        assertThat(perValue.get(1).get("precision_members").asDouble()).isGreaterThan(0.9);
        assertThat(perValue.get(0).get("recall_members").asDouble()).isEqualTo(1.0);
        assertThat(perValue.get(0).get("support_members").asInt()
                        + perValue.get(1).get("support_members").asInt()
                        + perValue.get(2).get("support_members").asInt())
                .isEqualTo(167);
        assertThat(json.get("model_accuracy_non_members").asDouble()).isGreaterThan(0.95);
        assertThat(json.get("provenance").get("hashes").get("dataset").asText())
                .isEqualTo(dev.marauder.core.data.TabularDatasets.PENGUINS_CSV_SHA256);
    }

    /**
     * {@code marauder attribute --model M --members FILE}: a model trained elsewhere (here by the
     * Java API, saved as a directory) is attacked with exactly the numbers the Java API gives on
     * the same model and rows.
     */
    @Test
    void attributeInferenceAgainstAGivenModel(@TempDir Path dir) throws Exception {
        var table = dev.marauder.core.data.TabularDatasets.penguins("sex");
        boolean[] mask =
                dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment.memberRows(table.size(), 1);
        Path model = dir.resolve("penguin-logreg");
        dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment.Outcome api;
        try (BuiltinClassifier m = dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment.trainTarget(
                table, mask, new TrainingSettings(Architecture.LOGREG, 30, 16, 0.01, 1), Progress.NONE)) {
            m.save(model);
            api = dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment.attack(
                    m,
                    table,
                    mask,
                    dev.marauder.attacks.inference.inversion.AttributeInferenceExperiment.Encoding.STANDARDIZED,
                    java.util.Map.of());
        }
        Path members = dir.resolve("members.npy");
        int[] bits = new int[mask.length];
        for (int i = 0; i < mask.length; i++) {
            bits[i] = mask[i] ? 1 : 0;
        }
        dev.marauder.core.data.NpyWriter.writeLabels(members, bits);
        CliTest.Run r = run(
                "attribute",
                "--model",
                model.toString(),
                "--data",
                "penguins",
                "--sensitive",
                "sex",
                "--members",
                members.toString(),
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("model").asText()).isEqualTo(model.toString());
        assertThat(json.has("arch")).isFalse();
        assertThat(json.get("members").asInt()).isEqualTo(167);
        assertThat(json.get("non_members").asInt()).isEqualTo(166);
        assertThat(json.get("queries").asLong()).isEqualTo(333 * 2);
        assertThat(json.get("accuracy_members").asDouble())
                .isEqualTo(api.inference().members().accuracy());
        assertThat(json.get("accuracy_non_members").asDouble())
                .isEqualTo(api.inference().nonMembers().accuracy());
        assertThat(json.get("model_accuracy_members").asDouble()).isEqualTo(api.trainAccuracy());
        assertThat(json.get("model_accuracy_non_members").asDouble()).isEqualTo(api.testAccuracy());
        // a species model on penguins: far better than chance on both halves
        assertThat(api.trainAccuracy()).isGreaterThan(0.9);
        assertThat(json.get("provenance").get("hashes").get("dataset").asText())
                .isEqualTo(dev.marauder.core.data.TabularDatasets.PENGUINS_CSV_SHA256);
        // the model's inputs read raw: refused, since raw body masses lie far outside the model's bounds
        CliTest.Run raw = run(
                "attribute",
                "--model",
                model.toString(),
                "--data",
                "penguins",
                "--sensitive",
                "sex",
                "--members",
                members.toString(),
                "--features",
                "raw",
                "--quiet");
        assertThat(raw.code()).isEqualTo(1);
        assertThat(raw.err()).contains("penguins");

        // a mask of the wrong length names the file; usage errors exit 2
        dev.marauder.core.data.NpyWriter.writeLabels(members, new int[] {1, 0, 1});
        CliTest.Run shortMask = run(
                "attribute",
                "--model",
                model.toString(),
                "--data",
                "penguins",
                "--sensitive",
                "sex",
                "--members",
                members.toString(),
                "--quiet");
        assertThat(shortMask.code()).isEqualTo(1);
        assertThat(shortMask.err()).contains("members.npy").contains("shape [333]");
        String[][] usage = {
            {"--model", model.toString()},
            {"--members", members.toString()},
            {"--model", model.toString(), "--members", members.toString(), "--arch", "mlp"},
            {"--model", model.toString(), "--members", members.toString(), "--features", "zscore"},
        };
        String[] messages = {
            "--model needs --members FILE", "go with --model", "with --model none is trained", "standardized or raw"
        };
        for (int k = 0; k < usage.length; k++) {
            List<String> args = new ArrayList<>(List.of("attribute", "--data", "penguins", "--sensitive", "sex"));
            args.addAll(List.of(usage[k]));
            CliTest.Run u = run(args.toArray(String[]::new));
            assertThat(u.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(u.err()).contains(messages[k]);
        }
    }

    @Test
    void attributeInferenceReadsAnyCsvTable(@TempDir Path dir) throws Exception {
        // 300 people; "smoker" decides the label 90% of the time; "age" is noise.
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder("age,smoker,risk\n");
        for (int i = 0; i < 300; i++) {
            boolean smoker = random.nextDouble() < 0.3;
            boolean high = random.nextDouble() < 0.9 == smoker;
            csv.append(20 + random.nextInt(50))
                    .append(',')
                    .append(smoker ? "yes" : "no")
                    .append(',')
                    .append(high ? "high" : "low")
                    .append('\n');
        }
        Path file = dir.resolve("people.csv");
        Files.writeString(file, csv);
        CliTest.Run r = run(
                "attribute",
                "--data",
                file.toString(),
                "--label",
                "risk",
                "--sensitive",
                "smoker",
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("arch").asText()).isEqualTo("mlp");
        assertThat(json.get("baseline_value").asText()).isEqualTo("no");
        assertThat(json.get("accuracy_members").asDouble()).isGreaterThan(0.85);
        assertThat(json.get("accuracy_non_members").asDouble()).isGreaterThan(0.85);
        assertThat(json.get("baseline").asDouble()).isLessThan(0.8);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--data penguins --sensitive beak|the penguins' sensitive column must be sex or island, got 'beak'",
                "--data penguins --sensitive sex --label island|the penguins' label is species, not 'island'; drop --label",
                "--data penguins --sensitive sex --arch cnn|--arch cnn needs images; use logreg or mlp for a table",
                "--data penguins --sensitive sex --arch resnet|--arch: unknown architecture 'resnet'; choose one of logreg, mlp, cnn",
                "--data penguins --sensitive sex --epochs 0|epochs must be at least 1, got 0",
                "--data people.csv --sensitive smoker|--label COL is required for a CSV file"
            })
    void wrongAttributeOptionsAreUsageErrors(String args, String message) {
        List<String> all = new ArrayList<>(List.of("attribute"));
        all.addAll(Arrays.asList(args.split(" ")));
        CliTest.Run r = run(all.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("marauder: " + message);
    }

    @Test
    void aMissingTableIsAFailure() {
        CliTest.Run r =
                run("attribute", "--data", shared.resolve("absent.csv").toString(), "--label", "y", "--sensitive", "s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("absent.csv").contains("not found");
    }
}
