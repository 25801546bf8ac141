package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String text) {
        return Fixtures.write(dir, "data.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerAndNumericLabelsInTheLastColumn() {
        Path f = csv("a,b,label\n1,2.5,0\n-3,4e2,2\n");
        CsvData d = CsvReader.readWithNames(f, null);
        assertThat(d.header()).containsExactly("a", "b", "label");
        assertThat(d.labelColumn()).isEqualTo(2);
        assertThat(d.classNames()).isEmpty();
        assertThat(d.data().features().shape()).containsExactly(2, 2);
        assertThat(d.data().features().data()).containsExactly(1f, 2.5f, -3f, 400f);
        assertThat(d.data().labels()).containsExactly(0, 2);
        assertThat(d.data().source()).isEqualTo(f.toString());
        assertThat(d.data().sha256()).isEqualTo(FileHash.sha256(f));
    }

    @Test
    void aFirstRowWithAnEmptyCellIsAnErrorNotAHeaderThatSilentlyDropsARow() {
        Path f = csv("1,,0\n3,4,1\n5,6,0\n");
        assertThatThrownBy(() -> CsvReader.readWithNames(f, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(f + ": line 1, column 1: empty cell");
    }

    @Test
    void noHeader() {
        CsvData d = CsvReader.readWithNames(csv("1,2,1\n3,4,0.0\n"), null);
        assertThat(d.header()).isEmpty();
        assertThat(d.data().features().data()).containsExactly(1f, 2f, 3f, 4f);
        assertThat(d.data().labels()).containsExactly(1, 0);
    }

    @Test
    void classNamesByHeaderNameAreMappedInSortedOrder() {
        Path f = csv(
                "\uFEFFsepal,\"species\",petal\r\n5.1,setosa,1.4\r\n\r\n7.0,versicolor,4.7\r\n6.3,\"virginica\",6.0\r\n"
                        + "4.9,setosa,1.5\r\n");
        CsvData d = CsvReader.readWithNames(f, "species");
        assertThat(d.labelColumn()).isEqualTo(1);
        assertThat(d.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(d.data().labels()).containsExactly(0, 1, 2, 0);
        assertThat(d.data().features().shape()).containsExactly(4, 2);
        assertThat(d.data().features().data()).containsExactly(5.1f, 1.4f, 7.0f, 4.7f, 6.3f, 6.0f, 4.9f, 1.5f);
    }

    @Test
    void classNamesWithoutHeaderAndLabelByIndex() {
        CsvData d = CsvReader.readWithNames(csv("dog, 1, 2\ncat, 3, 4\n"), "0");
        assertThat(d.header()).isEmpty();
        assertThat(d.classNames()).containsExactly("cat", "dog");
        assertThat(d.data().labels()).containsExactly(1, 0);
        assertThat(d.data().features().data()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void quotedCellsAndSpecialNumbers() {
        CsvData d =
                CsvReader.readWithNames(csv("\"x, with comma\",\"say \"\"hi\"\"\",y\nNaN,-inf,1\n.5,+2.,0\n"), null);
        assertThat(d.header()).containsExactly("x, with comma", "say \"hi\"", "y");
        assertThat(d.data().features().data()).containsExactly(Float.NaN, Float.NEGATIVE_INFINITY, 0.5f, 2f);
        assertThatThrownBy(() -> DataChecks.requireFinite(d.data(), "training data"))
                .hasMessage(
                        "training data (" + d.data().source() + "): value NaN at example 0, index [0] is not finite");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            non-numeric cell     | a,b,y\\n1,2,0\\n3,x,1\\n       |            | line 3, column 1 (b): 'x' is not a number
            non-numeric, no head | 1,2,0\\n3,4.5.6,1\\n          |            | line 2, column 1: '4.5.6' is not a number
            ragged row           | a,b,y\\n1,2,0\\n3,1\\n         |            | line 3 has 2 cells, expected 3 as on line 1
            empty cell           | a,b,y\\n1,,0\\n                |            | line 2, column 1 (b): empty cell
            empty file           | ''                            |            | empty file: no rows
            blank lines only     | \\n  \\n\\n                     |            | empty file: no rows
            header only          | a,b,y\\n                       |            | no data rows after the header on line 1
            one column           | y\\n1\\n                        |            | line 1 has 1 column; need at least one feature column
            unknown name         | a,b,y\\n1,2,0\\n               | z          | no column named 'z' in the header on line 1 (columns: a, b, y)
            index out of range   | a,b,y\\n1,2,0\\n               | 3          | label column index 3 is out of range; line 1 has 3 columns (0..2)
            negative label       | a,b,y\\n1,2,0\\n3,4,-1\\n       |            | line 3, column 2 (y): label '-1' is not a class index
            fractional label     | 1,2,0.5\\n                     |            | line 1, column 2: label '0.5' is not a class index
            unclosed quote       | a,b,y\\n1,\"2,0\\n             |            | line 2, column 1: quote opened at character 3 is not closed on this line
            text after quote     | a,b,y\\n1,\"2\"x,0\\n          |            | line 2, column 1: unexpected text after a closing quote at character 6
            """)
    void rejectsBadTablesNamingFileLineAndColumn(String name, String text, String labelColumn, String problem) {
        Path f = csv(text.replace("\\n", "\n").replace("\\\"", "\""));
        assertThatThrownBy(() -> CsvReader.read(f, labelColumn))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ": ")
                .hasMessageContaining(problem)
                .message()
                .doesNotContain("\n");
    }

    @Test
    void rejectsTextThatIsNotUtf8() {
        Path f = Fixtures.write(dir, "latin1.csv", new byte[] {'a', ',', 'y', '\n', (byte) 0xe9, ',', '1', '\n'});
        assertThatThrownBy(() -> CsvReader.read(f, null)).hasMessage(f + ": not UTF-8 text");
    }

    @Test
    void rejectsMissingFile() {
        Path f = dir.resolve("none.csv");
        assertThatThrownBy(() -> CsvReader.read(f, null)).hasMessage(f + ": file not found");
    }
}
