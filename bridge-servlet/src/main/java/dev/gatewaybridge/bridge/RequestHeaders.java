package dev.gatewaybridge.bridge;

import dev.gatewaybridge.api.Environ;

/** Which request headers, as {@code HTTP_*} variables, a bridge passes to its backend: one rule for the three. */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /**
     * Whether the environ entry {@code key} is a request header variable that goes to the backend. Never
     * HTTP_PROXY: httpoxy (CVE-2016-5385), a "Proxy:" request header would become the variable CGI-era
     * libraries read as their outgoing proxy. Never HTTP_PROXY_AUTHORIZATION: credentials for a proxy, not for
     * the application (RFC 9110 §11.7.2; Apache does not pass it to CGI). Not HTTP_CONTENT_TYPE/LENGTH: they
     * travel without the prefix (RFC 3875 §4.1.18 "SHOULD NOT" duplicate them). A bridge may keep back more
     * (FastCGI and SCGI: HTTP_TRANSFER_ENCODING, as nginx), never less.
     */
    public static boolean forwarded(String key) {
        return isHttpKey(key) && switch (key) {
            case "HTTP_PROXY", "HTTP_PROXY_AUTHORIZATION", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH" -> false;
            default -> true;
        };
    }

    /** {@code HTTP_} and then one or more of {@code [A-Z0-9_]}: the form the environ builder gives header names. */
    static boolean isHttpKey(String key) {
        if (key.length() <= Environ.HTTP_PREFIX.length() || !key.startsWith(Environ.HTTP_PREFIX)) {
            return false;
        }
        for (int i = Environ.HTTP_PREFIX.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
