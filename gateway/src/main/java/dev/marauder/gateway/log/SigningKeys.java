package dev.marauder.gateway.log;

import dev.marauder.core.io.Messages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * The log's Ed25519 key pair: the private key in a PKCS#8 file (PEM when we write it; PEM or DER
 * read), the public key beside it in {@code <file>.pub} (X.509 SubjectPublicKeyInfo, PEM), as
 * {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write them.
 */
final class SigningKeys {
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private SigningKeys() {}

    /** The public key file beside {@code privateKeyFile}. */
    static Path publicKeyFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /**
     * Loads the key pair in {@code file}, or creates one there (owner-only) when it is absent, and
     * writes the public key file beside it when that is absent. Neither file is ever overwritten.
     */
    static KeyPair loadOrCreate(Path file) {
        KeyPair pair;
        if (Files.exists(file)) {
            pair = load(file);
        } else {
            pair = generate();
            if (!createPrivate(file, pair.getPrivate())) {
                pair = load(file); // created by another process meanwhile: use theirs
            }
        }
        Path pub = publicKeyFile(file);
        if (Files.exists(pub)) {
            PublicKey stored = readPublic(pub);
            if (!Arrays.equals(stored.getEncoded(), pair.getPublic().getEncoded())) {
                throw new IllegalArgumentException("the public key file " + pub + " does not belong to the signing key "
                        + file + "; move it away and it is written again");
            }
        } else {
            try {
                Files.write(pub, pem(PUBLIC, pair.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException e) {
                // written by another process meanwhile
            } catch (IOException e) {
                throw new AuditLogException(
                        "cannot write the public key file " + pub + ": " + Messages.firstLine(e), e);
            }
        }
        return pair;
    }

    /** An Ed25519 public key from an X.509 file (PEM or DER). */
    static PublicKey readPublic(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the public key file " + file + ": " + Messages.firstLine(e), e);
        }
        try {
            PublicKey key =
                    KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(bytes, PUBLIC)));
            if (key instanceof EdECPublicKey ed
                    && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
                return key;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "the public key file " + file + " is not an Ed25519 public key in X.509 (PEM or DER)");
    }

    /** A short identifier of {@code key}: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    static String keyId(PublicKey key) {
        return Canonical.hex(Canonical.sha256().digest(key.getEncoded())).substring(0, 16);
    }

    private static KeyPair load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the signing key file " + file + ": " + Messages.firstLine(e), e);
        }
        EdECPrivateKey key = null;
        try {
            PrivateKey k =
                    KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(bytes, PRIVATE)));
            if (k instanceof EdECPrivateKey ed
                    && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
                key = ed;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // reported below
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        if (key == null || key.getBytes().isEmpty()) {
            throw new IllegalArgumentException(
                    "the signing key file " + file + " is not an Ed25519 private key in PKCS#8 (PEM or DER)");
        }
        return withPublic(key);
    }

    /**
     * The pair of {@code key}. The JDK cannot derive an Ed25519 public key from a private one, but
     * its generator makes the pair of whatever 32 bytes its random source gives (RFC 8032, 5.1.5),
     * so it is given the private key's bytes; the result is checked.
     */
    private static KeyPair withPublic(EdECPrivateKey key) {
        byte[] seed = key.getBytes().orElseThrow();
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = g.generateKeyPair();
            byte[] again = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
            if (!Arrays.equals(again, seed)) {
                throw new IllegalStateException("this JVM's Ed25519 generator cannot rebuild a key pair from its"
                        + " private key; keep the public key file beside the signing key");
            }
            return new KeyPair(pair.getPublic(), key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519: " + Messages.firstLine(e), e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519: " + Messages.firstLine(e), e);
        }
    }

    /** Writes {@code key} to a new owner-only file; false when the file appeared meanwhile. */
    private static boolean createPrivate(Path file, PrivateKey key) {
        byte[] pem = pem(PRIVATE, key.getEncoded());
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = file.toAbsolutePath()
                .getFileSystem()
                .supportedFileAttributeViews()
                .contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
        try (SeekableByteChannel ch = Files.newByteChannel(file, options, attributes)) {
            ch.write(ByteBuffer.wrap(pem));
            if (ch instanceof java.nio.channels.FileChannel fc) {
                fc.force(true);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "cannot create the signing key file " + file + ": its directory does not exist", e);
        } catch (IOException e) {
            throw new AuditLogException("cannot create the signing key file " + file + ": " + Messages.firstLine(e), e);
        } finally {
            Arrays.fill(pem, (byte) 0);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The DER bytes of a PEM block of {@code type}, or {@code bytes} themselves when they are not PEM. */
    private static byte[] der(byte[] bytes, String type) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String begin = "-----BEGIN " + type + "-----";
        int b = text.indexOf(begin);
        if (b < 0) {
            if (text.contains("-----BEGIN ")) {
                throw new IllegalArgumentException("a PEM block other than " + type);
            }
            return bytes;
        }
        int e = text.indexOf("-----END " + type + "-----", b);
        if (e < 0) {
            throw new IllegalArgumentException("an unterminated PEM block");
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    /** A "random" source that gives fixed bytes: only for rebuilding a key pair from its private key. */
    private static final class FixedBytes extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
