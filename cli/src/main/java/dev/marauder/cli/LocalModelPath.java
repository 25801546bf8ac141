package dev.marauder.cli;

import dev.marauder.core.model.Models;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The {@code --model} of commands that need a model file or directory (gradients, or training
 * data of their own): a URL, a model behind an API, is a usage error that says so rather than a
 * file that is not found.
 */
final class LocalModelPath implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        if (Models.isUrl(value)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is a model behind an API (black-box:"
                    + " queries only); this command needs a model file or directory");
        }
        return Path.of(value);
    }
}
