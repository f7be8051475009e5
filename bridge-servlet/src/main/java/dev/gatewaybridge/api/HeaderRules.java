package dev.gatewaybridge.api;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

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

    // RFC 9110 §5.6.2 token.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    // PEP 3333: "NNN Reason"; the reason phrase may be empty but the space is required.
    private static final Pattern STATUS = Pattern.compile("([1-5][0-9][0-9]) [^\\x00-\\x08\\x0a-\\x1f\\x7f]*");

    /** Whether {@code name} is a hop-by-hop header. */
    public static boolean isHopByHop(String name) {
        return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
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
        var m = STATUS.matcher(status);
        if (!m.matches() || !isLatin1(status)) {
            throw new IllegalArgumentException("status must be \"NNN Reason\" with no control bytes: "
                    + quote(status));
        }
        int code = Integer.parseInt(m.group(1));
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
        if (!TOKEN.matcher(name).matches()) {
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

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }
}
