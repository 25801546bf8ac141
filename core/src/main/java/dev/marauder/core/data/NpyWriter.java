package dev.marauder.core.data;

import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes NumPy {@code .npy} files that {@code np.load} reads: float tensors as little-endian
 * float32 ({@code <f4}) and labels as little-endian int64 ({@code <i8}), C order.
 *
 * <p>The bytes are those {@code np.save} writes for the same array: format version 1.0 (2.0 if
 * the header would not fit in 65,535 bytes), the header padded with spaces and a final newline
 * so that the data starts at a multiple of 64 bytes. Every write is atomic (see
 * {@link AtomicFiles}): the target holds either its old content or the complete new file.
 * Write failures are {@link UncheckedIOException}s naming the target, not
 * {@link DataFormatException}s, since nothing is wrong with the data.
 */
public final class NpyWriter {
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 14;

    private NpyWriter() {}

    /**
     * Writes {@code tensor} as float32 with its shape.
     *
     * @throws UncheckedIOException naming the file if it cannot be written; an existing file is
     *     then left unchanged
     */
    public static void write(Path file, FloatTensor tensor) {
        byte[] header = header(NpyDtype.FLOAT32.descr(ByteOrder.LITTLE_ENDIAN), tensor.shape());
        float[] data = tensor.data();
        AtomicFiles.write(file, out -> {
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < data.length; from += CHUNK) {
                int n = Math.min(CHUNK, data.length - from);
                chunk.clear();
                chunk.asFloatBuffer().put(data, from, n);
                out.write(chunk.array(), 0, n * 4);
            }
        });
    }

    /**
     * Writes {@code labels} as a 1-D int64 array, the type NumPy uses for integer labels.
     *
     * @throws UncheckedIOException naming the file if it cannot be written; an existing file is
     *     then left unchanged
     */
    public static void writeLabels(Path file, int[] labels) {
        byte[] header = header(NpyDtype.INT64.descr(ByteOrder.LITTLE_ENDIAN), new int[] {labels.length});
        AtomicFiles.write(file, out -> {
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < labels.length; from += CHUNK) {
                int n = Math.min(CHUNK, labels.length - from);
                chunk.clear();
                for (int i = 0; i < n; i++) {
                    chunk.putLong(labels[from + i]);
                }
                out.write(chunk.array(), 0, n * 8);
            }
        });
    }

    /** Magic, version, header length and padded header, as {@code np.save} writes them. */
    static byte[] header(String descr, int[] shape) {
        byte[] dict = NpyHeader.format(descr, shape).getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = NpyReader.MAGIC.length + 2 + 2;
        int total = roundUp(prefix + dict.length + 1);
        if (total - prefix > 0xffff) {
            major = 2;
            prefix += 2;
            total = roundUp(prefix + dict.length + 1);
        }
        int headerLength = total - prefix;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyReader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(dict);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static int roundUp(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
