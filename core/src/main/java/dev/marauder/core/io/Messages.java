package dev.marauder.core.io;

/** Error text fit for a one-line message to a user. */
public final class Messages {
    private Messages() {}

    /** {@code text} on one line, control characters escaped, cut to {@code max} characters. */
    public static String oneLine(String text, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            if (b.length() >= max) {
                b.setLength(max);
                return b.append("...").toString();
            }
            char c = text.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code text} on one line, at most 300 characters. */
    public static String oneLine(String text) {
        return oneLine(text, 300);
    }

    /** The first line of a throwable's message (its class name when it has none). */
    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return oneLine(nl < 0 ? m : m.substring(0, nl));
    }
}
