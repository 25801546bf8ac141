package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.BuiltinClassifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile and malformed input files: every reader ends in its one {@link DataFormatException},
 * never an OutOfMemoryError, a StackOverflowError or another exception, and checks declared sizes
 * before allocating. The fuzz properties mutate valid files (bytes flipped, inserted, cut) in
 * bounded runs.
 */
class HostileFilesTest {
    private static Path dir;

    @net.jqwik.api.lifecycle.BeforeContainer
    static void makeFolder() throws IOException {
        dir = Files.createTempDirectory("marauder-hostile");
    }

    @net.jqwik.api.lifecycle.AfterContainer
    static void removeFolder() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @net.jqwik.api.Example
    void aSmallGzipThatInflatesToMoreThanTheHeapCanHoldIsRefusedNotAnOutOfMemoryError() throws IOException {
        // [600, 1000, 1000] unsigned bytes: 600 MB of zeros, 3 GB with their float32 copy; about
        // 600 KB gzipped. The test JVM has a 4 GB heap, so this is more than half of it.
        Path file = dir.resolve("bomb.idx.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(Fixtures.idx(0x08, new int[] {600, 1000, 1000}, new byte[0]));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 600_000_000 / zeros.length; i++) {
                out.write(zeros);
            }
            out.write(new byte[600_000_000 % zeros.length]);
        }
        org.assertj.core.api.Assertions.assertThat(Files.size(file)).isLessThan(2_000_000);
        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("more than half of this JVM's heap");
        // the same header over a short file is "truncated", not a memory problem
        Path shortFile = Fixtures.write(
                dir, "short.idx.gz", Fixtures.gzip(Fixtures.idx(0x08, new int[] {600, 1000, 1000}, new byte[16])));
        assertThatThrownBy(() -> IdxReader.read(shortFile)).hasMessageContaining("truncated data");
    }

    @net.jqwik.api.Example
    void aDeeplyNestedNpyHeaderIsADataFormatErrorNotAStackOverflow() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(20_000) + "1,"
                + ")".repeat(20_000) + ", }";
        Path file = Fixtures.write(dir, "deep.npy", Fixtures.npy(1, dict, new byte[4]));
        assertThatThrownBy(() -> NpyReader.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("nested more than");
    }

    @Property(tries = 300)
    void mutatedNpyFilesFailOnlyWithADataFormatError(@ForAll("mutations") Mutation m) {
        byte[] valid = Fixtures.npy(1, Fixtures.dict("<f4", 2, 3), new byte[24]);
        readOrFail(() -> NpyReader.read(Fixtures.write(dir, "m.npy", m.apply(valid))));
    }

    @Property(tries = 300)
    void mutatedIdxFilesFailOnlyWithADataFormatError(@ForAll("mutations") Mutation m, @ForAll boolean gzipped) {
        byte[] valid = Fixtures.idx(0x08, new int[] {2, 3}, new byte[6]);
        byte[] mutated = m.apply(gzipped ? Fixtures.gzip(valid) : valid);
        readOrFail(() -> IdxReader.read(Fixtures.write(dir, "m.idx", mutated)));
    }

    @Property(tries = 200)
    void mutatedCsvFilesFailOnlyWithADataFormatError(@ForAll("mutations") Mutation m) {
        byte[] valid = "a,b,label\n0.5,1,0\n0.25,2,1\n1,3,0\n".getBytes(StandardCharsets.UTF_8);
        readOrFail(() -> CsvReader.read(Fixtures.write(dir, "m.csv", m.apply(valid)), "label"));
    }

    @Property(tries = 100)
    void mutatedModelCardsFailOnlyWithADataFormatError(@ForAll("mutations") Mutation m) throws IOException {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        byte[] card = ("{\"format_version\": 2, \"architecture\": \"logreg\", \"input_shape\": [1, 28, 28],"
                        + " \"classes\": 10, \"parameters_sha256\": \"00\", \"parameters_file\": \"parameters.bin\"}")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(model.resolve("model.json"), m.apply(card));
        Files.write(model.resolve("parameters.bin"), new byte[8]);
        readOrFail(() -> BuiltinClassifier.load(model).close());
    }

    private static void readOrFail(Runnable read) {
        try {
            read.run();
        } catch (DataFormatException expected) {
            // the one way a reader may fail
        }
    }

    /** A random edit of a valid file: flip a byte, insert bytes, or cut the file. */
    record Mutation(int kind, double where, int value, int length) {
        byte[] apply(byte[] bytes) {
            int at = (int) (where * bytes.length);
            return switch (kind) {
                case 0 -> {
                    byte[] b = bytes.clone();
                    if (b.length > 0) {
                        b[Math.min(at, b.length - 1)] = (byte) value;
                    }
                    yield b;
                }
                case 1 -> {
                    byte[] b = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, b, 0, at);
                    Arrays.fill(b, at, at + length, (byte) value);
                    System.arraycopy(bytes, at, b, at + length, bytes.length - at);
                    yield b;
                }
                default -> Arrays.copyOf(bytes, at);
            };
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(1, 64))
                .as(Mutation::new);
    }
}
