package dev.marauder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.ModelCard;
import dev.marauder.privacy.accounting.RdpAccountant;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Backward compatibility (Tribuo's habit): model directories written by an earlier Marauder load
 * in this one, with the same card, parameters and accuracy. The fixtures were written by commit
 * 444055a (before the architecture issue moved modules and typed the model card's privacy record)
 * with {@code scripts/fixtures/make-compat-fixtures.sh}.
 */
class CompatibilityTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(CompatibilityTest.class
                .getResource("/compat/v0.1.0-444055a/" + name)
                .toURI());
    }

    @Test
    void aPlainModelDirectoryLoadsAndScoresAsItsCardSays() throws Exception {
        Path dir = fixture("logreg");
        try (BuiltinClassifier model = BuiltinClassifier.load(dir)) {
            ModelCard card = model.card();
            assertThat(card.architecture()).isEqualTo("logreg");
            assertThat(card.privacy()).isNull();
            assertThat(card.epochs()).isEqualTo(1);
            assertThat(card.batchSize()).isEqualTo(128);
            assertThat(DpSgdTrainer.recordedIn(card))
                    .isEqualTo(new dev.marauder.core.train.AdamTrainer(1, 128, 1e-3, 3));
        }
        CliTest.Run r = CliTest.run("eval", "--model", dir.toString(), "--data", "fashion-mnist", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = CliTest.JSON.readTree(r.out());
        assertThat(json.get("accuracy").asDouble())
                .as("the parameters load bit for bit")
                .isEqualTo(0.718);
    }

    @Test
    void aDpModelCardsPrivacyRecordReadsAsTheTypedGuarantee() throws Exception {
        try (BuiltinClassifier model = BuiltinClassifier.load(fixture("logreg-dp"))) {
            var p = model.card().privacy();
            RdpAccountant replay = new RdpAccountant();
            replay.step(1.0, 0.0256, 40);
            assertThat(p.epsilon()).isEqualTo(replay.epsilon(1e-5));
            assertThat(p.noiseMultiplier()).isEqualTo(1.0);
            assertThat(p.clipNorm()).isEqualTo(1.0);
            assertThat(p.steps()).isEqualTo(40);
            assertThat(p.expectedBatchSize()).isEqualTo(256);
            assertThat(p.accountant()).isEqualTo("rdp");
            assertThat(p.secureRandomness()).isFalse();
            assertThat(p.isPrivate()).as("a seeded run is not private").isFalse();
            assertThat(model.card().testAccuracy()).isEqualTo(0.726);
        }
    }
}
