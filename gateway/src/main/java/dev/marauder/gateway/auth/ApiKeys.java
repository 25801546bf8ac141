package dev.marauder.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.marauder.core.io.Messages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The gateway's API keys, stored hashed. A key is {@code mrd_ID_SECRET}: {@code ID} (8 hex digits)
 * names the entry, {@code SECRET} is 32 random bytes from {@link SecureRandom} in base64url. The
 * keys file holds, per key, its id, principal, role and {@code hmac_sha256}: HMAC-SHA256 of the
 * whole key under the server secret (RFC 2104), so a stolen keys file gives no usable key without
 * the secret, and the secret's 256 bits make offline guessing hopeless without a slow hash. Keys
 * are compared in constant time ({@link MessageDigest#isEqual}), and an unknown id costs the same
 * HMAC as a known one.
 *
 * <p>Rotation without restart: the keys file is read again when its modification time or size
 * changes (checked at most once per second). A file that no longer parses refuses every key until
 * it is fixed (fail-safe), rather than keeping keys the administrator may have meant to revoke.
 *
 * <pre>{@code
 * keys:
 *   - id: '3fa9c1d2'          # quoted, or an id of digits only reads as a number
 *     principal: 'alice'
 *     role: client
 *     hmac_sha256: '9b1f...'   # 64 hex digits
 * }</pre>
 */
public final class ApiKeys {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String PREFIX = "mrd_";
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final byte[] secret;
    private volatile State state;
    private volatile long checked;

    private record Entry(String id, Principal principal, byte[] hmac) {}

    private record State(FileTime modified, long size, Map<String, Entry> entries, String problem) {}

    private ApiKeys(Path file, byte[] secret) {
        this.file = file;
        this.secret = secret.clone();
    }

    /**
     * Opens the keys in {@code keysFile} under the secret in {@code secretFile}.
     *
     * @throws IllegalArgumentException naming the file and the problem if either cannot be read
     *     or is invalid
     */
    public static ApiKeys open(Path keysFile, Path secretFile) {
        ApiKeys keys = new ApiKeys(keysFile, readSecret(secretFile));
        State s = keys.load();
        if (s.problem() != null) {
            throw new IllegalArgumentException(s.problem());
        }
        keys.state = s;
        keys.checked = System.nanoTime();
        return keys;
    }

    /** Reads a secret file: hexadecimal text of at least 32 bytes. */
    public static byte[] readSecret(Path secretFile) {
        String text;
        try {
            text = Files.readString(secretFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    secretFile + ": cannot read the server secret (" + Messages.firstLine(e) + ")");
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(secretFile + ": the server secret must be hexadecimal text");
        }
        if (bytes.length < 32) {
            throw new IllegalArgumentException(secretFile + ": the server secret must be at least 32 bytes (64 hex"
                    + " digits), got " + bytes.length);
        }
        return bytes;
    }

    /** A new server secret: 32 bytes from {@link SecureRandom}, as hexadecimal text. */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * A new key for {@code principal}, and its entry for the keys file.
     *
     * @param secret the server secret
     */
    public static Issued issue(Principal principal, byte[] secret) {
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        byte[] body = new byte[32];
        RANDOM.nextBytes(body);
        String hexId = HexFormat.of().formatHex(id);
        String key =
                PREFIX + hexId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(body);
        return new Issued(key, hexId, principal, HexFormat.of().formatHex(hmac(secret, key)));
    }

    /**
     * A key just issued: the key itself (shown once, never stored) and what the keys file stores.
     *
     * @param key the key to give the principal
     * @param id the entry's id
     * @param principal who it is for
     * @param hmacSha256 HMAC-SHA256 of the key under the server secret, hexadecimal
     */
    public record Issued(String key, String id, Principal principal, String hmacSha256) {
        /** The entry as YAML lines of the keys file's {@code keys} list. */
        public String yamlEntry() {
            // quoted: an id of digits only ("00012345") would otherwise be read as a number
            return "  - id: '" + id + "'\n    principal: '" + principal.name() + "'\n    role: "
                    + principal.role().id() + "\n    hmac_sha256: '" + hmacSha256 + "'\n";
        }

        @Override
        public String toString() {
            return "Issued[id=" + id + ", principal=" + principal + "]"; // never the key
        }
    }

    /** The outcome of presenting a key. */
    public sealed interface Outcome {
        /** A valid key. */
        record Valid(Principal principal, String keyId) implements Outcome {}

        /** No valid key (the reason is safe to send: it never says whether an id exists). */
        record Invalid(String reason) implements Outcome {}

        /** The keys file is broken: every key is refused until it is fixed. */
        record Unavailable(String reason) implements Outcome {}
    }

    /** Checks a presented key. */
    public Outcome authenticate(String presented) {
        State s = current();
        if (s.problem() != null) {
            return new Outcome.Unavailable(s.problem());
        }
        if (presented == null || presented.isEmpty()) {
            return new Outcome.Invalid("an API key is required (Authorization: Bearer KEY or X-API-Key: KEY)");
        }
        String id = presented.length() > 12 && presented.startsWith(PREFIX) && presented.charAt(12) == '_'
                ? presented.substring(4, 12)
                : "";
        Entry e = s.entries().get(id);
        byte[] expected = e == null ? new byte[32] : e.hmac();
        byte[] got = hmac(secret, presented.length() > 256 ? presented.substring(0, 256) : presented);
        boolean equal = MessageDigest.isEqual(expected, got);
        if (e == null || !equal) {
            return new Outcome.Invalid("the API key is not valid");
        }
        return new Outcome.Valid(e.principal(), e.id());
    }

    /** The number of keys currently valid. */
    public int size() {
        State s = current();
        return s.problem() == null ? s.entries().size() : 0;
    }

    private State current() {
        long now = System.nanoTime();
        if (now - checked >= RECHECK_NANOS) {
            synchronized (this) {
                if (now - checked >= RECHECK_NANOS) {
                    checked = now;
                    State s = state;
                    try {
                        if (!Files.getLastModifiedTime(file).equals(s.modified()) || Files.size(file) != s.size()) {
                            state = load();
                        }
                    } catch (IOException e) {
                        state = new State(
                                null,
                                -1,
                                Map.of(),
                                file + ": cannot read the keys file (" + Messages.firstLine(e)
                                        + "); every key is refused until it is fixed");
                    }
                }
            }
        }
        return state;
    }

    private State load() {
        FileTime modified;
        long size;
        JsonNode root;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
            if (size > (8 << 20)) {
                return broken("is larger than 8 MiB");
            }
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            return broken("cannot be read (" + Messages.firstLine(e) + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new State(modified, size, Map.of(), null);
        }
        if (!root.isObject() || (root.has("keys") && !root.get("keys").isArray())) {
            return broken("must hold a list 'keys'");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("keys")) {
                problems.add("unknown key '" + k + "'");
            }
        }
        Map<String, Entry> entries = new HashMap<>();
        int i = 0;
        for (JsonNode k : root.path("keys")) {
            i++;
            String at = "entry " + i;
            for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("id", "principal", "role", "hmac_sha256").contains(f)) {
                    problems.add(at + ": unknown key '" + f + "'");
                }
            }
            String id = k.path("id").asText("");
            if (!id.matches("[0-9a-f]{8}")) {
                problems.add(at + ": id must be 8 lowercase hex digits");
                continue;
            }
            if (entries.containsKey(id)) {
                problems.add(at + ": id " + id + " appears twice");
            }
            String hash = k.path("hmac_sha256").asText("");
            if (!hash.matches("[0-9a-f]{64}")) {
                problems.add(at + " (" + id + "): hmac_sha256 must be 64 lowercase hex digits");
                continue;
            }
            try {
                Principal p = new Principal(
                        k.path("principal").asText(""), Role.of(k.path("role").asText("")));
                entries.put(id, new Entry(id, p, HexFormat.of().parseHex(hash)));
            } catch (IllegalArgumentException e) {
                problems.add(at + " (" + id + "): " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            return broken(String.join("; ", problems));
        }
        return new State(modified, size, Map.copyOf(entries), null);
    }

    private State broken(String why) {
        return new State(null, -1, Map.of(), file + ": the keys file " + why);
    }

    /** HMAC-SHA256 of {@code key} under {@code secret}. */
    static byte[] hmac(byte[] secret, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** The key presented in a request: {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}. */
    public static Optional<String> presented(java.util.function.Function<String, String> header) {
        String auth = header.apply("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(auth.substring(7).strip());
        }
        String x = header.apply("X-API-Key");
        return x == null ? Optional.empty() : Optional.of(x.strip());
    }
}
