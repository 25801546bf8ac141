package dev.marauder.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.marauder.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one JSON configuration of Marauder, used by every module (the report's too): snake_case keys,
 * pretty printing, nulls omitted, java.time values as ISO-8601 strings, unknown keys tolerated when
 * reading (newer files stay readable by older versions).
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /**
     * A mapper for YAML files with the same naming as the JSON mapper, for files people write by
     * hand (model description files). Jackson maps YAML to its own tree: no YAML tags construct
     * Java objects.
     */
    public static ObjectMapper yaml() {
        return YAML;
    }

    /** The shared mapper (thread-safe; do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * {@code value} as canonical JSON bytes for hashing: compact UTF-8 with every object's keys
     * sorted, so that a value and the same value read back from its JSON (where records become
     * maps) give the same bytes.
     */
    public static byte[] canonicalBytes(Object value) {
        try {
            return MAPPER.writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(sorted(MAPPER.valueToTree(value)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = MAPPER.createArrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }

    /** {@code value} as pretty-printed JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code value} as JSON to {@code file} atomically: a temporary file in the same
     * directory is written first and then moved over the target, so an existing file is never
     * left half-written.
     */
    public static void writeFile(Path file, Object value) {
        writeAtomically(file, (write(value) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code file} through a temporary sibling and an atomic move. */
    public static void writeAtomically(Path file, byte[] bytes) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot create directory " + dir, e);
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Reads {@code file} as {@code type}. */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }
}
