package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlockTest {

    @Test
    void formatsCells() {
        assertThat(Block.formatCell(0.30000000000000004)).isEqualTo("0.3");
        assertThat(Block.formatCell(0.98765)).isEqualTo("0.9877");
        assertThat(Block.formatCell(1234.5678)).isEqualTo("1235");
        assertThat(Block.formatCell(0.0)).isEqualTo("0");
        assertThat(Block.formatCell(1.5e-5)).isEqualTo("1.500e-05");
        assertThat(Block.formatCell(2.5e7)).isEqualTo("2.500e+07");
        assertThat(Block.formatCell(0.25f)).isEqualTo("0.25");
        assertThat(Block.formatCell(Double.NaN)).isEqualTo("NaN");
        assertThat(Block.formatCell(123456789L)).isEqualTo("123456789");
        assertThat(Block.formatCell("0.123456789")).isEqualTo("0.123456789");
        assertThat(Block.formatCell(null)).isEmpty();
    }

    @Test
    void rejectsRaggedTables() {
        assertThatThrownBy(() -> Block.table(List.of("a", "b"), List.of(List.of(1, 2), List.of(3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table row 1 has 1 cells but the header has 2");
    }
}
