package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marauder.privacy.accounting.RdpAccountant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code marauder privacy} end to end through {@link Main#execute}: values, JSON keys, usage errors. */
class PrivacyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** TensorFlow Privacy's MNIST tutorial: 60,000 examples, batch 256, 60 epochs, delta 1e-5. */
    private static final String[] MNIST = {"--n", "60000", "--batch", "256", "--epochs", "60", "--delta", "1e-5"};

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String[] args(String command, String... more) {
        String[] all = new String[2 + MNIST.length + more.length];
        all[0] = "privacy";
        all[1] = command;
        System.arraycopy(MNIST, 0, all, 2, MNIST.length);
        System.arraycopy(more, 0, all, 2 + MNIST.length, more.length);
        return all;
    }

    @Test
    void theAccountingBenchmarkReportsBothAccountantsAndTheirEpsilons() throws Exception {
        Result r = run("bench", "accounting", "--steps", "200", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode rows = JSON.readTree(r.out()).get("accounting").get("rows");
        assertThat(rows).hasSize(6);
        RdpAccountant rdp = new RdpAccountant();
        rdp.step(1.1, 256.0 / 60000, 200);
        assertThat(rows.get(0).get("accountant").asText()).isEqualTo("rdp");
        assertThat(rows.get(0).get("epsilon").asDouble()).isEqualTo(rdp.epsilon(1e-5));
        assertThat(rows.get(1).get("accountant").asText()).isEqualTo("pld");
        assertThat(rows.get(1).get("median_milliseconds").asDouble()).isPositive();
        assertThat(run("bench", "accounting", "--steps", "0").code()).isEqualTo(2);
    }

    @Test
    void aSavedHistoryResumesToTheEpsilonOfTheWholeRun(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("history.json");
        String[] half = {
            "privacy",
            "epsilon",
            "--n",
            "60000",
            "--batch",
            "256",
            "--epochs",
            "30",
            "--delta",
            "1e-5",
            "--noise",
            "1.1",
            "--json"
        };
        Result first = run(concat(half, "--save-history", saved.toString()));
        assertThat(first.code()).as(first.err()).isZero();
        JsonNode state = JSON.readTree(saved.toFile());
        assertThat(state.get("accountant").asText()).isEqualTo("rdp");
        assertThat(state.get("history").get(0).get("steps").asLong()).isEqualTo(7032);
        assertThat(state.get("history").get(0).get("noise_multiplier").asDouble())
                .isEqualTo(1.1);

        Result resumed = run(concat(half, "--history", saved.toString()));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        RdpAccountant whole = new RdpAccountant();
        whole.step(1.1, 256.0 / 60000, 2 * 7032);
        assertThat(JSON.readTree(resumed.out()).get("epsilon").asDouble()).isEqualTo(whole.epsilon(1e-5));

        Files.writeString(
                dir.resolve("bad.json"),
                "{\"accountant\": \"rdp\", \"history\": [{\"noise_multiplier\": -1,"
                        + " \"sample_rate\": 0.1, \"steps\": 3}]}");
        Result bad = run(concat(half, "--history", dir.resolve("bad.json").toString()));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err())
                .contains("bad.json")
                .contains("not an accountant history")
                .doesNotContain("\tat ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void epsilonWithRdp() throws Exception {
        Result r = run(args("epsilon", "--noise", "1.1", "--json"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        // ceil(60 * 60000 / 256) = ceil(14062.5) steps at rate 256/60000 (TF Privacy's
        // compute_dp_sgd_privacy). Epsilon 2.5966555286883684 at order 8.1 by Opacus's
        // analysis/rdp.py over the same (dp_accounting's default) orders; 1e-9 relative.
        assertThat(json.get("steps").asLong()).isEqualTo(14063);
        assertThat(json.get("sample_rate").asDouble()).isEqualTo(256.0 / 60000);
        assertThat(json.get("accountant").asText()).isEqualTo("rdp");
        assertThat(json.get("delta").asDouble()).isEqualTo(1e-5);
        assertThat(json.get("epsilon").asDouble()).isCloseTo(2.5966555286883684, withinPercentage(1e-7));
        assertThat(json.get("order").asDouble()).isEqualTo(8.1);
        assertThat(json.get("noise_multiplier").asDouble()).isEqualTo(1.1);
    }

    @Test
    void epsilonWithPldIsTighterAndWritesAFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("eps.json");
        Result r = run(args("epsilon", "--noise", "1.1", "--accountant", "PLD", "--out", out.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("epsilon 2.38")
                .contains("(pld)")
                .contains("14063 steps")
                .contains("wrote " + out);
        JsonNode json = JSON.readTree(Files.readString(out));
        // dp_accounting's PLDAccountant gives 2.381778812581751 for the same run (same construction).
        assertThat(json.get("epsilon").asDouble()).isCloseTo(2.381778812581751, withinPercentage(1e-4));
        assertThat(json.get("accountant").asText()).isEqualTo("pld");
        assertThat(json.has("order")).isFalse();
    }

    @Test
    void noiseForATargetNeverOvershoots() throws Exception {
        Result r = run(args("noise", "--target-epsilon", "3", "--json"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        double sigma = json.get("noise_multiplier").asDouble();
        assertThat(json.get("epsilon").asDouble()).isLessThanOrEqualTo(3).isGreaterThan(2.99);
        assertThat(json.get("target_epsilon").asDouble()).isEqualTo(3);
        assertThat(json.get("steps").asLong()).isEqualTo(14063);
        RdpAccountant check = new RdpAccountant();
        check.step(sigma, 256.0 / 60000, 14063);
        assertThat(check.epsilon(1e-5)).isEqualTo(json.get("epsilon").asDouble());
        // 1.1 gives 2.597 < 3, so the answer is below 1.1.
        assertThat(sigma).isLessThan(1.1).isGreaterThan(0.9);

        Result pld = run(args("noise", "--target-epsilon", "3", "--accountant", "pld"));
        assertThat(pld.code()).as(pld.err()).isZero();
        assertThat(pld.out()).startsWith("noise multiplier ").contains("(pld)");
        double pldSigma = Double.parseDouble(pld.out().split(" ")[2]);
        assertThat(pldSigma).isLessThan(sigma).isCloseTo(sigma, within(0.1));
    }

    @Test
    void subcommandIsRequiredAndHelpWorks() {
        Result none = run("privacy");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("a subcommand is required (epsilon, noise, audit)");
        for (String command : new String[] {"epsilon", "noise"}) {
            Result help = run("privacy", command, "--help");
            assertThat(help.code()).isZero();
            assertThat(help.out()).contains("Usage:").contains("--accountant").contains("--delta");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "epsilon --n 0 --batch 1 --epochs 1 --delta 1e-5 --noise 1          | --n must be at least 1, got 0",
                "epsilon --n 100 --batch 101 --epochs 1 --delta 1e-5 --noise 1      | --batch must be between 1 and --n (100), got 101",
                "epsilon --n 100 --batch 0 --epochs 1 --delta 1e-5 --noise 1        | --batch must be between 1 and --n (100), got 0",
                "epsilon --n 100 --batch 10 --epochs 1 --delta 1.5 --noise 1        | --delta must be in [0, 1), got 1.5",
                "epsilon --n 100 --batch 10 --epochs 1 --delta -0.1 --noise 1       | --delta must be in [0, 1), got -0.1",
                "epsilon --n 100 --batch 10 --epochs 1 --delta 1e-5 --noise -1      | --noise must be finite and >= 0, got -1.0",
                "epsilon --n 100 --batch 10 --epochs 0 --delta 1e-5 --noise 1       | --epochs must be positive, got 0.0",
                "epsilon --n 100 --batch 10 --epochs -2 --delta 1e-5 --noise 1      | --epochs must be positive, got -2.0",
                "noise --n 100 --batch 10 --epochs 1 --delta 1e-5 --target-epsilon 0 | --target-epsilon must be positive, got 0.0",
                "noise --n 100 --batch 10 --epochs 1 --delta 1e-5 --target-epsilon -1 | --target-epsilon must be positive, got -1.0",
                "epsilon --n 100 --batch 10 --epochs 1 --delta 1e-5 --noise 1 --accountant foo | --accountant",
                "epsilon --n 100 --batch 10 --epochs 1 --delta 1e-5                 | --noise",
            })
    void badValuesAreOneLineUsageErrors(String command, String message) {
        Result r = run(("privacy " + command).trim().split("\\s+"));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.USAGE);
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).startsWith("marauder: ").contains(message).doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void edgeCases() throws Exception {
        // Every example in every batch, no sampling: 10 Gaussian steps of noise 5, i.e. one of
        // noise 5/sqrt(10); RDP at order a is 10 a / 50, so the best order is large but finite.
        Result full = run(
                "privacy",
                "epsilon",
                "--n",
                "100",
                "--batch",
                "100",
                "--epochs",
                "10",
                "--delta",
                "1e-5",
                "--noise",
                "5",
                "--json");
        assertThat(full.code()).as(full.err()).isZero();
        JsonNode json = JSON.readTree(full.out());
        assertThat(json.get("steps").asLong()).isEqualTo(10);
        assertThat(json.get("sample_rate").asDouble()).isEqualTo(1.0);
        // Fractional epochs; 0.7 * 1000 / 100 is 7.000000000000001 in floating point: still 7 steps.
        Result frac = run(
                "privacy",
                "epsilon",
                "--n",
                "1000",
                "--batch",
                "100",
                "--epochs",
                "0.7",
                "--delta",
                "1e-5",
                "--noise",
                "1",
                "--json");
        assertThat(JSON.readTree(frac.out()).get("steps").asLong()).isEqualTo(7);
        // No noise: no privacy, an infinite epsilon, not an error.
        Result none = run(
                "privacy",
                "epsilon",
                "--n",
                "1000",
                "--batch",
                "100",
                "--epochs",
                "1",
                "--delta",
                "1e-5",
                "--noise",
                "0");
        assertThat(none.code()).isZero();
        assertThat(none.out()).startsWith("epsilon Infinity");
    }
}
