package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Round trips through {@link NpyWriter} and {@link NpyReader}, and reads of every dtype. */
class NpyRoundTripProperties {
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("npy-properties");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(4);
    }

    @Provide
    Arbitrary<FloatTensor> tensors() {
        // every bit pattern, so NaNs with payloads, infinities, -0 and subnormals all occur
        Arbitrary<Float> values = Arbitraries.integers().map(Float::intBitsToFloat);
        return shapes().flatMap(
                        shape -> values.array(float[].class).ofSize(size(shape)).map(v -> new FloatTensor(v, shape)));
    }

    @Property(tries = 200)
    void floatTensorsSurviveWriteAndReadBitForBit(@ForAll("tensors") FloatTensor t) {
        Path file = dir.resolve("t.npy");
        NpyWriter.write(file, t);
        NpyArray a = NpyReader.read(file);
        assertThat(a.dtype()).isEqualTo(NpyDtype.FLOAT32);
        assertThat(a.shape()).isEqualTo(t.shape());
        float[] back = a.toFloatTensor().data();
        assertThat(back).hasSameSizeAs(t.data());
        for (int i = 0; i < back.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(t.data()[i]));
        }
    }

    @Property(tries = 100)
    void labelsSurviveWriteAndRead(
            @ForAll @Size(max = 50) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> list) {
        int[] labels = list.stream().mapToInt(Integer::intValue).toArray();
        Path file = dir.resolve("y.npy");
        NpyWriter.writeLabels(file, labels);
        NpyArray a = NpyReader.read(file);
        assertThat(a.dtype()).isEqualTo(NpyDtype.INT64);
        assertThat(a.shape()).containsExactly(labels.length);
        assertThat(a.toLabels()).isEqualTo(labels);
    }

    @Property(tries = 400)
    void everyDtypeByteOrderAndVersionIsRead(
            @ForAll NpyDtype dtype,
            @ForAll boolean bigEndian,
            @ForAll @IntRange(min = 1, max = 3) int version,
            @ForAll("shapes") int[] shape,
            @ForAll Random random)
            throws IOException {
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int n = size(shape);
        ByteBuffer payload = ByteBuffer.allocate(n * dtype.itemSize()).order(order);
        float[] expected = new float[n];
        long[] integers = new long[n];
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case BOOL -> payload.put((byte) (integers[i] = random.nextInt(2)));
                case UINT8 -> payload.put((byte) (integers[i] = random.nextInt(256)));
                case INT8 -> payload.put((byte) (integers[i] = (byte) random.nextInt()));
                case INT16 -> payload.putShort((short) (integers[i] = (short) random.nextInt()));
                case INT32 -> payload.putInt((int) (integers[i] = random.nextInt()));
                case INT64 -> payload.putLong(integers[i] = random.nextLong());
                case FLOAT32 -> {
                    float f = Float.intBitsToFloat(random.nextInt());
                    payload.putFloat(f);
                    expected[i] = f;
                }
                case FLOAT64 -> {
                    double d = Double.longBitsToDouble(random.nextLong());
                    payload.putDouble(d);
                    expected[i] = (float) d;
                }
            }
            if (dtype != NpyDtype.FLOAT32 && dtype != NpyDtype.FLOAT64) {
                expected[i] = integers[i];
            }
        }
        byte[] file = Fixtures.npy(version, Fixtures.dict(dtype.descr(order), shape), payload.array());
        NpyArray a = NpyReader.read("mem.npy", new ByteArrayInputStream(file));
        assertThat(a.dtype()).isEqualTo(dtype);
        assertThat(a.byteOrder()).isEqualTo(dtype.itemSize() == 1 ? ByteOrder.LITTLE_ENDIAN : order);
        assertThat(a.shape()).isEqualTo(shape);
        float[] actual = a.toFloatTensor().data();
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(expected[i])) {
                assertThat(actual[i]).isNaN();
            } else {
                assertThat(actual[i]).isEqualTo(expected[i]);
            }
        }
        boolean validLabels = shape.length == 1
                && dtype != NpyDtype.FLOAT32
                && dtype != NpyDtype.FLOAT64
                && java.util.Arrays.stream(integers).allMatch(v -> v >= 0 && v <= Integer.MAX_VALUE);
        if (validLabels) {
            int[] labels = a.toLabels();
            for (int i = 0; i < n; i++) {
                assertThat(labels[i]).isEqualTo(integers[i]);
            }
        }
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
