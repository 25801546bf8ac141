package dev.marauder.gateway;

import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SHA-256 that pins a served model: of the file for a {@code .pt} or {@code .onnx} model; for
 * a model directory, of the text made of one line {@code "<sha256>  <relative path>\n"} per
 * regular file, sorted by path (the format of {@code sha256sum}), so that any change to any file
 * changes the pin.
 */
public final class ModelPin {
    private ModelPin() {}

    /**
     * The pin of {@code model}.
     *
     * @throws UncheckedIOException naming the path if it cannot be read
     */
    public static String sha256(Path model) {
        if (!Files.isDirectory(model)) {
            return FileHash.sha256(model);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(model)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": cannot list the model directory", e);
        }
        StringBuilder lines = new StringBuilder();
        for (Path f : files) {
            lines.append(FileHash.sha256(f))
                    .append("  ")
                    .append(model.relativize(f).toString().replace('\\', '/'))
                    .append('\n');
        }
        return FileHash.sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code model} lies inside one of {@code allowed} (symbolic links resolved).
     *
     * @throws UncheckedIOException if the model's real path cannot be resolved
     */
    public static boolean isAllowed(Path model, List<Path> allowed) {
        Path real;
        try {
            real = model.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": not found", e);
        }
        for (Path a : allowed) {
            try {
                if (real.startsWith(a.toRealPath())) {
                    return true;
                }
            } catch (IOException e) {
                // an allowed directory that does not exist allows nothing
            }
        }
        return false;
    }
}
