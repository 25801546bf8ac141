package dev.marauder.attacks.inference.memorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CanaryFormatTest {
    private static final CanaryFormat PIN = CanaryFormat.parse("my pin is NNNNNN");

    @Test
    void parsesATemplate() {
        assertThat(PIN).isEqualTo(new CanaryFormat("my pin is ", 6, "0123456789", ""));
        assertThat(PIN).isEqualTo(CanaryFormat.digits("my pin is ", 6));
        assertThat(PIN.space()).isEqualTo(1_000_000);
        assertThat(PIN.log2Space()).isCloseTo(19.931568569324174, within(1e-12));
        assertThat(PIN.canary("123456")).isEqualTo("my pin is 123456");
        assertThat(PIN.toString())
                .isEqualTo("CanaryFormat[\"my pin is NNNNNN\", alphabet \"0123456789\", |R| = 1000000]");
        CanaryFormat card = CanaryFormat.parse("card #### exp", '#', "0123456789");
        assertThat(card).isEqualTo(new CanaryFormat("card ", 4, "0123456789", " exp"));
        assertThat(card.canary("0042")).isEqualTo("card 0042 exp");
    }

    @Test
    void indicesAreTheSecretsDigitsMostSignificantFirst() {
        assertThat(PIN.secret(1234)).isEqualTo("001234");
        assertThat(PIN.index("001234")).isEqualTo(1234);
        assertThat(PIN.secret(999_999)).isEqualTo("999999");
        assertThat(PIN.symbols("314159")).containsExactly(3, 1, 4, 1, 5, 9);
        assertThat(PIN.secret(new int[] {3, 1})).isEqualTo("31");
        CanaryFormat ab = new CanaryFormat("", 2, "ba", "");
        assertThat(ab.candidates()).containsExactly("bb", "ba", "ab", "aa"); // "b" is symbol 0
    }

    @Property(tries = 300)
    void indexAndSecretAreInverse(@ForAll @LongRange(min = 0, max = 7_999_999) long index) {
        CanaryFormat f = new CanaryFormat("x=", 8, "abcdefgh", ";"); // 8^8 = 16,777,216
        String secret = f.secret(index);
        assertThat(secret).hasSize(8).matches("[a-h]{8}");
        assertThat(f.index(secret)).isEqualTo(index);
        assertThat(f.secret(f.symbols(secret))).isEqualTo(secret);
    }

    @Test
    void seededSecretsAreReproducibleAndUniform() {
        assertThat(PIN.randomSecret(new SplittableRandom(42))).isEqualTo(PIN.randomSecret(new SplittableRandom(42)));
        assertThat(PIN.randomSecret()).matches("[0-9]{6}");
        // each of the 6 slots: 10,000 draws of 10 digits, counts within 5 standard deviations (30)
        SplittableRandom random = new SplittableRandom(5);
        int[][] counts = new int[6][10];
        for (int i = 0; i < 10_000; i++) {
            String s = PIN.randomSecret(random);
            for (int slot = 0; slot < 6; slot++) {
                counts[slot][s.charAt(slot) - '0']++;
            }
        }
        for (int[] slot : counts) {
            for (int c : slot) {
                assertThat(c).isBetween(1000 - 150, 1000 + 150);
            }
        }
    }

    @Test
    void distinctSecrets() {
        List<String> some = PIN.randomSecrets(1000, new SplittableRandom(3));
        assertThat(new HashSet<>(some)).hasSize(1000);
        assertThat(some).isEqualTo(PIN.randomSecrets(1000, new SplittableRandom(3)));
        CanaryFormat small = CanaryFormat.digits("", 2);
        assertThat(new HashSet<>(small.randomSecrets(100, new SplittableRandom(3))))
                .hasSize(100);
        assertThat(small.randomSecrets(0, new SplittableRandom(3))).isEmpty();
        assertThatThrownBy(() -> small.randomSecrets(101, new SplittableRandom(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot draw 101 distinct secrets from a space of 100");
    }

    @Test
    void badFormatsAndSecretsAreRejected() {
        assertThatThrownBy(() -> CanaryFormat.digits("pin ", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a canary needs at least 1 secret slot, got 0");
        assertThatThrownBy(() -> new CanaryFormat("", 3, "a", ""))
                .hasMessage("the slot alphabet needs at least 2 symbols, got \"a\"");
        assertThatThrownBy(() -> new CanaryFormat("", 3, "abca", ""))
                .hasMessage("the slot alphabet repeats 'a' at 0 and 3");
        assertThatThrownBy(() -> CanaryFormat.digits("", 19))
                .hasMessage("the space of 10^19 (about 2^63) secrets exceeds 2^63 - 1; use fewer slots");
        assertThat(CanaryFormat.digits("", 18).space()).isEqualTo(1_000_000_000_000_000_000L);
        assertThatThrownBy(() -> CanaryFormat.parse("my pin is 123"))
                .hasMessage("template \"my pin is 123\" has no slot placeholder 'N'");
        assertThatThrownBy(() -> CanaryFormat.parse("NN and NN"))
                .hasMessage("template \"NN and NN\" has more than one run of 'N'; the slots must be one run");
        assertThatThrownBy(() -> PIN.index("12345")).hasMessage("secret \"12345\" has 5 symbols, the format 6");
        assertThatThrownBy(() -> PIN.canary("12345x"))
                .hasMessage("secret \"12345x\" has 'x' at 5, not in the slot alphabet \"0123456789\"");
        assertThatThrownBy(() -> PIN.secret(1_000_000)).hasMessage("secret index 1000000 is outside 0..999999");
        assertThatThrownBy(() -> PIN.secret(new int[] {1, 10}))
                .hasMessage("symbol 10 at 1 is outside the slot alphabet's 0..9");
    }
}
