package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of the MNIST and Fashion-MNIST distributions, plain or gzipped.
 *
 * <p>Format (LeCun et al., "THE MNIST DATABASE of handwritten digits", file formats section): two
 * zero bytes, a type code ({@code 0x08} unsigned byte, {@code 0x09} signed byte, {@code 0x0B}
 * short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E} double), the number of dimensions,
 * one 4-byte big-endian size per dimension, then the values, big-endian, in C order. A file
 * that starts with the gzip magic {@code 1f 8b} is decompressed first, whatever its name.
 *
 * <p>As with {@link NpyReader}, the data must end exactly where the dimensions say: bytes after
 * the array are rejected, and so is a gzip stream whose checksum fails. Every problem is a
 * {@link DataFormatException} whose one-line message names the file and the problem.
 */
public final class IdxReader {
    private IdxReader() {}

    /**
     * Reads the array in {@code file}, gzipped or not.
     *
     * @throws DataFormatException naming the file if it is missing, not a regular file, empty,
     *     truncated, corrupt gzip, has the wrong magic, an unknown type code, or trailing bytes
     */
    public static IdxArray read(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            return read(file.toString(), in);
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
    }

    /** Reads an array from {@code raw}, naming it {@code source} in messages; does not close it. */
    static IdxArray read(String source, InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 < 0) {
            throw new DataFormatException(source + ": empty file (0 bytes)");
        }
        if (b0 != 0x1f || b1 != 0x8b) {
            return readIdx(source, in, "");
        }
        try {
            return readIdx(source, new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16), "decompressed ");
        } catch (EOFException e) {
            throw new DataFormatException(
                    source + ": truncated gzip stream (" + DataFiles.oneLine(String.valueOf(e.getMessage())) + ")");
        } catch (ZipException e) {
            throw new DataFormatException(
                    source + ": corrupt gzip data (" + DataFiles.oneLine(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static IdxArray readIdx(String source, InputStream in, String decompressed) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) {
            throw new DataFormatException(source + ": empty " + decompressed + "data (0 bytes)");
        }
        if (magic[0] != 0 || (magic.length > 1 && magic[1] != 0)) {
            throw new DataFormatException(source + ": not an IDX file: " + decompressed + "data starts with "
                    + DataFiles.hex(magic, 4) + ", expected 00 00 <type> <rank>");
        }
        if (magic.length < 4) {
            throw new DataFormatException(source + ": truncated header: " + magic.length + " " + decompressed
                    + "bytes, too short for the 4-byte IDX magic");
        }
        IdxType type = IdxType.ofCode(magic[2] & 0xff);
        if (type == null) {
            throw new DataFormatException(source + ": unknown IDX type code " + String.format("0x%02x", magic[2] & 0xff)
                    + " (known: 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, 0x0e double)");
        }
        int rank = magic[3] & 0xff;
        if (rank == 0) {
            throw new DataFormatException(source + ": malformed header: IDX rank is 0");
        }
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DataFormatException(source + ": truncated header: " + rank + " dimensions need " + 4 * rank
                    + " bytes after the magic, but only " + dimBytes.length + " are present");
        }
        ByteBuffer dimBuffer = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            long d = dimBuffer.getInt() & 0xffffffffL;
            if (d > Integer.MAX_VALUE) {
                throw new DataFormatException(
                        source + ": malformed header: dimension " + i + " is " + d + ", beyond the largest Java array");
            }
            dims[i] = (int) d;
        }
        String what = "dims " + Arrays.toString(dims) + " of " + type.name().toLowerCase(java.util.Locale.ROOT);
        int count = Elements.elementCount(source, dims, type.size(), what);
        byte[] data = Elements.readPayload(source, in, count * type.size(), what);
        return new IdxArray(type, new Elements(source, type.kind, ByteOrder.BIG_ENDIAN, dims, data));
    }
}
