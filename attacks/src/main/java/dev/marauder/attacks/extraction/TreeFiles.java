package dev.marauder.attacks.extraction;

import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.io.OwnedDirectories;
import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decision trees saved as a directory holding {@code tree.json}, under the rules of Marauder model
 * directories: a tree is saved only into a new or empty directory or over an earlier saved tree
 * (never into a directory of anything else, a file, the working directory or one of its parents),
 * and the file is replaced atomically. Other files in the directory are left alone.
 */
public final class TreeFiles {
    /** The file of a saved tree. */
    public static final String TREE_FILE = "tree.json";

    /** The value of {@link Saved#format()}. */
    public static final String FORMAT = "marauder-decision-tree";

    private TreeFiles() {}

    /**
     * What {@code tree.json} holds.
     *
     * @param format always {@value #FORMAT}
     * @param formatVersion layout version (1)
     * @param tree the tree
     */
    public record Saved(String format, int formatVersion, DecisionTree tree) {}

    /**
     * Checks, before any work, that a tree could be saved to {@code dir}.
     *
     * @throws RefusedOutputException if it could not
     */
    public static void requireSavable(Path dir) {
        OwnedDirectories.requireWritable(dir, "a tree", "a directory holding a saved Marauder tree", target -> {
            load(target);
            return true;
        });
    }

    /** Saves {@code tree} to {@code dir} (created if missing); see the class comment for the rules. */
    public static void save(DecisionTree tree, Path dir) {
        requireSavable(dir);
        Path target = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the tree to " + dir + ": " + Messages.firstLine(e), e);
        }
        byte[] bytes = (Json.write(new Saved(FORMAT, 1, tree)) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target.resolve(TREE_FILE), out -> out.write(bytes));
    }

    /**
     * Loads a tree saved by {@link #save}.
     *
     * @throws DataFormatException if {@code dir} holds no readable saved tree
     */
    public static DecisionTree load(Path dir) {
        Path file = dir.resolve(TREE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "not found: not a saved Marauder tree");
        }
        Saved saved;
        try {
            saved = Json.read(file, Saved.class);
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "unreadable tree (" + Messages.firstLine(e) + ")", e);
        }
        if (saved == null || !FORMAT.equals(saved.format()) || saved.tree() == null) {
            throw new DataFormatException(file, "not a saved Marauder tree (format must be " + FORMAT + ")");
        }
        return saved.tree();
    }
}
