package dev.marauder.core.data;

import dev.marauder.core.io.DataFormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header dictionary of a {@code .npy} file, parsed and checked.
 *
 * <p>The header is a Python literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. It is parsed here by a
 * small parser for the literal subset NumPy writes (dicts, tuples, lists, strings, integers,
 * {@code True}, {@code False}, {@code None}); nothing is evaluated. As in NumPy, the dictionary
 * must have exactly the keys {@code descr}, {@code fortran_order} and {@code shape}. Integers
 * with a trailing {@code L}, written by NumPy under Python 2, are accepted.
 */
record NpyHeader(NpyDtype dtype, ByteOrder order, int[] shape) {
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** A Python tuple, kept apart from a list because NumPy requires the shape to be a tuple. */
    private record Tuple(List<Object> items) {}

    /** The numeric dtypes a header may name, for messages. */
    static final String SUPPORTED = "|u1, |b1, |i1, <i2, <i4, <i8, <f4, <f8 and their big-endian ('>') forms";

    /**
     * Parses and checks {@code text}.
     *
     * @throws DataFormatException naming {@code source} if the text is not a well-formed header,
     *     names an unsupported dtype, or says the data is in Fortran order
     */
    static NpyHeader parse(String source, String text) {
        Object top = new Parser(source, text).parseAll();
        if (!(top instanceof Map<?, ?> dict)) {
            throw malformed(source, "not a dictionary", text);
        }
        for (Object key : dict.keySet()) {
            if (!KEYS.contains(key)) {
                throw malformed(source, "unexpected key " + python(key), text);
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw malformed(source, "missing key '" + key + "'", text);
            }
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shape = dict.get("shape");
        if (!(fortran instanceof Boolean)) {
            throw malformed(source, "'fortran_order' is " + python(fortran) + ", not True or False", text);
        }
        if (!(descr instanceof String d)) {
            throw new DataFormatException(source + ": unsupported dtype " + DataFiles.oneLine(python(descr), 120)
                    + ": structured (record) dtypes are not supported; supported: " + SUPPORTED);
        }
        NpyDtype dtype;
        ByteOrder order;
        char o = d.isEmpty() ? '?' : d.charAt(0);
        NpyDtype t = d.length() < 2 ? null : NpyDtype.ofCode(d.substring(1));
        boolean orderOk = t != null && (o == '<' || o == '>' || (o == '|' && t.itemSize() == 1));
        if (!orderOk) {
            String why = d.contains("O") ? " (object arrays hold pickled Python objects, which are never loaded)" : "";
            throw new DataFormatException(source + ": unsupported dtype '" + DataFiles.oneLine(d, 40) + "'" + why
                    + "; supported: " + SUPPORTED);
        }
        dtype = t;
        order = o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if ((Boolean) fortran) {
            throw new DataFormatException(source + ": fortran_order is True (column-major data), but only C order"
                    + " is supported; save it with np.save(path, np.ascontiguousarray(a))");
        }
        if (!(shape instanceof Tuple tuple)) {
            throw malformed(source, "'shape' is " + python(shape) + ", not a tuple", text);
        }
        int[] dims = new int[tuple.items().size()];
        for (int i = 0; i < dims.length; i++) {
            Object v = tuple.items().get(i);
            if (!(v instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw malformed(
                        source,
                        "'shape' entry " + i + " is " + python(v) + "; expected an integer from 0 to "
                                + Integer.MAX_VALUE,
                        text);
            }
            dims[i] = (int) (long) n;
        }
        return new NpyHeader(dtype, order, dims);
    }

    /** The header text NumPy would write for {@code descr} and {@code shape}, before padding. */
    static String format(String descr, int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
    }

    private static DataFormatException malformed(String source, String problem, String text) {
        return new DataFormatException(
                source + ": malformed header: " + problem + " in " + DataFiles.oneLine(text.strip(), 200));
    }

    private static String python(Object v) {
        if (v == null) {
            return "None";
        } else if (v instanceof String s) {
            return "'" + s + "'";
        } else if (v instanceof Boolean b) {
            return b ? "True" : "False";
        } else if (v instanceof Tuple t) {
            StringBuilder b = new StringBuilder("(");
            for (Object o : t.items()) {
                b.append(b.length() > 1 ? ", " : "").append(python(o));
            }
            return b.append(t.items().size() == 1 ? ",)" : ")").toString();
        } else if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : l) {
                b.append(b.length() > 1 ? ", " : "").append(python(o));
            }
            return b.append("]").toString();
        } else if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, x) -> b.append(b.length() > 1 ? ", " : "")
                    .append(python(k))
                    .append(": ")
                    .append(python(x)));
            return b.append("}").toString();
        }
        return String.valueOf(v);
    }

    /** Recursive-descent parser for the Python literal subset above. */
    private static final class Parser {
        private final String source;
        private final String s;
        private int pos;
        private int depth;

        Parser(String source, String s) {
            this.source = source;
            this.s = s;
        }

        Object parseAll() {
            Object v = value();
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected text after the dictionary");
            }
            return v;
        }

        /** NumPy headers nest two levels (a dict holding a shape tuple); deeper is not a header. */
        private static final int MAX_DEPTH = 16;

        private Object value() {
            if (++depth > MAX_DEPTH) {
                throw error("values nested more than " + MAX_DEPTH + " deep");
            }
            try {
                return valueAtDepth();
            } finally {
                depth--;
            }
        }

        private Object valueAtDepth() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            } else if (c == '(') {
                return tuple();
            } else if (c == '[') {
                return new ArrayList<>(sequence('[', ']'));
            } else if (c == '\'' || c == '"') {
                return string(c);
            } else if (c == '-' || c == '+' || Character.isDigit(c)) {
                return integer();
            } else if (Character.isLetter(c)) {
                int start = pos;
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                String word = s.substring(start, pos);
                switch (word) {
                    case "True":
                        return Boolean.TRUE;
                    case "False":
                        return Boolean.FALSE;
                    case "None":
                        return null;
                    default:
                        pos = start;
                        throw error("unexpected name '" + word + "'");
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<Object, Object> dict() {
            pos++; // '{'
            Map<Object, Object> map = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return map;
                }
                int keyAt = pos;
                Object key = value();
                if (map.containsKey(key)) {
                    pos = keyAt;
                    throw error("duplicate key " + python(key));
                }
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Object tuple() {
            int start = pos;
            List<Object> items = sequence('(', ')');
            // "(3)" is the number 3 in Python; only "(3,)" is a one-element tuple
            boolean trailingComma = s.substring(start, pos - 1).strip().endsWith(",");
            if (items.size() == 1 && !trailingComma) {
                return items.get(0);
            }
            return new Tuple(items);
        }

        private List<Object> sequence(char open, char close) {
            pos++; // open
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != close) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String string(char quote) {
            int start = ++pos;
            while (pos < s.length() && s.charAt(pos) != quote) {
                if (s.charAt(pos) == '\\') {
                    throw error("escape sequences in strings are not supported");
                }
                pos++;
            }
            if (pos >= s.length()) {
                pos = start - 1;
                throw error("unterminated string");
            }
            return s.substring(start, pos++);
        }

        private Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == digits) {
                pos = start;
                throw error("expected a number");
            }
            String text = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long literal
            }
            if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos = start;
                throw error("expected an integer");
            }
            try {
                return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("integer " + text + " is too large");
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private DataFormatException error(String problem) {
            return malformed(source, problem + " at character " + pos, s);
        }
    }
}
