package dev.marauder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.marauder.core.json.Json;
import org.junit.jupiter.api.Test;

/** The attack losses on hand-computed logits, and scores to probabilities. */
class AttackLossTest {
    /** Two rows: z = (2, 5, 1, 3) and (4, 1, 0, 2). */
    private static final float[] LOGITS = {2, 5, 1, 3, 4, 1, 0, 2};

    @Test
    void dlrOfHandComputedLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(LOGITS, new Shape(2, 4));
            NDArray y = m.create(new long[] {0, 0});
            // Row 1: -(z_y - max other) / (pi1 - pi3) = -(2 - 5) / (5 - 2) = 1 (misclassified: positive).
            // Row 2: -(4 - 2) / (4 - 1) = -2/3 (correct with margin 2).
            assertThat(AttackLoss.DLR.untargeted(z, y).toFloatArray())
                    .containsExactly(new float[] {1f, -2f / 3}, within(1e-6f));
            // Targeted, t = (3, 1): -(z_y - z_t) / (pi1 - (pi3 + pi4) / 2).
            // Row 1: -(2 - 3) / (5 - (2 + 1) / 2) = 1 / 3.5. Row 2: -(4 - 1) / (4 - (1 + 0) / 2) = -3 / 3.5.
            NDArray t = m.create(new long[] {3, 1});
            assertThat(AttackLoss.DLR.targeted(z, t, y).toFloatArray())
                    .containsExactly(new float[] {1 / 3.5f, -3 / 3.5f}, within(1e-6f));
        }
    }

    @Test
    void dlrIgnoresShiftAndPositiveScaleOfTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(LOGITS, new Shape(2, 4));
            NDArray y = m.create(new long[] {1, 0});
            NDArray t = m.create(new long[] {2, 3});
            float[] plain = AttackLoss.DLR.untargeted(z, y).toFloatArray();
            float[] moved = AttackLoss.DLR.untargeted(z.mul(7).add(-3), y).toFloatArray();
            assertThat(moved).containsExactly(plain, within(1e-6f));
            assertThat(AttackLoss.DLR.targeted(z.mul(0.25f).add(10), t, y).toFloatArray())
                    .containsExactly(AttackLoss.DLR.targeted(z, t, y).toFloatArray(), within(1e-6f));
        }
    }

    @Test
    void crossEntropyIsTheExistingObjectiveAndTargetedIsItsNegation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(LOGITS, new Shape(2, 4));
            NDArray y = m.create(new long[] {0, 0});
            // -log softmax(z)_0 for row 1: log(e^2 + e^5 + e + e^3) - 2.
            double row1 = Math.log(Math.exp(2) + Math.exp(5) + Math.exp(1) + Math.exp(3)) - 2;
            float[] ce = AttackLoss.CROSS_ENTROPY.untargeted(z, y).toFloatArray();
            assertThat((double) ce[0]).isCloseTo(row1, within(1e-5));
            assertThat(ce)
                    .containsExactly(
                            LogitsObjective.perExampleCrossEntropy(z, y).toFloatArray());
            assertThat(AttackLoss.CROSS_ENTROPY.targeted(z, y, null).neg().toFloatArray())
                    .containsExactly(ce);
        }
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray two = m.create(new float[] {1, 2}, new Shape(1, 2));
            NDArray y = m.create(new long[] {0});
            assertThatThrownBy(() -> AttackLoss.DLR.untargeted(two, y))
                    .hasMessageContaining("at least 3 classes, got 2");
            NDArray z = m.create(LOGITS, new Shape(2, 4));
            NDArray t = m.create(new long[] {1, 1});
            assertThatThrownBy(() -> AttackLoss.DLR.targeted(z, t, null)).hasMessageContaining("needs the true labels");
        }
        assertThat(AttackLoss.of("CE")).isEqualTo(AttackLoss.CROSS_ENTROPY);
        assertThat(AttackLoss.of("dlr")).isEqualTo(AttackLoss.DLR);
        assertThatThrownBy(() -> AttackLoss.of("hinge")).hasMessageContaining("choose ce or dlr");
        assertThat(Json.write(AttackLoss.DLR)).isEqualTo("\"dlr\"");
    }

    @Test
    void probabilitiesFromLogitsAndAsReturned() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(LOGITS, new Shape(2, 4));
            int before = m.getManagedArrays().size();
            float[] p = new Fixed(OutputKind.LOGITS).probabilities(x).toFloatArray();
            assertThat(m.getManagedArrays()).as("only the result is left").hasSize(before + 1);
            double sum = Math.exp(2) + Math.exp(5) + Math.exp(1) + Math.exp(3);
            assertThat((double) p[1]).isCloseTo(Math.exp(5) / sum, within(1e-6));
            assertThat(p[0] + p[1] + p[2] + p[3]).isCloseTo(1f, within(1e-6f));
            NDArray probs = m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(1, 4));
            assertThat(new Fixed(OutputKind.PROBABILITIES).probabilities(probs).toFloatArray())
                    .containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
        }
    }

    /** A classifier that answers with its input, declaring {@code kind}. */
    private record Fixed(OutputKind kind) implements Classifier {
        @Override
        public NDArray predict(NDArray x) {
            return x.duplicate();
        }

        @Override
        public OutputKind outputKind() {
            return kind;
        }

        @Override
        public InputSpec inputSpec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int classes() {
            return 4;
        }

        @Override
        public long queries() {
            return 0;
        }

        @Override
        public ModelInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
