package dev.marauder.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every main package of every module documents itself in a {@code package-info.java} (as DJL does). */
class PackageDocumentationTest {

    @Test
    void everyMainPackageHasAPackageInfo() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the tests run in the cli module
        List<Path> missing;
        try (Stream<Path> dirs = Files.walk(root, 12)) {
            missing = dirs.filter(Files::isDirectory)
                    .filter(d -> d.toString().contains("/src/main/java/"))
                    .filter(d -> !d.toString().contains("/target/"))
                    .filter(PackageDocumentationTest::hasJavaFiles)
                    .filter(d -> !Files.exists(d.resolve("package-info.java")))
                    .toList();
        }
        assertThat(root.resolve("core/src/main/java")).isDirectory();
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    private static boolean hasJavaFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            return false;
        }
    }
}
