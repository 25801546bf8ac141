package dev.marauder.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issued keys verify, anything else does not, the file holds no key, and rotation needs no restart. */
class ApiKeysTest {
    @TempDir
    Path dir;

    private Path secret() throws Exception {
        Path s = dir.resolve("gateway.secret");
        Files.writeString(s, ApiKeys.newSecret());
        return s;
    }

    @Test
    void anIssuedKeyVerifiesAndTheFileHoldsOnlyItsHmac() throws Exception {
        Path secret = secret();
        ApiKeys.Issued alice = ApiKeys.issue(new Principal("alice", Role.CLIENT), ApiKeys.readSecret(secret));
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "keys:\n" + alice.yamlEntry());
        assertThat(Files.readString(keys)).doesNotContain(alice.key().substring(13));
        ApiKeys k = ApiKeys.open(keys, secret);
        assertThat(k.authenticate(alice.key()))
                .isEqualTo(new ApiKeys.Outcome.Valid(new Principal("alice", Role.CLIENT), alice.id()));
        String flipped = alice.key().substring(0, alice.key().length() - 1)
                + (alice.key().endsWith("A") ? "B" : "A");
        assertThat(k.authenticate(flipped)).isInstanceOf(ApiKeys.Outcome.Invalid.class);
        assertThat(k.authenticate("mrd_00000000_" + alice.key().substring(13)))
                .isInstanceOf(ApiKeys.Outcome.Invalid.class);
        assertThat(k.authenticate(null)).isInstanceOf(ApiKeys.Outcome.Invalid.class);
        assertThat(k.authenticate("x".repeat(100_000))).isInstanceOf(ApiKeys.Outcome.Invalid.class);
        assertThat(alice.toString()).doesNotContain(alice.key());
    }

    @Test
    void theSameKeyUnderAnotherSecretIsInvalid() throws Exception {
        Path secret = secret();
        ApiKeys.Issued alice = ApiKeys.issue(new Principal("alice", Role.OWNER), ApiKeys.readSecret(secret));
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "keys:\n" + alice.yamlEntry());
        Files.writeString(secret, ApiKeys.newSecret());
        assertThat(ApiKeys.open(keys, secret).authenticate(alice.key())).isInstanceOf(ApiKeys.Outcome.Invalid.class);
    }

    @Test
    void keysAreRotatedWithoutRestartAndABrokenFileRefusesEveryKey() throws Exception {
        Path secret = secret();
        byte[] s = ApiKeys.readSecret(secret);
        ApiKeys.Issued old = ApiKeys.issue(new Principal("alice", Role.CLIENT), s);
        ApiKeys.Issued fresh = ApiKeys.issue(new Principal("alice", Role.CLIENT), s);
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "keys:\n" + old.yamlEntry());
        ApiKeys k = ApiKeys.open(keys, secret);
        assertThat(k.authenticate(old.key())).isInstanceOf(ApiKeys.Outcome.Valid.class);
        Files.writeString(keys, "keys:\n" + fresh.yamlEntry());
        Files.setLastModifiedTime(keys, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Thread.sleep(1100); // the file is checked at most once per second
        assertThat(k.authenticate(old.key())).isInstanceOf(ApiKeys.Outcome.Invalid.class);
        assertThat(k.authenticate(fresh.key())).isInstanceOf(ApiKeys.Outcome.Valid.class);
        Files.writeString(keys, "keys:\n  - id: nothex\n");
        Files.setLastModifiedTime(keys, FileTime.fromMillis(System.currentTimeMillis() + 10000));
        Thread.sleep(1100);
        assertThat(k.authenticate(fresh.key()))
                .isInstanceOfSatisfying(
                        ApiKeys.Outcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("8 lowercase hex"));
    }

    @Test
    void anIdOfDigitsOnlySurvivesTheYamlRoundTrip() throws Exception {
        Path secret = secret();
        ApiKeys.Issued k = ApiKeys.issue(new Principal("bob", Role.CLIENT), ApiKeys.readSecret(secret));
        String digits = "00012345";
        String entry = k.yamlEntry().replace(k.id(), digits);
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(keys, "keys:\n" + entry);
        assertThat(ApiKeys.open(keys, secret).size()).isEqualTo(1);
    }

    @Test
    void badFilesAreRefusedWithTheirName() throws Exception {
        Path secret = dir.resolve("short.secret");
        Files.writeString(secret, HexFormat.of().formatHex(new byte[8]));
        assertThatThrownBy(() -> ApiKeys.readSecret(secret))
                .hasMessageStartingWith(secret.toString())
                .hasMessageContaining("at least 32 bytes");
        Path keys = dir.resolve("keys.yaml");
        Files.writeString(
                keys,
                "keys:\n  - id: 0123abcd\n    principal: alice\n    role: admin\n    hmac_sha256: " + "a".repeat(64)
                        + "\n");
        assertThatThrownBy(() -> ApiKeys.open(keys, secret()))
                .hasMessageStartingWith(keys.toString())
                .hasMessageContaining("unknown role 'admin'");
        assertThat(ApiKeys.presented(h -> h.equals("Authorization") ? "Bearer abc " : null))
                .contains("abc");
        assertThat(ApiKeys.presented(h -> h.equals("X-API-Key") ? "xyz" : null)).contains("xyz");
    }
}
