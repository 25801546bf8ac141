package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.Models;
import dev.marauder.serve.InferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marauder serve} and {@code --model http://...} through the command line, on 127.0.0.1 and
 * free ports: a served fixture gives the accuracy and membership scores of the local file, remote
 * options, budget, connection and URL failures are one-line errors, and white-box commands refuse
 * a model behind an API with a usage error.
 */
@Timeout(120)
class ServeCommandTest {
    private static final String MODEL = FIXTURES.resolve("fmnist_cnn.pt").toString();
    private static final String X = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
    private static final String Y = FIXTURES.resolve("fmnist_test_200_y.npy").toString();

    private static Classifier cnn;
    private static InferenceServer server;
    private static String url;

    @BeforeAll
    static void serve() {
        cnn = Models.open(Path.of(MODEL), new InputSpec(new int[] {1, 28, 28}, 0f, 1f));
        server = new InferenceServer(cnn, InferenceServer.Settings.of("fmnist")).start();
        url = server.modelUrl();
    }

    @AfterAll
    static void stop() {
        server.stop();
        cnn.close();
    }

    private static double accuracy(CliTest.Run r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("accuracy").asDouble();
    }

    private static void assertOneLineError(CliTest.Run r, int code, String start) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).startsWith(start).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("marauder:")))
                .hasSize(1);
    }

    @Test
    void evalOfAServedModelGivesTheAccuracyOfTheLocalFileAndCountsItsQueries() throws Exception {
        double local = accuracy(run("eval", "--model", MODEL, "--data", X, "--labels", Y, "--json"));
        CliTest.Run remote = run(
                "eval", "--model", url, "--data", X, "--labels", Y, "--max-batch", "256", "--timeout", "30", "--json");
        assertThat(accuracy(remote)).isEqualTo(local).isEqualTo(0.83);
        JsonNode json = JSON.readTree(remote.out());
        assertThat(json.get("format").asText()).isEqualTo("remote");
        assertThat(json.get("model").asText()).isEqualTo(url);
        assertThat(json.get("queries").asLong()).isEqualTo(200);
        assertThat(JSON.readTree(run("eval", "--model", MODEL, "--data", X, "--labels", Y, "--json")
                                .out())
                        .has("queries"))
                .as("a local model's result has no query count")
                .isFalse();
    }

    @Test
    void miaThresholdOnAServedModelGivesTheScoresOfTheLocalFile(@TempDir Path dir) throws Exception {
        LabeledData all = Datasets.loadPair(Path.of(X), Path.of(Y));
        String[] in = write(dir, "in", all.slice(0, 100));
        String[] out = write(dir, "out", all.slice(100, 200));
        String[] args = {
            "mia",
            "--kind",
            "threshold",
            "--members",
            in[0] + "," + in[1],
            "--non-members",
            out[0] + "," + out[1],
            "--json",
            "--quiet",
            "--model"
        };
        CliTest.Run local = run(concat(args, MODEL));
        CliTest.Run remote = run(concat(args, url, "--max-batch", "200"));
        assertThat(remote.code()).as(remote.err()).isZero();
        assertThat(local.code()).as(local.err()).isZero();
        assertThat(JSON.readTree(remote.out()).get("auc").asDouble())
                .isEqualTo(JSON.readTree(local.out()).get("auc").asDouble());
    }

    private static String[] write(Path dir, String name, LabeledData d) {
        Path x = dir.resolve(name + "_x.npy");
        Path y = dir.resolve(name + "_y.npy");
        NpyWriter.write(x, d.features());
        NpyWriter.writeLabels(y, d.labels());
        return new String[] {x.toString(), y.toString()};
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void auditOfAServedModelSkipsTheChecksThatNeedGradientsAndSaysWhy(@TempDir Path dir) throws Exception {
        CliTest.Run r = run(
                "audit",
                "--model",
                url,
                "--data",
                X,
                "--labels",
                Y,
                "--examples",
                "50",
                "--eps",
                "0,0.1",
                "--max-batch",
                "200",
                "--report",
                dir.resolve("report").toString(),
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report =
                JSON.readTree(dir.resolve("report").resolve("report.json").toFile());
        assertThat(report.toString()).contains("white-box");
        assertThat(r.err()).contains("audited ").contains("skipped");
    }

    @Test
    void failOnExitsThreeAfterWritingTheReportAndFindingsNameTheirAtlasTechniques(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        CliTest.Run r = run(
                "audit",
                "--model",
                url,
                "--data",
                X,
                "--labels",
                Y,
                "--examples",
                "20",
                "--eps",
                "0,0.1",
                "--max-batch",
                "200",
                "--report",
                report.toString(),
                "--sarif",
                report.resolve("marauder.sarif").toString(),
                "--junit",
                dir.resolve("junit.xml").toString(),
                "--fail-on",
                "low");
        JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
        boolean anyAssessed = false;
        for (JsonNode line : json.get("summary")) {
            anyAssessed |= !line.get("severity").asText().equals("not_assessed");
            assertThat(line.get("check").asText()).isNotEmpty();
        }
        assertThat(anyAssessed).isTrue();
        assertThat(r.code()).as(r.err()).isEqualTo(Main.FINDINGS);
        assertThat(r.err()).contains("--fail-on low:");
        assertThat(json.get("summary").toString()).contains("AML.T0043.001").contains("ML01:2023");

        // the CI outputs: SARIF valid against the 2.1.0 schema, one result per summary line, at the
        // served model's URL; JUnit with one test case per check and skipped check
        JsonNode sarif = JSON.readTree(report.resolve("marauder.sarif").toFile());
        assertThat(SarifValidation.violations(sarif)).isEmpty();
        JsonNode run = sarif.get("runs").get(0);
        assertThat(run.get("results")).hasSize(json.get("summary").size());
        assertThat(run.at("/results/0/locations/0/physicalLocation/artifactLocation/uri")
                        .asText())
                .isEqualTo(url);
        assertThat(run.at("/tool/driver/version").asText()).isEqualTo(dev.marauder.core.provenance.BuildInfo.version());
        assertThat(run.at("/invocations/0/toolExecutionNotifications"))
                .hasSize(json.get("skipped").size());
        org.w3c.dom.Document junit = javax.xml.parsers.DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile());
        java.util.Set<String> checks = new java.util.HashSet<>();
        json.get("summary").forEach(l -> checks.add(l.get("check").asText()));
        org.w3c.dom.Element suites = junit.getDocumentElement();
        assertThat(suites.getAttribute("tests"))
                .isEqualTo(String.valueOf(checks.size() + json.get("skipped").size()));
        assertThat(suites.getAttribute("skipped"))
                .isEqualTo(String.valueOf(json.get("skipped").size()));
        assertThat(Integer.parseInt(suites.getAttribute("failures"))).isPositive(); // --fail-on low failed
        assertThat(r.out())
                .contains("wrote " + report.resolve("marauder.sarif"))
                .contains("wrote " + dir.resolve("junit.xml"));

        // refused before the audit runs: an input, a directory, the report's own file, each other
        assertOneLineError(
                run("audit", "--model", url, "--data", X, "--labels", Y, "--sarif", Y),
                1,
                "marauder: error: " + Y + ": is an input of this command");
        assertOneLineError(
                run("audit", "--model", url, "--data", X, "--labels", Y, "--junit", dir.toString()),
                1,
                "marauder: error: " + dir + ": is a directory; --junit names the JUnit XML file to write");
        Path json2 = report.resolve("report.json");
        assertOneLineError(
                run(
                        "audit",
                        "--model",
                        url,
                        "--data",
                        X,
                        "--labels",
                        Y,
                        "--report",
                        report.toString(),
                        "--sarif",
                        json2.toString()),
                1,
                "marauder: error: " + json2 + ": is also written by this audit");
        Path same = dir.resolve("ci.out");
        assertOneLineError(
                run(
                        "audit",
                        "--model",
                        url,
                        "--data",
                        X,
                        "--labels",
                        Y,
                        "--sarif",
                        same.toString(),
                        "--junit",
                        same.toString()),
                1,
                "marauder: error: " + same + ": is also written by this audit");
        assertOneLineError(
                run(
                        "audit",
                        "--model",
                        url,
                        "--data",
                        X,
                        "--labels",
                        Y,
                        "--sarif",
                        dir.resolve("missing/x.sarif").toString()),
                1,
                "marauder: error: " + dir.resolve("missing/x.sarif") + ": cannot be written: directory");
        assertOneLineError(
                run("audit", "--model", url, "--data", X, "--labels", Y, "--fail-on", "severe"),
                2,
                "marauder: --fail-on must be high, medium or low");
    }

    @Test
    void aQueryBudgetTooSmallForTheDataFailsWithOneLine() {
        CliTest.Run r =
                run("eval", "--model", url, "--data", X, "--labels", Y, "--batch", "100", "--query-budget", "150");
        assertOneLineError(
                r,
                1,
                "marauder: error: query budget exhausted for " + url + ": 100 of 150 queries used,"
                        + " and 100 more would exceed it (--query-budget)");
    }

    @Test
    void connectionRefusedAndABadUrlFailWithOneLineAndNoStackTrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closed + "/v2/models/fmnist";
        assertOneLineError(
                run("eval", "--model", nowhere, "--data", X, "--labels", Y),
                1,
                "marauder: error: cannot connect to " + nowhere + " (");
        assertOneLineError(
                run("eval", "--model", "http://127.0.0.1:" + closed + "/predict", "--data", X, "--labels", Y),
                1,
                "marauder: error: not a model URL: 'http://127.0.0.1:" + closed + "/predict'");
        assertOneLineError(
                run("eval", "--model", url.replace("/fmnist", "/other"), "--data", X, "--labels", Y),
                1,
                "marauder: error: " + url.replace("/fmnist", "/other") + " answered HTTP 404: unknown model 'other'");
    }

    @Test
    void whiteBoxCommandsAndMisplacedOptionsAreUsageErrors() {
        CliTest.Run pgd = run("attack", "pgd", "--model", url, "--data", X, "--labels", Y);
        assertOneLineError(pgd, 2, "marauder: attack pgd needs white-box access (gradients), but --model " + url);
        CliTest.Run invert = run("invert", "--model", url, "--classes", "0");
        assertThat(invert.code()).isEqualTo(2);
        assertThat(invert.err()).contains("is a model behind an API (black-box: queries only)");
        CliTest.Run local = run("eval", "--model", MODEL, "--data", X, "--labels", Y, "--query-budget", "10");
        assertOneLineError(
                local, 2, "marauder: --query-budget, --max-batch, --timeout, --api-key-env, --api-key-file and");
        CliTest.Run unset = run(
                "eval", "--model", url, "--data", X, "--labels", Y, "--api-key-env", "MARAUDER_TEST_UNSET_VARIABLE");
        assertOneLineError(unset, 2, "marauder: --api-key-env MARAUDER_TEST_UNSET_VARIABLE: the environment variable");
        CliTest.Run shapeless = run("serve", "--model", MODEL, "--port", "0");
        assertOneLineError(shapeless, 2, "marauder: serve needs the shape of one input of " + MODEL);
    }

    @Test
    void theServeCommandServesUntilInterruptedAndPrintsItsUrl() throws Exception {
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = new Thread(() -> code.set(Main.execute(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                "serve",
                "--model",
                MODEL,
                "--input-shape",
                "1,28,28",
                "--port",
                "0")));
        serving.start();
        Pattern served = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/v2/models/fmnist_cnn)");
        String modelUrl = null;
        for (int i = 0; i < 600 && modelUrl == null && serving.isAlive(); i++) {
            Matcher m = served.matcher(err.toString());
            if (m.find()) {
                modelUrl = m.group(1);
            } else {
                Thread.sleep(50);
            }
        }
        assertThat(modelUrl).as(err.toString()).isNotNull();
        HttpResponse<String> ready = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(modelUrl + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        double remote =
                accuracy(run("eval", "--model", modelUrl, "--data", X, "--labels", Y, "--max-batch", "256", "--json"));
        assertThat(remote).isEqualTo(0.83);
        serving.interrupt();
        serving.join(10_000);
        assertThat(serving.isAlive()).isFalse();
        assertThat(code).hasValue(0);
    }
}
