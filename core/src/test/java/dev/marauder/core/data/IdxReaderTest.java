package dev.marauder.core.data;

import static dev.marauder.core.data.Fixtures.gzip;
import static dev.marauder.core.data.Fixtures.idx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** Each type with the values -2, 0, 7 (or 0, 7, 255 for unsigned bytes), big-endian. */
    static Stream<Arguments> types() {
        ByteBuffer s = ByteBuffer.allocate(6)
                .order(ByteOrder.BIG_ENDIAN)
                .putShort((short) -2)
                .putShort((short) 0)
                .putShort((short) 7);
        ByteBuffer i = ByteBuffer.allocate(12).putInt(-2).putInt(0).putInt(7);
        ByteBuffer f = ByteBuffer.allocate(12).putFloat(-2.5f).putFloat(0f).putFloat(7.25f);
        ByteBuffer d = ByteBuffer.allocate(24).putDouble(-2.5).putDouble(0).putDouble(7.25);
        return Stream.of(
                Arguments.of(IdxType.UBYTE, new byte[] {0, 7, (byte) 255}, new float[] {0, 7, 255}),
                Arguments.of(IdxType.BYTE, new byte[] {-2, 0, 7}, new float[] {-2, 0, 7}),
                Arguments.of(IdxType.SHORT, s.array(), new float[] {-2, 0, 7}),
                Arguments.of(IdxType.INT, i.array(), new float[] {-2, 0, 7}),
                Arguments.of(IdxType.FLOAT, f.array(), new float[] {-2.5f, 0, 7.25f}),
                Arguments.of(IdxType.DOUBLE, d.array(), new float[] {-2.5f, 0, 7.25f}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void readsEveryTypePlainAndGzipped(IdxType type, byte[] payload, float[] expected) {
        byte[] plain = idx(type.code(), new int[] {3, 1}, payload);
        for (byte[] bytes : new byte[][] {plain, gzip(plain)}) {
            // a misleading name: gzip is detected by its magic, not by the name
            IdxArray a = IdxReader.read(Fixtures.write(dir, "data.idx.gz", bytes));
            assertThat(a.type()).isEqualTo(type);
            assertThat(a.dims()).containsExactly(3, 1);
            assertThat(a.size()).isEqualTo(3);
            FloatTensor t = a.toFloatTensor();
            assertThat(t.shape()).containsExactly(3, 1);
            assertThat(t.data()).containsExactly(expected);
        }
    }

    @Test
    void gzippedAndPlainFilesGiveTheSameArray() {
        byte[] payload = new byte[2 * 4 * 5];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 37);
        }
        byte[] plain = idx(0x08, new int[] {2, 4, 5}, payload);
        IdxArray p = IdxReader.read(Fixtures.write(dir, "p", plain));
        IdxArray g = IdxReader.read(Fixtures.write(dir, "g", gzip(plain)));
        assertThat(g.dims()).isEqualTo(p.dims());
        assertThat(g.toFloatTensor().data()).isEqualTo(p.toFloatTensor().data());
    }

    @Test
    void labels() {
        Path f = Fixtures.write(dir, "labels", idx(0x08, new int[] {4}, new byte[] {3, 0, 9, (byte) 200}));
        assertThat(IdxReader.read(f).toLabels()).containsExactly(3, 0, 9, 200);
        Path signed = Fixtures.write(dir, "signed", idx(0x09, new int[] {2}, new byte[] {1, -1}));
        assertThatThrownBy(() -> IdxReader.read(signed).toLabels())
                .isInstanceOf(DataFormatException.class)
                .hasMessage(
                        signed + ": label at index 1 is -1; labels must be non-negative integers that fit in an int");
        Path images = Fixtures.write(dir, "images", idx(0x08, new int[] {1, 2}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.read(images).toLabels())
                .hasMessage(images + ": labels must be a 1-D array, but the shape is [1, 2]");
    }

    static Stream<Arguments> badFiles() {
        byte[] good = idx(0x08, new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, 6});
        byte[] gz = gzip(good);
        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 8] ^= 0x55; // the CRC-32 in the gzip trailer
        byte[] badMethod = gz.clone();
        badMethod[2] = 7; // compression method: only 8 (deflate) exists
        return Stream.of(
                Arguments.of("empty", new byte[0], "empty file (0 bytes)"),
                Arguments.of(
                        "npy magic",
                        NumpyFixtures.bytes(NumpyFixtures.U1_3),
                        "not an IDX file: data starts with 93 4e 55 4d, expected 00 00 <type> <rank>"),
                Arguments.of(
                        "bad type",
                        idx(0x0A, new int[] {1}, new byte[1]),
                        "unknown IDX type code 0x0a (known: 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float,"
                                + " 0x0e double)"),
                Arguments.of("rank 0", new byte[] {0, 0, 8, 0}, "malformed header: IDX rank is 0"),
                Arguments.of(
                        "short magic", new byte[] {0, 0, 8}, "truncated header: 3 bytes, too short for the 4-byte"),
                Arguments.of(
                        "short dims",
                        Arrays.copyOf(good, 9),
                        "truncated header: 2 dimensions need 8 bytes after the magic, but only 5 are present"),
                Arguments.of(
                        "short data",
                        Arrays.copyOf(good, good.length - 2),
                        "truncated data: dims [2, 3] of ubyte needs 6 bytes after the header, but only 4 are present"),
                Arguments.of(
                        "trailing",
                        Fixtures.concat(good, new byte[] {9}),
                        "1 bytes of trailing data after the array (dims [2, 3] of ubyte needs exactly 6 bytes"),
                Arguments.of(
                        "short data, gzipped",
                        gzip(Arrays.copyOf(good, good.length - 2)),
                        "needs 6 bytes after the header, but only 4 are present"),
                Arguments.of("truncated gzip", Arrays.copyOf(gz, gz.length - 12), "truncated gzip stream ("),
                Arguments.of("gzip header only", Arrays.copyOf(gz, 5), "truncated gzip stream ("),
                Arguments.of("gzip checksum", badCrc, "corrupt gzip data (Corrupt GZIP trailer)"),
                Arguments.of("gzip method", badMethod, "corrupt gzip data (Unsupported compression method)"),
                Arguments.of("gzip of nothing", gzip(new byte[0]), "empty decompressed data (0 bytes)"),
                Arguments.of(
                        "huge dims",
                        idx(0x0E, new int[] {65536, 65536}, new byte[0]),
                        "dims [65536, 65536] of double is too large"),
                Arguments.of(
                        "unsigned dim",
                        idx(0x08, new int[] {-1}, new byte[0]),
                        "malformed header: dimension 0 is 4294967295, beyond the largest Java array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsBadFilesWithAOneLineMessageNamingFileAndProblem(String name, byte[] bytes, String problem) {
        Path file = Fixtures.write(dir, "bad-idx3-ubyte", bytes);
        assertThatThrownBy(() -> IdxReader.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem)
                .message()
                .doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing-idx1-ubyte", "missing.gz"})
    void rejectsMissingFiles(String name) {
        Path missing = dir.resolve(name);
        assertThatThrownBy(() -> IdxReader.read(missing))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(missing + ": file not found");
    }
}
