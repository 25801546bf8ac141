package dev.marauder.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of an SQLite audit log: the database file and the signing key beside it. */
class AuditLogFilesTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsCreatedOwnerOnlyWithItsPublicKeyBesideItAndReusedOnReopen() throws Exception {
        Path key = dir.resolve("signing.key");
        LogSettings s = LogSettings.sqlite(dir.resolve("audit.db"), key);
        java.security.PublicKey first;
        try (AuditLog log = AuditLog.open(s)) {
            first = log.publicKey();
            log.append(AuditLogTest.entry(1));
        }
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("audit.db"))))
                .isEqualTo("rw-------");
        Path pub = dir.resolve("signing.key.pub");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(AuditLog.readPublicKey(pub)).isEqualTo(first);
        Files.delete(pub); // rebuilt from the private key
        try (AuditLog log = AuditLog.open(s)) {
            assertThat(log.publicKey()).isEqualTo(first);
            assertThat(log.verify().intact()).isTrue();
        }
        assertThat(AuditLog.readPublicKey(pub)).isEqualTo(first);
        try (Connection c = DriverManager.getConnection(s.jdbcUrl());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void aKeyFileThatIsNotAnEd25519Pkcs8KeyIsRefusedAndKept() throws Exception {
        Path key = dir.resolve("signing.key");
        Files.writeString(key, "not a key\n");
        assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(dir.resolve("a.db"), key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the signing key file " + key + " is not an Ed25519 private key in PKCS#8 (PEM or DER)");
        assertThat(Files.readString(key)).isEqualTo("not a key\n");

        byte[] rsa = KeyPairGenerator.getInstance("RSA")
                .generateKeyPair()
                .getPrivate()
                .getEncoded();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa)
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(key, pem);
        assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(dir.resolve("a.db"), key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key.toString());
        assertThat(Files.readString(key)).isEqualTo(pem);

        // A DER Ed25519 key, as openssl writes with -outform DER, is accepted.
        byte[] der = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPrivate()
                .getEncoded();
        Files.write(key, der);
        try (AuditLog log = AuditLog.open(LogSettings.sqlite(dir.resolve("a.db"), key))) {
            assertThat(log.append(AuditLogTest.entry(1))).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(key)).isEqualTo(der);
    }

    @Test
    void aPublicKeyFileOfAnotherKeyIsRefused() throws Exception {
        Path key = dir.resolve("signing.key");
        try (AuditLog log = AuditLog.open(LogSettings.sqlite(dir.resolve("a.db"), key))) {
            log.append(AuditLogTest.entry(1));
        }
        Path pub = dir.resolve("signing.key.pub");
        byte[] other = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Files.write(pub, other);
        assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(dir.resolve("a.db"), key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the public key file " + pub + " does not belong to the signing key " + key);
        assertThat(Files.readAllBytes(pub)).isEqualTo(other);
    }

    @Test
    void anUnwritableDatabasePathFailsAtOpenNamingTheFile() throws Exception {
        Path key = dir.resolve("signing.key");
        Path notADirectory = Files.writeString(dir.resolve("plain.txt"), "x");
        Path underAFile = notADirectory.resolve("audit.db");
        assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(underAFile, key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the audit log " + underAFile + " cannot be created: " + notADirectory + " is not a directory");
        Path aDirectory = Files.createDirectory(dir.resolve("audit.db"));
        assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(aDirectory, key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the audit log " + aDirectory + " is a directory; give a file");
        assertThat(Files.exists(key))
                .as("nothing is created before the database is known to be writable")
                .isFalse();
    }

    @Test
    void aReadOnlyDirectoryFailsAtOpenNamingTheFile() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeThat(Files.isWritable(ro))
                    .as("permissions bind (not running as root)")
                    .isFalse();
            Path db = ro.resolve("audit.db");
            assertThatThrownBy(() -> AuditLog.open(LogSettings.sqlite(db, dir.resolve("k"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the audit log " + db + " cannot be created: " + ro + " is not writable");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aRefusedOrUnsupportedUrlIsOneLineAndHidesThePassword() {
        assertThatThrownBy(() -> new LogSettings("jdbc:mysql://db/x?password=hunter2", "u", "p", dir.resolve("k"), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/x'")
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(
                        () -> AuditLog.open(new LogSettings("jdbc:sqlite::memory:", null, null, dir.resolve("k"), 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in-memory");
        LogSettings s =
                LogSettings.postgresql("jdbc:postgresql://db/x?password=hunter2", "u", "secret", dir.resolve("k"));
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("secret");
    }

    @Test
    void anAuditorsCheckNeverCreatesADatabase() {
        Path missing = dir.resolve("missing.db");
        assertThatThrownBy(() -> AuditLog.verify(
                        LogSettings.sqlite(missing, dir.resolve("k")),
                        KeyPairGenerator.getInstance("Ed25519")
                                .generateKeyPair()
                                .getPublic()))
                .isInstanceOf(AuditLogException.class)
                .hasMessageStartingWith("cannot read the audit log " + missing);
        assertThat(Files.exists(missing)).isFalse();
        assertThat("x".getBytes(StandardCharsets.UTF_8)).hasSize(1);
    }
}
