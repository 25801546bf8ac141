package dev.marauder.cli;

import dev.marauder.core.io.RefusedOutputException;
import dev.marauder.core.json.Json;
import dev.marauder.core.progress.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command: JSON output, quiet mode. */
public final class OutputOptions {
    @Option(names = "--out", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON on standard output.")
    boolean json;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bar.")
    boolean quiet;

    /**
     * Checks, before any work, that {@code --out} can be written and destroys nothing: it is not a
     * directory, its directory exists and is writable, and it is none of the command's input files
     * (a model, data or labels file given to the same command).
     *
     * @param inputs the paths the command reads
     * @throws RefusedOutputException if it cannot or must not be written
     */
    void checkWritable(java.util.Collection<Path> inputs) {
        if (out == null) {
            return;
        }
        checkWritable(out, "--out", "the JSON file", inputs, null);
    }

    /**
     * The checks of {@link #checkWritable(java.util.Collection)} for any output file of a command.
     *
     * @param file the file to write
     * @param option the option that names it, e.g. {@code --sarif}
     * @param what what it is, e.g. {@code "the SARIF file"}
     * @param inputs the paths the command reads
     * @param createdDir a directory the command creates before writing {@code file} (its parent may
     *     then be missing yet), or null
     * @throws RefusedOutputException if it cannot or must not be written
     */
    static void checkWritable(
            Path file, String option, String what, java.util.Collection<Path> inputs, Path createdDir) {
        Path target = file.toAbsolutePath().normalize();
        if (java.nio.file.Files.isDirectory(target)) {
            throw new RefusedOutputException(file, "is a directory; " + option + " names " + what + " to write");
        }
        Path parent = target.getParent();
        boolean created = parent != null
                && createdDir != null
                && parent.equals(createdDir.toAbsolutePath().normalize())
                && !java.nio.file.Files.exists(parent);
        if (!created) {
            if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
                throw new RefusedOutputException(file, "cannot be written: directory " + parent + " does not exist");
            }
            if (!java.nio.file.Files.isWritable(parent)) {
                throw new RefusedOutputException(file, "cannot be written: directory " + parent + " is not writable");
            }
        }
        for (Path input : inputs) {
            Path in = input.toAbsolutePath().normalize();
            boolean same = in.equals(target) || target.startsWith(in);
            try {
                same |= java.nio.file.Files.exists(in)
                        && java.nio.file.Files.exists(target)
                        && java.nio.file.Files.isSameFile(in, target);
            } catch (java.io.IOException e) {
                // cannot tell: the paths differ
            }
            if (same) {
                throw new RefusedOutputException(
                        file,
                        "is an input of this command (" + input + "); writing the result"
                                + " there would destroy it: choose another " + option);
            }
        }
    }

    /** The progress reporter: a bar on stderr when it is a terminal and not quiet. */
    Progress progress() {
        return quiet || System.console() == null ? Progress.NONE : new ConsoleProgress();
    }

    /**
     * Emits a result that is already JSON text: to {@code --out} (atomically) and/or stdout with
     * {@code --json}; nothing otherwise (the caller printed its own text).
     */
    void emitJson(PrintWriter stdout, String jsonText) {
        if (out != null) {
            Json.writeAtomically(
                    out,
                    (jsonText.endsWith("\n") ? jsonText : jsonText + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (json) {
            stdout.print(jsonText.endsWith("\n") ? jsonText : jsonText + "\n");
        } else if (out != null) {
            stdout.println("wrote " + out);
        }
        stdout.flush();
    }

    /**
     * Emits a result: JSON to {@code --out} (atomically) and/or stdout with {@code --json},
     * otherwise the human-readable {@code text}.
     */
    void emit(PrintWriter stdout, Object result, String text) {
        if (out != null) {
            Json.writeFile(out, result);
        }
        if (json) {
            stdout.println(Json.write(result));
        } else {
            stdout.println(text);
            if (out != null) {
                stdout.println("wrote " + out);
            }
        }
        stdout.flush();
    }
}
