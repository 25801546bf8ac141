package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The numeric payload of an array file, as read: element kind, byte order, shape and raw bytes.
 * {@link NpyArray} and {@link IdxArray} both keep one, so conversion to floats and to labels, and
 * the reading of a payload of known length, live in one place.
 */
final class Elements {

    /** Element kinds that the readers understand. */
    enum Kind {
        U8(1, true),
        I8(1, true),
        I16(2, true),
        I32(4, true),
        I64(8, true),
        F32(4, false),
        F64(8, false);

        final int bytes;
        final boolean integer;

        Kind(int bytes, boolean integer) {
            this.bytes = bytes;
            this.integer = integer;
        }
    }

    /**
     * Largest payload a reader accepts: Java arrays and buffers are indexed by {@code int}, and
     * the largest safe array length is a few bytes below {@code Integer.MAX_VALUE}.
     */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private static final int FIRST_CHUNK = 1 << 20;

    final String source;
    final Kind kind;
    final ByteOrder order;
    private final int[] shape;
    private final byte[] bytes;
    final int count;

    Elements(String source, Kind kind, ByteOrder order, int[] shape, byte[] bytes) {
        this.source = source;
        this.kind = kind;
        this.order = order;
        this.shape = shape.clone();
        this.bytes = bytes;
        this.count = bytes.length / kind.bytes;
    }

    int[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements in {@code shape}, checked so that {@code count * elementBytes} fits in a
     * Java array.
     */
    static int elementCount(String source, int[] shape, int elementBytes, String describedShape) {
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (int d : shape) {
            n *= d; // each d < 2^31 and n stays <= MAX_BYTES, so this cannot overflow a long
            if (n * elementBytes > MAX_BYTES) {
                throw new DataFormatException(source + ": " + describedShape + " is too large: more than " + MAX_BYTES
                        + " bytes of data (Java arrays stop at 2 GiB)");
            }
        }
        return (int) n;
    }

    /**
     * Reads exactly {@code expected} payload bytes from {@code in} and makes sure nothing follows
     * them. The buffer grows with the data actually present, so a header that claims a huge shape
     * cannot make the reader allocate more than the file holds.
     *
     * @param what describes the shape and type for messages, e.g. {@code "shape [2, 3] of <f4"}
     * @throws DataFormatException if fewer bytes are present (giving expected and actual counts)
     *     or more bytes follow the payload
     */
    static byte[] readPayload(String source, InputStream in, int expected, String what) throws IOException {
        // The data are held as they are, then as float32: refuse before allocating what this JVM
        // cannot hold. A small gzip file can declare, and inflate to, gigabytes; the bytes are then
        // only counted, so the message says whether the file is short or too large.
        long needed = (long) expected + 4L * expected;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap / 2) {
            long present = 0;
            byte[] skip = new byte[1 << 16];
            for (int n; present <= expected && (n = in.read(skip)) > 0; ) {
                present += n;
            }
            if (present < expected) {
                throw new DataFormatException(source + ": truncated data: " + what + " needs " + expected
                        + " bytes after the header, but only " + present + " are present");
            }
            throw new DataFormatException(String.format(
                    java.util.Locale.ROOT,
                    "%s: %s would need %,d MB in memory, more than half of this JVM's heap (%,d MB); give Java more"
                            + " memory (MARAUDER_JAVA_OPTS=-Xmx...) or use a smaller file",
                    source,
                    what,
                    needed >> 20,
                    heap >> 20));
        }
        byte[] buf = new byte[Math.min(expected, FIRST_CHUNK)];
        int have = 0;
        while (have < expected) {
            if (have == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
            }
            int n = in.read(buf, have, buf.length - have);
            if (n < 0) {
                break;
            }
            have += n;
        }
        if (have < expected) {
            throw new DataFormatException(source + ": truncated data: " + what + " needs " + expected
                    + " bytes after the header, but only " + have + " are present");
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        for (int n; (n = in.read(skip)) > 0; ) {
            extra += n;
        }
        if (extra > 0) {
            throw new DataFormatException(source + ": " + extra + " bytes of trailing data after the array (" + what
                    + " needs exactly " + expected + " bytes after the header)");
        }
        return buf;
    }

    /**
     * Reads exactly {@code n} header bytes.
     *
     * @throws EOFException with the number of bytes actually present, if the stream ends first
     */
    static byte[] readHeader(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int have = in.readNBytes(b, 0, n);
        if (have < n) {
            throw new EOFException(Integer.toString(have));
        }
        return b;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(order);
    }

    /** The values as floats, converted exactly as a C cast would (no scaling). */
    float[] toFloats() {
        float[] out = new float[count];
        ByteBuffer b = buffer();
        switch (kind) {
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = bytes[i] & 0xff;
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = bytes[i];
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = b.getLong(8 * i);
                }
            }
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> throw new AssertionError(kind);
        }
        return out;
    }

    FloatTensor toFloatTensor() {
        return new FloatTensor(toFloats(), shape);
    }

    /**
     * The values as class labels.
     *
     * @throws DataFormatException unless the array is 1-D and every value is a non-negative
     *     integer that fits in an {@code int}; names the first offending index and value
     */
    int[] toLabels() {
        if (shape.length != 1) {
            throw new DataFormatException(
                    source + ": labels must be a 1-D array, but the shape is " + Arrays.toString(shape));
        }
        int[] out = new int[count];
        ByteBuffer b = buffer();
        for (int i = 0; i < count; i++) {
            double v = switch (kind) {
                case U8 -> bytes[i] & 0xff;
                case I8 -> bytes[i];
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case I64 -> b.getLong(8 * i); // exact for every value that can pass the check below
                case F32 -> b.getFloat(4 * i);
                case F64 -> b.getDouble(8 * i);
            };
            if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                String shown = kind == Kind.I64
                        ? Long.toString(b.getLong(8 * i))
                        : kind.integer ? Long.toString((long) v) : Double.toString(v);
                throw new DataFormatException(source + ": label at index " + i + " is " + shown
                        + "; labels must be non-negative integers that fit in an int");
            }
            out[i] = (int) v;
        }
        return out;
    }
}
