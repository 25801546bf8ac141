package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.JSON;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code marauder attack nes|spsa|square|hsj|boundary}: black-box attacks open any model for
 * queries only (here the ONNX MLP, which white-box attacks refuse) and report the queries spent
 * per example with their median, mean and total; options that do not fit are usage errors.
 */
class BlackBoxAttackCommandTest {
    static final String ONNX = FIXTURES.resolve("fmnist_mlp.onnx").toString();
    static final String X = FIXTURES.resolve("fmnist_test_200_x.npy").toString();
    static final String Y = FIXTURES.resolve("fmnist_test_200_y.npy").toString();

    @ParameterizedTest
    @CsvSource({"square,linf,0.1,", "nes,linf,0.1,5", "spsa,linf,0.1,5", "hsj,l2,1000,", "boundary,l2,1000,"})
    void blackBoxAttacksRunOnAnOnnxModelAndCountQueries(
            String attack, String norm, String eps, Integer samples, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.json");
        List<String> args = new ArrayList<>(List.of(
                "attack",
                attack,
                "--model",
                ONNX,
                "--data",
                X,
                "--labels",
                Y,
                "--norm",
                norm,
                "--eps",
                "0," + eps,
                "--max-queries",
                "120",
                "--batch",
                "200",
                "--out",
                out.toString(),
                "--quiet"));
        if (samples != null) {
            // 120 queries at the default 25 or 32 pairs would be one or two steps.
            args.addAll(List.of("--samples", samples.toString()));
        }
        CliTest.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(out.toFile());
        assertThat(json.get("attack").asText()).isEqualTo(attack);
        assertThat(json.get("settings").get("max_queries").asLong()).isEqualTo(120);
        double clean = json.get("clean_accuracy").asDouble();
        JsonNode zero = json.get("per_epsilon").get(0);
        assertThat(zero.get("robust_accuracy").asDouble()).isEqualTo(clean);
        JsonNode row = json.get("per_epsilon").get(1);
        // At least 4 of the 200 examples turned, with only 120 queries per example.
        assertThat(row.get("robust_accuracy").asDouble()).isLessThan(clean - 0.02);
        JsonNode q = row.get("queries");
        assertThat(q.get("max_queries").asLong()).isEqualTo(120);
        JsonNode perExample = q.get("per_example");
        assertThat(perExample).hasSize(200);
        long total = 0;
        long max = 0;
        for (JsonNode v : perExample) {
            total += v.asLong();
            max = Math.max(max, v.asLong());
        }
        assertThat(max).isLessThanOrEqualTo(120);
        assertThat(q.get("total").asLong()).isEqualTo(total);
        assertThat(q.get("mean").asDouble()).isEqualTo(total / 200.0);
        assertThat(q.get("median").asDouble()).isBetween(1.0, 120.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "nes --norm l2|nes takes --norm linf, not l2",
                "spsa --norm l1|spsa takes --norm linf, not l1",
                "boundary --norm linf|boundary takes --norm l2, not linf",
                "square --norm l1|square takes --norm linf or l2, not l1",
                "square --samples 5|square does not take --samples",
                "hsj --p-init 0.1|hsj does not take --p-init",
                "spsa --top-k 2|spsa does not take --top-k",
                "nes --steps 5|nes does not take --steps",
                "pgd --max-queries 10|pgd does not take --max-queries",
                "nes --top-k 0|top-k must be at least 1, got 0",
                "square --max-queries 0|max queries must be at least 1, got 0",
                "nes --top-k 2 --label-only|drop top-k"
            })
    void wrongCombinationsAreUsageErrors(String args, String message) {
        String[] extra = args.split(" ");
        String[] all = new String[extra.length + 7];
        System.arraycopy(extra, 0, all, 1, extra.length);
        all[0] = "attack";
        int i = extra.length + 1;
        all[i++] = "--model";
        all[i++] = ONNX;
        all[i++] = "--data";
        all[i++] = X;
        all[i++] = "--labels";
        all[i] = Y;
        CliTest.Run r = run(all);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n");
    }
}
