package dev.marauder.cli;

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

    /** The progress reporter: a bar on stderr when it is a terminal and not quiet. */
    Progress progress() {
        return quiet || System.console() == null ? Progress.NONE : new ConsoleProgress();
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
