package dev.marauder.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/** The report's JSON form, built in memory with Marauder's one Jackson configuration. */
final class ReportJson {
    /** Marauder's one mapper ({@link dev.marauder.core.json.Json#mapper()}). */
    static final ObjectMapper MAPPER = dev.marauder.core.json.Json.mapper();

    private ReportJson() {}

    /**
     * Renders {@code report.json}; calls every section's {@code data()} once. The keys, in order:
     * {@code title}, {@code generated_at}, {@code summary}, {@code skipped}, {@code provenance},
     * {@code contents}, {@code sections}.
     */
    static String render(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("title", report.title());
        root.put("generated_at", report.generatedAt().toString());
        root.set("summary", toTree(report.summary(), "summary"));
        root.set("skipped", toTree(report.skipped(), "skipped checks"));
        root.set("provenance", report.provenance());
        ArrayNode contents = root.putArray("contents");
        ObjectNode sections = root.putObject("sections");
        for (ReportSection s : report.sections()) {
            contents.addObject().put("id", s.id()).put("title", s.title());
            Object data = s.data();
            if (data == null) {
                throw new IllegalArgumentException("section \"" + s.id() + "\" returned null data");
            }
            String what = "data of section \"" + s.id() + "\"";
            sections.set(s.id(), toObject(data, what, "data key in section \"" + s.id() + "\""));
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write report.json: " + e.getOriginalMessage(), e);
        }
    }

    /** Shows a provenance value in HTML: strings as they are, anything else as compact JSON. */
    static String display(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    /**
     * Converts {@code value} to a JSON tree with {@link #MAPPER}.
     *
     * @param value any value Jackson can write, including a {@link JsonNode}
     * @param what names the value in the error message
     * @return a tree that shares no mutable state with {@code value}
     * @throws IllegalArgumentException if Jackson cannot write the value
     */
    static JsonNode toTree(Object value, String what) {
        if (value instanceof JsonNode node) {
            // Copied so that later changes to the caller's node cannot reach the report.
            return node.deepCopy();
        }
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot write " + what + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Converts {@code value} to a JSON object whose top-level keys are lower snake_case.
     *
     * @param value a record, bean, map or {@link ObjectNode}
     * @param what names the value in the error message
     * @param keyWhat names a key in the error message
     * @return a tree that shares no mutable state with {@code value}
     * @throws IllegalArgumentException if the value is not written as a JSON object, or a top-level
     *     key is not snake_case
     */
    static ObjectNode toObject(Object value, String what, String keyWhat) {
        JsonNode tree = toTree(value, what);
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException(what + " must be written as a JSON object (a record, bean or map), got "
                    + tree.getNodeType() + " from " + value.getClass().getName());
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            Keys.requireSnakeCase(it.next(), keyWhat);
        }
        return object;
    }
}
