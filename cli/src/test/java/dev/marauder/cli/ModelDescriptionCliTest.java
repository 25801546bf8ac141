package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.data.NpyWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own model as it is: normalisation, layout, per-channel bounds, class names and the
 * model description file, through the command line.
 */
class ModelDescriptionCliTest {
    private static final String X = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
    private static final String Y = FIXTURES.resolve("fmnist_test_200_y.npy").toString();

    @TempDir
    Path dir;

    private static double robustAccuracy(CliTest.Run r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        return json.get("per_epsilon").get(0).get("robust_accuracy").asDouble();
    }

    private static String[] pgd(String model, String x, String y, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "attack",
                "pgd",
                "--model",
                model,
                "--data",
                x,
                "--labels",
                y,
                "--eps",
                "0.03",
                "--steps",
                "10",
                "--json"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aNormalisedModelGivesTheRobustAccuracyOfItsPlainTwinInRawInputUnits() throws Exception {
        double plain = robustAccuracy(run(pgd(FIXTURES.resolve("fmnist_cnn.pt").toString(), X, Y)));
        double declared = robustAccuracy(run(pgd(
                FIXTURES.resolve("fmnist_cnn_normalized.pt").toString(), X, Y, "--mean", "0.2860", "--std", "0.3530")));
        double undeclared = robustAccuracy(
                run(pgd(FIXTURES.resolve("fmnist_cnn_normalized.pt").toString(), X, Y)));
        assertThat(declared).isEqualTo(plain);
        assertThat(undeclared).as("the same file without its normalisation").isNotEqualTo(plain);
    }

    @Test
    void aDescriptionFileBesideAChannelsLastModelIsReadByEveryCommand() throws Exception {
        Path model = Files.copy(FIXTURES.resolve("fmnist_cnn_nhwc.pt"), dir.resolve("nhwc.pt"));
        Files.writeString(dir.resolve("nhwc.pt.yaml"), "input_shape: [28, 28, 1]\nlayout: nhwc\nbounds: [0, 1]\n");
        double plain = robustAccuracy(run(pgd(FIXTURES.resolve("fmnist_cnn.pt").toString(), X, Y)));
        // [N, 1, 28, 28] data are reshaped to the declared [28, 28, 1] (the same values for one channel)
        assertThat(robustAccuracy(run(pgd(model.toString(), X, Y)))).isEqualTo(plain);
        CliTest.Run eval = run("eval", "--model", model.toString(), "--data", X, "--labels", Y, "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        CliTest.Run plainEval = run(
                "eval", "--model", FIXTURES.resolve("fmnist_cnn.pt").toString(), "--data", X, "--labels", Y, "--json");
        assertThat(JSON.readTree(eval.out()).get("accuracy").asDouble())
                .isEqualTo(JSON.readTree(plainEval.out()).get("accuracy").asDouble());
        // an option that contradicts the file is a usage error, not silently preferred
        CliTest.Run contradicting = run(pgd(model.toString(), X, Y, "--layout", "nchw"));
        assertThat(contradicting.code()).isEqualTo(2);
        assertThat(contradicting.err()).contains("nhwc.pt.yaml").contains("layout");
    }

    @Test
    void aChannelsLastRgbModelWithPerChannelNormalisationMatchesItsPlainTwin() throws Exception {
        FloatTensor nchw = NpyReader.read(FIXTURES.resolve("rgb_8x8_x.npy")).toFloatTensor();
        Path nhwc = dir.resolve("rgb_nhwc.npy");
        NpyWriter.write(nhwc, channelsLast(nchw));
        String y = FIXTURES.resolve("rgb_8x8_y.npy").toString();
        Path model = Files.copy(FIXTURES.resolve("rgb_linear_nhwc_normalized.pt"), dir.resolve("rgb.pt"));
        Files.writeString(
                dir.resolve("rgb.pt.json"),
                "{\"layout\": \"nhwc\", \"normalization\": {\"mean\": [0.5, 0.4, 0.3], \"std\": [0.2, 0.25, 0.3]}}");
        double plain = robustAccuracy(run(pgd(
                FIXTURES.resolve("rgb_linear.pt").toString(),
                FIXTURES.resolve("rgb_8x8_x.npy").toString(),
                y)));
        assertThat(robustAccuracy(run(pgd(model.toString(), nhwc.toString(), y))))
                .isEqualTo(plain);
        // per-channel bounds along the declared channel axis: the data's blue channel exceeds 0.9
        CliTest.Run outside = run(pgd(model.toString(), nhwc.toString(), y, "--bounds", "0:1,0:1,0:0.9"));
        assertThat(outside.code()).isEqualTo(1);
        assertThat(outside.err()).contains("channel 2").contains("[0.0, 0.9]");
        CliTest.Run wrongCount = run(pgd(model.toString(), nhwc.toString(), y, "--bounds", "0:1,0:1"));
        assertThat(wrongCount.code()).as(wrongCount.err()).isEqualTo(2);
        assertThat(wrongCount.err()).contains("2 bounds").contains("3 channels");
    }

    @Test
    void classNamesComeFromAFileAndMustMatchTheModel() throws Exception {
        Path names = Files.writeString(dir.resolve("names.txt"), "a\nb\nc\n");
        CliTest.Run r = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                X,
                "--labels",
                Y,
                "--class-names",
                names.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("3 names").contains("10 classes");
    }

    @Test
    void fileModelOptionsOnAModelDirectoryAndHalfANormalisationAreUsageErrors() {
        CliTest.Run onDirectory =
                run("eval", "--model", FIXTURES.toString(), "--data", X, "--labels", Y, "--mean", "0", "--std", "1");
        assertThat(onDirectory.code()).isEqualTo(2);
        assertThat(onDirectory.err()).contains("Marauder model directory");
        CliTest.Run half = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                X,
                "--labels",
                Y,
                "--mean",
                "0.5");
        assertThat(half.code()).isEqualTo(2);
        assertThat(half.err()).contains("--mean needs --std");
        CliTest.Run badDescription = run(
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn.pt").toString(),
                "--data",
                X,
                "--labels",
                Y,
                "--model-description",
                FIXTURES.resolve("fmnist_cnn.json").toString());
        assertThat(badDescription.code()).isEqualTo(1);
        assertThat(badDescription.err()).contains("fmnist_cnn.json").contains("unknown key");
    }

