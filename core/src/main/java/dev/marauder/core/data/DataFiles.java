package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opening data files with the data layer's error discipline: one-line messages naming the file. */
final class DataFiles {
    private DataFiles() {}

    /**
     * Opens {@code file} for buffered reading.
     *
     * @throws DataFormatException if it is missing, is not a regular file, or cannot be opened
     */
    static InputStream open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not a file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new DataFormatException(file, "is not a regular file");
        }
        try {
            return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found");
        } catch (AccessDeniedException e) {
            throw new DataFormatException(file, "permission denied");
        } catch (IOException e) {
            throw failure(file.toString(), e);
        }
    }

    /** A read failure that is not about the format, e.g. a disk error. */
    static DataFormatException failure(String source, IOException e) {
        return new DataFormatException(source + ": cannot read (" + oneLine(String.valueOf(e)) + ")", e);
    }

    static String oneLine(String text) {
        return dev.marauder.core.io.Messages.oneLine(text);
    }

    static String oneLine(String text, int max) {
        return dev.marauder.core.io.Messages.oneLine(text, max);
    }

    /** The first bytes of {@code b} in hex, e.g. {@code "50 4b 03 04"}. */
    static String hex(byte[] b, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(length, b.length); i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}
