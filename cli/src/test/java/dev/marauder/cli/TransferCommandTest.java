package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransferCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = FIXTURES.resolve("fmnist_cnn.pt").toString();

    @Test
    void aTransferRunReportsItsQueriesAndTransferSuccess() throws Exception {
        CliTest.Run r = run(
                "attack",
                "transfer",
                "--model",
                MODEL,
                "--data",
                "fashion-mnist",
                "--substitute-arch",
                "logreg",
                "--seeds",
                "100",
                "--rounds",
                "2",
                "--substitute-queries",
                "200",
                "--substitute-epochs",
                "3",
                "--eps",
                "0,0.3",
                "--json",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode t = JSON.readTree(r.out()).get("transfer");
        assertThat(t.get("substitute_queries").asLong()).isEqualTo(200);
        assertThat(t.get("rounds")).hasSize(2);
        int examples = t.get("examples").asInt();
        assertThat(t.get("evaluation_queries").asLong()).isEqualTo(3L * examples);
        JsonNode none = t.get("per_epsilon").get(0);
        JsonNode large = t.get("per_epsilon").get(1);
        // eps 0 changes nothing: the target keeps its accuracy and nothing transfers
        assertThat(none.get("transfer_success_rate").asDouble()).isZero();
        assertThat(none.get("target_robust_accuracy").asDouble())
                .isEqualTo(t.get("target_accuracy").asDouble());
        assertThat(large.get("transfer_success_rate").asDouble()).isGreaterThan(0.3);
        assertThat(t.get("provenance").get("settings").get("substitute")).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--substitute-arch resnet|unknown architecture",
                "--substitute-arch mlp --seeds 500 --substitute-queries 100|--seeds 500 exceeds --substitute-queries 100",
                "--substitute-arch mlp --craft cw|--craft must be fgsm or pgd, got 'cw'",
                "--substitute-arch mlp --lambda 2|lambda must be in (0, 1]",
                "--substitute-arch mlp --eps 2|--eps must be L-infinity budgets in [0, 1.0], got 2.0",
                "--substitute-arch mlp --seeds 100000 --substitute-queries 100000|leaves none to attack",
                "--seeds 10|Missing required option: '--substitute-arch"
            })
    void wrongOptionsAreUsageErrors(String args, String message) {
        List<String> all = new ArrayList<>(List.of("attack", "transfer", "--model", MODEL, "--data", "fashion-mnist"));
        all.addAll(Arrays.asList(args.split(" ")));
        CliTest.Run r = run(all.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).startsWith("marauder: ").doesNotContain("\tat ");
    }

    @Test
    void aMissingModelIsAFailureNamingIt() {
        CliTest.Run r = run(
                "attack", "transfer", "--model", "absent.pt", "--data", "fashion-mnist", "--substitute-arch", "mlp");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("marauder: error:").contains("absent.pt");
    }
}
