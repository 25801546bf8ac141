package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularDatasetsTest {
    @TempDir
    Path dir;

    private static final double[] ROW_0 = {0, 0, 1, 39.1, 18.7, 181, 3750, 0, 1};

    @Test
    void penguinsAsShipped() throws IOException {
        SensitiveTable t = TabularDatasets.penguins();
        assertThat(t.source()).isEqualTo("penguins");
        assertThat(t.sha256()).isEqualTo(TabularDatasets.PENGUINS_CSV_SHA256);
        try (InputStream in = TabularDatasets.class.getResourceAsStream("penguins/penguins.csv")) {
            assertThat(FileHash.sha256(in)).isEqualTo(TabularDatasets.PENGUINS_CSV_SHA256);
        }
        assertThat(t.size()).isEqualTo(333);
        assertThat(t.featureNames())
                .containsExactly(
                        "island=Biscoe",
                        "island=Dream",
                        "island=Torgersen",
                        "beak_length_mm",
                        "beak_depth_mm",
                        "flipper_length_mm",
                        "body_mass_g",
                        "sex=female",
                        "sex=male");
        assertThat(t.numericColumns()).containsExactly(3, 4, 5, 6);
        assertThat(t.labelName()).isEqualTo("species");
        assertThat(t.classNames()).containsExactly("Adelie", "Chinstrap", "Gentoo");
        assertThat(counts(t.labels(), 3)).containsExactly(146, 68, 119);
        assertThat(t.sensitiveName()).isEqualTo("sex");
        assertThat(t.sensitiveValues()).containsExactly("female", "male");
        assertThat(t.sensitiveColumns()).containsExactly(7, 8);
        assertThat(counts(t.sensitive(), 2)).containsExactly(165, 168);
        // first and last complete records of vega-datasets 3.2.1 data/penguins.json
        assertThat(t.features(0)).containsExactly(ROW_0);
        assertThat(t.labels()[0]).isZero();
        assertThat(t.features(332)).containsExactly(1, 0, 0, 49.9, 16.1, 213, 5400, 0, 1);
        assertThat(t.labels()[332]).isEqualTo(2);
    }

    @Test
    void islandCanBeTheSensitiveAttribute() {
        SensitiveTable t = TabularDatasets.penguins("island");
        assertThat(t.sensitiveValues()).containsExactly("Biscoe", "Dream", "Torgersen");
        assertThat(t.sensitiveColumns()).containsExactly(0, 1, 2);
        assertThat(counts(t.sensitive(), 3)).containsExactly(163, 123, 47);
        assertThat(t.prior()).containsExactly(163 / 333.0, 123 / 333.0, 47 / 333.0);
        assertThat(t.withSensitive(0, 1)).containsExactly(0, 1, 0, 39.1, 18.7, 181, 3750, 0, 1);
        assertThatThrownBy(() -> TabularDatasets.penguins("species"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the penguins' sensitive column must be sex or island, got 'species'");
    }

    @Test
    void candidatesSubstituteOnlyTheSensitiveColumns() {
        SensitiveTable t = TabularDatasets.penguins();
        assertThat(t.withSensitive(0, 0)).containsExactly(0, 0, 1, 39.1, 18.7, 181, 3750, 1, 0);
        assertThat(t.withSensitive(0, 1)).containsExactly(ROW_0);
        for (int i = 0; i < t.size(); i++) {
            assertThat(t.withSensitive(i, t.sensitive()[i])).containsExactly(t.features(i));
        }
        assertThat(t.prior()).containsExactly(165 / 333.0, 168 / 333.0);
        assertThat(Arrays.stream(t.prior()).sum()).isCloseTo(1, within(1e-15));
        assertThatThrownBy(() -> t.withSensitive(0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sensitive value index 2 is outside 0..1 [female, male]");
        assertThatThrownBy(() -> t.withSensitive(333, 0)).hasMessage("row 333 is outside 0..332 of penguins");
        assertThatThrownBy(() -> t.withSensitive(new double[3], 0))
                .hasMessage("feature vector has 3 values, the table 9");
    }

    @Test
    void standardisationFitsNumericColumnsOnly() {
        SensitiveTable t = TabularDatasets.penguins();
        Standardization s = t.standardization();
        // population mean and std computed with Python's statistics module from penguins.csv
        assertThat(s.means())
                .containsExactly(
                        new double[] {
                            0, 0, 0, 43.99279279279279, 17.164864864864864, 200.96696696696696, 4207.057057057057, 0, 0
                        },
                        within(1e-11));
        assertThat(s.stds())
                .containsExactly(
                        new double[] {
                            1, 1, 1, 5.460450955071463, 1.9662764301482418, 13.994704772576716, 804.005860159563, 1, 1
                        },
                        within(1e-11));
        double[][] z = s.apply(t.features());
        for (int j : t.numericColumns()) {
            double mean = Arrays.stream(z).mapToDouble(r -> r[j]).average().orElseThrow();
            double var =
                    Arrays.stream(z).mapToDouble(r -> r[j] * r[j]).average().orElseThrow();
            assertThat(mean).isCloseTo(0, within(1e-12));
            assertThat(var).isCloseTo(1, within(1e-12));
        }
        // substituting before or after standardising gives the same candidate
        assertThat(t.withSensitive(z[5], 0)).containsExactly(s.apply(t.withSensitive(5, 0)));
        assertThat(s.invert(z[0])).containsExactly(ROW_0, within(1e-12));
        LabeledData d = t.toLabeledData(s);
        assertThat(d.features().shape()).containsExactly(333, 9);
        assertThat(d.labels()).containsExactly(t.labels());
        assertThat(t.toLabeledData().features().data()[3]).isEqualTo(39.1f);
    }

    @Test
    void standardisationChecksItsInput() {
        Standardization constant = Standardization.fit(new double[][] {{2, 5}, {2, 7}}, 0, 1);
        assertThat(constant.means()).containsExactly(2, 6);
        assertThat(constant.stds()).containsExactly(1, 1);
        assertThatThrownBy(() -> new Standardization(new double[] {0}, new double[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("std of column 0 must be finite and positive, got 0.0");
        assertThatThrownBy(() -> new Standardization(new double[] {0, 1}, new double[] {1}))
                .hasMessage("means has 2 columns but stds has 1");
        assertThatThrownBy(() -> Standardization.fit(new double[0][]))
                .hasMessage("cannot fit a standardisation to zero rows");
        assertThatThrownBy(() -> Standardization.fit(new double[][] {{1, 2}}, 2))
                .hasMessage("column 2 is outside 0..1");
        assertThatThrownBy(() -> Standardization.fit(new double[][] {{1, Double.NaN}}, 1))
                .hasMessage("value NaN at row 0, column 1 is not finite");
        assertThatThrownBy(() -> constant.apply(new double[3])).hasMessage("row has 3 values, the standardisation 2");
    }

    @Test
    void selectKeepsRowsAligned() {
        SensitiveTable t = TabularDatasets.penguins();
        SensitiveTable s = t.select(332, 0, 0);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.features(1)).containsExactly(ROW_0);
        assertThat(s.labels()).containsExactly(2, 0, 0);
        assertThat(s.sensitive()).containsExactly(1, 1, 1);
        assertThat(s.prior()).containsExactly(0, 1);
        assertThat(t.select().size()).isZero();
        assertThatThrownBy(() -> t.select(0, -1)).hasMessage("row -1 is outside 0..332 of penguins");
        assertThatThrownBy(() -> t.select().prior())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("penguins: no rows to estimate a prior from");
    }

    @Test
    void readsOtherCsvFiles() throws IOException {
        Path f =
                write("t.csv", "age,city,\"smoker\",outcome\n30,Oslo,yes,sick\n\n41.5,Rome,no,well\n25,Oslo,no,well\n");
        SensitiveTable t = TabularDatasets.readCsv(f, "outcome", "smoker");
        assertThat(t.featureNames()).containsExactly("age", "city=Oslo", "city=Rome", "smoker=no", "smoker=yes");
        assertThat(t.classNames()).containsExactly("sick", "well");
        assertThat(t.labels()).containsExactly(0, 1, 1);
        assertThat(t.sensitive()).containsExactly(1, 0, 0);
        assertThat(t.features(1)).containsExactly(41.5, 0, 1, 1, 0);
        assertThat(t.sha256()).isEqualTo(FileHash.sha256(f));
        // numbers in the sensitive column are categories
        SensitiveTable byAge = TabularDatasets.readCsv(f, "outcome", "age");
        assertThat(byAge.sensitiveValues()).containsExactly("25", "30", "41.5");
    }

    @Test
    void badCsvFilesGiveOneLineMessages() throws IOException {
        Path empty = write("empty.csv", "\n\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(empty, "y", "s"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(empty + ": empty file: no header row");
        Path headerOnly = write("h.csv", "x,y,s\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(headerOnly, "y", "s"))
                .hasMessage(headerOnly + ": no data rows after the header on line 1");
        Path ragged = write("r.csv", "x,y,s\n1,a,b\n2,a\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(ragged, "y", "s"))
                .hasMessage(ragged + ": line 3 has 2 cells, expected 3 as in the header on line 1");
        Path hole = write("e.csv", "x,y,s\n1,a,b\n,a,c\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(hole, "y", "s"))
                .hasMessage(hole + ": line 3, column 0 (x): empty cell");
        Path single = write("one.csv", "x,y,s\n1,a,b\n2,c,b\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(single, "y", "s"))
                .hasMessage(single + ": sensitive column 's' has a single value, b; an attribute to infer needs at"
                        + " least 2");
        Path ok = write("ok.csv", "x,y,s\n1,a,b\n2,c,d\n");
        assertThatThrownBy(() -> TabularDatasets.readCsv(ok, "label", "s"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(ok + ": no label column named 'label' in the header (columns: x, y, s)");
        assertThatThrownBy(() -> TabularDatasets.readCsv(ok, "y", "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the label and the sensitive column must differ, both are 'y'");
        Path latin1 = dir.resolve("l.csv");
        Files.write(latin1, new byte[] {'x', ',', (byte) 0xe9});
        assertThatThrownBy(() -> TabularDatasets.readCsv(latin1, "y", "s")).hasMessage(latin1 + ": not UTF-8 text");
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }

    private static int[] counts(int[] values, int k) {
        int[] c = new int[k];
        for (int v : values) {
            c[v]++;
        }
        return c;
    }
}
