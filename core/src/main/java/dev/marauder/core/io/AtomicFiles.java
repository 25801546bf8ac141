package dev.marauder.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file: the bytes go to a temporary file in the target's directory (a hidden
 * {@code .<name>.<random>.tmp}), are forced to disk, and the temporary file is then renamed over
 * the target. On any failure the temporary file is deleted and the target is left as it was.
 *
 * <p>The temporary file is created with the default permissions of a new file, so the result
 * does not end up with the owner-only permissions of {@link Files#createTempFile}. A file system
 * that cannot rename atomically gets a plain replacing move instead.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the bytes for a file. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the file's bytes to {@code out}.
         *
         * @param out the stream of the temporary file, closed by the caller
         * @throws IOException if writing fails (the target file is then left unchanged)
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} with the bytes {@code body} produces.
     *
     * @throws UncheckedIOException with a one-line message naming the target if the directory is
     *     missing or the file cannot be written or moved into place; the target is unchanged
     */
    public static void write(Path target, Body body) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UncheckedIOException(
                    target + ": cannot write: directory " + dir + " does not exist",
                    new NoSuchFileException(String.valueOf(dir)));
        }
        Path tmp = dir.resolve("." + absolute.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot write (" + Messages.oneLine(String.valueOf(e)) + ")", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // the write already failed or succeeded; a leftover hidden temporary file is harmless
            }
        }
    }
}
