package dev.marauder.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a parsed configuration tree and collects every problem instead of stopping at the first:
 * an unknown key (a typo that would otherwise silently leave a default in place), a value of the
 * wrong type or out of range. Paths are relative to the configuration file's directory.
 */
final class ConfigReader {
    private final Path base;
    private final List<String> problems = new ArrayList<>();

    ConfigReader(Path base) {
        this.base = base;
    }

    List<String> problems() {
        return problems;
    }

    void problem(String key, String what) {
        problems.add(key + ": " + what);
    }

    /** The object at {@code key} of {@code parent} (a missing node when absent), checking its keys. */
    JsonNode object(JsonNode parent, String key, String prefix, Set<String> allowed) {
        JsonNode node = parent.path(key);
        String at = prefix.isEmpty() ? key : prefix + "." + key;
        if (node.isMissingNode() || node.isNull()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        if (!node.isObject()) {
            problem(at, "must be a mapping of keys to values");
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        keys(node, at, allowed);
        return node;
    }

    /** Records a problem for every key of {@code node} not in {@code allowed}. */
    void keys(JsonNode node, String at, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                problem(
                        at.isEmpty() ? k : at + "." + k,
                        "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    String text(JsonNode node, String key, String at, String fallback) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            problem(at + key, "must be a text value");
            return fallback;
        }
        return v.asText();
    }

    long integer(JsonNode node, String key, String at, long fallback, long min, long max) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            problem(at + key, "must be a whole number in " + min + ".." + max + ", got " + v);
            return fallback;
        }
        return v.asLong();
    }

    double number(JsonNode node, String key, String at, double fallback, double min, double max) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
            problem(at + key, "must be a number in [" + min + ", " + max + "], got " + v);
            return fallback;
        }
        return v.asDouble();
    }

    boolean bool(JsonNode node, String key, String at, boolean fallback) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problem(at + key, "must be true or false, got " + v);
            return fallback;
        }
        return v.asBoolean();
    }

    /** A path, resolved against the configuration's directory; null when absent. */
    Path path(JsonNode node, String key, String at) {
        String s = text(node, key, at, null);
        if (s == null) {
            return null;
        }
        if (s.isBlank()) {
            problem(at + key, "must not be empty");
            return null;
        }
        return base.resolve(s).normalize();
    }

    List<Path> paths(JsonNode node, String key, String at) {
        JsonNode v = node.path(key);
        List<Path> out = new ArrayList<>();
        if (v.isMissingNode() || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problem(at + key, "must be a list of paths");
            return out;
        }
        for (JsonNode p : v) {
            if (!p.isTextual() || p.asText().isBlank()) {
                problem(at + key, "must be a list of paths, got " + p);
            } else {
                out.add(base.resolve(p.asText()).toAbsolutePath().normalize());
            }
        }
        return out;
    }
}
