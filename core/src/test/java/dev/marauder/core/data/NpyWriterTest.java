package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.marauder.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's atomic replacement: a failed write leaves the old file and no debris. */
class NpyWriterTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failureWhileWritingLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("x.npy"), "old content");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
                    out.write(new byte[100_000]); // more than the buffer, so bytes reach the temporary file
                    throw new IOException("disk full");
                }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage(target + ": cannot write (java.io.IOException: disk full)");
        assertThat(Files.readString(target)).isEqualTo("old content");
        assertThat(names()).containsExactly("x.npy");
    }

    @Test
    void failureToMoveIntoPlaceLeavesTheTargetAndNoTemporaryFile() throws IOException {
        // a non-empty directory where the file should go: the final rename fails
        Path target = Files.createDirectory(dir.resolve("x.npy"));
        Files.writeString(target.resolve("keep.txt"), "kept");
        assertThatThrownBy(() -> NpyWriter.write(target, new FloatTensor(new float[] {1, 2}, 2)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith(target + ": cannot write (");
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("kept");
        assertThat(names()).containsExactly("x.npy");
    }

    @Test
    void successfulWriteReplacesTheOldFile() throws IOException {
        Path target = Files.writeString(dir.resolve("y.npy"), "old content");
        NpyWriter.writeLabels(target, new int[] {3, 1, 4});
        assertThat(NpyReader.read(target).toLabels()).containsExactly(3, 1, 4);
        assertThat(names()).containsExactly("y.npy");
    }

    @Test
    void newFilesGetTheUsualPermissionsNotThoseOfATemporaryFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x", StandardCharsets.US_ASCII);
        Path written = dir.resolve("w.npy");
        NpyWriter.write(written, new FloatTensor(new float[] {1}, 1));
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void missingDirectoryIsNamed() {
        Path target = dir.resolve("no-such-dir").resolve("x.npy");
        assertThatThrownBy(() -> NpyWriter.write(target, new FloatTensor(new float[] {1}, 1)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage(target + ": cannot write: directory " + dir.resolve("no-such-dir") + " does not exist");
    }
}
