package dev.marauder.attacks.inference.memorization;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The format of a canary: a fixed prefix, a secret of {@code slots} symbols drawn from a slot
 * alphabet, and a fixed suffix, e.g. {@code "my pin is "} + 6 digits. The set of all secrets is
 * the randomness space {@code R} of Carlini, Liu, Erlingsson, Kos and Song (2019, "The Secret
 * Sharer: Evaluating and Testing Unintended Memorization in Neural Networks", USENIX Security
 * 2019), of size {@code |R| = |alphabet|^slots}.
 *
 * <p>Secrets and indices are in one-to-one correspondence ({@link #secret(long)},
 * {@link #index(String)}): the secret's symbols, as positions in the slot alphabet, are the
 * digits of its index in base {@code |alphabet|}, the first slot the most significant. With the
 * digit alphabet {@code "0123456789"}, secret {@code "001234"} has index 1234.
 *
 * <p>Random secrets are uniform over {@code R}. {@link #randomSecret()} draws from a
 * {@link SecureRandom}, as a real canary must be: an attacker must not be able to guess it
 * other than through the model. A seeded generator ({@link #randomSecret(RandomGenerator)} with,
 * say, {@code new SplittableRandom(42)}) is for tests and reproducible experiments only.
 *
 * <p>Immutable and safe to share.
 *
 * @param prefix the text before the secret, possibly empty
 * @param slots the number of secret symbols, at least 1
 * @param alphabet the slot alphabet: at least 2 distinct characters (not surrogates), in the
 *     order that defines the symbol indices
 * @param suffix the text after the secret, possibly empty
 */
public record CanaryFormat(String prefix, int slots, String alphabet, String suffix) {
    /** The default slot alphabet. */
    public static final String DIGITS = "0123456789";
    /** The placeholder of {@link #parse}. */
    public static final char PLACEHOLDER = 'N';

    /**
     * @throws IllegalArgumentException if a part is null, {@code slots < 1}, the alphabet has
     *     fewer than 2 symbols, repeats one or holds a surrogate, or {@code |R|} exceeds
     *     {@code 2^63 - 1}
     */
    public CanaryFormat {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(alphabet, "alphabet");
        Objects.requireNonNull(suffix, "suffix");
        if (slots < 1) {
            throw new IllegalArgumentException("a canary needs at least 1 secret slot, got " + slots);
        }
        if (alphabet.length() < 2) {
            throw new IllegalArgumentException("the slot alphabet needs at least 2 symbols, got \"" + alphabet + "\"");
        }
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the slot alphabet holds a surrogate (U+"
                        + String.format("%04X", (int) c) + ") at " + i + "; use characters of the Basic Multilingual"
                        + " Plane");
            }
            if (alphabet.indexOf(c) != i) {
                throw new IllegalArgumentException(
                        "the slot alphabet repeats '" + c + "' at " + alphabet.indexOf(c) + " and " + i);
            }
        }
        double log2 = slots * (Math.log(alphabet.length()) / Math.log(2));
        long size = 1;
        for (int i = 0; i < slots; i++) {
            if (size > Long.MAX_VALUE / alphabet.length()) {
                throw new IllegalArgumentException("the space of " + alphabet.length() + "^" + slots + " (about 2^"
                        + Math.round(log2) + ") secrets exceeds 2^63 - 1; use fewer slots");
            }
            size *= alphabet.length();
        }
    }

    /** {@code prefix} followed by {@code slots} digits, e.g. {@code digits("my pin is ", 6)}. */
    public static CanaryFormat digits(String prefix, int slots) {
        return new CanaryFormat(prefix, slots, DIGITS, "");
    }

    /**
     * A format from a template with one run of {@link #PLACEHOLDER}s marking the digit slots,
     * e.g. {@code parse("my pin is NNNNNN")}.
     *
     * @throws IllegalArgumentException if the template has no run of {@code N}, or more than one
     */
    public static CanaryFormat parse(String template) {
        return parse(template, PLACEHOLDER, DIGITS);
    }

    /**
     * A format from a template with one run of {@code placeholder} marking the slots, filled from
     * {@code alphabet}.
     *
     * @throws IllegalArgumentException if the template has no run of the placeholder, or more than
     *     one
     */
    public static CanaryFormat parse(String template, char placeholder, String alphabet) {
        int start = template.indexOf(placeholder);
        if (start < 0) {
            throw new IllegalArgumentException(
                    "template \"" + template + "\" has no slot placeholder '" + placeholder + "'");
        }
        int end = start;
        while (end < template.length() && template.charAt(end) == placeholder) {
            end++;
        }
        if (template.indexOf(placeholder, end) >= 0) {
            throw new IllegalArgumentException("template \"" + template + "\" has more than one run of '" + placeholder
                    + "'; the slots must be one run");
        }
        return new CanaryFormat(template.substring(0, start), end - start, alphabet, template.substring(end));
    }

    /** {@code |R| = |alphabet|^slots}, the number of possible secrets. */
    public long space() {
        long size = 1;
        for (int i = 0; i < slots; i++) {
            size *= alphabet.length();
        }
        return size;
    }

    /** {@code log2 |R|}: the largest possible exposure, computed as {@link Exposure#fromRank} does. */
    public double log2Space() {
        return Math.log(space()) / Math.log(2);
    }

    /**
     * The secret of index {@code index}.
     *
     * @throws IllegalArgumentException if {@code index} is outside {@code 0..|R|-1}
     */
    public String secret(long index) {
        if (index < 0 || index >= space()) {
            throw new IllegalArgumentException("secret index " + index + " is outside 0.." + (space() - 1));
        }
        char[] s = new char[slots];
        long rest = index;
        for (int i = slots - 1; i >= 0; i--) {
            s[i] = alphabet.charAt((int) (rest % alphabet.length()));
            rest /= alphabet.length();
        }
        return new String(s);
    }

    /**
     * The index of {@code secret}.
     *
     * @throws IllegalArgumentException if it does not have {@code slots} symbols of the alphabet
     */
    public long index(String secret) {
        int[] symbols = symbols(secret);
        long index = 0;
        for (int k : symbols) {
            index = index * alphabet.length() + k;
        }
        return index;
    }

    /**
     * The positions in the slot alphabet of the symbols of {@code secret}.
     *
     * @throws IllegalArgumentException if it does not have {@code slots} symbols of the alphabet
     */
    public int[] symbols(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length() != slots) {
            throw new IllegalArgumentException(
                    "secret \"" + secret + "\" has " + secret.length() + " symbols, the format " + slots);
        }
        int[] out = new int[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = alphabet.indexOf(secret.charAt(i));
            if (out[i] < 0) {
                throw new IllegalArgumentException("secret \"" + secret + "\" has '" + secret.charAt(i) + "' at " + i
                        + ", not in the slot alphabet \"" + alphabet + "\"");
            }
        }
        return out;
    }

    /**
     * The secret made of slot-alphabet positions {@code symbols} (a whole secret or, with fewer
     * than {@code slots} symbols, the beginning of one).
     *
     * @throws IllegalArgumentException if there are more than {@code slots} symbols or one is
     *     outside {@code 0..|alphabet|-1}
     */
    public String secret(int[] symbols) {
        if (symbols.length > slots) {
            throw new IllegalArgumentException(
                    symbols.length + " symbols are more than the format's " + slots + " slots");
        }
        char[] s = new char[symbols.length];
        for (int i = 0; i < symbols.length; i++) {
            if (symbols[i] < 0 || symbols[i] >= alphabet.length()) {
                throw new IllegalArgumentException("symbol " + symbols[i] + " at " + i
                        + " is outside the slot alphabet's 0.." + (alphabet.length() - 1));
            }
            s[i] = alphabet.charAt(symbols[i]);
        }
        return new String(s);
    }

    /**
     * The canary text of {@code secret}: prefix, secret, suffix.
     *
     * @throws IllegalArgumentException if the secret does not fit the format
     */
    public String canary(String secret) {
        symbols(secret);
        return prefix + secret + suffix;
    }

    /** A secret drawn uniformly from a {@link SecureRandom}: what a real canary must be. */
    public String randomSecret() {
        return randomSecret(Secure.RANDOM);
    }

    /**
     * A secret drawn uniformly with {@code random}, one uniform symbol per slot. Pass a seeded
     * generator only for tests and reproducible experiments.
     */
    public String randomSecret(RandomGenerator random) {
        char[] s = new char[slots];
        for (int i = 0; i < slots; i++) {
            s[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(s);
    }

    /**
     * {@code count} distinct secrets drawn uniformly with {@code random} (by rejection of
     * repeats), in the order drawn.
     *
     * @throws IllegalArgumentException if {@code count} is negative or above {@code |R|}
     */
    public List<String> randomSecrets(int count, RandomGenerator random) {
        if (count < 0 || count > space()) {
            throw new IllegalArgumentException("cannot draw " + count + " distinct secrets from a space of " + space());
        }
        if (count > space() / 2 && space() <= 1 << 24) {
            // rejection would be slow; a partial Fisher-Yates shuffle of all indices instead
            int n = (int) space();
            long[] all = LongStream.range(0, n).toArray();
            List<String> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(n - i);
                long t = all[i];
                all[i] = all[j];
                all[j] = t;
                out.add(secret(all[i]));
            }
            return out;
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            String s = randomSecret(random);
            if (seen.add(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every secret, in index order: {@code |R|} of them, generated lazily. */
    public Stream<String> candidates() {
        return LongStream.range(0, space()).mapToObj(this::secret);
    }

    /** The template, e.g. {@code my pin is NNNNNN} (the slots shown as {@code N}), and the alphabet. */
    @Override
    public String toString() {
        return "CanaryFormat[\"" + prefix + String.valueOf(PLACEHOLDER).repeat(slots) + suffix + "\", alphabet \""
                + alphabet + "\", |R| = " + space() + "]";
    }

    /** The shared secure generator, created on first use. */
    private static final class Secure {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
