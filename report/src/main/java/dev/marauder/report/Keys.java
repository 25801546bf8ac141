package dev.marauder.report;

import java.util.regex.Pattern;

/** The one rule for ids and JSON keys: lower snake_case. */
final class Keys {
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    private Keys() {}

    static boolean isSnakeCase(String key) {
        return key != null && SNAKE_CASE.matcher(key).matches();
    }

    /** Returns {@code key} or throws naming {@code what} and the offending value. */
    static String requireSnakeCase(String key, String what) {
        if (!isSnakeCase(key)) {
            throw new IllegalArgumentException(
                    what + " must be lower snake_case ([a-z][a-z0-9]*(_[a-z0-9]+)*), got: " + quote(key));
        }
        return key;
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