    @Test
    void aTorchScriptPrintDoesNotCorruptJsonOnStandardOutputThroughTheLauncher() throws Exception {
        Path launcher = FIXTURES.resolve("../../../../../marauder").normalize();
        ProcessBuilder pb = new ProcessBuilder(
                "bash",
                launcher.toString(),
                "eval",
                "--model",
                FIXTURES.resolve("fmnist_cnn_prints.pt").toString(),
                "--data",
                X,
                "--labels",
                Y,
                "--json");
        pb.environment().put("MARAUDER_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment()
                .put(
                        "PATH",
                        Path.of(System.getProperty("java.home"), "bin") + ":"
                                + System.getenv().getOrDefault("PATH", ""));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();
        // the model's own print() went to standard error; standard output is one JSON document
        assertThat(stderr).contains("forward pass on a batch of");
        JsonNode json = JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
        assertThat(json.get("accuracy").asDouble()).isBetween(0.5, 1.0);
    }

    private static FloatTensor channelsLast(FloatTensor nchw) {
        int n = nchw.dim(0);
        int c = nchw.dim(1);
        int h = nchw.dim(2);
        int w = nchw.dim(3);
        float[] in = nchw.data();
        float[] out = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                for (int yy = 0; yy < h; yy++) {
                    for (int xx = 0; xx < w; xx++) {
                        out[((i * h + yy) * w + xx) * c + k] = in[((i * c + k) * h + yy) * w + xx];
                    }
                }
            }
        }
        return new FloatTensor(out, n, h, w, c);
    }
}
