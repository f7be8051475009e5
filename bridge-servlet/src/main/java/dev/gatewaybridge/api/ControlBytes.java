package dev.gatewaybridge.api;

/**
 * The one rule for control bytes in what reaches an application or a program: a security default, the same on
 * every container and for every bridge.
 *
 * <p>Why: a newline in the path is how CVE-2019-11043 broke nginx's split regex ({@code .} stops at it) and ran
 * php-fpm out of bounds; CR/LF in anything that becomes a header or a CGI variable splits it (response splitting,
 * RFC 9112 §2.2 forbids them); NUL truncates C strings and cannot travel in SCGI at all. Jetty refuses such a path
 * itself; Tomcat decodes it and handed the CGI bridge the script without its PATH_INFO, so the script ran.
 */
public final class ControlBytes {

    private ControlBytes() {
    }

    /**
     * 400 for CR, LF, NUL, any other C0 control or DEL, or a Unicode line separator in {@code value}; a tab is
     * allowed in a header value only ({@code what} other than "path").
     */
    public static void reject(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 && (c != '\t' || what.equals("path")) || c == 0x7f;
            boolean lineSeparator = c == 0x85 || c == 0x2028 || c == 0x2029;
            if (control || lineSeparator) {
                throw new HttpStatusException(400, "control character 0x" + Integer.toHexString(c) + " in "
                        + what + ": " + HeaderRules.quote(value));
            }
        }
    }

    /**
     * The 400 for a request whose path has a control byte, decoded ({@code scriptName}, {@code pathInfo}) or
     * percent-escaped in the raw {@code requestUri} before its query (a container may drop what it decoded);
     * null when the path is clean.
     */
    public static HttpStatusException inPath(String scriptName, String pathInfo, String requestUri) {
        try {
            reject("path", scriptName);
            reject("path", pathInfo);
        } catch (HttpStatusException e) {
            return e;
        }
        int end = requestUri.indexOf('?');
        end = end < 0 ? requestUri.length() : end;
        for (int i = requestUri.indexOf('%'); i >= 0 && i + 2 < end; i = requestUri.indexOf('%', i + 1)) {
            int byteValue = hex(requestUri.charAt(i + 1)) * 16 + hex(requestUri.charAt(i + 2));
            if (byteValue >= 0 && (byteValue < 0x20 || byteValue == 0x7f)) {
                return new HttpStatusException(400, "control character 0x" + Integer.toHexString(byteValue)
                        + " escaped in path: " + HeaderRules.quote(requestUri.substring(0, end)));
            }
        }
        return null;
    }

    /** The value of a hex digit, or a large negative number for anything else. */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1000;
    }
}
