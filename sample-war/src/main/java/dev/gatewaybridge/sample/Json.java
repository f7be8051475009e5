package dev.gatewaybridge.sample;

import java.util.List;
import java.util.Map;

/**
 * A tiny JSON writer (RFC 8259) for flat objects: strings, numbers, booleans and lists of them as themselves,
 * anything else as its class name, so an environ with streams and writers in it still prints.
 */
final class Json {

    private Json() {
    }

    /** {@code object} as one JSON object, keys in the map's order, one member per line. */
    static String object(Map<String, ?> object) {
        StringBuilder out = new StringBuilder("{");
        String separator = "\n  ";
        for (Map.Entry<String, ?> member : object.entrySet()) {
            out.append(separator);
            string(out, member.getKey());
            out.append(": ");
            value(out, member.getValue());
            separator = ",\n  ";
        }
        return out.append("\n}\n").toString();
    }

    /** One value: a number or boolean as itself, a string quoted, a list an array, anything else its class name. */
    static void value(StringBuilder out, Object value) {
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            out.append(n);
        } else if (value instanceof CharSequence s) {
            string(out, s);
        } else if (value instanceof List<?> list) {
            array(out, list); // wsgi.version, PEP 3333's tuple (1, 0)
        } else {
            string(out, value == null ? "null" : value.getClass().getName());
        }
    }

    /** A list as a JSON array of its values. */
    static void array(StringBuilder out, List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ", ");
            value(out, list.get(i));
        }
        out.append(']');
    }

    /** {@code s} as a JSON string; RFC 8259 §7: quote, backslash and control characters escaped. */
    static void string(StringBuilder out, CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
