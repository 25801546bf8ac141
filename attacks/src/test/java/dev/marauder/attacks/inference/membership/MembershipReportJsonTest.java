package dev.marauder.attacks.inference.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.json.Json;
import dev.marauder.core.provenance.Provenance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of a membership-inference report: the keys that {@code marauder mia} and the audit read. */
class MembershipReportJsonTest {

    @Test
    void theHeadlineIsFlattenedAndEveryAttackCarriesItsRoc() {
        MembershipEvaluation loss =
                MembershipMetrics.defaults().evaluate(new double[] {3, 2, 1.5, 0.2}, new double[] {1, 0.5, 0.1, 0});
        MembershipEvaluation entropy = MembershipMetrics.defaults().evaluate(new double[] {1, 0}, new double[] {1, 0});
        Map<String, MembershipEvaluation> attacks = new LinkedHashMap<>();
        attacks.put("loss", loss);
        attacks.put("entropy", entropy);
        MembershipInference.Report report = new MembershipInference.Report(
                MembershipInference.Kind.THRESHOLD,
                "loss",
                attacks,
                1.5,
                0,
                new MembershipInference.Target("m", 0.9, 0.7, null, null, null, null),
                Provenance.start().finish());

        JsonNode json = Json.mapper().valueToTree(report);

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "kind",
                        "attack",
                        "auc",
                        "balanced_accuracy",
                        "tpr_at_fpr",
                        "epsilon_lower_bound",
                        "confidence",
                        "members",
                        "non_members",
                        "seconds",
                        "shadows_trained",
                        "target",
                        "attacks",
                        "provenance");
        assertThat(json.get("kind").asText()).isEqualTo("threshold");
        assertThat(json.get("attack").asText()).isEqualTo("loss");
        assertThat(json.get("auc").asDouble()).isEqualTo(loss.auc());
        assertThat(json.has("roc"))
                .as("the headline leaves its ROC to the attacks list")
                .isFalse();
        assertThat(json.get("tpr_at_fpr").has("0.001")).isTrue();
        assertThat(json.get("attacks").get("loss").get("roc").get(0).size()).isEqualTo(2);
        assertThat(json.get("attacks").get("entropy").get("auc").asDouble()).isEqualTo(0.5);
        assertThat(json.get("target").get("member_accuracy").asDouble()).isEqualTo(0.9);
        assertThat(json.get("target").has("epsilon"))
                .as("no DP facts for a model this run did not train")
                .isFalse();
    }
}
