package dev.gatewaybridge.bridge;

import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;

/** How much of {@code wsgi.input} is the request body: the one rule the bridges (CGI, FastCGI, SCGI) share. */
public final class BodyLength {

    /** {@link #of}'s answer for a body that ends where {@code wsgi.input} ends. */
    public static final long UNTIL_END = -1;

    private static final String HTTP_TRANSFER_ENCODING = Environ.httpKey("Transfer-Encoding");

    private BodyLength() {
    }

    /**
     * CONTENT_LENGTH when it is set; else {@link #UNTIL_END} for a body the server terminates (PEP 3333's
     * {@code wsgi.input_terminated}) that needs no length: a chunked one, or any of HTTP/2 and later, whose
     * bodies need neither header; else 0, as an HTTP/1.x request with neither Content-Length nor
     * Transfer-Encoding has no body (RFC 9112 §6.3), and no one need read to find that out.
     *
     * @throws HttpStatusException 400 if CONTENT_LENGTH is not a non-negative number
     */
    public static long of(Map<String, Object> environ) {
        String declared = Environ.get(environ, Environ.CONTENT_LENGTH, "");
        if (!declared.isEmpty()) {
            try {
                long length = Long.parseLong(declared.trim());
                if (length >= 0) {
                    return length;
                }
            } catch (NumberFormatException e) {
                // a 400 below
            }
            throw new HttpStatusException(400, "bad CONTENT_LENGTH " + HeaderRules.quote(declared));
        }
        if (!Boolean.TRUE.equals(environ.get(Environ.WSGI_INPUT_TERMINATED))) {
            return 0;
        }
        boolean http1 = Environ.get(environ, Environ.SERVER_PROTOCOL, "HTTP/1.1").startsWith("HTTP/1.");
        return http1 && !environ.containsKey(HTTP_TRANSFER_ENCODING) ? 0 : UNTIL_END;
    }

    /** Whether the request says its body is chunked (HTTP/1.1), so that it has one even if empty. */
    static boolean chunked(Map<String, Object> environ) {
        return environ.containsKey(HTTP_TRANSFER_ENCODING);
    }
}
