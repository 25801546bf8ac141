package dev.marauder.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;

/** The report's JSON form, built in memory with one configured Jackson mapper. */
final class Json {
  /**
   * Bean and record properties in snake_case, java.time values as ISO-8601 strings, map entries
   * in their own order.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private Json() {}

  /** Renders {@code report.json}; calls every section's {@code data()} once. */
  static String render(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("title", report.title());
    root.put("generated_at", report.generatedAt().toString());
    root.set("provenance", MAPPER.valueToTree(report.provenance()));
    ArrayNode contents = root.putArray("contents");
    ObjectNode sections = root.putObject("sections");
    for (ReportSection s : report.sections()) {
      contents.addObject().put("id", s.id()).put("title", s.title());
      Map<String, Object> data = s.data();
      if (data == null) {
        throw new IllegalArgumentException("section \"" + s.id() + "\" returned null data");
      }
      for (String key : data.keySet()) {
        Keys.requireSnakeCase(key, "data key in section \"" + s.id() + "\"");
      }
      sections.set(s.id(), toTree(data, "data of section \"" + s.id() + "\""));
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write report.json: " + e.getOriginalMessage(), e);
    }
  }

  /** Shows a provenance value in HTML: strings as they are, anything else as compact JSON. */
  static String display(Object value) {
    if (value instanceof CharSequence) {
      return value.toString();
    }
    JsonNode node = toTree(value, "provenance value");
    return node.isTextual() ? node.asText() : node.toString();
  }

  private static JsonNode toTree(Object value, String what) {
    try {
      return MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot write " + what + " as JSON: " + e.getMessage(), e);
    }
  }
}
