package dev.marauder.core.data;

import static dev.marauder.core.data.Fixtures.concat;
import static dev.marauder.core.data.Fixtures.dict;
import static dev.marauder.core.data.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyReaderTest {
    @TempDir
    Path dir;

    private NpyArray readNumpy(String base64) {
        return NpyReader.read(Fixtures.write(dir, "a.npy", NumpyFixtures.bytes(base64)));
    }

    @Test
    void readsFloat32WrittenByNumpy() {
        NpyArray a = readNumpy(NumpyFixtures.F4_2X3);
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT32);
        assertThat(a.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(a.shape()).containsExactly(2, 3);
        FloatTensor t = a.toFloatTensor();
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.data()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f);
    }

    @Test
    void readsBigEndianFloat64WrittenByNumpy() {
        NpyArray a = readNumpy(NumpyFixtures.F8_BE_2X2);
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT64);
        assertThat(a.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        // 1e300 is beyond float32 and becomes +inf, as in NumPy's astype(np.float32)
        assertThat(a.toFloatTensor().data())
                .containsExactly(1.5f, -2.25f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    @Test
    void readsIntegerTypesWrittenByNumpy() {
        assertThat(readNumpy(NumpyFixtures.U1_3).toFloatTensor().data()).containsExactly(0f, 128f, 255f);
        assertThat(readNumpy(NumpyFixtures.U1_3).dtype()).isEqualTo(NpyDtype.UINT8);
        assertThat(readNumpy(NumpyFixtures.I8_2).toLabels()).containsExactly(0, 9);
        NpyArray i4 = readNumpy(NumpyFixtures.I4_BE_3);
        assertThat(i4.dtype()).isEqualTo(NpyDtype.INT32);
        assertThat(i4.toFloatTensor().data()).containsExactly(7f, -1f, (float) Integer.MAX_VALUE);
        assertThat(readNumpy(NumpyFixtures.I2_2).toFloatTensor().data()).containsExactly(-32768f, 5f);
        assertThat(readNumpy(NumpyFixtures.I1_2).toFloatTensor().data()).containsExactly(-128f, 127f);
    }

    @Test
    void readsFormatVersions2And3() {
        assertThat(readNumpy(NumpyFixtures.F4_V2).toFloatTensor().data()).containsExactly(1.25f, -0.5f);
        assertThat(readNumpy(NumpyFixtures.F4_V3).toFloatTensor().data()).containsExactly(3f);
    }

    @Test
    void readsScalarsAndEmptyArrays() {
        NpyArray scalar = readNumpy(NumpyFixtures.F8_SCALAR);
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.toFloatTensor().data()).containsExactly(2.5f);
        NpyArray empty = readNumpy(NumpyFixtures.F4_EMPTY_0X4);
        assertThat(empty.shape()).containsExactly(0, 4);
        assertThat(empty.toFloatTensor().size()).isZero();
    }

    @Test
    void writerProducesTheBytesNumpyWrites() throws IOException {
        Path f = dir.resolve("w.npy");
        NpyWriter.write(f, new FloatTensor(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
        assertThat(Files.readAllBytes(f)).isEqualTo(NumpyFixtures.bytes(NumpyFixtures.F4_2X3));
        NpyWriter.writeLabels(f, new int[] {0, 9});
        assertThat(Files.readAllBytes(f)).isEqualTo(NumpyFixtures.bytes(NumpyFixtures.I8_2));
    }

    @Test
    void acceptsPython2LongIntegersAndExtraSpacing() {
        byte[] f = npy(1, "{ 'descr' : '<i8' , 'shape' : (2L,) , 'fortran_order' : False }", new byte[16]);
        assertThat(NpyReader.read(Fixtures.write(dir, "py2.npy", f)).shape()).containsExactly(2);
    }

    @Test
    void labelsMustBeOneDimensionalNonNegativeIntegers() {
        Path twoD = Fixtures.write(dir, "twoD.npy", NumpyFixtures.bytes(NumpyFixtures.F4_2X3));
        assertThatThrownBy(() -> NpyReader.read(twoD).toLabels())
                .isInstanceOf(DataFormatException.class)
                .hasMessage(twoD + ": labels must be a 1-D array, but the shape is [2, 3]");

        Path negative = Fixtures.write(dir, "neg.npy", NumpyFixtures.bytes(NumpyFixtures.I4_BE_3));
        assertThatThrownBy(() -> NpyReader.read(negative).toLabels())
                .hasMessage(
                        negative + ": label at index 1 is -1; labels must be non-negative integers that fit in an int");

        Path fraction = Fixtures.write(dir, "frac.npy", NumpyFixtures.bytes(NumpyFixtures.F4_V2));
        assertThatThrownBy(() -> NpyReader.read(fraction).toLabels())
                .hasMessageStartingWith(fraction + ": label at index 0 is 1.25;");

        byte[] big = java.nio.ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1L << 32)
                .array();
        Path tooBig = Fixtures.write(dir, "big.npy", npy(1, dict("<i8", 1), big));
        assertThatThrownBy(() -> NpyReader.read(tooBig).toLabels())
                .hasMessageStartingWith(tooBig + ": label at index 0 is 4294967296;");

        Path whole = Fixtures.write(dir, "whole.npy", NumpyFixtures.bytes(NumpyFixtures.F8_BE_2X2));
        assertThatThrownBy(() -> NpyReader.read(whole).toLabels()).hasMessageContaining("1-D");
    }

    static Stream<Arguments> badFiles() {
        byte[] good = NumpyFixtures.bytes(NumpyFixtures.F4_2X3);
        byte[] f4 = new byte[24];
        return Stream.of(
                Arguments.of("empty", new byte[0], "empty file (0 bytes)"),
                Arguments.of(
                        "short magic",
                        Arrays.copyOf(good, 4),
                        "truncated: the file has only 4 bytes, too short for a .npy header"),
                Arguments.of(
                        "wrong magic",
                        "hello, world".getBytes(StandardCharsets.US_ASCII),
                        "not a .npy file: starts with 68 65 6c 6c 6f 2c, expected the magic bytes 93 4e 55 4d 50 59"),
                Arguments.of("npz", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, "it is a zip archive, perhaps an .npz"),
                Arguments.of(
                        "no version",
                        Arrays.copyOf(good, 7),
                        "truncated header: the file ends inside the version bytes"),
                Arguments.of(
                        "version 4.0",
                        concat(
                                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 4, 0},
                                Arrays.copyOfRange(good, 8, good.length)),
                        "unsupported .npy format version 4.0"),
                Arguments.of(
                        "short header",
                        Arrays.copyOf(good, 40),
                        "truncated header: expected 118 header bytes, but only 30 are present"),
                Arguments.of(
                        "truncated data",
                        Arrays.copyOf(good, good.length - 4),
                        "truncated data: shape [2, 3] of <f4 needs 24 bytes after the header, but only 20 are present"),
                Arguments.of(
                        "header only",
                        Arrays.copyOf(good, 128),
                        "needs 24 bytes after the header, but only 0 are present"),
                Arguments.of(
                        "trailing bytes",
                        concat(good, new byte[3]),
                        "3 bytes of trailing data after the array (shape [2, 3] of <f4 needs exactly 24 bytes"),
                Arguments.of(
                        "missing key",
                        npy(1, "{'descr': '<f4', 'fortran_order': False}", f4),
                        "malformed header: missing key 'shape' in {'descr': '<f4', 'fortran_order': False}"),
                Arguments.of(
                        "extra key",
                        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", f4),
                        "malformed header: unexpected key 'x'"),
                Arguments.of("not a dict", npy(1, "['descr', '<f4']", f4), "malformed header: not a dictionary"),
                Arguments.of(
                        "unterminated string",
                        npy(1, "{'descr: '<f4', 'fortran_order': False, 'shape': (6,)}", f4),
                        "malformed header: expected ':' at character"),
                Arguments.of(
                        "garbage",
                        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} junk", f4),
                        "malformed header: unexpected text after the dictionary at character 56"),
                Arguments.of(
                        "shape list",
                        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [6]}", f4),
                        "malformed header: 'shape' is [6], not a tuple"),
                Arguments.of(
                        "negative dim",
                        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", f4),
                        "malformed header: 'shape' entry 0 is -6; expected an integer from 0 to 2147483647"),
                Arguments.of(
                        "fortran not bool",
                        npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", f4),
                        "malformed header: 'fortran_order' is 0, not True or False"),
                Arguments.of(
                        "huge shape",
                        npy(1, dict("<f8", 100000, 100000), f4),
                        "shape [100000, 100000] of <f8 is too large"),
                Arguments.of(
                        "lying shape",
                        npy(2, dict("|u1", 2000000000), f4),
                        "truncated data: shape [2000000000] of |u1 needs 2000000000 bytes after the header, but only 24"),
                Arguments.of(
                        "float16", NumpyFixtures.bytes(NumpyFixtures.F2), "unsupported dtype '<f2'; supported: |u1"),
                Arguments.of(
                        "object",
                        NumpyFixtures.bytes(NumpyFixtures.OBJECT),
                        "unsupported dtype '|O' (object arrays hold pickled Python objects, which are never loaded)"),
                Arguments.of(
                        "structured",
                        npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,)}", f4),
                        "unsupported dtype [('a', '<f4')]: structured (record) dtypes are not supported"),
                Arguments.of("multi-byte with |", npy(1, dict("|f4", 6), f4), "unsupported dtype '|f4'"),
                Arguments.of(
                        "fortran",
                        NumpyFixtures.bytes(NumpyFixtures.F4_FORTRAN),
                        "fortran_order is True (column-major data), but only C order is supported"),
                // 0xff is never valid UTF-8; byte 12 is the first byte of a version-3.0 header
                Arguments.of(
                        "bad utf-8 in v3",
                        withByte(npy(3, dict("<f4", 6), f4), 12, 0xff),
                        "malformed header: not valid UTF-8"));
    }

    private static byte[] withByte(byte[] bytes, int index, int value) {
        bytes[index] = (byte) value;
        return bytes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsBadFilesWithAOneLineMessageNamingFileAndProblem(String name, byte[] bytes, String problem) {
        Path file = Fixtures.write(dir, "bad.npy", bytes);
        assertThatThrownBy(() -> NpyReader.read(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem)
                .message()
                .doesNotContain("\n");
    }

    @Test
    void rejectsMissingFilesAndDirectories() {
        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> NpyReader.read(missing))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(missing + ": file not found");
        assertThatThrownBy(() -> NpyReader.read(dir))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(dir + ": is a directory, not a file");
    }
}
