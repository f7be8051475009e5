package dev.gatewaybridge.api;

import java.util.Set;

/**
 * The rules a response status line and header must meet before any byte of them is sent, shared by the
 * servlet, the validator and every bridge. Each check throws {@link IllegalArgumentException} with a
 * message naming the offending value, so one log line is enough to find the culprit.
 */
public final class HeaderRules {

    private HeaderRules() {
    }

    /**
     * Hop-by-hop headers (RFC 9110 §7.6.1, RFC 2616 §13.5.1): they describe one connection, which belongs
     * to the container. PEP 3333: "applications and middleware are forbidden from using HTTP/1.1
     * hop-by-hop features or headers".
     */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding",
            "upgrade");

    // The same names as an array, scanned without lower-casing: this runs for every header of every response.
    private static final String[] HOP_BY_HOP_NAMES = HOP_BY_HOP.toArray(String[]::new);

    /** RFC 9110 §5.6.2 tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
    }

    /** Whether {@code name} is a hop-by-hop header. */
    public static boolean isHopByHop(String name) {
        for (String hop : HOP_BY_HOP_NAMES) {
            if (hop.length() == name.length() && hop.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks a status line and returns its code.
     *
     * @throws IllegalArgumentException unless {@code status} is "NNN Reason" with a final (2xx–5xx) code
     */
    public static int checkStatus(String status) {
        if (status == null) {
            throw new IllegalArgumentException("status is null");
        }
        // PEP 3333: "NNN Reason"; the reason phrase may be empty but the space is required.
        if (status.length() < 4 || !digit(status, 0, '1', '5') || !digit(status, 1, '0', '9')
                || !digit(status, 2, '0', '9') || status.charAt(3) != ' ' || !isText(status, 4)) {
            throw new IllegalArgumentException("status must be \"NNN Reason\" with no control bytes: "
                    + quote(status));
        }
        int code = (status.charAt(0) - '0') * 100 + (status.charAt(1) - '0') * 10 + (status.charAt(2) - '0');
        if (code < 200) {
            // A 1xx is interim (RFC 9110 §15.2); the container sends those itself.
            throw new IllegalArgumentException("status must be final (200-599), not interim: " + quote(status));
        }
        return code;
    }

    /**
     * Checks one response header: a token name, not hop-by-hop, and a value of Latin-1 text with no CR, LF
     * or other control byte (they would split the header and let a body value inject headers).
     */
    public static void checkHeader(Header header) {
        checkName(header.name());
        if (isHopByHop(header.name())) {
            throw new IllegalArgumentException("hop-by-hop header not allowed from an application: "
                    + header.name());
        }
        checkValue(header.name(), header.value());
    }

    /** Checks a header name is an RFC 9110 token. */
    public static void checkName(String name) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + quote(name));
        }
    }

    /** Checks a header value has no CR, LF, NUL or other control byte but HTAB, and is Latin-1. */
    public static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("header " + name + " has a forbidden character (0x"
                        + Integer.toHexString(c) + ") in its value: " + quote(value));
            }
        }
    }

    /** Whether a request header name would be spoofable as CGI variable: '_' maps onto '-' (nginx, Apache). */
    public static boolean hasUnderscore(String name) {
        return name.indexOf('_') >= 0;
    }

    /** A printable, escaped rendering of an offending value for a log line. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        int limit = Math.min(value.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    /** Whether {@code s} is a non-empty RFC 9110 token. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(String s, int i, char low, char high) {
        char c = s.charAt(i);
        return c >= low && c <= high;
    }

    /** Reason-phrase text from {@code from}: HTAB, SP, VCHAR, obs-text; no other control byte (RFC 9112 §4). */
    private static boolean isText(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
