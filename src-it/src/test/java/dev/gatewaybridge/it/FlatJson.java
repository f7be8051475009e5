package dev.gatewaybridge.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the flat JSON object /sample/environ prints: string, number, boolean and array members only. */
final class FlatJson {

    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    static Map<String, Object> parse(String text) {
        FlatJson json = new FlatJson(text);
        Map<String, Object> object = new LinkedHashMap<>();
        json.expect('{');
        if (json.peek() == '}') {
            return object;
        }
        do {
            String key = json.string();
            json.expect(':');
            object.put(key, json.value());
        } while (json.next() == ',');
        json.at--;
        json.expect('}');
        return object;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '[') {
            return array();
        }
        int start = at;
        while (at < text.length() && ",}]".indexOf(text.charAt(at)) < 0 && !Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        String literal = text.substring(start, at);
        return switch (literal) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> literal.contains(".") ? (Object) Double.valueOf(literal) : (Object) Long.valueOf(literal);
        };
    }

    /** An array of values (wsgi.version). */
    private List<Object> array() {
        expect('[');
        List<Object> values = new ArrayList<>();
        if (peek() == ']') {
            at++;
            return values;
        }
        do {
            values.add(value());
        } while (next() == ',');
        at--;
        expect(']');
        return values;
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
            if (c == '\\') {
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> {
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> s.append(e);
                }
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private char peek() {
        while (Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + (at - 1) + " in " + text);
        }
    }
}
