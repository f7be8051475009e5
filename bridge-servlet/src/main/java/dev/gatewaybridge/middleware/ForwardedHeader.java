package dev.gatewaybridge.middleware;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The RFC 7239 {@code Forwarded} header: a list of elements, each {@code pair *( ";" pair )}. */
final class ForwardedHeader {

    private ForwardedHeader() {
    }

    /**
     * The elements of {@code value}, each a map of lower-cased parameter names to unquoted values; null if the
     * value is malformed (RFC 7239 §4: token "=" ( token / quoted-string )), so none of it is trusted.
     */
    static List<Map<String, String>> parse(String value) {
        List<Map<String, String>> elements = new ArrayList<>();
        Map<String, String> element = new HashMap<>();
        int i = 0;
        int n = value.length();
        while (i <= n) {
            i = skipSpaces(value, i);
            if (i < n && value.charAt(i) != ',' && value.charAt(i) != ';') {
                int eq = value.indexOf('=', i);
                if (eq < 0) {
                    return null;
                }
                String name = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                StringBuilder v = new StringBuilder();
                i = readValue(value, eq + 1, v);
                if (i < 0 || name.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9a-z-]+")
                        || element.put(name, v.toString()) != null) {
                    return null; // RFC 7239 §4: a parameter must not occur more than once per element
                }
                i = skipSpaces(value, i);
            }
            if (i >= n || value.charAt(i) == ',') {
                if (!element.isEmpty()) {
                    elements.add(element);
                }
                element = new HashMap<>();
            } else if (value.charAt(i) != ';') {
                return null;
            }
            i++;
        }
        return elements;
    }

    /** Reads a token or quoted-string from {@code start} into {@code out}; returns the index after it, or -1. */
    private static int readValue(String s, int start, StringBuilder out) {
        int i = start;
        if (i < s.length() && s.charAt(i) == '"') {
            for (i++; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    out.append(s.charAt(++i));
                } else if (c == '"') {
                    return i + 1;
                } else {
                    out.append(c);
                }
            }
            return -1; // unterminated quote
        }
        while (i < s.length() && "!#$%&'*+.^_`|~-".indexOf(s.charAt(i)) >= 0 || i < s.length()
                && Character.isLetterOrDigit(s.charAt(i)) && s.charAt(i) < 0x80) {
            out.append(s.charAt(i++));
        }
        return out.length() == 0 ? -1 : i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
