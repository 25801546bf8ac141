package dev.marauder.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The one rule for every directory Marauder writes (a model, a stolen tree, a fitted Deep k-NN):
 * never write into anything it did not create. A new or empty directory may be written, and so
 * may a directory that already holds the same kind of Marauder output (which is then replaced);
 * a file, the working directory or one of its parents, and any other non-empty directory are
 * refused before any work.
 */
public final class OwnedDirectories {
    private OwnedDirectories() {}

    /**
     * Checks that {@code dir} may be written.
     *
     * @param dir the directory as the user gave it (named in the message)
     * @param what what is saved there, with its article, e.g. {@code "a model"}
     * @param kind what a directory of ours is called, e.g. {@code "a Marauder model directory"}
     * @param ours whether a non-empty directory (absolute, normalised) holds output of this kind
     * @throws RefusedOutputException if it may not
     */
    public static void requireWritable(Path dir, String what, String kind, Predicate<Path> ours) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new RefusedOutputException(
                    dir, "exists and is not a directory; " + what + " is saved as a directory");
        }
        if (Path.of("").toAbsolutePath().normalize().startsWith(target)) {
            throw new RefusedOutputException(
                    dir,
                    "is the working directory or one of its parents; save " + what.replaceFirst("^an? ", "the ")
                            + " into a new directory");
        }
        if (!Files.isDirectory(target)) {
            return;
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        } catch (IOException e) {
            throw new RefusedOutputException(dir, "cannot be listed (" + Messages.firstLine(e) + ")");
        }
        boolean isOurs;
        try {
            isOurs = ours.test(target);
        } catch (RuntimeException e) {
            isOurs = false;
        }
        if (!isOurs) {
            throw new RefusedOutputException(
                    dir,
                    "is not empty and is not " + kind + "; Marauder never writes into a directory it did not create:"
                            + " choose a new or empty directory");
        }
    }
}
