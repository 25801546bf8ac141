package dev.marauder.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.serve.Mediator;
import org.junit.jupiter.api.Test;

/** Each hardening mode on scores whose softmax is known by hand. */
class OutputHardeningTest {
    // logits ln(0.6), ln(0.3), ln(0.1): probabilities 0.6, 0.3, 0.1
    private static final Mediator.Scores LOGITS = new Mediator.Scores("logits", 2, 3, new float[] {
        (float) Math.log(0.6), (float) Math.log(0.3), (float) Math.log(0.1),
        (float) Math.log(0.2), (float) Math.log(0.2), (float) Math.log(0.6)
    });

    @Test
    void fullIsTheIdentity() {
        assertThat(OutputHardening.FULL.apply(LOGITS, true)).isSameAs(LOGITS);
        assertThat(OutputHardening.FULL.isIdentity()).isTrue();
    }

    @Test
    void roundingGivesProbabilitiesToTheDecimals() {
        Mediator.Scores s = new OutputHardening(OutputHardening.Mode.FULL, 0, 1).apply(LOGITS, true);
        assertThat(s.output()).isEqualTo("probabilities");
        assertThat(s.data()).containsExactly(new float[] {0.6f, 0.3f, 0.1f, 0.2f, 0.2f, 0.6f}, within(1e-6f));
    }

    @Test
    void topKKeepsTheLargestAndZeroesTheRest() {
        Mediator.Scores s = new OutputHardening(OutputHardening.Mode.TOP_K, 2, 2).apply(LOGITS, true);
        assertThat(s.data()).containsExactly(new float[] {0.6f, 0.3f, 0f, 0.2f, 0f, 0.6f}, within(1e-6f));
        Mediator.Scores top1 = new OutputHardening(OutputHardening.Mode.TOP_K, 1, -1).apply(LOGITS, true);
        assertThat(top1.data()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(top1.data()[1]).isZero();
    }

    @Test
    void labelOnlyIsOneHotOfTheArgmax() {
        Mediator.Scores s = new OutputHardening(OutputHardening.Mode.LABEL, 0, -1).apply(LOGITS, true);
        assertThat(s.output()).isEqualTo("labels");
        assertThat(s.data()).containsExactly(1f, 0f, 0f, 0f, 0f, 1f);
    }

    @Test
    void probabilitiesAreNotPassedThroughASecondSoftmax() {
        Mediator.Scores p = new Mediator.Scores("probabilities", 1, 3, new float[] {0.5f, 0.25f, 0.25f});
        Mediator.Scores s = new OutputHardening(OutputHardening.Mode.FULL, 0, 2).apply(p, false);
        assertThat(s.data()).containsExactly(new float[] {0.5f, 0.25f, 0.25f}, within(1e-6f));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new OutputHardening(OutputHardening.Mode.TOP_K, 0, 2))
                .hasMessageContaining("k >= 1");
        assertThatThrownBy(() -> new OutputHardening(OutputHardening.Mode.FULL, 0, 9))
                .hasMessageContaining("decimals");
        assertThat(new OutputHardening(OutputHardening.Mode.TOP_K, 1, 2).describe())
                .isEqualTo("top-1, 2 decimals");
    }
}
