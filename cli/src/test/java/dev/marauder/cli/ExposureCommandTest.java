package dev.marauder.cli;

import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code marauder exposure} and its place in the audit report. */
class ExposureCommandTest {

    @Test
    void exposureRunReportsEveryCanaryAndFeedsTheAudit(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exposure.json");
        CliTest.Run r = run(
                "exposure",
                "--chars",
                "12000",
                "--format",
                "my pin is NNN",
                "--repetitions",
                "1,8",
                "--canaries",
                "1",
                "--epochs",
                "1",
                "--hidden",
                "32",
                "--embedding",
                "8",
                "--sequence",
                "32",
                "--samples",
                "200",
                "--seed",
                "2",
                "--out",
                out.toString(),
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mean exposure by repetitions");
        JsonNode j = JSON.readTree(out.toFile());
        assertThat(j.get("exact").asBoolean()).isTrue();
        assertThat(j.get("max_exposure").asDouble()).isEqualTo(Math.log(1000) / Math.log(2));
        assertThat(j.get("canaries")).hasSize(2);
        assertThat(j.get("canaries").get(1).get("repetitions").asInt()).isEqualTo(8);
        assertThat(j.get("canaries").get(0).get("exposure").asDouble())
                .isBetween(0.0, j.get("max_exposure").asDouble());
        assertThat(j.get("mean_exposure_by_repetitions").has("8")).isTrue();

        Path report = dir.resolve("report");
        CliTest.Run audit = run(
                "audit",
                "--model",
                CliTest.FIXTURES.resolve("fmnist_mlp.onnx").toString(),
                "--data",
                "fashion-mnist",
                "--exposure",
                out.toString(),
                "--report",
                report.toString(),
                "--quiet");
        assertThat(audit.code()).as(audit.err()).isZero();
        JsonNode section = JSON.readTree(report.resolve("report.json").toFile())
                .get("sections")
                .get("memorization");
        assertThat(section.get("exposure")).hasSize(1);
        assertThat(section.get("exposure_vs_repetitions").get("series")).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--noise 1|--noise needs --dp",
                "--dp|--dp needs --noise",
                "--repetitions 0|repetitions must be positive",
                "--format my-pin|",
            })
    void badOptionsAreUsageErrors(String args, String message) {
        CliTest.Run r = run(("exposure " + args).split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message == null ? "" : message);
    }
}
