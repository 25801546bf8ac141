package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileHash}, tested here with the data layer that records it. */
class FileHashTest {
    // FIPS 180-2 test vectors
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path dir;

    @Test
    void knownDigests() {
        assertThat(FileHash.sha256(new byte[0])).isEqualTo(EMPTY);
        assertThat(FileHash.sha256("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
    }

    @Test
    void fileDigestStreamsTheFileBytes() throws IOException {
        byte[] big = new byte[200_000]; // several read blocks
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        Path f = Files.write(dir.resolve("big.bin"), big);
        assertThat(FileHash.sha256(f)).isEqualTo(FileHash.sha256(big));
        assertThat(FileHash.sha256(Files.write(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(ABC);
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.pt");
        assertThatThrownBy(() -> FileHash.sha256(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(f + ": file not found");
        assertThatThrownBy(() -> FileHash.sha256(dir)).hasMessage(dir + ": is a directory, not a file");
    }

    @Test
    void combineIsOrderedAndKeepsASingleDigest() {
        assertThat(FileHash.combine(List.of(ABC))).isEqualTo(ABC);
        String ab = FileHash.combine(List.of(ABC, EMPTY));
        assertThat(ab).isEqualTo(FileHash.sha256((ABC + "\n" + EMPTY + "\n").getBytes(StandardCharsets.US_ASCII)));
        assertThat(ab).isNotEqualTo(FileHash.combine(List.of(EMPTY, ABC)));
        assertThatThrownBy(() -> FileHash.combine(List.of("ABC"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FileHash.combine(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
