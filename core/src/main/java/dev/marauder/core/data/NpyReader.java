package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads NumPy {@code .npy} files (the format of {@code np.save}).
 *
 * <p>Format (NEP 1, "A simple file format for NumPy arrays"): the magic bytes
 * {@code \x93NUMPY}, a major and a minor version byte, the header length (2 bytes little-endian
 * in version 1.0, 4 bytes in 2.0 and 3.0), the header (a Python dict literal with
 * {@code descr}, {@code fortran_order} and {@code shape}; Latin-1 text in 1.0 and 2.0, UTF-8 in
 * 3.0), then the raw values. Versions 1.0, 2.0 and 3.0 are read; the dtypes are those of
 * {@link NpyDtype}, in either byte order; any shape, including 0-d and empty arrays.
 *
 * <p>Strictness: only C-order (row-major) data is read, and the file must end where the data
 * ends. Bytes after the array are rejected rather than ignored (NumPy ignores them): they mean
 * the file is not what its header says, for example two arrays written into one file, or a
 * shape or dtype that does not match the data. Headers longer than 1 MiB are refused. Every
 * problem is a {@link DataFormatException} whose one-line message names the file and the
 * problem (for truncated data, the bytes expected and present).
 */
public final class NpyReader {
    /** The first six bytes of every {@code .npy} file. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final int MAX_HEADER = 1 << 20;

    private NpyReader() {}

    /**
     * Reads the array in {@code file}.
     *
     * @throws DataFormatException naming the file if it is missing, not a regular file, empty,
     *     truncated, not a {@code .npy} file, has a malformed header, an unsupported dtype,
     *     Fortran order or trailing bytes
     */
    public static NpyArray read(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            return read(file.toString(), in);
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
    }

    /** Reads an array from {@code in}, naming it {@code source} in messages; does not close it. */
    static NpyArray read(String source, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length == 0) {
            throw new DataFormatException(source + ": empty file (0 bytes)");
        }
        if (!Arrays.equals(magic, 0, magic.length, MAGIC, 0, magic.length)) {
            String zip = magic.length >= 2 && magic[0] == 'P' && magic[1] == 'K'
                    ? " (it is a zip archive, perhaps an .npz; unpack it into .npy files)"
                    : "";
            throw new DataFormatException(source + ": not a .npy file: starts with " + DataFiles.hex(magic, 6)
                    + ", expected the magic bytes 93 4e 55 4d 50 59 (\\x93NUMPY)" + zip);
        }
        if (magic.length < MAGIC.length) {
            throw new DataFormatException(
                    source + ": truncated: the file has only " + magic.length + " bytes, too short for a .npy header");
        }
        byte[] version;
        try {
            version = Elements.readHeader(in, 2);
        } catch (EOFException e) {
            throw new DataFormatException(source + ": truncated header: the file ends inside the version bytes");
        }
        int major = version[0] & 0xff;
        int minor = version[1] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new DataFormatException(source + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        long headerLength;
        try {
            ByteBuffer len = ByteBuffer.wrap(Elements.readHeader(in, major == 1 ? 2 : 4))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            headerLength = major == 1 ? len.getShort() & 0xffffL : len.getInt() & 0xffffffffL;
        } catch (EOFException e) {
            throw new DataFormatException(source + ": truncated header: the file ends inside the header length");
        }
        if (headerLength > MAX_HEADER) {
            throw new DataFormatException(source + ": malformed header: its length " + headerLength
                    + " bytes is beyond the limit of " + MAX_HEADER);
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new DataFormatException(source + ": truncated header: expected " + headerLength
                    + " header bytes, but only " + headerBytes.length + " are present");
        }
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(headerBytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new DataFormatException(source + ": malformed header: not valid UTF-8");
            }
        } else {
            text = new String(headerBytes, StandardCharsets.ISO_8859_1);
        }
        NpyHeader header = NpyHeader.parse(source, text);
        String what = "shape " + Arrays.toString(header.shape()) + " of "
                + header.dtype().descr(header.order());
        int count = Elements.elementCount(source, header.shape(), header.dtype().itemSize(), what);
        byte[] data = Elements.readPayload(source, in, count * header.dtype().itemSize(), what);
        return new NpyArray(
                header.dtype(), new Elements(source, header.dtype().kind, header.order(), header.shape(), data));
    }
}
