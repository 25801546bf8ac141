package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    private static int[] counts(int[] labels, int classes) {
        int[] c = new int[classes];
        for (int y : labels) {
            c[y]++;
        }
        return c;
    }

    private static void assertImages(LabeledData d, int n) {
        assertThat(d.size()).isEqualTo(n);
        assertThat(d.features().shape()).containsExactly(n, 1, 28, 28);
        assertThat(d.features().min()).isEqualTo(0f);
        assertThat(d.features().max()).isEqualTo(1f);
        assertThat(d.classCount()).isEqualTo(10);
        assertThat(d.sha256()).matches("[0-9a-f]{64}");
    }

    @Test
    void fashionMnistSubset() {
        TrainTestSplit s = Datasets.load("fashion-mnist");
        assertThat(s.name()).isEqualTo("fashion-mnist");
        assertImages(s.train(), 10_000);
        assertImages(s.test(), 2_000);
        // pinned from the original files with NumPy: first labels, class counts, pixel sums
        assertThat(Arrays.copyOf(s.train().labels(), 10)).containsExactly(9, 0, 0, 3, 0, 2, 7, 2, 5, 5);
        assertThat(Arrays.copyOf(s.test().labels(), 10)).containsExactly(9, 2, 1, 1, 6, 1, 4, 6, 5, 7);
        assertThat(counts(s.train().labels(), 10))
                .containsExactly(942, 1027, 1016, 1019, 974, 989, 1021, 1022, 990, 1000);
        assertThat(counts(s.test().labels(), 10)).containsExactly(200, 203, 214, 190, 219, 195, 197, 200, 194, 188);
        assertThat(pixelSum(s.train().features(), 0)).isEqualTo(76247);
        assertThat(pixelSum(s.test().features(), 0)).isEqualTo(33456);
        assertThat(s.train().source()).isEqualTo("fashion-mnist/train");
        assertThat(s.train().sha256()).isNotEqualTo(s.test().sha256());
    }

    /** Sum of example {@code i}'s pixels as bytes (the scaling by 1/255 undone). */
    private static long pixelSum(FloatTensor t, int i) {
        float[] v = t.slice(i, i + 1).data();
        long sum = 0;
        for (float x : v) {
            sum += Math.round(x * 255);
        }
        return sum;
    }

    @Test
    void mnistDigits() {
        TrainTestSplit s = Datasets.load("mnist");
        assertImages(s.train(), 8_000);
        assertImages(s.test(), 2_000);
        // each digit split 80/20 (largest remainders), so both parts hold every digit
        assertThat(counts(s.train().labels(), 10)).containsExactly(801, 902, 793, 826, 784, 690, 811, 856, 755, 782);
        assertThat(counts(s.test().labels(), 10)).containsExactly(200, 225, 198, 206, 196, 173, 203, 214, 189, 196);
        // interleaved by class: the first ten training labels are ten different digits
        assertThat(Arrays.stream(s.train().labels(), 0, 10).distinct().count()).isEqualTo(10);
        assertThat(Arrays.copyOf(s.train().labels(), 10)).containsExactly(1, 7, 3, 6, 0, 2, 4, 9, 8, 5);
        assertThat(pixelSum(s.train().features(), 0)).isEqualTo(17135);
    }

    @Test
    void fullFashionMnistWhenInstalled() {
        assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST_FULL_DIR), "dataset-fashion-mnist is not installed");
        TrainTestSplit full = Datasets.load("fashion-mnist-full");
        assertImages(full.train(), 60_000);
        assertImages(full.test(), 10_000);
        // the shipped subset is exactly the first records of the full data
        TrainTestSplit subset = Datasets.load("fashion-mnist");
        assertThat(full.train().slice(0, 10_000).features().data())
                .isEqualTo(subset.train().features().data());
        assertThat(Arrays.copyOf(full.train().labels(), 10_000))
                .isEqualTo(subset.train().labels());
        assertThat(full.test().slice(0, 2_000).features().data())
                .isEqualTo(subset.test().features().data());
        Path dir = Datasets.FASHION_MNIST_FULL_DIR;
        assertThat(full.train().sha256())
                .isEqualTo(FileHash.combine(List.of(
                        FileHash.sha256(dir.resolve("train-images-idx3-ubyte.gz")),
                        FileHash.sha256(dir.resolve("train-labels-idx1-ubyte.gz")))));
    }

    @Test
    void fullFashionMnistMissingTellsHowToInstall() {
        assertThatThrownBy(() -> Datasets.loadFashionMnistFull(dir.resolve("absent")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining(dir.resolve("absent").toString());
    }

    @Test
    void unknownNameListsTheBuiltInNames() {
        assertThatThrownBy(() -> Datasets.load("cifar-11"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("unknown dataset 'cifar-11': not a built-in name (fashion-mnist, "
                        + "fashion-mnist-full, mnist) and no file or directory at ");
        assertThatThrownBy(() -> Datasets.load(" "))
                .hasMessage("unknown dataset ' ': not a built-in name (fashion-mnist, fashion-mnist-full, mnist) and no"
                        + " file or directory of that name");
    }

    private static byte[] images(int n, int seed) {
        byte[] b = new byte[n * 2 * 3];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return Fixtures.idx(0x08, new int[] {n, 2, 3}, b);
    }

    private static byte[] labels(int... y) {
        byte[] b = new byte[y.length];
        for (int i = 0; i < y.length; i++) {
            b[i] = (byte) y[i];
        }
        return Fixtures.idx(0x08, new int[] {y.length}, b);
    }

    @Test
    void directoryOfIdxFilesPlainAndGzipped() {
        Fixtures.write(dir, "train-images-idx3-ubyte.gz", Fixtures.gzip(images(3, 0)));
        Fixtures.write(dir, "train-labels-idx1-ubyte", labels(0, 1, 2));
        Fixtures.write(dir, "t10k-images-idx3-ubyte", images(2, 5));
        Fixtures.write(dir, "t10k-labels-idx1-ubyte.gz", Fixtures.gzip(labels(2, 1)));
        TrainTestSplit s = Datasets.load(dir.toString());
        assertThat(s.name()).isEqualTo(dir.toString());
        assertThat(s.train().features().shape()).containsExactly(3, 1, 2, 3);
        assertThat(s.train().features().data()[1]).isEqualTo(31 / 255f);
        assertThat(s.train().labels()).containsExactly(0, 1, 2);
        assertThat(s.test().labels()).containsExactly(2, 1);
        assertThat(s.test().source())
                .isEqualTo(dir.resolve("t10k-images-idx3-ubyte") + " + " + dir.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    @Test
    void directoryOfNpyFiles() {
        NpyWriter.write(dir.resolve("x_train.npy"), new FloatTensor(new float[] {0.5f, 2f, -1f, 3f}, 2, 2));
        NpyWriter.writeLabels(dir.resolve("y_train.npy"), new int[] {1, 0});
        Fixtures.write(
                dir, "x_test.npy", Fixtures.npy(1, Fixtures.dict("|u1", 1, 2, 2), new byte[] {0, 51, (byte) 255, 1}));
        NpyWriter.writeLabels(dir.resolve("y_test.npy"), new int[] {4});
        TrainTestSplit s = Datasets.load(dir.toString());
        // float features unscaled and of rank 2; bytes scaled, rank 3 given a channel dimension
        assertThat(s.train().features().shape()).containsExactly(2, 2);
        assertThat(s.train().features().data()).containsExactly(0.5f, 2f, -1f, 3f);
        assertThat(s.test().features().shape()).containsExactly(1, 1, 2, 2);
        assertThat(s.test().features().data()).containsExactly(0f, 0.2f, 1f, 1 / 255f);
        assertThat(s.test().labels()).containsExactly(4);
    }

    @Test
    void incompleteDirectoryNamesWhatIsMissing() {
        Fixtures.write(dir, "train-images-idx3-ubyte", images(1, 0));
        assertThatThrownBy(() -> Datasets.load(dir.toString()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(dir + ": not a dataset directory: missing IDX files train-labels-idx1-ubyte, "
                        + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz)");
    }

    @Test
    void csvFileIsSplit80To20Deterministically() throws IOException {
        StringBuilder text = new StringBuilder("f,label\n");
        for (int i = 0; i < 103; i++) {
            text.append(i).append(',').append(i % 3).append('\n');
        }
        Path f = Files.writeString(dir.resolve("t.csv"), text, StandardCharsets.UTF_8);
        TrainTestSplit a = Datasets.load(f.toString());
        TrainTestSplit b = Datasets.load(f.toString());
        // given relative to the working directory, the path is recorded absolute (model cards keep
        // naming the data when a command runs elsewhere)
        Path relative = Path.of("").toAbsolutePath().relativize(f);
        assertThat(Datasets.load(relative.toString()).name())
                .isEqualTo(f.toAbsolutePath().normalize().toString());
        assertThat(a.train().size()).isEqualTo(83);
        assertThat(a.test().size()).isEqualTo(20);
        assertThat(a.test().features().data()).isEqualTo(b.test().features().data());
        // every row lands in exactly one part, with its own label
        float[] all = new float[103];
        System.arraycopy(a.train().features().data(), 0, all, 0, 83);
        System.arraycopy(a.test().features().data(), 0, all, 83, 20);
        Arrays.sort(all);
        assertThat(all).isEqualTo(toFloats(IntStream.range(0, 103).toArray()));
        for (LabeledData part : List.of(a.train(), a.test())) {
            for (int i = 0; i < part.size(); i++) {
                assertThat(part.labels()[i]).isEqualTo((int) part.features().data()[i] % 3);
            }
        }
        // pinned: the first test rows of java.util.Random(42)'s Fisher-Yates shuffle of 103 rows,
        // checked against an independent Python implementation of Random's documented LCG
        assertThat(Arrays.copyOf(a.test().features().data(), 3)).containsExactly(95f, 49f, 47f);
        assertThat(a.train().sha256()).isEqualTo(FileHash.sha256(f));
        assertThat(a.train().source()).isEqualTo(f + " [train: 80%, shuffled with seed 42]");
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    @Test
    void otherFilesAreRefused() {
        Path f = Fixtures.write(dir, "x.npy", NumpyFixtures.bytes(NumpyFixtures.F4_2X3));
        assertThatThrownBy(() -> Datasets.load(f.toString()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ": not a .csv file; a dataset path must be");
    }

    @Test
    void loadPairReadsNpyAndIdxAndCombinesTheHashes() {
        Path x = Fixtures.write(dir, "x.idx", Fixtures.gzip(images(3, 1)));
        Path y = dir.resolve("y.npy");
        NpyWriter.writeLabels(y, new int[] {1, 1, 0});
        LabeledData d = Datasets.loadPair(x, y);
        assertThat(d.features().shape()).containsExactly(3, 1, 2, 3);
        assertThat(d.labels()).containsExactly(1, 1, 0);
        assertThat(d.source()).isEqualTo(x + " + " + y);
        assertThat(d.sha256()).isEqualTo(FileHash.combine(List.of(FileHash.sha256(x), FileHash.sha256(y))));
    }

    @Test
    void loadPairRefusesMismatchedCountsNamingBothFiles() {
        Path x = Fixtures.write(dir, "x-idx3-ubyte", images(3, 0));
        Path y = Fixtures.write(dir, "y-idx1-ubyte", labels(0, 1));
        assertThatThrownBy(() -> Datasets.loadPair(x, y))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(x + " has 3 examples but " + y + " has 2 labels");
    }

    @Test
    void loadPairRefusesFilesOfOtherFormats() {
        Path x = Fixtures.write(dir, "x.csv", "1,2\n".getBytes(StandardCharsets.US_ASCII));
        Path y = Fixtures.write(dir, "y-idx1-ubyte", labels(0));
        assertThatThrownBy(() -> Datasets.loadPair(x, y))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(x + ": neither a .npy file nor an IDX file (plain or gzipped): starts with 31 2c");
        Path empty = Fixtures.write(dir, "empty", new byte[0]);
        assertThatThrownBy(() -> Datasets.loadPair(empty, y)).hasMessage(empty + ": empty file (0 bytes)");
        assertThatThrownBy(() -> Datasets.loadPair(dir.resolve("nope"), y))
                .hasMessage(dir.resolve("nope") + ": file not found");
    }
}
