package dev.marauder.core.provenance;

import dev.marauder.core.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 digests of files and bytes, as lowercase hexadecimal, for provenance records.
 *
 * <p>Files are read in a stream of 64 KiB blocks, so a file of any size costs constant memory.
 * {@link #combine(List)} turns the digests of several files into one digest that identifies them
 * as an ordered group (for example, the images and labels files of a dataset split).
 */
public final class FileHash {
    private static final int BLOCK = 1 << 16;

    private FileHash() {}

    /**
     * SHA-256 of the bytes of {@code file}.
     *
     * @throws DataFormatException naming the file if it is missing, is not a regular file, or
     *     cannot be read
     */
    public static String sha256(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found");
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read file (" + e + ")", e);
        }
    }

    /** SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * SHA-256 of everything left in {@code in}, read to its end; the stream is not closed.
     *
     * @throws IOException if reading fails
     */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] block = new byte[BLOCK];
        for (int n; (n = in.read(block)) != -1; ) {
            md.update(block, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * One digest for an ordered group of digests: the SHA-256 of the UTF-8 text made of each
     * digest in {@code hexDigests}, in the given order, each followed by a line feed. A single
     * digest is returned unchanged, so one file's group digest is the file's own digest.
     *
     * @throws IllegalArgumentException if the list is empty or an entry is not 64 lowercase hex
     *     digits
     */
    public static String combine(List<String> hexDigests) {
        if (hexDigests.isEmpty()) {
            throw new IllegalArgumentException("no digests to combine");
        }
        StringBuilder text = new StringBuilder();
        for (String h : hexDigests) {
            if (h == null || !h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a lowercase hex SHA-256 digest: " + h);
            }
            text.append(h).append('\n');
        }
        return hexDigests.size() == 1
                ? hexDigests.get(0)
                : sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
